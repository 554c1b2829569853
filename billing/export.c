// SPDX-License-Identifier: GPL-2.0
/* export.c - invoices as CSV, JSON and PDF (one A4 page each, billing/invdoc.c): one file for a period, or one file per invoice. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "billing/export.h"
#include "billing/invdoc.h"
#include "billing/prepaid.h"
#include "lib/outfile.h"
#include "billing/rate.h"
#include "billing/sub.h"
#include "lib/text.h"
#include "lib/ttime.h"

int export_fmt_parse(const char *s, int *fmt)
{
	static const char *const names[] = { "csv", "json", "pdf" };
	int i;

	for (i = 0; s && i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*fmt = i;
			return 0;
		}
	}
	return -EINVAL;
}

char *export_qty(const struct inv_line *l, char *buf, size_t n)
{
	uint64_t c;

	switch (l->kind) {
	case LINE_FEE:
	case LINE_ADDON:
		snprintf(buf, n, "%lld hari", (long long)l->qty);
		break;
	case LINE_USAGE:
		c = (uint64_t)l->qty / (RATE_GB / 100);
		snprintf(buf, n, "%llu.%02llu GB",
			 (unsigned long long)(c / 100),
			 (unsigned long long)(c % 100));
		break;
	default:
		snprintf(buf, n, "%lld", (long long)l->qty);
	}
	return buf;
}

static const char *line_unit(const struct inv_line *l)
{
	switch (l->kind) {
	case LINE_FEE:
	case LINE_ADDON:
	case LINE_PREPAID:
		return "days";
	case LINE_USAGE:
	case LINE_PACK:
		return "bytes";
	}
	return "each";
}

json_t *export_inv_json(const struct inv_rec *inv, int32_t today)
{
	json_t *o, *lines;
	char iss[32], due[32];
	int i;

	lines = json_array();
	if (!lines)
		return NULL;
	for (i = 0; i < inv->nlines; i++) {
		const struct inv_line *l = &inv->lines[i];

		json_array_append_new(lines, json_pack(
			"{s:o, s:I, s:s, s:I, s:I}",
			"description", text_json(l->desc, sizeof(l->desc)),
			"quantity", (json_int_t)l->qty,
			"unit", line_unit(l),
			"unit_price", (json_int_t)l->unit_price,
			"amount", (json_int_t)l->amount));
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I,"
		      " s:s, s:s, s:I}",
		      "number", inv->number, "subscriber", inv->sub,
		      "period", inv->period,
		      "issued", tt_fmt_date(inv->issued, iss, sizeof(iss)),
		      "due_date", tt_fmt_date(inv->due, due, sizeof(due)),
		      "lines", lines, "subtotal", (json_int_t)inv->subtotal,
		      "tax", (json_int_t)inv->tax,
		      "tax_bp", (json_int_t)inv->ppn_bp,
		      "total", (json_int_t)inv->total,
		      "paid", (json_int_t)inv->paid,
		      "status", invoice_status_str(invoice_status(inv, today)),
		      "tax_mode", rate_tax_mode_str(inv->tax_mode),
		      "open", (json_int_t)(inv->status == INV_VOID ? 0 :
					   inv->total - inv->paid));
	if (o && inv->status == INV_VOID)
		json_object_set_new(o, "void_reason",
				    text_json(inv->void_reason,
					      sizeof(inv->void_reason)));
	return o;
}

/* --- CSV -------------------------------------------------------------------- */

/*
 * One cell. A cell a spreadsheet would take for a formula (= + - @, or a
 * leading tab or CR) gets a ' in front; one holding a comma, quote or line
 * break is quoted (RFC 4180), so no value can add a column or a row.
 * invoice_prefix is the operator's text and reaches every number.
 */
static void csv_cell(FILE *f, const char *s, bool last)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', f);
	if (strchr("=+-@\t\r", *s) && *s)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
	fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", v);
	csv_cell(f, b, false);
}

static void csv_row(FILE *f, const struct inv_rec *inv, int32_t today)
{
	char d[32];

	csv_cell(f, inv->number, false);
	csv_cell(f, inv->sub, false);
	csv_cell(f, inv->period, false);
	csv_cell(f, tt_fmt_date(inv->issued, d, sizeof(d)), false);
	csv_cell(f, tt_fmt_date(inv->due, d, sizeof(d)), false);
	csv_num(f, (long long)inv->subtotal);
	csv_num(f, (long long)inv->tax);
	csv_num(f, (long long)inv->total);
	csv_num(f, (long long)inv->paid);
	csv_cell(f, invoice_status_str(invoice_status(inv, today)), true);
}

/* cairo writes the PDF through the export's own file */
static cairo_status_t pdf_file_write(void *closure, const unsigned char *data,
				     unsigned int length)
{
	return fwrite(data, 1, length, closure) == length ?
		       CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* --- the walk ------------------------------------------------------------- */

struct exp_ctx {
	MDB_txn *txn;
	struct store *st;
	const char *period;
	int fmt;
	FILE *f;
	cairo_t *cr;
	const struct tagih_conf *conf;
	int32_t today;
	uint64_t n;
	int err;
};

static int exp_cb(const struct inv_rec *inv, void *ctx)
{
	struct exp_ctx *ec = ctx;
	json_t *j;

	if (ec->period && strcmp(inv->period, ec->period))
		return 0;
	switch (ec->fmt) {
	case EXPORT_CSV:
		csv_row(ec->f, inv, ec->today);
		break;
	case EXPORT_JSON:
		j = export_inv_json(inv, ec->today);
		if (!j)
			return -ENOMEM;
		fputs(ec->n ? ",\n" : "\n", ec->f);
		json_dumpf(j, ec->f, JSON_COMPACT);
		json_decref(j);
		break;
	case EXPORT_PDF:
		invdoc_page(ec->cr, ec->txn, ec->st, inv, ec->conf,
			    invdoc_lang_en(ec->conf), ec->today);
		if (cairo_status(ec->cr))
			return -EIO;
		break;
	}
	ec->n++;
	return 0;
}

int export_run(MDB_txn *txn, struct store *st, const char *period, int fmt,
	       const char *path, const struct tagih_conf *conf, int32_t today,
	       uint64_t *count)
{
	struct exp_ctx ec = { .txn = txn, .st = st, .period = period,
			      .fmt = fmt, .conf = conf, .today = today };
	cairo_surface_t *surf = NULL;
	struct outfile out;
	int err;

	err = outfile_open(&out, path);
	if (err)
		return err;
	ec.f = out.f;
	if (fmt == EXPORT_PDF) {
		surf = cairo_pdf_surface_create_for_stream(pdf_file_write, out.f,
							   INVDOC_W, INVDOC_H);
		if (cairo_surface_status(surf)) {
			err = -EIO;
			goto out;
		}
		ec.cr = cairo_create(surf);
	} else if (fmt == EXPORT_CSV) {
		fputs("number,subscriber,period,issued,due_date,"
		      "subtotal,tax,total,paid,status\n", ec.f);
	} else {
		fputs("[", ec.f);
	}
	err = invoice_foreach(txn, st, exp_cb, &ec);
	if (err)
		goto out;
	if (fmt == EXPORT_JSON)
		fputs(ec.n ? "\n]\n" : "]\n", ec.f);
	if (ec.cr) {
		cairo_destroy(ec.cr);
		ec.cr = NULL;
		cairo_surface_finish(surf);
		if (cairo_surface_status(surf))
			err = -EIO;
	}
	if (!err)
		err = outfile_commit(&out);
	*count = ec.n;
out:
	if (ec.cr)
		cairo_destroy(ec.cr);
	if (surf) {
		cairo_surface_destroy(surf);
		/* drop cairo's font caches: a CLI exports once and exits */
		cairo_debug_reset_static_data();
	}
	outfile_abort(&out);	/* nothing left to do after a commit */
	return err;
}

/* --- one invoice, one file ------------------------------------------------- */

int export_inv_pdf(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		   const struct tagih_conf *conf, int32_t today,
		   unsigned char **buf, size_t *len)
{
	return invdoc_pdf_mem(txn, st, inv, conf, invdoc_lang_en(conf), today,
			      buf, len);
}

struct dir_ctx {
	MDB_txn *txn;
	struct store *st;
	const char *period, *dir;
	const struct tagih_conf *conf;
	int32_t today;
	uint64_t n;
};

static int dir_cb(const struct inv_rec *inv, void *ctx)
{
	struct dir_ctx *dc = ctx;
	char name[INV_NUM_MAX + 8], *path;
	int err;

	if (dc->period && strcmp(inv->period, dc->period))
		return 0;
	invdoc_filename(inv->number, name, sizeof(name));
	if (asprintf(&path, "%s/%s", dc->dir, name) < 0)
		return -ENOMEM;
	err = invdoc_pdf_file(dc->txn, dc->st, inv, dc->conf,
			      invdoc_lang_en(dc->conf), dc->today, path);
	free(path);
	if (!err)
		dc->n++;
	return err;
}

int export_run_dir(MDB_txn *txn, struct store *st, const char *period,
		   const char *dir, const struct tagih_conf *conf,
		   int32_t today, uint64_t *count)
{
	struct dir_ctx dc = { .txn = txn, .st = st, .period = period,
			      .dir = dir, .conf = conf, .today = today };
	int err;

	err = invoice_foreach(txn, st, dir_cb, &dc);
	*count = dc.n;
	/* drop cairo's font caches: a CLI exports once and exits */
	cairo_debug_reset_static_data();
	return err;
}
