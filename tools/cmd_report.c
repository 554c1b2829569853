// SPDX-License-Identifier: GPL-2.0
/* cmd_report.c - `tagih report`: revenue per period, aging, top usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/report.h"
#include "lib/ttime.h"

enum { R_PERIOD, R_TOP };
static const struct cli_opt period_opts[] = {
	[R_PERIOD] = { "period", CLI_PERIOD, NULL, "the month", CLI_REQ },
	{}
};

static const struct cli_opt usage_opts[] = {
	[R_PERIOD] = { "period", CLI_PERIOD, NULL, "the month", CLI_REQ },
	[R_TOP] = { "top", CLI_UINT, NULL, "how many subscribers (default 10)",
		    .max = 10000 },
	{}
};

static int report(struct cli *c, struct cli_args *args, const char *verb)
{
	const char *period = args->o[R_PERIOD].s;
	struct aging_bucket ag[AGING_BUCKETS];
	struct usage_top *top = NULL;
	struct rev_report rv;
	struct store *st;
	MDB_txn *txn;
	uint64_t ntop = args->o[R_TOP].n ? args->o[R_TOP].u : 10;
	int y = args->o[R_PERIOD].y, m = args->o[R_PERIOD].m, err, n = 0, i;
	char a[40], b[40], d[40], e[40], bu[32];
	json_t *j;

	if (!ntop)
		ntop = 1;
	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	st = c->st;
	if (!strcmp(verb, "revenue")) {
		err = report_revenue(txn, st, period, &rv);
	} else if (!strcmp(verb, "aging")) {
		err = report_aging(txn, st, tt_local_day(tt_now()), ag);
	} else {
		top = calloc(ntop, sizeof(*top));
		err = top ? report_usage_top(txn, st, y, m, ntop, top, &n) :
			    -ENOMEM;
	}
	store_abort(txn);
	if (err) {
		free(top);
		cli_err("report failed: %s", strerror(-err));
		return CLI_FAIL;
	}

	if (!strcmp(verb, "revenue")) {
		if (c->json) {
			bill_json_out(json_pack(
				"{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				"period", period, "invoices",
				(json_int_t)rv.invoices, "subtotal",
				(json_int_t)rv.subtotal, "tax",
				(json_int_t)rv.tax, "total",
				(json_int_t)rv.total, "paid",
				(json_int_t)rv.paid, "open",
				(json_int_t)rv.open, "voided",
				(json_int_t)rv.voided, "void_total",
				(json_int_t)rv.void_total));
		} else {
			printf("revenue %s: %llu invoices, subtotal %s, PPN "
			       "%s, total %s\n", period,
			       (unsigned long long)rv.invoices,
			       money_fmt(rv.subtotal, a, sizeof(a)),
			       money_fmt(rv.tax, b, sizeof(b)),
			       money_fmt(rv.total, d, sizeof(d)));
			printf("  paid %s, open %s", money_fmt(rv.paid, a,
							      sizeof(a)),
			       money_fmt(rv.open, b, sizeof(b)));
			printf(", %llu void (%s)\n",
			       (unsigned long long)rv.voided,
			       money_fmt(rv.void_total, e, sizeof(e)));
		}
	} else if (!strcmp(verb, "aging")) {
		j = c->json ? json_array() : NULL;
		if (!j)
			printf("%-8s %9s %16s\n", "DAYS", "INVOICES", "OPEN");
		for (i = 0; i < AGING_BUCKETS; i++) {
			if (j)
				json_array_append_new(j, json_pack(
					"{s:s, s:I, s:I}", "bucket",
					ag[i].label, "invoices",
					(json_int_t)ag[i].invoices, "amount",
					(json_int_t)ag[i].amount));
			else
				printf("%-8s %9llu %16s\n", ag[i].label,
				       (unsigned long long)ag[i].invoices,
				       money_fmt(ag[i].amount, a, sizeof(a)));
		}
		if (j)
			bill_json_out(j);
	} else {
		j = c->json ? json_array() : NULL;
		if (!j)
			printf("%-4s %-32s %14s %14s %14s\n", "#", "SUBSCRIBER",
			       "UP", "DOWN", "TOTAL");
		for (i = 0; i < n; i++) {
			if (j) {
				json_array_append_new(j, json_pack(
					"{s:s, s:I, s:I, s:I}", "subscriber",
					top[i].sub, "up_bytes",
					(json_int_t)top[i].up, "down_bytes",
					(json_int_t)top[i].down, "bytes",
					(json_int_t)(top[i].up + top[i].down)));
				continue;
			}
			printf("%-4d %-32s", i + 1, top[i].sub);
			printf(" %14s", cli_fmt_bytes(top[i].up, bu, sizeof(bu)));
			printf(" %14s", cli_fmt_bytes(top[i].down, bu, sizeof(bu)));
			printf(" %14s\n", cli_fmt_bytes(top[i].up + top[i].down,
							bu, sizeof(bu)));
		}
		if (j)
			bill_json_out(j);
	}
	free(top);
	return CLI_OK;
}

static int report_cmd_revenue(struct cli *c, struct cli_args *a)
{
	return report(c, a, "revenue");
}

static int report_cmd_aging(struct cli *c, struct cli_args *a)
{
	return report(c, a, "aging");
}

static int report_cmd_usage(struct cli *c, struct cli_args *a)
{
	return report(c, a, "usage");
}

static const struct cli_cmd report_cmds[] = {
	{ "revenue", "", 0, period_opts, report_cmd_revenue,
	  "a month's invoices: subtotal, PPN, total, paid, open, void", NULL,
	  CLI_CMD_JSON },
	{ "aging", "", 0, NULL, report_cmd_aging,
	  "open invoices by days past their due date",
	  "Buckets: current (not yet due), 0-30, 31-60, 61-90 and 90+ days.",
	  CLI_CMD_JSON },
	{ "usage", "", 0, usage_opts, report_cmd_usage,
	  "the subscribers who used the most in a month", NULL,
	  CLI_CMD_JSON },
	{ "vouchers", "", 0, NULL, report_cmd_vouchers,
	  "vouchers sold and redeemed per reseller",
	  "Sold: made and not voided, at face value (the item's price with "
	  "PPN); redeemed: used by a subscriber.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_report = {
	"report", "revenue, aging, top usage, vouchers", NULL, report_cmds
};
