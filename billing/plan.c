// SPDX-License-Identifier: GPL-2.0
/* plan.c - plans, plan history and add-ons in the store. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "billing/plan.h"
#include "billing/sub.h"

int plan_name_check(const char *name)
{
	return store_name_check(name, PLAN_NAME_MAX);
}

/* Any layout from the first one up to ours; missing fields read 0. */
static int plan_decode(const MDB_val *v, struct plan_rec *p)
{
	if (v->mv_size < PLAN_REC_V1_SIZE)
		return -EIO;
	memset(p, 0, sizeof(*p));
	memcpy(p, v->mv_data,
	       v->mv_size < sizeof(*p) ? v->mv_size : sizeof(*p));
	return 0;
}

int plan_add(MDB_txn *txn, struct store *st, const struct plan_rec *p)
{
	int err;

	if (plan_name_check(p->name) || rate_plan_check(&p->terms, NULL))
		return -EINVAL;
	if ((p->terms.type == PLAN_PREPAID) !=
	    (p->days >= 1 && p->days <= PLAN_DAYS_MAX))
		return -EINVAL;
	err = store_put(txn, st, DB_PLANS, p->name, strlen(p->name), p,
			sizeof(*p), MDB_NOOVERWRITE);
	return err;
}

int plan_get(MDB_txn *txn, struct store *st, const char *name,
	     struct plan_rec *p)
{
	MDB_val v;
	int err;

	if (plan_name_check(name))
		return -ENOENT;
	err = store_get(txn, st, DB_PLANS, name, strlen(name), &v);
	if (err)
		return err;
	return plan_decode(&v, p);
}

/* Walk the keys of db starting with prefix (plen bytes). */
static int plan_scan(MDB_txn *txn, struct store *st, enum store_db db,
		     const void *prefix, size_t plen,
		     int (*cb)(MDB_val *k, MDB_val *v, void *ctx), void *ctx)
{
	MDB_cursor *cur;
	MDB_val k = { plen, (void *)prefix }, v;
	int rc, err = 0;

	rc = store_cursor_open(txn, st, db, &cur);
	if (rc)
		return store_err(rc, "cursor");
	rc = plen ? store_cursor_get(cur, &k, &v, MDB_SET_RANGE) :
		    store_cursor_get(cur, &k, &v, MDB_FIRST);
	while (!rc) {
		if (plen && (k.mv_size < plen ||
			     memcmp(k.mv_data, prefix, plen)))
			break;
		err = cb(&k, &v, ctx);
		if (err)
			break;
		rc = store_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	if (rc && rc != -ENOENT)
		err = store_err(rc, "cursor");
	mdb_cursor_close(cur);
	return err;
}

struct plan_each {
	int (*cb)(const struct plan_rec *p, void *ctx);
	void *ctx;
};

static int plan_each_cb(MDB_val *k, MDB_val *v, void *ctx)
{
	struct plan_each *pe = ctx;
	struct plan_rec p;
	int err = plan_decode(v, &p);

	return err ? err : pe->cb(&p, pe->ctx);
}

int plan_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct plan_rec *p, void *ctx), void *ctx)
{
	struct plan_each pe = { cb, ctx };

	return plan_scan(txn, st, DB_PLANS, NULL, 0, plan_each_cb, &pe);
}

/* sub + '\0' [+ 4 bytes of day]; returns the key length. */
static size_t plan_sub_key(uint8_t *key, const char *sub)
{
	size_t n = strlen(sub);

	memcpy(key, sub, n);
	key[n] = '\0';
	return n + 1;
}

int plan_hist_set(MDB_txn *txn, struct store *st, const char *sub,
		  int32_t from, const char *plan)
{
	uint8_t key[64];
	struct plan_rec p;
	size_t n;
	int err;

	if (strlen(sub) > 40)
		return -EINVAL;
	err = plan_get(txn, st, plan, &p);
	if (err)
		return err;
	n = plan_sub_key(key, sub);
	bei32_put(key + n, from);
	return store_put(txn, st, DB_PLAN_HIST, key, n + 4, plan,
			 strlen(plan) + 1, 0);
}

struct hist_walk {
	int32_t from, to;
	struct plan_seg *out;
	int max, n;
	int32_t cur_from;	/* current entry */
	char cur_plan[PLAN_NAME_MAX + 1];
	int have;
	size_t klen;
};

/* Close the open entry [cur_from, next) and emit its overlap. */
static int hist_emit(struct hist_walk *w, int32_t next)
{
	int32_t a, b;

	if (!w->have)
		return 0;
	a = w->cur_from > w->from ? w->cur_from : w->from;
	b = next < w->to ? next : w->to;
	if (a >= b)
		return 0;
	if (w->n >= w->max)
		return -E2BIG;
	w->out[w->n].from = a;
	w->out[w->n].to = b;
	memcpy(w->out[w->n].plan, w->cur_plan, sizeof(w->cur_plan));
	w->n++;
	return 0;
}

static int hist_cb(MDB_val *k, MDB_val *v, void *ctx)
{
	struct hist_walk *w = ctx;
	int32_t day;
	int err;

	if (k->mv_size != w->klen + 4 || v->mv_size < 2 ||
	    v->mv_size > PLAN_NAME_MAX + 1)
		return -EIO;
	day = bei32_get((uint8_t *)k->mv_data + w->klen);
	err = hist_emit(w, day);
	if (err)
		return err;
	w->cur_from = day;
	memcpy(w->cur_plan, v->mv_data, v->mv_size);
	w->cur_plan[v->mv_size - 1] = '\0';
	w->have = 1;
	return day >= w->to ? 1 : 0;
}

int plan_hist_segments(MDB_txn *txn, struct store *st, const char *sub,
		       int32_t from, int32_t to, struct plan_seg *out,
		       int max)
{
	struct hist_walk w = { .from = from, .to = to, .out = out,
			       .max = max };
	uint8_t key[64];
	int err;

	if (strlen(sub) > 40)
		return -EINVAL;
	w.klen = plan_sub_key(key, sub);
	err = plan_scan(txn, st, DB_PLAN_HIST, key, w.klen, hist_cb, &w);
	if (err < 0)
		return err;
	if (err == 0)
		err = hist_emit(&w, INT32_MAX);
	if (err < 0)
		return err;
	return w.n;
}

static size_t addon_key(uint8_t *key, const char *sub, const char *product)
{
	size_t n = plan_sub_key(key, sub), m = strlen(product);

	memcpy(key + n, product, m);
	return n + m;
}

int addon_put(MDB_txn *txn, struct store *st, const char *sub,
	      const struct addon_rec *a)
{
	uint8_t key[80];

	if (strlen(sub) > 40 || plan_name_check(a->product) || a->price < 0 ||
	    (a->until && a->until <= a->from))
		return -EINVAL;
	return store_put(txn, st, DB_ADDONS, key,
			 addon_key(key, sub, a->product), a, sizeof(*a), 0);
}

int addon_get(MDB_txn *txn, struct store *st, const char *sub,
	      const char *product, struct addon_rec *a)
{
	uint8_t key[80];
	MDB_val v;
	int err;

	if (strlen(sub) > 40 || plan_name_check(product))
		return -ENOENT;
	err = store_get(txn, st, DB_ADDONS, key, addon_key(key, sub, product),
			&v);
	if (err)
		return err;
	if (v.mv_size != sizeof(*a))
		return -EIO;
	memcpy(a, v.mv_data, sizeof(*a));
	return 0;
}

struct addon_each {
	int (*cb)(const struct addon_rec *a, void *ctx);
	void *ctx;
};

static int addon_each_cb(MDB_val *k, MDB_val *v, void *ctx)
{
	struct addon_each *ae = ctx;
	struct addon_rec a;

	if (v->mv_size != sizeof(a))
		return -EIO;
	memcpy(&a, v->mv_data, sizeof(a));
	return ae->cb(&a, ae->ctx);
}

int addon_foreach(MDB_txn *txn, struct store *st, const char *sub,
		  int (*cb)(const struct addon_rec *a, void *ctx), void *ctx)
{
	struct addon_each ae = { cb, ctx };
	uint8_t key[64];

	if (strlen(sub) > 40)
		return -EINVAL;
	return plan_scan(txn, st, DB_ADDONS, key, plan_sub_key(key, sub),
			 addon_each_cb, &ae);
}

int plan_change(MDB_txn *txn, struct store *st, struct sub_rec *r,
		const char *plan, int32_t from, int32_t today)
{
	struct plan_seg seg;
	struct plan_rec p;
	int err, n;

	err = plan_get(txn, st, plan, &p);
	if (err)
		return err == -ENOENT ? -ENOENT : err;
	if (from < r->activated)
		return -EINVAL;
	/* a subscriber added without history: its plan ran from activation */
	n = plan_hist_segments(txn, st, r->id, INT32_MIN, INT32_MAX, &seg, 1);
	if (n < 0)
		return n;
	if (n == 0 && r->plan[0] && from > r->activated) {
		err = plan_hist_set(txn, st, r->id, r->activated, r->plan);
		if (err)
			return err;
	}
	err = plan_hist_set(txn, st, r->id, from, p.name);
	if (err)
		return err;
	if (from <= today) {
		snprintf(r->plan, sizeof(r->plan), "%s", p.name);
		err = sub_put(txn, st, r);
	}
	return err;
}
