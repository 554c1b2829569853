/* SPDX-License-Identifier: GPL-2.0 */
/* books.h - the cash book: payments by day, method and who took them (setoran), and revenue month by month. */
#ifndef TAGIH_BOOKS_H
#define TAGIH_BOOKS_H

#include <stdint.h>
#include <jansson.h>
#include "billing/pay.h"
#include "billing/report.h"

/* Which payments: every field is an AND; zero/NULL/-1 = any. */
struct pay_filter {
	int64_t from, to;	/* [from, to) UTC seconds; to 0 = no end */
	int method;		/* enum pay_method, -1 = any */
	const char *by;		/* who recorded it (books_pay_user) */
	const char *kind;	/* books_pay_kind */
	const char *sub;	/* subscriber id */
};
#define PAY_FILTER_ANY { 0, 0, -1, NULL, NULL, NULL }

/*
 * Who took a payment, as the cash book names them: a console user's
 * name for "console:NAME", the whole actor otherwise ("cli:root",
 * "tagihd:webhook:midtrans"). Returns buf.
 */
const char *books_pay_user(const struct pay_rec *p, char *buf, size_t n);
/* "payment", "credit" or "reversal" (billing/pay.h pay_kind_str). */
const char *books_pay_kind(const struct pay_rec *p);
bool books_pay_match(const struct pay_rec *p, const struct pay_filter *f);

/*
 * The payments that match f, oldest first (time, then ref), into a
 * malloc'd array (*out, *n; free() it). Returns 0 or -errno.
 */
int books_pay_list(MDB_txn *txn, struct store *st, const struct pay_filter *f,
		   struct pay_rec **out, size_t *n);

#define BOOKS_USERS_MAX 64	/* more distinct takers are summed as "other" */
struct books_sum {
	uint64_t count;
	rp_t total;
	uint64_t n_method[3];
	rp_t by_method[3];	/* by enum pay_method */
	int nusers;
	struct {
		char user[72];
		uint64_t count;
		rp_t amount;
		rp_t cash;	/* what this user hands over (setoran) */
	} users[BOOKS_USERS_MAX + 1];
};

/* Sum the payments that match f. 0, -ERANGE (a sum past int64: only a
 * damaged store) or -errno. */
int books_collections(MDB_txn *txn, struct store *st,
		      const struct pay_filter *f, struct books_sum *s);

/* {KEY: when, "total", "count", "by_method": {cash, transfer, gateway},
 * "by_user": {NAME: RP}}: `report collections --json` and the API's
 * /api/v1/reports/collections alike. NULL on ENOMEM. */
json_t *books_sum_json(const char *key, const char *when,
		       const struct books_sum *s);

/*
 * Revenue of each month from y0-m0 to y1-m1 (inclusive, at most
 * BOOKS_MONTHS_MAX), in one walk of the invoices: out[i] is month i.
 * *n gets the count. 0, -EINVAL (range backwards or too long), -ERANGE
 * or -errno.
 */
#define BOOKS_MONTHS_MAX 120
int books_revenue_months(MDB_txn *txn, struct store *st, int y0, int m0,
			 int y1, int m1, struct rev_report *out, int *n);

#endif
