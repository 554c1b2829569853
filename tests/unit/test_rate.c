// SPDX-License-Identifier: GPL-2.0
/* test_rate.c - unit tests of the pure billing rules: proration, volume, overage, PPN. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "billing/rate.h"
#include "lib/ttime.h"

#define GB RATE_GB

static rp_t prorate(rp_t fixed, int active, int days)
{
	rp_t v = -1;

	ck_assert_int_eq(rate_prorate(fixed, active, days, &v), 0);
	return v;
}

START_TEST(test_prorate_month_lengths)
{
	/* full months are exact whatever their length */
	ck_assert_int_eq(prorate(150000, 28, 28), 150000);
	ck_assert_int_eq(prorate(150000, 29, 29), 150000);
	ck_assert_int_eq(prorate(150000, 30, 30), 150000);
	ck_assert_int_eq(prorate(150000, 31, 31), 150000);
	/* activated on the 16th of a 30-day month: 15 days */
	ck_assert_int_eq(prorate(150000, 15, 30), 75000);
	/* activated on the 16th of a 31-day month: 16 days = 77419.35 */
	ck_assert_int_eq(prorate(150000, 16, 31), 77419);
	/* the last day only */
	ck_assert_int_eq(prorate(150000, 1, 31), 4839);	/* 4838.70 */
	ck_assert_int_eq(prorate(150000, 1, 30), 5000);
	ck_assert_int_eq(prorate(150000, 1, 28), 5357);	/* 5357.14 */
	ck_assert_int_eq(prorate(150000, 1, 29), 5172);	/* 5172.41 */
	ck_assert_int_eq(prorate(150000, 14, 28), 75000);
	ck_assert_int_eq(prorate(150000, 0, 31), 0);
}
END_TEST

START_TEST(test_prorate_half_up)
{
	ck_assert_int_eq(prorate(15, 1, 30), 1);	/* 0.5 -> 1 */
	ck_assert_int_eq(prorate(100001, 1, 2), 50001);	/* .5 -> up */
	ck_assert_int_eq(prorate(100000, 10, 31), 32258); /* 32258.06 */
	ck_assert_int_eq(prorate(100000, 20, 31), 64516); /* 64516.12 */
	ck_assert_int_eq(prorate(99999, 3, 4), 74999);	/* 74999.25 */
	ck_assert_int_eq(prorate(99998, 3, 4), 74999);	/* 74998.5 -> up */
}
END_TEST

START_TEST(test_leap_feb_2028)
{
	int32_t from, to;

	ck_assert_int_eq(tt_days_in_month(2028, 2), 29);
	ck_assert_int_eq(tt_days_in_month(2027, 2), 28);
	ck_assert_int_eq(tt_days_in_month(2100, 2), 28);
	ck_assert_int_eq(tt_days_in_month(2000, 2), 29);
	/* activated on Feb 29 2028: one day of a 29-day period */
	ck_assert_int_eq(tt_parse_date("2028-02-29", &from), 0);
	to = tt_days_from_civil(2028, 3, 1);
	ck_assert_int_eq(to - from, 1);
	ck_assert_int_eq(prorate(200000, to - from, 29), 6897); /* 6896.55 */
	ck_assert_int_eq(tt_parse_date("2027-02-29", &from), -EINVAL);
}
END_TEST

START_TEST(test_prorate_bad)
{
	rp_t v;
	uint64_t q;

	ck_assert_int_eq(rate_prorate(-1, 1, 30, &v), -EINVAL);
	ck_assert_int_eq(rate_prorate(1, 31, 30, &v), -EINVAL);
	ck_assert_int_eq(rate_prorate(1, 1, 0, &v), -EINVAL);
	ck_assert_int_eq(rate_prorate_quota(1, -1, 30, &q), -EINVAL);
}
END_TEST

START_TEST(test_quota_rounds_down)
{
	uint64_t q;

	ck_assert_int_eq(rate_prorate_quota(10 * GB, 10, 31, &q), 0);
	ck_assert_uint_eq(q, 3225806451ULL);	/* 3225806451.6 -> down */
	ck_assert_int_eq(rate_prorate_quota(100 * GB, 15, 30, &q), 0);
	ck_assert_uint_eq(q, 50 * GB);
	ck_assert_int_eq(rate_prorate_quota(2, 1, 3, &q), 0);
	ck_assert_uint_eq(q, 0);
}
END_TEST

START_TEST(test_volume)
{
	rp_t v;

	ck_assert_int_eq(rate_volume(1, 5000, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(rate_volume(100000, 5000, &v), 0);	/* 0.5 */
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(rate_volume(99999, 5000, &v), 0);	/* 0.49999 */
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(rate_volume(1500000000ULL, 3000, &v), 0);
	ck_assert_int_eq(v, 4500);
	ck_assert_int_eq(rate_volume(0, 3000, &v), 0);
	ck_assert_int_eq(v, 0);
	/* 8 EB at a huge price overflows: error, not a wrong bill */
	ck_assert_int_eq(rate_volume(8000000000000000000ULL, INT64_MAX, &v),
			 -ERANGE);
}
END_TEST

static const struct rate_plan hybrid = {
	.type = PLAN_HYBRID, .price = 200000, .per_gb = 2000,
	.quota_bytes = 100 * GB,
};

START_TEST(test_hybrid_quota)
{
	struct rate_charge c;

	/* below */
	ck_assert_int_eq(rate_segment(&hybrid, 30, 30, 50 * GB, &c), 0);
	ck_assert_int_eq(c.fee, 200000);
	ck_assert_uint_eq(c.quota, 100 * GB);
	ck_assert_uint_eq(c.billed_bytes, 0);
	ck_assert_int_eq(c.usage, 0);
	/* at */
	ck_assert_int_eq(rate_segment(&hybrid, 30, 30, 100 * GB, &c), 0);
	ck_assert_uint_eq(c.billed_bytes, 0);
	ck_assert_int_eq(c.usage, 0);
	/* one byte over: charged 0.000002 -> 0 */
	ck_assert_int_eq(rate_segment(&hybrid, 30, 30, 100 * GB + 1, &c), 0);
	ck_assert_uint_eq(c.billed_bytes, 1);
	ck_assert_int_eq(c.usage, 0);
	/* 1.5 GB over */
	ck_assert_int_eq(rate_segment(&hybrid, 30, 30, 101500000000ULL, &c), 0);
	ck_assert_uint_eq(c.billed_bytes, 1500000000ULL);
	ck_assert_int_eq(c.usage, 3000);
	ck_assert_int_eq(c.capped, 0);
	/* half the month: half the quota, half the fee */
	ck_assert_int_eq(rate_segment(&hybrid, 15, 30, 60 * GB, &c), 0);
	ck_assert_int_eq(c.fee, 100000);
	ck_assert_uint_eq(c.quota, 50 * GB);
	ck_assert_int_eq(c.usage, 20000);
}
END_TEST

START_TEST(test_min_and_cap)
{
	struct rate_plan capped = hybrid, vol = {
		.type = PLAN_VOLUME, .per_gb = 1000, .min = 50000,
	};
	struct rate_charge c;

	capped.cap = 50000;
	ck_assert_int_eq(rate_segment(&capped, 30, 30, 200 * GB, &c), 0);
	ck_assert_int_eq(c.usage, 50000);	/* 200000 capped */
	ck_assert_int_eq(c.capped, 1);
	/* the cap is prorated like the fee: 10 days of 30 */
	ck_assert_int_eq(rate_segment(&capped, 10, 30, 200 * GB, &c), 0);
	ck_assert_int_eq(c.usage, 16667);	/* 16666.67 */
	ck_assert_int_eq(rate_segment(&capped, 30, 30, 110 * GB, &c), 0);
	ck_assert_int_eq(c.usage, 20000);
	ck_assert_int_eq(c.capped, 0);

	/* volume minimum: 10 GB = 10000, topped up to 50000 */
	ck_assert_int_eq(rate_segment(&vol, 31, 31, 10 * GB, &c), 0);
	ck_assert_int_eq(c.fee, 0);
	ck_assert_int_eq(c.usage, 10000);
	ck_assert_int_eq(c.min_topup, 40000);
	/* above the minimum: no top-up */
	ck_assert_int_eq(rate_segment(&vol, 31, 31, 60 * GB, &c), 0);
	ck_assert_int_eq(c.usage, 60000);
	ck_assert_int_eq(c.min_topup, 0);
	/* at exactly the minimum */
	ck_assert_int_eq(rate_segment(&vol, 31, 31, 50 * GB, &c), 0);
	ck_assert_int_eq(c.min_topup, 0);
	/* prorated minimum: 15 of 30 days -> 25000 */
	ck_assert_int_eq(rate_segment(&vol, 15, 30, 0, &c), 0);
	ck_assert_int_eq(c.min_topup, 25000);
}
END_TEST

START_TEST(test_flat)
{
	struct rate_plan flat = { .type = PLAN_FLAT, .price = 150000 };
	struct rate_charge c;

	ck_assert_int_eq(rate_segment(&flat, 16, 31, 999 * GB, &c), 0);
	ck_assert_int_eq(c.fee, 77419);
	ck_assert_int_eq(c.usage, 0);
	ck_assert_uint_eq(c.billed_bytes, 0);
}
END_TEST

START_TEST(test_plan_check)
{
	struct rate_plan p = { .type = PLAN_FLAT, .price = 1, .per_gb = 1 };
	const char *why = NULL;

	ck_assert_int_eq(rate_plan_check(&p, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	p = (struct rate_plan){ .type = PLAN_VOLUME };
	ck_assert_int_eq(rate_plan_check(&p, &why), -EINVAL);
	p = (struct rate_plan){ .type = PLAN_HYBRID, .price = 1, .per_gb = 1 };
	ck_assert_int_eq(rate_plan_check(&p, &why), -EINVAL);
	p.quota_bytes = GB;
	ck_assert_int_eq(rate_plan_check(&p, &why), 0);
	p.cap = -1;
	ck_assert_int_eq(rate_plan_check(&p, &why), -EINVAL);
	/* amounts are bounded at input (RP_AMOUNT_MAX) */
	p.cap = 0;
	p.price = RP_AMOUNT_MAX;
	ck_assert_int_eq(rate_plan_check(&p, &why), 0);
	p.price = RP_AMOUNT_MAX + 1;
	ck_assert_int_eq(rate_plan_check(&p, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "1.000.000.000.000"));
	p.price = 1;
	p.per_gb = INT64_MAX;
	ck_assert_int_eq(rate_plan_check(&p, &why), -EINVAL);
}
END_TEST

/* fee + usage past int64 is refused, never a negative charge */
START_TEST(test_segment_overflow)
{
	struct rate_plan p = { .type = PLAN_HYBRID, .price = RP_AMOUNT_MAX,
			       .per_gb = RP_AMOUNT_MAX, .quota_bytes = GB,
			       .min = 1 };
	struct rate_charge c;
	rp_t sub, tax, tot;

	/* 9.2e9 GB over quota at Rp 1e12 per GB: the usage charge itself */
	ck_assert_int_eq(rate_segment(&p, 30, 30, INT64_MAX, &c), -ERANGE);
	/* a usage charge that fits, then the fee on top does not */
	ck_assert_int_eq(rate_segment(&p, 30, 30, 9223372036754775ULL + GB,
				      &c), -ERANGE);
	ck_assert_int_eq(rate_segment(&p, 30, 30, 1000 * GB, &c), 0);
	ck_assert_int_eq(c.min_topup, 0);
	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, INT64_MAX - 10, &sub,
				  &tax, &tot), -ERANGE);
}
END_TEST

START_TEST(test_ppn_exclusive)
{
	rp_t sub, tax, tot;

	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, 150000, &sub, &tax,
				  &tot), 0);
	ck_assert_int_eq(sub, 150000);
	ck_assert_int_eq(tax, 16500);
	ck_assert_int_eq(tot, 166500);
	/* 1357.95 -> 1358 */
	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, 12345, &sub, &tax,
				  &tot), 0);
	ck_assert_int_eq(tax, 1358);
	ck_assert_int_eq(tot, 13703);
	/* exactly .5 -> up: 50 * 11% = 5.5 */
	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, 50, &sub, &tax, &tot),
			 0);
	ck_assert_int_eq(tax, 6);
	/* 5.45 -> 5 */
	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, 49, &sub, &tax, &tot),
			 0);
	ck_assert_int_eq(tax, 5);
	/* once per invoice: 3 lines of 4839 taxed together, not each */
	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, 3 * 4839, &sub, &tax,
				  &tot), 0);
	ck_assert_int_eq(tax, 1597);	/* 1596.87; per line would be 3*532 */
}
END_TEST

START_TEST(test_ppn_inclusive_none)
{
	rp_t sub, tax, tot;

	ck_assert_int_eq(rate_tax(TAX_INCLUSIVE, 1100, 166500, &sub, &tax,
				  &tot), 0);
	ck_assert_int_eq(tax, 16500);
	ck_assert_int_eq(sub, 150000);
	ck_assert_int_eq(tot, 166500);
	/* 9909.91 -> 9910 */
	ck_assert_int_eq(rate_tax(TAX_INCLUSIVE, 1100, 100000, &sub, &tax,
				  &tot), 0);
	ck_assert_int_eq(tax, 9910);
	ck_assert_int_eq(sub, 90090);
	ck_assert_int_eq(tot, 100000);
	/* 111 * 1100 / 11100 = 11.0 exactly */
	ck_assert_int_eq(rate_tax(TAX_INCLUSIVE, 1100, 111, &sub, &tax, &tot),
			 0);
	ck_assert_int_eq(tax, 11);
	ck_assert_int_eq(rate_tax(TAX_NONE, 1100, 150000, &sub, &tax, &tot),
			 0);
	ck_assert_int_eq(tax, 0);
	ck_assert_int_eq(tot, 150000);
	ck_assert_int_eq(rate_tax(9, 1100, 1, &sub, &tax, &tot), -EINVAL);
	ck_assert_int_eq(rate_tax(TAX_EXCLUSIVE, 1100, -1, &sub, &tax, &tot),
			 -EINVAL);
}
END_TEST

START_TEST(test_names)
{
	int v;

	ck_assert_int_eq(rate_tax_mode_parse("inclusive", &v), 0);
	ck_assert_int_eq(v, TAX_INCLUSIVE);
	ck_assert_int_eq(rate_tax_mode_parse("INCL", &v), -EINVAL);
	ck_assert_int_eq(rate_plan_type_parse("hybrid", &v), 0);
	ck_assert_str_eq(rate_plan_type_str(v), "hybrid");
	ck_assert_int_eq(rate_plan_type_parse("prepaid", &v), 0);
	ck_assert_int_eq(v, PLAN_PREPAID);
	ck_assert_int_eq(rate_plan_type_parse("postpaid", &v), -EINVAL);
}
END_TEST

static Suite *rate_suite(void)
{
	Suite *s = suite_create("rate");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_prorate_month_lengths);
	tcase_add_test(tc, test_prorate_half_up);
	tcase_add_test(tc, test_leap_feb_2028);
	tcase_add_test(tc, test_prorate_bad);
	tcase_add_test(tc, test_quota_rounds_down);
	tcase_add_test(tc, test_volume);
	tcase_add_test(tc, test_hybrid_quota);
	tcase_add_test(tc, test_min_and_cap);
	tcase_add_test(tc, test_flat);
	tcase_add_test(tc, test_plan_check);
	tcase_add_test(tc, test_segment_overflow);
	tcase_add_test(tc, test_ppn_exclusive);
	tcase_add_test(tc, test_ppn_inclusive_none);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
