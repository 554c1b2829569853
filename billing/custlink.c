// SPDX-License-Identifier: GPL-2.0
/* custlink.c - customer page tokens: random, indexed by hash, revocable. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "billing/audit.h"
#include "billing/custlink.h"

#define CL_PREFIX "clink:"
#define CL_KEY_LEN (sizeof(CL_PREFIX) - 1 + 2 * SHA256_DIGEST_LENGTH)

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int custlink_token_check(const char *tok)
{
	size_t i;

	if (!tok || strlen(tok) != CUSTLINK_TOKEN_LEN)
		return -EINVAL;
	for (i = 0; i < CUSTLINK_TOKEN_LEN; i++)
		if (!strchr(b64url, tok[i]) || !tok[i])
			return -EINVAL;
	return 0;
}

/* "clink:" + hex SHA-256 of the token; key has CL_KEY_LEN + 1 bytes. */
static void cl_key(const char *tok, char *key)
{
	static const char hx[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	char *p = key + sizeof(CL_PREFIX) - 1;
	int i;

	SHA256((const unsigned char *)tok, strlen(tok), md);
	memcpy(key, CL_PREFIX, sizeof(CL_PREFIX) - 1);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		*p++ = hx[md[i] >> 4];
		*p++ = hx[md[i] & 15];
	}
	*p = '\0';
	OPENSSL_cleanse(md, sizeof(md));
}

/* 32 random bytes -> 43 base64url characters. Returns 0 or -errno. */
static int cl_new_token(char *tok)
{
	unsigned char rnd[33] = { 0 };	/* one spare zero byte: 11 triples */
	size_t got = 0;
	ssize_t n;
	int i, o = 0;

	while (got < 32) {
		n = getrandom(rnd + got, 32 - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += n;
	}
	for (i = 0; i < 33; i += 3) {
		uint32_t v = (uint32_t)rnd[i] << 16 | rnd[i + 1] << 8 |
			     rnd[i + 2];

		tok[o++] = b64url[v >> 18 & 63];
		tok[o++] = b64url[v >> 12 & 63];
		tok[o++] = b64url[v >> 6 & 63];
		tok[o++] = b64url[v & 63];
	}
	tok[CUSTLINK_TOKEN_LEN] = '\0';	/* 256 bits need 43 of the 44 */
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

static int cl_unindex(MDB_txn *txn, struct store *st, const char *tok)
{
	char key[CL_KEY_LEN + 1];
	int err;

	if (custlink_token_check(tok))
		return 0;
	cl_key(tok, key);
	err = store_del(txn, st, DB_META, key, CL_KEY_LEN);
	return err == -ENOENT ? 0 : err;
}

int custlink_issue(MDB_txn *txn, struct store *st, const char *id,
		   int64_t now, const char *actor, char *tok)
{
	char key[CL_KEY_LEN + 1];
	struct sub_rec r;
	int err;

	err = sub_get(txn, st, id, &r);
	if (err)
		return err;
	err = cl_unindex(txn, st, r.link_token);
	if (err)
		return err;
	err = cl_new_token(tok);
	if (err)
		return err;
	cl_key(tok, key);
	err = store_put(txn, st, DB_META, key, CL_KEY_LEN, r.id, strlen(r.id),
			0);
	if (err)
		return err;
	memset(r.link_token, 0, sizeof(r.link_token));
	memcpy(r.link_token, tok, CUSTLINK_TOKEN_LEN);
	err = sub_put(txn, st, &r);
	if (err)
		return err;
	return audit_write(txn, st, now, actor, "link", r.id,
			   "customer page link issued", NULL);
}

int custlink_revoke(MDB_txn *txn, struct store *st, const char *id,
		    int64_t now, const char *actor)
{
	struct sub_rec r;
	int err;

	err = sub_get(txn, st, id, &r);
	if (err)
		return err;
	if (!r.link_token[0])
		return -EALREADY;
	err = cl_unindex(txn, st, r.link_token);
	if (err)
		return err;
	memset(r.link_token, 0, sizeof(r.link_token));
	err = sub_put(txn, st, &r);
	if (err)
		return err;
	return audit_write(txn, st, now, actor, "link_revoke", r.id,
			   "customer page link revoked", NULL);
}

int custlink_lookup(MDB_txn *txn, struct store *st, const char *tok,
		    struct sub_rec *r)
{
	char key[CL_KEY_LEN + 1], id[SUB_ID_MAX + 1];
	MDB_val v;
	int err;

	if (custlink_token_check(tok))
		return -ENOENT;
	cl_key(tok, key);
	err = store_get(txn, st, DB_META, key, CL_KEY_LEN, &v);
	if (err)
		return err;
	if (v.mv_size == 0 || v.mv_size > SUB_ID_MAX)
		return -ENOENT;
	memcpy(id, v.mv_data, v.mv_size);
	id[v.mv_size] = '\0';
	err = sub_get(txn, st, id, r);
	if (err)
		return err;
	/* the index said so; the record must agree (revoke races, bugs) */
	if (strnlen(r->link_token, sizeof(r->link_token)) !=
		    CUSTLINK_TOKEN_LEN ||
	    CRYPTO_memcmp(r->link_token, tok, CUSTLINK_TOKEN_LEN))
		return -ENOENT;
	return 0;
}
