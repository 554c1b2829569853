/* SPDX-License-Identifier: GPL-2.0 */
/* v6hash.h - the IPv6 /64 hash in front of tagih_pfx6: painting /64s from prefixes, keeping tagih_v6h64 in step. */
#ifndef TAGIH_V6HASH_H
#define TAGIH_V6HASH_H

#include <stddef.h>
#include <stdint.h>

#include "agent/maps/v6dm.h"

/*
 * The XDP meter looks an IPv6 address up in tagih_v6h64[top 64 bits]; a
 * uid found there is taken as the longest match without asking the LPM
 * trie (see bpf/tagih_meter.bpf.c). That is right only if every prefix of
 * length 56..64 is painted as all of its /64s, shorter ones first so that
 * longer ones overwrite them, and every painted /64 that holds a prefix
 * longer than /64 says TAGIH_V6_TRIE. Prefixes shorter than /56 are never
 * painted: a /48 would cost 65536 entries, and a miss asks the trie, which
 * holds every prefix. /64s with a long prefix but no painted one get no
 * entry either: a miss and TAGIH_V6_TRIE mean the same to the meter.
 *
 * The hash has max_entries slots (config key v6_hash_entries). When the
 * painting wants more, the /64s past the budget (highest addresses) are
 * left out and answered by the trie: correct, only slower. That is logged
 * once and counted (v6hash_stats.trie_only).
 */

/* One IPv6 prefix and its owner. addr in network byte order. */
struct v6hash_pfx {
	uint8_t addr[16];
	uint32_t len;		/* 0..128 */
	uint32_t uid;
};

/* One /64 of the painting. */
struct v6hash_ent {
	uint64_t key;		/* top 64 address bits, host byte order */
	uint32_t val;		/* uid or TAGIH_V6_TRIE */
	uint32_t pad;
};

/*
 * Paints the prefixes p[0..n) (any length, any order; p is reordered in
 * place, prefixes shorter than /56 ignored) into the /64 entries the hash
 * should hold: ascending key, one per /64, the longest prefix of length
 * 56..64 covering it, or TAGIH_V6_TRIE when a prefix longer than /64 lies
 * in it. Only the first cap entries are written to out (may be NULL when
 * cap is 0). Pure. Returns how many entries the painting has in all
 * (more than cap: the rest are left to the trie).
 */
size_t v6hash_paint(struct v6hash_pfx *p, size_t n, struct v6hash_ent *out,
		    size_t cap);

struct v6hash_stats {
	uint32_t max;		/* max_entries of tagih_v6h64; 0 = hash off */
	uint32_t entries;	/* entries in the map after the sync */
	uint64_t want;		/* /64 entries the painting has */
	uint64_t trie_only;	/* of those, not in the map: map full */
	uint64_t written;	/* entries added or changed */
	uint64_t deleted;	/* stale entries removed */
	struct v6dm_stats dm;	/* the direct-mapped table fed from it */
};

/* The pinned hash and what was last logged about it. */
struct v6hash_map;

/*
 * Takes the tagih_v6h64 fd (dup'ed; the caller keeps its own). Returns 0
 * or -errno; -ENOTSUP when the map does not look like the meter's (type,
 * key or value size).
 */
int v6hash_open(struct v6hash_map **vhp, int fd);
void v6hash_close(struct v6hash_map *vh);
/* Feed dm (agent/maps/v6dm.h) from every v6hash_sync(); NULL = none. The
 * caller keeps dm open while vh uses it. */
struct v6dm_map;
void v6hash_set_dm(struct v6hash_map *vh, struct v6dm_map *dm);

/*
 * Makes tagih_v6h64 hold what v6hash_paint() makes of p[0..n) (p is
 * reordered in place): stale entries deleted first, then changed ones
 * rewritten, then new ones added while the map takes them. A map of
 * TAGIH_V6H_OFF_ENTRIES entries is the hash turned off: it is emptied.
 * An entry that cannot be rewritten is deleted, so the trie answers for
 * it. stats may be NULL.
 * Returns 0 (also when the map was too small: logged once, counted in
 * trie_only) or -errno (some entries could not be read, deleted or
 * written; those left are correct or absent, never a wrong uid, except
 * when even a delete failed, which is logged).
 */
int v6hash_sync(struct v6hash_map *vh, struct v6hash_pfx *p, size_t n,
		struct v6hash_stats *stats);

#endif
