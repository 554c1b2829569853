// SPDX-License-Identifier: GPL-2.0
/* cmd_report.c - `tagih report`: revenue per period, aging, top usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/report.h"
#include "billing/books.h"
#include "lib/ttime.h"

enum { R_PERIOD, R_TOP, R_FROM = 1, R_TO };
static const struct cli_opt period_opts[] = {
	[R_PERIOD] = { "period", CLI_PERIOD, NULL, "the month" },
	[R_FROM] = { "from", CLI_PERIOD, NULL, "first month of a trend" },
	[R_TO] = { "to", CLI_PERIOD, NULL, "last month of a trend" },
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

/* --from/--to: one line (or object) per month, in one walk. */
static int report_trend(struct cli *c, struct cli_args *a)
{
	struct rev_report rv[BOOKS_MONTHS_MAX];
	int y = a->o[R_FROM].y, m = a->o[R_FROM].m, n, i, err;
	char p[8], t[40], pd[40], o[40];
	json_t *arr;
	MDB_txn *txn;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = books_revenue_months(txn, c->st, y, m, a->o[R_TO].y,
				   a->o[R_TO].m, rv, &n);
	store_abort(txn);
	if (err == -EINVAL) {
		cli_err("--to must be at or after --from, at most %d months",
			BOOKS_MONTHS_MAX);
		return CLI_USAGE;
	}
	if (err) {
		cli_err("report failed: %s", strerror(-err));
		return CLI_FAIL;
	}
	arr = c->json ? json_array() : NULL;
	if (!arr)
		printf("%-8s %9s %16s %16s %16s\n", "PERIOD", "INVOICES",
		       "BILLED", "PAID", "OPEN");
	for (i = 0; i < n; i++, m = m == 12 ? (y++, 1) : m + 1) {
		snprintf(p, sizeof(p), "%04d-%02d", y, m);
		if (arr) {
			json_array_append_new(arr, json_pack(
				"{s:s, s:I, s:I, s:I, s:I, s:I}", "period", p,
				"invoices", (json_int_t)rv[i].invoices,
				"total", (json_int_t)rv[i].total, "tax",
				(json_int_t)rv[i].tax, "paid",
				(json_int_t)rv[i].paid, "open",
				(json_int_t)rv[i].open));
			continue;
		}
		printf("%-8s %9llu %16s %16s %16s\n", p,
		       (unsigned long long)rv[i].invoices,
		       money_fmt(rv[i].total, t, sizeof(t)),
		       money_fmt(rv[i].paid, pd, sizeof(pd)),
		       money_fmt(rv[i].open, o, sizeof(o)));
	}
	if (arr)
		bill_json_out(arr);
	return CLI_OK;
}

static int report_cmd_revenue(struct cli *c, struct cli_args *a)
{
	bool range = a->o[R_FROM].n || a->o[R_TO].n;

	if (range && a->o[R_PERIOD].n) {
		cli_err("give --period or --from/--to, not both");
		return CLI_USAGE;
	}
	if (range && !(a->o[R_FROM].n && a->o[R_TO].n)) {
		cli_err("a trend needs both --from and --to");
		return CLI_USAGE;
	}
	if (!range && !a->o[R_PERIOD].n) {
		cli_err("give --period YYYY-MM or --from YYYY-MM --to YYYY-MM");
		return CLI_USAGE;
	}
	return range ? report_trend(c, a) : report(c, a, "revenue");
}

enum { C_DATE, C_PERIOD, C_BY_KASIR };
static const struct cli_opt coll_opts[] = {
	[C_DATE] = { "date", CLI_DATE, NULL, "one day (operator's zone)" },
	[C_PERIOD] = { "period", CLI_PERIOD, NULL, "one month" },
	[C_BY_KASIR] = { "by-kasir", CLI_FLAG, NULL,
			 "also per person who took the money, with the cash "
			 "each hands over (setoran)" },
	{}
};

static int report_cmd_collections(struct cli *c, struct cli_args *a)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct books_sum *s;
	char when[16], x[40], y[40];
	const struct cli_val none = { 0 };
	MDB_txn *txn;
	int err, i, y0, m0;

	if (a->o[C_DATE].n == a->o[C_PERIOD].n) {
		cli_err("give --date YYYY-MM-DD or --period YYYY-MM");
		return CLI_USAGE;
	}
	if (a->o[C_DATE].n) {
		pay_cli_days(&a->o[C_DATE], &none, &none, &f);
		tt_fmt_date(a->o[C_DATE].day, when, sizeof(when));
	} else {
		y0 = a->o[C_PERIOD].y;
		m0 = a->o[C_PERIOD].m;
		f.from = tt_day_start(tt_days_from_civil(y0, m0, 1));
		f.to = tt_day_start(tt_days_from_civil(m0 == 12 ? y0 + 1 : y0,
						       m0 == 12 ? 1 : m0 + 1,
						       1));
		snprintf(when, sizeof(when), "%04d-%02d", y0, m0);
	}
	s = calloc(1, sizeof(*s));
	if (!s || cli_begin(c, false, &txn)) {
		free(s);
		return CLI_FAIL;
	}
	err = books_collections(txn, c->st, &f, s);
	store_abort(txn);
	if (err) {
		free(s);
		cli_err("report failed: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(books_sum_json(a->o[C_DATE].n ? "date" : "period",
					     when, s));
		free(s);
		return CLI_OK;
	}
	printf("collections %s: %llu payments, %s\n", when,
	       (unsigned long long)s->count, money_fmt(s->total, x, sizeof(x)));
	for (i = 0; i <= PAY_GATEWAY; i++)
		printf("  %-10s %6llu %16s\n", pay_method_str(i),
		       (unsigned long long)s->n_method[i],
		       money_fmt(s->by_method[i], x, sizeof(x)));
	if (a->o[C_BY_KASIR].n) {
		printf("%-24s %6s %16s %16s\n", "BY", "COUNT", "AMOUNT",
		       "SETORAN (CASH)");
		for (i = 0; i < s->nusers; i++)
			printf("%-24s %6llu %16s %16s\n",
			       cli_tx(s->users[i].user),
			       (unsigned long long)s->users[i].count,
			       money_fmt(s->users[i].amount, x, sizeof(x)),
			       money_fmt(s->users[i].cash, y, sizeof(y)));
	}
	free(s);
	return CLI_OK;
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
	  "a month's invoices: subtotal, PPN, total, paid, open, void",
	  "With --period: one month in full. With --from and --to: the trend, "
	  "one line per month (billed, paid, open), both months included.", CLI_CMD_JSON },
	{ "collections", "", 0, coll_opts, report_cmd_collections,
	  "money taken in a day or month, by method and by who took it",
	  "Sums the payments recorded in one day or one month, in the "
	  "operator's zone: the total, each method, and "
	  "with --by-kasir each person (console user or actor) with the cash "
	  "they hand over (setoran). --json gives {\"date\", \"total\", "
	  "\"count\", \"by_method\", \"by_user\"} as the console's API.",
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
	"report", "revenue, collections, aging, top usage, vouchers", NULL, report_cmds
};
