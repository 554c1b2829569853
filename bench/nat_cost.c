// SPDX-License-Identifier: GPL-2.0
/* nat_cost.c - downloads behind the gateway's own NAT: ns/packet of metering them in XDP with a conntrack lookup (bpf_xdp_ct_lookup) vs on the lan egress in tc (tagih_lan_down). */

/*
 * With masquerade on the gateway, the WAN side sees downloads addressed to
 * the public address.  Two ways to bill them to the subscriber:
 *
 *   ct   XDP on the WAN side asks conntrack for the original tuple of the
 *        reply (tagih_wan_ct, bpf/tagih_ctbench.bpf.c: the meter plus one
 *        bpf_xdp_ct_lookup and bpf_ct_release);
 *   tc   meter after de-NAT, on the lan interface's egress (tagih_lan_down).
 *
 * In a network namespace of its own (so its conntrack table is private and
 * goes away with the process), the benchmark loads the meter with 100k
 * subscribers as the agent paints it (bench/meterfix.h), inserts
 * --entries conntrack entries for them (TCP, source-NATed to 198.18.0.1,
 * one port each, spread over several servers) with bpf_ct_insert_entry,
 * checks that both ways bill the probe subscriber, then times with
 * BPF_PROG_TEST_RUN, interleaved, best of --rounds:
 *
 *   xdp-empty       XDP_PASS only
 *   xdp-meter       tagih_wan on the de-NATed frame (what XDP costs when
 *                   the gateway does no NAT: the reference)
 *   xdp-meter+ct    tagih_wan_ct on the reply to the public address
 *   tc-empty        TC_ACT_UNSPEC only
 *   tc-lan_down     tagih_lan_down on the de-NATed frame
 *
 * and ends with two lines scripts read: "ct-added NS" (xdp-meter+ct minus
 * xdp-meter) and "tc-added NS" (tc-lan_down minus tc-empty): what each way
 * adds to its hook.  Needs root and a kernel with the conntrack kfuncs
 * (5.19+, CONFIG_NF_CONNTRACK, BTF); exits 77 when they are missing.
 */
/* meterfix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "bench/meterfix.h"

#include <getopt.h>
#include <sched.h>

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>

#include "bpf/tagih_ctbench.skel.h"
#include "bpf/tagih_empty.skel.h"

#define FRAME_LEN	64
#define PROBE_UID	12345
#define PROBE_PORT	40000
#define NAT_ADDR	0xc6120001	/* 198.18.0.1 */
#define SERVER		0x01010101	/* 1.1.1.1: the probe's server */
#define PORTS		60000		/* NAT ports per bulk server */

enum { T_XDP_EMPTY, T_XDP_METER, T_XDP_CT, T_TC_EMPTY, T_TC_LAN_DOWN, NT };

static const char *const tnames[NT] = {
	"xdp-empty", "xdp-meter", "xdp-meter+ct", "tc-empty", "tc-lan_down",
};

/* A 64-byte TCP frame saddr:sport -> daddr:dport (host order). */
static void tcp_frame(__u8 *buf, __u32 saddr, __u16 sport, __u32 daddr,
		      __u16 dport)
{
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64,
			    .protocol = IPPROTO_TCP };
	struct tcphdr th = { .doff = 5, .ack = 1 };

	memset(buf, 0, FRAME_LEN);
	buf[0] = 2;
	buf[6] = 2;
	buf[11] = 1;
	put16(buf + 12, htons(ETH_P_IP));
	ip.tot_len = htons(FRAME_LEN - ETH_HLEN);
	ip.saddr = htonl(saddr);
	ip.daddr = htonl(daddr);
	th.source = htons(sport);
	th.dest = htons(dport);
	/* Headers are built in aligned locals: frames are not aligned. */
	memcpy(buf + ETH_HLEN, &ip, sizeof(ip));
	memcpy(buf + ETH_HLEN + sizeof(ip), &th, sizeof(th));
}

/* Inserts one NATed entry subscriber:port -> server:443; 0 or -errno. */
static int ct_insert(struct tagih_ctbench *ct, __u32 sub, __u16 port,
		     __u32 server)
{
	__u8 buf[FRAME_LEN];
	int err;

	tcp_frame(buf, sub, port, server, 443);
	err = time_prog(ct->progs.tagih_ct_fill, buf, FRAME_LEN, "fill", 1,
			XDP_PASS, &(double){ 0 });
	return err ? err : ct->bss->fill_err;
}

/* The meter's maps, reused by the benchmark object; 0 or -errno. */
static int share_maps(struct tagih_ctbench *ct, struct tagih_meter *meter)
{
	struct bpf_map *map, *m;
	int err;

	bpf_object__for_each_map(map, ct->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err)
			return err;
		m = bpf_object__find_map_by_name(meter->obj,
						 bpf_map__name(map));
		if (!m)
			continue;	/* .bss */
		err = bpf_map__reuse_fd(map, bpf_map__fd(m));
		if (err)
			return err;
	}
	return 0;
}

/* Down packets billed to uid so far (all CPUs). */
static __u64 down_pkts(struct tagih_meter *meter, __u32 uid)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct tagih_cnt *v = calloc(ncpu, sizeof(*v));
	__u64 n = 0;

	if (v && !bpf_map__lookup_elem(meter->maps.tagih_cnt, &uid,
				       sizeof(uid), v, ncpu * sizeof(*v), 0))
		for (i = 0; i < ncpu; i++)
			n += v[i].down_pkts;
	free(v);
	return n;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n REPEAT] [-r ROUNDS] [-c CPU] [-e ENTRIES]\n"
		"  -n, --repeat N    BPF_PROG_TEST_RUN repeat count (10000000)\n"
		"  -r, --rounds N    interleaved rounds, best kept (3)\n"
		"  -c, --cpu N       pin to this CPU (0; -1: do not pin)\n"
		"  -e, --entries N   conntrack entries to insert (100000)\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "entries", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	__u32 repeat = 10000000, rounds = 3, entries = 100000, r, i;
	struct tagih_meter *meter = NULL;
	struct tagih_ctbench *ct = NULL;
	struct tagih_empty *empty = NULL;
	__u8 reply[FRAME_LEN], denat[FRAME_LEN];
	struct bpf_program *prog[NT];
	double best[NT], t;
	__u32 want[NT];
	__u64 before;
	int cpu = 0, opt, j, err;

	while ((opt = getopt_long(argc, argv, "n:r:c:e:h", opts, NULL)) != -1) {
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
		case 'e':
			entries = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!repeat || !rounds || entries > 16 * PORTS) {
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
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		fprintf(stderr, "unshare(CLONE_NEWNET): %s\n", strerror(-err));
		return err == -EPERM ? 77 : 1;
	}

	empty = tagih_empty__open_and_load();
	meter = empty ? meter_load(TAGIH_DEF_V4_BLOCKS, 1, 1) : NULL;
	if (!meter) {
		err = -EINVAL;
		goto out;
	}
	ct = tagih_ctbench__open();
	err = ct ? share_maps(ct, meter) : -errno;
	if (!err) {
		ct->bss->fill_nat_addr = htonl(NAT_ADDR);
		err = tagih_ctbench__load(ct);
	}
	if (err) {
		fprintf(stderr, "SKIP: loading tagih_ctbench (conntrack kfuncs): "
			"%s\n", strerror(-err));
		err = 77;
		goto out_rc;
	}

	err = ct_insert(ct, 0x0a000000 + PROBE_UID, PROBE_PORT, SERVER);
	for (i = 0; !err && i < entries; i++)
		err = ct_insert(ct, 0x0a000000 + 1 + i % NSUBS,
				1024 + i % PORTS,
				0x08080001 + ((i / PORTS) << 8));
	if (err) {
		fprintf(stderr, "conntrack entry %u: %s\n", i, strerror(-err));
		goto out;
	}

	tcp_frame(reply, SERVER, 443, NAT_ADDR, PROBE_PORT);
	tcp_frame(denat, SERVER, 443, 0x0a000000 + PROBE_UID, PROBE_PORT);
	/* Both ways must bill the probe; plain XDP must not (unknown). */
	before = down_pkts(meter, PROBE_UID);
	err = time_prog(ct->progs.tagih_wan_ct, reply, FRAME_LEN, "check", 1,
			XDP_PASS, &t);
	if (!err)
		err = time_prog(meter->progs.tagih_lan_down, denat, FRAME_LEN,
				"check", 1, (__u32)TC_ACT_UNSPEC, &t);
	if (!err)
		err = time_prog(meter->progs.tagih_wan, reply, FRAME_LEN,
				"check", 1, XDP_PASS, &t);
	if (!err && down_pkts(meter, PROBE_UID) != before + 2) {
		fprintf(stderr, "check: the probe got %llu down packets, "
			"expected 2\n",
			(unsigned long long)(down_pkts(meter, PROBE_UID) -
					     before));
		err = -EINVAL;
	}
	if (err)
		goto out;

	prog[T_XDP_EMPTY] = empty->progs.tagih_empty;
	prog[T_XDP_METER] = meter->progs.tagih_wan;
	prog[T_XDP_CT] = ct->progs.tagih_wan_ct;
	prog[T_TC_EMPTY] = empty->progs.tagih_empty_tc;
	prog[T_TC_LAN_DOWN] = meter->progs.tagih_lan_down;
	for (j = 0; j < NT; j++) {
		best[j] = 1e18;
		want[j] = j < T_TC_EMPTY ? XDP_PASS : (__u32)TC_ACT_UNSPEC;
	}
	for (r = 0; r < rounds; r++) {
		for (j = 0; j < NT; j++) {
			err = time_prog(prog[j], j == T_XDP_CT ? reply : denat,
					FRAME_LEN, tnames[j], repeat, want[j],
					&t);
			if (err)
				goto out;
			if (t < best[j])
				best[j] = t;
		}
	}

	printf("BPF_PROG_TEST_RUN, %d-byte TCP frames, repeat %u, best of %u; "
	       "%d subscribers, %u conntrack entries (NAT to 198.18.0.1)\n",
	       FRAME_LEN, repeat, rounds, NSUBS, entries + 1);
	printf("%-14s %8s %8s\n", "program", "ns", "added");
	for (j = 0; j < NT; j++)
		printf("%-14s %8.1f %8.1f\n", tnames[j], best[j],
		       best[j] - best[j < T_TC_EMPTY ? T_XDP_EMPTY :
						      T_TC_EMPTY]);
	printf("ct-added %.1f\n", best[T_XDP_CT] - best[T_XDP_METER]);
	printf("tc-added %.1f\n", best[T_TC_LAN_DOWN] - best[T_TC_EMPTY]);
	err = 0;
out:
	if (err)
		fprintf(stderr, "nat_cost: %s\n", strerror(-err));
	err = err ? 1 : 0;
out_rc:
	tagih_ctbench__destroy(ct);
	tagih_meter__destroy(meter);
	tagih_empty__destroy(empty);
	return err;
}
