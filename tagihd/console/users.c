// SPDX-License-Identifier: GPL-2.0
/* users.c - the owner's users page: list, add (Argon2id on a console worker), role, disable/enable, API token. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "lib/ttime.h"
#include "tagihd/console/console.h"
#include "tagihd/workers.h"

/* A new user's password being hashed (between two handler calls). */
struct users_job {
	struct MHD_Connection *conn;
	char name[USER_NAME_MAX + 1];
	int role;
	char pw[USER_PW_MAX + 2];
	char hash[USER_HASH_MAX];
	int err;
};

void con_users_free(void *job)
{
	if (!job)
		return;
	OPENSSL_cleanse(job, sizeof(struct users_job));
	free(job);
}

static void users_work(void *arg)
{
	struct users_job *j = arg;
	struct MHD_Connection *conn = j->conn;

	j->err = user_pw_hash(j->pw, j->hash);
	OPENSSL_cleanse(j->pw, sizeof(j->pw));
	MHD_resume_connection(conn);
}

struct list_ctx {
	struct con_ctx *c;
	struct html *b;
};

static void role_select(struct con_ctx *c, struct html *b, const char *id,
			int cur)
{
	int i;

	html_printf(b, "<select id=\"%s\" name=\"role\">", id);
	for (i = 0; i < ROLE__MAX; i++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>",
			    user_role_str(i), i == cur ? " selected" : "",
			    user_role_str(i));
	html_puts(b, "</select>");
	(void)c;
}

static void user_form(struct con_ctx *c, struct html *b, const char *name,
		      const char *verb, const char *label, const char *extra)
{
	html_printf(b, "<form method=\"post\" action=\"/users/%s\">", verb);
	ui_csrf(c, b);
	html_printf(b, "<input type=\"hidden\" name=\"user\" value=\"%s\">%s"
		    "<button type=\"submit\" id=\"%s-%s\">%s</button></form>",
		    name, extra ? extra : "", verb, name, label);
}

static int list_cb(const struct user_rec *u, void *ctx)
{
	struct list_ctx *l = ctx;
	struct con_ctx *c = l->c;
	struct html *b = l->b;
	struct html sel = { 0 };
	char t[40];

	/* names are [A-Za-z0-9._-]: safe in attributes as they are */
	html_printf(b, "<tr id=\"user-%s\"><td>%s</td><td>%s</td><td>%s</td>"
		    "<td>%s</td><td>%.16s</td><td>", u->name, u->name,
		    user_role_str(u->role), u->disabled ?
		    L(c, "nonaktif", "disabled") : L(c, "aktif", "active"),
		    u->has_token ? L(c, "ada", "yes") : "-",
		    tt_fmt_time_local(u->updated, t, sizeof(t)));
	if (strcmp(u->name, c->user.name)) {
		role_select(c, &sel, "role", u->role);
		user_form(c, b, u->name, "role", L(c, "Ganti peran",
						   "Set role"), sel.p);
		html_free(&sel);
		user_form(c, b, u->name, u->disabled ? "enable" : "disable",
			  u->disabled ? L(c, "Aktifkan", "Enable") :
			  L(c, "Nonaktifkan", "Disable"), NULL);
	}
	user_form(c, b, u->name, "token", L(c, "Token API baru",
					    "New API token"), NULL);
	if (u->has_token)
		user_form(c, b, u->name, "revoke", L(c, "Cabut token",
						     "Revoke token"), NULL);
	html_puts(b, "</td></tr>");
	return 0;
}

static enum MHD_Result users_page(struct con_ctx *c, unsigned status,
				  const char *flash, bool warn)
{
	struct html b = { 0 };
	struct list_ctx l = { c, &b };
	MDB_txn *txn;

	ui_head(c, &b, L(c, "Pengguna", "Users"), "users");
	html_printf(&b, "<h1>%s</h1>", L(c, "Pengguna konsol",
					 "Console users"));
	if (flash) {
		html_printf(&b, "<p class=\"%s\" id=\"flash\">",
			    warn ? "warn" : "okmsg");
		html_text(&b, flash);
		html_puts(&b, "</p>");
	}
	html_printf(&b, "<section class=\"card\"><table id=\"users\"><tr><th>%s"
		    "</th><th>%s</th><th>Status</th><th>Token</th><th>%s</th>"
		    "<th></th></tr>", L(c, "Nama", "Name"),
		    L(c, "Peran", "Role"), L(c, "Diubah", "Updated"));
	if (!store_begin(c->d->st, false, &txn)) {
		user_foreach(txn, c->d->st, list_cb, &l);
		store_abort(txn);
	}
	html_printf(&b, "</table></section><section class=\"card narrow\"><h2>%s"
		    "</h2><form method=\"post\" action=\"/users/add\">",
		    L(c, "Tambah pengguna", "Add a user"));
	ui_csrf(c, &b);
	html_printf(&b, "<label for=\"u-name\">%s</label><input id=\"u-name\" "
		    "name=\"user\" required maxlength=\"32\" pattern="
		    "\"[A-Za-z0-9._-]{1,32}\" autocomplete=\"off\"><label "
		    "for=\"u-role\">%s</label>", L(c, "Nama pengguna",
						    "User name"),
		    L(c, "Peran", "Role"));
	role_select(c, &b, "u-role", ROLE_KASIR);
	html_printf(&b, "<label for=\"u-pw\">%s</label><input id=\"u-pw\" "
		    "name=\"password\" type=\"password\" minlength=\"%d\" "
		    "maxlength=\"%d\" autocomplete=\"new-password\" required>"
		    "<button type=\"submit\" id=\"u-add\">%s</button></form>"
		    "</section>", L(c, "Kata sandi (min. 8)",
				    "Password (at least 8)"), USER_PW_MIN,
		    USER_PW_MAX, L(c, "Tambah", "Add"));
	ui_foot(c, &b);
	return ui_page(c, status, &b);
}

/* POST /users/add, first call: check, then hash on a worker. */
static enum MHD_Result users_add_start(struct con_ctx *c)
{
	struct users_job *j = calloc(1, sizeof(*j));
	char role[16];

	if (!j)
		return MHD_NO;
	if (con_form(c, "user", j->name, sizeof(j->name)) ||
	    user_name_check(j->name) ||
	    con_form(c, "role", role, sizeof(role)) ||
	    user_role_parse(role, &j->role) ||
	    con_form(c, "password", j->pw, sizeof(j->pw)) ||
	    user_pw_check(j->pw)) {
		con_users_free(j);
		return users_page(c, MHD_HTTP_BAD_REQUEST,
				  L(c, "Nama 1-32 huruf, angka, . _ -; kata "
				       "sandi 8-128 karakter.",
				    "Name: 1-32 letters, digits, . _ -; "
				    "password: 8-128 characters."), true);
	}
	if (workers_reserve(c->k->pool)) {
		con_users_free(j);
		return users_page(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				  L(c, "Sibuk, coba lagi.", "Busy, try again."),
				  true);
	}
	j->conn = c->conn;
	c->req->job = j;
	MHD_suspend_connection(c->conn);
	workers_push(c->k->pool, users_work, j);
	return MHD_YES;
}

/* Second call: the hash is made; add the user. */
static enum MHD_Result users_add_finish(struct con_ctx *c)
{
	struct users_job *j = c->req->job;
	struct user_rec u = { 0 };
	MDB_txn *txn;
	int err = j->err;

	c->req->job = NULL;
	if (!err) {
		snprintf(u.name, sizeof(u.name), "%s", j->name);
		u.role = j->role;
		memcpy(u.pwhash, j->hash, sizeof(u.pwhash));
		err = store_begin(c->d->st, true, &txn);
		if (!err) {
			err = user_add(txn, c->d->st, &u, tt_now(), c->actor);
			if (err)
				store_abort(txn);
			else
				err = store_commit(txn);
		}
	}
	con_users_free(j);
	OPENSSL_cleanse(&u, sizeof(u));
	if (err)
		return users_page(c, err == -EEXIST ? MHD_HTTP_CONFLICT :
				  MHD_HTTP_INTERNAL_SERVER_ERROR,
				  err == -EEXIST ? L(c, "Nama itu sudah ada.",
						     "That name exists.") :
				  L(c, "Tidak disimpan.", "Not saved."), true);
	return users_page(c, MHD_HTTP_OK, L(c, "Pengguna ditambahkan.",
					    "User added."), false);
}

static enum MHD_Result users_change(struct con_ctx *c, const char *verb)
{
	char name[USER_NAME_MAX + 2], role[16], tok[USER_TOKEN_LEN + 1];
	char flash[160];
	struct user_rec u;
	MDB_txn *txn;
	int err, r = -1;
	const char *action;

	if (con_form(c, "user", name, sizeof(name)) || user_name_check(name))
		return users_page(c, 400, L(c, "Tidak ada pengguna itu.",
					    "No such user."), true);
	/* the owner keeps their own role and access: no lock-out by mistake */
	if (!strcmp(name, c->user.name) && strcmp(verb, "token") &&
	    strcmp(verb, "revoke"))
		return users_page(c, 409, L(c, "Akun sendiri tidak bisa diubah "
					    "di sini.",
					    "Your own account cannot be changed "
					    "here."), true);
	if (!strcmp(verb, "role") &&
	    (con_form(c, "role", role, sizeof(role)) ||
	     user_role_parse(role, &r)))
		return users_page(c, 400, L(c, "Peran tidak sah.",
					    "Not a role."), true);
	if (store_begin(c->d->st, true, &txn))
		return ui_msg(c, 503, "tagih", "store");
	flash[0] = '\0';
	if (!strcmp(verb, "token")) {
		err = user_token_new(txn, c->d->st, name, tt_now(), c->actor,
				     tok);
		if (!err)
			snprintf(flash, sizeof(flash), "%s: %s", L(c,
				 "Token baru (tampil sekali saja)",
				 "New token (shown once)"), tok);
		OPENSSL_cleanse(tok, sizeof(tok));
	} else if (!strcmp(verb, "revoke")) {
		err = user_token_revoke(txn, c->d->st, name, tt_now(),
					c->actor);
	} else {
		err = user_get(txn, c->d->st, name, &u);
		action = "user_set";
		if (!err && !strcmp(verb, "role"))
			u.role = r;
		else if (!err && !strcmp(verb, "disable"))
			u.disabled = 1, action = "user_disable";
		else if (!err && !strcmp(verb, "enable"))
			u.disabled = 0;
		else if (!err)
			err = -ENOENT;
		if (!err)
			err = user_put(txn, c->d->st, &u, tt_now(), c->actor,
				       action);
	}
	if (err || store_commit(txn)) {
		if (err)
			store_abort(txn);
		OPENSSL_cleanse(flash, sizeof(flash));
		return users_page(c, err == -ENOENT ? 404 : 400,
				  L(c, "Tidak disimpan.", "Not saved."), true);
	}
	{
		enum MHD_Result ret = users_page(c, MHD_HTTP_OK, flash[0] ?
						 flash : L(c, "Disimpan.",
							   "Saved."), false);

		OPENSSL_cleanse(flash, sizeof(flash));
		return ret;
	}
}

enum MHD_Result ui_users(struct con_ctx *c, const char *path)
{
	if (!con_can(c, PERM_USERS))
		return ui_403(c);
	if (c->req && c->req->job)
		return users_add_finish(c);
	if (!c->is_post)
		return *path ? ui_msg(c, 404, L(c, "Tidak ada", "Not found"),
				      "") : users_page(c, MHD_HTTP_OK, NULL,
						       false);
	if (!strcmp(path, "/add"))
		return users_add_start(c);
	if (!strcmp(path, "/role") || !strcmp(path, "/disable") ||
	    !strcmp(path, "/enable") || !strcmp(path, "/token") ||
	    !strcmp(path, "/revoke"))
		return users_change(c, path + 1);
	return ui_msg(c, 404, L(c, "Tidak ada", "Not found"), "");
}
