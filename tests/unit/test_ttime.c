// SPDX-License-Identifier: GPL-2.0
/* test_ttime.c - civil days, month lengths, zones, ISO 8601 parsing. */
#include <errno.h>
#include "tests/unit/tmpstore.h"
#include "lib/ttime.h"

START_TEST(civil)
{
	int y, m, d;

	ck_assert_int_eq(tt_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(tt_days_from_civil(2000, 3, 1), 11017);
	tt_civil_from_days(tt_days_from_civil(2028, 2, 29), &y, &m, &d);
	ck_assert(y == 2028 && m == 2 && d == 29);
	tt_civil_from_days(-1, &y, &m, &d);
	ck_assert(y == 1969 && m == 12 && d == 31);
	ck_assert_int_eq(tt_days_in_month(2028, 2), 29);
	ck_assert_int_eq(tt_days_in_month(2026, 2), 28);
	ck_assert_int_eq(tt_days_in_month(2100, 2), 28);
	ck_assert_int_eq(tt_days_in_month(2000, 2), 29);
	ck_assert_int_eq(tt_days_in_month(2026, 4), 30);
	ck_assert_int_eq(tt_days_in_month(2026, 12), 31);
	ck_assert_int_eq(tt_days_from_civil(2028, 3, 1) -
				 tt_days_from_civil(2028, 2, 1), 29);
}
END_TEST

START_TEST(dates)
{
	int32_t day;
	int y, m;
	char b[32];

	ck_assert_int_eq(tt_parse_date("2028-02-29", &day), 0);
	ck_assert_str_eq(tt_fmt_date(day, b, sizeof(b)), "2028-02-29");
	ck_assert_int_eq(tt_parse_date("2026-02-29", &day), -EINVAL);
	ck_assert_int_eq(tt_parse_date("2026-13-01", &day), -EINVAL);
	ck_assert_int_eq(tt_parse_date("2026-1-01", &day), -EINVAL);
	ck_assert_int_eq(tt_parse_date("2026-01-01x", &day), -EINVAL);
	ck_assert_int_eq(tt_parse_period("2026-11", &y, &m), 0);
	ck_assert(y == 2026 && m == 11);
	ck_assert_int_eq(tt_parse_period("2026-00", &y, &m), -EINVAL);
}
END_TEST

START_TEST(zones)
{
	int64_t t;
	char b[40];

	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);
	ck_assert_int_eq(tt_zone_offset(), 7 * 3600);
	ck_assert_int_eq(tt_set_zone("Asia/Makassar"), 0);
	ck_assert_int_eq(tt_zone_offset(), 8 * 3600);
	ck_assert_int_eq(tt_set_zone("Asia/Jayapura"), 0);
	ck_assert_int_eq(tt_zone_offset(), 9 * 3600);
	ck_assert_int_eq(tt_set_zone("-03:00"), 0);
	ck_assert_int_eq(tt_zone_offset(), -3 * 3600);
	ck_assert_int_eq(tt_set_zone("Europe/Berlin"), -EINVAL);
	ck_assert_int_eq(tt_set_zone("+07:30"), -EINVAL);
	ck_assert_int_eq(tt_zone_offset(), -3 * 3600);	/* unchanged */

	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);
	/* 2026-11-01 00:00 WIB = 2026-10-31 17:00 UTC */
	ck_assert_int_eq(tt_parse_time("2026-11-01", &t), 0);
	ck_assert_str_eq(tt_fmt_time_utc(t, b, sizeof(b)),
			 "2026-10-31T17:00:00Z");
	ck_assert_str_eq(tt_fmt_time_local(t, b, sizeof(b)),
			 "2026-11-01T00:00:00+07:00");
	ck_assert_int_eq(tt_local_day(t), tt_days_from_civil(2026, 11, 1));
	ck_assert_int_eq(tt_local_day(t - 1), tt_days_from_civil(2026, 10, 31));
	ck_assert_int_eq(tt_day_start(tt_days_from_civil(2026, 11, 1)), t);
}
END_TEST

START_TEST(iso)
{
	int64_t t, u;

	tt_set_zone("Asia/Jakarta");
	ck_assert_int_eq(tt_parse_time("2026-11-01T03:00:00Z", &u), 0);
	ck_assert_int_eq(tt_parse_time("2026-11-01T10:00", &t), 0);
	ck_assert_int_eq(t, u);
	ck_assert_int_eq(tt_parse_time("2026-11-01T10:00:00+07:00", &t), 0);
	ck_assert_int_eq(t, u);
	ck_assert_int_eq(tt_parse_time("2026-11-01T11:00+0800", &t), 0);
	ck_assert_int_eq(t, u);
	ck_assert_int_eq(tt_parse_time("2026-11-01T00:00-03:00", &t), 0);
	ck_assert_int_eq(t, u);
	ck_assert_int_eq(tt_parse_time("@1700000000", &t), 0);
	ck_assert_int_eq(t, 1700000000);
	ck_assert_int_eq(tt_parse_time("1700000000", &t), 0);
	ck_assert_int_eq(t, 1700000000);
	ck_assert_int_eq(tt_parse_time("2026-11-01T24:00", &t), -EINVAL);
	ck_assert_int_eq(tt_parse_time("2026-11-01T10", &t), -EINVAL);
	ck_assert_int_eq(tt_parse_time("2026-11-01T10:00Zjunk", &t), -EINVAL);
	ck_assert_int_eq(tt_parse_time("2026-02-30", &t), -EINVAL);
	ck_assert_int_eq(tt_parse_time("@", &t), -EINVAL);
	ck_assert_int_eq(tt_parse_time("", &t), -EINVAL);
}
END_TEST

START_TEST(now_env)
{
	setenv("TAGIH_NOW", "2026-11-01T03:00:00Z", 1);
	ck_assert_int_eq(tt_now(), 1793502000);
	unsetenv("TAGIH_NOW");
	ck_assert(tt_now() > 1700000000);
}
END_TEST

static Suite *ttime_suite(void)
{
	Suite *s = suite_create("ttime");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, civil);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, zones);
	tcase_add_test(tc, iso);
	tcase_add_test(tc, now_env);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(ttime_suite)
