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

#endif /* TAGIH_H */
