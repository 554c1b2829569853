/* SPDX-License-Identifier: GPL-2.0 */
/* usage.h - metered usage in hourly and daily buckets, per gateway. */
#ifndef TAGIH_USAGE_H
#define TAGIH_USAGE_H

#include <stdint.h>
#include "billing/store.h"

/*
 * Key of DB_USAGE_HOUR and DB_USAGE_DAY (10 bytes, big endian):
 * uid | bucket | gateway. Hour buckets are UTC hours since the epoch;
 * day buckets are the operator's local civil days (tt_local_day). The
 * gateway id makes every record mergeable exactly once across gateways:
 * only gateway G ever writes records with gw = G. gw 0 = imported.
 */
struct usage_key {
	uint8_t uid[4];
	uint8_t bucket[4];
	uint8_t gw[2];
} __attribute__((packed));

struct usage_val {
	uint64_t up_bytes;
	uint64_t down_bytes;
	uint64_t up_pkts;
	uint64_t down_pkts;
	uint64_t drop_bytes;	/* isolir drops, never billed */
	uint64_t drop_pkts;
};

#define USAGE_GW_IMPORT 0

void usage_key_make(struct usage_key *k, uint32_t uid, uint32_t bucket,
		    uint16_t gw);

/* Add delta to the hour and the local day containing t. 0 or -errno. */
int usage_add(MDB_txn *txn, struct store *st, uint32_t uid, uint16_t gw,
	      int64_t t, const struct usage_val *delta);

/*
 * usage_add() for n subscribers at the same t and gw: uids[i] gets
 * deltas[i]. The records written are exactly those of n usage_add() calls
 * (the drain's one write transaction bills a whole map with it). uids must
 * be strictly ascending: then every key is above the one before, and one
 * cursor per database finds, updates in place or appends with a single
 * search each. 0, -ERANGE (t), -EINVAL (uids not ascending: nothing
 * written) or -errno; on -errno the txn holds part of the batch (abort it,
 * as after a failed usage_add).
 */
int usage_add_batch(MDB_txn *txn, struct store *st, uint16_t gw, int64_t t,
		    const uint32_t *uids, const struct usage_val *deltas,
		    size_t n);

/*
 * Set (not add) the hour bucket starting at t for gw (import: re-importing
 * the same file changes nothing), then recompute that gw's day bucket from
 * its hours. 0 or -errno.
 */
int usage_set_hour(MDB_txn *txn, struct store *st, uint32_t uid, uint16_t gw,
		   int64_t t, const struct usage_val *v);

/* Sum over [from, to) (UTC seconds, all gateways); whole local days come
 * from day buckets, the edges from hour buckets. from = INT64_MIN/to =
 * INT64_MAX for the whole history. 0 or -errno. */
int usage_sum(MDB_txn *txn, struct store *st, uint32_t uid, int64_t from,
	      int64_t to, struct usage_val *out);

enum usage_step { USAGE_STEP_HOUR = 0, USAGE_STEP_DAY = 1 };

/* Buckets in [from, to), summed over gateways, in time order; cb gets the
 * bucket's start (UTC seconds). Returns 0, cb's non-zero value, or -errno. */
int usage_foreach_bucket(MDB_txn *txn, struct store *st, uint32_t uid,
			 int64_t from, int64_t to, enum usage_step step,
			 int (*cb)(int64_t start, const struct usage_val *v,
				   void *ctx),
			 void *ctx);

#endif
