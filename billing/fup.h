/* SPDX-License-Identifier: GPL-2.0 */
/* fup.h - the fair-usage policy: which period a subscriber's FUP counts, whether it was reached, top-ups. */
#ifndef TAGIH_FUP_H
#define TAGIH_FUP_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"

/*
 * A plan with speed.fup_bytes counts the subscriber's up + down bytes in
 * the current billing period (invoice_sub_period: calendar or
 * anniversary). tagih-agent measures it (the store's usage plus what the
 * counters hold beyond the last drain) and calls fup_reach() once it
 * passes fup_bytes + the period's top-ups; from then on it shapes the
 * subscriber to the plan's FUP rates until the period ends or a top-up
 * raises the allowance again.
 *
 * State: DB_META "fup/" + sub id -> struct fup_rec, one per subscriber,
 * for the period it names (a record of an earlier period means "not
 * reached, no top-ups"). Reaching FUP writes the record, an audit entry
 * (action "fup", reason "fup reached") and a "policy_gen" bump in one
 * transaction, and only when the record says "not reached" for this
 * period: so the outbox, which is fed from the audit log, queues the
 * "fup_reached" event once per crossing, even across agent restarts.
 */
struct fup_rec {
	uint32_t version;	/* FUP_REC_VERSION */
	int32_t period_from;	/* civil day the period starts */
	int64_t reached;	/* UTC seconds; 0 = not reached in the period */
	uint64_t used;		/* bytes counted when it was reached */
	uint64_t topup_bytes;	/* added to the plan's quota this period */
	uint32_t crossings;	/* times reached this period */
	uint8_t reserved[28];
};
#define FUP_REC_VERSION 1

/* The period [*from, *to) (civil days) of r that holds civil day day. */
void fup_period(const struct sub_rec *r, int32_t day, int32_t *from,
		int32_t *to);

/*
 * The state of sub for the period starting period_from: zeros (version
 * set) when there is none for that period. 0 or -errno.
 */
int fup_get(MDB_txn *txn, struct store *st, const char *sub,
	    int32_t period_from, struct fup_rec *out);

/*
 * Record that sub passed its FUP allowance in the period starting
 * period_from, with used bytes: the record, an audit entry by actor and a
 * policy_gen bump. 0, -EALREADY (already reached in this period: nothing
 * written) or -errno.
 */
int fup_reach(MDB_txn *txn, struct store *st, const char *sub,
	      int32_t period_from, uint64_t used, int64_t now,
	      const char *actor);

/*
 * A top-up: bytes more allowance for the period starting period_from;
 * a subscriber past FUP gets the plan's normal rate back (until it passes
 * the new allowance). Audited, bumps policy_gen. 0, -EINVAL (0 bytes, or
 * the sum overflows) or -errno.
 */
int fup_topup(MDB_txn *txn, struct store *st, const char *sub,
	      int32_t period_from, uint64_t bytes, int64_t now,
	      const char *actor);

/*
 * Bytes of sub (uid) counted for FUP in the store over [from day, now):
 * up + down of every gateway. 0 or -errno.
 */
int fup_store_used(MDB_txn *txn, struct store *st, uint32_t uid,
		   int32_t period_from, int64_t now, uint64_t *used);

#endif
