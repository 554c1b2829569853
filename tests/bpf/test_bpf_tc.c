// SPDX-License-Identifier: GPL-2.0
/* test_bpf_tc.c - BPF_PROG_TEST_RUN tests of the tc meter programs: GSO billing (skb length minus L2, gso_segs, BIG TCP), tc actions, and LAN-egress downloads after de-NAT. */

/*
 * The plain frames (metering, isolir, truncation, VLAN, ND) run through the
 * tc programs in test_bpf_meter.c and test_bpf_pppoe.c.  Here: what only
 * an skb has.  BPF_PROG_TEST_RUN for SCHED_CLS takes a struct __sk_buff
 * whose gso_size/gso_segs go into the skb's shared info, so a GRO/GSO
 * packet is a frame of up to ~3.7 KB (one page) that says so.  Its data
 * is linear in the test run: bpf_skb_pull_data() (headers past the linear
 * part) is exercised by the namespace tests, not here.
 *
 * Exit status 77 (skip) when the kernel refuses to load BPF at all.
 */
/* bpffix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "tests/bpf/bpffix.h"
#include "tests/bpf/isolir_cases.h"

#define BIG	3600	/* bytes of a GSO test frame (the test run's limit) */

static void setup(void)
{
	hook = HOOK_TC;
	bpffix_in_ifindex = BPFFIX_WAN_IFINDEX;
	ck_assert_int_eq(bpffix_load(&skel, NULL, 0), 0);
}

/*
 * Writes into @buf (BIG bytes) a @len-byte GSO frame with @p's headers,
 * a zero payload, and the IP length field (IPv4 tot_len, IPv6
 * payload_len) set to @lenfield; returns the L2 length.
 */
static int gso_frame(__u8 *buf, const struct pkt *p, __u32 len,
		     __u16 lenfield)
{
	__u8 small[2048];
	__u32 iplen;
	int hdrs = build(small, p, &iplen), l2 = pkt_l2len(p);

	ck_assert_uint_le(len, BIG);
	memset(buf, 0, BIG);
	memcpy(buf, small, hdrs);
	if (strchr(p->src, ':'))
		put16(buf + l2 + 4, htons(lenfield));
	else
		put16(buf + l2 + 2, htons(lenfield));
	if (p->pppoe)	/* GRO keeps the first segment's: not checked */
		put16(buf + l2 - 4, htons(1500 - 6));
	return l2;
}

/* Runs @prog on the frame as a GSO skb; returns the tc action. */
static int run_gso(struct bpf_program *prog, __u8 *buf, __u32 len,
		   __u32 gso_size, __u32 gso_segs)
{
	int err, ret = 0;

	err = try_run_skb(prog, buf, len, gso_size, gso_segs, &ret);
	ck_assert_msg(err == 0, "test run %s: %s", bpf_program__name(prog),
		      strerror(-err));
	return ret;
}

/* --- GSO ---------------------------------------------------------------- */

START_TEST(test_gso_ipv4)
{
	/*
	 * A GRO packet of 2 x 1448 + 600 payload bytes: the IP header says
	 * 1500 (the first segment's; a wrong tot_len must not matter).
	 */
	struct pkt up = { .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_TCP, .sport = 40000, .dport = 443 };
	struct pkt down = { .src = "1.1.1.1", .dst = "10.0.0.5",
			    .proto = IPPROTO_TCP, .sport = 443,
			    .dport = 40000 };
	const __u32 len = 14 + 40 + 2 * 1448 + 600;
	__u8 buf[BIG];
	int l2;

	trie_put("10.0.0.5", 32, 1);
	l2 = gso_frame(buf, &up, len, 1500);
	ck_assert_int_eq(run_gso(skel->progs.tagih_lan_tc, buf, len, 1448, 3),
			 TC_ACT_UNSPEC);
	l2 = gso_frame(buf, &down, len, 1500);
	ck_assert_int_eq(run_gso(skel->progs.tagih_wan_tc, buf, len, 1448, 3),
			 TC_ACT_UNSPEC);
	ck_assert_int_eq(run_gso(skel->progs.tagih_lan_down, buf, len, 1448,
				 3), TC_ACT_UNSPEC);
	assert_cnt(1, len - l2, 3, 2 * (len - l2), 6, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_big_tcp)
{
	/* BIG TCP: IPv4 tot_len 0, IPv6 payload_len 0; skb length decides. */
	struct pkt p4 = { .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_TCP, .sport = 40000, .dport = 443 };
	struct pkt p6 = { .src = "2001:db8::5", .dst = "2606:4700::1111",
			  .proto = IPPROTO_TCP, .sport = 40000, .dport = 443 };
	__u8 buf[BIG];
	int l2;

	trie_put("10.0.0.5", 32, 1);
	trie_put("2001:db8::", 64, 2);
	l2 = gso_frame(buf, &p4, BIG, 0);
	ck_assert_int_eq(run_gso(prog_of(UP), buf, BIG, 1448, 45),
			 TC_ACT_UNSPEC);
	assert_cnt(1, BIG - l2, 45, 0, 0, 0, 0, 0, 0);
	l2 = gso_frame(buf, &p6, BIG, 0);
	ck_assert_int_eq(run_gso(prog_of(UP), buf, BIG, 1428, 46),
			 TC_ACT_UNSPEC);
	assert_cnt(2, BIG - l2, 46, 0, 0, 0, 0, 0, 0);

	/* Not GSO, the same zero lengths: malformed, not metered. */
	gso_frame(buf, &p4, 100, 0);
	ck_assert_int_eq(run_gso(prog_of(UP), buf, 100, 0, 0),
			 TC_ACT_UNSPEC);
	assert_cnt(1, BIG - l2, 45, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 100, 1, 0, 0);
}
END_TEST

START_TEST(test_gso_encapsulated)
{
	/* QinQ + PPPoE, IPv6: billed skb length minus 14 + 8 + 8. */
	struct pkt p = { .ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q },
			 .pppoe = 1, .src = "2606:4700::1111",
			 .dst = "2001:db8:5::9", .proto = IPPROTO_TCP,
			 .sport = 443, .dport = 40000 };
	const __u32 len = 3000;
	__u8 buf[BIG];
	int l2;

	trie_put("2001:db8:5::", 56, 3);
	l2 = gso_frame(buf, &p, len, len - 30 - 40);
	ck_assert_int_eq(l2, 30);
	ck_assert_int_eq(run_gso(prog_of(DOWN), buf, len, 1420, 3),
			 TC_ACT_UNSPEC);
	assert_cnt(3, 0, 0, len - 30, 3, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstat(TAGIH_G_PPP_CTRL, 0, 0);
}
END_TEST

START_TEST(test_gso_segs_unset)
{
	/*
	 * gso_segs 0 (virtio/tap packets count later): the payload after
	 * the TCP header (data offset 5: 20 bytes) or UDP header, rounded up
	 * to whole gso_size segments.
	 */
	struct pkt t = { .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_TCP, .sport = 1, .dport = 2 };
	struct pkt u = { .src = "2001:db8::5", .dst = "2606:4700::1111",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	__u8 buf[BIG];
	int l2;

	trie_put("10.0.0.5", 32, 1);
	trie_put("2001:db8::", 64, 1);
	/* 3000 payload bytes in 1000-byte segments: exactly 3. */
	l2 = gso_frame(buf, &t, 14 + 40 + 3000, 0);
	run_gso(prog_of(UP), buf, 14 + 40 + 3000, 1000, 0);
	assert_cnt(1, 40 + 3000, 3, 0, 0, 0, 0, 0, 0);
	/* 3001 bytes: 4 segments, the last of one byte. */
	run_gso(prog_of(UP), buf, 14 + 40 + 3001, 1000, 0);
	assert_cnt(1, 2 * 40 + 6001, 7, 0, 0, 0, 0, 0, 0);
	/* UDP (USO) over IPv6: 40 + 8 header bytes, 2500 payload / 1200. */
	l2 = gso_frame(buf, &u, 14 + 48 + 2500, 0);
	run_gso(prog_of(UP), buf, 14 + 48 + 2500, 1200, 0);
	assert_cnt(1, 2 * 40 + 6001 + 48 + 2500, 10, 0, 0, 0, 0, 0, 0);
	ck_assert_int_eq(l2, 14);
}
END_TEST

START_TEST(test_gso_isolir)
{
	/* A suspended subscriber's GSO download: dropped, every segment. */
	struct pkt dl = { .src = "1.1.1.1", .dst = "10.0.0.5",
			  .proto = IPPROTO_TCP, .sport = 443, .dport = 40000 };
	struct pkt dns = { .src = "192.0.2.53", .dst = "10.0.0.5",
			   .proto = IPPROTO_TCP, .sport = 53, .dport = 40001 };
	const __u32 len = 14 + 40 + 2 * 1448;
	__u8 buf[BIG];

	trie_put("10.0.0.5", 32, 7);
	garden_setup();
	set_state(7, TAGIH_ST_ISOLIR);
	gso_frame(buf, &dl, len, len - 14);
	ck_assert_int_eq(run_gso(skel->progs.tagih_wan_tc, buf, len, 1448, 2),
			 TC_ACT_SHOT);
	ck_assert_int_eq(run_gso(skel->progs.tagih_lan_down, buf, len, 1448,
				 2), TC_ACT_SHOT);
	gso_frame(buf, &dns, len, len - 14);	/* DNS over TCP: garden */
	ck_assert_int_eq(run_gso(skel->progs.tagih_lan_down, buf, len, 1448,
				 2), TC_ACT_UNSPEC);
	assert_cnt(7, 0, 0, len - 14, 2, 0, 0, 2 * (len - 14), 4);
}
END_TEST

START_TEST(test_gso_gstats)
{
	/* Unknown addresses and odd frames count their segments too. */
	struct pkt p = { .src = "10.9.9.9", .dst = "1.1.1.1",
			 .proto = IPPROTO_TCP, .sport = 1, .dport = 2 };
	__u8 buf[BIG];

	gso_frame(buf, &p, 3000, 0);
	run_gso(prog_of(UP), buf, 3000, 1448, 3);
	put16(buf + 12, htons(0x88b5));	/* local experimental ethertype */
	run_gso(prog_of(UP), buf, 3000, 1448, 3);
	assert_gstats(3000 - 14, 3, 0, 0, 3000, 3, 0, 0);
}
END_TEST

/* --- tc actions ---------------------------------------------------------- */

START_TEST(test_tc_actions)
{
	/*
	 * Pass is TC_ACT_UNSPEC (tcx: TCX_NEXT), never TC_ACT_OK, so a
	 * program after the meter in the chain still runs; drop is
	 * TC_ACT_SHOT.
	 */
	struct pkt ok = { .src = "10.0.0.5", .dst = "192.0.2.53",
			  .proto = IPPROTO_UDP, .sport = 33000, .dport = 53 };
	struct pkt no = { .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_UDP, .sport = 33000, .dport = 53 };
	__u8 buf[2048], arp[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				     2, 0, 0, 0, 0, 2, 0x08, 0x06 };
	__u32 iplen;
	int len, ret;

	trie_put("10.0.0.5", 32, 7);
	garden_setup();
	set_state(7, TAGIH_ST_ISOLIR);
	len = build(buf, &ok, &iplen);
	ck_assert_int_eq(try_run_skb(skel->progs.tagih_lan_tc, buf, len, 0, 0,
				     &ret), 0);
	ck_assert_int_eq(ret, TC_ACT_UNSPEC);
	len = build(buf, &no, &iplen);
	ck_assert_int_eq(try_run_skb(skel->progs.tagih_lan_tc, buf, len, 0, 0,
				     &ret), 0);
	ck_assert_int_eq(ret, TC_ACT_SHOT);
	ck_assert_int_eq(try_run_skb(skel->progs.tagih_lan_down, arp, 60, 0, 0,
				     &ret), 0);
	ck_assert_int_eq(ret, TC_ACT_UNSPEC);
	assert_cnt(7, iplen, 1, 0, 0, iplen, 1, 0, 0);
}
END_TEST

/* --- NAT on the gateway: downloads on the LAN side's egress ---------------- */

START_TEST(test_nat_downloads)
{
	/*
	 * Subscriber 10.0.0.5 behind the gateway's masquerade to 198.18.0.1.
	 * On the WAN side downloads are addressed to the public address
	 * (nobody's: unknown); after de-NAT, on the lan egress, to the
	 * subscriber, and tagih_lan_down bills them.  Uploads are billed
	 * before NAT, on the lan ingress.
	 */
	struct pkt up = { .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
			  .paylen = 60 };
	struct pkt wan = { .src = "1.1.1.1", .dst = "198.18.0.1",
			   .proto = IPPROTO_TCP, .sport = 443, .dport = 61000,
			   .paylen = 1400 };
	struct pkt lan = wan;

	lan.dst = "10.0.0.5";
	lan.dport = 40000;
	trie_put("10.0.0.0", 24, 1);
	hook = HOOK_TC_LAN_DOWN;
	ck_assert_uint_eq(send_pkt(UP, &up, XDP_PASS), 100);
	hook = HOOK_TC;	/* what tagih_wan_tc would see */
	ck_assert_uint_eq(send_pkt(DOWN, &wan, XDP_PASS), 1440);
	hook = HOOK_TC_LAN_DOWN;
	ck_assert_uint_eq(send_pkt(DOWN, &lan, XDP_PASS), 1440);
	ck_assert_uint_eq(send_pkt(DOWN, &lan, XDP_PASS), 1440);
	assert_cnt(1, 100, 1, 2880, 2, 0, 0, 0, 0);
	assert_gstats(0, 0, 1440, 1, 0, 0, 0, 0);

	/* Suspended: the downloads are dropped there too, garden excepted. */
	garden_setup();
	set_state(1, TAGIH_ST_ISOLIR);
	send_pkt(DOWN, &lan, XDP_DROP);
	lan.src = "203.0.113.9";	/* the portal */
	send_pkt(DOWN, &lan, XDP_PASS);
	assert_cnt(1, 100, 1, 3 * 1440, 3, 0, 0, 1440, 1);
}
END_TEST

START_TEST(test_nat_not_from_wan)
{
	/*
	 * On the lan egress only what came in on a wan interface is a
	 * download: the gateway's own packets (ingress_ifindex 0: the
	 * notice page, its resolver) and lan-to-lan traffic pass uncounted,
	 * and an isolated subscriber still gets them.
	 */
	struct pkt lan = { .src = "192.168.1.1", .dst = "10.0.0.5",
			   .proto = IPPROTO_TCP, .sport = 80, .dport = 40000,
			   .paylen = 1400 };

	trie_put("10.0.0.0", 24, 1);
	hook = HOOK_TC_LAN_DOWN;
	bpffix_in_ifindex = 0;
	send_pkt(DOWN, &lan, XDP_PASS);
	bpffix_in_ifindex = BPFFIX_WAN_IFINDEX + 1;	/* another lan */
	send_pkt(DOWN, &lan, XDP_PASS);
	set_state(1, TAGIH_ST_ISOLIR);
	bpffix_in_ifindex = 0;
	send_pkt(DOWN, &lan, XDP_PASS);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
	/* from the wan: dropped (isolir) and counted as such */
	bpffix_in_ifindex = BPFFIX_WAN_IFINDEX;
	send_pkt(DOWN, &lan, XDP_DROP);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 1440, 1);
}
END_TEST

static Suite *tc_suite(void)
{
	Suite *s = suite_create("bpf_tc");
	TCase *tg = tcase_create("gso");
	TCase *tn = tcase_create("nat");

	tcase_add_checked_fixture(tg, setup, teardown);
	tcase_add_test(tg, test_gso_ipv4);
	tcase_add_test(tg, test_big_tcp);
	tcase_add_test(tg, test_gso_encapsulated);
	tcase_add_test(tg, test_gso_segs_unset);
	tcase_add_test(tg, test_gso_isolir);
	tcase_add_test(tg, test_gso_gstats);
	suite_add_tcase(s, tg);

	tcase_add_checked_fixture(tn, setup, teardown);
	tcase_add_test(tn, test_tc_actions);
	tcase_add_test(tn, test_nat_downloads);
	tcase_add_test(tn, test_nat_not_from_wan);
	suite_add_tcase(s, tn);
	return s;
}

int main(void)
{
	return bpffix_main(tc_suite);
}
