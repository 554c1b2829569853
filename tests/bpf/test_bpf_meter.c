// SPDX-License-Identifier: GPL-2.0
/* test_bpf_meter.c - BPF_PROG_TEST_RUN tests of the meter: XDP (tagih_lan/tagih_wan) and the same frames through tc (tagih_lan_tc, tagih_wan_tc, tagih_lan_down). */

/*
 * Every test loads a fresh skeleton with all pin paths cleared, so nothing
 * here touches the real pins under /sys/fs/bpf/tagih.  Frames are crafted
 * by hand, run through the program, and the exact counters (summed over
 * all possible CPUs) and the XDP action are checked.
 *
 * The "meter" and "isolir" cases run twice: trie only, and again with the
 * IPv4 direct table (tagih_v4dir/tagih_v4blk) painted after every prefix
 * by agent/maps/dir16.c exactly as the agent paints it, so the userspace
 * painting and the BPF fast path are tested together.  Then both run
 * through the tc programs (as an skb, no GSO: the GSO cases are in
 * test_bpf_tc.c): trie only with downloads by tagih_wan_tc, and with the
 * direct table and downloads by tagih_lan_down.  The tests see XDP actions
 * either way (TC_ACT_UNSPEC as XDP_PASS, TC_ACT_SHOT as XDP_DROP).
 *
 * Exit status 77 (skip) when the kernel refuses to load BPF at all.
 */
/* bpffix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "tests/bpf/bpffix.h"

#include "agent/maps/dir16.h"
#include "tests/bpf/isolir_cases.h"

/* Direct table: paint it after every IPv4 prefix, as the agent would. */
#define MAX_V4	64
static int use_dir16;
static struct dir16_pfx v4pfx[MAX_V4];
static size_t nv4;
static struct dir16_stats d16st;	/* of the last dir16_resync() */

/*
 * Opens and loads the meter with no pinning and v4_blocks blocks in
 * tagih_v4blk (-1: the object's default); returns 0 or -errno.
 */
static int meter_load_blocks(struct tagih_meter **out, int v4_blocks)
{
	if (v4_blocks < 0)
		return bpffix_load(out, NULL, 0);
	return bpffix_load(out, "tagih_v4blk",
			   v4_blocks ? v4_blocks * TAGIH_V4_BLOCK_SLOTS : 1);
}

static int meter_load(struct tagih_meter **out)
{
	return meter_load_blocks(out, -1);
}

static void setup(void)
{
	use_dir16 = 0;
	nv4 = 0;
	hook = HOOK_XDP;
	memset(&d16st, 0, sizeof(d16st));
	ck_assert_int_eq(meter_load(&skel), 0);
}

static void setup_dir16(void)
{
	setup();
	use_dir16 = 1;
}

/* The same cases through the tc programs (downloads: tagih_wan_tc). */
static void setup_tc(void)
{
	setup();
	hook = HOOK_TC;
}

/* ... and with downloads through tagih_lan_down, the direct table on. */
static void setup_tc_lan_down_dir16(void)
{
	setup_dir16();
	hook = HOOK_TC_LAN_DOWN;
}

/* --- map helpers --------------------------------------------------------- */

/* Repaint the direct table from v4pfx with agent/maps/dir16.c. */
static void dir16_resync(void)
{
	struct dir16_pfx tmp[MAX_V4];
	struct dir16_maps *dm;

	memcpy(tmp, v4pfx, nv4 * sizeof(tmp[0]));	/* sync reorders */
	ck_assert_int_eq(dir16_maps_open(&dm,
					 bpf_map__fd(skel->maps.tagih_v4dir),
					 bpf_map__fd(skel->maps.tagih_v4blk)),
			 0);
	ck_assert_int_eq(dir16_sync(dm, tmp, nv4, &d16st), 0);
	dir16_maps_close(dm);
}

static __u32 v4dir_get(const char *a16)
{
	__u8 a[4];
	__u32 hi, v;

	ck_assert_int_eq(inet_pton(AF_INET, a16, a), 1);
	hi = a[0] << 8 | a[1];
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.tagih_v4dir, &hi,
					      sizeof(hi), &v, sizeof(v), 0),
			 0);
	return v;
}

static void add_pfx(const char *addr, __u32 plen, __u32 uid)
{
	__u8 a[4];

	trie_put(addr, plen, uid);
	if (strchr(addr, ':'))
		return;
	ck_assert_int_eq(inet_pton(AF_INET, addr, a), 1);
	ck_assert_uint_lt(nv4, MAX_V4);
	v4pfx[nv4].addr = (__u32)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
	v4pfx[nv4].len = plen;
	v4pfx[nv4].uid = uid;
	nv4++;
	if (use_dir16)
		dir16_resync();
}

static void del_pfx4(const char *addr, __u32 plen)
{
	struct tagih_lpm4 k = { .prefixlen = plen };

	ck_assert_int_eq(inet_pton(AF_INET, addr, k.addr), 1);
	ck_assert_int_eq(bpf_map__delete_elem(skel->maps.tagih_pfx4, &k,
					      sizeof(k), 0), 0);
}

/* --- plain metering ---------------------------------------------------------- */

START_TEST(test_ipv4_up_down)
{
	struct pkt up = { .src = "10.0.0.5", .dst = "8.8.8.8",
			  .proto = IPPROTO_UDP, .sport = 4000, .dport = 53,
			  .paylen = 100 };
	struct pkt down = { .src = "8.8.8.8", .dst = "10.0.0.5",
			    .proto = IPPROTO_TCP, .sport = 443, .dport = 5000,
			    .paylen = 1000 };

	add_pfx("10.0.0.0", 24, 1);
	ck_assert_uint_eq(send_pkt(UP, &up, XDP_PASS), 128);
	ck_assert_uint_eq(send_pkt(UP, &up, XDP_PASS), 128);
	ck_assert_uint_eq(send_pkt(DOWN, &down, XDP_PASS), 1040);
	assert_cnt(1, 256, 2, 1040, 1, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_direction)
{
	/* LAN keys on the source, WAN on the destination. */
	struct pkt a = { .src = "10.0.0.5", .dst = "10.0.1.9",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };

	add_pfx("10.0.0.5", 32, 1);
	add_pfx("10.0.1.9", 32, 2);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(DOWN, &a, XDP_PASS);
	send_pkt(DOWN, &a, XDP_PASS);
	assert_cnt(1, 28, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(2, 0, 0, 56, 2, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_ipv6_56)
{
	struct pkt in = { .src = "2001:db8:1:1ab::1", .dst = "2606:4700::1111",
			  .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
			  .paylen = 60 };
	struct pkt in2 = { .src = "2001:db8:1:1ff:ffff::9",
			   .dst = "2606:4700::1111", .proto = IPPROTO_UDP,
			   .sport = 1, .dport = 2 };
	struct pkt out = { .src = "2001:db8:1:200::1", .dst = "2606:4700::1111",
			   .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	struct pkt down = { .src = "2606:4700::1111", .dst = "2001:db8:1:100::7",
			    .proto = IPPROTO_UDP, .sport = 443, .dport = 9,
			    .paylen = 1200 };

	add_pfx("2001:db8:1:100::", 56, 3);
	ck_assert_uint_eq(send_pkt(UP, &in, XDP_PASS), 120);
	ck_assert_uint_eq(send_pkt(UP, &in2, XDP_PASS), 48);
	ck_assert_uint_eq(send_pkt(UP, &out, XDP_PASS), 48);
	ck_assert_uint_eq(send_pkt(DOWN, &down, XDP_PASS), 1248);
	ck_assert_uint_eq(send_pkt(DOWN, &out, XDP_PASS), 48);
	assert_cnt(3, 168, 2, 1248, 1, 0, 0, 0, 0);
	assert_gstats(48, 1, 48, 1, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_vlan)
{
	/* Same IP packet untagged, 802.1Q, QinQ in every order: same bill. */
	static const __u16 tags[][2] = {
		{ ETH_P_8021Q, 0 },   { ETH_P_8021AD, 0 },
		{ ETH_P_8021AD, ETH_P_8021Q }, { ETH_P_8021Q, ETH_P_8021Q },
		{ ETH_P_8021Q, ETH_P_8021AD }, { ETH_P_8021AD, ETH_P_8021AD },
	};
	struct pkt p4 = { .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_TCP, .sport = 1, .dport = 2,
			  .paylen = 10 };
	struct pkt p6 = { .src = "2001:db8::5", .dst = "2606:4700::1111",
			  .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
			  .paylen = 10 };
	unsigned int i;

	add_pfx("10.0.0.5", 32, 1);
	add_pfx("2001:db8::", 64, 2);
	send_pkt(UP, &p4, XDP_PASS);
	send_pkt(UP, &p6, XDP_PASS);
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		p4.ntags = p6.ntags = tags[i][1] ? 2 : 1;
		p4.tpid[0] = p6.tpid[0] = tags[i][0];
		p4.tpid[1] = p6.tpid[1] = tags[i][1];
		ck_assert_uint_eq(send_pkt(UP, &p4, XDP_PASS), 50);
		ck_assert_uint_eq(send_pkt(UP, &p6, XDP_PASS), 58);
	}
	assert_cnt(1, 50 * 7, 7, 0, 0, 0, 0, 0, 0);
	assert_cnt(2, 58 * 7, 7, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_three_tags)
{
	struct pkt p = { .ntags = 3,
			 .tpid = { ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q },
			 .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	__u8 buf[2048];
	__u32 iplen;
	int len;

	add_pfx("10.0.0.5", 32, 1);
	len = build(buf, &p, &iplen);
	ck_assert_int_eq(len, 14 + 12 + 28);
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, len, 0),
			  XDP_PASS);
	ck_assert_uint_eq(run_raw(prog_of(DOWN), buf, len, 0),
			  XDP_PASS);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 2 * 54, 2, 0, 0);
}
END_TEST

START_TEST(test_non_ip)
{
	__u8 arp[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			 2, 0, 0, 0, 0, 2, 0x08, 0x06 };
	__u8 lldp[64] = { 1, 0x80, 0xc2, 0, 0, 0xe, 2, 0, 0, 0, 0, 2,
			  0x88, 0xcc };

	add_pfx("0.0.0.0", 0, 1);	/* everything is uid 1 */
	ck_assert_uint_eq(run_raw(prog_of(UP), arp, 42, 0),
			  XDP_PASS);
	ck_assert_uint_eq(run_raw(prog_of(DOWN), arp, 60, 0),
			  XDP_PASS);
	ck_assert_uint_eq(run_raw(prog_of(UP), lldp, 64, 0),
			  XDP_PASS);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 42 + 60 + 64, 3, 0, 0);
}
END_TEST

/*
 * Runs a frame cut short behind an IP ethertype; returns 1 when it ran and
 * passed (to be counted as not metered), 0 when tc's test run refused it:
 * for an skb, 6.18 wants the whole IP header behind an IP ethertype.  XDP
 * must always run.
 */
static int run_cut(int dir, void *buf, __u32 len)
{
	__u32 act;
	int err = try_run(prog_of(dir), buf, len, 0, &act);

	ck_assert_msg(err == 0 || (hook != HOOK_XDP && err == -EINVAL),
		      "%u-byte frame: %s", len, strerror(-err));
	if (err)
		return 0;
	ck_assert_uint_eq(act, XDP_PASS);
	return 1;
}

START_TEST(test_truncated)
{
	struct pkt p4 = { .ntags = 1, .tpid = { ETH_P_8021Q },
			  .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	struct pkt p6 = { .src = "2001:db8::5", .dst = "2606:4700::1111",
			  .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	__u8 buf[2048], meta[2048 + 8];
	__u64 nm_b = 0, nm_p = 0;
	__u32 iplen, act;
	int len, err;

	add_pfx("0.0.0.0", 0, 1);
	add_pfx("::", 0, 1);

	/*
	 * Cut in the Ethernet header.  BPF_PROG_TEST_RUN wants ETH_HLEN bytes
	 * in; older kernels let XDP metadata eat into them (the program then
	 * sees 6 or 10 bytes), newer ones (6.18 here) refuse frames shorter
	 * than ETH_HLEN with EINVAL, as drivers never deliver them.  Either
	 * way nothing may be billed.
	 */
	build(meta + 8, &p4, &iplen);
	err = try_run(prog_of(UP), meta, 14, 8, &act);
	ck_assert_msg(err == 0 || err == -EINVAL, "short frame: %s",
		      strerror(-err));
	if (err == 0) {
		ck_assert_uint_eq(act, XDP_PASS);
		nm_b += 6;
		nm_p++;
	}
	err = try_run(prog_of(DOWN), meta, 18, 8, &act);
	ck_assert_msg(err == 0 || err == -EINVAL, "short frame: %s",
		      strerror(-err));
	if (err == 0) {
		ck_assert_uint_eq(act, XDP_PASS);
		nm_b += 10;
		nm_p++;
	}
	/* Exactly an Ethernet header: VLAN tag and IP header missing. */
	len = build(buf, &p4, &iplen);
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 14, 0),
			  XDP_PASS);
	memcpy(meta, buf, 12);
	put16(meta + 12, htons(ETH_P_IP));
	if (run_cut(DOWN, meta, 14)) {
		nm_b += 14;
		nm_p++;
	}
	/* Cut in the VLAN tag: 14 + 2 bytes. */
	len = build(buf, &p4, &iplen);
	ck_assert_int_eq(len, 18 + 28);
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 16, 0),
			  XDP_PASS);
	/* Cut in the VLAN tag's ethertype: 14 + 3 bytes. */
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 17, 0),
			  XDP_PASS);
	/* Cut in the IPv4 header: 18 + 10 bytes. */
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 28, 0),
			  XDP_PASS);
	/* IPv4 header complete but tot_len claims more than the frame. */
	ck_assert_uint_eq(run_raw(prog_of(DOWN), buf, 18 + 27, 0),
			  XDP_PASS);
	/* Cut in the IPv6 header: 14 + 39 bytes. */
	len = build(buf, &p6, &iplen);
	if (run_cut(UP, buf, 53)) {
		nm_b += 53;
		nm_p++;
	}
	/* The whole frame is fine and billed. */
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, len, 0),
			  XDP_PASS);

	assert_cnt(1, 48, 1, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, nm_b + 14 + 16 + 17 + 28 + 45, nm_p + 5, 0,
		      0);
}
END_TEST

START_TEST(test_bad_ihl)
{
	struct pkt p = { .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	__u8 buf[2048];
	__u32 iplen;
	int len, ihl;

	add_pfx("10.0.0.5", 32, 1);
	len = build(buf, &p, &iplen);
	for (ihl = 0; ihl < 5; ihl++) {
		buf[14] = 0x40 | ihl;
		ck_assert_uint_eq(run_raw(prog_of(UP), buf, len, 0),
				  XDP_PASS);
	}
	/* ihl 15 = 60 bytes of header, more than tot_len 28. */
	buf[14] = 0x4f;
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, len, 0),
			  XDP_PASS);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 6 * 42, 6, 0, 0);
}
END_TEST

START_TEST(test_ethernet_padding)
{
	/* A 28-byte IP packet padded to the 60-byte minimum: bill 28. */
	struct pkt p = { .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	__u8 buf[2048];
	__u32 iplen;

	add_pfx("10.0.0.5", 32, 1);
	build(buf, &p, &iplen);
	ck_assert_uint_eq(run_raw(prog_of(UP), buf, 60, 0),
			  XDP_PASS);
	assert_cnt(1, 28, 1, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_unknown)
{
	struct pkt p = { .src = "10.9.9.9", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
			 .paylen = 2 };
	struct pkt p6 = { .src = "2001:db8::5", .dst = "2606:4700::1111",
			  .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };

	add_pfx("10.0.0.0", 24, 1);
	send_pkt(UP, &p, XDP_PASS);
	send_pkt(UP, &p6, XDP_PASS);
	send_pkt(DOWN, &p, XDP_PASS);
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(30 + 48, 2, 30, 1, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_longest_prefix)
{
	struct pkt a = { .src = "10.0.0.7", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	struct pkt b = { .src = "10.0.0.8", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
			 .paylen = 1 };
	struct pkt c = { .src = "1.1.1.1", .dst = "10.0.0.7",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
			 .paylen = 2 };

	add_pfx("10.0.0.0", 24, 1);
	add_pfx("10.0.0.7", 32, 2);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(UP, &b, XDP_PASS);
	send_pkt(DOWN, &c, XDP_PASS);
	assert_cnt(1, 29, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(2, 28, 1, 30, 1, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_bad_uid)
{
	struct pkt a = { .src = "10.0.0.7", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };
	struct pkt b = { .src = "10.0.0.8", .dst = "1.1.1.1",
			 .proto = IPPROTO_UDP, .sport = 1, .dport = 2 };

	add_pfx("10.0.0.7", 32, TAGIH_DEF_MAX_SUBS);	/* one past the end */
	add_pfx("10.0.0.8", 32, TAGIH_UID_NONE);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(UP, &b, XDP_PASS);
	assert_cnt(0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 56, 2);
}
END_TEST

/* --- isolir ---------------------------------------------------------------- */

START_TEST(test_isolir_ipv4)
{
	add_pfx("10.0.0.0", 24, 1);
	add_pfx("10.0.0.5", 32, 7);
	set_state(7, TAGIH_ST_ISOLIR);
	garden_setup();
	run_cases(7, isolir4, sizeof(isolir4) / sizeof(isolir4[0]), 0);
	/* The /24's owner is untouched. */
	assert_cnt(1, 0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_isolir_ipv6)
{
	add_pfx("2001:db8::", 64, 9);
	add_pfx("fe80::", 64, 9);	/* link-local of the same household */
	set_state(9, TAGIH_ST_ISOLIR);
	garden_setup();
	run_cases(9, isolir6, sizeof(isolir6) / sizeof(isolir6[0]), 0);
}
END_TEST

START_TEST(test_isolir_lifted)
{
	/* Same cases, subscriber active (explicitly, then after restore). */
	struct icase all[sizeof(isolir4) / sizeof(isolir4[0])];
	unsigned int i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		all[i] = isolir4[i];
		all[i].act = XDP_PASS;
	}
	add_pfx("10.0.0.5", 32, 7);
	garden_setup();
	set_state(7, TAGIH_ST_ACTIVE);
	run_cases(7, all, i, 0);
}
END_TEST

START_TEST(test_isolir_then_restore)
{
	struct pkt p = { .src = "10.0.0.5", .dst = "1.1.1.1", .proto = TCP,
			 .sport = 40000, .dport = 443, .paylen = 100 };

	add_pfx("10.0.0.5", 32, 7);
	add_pfx("10.0.0.6", 32, 8);
	garden_setup();
	set_state(7, TAGIH_ST_ISOLIR);
	send_pkt(UP, &p, XDP_DROP);
	p.src = "10.0.0.6";	/* a neighbour that paid */
	send_pkt(UP, &p, XDP_PASS);
	set_state(7, TAGIH_ST_ACTIVE);
	p.src = "10.0.0.5";
	send_pkt(UP, &p, XDP_PASS);
	assert_cnt(7, 140, 1, 0, 0, 140, 1, 0, 0);
	assert_cnt(8, 140, 1, 0, 0, 0, 0, 0, 0);
}
END_TEST

/* --- neighbour discovery ------------------------------------------------------ */

START_TEST(test_nd_not_billed)
{
	/* A silent subscriber: its ND with the gateway must bill nothing. */
	struct pkt na = { .src = "2001:db8::5", .dst = "fe80::1",
			  .proto = ICMP6, .sport = 136, .paylen = 24 };
	struct pkt ns = { .src = "fe80::1", .dst = "2001:db8::5",
			  .proto = ICMP6, .sport = 135, .paylen = 24 };
	struct pkt ra = { .src = "fe80::1", .dst = "2001:db8::5",
			  .proto = ICMP6, .sport = 134, .paylen = 48 };
	struct pkt rs = { .ntags = 1, .tpid = { ETH_P_8021Q },
			  .src = "2001:db8::5", .dst = "ff02::2",
			  .proto = ICMP6, .sport = 133 };
	struct pkt redirect = { .src = "fe80::1", .dst = "2001:db8::5",
				.proto = ICMP6, .sport = 137, .paylen = 32 };
	struct pkt echo = { .src = "2001:db8::5", .dst = "2606:4700::1111",
			    .proto = ICMP6, .sport = 128, .paylen = 56 };
	__u64 nm = 0;

	add_pfx("2001:db8::", 64, 4);
	nm += ETH_HLEN + send_pkt(UP, &na, XDP_PASS);
	nm += ETH_HLEN + send_pkt(DOWN, &ns, XDP_PASS);
	nm += ETH_HLEN + send_pkt(DOWN, &ra, XDP_PASS);
	nm += ETH_HLEN + 4 + send_pkt(UP, &rs, XDP_PASS);
	nm += ETH_HLEN + send_pkt(DOWN, &redirect, XDP_PASS);
	assert_cnt(4, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, nm, 5, 0, 0);
	/* Any other ICMPv6 (echo here, type 138 next to ND) is billed. */
	ck_assert_uint_eq(send_pkt(UP, &echo, XDP_PASS), 104);
	echo.sport = 138;
	ck_assert_uint_eq(send_pkt(UP, &echo, XDP_PASS), 104);
	assert_cnt(4, 208, 2, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, nm, 5, 0, 0);
}
END_TEST

/* --- IPv4 direct table (DIR-16) ----------------------------------------------- */

START_TEST(test_dir16_hit)
{
	struct pkt a = { .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2 };
	struct pkt b = { .src = "1.1.1.1", .dst = "10.0.0.5",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 2 };

	add_pfx("10.0.0.5", 32, 1);
	ck_assert_uint_eq(v4dir_get("10.0.0.0"), 1);
	ck_assert_uint_eq(d16st.used, 1);
	ck_assert_uint_eq(d16st.trie_only, 0);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(DOWN, &b, XDP_PASS);
	/* The table answers alone: the trie no longer knows the address. */
	del_pfx4("10.0.0.5", 32);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(DOWN, &b, XDP_PASS);
	assert_cnt(1, 56, 2, 60, 2, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_dir16_longest_in_block)
{
	/* A /24 and a /32 inside it, painted into one block. */
	struct pkt a = { .src = "10.0.3.7", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2 };
	struct pkt b = { .src = "10.0.3.8", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 1 };
	struct pkt c = { .src = "1.1.1.1", .dst = "10.0.3.7",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 2 };
	struct pkt d = { .src = "10.0.4.1", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 3 };

	add_pfx("10.0.3.7", 32, 2);	/* the longer one first: order free */
	add_pfx("10.0.3.0", 24, 1);
	ck_assert_uint_eq(d16st.used, 1);
	/* Taken from the table even with the trie emptied. */
	del_pfx4("10.0.3.7", 32);
	del_pfx4("10.0.3.0", 24);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(UP, &b, XDP_PASS);
	send_pkt(DOWN, &c, XDP_PASS);
	send_pkt(UP, &d, XDP_PASS);	/* slot 0 -> trie -> nobody */
	assert_cnt(2, 28, 1, 30, 1, 0, 0, 0, 0);
	assert_cnt(1, 29, 1, 0, 0, 0, 0, 0, 0);
	assert_gstats(31, 1, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_dir16_short_prefix_trie)
{
	/*
	 * /8../15 are never painted: alone they leave the /16 without a
	 * block; under a painted /24 they are found through slot 0.
	 */
	struct pkt a = { .src = "11.2.3.4", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2 };
	struct pkt b = { .src = "10.1.9.9", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 1 };
	struct pkt c = { .src = "10.1.5.1", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 2 };
	struct pkt d = { .src = "1.1.1.1", .dst = "10.0.200.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 3 };

	add_pfx("11.0.0.0", 8, 3);
	add_pfx("10.0.0.0", 15, 4);
	add_pfx("10.1.5.0", 24, 5);
	ck_assert_uint_eq(v4dir_get("11.2.0.0"), 0);
	ck_assert_uint_eq(v4dir_get("10.0.0.0"), 0);
	ck_assert_uint_ne(v4dir_get("10.1.0.0"), 0);
	ck_assert_uint_eq(d16st.used, 1);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(UP, &b, XDP_PASS);
	send_pkt(UP, &c, XDP_PASS);
	send_pkt(DOWN, &d, XDP_PASS);
	assert_cnt(3, 28, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(4, 29, 1, 31, 1, 0, 0, 0, 0);
	assert_cnt(5, 30, 1, 0, 0, 0, 0, 0, 0);
	assert_gstats(0, 0, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_dir16_no_block)
{
	/* One block for two /16s: the busier gets it, the other the trie. */
	struct pkt a = { .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2 };
	struct pkt b = { .src = "10.7.0.5", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 1 };
	struct pkt c = { .src = "10.7.0.6", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2, .paylen = 2 };

	tagih_meter__destroy(skel);
	skel = NULL;
	ck_assert_int_eq(meter_load_blocks(&skel, 1), 0);
	add_pfx("10.0.0.5", 32, 1);
	ck_assert_uint_eq(v4dir_get("10.0.0.0"), 1);
	add_pfx("10.7.0.5", 32, 2);
	add_pfx("10.7.0.6", 32, 3);
	/* 10.0/16 keeps its block (stable), 10.7/16 waits in the trie. */
	ck_assert_uint_eq(v4dir_get("10.0.0.0"), 1);
	ck_assert_uint_eq(v4dir_get("10.7.0.0"), 0);
	ck_assert_uint_eq(d16st.blocks, 1);
	ck_assert_uint_eq(d16st.used, 1);
	ck_assert_uint_eq(d16st.trie_only, 1);
	send_pkt(UP, &a, XDP_PASS);
	send_pkt(UP, &b, XDP_PASS);
	send_pkt(UP, &c, XDP_PASS);
	assert_cnt(1, 28, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(2, 29, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(3, 30, 1, 0, 0, 0, 0, 0, 0);

	/* 10.0.0.5 goes away: its block is unhooked, cleared, reused. */
	del_pfx4("10.0.0.5", 32);
	memmove(v4pfx, v4pfx + 1, --nv4 * sizeof(v4pfx[0]));
	dir16_resync();
	ck_assert_uint_eq(v4dir_get("10.0.0.0"), 0);
	ck_assert_uint_eq(v4dir_get("10.7.0.0"), 1);
	ck_assert_uint_eq(d16st.trie_only, 0);
	send_pkt(UP, &a, XDP_PASS);	/* nobody's now */
	del_pfx4("10.7.0.5", 32);	/* from the table alone */
	send_pkt(UP, &b, XDP_PASS);
	assert_cnt(1, 28, 1, 0, 0, 0, 0, 0, 0);
	assert_cnt(2, 58, 2, 0, 0, 0, 0, 0, 0);
	assert_gstats(28, 1, 0, 0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_dir16_none)
{
	/* v4_blocks = 0: a one-slot block map, everything from the trie. */
	struct pkt a = { .src = "10.0.0.5", .dst = "1.1.1.1",
			 .proto = UDP, .sport = 1, .dport = 2 };

	tagih_meter__destroy(skel);
	skel = NULL;
	ck_assert_int_eq(meter_load_blocks(&skel, 0), 0);
	add_pfx("10.0.0.5", 32, 1);
	ck_assert_uint_eq(d16st.blocks, 0);
	ck_assert_uint_eq(d16st.trie_only, 1);
	ck_assert_uint_eq(v4dir_get("10.0.0.0"), 0);
	send_pkt(UP, &a, XDP_PASS);
	assert_cnt(1, 28, 1, 0, 0, 0, 0, 0, 0);
}
END_TEST

/* The plain metering cases; run trie-only and with the direct table. */
static TCase *meter_tcase(const char *name, void (*fixture)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, fixture, teardown);
	tcase_add_test(tc, test_ipv4_up_down);
	tcase_add_test(tc, test_direction);
	tcase_add_test(tc, test_ipv6_56);
	tcase_add_test(tc, test_vlan);
	tcase_add_test(tc, test_three_tags);
	tcase_add_test(tc, test_non_ip);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_ihl);
	tcase_add_test(tc, test_ethernet_padding);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_longest_prefix);
	tcase_add_test(tc, test_bad_uid);
	tcase_add_test(tc, test_nd_not_billed);
	return tc;
}

static TCase *isolir_tcase(const char *name, void (*fixture)(void))
{
	TCase *ti = tcase_create(name);

	tcase_add_checked_fixture(ti, fixture, teardown);
	tcase_add_test(ti, test_isolir_ipv4);
	tcase_add_test(ti, test_isolir_ipv6);
	tcase_add_test(ti, test_isolir_lifted);
	tcase_add_test(ti, test_isolir_then_restore);
	return ti;
}

static Suite *meter_suite(void)
{
	Suite *s = suite_create("bpf_meter");
	TCase *td = tcase_create("dir16");

	suite_add_tcase(s, meter_tcase("meter", setup));
	suite_add_tcase(s, isolir_tcase("isolir", setup));
	suite_add_tcase(s, meter_tcase("meter+dir16", setup_dir16));
	suite_add_tcase(s, isolir_tcase("isolir+dir16", setup_dir16));
	suite_add_tcase(s, meter_tcase("meter/tc", setup_tc));
	suite_add_tcase(s, isolir_tcase("isolir/tc", setup_tc));
	suite_add_tcase(s, meter_tcase("meter+dir16/tc-lan_down",
				       setup_tc_lan_down_dir16));
	suite_add_tcase(s, isolir_tcase("isolir+dir16/tc-lan_down",
					setup_tc_lan_down_dir16));

	tcase_add_checked_fixture(td, setup_dir16, teardown);
	tcase_add_test(td, test_dir16_hit);
	tcase_add_test(td, test_dir16_longest_in_block);
	tcase_add_test(td, test_dir16_short_prefix_trie);
	tcase_add_test(td, test_dir16_no_block);
	tcase_add_test(td, test_dir16_none);
	suite_add_tcase(s, td);
	return s;
}

int main(void)
{
	return bpffix_main(meter_suite);
}
