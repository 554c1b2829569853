// SPDX-License-Identifier: GPL-2.0
/* addr.c - learned address bindings (DB_BIND, DB_BIND_EXP) over the prefix ownership of sub.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "billing/addr.h"
#include "billing/audit.h"
#include "billing/sub.h"

/* DB_BIND_EXP key: until (i64 BE, sign flipped), then the prefix. */
struct exp_key {
	uint8_t until[8];
	struct prefix p;
} __attribute__((packed));

/* DB_PREFIX_HIST key, as sub.c writes it. */
struct hist_key {
	struct prefix p;
	uint8_t since[8];
} __attribute__((packed));

const char *addr_src_name(int src)
{
	switch (src) {
	case ADDR_SRC_DHCP:
		return "dhcp";
	case ADDR_SRC_RADIUS:
		return "radius";
	case ADDR_SRC_PPPOE:
		return "pppoe";
	case ADDR_SRC_SNOOP:
		return "dhcp-snoop";
	}
	return "static";
}

/* The same normal form as sub.c's keys: no bytes past the address. */
static int norm(const struct prefix *in, struct prefix *out)
{
	char buf[64];
	const char *why;

	if (in->family != 4 && in->family != 6)
		return -EINVAL;
	/* the text round trip checks length and host bits as input does */
	prefix_fmt(in, buf, sizeof(buf));
	return prefix_parse(buf, out, &why);
}

int addr_bind_get(MDB_txn *txn, struct store *st, const struct prefix *p,
		  struct addr_bind *b)
{
	MDB_val v;
	int err;

	err = store_get(txn, st, DB_BIND, p, sizeof(*p), &v);
	if (err)
		return err;
	if (v.mv_size != sizeof(*b))
		return -EIO;
	memcpy(b, v.mv_data, sizeof(*b));
	b->session[ADDR_SESSION_MAX] = '\0';
	return 0;
}

static int exp_put(MDB_txn *txn, struct store *st, const struct prefix *p,
		   int64_t until, bool del)
{
	struct exp_key k;

	if (!until)
		return 0;
	bei64_put(k.until, until);
	k.p = *p;
	if (del) {
		int err = store_del(txn, st, DB_BIND_EXP, &k, sizeof(k));

		return err == -ENOENT ? 0 : err;
	}
	return store_put(txn, st, DB_BIND_EXP, &k, sizeof(k), "", 0, 0);
}

static int audit_addr(MDB_txn *txn, struct store *st, int64_t now,
		      const char *actor, const char *action, uint32_t uid,
		      const struct prefix *p, int src, const char *why)
{
	struct sub_rec r;
	char b[64];
	json_t *d;
	int err;

	if (sub_get_by_uid(txn, st, uid, &r))
		snprintf(r.id, sizeof(r.id), "uid:%u", uid);
	d = json_pack("{s:s, s:s, s:i}", "address", prefix_fmt(p, b, sizeof(b)),
		      "source", addr_src_name(src), "uid", (json_int_t)uid);
	if (!d)
		return -ENOMEM;
	err = audit_write(txn, st, now, actor ? actor : "tagih", action, r.id,
			  why, d);
	json_decref(d);
	return err;
}

/* End binding b of p now: the ownership span, the binding, its expiry. */
static int bind_end(MDB_txn *txn, struct store *st, const struct prefix *p,
		    const struct addr_bind *b, int64_t now, const char *actor,
		    const char *why)
{
	int err;

	err = sub_prefix_del_uid(txn, st, b->uid, p, now);
	if (err && err != -ENOENT)	/* ownership gone by hand: tidy up */
		return err;
	err = store_del(txn, st, DB_BIND, p, sizeof(*p));
	if (!err)
		err = exp_put(txn, st, p, b->until, true);
	if (!err)
		err = audit_addr(txn, st, now, actor, "addr_end", b->uid, p,
				 b->source, why);
	return err;
}

int addr_claim(MDB_txn *txn, struct store *st, const struct addr_claim *c,
	       int64_t now, const char *actor, uint32_t *other, bool *changed)
{
	struct addr_bind b, old;
	struct prefix p;
	uint32_t owner = 0, dummy;
	char why[64];
	int err, had;

	if (changed)
		*changed = false;
	if (!other)
		other = &dummy;
	if (!c->uid || norm(&c->p, &p) || (c->until && c->until <= now))
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.uid = c->uid;
	b.source = c->source;
	b.since = now;
	b.until = c->until;
	snprintf(b.session, sizeof(b.session), "%s",
		 c->session ? c->session : "");

	had = addr_bind_get(txn, st, &p, &old);
	if (had && had != -ENOENT)
		return had;
	err = sub_prefix_owner(txn, st, &p, &owner);
	if (err == -ENOENT)
		owner = 0;
	else if (err)
		return err;
	if (!had && old.uid == c->uid && owner == c->uid) {
		/* a repeat (RADIUS duplicate, Interim, DHCP renew) */
		b.since = old.since;
		if (!memcmp(&b, &old, sizeof(b)))
			return 0;
		err = exp_put(txn, st, &p, old.until, true);
		if (!err)
			err = exp_put(txn, st, &p, b.until, false);
		if (!err)
			err = store_put(txn, st, DB_BIND, &p, sizeof(p), &b,
					sizeof(b), 0);
		return err;
	}
	if (!had) {
		/* another's binding (or ours, stale): the new claim ends it */
		struct sub_rec r;

		if (sub_get_by_uid(txn, st, c->uid, &r))
			snprintf(r.id, sizeof(r.id), "uid:%u", c->uid);
		snprintf(why, sizeof(why), "claimed by %s", r.id);
		err = bind_end(txn, st, &p, &old, now, actor, why);
		if (err)
			return err;
	}
	/* what is left is static or overlapping: never taken by a claim */
	err = sub_prefix_conflict(txn, st, &p, c->uid, other);
	if (err)
		return err;
	err = sub_prefix_add_uid(txn, st, c->uid, &p, now);
	if (err == -EEXIST) {
		/* the subscriber's own static address: keep it static */
		return 0;
	}
	if (err)
		return err;
	err = store_put(txn, st, DB_BIND, &p, sizeof(p), &b, sizeof(b), 0);
	if (!err)
		err = exp_put(txn, st, &p, b.until, false);
	if (!err)
		err = audit_addr(txn, st, now, actor, "addr_bind", c->uid, &p,
				 c->source, NULL);
	if (!err && changed)
		*changed = true;
	return err;
}

int addr_release(MDB_txn *txn, struct store *st, const struct prefix *in,
		 uint32_t uid, const char *session, int64_t now,
		 const char *actor, const char *why)
{
	struct addr_bind b;
	struct prefix p;
	int err;

	if (norm(in, &p))
		return -EINVAL;
	err = addr_bind_get(txn, st, &p, &b);
	if (err)
		return err;
	if ((uid && b.uid != uid) ||
	    (session && *session && strcmp(session, b.session)))
		return -ENOENT;
	return bind_end(txn, st, &p, &b, now, actor, why);
}

int addr_forget(MDB_txn *txn, struct store *st, const struct prefix *in)
{
	struct addr_bind b;
	struct prefix p;
	int err;

	if (norm(in, &p))
		return -EINVAL;
	err = addr_bind_get(txn, st, &p, &b);
	if (err)
		return err == -ENOENT ? 0 : err;
	err = store_del(txn, st, DB_BIND, &p, sizeof(p));
	return err ? err : exp_put(txn, st, &p, b.until, true);
}

int addr_next_expiry(MDB_txn *txn, struct store *st, int64_t *t)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int err;

	*t = 0;
	err = store_cursor_open(txn, st, DB_BIND_EXP, &cur);
	if (err)
		return err;
	err = store_cursor_get(cur, &k, &v, MDB_FIRST);
	if (!err && k.mv_size == sizeof(struct exp_key))
		*t = bei64_get(k.mv_data);
	mdb_cursor_close(cur);
	return err == -ENOENT ? 0 : err;
}

int addr_expire(MDB_txn *txn, struct store *st, int64_t now,
		const char *actor)
{
	struct exp_key ek;
	struct addr_bind b;
	MDB_cursor *cur;
	MDB_val k, v;
	int err, n = 0;

	for (;;) {
		/* a fresh cursor each time: bind_end deletes under it */
		err = store_cursor_open(txn, st, DB_BIND_EXP, &cur);
		if (err)
			return err;
		err = store_cursor_get(cur, &k, &v, MDB_FIRST);
		if (!err && k.mv_size == sizeof(ek))
			memcpy(&ek, k.mv_data, sizeof(ek));
		else if (!err)
			err = -EIO;
		mdb_cursor_close(cur);
		if (err == -ENOENT)
			return n;
		if (err)
			return err;
		if (bei64_get(ek.until) > now)
			return n;
		err = addr_bind_get(txn, st, &ek.p, &b);
		if (!err && b.until == bei64_get(ek.until)) {
			/* the history ends when the lease did, even when
			 * nobody was there to expire it on time */
			err = bind_end(txn, st, &ek.p, &b, b.until, actor,
				       "expired");
			n++;
		} else if (!err || err == -ENOENT) {
			/* an index entry left behind: drop it */
			err = store_del(txn, st, DB_BIND_EXP, &ek, sizeof(ek));
		}
		if (err)
			return err;
	}
}

/* The spans of one exact prefix, in time order. */
static int hist_prefix(MDB_cursor *cur, const struct prefix *p, uint32_t uid,
		       int (*cb)(const struct addr_span *s, void *ctx),
		       void *ctx)
{
	struct hist_key hk;
	struct prefix_span sp;
	struct addr_span s;
	MDB_val k, v;
	int err, ret;

	memset(&hk, 0, sizeof(hk));
	hk.p = *p;
	k.mv_data = &hk;
	k.mv_size = sizeof(hk);
	for (err = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); !err;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != sizeof(hk) || memcmp(k.mv_data, p, sizeof(*p)))
			break;
		if (v.mv_size != sizeof(sp))
			continue;
		memcpy(&sp, v.mv_data, sizeof(sp));
		if (uid && sp.uid != uid)
			continue;
		s.p = *p;
		s.uid = sp.uid;
		s.since = bei64_get((const uint8_t *)k.mv_data +
				    sizeof(struct prefix));
		s.until = sp.until;
		ret = cb(&s, ctx);
		if (ret)
			return ret;
	}
	return err == -ENOENT ? 0 : err;
}

static void mask(struct prefix *p, int len)
{
	int i;

	p->len = (uint8_t)len;
	for (i = 0; i < 16; i++) {
		int bits = len - i * 8;

		if (bits < 8)
			p->addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

int addr_history(MDB_txn *txn, struct store *st, const struct prefix *addr,
		 uint32_t uid,
		 int (*cb)(const struct addr_span *s, void *ctx), void *ctx)
{
	struct prefix p, q;
	MDB_cursor *cur;
	MDB_val k, v;
	int err, ret = 0, l;

	err = store_cursor_open(txn, st, DB_PREFIX_HIST, &cur);
	if (err)
		return err;
	if (addr) {
		if (norm(addr, &p)) {
			mdb_cursor_close(cur);
			return -EINVAL;
		}
		for (l = p.family == 4 ? 8 : 32; l <= p.len && !ret; l++) {
			q = p;
			mask(&q, l);
			ret = hist_prefix(cur, &q, uid, cb, ctx);
		}
		mdb_cursor_close(cur);
		return ret;
	}
	for (err = store_cursor_get(cur, &k, &v, MDB_FIRST); !err && !ret;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct prefix_span sp;
		struct addr_span s;

		if (k.mv_size != sizeof(struct hist_key) ||
		    v.mv_size != sizeof(sp))
			continue;
		memcpy(&sp, v.mv_data, sizeof(sp));
		if (sp.uid != uid)
			continue;
		memcpy(&s.p, k.mv_data, sizeof(s.p));
		s.uid = sp.uid;
		s.since = bei64_get((const uint8_t *)k.mv_data +
				    sizeof(struct prefix));
		s.until = sp.until;
		ret = cb(&s, ctx);
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	return err == -ENOENT ? 0 : err;
}
