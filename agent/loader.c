// SPDX-License-Identifier: GPL-2.0
/* loader.c - libxdp attach/keep/detach of tagih_lan and tagih_wan, pinned maps under /sys/fs/bpf/tagih. */
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/ethtool.h>
#include <linux/magic.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "bpf/tagih.h"
#include "lib/log.h"
#include "agent/loader.h"

#define BPFFS "/sys/fs/bpf"

static const char *const prog_names[] = { "tagih_lan", "tagih_wan" };

/* Every map the meter pins; size: 0 = fixed in the object. */
static const char *const pinned_maps[] = {
	"tagih_pfx4", "tagih_pfx6", "tagih_cnt", "tagih_policy",
	"tagih_gstat", "tagih_garden4", "tagih_garden6",
	"tagih_v4dir", "tagih_v4blk", "tagih_v6h64",
};
#define N_PINNED (sizeof(pinned_maps) / sizeof(pinned_maps[0]))

static uint32_t map_want_max(const struct loader_opts *o, const char *name)
{
	if (!strcmp(name, "tagih_cnt") || !strcmp(name, "tagih_policy"))
		return o->max_subscribers;
	if (!strcmp(name, "tagih_pfx4") || !strcmp(name, "tagih_pfx6"))
		return o->max_prefixes;
	/* An array cannot have 0 entries: one unused slot, no blocks. */
	if (!strcmp(name, "tagih_v4blk"))
		return o->v4_blocks ? o->v4_blocks * TAGIH_V4_BLOCK_SLOTS : 1;
	/* A hash cannot have 0 entries either: that size means "off". */
	if (!strcmp(name, "tagih_v6h64"))
		return o->v6_hash_entries ? o->v6_hash_entries :
					    TAGIH_V6H_OFF_ENTRIES;
	return 0;
}

static const char *map_conf_key(const char *name)
{
	if (!strcmp(name, "tagih_v4blk"))
		return "v4_blocks";
	if (!strcmp(name, "tagih_v6h64"))
		return "v6_hash_entries";
	return strstr(name, "pfx") ? "max_prefixes" : "max_subscribers";
}

/* The config value that gives a map of max_entries entries. */
static uint32_t map_conf_val(const char *name, uint32_t max_entries)
{
	if (!strcmp(name, "tagih_v4blk"))
		return max_entries / TAGIH_V4_BLOCK_SLOTS;
	if (!strcmp(name, "tagih_v6h64") &&
	    max_entries <= TAGIH_V6H_OFF_ENTRIES)
		return 0;
	return max_entries;
}

int loader_bpffs(void)
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

int loader_map_fd(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", TAGIH_PIN_ROOT, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

int loader_check_pins(const struct loader_opts *o)
{
	struct bpf_map_info info;
	size_t i;
	int err = 0;

	for (i = 0; i < N_PINNED; i++) {
		uint32_t want = map_want_max(o, pinned_maps[i]);
		int fd;

		if (!want)
			continue;
		fd = loader_map_fd(pinned_maps[i]);
		if (fd == -ENOENT)
			continue;
		if (fd < 0) {
			pr_warn("open %s/%s: %s", TAGIH_PIN_ROOT,
				pinned_maps[i], strerror(-fd));
			return fd;
		}
		if (map_info(fd, &info) == 0 && info.max_entries != want) {
			pr_warn("pinned map %s/%s has %u entries but %s = %u; "
				"either set %s = %u, or resize: stop the agent "
				"with --detach (it drains first; nothing is metered "
				"until it is back) and start it again",
				TAGIH_PIN_ROOT, pinned_maps[i],
				info.max_entries, map_conf_key(pinned_maps[i]),
				map_conf_val(pinned_maps[i], want),
				map_conf_key(pinned_maps[i]),
				map_conf_val(pinned_maps[i], info.max_entries));
			err = -EINVAL;
		}
		close(fd);
	}
	return err;
}

/* Does the attached program prog count into the pinned tagih_cnt? */
static bool prog_uses_pins(struct xdp_program *prog)
{
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;
	__u32 ids[16], len = sizeof(pinfo), i;
	bool ok = false;
	int fd;

	fd = loader_map_fd("tagih_cnt");
	if (fd < 0)
		return false;
	if (map_info(fd, &minfo))
		goto out;
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	pinfo.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(xdp_program__fd(prog), &pinfo, &len))
		goto out;
	for (i = 0; i < pinfo.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]);
	     i++)
		if (ids[i] == minfo.id)
			ok = true;
out:
	close(fd);
	return ok;
}

/*
 * The tagih program attached to ifindex, if any; *mpp must be closed by
 * the caller (the program belongs to it).
 */
static struct xdp_program *find_tagih(int ifindex, struct xdp_multiprog **mpp)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;

	*mpp = NULL;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return NULL;
	*mpp = mp;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && !strncmp(xdp_program__name(p), "tagih_", 6))
			return p;
		return NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		if (!strncmp(xdp_program__name(p), "tagih_", 6))
			return p;
	return NULL;
}

static int detach_prog(struct xdp_multiprog *mp, struct xdp_program *p,
		       int ifindex, const char *iface)
{
	enum xdp_attach_mode mode = xdp_multiprog__attach_mode(mp);
	int err;

	err = xdp_program__detach(p, ifindex, mode, 0);
	if (err)
		pr_warn("%s: detach %s: %s", iface, xdp_program__name(p),
			strerror(-err));
	else
		pr_info("%s: detached %s", iface, xdp_program__name(p));
	return err;
}

static int set_sizes(struct bpf_object *obj, const struct loader_opts *o)
{
	size_t i;

	for (i = 0; i < N_PINNED; i++) {
		uint32_t want = map_want_max(o, pinned_maps[i]);
		struct bpf_map *m;
		int err;

		if (!want)
			continue;
		m = bpf_object__find_map_by_name(obj, pinned_maps[i]);
		if (!m) {
			pr_warn("%s: no map %s in the object", o->obj_path,
				pinned_maps[i]);
			return -ENOENT;
		}
		err = bpf_map__set_max_entries(m, want);
		if (err)
			return err;
	}
	return 0;
}

static const char *mode_str(enum xdp_attach_mode m)
{
	switch (m) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "skb";
	case XDP_MODE_HW:
		return "hw";
	default:
		return "unspec";
	}
}

/*
 * The interface's driver name via ETHTOOL_GDRVINFO ("veth", "ixgbe", …).
 * Returns 0 or -errno.
 */
static int iface_driver(const char *iface, char *buf, size_t n)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		err = -errno;
	else
		snprintf(buf, n, "%s", info.driver);
	close(fd);
	return err;
}

/*
 * Auto mode prefers skb (generic) XDP on virtual devices: on veth, native
 * XDP turns GRO off and TCP through the gateway fell from ~13 to ~4.4
 * Gbit/s here (docs/BENCHMARKS.md), while generic XDP kept ~0.8-1.0 of
 * plain forwarding. Real NICs with an XDP driver are the other way round.
 */
static bool prefer_skb(const char *iface)
{
	static const char *const virt[] = { "veth", "tun", "bridge",
					    "bonding", "macvlan", "ipvlan",
					    "vxlan", "dummy", "team",
					    "8021q" };
	char drv[64];
	size_t i;

	if (iface_driver(iface, drv, sizeof(drv)))
		return false;	/* unknown: try native, fall back to skb */
	for (i = 0; i < sizeof(virt) / sizeof(virt[0]); i++)
		if (!strcmp(drv, virt[i]))
			return true;
	return false;
}

static int attach_new(const struct loader_opts *o, int ifindex,
		      const char *iface, enum loader_role role)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, bopts,
			    .pin_root_path = TAGIH_PIN_ROOT);
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts,
			    .open_filename = o->obj_path,
			    .prog_name = prog_names[role], .opts = &bopts);
	enum xdp_attach_mode modes[2];
	struct xdp_program *prog;
	int nmodes = 0, i, err;
	char msg[128];

	if (o->mode == LOADER_MODE_AUTO && prefer_skb(iface)) {
		pr_info("%s: virtual device: generic (skb) XDP keeps GRO; "
			"--xdp-mode native to override", iface);
		modes[nmodes++] = XDP_MODE_SKB;
	} else {
		if (o->mode != LOADER_MODE_SKB)
			modes[nmodes++] = XDP_MODE_NATIVE;
		if (o->mode != LOADER_MODE_NATIVE)
			modes[nmodes++] = XDP_MODE_SKB;
	}

	err = -EINVAL;
	for (i = 0; i < nmodes; i++) {
		/* a failed attach may leave the object loaded: start afresh */
		prog = xdp_program__create(&xopts);
		err = libxdp_get_error(prog);
		if (err) {
			libxdp_strerror(err, msg, sizeof(msg));
			pr_warn("open %s (%s): %s", o->obj_path,
				prog_names[role], msg);
			return err;
		}
		err = set_sizes(xdp_program__bpf_obj(prog), o);
		if (!err)
			err = xdp_program__attach(prog, ifindex, modes[i], 0);
		xdp_program__close(prog);
		if (!err) {
			pr_info("%s: attached %s (%s mode)", iface,
				prog_names[role], mode_str(modes[i]));
			return 0;
		}
		libxdp_strerror(err, msg, sizeof(msg));
		pr_info("%s: %s attach in %s mode failed: %s", iface,
			prog_names[role], mode_str(modes[i]), msg);
	}
	pr_warn("%s: cannot attach %s", iface, prog_names[role]);
	return err;
}

int loader_attach(const struct loader_opts *o, const char *iface,
		  enum loader_role role)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int ifindex, err;

	ifindex = if_nametoindex(iface);
	if (!ifindex) {
		err = -errno;
		pr_warn("interface %s: %s", iface, strerror(-err));
		return err;
	}
	p = find_tagih(ifindex, &mp);
	if (p) {
		bool same = !strcmp(xdp_program__name(p), prog_names[role]);

		if (same && prog_uses_pins(p)) {
			pr_info("%s: keeping attached %s (%s mode): counting "
				"never stopped", iface, prog_names[role],
				mode_str(xdp_multiprog__attach_mode(mp)));
			xdp_multiprog__close(mp);
			return 0;
		}
		pr_info("%s: attached %s is %s; replacing it", iface,
			xdp_program__name(p),
			same ? "not using the pinned maps" : "the wrong role");
		err = detach_prog(mp, p, ifindex, iface);
		if (err) {
			xdp_multiprog__close(mp);
			return err;
		}
	}
	if (mp)
		xdp_multiprog__close(mp);
	return attach_new(o, ifindex, iface, role);
}

int loader_detach(const char *iface)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int ifindex, err;

	ifindex = if_nametoindex(iface);
	if (!ifindex)
		return -errno;
	p = find_tagih(ifindex, &mp);
	err = p ? detach_prog(mp, p, ifindex, iface) : -ENOENT;
	if (mp)
		xdp_multiprog__close(mp);
	return err;
}

int loader_unpin(void)
{
	char path[256];
	size_t i;
	int err = 0;

	for (i = 0; i < N_PINNED; i++) {
		snprintf(path, sizeof(path), "%s/%s", TAGIH_PIN_ROOT,
			 pinned_maps[i]);
		if (unlink(path) && errno != ENOENT && !err)
			err = -errno;
	}
	if (rmdir(TAGIH_PIN_ROOT) && errno != ENOENT && !err) {
		err = -errno;
		pr_warn("rmdir %s: %s (something else pinned there?)",
			TAGIH_PIN_ROOT, strerror(-err));
	}
	return err;
}
