// SPDX-License-Identifier: GPL-2.0
/* pay.c - payments: receipts, oldest-first allocation, balance. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "lib/log.h"
#include "billing/dunning.h"
#include "billing/pay.h"
#include "billing/prepaid.h"

#define PAY_SCAN_MAX 256	/* open invoices considered per payment */

int pay_ref_check(const char *ref)
{
	size_t n = ref ? strlen(ref) : 0, i;

	if (n < 1 || n > PAY_REF_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (ref[i] <= ' ' || ref[i] > '~')
			return -EINVAL;
	return 0;
}

static const char *const pay_methods[] = { "cash", "transfer", "gateway" };

int pay_method_parse(const char *s, int *method)
{
	int i;

	for (i = 0; s && i < 3; i++) {
		if (!strcmp(s, pay_methods[i])) {
			*method = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pay_method_str(int method)
{
	return method >= 0 && method < 3 ? pay_methods[method] : "?";
}

static const char *const pay_kinds[PAY_KIND__MAX] = {
	[PAY_KIND_PAYMENT] = "payment",
	[PAY_KIND_CREDIT] = "credit",
	[PAY_KIND_REVERSAL] = "reversal",
};

const char *pay_kind_str(int kind)
{
	return kind >= 0 && kind < PAY_KIND__MAX ? pay_kinds[kind] : "?";
}

int pay_get(MDB_txn *txn, struct store *st, const char *ref,
	    struct pay_rec *out)
{
	MDB_val v;
	int err;

	if (pay_ref_check(ref))
		return -ENOENT;
	err = store_get(txn, st, DB_PAYMENTS, ref, strlen(ref), &v);
	if (err)
		return err;
	if (v.mv_size < sizeof(*out))
		return -EIO;
	memcpy(out, v.mv_data, sizeof(*out));
	if (v.mv_size != sizeof(*out) + out->raw_len)
		return -EIO;
	return 0;
}

struct numbers {
	char (*num)[INV_NUM_MAX];
	int n, max;
};

static int collect_cb(const char *number, void *ctx)
{
	struct numbers *ns = ctx;

	if (ns->n >= ns->max)
		return 1;
	snprintf(ns->num[ns->n++], INV_NUM_MAX, "%s", number);
	return 0;
}

/*
 * Allocate *left to open invoices of sub: first (an order the payer
 * chose, may be NULL) first, then the rest oldest first. Unpaid orders
 * (prepaid receipts) other than first are not debts: skipped.
 */
static int pay_allocate(MDB_txn *txn, struct store *st, struct pay_rec *p,
			rp_t *left, const char *first)
{
	static __thread struct inv_rec inv;
	struct numbers ns = { .max = PAY_SCAN_MAX };
	int i, err;

	ns.num = calloc(PAY_SCAN_MAX, INV_NUM_MAX);
	if (!ns.num)
		return -ENOMEM;
	if (first)
		collect_cb(first, &ns);
	err = invoice_foreach_sub(txn, st, p->sub, collect_cb, &ns);
	if (err < 0)
		goto out;
	err = 0;
	for (i = 0; i < ns.n && *left > 0 && p->nalloc < PAY_ALLOC_MAX; i++) {
		bool chosen = first && i == 0;
		rp_t x;

		if (first && i && !strcmp(ns.num[i], first))
			continue;
		err = invoice_get(txn, st, ns.num[i], &inv);
		if (err == -ENOENT && chosen)
			continue;
		if (err)
			goto out;
		if (inv.status != INV_ISSUED && inv.status != INV_PARTIAL)
			continue;
		if (chosen ? strcmp(inv.sub, p->sub) : prepaid_is_receipt(&inv))
			continue;
		x = inv.total;
		if (money_sub(&x, inv.paid)) {
			err = -ERANGE;
			goto out;
		}
		if (x <= 0)
			continue;
		if (x > *left)
			x = *left;
		err = money_add(&inv.paid, x);
		if (err)
			goto out;
		invoice_settle_status(&inv);
		err = invoice_put(txn, st, &inv);
		if (err)
			goto out;
		memcpy(p->alloc[p->nalloc].number, inv.number, INV_NUM_MAX);
		p->alloc[p->nalloc++].amount = x;
		*left -= x;
	}
out:
	free(ns.num);
	return err;
}

/* The DB_PAY_SUB index entry and the record itself. */
static int pay_put(MDB_txn *txn, struct store *st, const struct pay_rec *p)
{
	uint8_t key[SUB_ID_MAX + 1 + 8 + PAY_REF_MAX];
	size_t n = strlen(p->sub), rl = strlen(p->ref);
	int err;

	err = store_put(txn, st, DB_PAYMENTS, p->ref, rl, p,
			sizeof(*p) + p->raw_len, MDB_NOOVERWRITE);
	if (err)
		return err;
	memcpy(key, p->sub, n);
	key[n] = '\0';
	bei64_put(key + n + 1, p->time);
	memcpy(key + n + 9, p->ref, rl);
	return store_put(txn, st, DB_PAY_SUB, key, n + 9 + rl, "", 0, 0);
}

static struct pay_rec *pay_new(const char *sub, int method, int kind,
			       const char *ref, const void *raw,
			       size_t raw_len, int64_t now, const char *actor)
{
	struct pay_rec *p = calloc(1, sizeof(*p) + raw_len);

	if (!p)
		return NULL;
	p->version = PAY_REC_VERSION;
	p->method = method;
	p->kind = kind;
	snprintf(p->ref, sizeof(p->ref), "%s", ref);
	snprintf(p->sub, sizeof(p->sub), "%s", sub);
	snprintf(p->actor, sizeof(p->actor), "%s", actor);
	p->time = now;
	p->raw_len = raw_len;
	if (raw_len)
		memcpy(p + 1, raw, raw_len);
	return p;
}

int pay_apply(MDB_txn *txn, struct store *st, const char *sub, rp_t amount,
	      int method, const char *ref, const void *raw, size_t raw_len,
	      int64_t now, const char *actor, struct pay_rec *out)
{
	return pay_apply_kind(txn, st, sub, amount, method, PAY_KIND_PAYMENT,
			      ref, raw, raw_len, now, actor, out);
}

int pay_apply_kind(MDB_txn *txn, struct store *st, const char *sub,
		   rp_t amount, int method, int kind, const char *ref,
		   const void *raw, size_t raw_len, int64_t now,
		   const char *actor, struct pay_rec *out)
{
	return pay_apply_for(txn, st, sub, NULL, amount, method, kind, ref,
			     raw, raw_len, now, actor, out);
}

int pay_apply_for(MDB_txn *txn, struct store *st, const char *sub,
		  const char *first, rp_t amount, int method, int kind,
		  const char *ref, const void *raw, size_t raw_len,
		  int64_t now, const char *actor, struct pay_rec *out)
{
	struct pay_rec *p = NULL;
	struct sub_rec r;
	rp_t left = amount;
	json_t *detail;
	int err;

	if (amount <= 0 || pay_ref_check(ref) || method < PAY_CASH ||
	    method > PAY_GATEWAY || raw_len > PAY_RAW_MAX || !actor ||
	    (kind != PAY_KIND_PAYMENT && kind != PAY_KIND_CREDIT))
		return -EINVAL;
	if (amount > RP_AMOUNT_MAX)
		return -ERANGE;
	err = sub_get(txn, st, sub, &r);
	if (err)
		return err;

	err = pay_get(txn, st, ref, out);
	if (!err) {
		if (strcmp(out->sub, sub) || out->amount != amount)
			return -EEXIST;
		return 0;	/* already applied: gateways retry */
	}
	if (err != -ENOENT)
		return err;

	p = pay_new(sub, method, kind, ref, raw, raw_len, now, actor);
	if (!p)
		return -ENOMEM;
	p->amount = amount;
	err = pay_allocate(txn, st, p, &left, first);
	if (err)
		goto out;
	/* prepaid: grant the orders it paid, buy periods with the rest */
	err = prepaid_after_payment(txn, st, p, &left, now, actor);
	if (err < 0)
		goto out;
	err = sub_get(txn, st, sub, &r);	/* the hook may have moved it */
	if (err)
		goto out;
	p->to_balance = left;
	if (left) {
		/* checked: a balance that would wrap refuses the payment */
		err = money_add(&r.balance, left);
		if (err)
			goto out;
		err = sub_put(txn, st, &r);
		if (err)
			goto out;
	}
	err = pay_put(txn, st, p);
	if (err)
		goto out;
	detail = json_pack("{s:s, s:I, s:s, s:I, s:s}", "ref", ref, "amount",
			   (json_int_t)amount, "method", pay_method_str(method),
			   "to_balance", (json_int_t)left, "kind",
			   pay_kind_str(kind));
	err = audit_write(txn, st, now, actor,
			  kind == PAY_KIND_CREDIT ? "payment_credit" :
						    "payment", sub, NULL,
			  detail);
	json_decref(detail);
	if (err)
		goto out;
	/* isolir owner's hook (billing/dunning.c): a payment that clears the
	 * overdue lifts a dunning suspension in this same txn (and bumps
	 * policy_gen, which tagih-agent follows). The one call for every
	 * way of paying: the CLI, webhooks, credits. */
	err = dunning_after_payment(txn, st, sub, now, actor);
	if (err < 0)
		goto out;
	memcpy(out, p, sizeof(*out));
	err = 1;
out:
	free(p);
	return err;
}

int pay_reversed(MDB_txn *txn, struct store *st, const char *ref,
		 rp_t *sum, int *count)
{
	char rref[PAY_REF_MAX + 8];
	struct pay_rec *r;
	int i, err = 0;

	*sum = 0;
	*count = 0;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 1; i <= PAY_REVERSAL_MAX; i++) {
		snprintf(rref, sizeof(rref), "%s" PAY_REVERSAL_SEP "%d", ref, i);
		if (strlen(rref) > PAY_REF_MAX)
			break;
		err = pay_get(txn, st, rref, r);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err)
			break;
		if (r->kind != PAY_KIND_REVERSAL || r->amount >= 0 ||
		    money_sub(sum, r->amount)) {
			err = -EIO;
			break;
		}
		(*count)++;
	}
	free(r);
	return err;
}

/* Take up to *left back from invoice number (not void), recording it. */
static int pay_take_back(MDB_txn *txn, struct store *st, struct pay_rec *p,
			 const char *number, rp_t cap, rp_t *left)
{
	static __thread struct inv_rec inv;
	rp_t x;
	int err;

	if (p->nalloc >= PAY_ALLOC_MAX)
		return 0;
	err = invoice_get(txn, st, number, &inv);
	if (err)
		return err;
	if (inv.status == INV_VOID || inv.paid <= 0)
		return 0;
	x = inv.paid < cap ? inv.paid : cap;
	if (x > *left)
		x = *left;
	if (x <= 0)
		return 0;
	inv.paid -= x;
	invoice_settle_status(&inv);
	err = invoice_put(txn, st, &inv);
	if (err)
		return err;
	memcpy(p->alloc[p->nalloc].number, inv.number, INV_NUM_MAX);
	p->alloc[p->nalloc++].amount = -x;
	*left -= x;
	return 0;
}

int pay_reverse(MDB_txn *txn, struct store *st, const char *orig_ref,
		rp_t amount, const char *ref, const void *raw, size_t raw_len,
		int64_t now, const char *actor, struct pay_rec *out)
{
	struct numbers ns = { .max = PAY_SCAN_MAX };
	struct pay_rec *p = NULL, *o = NULL;
	struct sub_rec r;
	rp_t left = amount, done;
	json_t *detail;
	int i, n, err;

	if (amount <= 0 || pay_ref_check(ref) || raw_len > PAY_RAW_MAX ||
	    !actor)
		return -EINVAL;
	err = pay_get(txn, st, ref, out);
	if (!err)
		return out->kind == PAY_KIND_REVERSAL &&
		       out->amount == -amount ? 0 : -EEXIST;
	if (err != -ENOENT)
		return err;
	o = malloc(sizeof(*o));
	if (!o)
		return -ENOMEM;
	err = pay_get(txn, st, orig_ref, o);
	if (!err && o->kind == PAY_KIND_REVERSAL)
		err = -ENOENT;
	if (err)
		goto out;
	err = pay_reversed(txn, st, orig_ref, &done, &n);
	if (err)
		goto out;
	if (money_add(&done, amount) || done > o->amount) {
		err = -ERANGE;
		goto out;
	}
	err = sub_get(txn, st, o->sub, &r);
	if (err)
		goto out;
	p = pay_new(o->sub, o->method, PAY_KIND_REVERSAL, ref, raw, raw_len,
		    now, actor);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	p->amount = -amount;
	/* the invoices it paid, latest first: they open again */
	for (i = o->nalloc; i-- > 0 && left > 0;) {
		err = pay_take_back(txn, st, p, o->alloc[i].number,
				    o->alloc[i].amount, &left);
		if (err)
			goto out;
	}
	/* then the balance it left (or what is left of it) */
	if (left > 0 && r.balance > 0) {
		rp_t y = r.balance < left ? r.balance : left;

		r.balance -= y;
		p->to_balance = -y;
		left -= y;
		err = sub_put(txn, st, &r);
		if (err)
			goto out;
	}
	/* that balance already paid later invoices: newest first */
	if (left > 0) {
		ns.num = calloc(PAY_SCAN_MAX, INV_NUM_MAX);
		if (!ns.num) {
			err = -ENOMEM;
			goto out;
		}
		err = invoice_foreach_sub(txn, st, o->sub, collect_cb, &ns);
		if (err < 0)
			goto out;
		err = 0;
		for (i = ns.n; i-- > 0 && left > 0;) {
			err = pay_take_back(txn, st, p, ns.num[i], left, &left);
			if (err)
				goto out;
		}
	}
	if (left > 0) {
		err = -ERANGE;
		goto out;
	}
	err = pay_put(txn, st, p);
	if (err)
		goto out;
	detail = json_pack("{s:s, s:s, s:I, s:I}", "ref", ref, "reverses",
			   orig_ref, "amount", (json_int_t)-amount,
			   "from_balance", (json_int_t)-p->to_balance);
	err = audit_write(txn, st, now, actor, "payment_reversal", o->sub,
			  p->nalloc ? p->alloc[0].number : NULL, detail);
	json_decref(detail);
	if (err)
		goto out;
	memcpy(out, p, sizeof(*out));
	err = 1;
out:
	free(ns.num);
	free(p);
	free(o);
	return err;
}

int pay_foreach(MDB_txn *txn, struct store *st, const char *sub,
		int (*cb)(const struct pay_rec *p, void *ctx), void *ctx)
{
	MDB_cursor *cur;
	MDB_val k, v;
	struct pay_rec p;
	uint8_t key[SUB_ID_MAX + 2];
	char ref[PAY_REF_MAX + 1];
	size_t n = sub ? strlen(sub) : 0;
	int rc, err = 0;

	if (n > SUB_ID_MAX)
		return -EINVAL;
	err = store_cursor_open(txn, st, sub ? DB_PAY_SUB : DB_PAYMENTS, &cur);
	if (err)
		return err;
	if (sub) {
		memcpy(key, sub, n);
		key[n] = '\0';
		k.mv_size = n + 1;
		k.mv_data = key;
		rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	} else {
		rc = store_cursor_get(cur, &k, &v, MDB_FIRST);
	}
	for (; !rc; rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (sub) {
			size_t m;

			if (k.mv_size <= n + 9 || memcmp(k.mv_data, key, n + 1))
				break;
			m = k.mv_size - n - 9;
			if (m > PAY_REF_MAX) {
				err = -EIO;
				break;
			}
			memcpy(ref, (char *)k.mv_data + n + 9, m);
			ref[m] = '\0';
			err = pay_get(txn, st, ref, &p);
		} else {
			if (v.mv_size < sizeof(p)) {
				err = -EIO;
				break;
			}
			memcpy(&p, v.mv_data, sizeof(p));
		}
		if (!err)
			err = cb(&p, ctx);
		if (err)
			break;
	}
	if (rc && rc != -ENOENT)
		err = rc;
	mdb_cursor_close(cur);
	return err;
}

struct open_ctx {
	MDB_txn *txn;
	struct store *st;
	rp_t open;
	int n;
};

static int open_cb(const char *number, void *ctx)
{
	static __thread struct inv_rec inv;
	struct open_ctx *oc = ctx;
	int err = invoice_get(oc->txn, oc->st, number, &inv);

	if (err)
		return err;
	/* an unpaid prepaid order is an offer, not a debt */
	if ((inv.status == INV_ISSUED || inv.status == INV_PARTIAL) &&
	    !prepaid_is_receipt(&inv)) {
		rp_t open = inv.total;

		if (money_sub(&open, inv.paid) || money_add(&oc->open, open))
			return -ERANGE;
		oc->n++;
	}
	return 0;
}

int pay_outstanding(MDB_txn *txn, struct store *st, const char *sub,
		    rp_t *open, int *n_open)
{
	struct open_ctx oc = { txn, st, 0, 0 };
	int err = invoice_foreach_sub(txn, st, sub, open_cb, &oc);

	if (err)
		return err;
	*open = oc.open;
	*n_open = oc.n;
	return 0;
}
