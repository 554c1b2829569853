// SPDX-License-Identifier: GPL-2.0
/* test_html.c - the page builder: escaping for text and attributes, long output, the cap. */
#include <string.h>
#include "tests/unit/tmpstore.h"
#include "lib/html.h"

START_TEST(escape)
{
	struct html b = { 0 };

	html_text(&b, "Budi <b>\"Santoso\"</b> & 'co'\tx\ny\x01");
	ck_assert_str_eq(b.p, "Budi &lt;b&gt;&quot;Santoso&quot;&lt;/b&gt; "
			 "&amp; &#39;co&#39; x\ny ");
	html_free(&b);
	html_esc(&b, "BCA 123\na.n. <Net>", HTML_NL_BR);
	ck_assert_str_eq(b.p, "BCA 123<br>a.n. &lt;Net&gt;");
	html_free(&b);
	html_text(&b, NULL);	/* nothing, no crash */
	html_text(&b, "");
	ck_assert_uint_eq(b.len, 0);
	html_free(&b);
	html_urlpath(&b, "INV/2026/11/000123 x\"<");
	ck_assert_str_eq(b.p, "INV/2026/11/000123%20x%22%3C");
	html_free(&b);
}
END_TEST

START_TEST(long_output)
{
	struct html b = { 0 };
	char big[5000];

	/* one printf longer than any fixed buffer is kept whole */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	html_printf(&b, "<p>%s</p>%d", big, 42);
	ck_assert_uint_eq(b.len, 3 + 4999 + 4 + 2);
	ck_assert_str_eq(b.p + b.len - 6, "</p>42");
	ck_assert(!b.oom);
	html_free(&b);
}
END_TEST

START_TEST(cap)
{
	struct html b = { .max = 64 };
	int i;

	for (i = 0; i < 10; i++)
		html_puts(&b, "0123456789");
	/* past the cap: oom, and what came before stays a valid string */
	ck_assert(b.oom);
	ck_assert_uint_lt(b.len, 64);
	ck_assert_uint_eq(strlen(b.p), b.len);
	html_puts(&b, "more");
	ck_assert_uint_lt(b.len, 64);
	html_free(&b);
}
END_TEST

static Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, escape);
	tcase_add_test(tc, long_output);
	tcase_add_test(tc, cap);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(html_suite)
