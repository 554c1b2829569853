/* SPDX-License-Identifier: GPL-2.0 */
/* charge.h - one-time charges (biaya pasang) and discounts as lines of the next invoices. */
#ifndef TAGIH_CHARGE_H
#define TAGIH_CHARGE_H

#include <stdint.h>
#include "billing/invoice.h"
#include "billing/store.h"
#include "lib/money.h"

/*
 * DB_CHARGES: sub id + '\0' + id (u64 BE, from the DB_META counter
 * "charge_next") -> struct charge_rec.
 *
 * A one-time charge waits (CHARGE_PENDING) until the subscriber's next
 * invoice run, which puts it on the invoice as a LINE_CHARGE line and
 * marks it CHARGE_BILLED with the invoice number in the same txn: billed
 * exactly once. A discount (fixed Rupiah or a percentage) is a negative
 * LINE_DISCOUNT line on every invoice whose period overlaps [from,
 * until]; each invoice is made once per period (DB_INV_PERIOD), so a
 * discount is applied once per period. Percentages are of the sum of the
 * invoice's other lines except late fees, half up; a fixed discount is
 * at most that sum, so no invoice goes below zero. Both are inside PPN:
 * the tax is computed on the sum with the discount.
 */
enum charge_kind { CHARGE_ONCE = 0, DISCOUNT_FIXED = 1, DISCOUNT_PERCENT = 2 };
enum charge_status { CHARGE_PENDING = 0, CHARGE_BILLED = 1, CHARGE_VOID = 2 };

#define CHARGE_DESC_MAX 64

struct charge_rec {
	uint32_t version;	/* CHARGE_REC_VERSION */
	uint8_t kind;		/* enum charge_kind */
	uint8_t status;		/* enum charge_status (discounts: pending
				 * while they may apply, void when voided) */
	uint16_t pad;
	uint64_t id;
	rp_t amount;		/* charge, or fixed discount per invoice */
	int64_t bp;		/* percent discount, basis points 1..10000 */
	int32_t from;		/* civil day: discount periods from */
	int32_t until;		/* civil day: discount's last day */
	int64_t created;	/* UTC seconds */
	char desc[CHARGE_DESC_MAX + 1];
	char invoice[INV_NUM_MAX];	/* the charge's invoice / the last
					 * invoice a discount went on */
	uint8_t pad2[7];
	uint8_t reserved[32];
};
#define CHARGE_REC_VERSION 1

/* Record a charge or discount for sub (c->id is set). Returns 0,
 * -ENOENT (no such subscriber), -EINVAL (amount, percent, days or text)
 * or -errno. */
int charge_add(MDB_txn *txn, struct store *st, const char *sub,
	       struct charge_rec *c);
/* sub's records in id order (sub NULL: everybody's). */
int charge_foreach(MDB_txn *txn, struct store *st, const char *sub,
		   int (*cb)(const char *sub, const struct charge_rec *c,
			     void *ctx), void *ctx);
/* Void a pending one: 0, -ENOENT, -EALREADY (billed or void) or -errno. */
int charge_void(MDB_txn *txn, struct store *st, const char *sub,
		uint64_t id);

/*
 * The invoice run's step (billing/invoice.c, in its txn): pending
 * charges of sub become lines of inv, then the discounts that overlap
 * the period [pfrom, pto). Returns 0, -E2BIG (too many lines), -ERANGE
 * or -errno.
 */
int charge_lines(MDB_txn *txn, struct store *st, const char *sub,
		 struct inv_rec *inv, int32_t pfrom, int32_t pto);
/* After inv got its number: mark what charge_lines put on it. */
int charge_billed(MDB_txn *txn, struct store *st, const char *sub,
		  const struct inv_rec *inv);

const char *charge_kind_str(int kind);
const char *charge_status_str(int status);

#endif
