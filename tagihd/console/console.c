// SPDX-License-Identifier: GPL-2.0
/* console.c - the console's listener: limits, who is asking (session cookie or Bearer token), CSRF, routing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "billing/gateway/webhook.h"
#include "lib/log.h"
#include "lib/mhd_deadline.h"
#include "lib/net.h"
#include "tagihd/console/console.h"
#include "tagihd/console/run.h"
#include "tagihd/ratelimit.h"
#include "tagihd/workers.h"

/*
 * Nothing the console sends runs script or loads anything from
 * elsewhere: one style sheet from itself, images only as data: URIs
 * (none today), forms only to itself, never framed.
 */
static const char con_csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self' data:; "
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

enum MHD_Result con_reply(struct con_ctx *c, unsigned status,
			  const char *ctype, const void *body, size_t len,
			  const struct mhd_hdr *extra)
{
	struct mhd_hdr hdr[8] = {
		{ "Content-Security-Policy", con_csp },
		{ "X-Content-Type-Options", "nosniff" },
		{ "X-Frame-Options", "DENY" },
		{ "Referrer-Policy", "no-referrer" },
	};
	int n = 4;

	for (; extra && extra->name && n < 7; extra++)
		hdr[n++] = *extra;
	hdr[n] = (struct mhd_hdr){ NULL, NULL };
	return mhd_reply(c->conn, status, ctype, body, len, hdr);
}

enum MHD_Result con_json(struct con_ctx *c, unsigned status, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	enum MHD_Result ret;

	json_decref(o);
	if (!s)
		return con_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
				 "out of memory");
	ret = con_reply(c, status, "application/json", s, strlen(s), NULL);
	free(s);
	return ret;
}

enum MHD_Result con_error(struct con_ctx *c, unsigned status,
			  const char *error, const char *detail)
{
	json_t *o = json_pack("{s:s, s:s}", "error", error, "detail",
			      detail ? detail : "");
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	enum MHD_Result ret;

	json_decref(o);
	if (!s)
		return MHD_NO;
	ret = con_reply(c, status, "application/json", s, strlen(s), NULL);
	free(s);
	return ret;
}

enum MHD_Result con_redirect(struct con_ctx *c, const char *to,
			     const char *cookie)
{
	const struct mhd_hdr h[] = {
		{ MHD_HTTP_HEADER_LOCATION, to },
		{ cookie ? MHD_HTTP_HEADER_SET_COOKIE : NULL, cookie },
		{ NULL, NULL },
	};

	return con_reply(c, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8",
			 "", 0, h);
}

const char *con_arg(const struct con_ctx *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c->conn,
						    MHD_GET_ARGUMENT_KIND,
						    name);

	return v && *v ? v : NULL;
}

int con_form(const struct con_ctx *c, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name), i, o;
	const char *end, *f, *amp;
	int hi, lo;
	char ch;

	if (!c->body)
		return -ENOENT;
	end = c->body + c->len;
	for (f = c->body; f < end; f = amp + 1) {
		amp = memchr(f, '&', end - f);
		if (!amp)
			amp = end;
		if ((size_t)(amp - f) < nl + 1 || memcmp(f, name, nl) ||
		    f[nl] != '=')
			continue;
		for (i = nl + 1, o = 0; f + i < amp; i++) {
			ch = f[i];
			if (ch == '+') {
				ch = ' ';
			} else if (ch == '%') {
				if (f + i + 2 >= amp)
					return -EINVAL;
				hi = wh_hexval(f[i + 1]);
				lo = wh_hexval(f[i + 2]);
				if (hi < 0 || lo < 0)
					return -EINVAL;
				ch = (char)(hi << 4 | lo);
				i += 2;
			}
			if ((unsigned char)ch < 0x20 || ch == 0x7f ||
			    o + 1 >= n)
				return -EINVAL;
			out[o++] = ch;
		}
		out[o] = '\0';
		return 0;
	}
	return -ENOENT;
}

bool con_csrf_ok(const struct con_ctx *c)
{
	char tok[CON_SID_LEN + 2];

	if (!c->by_cookie || con_form(c, "csrf", tok, sizeof(tok)) ||
	    strlen(tok) != CON_SID_LEN)
		return false;
	return !CRYPTO_memcmp(tok, c->sess.csrf, CON_SID_LEN);
}

bool con_can(const struct con_ctx *c, enum user_perm p)
{
	return c->authed && user_can(c->user.role, p);
}

/*
 * Who is asking: a Bearer token (API only) or the session cookie. The
 * user record is read on every request, so a disabled user or a changed
 * role takes effect at once. A token that is sent but wrong is a 401
 * even when a cookie would do: a script must learn its token is bad.
 * Returns 0 (c->authed says whether anyone is signed in) or -EACCES.
 */
static int con_auth(struct con_ctx *c, bool api)
{
	const char *h, *sid;
	MDB_txn *txn;
	int err;

	h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (h && api) {
		if (strncasecmp(h, "Bearer ", 7))
			return -EACCES;
		if (store_begin(c->d->st, false, &txn))
			return -EACCES;
		err = user_token_auth(txn, c->d->st, h + 7, &c->user);
		store_abort(txn);
		if (err)
			return -EACCES;
		c->authed = c->by_token = true;
		goto ok;
	}
	sid = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND,
					  CON_COOKIE);
	if (!sid || sess_get(c->k->sess, sid, &c->sess))
		return 0;
	if (store_begin(c->d->st, false, &txn))
		return 0;
	err = user_get(txn, c->d->st, c->sess.user, &c->user);
	store_abort(txn);
	if (err || c->user.disabled) {
		sess_close(c->k->sess, sid);
		return 0;
	}
	c->authed = c->by_cookie = true;
ok:
	user_actor(c->user.name, c->actor, sizeof(c->actor));
	return 0;
}

static enum lang con_lang(struct con_ctx *c, const char **set)
{
	const char *q = con_arg(c, "lang"), *k;

	*set = NULL;
	if (q && !strcmp(q, "en")) {
		*set = CON_LANG_COOKIE "=en; Path=/; SameSite=Strict; "
		       "Max-Age=31536000";
		return LANG_EN;
	}
	if (q && !strcmp(q, "id")) {
		*set = CON_LANG_COOKIE "=id; Path=/; SameSite=Strict; "
		       "Max-Age=31536000";
		return LANG_ID;
	}
	k = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND,
					CON_LANG_COOKIE);
	return k && !strcmp(k, "en") ? LANG_EN : LANG_ID;
}

static enum MHD_Result con_route(struct con_ctx *c, struct con_req *req)
{
	const char *url = c->url, *setlang;
	bool api = !strncmp(url, "/api/v1/", 8) || !strcmp(url, "/api/v1");

	c->lang = con_lang(c, &setlang);
	if (setlang && !strcmp(c->method, MHD_HTTP_METHOD_GET) && !api) {
		/* the choice is a cookie: back to the page without ?lang;
		 * only a plain local path, never "//host" or a header */
		bool plain = url[0] == '/' && url[1] != '/' &&
			     strspn(url, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
				    "klmnopqrstuvwxyz0123456789/._-") ==
				     strlen(url);

		return con_redirect(c, plain ? url : "/", setlang);
	}
	if (!strcmp(url, "/console.css"))
		return ui_css(c);
	if (!strcmp(url, "/favicon.ico"))
		return con_reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "", 0,
				 NULL);
	if (!strcmp(url, "/api/v1/session")) {
		if (c->is_post)
			return con_login(c, req, true);
		if (con_auth(c, true))
			return con_error(c, MHD_HTTP_UNAUTHORIZED,
					 "unauthorized", "bad token");
		if (!strcmp(c->method, MHD_HTTP_METHOD_DELETE))
			return con_logout(c, true);
		if (!c->authed)
			return con_error(c, MHD_HTTP_UNAUTHORIZED,
					 "unauthorized", "not signed in");
		return con_json(c, MHD_HTTP_OK,
				json_pack("{s:s, s:s}", "user", c->user.name,
					  "role", user_role_str(c->user.role)));
	}
	if (api) {
		if (con_auth(c, true))
			return con_error(c, MHD_HTTP_UNAUTHORIZED,
					 "unauthorized", "bad token");
		if (!c->authed)
			return con_error(c, MHD_HTTP_UNAUTHORIZED,
					 "unauthorized",
					 "sign in (POST /api/v1/session) or "
					 "send Authorization: Bearer TOKEN");
		return con_api(c, url + 7);
	}
	if (!strcmp(url, "/login")) {
		if (c->is_post)
			return con_login(c, req, false);
		return con_login_form(c, MHD_HTTP_OK, NULL);
	}
	con_auth(c, false);
	if (!c->authed)
		return con_login_form(c, MHD_HTTP_UNAUTHORIZED, NULL);
	/* every form carries the session's token: no token, no change */
	if (c->is_post && !con_csrf_ok(c)) {
		pr_info("console: form without a valid CSRF token refused");
		return ui_msg(c, MHD_HTTP_FORBIDDEN,
			      L(c, "Ditolak", "Refused"),
			      L(c, "Formulir ini kedaluwarsa atau tidak berasal "
				   "dari konsol. Muat ulang halaman lalu coba "
				   "lagi.",
				"This form has expired or did not come from "
				"the console. Reload the page and try again."));
	}
	if (!strcmp(url, "/logout") && c->is_post)
		return con_logout(c, false);
	if (!strcmp(url, "/"))
		return ui_dashboard(c);
	if (!strncmp(url, "/subscribers", 12))
		return ui_subs(c, url + 12);
	if (!strncmp(url, "/invoices", 9))
		return ui_invoices(c, url + 9);
	if (!strncmp(url, "/payments", 9))
		return ui_payments(c, url + 9);
	if (!strcmp(url, "/cashbook"))
		return ui_cashbook(c);
	if (!strncmp(url, "/reports", 8))
		return ui_reports(c, url + 8);
	if (!strncmp(url, "/users", 6))
		return ui_users(c, url + 6);
	return ui_msg(c, MHD_HTTP_NOT_FOUND, L(c, "Tidak ada", "Not found"),
		      L(c, "Halaman ini tidak ada.", "There is no such page."));
}

static enum MHD_Result con_handler(void *cls, struct MHD_Connection *conn,
				   const char *url, const char *method,
				   const char *version, const char *upload,
				   size_t *upload_size, void **con_cls)
{
	struct console *k = cls;
	struct con_req *req = *con_cls;
	struct con_ctx c = { .k = k, .d = k->d, .conn = conn, .url = url,
			     .method = method };
	const char *cl;

	(void)version;
	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > CON_BODY_MAX)
			req->too_big = true;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		char *nb;

		*upload_size = 0;
		if (req->too_big || req->len + n > CON_BODY_MAX) {
			req->too_big = true;
			return MHD_YES;
		}
		nb = realloc(req->body, req->len + n + 1);
		if (!nb)
			return MHD_NO;
		memcpy(nb + req->len, upload, n);
		req->body = nb;
		req->len += n;
		req->body[req->len] = '\0';
		return MHD_YES;
	}
	mhd_deadline_stop(conn);
	if (req->too_big)
		return con_error(&c, MHD_HTTP_CONTENT_TOO_LARGE,
				 "body too large", NULL);
	c.body = req->body;
	c.len = req->len;
	c.is_post = !strcmp(method, MHD_HTTP_METHOD_POST);
	c.req = req;
	return con_route(&c, req);
}

static void con_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		     enum MHD_RequestTerminationCode toe)
{
	struct console *k = cls;
	struct con_req *req = *con_cls;

	(void)toe;
	mhd_deadline_rearm(k->deadline, conn);
	if (!req)
		return;
	con_login_free(req->login);
	con_users_free(req->job);
	if (req->body)	/* a login body holds a password */
		OPENSSL_cleanse(req->body, req->len);
	free(req->body);
	free(req);
	*con_cls = NULL;
}

int console_bind(const char *listen)
{
	char why[NET_ERR_LEN];
	int fd;

	if (!listen || !*listen || !strcmp(listen, "off"))
		return 0;
	fd = net_listen(listen, 32, why, sizeof(why));
	if (fd < 0)
		pr_warn("console: %s", why);
	return fd;
}

int console_start(struct tagihd *d, int fd, const char *cert,
		  const char *key, struct console **out)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct console *k;
	int err = -ENOMEM;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->d = d;
	k->sess = sess_new(CON_SESSIONS, (unsigned)d->conf.admin_idle_timeout);
	k->fail_user = rl_new(1024, CON_FAIL_USER, CON_WINDOW, CON_LOCK);
	k->fail_ip = rl_new(1024, CON_FAIL_IP, CON_WINDOW, CON_LOCK);
	k->run = run_new(d->st);
	if (!k->sess || !k->fail_user || !k->fail_ip || !k->run)
		goto fail;
	err = workers_new(CON_WORKERS, CON_QUEUE, TAGIHD_LOGIN_NICE, &k->pool);
	if (!err)
		err = mhd_deadline_new((unsigned)d->conf.public_request_timeout,
				       &k->deadline);
	if (err)
		goto fail;
	if (cert && key) {
		flags |= MHD_USE_TLS;
		k->tls = true;
	} else {
		tls[0].option = MHD_OPTION_END;
	}
	k->mhd = MHD_start_daemon(flags, 0, NULL, NULL, con_handler, k,
			MHD_OPTION_LISTEN_SOCKET, fd,
			MHD_OPTION_ARRAY, tls,
			MHD_OPTION_CONNECTION_TIMEOUT,
			(unsigned)CON_CONN_TIMEOUT,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)CON_CONN_LIMIT,
			MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			(unsigned)CON_CONN_PER_IP,
			MHD_OPTION_THREAD_POOL_SIZE, (unsigned)CON_THREADS,
			MHD_OPTION_NOTIFY_CONNECTION, mhd_deadline_notify,
			k->deadline,
			MHD_OPTION_NOTIFY_COMPLETED, con_done, k,
			MHD_OPTION_END);
	if (!k->mhd) {
		pr_warn("console: cannot start its HTTP server");
		err = -EIO;
		goto fail;
	}
	*out = k;
	return 0;
fail:
	console_stop(k);
	return err;
}

void console_stop(struct console *k)
{
	if (!k)
		return;
	/* suspended logins are resumed by their workers first */
	workers_free(k->pool);
	if (k->mhd)
		MHD_stop_daemon(k->mhd);
	mhd_deadline_free(k->deadline);
	run_free(k->run);
	rl_free(k->fail_user);
	rl_free(k->fail_ip);
	sess_free(k->sess);
	free(k);
}
