// SPDX-License-Identifier: GPL-2.0
/* test_usage.c - hour/day buckets, sums across local-day edges, import. */
#include <errno.h>
#include "tmpstore.h"
#include "ttime.h"
#include "usage.h"

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
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(usage_suite)
