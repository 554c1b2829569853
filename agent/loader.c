// SPDX-License-Identifier: GPL-2.0
/* loader.c - libxdp attach/keep/detach of tagih_lan and tagih_wan on the configured interfaces. */
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
#include "agent/ifinfo.h"
#include "agent/loader.h"
#include "agent/meter.h"
#include "bpf/tagih_meter.skel.h"

static const char *const prog_names[] = { "tagih_lan", "tagih_wan" };

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

/* Does the attached program prog count into our (pinned) tagih_cnt? */
static bool prog_uses_pins(const struct meter *m, struct xdp_program *prog)
{
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;
	__u32 ids[16], len = sizeof(pinfo), i;
	bool ok = false;
	int fd;

	fd = meter_map_fd(m, TAGIH_MAP_CNT);
	if (fd < 0 || map_info(fd, &minfo))
		return false;
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
 * A virtual device, by its driver (ETHTOOL_GDRVINFO) or by having an
 * rtnetlink link kind (veth, bridge, vlan, macvlan, ...: a physical NIC
 * has none; asked in our own namespace, which /sys/class/net need not
 * be): on veth, native XDP turns GRO off and TCP through the gateway fell
 * from ~13 to ~4.4 Gbit/s here (docs/BENCHMARKS.md), and generic XDP
 * linearises GRO packets, so auto meters virtual devices with tc. Real
 * NICs with an XDP driver are the other way round.
 */
bool loader_is_virtual(const char *iface)
{
	static const char *const virt[] = { "veth", "tun", "bridge",
					    "bonding", "macvlan", "ipvlan",
					    "vxlan", "dummy", "team",
					    "8021q" };
	char drv[64], kind[32];
	size_t i;

	if (iface_driver(iface, drv, sizeof(drv)) == 0)
		for (i = 0; i < sizeof(virt) / sizeof(virt[0]); i++)
			if (!strcmp(drv, virt[i]) ||
			    !strncmp(drv, "802.1Q", 6))
				return true;
	return ifinfo_kinds(iface, kind, sizeof(kind), NULL, 0) == 0 &&
	       kind[0];
}

static int attach_new(const struct meter *m, enum loader_mode mode,
		      int ifindex, const char *iface, enum loader_role role)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts,
			    .prog_name = prog_names[role]);
	enum xdp_attach_mode modes[2];
	struct xdp_program *prog;
	struct tagih_meter *obj;
	int nmodes = 0, i, err;
	char msg[128];

	if (mode != LOADER_MODE_SKB)
		modes[nmodes++] = XDP_MODE_NATIVE;
	if (mode != LOADER_MODE_NATIVE)
		modes[nmodes++] = XDP_MODE_SKB;

	err = -EINVAL;
	for (i = 0; i < nmodes; i++) {
		/* a failed attach may leave the object loaded: start afresh
		 * (libxdp loads it, against the maps pinned in m's folder) */
		obj = meter_object_new(m);
		if (!obj)
			return -EINVAL;
		xopts.obj = obj->obj;
		prog = xdp_program__create(&xopts);
		err = libxdp_get_error(prog);
		if (err) {
			libxdp_strerror(err, msg, sizeof(msg));
			pr_warn("meter (%s): %s", prog_names[role], msg);
			meter_object_free(obj);
			return err;
		}
		err = xdp_program__attach(prog, ifindex, modes[i], 0);
		xdp_program__close(prog);
		meter_object_free(obj);
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

int loader_attach(const struct meter *m, enum loader_mode mode,
		  const char *iface, enum loader_role role)
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

		if (same && prog_uses_pins(m, p)) {
			pr_info("%s: keeping attached %s (%s mode): counting "
				"never stopped", iface, prog_names[role],
				mode_str(xdp_multiprog__attach_mode(mp)));
			xdp_multiprog__close(mp);
			return 0;
		}
		if (!prog_uses_pins(m, p)) {
			/* another agent's (its own store and pin folder), or
			 * one whose pins were removed by hand: not ours to
			 * take away, and it may be enforcing isolir */
			pr_warn("%s: %s is attached and counts into maps that "
				"are not in %s: another tagih-agent meters this "
				"interface, or its pins were removed by hand. "
				"Stop that agent with --detach, or remove the "
				"program (xdp-loader unload %s --all), then "
				"start again", iface, xdp_program__name(p),
				m->pin_dir, iface);
			xdp_multiprog__close(mp);
			return -EBUSY;
		}
		pr_info("%s: attached %s is ours but the wrong role; "
			"replacing it", iface, xdp_program__name(p));
		err = detach_prog(mp, p, ifindex, iface);
		if (err) {
			xdp_multiprog__close(mp);
			return err;
		}
	}
	if (mp)
		xdp_multiprog__close(mp);
	return attach_new(m, mode, ifindex, iface, role);
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

int loader_detach_ours(const struct meter *m, const char *iface)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int ifindex, err = -ENOENT;

	ifindex = if_nametoindex(iface);
	if (!ifindex)
		return -errno;
	p = find_tagih(ifindex, &mp);
	if (p)
		err = prog_uses_pins(m, p) ?
			      detach_prog(mp, p, ifindex, iface) : -EBUSY;
	if (mp)
		xdp_multiprog__close(mp);
	return err;
}

bool loader_ours(const struct meter *m, const char *iface)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int ifindex;
	bool ours;

	ifindex = if_nametoindex(iface);
	if (!ifindex)
		return false;
	p = find_tagih(ifindex, &mp);
	ours = p && prog_uses_pins(m, p);
	if (mp)
		xdp_multiprog__close(mp);
	return ours;
}

int loader_parse_mode(const char *s, enum loader_mode *mode)
{
	if (!s || !*s || !strcmp(s, "auto"))
		*mode = LOADER_MODE_AUTO;
	else if (!strcmp(s, "native"))
		*mode = LOADER_MODE_NATIVE;
	else if (!strcmp(s, "skb"))
		*mode = LOADER_MODE_SKB;
	else if (!strcmp(s, "tc"))
		*mode = LOADER_MODE_TC;
	else
		return -EINVAL;
	return 0;
}
