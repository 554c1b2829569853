// SPDX-License-Identifier: GPL-2.0
/* custpin.c - customer page PINs: PBKDF2-HMAC-SHA256 hashes, phone matching. */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "billing/audit.h"
#include "billing/custpin.h"

#define CP_PREFIX "cpin:"
#define CP_VERSION 1
#define CP_SALT 16
#define CP_HASH 32
#define CP_REC (8 + CP_SALT + CP_HASH)
#define CP_CAND_MAX 4		/* subscribers sharing one phone, checked */
#define CP_ITER_MIN 1000	/* a stored count outside these is damage */
#define CP_ITER_MAX 10000000

static atomic_uint_fast64_t cp_hashes;	/* PBKDF2 runs, for tests */

static int cp_phone_salt(MDB_txn *txn, struct store *st, const char *phone,
			 const char *self, uint8_t *rec);

uint64_t custpin_hashes(void)
{
	return atomic_load(&cp_hashes);
}

int custpin_check(const char *pin)
{
	size_t n;

	if (!pin)
		return -EINVAL;
	n = strspn(pin, "0123456789");
	if (pin[n] || n < CUSTPIN_MIN || n > CUSTPIN_MAX)
		return -EINVAL;
	return 0;
}

int custpin_phone_norm(const char *in, char *out)
{
	char d[CUSTPIN_PHONE_MAX];
	const char *s, *rest;
	size_t n = 0;

	for (s = in; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == sizeof(d) - 1)
				return -EINVAL;
			d[n++] = *s;
		} else if (!(*s == '+' && s == in) && !strchr(" -.()", *s)) {
			return -EINVAL;
		}
	}
	d[n] = '\0';
	if (d[0] == '6' && d[1] == '2')
		rest = d + 2;		/* 62 812... */
	else if (d[0] == '0')
		rest = d + 1;		/* 0812... */
	else if (d[0] == '8')
		rest = d;		/* 812... */
	else
		return -EINVAL;
	n = strlen(rest);
	/* 0 + 7..14 digits, the national number never starting with 0 */
	if (n < 7 || n > 14 || rest[0] == '0')
		return -EINVAL;
	out[0] = '0';
	memcpy(out + 1, rest, n + 1);
	return 0;
}

static void cp_key(const char *id, char *key, size_t n)
{
	snprintf(key, n, CP_PREFIX "%s", id);
}

/* PBKDF2-HMAC-SHA256 into out (CP_HASH bytes). Returns 0 or -EIO. */
static int cp_hash(const char *pin, const uint8_t *salt, uint32_t iter,
		   uint8_t *out)
{
	atomic_fetch_add(&cp_hashes, 1);
	if (!PKCS5_PBKDF2_HMAC(pin, (int)strlen(pin), salt, CP_SALT,
			       (int)iter, EVP_sha256(), CP_HASH, out))
		return -EIO;
	return 0;
}

static int cp_random(uint8_t *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += r;
	}
	return 0;
}

int custpin_set(MDB_txn *txn, struct store *st, const char *id,
		const char *pin, int64_t now, const char *actor)
{
	char key[sizeof(CP_PREFIX) + SUB_ID_MAX], phone[CUSTPIN_PHONE_MAX];
	uint8_t rec[CP_REC] = { CP_VERSION };
	struct sub_rec r;
	int err;

	if (custpin_check(pin))
		return -EINVAL;
	err = sub_get(txn, st, id, &r);
	if (err)
		return err;
	/* a PIN nobody can log in with would only confuse */
	if (custpin_phone_norm(r.phone, phone))
		return -EINVAL;
	/* the salt (and count) of the phone's other PIN holders, so that a
	 * login hashes once whoever holds the phone; a new one otherwise */
	err = cp_phone_salt(txn, st, phone, r.id, rec);
	if (err == -ENOENT) {
		be32_put(rec + 4, CUSTPIN_ITER);
		err = cp_random(rec + 8, CP_SALT);
	}
	if (!err)
		err = cp_hash(pin, rec + 8, be32_get(rec + 4),
			      rec + 8 + CP_SALT);
	if (!err) {
		cp_key(r.id, key, sizeof(key));
		err = store_put(txn, st, DB_META, key, strlen(key), rec,
				sizeof(rec), 0);
	}
	OPENSSL_cleanse(rec, sizeof(rec));
	if (err)
		return err;
	return audit_write(txn, st, now, actor, "pin", r.id,
			   "customer page PIN set", NULL);
}

int custpin_clear(MDB_txn *txn, struct store *st, const char *id,
		  int64_t now, const char *actor)
{
	char key[sizeof(CP_PREFIX) + SUB_ID_MAX];
	struct sub_rec r;
	int err;

	err = sub_get(txn, st, id, &r);
	if (err)
		return err;
	cp_key(r.id, key, sizeof(key));
	err = store_del(txn, st, DB_META, key, strlen(key));
	if (err == -ENOENT)
		return -EALREADY;
	if (err)
		return err;
	return audit_write(txn, st, now, actor, "pin_clear", r.id,
			   "customer page PIN removed", NULL);
}

int custpin_is_set(MDB_txn *txn, struct store *st, const char *id)
{
	char key[sizeof(CP_PREFIX) + SUB_ID_MAX];
	MDB_val v;
	int err;

	cp_key(id, key, sizeof(key));
	err = store_get(txn, st, DB_META, key, strlen(key), &v);
	if (err == -ENOENT)
		return 0;
	return err ? err : 1;
}

/* --- login ------------------------------------------------------------------ */

struct cp_cand {
	char id[SUB_ID_MAX + 1];
	uint8_t rec[CP_REC];
};

struct cp_scan {
	MDB_txn *txn;
	struct store *st;
	const char *phone;	/* normalised; "" matches nobody */
	const char *skip;	/* a subscriber id left out, or NULL */
	struct cp_cand cand[CP_CAND_MAX];
	int n, err;
};

static int cp_scan_cb(const struct sub_rec *r, void *ctx)
{
	struct cp_scan *s = ctx;
	char key[sizeof(CP_PREFIX) + SUB_ID_MAX], phone[CUSTPIN_PHONE_MAX];
	uint32_t iter;
	MDB_val v;
	int err;

	if (!r->phone[0] || custpin_phone_norm(r->phone, phone) ||
	    strcmp(phone, s->phone) || (s->skip && !strcmp(r->id, s->skip)))
		return 0;
	cp_key(r->id, key, sizeof(key));
	err = store_get(s->txn, s->st, DB_META, key, strlen(key), &v);
	if (err == -ENOENT)
		return 0;
	if (err) {
		s->err = err;
		return 1;
	}
	if (v.mv_size != CP_REC || ((uint8_t *)v.mv_data)[0] != CP_VERSION)
		return 0;
	iter = be32_get((uint8_t *)v.mv_data + 4);
	if (iter < CP_ITER_MIN || iter > CP_ITER_MAX)
		return 0;
	snprintf(s->cand[s->n].id, sizeof(s->cand[0].id), "%s", r->id);
	memcpy(s->cand[s->n].rec, v.mv_data, CP_REC);
	return ++s->n == CP_CAND_MAX;
}

/* Every subscriber with phone (normalised) and a usable PIN, up to
 * CP_CAND_MAX, in id order, but skip. Returns 0 or -errno. */
static int cp_scan_phone(MDB_txn *txn, struct store *st, const char *phone,
			 const char *skip, struct cp_scan *s)
{
	int err;

	s->txn = txn;
	s->st = st;
	s->phone = phone;
	s->skip = skip;
	err = sub_foreach(txn, st, cp_scan_cb, s);
	if (err < 0)
		return err;
	return s->err;
}

/* The iteration count and salt (rec + 4, 4 + CP_SALT bytes) of the first
 * other holder of phone. Returns 0, -ENOENT (nobody else) or -errno. */
static int cp_phone_salt(MDB_txn *txn, struct store *st, const char *phone,
			 const char *self, uint8_t *rec)
{
	struct cp_scan *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = cp_scan_phone(txn, st, phone, self, s);
	if (!err && !s->n)
		err = -ENOENT;
	if (!err)
		memcpy(rec + 4, s->cand[0].rec + 4, 4 + CP_SALT);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
	return err;
}

int custpin_login(struct store *st, const char *phone, const char *pin,
		  char *id)
{
	static const uint8_t dummy_salt[CP_SALT] = "tagih-nopin-salt";
	char norm[CUSTPIN_PHONE_MAX] = "";
	const uint8_t *salt = dummy_salt, *ref;
	uint32_t iter = CUSTPIN_ITER;
	const char *try = "0000";
	uint8_t h[CP_HASH];
	struct cp_scan *s;
	MDB_txn *txn;
	bool ok = false;
	int i, err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	/* a malformed phone still scans (matching nobody) and a malformed
	 * PIN still hashes: every answer costs the same */
	if (!phone || custpin_phone_norm(phone, norm))
		norm[0] = '\0';
	if (pin && !custpin_check(pin))
		try = pin;
	err = store_begin(st, false, &txn);
	if (err)
		goto out;
	err = cp_scan_phone(txn, st, norm, NULL, s);
	store_abort(txn);
	if (err)
		goto out;
	/* Exactly one PBKDF2, whoever holds the phone: the holders of one
	 * phone share its salt (custpin_set), so one hash is compared with
	 * each of them, and a phone with no PIN hashes a dummy. */
	if (s->n && try == pin) {
		salt = s->cand[0].rec + 8;
		iter = be32_get(s->cand[0].rec + 4);
	}
	err = cp_hash(try, salt, iter, h);
	if (err)
		goto out;
	for (i = 0; i < s->n && salt != dummy_salt; i++) {
		ref = s->cand[i].rec;
		/* a holder whose salt differs (a PIN set before phones shared
		 * salts, or a phone changed since) cannot be checked by this
		 * hash: `tagih sub pin` again aligns it */
		if (memcmp(ref + 4, s->cand[0].rec + 4, 4 + CP_SALT))
			continue;
		if (!CRYPTO_memcmp(h, ref + 8 + CP_SALT, CP_HASH) && !ok) {
			ok = true;
			snprintf(id, SUB_ID_MAX + 1, "%s", s->cand[i].id);
		}
	}
	err = ok ? 0 : -EACCES;
out:
	OPENSSL_cleanse(h, sizeof(h));
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
	return err;
}
