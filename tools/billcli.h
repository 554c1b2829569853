/* SPDX-License-Identifier: GPL-2.0 */
/* billcli.h - what the billing commands share: amounts, dates, periods, JSON out. */
#ifndef TAGIH_BILLCLI_H
#define TAGIH_BILLCLI_H

#include <stdint.h>
#include <jansson.h>
#include "tools/cli.h"
#include "lib/money.h"
#include "billing/sub.h"

/*
 * Parsers print a clear message naming the option and return 0 or
 * CLI_USAGE, so a command can `return` their result directly.
 */
/* Whole Rupiah, 0..RP_AMOUNT_MAX (lib/money.h). */
int bill_amount(const char *opt, const char *s, rp_t *out);
int bill_date(const char *opt, const char *s, int32_t *day);
int bill_period(const char *opt, const char *s, int *y, int *m);
int bill_time(const char *opt, const char *s, int64_t *t);
/* Non-negative whole number, at most max. */
int bill_uint(const char *opt, const char *s, uint64_t max, uint64_t *out);

/* Tax settings from the config (tax_mode, ppn_bp). CLI_FAIL if invalid. */
int bill_tax(const struct cli *c, int *mode, int64_t *bp);

/* Print j indented to stdout and drop the reference. */
void bill_json_out(json_t *j);

/* Progress on a terminal: "\r  12000/100000 subscribers". */
void bill_progress(uint64_t done, uint64_t total, void *ctx);

/*
 * Hooks for `tagih sub` (tools/cmd_sub.c), in tools/cmd_subbill.c:
 * sub_bill_opt: --plan, --activated, --cycle, --cycle-day into r (0 or an
 * exit code, message printed). sub_bill_added: in sub add's txn, after
 * sub_add, record the plan from the activation day (0 or an exit code,
 * message printed; the caller aborts). cmd_sub_bill: `sub terminate|plan|
 * addon ...` with argv[0] the verb.
 */
int sub_bill_opt(struct sub_rec *r, const char *opt, const char *arg);
int sub_bill_added(MDB_txn *txn, struct store *st, const struct sub_rec *r);
int cmd_sub_bill(struct cli *c, int argc, char **argv);

#endif
