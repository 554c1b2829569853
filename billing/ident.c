// SPDX-License-Identifier: GPL-2.0
/* ident.c - subscriber identifiers: normalised, unique, one table (DB_SUB_IDENT). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/ident.h"
#include "billing/sub.h"
#include "lib/hex.h"
#include "lib/text.h"

static const char *const kind_names[IDENT__MAX] = {
	[IDENT_PPPOE_USER] = "pppoe-user",
	[IDENT_MAC] = "mac",
	[IDENT_CIRCUIT_ID] = "circuit-id",
	[IDENT_REMOTE_ID] = "remote-id",
	[IDENT_VLAN] = "vlan",
};

const char *ident_kind_name(enum ident_kind k)
{
	return k > 0 && k < IDENT__MAX ? kind_names[k] : NULL;
}

static int mac_norm(const char *s, char *out, size_t n, const char **why)
{
	uint8_t m[6];
	char sep = 0;
	int i, hi, lo;

	*why = "want six hex pairs, AA:BB:CC:DD:EE:FF";
	for (i = 0; i < 6; i++) {
		if (i && (s[0] == ':' || s[0] == '-')) {
			if (sep && s[0] != sep)
				return -EINVAL;
			if (i == 1)
				sep = s[0];
			s++;
		} else if (i && sep) {
			return -EINVAL;
		}
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	if (*s)
		return -EINVAL;
	if (m[0] & 1) {
		*why = "a multicast or broadcast address names no device";
		return -EINVAL;
	}
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5])) {
		*why = "00:00:00:00:00:00 names no device";
		return -EINVAL;
	}
	snprintf(out, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return 0;
}

/* One VLAN id 1..4094 at *s, up to a '.' or the end. */
static int vid_take(const char **s, unsigned *v)
{
	const char *p = *s;
	unsigned x = 0;
	int nd = 0;

	while (*p >= '0' && *p <= '9' && nd < 5) {
		x = x * 10 + (unsigned)(*p++ - '0');
		nd++;
	}
	if (!nd || (*p >= '0' && *p <= '9') || x < 1 || x > 4094)
		return -EINVAL;
	*s = p;
	*v = x;
	return 0;
}

static int vlan_norm(const char *s, char *out, size_t n, const char **why)
{
	unsigned a, b;

	*why = "want N or N.M (QinQ), each 1..4094";
	if (vid_take(&s, &a))
		return -EINVAL;
	if (!*s) {
		snprintf(out, n, "%u", a);
		return 0;
	}
	if (*s++ != '.' || vid_take(&s, &b) || *s)
		return -EINVAL;
	snprintf(out, n, "%u.%u", a, b);
	return 0;
}

int ident_norm(enum ident_kind k, const char *in, char *out, size_t n,
	       const char **why)
{
	const char *dummy;
	size_t len;

	if (!why)
		why = &dummy;
	if (!in || n <= IDENT_MAX || !ident_kind_name(k)) {
		*why = "no such identifier";
		return -EINVAL;
	}
	switch (k) {
	case IDENT_MAC:
		return mac_norm(in, out, n, why);
	case IDENT_VLAN:
		return vlan_norm(in, out, n, why);
	default:
		len = strlen(in);
		if (!len) {
			*why = "empty";
			return -EINVAL;
		}
		if (len > IDENT_MAX) {
			*why = "longer than 64 bytes";
			return -EINVAL;
		}
		if (text_check(in, len, why))
			return -EINVAL;
		memcpy(out, in, len + 1);
		return 0;
	}
}

/* kind + text: the DB_SUB_IDENT key. Returns its length. */
static size_t key_make(uint8_t *k, enum ident_kind kind, const char *norm)
{
	size_t len = strnlen(norm, IDENT_MAX);

	k[0] = (uint8_t)kind;
	memcpy(k + 1, norm, len);
	return len + 1;
}

static int val_id(const MDB_val *v, char *id)
{
	if (v->mv_size == 0 || v->mv_size > SUB_ID_MAX)
		return -EIO;
	memcpy(id, v->mv_data, v->mv_size);
	id[v->mv_size] = '\0';
	return 0;
}

int ident_find(MDB_txn *txn, struct store *st, enum ident_kind k,
	       const char *norm, char *id)
{
	uint8_t key[IDENT_MAX + 1];
	size_t klen = key_make(key, k, norm);
	MDB_val v;
	int err;

	err = store_get(txn, st, DB_SUB_IDENT, key, klen, &v);
	return err ? err : val_id(&v, id);
}

int ident_add(MDB_txn *txn, struct store *st, enum ident_kind k,
	      const char *norm, const char *id, char *other)
{
	char cur[SUB_ID_MAX + 1];
	uint8_t key[IDENT_MAX + 1];
	size_t klen;
	int err;

	if (!ident_kind_name(k) || !*norm || strlen(norm) > IDENT_MAX ||
	    sub_id_check(id))
		return -EINVAL;
	err = ident_find(txn, st, k, norm, cur);
	if (!err) {
		if (!strcmp(cur, id))
			return -EEXIST;
		if (other)
			memcpy(other, cur, sizeof(cur));
		return -EADDRINUSE;
	}
	if (err != -ENOENT)
		return err;
	klen = key_make(key, k, norm);
	return store_put(txn, st, DB_SUB_IDENT, key, klen, id, strlen(id), 0);
}

int ident_del(MDB_txn *txn, struct store *st, enum ident_kind k,
	      const char *norm, const char *id)
{
	char cur[SUB_ID_MAX + 1];
	uint8_t key[IDENT_MAX + 1];
	size_t klen;
	int err;

	err = ident_find(txn, st, k, norm, cur);
	if (err)
		return err;
	if (strcmp(cur, id))
		return -ENOENT;
	klen = key_make(key, k, norm);
	return store_del(txn, st, DB_SUB_IDENT, key, klen);
}

int ident_foreach(MDB_txn *txn, struct store *st, const char *id,
		  int (*cb)(enum ident_kind k, const char *val, void *ctx),
		  void *ctx)
{
	char cur[SUB_ID_MAX + 1], val[IDENT_MAX + 1];
	MDB_cursor *cur_;
	MDB_val k, v;
	int err, ret = 0;

	err = store_cursor_open(txn, st, DB_SUB_IDENT, &cur_);
	if (err)
		return err;
	for (err = store_cursor_get(cur_, &k, &v, MDB_FIRST); !err && !ret;
	     err = store_cursor_get(cur_, &k, &v, MDB_NEXT)) {
		if (k.mv_size < 2 || k.mv_size > IDENT_MAX + 1 ||
		    val_id(&v, cur) || strcmp(cur, id))
			continue;
		memcpy(val, (const uint8_t *)k.mv_data + 1, k.mv_size - 1);
		val[k.mv_size - 1] = '\0';
		ret = cb(((const uint8_t *)k.mv_data)[0], val, ctx);
	}
	mdb_cursor_close(cur_);
	if (ret)
		return ret;
	return err == -ENOENT ? 0 : err;
}
