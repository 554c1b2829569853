// SPDX-License-Identifier: GPL-2.0
/* login.c - /login: phone + PIN, counted against the limits, hashed on a worker, answered 303, 401 or 429. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/custlink.h"
#include "billing/custpin.h"
#include "billing/gateway/webhook.h"
#include "billing/sub.h"
#include "lib/log.h"
#include "lib/mhd.h"
#include "lib/ttime.h"
#include "tagihd/page.h"
#include "tagihd/page/render.h"
#include "lib/form.h"
#include "tagihd/ratelimit.h"
#include "tagihd/workers.h"

/*
 * One login between its two calls of the access handler: the first
 * takes the attempt from both limiters and suspends the connection, a
 * worker checks the PIN (and makes the link) and resumes it, the second
 * call answers. The worker never touches the job after the resume.
 */
struct login_job {
	struct tagihd *d;
	struct MHD_Connection *conn;
	char phone[32], pin[16];
	char pkey[48], ikey[64];
	char id[SUB_ID_MAX + 1], tok[CUSTLINK_TOKEN_LEN + 1];
	int err;
};

/*
 * The form. Every failure shows exactly this page with the same message:
 * nothing typed is echoed, so a wrong PIN and an unknown phone cannot be
 * told apart.
 */
static enum MHD_Result login_form(struct MHD_Connection *conn,
				  unsigned status, const struct words *w,
				  bool failed)
{
	struct html b = { 0 };

	page_head(&b, w, w->login_title);
	html_printf(&b, "<header><h1>%s</h1><a href=\"?lang=%s\" hreflang=\"%s\">"
		  "%s</a></header>", w->login_title, w->switch_q, w->switch_q,
		  w->switch_to);
	html_puts(&b, "<section class=\"card\">");
	if (failed) {
		html_puts(&b, "<p class=\"warn\" id=\"error\">");
		html_text(&b, w->login_failed);
		html_puts(&b, "</p>");
	}
	html_puts(&b, "<p class=\"muted\">");
	html_text(&b, w->login_intro);
	html_printf(&b, "</p><form method=\"post\" action=\"/login?lang=%s\" "
		  "autocomplete=\"on\">", w->html_lang);
	html_printf(&b, "<label for=\"phone\">%s</label><input id=\"phone\" "
		  "name=\"phone\" type=\"tel\" inputmode=\"tel\" "
		  "autocomplete=\"tel\" maxlength=\"24\" required "
		  "placeholder=\"08xxxxxxxxxx\">", w->phone);
	html_printf(&b, "<label for=\"pin\">%s</label><input id=\"pin\" "
		  "name=\"pin\" type=\"password\" inputmode=\"numeric\" "
		  "pattern=\"[0-9]{%d,%d}\" minlength=\"%d\" maxlength=\"%d\" "
		  "autocomplete=\"current-password\" required>", w->pin,
		  CUSTPIN_MIN, CUSTPIN_MAX, CUSTPIN_MIN, CUSTPIN_MAX);
	html_printf(&b, "<button type=\"submit\" id=\"login\">%s</button>"
		  "</form></section></main></body></html>", w->login_btn);
	return page_html(conn, status, &b, NULL, NULL);
}

static enum MHD_Result login_locked(struct MHD_Connection *conn,
				    const struct words *w, unsigned wait)
{
	struct html b = { 0 };
	char back[32], ra[16];

	snprintf(back, sizeof(back), "/login?lang=%s", w->html_lang);
	page_card(&b, w, w->login_locked, w->login_locked_text, back);
	snprintf(ra, sizeof(ra), "%u", wait);
	return page_html(conn, MHD_HTTP_TOO_MANY_REQUESTS, &b, "Retry-After",
			 ra);
}

static enum MHD_Result login_busy(struct MHD_Connection *conn,
				  const struct words *w)
{
	struct html b = { 0 };
	char back[32];

	snprintf(back, sizeof(back), "/login?lang=%s", w->html_lang);
	page_card(&b, w, w->login_busy, w->login_busy_text, back);
	return page_html(conn, MHD_HTTP_SERVICE_UNAVAILABLE, &b, "Retry-After",
			 "1");
}

/* The subscriber's link, made when there is none. Returns 0 or -errno. */
static int login_link(struct tagihd *d, const char *id, char *tok)
{
	struct sub_rec r;
	MDB_txn *txn;
	int err;

	err = store_begin(d->st, true, &txn);
	if (err)
		return err;
	err = sub_get(txn, d->st, id, &r);
	if (err)
		goto abort;
	if (!custlink_token_check(r.link_token)) {
		memcpy(tok, r.link_token, CUSTLINK_TOKEN_LEN + 1);
		store_abort(txn);
		explicit_bzero(&r, sizeof(r));
		return 0;
	}
	err = custlink_issue(txn, d->st, id, tt_now(), "tagihd:login", tok);
	if (err)
		goto abort;
	explicit_bzero(&r, sizeof(r));
	return store_commit(txn);
abort:
	explicit_bzero(&r, sizeof(r));
	store_abort(txn);
	return err;
}

void page_login_free(void *state)
{
	struct login_job *j = state;

	if (!j)
		return;
	explicit_bzero(j, sizeof(*j));
	free(j);
}

/* On a worker: the slow part, then wake the connection. */
static void login_work(void *arg)
{
	struct login_job *j = arg;
	struct MHD_Connection *conn = j->conn;

	j->err = custpin_login(j->d->st, j->phone, j->pin, j->id);
	if (!j->err)
		j->err = login_link(j->d, j->id, j->tok);
	explicit_bzero(j->pin, sizeof(j->pin));
	MHD_resume_connection(conn);
}

/* The second call: the worker's verdict into the answer. */
static enum MHD_Result login_answer(struct tagihd *d,
				    struct MHD_Connection *conn,
				    const struct words *w, struct login_job *j)
{
	char loc[CUSTLINK_TOKEN_LEN + 16];
	enum MHD_Result ret;

	if (j->err == -EACCES) {
		/* both limiters counted it when it was taken */
		pr_info("customer login: failed");	/* never the phone */
		return login_form(conn, MHD_HTTP_UNAUTHORIZED, w, true);
	}
	rl_untake(d->login_ip, j->ikey);
	if (j->err) {
		rl_untake(d->login_phone, j->pkey);
		pr_warn("customer login: %s", strerror(-j->err));
		return page_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "try again\n", NULL, NULL);
	}
	rl_reset(d->login_phone, j->pkey);
	pr_info("customer login: subscriber %s", j->id);
	snprintf(loc, sizeof(loc), "/c/%s%s", j->tok,
		 !strcmp(w->html_lang, "en") ? "?lang=en" : "");
	ret = page_text(conn, MHD_HTTP_SEE_OTHER, "",
			MHD_HTTP_HEADER_LOCATION, loc);
	explicit_bzero(loc, sizeof(loc));
	return ret;
}

/*
 * The first call: the attempt is taken from the address's and the
 * phone's limiter before any work, each in one step (rl_take), so 40
 * parallel tries for one phone get exactly TAGIHD_LOGIN_FAIL_PHONE
 * checks; then the job goes to a worker. Returns with the connection
 * suspended, or with an answer queued (429, 503 when the queue is full).
 */
static enum MHD_Result login_start(struct tagihd *d,
				   struct MHD_Connection *conn,
				   const struct words *w, const char *body,
				   size_t len, void **state)
{
	char norm[CUSTPIN_PHONE_MAX];
	struct login_job *j;
	enum MHD_Result ret;
	unsigned wait;

	j = calloc(1, sizeof(*j));
	if (!j)
		return MHD_NO;
	mhd_client_key(conn, j->ikey, sizeof(j->ikey));
	wait = rl_take(d->login_ip, j->ikey);
	if (wait) {
		pr_info("customer login: client address locked out");
		ret = login_locked(conn, w, wait);
		goto out;
	}
	/* a missing or garbled field is just another wrong answer */
	form_get(body, len, "phone", j->phone, sizeof(j->phone));
	form_get(body, len, "pin", j->pin, sizeof(j->pin));
	if (!custpin_phone_norm(j->phone, norm))
		snprintf(j->pkey, sizeof(j->pkey), "ph:%s", norm);
	else
		snprintf(j->pkey, sizeof(j->pkey), "raw:%.40s", j->phone);
	explicit_bzero(norm, sizeof(norm));
	wait = rl_take(d->login_phone, j->pkey);
	if (wait) {
		rl_untake(d->login_ip, j->ikey);
		pr_info("customer login: phone locked out");
		ret = login_locked(conn, w, wait);
		goto out;
	}
	if (workers_reserve(d->login_pool)) {
		rl_untake(d->login_phone, j->pkey);
		rl_untake(d->login_ip, j->ikey);
		pr_info("customer login: too many at once, answered busy");
		ret = login_busy(conn, w);
		goto out;
	}
	j->d = d;
	j->conn = conn;
	*state = j;
	MHD_suspend_connection(conn);
	workers_push(d->login_pool, login_work, j);
	return MHD_YES;
out:
	page_login_free(j);
	return ret;
}

enum MHD_Result page_login(struct tagihd *d, struct MHD_Connection *conn,
			   const char *method, const char *body, size_t len,
			   void **state)
{
	const struct words *w = page_words(page_lang(conn));
	enum MHD_Result ret;

	if (*state) {	/* resumed: the worker is done with it */
		ret = login_answer(d, conn, w, *state);
		page_login_free(*state);
		*state = NULL;
		return ret;
	}
	if (!strcmp(method, MHD_HTTP_METHOD_GET) ||
	    !strcmp(method, MHD_HTTP_METHOD_HEAD))
		return login_form(conn, MHD_HTTP_OK, w, false);
	if (strcmp(method, MHD_HTTP_METHOD_POST))
		return page_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				 "GET, POST\n", "Allow", "GET, HEAD, POST");
	return login_start(d, conn, w, body, len, state);
}
