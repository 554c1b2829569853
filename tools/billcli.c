// SPDX-License-Identifier: GPL-2.0
/* billcli.c - shared parsing and output for the billing commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/rate.h"
#include "lib/ttime.h"

int bill_amount(const char *opt, const char *s, rp_t *out)
{
	char max[40];
	rp_t v;

	money_fmt(RP_AMOUNT_MAX, max, sizeof(max));
	if (money_parse(s, &v)) {
		if (*s == '-')
			cli_err("--%s '%s': amounts cannot be negative", opt, s);
		else if (*s && strspn(s, "0123456789") == strlen(s))
			cli_err("--%s '%s' is too large: one amount is at "
				"most %s", opt, s, max);
		else
			cli_err("--%s '%s' is not a whole Rupiah amount "
				"(150000 or 150.000; no decimals)", opt, s);
		return CLI_USAGE;
	}
	if (!money_in_range(v)) {
		cli_err("--%s '%s' is too large: one amount is at most %s", opt,
			s, max);
		return CLI_USAGE;
	}
	*out = v;
	return 0;
}

int bill_date(const char *opt, const char *s, int32_t *day)
{
	if (tt_parse_date(s, day)) {
		cli_err("--%s '%s' is not a date (YYYY-MM-DD)", opt, s);
		return CLI_USAGE;
	}
	return 0;
}

int bill_period(const char *opt, const char *s, int *y, int *m)
{
	if (tt_parse_period(s, y, m) || strlen(s) != 7) {
		cli_err("--%s '%s' is not a period (YYYY-MM)", opt, s);
		return CLI_USAGE;
	}
	return 0;
}

int bill_time(const char *opt, const char *s, int64_t *t)
{
	if (tt_parse_time(s, t)) {
		cli_err("--%s '%s' is not a time (YYYY-MM-DD[THH:MM[:SS]][Z])",
			opt, s);
		return CLI_USAGE;
	}
	return 0;
}

int bill_uint_range(const char *opt, const char *s, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* digits only: no sign, no blank, no "0x" (strtoull takes all three) */
	errno = 0;
	if (*s < '0' || *s > '9' ||
	    ((v = strtoull(s, &end, 10)), errno || *end) || v < min ||
	    v > max) {
		cli_err("--%s '%s' must be a whole number from %llu to %llu",
			opt, s, (unsigned long long)min,
			(unsigned long long)max);
		return CLI_USAGE;
	}
	*out = v;
	return 0;
}

int bill_uint(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	return bill_uint_range(opt, s, 0, max, out);
}

int bill_tax(const struct cli *c, int *mode, int64_t *bp)
{
	if (rate_tax_mode_parse(c->conf.tax_mode, mode)) {
		cli_err("config: tax_mode '%s' is not exclusive, inclusive or "
			"none", c->conf.tax_mode ? c->conf.tax_mode : "");
		return CLI_FAIL;
	}
	*bp = c->conf.ppn_bp;
	return 0;
}

void bill_json_out(json_t *j)
{
	if (!j) {
		cli_err("out of memory");
		return;
	}
	json_dumpf(j, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(j);
}

void bill_progress(uint64_t done, uint64_t total, void *ctx)
{
	fprintf(stderr, "\r  %llu/%llu subscribers",
		(unsigned long long)done, (unsigned long long)total);
	fflush(stderr);
}
