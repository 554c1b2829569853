// SPDX-License-Identifier: GPL-2.0
/* test_bpf_pppoe.c - BPF_PROG_TEST_RUN tests of PPPoE in the meter: sessions metered by the inner address, isolir, discovery and PPP control never billed, malformed frames not metered; XDP and tc. */

/*
 * Every test loads a fresh skeleton with all pin paths cleared (nothing
 * touches /sys/fs/bpf/tagih) and runs crafted frames through the XDP
 * programs, then (a second tcase) the same through the tc programs, with
 * downloads by tagih_lan_down.  Counters are summed over all CPUs and
 * checked exactly.
 *
 * Exit status 77 (skip) when the kernel refuses to load BPF at all.
 */
/* bpffix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "tests/bpf/bpffix.h"
#include "tests/bpf/isolir_cases.h"

/* Where build() puts the PPPoE header of a frame with ntags tags. */
#define PPPOE_OFF(ntags)	(ETH_HLEN + 4 * (ntags))

static void setup_xdp(void)
{
	hook = HOOK_XDP;
	ck_assert_int_eq(bpffix_load(&skel, NULL, 0), 0);
}

static void setup_tc(void)
{
	hook = HOOK_TC_LAN_DOWN;
	ck_assert_int_eq(bpffix_load(&skel, NULL, 0), 0);
}

/* Every tag stack the access network may use: none, one, QinQ any order. */
static const struct {
	int n;
	__u16 tpid[2];
} stacks[] = {
	{ 0, { 0, 0 } },
	{ 1, { ETH_P_8021Q, 0 } },
	{ 1, { ETH_P_8021AD, 0 } },
	{ 2, { ETH_P_8021AD, ETH_P_8021Q } },
	{ 2, { ETH_P_8021Q, ETH_P_8021Q } },
	{ 2, { ETH_P_8021Q, ETH_P_8021AD } },
	{ 2, { ETH_P_8021AD, ETH_P_8021AD } },
};
#define NSTACKS (sizeof(stacks) / sizeof(stacks[0]))

static void set_stack(struct pkt *p, unsigned int i)
{
	p->ntags = stacks[i].n;
	p->tpid[0] = stacks[i].tpid[0];
	p->tpid[1] = stacks[i].tpid[1];
}

/* Runs @len bytes of @buf in @dir: passed, and nothing billed. */
static void pass_unbilled(int dir, __u8 *buf, __u32 len)
{
	ck_assert_uint_eq(run_raw(prog_of(dir), buf, len, 0), XDP_PASS);
}

/* --- sessions --------------------------------------------------------------- */

START_TEST(test_session_metered)
{
	struct pkt up4 = { .pppoe = 1, .src = "100.64.0.5", .dst = "1.1.1.1",
			   .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
			   .paylen = 100 };
	struct pkt down4 = { .pppoe = 1, .src = "1.1.1.1", .dst = "100.64.0.5",
			     .proto = IPPROTO_TCP, .sport = 443,
			     .dport = 40000, .paylen = 1400 };
	struct pkt up6 = { .pppoe = 1, .src = "2001:db8:5::1",
			   .dst = "2606:4700::1111", .proto = IPPROTO_UDP,
			   .sport = 5000, .dport = 443, .paylen = 50 };
	struct pkt down6 = { .pppoe = 1, .src = "2606:4700::1111",
			     .dst = "2001:db8:5::1", .proto = IPPROTO_UDP,
			     .sport = 443, .dport = 5000, .paylen = 1200 };
	unsigned int i;

	trie_put("100.64.0.5", 32, 3);
	trie_put("2001:db8:5::", 56, 4);
	for (i = 0; i < NSTACKS; i++) {
		set_stack(&up4, i);
		set_stack(&down4, i);
		set_stack(&up6, i);
		set_stack(&down6, i);
		/* The inner IP length, not the frame (tags, PPPoE, PPP). */
		ck_assert_uint_eq(send_pkt(UP, &up4, XDP_PASS), 140);
		ck_assert_uint_eq(send_pkt(DOWN, &down4, XDP_PASS), 1440);
		ck_assert_uint_eq(send_pkt(UP, &up6, XDP_PASS), 98);
		ck_assert_uint_eq(send_pkt(DOWN, &down6, XDP_PASS), 1248);
	}
	assert_cnt(3, 140 * NSTACKS, NSTACKS, 1440 * NSTACKS, NSTACKS, 0, 0,
		   0, 0);
	assert_cnt(4, 98 * NSTACKS, NSTACKS, 1248 * NSTACKS, NSTACKS, 0, 0,
		   0, 0);

	/* The same packets without PPPoE cost exactly the same. */
	up4.pppoe = down6.pppoe = 0;
	ck_assert_uint_eq(send_pkt(UP, &up4, XDP_PASS), 140);
	ck_assert_uint_eq(send_pkt(DOWN, &down6, XDP_PASS), 1248);
	assert_cnt(3, 140 * (NSTACKS + 1), NSTACKS + 1, 1440 * NSTACKS,
		   NSTACKS, 0, 0, 0, 0);
	assert_cnt(4, 98 * NSTACKS, NSTACKS, 1248 * (NSTACKS + 1),
		   NSTACKS + 1, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstat(TAGIH_G_PPP_CTRL, 0, 0);
}
END_TEST

START_TEST(test_session_inner_address)
{
	/*
	 * Keyed by the inner IP addresses only: the PPPoE session id and the
	 * MAC addresses say nothing about who pays.
	 */
	struct pkt a = { .pppoe = 1, .src = "100.64.0.5", .dst = "100.64.0.6",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	struct pkt u = { .pppoe = 1, .src = "100.64.9.9", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
			 .paylen = 2 };

	trie_put("100.64.0.5", 32, 1);
	trie_put("100.64.0.6", 32, 2);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(DOWN, &a, XDP_PASS);
	send_pkt(UP, &u, XDP_PASS);	/* nobody's address */
	assert_cnt(1, 28, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(2, 0, 0, 28, 1, 0, 0, 0, 0);
	assert_gstats(30, 1, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_session_padding)
{
	/*
	 * A 28-byte IPv4 packet in PPPoE (length 30) padded to the 60-byte
	 * Ethernet minimum, and one with bytes after the IP packet inside
	 * the PPPoE payload: both billed 28.
	 */
	struct pkt p = { .pppoe = 1, .src = "100.64.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	__u8 buf[2048];
	__u32 iplen;
	int len;

	trie_put("100.64.0.5", 32, 1);
	len = build(buf, &p, &iplen);
	ck_assert_int_eq(len, 14 + 8 + 28);
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 60, 0), XDP_PASS);
	put16(buf + PPPOE_OFF(0) + 4, htons(30 + 10));
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 60, 0), XDP_PASS);
	assert_cnt(1, 56, 2, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_session_nd)
{
	/* Neighbour discovery over PPP (RS/RA): not billed, as on Ethernet. */
	struct pkt rs = { .pppoe = 1, .ntags = 1, .tpid = { ETH_P_8021Q },
			  .src = "fe80::5", .dst = "ff02::2",
			  .proto = IPPROTO_ICMPV6, .sport = 133 };
	struct pkt ra = { .pppoe = 1, .src = "fe80::1", .dst = "fe80::5",
			  .proto = IPPROTO_ICMPV6, .sport = 134, .paylen = 48 };

	trie_put("fe80::", 64, 1);
	send_pkt(UP, &rs, XDP_PASS);
	send_pkt(DOWN, &ra, XDP_PASS);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 18 + 8 + 48 + 14 + 8 + 96, 2, 0, 0);
	assert_gstat(TAGIH_G_PPP_CTRL, 0, 0);
}
END_TEST

/* --- isolir inside PPPoE ------------------------------------------------------ */

START_TEST(test_isolir_ipv4)
{
	trie_put("10.0.0.0", 24, 1);
	trie_put("10.0.0.5", 32, 7);
	set_state(7, TAGIH_ST_ISOLIR);
	garden_setup();
	run_cases(7, isolir4, sizeof(isolir4) / sizeof(isolir4[0]), 1);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstat(TAGIH_G_PPP_CTRL, 0, 0);
}
END_TEST

START_TEST(test_isolir_ipv6)
{
	trie_put("2001:db8::", 64, 9);
	trie_put("fe80::", 64, 9);
	set_state(9, TAGIH_ST_ISOLIR);
	garden_setup();
	run_cases(9, isolir6, sizeof(isolir6) / sizeof(isolir6[0]), 1);
	assert_gstat(TAGIH_G_PPP_CTRL, 0, 0);
}
END_TEST

START_TEST(test_isolir_drop_counted)
{
	/* A suspended subscriber's HTTPS in PPPoE: dropped, drop_* only. */
	struct pkt p = { .pppoe = 1, .ntags = 2,
			 .tpid = { ETH_P_8021AD, ETH_P_8021Q },
			 .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
			 .paylen = 100 };
	struct pkt dns = { .pppoe = 1, .src = "10.0.0.5", .dst = "192.0.2.53",
			   .proto = IPPROTO_UDP, .sport = 33000, .dport = 53,
			   .paylen = 30 };

	trie_put("10.0.0.5", 32, 7);
	garden_setup();
	set_state(7, TAGIH_ST_ISOLIR);
	send_pkt(UP, &p, XDP_DROP);
	send_pkt(UP, &dns, XDP_PASS);
	set_state(7, TAGIH_ST_ACTIVE);
	send_pkt(UP, &p, XDP_PASS);
	assert_cnt(7, 140 + 58, 2, 0, 0, 140, 1, 0, 0);
}
END_TEST

/* --- discovery and PPP control ---------------------------------------------- */

/*
 * A PPPoE discovery frame (code: PADI 0x09, PADO 0x07, PADR 0x19, PADS
 * 0x65, PADT 0xa7) with @taglen bytes of PPPoE tags; returns its length.
 */
static int build_disc(__u8 *buf, unsigned int stack, __u8 code,
		      __u16 taglen)
{
	struct pkt p = { .src = "0.0.0.0", .dst = "0.0.0.0" };
	int off;

	set_stack(&p, stack);
	build(buf, &p, &(__u32){ 0 });
	memset(buf, 0xff, 6);	/* PADI goes to broadcast */
	off = PPPOE_OFF(p.ntags) - 2;
	memset(buf + off, 0, 2048 - off);
	put16(buf + off, htons(ETH_P_PPP_DISC));
	buf[off + 2] = 0x11;
	buf[off + 3] = code;
	put16(buf + off + 4, htons(code == 0x09 || code == 0x07 ||
					   code == 0x19 ? 0 : PPPOE_SID));
	put16(buf + off + 6, htons(taglen));
	put16(buf + off + 8, htons(0x0101));	/* Service-Name tag */
	return off + 8 + taglen;
}

/*
 * A session frame carrying PPP protocol @proto with @datalen bytes of
 * control packet (code 1, id 1, length); returns its length.
 */
static int build_ctrl(__u8 *buf, unsigned int stack, __u16 proto,
		      __u16 datalen)
{
	struct pkt p = { .pppoe = 1, .src = "100.64.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP };
	int off;

	set_stack(&p, stack);
	build(buf, &p, &(__u32){ 0 });
	off = PPPOE_OFF(p.ntags);
	memset(buf + off + 8, 0, 2048 - off - 8);
	put16(buf + off + 4, htons(2 + datalen));
	put16(buf + off + 6, htons(proto));
	buf[off + 8] = 1;		/* Configure-Request */
	buf[off + 9] = 1;
	put16(buf + off + 10, htons(datalen));
	return off + 8 + datalen;
}

START_TEST(test_control_never_billed)
{
	static const __u8 codes[] = { 0x09, 0x07, 0x19, 0x65, 0xa7 };
	static const __u16 protos[] = { PPP_LCP, PPP_PAP, PPP_CHAP, PPP_IPCP,
					PPP_IPV6CP };
	__u64 ctrl_b = 0, ctrl_p = 0;
	unsigned int s, i;
	__u8 buf[2048];
	int len, dir;

	/* Everything belongs to uid 1 (suspended): nothing may be billed. */
	trie_put("0.0.0.0", 0, 1);
	trie_put("::", 0, 1);
	set_state(1, TAGIH_ST_ISOLIR);
	for (s = 0; s < NSTACKS; s++) {
		for (dir = UP; dir <= DOWN; dir++) {
			for (i = 0; i < sizeof(codes); i++) {
				len = build_disc(buf, s, codes[i], 4);
				pass_unbilled(dir, buf, len);
				ctrl_b += len;
				ctrl_p++;
			}
			for (i = 0; i < sizeof(protos) / sizeof(protos[0]);
			     i++) {
				len = build_ctrl(buf, s, protos[i], 14);
				pass_unbilled(dir, buf, len);
				ctrl_b += len;
				ctrl_p++;
				/* padded to 60 bytes: frame length counted */
				len = build_ctrl(buf, s, protos[i], 4);
				if (len < 60)
					len = 60;
				pass_unbilled(dir, buf, len);
				ctrl_b += len;
				ctrl_p++;
			}
		}
	}
	ck_assert_uint_eq(ctrl_p, NSTACKS * 2 * (5 + 2 * 5));
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstat(TAGIH_G_PPP_CTRL, ctrl_b, ctrl_p);
}
END_TEST

/* --- malformed PPPoE ------------------------------------------------------- */

START_TEST(test_malformed_not_metered)
{
	struct pkt p = { .pppoe = 1, .ntags = 1, .tpid = { ETH_P_8021Q },
			 .src = "100.64.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
			 .paylen = 20 };
	static const __u8 bad_vt[] = { 0x00, 0x10, 0x12, 0x21, 0x22, 0xff };
	static const __u16 bad_proto[] = {
		0x2145,	/* protocol-field compressed IPv4 (0x21, then 0x45) */
		0x0281,	/* MPLS unicast */
		0x003d,	/* multilink */
		0x80fd,	/* CCP: control, but not one we pass */
		0xc025,	/* LQR */
		0x0000,
	};
	__u8 buf[2048], orig[2048];
	__u64 nm_b = 0, nm_p = 0;
	const int ph = PPPOE_OFF(1);	/* PPPoE header */
	__u32 iplen, i;
	int len, dir;

	trie_put("0.0.0.0", 0, 1);
	trie_put("::", 0, 1);
	len = build(orig, &p, &iplen);
	ck_assert_int_eq(len, ph + 8 + 48);

#define TRY(n)                                                               \
	do {                                                                 \
		for (dir = UP; dir <= DOWN; dir++)                           \
			pass_unbilled(dir, buf, (n));                        \
		nm_b += 2 * (n);                                             \
		nm_p += 2;                                                   \
		memcpy(buf, orig, sizeof(buf));                              \
	} while (0)

	memcpy(buf, orig, sizeof(buf));
	/* Version/type other than 1/1. */
	for (i = 0; i < sizeof(bad_vt); i++) {
		buf[ph] = bad_vt[i];
		TRY(len);
	}
	/* Session frames must have code 0 (0x09 is PADI, 0xa7 PADT). */
	buf[ph + 1] = 0x09;
	TRY(len);
	buf[ph + 1] = 0xa7;
	TRY(len);
	/* A length past the frame, by one byte and by a lot. */
	put16(buf + ph + 4, htons(iplen + 2 + 1));
	TRY(len);
	put16(buf + ph + 4, htons(0xffff));
	TRY(len);
	/* A length too short for the PPP protocol. */
	put16(buf + ph + 4, htons(0));
	TRY(len);
	put16(buf + ph + 4, htons(1));
	TRY(len);
	/* A PPPoE length shorter than the IP packet it carries. */
	put16(buf + ph + 4, htons(iplen + 2 - 1));
	TRY(len);
	/* Unknown PPP protocols. */
	for (i = 0; i < sizeof(bad_proto) / sizeof(bad_proto[0]); i++) {
		put16(buf + ph + 6, htons(bad_proto[i]));
		TRY(len);
	}
	/* Cut in the PPPoE header, in the PPP protocol, in the IP header. */
	TRY(ph + 3);
	TRY(ph + 7);
	TRY(ph + 8 + 19);
	/* The IP packet cut short of its length (PPPoE length kept). */
	TRY(len - 1);
	/* Discovery: a bad version/type, a length past the frame, cut. */
	len = build_disc(buf, 1, 0x09, 4);
	memcpy(orig, buf, sizeof(buf));
	buf[ph] = 0x12;
	TRY(len);
	put16(buf + ph + 4, htons(5));
	TRY(len);
	TRY(ph + 5);
#undef TRY

	/* The untouched frames are fine: billed, and PPP control. */
	ck_assert_uint_eq(send_pkt(UP, &p, XDP_PASS), 48);
	pass_unbilled(UP, orig, len);

	assert_cnt(1, 48, 1, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, nm_b, nm_p, 0, 0);
	assert_gstat(TAGIH_G_PPP_CTRL, len, 1);
}
END_TEST

static TCase *pppoe_tcase(const char *name, void (*fixture)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, fixture, teardown);
	tcase_add_test(tc, test_session_metered);
	tcase_add_test(tc, test_session_inner_address);
	tcase_add_test(tc, test_session_padding);
	tcase_add_test(tc, test_session_nd);
	tcase_add_test(tc, test_isolir_ipv4);
	tcase_add_test(tc, test_isolir_ipv6);
	tcase_add_test(tc, test_isolir_drop_counted);
	tcase_add_test(tc, test_control_never_billed);
	tcase_add_test(tc, test_malformed_not_metered);
	return tc;
}

static Suite *pppoe_suite(void)
{
	Suite *s = suite_create("bpf_pppoe");

	suite_add_tcase(s, pppoe_tcase("xdp", setup_xdp));
	suite_add_tcase(s, pppoe_tcase("tc", setup_tc));
	return s;
}

int main(void)
{
	return bpffix_main(pppoe_suite);
}
