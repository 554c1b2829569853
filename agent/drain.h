/* SPDX-License-Identifier: GPL-2.0 */
/* drain.h - move the XDP per-subscriber counters into LMDB usage buckets, exactly once. */
#ifndef TAGIH_DRAIN_H
#define TAGIH_DRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/tagih.h"
#include "billing/store.h"
#include "billing/usage.h"

/*
 * Exactly once: DB_SNAP holds, per uid, the counter totals already billed.
 * One drain reads tagih_cnt, bills cur - snap and stores cur as the new
 * snapshot in the same LMDB write transaction. A crash before the commit
 * leaves both unchanged (the next drain bills the same bytes once), a
 * crash after it leaves both changed: no byte is lost or repeated.
 *
 * Map identity (meta "snap_ident" = boot_id + ':' + map id): when the
 * counters were recreated (reboot, map unpinned and loaded again) the old
 * snapshot means nothing, so it is dropped in the same transaction and the
 * new counters are billed from 0.
 */
#define DRAIN_SLOTS 4		/* chunks read ahead of the billing */
#define DRAIN_READERS_MAX 2

struct drain {
	struct store *st;
	int cnt_fd;		/* tagih_cnt (per-CPU array), not owned */
	uint32_t max_entries;
	uint16_t gw;		/* gateway id written into usage keys */
	int ncpus;		/* libbpf_num_possible_cpus() */
	char ident[96];
	/* batch reads: a ring of DRAIN_SLOTS chunks, filled by readers */
	uint32_t chunk;		/* keys per chunk */
	int readers;		/* reader threads (0..DRAIN_READERS_MAX) */
	uint32_t *keys;
	void *vals;
	/* the chunk's changed uids (ascending) and deltas: usage_add_batch */
	uint32_t *uids;
	struct usage_val *deltas;
	/* results, for /metrics and /healthz */
	uint64_t drains;
	uint64_t errors;
	uint64_t last_ns;	/* duration of the last good drain */
	uint64_t last_read_ns;	/* of which waiting for tagih_cnt reads */
	uint64_t last_commit_ns; /* of which mdb_txn_commit (write + fsync) */
	int64_t last_time;	/* UTC seconds of the last good drain, 0 never */
	uint32_t last_changed;	/* uids with a non-zero delta last time */
	uint32_t last_txns;	/* write txns the last drain committed */
};

/*
 * The delta math, pure: out = cur - snap field by field in unsigned 64-bit
 * arithmetic (a counter that wrapped past 2^64 still yields the right
 * delta); snap NULL means a zero snapshot (new or recreated counters).
 * Dropped traffic goes to drop_bytes/drop_pkts (both directions).
 * Returns true if any field of out is non-zero.
 */
bool drain_delta(const struct tagih_cnt *cur, const struct tagih_cnt *snap,
		 struct usage_val *out);

/* Sum one per-CPU value laid out as libbpf returns it (8-byte aligned). */
void drain_sum_cpus(const void *percpu, int ncpus, struct tagih_cnt *out);

/*
 * Set up for the counters map cnt_fd. Returns 0, -EINVAL (not a per-CPU
 * array of struct tagih_cnt), -ENOMEM or -errno.
 */
int drain_init(struct drain *d, struct store *st, int cnt_fd, uint16_t gw);
void drain_fini(struct drain *d);

/*
 * One full drain at time now (UTC seconds: the usage bucket). Returns 0
 * or -errno; on error nothing was written and the next drain retries.
 */
int drain_run(struct drain *d, int64_t now);

/* Read the per-CPU global counters (tagih_gstat), summed. 0 or -errno. */
int drain_gstat(int fd, struct tagih_gstat out[TAGIH_G_MAX]);

#endif
