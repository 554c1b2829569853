// SPDX-License-Identifier: GPL-2.0
/* prepaid.c - the customer page's masa aktif card, the buy-again button and its order. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/custlink.h"
#include "billing/gateway/paylink.h"
#include "billing/voucher.h"
#include "lib/form.h"
#include "tagihd/ratelimit.h"
#include "billing/rate.h"
#include "lib/log.h"
#include "lib/mhd.h"
#include "lib/ttime.h"
#include "tagihd/page/prepaid.h"
#include "tagihd/page/render.h"

/* The card's own words (words.c holds the bill's). */
static const struct pp_words {
	const char *title, *until, *never, *ended, *buy, *price, *quota,
		*quota_out, *cashier, *voucher, *code, *redeem, *v_ok,
		*v_ok_text, *v_bad, *v_bad_text, *v_locked, *v_locked_text,
		*packs;
} pp_words[2] = {
	[LANG_ID] = {
		.title = "Masa aktif", .until = "Aktif sampai",
		.never = "Belum ada paket aktif.",
		.ended = "Masa aktif sudah habis.",
		.buy = "Beli lagi", .price = "Harga",
		.quota = "Sisa kuota", .quota_out = "Kuota habis",
		.packs = "Tambah kuota",
		.cashier = "Beli lagi di kasir atau dengan voucher.",
		.voucher = "Punya voucher?", .code = "Kode voucher",
		.redeem = "Pakai voucher",
		.v_ok = "Voucher diterima",
		.v_ok_text = "Masa aktif atau kuota Anda sudah ditambah. "
			     "Terima kasih!",
		.v_bad = "Voucher tidak bisa dipakai",
		.v_bad_text = "Kode salah, sudah dipakai, atau bukan untuk "
			      "paket Anda.",
		.v_locked = "Terlalu banyak percobaan",
		.v_locked_text = "Silakan coba lagi dalam 15 menit.",
	},
	[LANG_EN] = {
		.title = "Active period", .until = "Active until",
		.never = "No active plan yet.",
		.ended = "Your active period has ended.",
		.buy = "Buy again", .price = "Price",
		.quota = "Quota left", .quota_out = "Quota used up",
		.packs = "Add quota",
		.cashier = "Buy again at the cashier or with a voucher.",
		.voucher = "Have a voucher?", .code = "Voucher code",
		.redeem = "Use voucher",
		.v_ok = "Voucher accepted",
		.v_ok_text = "Your active period or quota has been extended. "
			     "Thank you!",
		.v_bad = "This voucher cannot be used",
		.v_bad_text = "The code is wrong, used already, or not for "
			      "your plan.",
		.v_locked = "Too many attempts",
		.v_locked_text = "Please try again in 15 minutes.",
	},
};

static const struct pp_words *ppw(const struct words *w)
{
	return &pp_words[w->html_lang[0] == 'e' ? LANG_EN : LANG_ID];
}

static int pp_pack_cb(const struct pack_rec *k, void *ctx)
{
	struct page_prepaid *pp = ctx;

	if (pp->npacks == PAGE_PACKS_MAX)
		return 1;
	if (prepaid_price_total(k->price, &pp->pack_total[pp->npacks]))
		pp->pack_total[pp->npacks] = k->price;
	pp->packs[pp->npacks++] = *k;
	return 0;
}

int page_prepaid_load(MDB_txn *txn, struct store *st,
		      const struct tagih_conf *conf, const struct sub_rec *sub,
		      struct page_prepaid *pp)
{
	rp_t sub_total, tax;
	int mode, err;

	memset(pp, 0, sizeof(*pp));
	pp->now = tt_now();
	err = prepaid_plan_of(txn, st, sub, &pp->plan);
	if (err < 0)
		return err;
	pp->prepaid = err == 1;
	err = prepaid_get(txn, st, sub->id, &pp->pr);
	if (err)
		return err;
	err = quota_get(txn, st, sub->uid, &pp->q);
	if (err && err != -ENOENT)
		return err;
	pp->quota = !err;
	if (pp->prepaid && !rate_tax_mode_parse(conf->tax_mode, &mode) &&
	    rate_tax(mode, conf->ppn_bp, pp->plan.terms.price, &sub_total,
		     &tax, &pp->price_total))
		pp->price_total = pp->plan.terms.price;
	if (pp->prepaid && pp->quota) {
		err = pack_foreach(txn, st, pp_pack_cb, pp);
		if (err < 0)
			return err;
	}
	return 0;
}

/* "20 November 2026 10.00 WIB"-ish: the day in words and the time. */
static void pp_when(struct html *b, const struct words *w, int64_t t)
{
	char dd[48], tb[40];

	tt_fmt_time_local(t, tb, sizeof(tb));
	html_text(b, fmt_day(w, tt_local_day(t), dd, sizeof(dd)));
	/* "...T10:00:00+07:00" -> " 10:00" */
	if (strlen(tb) >= 16)
		html_printf(b, " %.5s", tb + 11);
}

void page_prepaid_body(struct html *b, const struct tagih_conf *conf,
		       const struct words *w, const char *tok,
		       const struct page_prepaid *pp)
{
	const struct pp_words *p = ppw(w);
	char m[40], g[32];

	if (!pp->prepaid && !pp->quota)
		return;
	html_puts(b, "<section class=\"card\" id=\"prepaid\"><h2>");
	html_text(b, p->title);
	html_puts(b, "</h2>");
	if (pp->pr.expires > pp->now) {
		html_puts(b, "<p>");
		html_text(b, p->until);
		html_puts(b, " <b id=\"expires\">");
		pp_when(b, w, pp->pr.expires);
		html_puts(b, "</b></p>");
	} else {
		html_puts(b, "<p class=\"warn\" id=\"expired\">");
		html_text(b, pp->pr.expires ? p->ended : p->never);
		html_puts(b, "</p>");
	}
	if (pp->quota) {
		html_puts(b, "<p>");
		if (quota_exhausted_rec(&pp->q, pp->now)) {
			html_puts(b, "<b id=\"quota\">");
			html_text(b, p->quota_out);
			html_puts(b, "</b>");
		} else {
			html_text(b, p->quota);
			html_printf(b, " <b id=\"quota\">%s</b>",
				    fmt_gb(w, pp->q.left, g, sizeof(g)));
		}
		html_puts(b, "</p>");
	}
	if (pp->prepaid) {
		html_puts(b, "<p class=\"muted\">");
		html_text(b, pp->plan.name);
		html_printf(b, " &middot; %u ", pp->plan.days);
		html_text(b, w->html_lang[0] == 'e' ? "days" : "hari");
		html_printf(b, " &middot; <span id=\"price\">%s</span></p>",
			    money_fmt(pp->price_total, m, sizeof(m)));
		if (paylink_ready(conf)) {
			html_puts(b, "<form method=\"post\" action=\"/c/");
			html_puts(b, tok);	/* checked: base64url only */
			html_printf(b, "/buy?lang=%s\"><button type=\"submit\" "
				    "id=\"buy\">", w->html_lang);
			html_text(b, p->buy);
			html_puts(b, "</button></form>");
		} else {
			html_puts(b, "<p id=\"buy-cashier\">");
			html_text(b, p->cashier);
			if (conf->bank_transfer && *conf->bank_transfer) {
				html_puts(b, "<br>");
				html_text(b, conf->bank_transfer);
			}
			html_puts(b, "</p>");
		}
	}
	if (pp->npacks && paylink_ready(conf)) {
		int i;

		html_puts(b, "<p><b>");
		html_text(b, p->packs);
		html_puts(b, "</b></p>");
		for (i = 0; i < pp->npacks; i++) {
			const struct pack_rec *k = &pp->packs[i];

			html_puts(b, "<form method=\"post\" action=\"/c/");
			html_puts(b, tok);
			html_puts(b, "/pack/");
			html_urlpath(b, k->name);	/* [A-Za-z0-9._-] */
			html_printf(b, "?lang=%s\"><button type=\"submit\" "
				    "class=\"pack\">", w->html_lang);
			html_text(b, k->name);
			html_printf(b, " &middot; %s &middot; %u ",
				    fmt_gb(w, k->bytes, g, sizeof(g)), k->days);
			html_text(b, w->html_lang[0] == 'e' ? "days" : "hari");
			html_printf(b, " &middot; %s</button></form>",
				    money_fmt(pp->pack_total[i], m, sizeof(m)));
		}
	}
	html_puts(b, "<form method=\"post\" action=\"/c/");
	html_puts(b, tok);
	html_printf(b, "/voucher?lang=%s\"><label for=\"code\">",
		    w->html_lang);
	html_text(b, p->voucher);
	html_puts(b, "</label><input id=\"code\" name=\"code\" "
		  "autocomplete=\"off\" autocapitalize=\"characters\" "
		  "placeholder=\"");
	html_text(b, p->code);
	html_puts(b, "\"><button type=\"submit\" id=\"redeem\">");
	html_text(b, p->redeem);
	html_puts(b, "</button></form></section>");
}

enum MHD_Result page_buy(struct tagihd *d, struct MHD_Connection *conn,
			 MDB_txn *txn, const struct sub_rec *sub,
			 const char *tok, const struct words *w,
			 const char *pack)
{
	char back[128], number[INV_NUM_MAX];
	rp_t total;
	int err;

	store_abort(txn);
	snprintf(back, sizeof(back), "/c/%s?lang=%s", tok, w->html_lang);
	if (!paylink_ready(&d->conf))
		return page_msg(conn, MHD_HTTP_CONFLICT, w, ppw(w)->buy,
				ppw(w)->cashier, back);
	err = store_begin(d->st, true, &txn);
	if (err)
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", "Retry-After", "2");
	/* the open order again when pressed again: one receipt number */
	err = prepaid_order(txn, d->st, sub->id, pack ? ORDER_PACK : ORDER_PLAN,
			    pack ? pack : sub->plan, tt_now(), number, &total);
	if (!err)
		err = store_commit(txn);
	else
		store_abort(txn);
	if (err == -ENOENT && pack)
		return page_404(conn, w);
	if (err == -ENOENT || err == -EINVAL || err == -ENOTSUP)
		return page_msg(conn, MHD_HTTP_CONFLICT, w, ppw(w)->buy,
				ppw(w)->cashier, back);
	if (err) {
		pr_warn("customer page: order for %s: %s", sub->id,
			strerror(-err));
		return page_msg(conn, MHD_HTTP_SERVICE_UNAVAILABLE, w,
				w->pay_failed, w->pay_failed_text, back);
	}
	return page_pay_redirect(d, conn, w, tok, number, back);
}

bool page_is_voucher(const char *path)
{
	const char *s = strchr(path, '/');

	return s && (size_t)(s - path) == CUSTLINK_TOKEN_LEN &&
	       !strcmp(s, "/voucher");
}

enum MHD_Result page_voucher(struct tagihd *d, struct MHD_Connection *conn,
			     const char *path, const char *method,
			     const char *body, size_t len)
{
	const struct words *w = page_words(page_lang(conn));
	const struct pp_words *p = ppw(w);
	char tok[CUSTLINK_TOKEN_LEN + 1], ipk[80], subk[SUB_ID_MAX + 8];
	char code[VOUCHER_TEXT_MAX + 1] = "", back[128], ra[16];
	struct sub_rec sub;
	MDB_txn *txn;
	unsigned wait;
	int err;

	memcpy(tok, path, CUSTLINK_TOKEN_LEN);
	tok[CUSTLINK_TOKEN_LEN] = '\0';
	if (strcmp(method, MHD_HTTP_METHOD_POST))
		return page_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "POST\n",
				 "Allow", "POST");
	if (custlink_token_check(tok))
		return page_404(conn, w);
	if (store_begin(d->st, false, &txn))
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", "Retry-After", "2");
	err = custlink_lookup(txn, d->st, tok, &sub);
	store_abort(txn);
	if (err)
		return page_404(conn, w);
	snprintf(back, sizeof(back), "/c/%s?lang=%s", tok, w->html_lang);
	mhd_client_key(conn, ipk, sizeof(ipk));
	snprintf(subk, sizeof(subk), "sub:%s", sub.id);
	/* take the attempt first: parallel guesses cannot pass the limit */
	wait = rl_take(d->voucher_ip, ipk);
	if (!wait) {
		wait = rl_take(d->voucher_sub, subk);
		if (wait)
			rl_untake(d->voucher_ip, ipk);
	}
	if (wait) {
		struct html b = { 0 };

		snprintf(ra, sizeof(ra), "%u", wait);
		page_card(&b, w, p->v_locked, p->v_locked_text, back);
		return page_html(conn, MHD_HTTP_TOO_MANY_REQUESTS, &b,
				 "Retry-After", ra);
	}
	form_get(body, len, "code", code, sizeof(code));
	err = store_begin(d->st, true, &txn);
	if (err) {
		rl_untake(d->voucher_ip, ipk);
		rl_untake(d->voucher_sub, subk);
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", "Retry-After", "2");
	}
	err = voucher_redeem(txn, d->st, code, sub.id, tt_now(), "customer",
			     NULL);
	explicit_bzero(code, sizeof(code));
	if (!err)
		err = store_commit(txn);
	else
		store_abort(txn);	/* a refused code writes nothing */
	if (err) {
		if (err != -ENOENT && err != -EINVAL && err != -EALREADY &&
		    err != -ECANCELED && err != -EXDEV && err != -ENOTSUP)
			pr_warn("customer page: voucher for %s: %s", sub.id,
				strerror(-err));
		return page_msg(conn, MHD_HTTP_BAD_REQUEST, w, p->v_bad,
				p->v_bad_text, back);
	}
	/* a success is not a failure: give both attempts back */
	rl_untake(d->voucher_ip, ipk);
	rl_untake(d->voucher_sub, subk);
	return page_msg(conn, MHD_HTTP_OK, w, p->v_ok, p->v_ok_text, back);
}
