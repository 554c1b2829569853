// SPDX-License-Identifier: GPL-2.0
/* notice.c - the isolir notice page: who you are by source address, what you owe, how to pay. */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "billing/invoice.h"
#include "lib/log.h"
#include "agent/notice.h"
#include "billing/pay.h"
#include "lib/prefix.h"
#include "billing/sub.h"
#include "lib/ttime.h"

#define NOTICE_TIMEOUT_S 10
#define NOTICE_MAX_CONN 256
#define NOTICE_PAGE_MAX 16384

static struct {
	struct MHD_Daemon *d;
	struct store *st;
	char *operator_name;
	char *bank_transfer;
} nt;

/* A growing page buffer; output is cut (never overflows) at the cap. */
struct page {
	char buf[NOTICE_PAGE_MAX];
	size_t len;
};

static void put(struct page *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct page *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->len >= sizeof(p->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->buf + p->len, sizeof(p->buf) - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n < sizeof(p->buf) - p->len ?
				  (size_t)n : sizeof(p->buf) - p->len - 1;
}

/* HTML-escaped text; newlines become <br>. */
static void put_text(struct page *p, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': put(p, "&lt;"); break;
		case '>': put(p, "&gt;"); break;
		case '&': put(p, "&amp;"); break;
		case '"': put(p, "&quot;"); break;
		case '\'': put(p, "&#39;"); break;
		case '\n': put(p, "<br>"); break;
		default: put(p, "%c", *s);
		}
	}
}

/* Owner of addr: longest prefix in DB_PREFIX. 0 or -ENOENT. */
static int owner_of(MDB_txn *txn, const struct sockaddr *sa, uint32_t *uid)
{
	struct prefix p = {};
	int maxlen, minlen, len;

	if (sa->sa_family == AF_INET) {
		p.family = 4;
		memcpy(p.addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		maxlen = 32;
		minlen = 8;
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			p.family = 4;
			memcpy(p.addr, a->s6_addr + 12, 4);
			maxlen = 32;
			minlen = 8;
		} else {
			p.family = 6;
			memcpy(p.addr, a->s6_addr, 16);
			maxlen = 128;
			minlen = 32;
		}
	} else {
		return -ENOENT;
	}
	for (len = maxlen; len >= minlen; len--) {
		struct prefix q = p;
		MDB_val v;
		int i;

		q.len = len;
		for (i = len; i < maxlen; i++)
			q.addr[i / 8] &= ~(0x80 >> (i % 8));
		if (store_get(txn, nt.st, DB_PREFIX, &q, sizeof(q), &v) == 0 &&
		    v.mv_size >= sizeof(struct prefix_owner)) {
			struct prefix_owner o;

			memcpy(&o, v.mv_data, sizeof(o));
			*uid = o.uid;
			return 0;
		}
	}
	return -ENOENT;
}

struct open_ctx {
	MDB_txn *txn;
	struct page *pg;
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
			put(c->pg, "<table><tr><th>%s</th><th>%s</th>"
				   "<th>%s</th></tr>",
			    c->en ? "Invoice" : "Tagihan",
			    c->en ? "Due" : "Jatuh tempo",
			    c->en ? "Amount due" : "Sisa tagihan");
		put(c->pg, "<tr><td>");
		put_text(c->pg, inv->number);
		put(c->pg, "</td><td%s>%s</td><td>%s</td></tr>",
		    c->today > inv->due ? " class=late" : "",
		    tt_fmt_date(inv->due, db, sizeof(db)),
		    money_fmt(inv->total - inv->paid, mb, sizeof(mb)));
	}
	free(inv);
	return 0;
}

static void render(struct page *pg, const struct sockaddr *sa, bool en)
{
	struct sub_rec rec;
	MDB_txn *txn = NULL;
	uint32_t uid;
	rp_t due = 0;
	int nopen = 0;
	char mb[32];
	bool known;

	known = store_begin(nt.st, false, &txn) == 0 &&
		owner_of(txn, sa, &uid) == 0 &&
		sub_get_by_uid(txn, nt.st, uid, &rec) == 0;
	put(pg,
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
		put(pg, "<p>");
		put_text(pg, nt.operator_name);
		put(pg, "</p>");
	}
	if (!known) {
		put(pg, "<h1>%s</h1><p>%s</p>",
		    en ? "Unknown address" : "Alamat tidak dikenal",
		    en ? "This address does not belong to a subscriber. "
			 "Please contact us."
		       : "Alamat ini tidak terdaftar sebagai pelanggan. "
			 "Silakan hubungi kami.");
		goto tail;
	}
	if (rec.status == SUB_SUSPENDED)
		put(pg, "<h1>%s</h1><p>%s</p>",
		    en ? "Your internet service is suspended"
		       : "Layanan internet Anda diisolir",
		    en ? "Your connection is limited because of an unpaid "
			 "bill. Pay the amount below and it comes back "
			 "within seconds."
		       : "Koneksi Anda dibatasi karena ada tagihan yang "
			 "belum dibayar. Setelah pembayaran tercatat, "
			 "internet aktif kembali dalam hitungan detik.");
	else
		put(pg, "<h1 class=ok>%s</h1>",
		    en ? "Your internet service is active"
		       : "Layanan internet Anda aktif");
	put(pg, "<p>%s: <b>", en ? "Subscriber" : "ID pelanggan");
	put_text(pg, rec.id);
	put(pg, "</b></p>");
	pay_outstanding(txn, nt.st, rec.id, &due, &nopen);
	put(pg, "<div class=box><div>%s</div><div class=amt>%s</div></div>",
	    en ? "Amount due" : "Total tagihan",
	    money_fmt(due, mb, sizeof(mb)));
	{
		struct open_ctx oc = { .txn = txn, .pg = pg, .en = en,
				       .today = tt_local_day(tt_now()) };

		invoice_foreach_sub(txn, nt.st, rec.id, open_inv_row, &oc);
		if (oc.n)
			put(pg, "</table>");
	}
	if (nt.bank_transfer && due > 0) {
		put(pg, "<h2>%s</h2><div class=box>",
		    en ? "How to pay" : "Cara membayar");
		put_text(pg, nt.bank_transfer);
		put(pg, "</div><p>%s</p>",
		    en ? "Write your subscriber ID in the transfer note."
		       : "Cantumkan ID pelanggan pada berita transfer.");
	}
tail:
	put(pg, "<p><a href=\"?lang=%s\">%s</a></p></body></html>\n",
	    en ? "id" : "en", en ? "Bahasa Indonesia" : "English");
	store_abort(txn);
}

static enum MHD_Result notice_route(void *cls, struct MHD_Connection *conn,
				    const char *url, const char *method,
				    const char *version, const char *body,
				    size_t *body_len, void **con_cls)
{
	const union MHD_ConnectionInfo *ci;
	struct MHD_Response *resp;
	struct page *pg;
	const char *lang;
	enum MHD_Result ret;

	if (!*con_cls) {	/* first call: headers only */
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*body_len) {	/* we take no bodies: drop them */
		*body_len = 0;
		return MHD_YES;
	}
	pg = malloc(sizeof(*pg));
	if (!pg)
		return MHD_NO;
	pg->len = 0;
	lang = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr)
		render(pg, ci->client_addr, lang && !strcmp(lang, "en"));
	else
		put(pg, "<!doctype html><p>tagih</p>");
	resp = MHD_create_response_from_buffer(pg->len, pg->buf,
					       MHD_RESPMEM_MUST_COPY);
	free(pg);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				"text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int notice_addr(const char *s, struct sockaddr_storage *ss)
{
	struct addrinfo hints = {}, *res;
	char host[64] = "";
	const char *port = strrchr(s, ':');
	size_t hl;

	if (!port)
		return -EINVAL;
	hl = port - s;
	if (hl && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(hl ? host : NULL, port + 1, &hints, &res))
		return -EINVAL;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

int notice_start(const struct tagih_conf *c, struct store *st)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG;
	struct sockaddr_storage ss = {};

	if (!c->notice_listen || !*c->notice_listen)
		return 0;	/* off */
	if (notice_addr(c->notice_listen, &ss)) {
		pr_warn("notice_listen: bad address %s (want ADDR:PORT or "
			"[V6ADDR]:PORT)", c->notice_listen);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_DUAL_STACK;
	nt.st = st;
	nt.operator_name = c->operator_name ? strdup(c->operator_name) : NULL;
	nt.bank_transfer = c->bank_transfer ? strdup(c->bank_transfer) : NULL;
	nt.d = MHD_start_daemon(flags, 0, NULL, NULL, notice_route, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)NOTICE_TIMEOUT_S,
				MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)NOTICE_MAX_CONN, MHD_OPTION_END);
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
	free(nt.operator_name);
	free(nt.bank_transfer);
	memset(&nt, 0, sizeof(nt));
}
