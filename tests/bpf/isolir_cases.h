/* SPDX-License-Identifier: GPL-2.0 */
/* isolir_cases.h - the walled-garden cases (IPv4, IPv6) every meter program must pass, shared by the BPF_PROG_TEST_RUN suites. */
#ifndef TAGIH_ISOLIR_CASES_H
#define TAGIH_ISOLIR_CASES_H

#include "tests/bpf/bpffix.h"

/* One case: direction, packet, expected action. */
struct icase {
	int dir;
	struct pkt p;
	__u32 act;
};

/* ICMPv6 router/neighbour discovery: passed, never billed. */
static inline int pkt_is_nd(const struct pkt *p)
{
	return p->proto == IPPROTO_ICMPV6 && p->sport >= 133 && p->sport <= 137;
}

/*
 * Runs every case with no tag, one 802.1Q tag and QinQ, plain or (@pppoe)
 * inside a PPPoE session; checks the counters of @uid: passes are billed,
 * drops only in drop_*, neighbour discovery in not metered (frame length).
 */
static inline void run_cases(__u32 uid, const struct icase *cs, int n,
			     int pppoe)
{
	static const __u16 tags[3][2] = { { 0, 0 },
					   { ETH_P_8021Q, 0 },
					   { ETH_P_8021AD, ETH_P_8021Q } };
	__u64 ub = 0, up = 0, db = 0, dp = 0, dub = 0, dup = 0, ddb = 0,
	      ddp = 0, nm_b = 0, nm_p = 0;
	int t, i;

	for (t = 0; t < 3; t++) {
		for (i = 0; i < n; i++) {
			struct pkt p = cs[i].p;
			__u32 len;

			p.ntags = t;
			p.tpid[0] = tags[t][0];
			p.tpid[1] = tags[t][1];
			p.pppoe = pppoe;
			len = send_pkt(cs[i].dir, &p, cs[i].act);
			if (pkt_is_nd(&p)) {
				ck_assert_uint_eq(cs[i].act, XDP_PASS);
				nm_b += pkt_l2len(&p) + len;
				nm_p++;
			} else if (cs[i].dir == UP && cs[i].act == XDP_PASS) {
				ub += len;
				up++;
			} else if (cs[i].dir == UP) {
				dub += len;
				dup++;
			} else if (cs[i].act == XDP_PASS) {
				db += len;
				dp++;
			} else {
				ddb += len;
				ddp++;
			}
		}
	}
	ck_assert_uint_gt(up + dp, 0);
	assert_cnt(uid, ub, up, db, dp, dub, dup, ddb, ddp);
	assert_gstats(0, 0, 0, 0, nm_b, nm_p, 0, 0);
}

#define UDP IPPROTO_UDP
#define TCP IPPROTO_TCP
#define ICMP IPPROTO_ICMP
#define ICMP6 IPPROTO_ICMPV6

static inline void garden_setup(void)
{
	add_garden("192.0.2.53", 32, 53);	/* resolver */
	add_garden("203.0.113.0", 24, 0);	/* portal, any port */
	add_garden("198.51.100.10", 32, 443);	/* payment gateway */
	add_garden("2001:db8:53::53", 128, 53);
	add_garden("2001:db8:80::", 48, 0);
	add_garden("2001:db8:443::1", 128, 443);
}

static const struct icase isolir4[] = {
	/* DNS to the resolver, UDP and TCP */
	{ UP, { .src = "10.0.0.5", .dst = "192.0.2.53", .proto = UDP,
		.sport = 33000, .dport = 53, .paylen = 30 }, XDP_PASS },
	{ UP, { .src = "10.0.0.5", .dst = "192.0.2.53", .proto = TCP,
		.sport = 33001, .dport = 53, .paylen = 32 }, XDP_PASS },
	/* DNS elsewhere, and other ports to the resolver */
	{ UP, { .src = "10.0.0.5", .dst = "8.8.8.8", .proto = UDP,
		.sport = 33002, .dport = 53, .paylen = 30 }, XDP_DROP },
	{ UP, { .src = "10.0.0.5", .dst = "192.0.2.53", .proto = TCP,
		.sport = 33003, .dport = 80 }, XDP_DROP },
	{ UP, { .src = "10.0.0.5", .dst = "192.0.2.53", .proto = ICMP,
		.sport = 8 }, XDP_DROP },
	/* the portal prefix, any port and any protocol */
	{ UP, { .src = "10.0.0.5", .dst = "203.0.113.9", .proto = TCP,
		.sport = 40000, .dport = 443, .paylen = 200 }, XDP_PASS },
	{ UP, { .src = "10.0.0.5", .dst = "203.0.113.200", .proto = TCP,
		.sport = 40001, .dport = 80 }, XDP_PASS },
	{ UP, { .src = "10.0.0.5", .dst = "203.0.113.9", .proto = ICMP,
		.sport = 8, .paylen = 56 }, XDP_PASS },
	/* HTTPS elsewhere */
	{ UP, { .src = "10.0.0.5", .dst = "1.1.1.1", .proto = TCP,
		.sport = 40002, .dport = 443, .paylen = 500 }, XDP_DROP },
	{ UP, { .src = "10.0.0.5", .dst = "203.0.114.9", .proto = TCP,
		.sport = 40002, .dport = 443 }, XDP_DROP },
	/* payment gateway: 443 only */
	{ UP, { .src = "10.0.0.5", .dst = "198.51.100.10", .proto = TCP,
		.sport = 40003, .dport = 443 }, XDP_PASS },
	{ UP, { .src = "10.0.0.5", .dst = "198.51.100.10", .proto = TCP,
		.sport = 40004, .dport = 80 }, XDP_DROP },
	/* DHCP, and a UDP 68->67 look-alike the other way */
	{ UP, { .src = "10.0.0.5", .dst = "255.255.255.255", .proto = UDP,
		.sport = 68, .dport = 67, .paylen = 300 }, XDP_PASS },
	{ UP, { .src = "10.0.0.5", .dst = "1.1.1.1", .proto = UDP,
		.sport = 67, .dport = 68 }, XDP_DROP },
	{ UP, { .src = "10.0.0.5", .dst = "1.1.1.1", .proto = TCP,
		.sport = 68, .dport = 67 }, XDP_DROP },
	/* non-first fragments: only port-0 entries */
	{ UP, { .src = "10.0.0.5", .dst = "192.0.2.53", .proto = UDP,
		.frag = 1, .paylen = 100 }, XDP_DROP },
	{ UP, { .src = "10.0.0.5", .dst = "203.0.113.9", .proto = UDP,
		.frag = 1, .paylen = 100 }, XDP_PASS },
	/* WAN: replies from the garden */
	{ DOWN, { .src = "192.0.2.53", .dst = "10.0.0.5", .proto = UDP,
		  .sport = 53, .dport = 33000, .paylen = 90 }, XDP_PASS },
	{ DOWN, { .src = "192.0.2.53", .dst = "10.0.0.5", .proto = TCP,
		  .sport = 53, .dport = 33001, .paylen = 90 }, XDP_PASS },
	{ DOWN, { .src = "8.8.8.8", .dst = "10.0.0.5", .proto = UDP,
		  .sport = 53, .dport = 33002, .paylen = 90 }, XDP_DROP },
	{ DOWN, { .src = "192.0.2.53", .dst = "10.0.0.5", .proto = UDP,
		  .sport = 5353, .dport = 53 }, XDP_DROP },
	{ DOWN, { .src = "203.0.113.9", .dst = "10.0.0.5", .proto = TCP,
		  .sport = 443, .dport = 40000, .paylen = 1400 }, XDP_PASS },
	{ DOWN, { .src = "198.51.100.10", .dst = "10.0.0.5", .proto = TCP,
		  .sport = 443, .dport = 40003, .paylen = 1400 }, XDP_PASS },
	{ DOWN, { .src = "198.51.100.10", .dst = "10.0.0.5", .proto = TCP,
		  .sport = 80, .dport = 40004 }, XDP_DROP },
	{ DOWN, { .src = "1.1.1.1", .dst = "10.0.0.5", .proto = TCP,
		  .sport = 443, .dport = 40002, .paylen = 1400 }, XDP_DROP },
	{ DOWN, { .src = "10.0.0.1", .dst = "10.0.0.5", .proto = UDP,
		  .sport = 67, .dport = 68, .paylen = 300 }, XDP_PASS },
	{ DOWN, { .src = "1.1.1.1", .dst = "10.0.0.5", .proto = ICMP,
		  .sport = 0 }, XDP_DROP },
};

static const struct icase isolir6[] = {
	{ UP, { .src = "2001:db8::5", .dst = "2001:db8:53::53", .proto = UDP,
		.sport = 33000, .dport = 53, .paylen = 30 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "2001:db8:53::53", .proto = TCP,
		.sport = 33001, .dport = 53, .paylen = 30 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "2001:4860:4860::8888",
		.proto = UDP, .sport = 33002, .dport = 53, .paylen = 30 },
	  XDP_DROP },
	{ UP, { .src = "2001:db8::5", .dst = "2001:db8:80:1::1", .proto = TCP,
		.sport = 40000, .dport = 443, .paylen = 200 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "2001:db8:81::1", .proto = TCP,
		.sport = 40000, .dport = 443, .paylen = 200 }, XDP_DROP },
	{ UP, { .src = "2001:db8::5", .dst = "2606:4700::1111", .proto = TCP,
		.sport = 40001, .dport = 443, .paylen = 200 }, XDP_DROP },
	{ UP, { .src = "2001:db8::5", .dst = "2001:db8:443::1", .proto = TCP,
		.sport = 40002, .dport = 443 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "2001:db8:443::1", .proto = TCP,
		.sport = 40002, .dport = 8443 }, XDP_DROP },
	/* neighbour discovery passes, echo does not */
	{ UP, { .src = "fe80::1", .dst = "ff02::2", .proto = ICMP6,
		.sport = 133 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "ff02::1:ff00:1", .proto = ICMP6,
		.sport = 135, .paylen = 24 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "fe80::1", .proto = ICMP6,
		.sport = 136, .paylen = 24 }, XDP_PASS },
	{ UP, { .src = "2001:db8::5", .dst = "2606:4700::1111",
		.proto = ICMP6, .sport = 128, .paylen = 56 }, XDP_DROP },
	{ UP, { .src = "2001:db8::5", .dst = "2606:4700::1111",
		.proto = ICMP6, .sport = 138 }, XDP_DROP },
	/* DHCPv6 is not DHCP: 546/547 are not let through by 68/67 */
	{ UP, { .src = "2001:db8::5", .dst = "ff02::1:2", .proto = UDP,
		.sport = 546, .dport = 547 }, XDP_DROP },
	{ DOWN, { .src = "2001:db8:53::53", .dst = "2001:db8::5", .proto = UDP,
		  .sport = 53, .dport = 33000, .paylen = 120 }, XDP_PASS },
	{ DOWN, { .src = "2001:4860:4860::8888", .dst = "2001:db8::5",
		  .proto = UDP, .sport = 53, .dport = 33002, .paylen = 120 },
	  XDP_DROP },
	{ DOWN, { .src = "2001:db8:80:1::1", .dst = "2001:db8::5",
		  .proto = TCP, .sport = 443, .dport = 40000, .paylen = 1000 },
	  XDP_PASS },
	{ DOWN, { .src = "2606:4700::1111", .dst = "2001:db8::5",
		  .proto = TCP, .sport = 443, .dport = 40001, .paylen = 1000 },
	  XDP_DROP },
	{ DOWN, { .src = "fe80::1", .dst = "2001:db8::5", .proto = ICMP6,
		  .sport = 134, .paylen = 48 }, XDP_PASS },
	{ DOWN, { .src = "fe80::1", .dst = "2001:db8::5", .proto = ICMP6,
		  .sport = 129, .paylen = 48 }, XDP_DROP },
};

#endif
