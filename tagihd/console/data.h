/* SPDX-License-Identifier: GPL-2.0 */
/* data.h - what the console's API and pages both read and write: search, JSON of records, recording a payment. */
#ifndef TAGIHD_CONSOLE_DATA_H
#define TAGIHD_CONSOLE_DATA_H

#include "billing/books.h"
#include "billing/invoice.h"
#include "billing/pay.h"
#include "billing/sub.h"
#include "lib/prefix.h"
#include "tagihd/console/console.h"

/* Does r match q (id, name, phone, address: case-insensitive substring;
 * an address or prefix: one of its prefixes contains it)? q NULL: yes. */
bool data_sub_match(MDB_txn *txn, struct store *st, const struct sub_rec *r,
		    const char *q);
/* A subscriber for c's role: money fields only with PERM_MONEY_VIEW;
 * detail adds prefixes (and invoices, payments with money rights). */
json_t *data_sub_json(struct con_ctx *c, MDB_txn *txn,
		      const struct sub_rec *r, bool detail);
json_t *data_inv_json(const struct inv_rec *inv, int32_t today);
json_t *data_pay_json(const struct pay_rec *p, bool dup);

/*
 * Record a payment as c's user, with the CLI's checks (billing/pay.c
 * pay_apply), in one write txn. Returns 1 (new), 0 (the same ref was
 * already recorded for this subscriber and amount: *p gets it), or an
 * HTTP status (400, 404, 409, 500) with *why set, nothing written.
 */
int data_pay(struct con_ctx *c, const char *sub, rp_t amount, int method,
	     const char *ref, struct pay_rec *p, const char **why);

/* The address history of uid (DB_PREFIX_HIST, a walk of the table):
 * cb(prefix, since, until (0 = still), ctx) for each span, at most max.
 * 0 or -errno. */
int data_addr_history(MDB_txn *txn, struct store *st, uint32_t uid, int max,
		      void (*cb)(const struct prefix *p, int64_t since,
				 int64_t until, void *ctx), void *ctx);

/* Today's civil day and the day range of a ?date= (or today). 0 or -EINVAL. */
int data_day_arg(struct con_ctx *c, const char *arg, int32_t *day);

#endif
