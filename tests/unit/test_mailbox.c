// SPDX-License-Identifier: GPL-2.0
/* test_mailbox.c - RFC 5321 mailboxes: what an operator types is taken, what would break an SMTP line is not. */
#include <errno.h>
#include <string.h>
#include "tests/unit/tmpstore.h"
#include "lib/mailbox.h"

static void ok(const char *s)
{
	const char *why = NULL;

	ck_assert_msg(mailbox_check(s, &why) == 0, "'%s' refused: %s", s, why);
}

static void bad(const char *s, const char *want)
{
	const char *why = NULL;

	ck_assert_msg(mailbox_check(s, &why) == -EINVAL, "'%s' accepted", s);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, want), "'%s': '%s' lacks '%s'", s, why, want);
	/* the reason never quotes the address */
	ck_assert(!s || !*s || !strstr(why, s));
}

START_TEST(taken)
{
	ok("budi@example.net");
	ok("Budi.Santoso+tagihan@mail.rtrw.example.co.id");
	ok("a@b");
	ok("x-y_z@sub-domain.example");
	ok("!#$%&'*+-/=?^_`{|}~@example.net");
	ok("\"budi santoso\"@example.net");
	ok("\"a\\\"b\"@example.net");
	ok("\"a@b\"@example.net");
	ok("root@[192.0.2.1]");
	ok("root@[IPv6:2001:db8::1]");
	ok("0812@1.example");
}
END_TEST

START_TEST(injection)
{
	bad("victim@example.net>\r\nRCPT TO:<spy@evil.example", "'<' or '>'");
	bad("victim@example.net\r\nRCPT TO:<spy@evil.example>", "line break");
	bad("victim@example.net\nBcc: spy@evil.example", "line break");
	bad("victim@example.net\r", "line break");
	bad("victim@example.net>", "'<' or '>'");
	bad("<victim@example.net>", "'<' or '>'");
	bad("\"a<b\"@example.net", "'<' or '>'");
	bad("a\tb@example.net", "control character");
	bad("a\x7f@example.net", "control character");
	bad("b\xc3\xa9@example.net", "ASCII");
	bad("victim@example.net RCPT TO:spy@evil.example", "not a valid");
}
END_TEST

START_TEST(shape)
{
	char big[300];

	bad("", "empty");
	bad(NULL, "empty");
	bad("budi", "no '@'");
	bad("@example.net", "nothing before");
	bad("budi@", "no domain");
	bad("budi@@example.net", "not a valid");
	bad(".budi@example.net", "before the '@'");
	bad("budi.@example.net", "before the '@'");
	bad("bu..di@example.net", "before the '@'");
	bad("bu di@example.net", "before the '@'");
	bad("budi@-example.net", "after the '@'");
	bad("budi@example-.net", "after the '@'");
	bad("budi@example..net", "after the '@'");
	bad("budi@example.net.", "after the '@'");
	bad("budi@exa_mple.net", "after the '@'");
	bad("budi@[300.1.1.1]", "after the '@'");
	bad("budi@[IPv6:nope]", "after the '@'");
	bad("\"a\\\"@example.net", "before the '@'");
	bad("\"a\"b\"@example.net", "before the '@'");
	memset(big, 'a', 65);
	strcpy(big + 65, "@example.net");
	bad(big, "64 characters");
	memset(big, 'a', 251);
	strcpy(big + 251, "@e.x");
	bad(big, "254");
}
END_TEST

static Suite *mailbox_suite(void)
{
	Suite *s = suite_create("mailbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, taken);
	tcase_add_test(tc, injection);
	tcase_add_test(tc, shape);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(mailbox_suite)
