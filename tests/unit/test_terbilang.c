// SPDX-License-Identifier: GPL-2.0
/* test_terbilang.c - amounts in words (terbilang) and dates in words, Indonesian and English. */
#include <errno.h>
#include <stdint.h>
#include "tests/unit/tmpstore.h"
#include "lib/datefmt.h"
#include "lib/terbilang.h"
#include "lib/ttime.h"

static const char *tb(int64_t v)
{
	static char b[TERBILANG_MAX];

	ck_assert_int_ge(terbilang_rp(v, false, b, sizeof(b)), 0);
	return b;
}

static const char *tb_en(int64_t v)
{
	static char b[TERBILANG_MAX];

	ck_assert_int_ge(terbilang_rp(v, true, b, sizeof(b)), 0);
	return b;
}

START_TEST(id_small)
{
	ck_assert_str_eq(tb(0), "nol rupiah");
	ck_assert_str_eq(tb(1), "satu rupiah");
	ck_assert_str_eq(tb(10), "sepuluh rupiah");
	ck_assert_str_eq(tb(11), "sebelas rupiah");
	ck_assert_str_eq(tb(12), "dua belas rupiah");
	ck_assert_str_eq(tb(19), "sembilan belas rupiah");
	ck_assert_str_eq(tb(20), "dua puluh rupiah");
	ck_assert_str_eq(tb(21), "dua puluh satu rupiah");
	ck_assert_str_eq(tb(99), "sembilan puluh sembilan rupiah");
	ck_assert_str_eq(tb(100), "seratus rupiah");
	ck_assert_str_eq(tb(101), "seratus satu rupiah");
	ck_assert_str_eq(tb(111), "seratus sebelas rupiah");
	ck_assert_str_eq(tb(200), "dua ratus rupiah");
	ck_assert_str_eq(tb(999), "sembilan ratus sembilan puluh sembilan "
			 "rupiah");
}
END_TEST

START_TEST(id_scales)
{
	ck_assert_str_eq(tb(1000), "seribu rupiah");
	ck_assert_str_eq(tb(1001), "seribu satu rupiah");
	ck_assert_str_eq(tb(2000), "dua ribu rupiah");
	ck_assert_str_eq(tb(11000), "sebelas ribu rupiah");
	ck_assert_str_eq(tb(111000), "seratus sebelas ribu rupiah");
	ck_assert_str_eq(tb(150000), "seratus lima puluh ribu rupiah");
	ck_assert_str_eq(tb(1000000), "satu juta rupiah");
	ck_assert_str_eq(tb(1001000), "satu juta seribu rupiah");
	ck_assert_str_eq(tb(1000001), "satu juta satu rupiah");
	ck_assert_str_eq(tb(1000000000), "satu miliar rupiah");
	ck_assert_str_eq(tb(1000000000000LL), "satu triliun rupiah");
	ck_assert_str_eq(tb(1000000000000000LL), "satu kuadriliun rupiah");
	ck_assert_str_eq(tb(1000000000000000000LL), "satu kuintiliun rupiah");
	ck_assert_str_eq(tb(2147483647),
			 "dua miliar seratus empat puluh tujuh juta empat "
			 "ratus delapan puluh tiga ribu enam ratus empat "
			 "puluh tujuh rupiah");
	ck_assert_str_eq(tb(INT64_MAX),
			 "sembilan kuintiliun dua ratus dua puluh tiga "
			 "kuadriliun tiga ratus tujuh puluh dua triliun tiga "
			 "puluh enam miliar delapan ratus lima puluh empat "
			 "juta tujuh ratus tujuh puluh lima ribu delapan "
			 "ratus tujuh rupiah");
}
END_TEST

START_TEST(id_negative)
{
	ck_assert_str_eq(tb(-1), "minus satu rupiah");
	ck_assert_str_eq(tb(-111000), "minus seratus sebelas ribu rupiah");
	/* its magnitude does not fit in int64 */
	ck_assert_str_eq(tb(INT64_MIN),
			 "minus sembilan kuintiliun dua ratus dua puluh tiga "
			 "kuadriliun tiga ratus tujuh puluh dua triliun tiga "
			 "puluh enam miliar delapan ratus lima puluh empat "
			 "juta tujuh ratus tujuh puluh lima ribu delapan "
			 "ratus delapan rupiah");
}
END_TEST

START_TEST(en_words)
{
	ck_assert_str_eq(tb_en(0), "zero rupiah");
	ck_assert_str_eq(tb_en(11), "eleven rupiah");
	ck_assert_str_eq(tb_en(21), "twenty-one rupiah");
	ck_assert_str_eq(tb_en(111000), "one hundred eleven thousand rupiah");
	ck_assert_str_eq(tb_en(1000000), "one million rupiah");
	ck_assert_str_eq(tb_en(2147483647),
			 "two billion one hundred forty-seven million four "
			 "hundred eighty-three thousand six hundred forty-seven "
			 "rupiah");
	ck_assert_str_eq(tb_en(-5), "minus five rupiah");
}
END_TEST

/* the longest words there are fit in TERBILANG_MAX; a short buffer is
 * refused whole, never cut */
START_TEST(buffer_bounds)
{
	static const int64_t v[] = {
		INT64_MIN, -777777777777777777LL, 777777777777777777LL,
		INT64_MAX, -7777777777777777777LL,
	};
	char b[TERBILANG_MAX], s[16];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_gt(terbilang_rp(v[i], false, b, sizeof(b)), 0);
		ck_assert_int_gt(terbilang_rp(v[i], true, b, sizeof(b)), 0);
	}
	ck_assert_int_eq(terbilang_rp(111000, false, s, sizeof(s)), -ENOSPC);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(terbilang(111000, false, s, 8), -ENOSPC);
	ck_assert_int_eq(terbilang(11, false, s, sizeof("sebelas")), 7);
	ck_assert_str_eq(s, "sebelas");
	ck_assert_int_eq(terbilang(11, false, s, sizeof("sebelas") - 1),
			 -ENOSPC);
}
END_TEST

START_TEST(dates_in_words)
{
	char b[48];

	ck_assert_str_eq(datefmt_day(tt_days_from_civil(2026, 12, 12), false,
				     b, sizeof(b)), "12 Desember 2026");
	ck_assert_str_eq(datefmt_day(tt_days_from_civil(2026, 12, 12), true,
				     b, sizeof(b)), "12 December 2026");
	ck_assert_str_eq(datefmt_day(tt_days_from_civil(2028, 2, 29), false,
				     b, sizeof(b)), "29 Februari 2028");
	ck_assert_str_eq(datefmt_day(tt_days_from_civil(2027, 1, 1), false,
				     b, sizeof(b)), "1 Januari 2027");
	ck_assert_str_eq(datefmt_day(tt_days_from_civil(2026, 5, 3), false,
				     b, sizeof(b)), "3 Mei 2026");
	ck_assert_str_eq(datefmt_day(tt_days_from_civil(2026, 8, 17), false,
				     b, sizeof(b)), "17 Agustus 2026");
	ck_assert_str_eq(datefmt_period("2026-11", false, b, sizeof(b)),
			 "November 2026");
	ck_assert_str_eq(datefmt_period("2026-03", true, b, sizeof(b)),
			 "March 2026");
	ck_assert_str_eq(datefmt_period("junk", false, b, sizeof(b)), "junk");
	ck_assert_str_eq(datefmt_span(tt_days_from_civil(2026, 10, 1),
				      tt_days_from_civil(2026, 10, 31), false,
				      b, sizeof(b)), "1 s.d. 31 Oktober 2026");
	ck_assert_str_eq(datefmt_span(tt_days_from_civil(2026, 10, 16),
				      tt_days_from_civil(2026, 11, 15), false,
				      b, sizeof(b)),
			 "16 Oktober s.d. 15 November 2026");
	ck_assert_str_eq(datefmt_span(tt_days_from_civil(2026, 12, 16),
				      tt_days_from_civil(2027, 1, 15), true,
				      b, sizeof(b)),
			 "16 December 2026 to 15 January 2027");
	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);
	ck_assert_str_eq(datefmt_time(1793674500, false, b, sizeof(b)),
			 "3 November 2026 09:55 WIB");
	ck_assert_int_eq(tt_set_zone("Asia/Jayapura"), 0);
	ck_assert_str_eq(datefmt_time(1793674500, true, b, sizeof(b)),
			 "3 November 2026 11:55 WIT");
	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);
	ck_assert_str_eq(datefmt_month(0, false), "?");
	ck_assert_str_eq(datefmt_month(6, false), "Juni");
	ck_assert_str_eq(datefmt_month(7, false), "Juli");
}
END_TEST

static Suite *terbilang_suite(void)
{
	Suite *s = suite_create("terbilang");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, id_small);
	tcase_add_test(tc, id_scales);
	tcase_add_test(tc, id_negative);
	tcase_add_test(tc, en_words);
	tcase_add_test(tc, buffer_bounds);
	tcase_add_test(tc, dates_in_words);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(terbilang_suite)
