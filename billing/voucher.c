// SPDX-License-Identifier: GPL-2.0
/* voucher.c - voucher codes: RAND_bytes, stored as SHA-256, redeemed once. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "billing/audit.h"
#include "billing/pack.h"
#include "billing/prepaid.h"
#include "billing/tblscan.h"
#include "billing/voucher.h"

#define VA_LEN 31	/* strlen(VOUCHER_ALPHABET) */

int voucher_code_new(char *out)
{
	static const char a[] = VOUCHER_ALPHABET;
	unsigned char buf[32];
	int n = 0;

	_Static_assert(sizeof(a) - 1 == VA_LEN, "alphabet");
	while (n < VOUCHER_CODE_LEN) {
		size_t i;

		if (RAND_bytes(buf, sizeof(buf)) != 1)
			return -EIO;
		/* 248 = 8 x 31: the bytes above would bias the draw */
		for (i = 0; i < sizeof(buf) && n < VOUCHER_CODE_LEN; i++)
			if (buf[i] < 8 * VA_LEN)
				out[n++] = a[buf[i] % VA_LEN];
	}
	out[n] = '\0';
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

int voucher_code_norm(const char *in, char *out)
{
	int n = 0;

	for (; in && *in; in++) {
		int c = (unsigned char)*in;

		if (c == '-' || c == ' ')
			continue;
		c = toupper(c);
		if (n >= VOUCHER_CODE_LEN || !c || !strchr(VOUCHER_ALPHABET, c))
			return -EINVAL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == VOUCHER_CODE_LEN ? 0 : -EINVAL;
}

void voucher_code_fmt(const char *code, char *out, size_t n)
{
	snprintf(out, n, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
}

static void voucher_hash(const char *code, uint8_t h[32])
{
	SHA256((const unsigned char *)code, strlen(code), h);
}

static int voucher_put(MDB_txn *txn, struct store *st,
		       const struct voucher_rec *v, unsigned flags)
{
	return store_put(txn, st, DB_VOUCHERS, v->hash, 32, v, sizeof(*v),
			 flags);
}

int voucher_create(MDB_txn *txn, struct store *st, int kind,
		   const char *name, const char *reseller, unsigned count,
		   int64_t now, char *codes, uint64_t *serials, rp_t *price)
{
	struct voucher_rec v;
	rp_t base;
	unsigned i;
	int err;

	if (!count || count > VOUCHER_BATCH_MAX ||
	    (reseller && *reseller && plan_name_check(reseller)))
		return -EINVAL;
	if (kind == VOUCHER_PLAN) {
		struct plan_rec p;

		err = plan_get(txn, st, name, &p);
		if (err)
			return err;
		if (p.terms.type != PLAN_PREPAID)
			return -EINVAL;
		base = p.terms.price;
	} else if (kind == VOUCHER_PACK) {
		struct pack_rec k;

		err = pack_get(txn, st, name, &k);
		if (err)
			return err;
		base = k.price;
	} else {
		return -EINVAL;
	}
	err = prepaid_price_total(base, price);
	if (err)
		return err;
	for (i = 0; i < count; i++) {
		char *code = codes + i * (VOUCHER_CODE_LEN + 1);

		memset(&v, 0, sizeof(v));
		v.version = VOUCHER_REC_VERSION;
		v.kind = kind;
		v.status = VOUCHER_NEW;
		snprintf(v.name, sizeof(v.name), "%s", name);
		snprintf(v.reseller, sizeof(v.reseller), "%s",
			 reseller ? reseller : "");
		v.price = *price;
		v.created = now;
		err = store_meta_bump(txn, st, "voucher_next", &v.serial);
		if (!err)
			err = voucher_code_new(code);
		if (err)
			return err;
		voucher_hash(code, v.hash);
		/* 59 bits: a collision is never expected; refuse it anyway */
		err = voucher_put(txn, st, &v, MDB_NOOVERWRITE);
		if (err)
			return err == -EEXIST ? -EIO : err;
		serials[i] = v.serial;
	}
	return 0;
}

int voucher_redeem(MDB_txn *txn, struct store *st, const char *code,
		   const char *sub, int64_t now, const char *actor,
		   struct voucher_rec *out)
{
	char norm[VOUCHER_CODE_LEN + 1];
	struct voucher_rec v;
	struct sub_rec rec;
	uint8_t h[32];
	MDB_val val;
	json_t *d;
	int err;

	if (voucher_code_norm(code, norm))
		return -EINVAL;
	voucher_hash(norm, h);
	OPENSSL_cleanse(norm, sizeof(norm));
	err = store_get(txn, st, DB_VOUCHERS, h, 32, &val);
	if (err)
		return err;
	if (val.mv_size != sizeof(v))
		return -EIO;
	memcpy(&v, val.mv_data, sizeof(v));
	if (CRYPTO_memcmp(v.hash, h, 32))
		return -ENOENT;
	if (v.status == VOUCHER_REDEEMED)
		return -EALREADY;
	if (v.status != VOUCHER_NEW)
		return -ECANCELED;
	err = sub_get(txn, st, sub, &rec);
	if (err)
		return err;
	if (v.kind == VOUCHER_PLAN) {
		struct plan_rec p;

		if (strcmp(rec.plan, v.name))
			return -EXDEV;
		err = plan_get(txn, st, v.name, &p);
		if (err)
			return err;
		err = prepaid_extend(txn, st, rec.id, p.days,
				     p.terms.quota_bytes, now, actor,
				     "voucher");
	} else {
		struct pack_rec k;
		struct quota_rec q;

		err = pack_get(txn, st, v.name, &k);
		if (!err)
			err = quota_get(txn, st, rec.uid, &q);
		if (err == -ENOENT)
			return -ENOTSUP;
		if (!err)
			err = quota_topup(txn, st, rec.uid, k.bytes,
					  now + (int64_t)k.days * 86400, now);
		if (!err)
			err = prepaid_restore_if_clear(txn, st, rec.id, now,
						       actor);
	}
	if (err)
		return err;
	v.status = VOUCHER_REDEEMED;
	v.redeemed = now;
	snprintf(v.sub, sizeof(v.sub), "%s", rec.id);
	err = voucher_put(txn, st, &v, 0);
	if (err)
		return err;
	d = json_pack("{sI ss ss ss sI}", "serial", (json_int_t)v.serial,
		      "kind", v.kind == VOUCHER_PLAN ? "plan" : "pack", "name",
		      v.name, "reseller", v.reseller, "price",
		      (json_int_t)v.price);
	err = audit_write(txn, st, now, actor, "voucher_redeem", rec.id, NULL,
			  d);
	json_decref(d);
	if (!err && out)
		*out = v;
	return err;
}

struct by_serial {
	uint64_t serial;
	struct voucher_rec v;
	bool found;
};

static int by_serial_cb(const MDB_val *k, const MDB_val *val, void *ctx)
{
	struct by_serial *b = ctx;
	struct voucher_rec v;

	if (val->mv_size != sizeof(v))
		return -EIO;
	memcpy(&v, val->mv_data, sizeof(v));
	if (v.serial != b->serial)
		return 0;
	b->v = v;
	b->found = true;
	return 1;
}

int voucher_void(MDB_txn *txn, struct store *st, uint64_t serial,
		 int64_t now, const char *actor)
{
	struct by_serial b = { .serial = serial };
	json_t *d;
	int err;

	err = tbl_scan(txn, st, DB_VOUCHERS, NULL, 0, by_serial_cb, &b);
	if (err < 0)
		return err;
	if (!b.found)
		return -ENOENT;
	if (b.v.status != VOUCHER_NEW)
		return -EALREADY;
	b.v.status = VOUCHER_VOID;
	b.v.voided = now;
	err = voucher_put(txn, st, &b.v, 0);
	if (err)
		return err;
	d = json_pack("{sI ss}", "serial", (json_int_t)serial, "reseller",
		      b.v.reseller);
	err = audit_write(txn, st, now, actor, "voucher_void", NULL, NULL, d);
	json_decref(d);
	return err;
}

struct v_each {
	int (*cb)(const struct voucher_rec *v, void *ctx);
	void *ctx;
};

static int v_each_cb(const MDB_val *k, const MDB_val *val, void *ctx)
{
	struct v_each *e = ctx;
	struct voucher_rec v;

	if (val->mv_size != sizeof(v))
		return -EIO;
	memcpy(&v, val->mv_data, sizeof(v));
	return e->cb(&v, e->ctx);
}

int voucher_foreach(MDB_txn *txn, struct store *st,
		    int (*cb)(const struct voucher_rec *v, void *ctx),
		    void *ctx)
{
	struct v_each e = { cb, ctx };

	return tbl_scan(txn, st, DB_VOUCHERS, NULL, 0, v_each_cb, &e);
}

const char *voucher_status_str(int status)
{
	return status == VOUCHER_NEW ? "new" :
	       status == VOUCHER_REDEEMED ? "redeemed" :
	       status == VOUCHER_VOID ? "void" : "?";
}
