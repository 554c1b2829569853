// SPDX-License-Identifier: GPL-2.0
/* mapsync.c - reconcile the meter's maps with the store: prefixes, isolir state, garden. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpf/tagih.h"
#include "lib/log.h"
#include "agent/maps/maperr.h"
#include "agent/maps/mapsync.h"
#include "agent/meter.h"
#include "lib/prefix.h"
#include "billing/sub.h"

struct mapsync {
	int fd[TAGIH_MAP__MAX];		/* borrowed from the meter */
	uint32_t max[TAGIH_MAP__MAX];
	struct dir16_maps *d16;	/* NULL: no direct table, trie only */
	struct v6hash_map *v6h;	/* NULL: no /64 hash, trie only */
	struct v6dm_map *v6dm;	/* NULL: no direct-mapped /64 table */
};

#define map_name meter_map_name

void mapsync_close(struct mapsync *ms)
{
	if (!ms)
		return;
	dir16_maps_close(ms->d16);
	v6hash_close(ms->v6h);
	v6dm_close(ms->v6dm);
	free(ms);
}

int mapsync_open(struct mapsync **msp, const struct meter *m)
{
	struct mapsync *ms;
	int i;

	*msp = NULL;
	ms = calloc(1, sizeof(*ms));
	if (!ms)
		return -ENOMEM;
	for (i = 0; i < TAGIH_MAP__MAX; i++) {
		ms->fd[i] = meter_map_fd(m, i);
		if (ms->fd[i] < 0) {
			free(ms);
			return -EBADF;
		}
		ms->max[i] = meter_map_max(m, i);
	}
	/* Without the direct table the meter still answers from the trie. */
	if (dir16_maps_open(&ms->d16, ms->fd[TAGIH_MAP_V4DIR],
			    ms->fd[TAGIH_MAP_V4BLK]))
		ms->d16 = NULL;
	if (v6hash_open(&ms->v6h, ms->fd[TAGIH_MAP_V6H64]))
		ms->v6h = NULL;
	if (ms->v6h && v6dm_open(&ms->v6dm, ms->fd[TAGIH_MAP_V6DM]) == 0)
		v6hash_set_dm(ms->v6h, ms->v6dm);
	*msp = ms;
	return 0;
}

/* --- LPM tries: prefixes and garden --------------------------------------- */

/* One wanted map entry; key is a tagih_lpm4/6, val an 8-byte value. */
struct want {
	uint8_t key[sizeof(struct tagih_lpm6)];
	uint8_t val[8];
};

struct want_set {
	struct want *w;
	size_t n, cap;
};

/*
 * Room for element n of the array v (*cap elements of sz bytes), doubling
 * from first: returns the array, maybe moved, or NULL (v is still valid).
 */
static void *grow(void *v, size_t *cap, size_t n, size_t sz, size_t first)
{
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : first;
	v = realloc(v, ncap * sz);
	if (v)
		*cap = ncap;
	return v;
}

static int want_push(struct want_set *s, const struct prefix *p,
		     const void *val)
{
	struct tagih_lpm4 k4 = { 0 };
	struct tagih_lpm6 k6 = { 0 };
	struct want *w = grow(s->w, &s->cap, s->n, sizeof(*w), 1024);

	if (!w)
		return -ENOMEM;
	s->w = w;
	w = &s->w[s->n++];
	memset(w, 0, sizeof(*w));
	if (p->family == 4) {
		k4.prefixlen = p->len;
		memcpy(k4.addr, p->addr, 4);
		memcpy(w->key, &k4, sizeof(k4));
	} else {
		k6.prefixlen = p->len;
		memcpy(k6.addr, p->addr, 16);
		memcpy(w->key, &k6, sizeof(k6));
	}
	memcpy(w->val, val, 8);
	return 0;
}

static size_t cmp_ksz;	/* qsort has no context argument in C11 */

static int want_cmp(const void *a, const void *b)
{
	return memcmp(a, b, cmp_ksz);
}

static bool want_find(const struct want_set *s, size_t ksz, const void *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(s->w[mid].key, key, ksz);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}


#define STAT(stats, field, n)                 \
	do {                                  \
		if (stats)                    \
			(stats)->field += (n); \
	} while (0)

static void fmt_key(enum tagih_map m, const uint8_t *key, char *buf,
		    size_t n)
{
	struct prefix p = { 0 };
	__u32 plen;

	memcpy(&plen, key, sizeof(plen));
	p.len = plen;
	if (m == TAGIH_MAP_PFX4 || m == TAGIH_MAP_GARDEN4) {
		p.family = 4;
		memcpy(p.addr, key + 4, 4);
	} else {
		p.family = 6;
		memcpy(p.addr, key + 4, 16);
	}
	prefix_fmt(&p, buf, n);
}

/*
 * Make the trie fd hold exactly the entries of s (keys of ksz bytes).
 * Returns 0, -ENOSPC when some entries did not fit, or -errno.
 */
static int sync_lpm(int fd, size_t ksz, struct want_set *s,
		    enum tagih_map m, struct mapsync_stats *stats)
{
	uint8_t key[sizeof(struct tagih_lpm6)], next[sizeof(struct tagih_lpm6)];
	uint8_t val[8];
	uint8_t *stale = NULL;
	size_t nstale = 0, cap = 0, i;
	uint32_t entries = 0;
	void *prev = NULL;
	char buf[64];
	int err = 0, rc;

	cmp_ksz = ksz;
	if (s->n)	/* qsort(NULL, 0) is undefined behaviour */
		qsort(s->w, s->n, sizeof(*s->w), want_cmp);

	/* Collect stale keys first: deleting during a trie walk restarts it. */
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (!want_find(s, ksz, next)) {
			uint8_t *ns = grow(stale, &cap, nstale, ksz, 256);

			if (!ns) {
				err = -ENOMEM;
				goto out;
			}
			stale = ns;
			memcpy(stale + nstale++ * ksz, next, ksz);
		}
		memcpy(key, next, ksz);
		prev = key;
	}
	for (i = 0; i < nstale; i++) {
		if (bpf_map_delete_elem(fd, stale + i * ksz) && errno != ENOENT) {
			rc = -errno;
			fmt_key(m, stale + i * ksz, buf, sizeof(buf));
			pr_warn("mapsync: %s: delete %s: %s", map_name(m), buf,
				strerror(-rc));
			STAT(stats, errors, 1);
			if (!err)
				err = rc;
			continue;
		}
		STAT(stats, deleted, 1);
	}
	for (i = 0; i < s->n; i++) {
		struct want *w = &s->w[i];

		if (bpf_map_lookup_elem(fd, w->key, val) == 0 &&
		    !memcmp(val, w->val, sizeof(val))) {
			entries++;
			continue;
		}
		if (bpf_map_update_elem(fd, w->key, w->val, BPF_ANY)) {
			rc = -errno;
			fmt_key(m, w->key, buf, sizeof(buf));
			if (map_full_err(rc)) {
				pr_warn("mapsync: %s is full (%u entries): %s "
					"not loaded; raise max_prefixes",
					map_name(m), entries, buf);
				STAT(stats, full, 1);
				rc = -ENOSPC;
			} else {
				pr_warn("mapsync: %s: update %s: %s",
					map_name(m), buf, strerror(-rc));
				STAT(stats, errors, 1);
			}
			if (!err || rc == -ENOSPC)
				err = rc;
			continue;
		}
		entries++;
		STAT(stats, added, 1);
	}
	if (stats)
		stats->entries[m] = entries;
out:
	free(stale);
	return err;
}

struct pfx_ctx {
	struct want_set v4, v6;
	struct dir16_pfx *d16;	/* the IPv4 prefixes again, for dir16_sync */
	size_t nd16, capd16;
	struct v6hash_pfx *v6h;	/* IPv6 prefixes /56 and longer, for v6hash */
	size_t nv6h, capv6h;
	int err;
};

static int d16_push(struct pfx_ctx *c, const struct prefix *p, uint32_t uid)
{
	struct dir16_pfx *d = grow(c->d16, &c->capd16, c->nd16, sizeof(*d),
				   1024);

	if (!d)
		return -ENOMEM;
	c->d16 = d;
	d = &c->d16[c->nd16++];
	d->addr = be32_get(p->addr);
	d->len = p->len;
	d->uid = uid;
	return 0;
}

static int v6h_push(struct pfx_ctx *c, const struct prefix *p, uint32_t uid)
{
	struct v6hash_pfx *d = grow(c->v6h, &c->capv6h, c->nv6h, sizeof(*d),
				    1024);

	if (!d)
		return -ENOMEM;
	c->v6h = d;
	d = &c->v6h[c->nv6h++];
	memcpy(d->addr, p->addr, 16);
	d->len = p->len;
	d->uid = uid;
	return 0;
}

static int pfx_cb(const struct prefix *p, const struct prefix_owner *o,
		  void *ctx)
{
	struct pfx_ctx *c = ctx;
	struct tagih_pfx_val v = { .uid = o->uid };
	int err;

	err = want_push(p->family == 4 ? &c->v4 : &c->v6, p, &v);
	if (!err && p->family == 4 && p->len >= 16)
		err = d16_push(c, p, o->uid);
	if (!err && p->family == 6 && p->len >= TAGIH_V6H_MIN_LEN)
		err = v6h_push(c, p, o->uid);
	if (err) {
		c->err = err;
		return 1;
	}
	return 0;
}


int mapsync_prefixes(struct mapsync *ms, struct store *st,
		     struct mapsync_stats *stats)
{
	struct pfx_ctx c = { 0 };
	MDB_txn *txn;
	int err;

	err = store_begin(st, false, &txn);
	if (err)
		return err;
	err = sub_prefix_foreach(txn, st, pfx_cb, &c);
	store_abort(txn);
	if (c.err)
		err = c.err;
	if (err < 0)
		goto out;
	err = sync_lpm(ms->fd[TAGIH_MAP_PFX4], sizeof(struct tagih_lpm4), &c.v4,
		       TAGIH_MAP_PFX4, stats);
	err = first_err(err, sync_lpm(ms->fd[TAGIH_MAP_PFX6],
				      sizeof(struct tagih_lpm6), &c.v6,
				      TAGIH_MAP_PFX6, stats));
	/* After the trie: a new prefix reaches the table no sooner. */
	if (ms->d16) {
		struct dir16_stats ds;

		err = first_err(err, dir16_sync(ms->d16, c.d16, c.nd16, &ds));
		if (stats) {
			stats->v4dir = ds;
			stats->entries[TAGIH_MAP_V4DIR] = ds.used;
			stats->entries[TAGIH_MAP_V4BLK] = ds.used * DIR16_SLOTS;
			stats->full += ds.trie_only;
		}
	}
	if (ms->v6h) {
		struct v6hash_stats vs;

		err = first_err(err, v6hash_sync(ms->v6h, c.v6h, c.nv6h, &vs));
		if (stats) {
			stats->v6h64 = vs;
			stats->entries[TAGIH_MAP_V6H64] = vs.entries;
			stats->entries[TAGIH_MAP_V6DM] = vs.dm.entries;
			stats->added += vs.written;
			stats->deleted += vs.deleted;
			stats->full += vs.trie_only;
		}
	}
out:
	free(c.v4.w);
	free(c.v6.w);
	free(c.d16);
	free(c.v6h);
	return err;
}

int mapsync_garden(struct mapsync *ms, struct store *st,
		   struct mapsync_stats *stats)
{
	struct want_set v4 = { 0 }, v6 = { 0 };
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	MDB_txn *txn;
	int err, rc;

	err = store_begin(st, false, &txn);
	if (err)
		return err;
	rc = store_cursor_open(txn, st, DB_GARDEN, &cur);
	if (rc) {
		err = store_err(rc, "mapsync: garden cursor");
		goto abort;
	}
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct tagih_garden_val gv = { 0 };
		struct prefix p;
		uint16_t port = 0;

		if (k.mv_size != sizeof(p))
			continue;
		memcpy(&p, k.mv_data, sizeof(p));
		if (v.mv_size >= sizeof(port))
			memcpy(&port, v.mv_data, sizeof(port));
		gv.port = port;
		err = want_push(p.family == 4 ? &v4 : &v6, &p, &gv);
		if (err)
			goto abort;
	}
	if (rc != -ENOENT) {
		err = store_err(rc, "mapsync: garden walk");
		goto abort;
	}
	mdb_cursor_close(cur);
	cur = NULL;
	store_abort(txn);
	txn = NULL;
	err = sync_lpm(ms->fd[TAGIH_MAP_GARDEN4], sizeof(struct tagih_lpm4), &v4,
		       TAGIH_MAP_GARDEN4, stats);
	err = first_err(err, sync_lpm(ms->fd[TAGIH_MAP_GARDEN6],
				      sizeof(struct tagih_lpm6), &v6,
				      TAGIH_MAP_GARDEN6, stats));
abort:
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		store_abort(txn);
	free(v4.w);
	free(v6.w);
	return err;
}

/* --- policy array ----------------------------------------------------------- */

struct pol_ctx {
	uint8_t *isolir;	/* one byte per uid */
	uint32_t max;
	uint32_t suspended;
	int err;
};

static int pol_cb(const struct sub_rec *rec, void *ctx)
{
	struct pol_ctx *c = ctx;

	if (rec->status != SUB_SUSPENDED)
		return 0;
	if (rec->uid >= c->max) {
		pr_warn("mapsync: subscriber %s: uid %u beyond tagih_policy "
			"(%u slots), isolir NOT enforced; raise "
			"max_subscribers", rec->id, rec->uid, c->max);
		c->err = -ERANGE;
		return 0;
	}
	c->isolir[rec->uid] = 1;
	c->suspended++;
	return 0;
}

#define POL_BATCH 8192

/* Slots [base, base + n) of an array map; 0 or -errno (caller falls back). */
static int read_batch(int fd, uint32_t base, uint32_t n, __u32 *keys,
		      struct tagih_policy *vals)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
	__u32 in = base - 1, out, cnt = n;	/* in_batch: the key before */

	if (bpf_map_lookup_batch(fd, base ? &in : NULL, &out, keys, vals, &cnt,
				 &o) && errno != ENOENT)
		return -errno;
	return cnt == n && keys[0] == base ? 0 : -EAGAIN;
}

int mapsync_policy(struct mapsync *ms, struct store *st,
		   struct mapsync_stats *stats)
{
	struct pol_ctx c = { 0 };
	struct tagih_policy *vals = NULL;
	__u32 *keys = NULL;
	int fd = ms->fd[TAGIH_MAP_POLICY];
	MDB_txn *txn;
	uint32_t base;
	int err, rc;

	c.max = ms->max[TAGIH_MAP_POLICY];
	c.isolir = calloc(c.max ? c.max : 1, 1);
	keys = calloc(POL_BATCH, sizeof(*keys));
	vals = calloc(POL_BATCH, sizeof(*vals));
	if (!c.isolir || !keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	err = store_begin(st, false, &txn);
	if (err)
		goto out;
	err = sub_foreach(txn, st, pol_cb, &c);
	store_abort(txn);
	if (err < 0)
		goto out;
	err = c.err;

	/* Read the array in batches, write only the slots that differ. */
	for (base = 0; base < c.max; base += POL_BATCH) {
		uint32_t n = c.max - base < POL_BATCH ? c.max - base : POL_BATCH;
		uint32_t i;

		if (read_batch(fd, base, n, keys, vals))
			for (i = 0; i < n; i++) {
				keys[i] = base + i;
				if (bpf_map_lookup_elem(fd, &keys[i], &vals[i]))
					memset(&vals[i], 0xff, sizeof(vals[i]));
			}
		for (i = 0; i < n; i++) {
			struct tagih_policy want = {
				.state = c.isolir[base + i] ? TAGIH_ST_ISOLIR :
							      TAGIH_ST_ACTIVE,
			};

			if (!memcmp(&vals[i], &want, sizeof(want)))
				continue;
			if (bpf_map_update_elem(fd, &keys[i], &want, BPF_ANY)) {
				rc = -errno;
				pr_warn("mapsync: tagih_policy[%u]: %s",
					keys[i], strerror(-rc));
				STAT(stats, errors, 1);
				err = first_err(err, rc);
				continue;
			}
			STAT(stats, added, 1);
		}
	}
	if (stats)
		stats->entries[TAGIH_MAP_POLICY] = c.suspended;
out:
	free(c.isolir);
	free(keys);
	free(vals);
	return err;
}

int mapsync_all(struct mapsync *ms, struct store *st,
		struct mapsync_stats *stats)
{
	int err;

	err = mapsync_prefixes(ms, st, stats);
	err = first_err(err, mapsync_policy(ms, st, stats));
	err = first_err(err, mapsync_garden(ms, st, stats));
	return err;
}
