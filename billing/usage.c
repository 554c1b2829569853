// SPDX-License-Identifier: GPL-2.0
/* usage.c - metered bytes in UTC-hour and local-day buckets, per gateway. */
#include <errno.h>
#include <string.h>

#include "lib/ttime.h"
#include "billing/usage.h"

#define HOUR 3600
#define DAY 86400
/* Hour buckets are u32: the last instant any bucket can describe. */
#define USAGE_T_MAX ((int64_t)UINT32_MAX * HOUR)

void usage_key_make(struct usage_key *k, uint32_t uid, uint32_t bucket,
		    uint16_t gw)
{
	be32_put(k->uid, uid);
	be32_put(k->bucket, bucket);
	k->gw[0] = gw >> 8;
	k->gw[1] = (uint8_t)gw;
}

int usage_val_add(struct usage_val *a, const struct usage_val *b)
{
	struct usage_val r = *a;

	if (usage_count_add(&r.up_bytes, b->up_bytes) ||
	    usage_count_add(&r.down_bytes, b->down_bytes) ||
	    usage_count_add(&r.up_pkts, b->up_pkts) ||
	    usage_count_add(&r.down_pkts, b->down_pkts) ||
	    usage_count_add(&r.drop_bytes, b->drop_bytes) ||
	    usage_count_add(&r.drop_pkts, b->drop_pkts))
		return -EOVERFLOW;
	*a = r;
	return 0;
}

static bool val_zero(const struct usage_val *v)
{
	static const struct usage_val z;

	return !memcmp(v, &z, sizeof(z));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int bucket_add(MDB_txn *txn, struct store *st, enum store_db db,
		      const struct usage_key *k, const struct usage_val *d)
{
	struct usage_val v = { 0 };
	MDB_val old;
	int err;

	err = store_get(txn, st, db, k, sizeof(*k), &old);
	if (!err && old.mv_size == sizeof(v))
		memcpy(&v, old.mv_data, sizeof(v));
	else if (err && err != -ENOENT)
		return err;
	err = usage_val_add(&v, d);
	if (err)
		return err;
	return store_put(txn, st, db, k, sizeof(*k), &v, sizeof(v), 0);
}

static int total_add(MDB_txn *txn, struct store *st, uint32_t uid,
		     const struct usage_val *d)
{
	struct usage_val v = { 0 };
	uint8_t k[4];
	MDB_val old;
	int err;

	be32_put(k, uid);
	err = store_get(txn, st, DB_USAGE_TOTAL, k, sizeof(k), &old);
	if (!err && old.mv_size == sizeof(v))
		memcpy(&v, old.mv_data, sizeof(v));
	else if (err && err != -ENOENT)
		return err;
	err = usage_val_add(&v, d);
	if (err)
		return err;
	return store_put(txn, st, DB_USAGE_TOTAL, k, sizeof(k), &v, sizeof(v),
			 0);
}

int usage_total(MDB_txn *txn, struct store *st, uint32_t uid,
		struct usage_val *out)
{
	uint8_t k[4];
	MDB_val v;
	int err;

	memset(out, 0, sizeof(*out));
	be32_put(k, uid);
	err = store_get(txn, st, DB_USAGE_TOTAL, k, sizeof(k), &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (v.mv_size != sizeof(*out))
		return -EIO;
	memcpy(out, v.mv_data, sizeof(*out));
	return 0;
}

int usage_add(MDB_txn *txn, struct store *st, uint32_t uid, uint16_t gw,
	      int64_t t, const struct usage_val *delta)
{
	struct usage_key k;
	int err;

	if (t < 0 || t >= USAGE_T_MAX)
		return -ERANGE;
	usage_key_make(&k, uid, (uint32_t)(t / HOUR), gw);
	err = bucket_add(txn, st, DB_USAGE_HOUR, &k, delta);
	if (err)
		return err;
	usage_key_make(&k, uid, (uint32_t)tt_local_day(t), gw);
	err = bucket_add(txn, st, DB_USAGE_DAY, &k, delta);
	return err ? err : total_add(txn, st, uid, delta);
}

/*
 * bucket_add() through a cursor. The previous key of this cursor was
 * below k, so the cursor's last page is checked first (LMDB's
 * mdb_cursor_set does that for an initialised cursor) and a missing key
 * is inserted without a second search: MDB_CURRENT rewrites the 48 bytes
 * in place, MDB_APPEND adds past the last key (a fresh hour), and only a
 * key between two others costs the put's own search.
 */
static int bucket_add_cur(MDB_cursor *cur, const void *uk, size_t klen,
			  const struct usage_val *d)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)uk };
	struct usage_val v = { 0 };
	unsigned flags = 0;
	MDB_val old;
	int rc;

	rc = store_cursor_get(cur, &k, &old, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == klen && !memcmp(k.mv_data, uk, klen)) {
		/* a record of another size counts as zero, as in usage_add */
		if (old.mv_size == sizeof(v)) {
			memcpy(&v, old.mv_data, sizeof(v));
			flags = MDB_CURRENT;
		}
	} else if (rc == -ENOENT) {
		flags = MDB_APPEND;
	} else if (rc) {
		return rc;	/* -EBADMSG (a damaged bucket): said */
	}
	if (usage_val_add(&v, d))
		return -EOVERFLOW;
	k.mv_size = klen;
	k.mv_data = (void *)uk;
	return store_cursor_put(cur, &k, &v, sizeof(v), flags);
}

static int batch_db(MDB_txn *txn, struct store *st, enum store_db db,
		    uint32_t bucket, uint16_t gw, const uint32_t *uids,
		    const struct usage_val *deltas, size_t n)
{
	struct usage_key k;
	MDB_cursor *cur;
	int rc, err = 0;
	size_t i;

	rc = store_cursor_open(txn, st, db, &cur);
	if (rc)
		return store_err(rc, "usage: cursor open");
	for (i = 0; i < n && !err; i++) {
		usage_key_make(&k, uids[i], bucket, gw);
		err = bucket_add_cur(cur, &k, sizeof(k), &deltas[i]);
	}
	mdb_cursor_close(cur);
	return err;
}

/* The running totals of a batch: one cursor, uids ascending, as above. */
static int batch_totals(MDB_txn *txn, struct store *st, const uint32_t *uids,
			const struct usage_val *deltas, size_t n)
{
	MDB_cursor *cur;
	uint8_t k[4];
	int rc, err = 0;
	size_t i;

	rc = store_cursor_open(txn, st, DB_USAGE_TOTAL, &cur);
	if (rc)
		return rc;
	for (i = 0; i < n && !err; i++) {
		be32_put(k, uids[i]);
		err = bucket_add_cur(cur, k, sizeof(k), &deltas[i]);
	}
	mdb_cursor_close(cur);
	return err;
}

int usage_add_batch(MDB_txn *txn, struct store *st, uint16_t gw, int64_t t,
		    const uint32_t *uids, const struct usage_val *deltas,
		    size_t n)
{
	size_t i;
	int err;

	if (t < 0 || t >= USAGE_T_MAX)
		return -ERANGE;
	for (i = 1; i < n; i++)
		if (uids[i] <= uids[i - 1])
			return -EINVAL;
	/* one database at a time: each cursor only moves forward */
	err = batch_db(txn, st, DB_USAGE_HOUR, (uint32_t)(t / HOUR), gw, uids,
		       deltas, n);
	if (!err)
		err = batch_db(txn, st, DB_USAGE_DAY, (uint32_t)tt_local_day(t),
			       gw, uids, deltas, n);
	return err ? err : batch_totals(txn, st, uids, deltas, n);
}

/*
 * Walk db's buckets of uid in [b0, b1) in key order (bucket, then gw);
 * cb sees each bucket once, its gateways summed.
 */
static int bucket_walk(MDB_txn *txn, struct store *st, enum store_db db,
		       uint32_t uid, int64_t b0, int64_t b1, int gw_only,
		       int (*cb)(uint32_t b, const struct usage_val *v,
				 void *ctx),
		       void *ctx)
{
	struct usage_val sum = { 0 }, v;
	struct usage_key k0;
	uint32_t cur_b = 0;
	bool have = false;
	MDB_cursor *cur;
	MDB_val k, val;
	int rc, ret = 0;

	if (b0 < 0)
		b0 = 0;
	if (b1 > (int64_t)UINT32_MAX + 1)
		b1 = (int64_t)UINT32_MAX + 1;
	if (b0 >= b1)
		return 0;
	rc = store_cursor_open(txn, st, db, &cur);
	if (rc)
		return store_err(rc, "mdb_cursor_open");
	usage_key_make(&k0, uid, (uint32_t)b0, 0);
	k.mv_data = &k0;
	k.mv_size = sizeof(k0);
	for (rc = store_cursor_get(cur, &k, &val, MDB_SET_RANGE); !rc;
	     rc = store_cursor_get(cur, &k, &val, MDB_NEXT)) {
		const struct usage_key *uk = k.mv_data;
		uint32_t b;

		if (k.mv_size != sizeof(*uk) || be32_get(uk->uid) != uid)
			break;
		b = be32_get(uk->bucket);
		if ((int64_t)b >= b1)
			break;
		if (gw_only >= 0 && (uk->gw[0] << 8 | uk->gw[1]) != gw_only)
			continue;
		if (val.mv_size != sizeof(v))
			continue;
		if (have && b != cur_b) {
			ret = cb(cur_b, &sum, ctx);
			if (ret)
				break;
			memset(&sum, 0, sizeof(sum));
		}
		memcpy(&v, val.mv_data, sizeof(v));
		ret = usage_val_add(&sum, &v);
		if (ret)
			break;
		cur_b = b;
		have = true;
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	if (rc && rc != -ENOENT)
		return store_err(rc, "mdb_cursor_get");
	if (have)
		return cb(cur_b, &sum, ctx);
	return 0;
}

static int sum_cb(uint32_t b, const struct usage_val *v, void *ctx)
{
	return usage_val_add(ctx, v);
}

/* uid's total from all its hour buckets (an import set, not added, one). */
static int total_recompute(MDB_txn *txn, struct store *st, uint32_t uid)
{
	struct usage_val sum = { 0 };
	uint8_t k[4];
	int err;

	err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, 0,
			  (int64_t)UINT32_MAX + 1, -1, sum_cb, &sum);
	if (err)
		return err;
	be32_put(k, uid);
	if (val_zero(&sum)) {
		err = store_del(txn, st, DB_USAGE_TOTAL, k, sizeof(k));
		return err == -ENOENT ? 0 : err;
	}
	return store_put(txn, st, DB_USAGE_TOTAL, k, sizeof(k), &sum,
			 sizeof(sum), 0);
}

/*
 * One pass over the hour buckets in key order (uid, hour, gw): cb gets
 * each uid's sum. Values are read through the store's cursor wrapper.
 */
static int hours_by_uid(MDB_txn *txn, struct store *st,
			int (*cb)(uint32_t uid, const struct usage_val *sum,
				  void *ctx),
			void *ctx)
{
	struct usage_val sum = { 0 }, v;
	uint32_t cur_uid = 0;
	bool have = false;
	MDB_cursor *cur;
	MDB_val k, val;
	int rc, ret = 0;

	ret = store_cursor_open(txn, st, DB_USAGE_HOUR, &cur);
	if (ret)
		return ret;
	for (rc = store_cursor_get(cur, &k, &val, MDB_FIRST); !rc;
	     rc = store_cursor_get(cur, &k, &val, MDB_NEXT)) {
		const struct usage_key *uk = k.mv_data;
		uint32_t uid;

		if (k.mv_size != sizeof(*uk) || val.mv_size != sizeof(v))
			continue;
		uid = be32_get(uk->uid);
		if (have && uid != cur_uid) {
			ret = cb(cur_uid, &sum, ctx);
			if (ret)
				break;
			memset(&sum, 0, sizeof(sum));
		}
		memcpy(&v, val.mv_data, sizeof(v));
		ret = usage_val_add(&sum, &v);
		if (ret)
			break;
		cur_uid = uid;
		have = true;
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	if (rc && rc != -ENOENT)
		return rc;
	return have ? cb(cur_uid, &sum, ctx) : 0;
}

struct rebuild_ctx {
	MDB_txn *txn;
	struct store *st;
	uint64_t n;
};

static int rebuild_cb(uint32_t uid, const struct usage_val *sum, void *ctx)
{
	struct rebuild_ctx *r = ctx;
	uint8_t k[4];

	if (val_zero(sum))
		return 0;
	be32_put(k, uid);
	r->n++;
	return store_put(r->txn, r->st, DB_USAGE_TOTAL, k, sizeof(k), sum,
			 sizeof(*sum), 0);
}

int usage_totals_rebuild(MDB_txn *txn, struct store *st, uint64_t *uids)
{
	struct rebuild_ctx r = { .txn = txn, .st = st };
	int rc, err;

	rc = mdb_drop(txn, store_dbi(st, DB_USAGE_TOTAL), 0);
	if (rc)
		return store_err(rc, "usage: drop totals");
	err = hours_by_uid(txn, st, rebuild_cb, &r);
	if (!err)
		err = store_meta_put_u64(txn, st, USAGE_TOTALS_META, 1);
	if (!err && uids)
		*uids = r.n;
	return err;
}

int usage_totals_ensure(struct store *st)
{
	uint64_t done = 0, n = 0;
	MDB_txn *txn;
	int err;

	err = store_begin(st, false, &txn);
	if (err)
		return err;
	err = store_meta_get_u64(txn, st, USAGE_TOTALS_META, &done);
	store_abort(txn);
	if (err || done)
		return err;
	err = store_begin(st, true, &txn);
	if (err)
		return err;
	err = usage_totals_rebuild(txn, st, &n);
	if (err) {
		store_abort(txn);
		return err;
	}
	return store_commit(txn);
}

struct check_ctx {
	MDB_cursor *tot;	/* DB_USAGE_TOTAL, walked alongside */
	MDB_val k, v;
	int rc;			/* of the last tot step */
	int (*cb)(uint32_t uid, const struct usage_val *hours,
		  const struct usage_val *total, void *ctx);
	void *ctx;
};

static uint32_t tot_uid(const struct check_ctx *c)
{
	return c->k.mv_size == 4 ? be32_get(c->k.mv_data) : UINT32_MAX;
}

static void tot_val(const struct check_ctx *c, struct usage_val *out)
{
	memset(out, 0, sizeof(*out));
	if (c->v.mv_size == sizeof(*out))
		memcpy(out, c->v.mv_data, sizeof(*out));
	else
		memset(out, 0xff, sizeof(*out));	/* malformed: differs */
}

/* Totals below uid have no hours: report them, then step past uid. */
static int tot_upto(struct check_ctx *c, uint32_t uid, bool has_hours,
		    const struct usage_val *hours)
{
	static const struct usage_val zero;
	struct usage_val t;
	int ret;

	while (!c->rc && (!has_hours || tot_uid(c) < uid)) {
		tot_val(c, &t);
		ret = c->cb(tot_uid(c), &zero, &t, c->ctx);
		if (ret)
			return ret;
		c->rc = store_cursor_get(c->tot, &c->k, &c->v, MDB_NEXT);
	}
	if (!has_hours)
		return 0;
	if (!c->rc && tot_uid(c) == uid) {
		tot_val(c, &t);
		c->rc = store_cursor_get(c->tot, &c->k, &c->v, MDB_NEXT);
	} else {
		memset(&t, 0, sizeof(t));
	}
	return c->cb(uid, hours, &t, c->ctx);
}

static int check_cb(uint32_t uid, const struct usage_val *sum, void *ctx)
{
	return tot_upto(ctx, uid, true, sum);
}

int usage_totals_check(MDB_txn *txn, struct store *st,
		       int (*cb)(uint32_t uid, const struct usage_val *hours,
				 const struct usage_val *total, void *ctx),
		       void *ctx)
{
	struct check_ctx c = { .cb = cb, .ctx = ctx };
	int err;

	err = store_cursor_open(txn, st, DB_USAGE_TOTAL, &c.tot);
	if (err)
		return err;
	c.rc = store_cursor_get(c.tot, &c.k, &c.v, MDB_FIRST);
	err = hours_by_uid(txn, st, check_cb, &c);
	if (!err)
		err = tot_upto(&c, 0, false, NULL);
	if (!err && c.rc && c.rc != -ENOENT)
		err = c.rc;
	mdb_cursor_close(c.tot);
	return err;
}

int usage_set_hour(MDB_txn *txn, struct store *st, uint32_t uid, uint16_t gw,
		   int64_t t, const struct usage_val *v)
{
	struct usage_val day = { 0 };
	struct usage_key k;
	int64_t h0;
	int32_t d;
	int err;

	if (t < 0 || t >= USAGE_T_MAX)
		return -ERANGE;
	if (usage_val_add(&day, v))	/* each count within the bound */
		return -EOVERFLOW;
	memset(&day, 0, sizeof(day));
	usage_key_make(&k, uid, (uint32_t)(t / HOUR), gw);
	if (val_zero(v)) {
		err = store_del(txn, st, DB_USAGE_HOUR, &k, sizeof(k));
		if (err == -ENOENT)
			err = 0;
	} else {
		err = store_put(txn, st, DB_USAGE_HOUR, &k, sizeof(k), v,
				sizeof(*v), 0);
	}
	if (err)
		return err;

	/* the zone is whole hours, so a local day is 24 whole UTC hours */
	d = tt_local_day(t);
	h0 = floor_div(tt_day_start(d), HOUR);
	err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, h0, h0 + 24, gw,
			  sum_cb, &day);
	if (err)
		return err;
	usage_key_make(&k, uid, (uint32_t)d, gw);
	if (val_zero(&day)) {
		err = store_del(txn, st, DB_USAGE_DAY, &k, sizeof(k));
		if (err == -ENOENT)
			err = 0;
	} else {
		err = store_put(txn, st, DB_USAGE_DAY, &k, sizeof(k), &day,
				sizeof(day), 0);
	}
	return err ? err : total_recompute(txn, st, uid);
}

/*
 * A range means "the hour buckets whose start lies in [from, to)": both
 * ends are rounded up to the hour, then split into whole local days
 * [d0, d1) and the hours at either edge.
 */
struct usage_range {
	int64_t h0, h1;		/* hour buckets [h0, h1) */
	int64_t d0, d1;		/* whole local days [d0, d1), d0 >= d1: none */
};

static void usage_range(int64_t from, int64_t to, struct usage_range *r)
{
	int64_t f = from < 0 ? 0 : from, t = to > USAGE_T_MAX ? USAGE_T_MAX : to;

	r->h0 = floor_div(f + HOUR - 1, HOUR);
	r->h1 = t < 0 ? 0 : floor_div(t + HOUR - 1, HOUR);
	if (r->h1 < r->h0)
		r->h1 = r->h0;
	r->d0 = tt_local_day(r->h0 * HOUR);
	if (tt_day_start((int32_t)r->d0) < r->h0 * HOUR)
		r->d0++;
	r->d1 = tt_local_day(r->h1 * HOUR);
	if (r->d0 < 0)
		r->d0 = 0;
}

int usage_sum(MDB_txn *txn, struct store *st, uint32_t uid, int64_t from,
	      int64_t to, struct usage_val *out)
{
	struct usage_range r;
	int64_t e0, e1;
	int err;

	memset(out, 0, sizeof(*out));
	usage_range(from, to, &r);
	if (r.d0 >= r.d1)
		return bucket_walk(txn, st, DB_USAGE_HOUR, uid, r.h0, r.h1, -1,
				   sum_cb, out);
	e0 = tt_day_start((int32_t)r.d0) / HOUR;
	e1 = tt_day_start((int32_t)r.d1) / HOUR;
	err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, r.h0, e0, -1, sum_cb,
			  out);
	if (!err)
		err = bucket_walk(txn, st, DB_USAGE_DAY, uid, r.d0, r.d1, -1,
				  sum_cb, out);
	if (!err)
		err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, e1, r.h1, -1,
				  sum_cb, out);
	return err;
}

struct each_ctx {
	int (*cb)(int64_t start, const struct usage_val *v, void *ctx);
	void *ctx;
	int64_t mult;		/* seconds per bucket */
	int64_t off;		/* added to bucket * mult */
	/* day step: partial edge days folded from hours */
	int32_t pend_day;
	bool pend;
	struct usage_val pend_v;
};

static int each_cb(uint32_t b, const struct usage_val *v, void *ctx)
{
	struct each_ctx *e = ctx;

	return e->cb((int64_t)b * e->mult + e->off, v, e->ctx);
}

/* hours of a partial edge day collected into one day bucket */
static int edge_cb(uint32_t b, const struct usage_val *v, void *ctx)
{
	struct each_ctx *e = ctx;

	e->pend = true;
	return usage_val_add(&e->pend_v, v);
}

static int edge_flush(struct each_ctx *e)
{
	int ret = 0;

	if (e->pend)
		ret = e->cb(tt_day_start(e->pend_day), &e->pend_v, e->ctx);
	e->pend = false;
	memset(&e->pend_v, 0, sizeof(e->pend_v));
	return ret;
}

int usage_foreach_bucket(MDB_txn *txn, struct store *st, uint32_t uid,
			 int64_t from, int64_t to, enum usage_step step,
			 int (*cb)(int64_t start, const struct usage_val *v,
				   void *ctx),
			 void *ctx)
{
	struct each_ctx e = { .cb = cb, .ctx = ctx };
	struct usage_range r;
	int64_t e0, e1;
	int err;

	usage_range(from, to, &r);
	if (step == USAGE_STEP_HOUR) {
		e.mult = HOUR;
		return bucket_walk(txn, st, DB_USAGE_HOUR, uid, r.h0, r.h1, -1,
				   each_cb, &e);
	}
	if (r.d0 >= r.d1) {
		/* no whole day: at most two partial days */
		int32_t da = tt_local_day(r.h0 * HOUR);

		e0 = tt_day_start(da + 1) / HOUR;
		if (e0 > r.h1)
			e0 = r.h1;
		e.pend_day = da;
		err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, r.h0, e0, -1,
				  edge_cb, &e);
		if (!err)
			err = edge_flush(&e);
		e.pend_day = da + 1;
		if (!err)
			err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, e0, r.h1,
					  -1, edge_cb, &e);
		return err ? err : edge_flush(&e);
	}
	e0 = tt_day_start((int32_t)r.d0) / HOUR;
	e1 = tt_day_start((int32_t)r.d1) / HOUR;
	e.pend_day = (int32_t)r.d0 - 1;
	err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, r.h0, e0, -1, edge_cb,
			  &e);
	if (!err)
		err = edge_flush(&e);
	e.mult = DAY;
	e.off = -tt_zone_offset();
	if (!err)
		err = bucket_walk(txn, st, DB_USAGE_DAY, uid, r.d0, r.d1, -1,
				  each_cb, &e);
	e.pend_day = (int32_t)r.d1;
	if (!err)
		err = bucket_walk(txn, st, DB_USAGE_HOUR, uid, e1, r.h1, -1,
				  edge_cb, &e);
	return err ? err : edge_flush(&e);
}
