// SPDX-License-Identifier: GPL-2.0
/* receipt.c - the kuitansi of a payment as an A5 PDF (cairo) or as 32-column text for a 58 mm thermal printer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/pdfdoc.h"
#include "billing/receipt.h"
#include "billing/sub.h"
#include "lib/datefmt.h"
#include "lib/terbilang.h"
#include "lib/text.h"

struct rlabels {
	const char *title, *title_rev, *from_rev, *number, *date, *from, *sum, *for_, *invoice,
		*balance, *method, *amount, *received_by, *thanks;
	const char *methods[3];	/* by enum pay_method */
};

static const struct rlabels rlab[2] = {
	{
		.title = "KUITANSI", .title_rev = "PENGEMBALIAN DANA",
		.from_rev = "Dikembalikan kepada", .number = "No.", .date = "Tanggal",
		.from = "Telah terima dari", .sum = "Uang sejumlah",
		.for_ = "Untuk pembayaran", .invoice = "Tagihan",
		.balance = "Saldo (untuk tagihan berikutnya)",
		.method = "Cara bayar", .amount = "Jumlah",
		.received_by = "Penerima", .thanks = "Terima kasih",
		.methods = { "Tunai", "Transfer", "Pembayaran online" },
	},
	{
		.title = "RECEIPT", .title_rev = "REFUND",
		.from_rev = "Refunded to", .number = "No.", .date = "Date",
		.from = "Received from", .sum = "The sum of",
		.for_ = "In payment of", .invoice = "Invoice",
		.balance = "Balance (for the next invoice)",
		.method = "Method", .amount = "Amount",
		.received_by = "Received by", .thanks = "Thank you",
		.methods = { "Cash", "Transfer", "Online payment" },
	},
};

/* What both layouts print, gathered once. */
struct rc {
	const struct rlabels *L;
	const struct pay_rec *p;
	const struct tagih_conf *conf;
	bool en;
	char who[160];		/* "Budi Santoso (budi)" */
	char when[64];
	char words[TERBILANG_MAX];
	const char *title, *from;	/* a reversal reads as a refund */
};

static void rc_init(struct rc *r, MDB_txn *txn, struct store *st,
		    const struct pay_rec *p, const struct tagih_conf *conf,
		    bool en)
{
	struct sub_rec s;

	memset(r, 0, sizeof(*r));
	r->L = &rlab[en];
	r->p = p;
	r->conf = conf;
	r->en = en;
	if (txn && st && !sub_get(txn, st, p->sub, &s) && s.name[0])
		snprintf(r->who, sizeof(r->who), "%.*s (%s)",
			 (int)sizeof(s.name), s.name, p->sub);
	else
		snprintf(r->who, sizeof(r->who), "%s", p->sub);
	datefmt_time(p->time, en, r->when, sizeof(r->when));
	r->title = p->kind == PAY_KIND_REVERSAL ? r->L->title_rev : r->L->title;
	r->from = p->kind == PAY_KIND_REVERSAL ? r->L->from_rev : r->L->from;
	/* a reversal is stored negative; its words are of the sum given back */
	if (terbilang_rp(p->amount < 0 && p->amount > INT64_MIN ? -p->amount :
			 p->amount, en, r->words,
			 sizeof(r->words)) < 0)
		r->words[0] = '\0';
}

static const char *rc_method(const struct rc *r)
{
	return r->p->method <= PAY_GATEWAY ? r->L->methods[r->p->method] : "?";
}

static const char *op_name(const struct tagih_conf *conf)
{
	return conf->operator_name && *conf->operator_name ?
		       conf->operator_name : "tagih";
}

char *receipt_filename(const char *ref, char *buf, size_t n)
{
	char *p;

	snprintf(buf, n, "kuitansi-%s.pdf", ref);
	for (p = buf + 9; *p && p < buf + strlen(buf) - 4; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789._-", *p))
			*p = '-';
	return buf;
}

/* --- PDF -------------------------------------------------------------------- */

#define RM 36.0
#define RR (RECEIPT_W - RM)

static int receipt_draw(cairo_t *cr, void *ctx)
{
	const struct rc *r = ctx;
	const struct rlabels *L = r->L;
	const struct pay_rec *p = r->p;
	char b[256], m[40];
	double y, x = RM + 130;
	int i;

	cairo_set_source_rgb(cr, 0, 0, 0);
	pdfdoc_font(cr, true, 13);
	pdfdoc_text(cr, RM, 44, op_name(r->conf));
	pdfdoc_font(cr, false, 8.5);
	if (r->conf->operator_address && *r->conf->operator_address)
		pdfdoc_wrap(cr, RM, 57, 300, 10, r->conf->operator_address);
	pdfdoc_font(cr, true, 20);
	pdfdoc_rtext(cr, RR, 46, r->title);
	pdfdoc_font(cr, false, 9);
	snprintf(b, sizeof(b), "%s %s", L->number, p->ref);
	pdfdoc_rtext(cr, RR, 60, b);
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, RM, 78);
	cairo_line_to(cr, RR, 78);
	cairo_stroke(cr);

	y = 102;
	pdfdoc_font(cr, false, 9.5);
	pdfdoc_text(cr, RM, y, r->from);
	pdfdoc_font(cr, true, 10);
	y = pdfdoc_wrap(cr, x, y, RR - x, 12, r->who);
	pdfdoc_font(cr, false, 9.5);
	pdfdoc_text(cr, RM, y += 20, L->sum);
	y = pdfdoc_wrap(cr, x, y, RR - x, 12, r->words);
	pdfdoc_text(cr, RM, y += 20, L->for_);
	for (i = 0; i < p->nalloc; i++) {
		snprintf(b, sizeof(b), "%s %.*s", L->invoice,
			 (int)sizeof(p->alloc[i].number), p->alloc[i].number);
		pdfdoc_text(cr, x, y, b);
		pdfdoc_rtext(cr, RR, y, money_fmt(p->alloc[i].amount, m,
						  sizeof(m)));
		y += 13;
	}
	if (p->to_balance) {
		pdfdoc_text(cr, x, y, L->balance);
		pdfdoc_rtext(cr, RR, y, money_fmt(p->to_balance, m, sizeof(m)));
		y += 13;
	}
	pdfdoc_text(cr, RM, y += 8, L->method);
	pdfdoc_text(cr, x, y, rc_method(r));
	pdfdoc_text(cr, RM, y += 16, L->date);
	pdfdoc_text(cr, x, y, r->when);

	/* the amount, boxed, and who received it */
	y = RECEIPT_H - 80;
	pdfdoc_font(cr, true, 15);
	money_fmt(p->amount, m, sizeof(m));
	cairo_rectangle(cr, RM, y - 20, pdfdoc_width(cr, m) + 24, 30);
	cairo_stroke(cr);
	pdfdoc_text(cr, RM + 12, y, m);
	pdfdoc_font(cr, false, 9);
	pdfdoc_ctext(cr, RR - 80, y - 14, L->received_by);
	cairo_move_to(cr, RR - 150, y + 30);
	cairo_line_to(cr, RR - 10, y + 30);
	cairo_stroke(cr);
	pdfdoc_ctext(cr, RR - 80, y + 42, p->actor);
	cairo_show_page(cr);
	return 0;
}

int receipt_pdf_mem(MDB_txn *txn, struct store *st, const struct pay_rec *p,
		    const struct tagih_conf *conf, bool en,
		    unsigned char **buf, size_t *len)
{
	struct rc r;

	rc_init(&r, txn, st, p, conf, en);
	return pdfdoc_mem(RECEIPT_W, RECEIPT_H, receipt_draw, &r, buf, len);
}

int receipt_pdf_file(MDB_txn *txn, struct store *st, const struct pay_rec *p,
		     const struct tagih_conf *conf, bool en, const char *path)
{
	struct rc r;

	rc_init(&r, txn, st, p, conf, en);
	return pdfdoc_file(path, RECEIPT_W, RECEIPT_H, receipt_draw, &r);
}

/* --- 58 mm thermal: 32 columns of text ------------------------------------- */

/* Characters (code points; a bad byte counts as one) in s[0..n). */
static size_t cols(const char *s, size_t n)
{
	size_t c = 0, i = 0, l;

	while (i < n) {
		l = text_char(s + i, n - i, NULL);
		i += l ? l : 1;
		c++;
	}
	return c;
}

/* Bytes of the first k characters of s[0..n). */
static size_t cols_bytes(const char *s, size_t n, size_t k)
{
	size_t i = 0, l;

	while (i < n && k--) {
		l = text_char(s + i, n - i, NULL);
		i += l ? l : 1;
	}
	return i;
}

/* s wrapped at spaces into lines of RECEIPT_COLS (words longer than
 * that are cut), each centred or left-aligned. */
static void th_wrap(FILE *f, const char *s, bool centre)
{
	char *r = text_repair(s, SIZE_MAX), *p;

	if (!r)
		return;
	/* a tab or line break stored before text_check would break the
	 * layout: it prints as a space */
	for (p = r; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	p = r;
	while (*p) {
		size_t len = strlen(p), take, c;

		while (*p == ' ')
			p++, len--;
		if (!*p)
			break;
		if (cols(p, len) <= RECEIPT_COLS) {
			take = len;
		} else {
			size_t lim = cols_bytes(p, len, RECEIPT_COLS), i;

			take = lim;
			/* the last space within the limit, if any */
			for (i = lim; i > 0; i--)
				if (p[i] == ' ') {
					take = i;
					break;
				}
		}
		while (take && p[take - 1] == ' ')
			take--;
		c = cols(p, take);
		if (centre)
			fprintf(f, "%*s", (int)((RECEIPT_COLS - c) / 2), "");
		fprintf(f, "%.*s\n", (int)take, p);
		p += take;
	}
	free(r);
}

/* "label      amount" on one line of 32, or two when they do not fit */
static void th_lr(FILE *f, const char *left, const char *right)
{
	size_t l = cols(left, strlen(left)), r = strlen(right);

	if (l + 1 + r <= RECEIPT_COLS) {
		fprintf(f, "%s%*s%s\n", left, (int)(RECEIPT_COLS - l - r), "",
			right);
		return;
	}
	th_wrap(f, left, false);
	fprintf(f, "%*s\n", RECEIPT_COLS, right);
}

static void th_rule(FILE *f, char c)
{
	int i;

	for (i = 0; i < RECEIPT_COLS; i++)
		fputc(c, f);
	fputc('\n', f);
}

int receipt_thermal(MDB_txn *txn, struct store *st, const struct pay_rec *p,
		    const struct tagih_conf *conf, bool en, FILE *f)
{
	struct rc r;
	char b[512], m[40];
	int i;

	rc_init(&r, txn, st, p, conf, en);
	th_wrap(f, op_name(conf), true);
	if (conf->operator_address && *conf->operator_address)
		th_wrap(f, conf->operator_address, true);
	th_rule(f, '=');
	th_wrap(f, r.title, true);
	snprintf(b, sizeof(b), "%s %s", r.L->number, p->ref);
	th_wrap(f, b, false);
	th_wrap(f, r.when, false);
	th_rule(f, '-');
	snprintf(b, sizeof(b), "%s:", r.from);
	th_wrap(f, b, false);
	th_wrap(f, r.who, false);
	th_rule(f, '-');
	for (i = 0; i < p->nalloc; i++) {
		snprintf(b, sizeof(b), "%.*s", (int)sizeof(p->alloc[i].number),
			 p->alloc[i].number);
		th_lr(f, b, money_fmt(p->alloc[i].amount, m, sizeof(m)));
	}
	if (p->to_balance)
		th_lr(f, en ? "Balance" : "Saldo",
		      money_fmt(p->to_balance, m, sizeof(m)));
	th_rule(f, '-');
	th_lr(f, "TOTAL", money_fmt(p->amount, m, sizeof(m)));
	th_lr(f, r.L->method, rc_method(&r));
	snprintf(b, sizeof(b), "%s: %s", en ? "In words" : "Terbilang",
		 r.words);
	th_wrap(f, b, false);
	th_rule(f, '-');
	snprintf(b, sizeof(b), "%s: %s", r.L->received_by, p->actor);
	th_wrap(f, b, false);
	th_wrap(f, r.L->thanks, true);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}
