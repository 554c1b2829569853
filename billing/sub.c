// SPDX-License-Identifier: GPL-2.0
/* sub.c - subscriber records, uid allocation and prefix ownership over time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/tagih.h"
#include "lib/ttime.h"
#include "billing/sub.h"
#include "lib/mailbox.h"

static uint32_t sub_max_uid = TAGIH_DEF_MAX_SUBS - 1;

void sub_set_max_uid(uint32_t max)
{
	sub_max_uid = max;
}

/* DB_PREFIX_HIST key: the prefix, then since (i64 BE, sign flipped). */
struct hist_key {
	struct prefix p;
	uint8_t since[8];
} __attribute__((packed));

int sub_id_check(const char *id)
{
	return store_name_check(id, SUB_ID_MAX);
}

const char *sub_status_str(int status)
{
	switch (status) {
	case SUB_ACTIVE:
		return "active";
	case SUB_SUSPENDED:
		return "suspended";
	case SUB_TERMINATED:
		return "terminated";
	}
	return "unknown";
}

/* Keys must not carry junk beyond the family's address bytes. */
static int pfx_norm(const struct prefix *in, struct prefix *out)
{
	size_t alen;

	if (in->family == 4 && in->len >= 8 && in->len <= 32)
		alen = 4;
	else if (in->family == 6 && in->len >= 32 && in->len <= 128)
		alen = 16;
	else
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	out->len = in->len;
	memcpy(out->addr, in->addr, alen);
	return 0;
}

static void pfx_mask(struct prefix *p, int len)
{
	int i;

	p->len = len;
	for (i = 0; i < 16; i++) {
		int bits = len - i * 8;

		if (bits >= 8)
			continue;
		p->addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static int owner_get(MDB_txn *txn, struct store *st, const struct prefix *p,
		     struct prefix_owner *o)
{
	MDB_val v;
	int err;

	err = store_get(txn, st, DB_PREFIX, p, sizeof(*p), &v);
	if (err)
		return err;
	if (v.mv_size != sizeof(*o))
		return -EIO;
	memcpy(o, v.mv_data, sizeof(*o));
	return 0;
}

/*
 * Who else holds p or overlaps it? An address owned by two subscribers is
 * a billing error, so overlaps (a /24 against a /32 inside it) count too.
 * Returns 0 (free or only uid's own), -EADDRINUSE (*other set), -errno.
 */
static int pfx_conflict(MDB_txn *txn, struct store *st, const struct prefix *p,
			uint32_t uid, uint32_t *other)
{
	int min = p->family == 4 ? 8 : 32, max = p->family == 4 ? 32 : 128;
	struct prefix_owner o;
	struct prefix q;
	MDB_cursor *cur;
	MDB_val k, v;
	int l, rc, err = 0;

	/* p itself and every shorter prefix containing it: exact lookups */
	for (l = min; l <= p->len; l++) {
		q = *p;
		pfx_mask(&q, l);
		err = owner_get(txn, st, &q, &o);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		if (o.uid != uid) {
			*other = o.uid;
			return -EADDRINUSE;
		}
	}
	/* longer prefixes inside p start at p's address in key order */
	err = 0;
	rc = store_cursor_open(txn, st, DB_PREFIX, &cur);
	if (rc)
		return store_err(rc, "mdb_cursor_open");
	for (l = p->len + 1; l <= max && !err; l++) {
		q = *p;
		q.len = l;
		k.mv_data = &q;
		k.mv_size = sizeof(q);
		rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc == -ENOENT)
			break;
		if (rc) {
			err = store_err(rc, "mdb_cursor_get");
			break;
		}
		if (k.mv_size != sizeof(q) || v.mv_size != sizeof(o))
			continue;
		memcpy(&q, k.mv_data, sizeof(q));
		memcpy(&o, v.mv_data, sizeof(o));
		if (q.len == l && prefix_contains(p, &q) && o.uid != uid) {
			*other = o.uid;
			err = -EADDRINUSE;
		}
	}
	mdb_cursor_close(cur);
	return err;
}

/* Write a span of the prefix history; a change the agent must pick up. */
static int span_put(MDB_txn *txn, struct store *st, const struct hist_key *hk,
		    const struct prefix_span *span)
{
	int err;

	err = store_put(txn, st, DB_PREFIX_HIST, hk, sizeof(*hk), span,
			sizeof(*span), 0);
	if (err)
		return err;
	return store_meta_bump(txn, st, "prefix_gen", NULL);
}

static int prefix_add_uid(MDB_txn *txn, struct store *st, uint32_t uid,
			  const struct prefix *in, int64_t now, uint32_t *other)
{
	struct prefix_owner o = { .uid = uid, .since = now };
	struct prefix_span span = { .uid = uid, .until = 0 };
	struct hist_key hk;
	struct prefix p;
	uint32_t dummy;
	int err;

	err = pfx_norm(in, &p);
	if (err)
		return err;
	err = owner_get(txn, st, &p, &o);
	if (!err && o.uid == uid)
		return -EEXIST;
	if (err && err != -ENOENT)
		return err;
	err = pfx_conflict(txn, st, &p, uid, other ? other : &dummy);
	if (err)
		return err;
	o.uid = uid;
	o.pad = 0;
	o.since = now;
	err = store_put(txn, st, DB_PREFIX, &p, sizeof(p), &o, sizeof(o), 0);
	if (err)
		return err;
	hk.p = p;
	bei64_put(hk.since, now);
	return span_put(txn, st, &hk, &span);
}

int sub_prefix_conflict(MDB_txn *txn, struct store *st,
			const struct prefix *in, uint32_t uid, uint32_t *other)
{
	struct prefix p;
	int err;

	err = pfx_norm(in, &p);
	if (err)
		return err;
	return pfx_conflict(txn, st, &p, uid, other);
}

int sub_prefix_add(MDB_txn *txn, struct store *st, const struct sub_rec *rec,
		   const struct prefix *p, int64_t now)
{
	return prefix_add_uid(txn, st, rec->uid, p, now, NULL);
}

int sub_prefix_add_uid(MDB_txn *txn, struct store *st, uint32_t uid,
		       const struct prefix *p, int64_t now)
{
	return prefix_add_uid(txn, st, uid, p, now, NULL);
}

int sub_prefix_del(MDB_txn *txn, struct store *st, const struct sub_rec *rec,
		   const struct prefix *in, int64_t now)
{
	return sub_prefix_del_uid(txn, st, rec->uid, in, now);
}

int sub_prefix_del_uid(MDB_txn *txn, struct store *st, uint32_t uid,
		       const struct prefix *in, int64_t now)
{
	struct prefix_owner o;
	struct prefix_span span;
	struct hist_key hk;
	struct prefix p;
	MDB_val v;
	int err;

	err = pfx_norm(in, &p);
	if (err)
		return err;
	err = owner_get(txn, st, &p, &o);
	if (err)
		return err;
	if (o.uid != uid)
		return -ENOENT;
	err = store_del(txn, st, DB_PREFIX, &p, sizeof(p));
	if (err)
		return err;
	/* close the open span; keep it so owner_at() still answers */
	hk.p = p;
	bei64_put(hk.since, o.since);
	err = store_get(txn, st, DB_PREFIX_HIST, &hk, sizeof(hk), &v);
	if (!err && v.mv_size == sizeof(span))
		memcpy(&span, v.mv_data, sizeof(span));
	else if (err && err != -ENOENT)
		return err;
	else
		span = (struct prefix_span){ .uid = o.uid };
	span.until = now > o.since ? now : o.since;
	return span_put(txn, st, &hk, &span);
}

int sub_prefix_owner(MDB_txn *txn, struct store *st, const struct prefix *in,
		     uint32_t *uid)
{
	struct prefix_owner o;
	struct prefix p, q;
	int l, min, err;

	err = pfx_norm(in, &p);
	if (err)
		return err;
	/* p, then each shorter prefix containing it: exact lookups, the
	 * first hit is the longest */
	min = p.family == 4 ? 8 : 32;
	for (l = p.len; l >= min; l--) {
		q = p;
		pfx_mask(&q, l);
		err = owner_get(txn, st, &q, &o);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		*uid = o.uid;
		return 0;
	}
	return -ENOENT;
}

int sub_prefix_owner_at(MDB_txn *txn, struct store *st,
			const struct prefix *in, int64_t t, uint32_t *uid)
{
	struct prefix_span span;
	struct hist_key hk;
	struct prefix p;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, err;

	err = pfx_norm(in, &p);
	if (err)
		return err;
	rc = store_cursor_open(txn, st, DB_PREFIX_HIST, &cur);
	if (rc)
		return store_err(rc, "mdb_cursor_open");
	/* the last span that started at or before t */
	hk.p = p;
	if (t == INT64_MAX)
		memset(hk.since, 0xff, sizeof(hk.since));
	else
		bei64_put(hk.since, t + 1);
	k.mv_data = &hk;
	k.mv_size = sizeof(hk);
	rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == -ENOENT)
		rc = store_cursor_get(cur, &k, &v, MDB_LAST);
	else if (!rc)
		rc = store_cursor_get(cur, &k, &v, MDB_PREV);
	if (rc) {
		err = store_err(rc, "mdb_cursor_get");
		goto out;
	}
	err = -ENOENT;
	if (k.mv_size != sizeof(hk) || v.mv_size != sizeof(span) ||
	    memcmp(k.mv_data, &p, sizeof(p)))
		goto out;
	memcpy(&span, v.mv_data, sizeof(span));
	if (span.until && t >= span.until)
		goto out;
	*uid = span.uid;
	err = 0;
out:
	mdb_cursor_close(cur);
	return err;
}

/* A stored record into rec: newer versions may only grow the record. */
static void sub_rec_load(struct sub_rec *rec, const MDB_val *v)
{
	memset(rec, 0, sizeof(*rec));
	memcpy(rec, v->mv_data,
	       v->mv_size < sizeof(*rec) ? v->mv_size : sizeof(*rec));
}

int sub_get(MDB_txn *txn, struct store *st, const char *id,
	    struct sub_rec *rec)
{
	MDB_val v;
	int err;

	if (sub_id_check(id))
		return -ENOENT;
	err = store_get(txn, st, DB_SUBS, id, strlen(id), &v);
	if (err)
		return err;
	sub_rec_load(rec, &v);
	return 0;
}

int sub_get_by_uid(MDB_txn *txn, struct store *st, uint32_t uid,
		   struct sub_rec *rec)
{
	char id[SUB_ID_MAX + 1];
	uint8_t k[4];
	MDB_val v;
	int err;

	be32_put(k, uid);
	err = store_get(txn, st, DB_SUB_UID, k, sizeof(k), &v);
	if (err)
		return err;
	if (v.mv_size == 0 || v.mv_size > SUB_ID_MAX)
		return -EIO;
	memcpy(id, v.mv_data, v.mv_size);
	id[v.mv_size] = '\0';
	return sub_get(txn, st, id, rec);
}

/* A new e-mail address must be one SMTP mailbox (lib/mailbox.h): it is
 * put on SMTP command lines. One stored before this check stays
 * writable (a payment rewrites the record); the sender checks again. */
static int sub_email_ok(const char *email, size_t n, const char *old)
{
	if (old && !memcmp(email, old, n))
		return 0;	/* unchanged */
	if (!memchr(email, '\0', n))
		return -EINVAL;
	return email[0] ? mailbox_check(email, NULL) : 0;
}

int sub_put(MDB_txn *txn, struct store *st, const struct sub_rec *rec)
{
	struct sub_rec old;
	int err;

	err = sub_get(txn, st, rec->id, &old);
	if (err)
		return err;
	if (old.uid != rec->uid ||
	    sub_email_ok(rec->email, sizeof(rec->email), old.email))
		return -EINVAL;
	return store_put(txn, st, DB_SUBS, rec->id, strlen(rec->id), rec,
			 sizeof(*rec), 0);
}

int sub_add(MDB_txn *txn, struct store *st, struct sub_rec *rec,
	    const struct prefix *pfx, int npfx, int *conflict)
{
	uint64_t next;
	uint8_t k[4];
	MDB_val v;
	int err, i, j;

	if (conflict)
		*conflict = -1;
	rec->id[SUB_ID_MAX] = '\0';
	rec->email[sizeof(rec->email) - 1] = '\0';
	if (sub_id_check(rec->id) || npfx < 0 || npfx > SUB_MAX_PREFIXES ||
	    sub_email_ok(rec->email, sizeof(rec->email), NULL))
		return -EINVAL;
	for (i = 0; i < npfx; i++) {
		for (j = 0; j < i; j++) {
			if (prefix_contains(&pfx[j], &pfx[i]) ||
			    prefix_contains(&pfx[i], &pfx[j])) {
				if (conflict)
					*conflict = i;
				return -EINVAL;
			}
		}
	}
	err = store_get(txn, st, DB_SUBS, rec->id, strlen(rec->id), &v);
	if (!err)
		return -EEXIST;
	if (err != -ENOENT)
		return err;

	err = store_meta_get_u64(txn, st, "uid_next", &next);
	if (err)
		return err;
	if (next == 0)
		next = 1;	/* uid 0 is TAGIH_UID_NONE */
	if (next > sub_max_uid)
		return -ENOSPC;
	rec->uid = (uint32_t)next;
	rec->version = SUB_REC_VERSION;
	if (!rec->created)
		rec->created = tt_now();
	err = store_meta_put_u64(txn, st, "uid_next", next + 1);
	if (err)
		return err;
	err = store_put(txn, st, DB_SUBS, rec->id, strlen(rec->id), rec,
			sizeof(*rec), MDB_NOOVERWRITE);
	if (err)
		return err;
	be32_put(k, rec->uid);
	err = store_put(txn, st, DB_SUB_UID, k, sizeof(k), rec->id,
			strlen(rec->id), MDB_NOOVERWRITE);
	if (err)
		return err;
	for (i = 0; i < npfx; i++) {
		err = prefix_add_uid(txn, st, rec->uid, &pfx[i], rec->created,
				     NULL);
		if (err) {
			if (conflict)
				*conflict = i;
			return err;
		}
	}
	/* a subscriber without addresses still changes nothing in BPF */
	return 0;
}

struct prefixes_ctx {
	uint32_t uid;
	struct prefix *out;
	int max, n;
};

static int prefixes_cb(const struct prefix *p, const struct prefix_owner *o,
		       void *ctx)
{
	struct prefixes_ctx *c = ctx;

	if (o->uid != c->uid)
		return 0;
	if (c->n < c->max)
		c->out[c->n] = *p;
	c->n++;
	return 0;
}

int sub_prefixes(MDB_txn *txn, struct store *st, uint32_t uid,
		 struct prefix *out, int max)
{
	struct prefixes_ctx c = { .uid = uid, .out = out, .max = max };
	int err;

	err = sub_prefix_foreach(txn, st, prefixes_cb, &c);
	if (err)
		return err;
	return c.n < max ? c.n : max;
}

int sub_foreach(MDB_txn *txn, struct store *st,
		int (*cb)(const struct sub_rec *rec, void *ctx), void *ctx)
{
	struct sub_rec rec;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	rc = store_cursor_open(txn, st, DB_SUBS, &cur);
	if (rc)
		return store_err(rc, "mdb_cursor_open");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc && !ret;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		sub_rec_load(&rec, &v);
		ret = cb(&rec, ctx);
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	if (rc && rc != -ENOENT)
		return store_err(rc, "mdb_cursor_get");
	return 0;
}

int sub_prefix_foreach(MDB_txn *txn, struct store *st,
		       int (*cb)(const struct prefix *p,
				 const struct prefix_owner *o, void *ctx),
		       void *ctx)
{
	struct prefix_owner o;
	struct prefix p;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	rc = store_cursor_open(txn, st, DB_PREFIX, &cur);
	if (rc)
		return store_err(rc, "mdb_cursor_open");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc && !ret;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != sizeof(p) || v.mv_size != sizeof(o))
			continue;
		memcpy(&p, k.mv_data, sizeof(p));
		memcpy(&o, v.mv_data, sizeof(o));
		ret = cb(&p, &o, ctx);
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	if (rc && rc != -ENOENT)
		return store_err(rc, "mdb_cursor_get");
	return 0;
}
