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

/* Allocate *left to open invoices of sub, oldest first. */
static int pay_allocate(MDB_txn *txn, struct store *st, struct pay_rec *p,
			rp_t *left)
{
	static __thread struct inv_rec inv;
	struct numbers ns = { .max = PAY_SCAN_MAX };
	int i, err;

	ns.num = calloc(PAY_SCAN_MAX, INV_NUM_MAX);
	if (!ns.num)
		return -ENOMEM;
	err = invoice_foreach_sub(txn, st, p->sub, collect_cb, &ns);
	if (err < 0)
		goto out;
	err = 0;
	for (i = 0; i < ns.n && *left > 0 && p->nalloc < PAY_ALLOC_MAX; i++) {
		rp_t x;

		err = invoice_get(txn, st, ns.num[i], &inv);
		if (err)
			goto out;
		if (inv.status != INV_ISSUED && inv.status != INV_PARTIAL)
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

int pay_apply(MDB_txn *txn, struct store *st, const char *sub, rp_t amount,
	      int method, const char *ref, const void *raw, size_t raw_len,
	      int64_t now, const char *actor, struct pay_rec *out)
{
	struct pay_rec *p = NULL;
	struct sub_rec r;
	uint8_t key[SUB_ID_MAX + 1 + 8 + PAY_REF_MAX];
	size_t n;
	rp_t left = amount;
	json_t *detail;
	int err;

	if (amount <= 0 || pay_ref_check(ref) || method < PAY_CASH ||
	    method > PAY_GATEWAY || raw_len > PAY_RAW_MAX || !actor)
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

	p = calloc(1, sizeof(*p) + raw_len);
	if (!p)
		return -ENOMEM;
	p->version = PAY_REC_VERSION;
	p->method = method;
	snprintf(p->ref, sizeof(p->ref), "%s", ref);
	snprintf(p->sub, sizeof(p->sub), "%s", sub);
	snprintf(p->actor, sizeof(p->actor), "%s", actor);
	p->time = now;
	p->amount = amount;
	p->raw_len = raw_len;
	if (raw_len)
		memcpy(p + 1, raw, raw_len);

	err = pay_allocate(txn, st, p, &left);
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
	err = store_put(txn, st, DB_PAYMENTS, ref, strlen(ref), p,
			sizeof(*p) + raw_len, MDB_NOOVERWRITE);
	if (err)
		goto out;
	n = strlen(sub);
	memcpy(key, sub, n);
	key[n] = '\0';
	bei64_put(key + n + 1, now);
	memcpy(key + n + 9, ref, strlen(ref));
	err = store_put(txn, st, DB_PAY_SUB, key, n + 9 + strlen(ref), "", 0,
			0);
	if (err)
		goto out;
	detail = json_pack("{s:s, s:I, s:s, s:I}", "ref", ref, "amount",
			   (json_int_t)amount, "method", pay_method_str(method),
			   "to_balance", (json_int_t)left);
	err = audit_write(txn, st, now, actor, "payment", sub, NULL, detail);
	json_decref(detail);
	if (err)
		goto out;
	/* isolir owner's hook (billing/dunning.c): a payment that clears the
	 * overdue lifts a dunning suspension in this same txn (and bumps
	 * policy_gen, which tagih-agent follows). */
	err = dunning_after_payment(txn, st, sub, now, actor);
	if (err < 0)
		goto out;
	memcpy(out, p, sizeof(*out));
	err = 1;
out:
	free(p);
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
	rc = store_cursor_open(txn, st, sub ? DB_PAY_SUB : DB_PAYMENTS, &cur);
	if (rc)
		return store_err(rc, "cursor");
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
		err = store_err(rc, "cursor");
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
	if (inv.status == INV_ISSUED || inv.status == INV_PARTIAL) {
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
