/* SPDX-License-Identifier: GPL-2.0 */
/* dunning.h - reminders, overdue, late fee, isolir and restore: the calendar as pure functions plus one run. */
#ifndef TAGIH_DUNNING_H
#define TAGIH_DUNNING_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/conf.h"
#include "lib/money.h"
#include "billing/store.h"
#include "billing/sub.h"

/*
 * The calendar (docs/ISOLIR.md), all in the operator's civil days:
 *   due day   = issue day + due_days                (pay by the end of it)
 *   reminder i on due day + reminder_days[i]        (-3, 0, +1 by default)
 *   overdue   from due day + 1; the late fee (if any) is charged then,
 *             once per invoice
 *   grace     ends at the end of due day + grace_days; from the next day a
 *             subscriber with an open overdue invoice is suspended (isolir)
 *             unless on hold or auto_suspend is off.
 * A subscriber suspended by dunning is restored when nothing overdue is
 * left open; a subscriber suspended by hand is only restored by hand.
 */
#define DUNNING_MAX_REMINDERS 8

enum dunning_fee_kind { FEE_NONE = 0, FEE_FIXED = 1, FEE_PERCENT = 2 };

struct dunning_policy {
	int due_days;
	int n_reminders;
	int reminder_days[DUNNING_MAX_REMINDERS];	/* ascending */
	int grace_days;
	int fee_kind;		/* enum dunning_fee_kind */
	int64_t fee;		/* Rupiah (FIXED) or basis points (PERCENT) */
	bool auto_suspend;
	/* prepaid (billing/prepaid.h): reminders N days before masa aktif
	 * ends, ascending (prepaid_reminder_days) */
	int n_prepaid_reminders;
	int prepaid_reminder_days[DUNNING_MAX_REMINDERS];
};

/* "-3,0,1" -> ascending, duplicates removed; "" = none. -EINVAL on junk or
 * more than DUNNING_MAX_REMINDERS or |day| > 366. */
int dunning_parse_reminders(const char *s, int *days, int max, int *n);
/* "0" | "5000" | "5.000" | "2%" | "2.5%" (up to two decimals). 0 or -EINVAL. */
int dunning_parse_late_fee(const char *s, int *kind, int64_t *fee);
/* Policy from the config. Returns 0 or -EINVAL with *why (static). */
int dunning_policy_from_conf(const struct tagih_conf *c,
			     struct dunning_policy *p, const char **why);

/* Pure calendar functions. */
int32_t dunning_due_day(const struct dunning_policy *p, int32_t issue_day);
/* Last day of grace: overdue subscribers are suspended from the day after. */
int32_t dunning_grace_end(const struct dunning_policy *p, int32_t due_day);
bool dunning_is_overdue(int32_t due_day, int32_t today);
bool dunning_past_grace(const struct dunning_policy *p, int32_t due_day,
			int32_t today);
/*
 * Which reminder to send today for an invoice due on due_day, given the
 * bitmask of reminders already recorded (bit i = reminder_days[i]).
 * Returns the index of the latest reminder whose day is <= today and not
 * yet sent (older unsent ones are superseded: the caller marks them as
 * sent too, so a run after a gap sends one message, not a burst), or -1.
 * Reminders are never sent for days after the grace end + 1.
 */
int dunning_reminder_due(const struct dunning_policy *p, int32_t due_day,
			 int32_t today, uint32_t sent_mask);
/* Late fee for an invoice of total (>= 0). Percent: half up via
 * money_muldiv_round. Returns 0 or -ERANGE/-EINVAL. */
int dunning_late_fee(const struct dunning_policy *p, rp_t total, rp_t *fee);

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
 * Suspend / restore one subscriber in txn: sets sub_rec.status, records
 * who did it (by_dunning: may be lifted automatically on payment), writes
 * the audit entry, bumps "policy_gen". -EALREADY if already in that state,
 * -ENOENT, or -errno. The caller commits; tagih-agent sees "policy_gen"
 * move and updates the maps within policy_poll_ms.
 */
int dunning_suspend(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason,
		    bool by_dunning);
int dunning_restore(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason);
/* Was this subscriber suspended by dunning (not by hand)? */
bool dunning_suspended_by_dunning(MDB_txn *txn, struct store *st,
				  const char *sub);

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
