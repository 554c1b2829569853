// SPDX-License-Identifier: GPL-2.0
/* test_usage.c - hour/day buckets, sums across local-day edges, import. */
#include <errno.h>
#include <string.h>
#include "tests/unit/tmpstore.h"
#include "lib/ttime.h"
#include "billing/usage.h"

static MDB_txn *txn;

static void usage_setup(void)
{
	tmp_store_setup();
	tt_set_zone("Asia/Jakarta");
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
}

static void usage_teardown(void)
{
	store_abort(txn);
	tmp_store_teardown();
}

static int64_t T(const char *s)
{
	int64_t t;

	ck_assert_int_eq(tt_parse_time(s, &t), 0);
	return t;
}

static uint64_t down(uint32_t uid, const char *from, const char *to)
{
	struct usage_val v;

	ck_assert_int_eq(usage_sum(txn, tmp_st, uid, from ? T(from) : INT64_MIN,
				   to ? T(to) : INT64_MAX, &v),
			 0);
	return v.down_bytes;
}

static void put(uint32_t uid, uint16_t gw, const char *t, uint64_t d)
{
	struct usage_val v = { .down_bytes = d, .up_bytes = d / 10 };

	ck_assert_int_eq(usage_add(txn, tmp_st, uid, gw, T(t), &v), 0);
}

START_TEST(day_edges)
{
	/* local (WIB) times: 23:30 on the 1st, 00:10 and 12:00 on the 2nd,
	 * 00:00 on the 3rd; gateway 2 adds on the 2nd too */
	put(1, 1, "2026-11-01T23:30", 1);
	put(1, 1, "2026-11-02T00:10", 10);
	put(1, 1, "2026-11-02T12:00", 100);
	put(1, 2, "2026-11-02T12:59:59", 1000);
	put(1, 1, "2026-11-03T00:00", 10000);
	put(2, 1, "2026-11-02T12:00", 99999);	/* another uid */

	ck_assert_int_eq(down(1, NULL, NULL), 11111);
	/* whole local day from day buckets */
	ck_assert_int_eq(down(1, "2026-11-02", "2026-11-03"), 1110);
	/* starts mid-day: the edge comes from hours */
	ck_assert_int_eq(down(1, "2026-11-01T23:00", "2026-11-03"), 1111);
	ck_assert_int_eq(down(1, "2026-11-02T01:00", "2026-11-03"), 1100);
	ck_assert_int_eq(down(1, "2026-11-02T01:00", "2026-11-03T01:00"),
			 11100);
	ck_assert_int_eq(down(1, "2026-11-02T12:00", "2026-11-02T13:00"), 1100);
	ck_assert_int_eq(down(1, "2026-11-02T12:00", "2026-11-02T12:00:01"),
			 1100);	/* hour granularity */
	/* the same range in UTC: 2026-11-01T17:00Z is local midnight */
	ck_assert_int_eq(down(1, "2026-11-01T17:00Z", "2026-11-02T17:00Z"),
			 1110);
	ck_assert_int_eq(down(1, "2026-11-04", NULL), 0);
	ck_assert_int_eq(down(2, NULL, NULL), 99999);
}
END_TEST

struct bk {
	int n;
	int64_t start[8];
	uint64_t down[8];
};

static int bk_cb(int64_t start, const struct usage_val *v, void *ctx)
{
	struct bk *b = ctx;

	if (b->n < 8) {
		b->start[b->n] = start;
		b->down[b->n] = v->down_bytes;
	}
	b->n++;
	return 0;
}

START_TEST(buckets)
{
	struct bk b = { 0 };

	put(1, 1, "2026-11-01T23:30", 1);
	put(1, 1, "2026-11-02T12:00", 100);
	put(1, 2, "2026-11-02T12:30", 1000);
	ck_assert_int_eq(usage_foreach_bucket(txn, tmp_st, 1, INT64_MIN,
					      INT64_MAX, USAGE_STEP_HOUR,
					      bk_cb, &b),
			 0);
	ck_assert_int_eq(b.n, 2);
	ck_assert_int_eq(b.start[0], T("2026-11-01T23:00"));
	ck_assert_int_eq(b.down[1], 1100);	/* gateways summed */

	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(usage_foreach_bucket(txn, tmp_st, 1, INT64_MIN,
					      INT64_MAX, USAGE_STEP_DAY, bk_cb,
					      &b),
			 0);
	ck_assert_int_eq(b.n, 2);
	ck_assert_int_eq(b.start[0], T("2026-11-01"));
	ck_assert_int_eq(b.start[1], T("2026-11-02"));
	ck_assert_int_eq(b.down[1], 1100);

	/* a range starting mid-day: the first day is partial, from hours */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(usage_foreach_bucket(txn, tmp_st, 1,
					      T("2026-11-02T12:30"),
					      T("2026-11-03"), USAGE_STEP_DAY,
					      bk_cb, &b),
			 0);
	ck_assert_int_eq(b.n, 0);	/* 12:00 bucket starts before from */
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(usage_foreach_bucket(txn, tmp_st, 1,
					      T("2026-11-01T12:00"),
					      T("2026-11-02T13:00"),
					      USAGE_STEP_DAY, bk_cb, &b),
			 0);
	ck_assert_int_eq(b.n, 2);
	ck_assert_int_eq(b.down[0], 1);
	ck_assert_int_eq(b.down[1], 1100);
}
END_TEST

START_TEST(set_hour_idempotent)
{
	struct usage_val v = { .up_bytes = 5, .down_bytes = 50 };
	struct usage_val z = { 0 };
	int i;

	put(1, 1, "2026-11-02T12:00", 100);	/* metered, gw 1 */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(usage_set_hour(txn, tmp_st, 1, USAGE_GW_IMPORT,
						T("2026-11-02T10:00"), &v),
				 0);
		ck_assert_int_eq(usage_set_hour(txn, tmp_st, 1, USAGE_GW_IMPORT,
						T("2026-11-02T11:00"), &v),
				 0);
	}
	ck_assert_int_eq(down(1, NULL, NULL), 200);
	ck_assert_int_eq(down(1, "2026-11-02", "2026-11-03"), 200);
	/* setting an hour again replaces it and the day follows */
	v.down_bytes = 7;
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 1, USAGE_GW_IMPORT,
					T("2026-11-02T11:00"), &v),
			 0);
	ck_assert_int_eq(down(1, "2026-11-02", "2026-11-03"), 157);
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 1, USAGE_GW_IMPORT,
					T("2026-11-02T11:00"), &z),
			 0);
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 1, USAGE_GW_IMPORT,
					T("2026-11-02T10:00"), &z),
			 0);
	ck_assert_int_eq(down(1, "2026-11-02", "2026-11-03"), 100);
	ck_assert_int_eq(usage_add(txn, tmp_st, 1, 1, -5, &v), -ERANGE);
}
END_TEST

/* The bytes helper at the edges: 2^63 - 1 is the most, nothing wraps. */
START_TEST(count_add_bounds)
{
	struct usage_val a = { .up_bytes = 1, .down_bytes = 2 };
	struct usage_val b = { .up_bytes = 3, .down_bytes = UINT64_MAX };
	uint64_t x = 0;

	ck_assert_int_eq(usage_count_add(&x, USAGE_COUNT_MAX), 0);
	ck_assert_uint_eq(x, (uint64_t)INT64_MAX);
	ck_assert_int_eq(usage_count_add(&x, 1), -EOVERFLOW);
	ck_assert_uint_eq(x, (uint64_t)INT64_MAX);
	ck_assert_int_eq(usage_count_add(&x, 0), 0);
	x = 1;
	ck_assert_int_eq(usage_count_add(&x, UINT64_MAX), -EOVERFLOW);
	ck_assert_uint_eq(x, 1);	/* 2^64 - 1 + 1 must not become 0 */
	x = 0;
	ck_assert_int_eq(usage_count_add(&x, UINT64_MAX), -EOVERFLOW);
	ck_assert_int_eq(usage_count_add(&x, (uint64_t)INT64_MAX + 1),
			 -EOVERFLOW);
	ck_assert_uint_eq(x, 0);
	/* all or nothing: up would fit, down does not */
	ck_assert_int_eq(usage_val_add(&a, &b), -EOVERFLOW);
	ck_assert_uint_eq(a.up_bytes, 1);
	ck_assert_uint_eq(a.down_bytes, 2);
	b.down_bytes = 5;
	ck_assert_int_eq(usage_val_add(&a, &b), 0);
	ck_assert_uint_eq(a.up_bytes, 4);
	ck_assert_uint_eq(a.down_bytes, 7);
}
END_TEST

/* A bucket that would pass 2^63 - 1 is refused, by every writer. */
START_TEST(bucket_overflow_refused)
{
	struct usage_val big = { .up_bytes = USAGE_COUNT_MAX - 10 };
	struct usage_val one = { .up_bytes = 11 };
	struct usage_val huge = { .up_bytes = UINT64_MAX };
	struct usage_val v;
	uint32_t uid = 3;

	ck_assert_int_eq(usage_add(txn, tmp_st, 1, 1, T("2026-11-02T10:00"),
				   &big), 0);
	ck_assert_int_eq(usage_add(txn, tmp_st, 1, 1, T("2026-11-02T10:30"),
				   &one), -EOVERFLOW);
	one.up_bytes = 10;
	ck_assert_int_eq(usage_add(txn, tmp_st, 1, 1, T("2026-11-02T10:30"),
				   &one), 0);
	ck_assert_int_eq(usage_sum(txn, tmp_st, 1, INT64_MIN, INT64_MAX, &v),
			 0);
	ck_assert_uint_eq(v.up_bytes, USAGE_COUNT_MAX);
	/* two hours that fit alone overflow the day, and any sum */
	ck_assert_int_eq(usage_add(txn, tmp_st, 2, 1, T("2026-11-02T10:00"),
				   &big), 0);
	ck_assert_int_eq(usage_add(txn, tmp_st, 2, 1, T("2026-11-02T12:00"),
				   &big), -EOVERFLOW);
	/* the drain's batch: same rule */
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, T("2026-11-02T10:00"),
					 &uid, &huge, 1), -EOVERFLOW);
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, T("2026-11-02T10:00"),
					 &uid, &big, 1), 0);
	one.up_bytes = 11;
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, T("2026-11-02T11:00"),
					 &uid, &one, 1), -EOVERFLOW);
	/* import: a count past the bound, or a day that would pass it */
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 4, USAGE_GW_IMPORT,
					T("2026-11-02T10:00"), &huge),
			 -EOVERFLOW);
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 4, USAGE_GW_IMPORT,
					T("2026-11-02T10:00"), &big), 0);
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 4, USAGE_GW_IMPORT,
					T("2026-11-02T11:00"), &big),
			 -EOVERFLOW);
}
END_TEST

/* usage_add_batch writes what N usage_add calls write, byte for byte. */
static void dump_db(MDB_txn *t, enum store_db db, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(store_cursor_open(t, tmp_st, db, &cur), 0);
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		fwrite(&k.mv_size, sizeof(k.mv_size), 1, f);
		fwrite(k.mv_data, 1, k.mv_size, f);
		fwrite(&v.mv_size, sizeof(v.mv_size), 1, f);
		fwrite(v.mv_data, 1, v.mv_size, f);
	}
	ck_assert_int_eq(rc, -ENOENT);
	mdb_cursor_close(cur);
	fclose(f);
}

START_TEST(add_batch_equals_add)
{
	/* existing records before, between, after and equal to the batch */
	static const uint32_t pre[] = { 1, 4, 5, 9, 200, 1000 };
	uint32_t uids[300];
	struct usage_val dv[300];
	int64_t t = T("2026-11-02T23:30"), times[] = { t, t + 1800, t + 86400 };
	enum store_db dbs[] = { DB_USAGE_HOUR, DB_USAGE_DAY };
	MDB_txn *a;
	size_t n = 0, i, j, r;

	for (i = 0; i < 300; i++) {
		if (i % 3 == 1)
			continue;	/* gaps */
		uids[n] = (uint32_t)i * 2 + 1;
		dv[n] = (struct usage_val){ .up_bytes = i, .down_bytes = i * 7,
					    .up_pkts = 1, .down_pkts = i % 5,
					    .drop_bytes = i % 2,
					    .drop_pkts = i % 2 };
		n++;
	}
	store_abort(txn);	/* two transactions side by side instead */
	txn = NULL;
	ck_assert_int_eq(store_begin(tmp_st, true, &a), 0);
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		struct usage_val v = { .down_bytes = 3 };

		ck_assert_int_eq(usage_add(a, tmp_st, pre[i], 1, t, &v), 0);
		ck_assert_int_eq(usage_add(a, tmp_st, pre[i], 2, t, &v), 0);
	}
	ck_assert_int_eq(store_commit(a), 0);

	for (r = 0; r < 2; r++) {
		char *buf[2][2];
		size_t len[2][2];

		ck_assert_int_eq(store_begin(tmp_st, true, &a), 0);
		for (j = 0; j < 3; j++) {
			if (r == 0) {
				for (i = 0; i < n; i++)
					ck_assert_int_eq(usage_add(a, tmp_st,
								   uids[i], 1,
								   times[j],
								   &dv[i]),
							 0);
			} else {
				ck_assert_int_eq(usage_add_batch(a, tmp_st, 1,
								 times[j],
								 uids, dv, n),
						 0);
			}
		}
		for (i = 0; i < 2; i++)
			dump_db(a, dbs[i], &buf[r][i], &len[r][i]);
		store_abort(a);
		if (r == 1) {
			for (i = 0; i < 2; i++) {
				ck_assert_uint_eq(len[0][i], len[1][i]);
				ck_assert(!memcmp(buf[0][i], buf[1][i],
						  len[0][i]));
			}
			for (i = 0; i < 4; i++)
				free(buf[i / 2][i % 2]);
		}
	}
	/* bad input writes nothing */
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	uids[1] = uids[0];
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, t, uids, dv, n),
			 -EINVAL);
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, -1, uids, dv, n),
			 -ERANGE);
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, t, uids, dv, 0), 0);
	ck_assert_int_eq(down(1, NULL, NULL), 6);	/* only the pre records */
	ck_assert_int_eq(down(7, NULL, NULL), 0);
}
END_TEST

static uint64_t total_down(uint32_t uid)
{
	struct usage_val v;

	ck_assert_int_eq(usage_total(txn, tmp_st, uid, &v), 0);
	return v.down_bytes;
}

static int bad_cb(uint32_t uid, const struct usage_val *h,
		  const struct usage_val *t, void *ctx)
{
	int *bad = ctx;

	if (memcmp(h, t, sizeof(*h)))
		bad[uid < 16 ? uid : 0]++;
	return 0;
}

START_TEST(totals_follow_history)
{
	/* every writer keeps the running total = the sum of the history */
	struct usage_val dv[3] = { { .down_bytes = 1, .up_bytes = 2 },
				   { .down_bytes = 30 },
				   { .down_bytes = 500, .drop_bytes = 9 } };
	struct usage_val v = { .down_bytes = 7000 }, junk = { .down_bytes = 1 };
	uint32_t uids[3] = { 1, 3, 9 };
	int bad[16] = { 0 }, i;
	uint64_t n = 0;
	uint8_t k[4];

	put(1, 1, "2026-11-01T23:30", 10);
	put(1, 2, "2026-11-02T00:10", 100);
	ck_assert_int_eq(usage_add_batch(txn, tmp_st, 1, T("2026-11-02T05:00"),
					 uids, dv, 3), 0);
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 3, USAGE_GW_IMPORT,
					T("2026-10-01T10:00"), &v), 0);
	v.down_bytes = 8000;	/* set again: replaces, never adds */
	ck_assert_int_eq(usage_set_hour(txn, tmp_st, 3, USAGE_GW_IMPORT,
					T("2026-10-01T10:00"), &v), 0);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(total_down(uids[i]),
				  down(uids[i], NULL, NULL));
	ck_assert_uint_eq(total_down(1), 111);
	ck_assert_uint_eq(total_down(3), 8030);
	ck_assert_uint_eq(total_down(4), 0);	/* none: zero */
	ck_assert_int_eq(usage_totals_check(txn, tmp_st, bad_cb, bad), 0);
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(bad[i], 0);

	/* a damaged total and a stray one are found, a rebuild fixes both */
	be32_put(k, 3);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_USAGE_TOTAL, k, 4, &junk,
				   sizeof(junk), 0), 0);
	be32_put(k, 5);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_USAGE_TOTAL, k, 4, &junk,
				   sizeof(junk), 0), 0);
	ck_assert_int_eq(usage_totals_check(txn, tmp_st, bad_cb, bad), 0);
	ck_assert_int_eq(bad[3], 1);
	ck_assert_int_eq(bad[5], 1);
	ck_assert_int_eq(bad[1] + bad[9], 0);
	ck_assert_int_eq(usage_totals_rebuild(txn, tmp_st, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(total_down(3), 8030);
	ck_assert_uint_eq(total_down(5), 0);
	memset(bad, 0, sizeof(bad));
	ck_assert_int_eq(usage_totals_check(txn, tmp_st, bad_cb, bad), 0);
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(bad[i], 0);
}
END_TEST

START_TEST(key_layout)
{
	struct usage_key k;

	ck_assert_int_eq(sizeof(k), 10);
	usage_key_make(&k, 0x01020304, 0x0a0b0c0d, 0x0e0f);
	ck_assert_int_eq(k.uid[0], 1);
	ck_assert_int_eq(k.bucket[3], 0x0d);
	ck_assert_int_eq(k.gw[0], 0x0e);
}
END_TEST

static Suite *usage_suite(void)
{
	Suite *s = suite_create("usage");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, usage_setup, usage_teardown);
	tcase_add_test(tc, day_edges);
	tcase_add_test(tc, buckets);
	tcase_add_test(tc, set_hour_idempotent);
	tcase_add_test(tc, key_layout);
	tcase_add_test(tc, totals_follow_history);
	tcase_add_test(tc, add_batch_equals_add);
	tcase_add_test(tc, count_add_bounds);
	tcase_add_test(tc, bucket_overflow_refused);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(usage_suite)
