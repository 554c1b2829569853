/* SPDX-License-Identifier: GPL-2.0 */
/* loader.h - attach the XDP meter with libxdp, keep it across agent restarts, pin its maps. */
#ifndef TAGIH_LOADER_H
#define TAGIH_LOADER_H

#include <stdbool.h>
#include <stdint.h>

enum loader_role { LOADER_LAN = 0, LOADER_WAN = 1 };
enum loader_mode { LOADER_MODE_AUTO = 0, LOADER_MODE_NATIVE, LOADER_MODE_SKB };

struct loader_opts {
	const char *obj_path;	/* tagih_meter.bpf.o */
	enum loader_mode mode;
	uint32_t max_subscribers;	/* tagih_cnt, tagih_policy */
	uint32_t max_prefixes;		/* tagih_pfx4, tagih_pfx6 */
	uint32_t v4_blocks;		/* tagih_v4blk: v4_blocks * 65536 */
	uint32_t v6_hash_entries;	/* tagih_v6h64; 0 = off */
};

/* Mount bpffs at /sys/fs/bpf unless one is there. 0 or -errno. */
int loader_bpffs(void);

/*
 * Check that maps already pinned under TAGIH_PIN_ROOT have the configured
 * sizes. Returns 0 (nothing pinned or all match), -EINVAL (a size differs;
 * explained in the log) or -errno.
 */
int loader_check_pins(const struct loader_opts *o);

/*
 * Make iface run the meter for role: keep a tagih program that is already
 * attached and counts into the pinned maps (an agent restarted after
 * kill -9 must neither miss nor double count), else attach one (native,
 * falling back to skb unless the mode is forced). Returns 0 or -errno.
 */
int loader_attach(const struct loader_opts *o, const char *iface,
		  enum loader_role role);

/* Detach any tagih program from iface. 0, -ENOENT (none) or -errno. */
int loader_detach(const char *iface);
/* Remove the pinned maps and TAGIH_PIN_ROOT. 0 or -errno. */
int loader_unpin(void);

/* Open a pinned map by name (e.g. "tagih_cnt"); fd or -errno. */
int loader_map_fd(const char *name);

#endif
