// SPDX-License-Identifier: GPL-2.0
/* test_workers.c - tagihd's PIN worker pool: bounded queue, every job run, a clean stop, lower priority. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

/* the module is tagihd's, not a library's: taken whole */
#include "tagihd/workers.c"

static atomic_int ran;
static atomic_int nice_seen = -100;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void job(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate);	/* held by the test: jobs pile up */
	pthread_mutex_unlock(&gate);
	atomic_store(&nice_seen, getpriority(PRIO_PROCESS, (id_t)gettid()));
	atomic_fetch_add(&ran, 1);
}

START_TEST(bounded)
{
	struct workers *w;
	int i, held = 0;

	atomic_store(&ran, 0);
	ck_assert_int_eq(workers_new(2, 8, 10, &w), 0);
	pthread_mutex_lock(&gate);
	/* 2 running (blocked on the gate) + 8 waiting; then full */
	for (i = 0; i < 20; i++) {
		if (workers_reserve(w))
			break;
		workers_push(w, job, NULL);
		held++;
		usleep(2000);	/* let a worker take its job */
	}
	ck_assert_int_ge(held, 8);
	ck_assert_int_le(held, 10);
	ck_assert_int_eq(workers_reserve(w), -EBUSY);
	pthread_mutex_unlock(&gate);
	/* free runs everything queued before it returns */
	workers_free(w);
	ck_assert_int_eq(atomic_load(&ran), held);
	/* the workers ran at nice +10 (the test itself at its own nice) */
	ck_assert_int_eq(atomic_load(&nice_seen),
			 getpriority(PRIO_PROCESS, (id_t)gettid()) + 10);
}
END_TEST

START_TEST(reserve_then_push)
{
	struct workers *w;
	int i;

	atomic_store(&ran, 0);
	ck_assert_int_eq(workers_new(1, 4, 0, &w), 0);
	for (i = 0; i < 100; i++) {
		while (workers_reserve(w) == -EBUSY)
			usleep(100);
		workers_push(w, job, NULL);
	}
	workers_free(w);
	ck_assert_int_eq(atomic_load(&ran), 100);
	ck_assert_int_eq(workers_new(0, 4, 0, &w), -EINVAL);
	ck_assert_int_eq(workers_new(1, 0, 0, &w), -EINVAL);
	workers_free(NULL);
}
END_TEST

static Suite *workers_suite(void)
{
	Suite *s = suite_create("workers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bounded);
	tcase_add_test(tc, reserve_then_push);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(workers_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
