// SPDX-License-Identifier: GPL-2.0
/* test_money.c - the rounding rule, Rupiah parsing and formatting. */
#include <errno.h>
#include "tests/unit/tmpstore.h"
#include "lib/money.h"

START_TEST(round_half_up)
{
	int err;

	ck_assert_int_eq(money_muldiv_round(150000, 11, 100, &err), 16500);
	ck_assert_int_eq(err, 0);
	/* 5/2 = 2.5 -> 3; 7/2 = 3.5 -> 4; 4.49 -> 4 */
	ck_assert_int_eq(money_muldiv_round(5, 1, 2, &err), 3);
	ck_assert_int_eq(money_muldiv_round(7, 1, 2, &err), 4);
	ck_assert_int_eq(money_muldiv_round(449, 1, 100, &err), 4);
	ck_assert_int_eq(money_muldiv_round(450, 1, 100, &err), 5);
	/* negatives: away from zero at the half */
	ck_assert_int_eq(money_muldiv_round(-5, 1, 2, &err), -3);
	ck_assert_int_eq(money_muldiv_round(5, -1, 2, &err), -3);
	ck_assert_int_eq(money_muldiv_round(-449, 1, 100, &err), -4);
	ck_assert_int_eq(err, 0);
	/* proration: 150000 * 17 / 30 = 85000 exactly; * 10 / 31 */
	ck_assert_int_eq(money_muldiv_round(150000, 17, 30, &err), 85000);
	ck_assert_int_eq(money_muldiv_round(150000, 10, 31, &err), 48387);
	/* 128-bit intermediate: no overflow when the result fits */
	ck_assert_int_eq(money_muldiv_round(INT64_MAX, 3, 3, &err), INT64_MAX);
	ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(round_overflow)
{
	int err = 0;

	money_muldiv_round(INT64_MAX, 2, 1, &err);
	ck_assert_int_eq(err, -ERANGE);
	err = 0;
	money_muldiv_round(INT64_MIN, 2, 1, &err);
	ck_assert_int_eq(err, -ERANGE);
	err = 0;
	money_muldiv_floor(INT64_MAX, INT64_MAX, 1, &err);
	ck_assert_int_eq(err, -ERANGE);
	err = 0;
	money_muldiv_round(1, 1, 0, &err);
	ck_assert_int_eq(err, -EINVAL);
}
END_TEST

START_TEST(floor_toward_zero)
{
	int err;

	ck_assert_int_eq(money_muldiv_floor(10, 2, 3, &err), 6);
	ck_assert_int_eq(money_muldiv_floor(-10, 2, 3, &err), -6);
	ck_assert_int_eq(err, 0);
}
END_TEST

START_TEST(parse)
{
	rp_t v;

	ck_assert_int_eq(money_parse("150000", &v), 0);
	ck_assert_int_eq(v, 150000);
	ck_assert_int_eq(money_parse("150.000", &v), 0);
	ck_assert_int_eq(v, 150000);
	ck_assert_int_eq(money_parse("1.500.000", &v), 0);
	ck_assert_int_eq(v, 1500000);
	ck_assert_int_eq(money_parse("Rp 5.000", &v), 0);
	ck_assert_int_eq(v, 5000);
	ck_assert_int_eq(money_parse("0", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(money_parse("-5", &v), -EINVAL);
	ck_assert_int_eq(money_parse("1,5", &v), -EINVAL);
	ck_assert_int_eq(money_parse("15.00", &v), -EINVAL);
	ck_assert_int_eq(money_parse("1500.000", &v), -EINVAL);
	ck_assert_int_eq(money_parse(".500", &v), -EINVAL);
	ck_assert_int_eq(money_parse("", &v), -EINVAL);
	ck_assert_int_eq(money_parse("12a", &v), -EINVAL);
	ck_assert_int_eq(money_parse("9223372036854775807", &v), 0);
	ck_assert_int_eq(money_parse("9223372036854775808", &v), -EINVAL);
}
END_TEST

START_TEST(fmt)
{
	char b[32];

	ck_assert_str_eq(money_fmt(150000, b, sizeof(b)), "Rp 150.000");
	ck_assert_str_eq(money_fmt(0, b, sizeof(b)), "Rp 0");
	ck_assert_str_eq(money_fmt(999, b, sizeof(b)), "Rp 999");
	ck_assert_str_eq(money_fmt(1000, b, sizeof(b)), "Rp 1.000");
	ck_assert_str_eq(money_fmt(-5000, b, sizeof(b)), "-Rp 5.000");
	ck_assert_str_eq(money_fmt(1234567, b, sizeof(b)), "Rp 1.234.567");
	ck_assert_str_eq(money_fmt(INT64_MIN, b, sizeof(b)),
			 "-Rp 9.223.372.036.854.775.808");
}
END_TEST

/* The helpers every sum goes through, at the edges of int64. */
START_TEST(checked_sums)
{
	rp_t a = INT64_MAX - 1;

	ck_assert_int_eq(money_add(&a, 1), 0);
	ck_assert_int_eq(a, INT64_MAX);
	ck_assert_int_eq(money_add(&a, 1), -ERANGE);
	ck_assert_int_eq(a, INT64_MAX);		/* unchanged on error */
	ck_assert_int_eq(money_add(&a, -INT64_MAX), 0);
	ck_assert_int_eq(a, 0);
	a = INT64_MIN;
	ck_assert_int_eq(money_add(&a, -1), -ERANGE);
	ck_assert_int_eq(a, INT64_MIN);
	ck_assert_int_eq(money_add(&a, INT64_MAX), 0);
	ck_assert_int_eq(a, -1);
	/* the case: INT64_MAX then 1 must not become negative */
	a = 9223372036854775807LL;
	ck_assert_int_eq(money_add(&a, 1), -ERANGE);
	ck_assert_int_gt(a, 0);

	a = INT64_MIN;
	ck_assert_int_eq(money_sub(&a, 1), -ERANGE);
	ck_assert_int_eq(a, INT64_MIN);
	a = 0;
	ck_assert_int_eq(money_sub(&a, INT64_MIN), -ERANGE);
	ck_assert_int_eq(a, 0);
	a = -1;
	ck_assert_int_eq(money_sub(&a, INT64_MIN), 0);
	ck_assert_int_eq(a, INT64_MAX);
	a = 150000;
	ck_assert_int_eq(money_sub(&a, 200000), 0);
	ck_assert_int_eq(a, -50000);
}
END_TEST

START_TEST(amount_bound)
{
	rp_t sum = 0;
	int64_t i;

	ck_assert(!money_in_range(-1));
	ck_assert(money_in_range(0));
	ck_assert(money_in_range(RP_AMOUNT_MAX));
	ck_assert(!money_in_range(RP_AMOUNT_MAX + 1));
	ck_assert(!money_in_range(INT64_MAX));
	/* nine million of the largest amount still fit: realistic sums of
	 * bounded inputs cannot overflow */
	ck_assert_int_ge(INT64_MAX / RP_AMOUNT_MAX, 9000000);
	for (i = 0; i < 9000000; i += 1000)
		ck_assert_int_eq(money_add(&sum, RP_AMOUNT_MAX * 1000), 0);
	ck_assert_int_eq(sum, 9000000 * RP_AMOUNT_MAX);
}
END_TEST

static Suite *money_suite(void)
{
	Suite *s = suite_create("money");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, round_half_up);
	tcase_add_test(tc, round_overflow);
	tcase_add_test(tc, floor_toward_zero);
	tcase_add_test(tc, parse);
	tcase_add_test(tc, fmt);
	tcase_add_test(tc, checked_sums);
	tcase_add_test(tc, amount_bound);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(money_suite)
