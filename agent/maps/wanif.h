/* SPDX-License-Identifier: GPL-2.0 */
/* wanif.h - tagih_wanif: the wan interfaces' ifindexes, which tagih_lan_down bills downloads from. */
#ifndef TAGIH_WANIF_H
#define TAGIH_WANIF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Make the map (fd) hold exactly the n ifindexes: stale ones deleted,
 * missing ones added. Returns 0, -ENOSPC (more than TAGIH_MAX_WANIF) or
 * -errno.
 */
int wanif_sync(int fd, const uint32_t *ifindex, size_t n);

#endif
