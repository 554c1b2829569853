// SPDX-License-Identifier: GPL-2.0
/* tagih_meter.bpf.c - XDP meter: per-subscriber byte counters and isolir. */

/*
 * Two programs share one parser and one metering function:
 *
 *   tagih_lan  on the access (subscriber) side: key = source address,
 *              counts up_bytes/up_pkts.
 *   tagih_wan  on the upstream side: key = destination address,
 *              counts down_bytes/down_pkts.
 *
 * Frames: Ethernet, then at most two VLAN tags (802.1Q 0x8100 and 802.1ad
 * 0x88a8 in any order), then IPv4 or IPv6.  Anything else (ARP, other
 * ethertypes, a third VLAN tag, a truncated header, IPv4 ihl < 5, or an IP
 * length that claims more bytes than the frame holds) is passed untouched
 * and counted in TAGIH_G_NOT_METERED with the frame length.  The kernel's
 * own IP input drops frames whose IP length exceeds the frame, so passing
 * them costs nothing; not billing them stops anybody on the WAN side from
 * inflating a subscriber's bill with short frames that claim 64 KiB.
 *
 * Billed length is the IP length: IPv4 tot_len, IPv6 40 + payload_len.
 * It does not depend on VLAN tags or Ethernet padding, so the same packet
 * costs the same on the LAN side and on the WAN side, and matches what the
 * subscriber's router counts.
 *
 * Subscriber lookup: longest-prefix match in tagih_pfx4 / tagih_pfx6 gives
 * a uid, the index into tagih_cnt (per-CPU counters) and tagih_policy.
 * IPv4 asks a DIR-16 direct table first: blk = tagih_v4dir[addr >> 16];
 * if blk != 0, uid = tagih_v4blk[(blk - 1) * 65536 + (addr & 0xffff)].
 * Two inlined array loads instead of a ~17-node trie walk.  Userspace
 * (agent/maps/dir16.c) paints every prefix of length >= 16 into its /16's
 * block, shorter first, so a non-zero uid there is the longest match among
 * those prefixes, and no longer prefix exists outside the painting: it is
 * the longest match, full stop.  uid 0, no block, or a block number past
 * the map fall back to the trie, which holds ALL prefixes and stays the
 * source of truth: a table that is empty, stale-zero or short of blocks
 * costs time, never correctness.
 * IPv6 asks a hash of /64s first: tagih_v6h64[top 64 address bits].
 * Userspace (agent/maps/v6hash.c) paints every prefix of length 56..64 as
 * its /64s, shorter first, and marks TAGIH_V6_TRIE every painted /64
 * that holds a prefix longer than /64; prefixes shorter than /56 are not
 * painted.  So a uid found there is the longest match (a shorter prefix
 * cannot beat a painted one, a longer one would have left the mark), and
 * one hash lookup replaces the trie walk (~17 nodes).  A miss or
 * TAGIH_V6_TRIE asks the trie, as above.
 *   - no prefix matches        -> TAGIH_G_UNKNOWN_UP / _DOWN, XDP_PASS
 *   - uid 0 or past tagih_cnt  -> TAGIH_G_BAD_UID, XDP_PASS
 * Counters are per-CPU, so a plain += is exact; userspace sums the CPUs.
 *
 * Isolir (tagih_policy[uid].state == TAGIH_ST_ISOLIR): only the walled
 * garden is reachable.  LAN side (up) a packet passes when
 *   - its destination matches a tagih_garden4/6 entry whose port is 0 (any)
 *     or equals the TCP/UDP destination port; resolvers are garden entries
 *     with port 53, so DNS over UDP and TCP to them passes;
 *   - it is DHCP: UDP 68 -> 67;
 *   - it is ICMPv6 types 133..137 (router/neighbour discovery, redirect).
 * WAN side (down) is the mirror: source in the garden with port 0 or port
 * equal to the TCP/UDP source port (DNS replies from port 53), UDP 67 -> 68,
 * ICMPv6 133..137.  ICMPv6 133..137 is handled before any lookup, for
 * everybody: it is passed and counted in TAGIH_G_NOT_METERED (frame
 * length), never billed, so a silent subscriber's neighbour advertisement
 * to the gateway stays at 0 bytes, and a suspended one keeps its link.
 * Allowed packets are billed as usual; everything else is
 * XDP_DROP and counted only in drop_up_* / drop_down_*, never billed.
 * Limits, by design: non-first IPv4 fragments carry no ports, so only
 * port-0 garden entries let them through; IPv6 extension headers are not
 * walked, only the fixed header's nexthdr is looked at (a fragmented or
 * extension-header packet from a suspended subscriber matches only port-0
 * garden entries, like an IPv4 fragment).  One garden prefix has one port;
 * the longest matching prefix decides.
 *
 * Full maps: every map is preallocated or bounded by max_entries; the LPM
 * tries (BPF_F_NO_PREALLOC) refuse a new prefix when full and userspace
 * sees the update fail with E2BIG/ENOSPC, which the agent and the CLI
 * report.  There are no LRU maps: a subscriber is never silently evicted.
 * Userspace may resize tagih_cnt, tagih_policy, the prefix tries,
 * tagih_v4blk and tagih_v6h64 with bpf_map__set_max_entries() before
 * load; no code path here assumes a size.  tagih_v6h64 (a hash,
 * BPF_F_NO_PREALLOC) refuses new /64s when full: the agent stops painting,
 * logs it once and counts it; those /64s are looked up in the trie.  tagih_v4dir and tagih_v4blk are plain arrays
 * (BPF_F_MMAPABLE, so the agent diffs and writes them in place): they
 * cannot fill; /16s beyond the block budget are left to the trie, and
 * the agent logs and counts them.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bpf/tagih.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

#define TAGIH_MAX_VLAN	2
#define IP_OFFSET_MASK	0x1fff
#define ICMPV6_PROTO	58

/* Constant direction argument of tagih_meter(). */
#define DIR_UP		0	/* LAN side: key = source address */
#define DIR_DOWN	1	/* WAN side: key = destination address */

char LICENSE[] SEC("license") = "GPL";

struct tagih_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct tagih_lpm4);
	__type(value, struct tagih_pfx_val);
	__uint(max_entries, TAGIH_DEF_MAX_PFX4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_pfx4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct tagih_lpm6);
	__type(value, struct tagih_pfx_val);
	__uint(max_entries, TAGIH_DEF_MAX_PFX6);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_pfx6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_cnt);
	__uint(max_entries, TAGIH_DEF_MAX_SUBS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_policy);
	__uint(max_entries, TAGIH_DEF_MAX_SUBS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_gstat);
	__uint(max_entries, TAGIH_G_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_gstat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct tagih_lpm4);
	__type(value, struct tagih_garden_val);
	__uint(max_entries, TAGIH_MAX_GARDEN);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_garden4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct tagih_lpm6);
	__type(value, struct tagih_garden_val);
	__uint(max_entries, TAGIH_MAX_GARDEN);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_garden6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);	/* block number, 1-based; 0 = none */
	__uint(max_entries, TAGIH_V4_DIR_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_v4dir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);	/* uid; 0 = ask the trie */
	__uint(max_entries, TAGIH_DEF_V4_BLOCKS * TAGIH_V4_BLOCK_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_v4blk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);	/* top 64 address bits, network order bytes */
	__type(value, __u32);	/* uid, or TAGIH_V6_TRIE */
	__uint(max_entries, TAGIH_DEF_V6_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_v6h64 SEC(".maps");

/* What the parser found; pointers point into the packet. */
struct tagih_pkt {
	void *saddr;	/* 4 or 16 bytes, bounds checked */
	void *daddr;
	void *l4;	/* L4 header, NULL for non-first IPv4 fragments */
	__u32 iplen;	/* billed length */
	__u32 l4room;	/* IP bytes from l4 to the end of the IP packet */
	__u8 l4proto;
	__u8 v6;
};

static __always_inline void gstat_add(__u32 idx, __u64 bytes)
{
	struct tagih_gstat *g = bpf_map_lookup_elem(&tagih_gstat, &idx);

	if (g) {
		g->bytes += bytes;
		g->pkts += 1;
	}
}

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

/* Returns 0 when @p describes an IPv4/IPv6 packet, -1 otherwise. */
static __always_inline int parse(void *data, void *data_end,
				 struct tagih_pkt *p)
{
	struct ethhdr *eth = data;
	struct tagih_vlan_hdr *vh;
	void *cur;
	__be16 proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return -1;
	proto = eth->h_proto;
	cur = eth + 1;

#pragma unroll
	for (i = 0; i < TAGIH_MAX_VLAN; i++) {
		if (!is_vlan(proto))
			break;
		vh = cur;
		if ((void *)(vh + 1) > data_end)
			return -1;
		proto = vh->encap_proto;
		cur = vh + 1;
	}

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = cur;
		__u32 hlen;

		if ((void *)(iph + 1) > data_end)
			return -1;
		hlen = iph->ihl * 4;
		if (hlen < sizeof(*iph))
			return -1;
		p->iplen = bpf_ntohs(iph->tot_len);
		if (p->iplen < hlen || cur + p->iplen > data_end)
			return -1;
		p->saddr = &iph->saddr;
		p->daddr = &iph->daddr;
		p->l4proto = iph->protocol;
		p->v6 = 0;
		if (iph->frag_off & bpf_htons(IP_OFFSET_MASK)) {
			p->l4 = NULL;
			p->l4room = 0;
		} else {
			p->l4 = cur + hlen;
			p->l4room = p->iplen - hlen;
		}
		return 0;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = cur;

		if ((void *)(ip6h + 1) > data_end)
			return -1;
		p->l4room = bpf_ntohs(ip6h->payload_len);
		p->iplen = sizeof(*ip6h) + p->l4room;
		if (cur + p->iplen > data_end)
			return -1;
		p->saddr = &ip6h->saddr;
		p->daddr = &ip6h->daddr;
		p->l4proto = ip6h->nexthdr;
		p->l4 = ip6h + 1;
		p->v6 = 1;
		return 0;
	}
	return -1;
}

/* IPv4 uid from the DIR-16 table, 0 when the trie must answer. */
static __always_inline __u32 v4dir_uid(void *addr)
{
	__u32 a = bpf_ntohl(*(__u32 *)addr);
	__u32 hi = a >> 16, idx, *blk, *uid;

	blk = bpf_map_lookup_elem(&tagih_v4dir, &hi);
	if (!blk || !*blk)
		return TAGIH_UID_NONE;
	idx = ((*blk - 1) << 16) | (a & 0xffff);
	uid = bpf_map_lookup_elem(&tagih_v4blk, &idx);
	return uid ? *uid : TAGIH_UID_NONE;
}

/* IPv6 uid from the /64 hash, 0 when the trie must answer. */
static __always_inline __u32 v6h64_uid(void *addr)
{
	__u64 key = *(__u64 *)addr;	/* 2-aligned: fine, as in v4dir_uid */
	__u32 *uid;

	uid = bpf_map_lookup_elem(&tagih_v6h64, &key);
	if (!uid || *uid == TAGIH_V6_TRIE)
		return TAGIH_UID_NONE;
	return *uid;
}

/* Longest match of addr in the IPv4 or IPv6 trie of a pair (m4, m6). */
static __always_inline void *lpm_lookup(struct tagih_pkt *p, void *addr,
					void *m4, void *m6)
{
	if (p->v6) {
		struct tagih_lpm6 k6 = { .prefixlen = 128 };

		__builtin_memcpy(k6.addr, addr, sizeof(k6.addr));
		return bpf_map_lookup_elem(m6, &k6);
	} else {
		struct tagih_lpm4 k4 = { .prefixlen = 32 };

		__builtin_memcpy(k4.addr, addr, sizeof(k4.addr));
		return bpf_map_lookup_elem(m4, &k4);
	}
}

/* The walled garden of a suspended subscriber: 1 = let it through. */
static __always_inline int isolir_allows(struct tagih_pkt *p, void *data_end,
					 const int dir)
{
	struct tagih_garden_val *g;
	int sport = -1, dport = -1;
	__u8 *l4 = p->l4;

	if (!l4)
		goto garden;

	if ((p->l4proto == IPPROTO_TCP || p->l4proto == IPPROTO_UDP) &&
	    p->l4room >= 4 && (void *)(l4 + 4) <= data_end) {
		struct udphdr *uh = (void *)l4;

		sport = bpf_ntohs(uh->source);
		dport = bpf_ntohs(uh->dest);
	}

	if (p->l4proto == IPPROTO_UDP) {
		if (dir == DIR_UP && sport == 68 && dport == 67)
			return 1;
		if (dir == DIR_DOWN && sport == 67 && dport == 68)
			return 1;
	}

garden:
	g = lpm_lookup(p, dir == DIR_UP ? p->daddr : p->saddr, &tagih_garden4,
		       &tagih_garden6);
	if (!g)
		return 0;
	if (g->port == 0)
		return 1;
	return g->port == (dir == DIR_UP ? dport : sport);
}

/* ICMPv6 router/neighbour discovery and redirect (types 133..137)? */
static __always_inline int is_nd(struct tagih_pkt *p, void *data_end)
{
	__u8 *l4 = p->l4;

	return p->l4proto == ICMPV6_PROTO && p->l4room >= 1 &&
	       (void *)(l4 + 1) <= data_end && l4[0] >= 133 && l4[0] <= 137;
}

static __always_inline int tagih_meter(struct xdp_md *ctx, const int dir)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct tagih_policy *pol;
	struct tagih_pfx_val *pv;
	struct tagih_cnt *c;
	struct tagih_pkt p;
	void *addr;
	__u32 uid;

	if (parse(data, data_end, &p) < 0) {
		gstat_add(TAGIH_G_NOT_METERED, bpf_xdp_get_buff_len(ctx));
		return XDP_PASS;
	}

	addr = dir == DIR_UP ? p.saddr : p.daddr;
	uid = TAGIH_UID_NONE;
	if (!p.v6) {
		uid = v4dir_uid(addr);
	} else if (is_nd(&p, data_end)) {
		gstat_add(TAGIH_G_NOT_METERED, bpf_xdp_get_buff_len(ctx));
		return XDP_PASS;
	} else {
		uid = v6h64_uid(addr);
	}
	if (uid == TAGIH_UID_NONE) {
		pv = lpm_lookup(&p, addr, &tagih_pfx4, &tagih_pfx6);
		if (!pv) {
			gstat_add(dir == DIR_UP ? TAGIH_G_UNKNOWN_UP :
						  TAGIH_G_UNKNOWN_DOWN,
				  p.iplen);
			return XDP_PASS;
		}
		uid = pv->uid;
	}
	c = uid != TAGIH_UID_NONE ? bpf_map_lookup_elem(&tagih_cnt, &uid) :
				    NULL;
	if (!c) {
		gstat_add(TAGIH_G_BAD_UID, p.iplen);
		return XDP_PASS;
	}

	pol = bpf_map_lookup_elem(&tagih_policy, &uid);
	if (pol && pol->state == TAGIH_ST_ISOLIR &&
	    !isolir_allows(&p, data_end, dir)) {
		if (dir == DIR_UP) {
			c->drop_up_bytes += p.iplen;
			c->drop_up_pkts += 1;
		} else {
			c->drop_down_bytes += p.iplen;
			c->drop_down_pkts += 1;
		}
		return XDP_DROP;
	}

	if (dir == DIR_UP) {
		c->up_bytes += p.iplen;
		c->up_pkts += 1;
	} else {
		c->down_bytes += p.iplen;
		c->down_pkts += 1;
	}
	return XDP_PASS;
}

SEC("xdp")
int tagih_lan(struct xdp_md *ctx)
{
	return tagih_meter(ctx, DIR_UP);
}

SEC("xdp")
int tagih_wan(struct xdp_md *ctx)
{
	return tagih_meter(ctx, DIR_DOWN);
}
