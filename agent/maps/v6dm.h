/* SPDX-License-Identifier: GPL-2.0 */
/* v6dm.h - the IPv6 direct-mapped /64 table in front of tagih_v6h64: painted from the /64 hash's painting. */
#ifndef TAGIH_V6DM_H
#define TAGIH_V6DM_H

#include <stddef.h>
#include <stdint.h>

struct v6hash_ent;

/*
 * tagih_v6dm (bpf/tagih.h) caches the uid answers of the /64 hash: slot =
 * top TAGIH_V6DM_BITS bits of the multiplicative hash of the /64, entry =
 * the rest of the hash as a tag + the uid, so an entry found is this
 * /64's and no other's. Only /64s that the painting gives a uid (not
 * TAGIH_V6_TRIE) of at most TAGIH_V6DM_MAX_UID get a slot; of /64s that
 * share a slot the lowest gets it and the others are answered by the hash.
 * Every other slot is 0 ("ask the hash"). Slots are one aligned u64
 * each, written in place through an mmap of the pinned array, so the meter
 * sees the old or the new entry, never half of each.
 */
struct v6dm_map;

struct v6dm_stats {
	uint32_t entries;	/* slots in use after the sync */
	uint64_t written;	/* slots changed */
	uint64_t shared;	/* /64s left to the hash: their slot was taken */
};

/* Takes the tagih_v6dm fd (dup'ed). A map of TAGIH_V6DM_OFF_ENTRIES is
 * "off": opened, never painted. Returns 0 or -errno (-ENOTSUP: not the
 * meter's map). */
int v6dm_open(struct v6dm_map **dmp, int fd);
void v6dm_close(struct v6dm_map *dm);

/* Make the table say what want[0..n) (ascending keys, as v6hash_paint()
 * gives them) says. Returns 0; stats may be NULL. */
int v6dm_sync(struct v6dm_map *dm, const struct v6hash_ent *want, size_t n,
	      struct v6dm_stats *stats);

#endif
