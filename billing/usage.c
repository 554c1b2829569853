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
	return bucket_add(txn, st, DB_USAGE_DAY, &k, delta);
}

/*
 * bucket_add() through a cursor. The previous key of this cursor was
 * below k, so the cursor's last page is checked first (LMDB's
 * mdb_cursor_set does that for an initialised cursor) and a missing key
 * is inserted without a second search: MDB_CURRENT rewrites the 48 bytes
 * in place, MDB_APPEND adds past the last key (a fresh hour), and only a
 * key between two others costs the put's own search.
 */
static int bucket_add_cur(MDB_cursor *cur, const struct usage_key *uk,
			  const struct usage_val *d)
{
	MDB_val k = { .mv_size = sizeof(*uk), .mv_data = (void *)uk };
	struct usage_val v = { 0 };
	unsigned flags = 0;
	MDB_val old;
	int rc;

	rc = store_cursor_get(cur, &k, &old, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == sizeof(*uk) && !memcmp(k.mv_data, uk,
							   sizeof(*uk))) {
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
	k.mv_size = sizeof(*uk);
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
		err = bucket_add_cur(cur, &k, &deltas[i]);
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
	if (err)
		return err;
	return batch_db(txn, st, DB_USAGE_DAY, (uint32_t)tt_local_day(t), gw,
			uids, deltas, n);
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
		return err == -ENOENT ? 0 : err;
	}
	return store_put(txn, st, DB_USAGE_DAY, &k, sizeof(k), &day,
			 sizeof(day), 0);
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
