/* SPDX-License-Identifier: GPL-2.0 */
/* loader.h - attach the XDP meter with libxdp, keep it across agent restarts. */
#ifndef TAGIH_LOADER_H
#define TAGIH_LOADER_H

#include <stdbool.h>
#include <stdint.h>

struct meter;

enum loader_role { LOADER_LAN = 0, LOADER_WAN = 1 };
enum loader_mode { LOADER_MODE_AUTO = 0, LOADER_MODE_NATIVE, LOADER_MODE_SKB };

/* "auto", "native", "skb" (NULL or "" = auto). 0 or -EINVAL. */
int loader_parse_mode(const char *s, enum loader_mode *mode);

/*
 * Make iface run the meter for role: keep a tagih program that is already
 * attached and counts into m's pinned maps (an agent restarted after
 * kill -9 must neither miss nor double count), else attach one (native,
 * falling back to skb unless the mode is forced; auto picks skb on
 * virtual devices). Returns 0 or -errno.
 */
int loader_attach(const struct meter *m, enum loader_mode mode,
		  const char *iface, enum loader_role role);

/* Detach any tagih program from iface. 0, -ENOENT (none) or -errno. */
int loader_detach(const char *iface);

#endif
