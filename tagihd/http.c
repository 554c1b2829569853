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
	struct wh_job *wh;	/* the webhook's job while a worker has it */
};

/*
 * One webhook between its two calls of the access handler: the first
 * checks the signature (fast) and suspends the connection, a worker asks
 * the gateway's status API (up to gateway_timeout seconds) and books
 * what it confirms, then resumes the connection; the second call
 * answers. The worker never touches the job after the resume.
 */
struct wh_job {
	struct tagihd *d;
	struct MHD_Connection *conn;
	const char *body;	/* the request's, alive until it completes */
	size_t len;
	struct wh_event ev;	/* what the notification says */
	struct wh_event vev;	/* what the gateway confirms */
	int err;		/* wh_verify's */
	enum wh_result res;
	char detail[160];
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

/* On a worker: confirm with the gateway, book, wake the connection. */
static void wh_work(void *arg)
{
	struct wh_job *j = arg;
	struct MHD_Connection *conn = j->conn;

	j->err = wh_verify(&j->d->conf, &j->ev, &j->vev, j->detail,
			   sizeof(j->detail));
	if (!j->err)
		j->res = wh_apply(j->d->st, &j->vev, j->body, j->len, tt_now(),
				  j->detail, sizeof(j->detail));
	MHD_resume_connection(conn);
}

static const char *wh_res_name(enum wh_result res)
{
	switch (res) {
	case WH_APPLIED:
		return "applied";
	case WH_DUPLICATE:
		return "duplicate";
	case WH_CREDITED:
		return "credited";
	case WH_REVERSED:
		return "reversed";
	default:
		return "ignored";
	}
}

/* 200 with {"ok": true, "success": true, "result": ...}: Tripay counts a
 * callback as delivered only when the body says "success": true. */
static enum MHD_Result wh_ok(struct MHD_Connection *conn, const char *gname,
			     const struct wh_event *ev, enum wh_result res,
			     const char *detail)
{
	pr_info("webhook %s: order %s txn %s: %s (%s)", gname, ev->order_id,
		ev->txn_id, wh_res_name(res), detail);
	return mhd_json(conn, MHD_HTTP_OK,
			json_pack("{s:b,s:b,s:s}", "ok", 1, "success", 1,
				  "result", wh_res_name(res)));
}

/* The second call: the worker's verdict into the answer. */
static enum MHD_Result wh_answer(struct MHD_Connection *conn,
				 const char *gname, const struct wh_job *j)
{
	unsigned status;

	if (j->err) {
		pr_info("webhook %s: order %s txn %s: not confirmed: %s",
			gname, j->ev.order_id, j->ev.txn_id, j->detail);
		if (j->err == -ENOENT || j->err == -EBADMSG)
			return mhd_error(conn, MHD_HTTP_CONFLICT,
					 "not confirmed by the gateway",
					 j->detail);
		/* unreachable, erroring, not configured: the gateway
		 * retries, and nothing was written */
		return mhd_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 j->err == -ENOKEY ? "gateway not configured" :
				 "gateway status unavailable", j->detail);
	}
	switch (j->res) {
	case WH_APPLIED:
	case WH_DUPLICATE:
	case WH_IGNORED:
	case WH_CREDITED:
	case WH_REVERSED:
		return wh_ok(conn, gname, &j->vev, j->res, j->detail);
	case WH_UNKNOWN_ORDER:
		status = MHD_HTTP_NOT_FOUND;
		break;
	case WH_WRONG_AMOUNT:
	case WH_REFUSED:
		status = MHD_HTTP_CONFLICT;
		break;
	default:
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		break;
	}
	pr_info("webhook %s: order %s: %s", gname, j->vev.order_id, j->detail);
	return mhd_error(conn, status,
			 j->res == WH_UNKNOWN_ORDER ? "unknown order" :
			 j->res == WH_WRONG_AMOUNT ? "amount mismatch" :
			 j->res == WH_REFUSED ? "refused" : "not applied",
			 j->detail);
}

static enum MHD_Result http_webhook(struct tagihd *d,
				    struct MHD_Connection *conn, int gw,
				    struct http_req *req)
{
	struct wh_header hdr[HTTP_MAX_HEADERS];
	struct hdr_collect hc = { .h = hdr };
	const char *gname = wh_gateway_name(gw);
	struct wh_input in;
	struct wh_job *j;
	enum MHD_Result ret;
	int err;

	if (req->wh) {	/* resumed: the worker is done with it */
		ret = wh_answer(conn, gname, req->wh);
		free(req->wh);
		req->wh = NULL;
		return ret;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return MHD_NO;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, hdr_cb, &hc);
	in.body = req->body ? req->body : "";
	in.len = req->len;
	in.hdr = hdr;
	in.nhdr = hc.n;
	err = wh_parser(gw)(&in, &d->sec, &j->ev);
	if (err) {
		free(j);
		/* never the body or headers: they may carry personal data */
		pr_info("webhook %s: rejected: %s", gname, wh_err_name(err));
		return mhd_error(conn, wh_err_status(err), wh_err_name(err),
				 NULL);
	}
	if (j->ev.kind == WH_KIND_NONE) {
		/* pending, expired, failed: nothing to book, nothing to ask */
		ret = wh_ok(conn, gname, &j->ev, WH_IGNORED, j->ev.status);
		free(j);
		return ret;
	}
	if (wh_known(d->st, &j->ev, &j->res, j->detail, sizeof(j->detail))) {
		/* a retry of what is recorded: one read txn, no status call */
		j->vev = j->ev;
		ret = wh_answer(conn, gname, j);
		free(j);
		return ret;
	}
	if (workers_reserve(d->wh_pool)) {
		free(j);
		pr_info("webhook %s: too many at once, answered busy", gname);
		return mhd_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
				 "try again");
	}
	j->d = d;
	j->conn = conn;
	j->body = in.body;
	j->len = in.len;
	req->wh = j;
	MHD_suspend_connection(conn);
	workers_push(d->wh_pool, wh_work, j);
	return MHD_YES;
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
		free(req->wh);
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

/* The PIN and webhook workers and the deadline guard: threads, so after the
 * capabilities are gone. Returns 0 or -errno (logged). */
static int http_helpers(struct tagihd *d)
{
	int err;

	err = workers_new(TAGIHD_LOGIN_WORKERS, TAGIHD_LOGIN_QUEUE,
			  TAGIHD_LOGIN_NICE, &d->login_pool);
	if (!err)
		err = workers_new(TAGIHD_WEBHOOK_WORKERS, TAGIHD_WEBHOOK_QUEUE,
				  0, &d->wh_pool);
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
	workers_free(d->wh_pool);
	d->wh_pool = NULL;
	if (d->mhd) {
		MHD_stop_daemon(d->mhd);
		d->mhd = NULL;
	}
	mhd_deadline_free(d->deadline);
	d->deadline = NULL;
}
