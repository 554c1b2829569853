/* SPDX-License-Identifier: GPL-2.0 */
/* meter.h - the meter object in the agent: its maps sized, pinned under bpf_pin_dir and reached by enum. */
#ifndef TAGIH_METER_H
#define TAGIH_METER_H

#include <stdint.h>
#include "bpf/tagih.h"

/* What the config sizes (the other maps have fixed sizes). */
struct meter_sizes {
	uint32_t max_subscribers;	/* tagih_cnt, tagih_policy */
	uint32_t max_prefixes;		/* tagih_pfx4, tagih_pfx6 */
	uint32_t v4_blocks;		/* tagih_v4blk: v4_blocks * 65536 */
	uint32_t v6_hash_entries;	/* tagih_v6h64; 0 = off */
};

struct tagih_meter;

/*
 * The agent's handle on the meter: one loaded skeleton whose maps are the
 * pinned ones (created on the first start, reused after that), so the
 * agent reaches them as skel->maps.x, never by a name string.
 */
struct meter {
	struct tagih_meter *skel;
	char pin_dir[256];
	struct meter_sizes sz;
};

/* "tagih_cnt" for TAGIH_MAP_CNT; "?" out of range. */
const char *meter_map_name(enum tagih_map m);

/* Mount bpffs at /sys/fs/bpf unless one is there. 0 or -errno. */
int meter_bpffs(void);

/*
 * Check that maps already pinned in pin_dir have the configured sizes
 * before anything reuses them. Returns 0 (nothing pinned, or all match),
 * -EINVAL (a size differs; the log says which key to set, or how to
 * resize) or -errno.
 */
int meter_check_pins(const char *pin_dir, const struct meter_sizes *sz);

/*
 * Open the embedded meter, size its maps, and load it with pin_dir as the
 * pin root: maps pinned there are reused, missing ones created and pinned.
 * Nothing is attached. Returns 0 or -errno (logged; a pinned map of an
 * incompatible older meter gives a message naming --detach).
 */
int meter_load(struct meter *m, const char *pin_dir,
	       const struct meter_sizes *sz);
void meter_close(struct meter *m);

/* The fd of a map of a loaded meter (owned by m), or -1. */
int meter_map_fd(const struct meter *m, enum tagih_map map);
/* max_entries of a map of a loaded meter, 0 if unknown. */
uint32_t meter_map_max(const struct meter *m, enum tagih_map map);

/*
 * Open the embedded meter sized like m, unloaded, with m's pin root: what
 * libxdp needs to attach one program (it loads the object itself). The
 * caller destroys it with meter_object_free(). NULL on error (logged).
 */
struct tagih_meter *meter_object_new(const struct meter *m);
void meter_object_free(struct tagih_meter *obj);

/* Remove every map pinned in pin_dir, then pin_dir. 0 or -errno. */
int meter_unpin(const char *pin_dir);

#endif
