// SPDX-License-Identifier: GPL-2.0
/* v6hash.c - the IPv6 /64 hash: paint /64s from prefixes, keep tagih_v6h64 in step. */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpf/tagih.h"
#include "lib/log.h"
#include "agent/maps/maperr.h"
#include "agent/maps/v6hash.h"
#include "agent/maps/v6dm.h"

/* --- painting (pure) ---------------------------------------------------------- */

static uint64_t hi64(const uint8_t *a)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | a[i];
	return v;
}

/* 0: painted (56..64), 1: marks its /64 for the trie (> 64), 2: ignored. */
static int pfx_class(const struct v6hash_pfx *p)
{
	if (p->len < TAGIH_V6H_MIN_LEN || p->len > 128)
		return 2;
	return p->len > 64;
}

/* First /64 of a prefix: host bits off (len 56..64 here). */
static uint64_t pfx_first(const struct v6hash_pfx *p)
{
	uint64_t k = hi64(p->addr);

	return p->len >= 64 ? k : k & ~((1ull << (64 - p->len)) - 1);
}

/* Class, then first /64, then length (shortest first). */
static int pfx_cmp(const void *a, const void *b)
{
	const struct v6hash_pfx *x = a, *y = b;
	int cx = pfx_class(x), cy = pfx_class(y);
	uint64_t kx, ky;

	if (cx != cy)
		return cx < cy ? -1 : 1;
	kx = pfx_first(x);
	ky = pfx_first(y);
	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return 0;
}

struct painter {
	struct v6hash_ent *out;
	size_t cap, total;
	const struct v6hash_pfx *mark;	/* class 1 prefixes, sorted */
	size_t nmark, mi;
};

/* /64s first..last (inclusive, ascending across calls) belong to uid. */
static void emit(struct painter *pt, uint64_t first, uint64_t last,
		 uint32_t uid)
{
	uint64_t k = first;

	for (;;) {
		uint32_t v = uid;

		while (pt->mi < pt->nmark && hi64(pt->mark[pt->mi].addr) < k)
			pt->mi++;
		if (pt->mi < pt->nmark && hi64(pt->mark[pt->mi].addr) == k)
			v = TAGIH_V6_TRIE;
		if (pt->total < pt->cap) {
			pt->out[pt->total].key = k;
			pt->out[pt->total].val = v;
			pt->out[pt->total].pad = 0;
		}
		pt->total++;
		if (k == last)
			break;
		k++;
	}
}

/* An open prefix during the sweep: its /64s and owner. */
struct open_pfx {
	uint64_t first, last;
	uint32_t len, uid;
};

/*
 * Emits what the innermost open prefix owns from the next unpainted /64
 * (*cur; *done once the last /64 of the space is painted) up to last.
 */
static void emit_to(struct painter *pt, uint64_t *cur, bool *done,
		    uint64_t last, uint32_t uid)
{
	if (*done || *cur > last)
		return;
	emit(pt, *cur, last, uid);
	if (last == UINT64_MAX)
		*done = true;
	else
		*cur = last + 1;
}

size_t v6hash_paint(struct v6hash_pfx *p, size_t n, struct v6hash_ent *out,
		    size_t cap)
{
	/* Prefixes nest or are disjoint: at most one open per length. */
	struct open_pfx st[64 - TAGIH_V6H_MIN_LEN + 1];
	struct painter pt = { .out = out, .cap = out ? cap : 0 };
	size_t npaint = 0, i;
	uint64_t cur = 0;
	bool done = false;
	int sp = 0;

	if (n > 1)
		qsort(p, n, sizeof(*p), pfx_cmp);
	while (npaint < n && pfx_class(&p[npaint]) == 0)
		npaint++;
	pt.mark = p + npaint;
	while (npaint + pt.nmark < n && pfx_class(&pt.mark[pt.nmark]) == 1)
		pt.nmark++;

	/*
	 * Sweep the painted prefixes in address order with a stack of the
	 * ones still open: the innermost (longest) owns each /64 it covers.
	 */
	for (i = 0; i < npaint; i++) {
		uint64_t first = pfx_first(&p[i]);
		uint32_t span = p[i].len >= 64 ? 1 : 1u << (64 - p[i].len);

		while (sp > 0 && st[sp - 1].last < first) {
			emit_to(&pt, &cur, &done, st[sp - 1].last,
				st[sp - 1].uid);
			sp--;
		}
		if (sp > 0 && first > 0)
			emit_to(&pt, &cur, &done, first - 1, st[sp - 1].uid);
		cur = first;
		done = false;
		if (sp > 0 && st[sp - 1].first == first &&
		    st[sp - 1].len == p[i].len) {
			st[sp - 1].uid = p[i].uid;	/* same prefix twice */
			continue;
		}
		st[sp].first = first;
		st[sp].last = first + (span - 1);	/* aligned: no wrap */
		st[sp].len = p[i].len;
		st[sp].uid = p[i].uid;
		sp++;
	}
	while (sp > 0) {
		emit_to(&pt, &cur, &done, st[sp - 1].last, st[sp - 1].uid);
		sp--;
	}
	return pt.total;
}

/* --- the map ---------------------------------------------------------------- */

struct v6hash_map {
	int fd;
	uint32_t max;
	bool logged;		/* "map full" said, not yet taken back */
	struct v6dm_map *dm;	/* the direct-mapped table it feeds, or NULL */
};

void v6hash_set_dm(struct v6hash_map *vh, struct v6dm_map *dm)
{
	vh->dm = dm;
}

void v6hash_close(struct v6hash_map *vh)
{
	if (!vh)
		return;
	if (vh->fd >= 0)
		close(vh->fd);
	free(vh);
}

int v6hash_open(struct v6hash_map **vhp, int fd)
{
	struct bpf_map_info info;
	struct v6hash_map *vh;
	__u32 len = sizeof(info);
	int err;

	*vhp = NULL;
	vh = calloc(1, sizeof(*vh));
	if (!vh)
		return -ENOMEM;
	vh->fd = dup(fd);
	if (vh->fd < 0) {
		err = -errno;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(vh->fd, &info, &len)) {
		err = -errno;
		goto out;
	}
	if (info.type != BPF_MAP_TYPE_HASH || info.key_size != 8 ||
	    info.value_size != 4) {
		pr_warn("v6hash: tagih_v6h64 is not the meter's (type or "
			"sizes differ); IPv6 uses the trie only");
		err = -ENOTSUP;
		goto out;
	}
	vh->max = info.max_entries;
	*vhp = vh;
	return 0;
out:
	v6hash_close(vh);
	return err;
}

/* What the map holds, sorted by key (host order). */
struct have {
	struct v6hash_ent *e;
	size_t n, cap;
};

static int have_push(struct have *h, uint64_t be_key, uint32_t val)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 4096;
		struct v6hash_ent *ne = realloc(h->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		h->e = ne;
		h->cap = cap;
	}
	h->e[h->n].key = be64toh(be_key);
	h->e[h->n].val = val;
	h->e[h->n].pad = 0;
	h->n++;
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct v6hash_ent *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

#define READ_BATCH 4096

/* One key at a time: kernels or maps without batch lookup. */
static int read_slow(int fd, struct have *h)
{
	__u64 key, next;
	__u32 val;
	void *prev = NULL;
	int err;

	h->n = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &val) == 0) {
			err = have_push(h, next, val);
			if (err)
				return err;
		}
		key = next;
		prev = &key;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int read_map(int fd, struct have *h)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
	__u64 keys[READ_BATCH], in_tok = 0, out_tok = 0;
	__u32 vals[READ_BATCH], cnt, i;
	bool first = true;
	int err;

	for (;;) {
		cnt = READ_BATCH;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in_tok, &out_tok,
					   keys, vals, &cnt, &o) ?
			      -errno : 0;
		if (err && err != -ENOENT)
			break;
		for (i = 0; i < cnt; i++) {
			int rc = have_push(h, keys[i], vals[i]);

			if (rc)
				return rc;
		}
		if (err == -ENOENT)
			goto sort;
		in_tok = out_tok;
		first = false;
	}
	err = read_slow(fd, h);
	if (err)
		return err;
sort:
	if (h->n > 1)
		qsort(h->e, h->n, sizeof(*h->e), ent_cmp);
	return 0;
}


/* Delete one entry; 0 or -errno (logged). */
static int del_key(int fd, uint64_t key, struct v6hash_stats *st)
{
	__u64 k = htobe64(key);
	int err;

	if (bpf_map_delete_elem(fd, &k) == 0) {
		st->deleted++;
		return 0;
	}
	err = -errno;
	if (err == -ENOENT)
		return 0;
	pr_warn("v6hash: tagih_v6h64: delete %016llx: %s",
		(unsigned long long)key, strerror(-err));
	return err;
}


int v6hash_sync(struct v6hash_map *vh, struct v6hash_pfx *p, size_t n,
		struct v6hash_stats *stats)
{
	struct v6hash_stats st = { .max = vh->max };
	struct v6hash_ent *want = NULL;
	struct have h = { 0 };
	size_t nwant = 0, i, j, m = 0, loaded = 0;
	bool full = false;
	int err = 0, rc;

	if (vh->max <= TAGIH_V6H_OFF_ENTRIES) {
		st.max = 0;	/* off: empty it, paint nothing */
		n = 0;
	}
	for (i = 0; i < n; i++)
		if (p[i].len >= TAGIH_V6H_MIN_LEN && p[i].len <= 128)
			p[m++] = p[i];
	if (m) {
		st.want = v6hash_paint(p, m, NULL, 0);
		nwant = st.want < vh->max ? st.want : vh->max;
		want = calloc(nwant ? nwant : 1, sizeof(*want));
		if (!want) {
			err = -ENOMEM;
			goto out;
		}
		v6hash_paint(p, m, want, nwant);
	}
	err = read_map(vh->fd, &h);
	if (err) {
		pr_warn("v6hash: reading tagih_v6h64: %s", strerror(-err));
		goto out;
	}

	/* Stale first: it frees room for the new ones. */
	for (i = 0, j = 0; i < h.n; i++) {
		while (j < nwant && want[j].key < h.e[i].key)
			j++;
		if (j < nwant && want[j].key == h.e[i].key)
			continue;
		err = first_err(err, del_key(vh->fd, h.e[i].key, &st));
	}
	/* Then changed values; one that cannot change goes to the trie. */
	for (i = 0, j = 0; i < nwant; i++) {
		__u64 k = htobe64(want[i].key);
		__u32 v = want[i].val;

		while (j < h.n && h.e[j].key < want[i].key)
			j++;
		if (j == h.n || h.e[j].key != want[i].key)
			continue;
		if (h.e[j].val == v) {
			loaded++;
			continue;
		}
		if (bpf_map_update_elem(vh->fd, &k, &v, BPF_EXIST) == 0) {
			st.written++;
			loaded++;
			continue;
		}
		rc = -errno;
		pr_warn("v6hash: tagih_v6h64: update %016llx: %s",
			(unsigned long long)want[i].key, strerror(-rc));
		err = first_err(err, rc);
		err = first_err(err, del_key(vh->fd, want[i].key, &st));
	}
	/* Then new ones, while the map takes them. */
	for (i = 0, j = 0; i < nwant && !full; i++) {
		__u64 k = htobe64(want[i].key);
		__u32 v = want[i].val;

		while (j < h.n && h.e[j].key < want[i].key)
			j++;
		if (j < h.n && h.e[j].key == want[i].key)
			continue;
		if (bpf_map_update_elem(vh->fd, &k, &v, BPF_NOEXIST) == 0) {
			st.written++;
			loaded++;
			continue;
		}
		rc = -errno;
		if (map_full_err(rc)) {
			full = true;
			continue;
		}
		pr_warn("v6hash: tagih_v6h64: add %016llx: %s",
			(unsigned long long)want[i].key, strerror(-rc));
		err = first_err(err, rc);
	}
	st.trie_only = st.want - loaded;
	st.entries = loaded;
	/* after the hash, so both say the same of every /64 (the table only
	 * short-cuts the hash, as the hash short-cuts the trie) */
	v6dm_sync(vh->dm, want, nwant, &st.dm);
out:
	if (st.trie_only && !vh->logged) {
		pr_warn("v6hash: tagih_v6h64 is full (%u entries): %llu of "
			"%llu /64s of prefixes /56../64 are looked up in the "
			"LPM trie, correct but slower; raise v6_hash_entries",
			vh->max, (unsigned long long)st.trie_only,
			(unsigned long long)st.want);
		vh->logged = true;
	} else if (!st.trie_only && vh->logged && !err) {
		pr_info("v6hash: every /64 fits in tagih_v6h64 again");
		vh->logged = false;
	}
	if (stats)
		*stats = st;
	free(want);
	free(h.e);
	return err;
}
