// SPDX-License-Identifier: GPL-2.0
/* dash.c - the console's dashboard: today's and this month's money by method and by kasir, who owes, who is isolated, the trend. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/report.h"
#include "lib/ttime.h"
#include "tagihd/console/data.h"

struct dash {
	struct books_sum today, month;
	rp_t unpaid;
	uint64_t n_unpaid;
	char isolated[20][SUB_ID_MAX + 1];
	int n_isolated, n_new, n_term, n_subs;
	int32_t m_from, m_to;	/* this month, civil days [from, to) */
	struct rev_report trend[12];
	struct usage_top top[5];
	int ntop;
};

static int dash_sub_cb(const struct sub_rec *r, void *ctx)
{
	struct dash *d = ctx;
	int32_t made = tt_local_day(r->created);

	d->n_subs++;
	if (r->status == SUB_SUSPENDED && d->n_isolated < 20)
		snprintf(d->isolated[d->n_isolated++], SUB_ID_MAX + 1, "%s",
			 r->id);
	if (made >= d->m_from && made < d->m_to)
		d->n_new++;
	if (r->terminated >= d->m_from && r->terminated < d->m_to)
		d->n_term++;
	return 0;
}

static int dash_inv_cb(const struct inv_rec *inv, void *ctx)
{
	struct dash *d = ctx;
	rp_t open = inv->total;

	if (inv->status != INV_ISSUED && inv->status != INV_PARTIAL)
		return 0;
	if (money_sub(&open, inv->paid) || money_add(&d->unpaid, open))
		return -ERANGE;
	d->n_unpaid++;
	return 0;
}

static void sum_card(struct con_ctx *c, struct html *b, const char *id,
		     const char *h, const struct books_sum *s)
{
	char x[40], y[40];
	int i;

	html_printf(b, "<section class=\"card\" id=\"%s\"><h2>", id);
	html_text(b, h);
	html_printf(b, "</h2><p class=\"big\" id=\"%s-total\">%s</p>", id,
		    ui_rp(s->total, x, sizeof(x)));
	html_printf(b, "<p class=\"muted\">%llu %s</p><table><tr><th>%s</th>"
		    "<th class=\"n\">%s</th></tr>",
		    (unsigned long long)s->count,
		    L(c, "pembayaran", "payments"), L(c, "Cara", "Method"),
		    L(c, "Jumlah", "Amount"));
	for (i = 0; i <= PAY_GATEWAY; i++)
		html_printf(b, "<tr><td>%s</td><td class=\"n\" id=\"%s-%s\">%s"
			    "</td></tr>", i == PAY_CASH ? L(c, "Tunai", "Cash") :
			    i == PAY_TRANSFER ? "Transfer" : "Gateway", id,
			    pay_method_str(i), ui_rp(s->by_method[i], x,
						     sizeof(x)));
	html_printf(b, "</table><table><tr><th>%s</th><th class=\"n\">%s</th>"
		    "<th class=\"n\">%s</th></tr>", L(c, "Diterima oleh",
						       "Taken by"),
		    L(c, "Jumlah", "Amount"), L(c, "Setoran tunai",
						"Cash hand-over"));
	for (i = 0; i < s->nusers; i++) {
		html_puts(b, "<tr><td>");
		html_text(b, s->users[i].user);
		html_printf(b, "</td><td class=\"n\">%s</td><td class=\"n\">%s"
			    "</td></tr>", ui_rp(s->users[i].amount, x,
						sizeof(x)),
			    ui_rp(s->users[i].cash, y, sizeof(y)));
	}
	html_puts(b, "</table></section>");
}

static void trend_card(struct con_ctx *c, struct html *b, struct dash *d,
		       int y, int m)
{
	static const char *const mon[12] = { "01", "02", "03", "04", "05",
		"06", "07", "08", "09", "10", "11", "12" };
	const char *labels[12];
	int64_t billed[12], paid[12];
	char lab[12][8];
	int i, yy = y, mm = m;

	for (i = 11; i >= 0; i--) {
		snprintf(lab[i], sizeof(lab[i]), "%s/%02d", mon[mm - 1],
			 yy % 100);
		labels[i] = lab[i];
		billed[i] = d->trend[i].total;
		paid[i] = d->trend[i].paid;
		if (--mm == 0) {
			mm = 12;
			yy--;
		}
	}
	html_printf(b, "<section class=\"card\"><h2>%s</h2>",
		    L(c, "Tren 12 bulan: ditagih dan terbayar",
		      "12-month trend: billed and collected"));
	ui_bars(b, "trend", L(c, "Pendapatan per bulan", "Revenue per month"),
		12, labels, billed, paid, L(c, "Ditagih", "Billed"),
		L(c, "Terbayar", "Collected"));
	html_puts(b, "</section>");
}

enum MHD_Result ui_dashboard(struct con_ctx *c)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct dash *d = calloc(1, sizeof(*d));
	int32_t today = tt_local_day(tt_now());
	struct html b = { 0 };
	MDB_txn *txn;
	char x[40], dd[48];
	int y, m, dday, i, y0, m0;
	bool money = con_can(c, PERM_MONEY_VIEW);

	if (!d)
		return MHD_NO;
	tt_civil_from_days(today, &y, &m, &dday);
	d->m_from = tt_days_from_civil(y, m, 1);
	d->m_to = d->m_from + tt_days_in_month(y, m);
	if (store_begin(c->d->st, false, &txn)) {
		free(d);
		return ui_msg(c, 503, "tagih", L(c, "Basis data tidak tersedia.",
						  "The store is unavailable."));
	}
	if (!con_can(c, PERM_REPORTS))
		f.by = c->user.name;	/* a kasir's own cash */
	if (money) {
		f.from = tt_day_start(today);
		f.to = tt_day_start(today + 1);
		books_collections(txn, c->d->st, &f, &d->today);
		f.from = tt_day_start(d->m_from);
		f.to = tt_day_start(d->m_to);
		books_collections(txn, c->d->st, &f, &d->month);
		invoice_foreach(txn, c->d->st, dash_inv_cb, d);
	}
	sub_foreach(txn, c->d->st, dash_sub_cb, d);
	if (con_can(c, PERM_REPORTS)) {
		y0 = m > 11 ? y : y - 1;
		m0 = m > 11 ? 1 : m + 1;
		books_revenue_months(txn, c->d->st, y0, m0, y, m, d->trend, &i);
	}
	report_usage_top(txn, c->d->st, y, m, 5, d->top, &d->ntop);
	store_abort(txn);

	ui_head(c, &b, L(c, "Ringkasan", "Dashboard"), "dash");
	html_printf(&b, "<h1>%s · %s</h1>", L(c, "Ringkasan", "Dashboard"),
		    fmt_day(con_words(c), today, dd, sizeof(dd)));
	if (money) {
		html_puts(&b, "<div class=\"grid\">");
		sum_card(c, &b, "today", L(c, "Diterima hari ini",
					   "Collected today"), &d->today);
		sum_card(c, &b, "month", L(c, "Diterima bulan ini",
					   "Collected this month"), &d->month);
		html_puts(&b, "</div>");
	}
	html_puts(&b, "<div class=\"grid grid3\">");
	if (money)
		html_printf(&b, "<section class=\"card\"><h2>%s</h2><p "
			    "class=\"big\" id=\"unpaid-total\">%s</p><p "
			    "class=\"muted\" id=\"unpaid-count\">%llu %s</p>"
			    "<p><a href=\"/invoices?status=overdue\">%s</a></p>"
			    "</section>", L(c, "Belum dibayar", "Unpaid"),
			    ui_rp(d->unpaid, x, sizeof(x)),
			    (unsigned long long)d->n_unpaid,
			    L(c, "tagihan terbuka", "open invoices"),
			    L(c, "Lihat yang lewat jatuh tempo",
			      "See the overdue ones"));
	html_printf(&b, "<section class=\"card\"><h2>%s</h2><p class=\"big\" "
		    "id=\"isolated-count\">%d</p><p id=\"isolated\">",
		    L(c, "Diisolir sekarang", "Isolated now"), d->n_isolated);
	for (i = 0; i < d->n_isolated; i++) {
		html_puts(&b, "<a href=\"/subscribers/");
		html_urlpath(&b, d->isolated[i]);
		html_puts(&b, "\">");
		html_text(&b, d->isolated[i]);
		html_puts(&b, "</a> ");
	}
	html_printf(&b, "</p></section><section class=\"card\"><h2>%s</h2>"
		    "<p><span class=\"big\" id=\"new-count\">%d</span> %s · "
		    "<span class=\"big\" id=\"term-count\">%d</span> %s</p>"
		    "<p class=\"muted\">%d %s</p></section></div>",
		    L(c, "Pelanggan bulan ini", "Subscribers this month"),
		    d->n_new, L(c, "baru", "new"), d->n_term,
		    L(c, "berhenti", "terminated"), d->n_subs,
		    L(c, "pelanggan seluruhnya", "subscribers in all"));
	if (con_can(c, PERM_REPORTS))
		trend_card(c, &b, d, y, m);
	html_printf(&b, "<section class=\"card\"><h2>%s</h2><table><tr><th>#"
		    "</th><th>%s</th><th class=\"n\">%s</th></tr>",
		    L(c, "Pemakaian terbanyak bulan ini",
		      "Top usage this month"), L(c, "Pelanggan", "Subscriber"),
		    L(c, "Pemakaian", "Usage"));
	for (i = 0; i < d->ntop; i++) {
		html_printf(&b, "<tr><td>%d</td><td><a href=\"/subscribers/",
			    i + 1);
		html_urlpath(&b, d->top[i].sub);
		html_puts(&b, "\">");
		html_text(&b, d->top[i].sub);
		html_printf(&b, "</a></td><td class=\"n\">%s</td></tr>",
			    fmt_gb(con_words(c), d->top[i].up + d->top[i].down,
				   x, sizeof(x)));
	}
	html_puts(&b, "</table></section>");
	ui_foot(c, &b);
	free(d);
	return ui_page(c, MHD_HTTP_OK, &b);
}
