// SPDX-License-Identifier: GPL-2.0
/* test_prefix.c - prefix parsing edge cases, formatting, containment. */
#include <errno.h>
#include "tests/unit/tmpstore.h"
#include "lib/prefix.h"

static void ok(const char *s, const char *canon, int fam, int len)
{
	struct prefix p;
	const char *why = NULL;
	char b[64];

	ck_assert_msg(prefix_parse(s, &p, &why) == 0, "%s: %s", s, why);
	ck_assert_int_eq(p.family, fam);
	ck_assert_int_eq(p.len, len);
	ck_assert_str_eq(prefix_fmt(&p, b, sizeof(b)), canon);
}

static void bad(const char *s)
{
	struct prefix p;
	const char *why = NULL;

	ck_assert_msg(prefix_parse(s, &p, &why) == -EINVAL, "%s accepted", s);
	ck_assert_ptr_nonnull(why);
}

START_TEST(parse_v4)
{
	ok("10.0.0.7", "10.0.0.7/32", 4, 32);
	ok("10.0.0.0/24", "10.0.0.0/24", 4, 24);
	ok("10.0.0.8/29", "10.0.0.8/29", 4, 29);
	ok("10.0.0.0/8", "10.0.0.0/8", 4, 8);
	bad("10.0.0.1/24");	/* host bits */
	bad("10.0.0.4/29");
	bad("10.0.0.0/7");	/* too short */
	bad("10.0.0.0/33");
	bad("10.0.0.0/");
	bad("10.0.0.0/x");
	bad("10.0.0.0/24x");
	bad("10.0.0");
	bad("256.0.0.1");
	bad("");
	bad("/24");
}
END_TEST

START_TEST(parse_v6)
{
	ok("2001:db8::1", "2001:db8::1/128", 6, 128);
	ok("2001:db8:100::/56", "2001:db8:100::/56", 6, 56);
	ok("2001:0db8:0000::/32", "2001:db8::/32", 6, 32);
	ok("::ffff:10.0.0.1", "::ffff:10.0.0.1/128", 6, 128);
	bad("2001:db8::1/64");	/* host bits */
	bad("2001:db8:100:80::/56");
	bad("2001:db8::/31");
	bad("2001:db8::/129");
	bad("2001:db8:::1");
	bad("fe80::1%eth0");
}
END_TEST

START_TEST(contains)
{
	struct prefix a, b, c;

	ck_assert_int_eq(prefix_parse("10.0.0.0/24", &a, NULL), 0);
	ck_assert_int_eq(prefix_parse("10.0.0.5", &b, NULL), 0);
	ck_assert_int_eq(prefix_parse("10.0.1.5", &c, NULL), 0);
	ck_assert(prefix_contains(&a, &b));
	ck_assert(!prefix_contains(&b, &a));
	ck_assert(!prefix_contains(&a, &c));
	ck_assert(prefix_contains(&a, &a));
	ck_assert_int_eq(prefix_parse("2001:db8::/32", &c, NULL), 0);
	ck_assert(!prefix_contains(&c, &b));
	ck_assert_int_eq(prefix_parse("10.0.0.0/23", &c, NULL), 0);
	ck_assert(prefix_contains(&c, &a));
}
END_TEST

static Suite *prefix_suite(void)
{
	Suite *s = suite_create("prefix");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_v4);
	tcase_add_test(tc, parse_v6);
	tcase_add_test(tc, contains);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(prefix_suite)
