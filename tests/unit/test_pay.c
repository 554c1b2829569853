// SPDX-License-Identifier: GPL-2.0
/* test_pay.c - payments on a fresh LMDB per test: oldest first, balance, idempotent refs. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/fsck.h"
#include "billing/invoice.h"
#include "billing/pay.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/ttime.h"

#define GB RATE_GB

#include "tests/unit/billfix.h"

static int pay(const char *sub, rp_t amount, const char *ref,
	       struct pay_rec *p)
{
	MDB_txn *txn;
	int ret;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ret = pay_apply(txn, st, sub, amount, PAY_TRANSFER, ref, "{\"raw\":1}",
			9, T("2027-01-05"), "test", p);
	if (ret >= 0)
		ck_assert_int_eq(store_commit(txn), 0);
	else
		store_abort(txn);
	return ret;
}

static rp_t balance(const char *sub)
{
	struct sub_rec r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, sub, &r), 0);
	store_abort(txn);
	return r.balance;
}

/* Two invoices for andi: Oct (111000) and Nov (111000). */
static void two_invoices(void)
{
	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	add_sub("budi", "basic", "2026-10-01");
	run(2026, 10, "2026-11-01");
	run(2026, 11, "2026-12-01");
}

START_TEST(test_oldest_first)
{
	struct pay_rec p;
	struct inv_rec *i;

	two_invoices();
	ck_assert_int_eq(pay("andi", 150000, "TRF-1", &p), 1);
	ck_assert_int_eq(p.nalloc, 2);
	ck_assert_str_eq(p.alloc[0].number, get_inv("2026-10", "andi")->number);
	ck_assert_int_eq(p.alloc[0].amount, 111000);
	ck_assert_int_eq(p.alloc[1].amount, 39000);
	ck_assert_int_eq(p.to_balance, 0);
	i = get_inv("2026-10", "andi");
	ck_assert_int_eq(i->status, INV_PAID);
	i = get_inv("2026-11", "andi");
	ck_assert_int_eq(i->status, INV_PARTIAL);
	ck_assert_int_eq(i->paid, 39000);
	/* budi untouched */
	ck_assert_int_eq(get_inv("2026-10", "budi")->paid, 0);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_overpayment_balance_autopay)
{
	struct pay_rec p;
	struct inv_rec *i;

	two_invoices();
	ck_assert_int_eq(pay("andi", 300000, "TRF-2", &p), 1);
	ck_assert_int_eq(p.to_balance, 78000);
	ck_assert_int_eq(balance("andi"), 78000);
	ck_assert_int_eq(fsck_violations(), 0);
	/* December's invoice is paid from the balance at its run */
	run(2026, 12, "2027-01-01");
	i = get_inv("2026-12", "andi");
	ck_assert_int_eq(i->paid, 78000);
	ck_assert_int_eq(i->status, INV_PARTIAL);
	ck_assert_int_eq(balance("andi"), 0);
	/* enough balance: fully paid, the rest stays */
	ck_assert_int_eq(pay("andi", 33000 + 200000, "TRF-3", &p), 1);
	ck_assert_int_eq(balance("andi"), 200000);
	run(2027, 1, "2027-02-01");
	ck_assert_int_eq(get_inv("2027-01", "andi")->status, INV_PAID);
	ck_assert_int_eq(balance("andi"), 89000);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_idempotent_ref)
{
	struct pay_rec p, q;

	two_invoices();
	ck_assert_int_eq(pay("andi", 50000, "GW-77", &p), 1);
	ck_assert_int_eq(pay("andi", 50000, "GW-77", &q), 0);	/* retry */
	ck_assert_int_eq(q.amount, 50000);
	ck_assert_int_eq(q.nalloc, 1);
	ck_assert_int_eq(get_inv("2026-10", "andi")->paid, 50000);
	ck_assert_int_eq(pay("andi", 50001, "GW-77", &q), -EEXIST);
	ck_assert_int_eq(pay("budi", 50000, "GW-77", &q), -EEXIST);
	ck_assert_int_eq(get_inv("2026-10", "budi")->paid, 0);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_bad_payments)
{
	struct pay_rec p;

	two_invoices();
	ck_assert_int_eq(pay("zed", 1000, "X1", &p), -ENOENT);
	ck_assert_int_eq(pay("andi", 0, "X2", &p), -EINVAL);
	ck_assert_int_eq(pay("andi", -5, "X3", &p), -EINVAL);
	ck_assert_int_eq(pay("andi", 5, "has space", &p), -EINVAL);
	ck_assert_int_eq(pay("andi", 5, "", &p), -EINVAL);
	ck_assert_int_eq(get_inv("2026-10", "andi")->paid, 0);
}
END_TEST

START_TEST(test_receipt_and_void_after_payment)
{
	struct pay_rec p;
	MDB_txn *txn;

	two_invoices();
	ck_assert_int_eq(pay("andi", 111000, "TRF-4", &p), 1);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(pay_get(txn, st, "TRF-4", &p), 0);
	ck_assert_int_eq(p.raw_len, 9);
	ck_assert_int_eq(p.method, PAY_TRANSFER);
	ck_assert_str_eq(p.actor, "test");
	/* voiding the paid October invoice credits 111000 back */
	ck_assert_int_eq(invoice_void(txn, st, p.alloc[0].number, "dobel",
				      T("2027-01-06"), "test"), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(balance("andi"), 111000);
	ck_assert_int_eq(fsck_violations(), 0);
	/* the credit pays the next invoice at its run */
	run(2026, 12, "2027-01-01");
	ck_assert_int_eq(get_inv("2026-12", "andi")->status, INV_PAID);
	ck_assert_int_eq(balance("andi"), 0);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

static void set_balance(const char *sub, rp_t b)
{
	struct sub_rec r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, sub, &r), 0);
	r.balance = b;
	ck_assert_int_eq(sub_put(txn, st, &r), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

/* Checked sums: an amount past RP_AMOUNT_MAX, or a balance that would
 * wrap, is refused and nothing is booked. */
START_TEST(test_overflow_refused)
{
	struct pay_rec p;
	MDB_txn *txn;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	ck_assert_int_eq(pay("andi", INT64_MAX, "BIG-1", &p), -ERANGE);
	ck_assert_int_eq(pay("andi", RP_AMOUNT_MAX + 1, "BIG-2", &p), -ERANGE);
	ck_assert_int_eq(balance("andi"), 0);
	ck_assert_int_eq(pay("andi", RP_AMOUNT_MAX, "BIG-3", &p), 1);
	ck_assert_int_eq(balance("andi"), RP_AMOUNT_MAX);
	/* a balance at the edge (only a damaged or forged store) */
	set_balance("andi", INT64_MAX - 5);
	ck_assert_int_eq(pay("andi", 6, "EDGE-1", &p), -ERANGE);
	ck_assert_int_eq(balance("andi"), INT64_MAX - 5);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(pay_get(txn, st, "EDGE-1", &p), -ENOENT);
	store_abort(txn);
	ck_assert_int_eq(pay("andi", 5, "EDGE-2", &p), 1);
	ck_assert_int_eq(balance("andi"), INT64_MAX);
}
END_TEST

static Suite *pay_suite(void)
{
	Suite *s = suite_create("pay");
	TCase *tc = tcase_create("apply");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_oldest_first);
	tcase_add_test(tc, test_overpayment_balance_autopay);
	tcase_add_test(tc, test_idempotent_ref);
	tcase_add_test(tc, test_bad_payments);
	tcase_add_test(tc, test_receipt_and_void_after_payment);
	tcase_add_test(tc, test_overflow_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pay_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
