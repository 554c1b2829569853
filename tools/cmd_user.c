// SPDX-License-Identifier: GPL-2.0
/* cmd_user.c - `tagih user`: the console's staff (owner, admin, kasir, teknisi), passwords and API tokens. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "billing/audit.h"
#include "billing/user.h"
#include "lib/ttime.h"
#include "tools/billcli.h"

static json_t *user_json(const struct user_rec *u)
{
	char cr[40], up[40];

	return json_pack("{s:s, s:s, s:b, s:b, s:s, s:s}", "name", u->name,
			 "role", user_role_str(u->role), "disabled",
			 (int)u->disabled, "token", (int)u->has_token,
			 "created", tt_fmt_time_local(u->created, cr,
						      sizeof(cr)),
			 "updated", tt_fmt_time_local(u->updated, up,
						      sizeof(up)));
}

/*
 * The new password into pw: from --password-file, else standard input
 * (asked twice without echo on a terminal). Before any txn. 0 or
 * CLI_USAGE / CLI_FAIL (said why).
 */
static int user_read_pw(const char *file, char *pw, size_t n)
{
	char again[USER_PW_MAX + 2];
	bool tty = !file && isatty(STDIN_FILENO);
	int err;

	err = cli_read_secret(file ? file : "-", tty ? "Password: " : NULL,
			      pw, n);
	if (!err && tty) {
		err = cli_read_secret("-", "Password again: ", again,
				      sizeof(again));
		if (!err && strcmp(pw, again)) {
			OPENSSL_cleanse(again, sizeof(again));
			cli_err("the two passwords differ; nothing changed");
			return CLI_USAGE;
		}
		OPENSSL_cleanse(again, sizeof(again));
	}
	if (err) {
		cli_err("cannot read the password%s%s: %s", file ? " from " : "",
			file ? file : "", err == -EINVAL ?
			"empty, too long or more than one line" :
			strerror(-err));
		return CLI_USAGE;
	}
	if (user_pw_check(pw)) {
		OPENSSL_cleanse(pw, n);
		cli_err("a password is %d..%d characters of text (no control "
			"characters); nothing changed", USER_PW_MIN,
			USER_PW_MAX);
		return CLI_USAGE;
	}
	return 0;
}

static int user_name_arg(const char *name)
{
	if (!user_name_check(name))
		return 0;
	cli_err("bad user name '%s': use 1..%d of A-Z a-z 0-9 . _ -", name,
		USER_NAME_MAX);
	return CLI_USAGE;
}

static int user_fail(const char *what, const char *name, int err)
{
	if (err == -ENOENT)
		cli_err("no user '%s'", name);
	else if (err == -EEXIST)
		cli_err("user '%s' already exists", name);
	else
		cli_err("cannot %s user '%s': %s", what, name, strerror(-err));
	return CLI_FAIL;
}

enum { A_ROLE, A_PWFILE };
static const struct cli_opt add_opts[] = {
	[A_ROLE] = { "role", CLI_CHOICE, NULL, "what the user may do", CLI_REQ,
		     .choices = "owner|admin|kasir|teknisi" },
	[A_PWFILE] = { "password-file", CLI_STR, "FILE",
		       "read the password from FILE (one line) instead of "
		       "asking" },
	{}
};

static int user_cmd_add(struct cli *c, struct cli_args *a)
{
	struct user_rec u = { 0 };
	char pw[USER_PW_MAX + 2], actor[64];
	const char *name = a->argv[0];
	MDB_txn *txn;
	int role = -1, err;

	if ((err = user_name_arg(name)))
		return err;
	if (user_role_parse(a->o[A_ROLE].s, &role))
		return CLI_USAGE;
	if ((err = user_read_pw(a->o[A_PWFILE].s, pw, sizeof(pw))))
		return err;
	err = user_pw_hash(pw, u.pwhash);
	OPENSSL_cleanse(pw, sizeof(pw));
	if (err) {
		cli_err("cannot hash the password: %s", strerror(-err));
		return CLI_FAIL;
	}
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.role = role;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = user_add(txn, c->st, &u, tt_now(),
		       audit_cli_actor(actor, sizeof(actor)));
	if (err) {
		store_abort(txn);
		return user_fail("add", name, err);
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(user_json(&u));
	else
		printf("added %s '%s'\n", user_role_str(role), name);
	return CLI_OK;
}

static int user_list_cb(const struct user_rec *u, void *ctx)
{
	json_t *arr = ctx;
	char t[40];

	if (arr)
		return json_array_append_new(arr, user_json(u)) ? -ENOMEM : 0;
	printf("%-32s %-8s %-8s %-5s %s\n", cli_tx(u->name),
	       user_role_str(u->role), u->disabled ? "disabled" : "active",
	       u->has_token ? "yes" : "no",
	       tt_fmt_time_local(u->updated, t, sizeof(t)));
	return 0;
}

static int user_cmd_list(struct cli *c, struct cli_args *a)
{
	json_t *arr = c->json ? json_array() : NULL;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	if (!arr)
		printf("%-32s %-8s %-8s %-5s %s\n", "NAME", "ROLE", "STATE",
		       "TOKEN", "UPDATED");
	err = user_foreach(txn, c->st, user_list_cb, arr);
	store_abort(txn);
	if (err) {
		json_decref(arr);
		cli_err("cannot list users: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (arr)
		bill_json_out(arr);
	return CLI_OK;
}

/* Read name, let change() edit it, write it back audited as action. */
static int user_change(struct cli *c, const char *name, const char *action,
		       int (*change)(struct user_rec *u, void *ctx), void *ctx)
{
	struct user_rec u;
	char actor[64];
	MDB_txn *txn;
	int err;

	if ((err = user_name_arg(name)))
		return err;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = user_get(txn, c->st, name, &u);
	if (!err)
		err = change(&u, ctx);
	if (!err)
		err = user_put(txn, c->st, &u, tt_now(),
			       audit_cli_actor(actor, sizeof(actor)), action);
	if (err) {
		store_abort(txn);
		return user_fail("change", name, err);
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(user_json(&u));
	else
		printf("user '%s': %s, %s\n", name, user_role_str(u.role),
		       u.disabled ? "disabled" : "active");
	return CLI_OK;
}

enum { S_ROLE, S_ENABLE };
static const struct cli_opt set_opts[] = {
	[S_ROLE] = { "role", CLI_CHOICE, NULL, "a new role",
		     .choices = "owner|admin|kasir|teknisi" },
	[S_ENABLE] = { "enable", CLI_FLAG, NULL,
		       "let a disabled user sign in again" },
	{}
};

static int set_change(struct user_rec *u, void *ctx)
{
	struct cli_args *a = ctx;
	int role;

	if (a->o[S_ROLE].s && !user_role_parse(a->o[S_ROLE].s, &role))
		u->role = role;
	if (a->o[S_ENABLE].n)
		u->disabled = 0;
	return 0;
}

static int user_cmd_set(struct cli *c, struct cli_args *a)
{
	if (!a->o[S_ROLE].s && !a->o[S_ENABLE].n) {
		cli_err("nothing to change: give --role or --enable");
		return CLI_USAGE;
	}
	return user_change(c, a->argv[0], "user_set", set_change, a);
}

static int disable_change(struct user_rec *u, void *ctx)
{
	(void)ctx;
	u->disabled = 1;
	return 0;
}

static int user_cmd_disable(struct cli *c, struct cli_args *a)
{
	/* its sessions end at their next request: the console reads the
	 * record on every request */
	return user_change(c, a->argv[0], "user_disable", disable_change,
			   NULL);
}

enum { W_PWFILE };
static const struct cli_opt passwd_opts[] = {
	[W_PWFILE] = { "password-file", CLI_STR, "FILE",
		       "read the password from FILE (one line) instead of "
		       "asking" },
	{}
};

static int passwd_change(struct user_rec *u, void *ctx)
{
	memcpy(u->pwhash, ctx, USER_HASH_MAX);
	return 0;
}

static int user_cmd_passwd(struct cli *c, struct cli_args *a)
{
	char pw[USER_PW_MAX + 2], hash[USER_HASH_MAX];
	int err;

	if ((err = user_name_arg(a->argv[0])))
		return err;
	if ((err = user_read_pw(a->o[W_PWFILE].s, pw, sizeof(pw))))
		return err;
	err = user_pw_hash(pw, hash);
	OPENSSL_cleanse(pw, sizeof(pw));
	if (err) {
		cli_err("cannot hash the password: %s", strerror(-err));
		return CLI_FAIL;
	}
	return user_change(c, a->argv[0], "user_passwd", passwd_change, hash);
}

enum { T_REVOKE };
static const struct cli_opt token_opts[] = {
	[T_REVOKE] = { "revoke", CLI_FLAG, NULL,
		       "remove the user's token instead of making one" },
	{}
};

static int user_cmd_token(struct cli *c, struct cli_args *a)
{
	const char *name = a->argv[0];
	char tok[USER_TOKEN_LEN + 1], actor[64];
	MDB_txn *txn;
	int err;

	if ((err = user_name_arg(name)))
		return err;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	audit_cli_actor(actor, sizeof(actor));
	if (a->o[T_REVOKE].n)
		err = user_token_revoke(txn, c->st, name, tt_now(), actor);
	else
		err = user_token_new(txn, c->st, name, tt_now(), actor, tok);
	if (err == -EALREADY) {
		store_abort(txn);
		cli_err("user '%s' has no token", name);
		return CLI_FAIL;
	}
	if (err) {
		store_abort(txn);
		return user_fail("make a token for", name, err);
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (a->o[T_REVOKE].n) {
		if (!c->json)
			printf("token of '%s' revoked\n", name);
		else
			bill_json_out(json_pack("{s:s, s:b}", "user", name,
						"revoked", 1));
		return CLI_OK;
	}
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s}", "user", name, "token",
					tok));
	else
		printf("%s\n", tok);
	OPENSSL_cleanse(tok, sizeof(tok));
	return CLI_OK;
}

static const struct cli_cmd user_cmds[] = {
	{ "add", "NAME", 1, add_opts, user_cmd_add, "add a console user",
	  "Roles: owner (everything, users too), admin (subscribers, plans, "
	  "invoices, voids), kasir (records payments, prints receipts, sees "
	  "who owes and their own cash book), teknisi (addresses, MAC, VLAN, "
	  "install notes, maintenance suspend/restore; no money).\n\n"
	  "The password is asked twice without echo on a terminal, else read "
	  "as one line from standard input or --password-file FILE, so it "
	  "never sits on the command line. It is stored as an Argon2id hash.",
	  CLI_CMD_JSON },
	{ "list", "", 0, NULL, user_cmd_list, "every user", NULL,
	  CLI_CMD_JSON },
	{ "set", "NAME", 1, set_opts, user_cmd_set,
	  "change a user's role, or enable a disabled user", NULL,
	  CLI_CMD_JSON },
	{ "disable", "NAME", 1, NULL, user_cmd_disable,
	  "stop a user from signing in",
	  "Sessions and the API token of the user stop working at their next "
	  "request. Users are never deleted: the audit log names them.",
	  CLI_CMD_JSON },
	{ "passwd", "NAME", 1, passwd_opts, user_cmd_passwd,
	  "set a user's password", NULL, CLI_CMD_JSON },
	{ "token", "NAME", 1, token_opts, user_cmd_token,
	  "print a new API token for the user",
	  "The token is sent as `Authorization: Bearer TOKEN` to the "
	  "console's /api/v1. A new token replaces the old one; only its "
	  "SHA-256 is stored, so it is shown once.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_user = {
	"user", "console users and roles (add, list, set, disable, passwd, "
	"token)", NULL, user_cmds
};
