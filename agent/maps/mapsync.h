/* SPDX-License-Identifier: GPL-2.0 */
/* mapsync.h - make the pinned XDP maps say what the store says (prefixes, isolir, garden). */
#ifndef TAGIH_MAPSYNC_H
#define TAGIH_MAPSYNC_H

#include <stdint.h>
#include "agent/maps/dir16.h"
#include "billing/store.h"
#include "agent/maps/v6hash.h"

/*
 * The store is the source of truth; these functions copy it into the maps
 * pinned under TAGIH_PIN_ROOT by tagih-agent. They are shared by the agent
 * (full reconcile at start, after every drain and on every generation
 * change) and by the `tagih` CLI, which updates the maps directly in the
 * same operation that writes the store (suspend, restore, prefix change).
 *
 * Every reconcile is a full one: entries missing from the map are added,
 * wrong ones fixed, stale ones deleted, so a map wiped by hand heals.
 * A full map is never silent: the entry that did not fit is logged, counted
 * in mapsync_stats.full and the function returns -ENOSPC after doing
 * everything else it could.
 */
struct mapsync;

enum mapsync_map {
	MAPSYNC_PFX4 = 0,
	MAPSYNC_PFX6,
	MAPSYNC_POLICY,		/* entries: subscribers in isolir */
	MAPSYNC_GARDEN4,
	MAPSYNC_GARDEN6,
	MAPSYNC_CNT,		/* entries: not counted here (0) */
	MAPSYNC_V4DIR,		/* entries: /16s with a block (optional map) */
	MAPSYNC_V4BLK,		/* entries: slots of the blocks in use */
	MAPSYNC_V6H64,		/* entries: /64s in the IPv6 hash (optional) */
	MAPSYNC__MAX
};

struct mapsync_stats {
	uint64_t added;		/* entries written (new or changed) */
	uint64_t deleted;	/* stale entries removed */
	uint64_t full;		/* entries that did not fit: map full (and
				 * /16s left to the trie: no block left) */
	uint64_t errors;	/* other failed map operations */
	uint32_t entries[MAPSYNC__MAX];	/* current entries per enum mapsync_map */
	struct dir16_stats v4dir;	/* the IPv4 direct table (dir16.h) */
	struct v6hash_stats v6h64;	/* the IPv6 /64 hash (v6hash.h) */
};

/* Map file names under TAGIH_PIN_ROOT, indexed by enum mapsync_map. */
const char *mapsync_map_name(enum mapsync_map m);

/*
 * Open the pinned maps. tagih_v4dir/tagih_v4blk and tagih_v6h64 are
 * optional (pins of an older meter lack them): without them IPv4 or IPv6
 * is looked up in the trie only and mapsync_fd() says -1. Returns 0, -ENOENT when the agent has not pinned
 * them (the caller then only writes the store; the agent syncs at start),
 * or -errno. The handle owns the map fds.
 */
int mapsync_open(struct mapsync **msp);
void mapsync_close(struct mapsync *ms);
/* fd of one map (for counting entries, max_entries); -1 if not open. */
int mapsync_fd(const struct mapsync *ms, enum mapsync_map m);
/* max_entries of one map, 0 if unknown. */
uint32_t mapsync_max_entries(const struct mapsync *ms, enum mapsync_map m);

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

/* One subscriber's state (enum tagih_state). Returns 0, -ERANGE or -errno. */
int mapsync_set_policy(struct mapsync *ms, uint32_t uid, uint32_t state);

#endif
