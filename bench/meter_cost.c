// SPDX-License-Identifier: GPL-2.0
/* meter_cost.c - ns/packet of the XDP meter against an empty XDP program (BPF_PROG_TEST_RUN). */

/*
 * Loads tagih_empty (XDP_PASS only) and tagih_meter twice with 100k
 * subscribers (100k IPv4 /32 in 10.0.0.0/15 and 100k IPv6 /64, every 100th
 * one suspended, a small walled garden): once as the agent runs it, the
 * IPv4 direct table painted by agent/maps/dir16.c (two /16s, two blocks) and
 * the IPv6 /64 hash by agent/maps/v6hash.c (100k /64s, default
 * v6_hash_entries), and once trie only (v4_blocks = 0, v6_hash_entries =
 * 0), for reference.  Then it times
 * BPF_PROG_TEST_RUN with a large repeat count on 64-byte frames.  The
 * three programs are interleaved and the best of --rounds is kept, because
 * test-run figures swing by +-20% between runs.  Nothing is pinned: the
 * real maps under /sys/fs/bpf/tagih are untouched.
 *
 * The last line is "ratio <meter/empty>" for the IPv4 frame, meter being
 * the one with the direct table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "bpf/tagih.h"
#include "bpf/tagih_empty.skel.h"
#include "bpf/tagih_meter.skel.h"
#include "agent/maps/dir16.h"
#include "agent/maps/v6hash.h"

#define NSUBS		100000
#define SUSPEND_EVERY	100
#define FRAME_LEN	64
#define PROBE_UID	12345	/* active: not a multiple of SUSPEND_EVERY */
#define NFRAMES		5

struct frame {
	const char *name;
	__u8 buf[FRAME_LEN];
	__u32 want;		/* expected XDP action from the meter */
};

static int print_warn(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void sub_addr4(__u32 uid, __u8 a[4])
{
	__u32 v = htonl(0x0a000000 + uid);	/* 10.0.0.0/8 */

	memcpy(a, &v, 4);
}

static void sub_addr6(__u32 uid, __u8 a[16])
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

static void put16(__u8 *p, __u16 v)
{
	memcpy(p, &v, sizeof(v));
}

/* An Ethernet frame of FRAME_LEN bytes, UDP 40000 -> 443, from @uid. */
static void make_frame(struct frame *f, const char *name, int v6, int qinq,
		       __u32 uid)
{
	__u8 *p = f->buf;
	struct udphdr uh = { 0 };
	int off = 12, iplen;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->want = XDP_PASS;
	p[0] = 0x02;
	p[6] = 0x02;
	p[11] = 1;
	if (qinq) {
		put16(p + off, htons(ETH_P_8021AD));
		put16(p + off + 2, htons(10));
		put16(p + off + 4, htons(ETH_P_8021Q));
		put16(p + off + 6, htons(20));
		off += 8;
	}
	put16(p + off, htons(v6 ? ETH_P_IPV6 : ETH_P_IP));
	off += 2;
	iplen = FRAME_LEN - off;
	/* Headers are built in aligned locals: frames are not aligned. */
	if (v6) {
		struct ipv6hdr ip6 = { .version = 6, .nexthdr = IPPROTO_UDP,
				       .hop_limit = 64 };

		ip6.payload_len = htons(iplen - sizeof(ip6));
		sub_addr6(uid, ip6.saddr.s6_addr);
		ip6.saddr.s6_addr[15] = 1;
		inet_pton(AF_INET6, "2606:4700::1111", &ip6.daddr);
		memcpy(p + off, &ip6, sizeof(ip6));
		off += sizeof(ip6);
	} else {
		struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64,
				    .protocol = IPPROTO_UDP };

		ip.tot_len = htons(iplen);
		sub_addr4(uid, (__u8 *)&ip.saddr);
		ip.daddr = htonl(0x01010101);
		memcpy(p + off, &ip, sizeof(ip));
		off += sizeof(ip);
	}
	uh.source = htons(40000);
	uh.dest = htons(443);
	memcpy(p + off, &uh, sizeof(uh));
}

/* Paints the direct table from the IPv4 /32s as the agent does. */
static int paint(struct tagih_meter *skel)
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
static int paint6(struct tagih_meter *skel)
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
static int populate(struct tagih_meter *skel)
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

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Runs @prog @repeat times on @f; *ns gets ns/packet.  Returns 0 or -errno. */
static int time_prog(struct bpf_program *prog, const struct frame *f,
		     __u32 repeat, __u32 want, double *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->buf,
		    .data_size_in = FRAME_LEN, .repeat = repeat);
	double t0;
	int err;

	t0 = now_ns();
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err;
	*ns = (now_ns() - t0) / repeat;
	if (opts.retval != want) {
		fprintf(stderr, "%s: %s returned %u, expected %u\n", f->name,
			bpf_program__name(prog), opts.retval, want);
		return -EINVAL;
	}
	return 0;
}

/*
 * A meter with 100k subscribers, v4_blocks blocks and the /64 hash on
 * (as the agent runs it) or off; NULL on error.
 */
static struct tagih_meter *meter_load(__u32 v4_blocks, int v6hash)
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
	if (!err && v4_blocks)
		err = paint(meter);
	if (!err && v6hash)
		err = paint6(meter);
	if (err) {
		fprintf(stderr, "filling maps: %s\n", strerror(-err));
		goto fail;
	}
	return meter;
fail:
	tagih_meter__destroy(meter);
	return NULL;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n REPEAT] [-r ROUNDS] [-c CPU]\n"
		"  -n, --repeat N   BPF_PROG_TEST_RUN repeat count (10000000)\n"
		"  -r, --rounds N   interleaved rounds, best kept (3)\n"
		"  -c, --cpu N      pin to this CPU (0; -1: do not pin)\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct tagih_empty *empty = NULL;
	struct tagih_meter *meter = NULL, *trie = NULL;
	struct frame frames[NFRAMES];
	double best_e[NFRAMES], best_m[NFRAMES], best_t[NFRAMES], t;
	__u32 repeat = 10000000, rounds = 3, r;
	int cpu = 0, opt, i, err;
	double ratio4 = 0;

	while ((opt = getopt_long(argc, argv, "n:r:c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			repeat = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		default:
			usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!repeat || !rounds) {
		usage(argv[0]);
		return 2;
	}
	libbpf_set_print(print_warn);

	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			fprintf(stderr, "cannot pin to CPU %d: %s\n", cpu,
				strerror(errno));
	}

	empty = tagih_empty__open_and_load();
	if (!empty) {
		err = -errno;
		fprintf(stderr, "loading tagih_empty: %s\n", strerror(-err));
		goto out;
	}
	/* As the agent runs it (defaults), and trie only. */
	meter = meter_load(TAGIH_DEF_V4_BLOCKS, 1);
	trie = meter ? meter_load(0, 0) : NULL;
	if (!trie) {
		err = -EINVAL;
		goto out;
	}

	make_frame(&frames[0], "ipv4", 0, 0, PROBE_UID);
	make_frame(&frames[1], "ipv6", 1, 0, PROBE_UID);
	make_frame(&frames[2], "qinq-ipv4", 0, 1, PROBE_UID);
	/* A suspended subscriber's HTTPS to elsewhere: garden miss, drop. */
	make_frame(&frames[3], "ipv4-isolir-drop", 0, 0, 5 * SUSPEND_EVERY);
	frames[3].want = XDP_DROP;
	/*
	 * From outside every prefix: the trie walk stops at the root, so
	 * this shows the cost of everything but the trie depth.
	 */
	make_frame(&frames[4], "ipv4-unknown", 0, 0, 0);
	frames[4].buf[26] = 192;

	for (i = 0; i < NFRAMES; i++)
		best_e[i] = best_m[i] = best_t[i] = 1e18;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NFRAMES; i++) {
			err = time_prog(empty->progs.tagih_empty, &frames[i],
					repeat, XDP_PASS, &t);
			if (err)
				goto out_run;
			if (t < best_e[i])
				best_e[i] = t;
			err = time_prog(meter->progs.tagih_lan, &frames[i],
					repeat, frames[i].want, &t);
			if (err)
				goto out_run;
			if (t < best_m[i])
				best_m[i] = t;
			err = time_prog(trie->progs.tagih_lan, &frames[i],
					repeat, frames[i].want, &t);
			if (err)
				goto out_run;
			if (t < best_t[i])
				best_t[i] = t;
		}
	}

	printf("BPF_PROG_TEST_RUN, %d-byte frames, repeat %u, best of %u, "
	       "%d IPv4 /32 + %d IPv6 /64 subscribers, %d suspended\n",
	       FRAME_LEN, repeat, rounds, NSUBS, NSUBS, NSUBS / SUSPEND_EVERY);
	printf("ns/packet; meter = as the agent runs it (IPv4 direct table, "
	       "%d blocks; IPv6 /64 hash, %d entries), trie = trie only "
	       "(v4_blocks = 0, v6_hash_entries = 0)\n",
	       TAGIH_DEF_V4_BLOCKS, TAGIH_DEF_V6_HASH);
	printf("%-18s %8s %8s %8s %8s %8s\n", "frame", "empty", "meter",
	       "trie", "meter/e", "trie/e");
	for (i = 0; i < NFRAMES; i++)
		printf("%-18s %8.1f %8.1f %8.1f %8.2f %8.2f\n", frames[i].name,
		       best_e[i], best_m[i], best_t[i], best_m[i] / best_e[i],
		       best_t[i] / best_e[i]);
	ratio4 = best_m[0] / best_e[0];
	printf("ratio %.2f\n", ratio4);
	err = 0;
	goto out;
out_run:
	fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", strerror(-err));
out:
	tagih_meter__destroy(trie);
	tagih_meter__destroy(meter);
	tagih_empty__destroy(empty);
	return err ? 1 : 0;
}
