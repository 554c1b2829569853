/* SPDX-License-Identifier: GPL-2.0 */
/* dunning.h - one dunning run (reminders, overdue, late fee, isolir, restore), the payment path's restore and the amount that lifts an isolir. */
#ifndef TAGIH_DUNNING_H
#define TAGIH_DUNNING_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/money.h"
#include "billing/store.h"
#include "billing/dunning_policy.h"	/* the calendar */
#include "billing/isolir.h"		/* suspend / restore */

/*
 * Per-invoice dunning state, kept in DB_META under "dun/" + invoice number
 * (dunning's own bookkeeping; the invoice itself is never edited).
 */
struct dunning_inv_state {
	uint32_t version;	/* 1 */
	uint32_t reminders;	/* bitmask of reminder_days[] recorded */
	uint8_t overdue;	/* marked overdue */
	uint8_t fee_applied;	/* late fee charged (once per invoice) */
	uint8_t pad[6];
	rp_t fee;		/* the late fee charged */
	int64_t fee_time;	/* when */
};

struct dunning_report {
	int invoices;		/* open invoices looked at */
	int overdue;		/* newly marked overdue */
	int reminders;		/* reminder events recorded */
	int fees;		/* late fees charged */
	rp_t fee_total;
	int suspended;
	int restored;
	int held;		/* past grace but on hold / auto_suspend off */
};

/*
 * One dunning pass at UTC instant now, in one write transaction: marks
 * invoices overdue, records reminder events, charges late fees, suspends
 * subscribers past grace, restores subscribers suspended by dunning who no
 * longer owe. actor goes into the audit log ("agent:dunning", "cli:root").
 * Every suspension or restore bumps "policy_gen" in the same txn; the
 * maps are tagih-agent's to update (within policy_poll_ms). Idempotent:
 * a second run at the same now changes nothing. Returns 0 or -errno.
 */
int dunning_run(struct store *st, const struct dunning_policy *p, int64_t now,
		const char *actor, struct dunning_report *r);

/*
 * Called by the payment path (billing/pay.c) in its own write txn after
 * a payment is allocated: restores sub if it was suspended by dunning and
 * has no open invoice past grace any more. Returns 1 if restored, 0 if
 * nothing to do, or -errno. tagih-agent notices "policy_gen" within
 * policy_poll_ms of the payer's commit.
 */
int dunning_after_payment(MDB_txn *txn, struct store *st, const char *sub,
			  int64_t now, const char *actor);

/*
 * What sub must pay for dunning to lift the isolir at today: the open
 * amounts of its invoices, oldest issue first (the order payments are
 * allocated in), up to and including the last one past grace. 0 when
 * sub is not suspended by dunning or owes nothing past grace (a
 * suspension by hand is lifted by hand only). *n gets the invoices it
 * covers and first (INV_NUM_MAX, may be NULL) the oldest of them. The
 * grace is the one the last dunning run used (as dunning_after_payment).
 * Returns 0, -ERANGE (a sum that does not fit) or -errno.
 */
int dunning_lift_amount(MDB_txn *txn, struct store *st, const char *sub,
			int32_t today, rp_t *amount, int *n, char *first);

#endif
