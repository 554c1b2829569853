// SPDX-License-Identifier: GPL-2.0
/* notice.c - the isolir notice page: who you are by source address, what you owe, how to pay. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "agent/notice.h"
#include "billing/voucher.h"
#include "lib/form.h"
#include "tagihd/ratelimit.h"
#include "billing/invoice.h"
#include "billing/pay.h"
#include "billing/sub.h"
#include "lib/html.h"
#include "lib/log.h"
#include "lib/mhd.h"
#include "lib/mhd_deadline.h"
#include "lib/net.h"
#include "lib/prefix.h"
#include "lib/ttime.h"

/* idle, and also the time to send a whole request (it takes no body) */
#define NOTICE_TIMEOUT_S 10
#define NOTICE_MAX_CONN 256
#define NOTICE_PAGE_MAX (256 * 1024)

/* Voucher codes typed on the page: failures per client address, as the
 * customer page counts them (tagihd/ratelimit.c): 5 in 15 minutes lock
 * the address for 15 minutes (429). */
#define NOTICE_VOUCHER_FAIL 5
#define NOTICE_VOUCHER_WINDOW 900
#define NOTICE_VOUCHER_SLOTS 4096
#define NOTICE_BODY_MAX 512

static struct {
	struct MHD_Daemon *d;
	struct mhd_deadline *deadline;
	struct store *st;
	char *operator_name;
	char *bank_transfer;
	struct rl *vrl;
} nt;

/* A POST /voucher in flight: its body. */
struct notice_req {
	char body[NOTICE_BODY_MAX];
	size_t len;
	bool over;
};

/* The client's address as a host prefix (/32, /128; v4-mapped as v4).
 * Returns 0 or -ENOENT. */
static int addr_prefix(const struct sockaddr *sa, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (sa->sa_family == AF_INET) {
		p->family = 4;
		p->len = 32;
		memcpy(p->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			p->family = 4;
			p->len = 32;
			memcpy(p->addr, a->s6_addr + 12, 4);
		} else {
			p->family = 6;
			p->len = 128;
			memcpy(p->addr, a->s6_addr, 16);
		}
		return 0;
	}
	return -ENOENT;
}

struct open_ctx {
	MDB_txn *txn;
	struct html *pg;
	bool en;
	int n;
	int32_t today;
};

static int open_inv_row(const char *number, void *ctx)
{
	struct open_ctx *c = ctx;
	struct inv_rec *inv = malloc(sizeof(*inv));
	char mb[32], db[32];

	if (!inv)
		return -ENOMEM;
	if (invoice_get(c->txn, nt.st, number, inv) == 0 &&
	    (inv->status == INV_ISSUED || inv->status == INV_PARTIAL) &&
	    inv->paid < inv->total) {
		if (!c->n++)
			html_printf(c->pg, "<table><tr><th>%s</th><th>%s</th>"
				   "<th>%s</th></tr>",
			    c->en ? "Invoice" : "Tagihan",
			    c->en ? "Due" : "Jatuh tempo",
			    c->en ? "Amount due" : "Sisa tagihan");
		html_puts(c->pg, "<tr><td>");
		html_esc(c->pg, inv->number, HTML_NL_BR);
		html_printf(c->pg, "</td><td%s>%s</td><td>%s</td></tr>",
		    c->today > inv->due ? " class=late" : "",
		    tt_fmt_date(inv->due, db, sizeof(db)),
		    money_fmt(inv->total - inv->paid, mb, sizeof(mb)));
	}
	free(inv);
	return 0;
}

static void render(struct html *pg, const struct sockaddr *sa, bool en)
{
	struct sub_rec rec;
	struct prefix addr;
	MDB_txn *txn = NULL;
	uint32_t uid;
	rp_t due = 0;
	int nopen = 0;
	char mb[32];
	bool known;

	known = store_begin(nt.st, false, &txn) == 0 &&
		addr_prefix(sa, &addr) == 0 &&
		sub_prefix_owner(txn, nt.st, &addr, &uid) == 0 &&
		sub_get_by_uid(txn, nt.st, uid, &rec) == 0;
	html_printf(pg,
	    "<!doctype html><html lang=%s><head><meta charset=utf-8>"
	    "<meta name=viewport content=\"width=device-width,"
	    "initial-scale=1\"><title>%s</title><style>"
	    "body{font-family:sans-serif;max-width:34em;margin:1em auto;"
	    "padding:0 1em;color:#222}h1{font-size:1.4em;color:#b00020}"
	    ".ok{color:#1b5e20}.box{background:#f5f5f5;padding:.8em;"
	    "border-radius:.5em}table{border-collapse:collapse;width:100%%}"
	    "td,th{text-align:left;padding:.3em;border-bottom:1px solid #ddd}"
	    ".late{color:#b00020}.amt{font-size:1.6em;font-weight:bold}"
	    "</style></head><body>",
	    en ? "en" : "id",
	    en ? "Internet service suspended" : "Layanan internet diisolir");
	if (nt.operator_name) {
		html_puts(pg, "<p>");
		html_esc(pg, nt.operator_name, HTML_NL_BR);
		html_puts(pg, "</p>");
	}
	if (!known) {
		html_printf(pg, "<h1>%s</h1><p>%s</p>",
		    en ? "Unknown address" : "Alamat tidak dikenal",
		    en ? "This address does not belong to a subscriber. "
			 "Please contact us."
		       : "Alamat ini tidak terdaftar sebagai pelanggan. "
			 "Silakan hubungi kami.");
		goto tail;
	}
	if (rec.status == SUB_SUSPENDED)
		html_printf(pg, "<h1>%s</h1><p>%s</p>",
		    en ? "Your internet service is suspended"
		       : "Layanan internet Anda diisolir",
		    en ? "Your connection is limited because of an unpaid "
			 "bill. Pay the amount below and it comes back "
			 "within seconds."
		       : "Koneksi Anda dibatasi karena ada tagihan yang "
			 "belum dibayar. Setelah pembayaran tercatat, "
			 "internet aktif kembali dalam hitungan detik.");
	else
		html_printf(pg, "<h1 class=ok>%s</h1>",
		    en ? "Your internet service is active"
		       : "Layanan internet Anda aktif");
	html_printf(pg, "<p>%s: <b>", en ? "Subscriber" : "ID pelanggan");
	html_esc(pg, rec.id, HTML_NL_BR);
	html_puts(pg, "</b></p>");
	pay_outstanding(txn, nt.st, rec.id, &due, &nopen);
	html_printf(pg, "<div class=box><div>%s</div><div class=amt>%s</div></div>",
	    en ? "Amount due" : "Total tagihan",
	    money_fmt(due, mb, sizeof(mb)));
	{
		struct open_ctx oc = { .txn = txn, .pg = pg, .en = en,
				       .today = tt_local_day(tt_now()) };

		invoice_foreach_sub(txn, nt.st, rec.id, open_inv_row, &oc);
		if (oc.n)
			html_puts(pg, "</table>");
	}
	/* a voucher bought at the warung brings the line back from here */
	html_printf(pg, "<h2>%s</h2><form method=post action=\"/voucher?"
		    "lang=%s\"><input name=code autocomplete=off "
		    "autocapitalize=characters placeholder=\"XXXX-XXXX-XXXX\">"
		    " <button type=submit>%s</button></form>",
		    en ? "Have a voucher?" : "Punya voucher?", en ? "en" : "id",
		    en ? "Use voucher" : "Pakai voucher");
	if (nt.bank_transfer && due > 0) {
		html_printf(pg, "<h2>%s</h2><div class=box>",
		    en ? "How to pay" : "Cara membayar");
		html_esc(pg, nt.bank_transfer, HTML_NL_BR);
		html_printf(pg, "</div><p>%s</p>",
		    en ? "Write your subscriber ID in the transfer note."
		       : "Cantumkan ID pelanggan pada berita transfer.");
	}
tail:
	html_printf(pg, "<p><a href=\"?lang=%s\">%s</a></p></body></html>\n",
	    en ? "id" : "en", en ? "Bahasa Indonesia" : "English");
	store_abort(txn);
}

/* A short page: heading and one line, in the notice page's style. */
static enum MHD_Result notice_msg(struct MHD_Connection *conn,
				  unsigned status, bool en, const char *h,
				  const char *text, const char *hn,
				  const char *hv)
{
	struct html pg = { .max = NOTICE_PAGE_MAX };

	html_printf(&pg, "<!doctype html><html lang=%s><head><meta "
		    "charset=utf-8><meta name=viewport content=\"width="
		    "device-width,initial-scale=1\"><title>%s</title></head>"
		    "<body style=\"font-family:sans-serif;max-width:34em;"
		    "margin:1em auto;padding:0 1em\"><h1>%s</h1><p>%s</p>"
		    "<p><a href=\"/?lang=%s\">%s</a></p></body></html>\n",
		    en ? "en" : "id", h, h, text, en ? "en" : "id",
		    en ? "Back" : "Kembali");
	if (pg.oom) {
		html_free(&pg);
		return mhd_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				"try again\n", NULL);
	}
	{
		struct mhd_hdr h[2] = { { hn, hv }, { NULL, NULL } };

		return mhd_reply_take(conn, status, "text/html; charset=utf-8",
				      pg.p, pg.len, hn ? h : NULL);
	}
}

/*
 * POST /voucher: the code for whoever holds the client's address. 200
 * redeemed (the agent restores the line at its next poll), 400 refused
 * (nothing written), 429 after NOTICE_VOUCHER_FAIL failures.
 */
static enum MHD_Result notice_voucher(struct MHD_Connection *conn,
				      struct notice_req *r)
{
	const char *lang = MHD_lookup_connection_value(conn,
				MHD_GET_ARGUMENT_KIND, "lang");
	bool en = lang && !strcmp(lang, "en");
	char key[64], code[VOUCHER_TEXT_MAX + 1] = "", ra[16];
	const union MHD_ConnectionInfo *ci;
	struct sub_rec rec;
	struct prefix addr;
	MDB_txn *txn = NULL;
	unsigned wait;
	uint32_t uid;
	int err;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr || addr_prefix(ci->client_addr, &addr))
		return mhd_text(conn, MHD_HTTP_BAD_REQUEST, "no address\n",
				NULL);
	prefix_fmt(&addr, key, sizeof(key));
	wait = nt.vrl ? rl_take(nt.vrl, key) : 0;
	if (wait) {
		snprintf(ra, sizeof(ra), "%u", wait);
		return notice_msg(conn, MHD_HTTP_TOO_MANY_REQUESTS, en,
				  en ? "Too many attempts" :
				       "Terlalu banyak percobaan",
				  en ? "Please try again in 15 minutes." :
				       "Silakan coba lagi dalam 15 menit.",
				  "Retry-After", ra);
	}
	if (!r->over)
		form_get(r->body, r->len, "code", code, sizeof(code));
	err = store_begin(nt.st, true, &txn);
	if (!err)
		err = sub_prefix_owner(txn, nt.st, &addr, &uid);
	if (!err)
		err = sub_get_by_uid(txn, nt.st, uid, &rec);
	if (!err)
		err = voucher_redeem(txn, nt.st, code, rec.id, tt_now(),
				     "notice", NULL);
	explicit_bzero(code, sizeof(code));
	if (!err) {
		err = store_commit(txn);
		txn = NULL;
	}
	if (txn)
		store_abort(txn);	/* a refused code writes nothing */
	if (err)
		return notice_msg(conn, MHD_HTTP_BAD_REQUEST, en,
				  en ? "This voucher cannot be used" :
				       "Voucher tidak bisa dipakai",
				  en ? "The code is wrong, used already, or "
				       "not for your plan." :
				       "Kode salah, sudah dipakai, atau bukan "
				       "untuk paket Anda.", NULL, NULL);
	if (nt.vrl)
		rl_untake(nt.vrl, key);	/* a success is no failure */
	return notice_msg(conn, MHD_HTTP_OK, en,
			  en ? "Voucher accepted" : "Voucher diterima",
			  en ? "Your internet comes back within seconds." :
			       "Internet Anda aktif kembali dalam hitungan "
			       "detik.", NULL, NULL);
}

static enum MHD_Result notice_route(void *cls, struct MHD_Connection *conn,
				    const char *url, const char *method,
				    const char *version, const char *body,
				    size_t *body_len, void **con_cls)
{
	const union MHD_ConnectionInfo *ci;
	struct html pg = { .max = NOTICE_PAGE_MAX };
	const char *lang;

	if (!*con_cls) {	/* first call: headers only */
		bool vpost = !strcmp(method, MHD_HTTP_METHOD_POST) &&
			     !strcmp(url, "/voucher");

		*con_cls = vpost ? calloc(1, sizeof(struct notice_req)) :
				   (void *)1;
		return *con_cls ? MHD_YES : MHD_NO;
	}
	if (*body_len) {	/* only the voucher form has a body */
		struct notice_req *r = *con_cls;

		if (r != (void *)1) {
			if (r->len + *body_len >= sizeof(r->body))
				r->over = true;
			else {
				memcpy(r->body + r->len, body, *body_len);
				r->len += *body_len;
			}
		}
		*body_len = 0;
		return MHD_YES;
	}
	if (*con_cls != (void *)1) {
		mhd_deadline_stop(conn);
		return notice_voucher(conn, *con_cls);
	}
	mhd_deadline_stop(conn);	/* the request is in */
	lang = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr)
		render(&pg, ci->client_addr, lang && !strcmp(lang, "en"));
	else
		html_puts(&pg, "<!doctype html><p>tagih</p>");
	if (pg.oom) {
		html_free(&pg);
		return mhd_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				"try again\n", NULL);
	}
	/* the buffer goes to libmicrohttpd, which frees it once sent */
	return mhd_reply_take(conn, MHD_HTTP_OK, "text/html; charset=utf-8",
			      pg.p, pg.len, NULL);
}

static void notice_done(void *cls, struct MHD_Connection *conn,
			void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	if (*con_cls && *con_cls != (void *)1)
		free(*con_cls);
	*con_cls = NULL;
	mhd_deadline_rearm(cls, conn);
}

int notice_start(const struct tagih_conf *c, struct store *st)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG;
	struct sockaddr_storage ss;
	char why[NET_ERR_LEN];
	socklen_t len;
	int err;

	if (!c->notice_listen || !*c->notice_listen)
		return 0;	/* off */
	if (net_parse(c->notice_listen, &ss, &len, why, sizeof(why))) {
		pr_warn("notice_listen: %s", why);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_DUAL_STACK;
	nt.st = st;
	nt.operator_name = c->operator_name ? strdup(c->operator_name) : NULL;
	nt.bank_transfer = c->bank_transfer ? strdup(c->bank_transfer) : NULL;
	nt.vrl = rl_new(NOTICE_VOUCHER_SLOTS, NOTICE_VOUCHER_FAIL,
			NOTICE_VOUCHER_WINDOW, NOTICE_VOUCHER_WINDOW);
	/* the notice page is reached by every subscriber in isolir: one of
	 * them must not hold its slots (slowloris), hence the per-address
	 * limit and a deadline that a trickle of bytes does not extend */
	err = mhd_deadline_new(NOTICE_TIMEOUT_S, &nt.deadline);
	if (err) {
		pr_warn("notice page: %s", strerror(-err));
		notice_stop();
		return err;
	}
	nt.d = MHD_start_daemon(flags, 0, NULL, NULL, notice_route, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)NOTICE_TIMEOUT_S,
				MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)NOTICE_MAX_CONN,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned)c->notice_conn_per_ip,
				MHD_OPTION_NOTIFY_CONNECTION,
				mhd_deadline_notify, nt.deadline,
				MHD_OPTION_NOTIFY_COMPLETED, notice_done,
				nt.deadline, MHD_OPTION_END);
	if (!nt.d) {
		pr_warn("notice page: cannot serve on %s (address in use?)",
			c->notice_listen);
		notice_stop();
		return -EADDRINUSE;
	}
	pr_info("isolir notice page on http://%s/", c->notice_listen);
	return 0;
}

void notice_stop(void)
{
	if (nt.d)
		MHD_stop_daemon(nt.d);
	mhd_deadline_free(nt.deadline);
	free(nt.operator_name);
	free(nt.bank_transfer);
	rl_free(nt.vrl);
	memset(&nt, 0, sizeof(nt));
}
