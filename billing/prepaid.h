/* SPDX-License-Identifier: GPL-2.0 */
/* prepaid.h - prepaid plans: masa aktif, purchases with numbered receipts, expiry and reminders. */
#ifndef TAGIH_PREPAID_H
#define TAGIH_PREPAID_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/invoice.h"
#include "billing/plan.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/conf.h"
#include "lib/money.h"

/*
 * A subscriber whose current plan (sub_rec.plan) is of type prepaid pays
 * first: every purchase extends masa aktif by the plan's days from the
 * later of now and the current expiry. The invoice run bills it nothing;
 * each purchase is instead a receipt: an inv_rec numbered from the same
 * gap-free counters (invoice_issue, prefix receipt_prefix), taxed by the
 * same rule (invoice_totals), with one LINE_PREPAID or LINE_PACK line.
 *
 * A purchase starts as an order: the receipt is issued open (status
 * issued) with DB_META "order/" + number = struct prepaid_order saying
 * what it buys. Paying it in full (any method; pay_apply, webhooks)
 * grants it and deletes the order record in the same txn: granted once.
 * A payment by a prepaid subscriber that names no order (`tagih pay`,
 * cash at the kasir) buys the plan's periods it covers (with the
 * balance), one receipt each. Orders are never dunned.
 *
 * At expiry dunning (the agent's run every dunning_interval, or `tagih
 * dunning run`) suspends the subscriber (dunning_suspend, by dunning:
 * policy_gen bump, the agent isolates) and a purchase restores it in the
 * purchase's txn. Reminders before expiry (prepaid_reminder_days) are
 * audit entries "prepaid_remind" that the outbox turns into
 * OBX_PREPAID_EXPIRING, each (subscriber, expiry, day) once.
 */

#define RECEIPT_LINE_DAYS_MAX PLAN_DAYS_MAX

/* DB_PREPAID: sub id -> struct prepaid_rec (fixed layout, version first;
 * a shorter record reads missing fields as 0). */
struct prepaid_rec {
	uint32_t version;	/* PREPAID_REC_VERSION */
	uint32_t purchases;	/* periods granted (payments and vouchers) */
	int64_t expires;	/* UTC seconds, end of masa aktif; 0 = never */
	int64_t reminded_expiry; /* the expiry `reminded` belongs to */
	uint32_t reminded;	/* bit i: prepaid_reminder_days[i] sent */
	uint32_t pad;
	int64_t updated;	/* UTC seconds of the last change */
	uint8_t reserved[32];
};
#define PREPAID_REC_VERSION 1

enum prepaid_kind { ORDER_PLAN = 1, ORDER_PACK = 2 };

/* DB_META "order/" + receipt number -> what an open receipt buys. */
struct prepaid_order {
	uint32_t version;	/* 1 */
	uint8_t kind;		/* enum prepaid_kind */
	uint8_t pad[3];
	char name[PLAN_NAME_MAX + 1];	/* plan or pack */
	uint8_t pad2[3];
	uint32_t days;
	uint64_t bytes;		/* quota granted with it */
};

/* Receipt terms for this process (from the config: tax_mode, ppn_bp,
 * operator_npwp, receipt_prefix). Without them purchases fail with
 * -ENOKEY; with PPN but no operator_npwp, -EPERM (as `invoice run`
 * refuses). Returns 0 or -EINVAL with *why. */
int prepaid_configure(const struct tagih_conf *c, const char **why);

/* What price costs with PPN under the configured terms (the face value
 * of a voucher). 0, -ENOKEY / -EPERM (see above) or -ERANGE. */
int prepaid_price_total(rp_t price, rp_t *total);

/* The subscriber's state; a subscriber that never bought reads zero. */
int prepaid_get(MDB_txn *txn, struct store *st, const char *sub,
		struct prepaid_rec *r);
int prepaid_put(MDB_txn *txn, struct store *st, const char *sub,
		const struct prepaid_rec *r);

/* Is rec on a prepaid plan? 1 (with *plan filled when plan != NULL),
 * 0, or -errno. */
int prepaid_plan_of(MDB_txn *txn, struct store *st,
		    const struct sub_rec *rec, struct plan_rec *plan);

/*
 * Must this subscriber stay suspended at now, whatever its invoices say?
 * True for a subscriber on a prepaid plan whose masa aktif has ended or
 * whose quota is used up (billing/pack.h); never for another plan's.
 * Dunning's restore paths ask this first.
 */
bool prepaid_blocked(MDB_txn *txn, struct store *st,
		     const struct sub_rec *rec, int64_t now);

/*
 * Extend rec by days (and add quota bytes) from max(now, expiry); a
 * subscriber suspended by dunning who is no longer blocked is restored
 * in txn. source goes into the audit entry ("receipt KW/...",
 * "voucher"). Returns 0 or -errno.
 */
int prepaid_extend(MDB_txn *txn, struct store *st, const char *sub,
		   uint32_t days, uint64_t bytes, int64_t now,
		   const char *actor, const char *source);

/* Restore sub if dunning suspended it and nothing blocks it any more
 * (masa aktif, quota, invoices past grace). 0 or -errno. */
int prepaid_restore_if_clear(MDB_txn *txn, struct store *st, const char *sub,
			     int64_t now, const char *actor);

/*
 * Which reminder is due at today for masa aktif ending on expiry_day:
 * days[] (n, ascending) are days before the expiry. The latest one
 * reached (the smallest d with expiry_day - d <= today), or -1 when none
 * is reached or it was sent (bit i of sent). Pure.
 */
int prepaid_reminder_due(const int *days, int n, int32_t expiry_day,
			 int32_t today, uint32_t sent);

/*
 * The open order of sub for (kind, name), or a new one: a receipt issued
 * open today with the item's line and PPN. number (INV_NUM_MAX) gets its
 * number, *total what it costs. Returns 0, -ENOENT (no such plan or
 * pack, or subscriber), -EINVAL (not a prepaid plan), -ENOTSUP (a pack
 * for a subscriber without a quota), -ENOKEY / -EPERM (see
 * prepaid_configure) or -errno.
 */
int prepaid_order(MDB_txn *txn, struct store *st, const char *sub, int kind,
		  const char *name, int64_t now, char *number, rp_t *total);

/* Is inv an order (a receipt with a purchase line)? */
bool prepaid_is_receipt(const struct inv_rec *inv);

/*
 * Grant what the order behind number buys if it is paid in full and not
 * granted yet (then deletes the order record). Returns 1 granted, 0
 * nothing to do, or -errno.
 */
int prepaid_grant(MDB_txn *txn, struct store *st, const char *number,
		  int64_t now, const char *actor);

/*
 * The payment hook (billing/pay.c, in pay_apply's txn, after the
 * allocations): grants the orders the payment completed, then, for a
 * prepaid subscriber, buys periods of its plan from *left and the
 * balance while they cover one (at most 12), each allocation recorded
 * in p. Updates *left. Returns the periods bought, or -errno.
 */
struct pay_rec;
int prepaid_after_payment(MDB_txn *txn, struct store *st, struct pay_rec *p,
			  rp_t *left, int64_t now, const char *actor);

struct dunning_policy;
struct dunning_report;
/*
 * Dunning's prepaid pass (in dunning_run's txn): suspends prepaid
 * subscribers whose masa aktif has ended (unless on hold or auto_suspend
 * is off) and records the reminders that are due. Returns 0 or -errno.
 */
int prepaid_run(MDB_txn *txn, struct store *st,
		const struct dunning_policy *p, int64_t now, const char *actor,
		struct dunning_report *r);

#endif
