// SPDX-License-Identifier: GPL-2.0
/* test_ratelimit.c - tagihd's login lockout: counting, locking, windows, resets, a full table, exact under a race. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tagihd/tagihd.h"

/*
 * The limiter reads CLOCK_MONOTONIC itself. The module is taken whole
 * (it is tagihd's, not a library's); its clock is replaced here
 * so that 15-minute windows pass without sleeping.
 */
static time_t fake_sec = 1000;

static int fake_clock_gettime(clockid_t c, struct timespec *ts)
{
	ts->tv_sec = fake_sec;
	ts->tv_nsec = 0;
	return 0;
}

#define clock_gettime fake_clock_gettime
#include "tagihd/ratelimit.c"
#undef clock_gettime

#define PHONE "ph:081234567890"

static struct rl *phone_rl(void)
{
	struct rl *r = rl_new(TAGIHD_LOGIN_SLOTS, TAGIHD_LOGIN_FAIL_PHONE,
			      TAGIHD_LOGIN_WINDOW, TAGIHD_LOGIN_LOCK);

	ck_assert_ptr_nonnull(r);
	return r;
}

static void fail_n(struct rl *r, const char *key, unsigned n)
{
	while (n--)
		rl_fail(r, key);
}

START_TEST(params)
{
	ck_assert_int_eq(TAGIHD_LOGIN_FAIL_PHONE, 5);
	ck_assert_int_eq(TAGIHD_LOGIN_FAIL_IP, 30);
	ck_assert_int_eq(TAGIHD_LOGIN_WINDOW, 15 * 60);
	ck_assert_ptr_null(rl_new(0, 5, 900, 900));
	ck_assert_ptr_null(rl_new(16, 0, 900, 900));
	rl_free(NULL);
}
END_TEST

START_TEST(five_lock)
{
	struct rl *r = phone_rl();
	unsigned i;

	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	rl_reset(r, PHONE);			/* unknown key: nothing */
	for (i = 0; i < 4; i++) {
		rl_fail(r, PHONE);
		fake_sec += 10;
		ck_assert_uint_eq(rl_check(r, PHONE), 0);
	}
	rl_fail(r, PHONE);			/* the 5th */
	/* the 6th attempt is refused, for the whole lock */
	ck_assert_uint_eq(rl_check(r, PHONE), TAGIHD_LOGIN_LOCK);
	fake_sec += TAGIHD_LOGIN_LOCK - 1;
	ck_assert_uint_eq(rl_check(r, PHONE), 1);
	/* more failures while locked do not extend the lock */
	rl_fail(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), 1);
	fake_sec += 1;
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	/* after the lock a fresh count: one failure does not relock */
	rl_fail(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	fail_n(r, PHONE, 3);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	rl_fail(r, PHONE);
	ck_assert_uint_gt(rl_check(r, PHONE), 0);
	rl_free(r);
}
END_TEST

START_TEST(keys_apart)
{
	struct rl *r = phone_rl();

	fail_n(r, PHONE, 5);
	ck_assert_uint_gt(rl_check(r, PHONE), 0);
	ck_assert_uint_eq(rl_check(r, "ph:081234567891"), 0);
	ck_assert_uint_eq(rl_check(r, "ph:08123456789"), 0);
	ck_assert_uint_eq(rl_check(r, ""), 0);
	fail_n(r, "ph:081234567891", 4);
	ck_assert_uint_eq(rl_check(r, "ph:081234567891"), 0);
	rl_free(r);
}
END_TEST

START_TEST(success_resets)
{
	struct rl *r = phone_rl();

	/* a success forgets the failures before it */
	fail_n(r, PHONE, 4);
	rl_reset(r, PHONE);
	fail_n(r, PHONE, 4);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	rl_fail(r, PHONE);
	ck_assert_uint_gt(rl_check(r, PHONE), 0);
	/* "forget key": a lock too (tagihd checks before it tries, so a
	 * locked key never reaches a success there) */
	rl_reset(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	rl_fail(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	/* a reset of one key leaves the others */
	fail_n(r, "ph:0899", 5);
	rl_reset(r, PHONE);
	ck_assert_uint_gt(rl_check(r, "ph:0899"), 0);
	rl_free(r);
}
END_TEST

START_TEST(window)
{
	struct rl *r = phone_rl();
	time_t t0 = fake_sec;

	/* 5 failures inside 15 minutes of the first: locked */
	rl_fail(r, PHONE);
	fake_sec = t0 + 800;
	fail_n(r, PHONE, 3);
	fake_sec = t0 + TAGIHD_LOGIN_WINDOW - 1;
	rl_fail(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), TAGIHD_LOGIN_LOCK);
	rl_free(r);

	/* the 5th just as the window (from the first failure) ends: a new
	 * window, not a lock */
	r = phone_rl();
	fake_sec = t0 = 5000;
	fail_n(r, PHONE, 4);
	fake_sec = t0 + TAGIHD_LOGIN_WINDOW;
	rl_fail(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	fail_n(r, PHONE, 3);			/* 4 in the new window */
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	rl_fail(r, PHONE);
	ck_assert_uint_gt(rl_check(r, PHONE), 0);
	rl_free(r);
}
END_TEST

START_TEST(per_address)
{
	struct rl *ip = rl_new(TAGIHD_LOGIN_SLOTS, TAGIHD_LOGIN_FAIL_IP,
			       TAGIHD_LOGIN_WINDOW, TAGIHD_LOGIN_LOCK);
	struct rl *ph = phone_rl();
	char key[48];
	unsigned i;

	ck_assert_ptr_nonnull(ip);
	/* one address guessing over many phones: each phone stays under its
	 * limit, the address is locked at 30 */
	for (i = 0; i < 29; i++) {
		snprintf(key, sizeof(key), "ph:08123456%04u", i);
		rl_fail(ph, key);
		rl_fail(ip, "ip:2001:db8:1:2::");
		ck_assert_uint_eq(rl_check(ph, key), 0);
	}
	ck_assert_uint_eq(rl_check(ip, "ip:2001:db8:1:2::"), 0);
	rl_fail(ip, "ip:2001:db8:1:2::");
	ck_assert_uint_eq(rl_check(ip, "ip:2001:db8:1:2::"), TAGIHD_LOGIN_LOCK);
	/* another /64, another IPv4 address: their own counts */
	ck_assert_uint_eq(rl_check(ip, "ip:2001:db8:1:3::"), 0);
	ck_assert_uint_eq(rl_check(ip, "ip:192.0.2.7"), 0);
	fail_n(ip, "ip:192.0.2.7", 29);
	ck_assert_uint_eq(rl_check(ip, "ip:192.0.2.7"), 0);
	rl_free(ph);
	rl_free(ip);
}
END_TEST

START_TEST(full_table)
{
	/* 4 slots, all probed: the 5th key takes the slot whose window
	 * began first, as documented; idle slots go before busy ones */
	struct rl *r = rl_new(4, 2, 100, 100);
	char key[8];
	int i;

	ck_assert_ptr_nonnull(r);
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		fail_n(r, key, 2);
		ck_assert_uint_gt(rl_check(r, key), 0);
		fake_sec += 1;
	}
	fail_n(r, "k4", 2);
	ck_assert_uint_gt(rl_check(r, "k4"), 0);
	ck_assert_uint_eq(rl_check(r, "k0"), 0);	/* the oldest went */
	for (i = 1; i < 4; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_msg(rl_check(r, key) > 0, "%s evicted", key);
	}
	/* once k1's window and lock are over its slot is idle and is
	 * taken before k2..k4, though k1's window began earlier */
	fake_sec += 97;		/* k1 idle; k2..k4 still locked */
	fail_n(r, "k5", 2);
	ck_assert_uint_gt(rl_check(r, "k5"), 0);
	for (i = 2; i < 5; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_msg(rl_check(r, key) > 0, "%s evicted", key);
	}
	rl_free(r);
}
END_TEST

/* 40 threads released at once, each taking one attempt for one phone */
struct race {
	struct rl *r;
	pthread_barrier_t go;
	atomic_int granted;
};

static void *racer(void *arg)
{
	struct race *x = arg;

	pthread_barrier_wait(&x->go);
	if (!rl_take(x->r, PHONE))
		atomic_fetch_add(&x->granted, 1);
	return NULL;
}

START_TEST(take_exact_under_race)
{
	struct race x = { .r = phone_rl() };
	pthread_t th[40];
	int i, round;

	/* many rounds: a check-then-count limiter lets more through in some */
	for (round = 0; round < 50; round++) {
		atomic_store(&x.granted, 0);
		rl_reset(x.r, PHONE);
		pthread_barrier_init(&x.go, NULL, 40);
		for (i = 0; i < 40; i++)
			ck_assert_int_eq(pthread_create(&th[i], NULL, racer, &x), 0);
		for (i = 0; i < 40; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&x.go);
		ck_assert_int_eq(atomic_load(&x.granted), TAGIHD_LOGIN_FAIL_PHONE);
		ck_assert_uint_eq(rl_check(x.r, PHONE), TAGIHD_LOGIN_LOCK);
	}
	rl_free(x.r);
}
END_TEST

START_TEST(take_untake)
{
	struct rl *r = phone_rl();
	unsigned i;

	/* a take counts as a failure before the work is done */
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(rl_take(r, PHONE), 0);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	/* the 5th locks at once: nobody may start a 6th meanwhile */
	ck_assert_uint_eq(rl_take(r, PHONE), 0);
	ck_assert_uint_eq(rl_take(r, PHONE), TAGIHD_LOGIN_LOCK);
	/* it turned out not to be a failure: given back, the lock lifts */
	rl_untake(r, PHONE);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	ck_assert_uint_eq(rl_take(r, PHONE), 0);
	ck_assert_uint_gt(rl_check(r, PHONE), 0);
	/* refused takes count nothing and do not extend the lock */
	fake_sec += 10;
	ck_assert_uint_eq(rl_take(r, PHONE), TAGIHD_LOGIN_LOCK - 10);
	fake_sec += TAGIHD_LOGIN_LOCK;
	ck_assert_uint_eq(rl_take(r, PHONE), 0);	/* a new window */
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	/* giving back all of them forgets the key; an unknown key is fine */
	rl_untake(r, PHONE);
	rl_untake(r, PHONE);
	rl_untake(r, "ph:0899");
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(rl_take(r, PHONE), 0);
	ck_assert_uint_eq(rl_check(r, PHONE), 0);
	rl_free(r);
}
END_TEST

static Suite *ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, params);
	tcase_add_test(tc, five_lock);
	tcase_add_test(tc, keys_apart);
	tcase_add_test(tc, success_resets);
	tcase_add_test(tc, window);
	tcase_add_test(tc, per_address);
	tcase_add_test(tc, full_table);
	tcase_add_test(tc, take_exact_under_race);
	tcase_add_test(tc, take_untake);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ratelimit_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
