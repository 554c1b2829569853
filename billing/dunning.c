// SPDX-License-Identifier: GPL-2.0
/* dunning.c - the dunning calendar and policy: pure functions, no store, no clock. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <jansson.h>

#include "billing/audit.h"
#include "billing/dunning.h"
#include "billing/invoice.h"
#include "billing/prepaid.h"
#include "bpf/tagih.h"
#include "lib/ttime.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int dunning_parse_reminders(const char *s, int *days, int max, int *n)
{
	int tmp[DUNNING_MAX_REMINDERS];
	int k = 0, i, out = 0;

	if (max > DUNNING_MAX_REMINDERS)
		max = DUNNING_MAX_REMINDERS;
	while (s && *s) {
		char *end;
		long v;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+'))
			return -EINVAL;
		v = strtol(s, &end, 10);
		if (end == s || v < -366 || v > 366 || k >= max)
			return -EINVAL;
		tmp[k++] = (int)v;
		s = end;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	qsort(tmp, k, sizeof(int), cmp_int);
	for (i = 0; i < k; i++)
		if (!out || days[out - 1] != tmp[i])
			days[out++] = tmp[i];
	*n = out;
	return 0;
}

int dunning_parse_late_fee(const char *s, int *kind, int64_t *fee)
{
	size_t len = s ? strlen(s) : 0;
	int64_t whole = 0, frac = 0;
	int fd = 0;
	rp_t v;

	if (!len)
		return -EINVAL;
	if (s[len - 1] != '%') {
		if (money_parse(s, &v) || !money_in_range(v))
			return -EINVAL;
		*kind = v ? FEE_FIXED : FEE_NONE;
		*fee = v;
		return 0;
	}
	/* percent with up to two decimals -> basis points */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		whole = whole * 10 + (*s - '0');
		if (whole > 100)
			return -EINVAL;
	}
	if (*s == '.' || *s == ',') {
		s++;
		for (; isdigit((unsigned char)*s); s++) {
			if (++fd > 2)
				return -EINVAL;
			frac = frac * 10 + (*s - '0');
		}
		if (!fd)
			return -EINVAL;
		if (fd == 1)
			frac *= 10;
	}
	if (strcmp(s, "%"))
		return -EINVAL;
	*fee = whole * 100 + frac;
	if (*fee > 10000)
		return -EINVAL;
	*kind = *fee ? FEE_PERCENT : FEE_NONE;
	return 0;
}

int dunning_policy_from_conf(const struct tagih_conf *c,
			     struct dunning_policy *p, const char **why)
{
	memset(p, 0, sizeof(*p));
	p->due_days = (int)c->due_days;
	p->grace_days = (int)c->grace_days;
	p->auto_suspend = c->auto_suspend;
	if (p->due_days < 0 || p->grace_days < 0) {
		*why = "due_days and grace_days must not be negative";
		return -EINVAL;
	}
	if (dunning_parse_reminders(c->reminder_days ? c->reminder_days : "",
				    p->reminder_days, DUNNING_MAX_REMINDERS,
				    &p->n_reminders)) {
		*why = "reminder_days: comma-separated days relative to the "
		       "due date, e.g. \"-3,0,1\" (at most 8)";
		return -EINVAL;
	}
	if (dunning_parse_late_fee(c->late_fee ? c->late_fee : "0",
				   &p->fee_kind, &p->fee)) {
		*why = "late_fee: \"0\", a Rupiah amount (\"5000\") or a "
		       "percentage of the invoice total (\"2%\", \"2.5%\")";
		return -EINVAL;
	}
	if (dunning_parse_reminders(c->prepaid_reminder_days ?
				    c->prepaid_reminder_days : "",
				    p->prepaid_reminder_days,
				    DUNNING_MAX_REMINDERS,
				    &p->n_prepaid_reminders) ||
	    (p->n_prepaid_reminders && p->prepaid_reminder_days[0] < 0)) {
		*why = "prepaid_reminder_days: comma-separated days before "
		       "masa aktif ends, e.g. \"3,1\" (at most 8)";
		return -EINVAL;
	}
	return 0;
}

int32_t dunning_due_day(const struct dunning_policy *p, int32_t issue_day)
{
	return issue_day + p->due_days;
}

int32_t dunning_grace_end(const struct dunning_policy *p, int32_t due_day)
{
	return due_day + p->grace_days;
}

bool dunning_is_overdue(int32_t due_day, int32_t today)
{
	return today > due_day;
}

bool dunning_past_grace(const struct dunning_policy *p, int32_t due_day,
			int32_t today)
{
	return today > dunning_grace_end(p, due_day);
}

int dunning_reminder_due(const struct dunning_policy *p, int32_t due_day,
			 int32_t today, uint32_t sent_mask)
{
	int i;

	/* after isolir the suspension notice replaces reminders */
	if (today > dunning_grace_end(p, due_day) + 1)
		return -1;
	for (i = p->n_reminders - 1; i >= 0; i--) {
		if (due_day + p->reminder_days[i] > today)
			continue;
		if (sent_mask & (1u << i))
			return -1;	/* the latest due one went out */
		return i;
	}
	return -1;
}

int dunning_late_fee(const struct dunning_policy *p, rp_t total, rp_t *fee)
{
	int err = 0;

	if (total < 0)
		return -EINVAL;
	switch (p->fee_kind) {
	case FEE_NONE:
		*fee = 0;
		return 0;
	case FEE_FIXED:
		*fee = p->fee;
		return 0;
	case FEE_PERCENT:
		*fee = money_muldiv_round(total, p->fee, 10000, &err);
		return err;
	}
	return -EINVAL;
}

/* --- the store side ---------------------------------------------------- */

#define DUN_INV_KEY "dun/"	/* + invoice number -> dunning_inv_state */
#define DUN_SUB_KEY "dun_sub/"	/* + sub id -> "1": suspended by dunning */
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

bool dunning_suspended_by_dunning(MDB_txn *txn, struct store *st,
				  const char *sub)
{
	char key[64];
	MDB_val v;
	int len = dun_key(key, sizeof(key), DUN_SUB_KEY, sub);

	return len > 0 && store_get(txn, st, DB_META, key, len, &v) == 0;
}

static int dun_mark_sub(MDB_txn *txn, struct store *st, const char *sub,
			bool on)
{
	char key[64];
	int len = dun_key(key, sizeof(key), DUN_SUB_KEY, sub), err;

	if (len < 0)
		return len;
	if (on)
		return store_put(txn, st, DB_META, key, len, "1", 1, 0);
	err = store_del(txn, st, DB_META, key, len);
	return err == -ENOENT ? 0 : err;
}

int dunning_suspend(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason,
		    bool by_dunning)
{
	json_t *d;
	int err;

	if (rec->status == SUB_SUSPENDED)
		return -EALREADY;
	if (rec->status != SUB_ACTIVE)
		return -EINVAL;
	rec->status = SUB_SUSPENDED;
	err = sub_put(txn, st, rec);
	if (!err)
		err = dun_mark_sub(txn, st, rec->id, by_dunning);
	if (err)
		return err;
	d = json_pack("{sI sb}", "uid", (json_int_t)rec->uid, "by_dunning",
		      by_dunning);
	err = audit_write(txn, st, now, actor, "suspend", rec->id, reason, d);
	json_decref(d);
	if (!err)
		err = store_meta_bump(txn, st, "policy_gen", NULL);
	return err;
}

int dunning_restore(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason)
{
	json_t *d;
	int err;

	if (rec->status != SUB_SUSPENDED)
		return -EALREADY;
	rec->status = SUB_ACTIVE;
	err = sub_put(txn, st, rec);
	if (!err)
		err = dun_mark_sub(txn, st, rec->id, false);
	if (err)
		return err;
	d = json_pack("{sI}", "uid", (json_int_t)rec->uid);
	err = audit_write(txn, st, now, actor, "restore", rec->id, reason, d);
	json_decref(d);
	if (!err)
		err = store_meta_bump(txn, st, "policy_gen", NULL);
	return err;
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

	if (!inv_open(inv) || (a->sub && strcmp(a->sub, inv->sub)) ||
	    prepaid_is_receipt(inv))
		return 0;	/* an unpaid order is not a debt */
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void *p = realloc(a->v, cap * sizeof(*a->v));

		if (!p)
			return -ENOMEM;
		a->v = p;
		a->cap = cap;
	}
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

static void dun_policy_default(struct dunning_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->due_days = 10;
	p->grace_days = 3;
	p->auto_suspend = true;
}

int dunning_after_payment(MDB_txn *txn, struct store *st, const char *sub,
			  int64_t now, const char *actor)
{
	struct dun_invs a = {};
	struct dunning_policy p;
	struct sub_rec rec;
	uint64_t grace;
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
	dun_policy_default(&p);
	if (store_meta_get_u64(txn, st, DUN_GRACE_KEY, &grace) == 0 && grace)
		p.grace_days = (int)(grace - 1);	/* stored + 1 */
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

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void *p = realloc(a->v, cap * sizeof(*a->v));

		if (!p)
			return -ENOMEM;
		a->v = p;
		a->cap = cap;
	}
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

int dunning_run(struct store *st, const struct dunning_policy *p, int64_t now,
		const char *actor, struct dunning_report *r)
{
	struct dun_invs invs = {};
	struct dun_subs subs = {};
	struct dunning_report dummy;
	int32_t today = tt_local_day(now);
	size_t i;
	MDB_txn *txn;
	int err;

	if (!r)
		r = &dummy;
	memset(r, 0, sizeof(*r));
	err = store_begin(st, true, &txn);
	if (err)
		return err;
	err = store_meta_put_u64(txn, st, DUN_GRACE_KEY,
				 (uint64_t)p->grace_days + 1);
	if (!err)
		err = dun_open_invoices(txn, st, NULL, &invs);
	if (err)
		goto abort;

	for (i = 0; i < invs.n; i++) {
		struct dun_inv *d = &invs.v[i];
		struct dunning_inv_state s;
		bool dirty = false;
		int idx;

		r->invoices++;
		err = dun_inv_get(txn, st, d->number, &s);
		if (err)
			goto abort;
		idx = dunning_reminder_due(p, d->due, today, s.reminders);
		if (idx >= 0) {
			err = dun_remind(txn, st, now, actor, d,
					 p->reminder_days[idx]);
			if (err)
				goto abort;
			s.reminders |= (2u << idx) - 1;
			dirty = true;
			r->reminders++;
		}
		if (dunning_is_overdue(d->due, today) && !s.overdue) {
			json_t *det = json_pack("{ss sI}", "invoice",
						d->number, "amount_due",
						(json_int_t)(d->total - d->paid));

			err = audit_write(txn, st, now, actor, "overdue",
					  d->sub, d->number, det);
			json_decref(det);
			if (err)
				goto abort;
			s.overdue = 1;
			dirty = true;
			r->overdue++;
		}
		if (dunning_is_overdue(d->due, today) && !s.fee_applied &&
		    p->fee_kind != FEE_NONE) {
			json_t *det;
			rp_t fee;

			err = dunning_late_fee(p, d->total, &fee);
			if (err)
				goto abort;
			det = json_pack("{ss sI}", "invoice", d->number, "fee",
					(json_int_t)fee);
			err = audit_write(txn, st, now, actor, "late_fee",
					  d->sub, "denda", det);
			json_decref(det);
			if (err)
				goto abort;
			if (fee > 0) {
				err = invoice_late_fee_add(txn, st, d->sub,
							   d->number, fee, now);
				if (err)
					goto abort;
			}
			s.fee_applied = 1;
			s.fee = fee;
			s.fee_time = now;
			dirty = true;
			r->fees++;
			/* a run's report: saturates, never wraps */
			if (money_add(&r->fee_total, fee))
				r->fee_total = INT64_MAX;
		}
		if (dirty) {
			err = dun_inv_put(txn, st, d->number, &s);
			if (err)
				goto abort;
		}
	}

	/* prepaid: masa aktif ended -> isolir, reminders before it ends */
	err = prepaid_run(txn, st, p, now, actor, r);
	if (err)
		goto abort;
	err = sub_foreach(txn, st, dun_sub_cb, &subs);
	if (err)
		goto abort;
	for (i = 0; i < subs.n; i++) {
		const struct dun_sub *s = &subs.v[i];
		const struct dun_inv *owe = dun_owes(&invs, p, s->id, today);
		struct sub_rec rec;
		char why[128];

		if (s->status == SUB_ACTIVE && owe) {
			if (s->hold || !p->auto_suspend) {
				r->held++;
				continue;
			}
			err = sub_get(txn, st, s->id, &rec);
			if (err)
				goto abort;
			snprintf(why, sizeof(why), "overdue %s past grace",
				 owe->number);
			err = dunning_suspend(txn, st, &rec, now, actor, why,
					      true);
			if (err)
				goto abort;
			r->suspended++;
		} else if (s->status == SUB_SUSPENDED &&
			   (!owe || s->hold) &&
			   dunning_suspended_by_dunning(txn, st, s->id)) {
			err = sub_get(txn, st, s->id, &rec);
			if (err)
				goto abort;
			if (!s->hold && prepaid_blocked(txn, st, &rec, now))
				continue;	/* waits for a purchase */
			err = dunning_restore(txn, st, &rec, now, actor,
					      owe ? "on hold"
						  : "nothing overdue");
			if (err)
				goto abort;
			r->restored++;
		}
	}
	/* policy_gen moved with every change: tagih-agent, the only writer
	 * of the maps, reconciles within policy_poll_ms */
	err = store_commit(txn);
	goto out;
abort:
	store_abort(txn);
out:
	free(invs.v);
	free(subs.v);
	return err;
}

int dunning_lift_amount(MDB_txn *txn, struct store *st, const char *sub,
			int32_t today, rp_t *amount, int *n, char *first)
{
	struct dun_invs a = {};
	struct dunning_policy p;
	struct sub_rec rec;
	uint64_t grace;
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
	dun_policy_default(&p);
	if (store_meta_get_u64(txn, st, DUN_GRACE_KEY, &grace) == 0 && grace)
		p.grace_days = (int)(grace - 1);	/* stored + 1 */
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
