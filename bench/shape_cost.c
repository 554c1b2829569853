// SPDX-License-Identifier: GPL-2.0
/* shape_cost.c - ns/packet of the shaper's tc programs (EDT departure time, HTB class choice) against an empty tc program and the tc meter (BPF_PROG_TEST_RUN). */

/*
 * The meter is loaded with 100k subscribers as bench/meter_cost loads it
 * (bench/meterfix.h: IPv4 direct table and IPv6 /64 hash painted), and the
 * shaper against its maps, as the agent does; 10 000 of the subscribers
 * (uids 1..10000) get a rate.  Each program runs a large repeat count on
 * a 1514-byte TCP data frame (IPv4 and IPv6) and on a pure ACK to a
 * shaped subscriber; programs are interleaved and the best of --rounds is
 * kept (test-run figures swing +-20%).  The EDT rate is 100 Gbit/s and its
 * horizon 10 s, so no repeat reaches the horizon: every run takes the
 * common path under load (a departure time set).  This is the BPF side
 * only: what fq (EDT) or HTB then cost per packet is measured end to end
 * by bench/shape_bench.sh.
 */
/* meterfix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "bench/meterfix.h"

#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>

#include "bpf/tagih_empty.skel.h"
#include "bpf/tagih_shape.skel.h"

#define SHAPED		10000
#define PROBE_UID	4321	/* shaped, active */
#define FRAME		1514

enum { P_EMPTY, P_METER, P_EDT, P_HTB, NPROGS };
static const char *const pname[NPROGS] = { "empty tc", "meter (lan_down)",
					   "edt (shape_down)", "htb (htb_down)" };

struct frame {
	const char *name;
	__u8 buf[FRAME];
	__u32 len;
};

/* A TCP frame to the probe subscriber: data (payload fills FRAME) or a pure ACK. */
static void make(struct frame *f, int v6, int ack)
{
	__u8 *l4;
	struct tcphdr th = { .source = htons(443), .dest = htons(40000),
			     .doff = 5, .ack = 1 };
	int l3;

	memset(f->buf, 0, sizeof(f->buf));
	f->buf[0] = 2;
	f->buf[6] = 2;
	f->buf[11] = 1;
	put16(f->buf + 12, htons(v6 ? ETH_P_IPV6 : ETH_P_IP));
	f->len = ack ? ETH_HLEN + (v6 ? 40 : 20) + 20 : FRAME;
	l3 = f->len - ETH_HLEN;
	if (v6) {
		struct ipv6hdr ip6 = { .version = 6, .nexthdr = IPPROTO_TCP,
				       .hop_limit = 64 };

		ip6.payload_len = htons(l3 - 40);
		inet_pton(AF_INET6, "2001:db8:ff::1", &ip6.saddr);
		sub_addr6(PROBE_UID, (__u8 *)&ip6.daddr);
		memcpy(f->buf + ETH_HLEN, &ip6, sizeof(ip6));
		l4 = f->buf + ETH_HLEN + 40;
	} else {
		struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64,
				    .protocol = IPPROTO_TCP };
		__u8 a[4];

		ip.tot_len = htons(l3);
		inet_pton(AF_INET, "192.0.2.1", &ip.saddr);
		sub_addr4(PROBE_UID, a);
		memcpy(&ip.daddr, a, 4);
		memcpy(f->buf + ETH_HLEN, &ip, sizeof(ip));
		l4 = f->buf + ETH_HLEN + 20;
	}
	memcpy(l4, &th, sizeof(th));
	f->name = ack ? (v6 ? "ipv6 ack" : "ipv4 ack") :
			(v6 ? "ipv6 1514" : "ipv4 1514");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "repeat", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct tagih_rate rate = { .down_Bps = 12500000000ULL,
				   .up_Bps = 12500000000ULL };
	__u32 repeat = 2000000, rounds = 3, r, uid;
	struct frame fr[4];
	struct tagih_meter *meter;
	struct tagih_empty *empty;
	struct tagih_shape *sh;
	struct bpf_program *progs[NPROGS];
	double best[4][NPROGS], ns;
	struct bpf_map *map;
	int c, i, j, err;

	while ((c = getopt_long(argc, argv, "n:r:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			repeat = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		default:
			printf("usage: shape_cost [--repeat N (2000000)] "
			       "[--rounds N (3)]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (!repeat || !rounds)
		return 2;
	libbpf_set_print(print_warn);
	meter = meter_load(64, 1, 1);
	empty = tagih_empty__open_and_load();
	sh = tagih_shape__open();
	if (!meter || !empty || !sh) {
		fprintf(stderr, "cannot load the programs (root?)\n");
		return 77;
	}
	bpf_object__for_each_map(map, sh->obj)
		bpf_map__set_pin_path(map, NULL);
#define REUSE(e, n) bpf_map__reuse_fd(sh->maps.n, bpf_map__fd(meter->maps.n));
	TAGIH_PINNED_MAPS(REUSE)
#undef REUSE
	bpf_program__set_autoload(sh->progs.tagih_lan, false);
	bpf_program__set_autoload(sh->progs.tagih_wan, false);
	bpf_program__set_autoload(sh->progs.tagih_lan_tc, false);
	bpf_program__set_autoload(sh->progs.tagih_wan_tc, false);
	bpf_program__set_autoload(sh->progs.tagih_lan_down, false);
	bpf_map__set_max_entries(sh->maps.tagih_rate, NSUBS + 1);
	bpf_map__set_max_entries(sh->maps.tagih_edt, NSUBS + 1);
	sh->rodata->shape_horizon_ns = TAGIH_SHAPE_HORIZON_MAX;
	err = tagih_shape__load(sh);
	if (err) {
		fprintf(stderr, "loading the shaper: %s\n", strerror(-err));
		return 1;
	}
	for (uid = 1; uid <= SHAPED; uid++) {
		err = bpf_map__update_elem(sh->maps.tagih_rate, &uid,
					   sizeof(uid), &rate, sizeof(rate), 0);
		if (err)
			return 1;
	}
	progs[P_EMPTY] = empty->progs.tagih_empty_tc;
	progs[P_METER] = meter->progs.tagih_lan_down;
	progs[P_EDT] = sh->progs.tagih_shape_down;
	progs[P_HTB] = sh->progs.tagih_htb_down;
	make(&fr[0], 0, 0);
	make(&fr[1], 1, 0);
	make(&fr[2], 0, 1);
	make(&fr[3], 1, 1);
	for (i = 0; i < 4; i++)
		for (j = 0; j < NPROGS; j++)
			best[i][j] = 1e18;
	for (r = 0; r < rounds; r++)
		for (i = 0; i < 4; i++)
			for (j = 0; j < NPROGS; j++) {
				err = time_prog(progs[j], fr[i].buf, fr[i].len,
						fr[i].name, repeat,
						TC_ACT_UNSPEC, &ns);
				if (err)
					return 1;
				if (ns < best[i][j])
					best[i][j] = ns;
			}
	printf("tc programs, ns/packet (BPF_PROG_TEST_RUN, repeat %u, best of "
	       "%u); %d subscribers known, %d shaped\n\n", repeat, rounds,
	       NSUBS, SHAPED);
	printf("| %-10s |", "frame");
	for (j = 0; j < NPROGS; j++)
		printf(" %-16s |", pname[j]);
	printf("\n| ---------- |");
	for (j = 0; j < NPROGS; j++)
		printf(" ---------------- |");
	printf("\n");
	for (i = 0; i < 4; i++) {
		printf("| %-10s |", fr[i].name);
		for (j = 0; j < NPROGS; j++)
			printf(" %16.1f |", best[i][j]);
		printf("\n");
	}
	tagih_shape__destroy(sh);
	tagih_empty__destroy(empty);
	tagih_meter__destroy(meter);
	return 0;
}
