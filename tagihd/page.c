// SPDX-License-Identifier: GPL-2.0
/* page.c - the customer page: usage chart (inline SVG), bills, PDFs, pay button. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/custlink.h"
#include "billing/custpin.h"
#include "billing/export.h"
#include "billing/invoice.h"
#include "lib/log.h"
#include "lib/money.h"
#include "tagihd/page.h"
#include "tagihd/ratelimit.h"
#include "billing/pay.h"
#include "billing/gateway/paylink.h"
#include "billing/sub.h"
#include "lib/ttime.h"
#include "billing/usage.h"
#include "billing/gateway/webhook.h"

#define PAGE_INV_MAX 24		/* past invoices listed, newest first */
#define PAGE_DAYS_MAX 32

/* --- a growing buffer ------------------------------------------------------ */

struct sb {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 8192;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sb *b, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_add(b, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Text or attribute value: everything that could leave its context. */
static void sb_esc(struct sb *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sb_puts(b, "&amp;");
			break;
		case '<':
			sb_puts(b, "&lt;");
			break;
		case '>':
			sb_puts(b, "&gt;");
			break;
		case '"':
			sb_puts(b, "&quot;");
			break;
		case '\'':
			sb_puts(b, "&#39;");
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n')
				sb_puts(b, " ");
			else
				sb_add(b, s, 1);
		}
	}
}

/* A URL path segment (slashes kept: invoice numbers have them). */
static void sb_urlpath(struct sb *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	char e[3] = { '%' };

	for (; *s; s++) {
		unsigned char ch = *s;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || strchr("/._-~", ch)) {
			sb_add(b, s, 1);
		} else {
			e[1] = hx[ch >> 4];
			e[2] = hx[ch & 15];
			sb_add(b, e, 3);
		}
	}
}

/* --- words ----------------------------------------------------------------- */

enum lang { LANG_ID = 0, LANG_EN = 1 };

struct words {
	const char *html_lang, *title, *switch_to, *switch_q, *hello,
		*suspended, *bill_now, *due, *invoice, *outstanding, *pay,
		*nothing_due, *usage, *down, *up, *total, *no_usage,
		*history, *no_invoices, *pdf, *chart, *legend_down,
		*legend_up, *not_found, *not_found_text, *pay_failed,
		*pay_failed_text, *back, *nothing_to_pay, *period,
		*login_title, *login_intro, *phone, *pin, *login_btn,
		*login_failed, *login_locked, *login_locked_text;
	const char *status[5];	/* by enum inv_status */
	const char *month[12];
	char dec;		/* decimal separator */
};

static const struct words words[2] = {
	[LANG_ID] = {
		.html_lang = "id", .title = "Tagihan & pemakaian",
		.switch_to = "English", .switch_q = "en",
		.hello = "Halo",
		.suspended = "Layanan Anda sedang diisolir. Setelah tagihan "
			     "dibayar, internet langsung aktif kembali.",
		.bill_now = "Tagihan saat ini", .due = "Jatuh tempo",
		.invoice = "Faktur", .outstanding = "Total belum dibayar",
		.pay = "Bayar sekarang",
		.nothing_due = "Tidak ada tagihan. Terima kasih!",
		.usage = "Pemakaian periode ini", .down = "Unduh",
		.up = "Unggah", .total = "Total",
		.no_usage = "Belum ada pemakaian",
		.history = "Riwayat tagihan",
		.no_invoices = "Belum ada faktur.", .pdf = "Unduh PDF",
		.chart = "Pemakaian harian", .legend_down = "unduh",
		.legend_up = "unggah",
		.not_found = "Halaman tidak ditemukan",
		.not_found_text = "Tautan ini tidak berlaku. Minta tautan baru "
				  "kepada penyedia internet Anda.",
		.pay_failed = "Pembayaran belum bisa dibuat",
		.pay_failed_text = "Layanan pembayaran sedang tidak bisa "
				   "dihubungi. Silakan coba lagi sebentar "
				   "lagi.",
		.back = "Kembali",
		.nothing_to_pay = "Tidak ada tagihan yang perlu dibayar.",
		.period = "Periode",
		.login_title = "Masuk pelanggan",
		.login_intro = "Masukkan nomor HP yang terdaftar dan PIN "
			       "dari penyedia internet Anda.",
		.phone = "Nomor HP", .pin = "PIN", .login_btn = "Masuk",
		.login_failed = "Nomor HP atau PIN salah.",
		.login_locked = "Terlalu banyak percobaan",
		.login_locked_text = "Silakan coba lagi dalam 15 menit.",
		.status = { "Belum dibayar", "Dibayar sebagian", "Lunas",
			    "Dibatalkan", "Terlambat" },
		.month = { "Januari", "Februari", "Maret", "April", "Mei",
			   "Juni", "Juli", "Agustus", "September", "Oktober",
			   "November", "Desember" },
		.dec = ',',
	},
	[LANG_EN] = {
		.html_lang = "en", .title = "Bills & usage",
		.switch_to = "Bahasa Indonesia", .switch_q = "id",
		.hello = "Hello",
		.suspended = "Your service is suspended. It comes back as "
			     "soon as the bill is paid.",
		.bill_now = "Current bill", .due = "Due",
		.invoice = "Invoice", .outstanding = "Total unpaid",
		.pay = "Pay now",
		.nothing_due = "Nothing to pay. Thank you!",
		.usage = "Usage this period", .down = "Download",
		.up = "Upload", .total = "Total",
		.no_usage = "No usage yet",
		.history = "Past invoices",
		.no_invoices = "No invoices yet.", .pdf = "Download PDF",
		.chart = "Daily usage", .legend_down = "download",
		.legend_up = "upload",
		.not_found = "Page not found",
		.not_found_text = "This link is not valid. Ask your internet "
				  "provider for a new one.",
		.pay_failed = "Could not start the payment",
		.pay_failed_text = "The payment service cannot be reached "
				   "right now. Please try again shortly.",
		.back = "Back",
		.nothing_to_pay = "There is nothing to pay.",
		.period = "Period",
		.login_title = "Customer sign-in",
		.login_intro = "Enter the phone number you registered and the "
			       "PIN from your internet provider.",
		.phone = "Phone number", .pin = "PIN", .login_btn = "Sign in",
		.login_failed = "Wrong phone number or PIN.",
		.login_locked = "Too many attempts",
		.login_locked_text = "Please try again in 15 minutes.",
		.status = { "Unpaid", "Partly paid", "Paid", "Void",
			    "Overdue" },
		.month = { "January", "February", "March", "April", "May",
			   "June", "July", "August", "September", "October",
			   "November", "December" },
		.dec = '.',
	},
};

/* "20 November 2026" */
static char *fmt_day(const struct words *w, int32_t day, char *buf, size_t n)
{
	int y, m, d;

	tt_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%d %s %d", d, w->month[m - 1], y);
	return buf;
}

/* "1,25 GB" (id) / "1.25 GB" (en), rounded to hundredths */
static char *fmt_gb(const struct words *w, uint64_t b, char *buf, size_t n)
{
	uint64_t c = (b + 5000000) / 10000000;

	snprintf(buf, n, "%llu%c%02llu GB", (unsigned long long)(c / 100),
		 w->dec, (unsigned long long)(c % 100));
	return buf;
}

/* "Oktober 2026" from "2026-10" */
static char *fmt_period(const struct words *w, const char *period, char *buf,
			size_t n)
{
	int y, m;

	if (tt_parse_period(period, &y, &m))
		snprintf(buf, n, "%s", period);
	else
		snprintf(buf, n, "%s %d", w->month[m - 1], y);
	return buf;
}

/* --- responses ------------------------------------------------------------- */

/* Queue one response; the page holds a bearer token in its URL, so it is
 * never cached, framed, or sent on as a Referer. */
static enum MHD_Result page_reply(struct MHD_Connection *conn,
				  unsigned status, const char *ctype,
				  const void *body, size_t len,
				  const char *hname, const char *hval)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; style-src 'unsafe-inline'; "
				"img-src data:; frame-ancestors 'none'; "
				"base-uri 'none'");
	if (hname)
		MHD_add_response_header(r, hname, hval);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static const char page_css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;background:#f3f5f9;color:#1b2333;"
	"font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Helvetica Neue',Arial,sans-serif}"
	"main{max-width:480px;margin:0 auto;padding:12px 12px 32px}"
	"header{display:flex;justify-content:space-between;align-items:center;"
	"gap:8px;padding:4px 2px 10px}"
	"header h1{font-size:1.15rem;margin:0}"
	"header a{font-size:.9rem;color:#1d4ed8;white-space:nowrap}"
	".hi{margin:0 2px 10px;color:#475569}"
	".card{background:#fff;border-radius:14px;padding:16px;margin:0 0 12px;"
	"box-shadow:0 1px 3px rgba(15,23,42,.08)}"
	".card h2{font-size:1rem;margin:0 0 8px;color:#334155}"
	".amount{font-size:2rem;font-weight:700;margin:4px 0}"
	".muted{color:#64748b;font-size:.9rem;margin:2px 0}"
	".warn{background:#fef2f2;color:#991b1b;border-radius:10px;"
	"padding:10px 12px;margin:0 0 12px}"
	".badge{display:inline-block;font-size:.75rem;padding:2px 8px;"
	"border-radius:999px;background:#e2e8f0;color:#334155}"
	".b-overdue{background:#fee2e2;color:#991b1b}"
	".b-paid{background:#dcfce7;color:#166534}"
	"button{width:100%;margin-top:12px;padding:14px;font:inherit;"
	"font-weight:600;color:#fff;background:#1d4ed8;border:0;"
	"border-radius:10px}"
	".u{display:flex;gap:8px;margin:8px 0}"
	".u div{flex:1;background:#f1f5f9;border-radius:10px;padding:8px}"
	".u dt{font-size:.8rem;color:#64748b}"
	".u dd{margin:0;font-weight:600}"
	"svg{width:100%;height:auto;display:block;margin-top:8px}"
	"ul{list-style:none;margin:0;padding:0}"
	"li{display:flex;justify-content:space-between;align-items:center;"
	"gap:8px;padding:10px 0;border-top:1px solid #e2e8f0}"
	"li:first-child{border-top:0}"
	"li small{display:block;color:#64748b}"
	"li a{font-size:.85rem;color:#1d4ed8}"
	"footer{color:#64748b;font-size:.8rem;text-align:center;"
	"margin-top:16px}"
	"label{display:block;margin:12px 0 4px;font-weight:600}"
	"input{width:100%;padding:12px;font:inherit;border:1px solid #cbd5e1;"
	"border-radius:10px;background:#fff}";

static void page_head(struct sb *b, const struct words *w, const char *title)
{
	sb_printf(b, "<!doctype html><html lang=\"%s\"><head>"
		  "<meta charset=\"utf-8\">"
		  "<meta name=\"viewport\" content=\"width=device-width,"
		  "initial-scale=1\">"
		  "<meta name=\"robots\" content=\"noindex\">"
		  "<title>", w->html_lang);
	sb_esc(b, title);
	sb_puts(b, "</title><style>");
	sb_puts(b, page_css);
	sb_puts(b, "</style></head><body><main>");
}

/* Queue the page built in b and free it; MHD_NO when building ran out of
 * memory. */
static enum MHD_Result page_html(struct MHD_Connection *conn, unsigned status,
				 struct sb *b, const char *hname,
				 const char *hval)
{
	enum MHD_Result ret = MHD_NO;

	if (!b->oom)
		ret = page_reply(conn, status, "text/html; charset=utf-8",
				 b->p, b->len, hname, hval);
	free(b->p);
	return ret;
}

/* The card of a short page: a heading, a line of text, a way back. */
static void page_card(struct sb *b, const struct words *w, const char *h,
		      const char *text, const char *back)
{
	page_head(b, w, h);
	sb_puts(b, "<section class=\"card\"><h2>");
	sb_esc(b, h);
	sb_puts(b, "</h2><p>");
	sb_esc(b, text);
	sb_puts(b, "</p>");
	if (back) {
		sb_puts(b, "<p><a href=\"");
		sb_esc(b, back);
		sb_puts(b, "\">");
		sb_esc(b, w->back);
		sb_puts(b, "</a></p>");
	}
	sb_puts(b, "</section></main></body></html>");
}

/* A short page with a message and no subscriber data. */
static enum MHD_Result page_msg(struct MHD_Connection *conn, unsigned status,
				const struct words *w, const char *h,
				const char *text, const char *back)
{
	struct sb b = { 0 };

	page_card(&b, w, h, text, back);
	return page_html(conn, status, &b, NULL, NULL);
}

static enum MHD_Result page_404(struct MHD_Connection *conn,
				const struct words *w)
{
	return page_msg(conn, MHD_HTTP_NOT_FOUND, w, w->not_found,
			w->not_found_text, NULL);
}

/* --- what the page shows --------------------------------------------------- */

struct page_data {
	struct sub_rec sub;
	int32_t today, from, to;
	int ndays;
	uint64_t day_up[PAGE_DAYS_MAX], day_down[PAGE_DAYS_MAX];
	struct usage_val sum;
	/* numbers, oldest first, the last PAGE_INV_MAX of them */
	char nums[PAGE_INV_MAX][INV_NUM_MAX];
	int nnums, ninv_all;
	struct inv_rec *inv;	/* nnums records, same order */
	rp_t outstanding;
	int n_open;
};

static int num_cb(const char *number, void *ctx)
{
	struct page_data *p = ctx;

	if (p->nnums == PAGE_INV_MAX) {
		memmove(p->nums[0], p->nums[1],
			sizeof(p->nums[0]) * (PAGE_INV_MAX - 1));
		p->nnums--;
	}
	snprintf(p->nums[p->nnums++], INV_NUM_MAX, "%s", number);
	p->ninv_all++;
	return 0;
}

static int day_cb(int64_t start, const struct usage_val *v, void *ctx)
{
	struct page_data *p = ctx;
	int32_t i = tt_local_day(start) - p->from;

	if (i >= 0 && i < p->ndays) {
		p->day_up[i] += v->up_bytes;
		p->day_down[i] += v->down_bytes;
	}
	return 0;
}

/* The subscriber's billing period that contains today. */
static void page_period(struct page_data *p)
{
	int y, m, d;

	tt_civil_from_days(p->today, &y, &m, &d);
	invoice_sub_period(&p->sub, y, m, &p->from, &p->to);
	if (p->today < p->from) {
		if (--m == 0) {
			m = 12;
			y--;
		}
		invoice_sub_period(&p->sub, y, m, &p->from, &p->to);
	}
	p->ndays = p->to - p->from;
	if (p->ndays > PAGE_DAYS_MAX)
		p->ndays = PAGE_DAYS_MAX;
	if (p->ndays < 1)
		p->ndays = 1;
}

static int page_load(MDB_txn *txn, struct store *st, struct page_data *p)
{
	int64_t t0, t1;
	int i, err;

	page_period(p);
	t0 = tt_day_start(p->from);
	t1 = tt_day_start(p->from + p->ndays);
	err = usage_sum(txn, st, p->sub.uid, t0, t1, &p->sum);
	if (err)
		return err;
	err = usage_foreach_bucket(txn, st, p->sub.uid, t0, t1,
				   USAGE_STEP_DAY, day_cb, p);
	if (err < 0)
		return err;
	err = invoice_foreach_sub(txn, st, p->sub.id, num_cb, p);
	if (err < 0)
		return err;
	if (p->nnums) {
		p->inv = calloc(p->nnums, sizeof(*p->inv));
		if (!p->inv)
			return -ENOMEM;
	}
	for (i = 0; i < p->nnums; i++) {
		err = invoice_get(txn, st, p->nums[i], &p->inv[i]);
		if (err)
			return err;
	}
	return pay_outstanding(txn, st, p->sub.id, &p->outstanding,
			       &p->n_open);
}

/* --- the chart ------------------------------------------------------------- */

#define CH_W 320
#define CH_H 174
#define CH_L 8		/* plot area */
#define CH_R 312
#define CH_T 22
#define CH_B 134

static void page_chart(struct sb *b, const struct words *w,
		       const struct page_data *p)
{
	uint64_t max = 0, tot;
	double slot, bw, x, hd, hu, scale;
	char g[32], dd[48];
	int i, y, m, d;

	for (i = 0; i < p->ndays; i++) {
		tot = p->day_up[i] + p->day_down[i];
		if (tot > max)
			max = tot;
	}
	sb_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" "
		  "aria-labelledby=\"ct\" id=\"chart\" "
		  "xmlns=\"http://www.w3.org/2000/svg\">"
		  "<title id=\"ct\">", CH_W, CH_H);
	sb_esc(b, w->chart);
	sb_puts(b, "</title>");
	sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		  "stroke=\"#cbd5e1\"/>", CH_L, CH_B, CH_R, CH_B);
	if (!max) {
		sb_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			  "font-size=\"12\" fill=\"#64748b\">",
			  CH_W / 2, (CH_T + CH_B) / 2);
		sb_esc(b, w->no_usage);
		sb_puts(b, "</text>");
	} else {
		sb_printf(b, "<text x=\"%d\" y=\"12\" font-size=\"10\" "
			  "fill=\"#64748b\">max %s</text>", CH_L,
			  fmt_gb(w, max, g, sizeof(g)));
		sb_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			  "stroke=\"#e2e8f0\" stroke-dasharray=\"3 3\"/>",
			  CH_L, CH_T, CH_R, CH_T);
	}
	slot = (double)(CH_R - CH_L) / p->ndays;
	bw = slot > 3 ? slot - 2 : slot;
	scale = max ? (double)(CH_B - CH_T) / (double)max : 0;
	for (i = 0; i < p->ndays; i++) {
		x = CH_L + i * slot + (slot - bw) / 2;
		tot = p->day_up[i] + p->day_down[i];
		tt_civil_from_days(p->from + i, &y, &m, &d);
		if (tot) {
			hd = p->day_down[i] * scale;
			hu = p->day_up[i] * scale;
			snprintf(dd, sizeof(dd), "%d %s", d, w->month[m - 1]);
			sb_puts(b, "<g><title>");
			sb_esc(b, dd);
			sb_printf(b, ": %s</title>", fmt_gb(w, tot, g,
							    sizeof(g)));
			sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
				  " height=\"%.1f\" fill=\"#1d4ed8\"/>",
				  x, CH_B - hd, bw, hd);
			sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
				  " height=\"%.1f\" fill=\"#93c5fd\"/></g>",
				  x, CH_B - hd - hu, bw, hu);
		}
		if (i % 7 == 0 || (i == p->ndays - 1 && i % 7 >= 3))
			sb_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\""
				  " text-anchor=\"middle\" fill=\"#64748b\">%d"
				  "</text>", x + bw / 2, CH_B + 13, d);
	}
	sb_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		  "fill=\"#1d4ed8\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
		  "fill=\"#334155\">", CH_L, CH_H - 12, CH_L + 14, CH_H - 3);
	sb_esc(b, w->legend_down);
	sb_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"10\" "
		  "height=\"10\" fill=\"#93c5fd\"/><text x=\"%d\" y=\"%d\" "
		  "font-size=\"11\" fill=\"#334155\">", CH_L + 90, CH_H - 12,
		  CH_L + 104, CH_H - 3);
	sb_esc(b, w->legend_up);
	sb_puts(b, "</text></svg>");
}

/* --- the page -------------------------------------------------------------- */

static const char *badge_class(int status)
{
	return status == INV_OVERDUE ? "badge b-overdue" :
	       status == INV_PAID ? "badge b-paid" : "badge";
}

static void page_body(struct sb *b, const struct tagih_conf *conf,
		      const struct words *w, enum lang lang, const char *tok,
		      const struct page_data *p)
{
	const char *op = conf->operator_name && *conf->operator_name ?
			 conf->operator_name : "Internet";
	const struct inv_rec *cur = NULL;
	char m[40], dd[48], g[32];
	int i, st;

	page_head(b, w, w->title);
	sb_puts(b, "<header><h1>");
	sb_esc(b, op);
	sb_printf(b, "</h1><a href=\"?lang=%s\" hreflang=\"%s\">%s</a>"
		  "</header>", w->switch_q, w->switch_q, w->switch_to);
	sb_puts(b, "<p class=\"hi\">");
	sb_esc(b, w->hello);
	sb_puts(b, ", <b id=\"name\">");
	sb_esc(b, p->sub.name[0] ? p->sub.name : p->sub.id);
	sb_puts(b, "</b></p>");
	if (p->sub.status == SUB_SUSPENDED) {
		sb_puts(b, "<p class=\"warn\" id=\"suspended\">");
		sb_esc(b, w->suspended);
		sb_puts(b, "</p>");
	}

	/* the current bill: the latest open invoice */
	for (i = p->nnums - 1; i >= 0; i--) {
		if (p->inv[i].status == INV_ISSUED ||
		    p->inv[i].status == INV_PARTIAL) {
			cur = &p->inv[i];
			break;
		}
	}
	sb_puts(b, "<section class=\"card\" id=\"bill\"><h2>");
	sb_esc(b, w->bill_now);
	sb_puts(b, "</h2>");
	if (cur) {
		st = invoice_status(cur, p->today);
		sb_printf(b, "<p class=\"amount\" id=\"amount\">%s</p>",
			  money_fmt(cur->total - cur->paid, m, sizeof(m)));
		sb_puts(b, "<p>");
		sb_esc(b, w->due);
		sb_printf(b, " <b id=\"due\">%s</b> <span class=\"%s\">%s"
			  "</span></p>", fmt_day(w, cur->due, dd, sizeof(dd)),
			  badge_class(st), w->status[st]);
		sb_puts(b, "<p class=\"muted\">");
		sb_esc(b, w->invoice);
		sb_puts(b, " ");
		sb_esc(b, cur->number);
		sb_puts(b, " &middot; ");
		sb_esc(b, fmt_period(w, cur->period, dd, sizeof(dd)));
		sb_puts(b, "</p>");
		if (p->n_open > 1) {
			sb_puts(b, "<p class=\"muted\" id=\"outstanding\">");
			sb_esc(b, w->outstanding);
			sb_printf(b, ": <b>%s</b> (%d)</p>",
				  money_fmt(p->outstanding, m, sizeof(m)),
				  p->n_open);
		}
		sb_puts(b, "<form method=\"post\" action=\"/c/");
		sb_puts(b, tok);	/* checked: base64url only */
		sb_printf(b, "/pay?lang=%s\"><button type=\"submit\" "
			  "id=\"pay\">", w->html_lang);
		sb_esc(b, w->pay);
		sb_puts(b, "</button></form>");
	} else {
		sb_puts(b, "<p class=\"amount\" id=\"amount\">Rp 0</p><p>");
		sb_esc(b, w->nothing_due);
		sb_puts(b, "</p>");
	}
	sb_puts(b, "</section>");

	/* usage in the current period */
	sb_puts(b, "<section class=\"card\" id=\"usage\"><h2>");
	sb_esc(b, w->usage);
	sb_printf(b, "</h2><p class=\"muted\">%s &ndash; ",
		  fmt_day(w, p->from, dd, sizeof(dd)));
	sb_printf(b, "%s</p>", fmt_day(w, p->from + p->ndays - 1, dd,
				       sizeof(dd)));
	sb_printf(b, "<dl class=\"u\"><div><dt>%s</dt><dd id=\"down\">%s</dd>"
		  "</div>", w->down, fmt_gb(w, p->sum.down_bytes, g,
					    sizeof(g)));
	sb_printf(b, "<div><dt>%s</dt><dd id=\"up\">%s</dd></div>", w->up,
		  fmt_gb(w, p->sum.up_bytes, g, sizeof(g)));
	sb_printf(b, "<div><dt>%s</dt><dd id=\"total\">%s</dd></div></dl>",
		  w->total, fmt_gb(w, p->sum.up_bytes + p->sum.down_bytes, g,
				   sizeof(g)));
	page_chart(b, w, p);
	sb_puts(b, "</section>");

	/* past invoices, newest first */
	sb_puts(b, "<section class=\"card\" id=\"invoices\"><h2>");
	sb_esc(b, w->history);
	sb_puts(b, "</h2>");
	if (!p->nnums) {
		sb_puts(b, "<p class=\"muted\">");
		sb_esc(b, w->no_invoices);
		sb_puts(b, "</p>");
	}
	sb_puts(b, "<ul>");
	for (i = p->nnums - 1; i >= 0; i--) {
		const struct inv_rec *v = &p->inv[i];

		st = invoice_status(v, p->today);
		sb_puts(b, "<li><div><b>");
		sb_esc(b, fmt_period(w, v->period, dd, sizeof(dd)));
		sb_puts(b, "</b><small>");
		sb_esc(b, v->number);
		sb_printf(b, "</small></div><div style=\"text-align:right\">"
			  "%s <span class=\"%s\">%s</span><br>",
			  money_fmt(v->total, m, sizeof(m)), badge_class(st),
			  w->status[st]);
		sb_puts(b, "<a href=\"/c/");
		sb_puts(b, tok);
		sb_puts(b, "/invoice/");
		sb_urlpath(b, v->number);
		sb_puts(b, ".pdf\" download>");
		sb_esc(b, w->pdf);
		sb_puts(b, "</a></div></li>");
	}
	sb_puts(b, "</ul></section><footer>");
	sb_esc(b, op);
	if (conf->operator_address && *conf->operator_address) {
		sb_puts(b, " &middot; ");
		sb_esc(b, conf->operator_address);
	}
	sb_puts(b, "</footer></main></body></html>");
	(void)lang;
}

/* --- routes ---------------------------------------------------------------- */

static enum MHD_Result page_show(struct tagihd *d, struct MHD_Connection *conn,
				 MDB_txn *txn, const char *tok,
				 struct page_data *p, enum lang lang)
{
	const struct words *w = &words[lang];
	struct sb b = { 0 };
	int err;

	err = page_load(txn, d->st, p);
	if (err) {
		pr_warn("customer page: cannot read the store: %s",
			strerror(-err));
		return page_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "text/plain; charset=utf-8", "try again\n",
				  10, NULL, NULL);
	}
	page_body(&b, &d->conf, w, lang, tok, p);
	return page_html(conn, MHD_HTTP_OK, &b, NULL, NULL);
}

static enum MHD_Result page_pdf(struct tagihd *d, struct MHD_Connection *conn,
				MDB_txn *txn, const struct sub_rec *sub,
				const char *num, const struct words *w)
{
	char number[INV_NUM_MAX], fname[INV_NUM_MAX + 32], *q;
	unsigned char *pdf = NULL;
	struct inv_rec *inv;
	enum MHD_Result ret;
	size_t len = 0, l = strlen(num);
	int err;

	if (l <= 4 || strcmp(num + l - 4, ".pdf") || l - 4 >= INV_NUM_MAX)
		return page_404(conn, w);
	memcpy(number, num, l - 4);
	number[l - 4] = '\0';
	inv = malloc(sizeof(*inv));
	if (!inv)
		return MHD_NO;
	err = invoice_get(txn, d->st, number, inv);
	/* somebody else's invoice looks exactly like a missing one */
	if (err || strcmp(inv->sub, sub->id)) {
		free(inv);
		return page_404(conn, w);
	}
	err = export_inv_pdf(txn, d->st, inv, &d->conf,
			     tt_local_day(tt_now()), &pdf, &len);
	free(inv);
	if (err) {
		pr_warn("customer page: PDF of %s failed: %s", number,
			strerror(-err));
		return page_reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "text/plain; charset=utf-8", "error\n", 6,
				  NULL, NULL);
	}
	snprintf(fname, sizeof(fname), "attachment; filename=\"%s.pdf\"",
		 number);
	for (q = fname + 22; *q; q++)
		if (*q == '/' || *q == '"' || *q == '\\' ||
		    (unsigned char)*q < 0x20)
			*q = '-';
	fname[strlen(fname) - 1] = '"';
	ret = page_reply(conn, MHD_HTTP_OK, "application/pdf", pdf, len,
			 "Content-Disposition", fname);
	free(pdf);
	return ret;
}

static enum MHD_Result page_pay(struct tagihd *d, struct MHD_Connection *conn,
				MDB_txn *txn, const struct sub_rec *sub,
				const char *tok, enum lang lang)
{
	const struct words *w = &words[lang];
	const char *base = d->conf.public_url;
	char back[128], ret_url[600], why[256];
	struct paylink pl;
	struct inv_rec *inv;
	char number[INV_NUM_MAX];
	int err;

	snprintf(back, sizeof(back), "/c/%s?lang=%s", tok, w->html_lang);
	inv = malloc(sizeof(*inv));
	if (!inv)
		return MHD_NO;
	err = paylink_open_invoice(txn, d->st, sub->id, inv);
	if (!err)
		snprintf(number, sizeof(number), "%s", inv->number);
	free(inv);
	store_abort(txn);	/* before a slow call to the gateway */
	if (err == -ENOENT)
		return page_msg(conn, MHD_HTTP_CONFLICT, w, w->bill_now,
				w->nothing_to_pay, back);
	if (err)
		return page_msg(conn, MHD_HTTP_SERVICE_UNAVAILABLE, w,
				w->pay_failed, w->pay_failed_text, back);
	snprintf(ret_url, sizeof(ret_url), "%s/c/%s",
		 base && *base ? base : "", tok);
	/* a button pressed again (or a script) gets the same link for a
	 * minute instead of one more transaction at the gateway */
	err = paylink_get(d->st, &d->conf, number, NULL,
			  base && *base ? ret_url : NULL, PAYLINK_REUSE_SECS,
			  &pl, why, sizeof(why));
	if (err == -EBUSY)
		return page_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "text/plain; charset=utf-8", "try again\n",
				  10, "Retry-After", "2");
	if (err) {
		pr_warn("customer page: payment link for %s: %s", number, why);
		return page_msg(conn, MHD_HTTP_BAD_GATEWAY, w, w->pay_failed,
				w->pay_failed_text, back);
	}
	return page_reply(conn, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8",
			  "", 0, MHD_HTTP_HEADER_LOCATION, pl.url);
}

enum MHD_Result page_handle(struct tagihd *d, struct MHD_Connection *conn,
			    const char *path, const char *method)
{
	char tok[CUSTLINK_TOKEN_LEN + 1];
	const char *rest, *q;
	struct page_data *p;
	enum lang lang = LANG_ID;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET) ||
		   !strcmp(method, MHD_HTTP_METHOD_HEAD);
	enum MHD_Result ret;
	MDB_txn *txn = NULL;
	size_t tl;

	q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	if (q && !strcmp(q, "en"))
		lang = LANG_EN;
	rest = strchr(path, '/');
	tl = rest ? (size_t)(rest - path) : strlen(path);
	if (tl != CUSTLINK_TOKEN_LEN)
		return page_404(conn, &words[lang]);
	memcpy(tok, path, tl);
	tok[tl] = '\0';
	if (custlink_token_check(tok))
		return page_404(conn, &words[lang]);

	p = calloc(1, sizeof(*p));
	if (!p)
		return MHD_NO;
	if (store_begin(d->st, false, &txn)) {
		free(p);
		return page_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "text/plain; charset=utf-8", "try again\n",
				  10, NULL, NULL);
	}
	if (custlink_lookup(txn, d->st, tok, &p->sub)) {
		ret = page_404(conn, &words[lang]);
		goto out;
	}
	p->today = tt_local_day(tt_now());

	if (!rest || !rest[1]) {
		ret = get ? page_show(d, conn, txn, tok, p, lang) :
			    page_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				       "text/plain", "GET\n", 4, "Allow",
				       "GET, HEAD");
	} else if (!strncmp(rest, "/invoice/", 9) && get) {
		ret = page_pdf(d, conn, txn, &p->sub, rest + 9, &words[lang]);
	} else if (!strcmp(rest, "/pay")) {
		if (strcmp(method, MHD_HTTP_METHOD_POST)) {
			ret = page_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					 "text/plain", "POST\n", 5, "Allow",
					 "POST");
		} else {
			ret = page_pay(d, conn, txn, &p->sub, tok, lang);
			txn = NULL;	/* page_pay ended it */
		}
	} else {
		ret = page_404(conn, &words[lang]);
	}
out:
	if (txn)
		store_abort(txn);
	free(p->inv);
	explicit_bzero(p, sizeof(*p));
	free(p);
	return ret;
}

/* --- phone + PIN ------------------------------------------------------------ */

/*
 * The form. Every failure shows exactly this page with the same message:
 * nothing typed is echoed, so a wrong PIN and an unknown phone cannot be
 * told apart.
 */
static enum MHD_Result login_form(struct MHD_Connection *conn,
				  unsigned status, const struct words *w,
				  bool failed)
{
	struct sb b = { 0 };

	page_head(&b, w, w->login_title);
	sb_printf(&b, "<header><h1>%s</h1><a href=\"?lang=%s\" hreflang=\"%s\">"
		  "%s</a></header>", w->login_title, w->switch_q, w->switch_q,
		  w->switch_to);
	sb_puts(&b, "<section class=\"card\">");
	if (failed) {
		sb_puts(&b, "<p class=\"warn\" id=\"error\">");
		sb_esc(&b, w->login_failed);
		sb_puts(&b, "</p>");
	}
	sb_puts(&b, "<p class=\"muted\">");
	sb_esc(&b, w->login_intro);
	sb_printf(&b, "</p><form method=\"post\" action=\"/login?lang=%s\" "
		  "autocomplete=\"on\">", w->html_lang);
	sb_printf(&b, "<label for=\"phone\">%s</label><input id=\"phone\" "
		  "name=\"phone\" type=\"tel\" inputmode=\"tel\" "
		  "autocomplete=\"tel\" maxlength=\"24\" required "
		  "placeholder=\"08xxxxxxxxxx\">", w->phone);
	sb_printf(&b, "<label for=\"pin\">%s</label><input id=\"pin\" "
		  "name=\"pin\" type=\"password\" inputmode=\"numeric\" "
		  "pattern=\"[0-9]{%d,%d}\" minlength=\"%d\" maxlength=\"%d\" "
		  "autocomplete=\"current-password\" required>", w->pin,
		  CUSTPIN_MIN, CUSTPIN_MAX, CUSTPIN_MIN, CUSTPIN_MAX);
	sb_printf(&b, "<button type=\"submit\" id=\"login\">%s</button>"
		  "</form></section></main></body></html>", w->login_btn);
	return page_html(conn, status, &b, NULL, NULL);
}

static enum MHD_Result login_locked(struct MHD_Connection *conn,
				    const struct words *w, unsigned wait)
{
	struct sb b = { 0 };
	char back[32], ra[16];

	snprintf(back, sizeof(back), "/login?lang=%s", w->html_lang);
	page_card(&b, w, w->login_locked, w->login_locked_text, back);
	snprintf(ra, sizeof(ra), "%u", wait);
	return page_html(conn, MHD_HTTP_TOO_MANY_REQUESTS, &b, "Retry-After",
			 ra);
}

/*
 * The value of name in an application/x-www-form-urlencoded body,
 * decoded into out (size n). Returns 0, -ENOENT (absent) or -EINVAL
 * (too long, bad escape, NUL or control character).
 */
static int form_get(const char *body, size_t len, const char *name,
		    char *out, size_t n)
{
	size_t nl = strlen(name), i = 0, o;
	const char *end = body + len, *f, *amp;
	int hi, lo;
	char c;

	for (f = body; body && f < end; f = amp + 1) {
		amp = memchr(f, '&', end - f);
		if (!amp)
			amp = end;
		if ((size_t)(amp - f) <= nl || memcmp(f, name, nl) ||
		    f[nl] != '=') {
			if (amp == end)
				break;
			continue;
		}
		for (i = nl + 1, o = 0; f + i < amp; i++) {
			c = f[i];
			if (c == '+') {
				c = ' ';
			} else if (c == '%') {
				if (f + i + 2 >= amp)
					return -EINVAL;
				hi = wh_hexval(f[i + 1]);
				lo = wh_hexval(f[i + 2]);
				if (hi < 0 || lo < 0)
					return -EINVAL;
				c = (char)(hi << 4 | lo);
				i += 2;
			}
			if ((unsigned char)c < 0x20 || o + 1 >= n)
				return -EINVAL;
			out[o++] = c;
		}
		out[o] = '\0';
		return 0;
	}
	return -ENOENT;
}

/* The client's address as a limiter key; IPv6 by its /64. */
static void login_ip_key(struct MHD_Connection *conn, char *key, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	char a[INET6_ADDRSTRLEN] = "?";

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET) {
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)sa)->sin_addr,
				  a, sizeof(a));
		} else if (sa->sa_family == AF_INET6) {
			struct in6_addr p =
				((const struct sockaddr_in6 *)sa)->sin6_addr;

			if (!IN6_IS_ADDR_V4MAPPED(&p))
				memset(p.s6_addr + 8, 0, 8);
			inet_ntop(AF_INET6, &p, a, sizeof(a));
		}
	}
	snprintf(key, n, "ip:%s", a);
}

/* The subscriber's link, made when there is none. Returns 0 or -errno. */
static int login_link(struct tagihd *d, const char *id, char *tok)
{
	struct sub_rec r;
	MDB_txn *txn;
	int err;

	err = store_begin(d->st, true, &txn);
	if (err)
		return err;
	err = sub_get(txn, d->st, id, &r);
	if (err)
		goto abort;
	if (!custlink_token_check(r.link_token)) {
		memcpy(tok, r.link_token, CUSTLINK_TOKEN_LEN + 1);
		store_abort(txn);
		explicit_bzero(&r, sizeof(r));
		return 0;
	}
	err = custlink_issue(txn, d->st, id, tt_now(), "tagihd:login", tok);
	if (err)
		goto abort;
	explicit_bzero(&r, sizeof(r));
	return store_commit(txn);
abort:
	explicit_bzero(&r, sizeof(r));
	store_abort(txn);
	return err;
}

enum MHD_Result page_login(struct tagihd *d, struct MHD_Connection *conn,
			   const char *method, const char *body, size_t len)
{
	char phone[32] = "", pin[16] = "", norm[CUSTPIN_PHONE_MAX];
	char pkey[48], ikey[64], id[SUB_ID_MAX + 1], tok[CUSTLINK_TOKEN_LEN + 1];
	char loc[CUSTLINK_TOKEN_LEN + 16];
	enum lang lang = LANG_ID;
	const struct words *w;
	enum MHD_Result ret;
	unsigned wait;
	const char *q;
	int err;

	q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	if (q && !strcmp(q, "en"))
		lang = LANG_EN;
	w = &words[lang];
	if (!strcmp(method, MHD_HTTP_METHOD_GET) ||
	    !strcmp(method, MHD_HTTP_METHOD_HEAD))
		return login_form(conn, MHD_HTTP_OK, w, false);
	if (strcmp(method, MHD_HTTP_METHOD_POST))
		return page_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "text/plain", "GET, POST\n", 10, "Allow",
				  "GET, HEAD, POST");

	login_ip_key(conn, ikey, sizeof(ikey));
	wait = rl_check(d->login_ip, ikey);
	if (wait) {
		pr_info("customer login: client address locked out");
		return login_locked(conn, w, wait);
	}
	/* a missing or garbled field is just another wrong answer */
	form_get(body, len, "phone", phone, sizeof(phone));
	form_get(body, len, "pin", pin, sizeof(pin));
	if (!custpin_phone_norm(phone, norm))
		snprintf(pkey, sizeof(pkey), "ph:%s", norm);
	else
		snprintf(pkey, sizeof(pkey), "raw:%.40s", phone);
	wait = rl_check(d->login_phone, pkey);
	if (wait) {
		pr_info("customer login: phone locked out");
		ret = login_locked(conn, w, wait);
		goto out;
	}
	err = custpin_login(d->st, phone, pin, id);
	if (err == -EACCES) {
		rl_fail(d->login_phone, pkey);
		rl_fail(d->login_ip, ikey);
		pr_info("customer login: failed");	/* never the phone */
		ret = login_form(conn, MHD_HTTP_UNAUTHORIZED, w, true);
		goto out;
	}
	if (!err)
		err = login_link(d, id, tok);
	if (err) {
		pr_warn("customer login: %s", strerror(-err));
		ret = page_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "text/plain; charset=utf-8", "try again\n",
				 10, NULL, NULL);
		goto out;
	}
	rl_reset(d->login_phone, pkey);
	pr_info("customer login: subscriber %s", id);
	snprintf(loc, sizeof(loc), "/c/%s%s", tok,
		 lang == LANG_EN ? "?lang=en" : "");
	ret = page_reply(conn, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8",
			 "", 0, MHD_HTTP_HEADER_LOCATION, loc);
	explicit_bzero(tok, sizeof(tok));
	explicit_bzero(loc, sizeof(loc));
out:
	explicit_bzero(pin, sizeof(pin));
	explicit_bzero(phone, sizeof(phone));
	explicit_bzero(norm, sizeof(norm));
	return ret;
}
