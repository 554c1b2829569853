// SPDX-License-Identifier: GPL-2.0
/* wanif.c - tagih_wanif: the wan interfaces' ifindexes, which tagih_lan_down bills downloads from. */
#include <errno.h>
#include <stdbool.h>
#include <bpf/bpf.h>

#include "agent/maps/wanif.h"
#include "bpf/tagih.h"

static bool wanted(uint32_t k, const uint32_t *ifindex, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ifindex[i] == k)
			return true;
	return false;
}

int wanif_sync(int fd, const uint32_t *ifindex, size_t n)
{
	uint32_t stale[TAGIH_MAX_WANIF], key, next, one = 1;
	size_t ns = 0, i;
	void *prev = NULL;

	if (n > TAGIH_MAX_WANIF)
		return -ENOSPC;
	/* collect first: deleting while walking restarts the walk */
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (!wanted(next, ifindex, n) && ns < TAGIH_MAX_WANIF)
			stale[ns++] = next;
		key = next;
		prev = &key;
	}
	for (i = 0; i < ns; i++)
		if (bpf_map_delete_elem(fd, &stale[i]) && errno != ENOENT)
			return -errno;
	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, &ifindex[i], &one, BPF_ANY))
			return -errno;
	return 0;
}
