/* SPDX-License-Identifier: GPL-2.0 */
/* pay.h - payments: idempotent by reference, oldest invoice first, overpayment to balance. */
#ifndef TAGIH_PAY_H
#define TAGIH_PAY_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"
#include "billing/invoice.h"

#define PAY_REF_MAX 64		/* printable, no spaces, 1..64 chars */
#define PAY_ALLOC_MAX 16
#define PAY_RAW_MAX (64 * 1024)

enum pay_method { PAY_CASH = 0, PAY_TRANSFER = 1, PAY_GATEWAY = 2 };

/*
 * What a payment record is. Records written before the kind existed
 * hold 0 in its byte (it was padding): a payment.
 */
enum pay_kind {
	PAY_KIND_PAYMENT = 0,	/* money received for what was owed */
	PAY_KIND_CREDIT = 1,	/* received for an invoice already paid or
				 * void (a second payment): credited to the
				 * balance, for the operator to review */
	PAY_KIND_REVERSAL = 2,	/* money given back (refund, chargeback):
				 * negative amount and allocations */
	PAY_KIND__MAX
};

struct pay_alloc {
	char number[INV_NUM_MAX];
	rp_t amount;
};

/*
 * DB_PAYMENTS: ref -> struct pay_rec followed by raw_len bytes of the raw
 * payload (a gateway's notification as received; empty for cash). The
 * record is the receipt: what came in and where it went. Never changed.
 * DB_PAY_SUB: sub id + '\0' + time (i64 BE) + ref -> "".
 */
struct pay_rec {
	uint32_t version;	/* PAY_REC_VERSION */
	uint8_t method;		/* enum pay_method */
	uint8_t nalloc;
	uint8_t kind;		/* enum pay_kind (0 in older records) */
	uint8_t pad;
	char ref[PAY_REF_MAX + 1];
	char sub[SUB_ID_MAX + 1];
	uint8_t pad2[6];
	int64_t time;		/* UTC seconds */
	rp_t amount;		/* > 0; < 0 for a reversal */
	rp_t to_balance;	/* what was left after the allocations (a
				 * reversal: <= 0, taken from the balance) */
	char actor[64];
	uint32_t raw_len;
	uint32_t pad3;
	struct pay_alloc alloc[PAY_ALLOC_MAX];
};
#define PAY_REC_VERSION 1	/* kind came later, in a byte that was 0 */

/* A reversal's ref: the reversed payment's ref + "~r" + 1..99. */
#define PAY_REVERSAL_SEP "~r"
#define PAY_REVERSAL_MAX 99

/* Valid reference? 0 or -EINVAL. */
int pay_ref_check(const char *ref);
/* "cash|transfer|gateway" -> enum; -EINVAL otherwise. */
int pay_method_parse(const char *s, int *method);
const char *pay_method_str(int method);
/* "payment", "credit", "reversal" ("?" otherwise). */
const char *pay_kind_str(int kind);

/*
 * Record a payment of amount for sub in txn and allocate it to sub's
 * open invoices, oldest issue first; what is left becomes sub's balance
 * (it pays the next invoice at its run). Usable by webhooks: the same
 * ref twice is applied once.
 * Returns 1 when new, 0 when ref was already recorded for the same sub
 * and amount (nothing changed; *out gets the stored receipt), -EEXIST
 * when ref was used for a different sub or amount, -ENOENT (no such
 * subscriber), -EINVAL (amount <= 0, bad ref or method), -ERANGE (amount
 * above RP_AMOUNT_MAX, or a balance or invoice sum that would not fit in
 * int64: abort the txn, nothing is booked), or -errno.
 */
int pay_apply(MDB_txn *txn, struct store *st, const char *sub, rp_t amount,
	      int method, const char *ref, const void *raw, size_t raw_len,
	      int64_t now, const char *actor, struct pay_rec *out);

/*
 * pay_apply recording the payment as kind (PAY_KIND_PAYMENT or
 * PAY_KIND_CREDIT; the audit action is "payment" or "payment_credit").
 * A payment that clears the overdue lifts a dunning suspension here, in
 * txn: the one place that happens for every way of paying.
 */
int pay_apply_kind(MDB_txn *txn, struct store *st, const char *sub,
		   rp_t amount, int method, int kind, const char *ref,
		   const void *raw, size_t raw_len, int64_t now,
		   const char *actor, struct pay_rec *out);

/*
 * As pay_apply_kind, but the invoice `first` (NULL: none) is paid before
 * the oldest-first walk: the webhook of a prepaid order's payment link
 * pays that order (billing/prepaid.h), which the walk alone skips.
 */
int pay_apply_for(MDB_txn *txn, struct store *st, const char *sub,
		  const char *first, rp_t amount, int method, int kind,
		  const char *ref, const void *raw, size_t raw_len,
		  int64_t now, const char *actor, struct pay_rec *out);

/*
 * Record that amount (> 0) of payment orig_ref was given back: a
 * PAY_KIND_REVERSAL record under ref with -amount, taken back from the
 * invoices the payment went to (latest first, reopening them: dunning
 * then applies as usual), then from the balance it left, then from the
 * subscriber's other paid invoices (newest first). Audited as
 * "payment_reversal". Returns 1 when new, 0 when ref is already
 * recorded (*out gets it), -ENOENT (no payment orig_ref, or it is itself
 * a reversal), -EINVAL, -ERANGE (more than the payment, or than can be
 * taken back: nothing written) or -errno.
 */
int pay_reverse(MDB_txn *txn, struct store *st, const char *orig_ref,
		rp_t amount, const char *ref, const void *raw, size_t raw_len,
		int64_t now, const char *actor, struct pay_rec *out);

/* What has been reversed of payment ref so far (its "~rN" records) and
 * how many reversals: 0 or -errno. */
int pay_reversed(MDB_txn *txn, struct store *st, const char *ref,
		 rp_t *sum, int *count);

/* Returns 0 or -ENOENT. */
int pay_get(MDB_txn *txn, struct store *st, const char *ref,
	    struct pay_rec *out);
/* Payments of sub in time order (sub NULL: all, in ref order). */
int pay_foreach(MDB_txn *txn, struct store *st, const char *sub,
		int (*cb)(const struct pay_rec *p, void *ctx), void *ctx);

/* What sub owes: sum of open (issued, partial) invoices minus paid.
 * 0, -ERANGE (the sum does not fit: a damaged store) or -errno. */
int pay_outstanding(MDB_txn *txn, struct store *st, const char *sub,
		    rp_t *open, int *n_open);

#endif
