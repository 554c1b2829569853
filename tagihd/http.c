// SPDX-License-Identifier: GPL-2.0
/* http.c - libmicrohttpd front of tagihd: limits, routing, JSON replies. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include <jansson.h>

#include "lib/log.h"
#include "lib/mhd.h"
#include "lib/mhd_deadline.h"
#include "lib/ttime.h"
#include "tagihd/tagihd.h"
#include "tagihd/page.h"
#include "tagihd/page/prepaid.h"
#include "tagihd/workers.h"

#define HTTP_MAX_HEADERS 48

/* One request in flight: its body, collected up to the limit. */
struct http_req {
	char *body;
	size_t len;
	bool too_big;
	void *login;	/* page_login's job while a worker has it */
};

struct hdr_collect {
	struct wh_header *h;
	size_t n;
};

static enum MHD_Result hdr_cb(void *cls, enum MHD_ValueKind kind,
			      const char *key, const char *value)
{
	struct hdr_collect *c = cls;

	(void)kind;
	if (c->n == HTTP_MAX_HEADERS)
		return MHD_NO;
	c->h[c->n].name = key;
	c->h[c->n].value = value ? value : "";
	c->n++;
	return MHD_YES;
}

static const char *wh_err_name(int err)
{
	switch (err) {
	case -EACCES:
		return "unauthorized";
	case -EINVAL:
		return "malformed";
	case -ENOKEY:
		return "gateway not configured";
	default:
		return "internal";
	}
}

static unsigned wh_err_status(int err)
{
	switch (err) {
	case -EACCES:
		return MHD_HTTP_UNAUTHORIZED;
	case -EINVAL:
		return MHD_HTTP_BAD_REQUEST;
	case -ENOKEY:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

static enum MHD_Result http_webhook(struct tagihd *d,
				    struct MHD_Connection *conn, int gw,
				    const struct http_req *req)
{
	struct wh_header hdr[HTTP_MAX_HEADERS];
	struct hdr_collect hc = { .h = hdr };
	struct wh_input in;
	struct wh_event ev;
	enum wh_result res;
	char detail[160] = "";
	const char *gname = wh_gateway_name(gw);
	unsigned status;
	json_t *o;
	int err;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, hdr_cb, &hc);
	in.body = req->body ? req->body : "";
	in.len = req->len;
	in.hdr = hdr;
	in.nhdr = hc.n;
	err = wh_parser(gw)(&in, &d->sec, &ev);
	if (err) {
		/* never the body or headers: they may carry personal data */
		pr_info("webhook %s: rejected: %s", gname, wh_err_name(err));
		return mhd_error(conn, wh_err_status(err), wh_err_name(err),
				 NULL);
	}
	res = wh_apply(d->st, &ev, in.body, in.len, tt_now(), detail,
		       sizeof(detail));
	switch (res) {
	case WH_APPLIED:
	case WH_DUPLICATE:
	case WH_IGNORED:
		o = json_pack("{s:b,s:s}", "ok", 1, "result",
			      res == WH_APPLIED ? "applied" :
			      res == WH_DUPLICATE ? "duplicate" : "ignored");
		pr_info("webhook %s: order %s txn %s: %s", gname, ev.order_id,
			ev.txn_id, res == WH_APPLIED ? "payment applied" :
			res == WH_DUPLICATE ? "duplicate" : "not a payment");
		return mhd_json(conn, MHD_HTTP_OK, o);
	case WH_UNKNOWN_ORDER:
		status = MHD_HTTP_NOT_FOUND;
		break;
	case WH_WRONG_AMOUNT:
		status = MHD_HTTP_CONFLICT;
		break;
	default:
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		break;
	}
	pr_info("webhook %s: order %s: %s", gname, ev.order_id, detail);
	return mhd_error(conn, status,
			 res == WH_UNKNOWN_ORDER ? "unknown order" :
			 res == WH_WRONG_AMOUNT ? "amount mismatch" :
			 "not applied", detail);
}

static enum MHD_Result http_handler(void *cls, struct MHD_Connection *conn,
				    const char *url, const char *method,
				    const char *version,
				    const char *upload_data,
				    size_t *upload_data_size, void **con_cls)
{
	struct tagihd *d = cls;
	struct http_req *req = *con_cls;
	const char *cl;
	int gw = -1;

	(void)version;
	if (!strncmp(url, "/webhooks/", 10))
		gw = wh_gateway_from_name(url + 10);

	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		/* refuse an announced oversize body before reading it */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > d->body_max) {
			req->too_big = true;
			return mhd_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
					 "body too large", NULL);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (req->too_big)
			return MHD_YES;
		if (req->len + n > d->body_max) {
			req->too_big = true;
			return MHD_YES;
		}
		char *nb = realloc(req->body, req->len + n + 1);

		if (!nb)
			return MHD_NO;
		memcpy(nb + req->len, upload_data, n);
		req->body = nb;
		req->len += n;
		req->body[req->len] = '\0';
		return MHD_YES;
	}
	/* the whole request is in: its deadline (lib/mhd_deadline.h) stops */
	mhd_deadline_stop(conn);
	if (req->too_big)
		return mhd_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				 "body too large", NULL);

	if (!strcmp(url, "/healthz"))
		return mhd_json(conn, MHD_HTTP_OK, json_pack("{s:b}", "ok", 1));
	if (gw >= 0) {
		if (strcmp(method, MHD_HTTP_METHOD_POST))
			return mhd_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
					 "method not allowed", "use POST");
		return http_webhook(d, conn, gw, req);
	}
	if (!strcmp(url, "/login"))
		return page_login(d, conn, method, req->body, req->len,
				  &req->login);
	/* the customer page; /p/ is the form older reminders carry */
	/* the voucher form is the one /c/ route with a body */
	if (!strncmp(url, "/c/", 3) && page_is_voucher(url + 3))
		return page_voucher(d, conn, url + 3, method, req->body,
				    req->len);
	if (!strncmp(url, "/c/", 3) || !strncmp(url, "/p/", 3))
		return page_handle(d, conn, url + 3, method);
	return mhd_error(conn, MHD_HTTP_NOT_FOUND, "not found", NULL);
}

static void http_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct tagihd *d = cls;
	struct http_req *req = *con_cls;

	(void)toe;
	/* the next request on this connection gets its own full time */
	mhd_deadline_rearm(d->deadline, conn);
	if (req) {
		page_login_free(req->login);
		/* a login body holds a PIN */
		if (req->body)
			explicit_bzero(req->body, req->len);
		free(req->body);
		free(req);
		*con_cls = NULL;
	}
}

static void http_panic(void *cls, const char *file, unsigned int line,
		       const char *reason)
{
	(void)cls;
	pr_warn("libmicrohttpd: fatal: %s:%u: %s", file, line,
		reason ? reason : "");
	abort();
}

/* libmicrohttpd's own messages (GnuTLS errors among them) into our log */
/*
 * libmicrohttpd's own messages: warnings while the daemon starts (a bad
 * TLS pair is explained there), debug once it serves, because then they
 * are per-connection noise from the internet (TLS probes, resets).
 */
static volatile int http_serving;

static void http_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '.'))
		buf[--n] = '\0';
	if (http_serving)
		pr_debug("libmicrohttpd: %s", buf);
	else
		pr_warn("libmicrohttpd: %s", buf);
}

/* The PIN workers and the deadline guard: threads, so after the
 * capabilities are gone. Returns 0 or -errno (logged). */
static int http_helpers(struct tagihd *d)
{
	int err;

	err = workers_new(TAGIHD_LOGIN_WORKERS, TAGIHD_LOGIN_QUEUE,
			  TAGIHD_LOGIN_NICE, &d->login_pool);
	if (!err)
		err = mhd_deadline_new((unsigned)d->conf.public_request_timeout,
				       &d->deadline);
	if (err)
		pr_warn("cannot start the HTTP helper threads: %s",
			strerror(-err));
	return err;
}

int http_start(struct tagihd *d, int fd, const char *cert, const char *key)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	/* the TLS pair, or nothing when serving plain HTTP */
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key },
		{ MHD_OPTION_END, 0, NULL },
	};
	int err;

	err = http_helpers(d);
	if (err)
		return err;
	MHD_set_panic_func(http_panic, NULL);
	if (cert && key)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	d->mhd = MHD_start_daemon(flags, 0, NULL, NULL, http_handler, d,
			MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
			MHD_OPTION_LISTEN_SOCKET, fd,
			MHD_OPTION_ARRAY, tls,
			MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned)TAGIHD_CONN_TIMEOUT,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)TAGIHD_CONN_LIMIT,
			MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			(unsigned)d->conf.public_conn_per_ip,
			MHD_OPTION_THREAD_POOL_SIZE, (unsigned)TAGIHD_THREADS,
			MHD_OPTION_NOTIFY_CONNECTION, mhd_deadline_notify,
			d->deadline,
			MHD_OPTION_NOTIFY_COMPLETED, http_done, d,
			MHD_OPTION_END);
	if (d->mhd)
		http_serving = 1;
	if (!d->mhd && cert) {
		pr_warn("cannot start HTTPS with tls_cert %s and tls_key %s "
			"(see above); refusing to start",
			d->conf.tls_cert, d->conf.tls_key);
		return -EINVAL;
	}
	if (!d->mhd) {
		pr_warn("cannot start the HTTP server");
		return -EIO;
	}
	return 0;
}

void http_stop(struct tagihd *d)
{
	/* every suspended login is resumed by its worker before the
	 * server stops: libmicrohttpd must not stop with one suspended */
	workers_free(d->login_pool);
	d->login_pool = NULL;
	if (d->mhd) {
		MHD_stop_daemon(d->mhd);
		d->mhd = NULL;
	}
	mhd_deadline_free(d->deadline);
	d->deadline = NULL;
}
