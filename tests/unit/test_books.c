// SPDX-License-Identifier: GPL-2.0
/* test_books.c - the cash book: filters by day, method, taker; sums by method and taker with the cash hand-over; revenue month by month. */
#include <errno.h>
#include <string.h>

#include "tests/unit/tmpstore.h"
#include "billing/books.h"
#include "lib/ttime.h"

static MDB_txn *txn;

static void setup(void)
{
	struct sub_rec r = { 0 };

	tmp_store_setup();
	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	strcpy(r.id, "budi");
	strcpy(r.name, "Budi");
	ck_assert_int_eq(sub_add(txn, tmp_st, &r, NULL, 0, NULL), 0);
}

static void teardown(void)
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

static void pay(const char *ref, rp_t amt, int method, const char *when,
		const char *actor)
{
	struct pay_rec p;

	ck_assert_int_eq(pay_apply(txn, tmp_st, "budi", amt, method, ref, NULL,
				   0, T(when), actor, &p), 1);
}

START_TEST(collections)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct books_sum s;
	struct pay_rec *v;
	size_t n;
	int32_t day;
	char u[72];

	pay("A", 100000, PAY_CASH, "2026-11-20T08:00+07:00", "console:kas");
	pay("B", 50000, PAY_TRANSFER, "2026-11-20T09:00+07:00", "console:kas");
	pay("C", 20000, PAY_CASH, "2026-11-20T23:59+07:00", "console:kas2");
	pay("D", 7000, PAY_CASH, "2026-11-21T00:00+07:00", "console:kas");
	pay("E", 3000, PAY_GATEWAY, "2026-11-20T12:00+07:00",
	    "tagihd:webhook:midtrans");
	/* the day in the operator's zone: 00:00 WIB of the 21st is out */
	ck_assert_int_eq(tt_parse_date("2026-11-20", &day), 0);
	f.from = tt_day_start(day);
	f.to = tt_day_start(day + 1);
	ck_assert_int_eq(books_collections(txn, tmp_st, &f, &s), 0);
	ck_assert_int_eq(s.count, 4);
	ck_assert_int_eq(s.total, 173000);
	ck_assert_int_eq(s.by_method[PAY_CASH], 120000);
	ck_assert_int_eq(s.by_method[PAY_TRANSFER], 50000);
	ck_assert_int_eq(s.by_method[PAY_GATEWAY], 3000);
	ck_assert_int_eq(s.nusers, 3);
	ck_assert_str_eq(s.users[0].user, "kas");
	ck_assert_int_eq(s.users[0].amount, 150000);
	ck_assert_int_eq(s.users[0].cash, 100000);	/* setoran */
	ck_assert_str_eq(s.users[2].user, "tagihd:webhook:midtrans");
	/* filters */
	f.by = "kas";
	f.method = PAY_CASH;
	ck_assert_int_eq(books_pay_list(txn, tmp_st, &f, &v, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].ref, "A");
	ck_assert_str_eq(books_pay_user(&v[0], u, sizeof(u)), "kas");
	free(v);
	f = (struct pay_filter)PAY_FILTER_ANY;
	ck_assert_int_eq(books_pay_list(txn, tmp_st, &f, &v, &n), 0);
	ck_assert_int_eq(n, 5);		/* oldest first */
	ck_assert_str_eq(v[0].ref, "A");
	ck_assert_str_eq(v[4].ref, "D");
	free(v);
	f.kind = "credit";
	ck_assert_int_eq(books_pay_list(txn, tmp_st, &f, &v, &n), 0);
	ck_assert_int_eq(n, 0);
	free(v);
	f.kind = "payment";
	ck_assert_int_eq(books_pay_list(txn, tmp_st, &f, &v, &n), 0);
	ck_assert_int_eq(n, 5);
	free(v);
}
END_TEST

START_TEST(months)
{
	struct rev_report r[BOOKS_MONTHS_MAX];
	int n;

	ck_assert_int_eq(books_revenue_months(txn, tmp_st, 2025, 12, 2026, 11,
					      r, &n), 0);
	ck_assert_int_eq(n, 12);
	ck_assert_int_eq(books_revenue_months(txn, tmp_st, 2026, 11, 2026, 10,
					      r, &n), -EINVAL);
	ck_assert_int_eq(books_revenue_months(txn, tmp_st, 2000, 1, 2026, 10,
					      r, &n), -EINVAL);
}
END_TEST

static Suite *books_suite(void)
{
	Suite *s = suite_create("books");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, collections);
	tcase_add_test(tc, months);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(books_suite)
