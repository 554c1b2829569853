// SPDX-License-Identifier: GPL-2.0
/* test_text.c - the UTF-8 input check, cuts on character boundaries, repair for JSON. */
#include <errno.h>
#include "tests/unit/tmpstore.h"
#include "lib/text.h"

static int chk(const char *s)
{
	return text_check(s, strlen(s), NULL);
}

START_TEST(check_accepts_text)
{
	const char *why = "x";

	ck_assert_int_eq(text_check("Budi Santoso", 12, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(chk(""), 0);
	ck_assert_int_eq(chk("Jl. Merdeka No. 5, RT 03/RW 02"), 0);
	ck_assert_int_eq(chk("Ni Luh Putu Ayu \xc3\xa9\xe2\x82\xac"), 0);
	/* 4-byte characters, the highest code point */
	ck_assert_int_eq(chk("\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"), 0);
	/* U+00A0 (NBSP) right after the C1 range */
	ck_assert_int_eq(chk("a\xc2\xa0" "b"), 0);
	ck_assert_int_eq(text_check(NULL, 0, NULL), 0);
}
END_TEST

START_TEST(check_refuses_bad_utf8)
{
	static const char *const bad[] = {
		"\xff", "\xfe", "\x80", "abc\xbf",	/* no lead byte */
		"\xc0\x80", "\xc1\xbf",			/* overlong 2 */
		"\xe0\x80\xaf", "\xf0\x80\x80\xaf",	/* overlong 3, 4 */
		"\xed\xa0\x80", "\xed\xbf\xbf",		/* surrogates */
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80",	/* > U+10FFFF */
		"\xc3", "ab\xe2\x82", "\xf0\x9f\x98",	/* cut short */
		"\xc3(", "\xe2\x28\xa1",		/* bad continuation */
	};
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(text_check(bad[i], strlen(bad[i]), &why) ==
				      -EINVAL, "accepted bad[%zu]", i);
		ck_assert_str_eq(why, "not valid UTF-8");
	}
	/* a NUL inside the field */
	ck_assert_int_eq(text_check("ab\0cd", 5, &why), -EINVAL);
	ck_assert_int_eq(text_check(NULL, 3, NULL), -EINVAL);
}
END_TEST

START_TEST(check_refuses_controls)
{
	static const char *const bad[] = {
		"a\tb", "a\nb", "a\rb", "\x1b]0;owned\x07", "\x1b[2J",
		"del\x7f", "\x01", "c1 \xc2\x80", "c1 \xc2\x9b" "2J",
		"\xc2\x9f",
	};
	static const char *const bidi[] = {
		"\xe2\x80\xae" "gnp.exe", "\xe2\x80\xaa", "\xe2\x81\xa6",
		"\xe2\x81\xa9", "line\xe2\x80\xa8" "sep", "\xe2\x80\xa9",
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(text_check(bad[i], strlen(bad[i]), &why) ==
				      -EINVAL, "accepted control[%zu]", i);
		ck_assert_ptr_nonnull(strstr(why, "control character"));
	}
	for (i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		why = NULL;
		ck_assert_msg(chk(bidi[i]) == -EINVAL, "accepted bidi[%zu]", i);
		ck_assert_int_eq(text_check(bidi[i], strlen(bidi[i]), &why),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "bidirectional"));
	}
	/* neighbours of the refused ranges stay allowed */
	ck_assert_int_eq(chk("\xe2\x80\xa7"), 0);	/* U+2027 */
	ck_assert_int_eq(chk("\xe2\x80\xaf"), 0);	/* U+202F */
	ck_assert_int_eq(chk("\xe2\x81\xaa"), 0);	/* U+206A */
	ck_assert_int_eq(chk("~"), 0);			/* 0x7e */
}
END_TEST

START_TEST(cut_on_boundaries)
{
	/* "é" is 2 bytes, "€" 3, "😀" 4 */
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
	char buf[8];

	ck_assert_uint_eq(text_cut(s, 100), strlen(s));
	ck_assert_uint_eq(text_cut(s, strlen(s)), strlen(s));
	ck_assert_uint_eq(text_cut(s, 0), 0);
	ck_assert_uint_eq(text_cut(s, 1), 1);
	ck_assert_uint_eq(text_cut(s, 2), 1);	/* not half an é */
	ck_assert_uint_eq(text_cut(s, 3), 3);
	ck_assert_uint_eq(text_cut(s, 4), 3);
	ck_assert_uint_eq(text_cut(s, 5), 3);
	ck_assert_uint_eq(text_cut(s, 6), 6);
	ck_assert_uint_eq(text_cut(s, 9), 6);
	ck_assert_uint_eq(text_cut(s, 10), 10);
	/* stray bytes count one each: the cut stays where it can */
	ck_assert_uint_eq(text_cut("\xff\xff\xff", 2), 2);
	ck_assert_uint_eq(text_cut("ab\xe2\x82", 3), 3);

	ck_assert_uint_eq(text_copy(buf, sizeof(buf), s), 6);
	ck_assert_str_eq(buf, "a\xc3\xa9\xe2\x82\xac");
	ck_assert_int_eq(text_check(buf, strlen(buf), NULL), 0);
	ck_assert_uint_eq(text_copy(buf, 1, s), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(text_copy(buf, sizeof(buf), "short"), 5);
	ck_assert_str_eq(buf, "short");
}
END_TEST

/* The case: a 121-byte reason into a 120-byte field. */
START_TEST(cut_void_reason)
{
	char reason[160], field[120];
	size_t n;
	int i;

	/* "x" + 24 x "é€": 1 + 24 * 5 = 121 bytes */
	reason[0] = 'x';
	for (i = 0; i < 24; i++)
		memcpy(reason + 1 + i * 5, "\xc3\xa9\xe2\x82\xac", 5);
	reason[121] = '\0';
	ck_assert_uint_eq(strlen(reason), 121);
	n = text_copy(field, sizeof(field), reason);
	ck_assert_uint_eq(n, 118);	/* ends on "é": 119 splits a "€" */
	ck_assert_int_eq(text_check(field, n, NULL), 0);
	ck_assert_int_eq(memcmp(field, reason, n), 0);
}
END_TEST

START_TEST(repair)
{
	char *r;

	r = text_repair("Budi", 64);
	ck_assert_str_eq(r, "Budi");
	free(r);
	r = text_repair("B\xffudi\xc3", 64);
	ck_assert_str_eq(r, "B" TEXT_REPLACEMENT "udi" TEXT_REPLACEMENT);
	ck_assert_int_eq(text_check(r, strlen(r), NULL), 0);
	free(r);
	/* max bounds a field that lost its NUL */
	r = text_repair("abcdef", 3);
	ck_assert_str_eq(r, "abc");
	free(r);
	/* an overlong NUL is three bad bytes, not a NUL */
	r = text_repair("\xc0\x80", 8);
	ck_assert_str_eq(r, TEXT_REPLACEMENT TEXT_REPLACEMENT);
	free(r);
	r = text_repair(NULL, 8);
	ck_assert_str_eq(r, "");
	free(r);
}
END_TEST

START_TEST(json_of_bad_text)
{
	json_t *j;

	/* jansson itself refuses it: what used to drop the field */
	ck_assert_ptr_null(json_string("Bud\xe9"));
	j = text_json("Bud\xe9", 96);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(j), "Bud" TEXT_REPLACEMENT);
	json_decref(j);
	j = text_json("Budi \xc3\xa9", 96);
	ck_assert_str_eq(json_string_value(j), "Budi \xc3\xa9");
	json_decref(j);
	j = text_json(NULL, 96);
	ck_assert_str_eq(json_string_value(j), "");
	json_decref(j);
	j = text_json("abcdef", 2);
	ck_assert_str_eq(json_string_value(j), "ab");
	json_decref(j);
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, check_accepts_text);
	tcase_add_test(tc, check_refuses_bad_utf8);
	tcase_add_test(tc, check_refuses_controls);
	tcase_add_test(tc, cut_on_boundaries);
	tcase_add_test(tc, cut_void_reason);
	tcase_add_test(tc, repair);
	tcase_add_test(tc, json_of_bad_text);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(text_suite)
