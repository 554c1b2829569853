// SPDX-License-Identifier: GPL-2.0
/* invdoc.c - the invoice PDF page: TAGIHAN in Bahasa Indonesia (INVOICE in English), rows that add up, terbilang, payment block with QR. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/invdoc.h"
#include "billing/pdfdoc.h"
#include "billing/prepaid.h"
#include "billing/rate.h"
#include "billing/sub.h"
#include "lib/datefmt.h"
#include "lib/terbilang.h"

struct labels {
	const char *title, *number, *date, *period, *due, *status, *bill_to,
		*cust_id, *desc, *qty, *rate, *amount, *subtotal, *tax_base,
		*tax, *incl, *total, *paid, *open, *in_words, *how_to_pay,
		*transfer, *quote_ref, *scan, *stamp_paid, *stamp_void,
		*month, *days, *cap, *max, *void_reason;
	const char *status_s[5];	/* by enum inv_status */
	char dec;
};

static const struct labels lab[2] = {
	{
		.title = "TAGIHAN", .number = "Nomor", .date = "Tanggal",
		.period = "Periode", .due = "Jatuh tempo", .status = "Status",
		.bill_to = "Kepada", .cust_id = "ID pelanggan",
		.desc = "Keterangan", .qty = "Kuantitas", .rate = "Harga",
		.amount = "Jumlah", .subtotal = "Subtotal",
		.tax_base = "Dasar pengenaan pajak", .tax = "PPN",
		.incl = " (termasuk)", .total = "Total", .paid = "Dibayar",
		.open = "Sisa tagihan", .in_words = "Terbilang",
		.how_to_pay = "Cara pembayaran", .transfer = "Transfer bank",
		.quote_ref = "Cantumkan nomor tagihan sebagai berita / "
			     "referensi transfer:",
		.scan = "Pindai untuk melihat tagihan dan membayar",
		.stamp_paid = "LUNAS", .stamp_void = "DIBATALKAN",
		.month = "bulan", .days = "hari",
		.cap = "Batas biaya pemakaian", .max = "maks.",
		.void_reason = "Alasan pembatalan",
		.status_s = { "Belum dibayar", "Dibayar sebagian", "Lunas",
			      "Dibatalkan", "Lewat jatuh tempo" },
		.dec = ',',
	},
	{
		.title = "INVOICE", .number = "Number", .date = "Date",
		.period = "Period", .due = "Due date", .status = "Status",
		.bill_to = "Bill to", .cust_id = "Customer ID",
		.desc = "Description", .qty = "Quantity", .rate = "Rate",
		.amount = "Amount", .subtotal = "Subtotal",
		.tax_base = "Tax base", .tax = "VAT (PPN)",
		.incl = " (included)", .total = "Total", .paid = "Paid",
		.open = "Balance due", .in_words = "In words",
		.how_to_pay = "How to pay", .transfer = "Bank transfer",
		.quote_ref = "Quote the invoice number as the transfer "
			     "reference:",
		.scan = "Scan to see the bill and pay",
		.stamp_paid = "PAID", .stamp_void = "VOID",
		.month = "month", .days = "days",
		.cap = "Usage charge cap", .max = "max.",
		.void_reason = "Reason",
		.status_s = { "Unpaid", "Partly paid", "Paid", "Void",
			      "Overdue" },
		.dec = '.',
	},
};

const char *invdoc_status(int status, bool en)
{
	if (status < 0 || status > INV_OVERDUE)
		return "?";
	return lab[en].status_s[status];
}

bool invdoc_lang_en(const struct tagih_conf *conf)
{
	return conf->invoice_lang && !strcmp(conf->invoice_lang, "en");
}

char *invdoc_link(const struct tagih_conf *conf, const struct sub_rec *r,
		  char *buf, size_t n)
{
	const char *base = conf->public_url;
	size_t bl;

	buf[0] = '\0';
	if (!base || !*base || !r->link_token[0])
		return buf;
	bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	if ((size_t)snprintf(buf, n, "%.*s/c/%.*s", (int)bl, base,
			     (int)sizeof(r->link_token), r->link_token) >= n)
		buf[0] = '\0';
	return buf;
}

char *invdoc_filename(const char *number, char *buf, size_t n)
{
	char *p;

	snprintf(buf, n, "%s.pdf", number);
	for (p = buf; *p; p++)
		if (*p == '/')
			*p = '-';
	return buf;
}

/* --- rows ------------------------------------------------------------------ */

static const uint64_t pow10_u[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000,
};

/*
 * bytes as GB with the fewest decimals (2..9) whose product with per_gb,
 * half up, is want: the quantity a reader multiplies. 9 decimals are the
 * bytes themselves, which is rate_volume exactly.
 */
static void gb_qty(uint64_t bytes, rp_t per_gb, rp_t want, char dec,
		   char *buf, size_t n)
{
	unsigned __int128 q = 0, p;
	int d;

	for (d = 2; d <= 9; d++) {
		uint64_t unit = pow10_u[9 - d];

		q = ((unsigned __int128)bytes + unit / 2) / unit;
		p = (q * (unsigned __int128)per_gb + pow10_u[d] / 2) /
		    pow10_u[d];
		if (p == (unsigned __int128)want)
			break;
	}
	if (d > 9) {
		d = 9;
		q = bytes;
	}
	snprintf(buf, n, "%llu%c%0*llu GB",
		 (unsigned long long)(q / pow10_u[d]), dec, d,
		 (unsigned long long)(q % pow10_u[d]));
}

/* The stored description without what the quantity column now says
 * ("Kelebihan kuota: 77.68 GB (batas)" -> "Kelebihan kuota"). */
static void usage_desc(const struct inv_line *l, char *buf, size_t n)
{
	const char *c;
	int len;

	c = memchr(l->desc, ':', strnlen(l->desc, sizeof(l->desc)));
	len = c ? (int)(c - l->desc) : (int)strnlen(l->desc, sizeof(l->desc));
	snprintf(buf, n, "%.*s", len, l->desc);
}

int invdoc_rows(const struct inv_rec *inv, int i, bool en,
		struct invdoc_row rows[2])
{
	const struct labels *L = &lab[en];
	const struct inv_line *l = &inv->lines[i];
	struct invdoc_row *r = rows;
	int pd = inv->period_to - inv->period_from;
	char m[40];
	rp_t full;

	memset(rows, 0, 2 * sizeof(*rows));
	snprintf(r->desc, sizeof(r->desc), "%.*s", (int)sizeof(l->desc),
		 l->desc);
	r->amount = l->amount;
	switch (l->kind) {
	case LINE_FEE:
	case LINE_ADDON:
		if (l->qty == pd && l->amount == l->unit_price) {
			snprintf(r->qty, sizeof(r->qty), "1 %s", L->month);
			money_fmt(l->unit_price, r->rate, sizeof(r->rate));
			return 1;
		}
		if (pd > 0 && l->qty > 0 && l->qty <= pd &&
		    !rate_prorate(l->unit_price, (int)l->qty, pd, &full) &&
		    full == l->amount) {
			snprintf(r->qty, sizeof(r->qty), "%lld %s",
				 (long long)l->qty, L->days);
			snprintf(r->rate, sizeof(r->rate), "%s / %d %s",
				 money_fmt(l->unit_price, m, sizeof(m)), pd,
				 L->days);
			return 1;
		}
		break;
	case LINE_USAGE:
		if (l->qty < 0 ||
		    rate_volume((uint64_t)l->qty, l->unit_price, &full))
			break;
		usage_desc(l, r->desc, sizeof(r->desc));
		r->amount = full;
		gb_qty((uint64_t)l->qty, l->unit_price, full, L->dec, r->qty,
		       sizeof(r->qty));
		snprintf(r->rate, sizeof(r->rate), "%s / GB",
			 money_fmt(l->unit_price, m, sizeof(m)));
		if (full == l->amount)
			return 1;
		/* the cap, as a row of its own: the two rows are what was
		 * billed */
		r = &rows[1];
		snprintf(r->desc, sizeof(r->desc), "%s (%s %s)", L->cap,
			 L->max, money_fmt(l->amount, m, sizeof(m)));
		r->amount = l->amount - full;
		return 2;
	default:
		break;
	}
	/* one of something (minimum charge, late fee) or a line whose
	 * numbers do not multiply (never made by an invoice run) */
	r->amount = l->amount;
	if (l->qty == 1 && l->unit_price == l->amount) {
		snprintf(r->qty, sizeof(r->qty), "1");
		money_fmt(l->unit_price, r->rate, sizeof(r->rate));
	} else {
		snprintf(r->qty, sizeof(r->qty), "%lld", (long long)l->qty);
		money_fmt(l->unit_price, r->rate, sizeof(r->rate));
	}
	return 1;
}

/* --- the page ---------------------------------------------------------------- */

#define M 50.0			/* margin */
#define RIGHT (INVDOC_W - M)

/* label: value on the right-hand block; returns the last baseline */
static double kv(cairo_t *cr, double y, const char *k, const char *v,
		 bool bold)
{
	pdfdoc_font(cr, false, 9);
	pdfdoc_text(cr, 320, y, k);
	pdfdoc_font(cr, bold, 9);
	return pdfdoc_wrap(cr, 400, y, RIGHT - 400, 12, v);
}

static void stamp(cairo_t *cr, double cx, double cy, const char *s,
		  double r, double g, double b)
{
	double w;

	cairo_save(cr);
	/* level, not rotated: text extractors (pdftotext, screen readers)
	 * read a rotated word as scattered letters */
	cairo_translate(cr, cx, cy);
	cairo_set_source_rgb(cr, r, g, b);
	pdfdoc_font(cr, true, 30);
	w = pdfdoc_width(cr, s);
	cairo_set_line_width(cr, 3);
	cairo_rectangle(cr, -w / 2 - 12, -30, w + 24, 42);
	cairo_stroke(cr);
	pdfdoc_ctext(cr, 0, 0, s);
	cairo_restore(cr);
}

static double total_row(cairo_t *cr, double y, const char *k, rp_t v,
			bool bold)
{
	char m[40];

	pdfdoc_font(cr, bold, bold ? 11 : 9.5);
	pdfdoc_text(cr, 330, y, k);
	pdfdoc_rtext(cr, RIGHT, y, money_fmt(v, m, sizeof(m)));
	return y;
}

/* A page after the first: the title and number again; returns where to go on. */
/* A prepaid purchase is a receipt (kuitansi), not a bill. */
static const char *doc_title(const struct inv_rec *inv,
			     const struct labels *L, bool en)
{
	if (prepaid_is_receipt(inv))
		return en ? "RECEIPT" : "KUITANSI";
	return L->title;
}

static double next_page(cairo_t *cr, const struct inv_rec *inv,
			const struct labels *L)
{
	char b[INV_NUM_MAX + 64];

	cairo_show_page(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	pdfdoc_font(cr, true, 12);
	snprintf(b, sizeof(b), "%s %.*s", doc_title(inv, L, L == &lab[1]),
		 (int)sizeof(inv->number),
		 inv->number);
	pdfdoc_text(cr, M, 60, b);
	return 80;
}

void invdoc_page(cairo_t *cr, MDB_txn *txn, struct store *st,
		 const struct inv_rec *inv, const struct tagih_conf *conf,
		 bool en, int32_t today)
{
	const struct labels *L = &lab[en];
	int status = invoice_status(inv, today), i, j, nr;
	bool open = status == INV_ISSUED || status == INV_PARTIAL ||
		    status == INV_OVERDUE;
	struct invdoc_row rows[2];
	struct sub_rec r;
	char b[512], d1[48];
	double y, yl, yr, ty;
	bool have_sub;

	have_sub = txn && st && !sub_get(txn, st, inv->sub, &r);
	cairo_set_source_rgb(cr, 0, 0, 0);

	/* the operator, and the title */
	pdfdoc_font(cr, true, 16);
	pdfdoc_text(cr, M, 60, conf->operator_name && *conf->operator_name ?
				       conf->operator_name : "tagih");
	y = 60;
	pdfdoc_font(cr, false, 9);
	if (conf->operator_address && *conf->operator_address)
		y = pdfdoc_wrap(cr, M, y + 14, 280, 11,
				conf->operator_address);
	if (conf->operator_npwp && *conf->operator_npwp && inv->tax) {
		snprintf(b, sizeof(b), "NPWP: %s", conf->operator_npwp);
		pdfdoc_text(cr, M, y += 12, b);
	}
	pdfdoc_font(cr, true, 22);
	pdfdoc_rtext(cr, RIGHT, 62, doc_title(inv, L, en));
	pdfdoc_font(cr, false, 10);
	pdfdoc_rtext(cr, RIGHT, 78, inv->number);

	/* the customer on the left, the dates on the right */
	yl = yr = y > 110 ? y + 30 : 140;
	pdfdoc_font(cr, false, 9);
	pdfdoc_text(cr, M, yl, L->bill_to);
	pdfdoc_font(cr, true, 11);
	pdfdoc_text(cr, M, yl += 15, have_sub && r.name[0] ? r.name : inv->sub);
	pdfdoc_font(cr, false, 9);
	snprintf(b, sizeof(b), "%s: %s", L->cust_id, inv->sub);
	pdfdoc_text(cr, M, yl += 13, b);
	if (have_sub && r.address[0])
		yl = pdfdoc_wrap(cr, M, yl + 13, 250, 11, r.address);

	yr = kv(cr, yr, L->number, inv->number, true);
	yr = kv(cr, yr + 13, L->date,
		datefmt_day(inv->issued, en, d1, sizeof(d1)), false);
	/* "November 2026", then "1 s.d. 30 November 2026" */
	yr = kv(cr, yr + 13, L->period,
		datefmt_period(inv->period, en, d1, sizeof(d1)), false);
	datefmt_span(inv->period_from, inv->period_to - 1, en, b, sizeof(b));
	pdfdoc_font(cr, false, 9);
	yr = pdfdoc_wrap(cr, 400, yr + 12, RIGHT - 400, 12, b);
	yr = kv(cr, yr + 13, L->due, datefmt_day(inv->due, en, d1, sizeof(d1)),
		true);
	yr = kv(cr, yr + 13, L->status, invdoc_status(status, en), true);

	/* the rows */
	y = (yl > yr ? yl : yr) + 34;
	pdfdoc_font(cr, true, 9);
	pdfdoc_text(cr, M, y, L->desc);
	pdfdoc_rtext(cr, 360, y, L->qty);
	pdfdoc_rtext(cr, 465, y, L->rate);
	pdfdoc_rtext(cr, RIGHT, y, L->amount);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, M, y + 6);
	cairo_line_to(cr, RIGHT, y + 6);
	cairo_stroke(cr);
	pdfdoc_font(cr, false, 8.5);
	for (i = 0; i < inv->nlines; i++) {
		nr = invdoc_rows(inv, i, en, rows);
		for (j = 0; j < nr; j++) {
			char m[40];
			double yd;

			y += 17;
			yd = pdfdoc_wrap(cr, M, y, 215, 10, rows[j].desc);
			pdfdoc_rtext(cr, 360, y, rows[j].qty);
			pdfdoc_rtext(cr, 465, y, rows[j].rate);
			pdfdoc_rtext(cr, RIGHT, y, money_fmt(rows[j].amount, m,
							     sizeof(m)));
			y = yd;
		}
	}
	cairo_move_to(cr, 320, y + 8);
	cairo_line_to(cr, RIGHT, y + 8);
	cairo_stroke(cr);

	/* the totals, the words and the payment block take about 330
	 * points: a long invoice (up to INV_LINES_MAX lines) goes on */
	if (y > INVDOC_H - 330) {
		y = next_page(cr, inv, L);
		cairo_set_line_width(cr, 0.8);
	}
	ty = y + 26;
	y = total_row(cr, ty, inv->tax_mode == TAX_INCLUSIVE ? L->tax_base :
				L->subtotal, inv->subtotal, false);
	if (inv->tax_mode != TAX_NONE) {
		snprintf(b, sizeof(b), "%s %lld%c%02lld%%%s", L->tax,
			 (long long)(inv->ppn_bp / 100), L->dec,
			 (long long)(inv->ppn_bp % 100),
			 inv->tax_mode == TAX_INCLUSIVE ? L->incl : "");
		y = total_row(cr, y + 15, b, inv->tax, false);
	}
	y = total_row(cr, y + 19, L->total, inv->total, true);
	if (inv->paid && inv->status != INV_VOID) {
		y = total_row(cr, y + 15, L->paid, inv->paid, false);
		y = total_row(cr, y + 15, L->open, inv->total - inv->paid,
			      false);
	}
	if (status == INV_PAID)
		stamp(cr, 170, ty + 22, L->stamp_paid, 0.80, 0.05, 0.05);
	else if (status == INV_VOID)
		stamp(cr, 170, ty + 22, L->stamp_void, 0.45, 0.45, 0.45);

	/* the total in words */
	{
		char w[TERBILANG_MAX];

		y += 26;
		pdfdoc_font(cr, true, 9);
		snprintf(b, sizeof(b), "%s:", L->in_words);
		pdfdoc_text(cr, M, y, b);
		pdfdoc_font(cr, false, 9);
		if (terbilang_rp(inv->total, en, w, sizeof(w)) > 0)
			y = pdfdoc_wrap(cr, M + pdfdoc_width(cr, b) + 12, y,
					RIGHT - M - 70, 12, w);
	}
	if (inv->status == INV_VOID) {
		pdfdoc_font(cr, false, 9);
		snprintf(b, sizeof(b), "%s: %.*s", L->void_reason,
			 (int)sizeof(inv->void_reason), inv->void_reason);
		y = pdfdoc_wrap(cr, M, y + 16, RIGHT - M, 12, b);
	}

	/* how to pay: the transfer text, the number to quote, the QR */
	if (open && y > INVDOC_H - M - 150)
		y = next_page(cr, inv, L);
	if (open) {
		char link[512] = "";
		double top = y + 34, qs = 110;

		if (have_sub)
			invdoc_link(conf, &r, link, sizeof(link));
		cairo_set_line_width(cr, 0.6);
		cairo_rectangle(cr, M, top - 16, RIGHT - M,
				qs + 30);
		cairo_stroke(cr);
		pdfdoc_font(cr, true, 10);
		pdfdoc_text(cr, M + 10, top + 2, L->how_to_pay);
		y = top + 2;
		pdfdoc_font(cr, false, 9);
		if (conf->bank_transfer && *conf->bank_transfer) {
			snprintf(b, sizeof(b), "%s: %s", L->transfer,
				 conf->bank_transfer);
			y = pdfdoc_wrap(cr, M + 10, y + 16,
					RIGHT - M - qs - 40, 12, b);
		}
		y = pdfdoc_wrap(cr, M + 10, y + 16, RIGHT - M - qs - 40, 12,
				L->quote_ref);
		pdfdoc_font(cr, true, 11);
		pdfdoc_text(cr, M + 10, y + 16, inv->number);
		if (link[0] &&
		    !pdfdoc_qr(cr, RIGHT - qs - 8, top - 12, qs - 10, link)) {
			pdfdoc_font(cr, false, 6.5);
			pdfdoc_wrap(cr, RIGHT - qs - 4, top + qs - 12, qs - 10,
				    8, L->scan);
		}
	}
	cairo_show_page(cr);
}

/* --- one invoice, one file ---------------------------------------------------- */

struct one {
	MDB_txn *txn;
	struct store *st;
	const struct inv_rec *inv;
	const struct tagih_conf *conf;
	bool en;
	int32_t today;
};

static int one_draw(cairo_t *cr, void *ctx)
{
	struct one *o = ctx;

	invdoc_page(cr, o->txn, o->st, o->inv, o->conf, o->en, o->today);
	return 0;
}

int invdoc_pdf_mem(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		   const struct tagih_conf *conf, bool en, int32_t today,
		   unsigned char **buf, size_t *len)
{
	struct one o = { txn, st, inv, conf, en, today };

	return pdfdoc_mem(INVDOC_W, INVDOC_H, one_draw, &o, buf, len);
}

int invdoc_pdf_file(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		    const struct tagih_conf *conf, bool en, int32_t today,
		    const char *path)
{
	struct one o = { txn, st, inv, conf, en, today };

	return pdfdoc_file(path, INVDOC_W, INVDOC_H, one_draw, &o);
}
