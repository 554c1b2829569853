/* SPDX-License-Identifier: GPL-2.0 */
/* prepaid.h - the customer page's prepaid part: masa aktif, quota, buy again, voucher redemption. */
#ifndef TAGIHD_PAGE_PREPAID_H
#define TAGIHD_PAGE_PREPAID_H

#include <stdbool.h>
#include <microhttpd.h>

#include "billing/pack.h"
#include "billing/prepaid.h"
#include "lib/html.h"
#include "tagihd/page/words.h"
#include "tagihd/tagihd.h"

#define PAGE_PACKS_MAX 8

struct page_prepaid {
	bool prepaid;		/* on a prepaid plan */
	bool quota;		/* has a quota (DB_QUOTA) */
	struct plan_rec plan;
	struct prepaid_rec pr;
	struct quota_rec q;
	rp_t price_total;	/* one period with PPN */
	int64_t now;
	/* packs for sale (a subscriber with a quota), with PPN */
	int npacks;
	struct pack_rec packs[PAGE_PACKS_MAX];
	rp_t pack_total[PAGE_PACKS_MAX];
};

/* Read in the page's read txn. 0 or -errno. */
int page_prepaid_load(MDB_txn *txn, struct store *st,
		      const struct tagih_conf *conf, const struct sub_rec *sub,
		      struct page_prepaid *pp);
/* The card (id="prepaid"): masa aktif until, quota left, the buy-again
 * button (POST /c/tok/buy, through the gateway when paylink_gateway is
 * set; else how to pay the kasir) and the voucher form (POST
 * /c/tok/voucher). Nothing for a subscriber that is neither prepaid nor
 * has a quota. */
void page_prepaid_body(struct html *b, const struct tagih_conf *conf,
		       const struct words *w, const char *tok,
		       const struct page_prepaid *pp);
/* POST /c/tok/buy (the plan: pack NULL) or /c/tok/pack/NAME: the open
 * order for it (or a new one), then a 303 to its payment link. Ends txn
 * (a read txn). */
enum MHD_Result page_buy(struct tagihd *d, struct MHD_Connection *conn,
			 MDB_txn *txn, const struct sub_rec *sub,
			 const char *tok, const struct words *w,
			 const char *pack);

/* Is path (after "/c/") TOKEN/voucher? */
bool page_is_voucher(const char *path);
/*
 * POST /c/TOKEN/voucher with code=... (form body): redeem it for the
 * token's subscriber. 200 with a confirmation; 400 for a wrong, used or
 * voided code (nothing written); 429 with Retry-After once an address
 * or a subscriber has had TAGIHD_VOUCHER_FAIL failures in the window;
 * 404 for an unknown token.
 */
enum MHD_Result page_voucher(struct tagihd *d, struct MHD_Connection *conn,
			     const char *path, const char *method,
			     const char *body, size_t len);

#endif
