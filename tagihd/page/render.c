// SPDX-License-Identifier: GPL-2.0
/* render.c - the customer page's frame: headers that keep a bearer link private, style, head, message cards. */
#include <stdlib.h>
#include <string.h>

#include "lib/mhd.h"
#include "tagihd/page/render.h"

enum MHD_Result page_reply(struct MHD_Connection *conn, unsigned status,
			   const char *ctype, const void *body, size_t len,
			   const char *hname, const char *hval)
{
	const struct mhd_hdr hdr[] = {
		{ "Referrer-Policy", "no-referrer" },
		{ "X-Content-Type-Options", "nosniff" },
		{ "X-Frame-Options", "DENY" },
		{ "Content-Security-Policy",
		  "default-src 'none'; style-src 'unsafe-inline'; "
		  "img-src data:; frame-ancestors 'none'; base-uri 'none'" },
		{ hname, hval },
		{ NULL, NULL },
	};

	return mhd_reply(conn, status, ctype, body, len, hdr);
}

enum MHD_Result page_text(struct MHD_Connection *conn, unsigned status,
			  const char *text, const char *hname,
			  const char *hval)
{
	return page_reply(conn, status, "text/plain; charset=utf-8", text,
			  strlen(text), hname, hval);
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
	"h3{font-size:1rem;margin:14px 0 4px}"
	"label{display:block;margin:12px 0 4px;font-weight:600}"
	"input{width:100%;padding:12px;font:inherit;border:1px solid #cbd5e1;"
	"border-radius:10px;background:#fff}";

void page_head(struct html *b, const struct words *w, const char *title)
{
	html_printf(b, "<!doctype html><html lang=\"%s\"><head>"
		  "<meta charset=\"utf-8\">"
		  "<meta name=\"viewport\" content=\"width=device-width,"
		  "initial-scale=1\">"
		  "<meta name=\"robots\" content=\"noindex\">"
		  "<title>", w->html_lang);
	html_text(b, title);
	html_puts(b, "</title><style>");
	html_puts(b, page_css);
	html_puts(b, "</style></head><body><main>");
}

enum MHD_Result page_html(struct MHD_Connection *conn, unsigned status,
			  struct html *b, const char *hname, const char *hval)
{
	enum MHD_Result ret = MHD_NO;

	if (!b->oom)
		ret = page_reply(conn, status, "text/html; charset=utf-8",
				 b->p, b->len, hname, hval);
	html_free(b);
	return ret;
}

void page_card(struct html *b, const struct words *w, const char *h,
		      const char *text, const char *back)
{
	page_head(b, w, h);
	html_puts(b, "<section class=\"card\"><h2>");
	html_text(b, h);
	html_puts(b, "</h2><p>");
	html_text(b, text);
	html_puts(b, "</p>");
	if (back) {
		html_puts(b, "<p><a href=\"");
		html_text(b, back);
		html_puts(b, "\">");
		html_text(b, w->back);
		html_puts(b, "</a></p>");
	}
	html_puts(b, "</section></main></body></html>");
}

enum MHD_Result page_msg(struct MHD_Connection *conn, unsigned status,
				const struct words *w, const char *h,
				const char *text, const char *back)
{
	struct html b = { 0 };

	page_card(&b, w, h, text, back);
	return page_html(conn, status, &b, NULL, NULL);
}

enum MHD_Result page_404(struct MHD_Connection *conn,
				const struct words *w)
{
	return page_msg(conn, MHD_HTTP_NOT_FOUND, w, w->not_found,
			w->not_found_text, NULL);
}
