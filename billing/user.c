// SPDX-License-Identifier: GPL-2.0
/* user.c - staff users in DB_USERS: roles, Argon2id password hashes, hashed API tokens. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "billing/audit.h"
#include "billing/user.h"
#include "lib/text.h"

/*
 * Argon2id at OWASP's first recommended setting (19 MiB, 2 passes, one
 * lane): ~30 ms here, and two workers hashing at once hold ~40 MiB.
 */
#define UPW_T 2
#define UPW_M 19456
#define UPW_P 1
#define UPW_SALT 16
#define UPW_LEN 32

#define UTOK_PREFIX "utok:"
#define UTOK_KEY_LEN (sizeof(UTOK_PREFIX) - 1 + 2 * SHA256_DIGEST_LENGTH)

static const char *const role_names[ROLE__MAX] = {
	"owner", "admin", "kasir", "teknisi",
};

/* Per role, the permissions it holds (bit = enum user_perm). */
#define P(x) (1u << (x))
static const unsigned role_perms[ROLE__MAX] = {
	[ROLE_OWNER] = ~0u,
	[ROLE_ADMIN] = P(PERM_SUB_VIEW) | P(PERM_SUB_EDIT) | P(PERM_SUB_TECH) |
		       P(PERM_MONEY_VIEW) | P(PERM_PAY_RECORD) |
		       P(PERM_INVOICE_ADMIN) | P(PERM_REPORTS),
	[ROLE_KASIR] = P(PERM_SUB_VIEW) | P(PERM_MONEY_VIEW) |
		       P(PERM_PAY_RECORD),
	[ROLE_TEKNISI] = P(PERM_SUB_VIEW) | P(PERM_SUB_TECH),
};
#undef P

int user_name_check(const char *name)
{
	return store_name_check(name, USER_NAME_MAX);
}

int user_role_parse(const char *s, int *role)
{
	int i;

	for (i = 0; s && i < ROLE__MAX; i++) {
		if (!strcmp(s, role_names[i])) {
			*role = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *user_role_str(int role)
{
	return role >= 0 && role < ROLE__MAX ? role_names[role] : "?";
}

bool user_can(int role, enum user_perm perm)
{
	if (role < 0 || role >= ROLE__MAX || perm >= PERM__MAX)
		return false;
	return role_perms[role] & (1u << perm);
}

int user_pw_check(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;
	const char *why;

	if (n < USER_PW_MIN || n > USER_PW_MAX)
		return -EINVAL;
	return text_check(pw, n, &why) ? -EINVAL : 0;
}

int user_pw_hash(const char *pw, char *out)
{
	unsigned char salt[UPW_SALT];
	int rc;

	if (user_pw_check(pw))
		return -EINVAL;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -EIO;
	rc = argon2id_hash_encoded(UPW_T, UPW_M, UPW_P, pw, strlen(pw), salt,
				   sizeof(salt), UPW_LEN, out, USER_HASH_MAX);
	OPENSSL_cleanse(salt, sizeof(salt));
	return rc == ARGON2_OK ? 0 : -EIO;
}

static int user_audit(MDB_txn *txn, struct store *st, const struct user_rec *u,
		      int64_t now, const char *actor, const char *action)
{
	json_t *d = json_pack("{s:s, s:s, s:b}", "user", u->name, "role",
			      user_role_str(u->role), "disabled",
			      (int)u->disabled);
	int err;

	if (!d)
		return -ENOMEM;
	err = audit_write(txn, st, now, actor, action, NULL, NULL, d);
	json_decref(d);
	return err;
}

int user_add(MDB_txn *txn, struct store *st, struct user_rec *u,
	     int64_t now, const char *actor)
{
	int err;

	if (user_name_check(u->name) || u->role >= ROLE__MAX ||
	    strncmp(u->pwhash, "$argon2id$", 10))
		return -EINVAL;
	u->version = USER_REC_VERSION;
	u->created = u->updated = now;
	err = store_put(txn, st, DB_USERS, u->name, strlen(u->name), u,
			sizeof(*u), MDB_NOOVERWRITE);
	if (err)
		return err;
	return user_audit(txn, st, u, now, actor, "user_add");
}

int user_get(MDB_txn *txn, struct store *st, const char *name,
	     struct user_rec *u)
{
	MDB_val v;
	int err;

	if (user_name_check(name))
		return -ENOENT;
	err = store_get(txn, st, DB_USERS, name, strlen(name), &v);
	if (err)
		return err;
	/* a longer record is a newer version: its head is ours */
	if (v.mv_size < sizeof(*u))
		return -EIO;
	memcpy(u, v.mv_data, sizeof(*u));
	u->name[USER_NAME_MAX] = '\0';
	u->pwhash[USER_HASH_MAX - 1] = '\0';
	return 0;
}

int user_put(MDB_txn *txn, struct store *st, struct user_rec *u,
	     int64_t now, const char *actor, const char *action)
{
	struct user_rec old;
	int err;

	if (u->role >= ROLE__MAX)
		return -EINVAL;
	err = user_get(txn, st, u->name, &old);
	if (err)
		return err;
	u->updated = now;
	err = store_put(txn, st, DB_USERS, u->name, strlen(u->name), u,
			sizeof(*u), 0);
	if (err)
		return err;
	return user_audit(txn, st, u, now, actor, action);
}

int user_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct user_rec *u, void *ctx), void *ctx)
{
	MDB_cursor *cur;
	MDB_val k, v;
	struct user_rec u;
	int err;

	err = store_cursor_open(txn, st, DB_USERS, &cur);
	if (err)
		return err;
	for (err = store_cursor_get(cur, &k, &v, MDB_FIRST); !err;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (v.mv_size < sizeof(u)) {
			err = -EIO;
			break;
		}
		memcpy(&u, v.mv_data, sizeof(u));
		u.name[USER_NAME_MAX] = '\0';
		err = cb(&u, ctx);
		if (err)
			break;
	}
	mdb_cursor_close(cur);
	return err == -ENOENT ? 0 : err;
}

/* "utok:" + hex SHA-256(tok); key holds UTOK_KEY_LEN + 1. */
static void utok_key(const uint8_t *sha, char *key)
{
	static const char hx[] = "0123456789abcdef";
	char *p = key + sizeof(UTOK_PREFIX) - 1;
	int i;

	memcpy(key, UTOK_PREFIX, sizeof(UTOK_PREFIX) - 1);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		*p++ = hx[sha[i] >> 4];
		*p++ = hx[sha[i] & 15];
	}
	*p = '\0';
}

static int utok_unindex(MDB_txn *txn, struct store *st, struct user_rec *u)
{
	char key[UTOK_KEY_LEN + 1];
	int err;

	if (!u->has_token)
		return 0;
	utok_key(u->token_sha, key);
	err = store_del(txn, st, DB_META, key, UTOK_KEY_LEN);
	if (err && err != -ENOENT)
		return err;
	u->has_token = 0;
	memset(u->token_sha, 0, sizeof(u->token_sha));
	return 0;
}

int user_token_new(MDB_txn *txn, struct store *st, const char *name,
		   int64_t now, const char *actor, char *tok)
{
	static const char hx[] = "0123456789abcdef";
	char key[UTOK_KEY_LEN + 1];
	unsigned char rnd[32];
	struct user_rec u;
	int err, i;

	err = user_get(txn, st, name, &u);
	if (err)
		return err;
	err = utok_unindex(txn, st, &u);
	if (err)
		return err;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	memcpy(tok, "tgh_", 4);
	for (i = 0; i < 32; i++) {
		tok[4 + 2 * i] = hx[rnd[i] >> 4];
		tok[5 + 2 * i] = hx[rnd[i] & 15];
	}
	tok[USER_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(rnd, sizeof(rnd));
	SHA256((const unsigned char *)tok, USER_TOKEN_LEN, u.token_sha);
	u.has_token = 1;
	utok_key(u.token_sha, key);
	err = store_put(txn, st, DB_META, key, UTOK_KEY_LEN, u.name,
			strlen(u.name), 0);
	if (!err)
		err = user_put(txn, st, &u, now, actor, "user_token");
	if (err)
		OPENSSL_cleanse(tok, USER_TOKEN_LEN);
	return err;
}

int user_token_revoke(MDB_txn *txn, struct store *st, const char *name,
		      int64_t now, const char *actor)
{
	struct user_rec u;
	int err;

	err = user_get(txn, st, name, &u);
	if (err)
		return err;
	if (!u.has_token)
		return -EALREADY;
	err = utok_unindex(txn, st, &u);
	if (!err)
		err = user_put(txn, st, &u, now, actor, "user_token_revoke");
	return err;
}

int user_token_auth(MDB_txn *txn, struct store *st, const char *tok,
		    struct user_rec *u)
{
	char key[UTOK_KEY_LEN + 1], name[USER_NAME_MAX + 1];
	uint8_t sha[32];
	MDB_val v;
	int err;

	if (!tok || strlen(tok) != USER_TOKEN_LEN || strncmp(tok, "tgh_", 4))
		return -EACCES;
	SHA256((const unsigned char *)tok, USER_TOKEN_LEN, sha);
	utok_key(sha, key);
	err = store_get(txn, st, DB_META, key, UTOK_KEY_LEN, &v);
	if (err)
		return err == -ENOENT ? -EACCES : err;
	if (v.mv_size > USER_NAME_MAX)
		return -EIO;
	memcpy(name, v.mv_data, v.mv_size);
	name[v.mv_size] = '\0';
	err = user_get(txn, st, name, u);
	if (err)
		return err == -ENOENT ? -EACCES : err;
	if (!u->has_token || CRYPTO_memcmp(u->token_sha, sha, 32) ||
	    u->disabled)
		return -EACCES;
	return 0;
}

/* The hash an unknown user's password is checked against (made once). */
static char dummy_hash[USER_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	if (user_pw_hash("not-a-password-of-anyone", dummy_hash))
		dummy_hash[0] = '\0';
}

int user_login(struct store *st, const char *name, const char *pw,
	       struct user_rec *u)
{
	MDB_txn *txn;
	bool known;
	int err;

	err = store_begin(st, false, &txn);
	if (err)
		return err;
	err = user_get(txn, st, name, u);
	store_abort(txn);
	if (err && err != -ENOENT)
		return err;
	known = !err && !u->disabled;
	if (!known) {
		pthread_once(&dummy_once, dummy_make);
		if (dummy_hash[0] && pw)
			argon2id_verify(dummy_hash, pw, strlen(pw));
		return -EACCES;
	}
	if (!pw || strlen(pw) > USER_PW_MAX ||
	    argon2id_verify(u->pwhash, pw, strlen(pw)) != ARGON2_OK)
		return -EACCES;
	return 0;
}

char *user_actor(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "console:%s", name);
	return buf;
}
