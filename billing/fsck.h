/* SPDX-License-Identifier: GPL-2.0 */
/* fsck.h - the billing ledger's invariants, checked in one read txn. */
#ifndef TAGIH_FSCK_H
#define TAGIH_FSCK_H

#include <stdint.h>
#include <stdio.h>
#include "billing/store.h"
#include "lib/money.h"

struct fsck_report {
	uint64_t invoices;
	uint64_t payments;
	uint64_t subs;
	rp_t paid_in;		/* sum of payments */
	rp_t allocated;		/* sum of paid on invoices that are not void */
	rp_t balances;		/* sum of subscribers' balances */
	uint64_t usage_totals;	/* uids whose running total was checked */
	int violations;
};

/*
 * Checks, printing one line per violation to out (may be NULL):
 *  - every invoice: subtotal + tax = total, lines sum to subtotal
 *    (exclusive, none) or to total (inclusive), 0 <= paid <= total,
 *    status agrees with paid;
 *  - every payment: amount = its allocations + what went to balance,
 *    all >= 0 (a payment or credit) or all <= 0 (a reversal, which
 *    must name an existing payment of the same subscriber, and a
 *    payment's reversals never add up to more than it);
 *  - sum of payments = sum allocated on invoices not void + balances
 *    (a void invoice's paid amount became balance);
 *  - numbers gap-free: per "<prefix>/YYYY/MM/" 1, 2, ... up to the
 *    counter in DB_META, none missing, none beyond;
 *  - every DB_INV_PERIOD entry names an existing invoice;
 *  - once built, each uid's running usage total (DB_USAGE_TOTAL) equals
 *    the sum of its hour buckets, and no total exists without them.
 * Returns 0 (check r->violations) or -errno.
 */
int fsck_run(MDB_txn *txn, struct store *st, FILE *out,
	     struct fsck_report *r);

struct fsck_deep_report {
	uint64_t tables;	/* tables walked to their end */
	uint64_t records;	/* records looked at */
	int bad;		/* records and structures that do not decode */
};

/*
 * `fsck --deep`: walk every record of every table and report each that
 * does not decode (one line per record to out, may be NULL: "table T,
 * key K: why"): its checksum, key order, a lookup by its key (branch
 * pages), the table's record count, sizes, versions, enums, text fields
 * (terminated, valid UTF-8) and cross-references (a subscriber, plan,
 * invoice or payment a record names exists). Also the two meta pages
 * (alternating txn ids) and meta "txn_id" against the snapshot's.
 * Returns 0 (check r->bad) or -errno.
 */
int fsck_deep(MDB_txn *txn, struct store *st, FILE *out,
	      struct fsck_deep_report *r);

#endif
