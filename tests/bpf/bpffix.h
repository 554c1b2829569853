/* SPDX-License-Identifier: GPL-2.0 */
/* bpffix.h - fixtures shared by the BPF_PROG_TEST_RUN suites: an unpinned meter, map set-up, per-CPU sums, a main that skips without BPF. */
#ifndef TAGIH_BPFFIX_H
#define TAGIH_BPFFIX_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tagih.h"
#include "bpf/tagih_meter.skel.h"

#define UP	0
#define DOWN	1

static struct tagih_meter *skel;
static int ncpu;

static inline int print_warn(enum libbpf_print_level lvl, const char *fmt,
			     va_list ap)
{
	if (lvl == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * Opens and loads the meter with every pin path cleared, so nothing touches
 * the real pins under /sys/fs/bpf/tagih; the map called map_name (NULL: none)
 * gets entries slots instead of the object's default.  Returns 0 or -errno
 * (-ENOENT when there is no map_name).
 */
static inline int bpffix_load(struct tagih_meter **out, const char *map_name,
			      __u32 entries)
{
	struct tagih_meter *s;
	struct bpf_map *map;
	int err;

	s = tagih_meter__open();
	if (!s)
		return -errno;
	bpf_object__for_each_map(map, s->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err)
			goto out;
	}
	if (map_name) {
		map = bpf_object__find_map_by_name(s->obj, map_name);
		err = map ? bpf_map__set_max_entries(map, entries) : -ENOENT;
		if (err)
			goto out;
	}
	err = tagih_meter__load(s);
	if (err)
		goto out;
	*out = s;
	return 0;
out:
	tagih_meter__destroy(s);
	return err;
}

static inline void teardown(void)
{
	tagih_meter__destroy(skel);
	skel = NULL;
}

/* --- map helpers --------------------------------------------------------- */

static inline void add_garden(const char *addr, __u32 plen, __u16 port)
{
	struct tagih_garden_val v = { .port = port };

	if (strchr(addr, ':')) {
		struct tagih_lpm6 k = { .prefixlen = plen };

		ck_assert_int_eq(inet_pton(AF_INET6, addr, k.addr), 1);
		ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_garden6,
						      &k, sizeof(k), &v,
						      sizeof(v), BPF_ANY), 0);
	} else {
		struct tagih_lpm4 k = { .prefixlen = plen };

		ck_assert_int_eq(inet_pton(AF_INET, addr, k.addr), 1);
		ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_garden4,
						      &k, sizeof(k), &v,
						      sizeof(v), BPF_ANY), 0);
	}
}

static inline void set_state(__u32 uid, __u32 state)
{
	struct tagih_policy p = { .state = state };

	ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_policy, &uid,
					      sizeof(uid), &p, sizeof(p),
					      BPF_ANY), 0);
}

static inline struct tagih_cnt cnt_sum(__u32 uid)
{
	struct tagih_cnt sum = { 0 }, *v = calloc(ncpu, sizeof(*v));
	int i;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.tagih_cnt, &uid,
					      sizeof(uid), v,
					      ncpu * sizeof(*v), 0), 0);
	for (i = 0; i < ncpu; i++) {
		sum.up_bytes += v[i].up_bytes;
		sum.up_pkts += v[i].up_pkts;
		sum.down_bytes += v[i].down_bytes;
		sum.down_pkts += v[i].down_pkts;
		sum.drop_up_bytes += v[i].drop_up_bytes;
		sum.drop_up_pkts += v[i].drop_up_pkts;
		sum.drop_down_bytes += v[i].drop_down_bytes;
		sum.drop_down_pkts += v[i].drop_down_pkts;
	}
	free(v);
	return sum;
}

static inline struct tagih_gstat gstat_sum(__u32 idx)
{
	struct tagih_gstat sum = { 0 }, *v = calloc(ncpu, sizeof(*v));
	int i;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.tagih_gstat, &idx,
					      sizeof(idx), v,
					      ncpu * sizeof(*v), 0), 0);
	for (i = 0; i < ncpu; i++) {
		sum.bytes += v[i].bytes;
		sum.pkts += v[i].pkts;
	}
	free(v);
	return sum;
}

#define assert_gstat(idx, b, p)                                              \
	do {                                                                 \
		struct tagih_gstat g_ = gstat_sum(idx);                      \
		ck_assert_uint_eq(g_.bytes, (b));                            \
		ck_assert_uint_eq(g_.pkts, (p));                             \
	} while (0)

/* --- frames ---------------------------------------------------------------- */

static inline void put16(__u8 *p, __u16 v)
{
	memcpy(p, &v, sizeof(v));
}

/* --- main ------------------------------------------------------------------ */

/*
 * Runs the suite; exit status 0, 1 on a failure, 77 (skip) when the kernel
 * refuses to load BPF at all.
 */
static inline int bpffix_main(Suite *(*suite)(void))
{
	struct tagih_meter *probe = NULL;
	SRunner *sr;
	int err, nfail;

	libbpf_set_print(print_warn);
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		fprintf(stderr, "libbpf_num_possible_cpus: %s\n",
			strerror(-ncpu));
		return 1;
	}

	/* Load once up front: no permission is a skip, a verifier error is not. */
	err = bpffix_load(&probe, NULL, 0);
	if (err == -EPERM || err == -EACCES) {
		printf("SKIP: cannot load BPF programs (%s): need root or CAP_BPF+CAP_NET_ADMIN\n",
		       strerror(-err));
		return 77;
	}
	if (err) {
		fprintf(stderr, "loading tagih_meter failed: %s\n",
			strerror(-err));
		return 1;
	}
	tagih_meter__destroy(probe);

	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail ? 1 : 0;
}

#endif
