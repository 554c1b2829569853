/* SPDX-License-Identifier: GPL-2.0 */
/* report.h - revenue per period, aging of open invoices, top usage. */
#ifndef TAGIH_REPORT_H
#define TAGIH_REPORT_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/money.h"

struct rev_report {
	uint64_t invoices;	/* not void */
	uint64_t voided;
	rp_t subtotal, tax, total;
	rp_t paid;		/* allocated on those invoices */
	rp_t open;		/* total - paid */
	rp_t void_total;
};

/* Invoices of period "YYYY-MM". Returns 0, -ERANGE (a sum that does not
 * fit in int64: only a damaged store; sums are checked) or -errno. */
int report_revenue(MDB_txn *txn, struct store *st, const char *period,
		   struct rev_report *r);
struct inv_rec;
/* Add one invoice to r (void: counted apart). Returns 0 or -ERANGE. */
int report_revenue_add(struct rev_report *r, const struct inv_rec *inv);

/*
 * Open invoices (issued, partial) by days past due at today:
 * [0] not yet due, [1] 0-30, [2] 31-60, [3] 61-90, [4] more than 90.
 * Returns 0, -ERANGE (as report_revenue) or -errno.
 */
#define AGING_BUCKETS 5
struct aging_bucket {
	const char *label;
	uint64_t invoices;
	rp_t amount;		/* still open */
};
int report_aging(MDB_txn *txn, struct store *st, int32_t today,
		 struct aging_bucket out[AGING_BUCKETS]);

struct usage_top {
	char sub[SUB_ID_MAX + 1];
	uint64_t up, down;	/* bytes */
};
/*
 * The n subscribers with the most up + down bytes in calendar month y-m
 * (operator's local days), most first. *nout gets how many. 0 or -errno.
 */
int report_usage_top(MDB_txn *txn, struct store *st, int y, int m, int n,
		     struct usage_top *out, int *nout);

#endif
