// SPDX-License-Identifier: GPL-2.0
/* test_drain.c - the drain's delta math (wrap, recreated counters, zero) and exactly-once runs. */
#include <errno.h>
#include <stdint.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tests/unit/tmpstore.h"
#include "lib/ttime.h"
#include "billing/usage.h"
/* The drain module is taken whole, static functions included. */
/* small, so that the tests below commit a drain in several txns */
#define DRAIN_COMMIT_EVERY 20
#include "agent/drain.c"

START_TEST(delta_plain)
{
	struct tagih_cnt snap = { .up_bytes = 100, .up_pkts = 1,
				  .down_bytes = 1000, .down_pkts = 2 };
	struct tagih_cnt cur = { .up_bytes = 150, .up_pkts = 2,
				 .down_bytes = 4000, .down_pkts = 5,
				 .drop_up_bytes = 7, .drop_down_bytes = 3,
				 .drop_up_pkts = 1, .drop_down_pkts = 1 };
	struct usage_val d;

	ck_assert(drain_delta(&cur, &snap, &d));
	ck_assert_uint_eq(d.up_bytes, 50);
	ck_assert_uint_eq(d.up_pkts, 1);
	ck_assert_uint_eq(d.down_bytes, 3000);
	ck_assert_uint_eq(d.down_pkts, 3);
	ck_assert_uint_eq(d.drop_bytes, 10);	/* both directions */
	ck_assert_uint_eq(d.drop_pkts, 2);
}
END_TEST

START_TEST(delta_zero)
{
	struct tagih_cnt c = { .up_bytes = 5, .down_bytes = 9, .up_pkts = 1 };
	struct tagih_cnt z = { 0 };
	struct usage_val d;

	ck_assert(!drain_delta(&c, &c, &d));
	ck_assert_uint_eq(d.up_bytes | d.down_bytes | d.up_pkts | d.down_pkts |
				  d.drop_bytes | d.drop_pkts, 0);
	/* a never-used slot against no snapshot: nothing to bill */
	ck_assert(!drain_delta(&z, NULL, &d));
}
END_TEST

START_TEST(delta_wrap)
{
	struct tagih_cnt snap = { .up_bytes = UINT64_MAX - 5,
				  .down_pkts = UINT64_MAX };
	struct tagih_cnt cur = { .up_bytes = 10, .down_pkts = 0 };
	struct usage_val d;

	ck_assert(drain_delta(&cur, &snap, &d));
	ck_assert_uint_eq(d.up_bytes, 16);	/* 6 to wrap, then 10 */
	ck_assert_uint_eq(d.down_pkts, 1);
	ck_assert_uint_eq(d.down_bytes, 0);
}
END_TEST

START_TEST(delta_recreated)
{
	/* new counters (snap NULL) are billed from 0, never negative */
	struct tagih_cnt cur = { .up_bytes = 3, .down_bytes = 4 };
	struct usage_val d;

	ck_assert(drain_delta(&cur, NULL, &d));
	ck_assert_uint_eq(d.up_bytes, 3);
	ck_assert_uint_eq(d.down_bytes, 4);
}
END_TEST

START_TEST(sum_cpus)
{
	struct tagih_cnt v[3] = { { .up_bytes = 1, .drop_down_pkts = 1 },
				  { .up_bytes = 10, .down_bytes = 2 },
				  { .up_bytes = UINT64_MAX, .down_bytes = 3 } };
	struct tagih_cnt s;

	ck_assert_int_eq(sizeof(struct tagih_cnt) % 8, 0);
	drain_sum_cpus(v, 3, &s);
	ck_assert_uint_eq(s.up_bytes, 10);	/* wraps like the kernel's */
	ck_assert_uint_eq(s.down_bytes, 5);
	ck_assert_uint_eq(s.drop_down_pkts, 1);
}
END_TEST

/* --- drain_run against a real per-CPU array (needs CAP_BPF) ---------------- */

static int cnt_fd = -1;
static int cnt_err;	/* errno of the failed map creation */
static int ncpu;

static int mk_map(void)
{
	return bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "test_cnt", 4,
			      sizeof(struct tagih_cnt), 64, NULL);
}

static void set_cnt(int fd, uint32_t uid, uint64_t up, uint64_t down)
{
	struct tagih_cnt *v = calloc(ncpu, sizeof(*v));

	/* spread over CPUs: the drain must sum them */
	v[0].up_bytes = up;
	v[ncpu - 1].down_bytes += down;
	ck_assert_int_eq(bpf_map_update_elem(fd, &uid, v, BPF_ANY), 0);
	free(v);
}

static struct usage_val total(uint32_t uid)
{
	struct usage_val v;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(usage_sum(txn, tmp_st, uid, INT64_MIN, INT64_MAX, &v),
			 0);
	store_abort(txn);
	return v;
}

static void run_setup(void)
{
	tmp_store_setup();
	ncpu = libbpf_num_possible_cpus();
	cnt_fd = mk_map();
	cnt_err = cnt_fd < 0 ? errno : 0;
}

/*
 * The drain_run tests need a real per-CPU array.  Without the privilege
 * to make one they skip (say so on stderr); as root a failure is a
 * failure, not a silent pass.
 */
static bool have_bpf(void)
{
	if (cnt_fd >= 0)
		return true;
	ck_assert_msg(geteuid() != 0, "root, yet no BPF map: %s",
		      strerror(cnt_err));
	fprintf(stderr, "skip: no BPF map (%s)\n", strerror(cnt_err));
	return false;
}

static void run_teardown(void)
{
	if (cnt_fd >= 0)
		close(cnt_fd);
	tmp_store_teardown();
}

START_TEST(run_once_only)
{
	struct drain d;
	int64_t now = 1790000000;

	if (!have_bpf())
		return;
	ck_assert_int_eq(drain_init(&d, tmp_st, cnt_fd, 1), 0);
	set_cnt(cnt_fd, 1, 100, 1000);
	set_cnt(cnt_fd, 5, 7, 0);
	ck_assert_int_eq(drain_run(&d, now), 0);
	ck_assert_uint_eq(d.last_changed, 2);
	ck_assert_uint_eq(total(1).up_bytes, 100);
	ck_assert_uint_eq(total(1).down_bytes, 1000);
	ck_assert_uint_eq(total(5).up_bytes, 7);

	/* nothing new: nothing billed */
	ck_assert_int_eq(drain_run(&d, now + 10), 0);
	ck_assert_uint_eq(d.last_changed, 0);
	ck_assert_uint_eq(total(1).up_bytes, 100);

	/* only the delta */
	set_cnt(cnt_fd, 1, 150, 1000);
	ck_assert_int_eq(drain_run(&d, now + 20), 0);
	ck_assert_uint_eq(d.last_changed, 1);
	ck_assert_uint_eq(total(1).up_bytes, 150);
	ck_assert_uint_eq(total(5).up_bytes, 7);
	drain_fini(&d);
}
END_TEST

START_TEST(run_recreated_map)
{
	struct drain d;
	int fd2;

	if (!have_bpf())
		return;
	ck_assert_int_eq(drain_init(&d, tmp_st, cnt_fd, 1), 0);
	set_cnt(cnt_fd, 1, 500, 500);
	ck_assert_int_eq(drain_run(&d, 1790000000), 0);
	drain_fini(&d);

	/* the map is recreated (reboot, reload): smaller counters */
	fd2 = mk_map();
	ck_assert_int_ge(fd2, 0);
	set_cnt(fd2, 1, 20, 30);
	ck_assert_int_eq(drain_init(&d, tmp_st, fd2, 1), 0);
	ck_assert_int_eq(drain_run(&d, 1790000100), 0);
	/* billed from 0: +20/+30, not a huge wrapped delta */
	ck_assert_uint_eq(total(1).up_bytes, 520);
	ck_assert_uint_eq(total(1).down_bytes, 530);
	ck_assert_int_eq(drain_run(&d, 1790000200), 0);
	ck_assert_uint_eq(total(1).up_bytes, 520);
	drain_fini(&d);
	close(fd2);
}
END_TEST

/* many chunks: the reader ring wraps, every uid is billed once */
START_TEST(run_many_chunks)
{
	uint32_t n = 3000, uid;
	struct drain d;
	int fd, r;

	if (!have_bpf())
		return;
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "test_cnt", 4,
			    sizeof(struct tagih_cnt), n, NULL);
	ck_assert_int_ge(fd, 0);
	for (uid = 1; uid < n; uid += 7)
		set_cnt(fd, uid, uid, 2 * uid);
	for (r = 0; r <= DRAIN_READERS_MAX; r++) {
		ck_assert_int_eq(drain_init(&d, tmp_st, fd, 1), 0);
		d.chunk = DRAIN_CHUNK_MIN;	/* 12 chunks, 4 slots */
		d.readers = r;
		ck_assert_int_eq(drain_run(&d, 1790000000), 0);
		/* billed by the first round only */
		ck_assert_uint_eq(d.last_changed, r ? 0 : (n - 1 + 6) / 7);
		if (!r)	/* ~37 changed a chunk, a commit every 20 */
			ck_assert_uint_eq(d.last_txns, 12);
		drain_fini(&d);
	}
	for (uid = 1; uid < n; uid += 7) {
		ck_assert_uint_eq(total(uid).up_bytes, uid);
		ck_assert_uint_eq(total(uid).down_bytes, 2 * uid);
		ck_assert_uint_eq(total(uid + 1).up_bytes, 0);
	}
	set_cnt(fd, n - 1, 5, 5);	/* the last slot, last chunk */
	ck_assert_int_eq(drain_init(&d, tmp_st, fd, 1), 0);
	d.chunk = DRAIN_CHUNK_MIN;
	ck_assert_int_eq(drain_run(&d, 1790000100), 0);
	ck_assert_uint_eq(d.last_changed, 1);
	ck_assert_uint_eq(total(n - 1).up_bytes, 5);
	drain_fini(&d);
	close(fd);
}
END_TEST

static Suite *drain_suite(void)
{
	Suite *s = suite_create("drain");
	TCase *tc = tcase_create("delta");
	TCase *tr = tcase_create("run");

	tcase_add_test(tc, delta_plain);
	tcase_add_test(tc, delta_zero);
	tcase_add_test(tc, delta_wrap);
	tcase_add_test(tc, delta_recreated);
	tcase_add_test(tc, sum_cpus);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tr, run_setup, run_teardown);
	tcase_add_test(tr, run_once_only);
	tcase_add_test(tr, run_recreated_map);
	tcase_add_test(tr, run_many_chunks);
	suite_add_tcase(s, tr);
	return s;
}

TMP_SUITE_MAIN(drain_suite)
