// SPDX-License-Identifier: GPL-2.0
/* dir16.c - the IPv4 DIR-16 direct table: paint /16 blocks from prefixes, keep tagih_v4dir/tagih_v4blk in step. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "agent/maps/dir16.h"
#include "lib/log.h"

/* --- painting (pure) ---------------------------------------------------------- */

static int pfx_cmp(const void *a, const void *b)
{
	const struct dir16_pfx *x = a, *y = b;

	if (x->addr >> 16 != y->addr >> 16)
		return x->addr >> 16 < y->addr >> 16 ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

void dir16_sort(struct dir16_pfx *p, size_t n)
{
	if (n > 1)
		qsort(p, n, sizeof(*p), pfx_cmp);
}

int dir16_paint(uint32_t *blk, uint32_t hi16, const struct dir16_pfx *p,
		size_t n)
{
	size_t i, j;

	memset(blk, 0, DIR16_SLOTS * sizeof(*blk));
	for (i = 0; i < n; i++) {
		uint32_t span, lo;

		if (p[i].len < 16 || p[i].len > 32 || p[i].addr >> 16 != hi16 ||
		    (i && p[i].len < p[i - 1].len)) {
			memset(blk, 0, DIR16_SLOTS * sizeof(*blk));
			return -EINVAL;
		}
		span = 1u << (32 - p[i].len);
		lo = p[i].addr & 0xffff & ~(span - 1);	/* host bits off */
		for (j = 0; j < span; j++)
			blk[lo + j] = p[i].uid;
	}
	return 0;
}

/* --- the maps ------------------------------------------------------------------- */

/*
 * The kernel stores array values in slots rounded up to 8 bytes, and that
 * is what mmap shows: entry i of a u32 array is the u32 at [i * STRIDE].
 */
#define STRIDE 2

struct dir16_maps {
	int dir_fd, blk_fd;
	uint32_t *dir;		/* DIR16_SLOTS entries, mmapped, see STRIDE */
	uint32_t *blk;		/* nblocks * DIR16_SLOTS, mmapped; NULL if 0 */
	size_t dir_len, blk_len;
	uint32_t nblocks;
	uint32_t logged;	/* trie_only last logged */
};

void dir16_maps_close(struct dir16_maps *dm)
{
	if (!dm)
		return;
	if (dm->dir)
		munmap(dm->dir, dm->dir_len);
	if (dm->blk)
		munmap(dm->blk, dm->blk_len);
	if (dm->dir_fd >= 0)
		close(dm->dir_fd);
	if (dm->blk_fd >= 0)
		close(dm->blk_fd);
	free(dm);
}

static int map_get_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

static size_t page_round(size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t p = pg > 0 ? (size_t)pg : 4096;

	return (n + p - 1) / p * p;
}

static int map_mmap(int fd, size_t len, uint32_t **out)
{
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		return -errno;
	*out = m;
	return 0;
}

int dir16_maps_open(struct dir16_maps **dmp, int dir_fd, int blk_fd)
{
	struct bpf_map_info di, bi;
	struct dir16_maps *dm;
	int err;

	*dmp = NULL;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->dir_fd = dm->blk_fd = -1;
	dm->dir_fd = dup(dir_fd);
	if (dm->dir_fd < 0) {
		err = -errno;
		goto out;
	}
	dm->blk_fd = dup(blk_fd);
	if (dm->blk_fd < 0) {
		err = -errno;
		goto out;
	}
	err = map_get_info(dm->dir_fd, &di);
	if (!err)
		err = map_get_info(dm->blk_fd, &bi);
	if (err)
		goto out;
	if (di.key_size != 4 || di.value_size != 4 ||
	    di.max_entries != DIR16_SLOTS || bi.key_size != 4 ||
	    bi.value_size != 4 || !(di.map_flags & BPF_F_MMAPABLE) ||
	    !(bi.map_flags & BPF_F_MMAPABLE)) {
		pr_warn("dir16: tagih_v4dir/tagih_v4blk are not the meter's "
			"(sizes or flags differ); IPv4 uses the trie only");
		err = -ENOTSUP;
		goto out;
	}
	dm->nblocks = bi.max_entries / DIR16_SLOTS;
	dm->dir_len = page_round(DIR16_SLOTS * STRIDE * sizeof(uint32_t));
	err = map_mmap(dm->dir_fd, dm->dir_len, &dm->dir);
	if (err)
		goto mmap_fail;
	if (dm->nblocks) {
		dm->blk_len = page_round((size_t)dm->nblocks * DIR16_SLOTS *
					 STRIDE * sizeof(uint32_t));
		err = map_mmap(dm->blk_fd, dm->blk_len, &dm->blk);
		if (err)
			goto mmap_fail;
	}
	*dmp = dm;
	return 0;
mmap_fail:
	pr_warn("dir16: mmap tagih_v4dir/tagih_v4blk: %s", strerror(-err));
out:
	dir16_maps_close(dm);
	return err;
}

/* --- sync ----------------------------------------------------------------------- */

/* One /16 holding prefixes of length >= 16: p[start .. start + n). */
struct group {
	uint32_t hi;
	uint32_t blk;		/* 1-based, 0 = none */
	size_t start, n;
};

/* Directory entries are published with release order: block first. */
static void dir_store(uint32_t *slot, uint32_t v)
{
	__atomic_store_n(slot, v, __ATOMIC_RELEASE);
}

/* Entry i of a mapped u32 array. */
static uint32_t *slot(uint32_t *map, size_t i)
{
	return &map[i * STRIDE];
}

/* Write the n entries of the mapped dst that differ from want; how many. */
static uint64_t write_diff(uint32_t *dst, const uint32_t *want, size_t n)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (*slot(dst, i) != want[i]) {
			__atomic_store_n(slot(dst, i), want[i],
					 __ATOMIC_RELAXED);
			w++;
		}
	return w;
}

/* Every /16 to the trie: used when we cannot tell what the table should say. */
static void dir_clear(struct dir16_maps *dm, struct dir16_stats *st)
{
	uint32_t i;

	for (i = 0; i < DIR16_SLOTS; i++)
		if (*slot(dm->dir, i)) {
			dir_store(slot(dm->dir, i), 0);
			st->written++;
		}
}

static const struct group *cmp_groups;	/* qsort has no context in C11 */

/* Most prefixes first, then lowest /16: who gets a block when few are left. */
static int idx_cmp(const void *a, const void *b)
{
	const struct group *x = &cmp_groups[*(const size_t *)a];
	const struct group *y = &cmp_groups[*(const size_t *)b];

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

int dir16_sync(struct dir16_maps *dm, struct dir16_pfx *p, size_t n,
	       struct dir16_stats *stats)
{
	struct dir16_stats st = { 0 };
	struct group *g = NULL;
	uint32_t *newdir = NULL, *owner = NULL, *buf = NULL, b;
	bool *freed = NULL;
	size_t *order = NULL, m = 0, ng = 0, i, k;
	int err = 0;

	st.blocks = dm->nblocks;

	/* Only prefixes of length 16..32 are painted; the trie has them all. */
	for (i = 0; i < n; i++)
		if (p[i].len >= 16 && p[i].len <= 32)
			p[m++] = p[i];
	dir16_sort(p, m);

	for (i = 0; i < m; i++)
		if (!i || p[i].addr >> 16 != p[i - 1].addr >> 16)
			ng++;
	g = calloc(ng ? ng : 1, sizeof(*g));
	order = calloc(ng ? ng : 1, sizeof(*order));
	newdir = calloc(DIR16_SLOTS, sizeof(*newdir));
	owner = calloc(dm->nblocks + 1, sizeof(*owner));
	freed = calloc(dm->nblocks + 1, sizeof(*freed));
	buf = malloc(DIR16_SLOTS * sizeof(*buf));
	if (!g || !order || !newdir || !owner || !freed || !buf) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0, k = 0; i < m; i++) {
		if (i && p[i].addr >> 16 == p[i - 1].addr >> 16) {
			g[k - 1].n++;
			continue;
		}
		g[k].hi = p[i].addr >> 16;
		g[k].start = i;
		g[k].n = 1;
		k++;
	}

	/* Keep the block a /16 already has (owner[b] = hi + 1). */
	for (k = 0; k < ng; k++) {
		b = *slot(dm->dir, g[k].hi);
		if (b >= 1 && b <= dm->nblocks && !owner[b]) {
			owner[b] = g[k].hi + 1;
			g[k].blk = b;
		}
	}
	/* New /16s take free blocks, the most populated first. */
	for (k = 0; k < ng; k++)
		order[k] = k;
	cmp_groups = g;
	if (ng > 1)
		qsort(order, ng, sizeof(*order), idx_cmp);
	b = 1;
	for (k = 0; k < ng; k++) {
		struct group *gr = &g[order[k]];

		if (gr->blk)
			continue;
		while (b <= dm->nblocks && owner[b])
			b++;
		if (b > dm->nblocks) {
			st.trie_only++;
			continue;
		}
		owner[b] = gr->hi + 1;
		gr->blk = b;
	}
	for (k = 0; k < ng; k++)
		if (g[k].blk) {
			newdir[g[k].hi] = g[k].blk;
			st.used++;
		}

	/* Unhook every /16 whose block goes or changes, before any painting. */
	for (i = 0; i < DIR16_SLOTS; i++) {
		b = *slot(dm->dir, i);
		if (!b || b == newdir[i])
			continue;
		dir_store(slot(dm->dir, i), 0);
		st.written++;
		if (b <= dm->nblocks && owner[b] != i + 1)
			freed[b] = true;
	}

	/* Paint, then hook up. */
	for (k = 0; k < ng; k++) {
		uint32_t *dst;

		if (!g[k].blk)
			continue;
		err = dir16_paint(buf, g[k].hi, p + g[k].start, g[k].n);
		if (err) {	/* cannot happen after the sort; stay safe */
			newdir[g[k].hi] = 0;
			continue;
		}
		dst = slot(dm->blk, (size_t)(g[k].blk - 1) * DIR16_SLOTS);
		st.written += write_diff(dst, buf, DIR16_SLOTS);
		freed[g[k].blk] = false;
	}
	err = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (i = 0; i < DIR16_SLOTS; i++)
		if (*slot(dm->dir, i) != newdir[i]) {
			dir_store(slot(dm->dir, i), newdir[i]);
			st.written++;
		}

	/* Blocks nobody points at any more: zeroed, so a dump reads true. */
	memset(buf, 0, DIR16_SLOTS * sizeof(*buf));
	for (b = 1; b <= dm->nblocks; b++)
		if (freed[b] && !owner[b])
			st.written += write_diff(slot(dm->blk, (size_t)(b - 1) *
								    DIR16_SLOTS),
						 buf, DIR16_SLOTS);

	if (st.trie_only != dm->logged) {
		if (st.trie_only)
			pr_warn("dir16: %u /16s holding prefixes of length "
				">= 16 have no block (v4_blocks = %u, all in "
				"use): their addresses are looked up in the "
				"LPM trie, correct but slower; raise v4_blocks",
				st.trie_only, dm->nblocks);
		else
			pr_info("dir16: every /16 with long prefixes has a "
				"block again");
		dm->logged = st.trie_only;
	}
	goto out;
fail:
	pr_warn("dir16: %s; IPv4 falls back to the trie", strerror(-err));
	dir_clear(dm, &st);
out:
	if (stats)
		*stats = st;
	free(g);
	free(order);
	free(newdir);
	free(owner);
	free(freed);
	free(buf);
	return err;
}
