// SPDX-License-Identifier: GPL-2.0
/* meter_cost.c - ns/packet of the XDP meter against an empty XDP program and the cheapest possible meter (BPF_PROG_TEST_RUN). */

/*
 * Loads tagih_empty (XDP_PASS only), tagih_floor (the meter's parser and
 * one per-CPU array add at an index taken from the address: the cheapest
 * possible meter) and tagih_meter three times with 100k subscribers (100k
 * IPv4 /32 in 10.0.0.0/15 and 100k IPv6 /64, every 100th one suspended, a
 * small walled garden): "meter", the IPv4 direct table painted by
 * agent/maps/dir16.c (two /16s, two blocks), the IPv6 /64 hash by
 * agent/maps/v6hash.c (100k /64s, default v6_hash_entries) and the IPv6
 * /64 direct-mapped table (tagih_v6dm) painted here, as the agent will;
 * "hash", the same without tagih_v6dm, as the agent runs it today; and
 * "trie", trie only (v4_blocks = 0, v6_hash_entries = 0), for reference.
 * Then it times
 * BPF_PROG_TEST_RUN with a large repeat count on 64-byte frames (70 for
 * IPv6 in PPPoE, 70 for IPv6 behind QinQ).  The five programs are
 * interleaved and the best of --rounds is kept, because test-run figures
 * swing by +-20% between runs.  Nothing is pinned: the real maps under
 * /sys/fs/bpf/tagih are untouched.
 *
 * After the table come the goals, as lines scripts read:
 *   "floor-ratio FRAME R"  meter/floor (goal <= 1.25 for ipv4, ipv6,
 *                          qinq-ipv4 and the PPPoE frames),
 *   "pppoe-ratio FRAME R"  meter of a PPPoE frame / meter of the QinQ
 *                          frame of its IP version (goal <= 1.10),
 * and the last line is "ratio <meter/empty>" for the IPv4 frame, meter
 * being the one with the direct table.
 */
/* meterfix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "bench/meterfix.h"

#include <getopt.h>
#include <sched.h>

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ppp_defs.h>
#include <linux/udp.h>

#include "bpf/tagih_empty.skel.h"
#include "bpf/tagih_floor.skel.h"

#define FRAME_LEN	64	/* unless the headers need more */
#define FRAME_MAX	128
#define PROBE_UID	12345	/* active: not a multiple of SUSPEND_EVERY */
#define NFRAMES		10
#define FLOOR_GOAL	1.25	/* meter/floor */
#define PPPOE_GOAL	1.10	/* PPPoE frame / QinQ frame, meter */

/* The programs timed, side by side. */
enum { P_EMPTY, P_FLOOR, P_METER, P_HASH, P_TRIE, NPROGS };

struct frame {
	const char *name;
	__u8 buf[FRAME_MAX];
	__u32 len;
	__u32 want;		/* expected XDP action from the meter */
	int goal;		/* meter/floor goal applies */
	int pppoe;
};

/*
 * An Ethernet frame, UDP 40000 -> 443, from @uid, behind @ntags VLAN tags
 * (802.1ad then 802.1Q) and, with @pppoe, inside a PPPoE session; the IP
 * packet fills FRAME_LEN bytes, or just holds the UDP header when the
 * encapsulation needs more.
 */
static void make_frame(struct frame *f, const char *name, int v6, int ntags,
		       int pppoe, __u32 uid)
{
	static const __u16 tpid[2] = { ETH_P_8021AD, ETH_P_8021Q };
	__u8 *p = f->buf;
	struct udphdr uh = { 0 };
	int off = 12, iplen, i, hdrs;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->want = XDP_PASS;
	f->pppoe = pppoe;
	p[0] = 0x02;
	p[6] = 0x02;
	p[11] = 1;
	for (i = 0; i < ntags; i++) {
		put16(p + off, htons(tpid[i]));
		put16(p + off + 2, htons(10 * (i + 1)));
		off += 4;
	}
	hdrs = off + 2 + (pppoe ? 8 : 0) +
	       (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
	       sizeof(uh);
	f->len = hdrs > FRAME_LEN ? hdrs : FRAME_LEN;
	iplen = f->len - (off + 2 + (pppoe ? 8 : 0));
	if (pppoe) {
		put16(p + off, htons(ETH_P_PPP_SES));
		p[off + 2] = 0x11;
		put16(p + off + 4, htons(0x2a17));
		put16(p + off + 6, htons(iplen + 2));
		put16(p + off + 8, htons(v6 ? PPP_IPV6 : PPP_IP));
		off += 10;
	} else {
		put16(p + off, htons(v6 ? ETH_P_IPV6 : ETH_P_IP));
		off += 2;
	}
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
	struct tagih_floor *floor = NULL;
	struct tagih_meter *meter = NULL, *hash = NULL, *trie = NULL;
	struct frame frames[NFRAMES];
	struct bpf_program *progs[NPROGS];
	double best[NPROGS][NFRAMES], t;
	__u32 repeat = 10000000, rounds = 3, r;
	int cpu = 0, opt, i, j, err;
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
	floor = empty ? tagih_floor__open_and_load() : NULL;
	if (!floor) {
		err = -errno;
		fprintf(stderr, "loading tagih_empty/tagih_floor: %s\n",
			strerror(-err));
		goto out;
	}
	/*
	 * With the IPv6 /64 table painted (as the agent will run it), as the
	 * agent runs it today (IPv6 from the /64 hash), and trie only.
	 */
	meter = meter_load(TAGIH_DEF_V4_BLOCKS, 1, 1);
	hash = meter ? meter_load(TAGIH_DEF_V4_BLOCKS, 1, 0) : NULL;
	trie = hash ? meter_load(0, 0, 0) : NULL;
	if (!trie) {
		err = -EINVAL;
		goto out;
	}
	progs[P_EMPTY] = empty->progs.tagih_empty;
	progs[P_FLOOR] = floor->progs.tagih_floor;
	progs[P_METER] = meter->progs.tagih_lan;
	progs[P_HASH] = hash->progs.tagih_lan;
	progs[P_TRIE] = trie->progs.tagih_lan;

	make_frame(&frames[0], "ipv4", 0, 0, 0, PROBE_UID);
	make_frame(&frames[1], "ipv6", 1, 0, 0, PROBE_UID);
	make_frame(&frames[2], "qinq-ipv4", 0, 2, 0, PROBE_UID);
	make_frame(&frames[3], "pppoe-ipv4", 0, 0, 1, PROBE_UID);
	make_frame(&frames[4], "vlan-pppoe-ipv4", 0, 1, 1, PROBE_UID);
	make_frame(&frames[5], "qinq-pppoe-ipv4", 0, 2, 1, PROBE_UID);
	make_frame(&frames[6], "qinq-ipv6", 1, 2, 0, PROBE_UID);
	make_frame(&frames[7], "pppoe-ipv6", 1, 0, 1, PROBE_UID);
	for (i = 0; i < 8; i++)
		frames[i].goal = 1;
	/* A suspended subscriber's HTTPS to elsewhere: garden miss, drop. */
	make_frame(&frames[8], "ipv4-isolir-drop", 0, 0, 0,
		   5 * SUSPEND_EVERY);
	frames[8].want = XDP_DROP;
	/*
	 * From outside every prefix: the trie walk stops at the root, so
	 * this shows the cost of everything but the trie depth.
	 */
	make_frame(&frames[9], "ipv4-unknown", 0, 0, 0, 0);
	frames[9].buf[26] = 192;

	for (j = 0; j < NPROGS; j++)
		for (i = 0; i < NFRAMES; i++)
			best[j][i] = 1e18;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NFRAMES; i++) {
			for (j = 0; j < NPROGS; j++) {
				int meters = j >= P_METER;

				err = time_prog(progs[j], frames[i].buf,
						frames[i].len, frames[i].name,
						repeat,
						meters ? frames[i].want :
							 XDP_PASS, &t);
				if (err)
					goto out_run;
				if (t < best[j][i])
					best[j][i] = t;
			}
		}
	}

	printf("BPF_PROG_TEST_RUN, %d-byte frames (more where the headers "
	       "need it), repeat %u, best of %u, %d IPv4 /32 + %d IPv6 /64 "
	       "subscribers, %d suspended\n",
	       FRAME_LEN, repeat, rounds, NSUBS, NSUBS, NSUBS / SUSPEND_EVERY);
	printf("ns/packet; floor = the same parse + one per-CPU array add at "
	       "an index from the address; meter = IPv4 direct table (%d "
	       "blocks), IPv6 /64 table painted by this benchmark, then the "
	       "/64 hash (%d entries); hash = the same without the /64 table "
	       "(as the agent runs it today); trie = trie only (v4_blocks = 0, "
	       "v6_hash_entries = 0)\n",
	       TAGIH_DEF_V4_BLOCKS, TAGIH_DEF_V6_HASH);
	printf("%-16s %4s %6s %6s %6s %6s %6s %7s %7s %8s\n", "frame", "len",
	       "empty", "floor", "meter", "hash", "trie", "meter/e", "trie/e",
	       "meter/fl");
	for (i = 0; i < NFRAMES; i++)
		printf("%-16s %4u %6.1f %6.1f %6.1f %6.1f %6.1f %7.2f %7.2f "
		       "%8.2f\n",
		       frames[i].name, frames[i].len, best[P_EMPTY][i],
		       best[P_FLOOR][i], best[P_METER][i], best[P_HASH][i],
		       best[P_TRIE][i], best[P_METER][i] / best[P_EMPTY][i],
		       best[P_TRIE][i] / best[P_EMPTY][i],
		       best[P_METER][i] / best[P_FLOOR][i]);
	for (i = 0; i < NFRAMES; i++) {
		double fr = best[P_METER][i] / best[P_FLOOR][i];

		if (frames[i].goal)
			printf("floor-ratio %s %.2f%s\n", frames[i].name, fr,
			       fr <= FLOOR_GOAL ? "" : " (goal missed)");
	}
	for (i = 0; i < NFRAMES; i++) {
		/* against QinQ of the same IP version: frames[2] or [6] */
		int q = strstr(frames[i].name, "ipv6") ? 6 : 2;
		double pr = best[P_METER][i] / best[P_METER][q];

		if (frames[i].pppoe)
			printf("pppoe-ratio %s %.2f%s\n", frames[i].name, pr,
			       pr <= PPPOE_GOAL ? "" : " (goal missed)");
	}
	ratio4 = best[P_METER][0] / best[P_EMPTY][0];
	printf("ratio %.2f\n", ratio4);
	err = 0;
	goto out;
out_run:
	fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", strerror(-err));
out:
	tagih_meter__destroy(trie);
	tagih_meter__destroy(hash);
	tagih_meter__destroy(meter);
	tagih_floor__destroy(floor);
	tagih_empty__destroy(empty);
	return err ? 1 : 0;
}
