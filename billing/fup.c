// SPDX-License-Identifier: GPL-2.0
/* fup.c - the fair-usage policy state in the store: period, reached once per crossing, top-ups. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "billing/fup.h"
#include "billing/invoice.h"
#include "billing/usage.h"
#include "lib/ttime.h"

#define FUP_KEY_MAX (4 + SUB_ID_MAX + 1)

void fup_period(const struct sub_rec *r, int32_t day, int32_t *from,
		int32_t *to)
{
	int y, m, d;

	tt_civil_from_days(day, &y, &m, &d);
	invoice_sub_period(r, y, m, from, to);
	if (day < *from) {	/* still in the period that began last month */
		if (--m < 1) {
			m = 12;
			y--;
		}
		invoice_sub_period(r, y, m, from, to);
	}
}

static size_t fup_key(char *key, const char *sub)
{
	return (size_t)snprintf(key, FUP_KEY_MAX, "fup/%s", sub);
}

int fup_get(MDB_txn *txn, struct store *st, const char *sub,
	    int32_t period_from, struct fup_rec *out)
{
	char key[FUP_KEY_MAX];
	MDB_val v;
	int err;

	memset(out, 0, sizeof(*out));
	out->version = FUP_REC_VERSION;
	out->period_from = period_from;
	if (sub_id_check(sub))
		return -EINVAL;
	err = store_get(txn, st, DB_META, key, fup_key(key, sub), &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (v.mv_size < offsetof(struct fup_rec, reserved))
		return -EIO;
	{
		struct fup_rec r = { 0 };

		memcpy(&r, v.mv_data,
		       v.mv_size < sizeof(r) ? v.mv_size : sizeof(r));
		if (r.period_from == period_from)
			*out = r;
	}
	return 0;
}

static int fup_put(MDB_txn *txn, struct store *st, const char *sub,
		   const struct fup_rec *r)
{
	char key[FUP_KEY_MAX];

	return store_put(txn, st, DB_META, key, fup_key(key, sub), r,
			 sizeof(*r), 0);
}

int fup_reach(MDB_txn *txn, struct store *st, const char *sub,
	      int32_t period_from, uint64_t used, int64_t now,
	      const char *actor)
{
	struct fup_rec r;
	json_t *d;
	int err;

	err = fup_get(txn, st, sub, period_from, &r);
	if (err)
		return err;
	if (r.reached)
		return -EALREADY;
	r.reached = now;
	r.used = used;
	r.crossings++;
	err = fup_put(txn, st, sub, &r);
	if (err)
		return err;
	d = json_pack("{s:I, s:I, s:I, s:i}", "period_from",
		      (json_int_t)period_from, "used_bytes", (json_int_t)used,
		      "topup_bytes", (json_int_t)r.topup_bytes, "crossing",
		      (int)r.crossings);
	err = audit_write(txn, st, now, actor, "fup", sub, "fup reached", d);
	json_decref(d);
	return err ? err : store_meta_bump(txn, st, "policy_gen", NULL);
}

int fup_topup(MDB_txn *txn, struct store *st, const char *sub,
	      int32_t period_from, uint64_t bytes, int64_t now,
	      const char *actor)
{
	struct fup_rec r;
	json_t *d;
	int err;

	err = fup_get(txn, st, sub, period_from, &r);
	if (err)
		return err;
	if (!bytes || __builtin_add_overflow(r.topup_bytes, bytes,
					     &r.topup_bytes) ||
	    r.topup_bytes > USAGE_COUNT_MAX)
		return -EINVAL;
	r.reached = 0;
	r.used = 0;
	err = fup_put(txn, st, sub, &r);
	if (err)
		return err;
	d = json_pack("{s:I, s:I, s:I}", "period_from", (json_int_t)period_from,
		      "bytes", (json_int_t)bytes, "topup_bytes",
		      (json_int_t)r.topup_bytes);
	err = audit_write(txn, st, now, actor, "fup_topup", sub, NULL, d);
	json_decref(d);
	return err ? err : store_meta_bump(txn, st, "policy_gen", NULL);
}

int fup_store_used(MDB_txn *txn, struct store *st, uint32_t uid,
		   int32_t period_from, int64_t now, uint64_t *used)
{
	struct usage_val v;
	int err;

	/* to the end: a drain bills at its own time, which may pass now */
	err = usage_sum(txn, st, uid, tt_day_start(period_from), INT64_MAX,
			&v);
	if (err)
		return err;
	*used = v.up_bytes + v.down_bytes;	/* each < 2^63: no wrap */
	return 0;
}
