/* SPDX-License-Identifier: GPL-2.0 */
/* invoice.h - invoice runs, gap-free numbers, invoice states and voids. */
#ifndef TAGIH_INVOICE_H
#define TAGIH_INVOICE_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/money.h"

#define INV_NUM_MAX 48		/* "<prefix>/YYYY/MM/NNNNNN" + NUL */
#define INV_LINES_MAX 24

enum inv_status {
	INV_ISSUED = 0,
	INV_PARTIAL = 1,	/* partially paid */
	INV_PAID = 2,
	INV_VOID = 3,
	INV_OVERDUE = 4,	/* never stored: derived from due date */
};

enum inv_line_kind {
	LINE_FEE = 0,		/* plan fee: qty = days, unit = full fee */
	LINE_USAGE = 1,		/* volume or overage: qty = bytes, unit = per GB */
	LINE_MIN = 2,		/* minimum-charge top-up: qty 1 */
	LINE_ADDON = 3,		/* add-on: qty = days, unit = full price */
	LINE_LATE = 4,		/* late fee (denda) of an earlier invoice: qty 1,
				 * outside PPN (a penalty is not a delivery) */
	LINE_PREPAID = 5,	/* prepaid purchase (receipt): qty = days,
				 * unit = the plan price */
	LINE_PACK = 6,		/* quota pack (receipt): qty = bytes */
	LINE_CHARGE = 7,	/* one-time charge (biaya pasang): qty 1 */
	LINE_DISCOUNT = 8,	/* discount: amount < 0, qty 1 */
};

struct inv_line {
	uint8_t kind;		/* enum inv_line_kind */
	uint8_t pad[7];
	char desc[88];
	int64_t qty;
	rp_t unit_price;
	rp_t amount;
};

/*
 * DB_INVOICES: number -> struct inv_rec truncated after lines[nlines]
 * (fixed layout, version first). Everything but status, paid, voided
 * and void_reason is written once and never changed.
 */
struct inv_rec {
	uint32_t version;	/* INV_REC_VERSION */
	uint16_t nlines;
	uint8_t status;		/* enum inv_status (never INV_OVERDUE) */
	uint8_t tax_mode;	/* enum tax_mode used */
	char number[INV_NUM_MAX];
	char sub[SUB_ID_MAX + 1];
	char period[8];		/* "YYYY-MM" */
	uint8_t pad[7];
	int32_t period_from;	/* civil days, the subscriber's period [from, to) */
	int32_t period_to;
	int32_t issued;		/* civil day */
	int32_t due;		/* civil day */
	int64_t created;	/* UTC seconds */
	int64_t ppn_bp;
	rp_t subtotal, tax, total;
	rp_t paid;		/* allocated so far (payments and balance) */
	int64_t voided;		/* UTC seconds, 0 = not */
	char void_reason[120];
	struct inv_line lines[INV_LINES_MAX];
};
#define INV_REC_VERSION 1

static inline size_t inv_rec_size(unsigned nlines)
{
	return __builtin_offsetof(struct inv_rec, lines) +
	       nlines * sizeof(struct inv_line);
}

struct inv_run_opts {
	int year, month;	/* the period */
	int64_t now;		/* issue instant (UTC seconds) */
	const char *prefix;	/* invoice_prefix */
	int64_t due_days;
	int tax_mode;		/* enum tax_mode */
	int64_t ppn_bp;
	unsigned batch;		/* subscribers per write txn (0 = 10000) */
	/* Called after each committed batch. */
	void (*progress)(uint64_t done, uint64_t total, void *ctx);
	void *ctx;
};

struct inv_run_stats {
	uint64_t subs;		/* subscribers looked at */
	uint64_t created;
	uint64_t committed;	/* of those, in batches already committed */
	uint64_t existing;	/* already invoiced for this period */
	uint64_t not_due;	/* their period has not ended yet */
	uint64_t skipped;	/* not active in the period, or nothing to bill */
	rp_t total;		/* sum of created invoices' totals */
	char first[INV_NUM_MAX], last[INV_NUM_MAX];
};

/*
 * The subscriber's billing period for calendar month y-m: [*from, *to)
 * in civil days. Calendar cycles start on cycle_day (1..28, 0 = 1);
 * anniversary cycles on the activation's day of month, clamped to the
 * month's length.
 */
void invoice_sub_period(const struct sub_rec *r, int y, int m, int32_t *from,
			int32_t *to);

/*
 * Make the invoices of period y-m for every subscriber, in batches of
 * o->batch subscribers per write transaction. Idempotent: a subscriber
 * with an invoice for the period is left alone. Returns 0, -EAGAIN (the
 * month has not ended at o->now; nothing written), -EINVAL, -ENOENT (a
 * subscriber names a plan that does not exist; the batch is aborted,
 * earlier batches stay), -ERANGE / -EOVERFLOW (an amount or a byte sum
 * that does not fit; the batch is aborted likewise) or -errno.
 */
int invoice_run(struct store *st, const struct inv_run_opts *o,
		struct inv_run_stats *stats);

/*
 * PPN once on inv's lines (docs/BILLING.md): LINE_LATE lines are outside
 * it, every other line (discounts negative) is summed, then rate_tax.
 * Sets subtotal, tax, total, tax_mode and ppn_bp. Returns 0, -EINVAL or
 * -ERANGE (a sum that does not fit, or discounts above the lines).
 */
int invoice_totals(struct inv_rec *inv, int tax_mode, int64_t ppn_bp);

/*
 * Give inv (sub, issued, lines and totals filled in) the next gap-free
 * number "<prefix>/YYYY/MM/NNNNNN" of its issue day's month and store it
 * with its DB_INV_SUB index, in txn: an aborted txn takes the number
 * back. The invoice run and prepaid receipts (billing/prepaid.c, with
 * receipt_prefix) both number through here. Returns 0, -EINVAL (bad
 * prefix), -EOVERFLOW or -errno.
 */
int invoice_issue(MDB_txn *txn, struct store *st, struct inv_rec *inv,
		  const char *prefix);

/* Returns 0, -ENOENT or -EIO. */
int invoice_get(MDB_txn *txn, struct store *st, const char *number,
		struct inv_rec *inv);
/* Overwrite the mutable fields (status, paid, void). 0 or -errno. */
int invoice_put(MDB_txn *txn, struct store *st, const struct inv_rec *inv);
/* Status as shown: INV_OVERDUE for unpaid invoices past due at `today`. */
int invoice_status(const struct inv_rec *inv, int32_t today);
const char *invoice_status_str(int status);
/* "issued|partial|paid|overdue|void" -> status; -EINVAL otherwise. */
int invoice_status_parse(const char *s, int *status);

/* All invoices in number order. cb's non-zero return stops and is returned. */
int invoice_foreach(MDB_txn *txn, struct store *st,
		    int (*cb)(const struct inv_rec *inv, void *ctx), void *ctx);
/* Invoice numbers of sub, oldest issue first. */
int invoice_foreach_sub(MDB_txn *txn, struct store *st, const char *sub,
			int (*cb)(const char *number, void *ctx), void *ctx);

/*
 * Void an invoice with a reason: it stays, with status void. What had
 * been paid on it becomes the subscriber's balance (a credit). Returns 0,
 * -ENOENT, -EALREADY (already void), -EINVAL (empty reason, or one that
 * fails text_check), -ERANGE (the balance would not fit) or -errno.
 * The void is written to the audit log as actor with the whole reason;
 * void_reason keeps what fits, cut between characters (text_copy).
 */
int invoice_void(MDB_txn *txn, struct store *st, const char *number,
		 const char *reason, int64_t now, const char *actor);

/* Apply up to sub->balance to inv (open), updating both in memory.
 * Returns the amount applied. */
rp_t invoice_apply_credit(struct inv_rec *inv, struct sub_rec *sub);
/* Recompute status from paid/total (not for void). */
void invoice_settle_status(struct inv_rec *inv);

/*
 * Late fees (denda). Dunning charges a fee once per overdue invoice; the
 * issued invoice is never edited, so the fee waits in DB_META under
 * "latefee/" + sub + '\0' + invoice number and becomes a LINE_LATE line
 * on the subscriber's next invoice (consumed in the same txn).
 * Returns 0, -EEXIST (already pending for that invoice) or -errno.
 */
int invoice_late_fee_add(MDB_txn *txn, struct store *st, const char *sub,
			 const char *number, rp_t fee, int64_t when);

#endif
