/* SPDX-License-Identifier: GPL-2.0 */
/* user.h - the operator's staff: users, roles, Argon2id passwords, API tokens, what each role may do. */
#ifndef TAGIH_USER_H
#define TAGIH_USER_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/store.h"

#define USER_NAME_MAX 32	/* [A-Za-z0-9._-], 1..32 chars */
#define USER_PW_MIN 8
#define USER_PW_MAX 128
#define USER_HASH_MAX 128	/* Argon2id encoded string + NUL */
#define USER_TOKEN_LEN 68	/* "tgh_" + 64 hex digits */

enum user_role { ROLE_OWNER = 0, ROLE_ADMIN = 1, ROLE_KASIR = 2,
		 ROLE_TEKNISI = 3, ROLE__MAX };

/*
 * What a role may do; one table (billing/user.c) answers for the CLI's
 * help, the console's pages and the API alike.
 */
enum user_perm {
	PERM_USERS,		/* manage users (owner) */
	PERM_SUB_VIEW,		/* see subscribers */
	PERM_SUB_EDIT,		/* add, edit, change plan, hold, link, PIN */
	PERM_SUB_TECH,		/* addresses, maintenance suspend/restore */
	PERM_MONEY_VIEW,	/* invoices, who owes, payments (kasir: own) */
	PERM_PAY_RECORD,	/* record cash or transfer, print receipts */
	PERM_INVOICE_ADMIN,	/* void, invoice run */
	PERM_REPORTS,		/* revenue, aging, usage, everyone's cash book */
	PERM_PDP,		/* UU PDP export/erase (owner) */
	PERM__MAX
};

/*
 * DB_USERS: name -> struct user_rec (fixed layout, version first).
 * pwhash is the Argon2id encoded string ("$argon2id$v=19$m=...,t=...,
 * p=...$salt$hash"), so its parameters travel with it. The API token
 * is never stored: token_sha is its SHA-256 and DB_META holds
 * "utok:" + hex SHA-256 -> name, one lookup per request.
 */
struct user_rec {
	uint32_t version;	/* USER_REC_VERSION */
	uint8_t role;		/* enum user_role */
	uint8_t disabled;
	uint8_t has_token;
	uint8_t pad;
	char name[USER_NAME_MAX + 1];
	uint8_t pad2[7];
	int64_t created, updated;	/* UTC seconds */
	char pwhash[USER_HASH_MAX];
	uint8_t token_sha[32];
	uint8_t reserved[64];
};
#define USER_REC_VERSION 1

int user_name_check(const char *name);		/* 0 or -EINVAL */
int user_role_parse(const char *s, int *role);	/* 0 or -EINVAL */
const char *user_role_str(int role);
bool user_can(int role, enum user_perm perm);

/* A password: USER_PW_MIN..USER_PW_MAX bytes, valid text (lib/text.h).
 * 0 or -EINVAL. */
int user_pw_check(const char *pw);
/*
 * Argon2id of pw with a fresh random salt into out (USER_HASH_MAX).
 * Slow on purpose (~19 MiB, a few tens of ms): never on an HTTP
 * thread. 0, -EINVAL or -EIO.
 */
int user_pw_hash(const char *pw, char *out);

/*
 * Add (NOOVERWRITE), change, read, iterate. Writes are audited as actor
 * (action user_add, user_set, user_disable, user_passwd, user_token)
 * with the user's name and role only. add: 0, -EEXIST, -EINVAL;
 * get: 0, -ENOENT, -EIO.
 */
int user_add(MDB_txn *txn, struct store *st, struct user_rec *u,
	     int64_t now, const char *actor);
int user_get(MDB_txn *txn, struct store *st, const char *name,
	     struct user_rec *u);
int user_put(MDB_txn *txn, struct store *st, struct user_rec *u,
	     int64_t now, const char *actor, const char *action);
int user_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct user_rec *u, void *ctx), void *ctx);

/* A new API token for name (the old one stops working); tok gets it
 * (USER_TOKEN_LEN + 1). 0, -ENOENT or -errno. */
int user_token_new(MDB_txn *txn, struct store *st, const char *name,
		   int64_t now, const char *actor, char *tok);
/* Revoke name's token. 0, -ENOENT, -EALREADY. */
int user_token_revoke(MDB_txn *txn, struct store *st, const char *name,
		      int64_t now, const char *actor);
/* Who holds tok: 0 with *u, -EACCES (unknown, malformed, disabled). */
int user_token_auth(MDB_txn *txn, struct store *st, const char *tok,
		    struct user_rec *u);

/*
 * Check name + pw: reads the record in its own read txn, then verifies
 * outside it (slow). An unknown or disabled user is verified against a
 * dummy hash, so the time does not tell them apart. Returns 0 with *u,
 * -EACCES (wrong, unknown or disabled) or -errno.
 */
int user_login(struct store *st, const char *name, const char *pw,
	       struct user_rec *u);

/* "console:NAME": the audit actor of a console or API user. */
char *user_actor(const char *name, char *buf, size_t n);

#endif
