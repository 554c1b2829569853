/* SPDX-License-Identifier: GPL-2.0 */
/* pack.h - quota packs and the quota left per subscriber, drawn down by the drain. */
#ifndef TAGIH_PACK_H
#define TAGIH_PACK_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/plan.h"
#include "billing/store.h"
#include "billing/usage.h"
#include "lib/money.h"

/*
 * A pack is bought like a prepaid period (an order, a receipt; see
 * billing/prepaid.h) and adds its bytes to the subscriber's quota. A
 * subscriber has a quota only while DB_QUOTA holds a record for its uid:
 * a prepaid plan with --quota-gb makes one at each purchase (adds the
 * plan's bytes, valid until the new expiry), a pack adds to it (valid at
 * least its days from now). One pool, one end: the later of the two.
 *
 * The drain (agent/drain.c) subtracts each uid's billed bytes (up +
 * down) in its own write txn, so the quota left is exact to the drain.
 * When it reaches 0 the record turns QUOTA_EXHAUSTED and policy_gen is
 * bumped in that txn; the subscriber is then suspended by dunning
 * (isolir, behind the walled garden) until a pack or a purchase tops the
 * quota up. A plan with an FUP rate would apply that rate instead: the
 * state is here for the agent to read (quota_get).
 */

/* DB_PACKS: name -> struct pack_rec. Packs are never changed or deleted. */
struct pack_rec {
	uint32_t version;	/* PACK_REC_VERSION */
	uint32_t days;		/* how long the bytes stay valid */
	char name[PLAN_NAME_MAX + 1];
	uint8_t pad[7];
	uint64_t bytes;
	rp_t price;		/* > 0, taxed as a plan price */
	int64_t created;
	uint8_t reserved[32];
};
#define PACK_REC_VERSION 1

enum quota_state { QUOTA_OK = 0, QUOTA_EXHAUSTED = 1 };

/* DB_QUOTA: uid (u32 BE) -> struct quota_rec. */
struct quota_rec {
	uint32_t version;	/* QUOTA_REC_VERSION */
	uint8_t state;		/* enum quota_state */
	uint8_t pad[3];
	uint64_t left;		/* bytes */
	uint64_t used;		/* bytes drawn since the record was made */
	int64_t expires;	/* UTC seconds; the bytes lapse then */
	int64_t updated;
	uint8_t reserved[16];
};
#define QUOTA_REC_VERSION 1

/* Add a pack. 0, -EEXIST, -EINVAL (name, 0 bytes, price 0 or above
 * RP_AMOUNT_MAX, days outside 1..PLAN_DAYS_MAX) or -errno. */
int pack_add(MDB_txn *txn, struct store *st, const struct pack_rec *p);
/* 0 or -ENOENT. */
int pack_get(MDB_txn *txn, struct store *st, const char *name,
	     struct pack_rec *p);
int pack_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct pack_rec *p, void *ctx), void *ctx);

/* 0 or -ENOENT (no quota: unlimited). */
int quota_get(MDB_txn *txn, struct store *st, uint32_t uid,
	      struct quota_rec *q);
/*
 * Add bytes valid until at least `until` (creates the record). An
 * exhausted quota that is topped up is OK again (policy_gen bumped).
 * Returns 0, -ERANGE or -errno.
 */
int quota_topup(MDB_txn *txn, struct store *st, uint32_t uid,
		uint64_t bytes, int64_t until, int64_t now);
/* Is this quota used up (or lapsed) at now? */
bool quota_exhausted_rec(const struct quota_rec *q, int64_t now);
/* Is uid's quota used up (or lapsed) at now? false without a quota. */
bool quota_exhausted(MDB_txn *txn, struct store *st, uint32_t uid,
		     int64_t now);

/*
 * The drain's step, in its txn: uids ascending with their deltas. A uid
 * whose quota reaches 0 is marked exhausted and suspended by dunning
 * ("kuota habis"), with the audit entry and the policy_gen bump.
 * Returns the number that ran out, or -errno.
 */
int quota_draw_batch(MDB_txn *txn, struct store *st, int64_t now,
		     const uint32_t *uids, const struct usage_val *deltas,
		     uint32_t n);

#endif
