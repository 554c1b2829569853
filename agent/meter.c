// SPDX-License-Identifier: GPL-2.0
/* meter.c - the meter object in the agent: its maps sized, pinned under bpf_pin_dir and reached by enum. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent/meter.h"
#include "bpf/tagih_meter.skel.h"
#include "lib/log.h"

#define BPFFS "/sys/fs/bpf"

static const char *const map_names[TAGIH_MAP__MAX] = {
#define MAP_NAME(e, n) [TAGIH_MAP_##e] = #n,
	TAGIH_PINNED_MAPS(MAP_NAME)
#undef MAP_NAME
};

const char *meter_map_name(enum tagih_map m)
{
	return (unsigned)m < TAGIH_MAP__MAX ? map_names[m] : "?";
}

/* The skeleton's map for m: a map missing from the object does not build. */
static struct bpf_map *skel_map(struct tagih_meter *s, enum tagih_map m)
{
	switch (m) {
#define MAP_CASE(e, n) case TAGIH_MAP_##e: return s->maps.n;
	TAGIH_PINNED_MAPS(MAP_CASE)
#undef MAP_CASE
	default:
		return NULL;
	}
}

/* The size the config asks of map m; 0 = fixed in the object. */
static uint32_t want_max(const struct meter_sizes *sz, enum tagih_map m)
{
	switch (m) {
	case TAGIH_MAP_CNT:
	case TAGIH_MAP_POLICY:
		return sz->max_subscribers;
	case TAGIH_MAP_PFX4:
	case TAGIH_MAP_PFX6:
		return sz->max_prefixes;
	case TAGIH_MAP_V4BLK:
		/* an array cannot have 0 entries: one unused slot, no blocks */
		return sz->v4_blocks ? sz->v4_blocks * TAGIH_V4_BLOCK_SLOTS : 1;
	case TAGIH_MAP_V6H64:
		/* a hash cannot have 0 entries either: that size means off */
		return sz->v6_hash_entries ? sz->v6_hash_entries :
					     TAGIH_V6H_OFF_ENTRIES;
	default:
		return 0;
	}
}

static const char *conf_key(enum tagih_map m)
{
	switch (m) {
	case TAGIH_MAP_V4BLK:
		return "v4_blocks";
	case TAGIH_MAP_V6H64:
		return "v6_hash_entries";
	case TAGIH_MAP_PFX4:
	case TAGIH_MAP_PFX6:
		return "max_prefixes";
	default:
		return "max_subscribers";
	}
}

/* The config value that gives a map of max_entries entries. */
static uint32_t conf_val(enum tagih_map m, uint32_t max_entries)
{
	if (m == TAGIH_MAP_V4BLK)
		return max_entries / TAGIH_V4_BLOCK_SLOTS;
	if (m == TAGIH_MAP_V6H64 && max_entries <= TAGIH_V6H_OFF_ENTRIES)
		return 0;
	return max_entries;
}

int meter_bpffs(void)
{
	struct statfs sfs;

	if (statfs(BPFFS, &sfs) == 0 && sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(BPFFS, 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_warn("cannot mount bpffs at %s: %s", BPFFS, strerror(-err));
		return err;
	}
	pr_info("mounted bpffs at %s", BPFFS);
	return 0;
}

static int pinned_fd(const char *pin_dir, enum tagih_map m)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, map_names[m]);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static uint32_t fd_max_entries(int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

int meter_check_pins(const char *pin_dir, const struct meter_sizes *sz)
{
	int m, err = 0;

	for (m = 0; m < TAGIH_MAP__MAX; m++) {
		uint32_t want = want_max(sz, m), have;
		int fd;

		if (!want)
			continue;
		fd = pinned_fd(pin_dir, m);
		if (fd == -ENOENT)
			continue;
		if (fd < 0) {
			pr_warn("open %s/%s: %s", pin_dir, map_names[m],
				strerror(-fd));
			return fd;
		}
		have = fd_max_entries(fd);
		close(fd);
		if (!have || have == want)
			continue;
		pr_warn("pinned map %s/%s has %u entries but %s = %u; either "
			"set %s = %u, or resize: stop the agent with --detach "
			"(it drains first; nothing is metered until it is back) "
			"and start it again",
			pin_dir, map_names[m], have, conf_key(m),
			conf_val(m, want), conf_key(m), conf_val(m, have));
		err = -EINVAL;
	}
	return err;
}

static struct tagih_meter *open_sized(const char *pin_dir,
				      const struct meter_sizes *sz)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, opts,
			    .pin_root_path = pin_dir);
	struct tagih_meter *s;
	int m, err;

	s = tagih_meter__open_opts(&opts);
	if (!s) {
		pr_warn("cannot open the meter: %s", strerror(errno));
		return NULL;
	}
	for (m = 0; m < TAGIH_MAP__MAX; m++) {
		uint32_t want = want_max(sz, m);

		if (!want)
			continue;
		err = bpf_map__set_max_entries(skel_map(s, m), want);
		if (err) {
			pr_warn("map %s: %u entries: %s", map_names[m], want,
				strerror(-err));
			tagih_meter__destroy(s);
			return NULL;
		}
	}
	return s;
}

int meter_load(struct meter *m, const char *pin_dir,
	       const struct meter_sizes *sz)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (strlen(pin_dir) >= sizeof(m->pin_dir))
		return -ENAMETOOLONG;
	snprintf(m->pin_dir, sizeof(m->pin_dir), "%s", pin_dir);
	m->sz = *sz;
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		pr_warn("pin directory %s: %s", pin_dir, strerror(-err));
		return err;
	}
	m->skel = open_sized(pin_dir, sz);
	if (!m->skel)
		return -EINVAL;
	err = tagih_meter__load(m->skel);
	if (err) {
		pr_warn("cannot load the meter with the maps pinned in %s: %s; "
			"if they were pinned by an older, incompatible meter, "
			"stop that agent with --detach (it drains first) and "
			"start again", pin_dir, strerror(-err));
		tagih_meter__destroy(m->skel);
		m->skel = NULL;
		return err;
	}
	return 0;
}

void meter_close(struct meter *m)
{
	if (m && m->skel) {
		tagih_meter__destroy(m->skel);
		m->skel = NULL;
	}
}

int meter_map_fd(const struct meter *m, enum tagih_map map)
{
	if (!m || !m->skel || (unsigned)map >= TAGIH_MAP__MAX)
		return -1;
	return bpf_map__fd(skel_map(m->skel, map));
}

uint32_t meter_map_max(const struct meter *m, enum tagih_map map)
{
	int fd = meter_map_fd(m, map);

	return fd < 0 ? 0 : fd_max_entries(fd);
}

struct tagih_meter *meter_object_new(const struct meter *m)
{
	struct tagih_meter *s = open_sized(m->pin_dir, &m->sz);

	/* libxdp loads the whole object: only the XDP programs are its */
	if (s) {
		bpf_program__set_autoload(s->progs.tagih_lan_tc, false);
		bpf_program__set_autoload(s->progs.tagih_wan_tc, false);
		bpf_program__set_autoload(s->progs.tagih_lan_down, false);
	}
	return s;
}

void meter_object_free(struct tagih_meter *obj)
{
	tagih_meter__destroy(obj);
}

int meter_unpin(const char *pin_dir)
{
	char path[512];
	int m, err = 0;

	for (m = 0; m < TAGIH_MAP__MAX; m++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, map_names[m]);
		if (unlink(path) && errno != ENOENT && !err)
			err = -errno;
	}
	if (rmdir(pin_dir) && errno != ENOENT && !err) {
		err = -errno;
		pr_warn("rmdir %s: %s (something else pinned there?)",
			pin_dir, strerror(-err));
	}
	return err;
}
