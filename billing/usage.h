/* SPDX-License-Identifier: GPL-2.0 */
/* usage.h - metered usage in hourly and daily buckets, per gateway. */
#ifndef TAGIH_USAGE_H
#define TAGIH_USAGE_H

#include <errno.h>
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

/*
 * No count (bytes, packets) in a bucket or a sum passes USAGE_COUNT_MAX
 * = 2^63 - 1: 9.2 EB, more than a 100 Gbit/s line carries in twenty
 * years, and what rating (rate_volume) and JSON's signed integers hold.
 * A bucket that would pass it is refused (-EOVERFLOW), never wrapped.
 */
#define USAGE_COUNT_MAX ((uint64_t)INT64_MAX)
/* An imported hour carries at most this per direction: 10^15 bytes
 * (1 PB, 2.2 Tbit/s for the whole hour). */
#define USAGE_IMPORT_HOUR_MAX 1000000000000000ULL

/* The bytes helper: *acc += v. 0, or -EOVERFLOW (acc unchanged) when the
 * sum passes USAGE_COUNT_MAX or wraps. */
static inline int usage_count_add(uint64_t *acc, uint64_t v)
{
	uint64_t r;

	if (__builtin_add_overflow(*acc, v, &r) || r > USAGE_COUNT_MAX)
		return -EOVERFLOW;
	*acc = r;
	return 0;
}

/* a += b, every field, all or nothing: 0 or -EOVERFLOW (a unchanged). */
int usage_val_add(struct usage_val *a, const struct usage_val *b);

void usage_key_make(struct usage_key *k, uint32_t uid, uint32_t bucket,
		    uint16_t gw);

/* Add delta to the hour and the local day containing t. 0, -ERANGE (t),
 * -EOVERFLOW (a bucket would pass USAGE_COUNT_MAX; abort the txn) or
 * -errno. */
int usage_add(MDB_txn *txn, struct store *st, uint32_t uid, uint16_t gw,
	      int64_t t, const struct usage_val *delta);

/*
 * usage_add() for n subscribers at the same t and gw: uids[i] gets
 * deltas[i]. The records written are exactly those of n usage_add() calls
 * (the drain's one write transaction bills a whole map with it). uids must
 * be strictly ascending: then every key is above the one before, and one
 * cursor per database finds, updates in place or appends with a single
 * search each. 0, -ERANGE (t), -EINVAL (uids not ascending: nothing
 * written), -EOVERFLOW (a bucket would pass USAGE_COUNT_MAX) or -errno;
 * on -EOVERFLOW or -errno the txn holds part of the batch (abort it, as
 * after a failed usage_add).
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
 * INT64_MAX for the whole history. 0, -EOVERFLOW (the sum would pass
 * USAGE_COUNT_MAX: only a damaged store) or -errno. */
int usage_sum(MDB_txn *txn, struct store *st, uint32_t uid, int64_t from,
	      int64_t to, struct usage_val *out);

/*
 * Running totals (DB_USAGE_TOTAL: uid -> the sum of all its hour buckets,
 * every gateway), kept by usage_add, usage_add_batch and usage_set_hour in
 * the same transaction as the buckets, so the drain's commit moves both
 * and a whole-history read costs one get per subscriber, however long the
 * history. The meta key USAGE_TOTALS_META = 1 says they are complete: a
 * store from before them is rebuilt once by usage_totals_ensure().
 */
#define USAGE_TOTALS_META "usage_totals"

/* uid's total (zero when it has none). 0 or -errno. */
int usage_total(MDB_txn *txn, struct store *st, uint32_t uid,
		struct usage_val *out);

/*
 * Recompute every total from the hour buckets (the old ones dropped) and
 * set USAGE_TOTALS_META. *uids (may be NULL) gets how many uids have one.
 * 0, -EOVERFLOW or -errno (abort the txn).
 */
int usage_totals_rebuild(MDB_txn *txn, struct store *st, uint64_t *uids);

/* Rebuild in its own write txn unless USAGE_TOTALS_META is set. 0 or -errno. */
int usage_totals_ensure(struct store *st);

/*
 * Call cb once per uid that has hour buckets or a total, in uid order,
 * with the sum of its hour buckets and its stored total (zero if none),
 * one pass over each table (fsck). Returns 0, cb's non-zero value, or
 * -errno.
 */
int usage_totals_check(MDB_txn *txn, struct store *st,
		       int (*cb)(uint32_t uid, const struct usage_val *hours,
				 const struct usage_val *total, void *ctx),
		       void *ctx);

enum usage_step { USAGE_STEP_HOUR = 0, USAGE_STEP_DAY = 1 };

/* Buckets in [from, to), summed over gateways, in time order; cb gets the
 * bucket's start (UTC seconds). Returns 0, cb's non-zero value, or -errno. */
int usage_foreach_bucket(MDB_txn *txn, struct store *st, uint32_t uid,
			 int64_t from, int64_t to, enum usage_step step,
			 int (*cb)(int64_t start, const struct usage_val *v,
				   void *ctx),
			 void *ctx);

#endif
