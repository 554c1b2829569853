/* SPDX-License-Identifier: GPL-2.0 */
/* console.h - the operator's console inside tagihd: its own listener, sessions, the JSON API and the pages. */
#ifndef TAGIHD_CONSOLE_H
#define TAGIHD_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>
#include <jansson.h>

#include "billing/user.h"
#include "lib/html.h"
#include "lib/mhd.h"
#include "tagihd/tagihd.h"
#include "tagihd/page/words.h"

/*
 * Limits. The console is for a handful of staff: few connections, small
 * bodies, its own Argon2 workers (so a burst of console logins never
 * waits behind the customers' PIN checks, nor they behind it).
 */
#define CON_BODY_MAX (16 * 1024)
#define CON_CONN_LIMIT 64
#define CON_CONN_PER_IP 16
#define CON_THREADS 2
#define CON_CONN_TIMEOUT 30
#define CON_WORKERS 2
#define CON_QUEUE 16
#define CON_SESSIONS 1024	/* the oldest is dropped beyond */
/* Login: 5 failures for one user name within 15 minutes lock that name
 * for 15 minutes (429); 20 from one client address lock the address. */
#define CON_FAIL_USER 5
#define CON_FAIL_IP 20
#define CON_WINDOW 900
#define CON_LOCK 900

#define CON_SID_LEN 64		/* hex of 32 random bytes */
#define CON_COOKIE "tagih_sid"
#define CON_PRE_COOKIE "tagih_pre"	/* the login form's CSRF pair */
#define CON_LANG_COOKIE "tagih_lang"

struct console;

/*
 * Bind a.p (admin_listen) before the capabilities go; then start serving
 * once the store is open. console_bind returns the socket, 0 when the
 * console is off ("off"), or -errno (said why). console_start: 0 or
 * -errno. console_stop: NULL-safe.
 */
int console_bind(const char *listen);
int console_start(struct tagihd *d, int fd, const char *cert,
		  const char *key, struct console **out);
void console_stop(struct console *k);

/* --- below: shared by the console's files only ---------------------- */

struct con_sess {
	char sid[CON_SID_LEN + 1];
	char csrf[CON_SID_LEN + 1];
	char user[USER_NAME_MAX + 1];
	int64_t last;		/* CLOCK_MONOTONIC seconds */
};

/* Sessions: in memory only (a restart signs everyone out). */
struct con_sessions;
struct con_sessions *sess_new(unsigned slots, unsigned idle);
void sess_free(struct con_sessions *s);
/* A new session for user; *out gets its sid and csrf. 0 or -EIO. */
int sess_open(struct con_sessions *s, const char *user, struct con_sess *out);
/* The live session of sid (touched), copied into *out. 0 or -ENOENT. */
int sess_get(struct con_sessions *s, const char *sid, struct con_sess *out);
void sess_close(struct con_sessions *s, const char *sid);
/* Random hex (2 * nbytes digits) into out. 0 or -EIO. */
int sess_random_hex(char *out, size_t nbytes);

struct console {
	struct tagihd *d;
	struct MHD_Daemon *mhd;
	bool tls;
	struct con_sessions *sess;
	struct rl *fail_user, *fail_ip;
	struct workers *pool;
	struct mhd_deadline *deadline;
	struct con_run *run;	/* the invoice run (run.c) */
};

/* One request between the calls of the access handler. */
struct con_req {
	char *body;
	size_t len;
	bool too_big;
	void *login;		/* the login job while a worker has it */
	void *job;		/* users.c: a password to hash, likewise */
};

/* What a request is, once its body is in and who sent it is known. */
struct con_ctx {
	struct console *k;
	struct tagihd *d;
	struct MHD_Connection *conn;
	const char *url, *method;
	const char *body;
	size_t len;
	bool authed, by_token, by_cookie;
	struct user_rec user;
	struct con_sess sess;	/* by_cookie */
	char actor[64];		/* console:NAME */
	enum lang lang;
	bool is_post;
	struct con_req *req;	/* for handlers that suspend (users.c) */
};

/* Words: Bahasa Indonesia, or English after ?lang=en. */
#define L(c, id, en) ((c)->lang == LANG_EN ? (en) : (id))
static inline const struct words *con_words(const struct con_ctx *c)
{
	return page_words(c->lang);
}

/* Query and form values. */
const char *con_arg(const struct con_ctx *c, const char *name);
/* The value of name in the form body, decoded into out. 0, -ENOENT,
 * -EINVAL (too long, bad escape, control character). */
int con_form(const struct con_ctx *c, const char *name, char *out, size_t n);
/* The form's csrf field equals the session's (constant time). */
bool con_csrf_ok(const struct con_ctx *c);
bool con_can(const struct con_ctx *c, enum user_perm p);

/* Replies with the console's headers (strict CSP, no cache, no frame). */
enum MHD_Result con_reply(struct con_ctx *c, unsigned status,
			  const char *ctype, const void *body, size_t len,
			  const struct mhd_hdr *extra);
enum MHD_Result con_json(struct con_ctx *c, unsigned status, json_t *o);
enum MHD_Result con_error(struct con_ctx *c, unsigned status,
			  const char *error, const char *detail);
enum MHD_Result con_redirect(struct con_ctx *c, const char *to,
			     const char *cookie);

/* Login (auth.c): POST /api/v1/session and POST /login, on a worker. */
enum MHD_Result con_login(struct con_ctx *c, struct con_req *req, bool api);
void con_login_free(void *job);
/* Logout: the session ends, the cookie is cleared. */
enum MHD_Result con_logout(struct con_ctx *c, bool api);
/* The login form (GET /login), status 200 or 401 (failed). */
enum MHD_Result con_login_form(struct con_ctx *c, unsigned status,
			       const char *msg);

/* The JSON API (api.c): url below /api/v1. */
enum MHD_Result con_api(struct con_ctx *c, const char *path);

/* The pages (ui.c frame; dash.c, subs.c, money.c, reports.c). */
void ui_head(struct con_ctx *c, struct html *b, const char *title,
	     const char *nav);
void ui_foot(struct con_ctx *c, struct html *b);
enum MHD_Result ui_page(struct con_ctx *c, unsigned status, struct html *b);
enum MHD_Result ui_msg(struct con_ctx *c, unsigned status, const char *h,
		       const char *text);
enum MHD_Result ui_403(struct con_ctx *c);
enum MHD_Result ui_css(struct con_ctx *c);
/* A hidden csrf field for a form. */
void ui_csrf(struct con_ctx *c, struct html *b);
/* "Rp 150.000" */
const char *ui_rp(int64_t v, char *buf, size_t n);
/* A bar chart: n values with labels, inline SVG (id: element id). */
void ui_bars(struct html *b, const char *id, const char *title, int n,
	     const char *const *labels, const int64_t *v, const int64_t *v2,
	     const char *legend1, const char *legend2);

enum MHD_Result ui_dashboard(struct con_ctx *c);
enum MHD_Result ui_subs(struct con_ctx *c, const char *path);
enum MHD_Result ui_invoices(struct con_ctx *c, const char *path);
enum MHD_Result ui_payments(struct con_ctx *c, const char *path);
enum MHD_Result ui_cashbook(struct con_ctx *c);
enum MHD_Result ui_reports(struct con_ctx *c, const char *path);
/* The owner's users page (users.c); con_users_free for con_done. */
enum MHD_Result ui_users(struct con_ctx *c, const char *path);
void con_users_free(void *job);

#endif
