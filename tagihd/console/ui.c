// SPDX-License-Identifier: GPL-2.0
/* ui.c - the console's frame: the style sheet, head and navigation by role, message pages, money, the bar chart. */
#include <stdio.h>
#include <string.h>

#include "lib/money.h"
#include "tagihd/console/console.h"

/* One sheet, served as /console.css (the CSP allows no inline style).
 * Phone first; from 900px the navigation is a side bar. */
static const char ui_sheet[] =
	"*{box-sizing:border-box}"
	"body{margin:0;background:#f3f5f9;color:#1b2333;"
	"font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,"
	"sans-serif}"
	"a{color:#1d4ed8}"
	".top{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;"
	"background:#0f172a;color:#e2e8f0;padding:8px 12px}"
	".top b{font-size:1.05rem;margin-right:auto}"
	".top a{color:#e2e8f0;text-decoration:none;padding:6px 8px;"
	"border-radius:8px}"
	".top a.on{background:#1e293b}"
	".top form{margin:0}"
	".top button{width:auto;margin:0;padding:6px 10px;background:#334155;"
	"font-weight:400}"
	"main{max-width:1200px;margin:0 auto;padding:12px}"
	"h1{font-size:1.25rem;margin:8px 2px 12px}"
	".grid{display:grid;grid-template-columns:1fr;gap:12px}"
	"@media(min-width:900px){.grid{grid-template-columns:1fr 1fr}"
	".grid3{grid-template-columns:1fr 1fr 1fr}}"
	".card{background:#fff;border-radius:12px;padding:14px;margin:0 0 12px;"
	"box-shadow:0 1px 3px rgba(15,23,42,.08);overflow-x:auto}"
	".card h2{font-size:1rem;margin:0 0 8px;color:#334155}"
	".narrow{max-width:420px;margin:24px auto}"
	".big{font-size:1.7rem;font-weight:700;margin:2px 0}"
	".muted{color:#64748b;font-size:.88rem}"
	".warn{background:#fef2f2;color:#991b1b;border-radius:10px;"
	"padding:10px 12px}"
	".okmsg{background:#dcfce7;color:#166534;border-radius:10px;"
	"padding:10px 12px}"
	"table{border-collapse:collapse;width:100%;font-size:.92rem}"
	"th,td{text-align:left;padding:7px 6px;border-top:1px solid #e2e8f0;"
	"vertical-align:top}"
	"th{color:#475569;font-weight:600;border-top:0}"
	"td.n,th.n{text-align:right;white-space:nowrap}"
	"label{display:block;margin:10px 0 4px;font-weight:600}"
	"input,select,textarea{width:100%;padding:10px;font:inherit;"
	"border:1px solid #cbd5e1;border-radius:8px;background:#fff}"
	"button{width:100%;margin-top:12px;padding:12px;font:inherit;"
	"font-weight:600;color:#fff;background:#1d4ed8;border:0;"
	"border-radius:8px}"
	"button.danger{background:#b91c1c}"
	"td form{display:inline-flex;gap:4px;margin:2px 4px 2px 0}"
	"td form button{width:auto;margin:0;padding:6px 10px;font-weight:500}"
	"td form select{width:auto;padding:5px}"
	".row{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}"
	".row>*{flex:1 1 140px}"
	".row button{flex:0 0 auto;width:auto}"
	".badge{display:inline-block;font-size:.75rem;padding:1px 8px;"
	"border-radius:999px;background:#e2e8f0}"
	".b-overdue,.b-suspended{background:#fee2e2;color:#991b1b}"
	".b-paid,.b-active{background:#dcfce7;color:#166534}"
	"svg{width:100%;max-width:760px;height:auto;display:block}"
	"footer{color:#64748b;font-size:.8rem;text-align:center;margin:16px}"
	/* the kuitansi: 58 mm thermal roll (~48 mm printable) */
	".receipt{max-width:58mm;margin:12px auto;background:#fff;padding:3mm;"
	"font:12px/1.35 'DejaVu Sans Mono',monospace;color:#000}"
	".receipt h2{font-size:13px;text-align:center;margin:0 0 4px}"
	".receipt p{margin:2px 0}"
	".receipt .amt{font-size:15px;font-weight:700;text-align:center}"
	".receipt hr{border:0;border-top:1px dashed #000}"
	"@media print{@page{size:58mm auto;margin:0}"
	"body{background:#fff}.top,footer,.noprint{display:none}"
	"main{padding:0}.receipt{margin:0;padding:2mm;width:58mm}}";

enum MHD_Result ui_css(struct con_ctx *c)
{
	return con_reply(c, MHD_HTTP_OK, "text/css; charset=utf-8", ui_sheet,
			 sizeof(ui_sheet) - 1, NULL);
}

const char *ui_rp(int64_t v, char *buf, size_t n)
{
	return money_fmt(v, buf, n);
}

void ui_csrf(struct con_ctx *c, struct html *b)
{
	html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    c->sess.csrf);
}

static void nav_link(struct con_ctx *c, struct html *b, const char *nav,
		     const char *key, const char *href, const char *label)
{
	html_printf(b, "<a href=\"%s\" id=\"nav-%s\"%s>", href, key,
		    nav && !strcmp(nav, key) ? " class=\"on\"" : "");
	html_text(b, label);
	html_puts(b, "</a>");
}

void ui_head(struct con_ctx *c, struct html *b, const char *title,
	     const char *nav)
{
	html_printf(b, "<!doctype html><html lang=\"%s\"><head>"
		    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
		    "content=\"width=device-width,initial-scale=1\">"
		    "<meta name=\"robots\" content=\"noindex\"><title>",
		    c->lang == LANG_EN ? "en" : "id");
	html_text(b, title);
	html_puts(b, " · tagih</title><link rel=\"stylesheet\" "
		  "href=\"/console.css\"></head><body><div class=\"top\">"
		  "<b>tagih</b>");
	if (c->authed) {
		nav_link(c, b, nav, "dash", "/", L(c, "Ringkasan", "Dashboard"));
		nav_link(c, b, nav, "subs", "/subscribers",
			 L(c, "Pelanggan", "Subscribers"));
		if (con_can(c, PERM_MONEY_VIEW)) {
			nav_link(c, b, nav, "inv", "/invoices",
				 L(c, "Tagihan", "Invoices"));
			nav_link(c, b, nav, "pay", "/payments",
				 L(c, "Pembayaran", "Payments"));
			nav_link(c, b, nav, "cash", "/cashbook",
				 L(c, "Buku kas", "Cash book"));
		}
		if (con_can(c, PERM_REPORTS))
			nav_link(c, b, nav, "rep", "/reports",
				 L(c, "Laporan", "Reports"));
		if (con_can(c, PERM_USERS))
			nav_link(c, b, nav, "users", "/users",
				 L(c, "Pengguna", "Users"));
	}
	html_printf(b, "<a href=\"?lang=%s\" id=\"lang\" hreflang=\"%s\">%s</a>",
		    c->lang == LANG_EN ? "id" : "en",
		    c->lang == LANG_EN ? "id" : "en",
		    c->lang == LANG_EN ? "Bahasa Indonesia" : "English");
	if (c->authed) {
		html_puts(b, "<span class=\"muted\" id=\"whoami\">");
		html_text(b, c->user.name);
		html_printf(b, " (%s)</span><form method=\"post\" "
			    "action=\"/logout\">", user_role_str(c->user.role));
		ui_csrf(c, b);
		html_printf(b, "<button type=\"submit\" id=\"logout\">%s"
			    "</button></form>", L(c, "Keluar", "Sign out"));
	}
	html_puts(b, "</div><main>");
}

void ui_foot(struct con_ctx *c, struct html *b)
{
	(void)c;
	html_puts(b, "</main><footer>tagih</footer></body></html>");
}

enum MHD_Result ui_page(struct con_ctx *c, unsigned status, struct html *b)
{
	enum MHD_Result ret = MHD_NO;

	if (!b->oom)
		ret = con_reply(c, status, "text/html; charset=utf-8", b->p,
				b->len, NULL);
	html_free(b);
	return ret;
}

enum MHD_Result ui_msg(struct con_ctx *c, unsigned status, const char *h,
		       const char *text)
{
	struct html b = { 0 };

	ui_head(c, &b, h, NULL);
	html_puts(&b, "<section class=\"card narrow\"><h2 id=\"msg\">");
	html_text(&b, h);
	html_puts(&b, "</h2><p>");
	html_text(&b, text);
	html_printf(&b, "</p><p><a href=\"/\">%s</a></p></section>",
		    L(c, "Kembali ke ringkasan", "Back to the dashboard"));
	ui_foot(c, &b);
	return ui_page(c, status, &b);
}

enum MHD_Result ui_403(struct con_ctx *c)
{
	return ui_msg(c, MHD_HTTP_FORBIDDEN,
		      L(c, "Tidak diizinkan", "Not allowed"),
		      L(c, "Peran Anda tidak boleh membuka halaman ini.",
			"Your role may not open this page."));
}

#define BW 640
#define BH 220
#define BL 56
#define BR 632
#define BT 16
#define BB 184

void ui_bars(struct html *b, const char *id, const char *title, int n,
	     const char *const *labels, const int64_t *v, const int64_t *v2,
	     const char *legend1, const char *legend2)
{
	int64_t max = 0;
	double slot, bw, x, h, scale;
	char mx[40];
	int i;

	for (i = 0; i < n; i++) {
		if (v[i] > max)
			max = v[i];
		if (v2 && v2[i] > max)
			max = v2[i];
	}
	html_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" id=\"%s\" "
		    "xmlns=\"http://www.w3.org/2000/svg\"><title>", BW, BH, id);
	html_text(b, title);
	html_puts(b, "</title>");
	html_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#cbd5e1\"/>", BL, BB, BR, BB);
	html_printf(b, "<text x=\"2\" y=\"%d\" font-size=\"11\" "
		    "fill=\"#64748b\">", BT + 4);
	html_text(b, money_fmt(max, mx, sizeof(mx)));
	html_puts(b, "</text>");
	slot = (double)(BR - BL) / (n > 0 ? n : 1);
	bw = v2 ? slot * 0.38 : slot * 0.7;
	scale = max ? (double)(BB - BT) / (double)max : 0;
	for (i = 0; labels && i < n; i++) {
		x = BL + i * slot + slot * 0.12;
		h = v[i] * scale;
		html_puts(b, "<g><title>");
		html_text(b, labels[i]);
		html_puts(b, ": ");
		html_text(b, money_fmt(v[i], mx, sizeof(mx)));
		html_printf(b, "</title><rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"#1d4ed8\"/>"
			    "</g>", x, BB - h, bw, h);
		if (v2) {
			h = v2[i] * scale;
			html_puts(b, "<g><title>");
			html_text(b, labels[i]);
			html_puts(b, ": ");
			html_text(b, money_fmt(v2[i], mx, sizeof(mx)));
			html_printf(b, "</title><rect x=\"%.1f\" y=\"%.1f\" "
				    "width=\"%.1f\" height=\"%.1f\" "
				    "fill=\"#93c5fd\"/></g>", x + bw, BB - h,
				    bw, h);
		}
		html_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
			    "text-anchor=\"middle\" fill=\"#64748b\">",
			    x + (v2 ? bw : bw / 2), BB + 14);
		html_text(b, labels[i]);
		html_puts(b, "</text>");
	}
	html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		    "fill=\"#1d4ed8\"/><text x=\"%d\" y=\"%d\" font-size=\"11\""
		    " fill=\"#334155\">", BL, BH - 14, BL + 14, BH - 5);
	html_text(b, legend1);
	html_puts(b, "</text>");
	if (v2 && legend2) {
		html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" "
			    "height=\"10\" fill=\"#93c5fd\"/><text x=\"%d\" "
			    "y=\"%d\" font-size=\"11\" fill=\"#334155\">",
			    BL + 160, BH - 14, BL + 174, BH - 5);
		html_text(b, legend2);
		html_puts(b, "</text>");
	}
	html_puts(b, "</svg>");
}
