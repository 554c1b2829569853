// SPDX-License-Identifier: GPL-2.0
/* test_charge.c - one-time charges and discounts on invoices, on a fresh LMDB per test. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/charge.h"

#define GB RATE_GB

#include "tests/unit/billfix.h"

static int add(const char *sub, int kind, rp_t amount, int64_t bp,
	       const char *from, const char *until, const char *desc)
{
	struct charge_rec c = { .kind = kind, .amount = amount, .bp = bp };
	MDB_txn *txn;
	int err;

	c.from = from ? D(from) : 0;
	c.until = until ? D(until) : 0;
	snprintf(c.desc, sizeof(c.desc), "%s", desc);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	err = charge_add(txn, st, sub, &c);
	if (!err)
		ck_assert_int_eq(store_commit(txn), 0);
	else
		store_abort(txn);
	return err;
}

static int find_kind(const struct inv_rec *v, int kind)
{
	int i;

	for (i = 0; i < v->nlines; i++)
		if (v->lines[i].kind == kind)
			return i;
	return -1;
}

struct seen {
	int n;
	struct charge_rec c[8];
};

static int seen_cb(const char *sub, const struct charge_rec *c, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->c[s->n++] = *c;
	return 0;
}

static struct seen list(const char *sub)
{
	struct seen s = { 0 };
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(charge_foreach(txn, st, sub, seen_cb, &s), 0);
	store_abort(txn);
	return s;
}

START_TEST(test_charge_once)
{
	struct inv_rec *v;
	int i;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-11-01");
	add_sub("budi", "basic", "2026-11-01");
	ck_assert_int_eq(add("andi", CHARGE_ONCE, 500000, 0, NULL, NULL,
			     "Biaya pasang"), 0);
	run(2026, 11, "2026-12-01");
	v = get_inv("2026-11", "andi");
	i = find_kind(v, LINE_CHARGE);
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(v->lines[i].desc, "Biaya pasang");
	ck_assert_int_eq(v->lines[i].amount, 500000);
	/* PPN on the sum of both lines, once */
	ck_assert_int_eq(v->subtotal, 600000);
	ck_assert_int_eq(v->tax, 66000);
	ck_assert_int_eq(v->total, 666000);
	ck_assert_int_eq(list("andi").c[0].status, CHARGE_BILLED);
	ck_assert_str_eq(list("andi").c[0].invoice, v->number);
	/* budi has none */
	ck_assert_int_eq(find_kind(get_inv("2026-11", "budi"), LINE_CHARGE), -1);
	/* exactly once: the run again and the next period carry nothing */
	run(2026, 11, "2026-12-02");
	run(2026, 12, "2027-01-01");
	ck_assert_int_eq(find_kind(get_inv("2026-12", "andi"), LINE_CHARGE), -1);
	ck_assert_int_eq(get_inv("2026-12", "andi")->total, 111000);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_discount_percent_until)
{
	struct inv_rec *v;
	int i;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-11-01");
	ck_assert_int_eq(add("andi", DISCOUNT_PERCENT, 0, 1000, "2026-11-01",
			     "2026-12-31", "promo"), 0);
	run(2026, 11, "2026-12-01");
	v = get_inv("2026-11", "andi");
	i = find_kind(v, LINE_DISCOUNT);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(v->lines[i].amount, -10000);
	ck_assert_str_eq(v->lines[i].desc, "Diskon promo (10%)");
	ck_assert_int_eq(v->subtotal, 90000);
	ck_assert_int_eq(v->tax, 9900);
	ck_assert_int_eq(v->total, 99900);
	run(2026, 12, "2027-01-01");
	ck_assert_int_eq(get_inv("2026-12", "andi")->total, 99900);
	/* past its end date: the full price again */
	run(2027, 1, "2027-02-01");
	ck_assert_int_eq(find_kind(get_inv("2027-01", "andi"), LINE_DISCOUNT), -1);
	ck_assert_int_eq(get_inv("2027-01", "andi")->total, 111000);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

/* A fixed discount never takes an invoice below zero; half-up percent. */
START_TEST(test_discount_fixed_capped)
{
	struct inv_rec *v;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_plan("odd", PLAN_FLAT, 12345, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-11-01");
	add_sub("cici", "odd", "2026-11-01");
	ck_assert_int_eq(add("andi", DISCOUNT_FIXED, 150000, 0, "2026-11-01",
			     "2026-11-30", "gratis"), 0);
	ck_assert_int_eq(add("cici", DISCOUNT_PERCENT, 0, 250, "2026-11-01",
			     "2026-11-30", "2.5%"), 0);
	run(2026, 11, "2026-12-01");
	v = get_inv("2026-11", "andi");
	ck_assert_int_eq(v->lines[find_kind(v, LINE_DISCOUNT)].amount, -100000);
	ck_assert_int_eq(v->total, 0);
	ck_assert_int_eq(v->status, INV_PAID);
	/* 12345 x 2.5% = 308.625 -> 309 */
	v = get_inv("2026-11", "cici");
	ck_assert_int_eq(v->lines[find_kind(v, LINE_DISCOUNT)].amount, -309);
	ck_assert_int_eq(v->subtotal, 12036);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_bad_input_refused)
{
	MDB_txn *txn;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-11-01");
	ck_assert_int_eq(add("andi", CHARGE_ONCE, 0, 0, NULL, NULL, "x"),
			 -EINVAL);
	ck_assert_int_eq(add("andi", CHARGE_ONCE, RP_AMOUNT_MAX + 1, 0, NULL,
			     NULL, "x"), -EINVAL);
	ck_assert_int_eq(add("andi", CHARGE_ONCE, 10, 0, NULL, NULL, ""),
			 -EINVAL);
	ck_assert_int_eq(add("andi", CHARGE_ONCE, 10, 0, NULL, NULL, "a\nb"),
			 -EINVAL);
	ck_assert_int_eq(add("andi", DISCOUNT_PERCENT, 0, 0, "2026-11-01",
			     "2026-12-01", "x"), -EINVAL);
	ck_assert_int_eq(add("andi", DISCOUNT_PERCENT, 0, 10001, "2026-11-01",
			     "2026-12-01", "x"), -EINVAL);
	ck_assert_int_eq(add("andi", DISCOUNT_FIXED, 10, 0, "2026-12-01",
			     "2026-11-01", "x"), -EINVAL);
	ck_assert_int_eq(add("nobody", CHARGE_ONCE, 10, 0, NULL, NULL, "x"),
			 -ENOENT);
	ck_assert_int_eq(list("andi").n, 0);
	/* a voided charge is never billed */
	ck_assert_int_eq(add("andi", CHARGE_ONCE, 10, 0, NULL, NULL, "x"), 0);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(charge_void(txn, st, "andi", list("andi").c[0].id), 0);
	ck_assert_int_eq(charge_void(txn, st, "andi", list("andi").c[0].id),
			 -EALREADY);
	ck_assert_int_eq(store_commit(txn), 0);
	run(2026, 11, "2026-12-01");
	ck_assert_int_eq(find_kind(get_inv("2026-11", "andi"), LINE_CHARGE), -1);
}
END_TEST

static Suite *charge_suite(void)
{
	Suite *s = suite_create("charge");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_charge_once);
	tcase_add_test(tc, test_discount_percent_until);
	tcase_add_test(tc, test_discount_fixed_capped);
	tcase_add_test(tc, test_bad_input_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(charge_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
