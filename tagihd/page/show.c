// SPDX-License-Identifier: GPL-2.0
/* show.c - the routes behind /c/{token}: the page, an invoice PDF, the pay button. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/custlink.h"
#include "billing/dunning.h"
#include "billing/invdoc.h"
#include "billing/gateway/paylink.h"
#include "billing/pay.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "lib/log.h"
#include "lib/ttime.h"
#include "tagihd/page.h"
#include "tagihd/page/bill.h"
#include "tagihd/page/prepaid.h"
#include "tagihd/page/render.h"

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

/* This period's quota when the plan has one (hybrid), prorated like the
 * bill when the line started within the period. */
static int page_quota(MDB_txn *txn, struct store *st, struct page_data *p)
{
	struct plan_rec pl;
	int32_t from = p->sub.activated > p->from ? p->sub.activated : p->from;
	int err;

	if (!p->sub.plan[0])
		return 0;
	err = plan_get(txn, st, p->sub.plan, &pl);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (pl.terms.type != PLAN_HYBRID || !pl.terms.quota_bytes)
		return 0;
	p->quota = pl.terms.quota_bytes;
	if (from > p->from && from < p->to &&
	    rate_prorate_quota(pl.terms.quota_bytes, p->to - from,
			       p->to - p->from, &p->quota))
		p->quota = pl.terms.quota_bytes;
	p->has_quota = true;
	return 0;
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
	err = pay_outstanding(txn, st, p->sub.id, &p->outstanding,
			      &p->n_open);
	if (err)
		return err;
	err = dunning_lift_amount(txn, st, p->sub.id, p->today, &p->lift,
				  &p->lift_n, p->lift_first);
	if (err)
		return err;
	err = page_quota(txn, st, p);
	if (err)
		return err;
	/* the newest invoice's period, for its usage beside this one's */
	for (i = p->nnums - 1; i >= 0; i--) {
		const struct inv_rec *v = &p->inv[i];

		if (v->status == INV_VOID || v->period_from >= p->from)
			continue;
		err = usage_sum(txn, st, p->sub.uid,
				tt_day_start(v->period_from),
				tt_day_start(v->period_to), &p->billed_sum);
		if (err)
			return err;
		memcpy(p->billed_period, v->period, sizeof(p->billed_period));
		p->billed_period[sizeof(p->billed_period) - 1] = '\0';
		p->has_billed = true;
		break;
	}
	return 0;
}

/* page_load plus the prepaid card's data. */
static int page_load_all(MDB_txn *txn, struct tagihd *d, struct page_data *p)
{
	int err = page_load(txn, d->st, p);

	if (err)
		return err;
	p->pp = calloc(1, sizeof(*p->pp));
	if (!p->pp)
		return -ENOMEM;
	return page_prepaid_load(txn, d->st, &d->conf, &p->sub, p->pp);
}

/* --- routes ---------------------------------------------------------------- */

static enum MHD_Result page_show(struct tagihd *d, struct MHD_Connection *conn,
				 MDB_txn *txn, const char *tok,
				 struct page_data *p, const struct words *w)
{
	struct html b = { 0 };
	int err;

	err = page_load_all(txn, d, p);
	if (err) {
		pr_warn("customer page: cannot read the store: %s",
			strerror(-err));
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", NULL, NULL);
	}
	page_body(&b, &d->conf, w, tok, p);
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
	err = invdoc_pdf_mem(txn, d->st, inv, &d->conf, w == page_words(LANG_EN),
			     tt_local_day(tt_now()), &pdf, &len);
	free(inv);
	if (err) {
		pr_warn("customer page: PDF of %s failed: %s", number,
			strerror(-err));
		return page_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "error\n", NULL, NULL);
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

enum MHD_Result page_pay_redirect(struct tagihd *d,
				  struct MHD_Connection *conn,
				  const struct words *w, const char *tok,
				  const char *number, const char *back)
{
	const char *base = d->conf.public_url;
	char ret_url[600], why[256];
	struct paylink pl;
	int err;

	snprintf(ret_url, sizeof(ret_url), "%s/c/%s",
		 base && *base ? base : "", tok);
	/* a button pressed again (or a script) gets the same link for a
	 * minute instead of one more transaction at the gateway */
	err = paylink_get(d->st, &d->conf, number, NULL,
			  base && *base ? ret_url : NULL, PAYLINK_REUSE_SECS,
			  &pl, why, sizeof(why));
	if (err == -EBUSY)
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", "Retry-After", "2");
	if (err) {
		pr_warn("customer page: payment link for %s: %s", number, why);
		return page_msg(conn, MHD_HTTP_BAD_GATEWAY, w, w->pay_failed,
				w->pay_failed_text, back);
	}
	return page_text(conn, MHD_HTTP_SEE_OTHER, "",
			 MHD_HTTP_HEADER_LOCATION, pl.url);
}

static enum MHD_Result page_pay(struct tagihd *d, struct MHD_Connection *conn,
				MDB_txn *txn, const struct sub_rec *sub,
				const char *tok, const struct words *w)
{
	char back[128];
	struct inv_rec *inv;
	char number[INV_NUM_MAX];
	int err;

	snprintf(back, sizeof(back), "/c/%s?lang=%s", tok, w->html_lang);
	/* no button is shown then; a stale page or a script gets told so */
	if (!paylink_ready(&d->conf)) {
		store_abort(txn);
		return page_msg(conn, MHD_HTTP_CONFLICT, w, w->pay_offline,
				w->pay_offline_text, back);
	}
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
	return page_pay_redirect(d, conn, w, tok, number, back);
}

enum MHD_Result page_handle(struct tagihd *d, struct MHD_Connection *conn,
			    const char *path, const char *method)
{
	const struct words *w = page_words(page_lang(conn));
	char tok[CUSTLINK_TOKEN_LEN + 1];
	const char *rest;
	struct page_data *p;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET) ||
		   !strcmp(method, MHD_HTTP_METHOD_HEAD);
	enum MHD_Result ret;
	MDB_txn *txn = NULL;
	size_t tl;

	rest = strchr(path, '/');
	tl = rest ? (size_t)(rest - path) : strlen(path);
	if (tl != CUSTLINK_TOKEN_LEN)
		return page_404(conn, w);
	memcpy(tok, path, tl);
	tok[tl] = '\0';
	if (custlink_token_check(tok))
		return page_404(conn, w);

	p = calloc(1, sizeof(*p));
	if (!p)
		return MHD_NO;
	if (store_begin(d->st, false, &txn)) {
		free(p);
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", NULL, NULL);
	}
	if (custlink_lookup(txn, d->st, tok, &p->sub)) {
		ret = page_404(conn, w);
		goto out;
	}
	p->today = tt_local_day(tt_now());

	if (!rest || !rest[1]) {
		ret = get ? page_show(d, conn, txn, tok, p, w) :
			    page_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				      "GET\n", "Allow", "GET, HEAD");
	} else if (!strncmp(rest, "/invoice/", 9) && get) {
		ret = page_pdf(d, conn, txn, &p->sub, rest + 9, w);
	} else if (!strcmp(rest, "/pay")) {
		if (strcmp(method, MHD_HTTP_METHOD_POST)) {
			ret = page_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					"POST\n", "Allow", "POST");
		} else {
			ret = page_pay(d, conn, txn, &p->sub, tok, w);
			txn = NULL;	/* page_pay ended it */
		}
	} else if (!strcmp(rest, "/buy")) {
		if (strcmp(method, MHD_HTTP_METHOD_POST)) {
			ret = page_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					"POST\n", "Allow", "POST");
		} else {
			ret = page_buy(d, conn, txn, &p->sub, tok, w, NULL);
			txn = NULL;	/* page_buy ended it */
		}
	} else if (!strncmp(rest, "/pack/", 6)) {
		if (strcmp(method, MHD_HTTP_METHOD_POST)) {
			ret = page_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					"POST\n", "Allow", "POST");
		} else {
			ret = page_buy(d, conn, txn, &p->sub, tok, w, rest + 6);
			txn = NULL;	/* page_buy ended it */
		}
	} else {
		ret = page_404(conn, w);
	}
out:
	if (txn)
		store_abort(txn);
	free(p->pp);
	free(p->inv);
	explicit_bzero(p, sizeof(*p));
	free(p);
	return ret;
}
