// SPDX-License-Identifier: GPL-2.0
/* test_session.c - the console's sessions: random ids, lookup, idle expiry, logout, the oldest dropped when full. */
#include <check.h>
#include <string.h>
#include <unistd.h>
#include "tagihd/console/session.c"

START_TEST(open_get_close)
{
	struct con_sessions *s = sess_new(8, 60);
	struct con_sess a, b, got;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sess_open(s, "kas", &a), 0);
	ck_assert_int_eq(sess_open(s, "kas", &b), 0);
	ck_assert_int_eq(strlen(a.sid), CON_SID_LEN);
	ck_assert_int_eq(strlen(a.csrf), CON_SID_LEN);
	ck_assert_str_ne(a.sid, b.sid);
	ck_assert_str_ne(a.sid, a.csrf);
	ck_assert_int_eq(sess_get(s, a.sid, &got), 0);
	ck_assert_str_eq(got.user, "kas");
	ck_assert_str_eq(got.csrf, a.csrf);
	sess_close(s, a.sid);
	ck_assert_int_eq(sess_get(s, a.sid, &got), -ENOENT);
	ck_assert_int_eq(sess_get(s, b.sid, &got), 0);
	/* malformed ids never match */
	ck_assert_int_eq(sess_get(s, "", &got), -ENOENT);
	ck_assert_int_eq(sess_get(s, NULL, &got), -ENOENT);
	b.sid[5] = 'X';
	ck_assert_int_eq(sess_get(s, b.sid, &got), -ENOENT);
	sess_free(s);
}
END_TEST

START_TEST(idle_expiry)
{
	struct con_sessions *s = sess_new(4, 1);
	struct con_sess a, got;

	ck_assert_int_eq(sess_open(s, "own", &a), 0);
	ck_assert_int_eq(sess_get(s, a.sid, &got), 0);
	sleep(3);
	ck_assert_int_eq(sess_get(s, a.sid, &got), -ENOENT);
	sess_free(s);
}
END_TEST

START_TEST(full_drops_oldest)
{
	struct con_sessions *s = sess_new(3, 3600);
	struct con_sess v[4], got;
	int i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sess_open(s, "u", &v[i]), 0);
	sleep(1);
	/* touch 0 and 2: 1 is now the least recently used */
	ck_assert_int_eq(sess_get(s, v[0].sid, &got), 0);
	ck_assert_int_eq(sess_get(s, v[2].sid, &got), 0);
	ck_assert_int_eq(sess_open(s, "u", &v[3]), 0);
	ck_assert_int_eq(sess_get(s, v[1].sid, &got), -ENOENT);
	ck_assert_int_eq(sess_get(s, v[0].sid, &got), 0);
	ck_assert_int_eq(sess_get(s, v[3].sid, &got), 0);
	sess_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, open_get_close);
	tcase_add_test(tc, idle_expiry);
	tcase_add_test(tc, full_drops_oldest);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
