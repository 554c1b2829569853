// SPDX-License-Identifier: GPL-2.0
/* dunning.c - one dunning run over the store (reminders, overdue, late
 * fees, isolir, restore), the payment path's restore and the amount that
 * lifts an isolir. The calendar is billing/dunning_policy.c; a suspension
 * is written by billing/isolir.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <jansson.h>

#include "billing/audit.h"
#include "billing/dunning.h"
#include "billing/invoice.h"
#include "billing/prepaid.h"
#include "lib/ttime.h"
#include "lib/vec.h"

#define DUN_INV_KEY "dun/"	/* + invoice number -> dunning_inv_state */
#define DUN_GRACE_KEY "dunning_grace_days" /* the policy's grace, for pay */

static int dun_key(char *buf, size_t n, const char *pfx, const char *id)
{
	int len = snprintf(buf, n, "%s%s", pfx, id);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : len;
}

static int dun_inv_get(MDB_txn *txn, struct store *st, const char *number,
		       struct dunning_inv_state *s)
{
	char key[96];
	MDB_val v;
	int len, err;

	memset(s, 0, sizeof(*s));
	s->version = 1;
	len = dun_key(key, sizeof(key), DUN_INV_KEY, number);
	if (len < 0)
		return len;
	err = store_get(txn, st, DB_META, key, len, &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	memcpy(s, v.mv_data,
	       v.mv_size < sizeof(*s) ? v.mv_size : sizeof(*s));
	return 0;
}

static int dun_inv_put(MDB_txn *txn, struct store *st, const char *number,
		       const struct dunning_inv_state *s)
{
	char key[96];
	int len = dun_key(key, sizeof(key), DUN_INV_KEY, number);

	if (len < 0)
		return len;
	return store_put(txn, st, DB_META, key, len, s, sizeof(*s), 0);
}

/* One open invoice as dunning sees it. */
struct dun_inv {
	char number[INV_NUM_MAX];
	char sub[SUB_ID_MAX + 1];
	int32_t due;
	rp_t total, paid;
};

struct dun_invs {
	struct dun_inv *v;
	size_t n, cap;
	const char *sub;	/* only this subscriber's (NULL: all) */
};

static bool inv_open(const struct inv_rec *inv)
{
	return (inv->status == INV_ISSUED || inv->status == INV_PARTIAL) &&
	       inv->paid < inv->total;
}

static int dun_collect(const struct inv_rec *inv, void *ctx)
{
	struct dun_invs *a = ctx;
	struct dun_inv *d;
	void *p;

	if (!inv_open(inv) || (a->sub && strcmp(a->sub, inv->sub)) ||
	    prepaid_is_receipt(inv))
		return 0;	/* an unpaid order is not a debt */
	p = vec_grow(a->v, a->n, &a->cap, sizeof(*a->v), 64);
	if (!p)
		return -ENOMEM;
	a->v = p;
	d = &a->v[a->n++];
	memset(d, 0, sizeof(*d));
	snprintf(d->number, sizeof(d->number), "%s", inv->number);
	snprintf(d->sub, sizeof(d->sub), "%s", inv->sub);
	d->due = inv->due;
	d->total = inv->total;
	d->paid = inv->paid;
	return 0;
}

static int dun_sub_collect_one(const char *number, void *ctx)
{
	struct { MDB_txn *txn; struct store *st; struct dun_invs *a; } *c = ctx;
	struct inv_rec *inv = malloc(sizeof(*inv));
	int err;

	if (!inv)
		return -ENOMEM;
	err = invoice_get(c->txn, c->st, number, inv);
	if (!err)
		err = dun_collect(inv, c->a);
	free(inv);
	return err == -ENOENT ? 0 : err;
}

/* Open invoices of one subscriber (or all, sub NULL). */
static int dun_open_invoices(MDB_txn *txn, struct store *st, const char *sub,
			     struct dun_invs *a)
{
	struct { MDB_txn *txn; struct store *st; struct dun_invs *a; } c = {
		txn, st, a
	};

	a->sub = sub;
	if (sub)
		return invoice_foreach_sub(txn, st, sub, dun_sub_collect_one,
					   &c);
	return invoice_foreach(txn, st, dun_collect, a);
}

/* First open invoice of sub past grace at today, or NULL. */
static const struct dun_inv *dun_owes(const struct dun_invs *a,
				      const struct dunning_policy *p,
				      const char *sub, int32_t today)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].sub, sub) &&
		    dunning_past_grace(p, a->v[i].due, today))
			return &a->v[i];
	return NULL;
}

/* The policy outside a run: the defaults with the grace the last dunning
 * run stored (DUN_GRACE_KEY holds grace_days + 1; 0/absent: default). */
static void dun_policy_stored(MDB_txn *txn, struct store *st,
			      struct dunning_policy *p)
{
	uint64_t grace;

	memset(p, 0, sizeof(*p));
	p->due_days = 10;
	p->grace_days = 3;
	p->auto_suspend = true;
	if (store_meta_get_u64(txn, st, DUN_GRACE_KEY, &grace) == 0 && grace)
		p->grace_days = (int)(grace - 1);
}

int dunning_after_payment(MDB_txn *txn, struct store *st, const char *sub,
			  int64_t now, const char *actor)
{
	struct dun_invs a = {};
	struct dunning_policy p;
	struct sub_rec rec;
	char why[96];
	int err;

	err = sub_get(txn, st, sub, &rec);
	if (err)
		return err;
	if (rec.status != SUB_SUSPENDED ||
	    !dunning_suspended_by_dunning(txn, st, sub) ||
	    prepaid_blocked(txn, st, &rec, now))
		return 0;	/* masa aktif over or quota used up: a purchase
				 * restores it (billing/prepaid.c) */
	dun_policy_stored(txn, st, &p);
	err = dun_open_invoices(txn, st, sub, &a);
	if (err)
		goto out;
	if (dun_owes(&a, &p, sub, tt_local_day(now)))
		goto out;	/* still owes past grace */
	snprintf(why, sizeof(why), "payment cleared the overdue");
	err = dunning_restore(txn, st, &rec, now, actor, why);
	if (!err)
		err = 1;
out:
	free(a.v);
	return err;
}

struct dun_sub {
	char id[SUB_ID_MAX + 1];
	uint32_t uid;
	uint8_t status, hold;
};

struct dun_subs {
	struct dun_sub *v;
	size_t n, cap;
};

static int dun_sub_cb(const struct sub_rec *rec, void *ctx)
{
	struct dun_subs *a = ctx;
	void *p;

	p = vec_grow(a->v, a->n, &a->cap, sizeof(*a->v), 64);
	if (!p)
		return -ENOMEM;
	a->v = p;
	snprintf(a->v[a->n].id, sizeof(a->v[a->n].id), "%s", rec->id);
	a->v[a->n].uid = rec->uid;
	a->v[a->n].status = rec->status;
	a->v[a->n].hold = rec->hold;
	a->n++;
	return 0;
}

/* A reminder event: the outbox sends it (when billing/outbox exists); the
 * audit log always records it. */
static int dun_remind(MDB_txn *txn, struct store *st, int64_t now,
		      const char *actor, const struct dun_inv *d, int rel)
{
	json_t *det;
	int err;

	det = json_pack("{ss sI sI si}", "invoice", d->number, "amount_due",
			(json_int_t)(d->total - d->paid), "due_day",
			(json_int_t)d->due, "relative_day", rel);
	/* a late run sends the latest reminder: word it for today */
	rel = tt_local_day(now) - d->due;
	err = audit_write(txn, st, now, actor, "remind", d->sub,
			  rel < 0 ? "due soon" : rel == 0 ? "due today"
							  : "overdue",
			  det);
	json_decref(det);
	return err;
}

/* Mark d overdue once: the audit entry. */
static int dun_overdue(MDB_txn *txn, struct store *st, int64_t now,
		       const char *actor, const struct dun_inv *d)
{
	json_t *det = json_pack("{ss sI}", "invoice", d->number, "amount_due",
				(json_int_t)(d->total - d->paid));
	int err;

	err = audit_write(txn, st, now, actor, "overdue", d->sub, d->number,
			  det);
	json_decref(det);
	return err;
}

/* Charge d's late fee once: the audit entry and the pending fee (none
 * when it comes to 0). *fee gets the amount. */
static int dun_charge_fee(MDB_txn *txn, struct store *st,
			  const struct dunning_policy *p, int64_t now,
			  const char *actor, const struct dun_inv *d, rp_t *fee)
{
	json_t *det;
	int err;

	err = dunning_late_fee(p, d->total, fee);
	if (err)
		return err;
	det = json_pack("{ss sI}", "invoice", d->number, "fee",
			(json_int_t)*fee);
	err = audit_write(txn, st, now, actor, "late_fee", d->sub, "denda",
			  det);
	json_decref(det);
	if (!err && *fee > 0)
		err = invoice_late_fee_add(txn, st, d->sub, d->number, *fee,
					   now);
	return err;
}

/* One open invoice at now: the reminder due, overdue, the late fee; its
 * dunning state is written when any of them moved. */
static int dun_invoice_step(MDB_txn *txn, struct store *st,
			    const struct dunning_policy *p, int64_t now,
			    const char *actor, const struct dun_inv *d,
			    struct dunning_report *r)
{
	int32_t today = tt_local_day(now);
	struct dunning_inv_state s;
	bool dirty = false;
	int idx, err;
	rp_t fee;

	r->invoices++;
	err = dun_inv_get(txn, st, d->number, &s);
	if (err)
		return err;
	idx = dunning_reminder_due(p, d->due, today, s.reminders);
	if (idx >= 0) {
		err = dun_remind(txn, st, now, actor, d,
				 p->reminder_days[idx]);
		if (err)
			return err;
		s.reminders |= (2u << idx) - 1;
		dirty = true;
		r->reminders++;
	}
	if (dunning_is_overdue(d->due, today) && !s.overdue) {
		err = dun_overdue(txn, st, now, actor, d);
		if (err)
			return err;
		s.overdue = 1;
		dirty = true;
		r->overdue++;
	}
	if (dunning_is_overdue(d->due, today) && !s.fee_applied &&
	    p->fee_kind != FEE_NONE) {
		err = dun_charge_fee(txn, st, p, now, actor, d, &fee);
		if (err)
			return err;
		s.fee_applied = 1;
		s.fee = fee;
		s.fee_time = now;
		dirty = true;
		r->fees++;
		/* a run's report: saturates, never wraps */
		if (money_add(&r->fee_total, fee))
			r->fee_total = INT64_MAX;
	}
	return dirty ? dun_inv_put(txn, st, d->number, &s) : 0;
}

/* One subscriber at now: suspend if it owes past grace (unless on hold or
 * auto_suspend is off); restore if dunning suspended it and it owes
 * nothing past grace any more (or is on hold) and prepaid does not block. */
static int dun_sub_step(MDB_txn *txn, struct store *st,
			const struct dunning_policy *p, int64_t now,
			const char *actor, const struct dun_invs *invs,
			const struct dun_sub *s, struct dunning_report *r)
{
	const struct dun_inv *owe = dun_owes(invs, p, s->id,
					     tt_local_day(now));
	struct sub_rec rec;
	char why[128];
	int err;

	if (s->status == SUB_ACTIVE && owe) {
		if (s->hold || !p->auto_suspend) {
			r->held++;
			return 0;
		}
		err = sub_get(txn, st, s->id, &rec);
		if (err)
			return err;
		snprintf(why, sizeof(why), "overdue %s past grace",
			 owe->number);
		err = dunning_suspend(txn, st, &rec, now, actor, why, true);
		if (!err)
			r->suspended++;
		return err;
	}
	if (s->status != SUB_SUSPENDED || (owe && !s->hold) ||
	    !dunning_suspended_by_dunning(txn, st, s->id))
		return 0;
	err = sub_get(txn, st, s->id, &rec);
	if (err)
		return err;
	if (!s->hold && prepaid_blocked(txn, st, &rec, now))
		return 0;	/* waits for a purchase */
	err = dunning_restore(txn, st, &rec, now, actor,
			      owe ? "on hold" : "nothing overdue");
	if (!err)
		r->restored++;
	return err;
}

/* The run inside its txn: every open invoice, prepaid, every subscriber. */
static int dun_run_txn(MDB_txn *txn, struct store *st,
		       const struct dunning_policy *p, int64_t now,
		       const char *actor, struct dunning_report *r)
{
	struct dun_invs invs = {};
	struct dun_subs subs = {};
	size_t i;
	int err;

	err = store_meta_put_u64(txn, st, DUN_GRACE_KEY,
				 (uint64_t)p->grace_days + 1);
	if (!err)
		err = dun_open_invoices(txn, st, NULL, &invs);
	for (i = 0; !err && i < invs.n; i++)
		err = dun_invoice_step(txn, st, p, now, actor, &invs.v[i], r);
	/* prepaid: masa aktif ended -> isolir, reminders before it ends */
	if (!err)
		err = prepaid_run(txn, st, p, now, actor, r);
	if (!err)
		err = sub_foreach(txn, st, dun_sub_cb, &subs);
	for (i = 0; !err && i < subs.n; i++)
		err = dun_sub_step(txn, st, p, now, actor, &invs, &subs.v[i],
				   r);
	free(invs.v);
	free(subs.v);
	return err;
}

int dunning_run(struct store *st, const struct dunning_policy *p, int64_t now,
		const char *actor, struct dunning_report *r)
{
	struct dunning_report dummy;
	MDB_txn *txn;
	int err;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	err = store_begin(st, true, &txn);
	if (err)
		return err;
	err = dun_run_txn(txn, st, p, now, actor, r);
	if (err) {
		store_abort(txn);
		return err;
	}
	/* policy_gen moved with every change: tagih-agent, the only writer
	 * of the maps, reconciles within policy_poll_ms */
	return store_commit(txn);
}

int dunning_lift_amount(MDB_txn *txn, struct store *st, const char *sub,
			int32_t today, rp_t *amount, int *n, char *first)
{
	struct dun_invs a = {};
	struct dunning_policy p;
	struct sub_rec rec;
	size_t i, last = SIZE_MAX;
	int err;

	*amount = 0;
	*n = 0;
	if (first)
		first[0] = '\0';
	err = sub_get(txn, st, sub, &rec);
	if (err)
		return err;
	if (rec.status != SUB_SUSPENDED ||
	    !dunning_suspended_by_dunning(txn, st, sub))
		return 0;
	dun_policy_stored(txn, st, &p);
	err = dun_open_invoices(txn, st, sub, &a);
	if (err)
		goto out;
	for (i = 0; i < a.n; i++)
		if (dunning_past_grace(&p, a.v[i].due, today))
			last = i;
	for (i = 0; last != SIZE_MAX && i <= last; i++) {
		err = money_add(amount, a.v[i].total - a.v[i].paid);
		if (err) {
			*amount = 0;
			goto out;
		}
		if (!*n && first)
			snprintf(first, INV_NUM_MAX, "%s", a.v[i].number);
		(*n)++;
	}
out:
	free(a.v);
	return err;
}
