/* SPDX-License-Identifier: GPL-2.0 */
/* bpffix.h - fixtures shared by the BPF_PROG_TEST_RUN suites: an unpinned meter, map set-up, per-CPU sums, crafted frames, XDP or tc runs, a main that skips without BPF. */
#ifndef TAGIH_BPFFIX_H
#define TAGIH_BPFFIX_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/ppp_defs.h>

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
/*
 * The ifindex tc test skbs say they came in on (skb->ingress_ifindex),
 * loaded into tagih_wanif as the agent loads its wan interfaces, so
 * tagih_lan_down meters them.
 */
#define BPFFIX_WAN_IFINDEX	7

static inline int bpffix_wanif(struct tagih_meter *s, __u32 ifindex)
{
	__u32 one = 1;

	return bpf_map__update_elem(s->maps.tagih_wanif, &ifindex,
				    sizeof(ifindex), &one, sizeof(one), 0);
}

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
	err = bpffix_wanif(s, BPFFIX_WAN_IFINDEX);
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

/* Puts addr/plen -> uid into tagih_pfx4 or tagih_pfx6 (the trie only). */
static inline void trie_put(const char *addr, __u32 plen, __u32 uid)
{
	struct tagih_pfx_val v = { .uid = uid };

	if (strchr(addr, ':')) {
		struct tagih_lpm6 k = { .prefixlen = plen };

		ck_assert_int_eq(inet_pton(AF_INET6, addr, k.addr), 1);
		ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_pfx6,
						      &k, sizeof(k), &v,
						      sizeof(v), BPF_ANY), 0);
	} else {
		struct tagih_lpm4 k = { .prefixlen = plen };

		ck_assert_int_eq(inet_pton(AF_INET, addr, k.addr), 1);
		ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_pfx4,
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

#define assert_cnt(uid, ub, up, db, dp, dub, dup, ddb, ddp)                  \
	do {                                                                 \
		struct tagih_cnt c_ = cnt_sum(uid);                          \
		ck_assert_uint_eq(c_.up_bytes, (ub));                        \
		ck_assert_uint_eq(c_.up_pkts, (up));                         \
		ck_assert_uint_eq(c_.down_bytes, (db));                      \
		ck_assert_uint_eq(c_.down_pkts, (dp));                       \
		ck_assert_uint_eq(c_.drop_up_bytes, (dub));                  \
		ck_assert_uint_eq(c_.drop_up_pkts, (dup));                   \
		ck_assert_uint_eq(c_.drop_down_bytes, (ddb));                \
		ck_assert_uint_eq(c_.drop_down_pkts, (ddp));                 \
	} while (0)

static inline void assert_gstats(__u64 unk_up_b, __u64 unk_up_p,
				 __u64 unk_down_b, __u64 unk_down_p,
				 __u64 nm_b, __u64 nm_p, __u64 bad_b,
				 __u64 bad_p)
{
	assert_gstat(TAGIH_G_UNKNOWN_UP, unk_up_b, unk_up_p);
	assert_gstat(TAGIH_G_UNKNOWN_DOWN, unk_down_b, unk_down_p);
	assert_gstat(TAGIH_G_NOT_METERED, nm_b, nm_p);
	assert_gstat(TAGIH_G_BAD_UID, bad_b, bad_p);
}

/* --- frames ---------------------------------------------------------------- */

static inline void put16(__u8 *p, __u16 v)
{
	memcpy(p, &v, sizeof(v));
}

#define PPPOE_SID	0x2a17	/* session id of crafted PPPoE frames */

/* One crafted packet. */
struct pkt {
	int ntags;
	__u16 tpid[3];		/* outer first */
	int pppoe;		/* inside a PPPoE session (after the tags) */
	const char *src;	/* IPv6 when it holds a ':' */
	const char *dst;
	__u8 proto;		/* IPPROTO_UDP, _TCP, _ICMP, _ICMPV6 */
	__u16 sport;		/* TCP/UDP; ICMP type for ICMP/ICMPv6 */
	__u16 dport;
	__u16 paylen;		/* L4 payload */
	int frag;		/* IPv4: non-first fragment (offset 185) */
};

/* Bytes before the IP header: Ethernet, tags, PPPoE + PPP protocol. */
static inline int pkt_l2len(const struct pkt *p)
{
	return ETH_HLEN + 4 * p->ntags + (p->pppoe ? 8 : 0);
}

/*
 * Writes the frame into @buf (2048 bytes), returns the frame length;
 * *@iplen gets the billed length (IP length).  A PPPoE frame carries the
 * PPPoE session header (ver/type 0x11, code 0, PPPOE_SID, length = IP
 * length + 2) and the PPP protocol (0x0021 / 0x0057) right after the tags,
 * at pkt_l2len(p) - 8.
 */
static inline int build(__u8 *buf, const struct pkt *p, __u32 *iplen)
{
	static const __u8 dmac[6] = { 2, 0, 0, 0, 0, 1 };
	static const __u8 smac[6] = { 2, 0, 0, 0, 0, 2 };
	int v6 = strchr(p->src, ':') != NULL;
	int off = 12, i, l4len;
	__u8 *l4;

	memset(buf, 0, 2048);
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	for (i = 0; i < p->ntags; i++) {
		put16(buf + off, htons(p->tpid[i]));
		put16(buf + off + 2, htons(100 + i));	/* VLAN id */
		off += 4;
	}

	switch (p->proto) {
	case IPPROTO_TCP:
		l4len = 20;
		break;
	default:	/* UDP, ICMP, ICMPv6: 8-byte header */
		l4len = 8;
		break;
	}
	l4len += p->paylen;
	*iplen = (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) + l4len;

	if (p->pppoe) {
		put16(buf + off, htons(ETH_P_PPP_SES));
		buf[off + 2] = 0x11;
		buf[off + 3] = 0;
		put16(buf + off + 4, htons(PPPOE_SID));
		put16(buf + off + 6, htons(*iplen + 2));
		put16(buf + off + 8, htons(v6 ? PPP_IPV6 : PPP_IP));
		off += 10;
	} else {
		put16(buf + off, htons(v6 ? ETH_P_IPV6 : ETH_P_IP));
		off += 2;
	}

	/* Headers are built in aligned locals: frames are not aligned. */
	if (v6) {
		struct ipv6hdr ip6 = { .version = 6, .nexthdr = p->proto,
				       .hop_limit = 64 };

		ip6.payload_len = htons(l4len);
		ck_assert_int_eq(inet_pton(AF_INET6, p->src, &ip6.saddr), 1);
		ck_assert_int_eq(inet_pton(AF_INET6, p->dst, &ip6.daddr), 1);
		memcpy(buf + off, &ip6, sizeof(ip6));
		l4 = buf + off + sizeof(ip6);
	} else {
		struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64,
				    .protocol = p->proto };

		ip.tot_len = htons(*iplen);
		if (p->frag)
			ip.frag_off = htons(185);
		ck_assert_int_eq(inet_pton(AF_INET, p->src, &ip.saddr), 1);
		ck_assert_int_eq(inet_pton(AF_INET, p->dst, &ip.daddr), 1);
		memcpy(buf + off, &ip, sizeof(ip));
		l4 = buf + off + sizeof(ip);
	}
	if (p->frag) {
		memset(l4, 0xab, 8);	/* payload, not a header */
	} else if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		put16(l4, htons(p->sport));
		put16(l4 + 2, htons(p->dport));
		if (p->proto == IPPROTO_TCP)
			l4[12] = 5 << 4;	/* data offset: 20 bytes */
	} else {
		l4[0] = p->sport;	/* ICMP type */
	}
	return off + *iplen;
}

/* --- running the programs ------------------------------------------------- */

/*
 * Which programs a suite runs: the XDP ones, or the tc ones on the same
 * frames (downloads by tagih_wan_tc, or by tagih_lan_down, the LAN-egress
 * program of the NAT case).  Fixtures set it after loading; the actions
 * the tests see are XDP's either way (run_raw() translates).
 */
enum fix_hook {
	HOOK_XDP = 0,
	HOOK_TC,		/* tagih_lan_tc + tagih_wan_tc */
	HOOK_TC_LAN_DOWN,	/* tagih_lan_tc + tagih_lan_down */
};
static int hook;
/* skb->ingress_ifindex of the tc test runs (tagih_lan_down filters on it) */
static __u32 bpffix_in_ifindex = BPFFIX_WAN_IFINDEX;

static inline struct bpf_program *prog_of(int dir)
{
	switch (hook) {
	case HOOK_TC:
		return dir == UP ? skel->progs.tagih_lan_tc :
				   skel->progs.tagih_wan_tc;
	case HOOK_TC_LAN_DOWN:
		return dir == UP ? skel->progs.tagih_lan_tc :
				   skel->progs.tagih_lan_down;
	default:
		return dir == UP ? skel->progs.tagih_lan :
				   skel->progs.tagih_wan;
	}
}

/*
 * Runs tc program @prog on the @len-byte frame @buf as an skb whose
 * shared info says gso_size / gso_segs (0, 0: not GSO); *@ret gets the
 * tc action.  Returns 0 or -errno.
 */
static inline int try_run_skb(struct bpf_program *prog, void *buf, __u32 len,
			      __u32 gso_size, __u32 gso_segs, int *ret)
{
	struct __sk_buff ctx = { .gso_size = gso_size, .gso_segs = gso_segs,
				 .ingress_ifindex = bpffix_in_ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err;
	*ret = (int)opts.retval;
	return 0;
}

/* A tc action as the XDP action it stands for; 0xdead for any other. */
static inline __u32 tc_as_xdp(int ret)
{
	if (ret == TC_ACT_UNSPEC)
		return XDP_PASS;
	if (ret == TC_ACT_SHOT)
		return XDP_DROP;
	return 0xdead;
}

/*
 * Runs @prog on @len bytes of @buf, the first @meta of which are XDP
 * metadata (so frames shorter than ETH_HLEN can be tested); *@act gets the
 * XDP action.  A tc program has no metadata: it runs on the @len - @meta
 * bytes after it, and the action is translated with tc_as_xdp().
 */
static inline int try_run(struct bpf_program *prog, void *buf, __u32 len,
			  __u32 meta, __u32 *act)
{
	struct xdp_md ctx = { .data = meta, .data_end = len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = len, .repeat = 1);
	int err, ret;

	if (bpf_program__type(prog) == BPF_PROG_TYPE_SCHED_CLS) {
		err = try_run_skb(prog, (__u8 *)buf + meta, len - meta, 0, 0,
				  &ret);
		if (!err)
			*act = tc_as_xdp(ret);
		return err;
	}
	if (meta) {
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err;
	*act = opts.retval;
	return 0;
}

static inline __u32 run_raw(struct bpf_program *prog, void *buf, __u32 len,
			    __u32 meta)
{
	__u32 act = 0;
	int err = try_run(prog, buf, len, meta, &act);

	ck_assert_msg(err == 0, "bpf_prog_test_run_opts(%s, %u bytes): %s",
		      bpf_program__name(prog), len - meta, strerror(-err));
	return act;
}

/* Builds @p, runs it in @dir, checks the action; returns the IP length. */
static inline __u32 send_pkt(int dir, const struct pkt *p, __u32 want)
{
	__u8 buf[2048];
	__u32 iplen, act;
	int len = build(buf, p, &iplen);

	act = run_raw(prog_of(dir), buf, len, 0);
	ck_assert_msg(act == want,
		      "%s %s%s -> %s proto %u %u->%u: action %u, want %u",
		      dir == UP ? "LAN" : "WAN", p->pppoe ? "PPPoE " : "",
		      p->src, p->dst, p->proto, p->sport, p->dport, act, want);
	return iplen;
}

/* --- main ------------------------------------------------------------------ */

/*
 * Can this process load BPF at all?  The verifier refuses a program with
 * EACCES too, so a refused meter is only a skip when a two-instruction
 * XDP program is refused as well.
 */
static inline int bpffix_can_load(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "GPL", insns, 2, NULL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

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
	if ((err == -EPERM || err == -EACCES) && !bpffix_can_load()) {
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
