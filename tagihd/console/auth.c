// SPDX-License-Identifier: GPL-2.0
/* auth.c - console sign-in and sign-out: limits first, Argon2id on a worker, a session cookie, audited. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "billing/audit.h"
#include "lib/log.h"
#include "lib/ttime.h"
#include "tagihd/console/console.h"
#include "tagihd/ratelimit.h"
#include "tagihd/workers.h"

/*
 * One sign-in between the two calls of the access handler, as the
 * customer login does (tagihd/page/login.c): the first takes the attempt
 * from both limiters and suspends the connection, a worker verifies the
 * password (and writes the audit entry), the second call answers.
 */
struct login_job {
	struct console *k;
	struct MHD_Connection *conn;
	char user[USER_NAME_MAX + 1];
	char pw[USER_PW_MAX + 2];
	char ukey[48], ikey[64];
	struct user_rec u;
	struct con_sess sess;
	int err;
};

void con_login_free(void *job)
{
	struct login_job *j = job;

	if (!j)
		return;
	OPENSSL_cleanse(j, sizeof(*j));
	free(j);
}

static void login_work(void *arg)
{
	struct login_job *j = arg;
	struct MHD_Connection *conn = j->conn;
	char actor[64];
	MDB_txn *txn;

	j->err = user_login(j->k->d->st, j->user, j->pw, &j->u);
	OPENSSL_cleanse(j->pw, sizeof(j->pw));
	if (!j->err)
		j->err = sess_open(j->k->sess, j->u.name, &j->sess);
	if (!j->err)
		j->err = store_begin(j->k->d->st, true, &txn);
	if (!j->err) {
		j->err = audit_write(txn, j->k->d->st, tt_now(),
				     user_actor(j->u.name, actor,
						sizeof(actor)),
				     "login", NULL, NULL, NULL);
		if (j->err)
			store_abort(txn);
		else
			j->err = store_commit(txn);
		if (j->err)
			sess_close(j->k->sess, j->sess.sid);
	}
	MHD_resume_connection(conn);
}

static void sess_cookie(struct con_ctx *c, const char *sid, char *buf,
			size_t n)
{
	snprintf(buf, n, CON_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 sid, c->k->tls ? "; Secure" : "");
}

static enum MHD_Result login_locked(struct con_ctx *c, bool api,
				    unsigned wait)
{
	char ra[16];
	const struct mhd_hdr h[] = { { "Retry-After", ra }, { NULL, NULL } };
	json_t *o;
	char *s;
	enum MHD_Result ret;

	snprintf(ra, sizeof(ra), "%u", wait);
	if (!api) {
		struct html b = { 0 };

		ui_head(c, &b, L(c, "Terlalu banyak percobaan",
				 "Too many attempts"), NULL);
		html_puts(&b, "<section class=\"card\"><h2>");
		html_text(&b, L(c, "Terlalu banyak percobaan",
				"Too many attempts"));
		html_printf(&b, "</h2><p id=\"locked\">%s</p></section>",
			    L(c, "Coba lagi dalam 15 menit.",
			      "Try again in 15 minutes."));
		ui_foot(c, &b);
		if (b.oom) {
			html_free(&b);
			return MHD_NO;
		}
		ret = con_reply(c, MHD_HTTP_TOO_MANY_REQUESTS,
				"text/html; charset=utf-8", b.p, b.len, h);
		html_free(&b);
		return ret;
	}
	o = json_pack("{s:s, s:s}", "error", "too many attempts", "detail",
		      "try again later (Retry-After)");
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return MHD_NO;
	ret = con_reply(c, MHD_HTTP_TOO_MANY_REQUESTS, "application/json", s,
			strlen(s), h);
	free(s);
	return ret;
}

static enum MHD_Result login_answer(struct con_ctx *c, struct login_job *j,
				    bool api)
{
	char cookie[160];
	const struct mhd_hdr h[] = { { MHD_HTTP_HEADER_SET_COOKIE, cookie },
				     { NULL, NULL } };
	json_t *o;
	char *s;
	enum MHD_Result ret;

	if (j->err == -EACCES) {
		/* counted against both limits when it was taken */
		pr_info("console login: failed");	/* never the name */
		if (api)
			return con_error(c, MHD_HTTP_UNAUTHORIZED,
					 "unauthorized",
					 "wrong user or password");
		return con_login_form(c, MHD_HTTP_UNAUTHORIZED,
				      L(c, "Nama pengguna atau kata sandi "
					   "salah.",
					"Wrong user name or password."));
	}
	rl_untake(c->k->fail_ip, j->ikey);
	if (j->err) {
		rl_untake(c->k->fail_user, j->ukey);
		pr_warn("console login: %s", strerror(-j->err));
		return con_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
				 "try again");
	}
	rl_reset(c->k->fail_user, j->ukey);
	pr_info("console login: %s signed in", user_role_str(j->u.role));
	sess_cookie(c, j->sess.sid, cookie, sizeof(cookie));
	if (!api)
		return con_redirect(c, "/", cookie);
	o = json_pack("{s:s, s:s, s:s}", "user", j->u.name, "role",
		      user_role_str(j->u.role), "csrf", j->sess.csrf);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return MHD_NO;
	ret = con_reply(c, MHD_HTTP_OK, "application/json", s, strlen(s), h);
	free(s);
	return ret;
}

/* The credentials from a JSON body (API) or the form (page). 0 or
 * -EINVAL (unreadable: the API answers 400, the form a plain failure). */
static int login_fields(struct con_ctx *c, bool api, struct login_job *j)
{
	json_error_t je;
	json_t *o, *u, *p;
	int err = -EINVAL;

	if (!api) {
		con_form(c, "user", j->user, sizeof(j->user));
		con_form(c, "password", j->pw, sizeof(j->pw));
		return 0;
	}
	o = json_loadb(c->body ? c->body : "", c->len, 0, &je);
	if (!o)
		return -EINVAL;
	u = json_object_get(o, "user");
	p = json_object_get(o, "password");
	if (json_is_string(u) && json_is_string(p) &&
	    json_string_length(u) < sizeof(j->user) &&
	    json_string_length(p) < sizeof(j->pw)) {
		memcpy(j->user, json_string_value(u), json_string_length(u));
		memcpy(j->pw, json_string_value(p), json_string_length(p));
		err = 0;
	}
	/* the password is in jansson's copy too */
	if (json_is_string(p))
		OPENSSL_cleanse((char *)json_string_value(p),
				json_string_length(p));
	json_decref(o);
	return err;
}

/* The login form's own CSRF pair: a random cookie set with the form,
 * echoed in a hidden field. */
static bool pre_csrf_ok(struct con_ctx *c)
{
	const char *ck = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND,
						     CON_PRE_COOKIE);
	char f[CON_SID_LEN + 2];

	if (!ck || strlen(ck) != CON_SID_LEN ||
	    con_form(c, "csrf", f, sizeof(f)) || strlen(f) != CON_SID_LEN)
		return false;
	return !CRYPTO_memcmp(ck, f, CON_SID_LEN);
}

enum MHD_Result con_login(struct con_ctx *c, struct con_req *req, bool api)
{
	struct login_job *j = req->login;
	enum MHD_Result ret;
	unsigned wait;

	if (j) {	/* resumed: the worker is done */
		ret = login_answer(c, j, api);
		con_login_free(j);
		req->login = NULL;
		return ret;
	}
	if (!api && !pre_csrf_ok(c))
		return ui_msg(c, MHD_HTTP_FORBIDDEN, L(c, "Ditolak", "Refused"),
			      L(c, "Formulir kedaluwarsa: muat ulang halaman "
				   "masuk.",
				"The form has expired: reload the sign-in "
				"page."));
	j = calloc(1, sizeof(*j));
	if (!j)
		return MHD_NO;
	if (login_fields(c, api, j)) {
		con_login_free(j);
		return con_error(c, MHD_HTTP_BAD_REQUEST, "malformed",
				 "send {\"user\": ..., \"password\": ...}");
	}
	mhd_client_key(c->conn, j->ikey, sizeof(j->ikey));
	wait = rl_take(c->k->fail_ip, j->ikey);
	if (wait) {
		pr_info("console login: client address locked out");
		con_login_free(j);
		return login_locked(c, api, wait);
	}
	snprintf(j->ukey, sizeof(j->ukey), "u:%.40s", j->user);
	wait = rl_take(c->k->fail_user, j->ukey);
	if (wait) {
		rl_untake(c->k->fail_ip, j->ikey);
		pr_info("console login: user locked out");
		con_login_free(j);
		return login_locked(c, api, wait);
	}
	if (workers_reserve(c->k->pool)) {
		rl_untake(c->k->fail_user, j->ukey);
		rl_untake(c->k->fail_ip, j->ikey);
		con_login_free(j);
		return con_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
				 "try again");
	}
	j->k = c->k;
	j->conn = c->conn;
	req->login = j;
	MHD_suspend_connection(c->conn);
	workers_push(c->k->pool, login_work, j);
	return MHD_YES;
}

enum MHD_Result con_logout(struct con_ctx *c, bool api)
{
	char cookie[160];
	MDB_txn *txn;

	if (!c->authed || !c->by_cookie) {
		if (api)
			return con_error(c, MHD_HTTP_UNAUTHORIZED,
					 "unauthorized", "no session");
		return con_redirect(c, "/login", NULL);
	}
	sess_close(c->k->sess, c->sess.sid);
	if (!store_begin(c->d->st, true, &txn)) {
		if (audit_write(txn, c->d->st, tt_now(), c->actor, "logout",
				NULL, NULL, NULL) || store_commit(txn))
			store_abort(txn);
	}
	snprintf(cookie, sizeof(cookie), CON_COOKIE "=; Path=/; HttpOnly; "
		 "SameSite=Strict; Max-Age=0%s", c->k->tls ? "; Secure" : "");
	if (!api)
		return con_redirect(c, "/login", cookie);
	{
		const struct mhd_hdr h[] = {
			{ MHD_HTTP_HEADER_SET_COOKIE, cookie }, { NULL, NULL } };
		static const char ok[] = "{\"ok\":true}";

		return con_reply(c, MHD_HTTP_OK, "application/json", ok,
				 sizeof(ok) - 1, h);
	}
}

enum MHD_Result con_login_form(struct con_ctx *c, unsigned status,
			       const char *msg)
{
	struct html b = { 0 };
	char pre[CON_SID_LEN + 1], cookie[160];
	const struct mhd_hdr h[] = { { MHD_HTTP_HEADER_SET_COOKIE, cookie },
				     { NULL, NULL } };
	enum MHD_Result ret;

	const char *have = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND,
						       CON_PRE_COOKIE);
	size_t i;

	/* one pair per browser: a second form (another tab, a favicon that
	 * drew a 401) must not void the first */
	for (i = 0; have && i < CON_SID_LEN; i++)
		if (!strchr("0123456789abcdef", have[i]))
			break;
	if (have && i == CON_SID_LEN && !have[i])
		memcpy(pre, have, CON_SID_LEN + 1);
	else if (sess_random_hex(pre, CON_SID_LEN / 2))
		return MHD_NO;
	snprintf(cookie, sizeof(cookie), CON_PRE_COOKIE "=%s; Path=/login; "
		 "HttpOnly; SameSite=Strict%s", pre,
		 c->k->tls ? "; Secure" : "");
	ui_head(c, &b, L(c, "Masuk", "Sign in"), NULL);
	html_puts(&b, "<section class=\"card narrow\"><h2>");
	html_text(&b, L(c, "Masuk ke konsol", "Sign in to the console"));
	html_puts(&b, "</h2>");
	if (msg) {
		html_puts(&b, "<p class=\"warn\" id=\"error\">");
		html_text(&b, msg);
		html_puts(&b, "</p>");
	}
	html_printf(&b, "<form method=\"post\" action=\"/login\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		    "<label for=\"user\">%s</label><input id=\"user\" "
		    "name=\"user\" autocomplete=\"username\" maxlength=\"32\" "
		    "required autocapitalize=\"none\">"
		    "<label for=\"password\">%s</label><input id=\"password\" "
		    "name=\"password\" type=\"password\" maxlength=\"128\" "
		    "autocomplete=\"current-password\" required>"
		    "<button type=\"submit\" id=\"login\">%s</button></form>"
		    "</section>", pre, L(c, "Nama pengguna", "User name"),
		    L(c, "Kata sandi", "Password"), L(c, "Masuk", "Sign in"));
	ui_foot(c, &b);
	if (b.oom) {
		html_free(&b);
		return MHD_NO;
	}
	ret = con_reply(c, status, "text/html; charset=utf-8", b.p, b.len, h);
	html_free(&b);
	return ret;
}
