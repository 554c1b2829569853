/* SPDX-License-Identifier: GPL-2.0 */
/* meterfix.h - what the meter benchmarks share: a meter loaded with 100k subscribers as the agent paints it, and a BPF_PROG_TEST_RUN timer. */
#ifndef TAGIH_METERFIX_H
#define TAGIH_METERFIX_H

/*
 * 100k subscribers: IPv4 /32 10.0.0.1.. (two /16s) and IPv6 /64
 * 2001:db8:<uid>::/64, every SUSPEND_EVERY-th one suspended, a small walled
 * garden (a resolver 192.0.2.53 port 53, a portal 203.0.113.0/24).  Nothing
 * is pinned: the real maps under /sys/fs/bpf/tagih are untouched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tagih.h"
#include "bpf/tagih_meter.skel.h"
#include "agent/maps/dir16.h"
#include "agent/maps/v6hash.h"

#define NSUBS		100000
#define SUSPEND_EVERY	100

static inline int print_warn(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static inline void sub_addr4(__u32 uid, __u8 a[4])
{
	__u32 v = htonl(0x0a000000 + uid);	/* 10.0.0.0/8 */

	memcpy(a, &v, 4);
}

static inline void sub_addr6(__u32 uid, __u8 a[16])
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[4] = uid >> 24;
	a[5] = uid >> 16;
	a[6] = uid >> 8;
	a[7] = uid;
}

static inline void put16(__u8 *p, __u16 v)
{
	memcpy(p, &v, sizeof(v));
}

/* Paints the direct table from the IPv4 /32s as the agent does. */
static inline int paint(struct tagih_meter *skel)
{
	struct dir16_pfx *p = calloc(NSUBS, sizeof(*p));
	struct dir16_maps *dm = NULL;
	struct dir16_stats st;
	__u32 uid;
	int err;

	if (!p)
		return -ENOMEM;
	for (uid = 1; uid <= NSUBS; uid++) {
		p[uid - 1].addr = 0x0a000000 + uid;
		p[uid - 1].len = 32;
		p[uid - 1].uid = uid;
	}
	err = dir16_maps_open(&dm, bpf_map__fd(skel->maps.tagih_v4dir),
			      bpf_map__fd(skel->maps.tagih_v4blk));
	if (!err)
		err = dir16_sync(dm, p, NSUBS, &st);
	if (!err && (st.used != 2 || st.trie_only))
		err = -EINVAL;
	dir16_maps_close(dm);
	free(p);
	return err;
}

/* Paints the /64 hash from the IPv6 /64s as the agent does. */
static inline int paint6(struct tagih_meter *skel)
{
	struct v6hash_pfx *p = calloc(NSUBS, sizeof(*p));
	struct v6hash_map *vh = NULL;
	struct v6hash_stats st;
	__u32 uid;
	int err;

	if (!p)
		return -ENOMEM;
	for (uid = 1; uid <= NSUBS; uid++) {
		sub_addr6(uid, p[uid - 1].addr);
		p[uid - 1].len = 64;
		p[uid - 1].uid = uid;
	}
	err = v6hash_open(&vh, bpf_map__fd(skel->maps.tagih_v6h64));
	if (!err)
		err = v6hash_sync(vh, p, NSUBS, &st);
	if (!err && (st.entries != NSUBS || st.trie_only))
		err = -EINVAL;
	v6hash_close(vh);
	free(p);
	return err;
}

/* Fills the meter's maps; returns 0 or -errno. */
static inline int populate(struct tagih_meter *skel)
{
	struct tagih_pfx_val pv = { 0 };
	struct tagih_policy pol = { .state = TAGIH_ST_ISOLIR };
	struct tagih_garden_val gv = { .port = 53 };
	struct tagih_lpm4 k4 = { .prefixlen = 32 };
	struct tagih_lpm6 k6 = { .prefixlen = 64 };
	__u32 uid;
	int err;

	for (uid = 1; uid <= NSUBS; uid++) {
		pv.uid = uid;
		sub_addr4(uid, k4.addr);
		err = bpf_map__update_elem(skel->maps.tagih_pfx4, &k4,
					   sizeof(k4), &pv, sizeof(pv), 0);
		if (err)
			return err;
		sub_addr6(uid, k6.addr);
		err = bpf_map__update_elem(skel->maps.tagih_pfx6, &k6,
					   sizeof(k6), &pv, sizeof(pv), 0);
		if (err)
			return err;
		if (uid % SUSPEND_EVERY)
			continue;
		err = bpf_map__update_elem(skel->maps.tagih_policy, &uid,
					   sizeof(uid), &pol, sizeof(pol), 0);
		if (err)
			return err;
	}
	k4.prefixlen = 32;
	inet_pton(AF_INET, "192.0.2.53", k4.addr);
	err = bpf_map__update_elem(skel->maps.tagih_garden4, &k4, sizeof(k4),
				   &gv, sizeof(gv), 0);
	if (err)
		return err;
	gv.port = 0;
	k4.prefixlen = 24;
	inet_pton(AF_INET, "203.0.113.0", k4.addr);
	return bpf_map__update_elem(skel->maps.tagih_garden4, &k4, sizeof(k4),
				    &gv, sizeof(gv), 0);
}

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ingress_ifindex of the tc runs, loaded into tagih_wanif */
#define MF_WAN_IFINDEX	7

/*
 * Runs @prog @repeat times on the @len-byte frame @buf (@name in messages);
 * *ns gets ns/packet.  Returns 0 or -errno; -EINVAL when the program's
 * return value is not @want.
 */
static inline int time_prog(struct bpf_program *prog, const void *buf,
			    __u32 len, const char *name, __u32 repeat,
			    __u32 want, double *ns)
{
	struct __sk_buff skb = { .ingress_ifindex = MF_WAN_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = len, .repeat = repeat);
	double t0;
	int err;

	/* a tc skb came in on the wan (tagih_lan_down meters only those) */
	if (bpf_program__type(prog) == BPF_PROG_TYPE_SCHED_CLS) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	t0 = now_ns();
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err;
	*ns = (now_ns() - t0) / repeat;
	if (opts.retval != want) {
		fprintf(stderr, "%s: %s returned %d, expected %d\n", name,
			bpf_program__name(prog), (int)opts.retval, (int)want);
		return -EINVAL;
	}
	return 0;
}

/*
 * Paints the /64 direct-mapped table (tagih_v6dm, see bpf/tagih.h) with
 * every subscriber's /64, the first of a slot keeping it.  The agent does
 * not paint this table yet: this is what it will write.
 */
static inline int paint6dm(struct tagih_meter *skel)
{
	int fd = bpf_map__fd(skel->maps.tagih_v6dm);
	__u32 uid, slot, shared = 0;
	__u64 key, h, e;
	__u8 a[16];

	for (uid = 1; uid <= NSUBS; uid++) {
		sub_addr6(uid, a);
		memcpy(&key, a, sizeof(key));
		h = tagih_v6dm_hash(key);
		slot = tagih_v6dm_slot(h);
		if (bpf_map_lookup_elem(fd, &slot, &e))
			return -errno;
		if (e) {
			shared++;	/* left to tagih_v6h64 */
			continue;
		}
		e = tagih_v6dm_entry(h, uid);
		if (bpf_map_update_elem(fd, &slot, &e, BPF_ANY))
			return -errno;
	}
	if (shared)
		fprintf(stderr, "tagih_v6dm: %u of %d /64s share a slot\n",
			shared, NSUBS);
	return 0;
}

/*
 * A meter with 100k subscribers, v4_blocks blocks, the /64 hash on (as
 * the agent runs it) or off, and the /64 direct-mapped table painted
 * (v6dm, as the agent will) or left empty; NULL on error.
 */
static inline struct tagih_meter *meter_load(__u32 v4_blocks, int v6hash,
					     int v6dm)
{
	struct tagih_meter *meter;
	struct bpf_map *map;
	int err;

	meter = tagih_meter__open();
	if (!meter) {
		fprintf(stderr, "opening tagih_meter: %s\n", strerror(errno));
		return NULL;
	}
	bpf_object__for_each_map(map, meter->obj)
		bpf_map__set_pin_path(map, NULL);
	bpf_map__set_max_entries(meter->maps.tagih_cnt, NSUBS + 1);
	bpf_map__set_max_entries(meter->maps.tagih_policy, NSUBS + 1);
	bpf_map__set_max_entries(meter->maps.tagih_v4blk,
				 v4_blocks ? v4_blocks * TAGIH_V4_BLOCK_SLOTS :
					     1);
	bpf_map__set_max_entries(meter->maps.tagih_v6h64,
				 v6hash ? TAGIH_DEF_V6_HASH :
					  TAGIH_V6H_OFF_ENTRIES);
	err = tagih_meter__load(meter);
	if (err) {
		fprintf(stderr, "loading tagih_meter: %s\n", strerror(-err));
		goto fail;
	}
	err = populate(meter);
	if (!err)
		err = bpf_map__update_elem(meter->maps.tagih_wanif,
					   &(__u32){ MF_WAN_IFINDEX },
					   sizeof(__u32), &(__u32){ 1 },
					   sizeof(__u32), 0);
	if (!err && v4_blocks)
		err = paint(meter);
	if (!err && v6hash)
		err = paint6(meter);
	if (!err && v6dm)
		err = paint6dm(meter);
	if (err) {
		fprintf(stderr, "filling maps: %s\n", strerror(-err));
		goto fail;
	}
	return meter;
fail:
	tagih_meter__destroy(meter);
	return NULL;
}

#endif
