/* SPDX-License-Identifier: GPL-2.0 */
/* dir16.h - the IPv4 DIR-16 direct table in front of tagih_pfx4: painting /16 blocks, keeping the maps in step. */
#ifndef TAGIH_DIR16_H
#define TAGIH_DIR16_H

#include <stddef.h>
#include <stdint.h>

/*
 * The XDP meter looks an IPv4 address up in tagih_v4dir[addr >> 16]; a
 * non-zero value is a block of tagih_v4blk holding one uid per address of
 * that /16, and a non-zero uid there is taken as the longest match without
 * asking the LPM trie (see bpf/tagih_meter.bpf.c). That is right only if
 * every prefix of length >= 16 inside the /16 is painted, shorter ones
 * first, so longer ones overwrite them; prefixes shorter than /16 are never
 * painted (uid 0 sends the address to the trie, which holds every prefix).
 *
 * Blocks are a budget (config key v4_blocks): /16s that hold prefixes of
 * length >= 16 get one each while blocks last, the most populated first;
 * the rest stay in the trie: correct, only slower. That is logged and
 * counted (dir16_stats.trie_only).
 */

#define DIR16_SLOTS 65536u	/* addresses per /16 = entries per block */

/* One IPv4 prefix and its owner. addr in host byte order. */
struct dir16_pfx {
	uint32_t addr;
	uint32_t len;		/* 0..32 */
	uint32_t uid;
};

/*
 * Orders prefixes by /16, then length (shortest first), then address:
 * the order dir16_paint() wants, each /16 contiguous.
 */
void dir16_sort(struct dir16_pfx *p, size_t n);

/*
 * Paints the block of the /16 hi16 (addr >> 16) into blk[DIR16_SLOTS]:
 * zero everywhere, then every prefix in order, each overwriting the slots
 * it covers. Pure: touches only blk.
 * Returns 0, or -EINVAL (blk left all zero) when a prefix is shorter than
 * 16, lies outside the /16, or comes after a longer one (the result would
 * not be the longest match).
 */
int dir16_paint(uint32_t *blk, uint32_t hi16, const struct dir16_pfx *p,
		size_t n);

struct dir16_stats {
	uint32_t blocks;	/* blocks tagih_v4blk holds */
	uint32_t used;		/* blocks painted */
	uint32_t trie_only;	/* /16s with long prefixes but no block */
	uint64_t written;	/* table slots written (dir + blocks) */
};

/* The two pinned maps, mapped into our memory (BPF_F_MMAPABLE). */
struct dir16_maps;

/*
 * Takes the two map fds (dup'ed; the caller keeps its own). Maps are
 * mmapped on first use. Returns 0 or -errno; -ENOTSUP when the maps do not
 * look like the meter's (value size, dir size).
 */
int dir16_maps_open(struct dir16_maps **dmp, int dir_fd, int blk_fd);
void dir16_maps_close(struct dir16_maps *dm);

/*
 * Makes tagih_v4dir/tagih_v4blk say what the IPv4 prefixes p[0..n) (any
 * length, any order; p is reordered in place) say. Blocks keep their /16
 * across calls; only slots that differ are written, each block painted
 * before its directory entry points at it, and a /16 that loses its block
 * is unhooked before the block is reused. stats may be NULL.
 * Returns 0 (also when some /16s had to stay in the trie) or -errno (the
 * directory is then cleared as far as possible, so the trie answers).
 */
int dir16_sync(struct dir16_maps *dm, struct dir16_pfx *p, size_t n,
	       struct dir16_stats *stats);

#endif
