// SPDX-License-Identifier: GPL-2.0
/* bill.c - the customer page's HTML: current bill (or what lifts the isolir), pay button or bank transfer, usage and quota, past invoices. */
#include <stdio.h>

#include "billing/gateway/paylink.h"
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

/* How to pay: the bank-transfer text (when set) and the number to quote. */
static void bill_transfer(struct html *b, const struct tagih_conf *conf,
			  const struct words *w, const char *number)
{
	html_puts(b, "<div id=\"transfer\">");
	if (conf->bank_transfer && *conf->bank_transfer) {
		html_puts(b, "<h3>");
		html_text(b, w->transfer);
		html_puts(b, "</h3><p id=\"bank\">");
		html_text(b, conf->bank_transfer);
		html_puts(b, "</p><p>");
		html_text(b, w->transfer_ref);
	} else {
		html_puts(b, "<p>");
		html_text(b, w->quote_ref);
	}
	html_puts(b, " <b id=\"ref\">");
	html_text(b, number);
	html_puts(b, "</b></p></div>");
}

/*
 * The current bill and how to pay it. The headline is what is open on
 * the latest open invoice, or, for a subscriber isolated by dunning, what
 * lifts the isolir (every invoice up to the last one past grace). The
 * pay button is there only when a gateway can make a link.
 */
static void bill_now(struct html *b, const struct tagih_conf *conf,
		     const struct words *w, const char *tok,
		     const struct page_data *p)
{
	const struct inv_rec *cur = NULL;
	const char *ref;
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
	ref = cur->number;
	if (p->lift > 0) {
		ref = p->lift_first;
		html_puts(b, "<p class=\"warn\" id=\"lift\">");
		html_text(b, w->lift);
		html_puts(b, "</p>");
		html_printf(b, "<p class=\"amount\" id=\"amount\">%s</p>",
			    money_fmt(p->lift, m, sizeof(m)));
		html_printf(b, "<p class=\"muted\" id=\"lift-n\">%d ", p->lift_n);
		html_text(b, w->lift_n);
		html_puts(b, "</p>");
	} else {
		html_printf(b, "<p class=\"amount\" id=\"amount\">%s</p>",
			    money_fmt(cur->total - cur->paid, m, sizeof(m)));
	}
	st = invoice_status(cur, p->today);
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
	if (paylink_ready(conf)) {
		html_puts(b, "<form method=\"post\" action=\"/c/");
		html_puts(b, tok);	/* checked: base64url only */
		html_printf(b, "/pay?lang=%s\"><button type=\"submit\" "
			    "id=\"pay\">", w->html_lang);
		html_text(b, w->pay);
		html_puts(b, "</button></form>");
	}
	if (!paylink_ready(conf) ||
	    (conf->bank_transfer && *conf->bank_transfer))
		bill_transfer(b, conf, w, ref);
	html_puts(b, "</section>");
}

/* Usage in the current period: totals and the chart. */
static void bill_usage(struct html *b, const struct words *w,
		       const struct page_data *p)
{
	uint64_t used = p->sum.up_bytes + p->sum.down_bytes;
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
		    w->total, fmt_gb(w, used, g, sizeof(g)));
	if (p->has_quota) {
		html_puts(b, "<p id=\"quota\">");
		if (used <= p->quota) {
			html_text(b, w->quota_left);
			html_printf(b, ": <b id=\"quota-left\">%s</b> ",
				    fmt_gb(w, p->quota - used, g, sizeof(g)));
		} else {
			html_text(b, w->quota_over);
			html_printf(b, " <b id=\"quota-over\">%s</b> ",
				    fmt_gb(w, used - p->quota, g, sizeof(g)));
		}
		html_text(b, w->quota_of);
		html_printf(b, " %s</p>", fmt_gb(w, p->quota, g, sizeof(g)));
	}
	if (p->has_billed) {
		/* this period's total beside the billed one's */
		html_printf(b, "<dl class=\"u\" id=\"periods\"><div><dt>%s</dt>"
			    "<dd id=\"now-total\">%s</dd></div>",
			    w->this_period, fmt_gb(w, used, g, sizeof(g)));
		html_puts(b, "<div><dt>");
		html_text(b, fmt_period(w, p->billed_period, dd, sizeof(dd)));
		html_puts(b, " (");
		html_text(b, w->billed);
		html_printf(b, ")</dt><dd id=\"billed\">%s</dd></div></dl>",
			    fmt_gb(w, p->billed_sum.up_bytes +
					      p->billed_sum.down_bytes,
				   g, sizeof(g)));
	}
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
	bill_now(b, conf, w, tok, p);
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
