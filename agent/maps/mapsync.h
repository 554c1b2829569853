/* SPDX-License-Identifier: GPL-2.0 */
/* mapsync.h - make the pinned XDP maps say what the store says (prefixes, isolir, garden). */
#ifndef TAGIH_MAPSYNC_H
#define TAGIH_MAPSYNC_H

#include <stdint.h>
#include "bpf/tagih.h"
#include "agent/maps/dir16.h"
#include "billing/store.h"
#include "agent/maps/v6hash.h"

/*
 * The store is the source of truth; these functions copy it into the
 * meter's maps (agent/meter.h). Only tagih-agent calls them: at start,
 * after every drain and whenever a generation counter (prefix_gen,
 * policy_gen, garden_gen) moved. The CLI and tagihd never write maps.
 *
 * Every reconcile is a full one: entries missing from the map are added,
 * wrong ones fixed, stale ones deleted, so a map wiped by hand heals.
 * A full map is never silent: the entry that did not fit is logged, counted
 * in mapsync_stats.full and the function returns -ENOSPC after doing
 * everything else it could.
 */
struct mapsync;
struct meter;

struct mapsync_stats {
	uint64_t added;		/* entries written (new or changed) */
	uint64_t deleted;	/* stale entries removed */
	uint64_t full;		/* entries that did not fit: map full (and
				 * /16s left to the trie: no block left) */
	uint64_t errors;	/* other failed map operations */
	uint32_t entries[TAGIH_MAP__MAX];	/* current entries per enum tagih_map
					 * (tagih_policy: subscribers in isolir;
					 * tagih_v4dir: /16s with a block) */
	struct dir16_stats v4dir;	/* the IPv4 direct table (dir16.h) */
	struct v6hash_stats v6h64;	/* the IPv6 /64 hash (v6hash.h) */
};

/*
 * Reconcile through the maps of a loaded meter (the fds stay the meter's:
 * close the meter after the mapsync). Returns 0, -EBADF (m not loaded) or
 * -ENOMEM.
 */
int mapsync_open(struct mapsync **msp, const struct meter *m);
void mapsync_close(struct mapsync *ms);

/*
 * Reconcile tagih_pfx4/tagih_pfx6 with DB_PREFIX, then paint the IPv4
 * direct table (tagih_v4dir/tagih_v4blk, dir16.h) and the IPv6 /64 hash
 * (tagih_v6h64, v6hash.h) from the same prefixes: the tries first, so
 * every prefix the tables name is in a trie. stats may
 * be NULL (then only the return value tells). Returns 0, -ENOSPC (map full,
 * some prefixes missing, all logged) or -errno.
 */
int mapsync_prefixes(struct mapsync *ms, struct store *st,
		     struct mapsync_stats *stats);
/*
 * tagih_policy[uid] = TAGIH_ST_ISOLIR for every subscriber with status
 * SUB_SUSPENDED, TAGIH_ST_ACTIVE for every other slot. Returns 0, -ERANGE
 * (a suspended uid beyond the map, logged) or -errno.
 */
int mapsync_policy(struct mapsync *ms, struct store *st,
		   struct mapsync_stats *stats);
/* Reconcile tagih_garden4/6 with DB_GARDEN. Returns 0, -ENOSPC or -errno. */
int mapsync_garden(struct mapsync *ms, struct store *st,
		   struct mapsync_stats *stats);
/* All three; returns the first error but runs every step. */
int mapsync_all(struct mapsync *ms, struct store *st,
		struct mapsync_stats *stats);


#endif
