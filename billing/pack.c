// SPDX-License-Identifier: GPL-2.0
/* pack.c - quota packs, the quota left per uid, and the drain's draw-down. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "billing/audit.h"
#include "billing/dunning.h"
#include "billing/pack.h"
#include "billing/prepaid.h"
#include "billing/tblscan.h"
#include "lib/log.h"

int pack_add(MDB_txn *txn, struct store *st, const struct pack_rec *p)
{
	if (plan_name_check(p->name) || !p->bytes || p->price <= 0 ||
	    !money_in_range(p->price) || p->days < 1 ||
	    p->days > PLAN_DAYS_MAX || p->bytes > INT64_MAX)
		return -EINVAL;
	return store_put(txn, st, DB_PACKS, p->name, strlen(p->name), p,
			 sizeof(*p), MDB_NOOVERWRITE);
}

static int pack_decode(const MDB_val *v, struct pack_rec *p)
{
	memset(p, 0, sizeof(*p));
	memcpy(p, v->mv_data, v->mv_size < sizeof(*p) ? v->mv_size : sizeof(*p));
	return p->version == PACK_REC_VERSION ? 0 : -EIO;
}

int pack_get(MDB_txn *txn, struct store *st, const char *name,
	     struct pack_rec *p)
{
	MDB_val v;
	int err;

	if (plan_name_check(name))
		return -ENOENT;
	err = store_get(txn, st, DB_PACKS, name, strlen(name), &v);
	return err ? err : pack_decode(&v, p);
}

struct pack_each {
	int (*cb)(const struct pack_rec *p, void *ctx);
	void *ctx;
};

static int pack_each_cb(const MDB_val *k, const MDB_val *v, void *ctx)
{
	struct pack_each *pe = ctx;
	struct pack_rec p;
	int err = pack_decode(v, &p);

	return err ? err : pe->cb(&p, pe->ctx);
}

int pack_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct pack_rec *p, void *ctx), void *ctx)
{
	struct pack_each pe = { cb, ctx };

	return tbl_scan(txn, st, DB_PACKS, NULL, 0, pack_each_cb, &pe);
}

int quota_get(MDB_txn *txn, struct store *st, uint32_t uid,
	      struct quota_rec *q)
{
	uint8_t k[4];
	MDB_val v;
	int err;

	be32_put(k, uid);
	err = store_get(txn, st, DB_QUOTA, k, 4, &v);
	if (err)
		return err;
	memset(q, 0, sizeof(*q));
	memcpy(q, v.mv_data, v.mv_size < sizeof(*q) ? v.mv_size : sizeof(*q));
	return q->version == QUOTA_REC_VERSION ? 0 : -EIO;
}

static int quota_put(MDB_txn *txn, struct store *st, uint32_t uid,
		     const struct quota_rec *q)
{
	uint8_t k[4];

	be32_put(k, uid);
	return store_put(txn, st, DB_QUOTA, k, 4, q, sizeof(*q), 0);
}

int quota_topup(MDB_txn *txn, struct store *st, uint32_t uid,
		uint64_t bytes, int64_t until, int64_t now)
{
	struct quota_rec q;
	int err = quota_get(txn, st, uid, &q);
	bool was_out;

	if (err == -ENOENT) {
		memset(&q, 0, sizeof(q));
		q.version = QUOTA_REC_VERSION;
	} else if (err) {
		return err;
	}
	if (q.expires && q.expires <= now)
		q.left = 0;	/* what was left has lapsed */
	if (bytes > INT64_MAX || q.left > INT64_MAX - bytes)
		return -ERANGE;
	was_out = q.state == QUOTA_EXHAUSTED;
	q.left += bytes;
	if (until > q.expires)
		q.expires = until;
	q.state = q.left ? QUOTA_OK : QUOTA_EXHAUSTED;
	q.updated = now;
	err = quota_put(txn, st, uid, &q);
	if (!err && was_out && q.state == QUOTA_OK)
		err = store_meta_bump(txn, st, "policy_gen", NULL);
	return err;
}

bool quota_exhausted_rec(const struct quota_rec *q, int64_t now)
{
	return q->state == QUOTA_EXHAUSTED || !q->left ||
	       (q->expires && q->expires <= now);
}

bool quota_exhausted(MDB_txn *txn, struct store *st, uint32_t uid,
		     int64_t now)
{
	struct quota_rec q;

	return !quota_get(txn, st, uid, &q) && quota_exhausted_rec(&q, now);
}

/* The quota of uid has run out in this drain: record it, isolate. */
static int quota_out(MDB_txn *txn, struct store *st, uint32_t uid,
		     int64_t now)
{
	struct sub_rec rec;
	json_t *d;
	int err;

	err = sub_get_by_uid(txn, st, uid, &rec);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	d = json_pack("{sI}", "uid", (json_int_t)uid);
	err = audit_write(txn, st, now, "agent:drain", "quota_exhausted",
			  rec.id, "kuota habis", d);
	json_decref(d);
	if (!err)
		err = store_meta_bump(txn, st, "policy_gen", NULL);
	if (err || rec.status != SUB_ACTIVE || rec.hold ||
	    prepaid_plan_of(txn, st, &rec, NULL) != 1)
		return err;	/* a quota holds only a prepaid line */
	/* no FUP rate in the data plane yet: isolir until a top-up */
	return dunning_suspend(txn, st, &rec, now, "agent:drain",
			       "kuota habis", true);
}

int quota_draw_batch(MDB_txn *txn, struct store *st, int64_t now,
		     const uint32_t *uids, const struct usage_val *deltas,
		     uint32_t n)
{
	MDB_stat ms;
	uint32_t i;
	int out = 0, err;

	if (!n || mdb_stat(txn, store_dbi(st, DB_QUOTA), &ms) ||
	    !ms.ms_entries)
		return 0;	/* nobody has a quota: the drain pays nothing */
	for (i = 0; i < n; i++) {
		struct quota_rec q;
		uint64_t used = deltas[i].up_bytes;

		err = quota_get(txn, st, uids[i], &q);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		if (used > UINT64_MAX - deltas[i].down_bytes)
			used = UINT64_MAX;
		else
			used += deltas[i].down_bytes;
		if (!used && q.state == QUOTA_EXHAUSTED)
			continue;
		if (q.expires && q.expires <= now)
			q.left = 0;
		q.left = q.left > used ? q.left - used : 0;
		q.used = q.used > UINT64_MAX - used ? UINT64_MAX : q.used + used;
		q.updated = now;
		if (!q.left && q.state != QUOTA_EXHAUSTED) {
			q.state = QUOTA_EXHAUSTED;
			err = quota_out(txn, st, uids[i], now);
			if (err)
				return err;
			out++;
		}
		err = quota_put(txn, st, uids[i], &q);
		if (err)
			return err;
	}
	return out;
}
