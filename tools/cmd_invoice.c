// SPDX-License-Identifier: GPL-2.0
/* cmd_invoice.c - `tagih invoice`: run a period, show, list, void, export, one PDF, payment links. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/export.h"
#include "billing/invdoc.h"
#include "billing/invoice.h"
#include "billing/rate.h"
#include "billing/sub.h"
#include "billing/gateway/paylink.h"
#include "lib/ttime.h"

enum { R_PERIOD, R_NOW, R_BATCH };
static const struct cli_opt run_opts[] = {
	[R_PERIOD] = { "period", CLI_PERIOD, NULL, "the month to bill",
		       CLI_REQ },
	[R_NOW] = { "now", CLI_TIME, NULL,
		    "pretend it is this instant (the issue date)" },
	[R_BATCH] = { "batch", CLI_UINT, NULL,
		      "subscribers per transaction (default 10000)",
		      .min = 1, .max = 1000000 },
	{}
};

static int inv_cmd_run(struct cli *c, struct cli_args *a)
{
	struct inv_run_opts o = { .now = tt_now() };
	struct inv_run_stats s;
	const char *period = a->o[R_PERIOD].s;
	struct store *st;
	uint64_t batch = a->o[R_BATCH].n ? a->o[R_BATCH].u : 10000;
	uint64_t t0;
	int ret, err;
	char tot[40];

	o.year = a->o[R_PERIOD].y;
	o.month = a->o[R_PERIOD].m;
	if (a->o[R_NOW].n)
		o.now = a->o[R_NOW].t;
	ret = bill_tax(c, &o.tax_mode, &o.ppn_bp);
	if (ret)
		return ret;
	/* only a PKP operator (one with an NPWP) may charge PPN */
	if (o.ppn_bp > 0 && o.tax_mode != TAX_NONE &&
	    (!c->conf.operator_npwp || !*c->conf.operator_npwp)) {
		cli_err("refusing to charge PPN without operator_npwp: a "
			"VAT-registered (PKP) operator sets operator_npwp in "
			"the config; one that is not (non-PKP) sets tax_mode = "
			"none. Nothing was written.");
		return CLI_FAIL;
	}
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
		/* only committed batches count: the failed one was aborted */
		if (s.committed)
			cli_err("invoice run for %s stopped: %s (%llu invoices "
				"of earlier batches were committed; run it "
				"again to finish)", period, err == -ENOSPC ?
				"store full" : strerror(-err),
				(unsigned long long)s.committed);
		else
			cli_err("invoice run for %s failed: %s; nothing was "
				"written", period, err == -ENOSPC ?
				"store full (see above)" : strerror(-err));
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

	printf("Tagihan      %s\n", cli_tx(inv->number));
	printf("Pelanggan    %s\n", cli_tx(inv->sub));
	printf("Periode      %s (%s .. %s)\n", inv->period,
	       tt_fmt_date(inv->period_from, d1, sizeof(d1)),
	       tt_fmt_date(inv->period_to - 1, d2, sizeof(d2)));
	printf("Tanggal      %s\n", tt_fmt_date(inv->issued, d1, sizeof(d1)));
	printf("Jatuh tempo  %s\n", tt_fmt_date(inv->due, d1, sizeof(d1)));
	printf("Status       %s\n",
	       invoice_status_str(invoice_status(inv, today)));
	if (inv->status == INV_VOID)
		printf("Dibatalkan   %s\n", cli_tx(inv->void_reason));
	printf("\n  %-46s %12s %14s %14s\n", "Keterangan", "Kuantitas", "Harga",
	       "Jumlah");
	for (i = 0; i < inv->nlines; i++) {
		const struct inv_line *l = &inv->lines[i];

		printf("  %-46s %12s %14s %14s\n", cli_tx(l->desc),
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

static int inv_cmd_show(struct cli *c, struct cli_args *a)
{
	static struct inv_rec inv;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = invoice_get(txn, c->st, a->argv[0], &inv);
	store_abort(txn);
	if (err) {
		cli_err(err == -ENOENT ? "unknown invoice '%s'" :
					 "cannot read invoice '%s'", a->argv[0]);
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
	printf("%-24s %-16s %-7s %-10s %14s %14s  %s\n", cli_tx(inv->number),
	       cli_tx(inv->sub), inv->period, tt_fmt_date(inv->due, d, sizeof(d)),
	       money_fmt(inv->total, a, sizeof(a)),
	       money_fmt(inv->paid, b, sizeof(b)), invoice_status_str(status));
	return 0;
}

enum { L_PERIOD, L_STATUS, L_SUB };
static const struct cli_opt list_opts[] = {
	[L_PERIOD] = { "period", CLI_PERIOD, NULL, "only this month" },
	[L_STATUS] = { "status", CLI_CHOICE, NULL, "only invoices in this state",
		       .choices = "issued|partial|paid|overdue|void" },
	[L_SUB] = { "sub", CLI_STR, "ID", "only this subscriber's" },
	{}
};

static int inv_cmd_list(struct cli *c, struct cli_args *a)
{
	struct inv_list il = { .status = -1, .today = tt_local_day(tt_now()) };
	MDB_txn *txn;
	int err;

	il.period = a->o[L_PERIOD].s;
	il.sub = a->o[L_SUB].s;
	if (a->o[L_STATUS].n &&
	    invoice_status_parse(a->o[L_STATUS].s, &il.status))
		return CLI_USAGE;
	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	if (c->json)
		il.arr = json_array();
	else
		printf("%-24s %-16s %-7s %-10s %14s %14s  %s\n", "NUMBER",
		       "SUBSCRIBER", "PERIOD", "DUE", "TOTAL", "PAID",
		       "STATUS");
	err = invoice_foreach(txn, c->st, inv_list_cb, &il);
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

static const struct cli_opt void_opts[] = {
	{ "reason", CLI_STR, "TEXT", "why: a void is a credit and says why",
	  CLI_REQ },
	{}
};

static int inv_cmd_void(struct cli *c, struct cli_args *a)
{
	const char *reason = a->o[0].s, *num = a->argv[0];
	MDB_txn *txn;
	char actor[64];
	int err;

	if (!*reason) {
		cli_err("--reason TEXT is required: a void is a credit and "
			"says why");
		return CLI_USAGE;
	}
	/* the audit log keeps it whole; the invoice what fits (text_copy) */
	if (cli_text("reason", reason, 200))
		return CLI_USAGE;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = invoice_void(txn, c->st, num, reason, tt_now(),
			   audit_cli_actor(actor, sizeof(actor)));
	if (err) {
		store_abort(txn);
		if (err == -ENOENT)
			cli_err("unknown invoice '%s'", num);
		else if (err == -EALREADY)
			cli_err("invoice '%s' is already void", num);
		else
			cli_err("cannot void '%s': %s", num,
				strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	printf("voided %s; anything paid on it is now the subscriber's "
	       "balance\n", num);
	return CLI_OK;
}

enum { E_PERIOD, E_FORMAT, E_OUT, E_LANG, E_NOW };
static const struct cli_opt export_opts[] = {
	[E_PERIOD] = { "period", CLI_PERIOD, NULL, "the month's invoices",
		       CLI_REQ },
	[E_FORMAT] = { "format", CLI_CHOICE, NULL, "file format", CLI_REQ,
		       .choices = "csv|json|pdf" },
	[E_OUT] = { "out", CLI_STR, "PATH",
		    "the file to create (mode 0600; never follows a symlink); "
		    "with --format pdf, a directory (DIR/) gets one file per "
		    "invoice", CLI_REQ },
	[E_LANG] = { "lang", CLI_CHOICE, NULL,
		     "language of the PDF (default invoice_lang)",
		     .choices = "id|en" },
	[E_NOW] = { "now", CLI_TIME, NULL,
		    "show the status as of this instant (overdue or not)" },
	{}
};

/* --out DIR/ or an existing directory: one file per invoice */
static bool out_is_dir(const char *out)
{
	struct stat sb;
	size_t l = strlen(out);

	return (l && out[l - 1] == '/') ||
	       (!lstat(out, &sb) && S_ISDIR(sb.st_mode));
}

static int inv_cmd_export(struct cli *c, struct cli_args *a)
{
	const char *period = a->o[E_PERIOD].s, *out = a->o[E_OUT].s;
	int64_t now = a->o[E_NOW].n ? a->o[E_NOW].t : tt_now();
	MDB_txn *txn;
	uint64_t n = 0;
	int fmt = -1, err;
	bool dir;

	if (export_fmt_parse(a->o[E_FORMAT].s, &fmt))
		return CLI_USAGE;
	if (!*out) {
		cli_err("export needs --period, --format and --out");
		return CLI_USAGE;
	}
	dir = out_is_dir(out);
	if (dir && fmt != EXPORT_PDF) {
		cli_err("--out %s is a directory: only --format pdf writes one "
			"file per invoice", out);
		return CLI_USAGE;
	}
	if (a->o[E_LANG].n)
		c->conf.invoice_lang = a->o[E_LANG].s;
	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	if (dir)
		err = export_run_dir(txn, c->st, period, out, &c->conf,
				     tt_local_day(now), &n);
	else
		err = export_run(txn, c->st, period, fmt, out, &c->conf,
				 tt_local_day(now), &n);
	store_abort(txn);
	if (err) {
		cli_err("cannot export to %s: %s", out, strerror(-err));
		return CLI_FAIL;
	}
	if (c->json)
		bill_json_out(json_pack("{s:s, s:I, s:b}", "out", out,
					"invoices", (json_int_t)n, "files",
					dir));
	else
		printf("exported %llu invoice%s of %s to %s%s\n",
		       (unsigned long long)n, n == 1 ? "" : "s", period, out,
		       dir ? " (one file each)" : "");
	return CLI_OK;
}

enum { F_OUT, F_LANG, F_NOW };
static const struct cli_opt pdf_opts[] = {
	[F_OUT] = { "out", CLI_STR, "FILE",
		    "the PDF to create (mode 0600; never follows a symlink)",
		    CLI_REQ },
	[F_LANG] = { "lang", CLI_CHOICE, NULL,
		     "language (default invoice_lang): id TAGIHAN, en INVOICE",
		     .choices = "id|en" },
	[F_NOW] = { "now", CLI_TIME, NULL,
		    "show the status as of this instant (overdue or not)" },
	{}
};

static int inv_cmd_pdf(struct cli *c, struct cli_args *a)
{
	const char *num = a->argv[0], *out = a->o[F_OUT].s;
	int64_t now = a->o[F_NOW].n ? a->o[F_NOW].t : tt_now();
	static struct inv_rec inv;
	MDB_txn *txn;
	bool en;
	int err;

	if (!*out) {
		cli_err("--out FILE is required");
		return CLI_USAGE;
	}
	en = a->o[F_LANG].n ? !strcmp(a->o[F_LANG].s, "en") :
			      invdoc_lang_en(&c->conf);
	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = invoice_get(txn, c->st, num, &inv);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "unknown invoice '%s'" :
					 "cannot read invoice '%s'", num);
		return CLI_FAIL;
	}
	err = invdoc_pdf_file(txn, c->st, &inv, &c->conf, en,
			      tt_local_day(now), out);
	store_abort(txn);
	if (err) {
		cli_err("cannot write %s: %s", out, strerror(-err));
		return CLI_FAIL;
	}
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s}", "invoice", num, "out",
					out));
	else
		printf("wrote %s to %s\n", num, out);
	return CLI_OK;
}

static const struct cli_opt paylink_opts[] = {
	{ "gateway", CLI_CHOICE, NULL, "the gateway (default paylink_gateway)",
	  .choices = "midtrans|xendit|tripay|duitku", .short_opt = 'g' },
	{}
};

static int inv_cmd_paylink(struct cli *c, struct cli_args *a)
{
	const char *gateway = a->o[0].s, *base = c->conf.public_url;
	char why[256], ret_url[512] = "";
	const char *num = a->argv[0];
	struct paylink pl;
	struct inv_rec *inv = NULL;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int err;

	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	/* back to the subscriber's own page when there is one */
	if (base && *base && !store_begin(st, false, &txn)) {
		inv = malloc(sizeof(*inv));
		if (inv && !invoice_get(txn, st, num, inv) &&
		    !sub_get(txn, st, inv->sub, &r))
			snprintf(ret_url, sizeof(ret_url), "%s%s%s", base,
				 r.link_token[0] ? "/c/" : "", r.link_token);
		free(inv);
		store_abort(txn);
	}
	err = paylink_create(st, &c->conf, num, gateway,
			     ret_url[0] ? ret_url : NULL, &pl, why,
			     sizeof(why));
	if (err) {
		cli_err("no payment link for %s: %s", num, why);
		return err == -EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s, s:s, s:I, s:s}", "invoice",
					num, "gateway", pl.gateway,
					"order_id", pl.order_id, "amount",
					(json_int_t)pl.amount, "url", pl.url));
	else
		printf("%s\n", pl.url);
	return CLI_OK;
}

static const struct cli_cmd invoice_cmds[] = {
	{ "run", "", 0, run_opts, inv_cmd_run,
	  "make the invoices of a month",
	  "A run bills a calendar month once it has ended (postpaid); running "
	  "it again creates nothing new. Invoices are numbered without gaps "
	  "(invoice_prefix/YYYY/MM/NNNNNN). PPN follows tax_mode and ppn_bp; "
	  "a run that would charge PPN needs operator_npwp (a non-PKP "
	  "operator sets tax_mode = none).", CLI_CMD_JSON },
	{ "show", "NUMBER", 1, NULL, inv_cmd_show, "one invoice with its lines",
	  NULL, CLI_CMD_JSON },
	{ "list", "", 0, list_opts, inv_cmd_list, "invoices, filtered", NULL,
	  CLI_CMD_JSON },
	{ "void", "NUMBER", 1, void_opts, inv_cmd_void,
	  "void an invoice (what was paid on it becomes balance)",
	  "Issued invoices are never changed, only voided." },
	{ "export", "", 0, export_opts, inv_cmd_export,
	  "a month's invoices as CSV, JSON or PDF",
	  "The file is created mode 0600 (it holds names); an existing file "
	  "is replaced only by a complete new one, never written through a "
	  "symlink. With --format pdf and --out DIR/ (a trailing slash, or "
	  "an existing directory) every invoice gets a file of its own, "
	  "named as in invoice_pdf_dir: the number with '/' as '-' and "
	  ".pdf (INV-2026-11-000123.pdf).", CLI_CMD_JSON },
	{ "pdf", "NUMBER", 1, pdf_opts, inv_cmd_pdf,
	  "one invoice as a PDF (TAGIHAN)",
	  "One A4 page: the operator, TAGIHAN (INVOICE in English), the "
	  "customer and address, dates in words, the status (a LUNAS stamp "
	  "when paid), lines whose quantity times rate is the amount (a "
	  "capped usage charge shows the cap as a line of its own), the total "
	  "in words (terbilang) and, while it is open, bank_transfer with the "
	  "invoice number to quote and a QR code of the subscriber's "
	  "customer page (when public_url and the subscriber's link are "
	  "set: `tagih sub link ID`).", CLI_CMD_JSON },
	{ "paylink", "NUMBER", 1, paylink_opts, inv_cmd_paylink,
	  "a payment link at the gateway for what is open on the invoice",
	  "Creates a payment at the gateway for what is open on the invoice "
	  "and prints its URL. Order ids: NUMBER, then NUMBER-1, NUMBER-2 for "
	  "later links.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_invoice = {
	"invoice", "invoice runs, show, list, void, export", NULL, invoice_cmds
};
