// SPDX-License-Identifier: GPL-2.0
/* chart.c - the customer page's daily usage chart as inline SVG (no script, no external asset). */
#include <stdint.h>
#include <stdio.h>

#include "lib/datefmt.h"
#include "lib/ttime.h"
#include "tagihd/page/chart.h"

#define CH_W 320
#define CH_H 174
#define CH_L 8		/* plot area */
#define CH_R 312
#define CH_T 22
#define CH_B 134

void page_chart(struct html *b, const struct words *w,
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
	html_printf(b, "<svg viewBox=\"0 0 %d %d\" role=\"img\" "
		  "aria-labelledby=\"ct\" id=\"chart\" "
		  "xmlns=\"http://www.w3.org/2000/svg\">"
		  "<title id=\"ct\">", CH_W, CH_H);
	html_text(b, w->chart);
	html_puts(b, "</title>");
	html_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		  "stroke=\"#cbd5e1\"/>", CH_L, CH_B, CH_R, CH_B);
	if (!max) {
		html_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			  "font-size=\"12\" fill=\"#64748b\">",
			  CH_W / 2, (CH_T + CH_B) / 2);
		html_text(b, w->no_usage);
		html_puts(b, "</text>");
	} else {
		html_printf(b, "<text x=\"%d\" y=\"12\" font-size=\"10\" "
			  "fill=\"#64748b\">max %s</text>", CH_L,
			  fmt_gb(w, max, g, sizeof(g)));
		html_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
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
			snprintf(dd, sizeof(dd), "%d %s", d, datefmt_month(m, w->en));
			html_puts(b, "<g><title>");
			html_text(b, dd);
			html_printf(b, ": %s</title>", fmt_gb(w, tot, g,
							    sizeof(g)));
			html_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
				  " height=\"%.1f\" fill=\"#1d4ed8\"/>",
				  x, CH_B - hd, bw, hd);
			html_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
				  " height=\"%.1f\" fill=\"#93c5fd\"/></g>",
				  x, CH_B - hd - hu, bw, hu);
		}
		if (i % 7 == 0 || (i == p->ndays - 1 && i % 7 >= 3))
			html_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\""
				  " text-anchor=\"middle\" fill=\"#64748b\">%d"
				  "</text>", x + bw / 2, CH_B + 13, d);
	}
	html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		  "fill=\"#1d4ed8\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
		  "fill=\"#334155\">", CH_L, CH_H - 12, CH_L + 14, CH_H - 3);
	html_text(b, w->legend_down);
	html_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"10\" "
		  "height=\"10\" fill=\"#93c5fd\"/><text x=\"%d\" y=\"%d\" "
		  "font-size=\"11\" fill=\"#334155\">", CH_L + 90, CH_H - 12,
		  CH_L + 104, CH_H - 3);
	html_text(b, w->legend_up);
	html_puts(b, "</text></svg>");
}
