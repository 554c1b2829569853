// SPDX-License-Identifier: GPL-2.0
/* cmd_invoice.c - `tagih invoice`: run a period, show, list, void, export. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/export.h"
#include "billing/invoice.h"
#include "billing/rate.h"
#include "lib/ttime.h"

static void invoice_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih invoice run --period YYYY-MM [--now TIME] "
		"[--batch N]\n"
		"       tagih invoice show NUMBER [--json]\n"
		"       tagih invoice list [--period YYYY-MM] [--status "
		"issued|partial|paid|overdue|void]\n"
		"                          [--sub ID] [--json]\n"
		"       tagih invoice void NUMBER --reason TEXT\n"
		"       tagih invoice export --period YYYY-MM --format "
		"csv|json|pdf --out PATH\n"
		"       tagih invoice paylink NUMBER [--gateway "
		"midtrans|xendit|tripay|duitku]\n"
		"\n"
		"  A run bills a calendar month once it has ended (postpaid); "
		"running it again\n"
		"  creates nothing new. Issued invoices are never changed, "
		"only voided.\n");
}

static int inv_cmd_run(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "now", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct inv_run_opts o = { .now = tt_now() };
	struct inv_run_stats s;
	const char *period = NULL;
	struct store *st;
	uint64_t batch = 10000;
	uint64_t t0;
	int opt, ret, err;
	char tot[40];

	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = 0;
		switch (opt) {
		case 'p':
			period = optarg;
			ret = bill_period("period", optarg, &o.year, &o.month);
			break;
		case 'n':
			ret = bill_time("now", optarg, &o.now);
			break;
		case 'b':
			ret = bill_uint("batch", optarg, 1000000, &batch);
			if (!ret && !batch)
				ret = bill_uint("batch", "x", 1000000, &batch);
			break;
		case 'h':
			invoice_usage(stdout);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
		if (ret)
			return ret;
	}
	if (optind != argc || !period) {
		if (!period)
			cli_err("--period YYYY-MM is required");
		else
			invoice_usage(stderr);
		return CLI_USAGE;
	}
	ret = bill_tax(c, &o.tax_mode, &o.ppn_bp);
	if (ret)
		return ret;
	o.prefix = c->conf.invoice_prefix;
	o.due_days = c->conf.due_days;
	o.batch = batch;
	if (c->tty && !c->json)
		o.progress = bill_progress;
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	t0 = tt_mono_ns();
	err = invoice_run(st, &o, &s);
	if (o.progress && s.subs)
		fputc('\n', stderr);
	if (err == -EAGAIN) {
		cli_err("period %s has not ended yet (period in the future): "
			"invoices are made once it is over", period);
		return CLI_FAIL;
	}
	if (err == -EINVAL) {
		cli_err("bad invoice settings (invoice_prefix '%s', due_days "
			"%lld)", o.prefix ? o.prefix : "",
			(long long)o.due_days);
		return CLI_FAIL;
	}
	if (err) {
		cli_err("invoice run for %s failed: %s%s", period,
			strerror(-err),
			s.created ? " (earlier batches were committed; "
				    "run it again to finish)" : "");
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(json_pack(
			"{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:s?, s:I}",
			"period", period, "subscribers", (json_int_t)s.subs,
			"created", (json_int_t)s.created, "existing",
			(json_int_t)s.existing, "not_due",
			(json_int_t)s.not_due, "skipped", (json_int_t)s.skipped,
			"total", (json_int_t)s.total, "first",
			s.created ? s.first : NULL, "last",
			s.created ? s.last : NULL, "ms",
			(json_int_t)((tt_mono_ns() - t0) / 1000000)));
		return CLI_OK;
	}
	printf("invoice run %s: %llu created", period,
	       (unsigned long long)s.created);
	if (s.created)
		printf(" (%s .. %s, %s)", s.first, s.last,
		       money_fmt(s.total, tot, sizeof(tot)));
	printf(", %llu already invoiced, %llu not due yet, %llu not billed, "
	       "%.2f s\n", (unsigned long long)s.existing,
	       (unsigned long long)s.not_due, (unsigned long long)s.skipped,
	       (tt_mono_ns() - t0) / 1e9);
	return CLI_OK;
}

static void inv_print(const struct inv_rec *inv, int32_t today)
{
	char a[40], b[40], q[40], d1[32], d2[32];
	int i;

	printf("Faktur       %s\n", inv->number);
	printf("Pelanggan    %s\n", inv->sub);
	printf("Periode      %s (%s .. %s)\n", inv->period,
	       tt_fmt_date(inv->period_from, d1, sizeof(d1)),
	       tt_fmt_date(inv->period_to - 1, d2, sizeof(d2)));
	printf("Tanggal      %s\n", tt_fmt_date(inv->issued, d1, sizeof(d1)));
	printf("Jatuh tempo  %s\n", tt_fmt_date(inv->due, d1, sizeof(d1)));
	printf("Status       %s\n",
	       invoice_status_str(invoice_status(inv, today)));
	if (inv->status == INV_VOID)
		printf("Dibatalkan   %s\n", inv->void_reason);
	printf("\n  %-46s %12s %14s %14s\n", "Keterangan", "Kuantitas", "Harga",
	       "Jumlah");
	for (i = 0; i < inv->nlines; i++) {
		const struct inv_line *l = &inv->lines[i];

		printf("  %-46s %12s %14s %14s\n", l->desc,
		       export_qty(l, q, sizeof(q)),
		       money_fmt(l->unit_price, a, sizeof(a)),
		       money_fmt(l->amount, b, sizeof(b)));
	}
	printf("\n  %-74s %14s\n", "Subtotal",
	       money_fmt(inv->subtotal, a, sizeof(a)));
	if (inv->tax_mode != TAX_NONE) {
		snprintf(q, sizeof(q), "PPN %lld,%02lld%%%s",
			 (long long)(inv->ppn_bp / 100),
			 (long long)(inv->ppn_bp % 100),
			 inv->tax_mode == TAX_INCLUSIVE ? " (termasuk)" : "");
		printf("  %-74s %14s\n", q, money_fmt(inv->tax, a, sizeof(a)));
	}
	printf("  %-74s %14s\n", "Total", money_fmt(inv->total, a, sizeof(a)));
	printf("  %-74s %14s\n", "Dibayar", money_fmt(inv->paid, a, sizeof(a)));
}

static int inv_cmd_show(struct cli *c, int argc, char **argv)
{
	static struct inv_rec inv;
	struct store *st;
	MDB_txn *txn;
	int err;

	if (argc != 2) {
		invoice_usage(stderr);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, false, &txn))
		return CLI_FAIL;
	err = invoice_get(txn, st, argv[1], &inv);
	store_abort(txn);
	if (err) {
		cli_err(err == -ENOENT ? "unknown invoice '%s'" :
					 "cannot read invoice '%s'", argv[1]);
		return CLI_FAIL;
	}
	if (c->json)
		bill_json_out(export_inv_json(&inv, tt_local_day(tt_now())));
	else
		inv_print(&inv, tt_local_day(tt_now()));
	return CLI_OK;
}

struct inv_list {
	const char *period, *sub;
	int status;		/* -1 = any */
	int32_t today;
	json_t *arr;
	uint64_t n;
};

static int inv_list_cb(const struct inv_rec *inv, void *ctx)
{
	struct inv_list *il = ctx;
	int status = invoice_status(inv, il->today);
	char a[40], b[40], d[32];

	if ((il->period && strcmp(inv->period, il->period)) ||
	    (il->sub && strcmp(inv->sub, il->sub)) ||
	    (il->status >= 0 && status != il->status))
		return 0;
	il->n++;
	if (il->arr) {
		json_array_append_new(il->arr, export_inv_json(inv, il->today));
		return 0;
	}
	printf("%-24s %-16s %-7s %-10s %14s %14s  %s\n", inv->number, inv->sub,
	       inv->period, tt_fmt_date(inv->due, d, sizeof(d)),
	       money_fmt(inv->total, a, sizeof(a)),
	       money_fmt(inv->paid, b, sizeof(b)), invoice_status_str(status));
	return 0;
}

static int inv_cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "sub", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct inv_list il = { .status = -1, .today = tt_local_day(tt_now()) };
	struct store *st;
	MDB_txn *txn;
	int o, y, m, ret, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			ret = bill_period("period", optarg, &y, &m);
			if (ret)
				return ret;
			il.period = optarg;
			break;
		case 's':
			if (invoice_status_parse(optarg, &il.status)) {
				cli_err("--status '%s': use issued, partial, "
					"paid, overdue or void", optarg);
				return CLI_USAGE;
			}
			break;
		case 'u':
			il.sub = optarg;
			break;
		case 'h':
			invoice_usage(stdout);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		invoice_usage(stderr);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, false, &txn))
		return CLI_FAIL;
	if (c->json)
		il.arr = json_array();
	else
		printf("%-24s %-16s %-7s %-10s %14s %14s  %s\n", "NUMBER",
		       "SUBSCRIBER", "PERIOD", "DUE", "TOTAL", "PAID",
		       "STATUS");
	err = invoice_foreach(txn, st, inv_list_cb, &il);
	store_abort(txn);
	if (err) {
		json_decref(il.arr);
		cli_err("cannot list invoices: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (il.arr)
		bill_json_out(il.arr);
	return CLI_OK;
}

static int inv_cmd_void(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *reason = NULL;
	struct store *st;
	MDB_txn *txn;
	char actor[64];
	int o, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'r') {
			reason = optarg;
		} else {
			invoice_usage(o == 'h' ? stdout : stderr);
			return o == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		invoice_usage(stderr);
		return CLI_USAGE;
	}
	if (!reason || !*reason) {
		cli_err("--reason TEXT is required: a void is a credit and "
			"says why");
		return CLI_USAGE;
	}
	/* the audit log keeps it whole; the invoice what fits (text_copy) */
	if (cli_text("reason", reason, 200))
		return CLI_USAGE;
	st = cli_store(c);
	if (!st || store_begin(st, true, &txn))
		return CLI_FAIL;
	err = invoice_void(txn, st, argv[optind], reason, tt_now(),
			   audit_cli_actor(actor, sizeof(actor)));
	if (err) {
		store_abort(txn);
		if (err == -ENOENT)
			cli_err("unknown invoice '%s'", argv[optind]);
		else if (err == -EALREADY)
			cli_err("invoice '%s' is already void", argv[optind]);
		else
			cli_err("cannot void '%s': %s", argv[optind],
				strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	printf("voided %s; anything paid on it is now the subscriber's "
	       "balance\n", argv[optind]);
	return CLI_OK;
}

static int inv_cmd_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *period = NULL, *out = NULL;
	struct store *st;
	MDB_txn *txn;
	uint64_t n = 0;
	int o, y, m, fmt = -1, ret, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			ret = bill_period("period", optarg, &y, &m);
			if (ret)
				return ret;
			period = optarg;
			break;
		case 'f':
			if (export_fmt_parse(optarg, &fmt)) {
				cli_err("--format '%s': use csv, json or pdf",
					optarg);
				return CLI_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			invoice_usage(stdout);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
	}
	if (optind != argc || !period || fmt < 0 || !out || !*out) {
		cli_err("export needs --period, --format and --out");
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, false, &txn))
		return CLI_FAIL;
	err = export_run(txn, st, period, fmt, out, &c->conf,
			 tt_local_day(tt_now()), &n);
	store_abort(txn);
	if (err) {
		cli_err("cannot export to %s: %s", out, strerror(-err));
		return CLI_FAIL;
	}
	if (c->json)
		bill_json_out(json_pack("{s:s, s:I}", "out", out, "invoices",
					(json_int_t)n));
	else
		printf("exported %llu invoice%s of %s to %s\n",
		       (unsigned long long)n, n == 1 ? "" : "s", period, out);
	return CLI_OK;
}

int cmd_invoice(struct cli *c, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb || !strcmp(verb, "-h") || !strcmp(verb, "--help")) {
		invoice_usage(verb ? stdout : stderr);
		return verb ? CLI_OK : CLI_USAGE;
	}
	if (!strcmp(verb, "run"))
		return inv_cmd_run(c, argc - 1, argv + 1);
	if (!strcmp(verb, "show"))
		return inv_cmd_show(c, argc - 1, argv + 1);
	if (!strcmp(verb, "list"))
		return inv_cmd_list(c, argc - 1, argv + 1);
	if (!strcmp(verb, "void"))
		return inv_cmd_void(c, argc - 1, argv + 1);
	if (!strcmp(verb, "export"))
		return inv_cmd_export(c, argc - 1, argv + 1);
	if (!strcmp(verb, "paylink"))
		return cmd_invoice_paylink(c, argc - 1, argv + 1);
	cli_err("unknown 'invoice' command '%s'", verb);
	invoice_usage(stderr);
	return CLI_USAGE;
}
