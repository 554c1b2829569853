// SPDX-License-Identifier: GPL-2.0
/* bill.c - the customer page's HTML: current bill and pay button, usage, past invoices. */
#include <stdio.h>

#include "tagihd/page/bill.h"
#include "tagihd/page/chart.h"
#include "tagihd/page/prepaid.h"
#include "tagihd/page/render.h"

static const char *badge_class(int status)
{
	return status == INV_OVERDUE ? "badge b-overdue" :
	       status == INV_PAID ? "badge b-paid" : "badge";
}

/* Operator, language switch, greeting, the isolir warning. */
static void bill_top(struct html *b, const struct words *w, const char *op,
		     const struct page_data *p)
{
	page_head(b, w, w->title);
	html_puts(b, "<header><h1>");
	html_text(b, op);
	html_printf(b, "</h1><a href=\"?lang=%s\" hreflang=\"%s\">%s</a>"
		    "</header>", w->switch_q, w->switch_q, w->switch_to);
	html_puts(b, "<p class=\"hi\">");
	html_text(b, w->hello);
	html_puts(b, ", <b id=\"name\">");
	html_text(b, p->sub.name[0] ? p->sub.name : p->sub.id);
	html_puts(b, "</b></p>");
	if (p->sub.status == SUB_SUSPENDED) {
		html_puts(b, "<p class=\"warn\" id=\"suspended\">");
		html_text(b, w->suspended);
		html_puts(b, "</p>");
	}
}

/* The current bill (the latest open invoice) and the pay button. */
static void bill_now(struct html *b, const struct words *w, const char *tok,
		     const struct page_data *p)
{
	const struct inv_rec *cur = NULL;
	char m[40], dd[48];
	int i, st;

	for (i = p->nnums - 1; i >= 0; i--) {
		/* an unpaid prepaid order is not a bill */
		if ((p->inv[i].status == INV_ISSUED ||
		     p->inv[i].status == INV_PARTIAL) &&
		    !prepaid_is_receipt(&p->inv[i])) {
			cur = &p->inv[i];
			break;
		}
	}
	html_puts(b, "<section class=\"card\" id=\"bill\"><h2>");
	html_text(b, w->bill_now);
	html_puts(b, "</h2>");
	if (!cur) {
		html_puts(b, "<p class=\"amount\" id=\"amount\">Rp 0</p><p>");
		html_text(b, w->nothing_due);
		html_puts(b, "</p></section>");
		return;
	}
	st = invoice_status(cur, p->today);
	html_printf(b, "<p class=\"amount\" id=\"amount\">%s</p>",
		    money_fmt(cur->total - cur->paid, m, sizeof(m)));
	html_puts(b, "<p>");
	html_text(b, w->due);
	html_printf(b, " <b id=\"due\">%s</b> <span class=\"%s\">%s"
		    "</span></p>", fmt_day(w, cur->due, dd, sizeof(dd)),
		    badge_class(st), w->status[st]);
	html_puts(b, "<p class=\"muted\">");
	html_text(b, w->invoice);
	html_puts(b, " ");
	html_text(b, cur->number);
	html_puts(b, " &middot; ");
	html_text(b, fmt_period(w, cur->period, dd, sizeof(dd)));
	html_puts(b, "</p>");
	if (p->n_open > 1) {
		html_puts(b, "<p class=\"muted\" id=\"outstanding\">");
		html_text(b, w->outstanding);
		html_printf(b, ": <b>%s</b> (%d)</p>",
			    money_fmt(p->outstanding, m, sizeof(m)), p->n_open);
	}
	html_puts(b, "<form method=\"post\" action=\"/c/");
	html_puts(b, tok);	/* checked: base64url only */
	html_printf(b, "/pay?lang=%s\"><button type=\"submit\" "
		    "id=\"pay\">", w->html_lang);
	html_text(b, w->pay);
	html_puts(b, "</button></form></section>");
}

/* Usage in the current period: totals and the chart. */
static void bill_usage(struct html *b, const struct words *w,
		       const struct page_data *p)
{
	char dd[48], g[32];

	html_puts(b, "<section class=\"card\" id=\"usage\"><h2>");
	html_text(b, w->usage);
	html_printf(b, "</h2><p class=\"muted\">%s &ndash; ",
		    fmt_day(w, p->from, dd, sizeof(dd)));
	html_printf(b, "%s</p>", fmt_day(w, p->from + p->ndays - 1, dd,
					 sizeof(dd)));
	html_printf(b, "<dl class=\"u\"><div><dt>%s</dt><dd id=\"down\">%s"
		    "</dd></div>", w->down,
		    fmt_gb(w, p->sum.down_bytes, g, sizeof(g)));
	html_printf(b, "<div><dt>%s</dt><dd id=\"up\">%s</dd></div>", w->up,
		    fmt_gb(w, p->sum.up_bytes, g, sizeof(g)));
	html_printf(b, "<div><dt>%s</dt><dd id=\"total\">%s</dd></div></dl>",
		    w->total, fmt_gb(w, p->sum.up_bytes + p->sum.down_bytes,
				     g, sizeof(g)));
	page_chart(b, w, p);
	html_puts(b, "</section>");
}

/* Past invoices, newest first, each with its PDF link. */
static void bill_history(struct html *b, const struct words *w,
			 const char *tok, const struct page_data *p)
{
	char m[40], dd[48];
	int i, st;

	html_puts(b, "<section class=\"card\" id=\"invoices\"><h2>");
	html_text(b, w->history);
	html_puts(b, "</h2>");
	if (!p->nnums) {
		html_puts(b, "<p class=\"muted\">");
		html_text(b, w->no_invoices);
		html_puts(b, "</p>");
	}
	html_puts(b, "<ul>");
	for (i = p->nnums - 1; i >= 0; i--) {
		const struct inv_rec *v = &p->inv[i];

		st = invoice_status(v, p->today);
		html_puts(b, "<li><div><b>");
		html_text(b, fmt_period(w, v->period, dd, sizeof(dd)));
		html_puts(b, "</b><small>");
		html_text(b, v->number);
		html_printf(b, "</small></div><div style=\"text-align:right\">"
			    "%s <span class=\"%s\">%s</span><br>",
			    money_fmt(v->total, m, sizeof(m)), badge_class(st),
			    w->status[st]);
		html_puts(b, "<a href=\"/c/");
		html_puts(b, tok);
		html_puts(b, "/invoice/");
		html_urlpath(b, v->number);
		html_puts(b, ".pdf\" download>");
		html_text(b, w->pdf);
		html_puts(b, "</a></div></li>");
	}
	html_puts(b, "</ul></section>");
}

void page_body(struct html *b, const struct tagih_conf *conf,
	       const struct words *w, const char *tok,
	       const struct page_data *p)
{
	const char *op = conf->operator_name && *conf->operator_name ?
			 conf->operator_name : "Internet";

	bill_top(b, w, op, p);
	if (p->pp)
		page_prepaid_body(b, conf, w, tok, p->pp);
	bill_now(b, w, tok, p);
	bill_usage(b, w, p);
	bill_history(b, w, tok, p);
	html_puts(b, "<footer>");
	html_text(b, op);
	if (conf->operator_address && *conf->operator_address) {
		html_puts(b, " &middot; ");
		html_text(b, conf->operator_address);
	}
	html_puts(b, "</footer></main></body></html>");
}
