// SPDX-License-Identifier: GPL-2.0
/* tagih_meter.bpf.c - the meter, as XDP and tc programs: per-subscriber byte counters and isolir. */

/*
 * Five programs share one parser (bpf/tagih_parse.h) and one metering
 * function:
 *
 *   tagih_lan       XDP, access (subscriber) side: key = source address,
 *                   counts up_bytes/up_pkts.
 *   tagih_wan       XDP, upstream side: key = destination address, counts
 *                   down_bytes/down_pkts.
 *   tagih_lan_tc    tc (SCHED_CLS), ingress of a lan interface: as
 *                   tagih_lan, for virtual devices where generic XDP would
 *                   linearise GRO packets.
 *   tagih_wan_tc    tc, ingress of a wan interface: as tagih_wan.
 *   tagih_lan_down  tc, egress of a lan interface: key = destination
 *                   address, counts down_*: downloads after the gateway's
 *                   own NAT has put the subscriber's private address back.
 *
 * The tc programs pass with TC_ACT_UNSPEC (tcx: TCX_NEXT), so programs
 * after them in the chain still run, and drop with TC_ACT_SHOT.
 *
 * Frames: Ethernet, then at most two VLAN tags (802.1Q 0x8100 and 802.1ad
 * 0x88a8 in any order), then IPv4 or IPv6, plain or inside a PPPoE session
 * (metered by the inner address, isolir as on plain IP).  PPPoE discovery
 * and PPP link control (LCP, PAP, CHAP, IPCP, IPV6CP) are passed and
 * counted in TAGIH_G_PPP_CTRL (frame length), never billed; ppp_ctrl()
 * below is the one place they go through.  Anything else (ARP, other
 * ethertypes, a third VLAN tag, a truncated header, IPv4 ihl < 5, an IP
 * length that claims more bytes than the frame or the PPPoE payload holds,
 * malformed PPPoE or an unknown PPP protocol) is passed untouched and
 * counted in TAGIH_G_NOT_METERED with the frame length.  The kernel's
 * own IP input drops frames whose IP length exceeds the frame, so passing
 * them costs nothing; not billing them stops anybody on the WAN side from
 * inflating a subscriber's bill with short frames that claim 64 KiB.
 *
 * Billed length is the IP length: IPv4 tot_len, IPv6 40 + payload_len
 * (inside PPPoE: the inner IP length).  It does not depend on VLAN tags,
 * PPPoE or Ethernet padding, so the same packet costs the same on the LAN
 * side and on the WAN side, and matches what the subscriber's router
 * counts.  In tc, a GSO packet (skb gso_size != 0) is billed skb->len
 * minus its L2 header and counts gso_segs packets (computed from gso_size
 * when the stack left it 0, as for packets from a VM's virtio); its IP
 * length field is not used, so BIG TCP (IPv4 tot_len 0, IPv6 payload_len
 * 0) is billed right.
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
 * IPv6 asks a direct-mapped table of /64s first (tagih_v6dm, see
 * tagih.h: one inlined array load and a tag compare), then a hash of /64s:
 * tagih_v6h64[top 64 address bits].  The table holds only what the hash
 * holds, so it answers the same, faster.
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
 * Allowed packets are billed as usual; everything else is dropped
 * (XDP_DROP, TC_ACT_SHOT) and counted only in drop_up_* / drop_down_*,
 * never billed.  tagih_lan_down enforces it on downloads as tagih_wan does,
 * after de-NAT.
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
 * logs it once and counts it; those /64s are looked up in the trie.
 * tagih_v4dir, tagih_v4blk and tagih_v6dm are plain arrays
 * (BPF_F_MMAPABLE, so userspace diffs and writes them in place): they
 * cannot fill; /16s beyond the block budget are left to the trie, and
 * the agent logs and counts them; /64s that share a tagih_v6dm slot with
 * a painted one are left to tagih_v6h64.  tagih_v6dm is either
 * TAGIH_V6DM_SLOTS entries or TAGIH_V6DM_OFF_ENTRIES (off).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bpf/tagih.h"
#include "bpf/tagih_parse.h"

#define ICMPV6_PROTO	58

/* Constant direction argument of tagih_meter(). */
#define DIR_UP		0	/* LAN side: key = source address */
#define DIR_DOWN	1	/* WAN side: key = destination address */

/* Verdict of tagih_meter(), turned into XDP or tc actions. */
#define VERDICT_PASS	0
#define VERDICT_DROP	1

/*
 * Bytes tc makes linear when a header lies past the skb's linear data:
 * Ethernet + 2 tags + PPPoE/PPP + a 60-byte IPv4 header + a TCP header
 * up to its data offset (14 + 8 + 8 + 60 + 13 = 103).
 */
#define TC_PULL_LEN	104

char LICENSE[] SEC("license") = "GPL";

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
	__uint(max_entries, TAGIH_G_SLOTS);
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
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);	/* tag << TAGIH_V6DM_BITS | uid; 0 = ask the hash */
	__uint(max_entries, TAGIH_V6DM_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_v6dm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);	/* top 64 address bits, network order bytes */
	__type(value, __u32);	/* uid, or TAGIH_V6_TRIE */
	__uint(max_entries, TAGIH_DEF_V6_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_v6h64 SEC(".maps");

/*
 * The wan interfaces, by ifindex (written by the agent): tagih_lan_down
 * bills only packets that came in on one of them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);	/* ifindex */
	__type(value, __u32);	/* 1 */
	__uint(max_entries, TAGIH_MAX_WANIF);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_wanif SEC(".maps");

static __always_inline void gstat_add(__u32 idx, __u64 bytes, __u32 pkts)
{
	struct tagih_gstat *g = bpf_map_lookup_elem(&tagih_gstat, &idx);

	if (g) {
		g->bytes += bytes;
		g->pkts += pkts;
	}
}

/*
 * PPPoE discovery and PPP link control (p->ppp points at the PPPoE
 * header, p->ppp_proto is the PPP protocol, 0 for discovery): passed and
 * never billed, counted here.  Address learning (PPPoE session id, IPCP
 * and IPV6CP addresses) hooks in at this one place.
 */
static __always_inline void ppp_ctrl(struct tagih_pkt *p, void *data_end,
				     __u32 framelen, __u32 pkts)
{
	gstat_add(TAGIH_G_PPP_CTRL, framelen, pkts);
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

/*
 * IPv6 uid from the /64 direct-mapped table (tagih.h), then the /64 hash;
 * 0 when the trie must answer.  The table is an inlined array load, the
 * hash a call: the table answers most /64s, the hash the rest.
 */
static __always_inline __u32 v6h64_uid(void *addr)
{
	__u64 key = *(__u64 *)addr;	/* 2-aligned: fine, as in v4dir_uid */
	__u64 h = tagih_v6dm_hash(key), *e;
	__u32 slot = tagih_v6dm_slot(h), *uid, u;

	e = bpf_map_lookup_elem(&tagih_v6dm, &slot);
	if (e) {
		u = tagih_v6dm_match(*e, h);
		if (u != TAGIH_UID_NONE)
			return u;
	}
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

/*
 * Meters one parsed frame (@kind, @p from tagih_parse()) of @len bytes,
 * @segs packets on the wire, whose headers lie before @data_end.  Returns
 * VERDICT_PASS or VERDICT_DROP.
 */
#include "bpf/tagih_learn.h"	/* after gstat_add: learn_xdp, learn_tc */

static __always_inline int tagih_meter(struct tagih_pkt *p, int kind,
				       void *data_end, __u32 len, __u32 segs,
				       const int dir)
{
	struct tagih_policy *pol;
	struct tagih_pfx_val *pv;
	struct tagih_cnt *c;
	void *addr;
	__u32 uid;

	if (kind != TAGIH_K_IP) {
		if (kind == TAGIH_K_PPP_CTRL)
			ppp_ctrl(p, data_end, len, segs);
		else
			gstat_add(TAGIH_G_NOT_METERED, len, segs);
		return VERDICT_PASS;
	}

	addr = dir == DIR_UP ? p->saddr : p->daddr;
	uid = TAGIH_UID_NONE;
	if (!p->v6) {
		uid = v4dir_uid(addr);
	} else if (is_nd(p, data_end)) {
		gstat_add(TAGIH_G_NOT_METERED, len, segs);
		return VERDICT_PASS;
	} else {
		uid = v6h64_uid(addr);
	}
	if (uid == TAGIH_UID_NONE) {
		pv = lpm_lookup(p, addr, &tagih_pfx4, &tagih_pfx6);
		if (!pv) {
			gstat_add(dir == DIR_UP ? TAGIH_G_UNKNOWN_UP :
						  TAGIH_G_UNKNOWN_DOWN,
				  p->iplen, segs);
			return VERDICT_PASS;
		}
		uid = pv->uid;
	}
	c = uid != TAGIH_UID_NONE ? bpf_map_lookup_elem(&tagih_cnt, &uid) :
				    NULL;
	if (!c) {
		gstat_add(TAGIH_G_BAD_UID, p->iplen, segs);
		return VERDICT_PASS;
	}

	pol = bpf_map_lookup_elem(&tagih_policy, &uid);
	if (pol && pol->state == TAGIH_ST_ISOLIR &&
	    !isolir_allows(p, data_end, dir)) {
		if (dir == DIR_UP) {
			c->drop_up_bytes += p->iplen;
			c->drop_up_pkts += segs;
		} else {
			c->drop_down_bytes += p->iplen;
			c->drop_down_pkts += segs;
		}
		return VERDICT_DROP;
	}

	if (dir == DIR_UP) {
		c->up_bytes += p->iplen;
		c->up_pkts += segs;
	} else {
		c->down_bytes += p->iplen;
		c->down_pkts += segs;
	}
	return VERDICT_PASS;
}

/* --- XDP ------------------------------------------------------------------- */

/*
 * SEC("xdp") programs see one buffer (no frags), so the frame is
 * [data, data_end) and one packet.
 */
static __always_inline int tagih_xdp(struct xdp_md *ctx, const int dir)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u32 len = data_end - data;
	struct tagih_pkt p;
	int kind;

	kind = tagih_parse(data, data_end, len, 0, &p);
	if (tagih_meter(&p, kind, data_end, len, 1, dir) == VERDICT_DROP)
		return XDP_DROP;
	learn_xdp(ctx, &p, kind, data_end, len, dir);
	return XDP_PASS;
}

SEC("xdp")
int tagih_lan(struct xdp_md *ctx)
{
	return tagih_xdp(ctx, DIR_UP);
}

SEC("xdp")
int tagih_wan(struct xdp_md *ctx)
{
	return tagih_xdp(ctx, DIR_DOWN);
}

/* --- tc ------------------------------------------------------------------- */

/*
 * Wire packets of a GSO skb: gso_segs, or, when the stack left it 0
 * (SKB_GSO_DODGY packets from virtio/tap count their segments later),
 * the payload after the L3 and L4 headers divided by gso_size.
 */
static __always_inline __u32 tc_segs(struct __sk_buff *skb, int kind,
				     struct tagih_pkt *p, void *data_end,
				     __u32 len, __u32 gso_size)
{
	__u32 segs = skb->gso_segs, hdr;
	__u8 *l4;

	if (segs)
		return segs;
	if (kind != TAGIH_K_IP)
		return 1;
	l4 = p->l4;
	hdr = p->l3off;
	if (p->l4off) {
		hdr = p->l4off;
		if (p->l4proto == IPPROTO_TCP && (void *)(l4 + 13) <= data_end)
			hdr += (l4[12] >> 4) * 4;
		else if (p->l4proto == IPPROTO_UDP)
			hdr += sizeof(struct udphdr);
	}
	if (len <= hdr)
		return 1;
	return (len - hdr + gso_size - 1) / gso_size;
}

/* Did parsing stop at the end of the linear data rather than the frame? */
static __always_inline int tc_short(struct tagih_pkt *p, int kind,
				    void *data_end)
{
	if (kind == TAGIH_K_OTHER)
		return 1;
	/* l4off, not l4: the verifier cannot rule out a NULL packet pointer. */
	return kind == TAGIH_K_IP && p->l4off && p->l4room >= 4 &&
	       p->l4 + 4 > data_end;
}

/*
 * tc sees skbs: skb->len is the frame (GRO/GSO packets included), of which
 * only the linear part is readable.  Headers are nearly always there; when
 * one is not, the first TC_PULL_LEN bytes are made linear and the frame is
 * parsed again.  bpf_skb_pull_data() may copy a cloned skb's head, so it is
 * never done unless needed.
 */
static __always_inline int tagih_tc(struct __sk_buff *skb, const int dir)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	__u32 len = skb->len, gso_size = skb->gso_size, segs = 1;
	struct tagih_pkt p = {};	/* read across two parses: no stale slot */
	int kind;

	kind = tagih_parse(data, data_end, len, gso_size != 0, &p);
	if (data + len > data_end && tc_short(&p, kind, data_end)) {
		/*
		 * Pulled or not (it fails only without memory), every packet
		 * pointer is stale now: parse again what there is.
		 */
		bpf_skb_pull_data(skb, len < TC_PULL_LEN ? len : TC_PULL_LEN);
		data_end = (void *)(long)skb->data_end;
		data = (void *)(long)skb->data;
		kind = tagih_parse(data, data_end, len, gso_size != 0, &p);
	}
	if (gso_size)
		segs = tc_segs(skb, kind, &p, data_end, len, gso_size);
	if (tagih_meter(&p, kind, data_end, len, segs, dir) == VERDICT_DROP)
		return TC_ACT_SHOT;
	learn_tc(skb, &p, kind, data_end, len, dir);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tagih_lan_tc(struct __sk_buff *skb)
{
	return tagih_tc(skb, DIR_UP);
}

SEC("tc")
int tagih_wan_tc(struct __sk_buff *skb)
{
	return tagih_tc(skb, DIR_DOWN);
}

/*
 * Egress of a lan interface, for a gateway that does NAT itself: the WAN
 * side sees downloads addressed to the public address, here they carry the
 * subscriber's own (private) address again.  Same metering and isolir as
 * tagih_wan; attach it instead of tagih_wan(_tc), never with it.
 * Only packets that came in on a wan interface (tagih_wanif) are metered:
 * the gateway's own replies (the isolir notice page, its resolver) and
 * traffic between two lan interfaces pass untouched and uncounted, as
 * they would on the wan ingress, which never sees them.
 */
SEC("tc")
int tagih_lan_down(struct __sk_buff *skb)
{
	__u32 in = skb->ingress_ifindex;

	if (!bpf_map_lookup_elem(&tagih_wanif, &in))
		return TC_ACT_UNSPEC;
	return tagih_tc(skb, DIR_DOWN);
}
