/* SPDX-License-Identifier: GPL-2.0 */
/* bill.h - what the customer page shows (bill, usage, invoices) and its HTML. */
#ifndef TAGIHD_PAGE_BILL_H
#define TAGIHD_PAGE_BILL_H

#include <stdbool.h>
#include <stdint.h>

#include "billing/invoice.h"
#include "billing/sub.h"
#include "billing/usage.h"
#include "lib/conf.h"
#include "lib/html.h"
#include "lib/money.h"
#include "tagihd/page/words.h"

struct page_prepaid;

#define PAGE_INV_MAX 24		/* past invoices listed, newest first */
#define PAGE_DAYS_MAX 32

/* Read by show.c in one read transaction, written out by page_body. */
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
	/* isolir by dunning: what lifts it, over how many invoices, the
	 * oldest of them (the reference to quote) */
	rp_t lift;
	int lift_n;
	char lift_first[INV_NUM_MAX];
	/* a plan with a quota: this period's (prorated) quota */
	bool has_quota;
	uint64_t quota;
	/* the newest invoice's period and what was used in it */
	bool has_billed;
	char billed_period[8];
	struct usage_val billed_sum;
	struct page_prepaid *pp;	/* masa aktif, quota (page/prepaid.h) */
};


/*
 * The whole page of p's subscriber in w's words: the current bill (for a
 * subscriber isolated by dunning, what lifts the isolir), the pay button
 * (a form posting to /c/tok/pay) when a gateway is configured
 * (paylink_ready) and the bank_transfer text with the invoice number to
 * quote, this period's usage with the quota left and the billed period's
 * usage beside it, the chart, past invoices with their PDF links, the
 * operator in the footer.
 * Everything that comes from the store or the config is escaped.
 */
void page_body(struct html *b, const struct tagih_conf *conf,
	       const struct words *w, const char *tok,
	       const struct page_data *p);

#endif
