// SPDX-License-Identifier: GPL-2.0
/* radoct.c - RADIUS-reported octets per subscriber and day (DB_RADIUS_OCT), for comparison only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/radoct.h"
#include "lib/ttime.h"

#define SESS_PFX "rsess/"

static void key_make(uint8_t k[8], uint32_t uid, int32_t day)
{
	be32_put(k, uid);
	bei32_put(k + 4, day);
}

static int day_add(MDB_txn *txn, struct store *st, uint32_t uid, int32_t day,
		   uint64_t in, uint64_t out)
{
	struct radoct_val v = { 0, 0 };
	uint8_t k[8];
	MDB_val val;
	int err;

	if (!in && !out)
		return 0;
	key_make(k, uid, day);
	err = store_get(txn, st, DB_RADIUS_OCT, k, sizeof(k), &val);
	if (!err && val.mv_size == sizeof(v))
		memcpy(&v, val.mv_data, sizeof(v));
	else if (err && err != -ENOENT)
		return err;
	/* saturating: a comparison, never money */
	v.in = v.in + in < v.in ? UINT64_MAX : v.in + in;
	v.out = v.out + out < v.out ? UINT64_MAX : v.out + out;
	return store_put(txn, st, DB_RADIUS_OCT, k, sizeof(k), &v, sizeof(v),
			 0);
}

int radoct_note(MDB_txn *txn, struct store *st, uint32_t uid,
		const char *session, int status, uint64_t in, uint64_t out,
		int64_t now)
{
	struct radoct_sess s = { 0 };
	char key[8 + 256];
	MDB_val val;
	int err;

	if (!session || !*session || strlen(session) > 253)
		return 0;
	snprintf(key, sizeof(key), SESS_PFX "%s", session);
	err = store_get(txn, st, DB_META, key, strlen(key), &val);
	if (!err && val.mv_size == sizeof(s))
		memcpy(&s, val.mv_data, sizeof(s));
	else if (err && err != -ENOENT)
		return err;
	if (s.uid != uid)	/* a new session, or the id reused */
		memset(&s, 0, sizeof(s));
	err = day_add(txn, st, uid, tt_local_day(now),
		      in >= s.in ? in - s.in : in, out >= s.out ? out - s.out : out);
	if (err)
		return err;
	if (status == 2) {
		err = store_del(txn, st, DB_META, key, strlen(key));
		return err == -ENOENT ? 0 : err;
	}
	s.uid = uid;
	s.in = in;
	s.out = out;
	return store_put(txn, st, DB_META, key, strlen(key), &s, sizeof(s), 0);
}

int radoct_foreach(MDB_txn *txn, struct store *st, int32_t from_day,
		   int32_t to_day,
		   int (*cb)(uint32_t uid, int32_t day,
			     const struct radoct_val *v, void *ctx),
		   void *ctx)
{
	struct radoct_val v;
	MDB_cursor *cur;
	MDB_val k, val;
	int err, ret = 0;

	err = store_cursor_open(txn, st, DB_RADIUS_OCT, &cur);
	if (err)
		return err;
	for (err = store_cursor_get(cur, &k, &val, MDB_FIRST); !err && !ret;
	     err = store_cursor_get(cur, &k, &val, MDB_NEXT)) {
		int32_t day;

		if (k.mv_size != 8 || val.mv_size != sizeof(v))
			continue;
		day = bei32_get((const uint8_t *)k.mv_data + 4);
		if (day < from_day || day > to_day)
			continue;
		memcpy(&v, val.mv_data, sizeof(v));
		ret = cb(be32_get(k.mv_data), day, &v, ctx);
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	return err == -ENOENT ? 0 : err;
}
