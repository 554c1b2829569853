// SPDX-License-Identifier: GPL-2.0
/* export.c - invoices as CSV, JSON and PDF (one A4 page each, cairo). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "billing/export.h"
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

/* --- PDF ------------------------------------------------------------------ */

#define PDF_W 595.0	/* A4 in points */
#define PDF_H 842.0
#define PDF_M 50.0

/*
 * Every string goes to cairo through text_repair: cairo refuses text
 * that is not UTF-8 and then fails the whole document, so one old name
 * with a Latin-1 byte would lose every invoice of the export.
 */
static void pdf_show(cairo_t *cr, const char *s)
{
	char *r = text_repair(s, SIZE_MAX);

	if (!r)
		return;		/* ENOMEM: the page lacks a string */
	cairo_show_text(cr, r);
	free(r);
}

static void pdf_text(cairo_t *cr, double x, double y, const char *s)
{
	cairo_move_to(cr, x, y);
	pdf_show(cr, s);
}

/* Right-aligned at x. */
static void pdf_rtext(cairo_t *cr, double x, double y, const char *s)
{
	cairo_text_extents_t e;
	char *r = text_repair(s, SIZE_MAX);

	if (!r)
		return;
	cairo_text_extents(cr, r, &e);
	cairo_move_to(cr, x - e.x_advance, y);
	cairo_show_text(cr, r);
	free(r);
}

static void pdf_font(cairo_t *cr, bool bold, double size)
{
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD :
				      CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static void pdf_page(cairo_t *cr, MDB_txn *txn, struct store *st,
		     const struct inv_rec *inv, const struct tagih_conf *conf,
		     int32_t today)
{
	struct sub_rec r;
	char b[160], m[40], d[32];
	double y = PDF_M + 10;
	int i;

	pdf_font(cr, true, 16);
	pdf_text(cr, PDF_M, y, conf->operator_name && *conf->operator_name ?
				      conf->operator_name : "tagih");
	pdf_font(cr, false, 9);
	if (conf->operator_address && *conf->operator_address)
		pdf_text(cr, PDF_M, y += 14, conf->operator_address);
	if (conf->operator_npwp && *conf->operator_npwp && inv->tax) {
		snprintf(b, sizeof(b), "NPWP: %s", conf->operator_npwp);
		pdf_text(cr, PDF_M, y += 12, b);
	}

	pdf_font(cr, true, 20);
	/* a prepaid purchase is a receipt (kuitansi), not a bill */
	pdf_rtext(cr, PDF_W - PDF_M, PDF_M + 10,
		  prepaid_is_receipt(inv) ? "KUITANSI" : "FAKTUR");
	pdf_font(cr, false, 10);
	pdf_rtext(cr, PDF_W - PDF_M, PDF_M + 26, inv->number);

	y = 150;
	pdf_font(cr, false, 10);
	snprintf(b, sizeof(b), "%s: %s",
		 prepaid_is_receipt(inv) ? "Kuitansi" : "Faktur", inv->number);
	pdf_text(cr, PDF_M, y, b);
	if (!sub_get(txn, st, inv->sub, &r) && r.name[0])
		snprintf(b, sizeof(b), "Pelanggan: %s (%s)", r.name, inv->sub);
	else
		snprintf(b, sizeof(b), "Pelanggan: %s", inv->sub);
	pdf_text(cr, PDF_M, y += 16, b);
	tt_fmt_date(inv->period_from, d, sizeof(d));
	tt_fmt_date(inv->period_to - 1, m, sizeof(m));
	snprintf(b, sizeof(b), "Periode: %s (%s s.d. %s)", inv->period, d, m);
	pdf_text(cr, PDF_M, y += 16, b);
	snprintf(b, sizeof(b), "Tanggal: %s",
		 tt_fmt_date(inv->issued, d, sizeof(d)));
	pdf_text(cr, PDF_M, y += 16, b);
	snprintf(b, sizeof(b), "Jatuh tempo: %s",
		 tt_fmt_date(inv->due, d, sizeof(d)));
	pdf_text(cr, PDF_M, y += 16, b);
	snprintf(b, sizeof(b), "Status: %s",
		 invoice_status_str(invoice_status(inv, today)));
	pdf_text(cr, PDF_M, y += 16, b);

	y += 34;
	pdf_font(cr, true, 10);
	pdf_text(cr, PDF_M, y, "Keterangan");
	pdf_rtext(cr, 360, y, "Kuantitas");
	pdf_rtext(cr, 450, y, "Harga");
	pdf_rtext(cr, PDF_W - PDF_M, y, "Jumlah");
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, PDF_M, y + 6);
	cairo_line_to(cr, PDF_W - PDF_M, y + 6);
	cairo_stroke(cr);
	pdf_font(cr, false, 9);
	for (i = 0; i < inv->nlines; i++) {
		const struct inv_line *l = &inv->lines[i];

		y += 18;
		pdf_text(cr, PDF_M, y, l->desc);
		pdf_rtext(cr, 360, y, export_qty(l, b, sizeof(b)));
		pdf_rtext(cr, 450, y, money_fmt(l->unit_price, m, sizeof(m)));
		pdf_rtext(cr, PDF_W - PDF_M, y,
			  money_fmt(l->amount, m, sizeof(m)));
	}
	cairo_move_to(cr, 300, y + 8);
	cairo_line_to(cr, PDF_W - PDF_M, y + 8);
	cairo_stroke(cr);

	pdf_font(cr, false, 10);
	y += 26;
	pdf_text(cr, 300, y, inv->tax_mode == TAX_INCLUSIVE ?
				     "Dasar pengenaan pajak" : "Subtotal");
	pdf_rtext(cr, PDF_W - PDF_M, y, money_fmt(inv->subtotal, m, sizeof(m)));
	if (inv->tax_mode != TAX_NONE) {
		snprintf(b, sizeof(b), "PPN %lld,%02lld%%%s",
			 (long long)(inv->ppn_bp / 100),
			 (long long)(inv->ppn_bp % 100),
			 inv->tax_mode == TAX_INCLUSIVE ? " (termasuk)" : "");
		pdf_text(cr, 300, y += 16, b);
		pdf_rtext(cr, PDF_W - PDF_M, y, money_fmt(inv->tax, m, sizeof(m)));
	}
	pdf_font(cr, true, 12);
	pdf_text(cr, 300, y += 20, "Total");
	pdf_rtext(cr, PDF_W - PDF_M, y, money_fmt(inv->total, m, sizeof(m)));
	pdf_font(cr, false, 10);
	if (inv->paid && inv->status != INV_VOID) {
		pdf_text(cr, 300, y += 16, "Dibayar");
		pdf_rtext(cr, PDF_W - PDF_M, y, money_fmt(inv->paid, m, sizeof(m)));
		pdf_text(cr, 300, y += 16, "Sisa tagihan");
		pdf_rtext(cr, PDF_W - PDF_M, y,
			  money_fmt(inv->total - inv->paid, m, sizeof(m)));
	}
	if (inv->status == INV_VOID) {
		pdf_font(cr, true, 14);
		snprintf(b, sizeof(b), "DIBATALKAN: %s", inv->void_reason);
		pdf_text(cr, PDF_M, y += 40, b);
	}
	if (conf->bank_transfer && *conf->bank_transfer &&
	    inv->status != INV_VOID) {
		pdf_font(cr, false, 9);
		snprintf(b, sizeof(b), "Pembayaran transfer: %s",
			 conf->bank_transfer);
		pdf_text(cr, PDF_M, PDF_H - PDF_M, b);
	}
	cairo_show_page(cr);
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
		pdf_page(ec->cr, ec->txn, ec->st, inv, ec->conf, ec->today);
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
							   PDF_W, PDF_H);
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

/* --- one invoice into memory ---------------------------------------------- */

struct pdf_mem {
	unsigned char *p;
	size_t len, cap;
};

static cairo_status_t pdf_mem_write(void *closure, const unsigned char *data,
				    unsigned int length)
{
	struct pdf_mem *m = closure;

	if (m->len + length > m->cap) {
		size_t cap = m->cap ? m->cap : 16384;
		unsigned char *np;

		while (cap < m->len + length)
			cap *= 2;
		np = realloc(m->p, cap);
		if (!np)
			return CAIRO_STATUS_NO_MEMORY;
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, data, length);
	m->len += length;
	return CAIRO_STATUS_SUCCESS;
}

int export_inv_pdf(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		   const struct tagih_conf *conf, int32_t today,
		   unsigned char **buf, size_t *len)
{
	struct pdf_mem m = { 0 };
	cairo_surface_t *surf;
	cairo_t *cr;
	int err = 0;

	*buf = NULL;
	*len = 0;
	surf = cairo_pdf_surface_create_for_stream(pdf_mem_write, &m, PDF_W,
						   PDF_H);
	if (cairo_surface_status(surf)) {
		cairo_surface_destroy(surf);
		return -EIO;
	}
	cr = cairo_create(surf);
	pdf_page(cr, txn, st, inv, conf, today);
	if (cairo_status(cr))
		err = -EIO;
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf))
		err = -EIO;
	/* no cairo_debug_reset_static_data() here: other threads may draw */
	cairo_surface_destroy(surf);
	if (err || !m.len) {
		free(m.p);
		return err ? err : -EIO;
	}
	*buf = m.p;
	*len = m.len;
	return 0;
}
