/* SPDX-License-Identifier: GPL-2.0 */
/* chart.h - the customer page's daily usage chart (inline SVG). */
#ifndef TAGIHD_PAGE_CHART_H
#define TAGIHD_PAGE_CHART_H

#include "lib/html.h"
#include "tagihd/page/bill.h"

/* Stacked download/upload bars per day of p's period, a max line and
 * a legend, in w's words; 320x174 viewBox, scaled by CSS. */
void page_chart(struct html *b, const struct words *w,
		const struct page_data *p);

#endif
