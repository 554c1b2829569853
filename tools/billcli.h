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
/* Non-negative whole number, at most max (min..max). */
int bill_uint(const char *opt, const char *s, uint64_t max, uint64_t *out);
int bill_uint_range(const char *opt, const char *s, uint64_t min,
		    uint64_t max, uint64_t *out);

/* Tax settings from the config (tax_mode, ppn_bp). CLI_FAIL if invalid. */
int bill_tax(const struct cli *c, int *mode, int64_t *bp);

/* Print j indented to stdout and drop the reference. */
void bill_json_out(json_t *j);

/* Progress on a terminal: "\r  12000/100000 subscribers". */
void bill_progress(uint64_t done, uint64_t total, void *ctx);

/* `pay list` and `report collections` (tools/cmd_pay.c): --date or
 * --from/--to into f's time range; 0 or CLI_USAGE (said why). */
struct pay_filter;
struct pay_rec;
int pay_cli_days(const struct cli_val *date, const struct cli_val *from,
		 const struct cli_val *to, struct pay_filter *f);
/* One payment as `pay list --json` shows it. */
json_t *pay_list_json(const struct pay_rec *p);

#endif
