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
	uint16_t pad;
	char ref[PAY_REF_MAX + 1];
	char sub[SUB_ID_MAX + 1];
	uint8_t pad2[6];
	int64_t time;		/* UTC seconds */
	rp_t amount;		/* > 0 */
	rp_t to_balance;	/* what was left after the allocations */
	char actor[64];
	uint32_t raw_len;
	uint32_t pad3;
	struct pay_alloc alloc[PAY_ALLOC_MAX];
};
#define PAY_REC_VERSION 1

/* Valid reference? 0 or -EINVAL. */
int pay_ref_check(const char *ref);
/* "cash|transfer|gateway" -> enum; -EINVAL otherwise. */
int pay_method_parse(const char *s, int *method);
const char *pay_method_str(int method);

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
 * As pay_apply, but the invoice `first` (NULL: none) is paid before the
 * oldest-first walk: the webhook of an order's payment link pays that
 * order (billing/prepaid.h), which the walk alone would skip.
 */
int pay_apply_for(MDB_txn *txn, struct store *st, const char *sub,
		  const char *first, rp_t amount, int method, const char *ref,
		  const void *raw, size_t raw_len, int64_t now,
		  const char *actor, struct pay_rec *out);

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
