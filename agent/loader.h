/* SPDX-License-Identifier: GPL-2.0 */
/* loader.h - attach the XDP meter with libxdp, keep it across agent restarts. */
#ifndef TAGIH_LOADER_H
#define TAGIH_LOADER_H

#include <stdbool.h>
#include <stdint.h>

struct meter;

enum loader_role { LOADER_LAN = 0, LOADER_WAN = 1 };
enum loader_mode {
	LOADER_MODE_AUTO = 0, LOADER_MODE_NATIVE, LOADER_MODE_SKB,
	LOADER_MODE_TC	/* not XDP: agent/tc.c */
};

/* "auto", "native", "skb", "tc" (NULL or "" = auto). 0 or -EINVAL. */
int loader_parse_mode(const char *s, enum loader_mode *mode);

/*
 * Make iface run the meter for role: keep a tagih program that is already
 * attached and counts into m's pinned maps (an agent restarted after
 * kill -9 must neither miss nor double count), else attach one (native,
 * falling back to skb unless the mode is forced). Returns 0 or -errno.
 */
int loader_attach(const struct meter *m, enum loader_mode mode,
		  const char *iface, enum loader_role role);

/* Detach any tagih program from iface. 0, -ENOENT (none) or -errno. */
int loader_detach(const char *iface);

/*
 * Detach the tagih XDP program from iface if it counts into m's maps.
 * 0, -ENOENT (none), -EBUSY (another agent's: left alone) or -errno.
 */
int loader_detach_ours(const struct meter *m, const char *iface);
/* Is a tagih XDP program counting into m's maps attached to iface? */
bool loader_ours(const struct meter *m, const char *iface);

/*
 * A virtual device (veth, bridge, VLAN, macvlan, tun, bond, ...: by the
 * ethtool driver name, or an rtnetlink link kind, which a physical NIC
 * does not have), where auto meters with tc rather than XDP.
 */
bool loader_is_virtual(const char *iface);

#endif
