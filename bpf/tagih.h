/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* tagih.h - the one header shared by the XDP meter and userspace. */
#ifndef TAGIH_H
#define TAGIH_H

/*
 * Plain __u32/__u64 fields only: this header is included by both
 * bpf/tagih_meter.bpf.c (clang -target bpf) and userspace (gcc).
 */
#include <linux/types.h>

/* Default pin folder for the maps (config key bpf_pin_dir). */
#define TAGIH_PIN_DIR_DEFAULT "/sys/fs/bpf/tagih"

/*
 * Every map the meter pins by name, once: X(ENUM, name). Userspace builds
 * its enum tagih_map, the names and the typed skeleton accesses from this
 * list (agent/meter.c), so a map missing from the object is a compile
 * error, not a lookup that fails at run time.
 */
#define TAGIH_PINNED_MAPS(X)		\
	X(PFX4, tagih_pfx4)		\
	X(PFX6, tagih_pfx6)		\
	X(CNT, tagih_cnt)		\
	X(POLICY, tagih_policy)		\
	X(GSTAT, tagih_gstat)		\
	X(GARDEN4, tagih_garden4)	\
	X(GARDEN6, tagih_garden6)	\
	X(V4DIR, tagih_v4dir)		\
	X(V4BLK, tagih_v4blk)		\
	X(V6H64, tagih_v6h64)		\
	X(V6DM, tagih_v6dm)		\
	X(WANIF, tagih_wanif)		\
	X(LEARN, tagih_learn)

enum tagih_map {
#define TAGIH_MAP_ENUM(e, n) TAGIH_MAP_##e,
	TAGIH_PINNED_MAPS(TAGIH_MAP_ENUM)
#undef TAGIH_MAP_ENUM
	TAGIH_MAP__MAX
};

/* Default map sizes; userspace may raise them before load. */
#define TAGIH_DEF_MAX_SUBS	65536	/* slots in tagih_cnt / tagih_policy */
#define TAGIH_DEF_MAX_PFX4	131072	/* IPv4 prefixes */
#define TAGIH_DEF_MAX_PFX6	131072	/* IPv6 prefixes */
#define TAGIH_MAX_GARDEN	4096	/* walled-garden prefixes per family */
/* tagih_wanif: ifindex -> 1 for each wan interface (tagih_lan_down) */
#define TAGIH_MAX_WANIF		64

/*
 * IPv4 DIR-16 direct table in front of tagih_pfx4 (see tagih_meter.bpf.c
 * and agent/maps/dir16.h).  tagih_v4dir: 65536 u32 indexed by the top 16
 * address bits, value = block number (1-based), 0 = no block.
 * tagih_v4blk: v4_blocks blocks of 65536 u32 uids indexed by
 * (block - 1) * 65536 + the low 16 address bits, 0 = ask the trie.
 * A non-zero uid is the longest match of the address: userspace paints
 * every prefix of length >= 16 into its /16's block, shorter first.
 */
#define TAGIH_DEF_V4_BLOCKS	64	/* blocks in tagih_v4blk */
#define TAGIH_V4_BLOCK_SLOTS	65536	/* addresses per block (one /16) */
#define TAGIH_V4_DIR_SLOTS	65536	/* /16s in tagih_v4dir */

/*
 * IPv6 /64 hash in front of tagih_pfx6 (see tagih_meter.bpf.c and
 * agent/maps/v6hash.h).  tagih_v6h64: key = the top 64 address bits (__u64
 * holding the 8 bytes in network order), value = __u32 uid, or
 * TAGIH_V6_TRIE: a prefix longer than /64 lives in this /64, ask the trie.
 * Userspace paints every prefix of length 56..64 as its /64s, shorter
 * first, so a uid found there is the longest match; a miss asks the trie.
 * The agent sizes it from v6_hash_entries; 0 gives a map of
 * TAGIH_V6H_OFF_ENTRIES entries that is never painted (hash off).
 */
#define TAGIH_DEF_V6_HASH	262144	/* entries in tagih_v6h64 */
#define TAGIH_V6_TRIE		0xffffffffu	/* value: ask the trie */
#define TAGIH_V6H_MIN_LEN	56	/* shortest prefix painted */
#define TAGIH_V6H_OFF_ENTRIES	1	/* max_entries meaning "off" */

/*
 * IPv6 /64 direct-mapped table in front of tagih_v6h64 (tagih_v6dm): an
 * array of TAGIH_V6DM_SLOTS __u64, asked with two inlined instructions and
 * one array load instead of a hash lookup.  For the /64 key k (the same
 * __u64 as tagih_v6h64's), h = k * TAGIH_V6DM_MUL (mod 2^64); the slot is
 * the top TAGIH_V6DM_BITS bits of h, and the entry is
 * (h << TAGIH_V6DM_BITS) | uid: the other 64 - BITS bits of h as a tag,
 * then the uid.  Multiplying by an odd constant is a bijection, so slot and
 * tag together are h and h is k: an entry whose tag matches is this /64's,
 * never another's.  One aligned __u64 per slot, so a reader sees the old
 * or the new entry, never half of each.  0 (or a tag that differs) means
 * "ask tagih_v6h64".  Userspace paints the uid of every /64 that
 * tagih_v6h64 holds with a uid (not TAGIH_V6_TRIE) and uid <=
 * TAGIH_V6DM_MAX_UID; of /64s that share a slot one gets it and the others
 * are answered by tagih_v6h64.  A map of 1 entry is "off" (slot 0 only).
 */
#define TAGIH_V6DM_BITS		20
#define TAGIH_V6DM_SLOTS	(1u << TAGIH_V6DM_BITS)	/* 8 MiB */
#define TAGIH_V6DM_MUL		0x9e3779b97f4a7c15ULL	/* odd: bijective */
#define TAGIH_V6DM_MAX_UID	((1u << TAGIH_V6DM_BITS) - 1)
#define TAGIH_V6DM_OFF_ENTRIES	1

static inline __u64 tagih_v6dm_hash(__u64 key)
{
	return key * TAGIH_V6DM_MUL;
}

static inline __u32 tagih_v6dm_slot(__u64 h)
{
	return h >> (64 - TAGIH_V6DM_BITS);
}

static inline __u64 tagih_v6dm_entry(__u64 h, __u32 uid)
{
	return h << TAGIH_V6DM_BITS | uid;
}

/* The uid in @entry when it is the entry of hash @h, else TAGIH_UID_NONE. */
static inline __u32 tagih_v6dm_match(__u64 entry, __u64 h)
{
	if ((entry & ~(__u64)TAGIH_V6DM_MAX_UID) != h << TAGIH_V6DM_BITS)
		return 0;
	return entry & TAGIH_V6DM_MAX_UID;
}

/*
 * Subscriber slot (uid): a u32 index into tagih_cnt and tagih_policy.
 * 0 is never a subscriber: it is kept so that a zeroed value is
 * obviously "no subscriber".
 */
#define TAGIH_UID_NONE 0

/* LPM trie keys: prefixlen first, as the kernel requires. */
struct tagih_lpm4 {
	__u32 prefixlen;	/* 8..32 */
	__u8 addr[4];		/* network byte order */
};

struct tagih_lpm6 {
	__u32 prefixlen;	/* 32..128 */
	__u8 addr[16];
};

/* Value of tagih_pfx4 / tagih_pfx6. */
struct tagih_pfx_val {
	__u32 uid;
	__u32 pad;
};

/*
 * Per-subscriber counters, one per CPU, never reset by anybody:
 * userspace sums the CPUs and bills deltas between snapshots.
 * Billed length is the IP length (IPv4 tot_len, IPv6 40 + payload_len),
 * see docs/ARCHITECTURE.md.
 */
struct tagih_cnt {
	__u64 up_bytes;
	__u64 up_pkts;
	__u64 down_bytes;
	__u64 down_pkts;
	__u64 drop_up_bytes;	/* dropped by isolir, never billed */
	__u64 drop_up_pkts;
	__u64 drop_down_bytes;
	__u64 drop_down_pkts;
};

/* Per-subscriber policy (tagih_policy, plain array indexed by uid). */
enum tagih_state {
	TAGIH_ST_ACTIVE = 0,
	TAGIH_ST_ISOLIR = 1,	/* walled garden only */
};

struct tagih_policy {
	__u32 state;		/* enum tagih_state */
	__u32 pad;
};

/* Walled-garden allow-list entry (tagih_garden4 / tagih_garden6). */
struct tagih_garden_val {
	__u16 port;		/* 0: any port; else TCP/UDP port (host order) */
	__u16 pad;
	__u32 pad2;
};

/*
 * Global counters: per-CPU array of TAGIH_G_SLOTS tagih_gstat, indexed by
 * this enum.  TAGIH_G_NOT_METERED also counts IPv6 neighbour discovery
 * (ICMPv6 133..137, frame length): link control between a device and the
 * gateway, never billed to a subscriber.  The map has room beyond
 * TAGIH_G_MAX so that a new counter does not change the pinned map's shape.
 */
enum tagih_gstat_idx {
	TAGIH_G_UNKNOWN_UP = 0,	/* IP from no known subscriber (LAN) */
	TAGIH_G_UNKNOWN_DOWN,	/* IP to no known subscriber (WAN) */
	TAGIH_G_NOT_METERED,	/* non-IP, truncated or odd frames */
	TAGIH_G_BAD_UID,	/* prefix points past the counter array */
	TAGIH_G_PPP_CTRL,	/* PPPoE discovery, PPP LCP/PAP/CHAP/IPCP/IPV6CP */
	TAGIH_G_LEARN_LOST,	/* learning copies lost: tagih_learn was full */
	TAGIH_G_MAX,
};

#define TAGIH_G_SLOTS	16	/* max_entries of tagih_gstat */

struct tagih_gstat {
	__u64 bytes;		/* frame length for NOT_METERED, PPP_CTRL; IP else */
	__u64 pkts;
};

/*
 * Address learning (bpf/tagih_learn.h, agent/learn.c): the meter copies
 * PPPoE discovery and PPP control frames (LCP, PAP, CHAP, IPCP, IPV6CP)
 * and IPv4 DHCP (UDP 67 <-> 68) into the ring buffer tagih_learn, the
 * first TAGIH_LEARN_SNAP bytes of each, never anything else. Full ring:
 * the copy is dropped and counted in TAGIH_G_LEARN_LOST (the frame itself
 * passes as ever).
 */
#define TAGIH_LEARN_RING	(256 * 1024)	/* bytes of tagih_learn */
#define TAGIH_LEARN_SNAP	640	/* bytes copied of each frame */

struct tagih_learn_rec {
	__u32 len;		/* bytes in data */
	__u32 wire_len;		/* the frame's length */
	__u32 ifindex;		/* where it came in */
	__u8 dir;		/* 0 = lan (from subscribers), 1 = wan */
	__u8 pad[3];
	__u8 data[TAGIH_LEARN_SNAP];
};

/*
 * The shaper (bpf/tagih_shape.bpf.c): earliest departure time (EDT) per
 * subscriber, enforced by the fq qdisc on the egress devices.  Its maps
 * are the agent's own, not pinned: the shaper is attached while the agent
 * runs and removed when it stops, and its rates are rebuilt from the
 * store at start.
 *
 *   tagih_rate  array uid -> struct tagih_rate (bytes per second, written
 *               by the agent only; 0 = not shaped in that direction)
 *   tagih_edt   array uid -> struct tagih_edt (next departure times,
 *               written by the BPF program only)
 *   tagih_sstat per-CPU array of TAGIH_SS_SLOTS tagih_gstat: shaper
 *               counters (enum tagih_sstat_idx)
 *
 * Upload behind NAT: the mark program on a lan ingress puts
 * TAGIH_MARK_TAG | uid into a packet's skb->mark (only when the mark is
 * 0, so an operator's own marks are left alone); the wan egress program
 * reads the uid back from it, and looks the source address up when the
 * mark is not its own (no NAT, or someone else's mark).
 */
#define TAGIH_MARK_TAG		0x7a000000u
#define TAGIH_MARK_TAG_MASK	0xff000000u
#define TAGIH_MARK_UID_MASK	0x00ffffffu	/* max_subscribers <= 2^24 */

/*
 * Without sch_fq (HTB mode): the agent's HTB root qdisc has handle
 * TAGIH_HTB_MAJOR: and one class TAGIH_HTB_MAJOR:uid per shaped
 * subscriber; tagih_htb_down/up put that class into skb->priority.  A
 * class minor is 16 bits: uids above TAGIH_HTB_MAX_UID are not shaped.
 */
#define TAGIH_HTB_MAJOR		0x7au
#define TAGIH_HTB_MAX_UID	0xffffu
#define TAGIH_HTB_ACK_SHARE	16	/* direct ACKs: at most rate / 16 */

struct tagih_rate {
	__u64 down_Bps;		/* download (lan egress), bytes/s; 0 = free */
	__u64 up_Bps;		/* upload (wan egress), bytes/s; 0 = free */
	/*
	 * EDT horizon of each direction, ns; 0 = shape_horizon_ns.  The agent
	 * writes max(shape_horizon_ms, TAGIH_EDT_MIN_QUEUE bytes at the rate)
	 * so that a slow line still queues two 64 KiB GSO packets: with less,
	 * every GRO burst beyond the first is dropped whole and TCP
	 * collapses (10 Mbit/s: one 64 KiB packet is 52 ms on the line).
	 */
	__u64 down_horizon_ns;
	__u64 up_horizon_ns;
};
#define TAGIH_EDT_MIN_QUEUE	(2 * 65536)	/* bytes */

struct tagih_edt {
	__u64 t_down;		/* departure of the last download packet, ns */
	__u64 t_up;		/* CLOCK_MONOTONIC, as fq and bpf_ktime_get_ns */
};

enum tagih_sstat_idx {
	TAGIH_SS_PASS = 0,	/* shaped subscriber, sent now */
	TAGIH_SS_DELAY,		/* shaped subscriber, departure time set */
	TAGIH_SS_DROP,		/* beyond the horizon: dropped */
	TAGIH_SS_FREE,		/* known subscriber, no rate in that direction */
	TAGIH_SS_UNKNOWN,	/* no subscriber (or not IP): untouched */
	TAGIH_SS_MARK,		/* lan ingress: mark set */
	TAGIH_SS_ACK,		/* pure TCP ACK: charged, sent now */
	TAGIH_SS_MAX,
};
#define TAGIH_SS_SLOTS		8

#define TAGIH_NSEC_PER_SEC	1000000000ULL
/* Longest horizon the agent accepts (shape_horizon_ms): keeps now +
 * horizon + one packet's delay far from 2^64 ns. */
#define TAGIH_SHAPE_HORIZON_MAX	(10 * TAGIH_NSEC_PER_SEC)
#define TAGIH_SHAPE_HORIZON_DEF	(50 * 1000000ULL)	/* 50 ms */

/*
 * One EDT step: a packet of @len bytes at @now (ns) for a subscriber paced
 * at @Bps bytes/s.  *@last is when the subscriber's line is free again:
 * the departure of its last packet plus that packet's time on the line
 * (len * 10^9 / Bps).  A packet leaves at max(now, *@last), and moves
 * *@last on by its own time.  Returns
 *   TAGIH_EDT_NOW    leave now (*@tstamp untouched),
 *   TAGIH_EDT_LATER  *@tstamp set to the departure time,
 *   TAGIH_EDT_DROP   the departure would be @horizon or more after now:
 *                    *@last is given the packet's time back.
 *
 * Time math: skb lengths are < 2^32 and 10^9 < 2^30, so len * 10^9 < 2^62
 * never wraps; the agent writes rates of 1 Mbit/s (125000 B/s) or more and
 * horizons of at most TAGIH_SHAPE_HORIZON_MAX, so a legitimate *@last is
 * less than now + 10 s + one 512 KiB packet (4.2 s) ahead, and adding to
 * a CLOCK_MONOTONIC value (centuries from 2^64 ns) cannot wrap.  A *@tstamp
 * that is in the past (0 for forwarded packets) or beyond the horizon
 * (another clock's time) is taken as now; a *@last more than
 * TAGIH_EDT_STALE_NS ahead (not something this code wrote: a garbage
 * value) restarts the pace instead of dropping everything for ever.
 *
 * Several CPUs may send for one subscriber: *@last moves with an atomic
 * add (TAGIH_EDT_FETCH_ADD, which returns the old value), so two packets
 * never get the same departure.
 */
#define TAGIH_EDT_NOW	0
#define TAGIH_EDT_LATER	1
#define TAGIH_EDT_DROP	2
#define TAGIH_EDT_STALE_NS	(60 * TAGIH_NSEC_PER_SEC)

#ifndef TAGIH_EDT_FETCH_ADD
#define TAGIH_EDT_FETCH_ADD(p, v) __sync_fetch_and_add((p), (v))
#endif

static inline __u64 tagih_edt_delay(__u32 len, __u64 Bps)
{
	return (__u64)len * TAGIH_NSEC_PER_SEC / Bps;
}

static inline int tagih_edt_step(__u64 *last, __u64 now, __u64 *tstamp,
				 __u32 len, __u64 Bps, __u64 horizon)
{
	__u64 delay = tagih_edt_delay(len, Bps), t = *tstamp, l, depart;

	if (t < now || t - now >= horizon)
		t = now;
	l = *(volatile __u64 *)last;
	if (l <= t || l - now > TAGIH_EDT_STALE_NS) {
		/* idle (or garbage): leave at t, the next one waits for it */
		*(volatile __u64 *)last = t + delay;
		return TAGIH_EDT_NOW;
	}
	depart = TAGIH_EDT_FETCH_ADD(last, delay);
	if (depart <= t)	/* freed meanwhile (another CPU's reset) */
		return TAGIH_EDT_NOW;
	if (depart - now >= horizon) {
		TAGIH_EDT_FETCH_ADD(last, -delay);
		return TAGIH_EDT_DROP;
	}
	*tstamp = depart;
	return TAGIH_EDT_LATER;
}

/*
 * A pure TCP ACK of the subscriber (no payload): it is charged its time
 * on the line like any packet, but leaves now instead of waiting behind
 * the subscriber's own bulk data in the other direction's queue, so a
 * saturated upload does not starve the download's ACKs (the classic
 * asymmetric-line collapse).  Beyond the horizon it is dropped like any
 * packet.  TAGIH_EDT_NOW or TAGIH_EDT_DROP.
 */
static inline int tagih_edt_charge(__u64 *last, __u64 now, __u32 len,
				   __u64 Bps, __u64 horizon)
{
	__u64 delay = tagih_edt_delay(len, Bps), l, depart;

	l = *(volatile __u64 *)last;
	if (l <= now || l - now > TAGIH_EDT_STALE_NS) {
		*(volatile __u64 *)last = now + delay;
		return TAGIH_EDT_NOW;
	}
	depart = TAGIH_EDT_FETCH_ADD(last, delay);
	if (depart > now && depart - now >= horizon) {
		TAGIH_EDT_FETCH_ADD(last, -delay);
		return TAGIH_EDT_DROP;
	}
	return TAGIH_EDT_NOW;
}

#endif /* TAGIH_H */
