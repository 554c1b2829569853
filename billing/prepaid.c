// SPDX-License-Identifier: GPL-2.0
/* prepaid.c - masa aktif: orders and receipts, grants, expiry isolir and reminders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "billing/audit.h"
#include "billing/dunning.h"
#include "billing/outbox.h"
#include "billing/pack.h"
#include "billing/pay.h"
#include "billing/prepaid.h"
#include "billing/rate.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "lib/vec.h"

#define ORDER_KEY "order/"
#define PREPAID_AUTO_MAX 12	/* periods one payment may buy */

/* The receipt terms of this process (prepaid_configure). */
static struct {
	bool set;
	bool npwp;
	int tax_mode;
	int64_t ppn_bp;
	char prefix[24];
} pp_conf;

int prepaid_configure(const struct tagih_conf *c, const char **why)
{
	const char *pfx = c->receipt_prefix ? c->receipt_prefix : "KW";
	size_t i, n = strlen(pfx);

	if (rate_tax_mode_parse(c->tax_mode, &pp_conf.tax_mode)) {
		*why = "tax_mode is not exclusive, inclusive or none";
		return -EINVAL;
	}
	if (n < 1 || n > 20) {
		*why = "receipt_prefix: 1..20 of A-Z a-z 0-9 . _ -";
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789._-", pfx[i])) {
			*why = "receipt_prefix: 1..20 of A-Z a-z 0-9 . _ -";
			return -EINVAL;
		}
	if (c->invoice_prefix && !strcmp(c->invoice_prefix, pfx)) {
		*why = "receipt_prefix must differ from invoice_prefix";
		return -EINVAL;
	}
	pp_conf.ppn_bp = c->ppn_bp;
	pp_conf.npwp = c->operator_npwp && *c->operator_npwp;
	snprintf(pp_conf.prefix, sizeof(pp_conf.prefix), "%s", pfx);
	pp_conf.set = true;
	return 0;
}

/* -ENOKEY: not configured; -EPERM: PPN without operator_npwp. */
static int pp_terms_ok(void)
{
	if (!pp_conf.set)
		return -ENOKEY;
	if (pp_conf.tax_mode != TAX_NONE && pp_conf.ppn_bp && !pp_conf.npwp)
		return -EPERM;
	return 0;
}

int prepaid_price_total(rp_t price, rp_t *total)
{
	rp_t sub, tax;
	int err = pp_terms_ok();

	return err ? err : rate_tax(pp_conf.tax_mode, pp_conf.ppn_bp, price,
				    &sub, &tax, total);
}

int prepaid_get(MDB_txn *txn, struct store *st, const char *sub,
		struct prepaid_rec *r)
{
	MDB_val v;
	int err;

	memset(r, 0, sizeof(*r));
	r->version = PREPAID_REC_VERSION;
	if (sub_id_check(sub))
		return -EINVAL;
	err = store_get(txn, st, DB_PREPAID, sub, strlen(sub), &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	memcpy(r, v.mv_data, v.mv_size < sizeof(*r) ? v.mv_size : sizeof(*r));
	return r->version == PREPAID_REC_VERSION ? 0 : -EIO;
}

int prepaid_put(MDB_txn *txn, struct store *st, const char *sub,
		const struct prepaid_rec *r)
{
	if (sub_id_check(sub))
		return -EINVAL;
	return store_put(txn, st, DB_PREPAID, sub, strlen(sub), r, sizeof(*r),
			 0);
}

int prepaid_plan_of(MDB_txn *txn, struct store *st,
		    const struct sub_rec *rec, struct plan_rec *plan)
{
	struct plan_rec p;
	int err;

	if (!rec->plan[0])
		return 0;
	err = plan_get(txn, st, rec->plan, &p);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (p.terms.type != PLAN_PREPAID)
		return 0;
	if (plan)
		*plan = p;
	return 1;
}

bool prepaid_blocked(MDB_txn *txn, struct store *st,
		     const struct sub_rec *rec, int64_t now)
{
	struct prepaid_rec pr;

	/* only a prepaid line is held by its masa aktif or its quota (one
	 * moved to a postpaid plan keeps old records that mean nothing) */
	if (prepaid_plan_of(txn, st, rec, NULL) != 1)
		return false;
	if (quota_exhausted(txn, st, rec->uid, now))
		return true;
	if (prepaid_get(txn, st, rec->id, &pr))
		return true;	/* unreadable: keep what the wire has */
	return pr.expires <= now;
}

int prepaid_extend(MDB_txn *txn, struct store *st, const char *sub,
		   uint32_t days, uint64_t bytes, int64_t now,
		   const char *actor, const char *source)
{
	struct prepaid_rec pr;
	struct sub_rec rec;
	int64_t from;
	json_t *d;
	int err;

	if (!days || days > PLAN_DAYS_MAX)
		return -EINVAL;
	err = sub_get(txn, st, sub, &rec);
	if (!err)
		err = prepaid_get(txn, st, sub, &pr);
	if (err)
		return err;
	from = pr.expires > now ? pr.expires : now;
	pr.expires = from + (int64_t)days * 86400;
	pr.purchases++;
	pr.updated = now;
	err = prepaid_put(txn, st, sub, &pr);
	if (!err && bytes)
		err = quota_topup(txn, st, rec.uid, bytes, pr.expires, now);
	if (err)
		return err;
	d = json_pack("{sI sI si sI ss}", "from", (json_int_t)from, "expires",
		      (json_int_t)pr.expires, "days", (int)days, "quota_bytes",
		      (json_int_t)bytes, "source", source ? source : "");
	err = audit_write(txn, st, now, actor, "prepaid_extend", sub, NULL, d);
	json_decref(d);
	if (err)
		return err;
	return prepaid_restore_if_clear(txn, st, sub, now, actor);
}

int prepaid_restore_if_clear(MDB_txn *txn, struct store *st, const char *sub,
			     int64_t now, const char *actor)
{
	struct sub_rec rec;
	int err;

	err = sub_get(txn, st, sub, &rec);
	if (err)
		return err;
	if (rec.status != SUB_SUSPENDED ||
	    !dunning_suspended_by_dunning(txn, st, sub) ||
	    prepaid_blocked(txn, st, &rec, now))
		return 0;
	/* invoices past grace still hold it: dunning_after_payment decides */
	err = dunning_after_payment(txn, st, sub, now, actor);
	return err < 0 ? err : 0;
}

/* --- orders and receipts ------------------------------------------------ */

bool prepaid_is_receipt(const struct inv_rec *inv)
{
	return inv->nlines >= 1 && (inv->lines[0].kind == LINE_PREPAID ||
				    inv->lines[0].kind == LINE_PACK);
}

static int order_key(char *buf, size_t n, const char *number)
{
	int len = snprintf(buf, n, "%s%s", ORDER_KEY, number);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : len;
}

static int order_get(MDB_txn *txn, struct store *st, const char *number,
		     struct prepaid_order *o)
{
	char key[16 + INV_NUM_MAX];
	int len = order_key(key, sizeof(key), number), err;
	MDB_val v;

	if (len < 0)
		return len;
	err = store_get(txn, st, DB_META, key, len, &v);
	if (err)
		return err;
	if (v.mv_size != sizeof(*o))
		return -EIO;
	memcpy(o, v.mv_data, sizeof(*o));
	return 0;
}

/* What (kind, name) is and costs, as an order record and a line. */
static int order_item(MDB_txn *txn, struct store *st, int kind,
		      const char *name, struct prepaid_order *o,
		      struct inv_line *l)
{
	char gb[32];
	int err;

	memset(o, 0, sizeof(*o));
	memset(l, 0, sizeof(*l));
	o->version = 1;
	o->kind = kind;
	snprintf(o->name, sizeof(o->name), "%s", name);
	if (kind == ORDER_PLAN) {
		struct plan_rec p;

		err = plan_get(txn, st, name, &p);
		if (err)
			return err;
		if (p.terms.type != PLAN_PREPAID || !p.days)
			return -EINVAL;
		o->days = p.days;
		o->bytes = p.terms.quota_bytes;
		l->kind = LINE_PREPAID;
		snprintf(l->desc, sizeof(l->desc), "Paket %s (%u hari)", name,
			 p.days);
		l->qty = p.days;
		l->unit_price = p.terms.price;
		l->amount = p.terms.price;
		return 0;
	}
	if (kind == ORDER_PACK) {
		struct pack_rec k;

		err = pack_get(txn, st, name, &k);
		if (err)
			return err;
		o->days = k.days;
		o->bytes = k.bytes;
		l->kind = LINE_PACK;
		snprintf(gb, sizeof(gb), "%llu GB",
			 (unsigned long long)(k.bytes / RATE_GB));
		snprintf(l->desc, sizeof(l->desc),
			 "Paket kuota %s %s (%u hari)", name, gb, k.days);
		l->qty = (int64_t)k.bytes;
		l->unit_price = k.price;
		l->amount = k.price;
		return 0;
	}
	return -EINVAL;
}

struct find_order {
	MDB_txn *txn;
	struct store *st;
	int kind;
	const char *name;
	char *number;
	struct inv_rec *inv;
};

static int find_order_cb(const char *number, void *ctx)
{
	struct find_order *f = ctx;
	struct prepaid_order o;
	int err;

	err = order_get(f->txn, f->st, number, &o);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (o.kind != f->kind || strcmp(o.name, f->name))
		return 0;
	err = invoice_get(f->txn, f->st, number, f->inv);
	if (err)
		return err;
	if (f->inv->status != INV_ISSUED && f->inv->status != INV_PARTIAL)
		return 0;
	snprintf(f->number, INV_NUM_MAX, "%s", number);
	return 1;
}

/* The open order for (kind, name) into inv: 1 found, 0 none, -errno. */
static int order_find(MDB_txn *txn, struct store *st, const char *sub,
		      int kind, const char *name, struct inv_rec *inv,
		      char *number)
{
	struct find_order f = { txn, st, kind, name, number, inv };

	return invoice_foreach_sub(txn, st, sub, find_order_cb, &f);
}

/* A new open receipt in *inv (not stored yet): totals, days, PPN. */
static int order_build(MDB_txn *txn, struct store *st, const char *sub,
		       int kind, const char *name, int64_t now,
		       struct inv_rec *inv, struct prepaid_order *o)
{
	int y, m, d, err;

	err = pp_terms_ok();
	if (err)
		return err;
	memset(inv, 0, sizeof(*inv));
	err = order_item(txn, st, kind, name, o, &inv->lines[0]);
	if (err)
		return err;
	inv->nlines = 1;
	snprintf(inv->sub, sizeof(inv->sub), "%s", sub);
	inv->issued = tt_local_day(now);
	inv->due = inv->issued;
	inv->created = now;
	tt_civil_from_days(inv->issued, &y, &m, &d);
	snprintf(inv->period, sizeof(inv->period), "%04d-%02d", y, m);
	/* the days it buys as they stand now: from the current expiry if
	 * that is later (an order paid later starts where masa aktif is) */
	inv->period_from = inv->issued;
	if (kind == ORDER_PLAN) {
		struct prepaid_rec pr;

		err = prepaid_get(txn, st, sub, &pr);
		if (err)
			return err;
		if (pr.expires > now)
			inv->period_from = tt_local_day(pr.expires);
	}
	inv->period_to = inv->period_from + (int32_t)o->days;
	err = invoice_totals(inv, pp_conf.tax_mode, pp_conf.ppn_bp);
	if (err)
		return err;
	invoice_settle_status(inv);
	return 0;
}

/* Number and store a built receipt with its order record. */
static int order_issue(MDB_txn *txn, struct store *st, struct inv_rec *inv,
		       const struct prepaid_order *o)
{
	char key[16 + INV_NUM_MAX];
	int len, err;

	err = invoice_issue(txn, st, inv, pp_conf.prefix);
	if (err)
		return err;
	len = order_key(key, sizeof(key), inv->number);
	if (len < 0)
		return len;
	return store_put(txn, st, DB_META, key, len, o, sizeof(*o),
			 MDB_NOOVERWRITE);
}

int prepaid_order(MDB_txn *txn, struct store *st, const char *sub, int kind,
		  const char *name, int64_t now, char *number, rp_t *total)
{
	static __thread struct inv_rec inv;
	struct prepaid_order o;
	struct sub_rec rec;
	int err;

	err = sub_get(txn, st, sub, &rec);
	if (err)
		return err;
	if (kind == ORDER_PACK) {
		struct quota_rec q;

		/* a pack tops up a quota; an unlimited line has none */
		err = quota_get(txn, st, rec.uid, &q);
		if (err)
			return err == -ENOENT ? -ENOTSUP : err;
	}
	err = order_find(txn, st, sub, kind, name, &inv, number);
	if (err < 0)
		return err;
	if (err == 1) {
		*total = inv.total - inv.paid;
		return 0;
	}
	err = order_build(txn, st, sub, kind, name, now, &inv, &o);
	if (!err)
		err = order_issue(txn, st, &inv, &o);
	if (err)
		return err;
	snprintf(number, INV_NUM_MAX, "%s", inv.number);
	*total = inv.total;
	return 0;
}

int prepaid_grant(MDB_txn *txn, struct store *st, const char *number,
		  int64_t now, const char *actor)
{
	static __thread struct inv_rec inv;
	struct prepaid_order o;
	struct sub_rec rec;
	char key[16 + INV_NUM_MAX], src[16 + INV_NUM_MAX];
	int len, err;

	err = order_get(txn, st, number, &o);
	if (err == -ENOENT)
		return 0;
	if (!err)
		err = invoice_get(txn, st, number, &inv);
	if (err)
		return err;
	if (inv.status != INV_PAID)
		return 0;
	len = order_key(key, sizeof(key), number);
	err = store_del(txn, st, DB_META, key, len);
	if (err)
		return err;
	snprintf(src, sizeof(src), "receipt %s", number);
	if (o.kind == ORDER_PLAN)
		err = prepaid_extend(txn, st, inv.sub, o.days, o.bytes, now,
				     actor, src);
	else {
		err = sub_get(txn, st, inv.sub, &rec);
		if (!err)
			err = quota_topup(txn, st, rec.uid, o.bytes,
					  now + (int64_t)o.days * 86400, now);
		if (!err) {
			json_t *d = json_pack("{ss sI si ss}", "pack", o.name,
					      "bytes", (json_int_t)o.bytes,
					      "days", (int)o.days, "source",
					      src);

			err = audit_write(txn, st, now, actor, "pack_topup",
					  inv.sub, NULL, d);
			json_decref(d);
		}
		if (!err)
			err = prepaid_restore_if_clear(txn, st, inv.sub, now,
						       actor);
	}
	return err ? err : 1;
}

/* Pay receipt inv from *left (recorded in p) then the balance. */
static int receipt_pay(MDB_txn *txn, struct store *st, struct pay_rec *p,
		       struct inv_rec *inv, rp_t *left, struct sub_rec *rec)
{
	rp_t open = inv->total, x, y;

	if (money_sub(&open, inv->paid) || open < 0)
		return -ERANGE;
	x = *left < open ? *left : open;
	y = open - x;
	if (y > rec->balance)
		return -EINVAL;
	if (x) {
		if (p->nalloc >= PAY_ALLOC_MAX)
			return -E2BIG;
		memcpy(p->alloc[p->nalloc].number, inv->number, INV_NUM_MAX);
		p->alloc[p->nalloc++].amount = x;
		*left -= x;
	}
	rec->balance -= y;
	if (money_add(&inv->paid, open))
		return -ERANGE;
	invoice_settle_status(inv);
	return invoice_put(txn, st, inv);
}

int prepaid_after_payment(MDB_txn *txn, struct store *st, struct pay_rec *p,
			  rp_t *left, int64_t now, const char *actor)
{
	static __thread struct inv_rec inv;
	struct prepaid_order o;
	struct plan_rec plan;
	struct sub_rec rec;
	char number[INV_NUM_MAX];
	int i, n = 0, err;

	for (i = 0; i < p->nalloc; i++) {
		err = prepaid_grant(txn, st, p->alloc[i].number, now, actor);
		if (err < 0)
			return err;
	}
	err = sub_get(txn, st, p->sub, &rec);
	if (err)
		return err;
	err = prepaid_plan_of(txn, st, &rec, &plan);
	if (err <= 0)
		return err;
	while (n < PREPAID_AUTO_MAX && p->nalloc < PAY_ALLOC_MAX) {
		rp_t have = *left, open;
		bool fresh;

		err = order_find(txn, st, rec.id, ORDER_PLAN, plan.name, &inv,
				 number);
		if (err < 0)
			return err;
		fresh = err == 0;
		if (fresh) {
			err = order_build(txn, st, rec.id, ORDER_PLAN,
					  plan.name, now, &inv, &o);
			if (err)
				return err;
		}
		open = inv.total - inv.paid;
		if (money_add(&have, rec.balance) || have < open || open <= 0)
			break;
		if (fresh) {
			err = order_issue(txn, st, &inv, &o);
			if (err)
				return err;
		}
		err = receipt_pay(txn, st, p, &inv, left, &rec);
		if (!err)
			err = sub_put(txn, st, &rec);
		if (!err)
			err = prepaid_grant(txn, st, inv.number, now, actor);
		if (err < 0)
			return err;
		/* the grant may have restored it: read it back */
		err = sub_get(txn, st, p->sub, &rec);
		if (err)
			return err;
		n++;
	}
	return n;
}

/* --- expiry and reminders ---------------------------------------------- */

struct pp_sub {
	char id[SUB_ID_MAX + 1];
	char plan[PLAN_NAME_MAX + 1];
	uint8_t status, hold;
};

struct pp_subs {
	struct pp_sub *v;
	size_t n, cap;
};

static int pp_sub_cb(const struct sub_rec *rec, void *ctx)
{
	struct pp_subs *a = ctx;
	void *p;

	if (!rec->plan[0] || rec->status == SUB_TERMINATED)
		return 0;
	p = vec_grow(a->v, a->n, &a->cap, sizeof(*a->v), 64);
	if (!p)
		return -ENOMEM;
	a->v = p;
	snprintf(a->v[a->n].id, sizeof(a->v[a->n].id), "%s", rec->id);
	snprintf(a->v[a->n].plan, sizeof(a->v[a->n].plan), "%s", rec->plan);
	a->v[a->n].status = rec->status;
	a->v[a->n].hold = rec->hold;
	a->n++;
	return 0;
}

/*
 * The reminder due at today for an expiry on expiry_day: days[] are days
 * before expiry, ascending. The latest one reached (the smallest d with
 * expiry_day - d <= today) unless sent; -1 if none. Pure.
 */
int prepaid_reminder_due(const int *days, int n, int32_t expiry_day,
			 int32_t today, uint32_t sent)
{
	int left = expiry_day - today, i;

	if (left < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (days[i] >= left)
			return sent & (1u << i) ? -1 : i;
	return -1;
}

static int pp_remind(MDB_txn *txn, struct store *st, const struct pp_sub *s,
		     struct prepaid_rec *pr, const struct plan_rec *plan,
		     const struct dunning_policy *p, int64_t now,
		     const char *actor)
{
	int32_t today = tt_local_day(now), eday = tt_local_day(pr->expires - 1);
	char why[64], ref[OBX_REF_MAX + 1];
	json_t *d;
	int i, left, err;

	if (pr->reminded_expiry != pr->expires) {
		pr->reminded_expiry = pr->expires;
		pr->reminded = 0;
	}
	i = prepaid_reminder_due(p->prepaid_reminder_days,
				 p->n_prepaid_reminders, eday, today,
				 pr->reminded);
	if (i < 0)
		return 0;
	/* this one and every earlier (larger) one: a late run sends one */
	pr->reminded |= ~((1u << i) - 1);
	left = eday - today;
	if (left)
		snprintf(why, sizeof(why), "masa aktif habis %d hari lagi",
			 left);
	else
		snprintf(why, sizeof(why), "masa aktif habis hari ini");
	snprintf(ref, sizeof(ref), "%s/%lld/%d", s->id,
		 (long long)pr->expires, p->prepaid_reminder_days[i]);
	d = json_pack("{ss sI si si sI}", "ref", ref, "expires",
		      (json_int_t)pr->expires, "expiry_day", (int)eday,
		      "days_left", left, "price",
		      (json_int_t)plan->terms.price);
	err = audit_write(txn, st, now, actor, "prepaid_remind", s->id, why, d);
	json_decref(d);
	return err ? err : 1;
}

int prepaid_run(MDB_txn *txn, struct store *st,
		const struct dunning_policy *p, int64_t now, const char *actor,
		struct dunning_report *r)
{
	struct pp_subs subs = {};
	/* plans are few and never change: each is looked up once per run */
	struct plan_rec plan, *cache = NULL;
	size_t i, j, ncache = 0;
	int err;

	err = sub_foreach(txn, st, pp_sub_cb, &subs);
	for (i = 0; !err && i < subs.n; i++) {
		const struct pp_sub *s = &subs.v[i];
		struct prepaid_rec pr;
		struct sub_rec rec;

		for (j = 0; j < ncache; j++)
			if (!strcmp(cache[j].name, s->plan))
				break;
		if (j == ncache) {
			void *np;

			err = plan_get(txn, st, s->plan, &plan);
			if (err == -ENOENT) {
				err = 0;
				continue;	/* the invoice run reports it */
			}
			if (err)
				break;
			if (ncache < 256 &&
			    (np = realloc(cache, (ncache + 1) * sizeof(*cache)))) {
				cache = np;
				cache[ncache++] = plan;
			}
		} else {
			plan = cache[j];
		}
		if (plan.terms.type != PLAN_PREPAID)
			continue;
		err = prepaid_get(txn, st, s->id, &pr);
		if (err)
			break;
		if (pr.expires > now) {
			int sent = pp_remind(txn, st, s, &pr, &plan, p, now,
					     actor);

			if (sent < 0) {
				err = sent;
				break;
			}
			if (sent) {
				r->reminders++;
				err = prepaid_put(txn, st, s->id, &pr);
			}
			continue;
		}
		if (s->status != SUB_ACTIVE)
			continue;
		if (s->hold || !p->auto_suspend) {
			r->held++;
			continue;
		}
		err = sub_get(txn, st, s->id, &rec);
		if (!err)
			err = dunning_suspend(txn, st, &rec, now, actor,
					      pr.expires ? "masa aktif habis" :
					      "prabayar belum dibeli", true);
		if (!err)
			r->suspended++;
	}
	free(cache);
	free(subs.v);
	return err;
}
