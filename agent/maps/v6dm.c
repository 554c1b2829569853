// SPDX-License-Identifier: GPL-2.0
/* v6dm.c - the IPv6 direct-mapped /64 table in front of tagih_v6h64: painted from the /64 hash's painting. */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "agent/maps/v6dm.h"
#include "agent/maps/v6hash.h"
#include "bpf/tagih.h"

struct v6dm_map {
	int fd;
	uint64_t *tab;		/* TAGIH_V6DM_SLOTS, mmapped; NULL when off */
	uint64_t *next;		/* the wanted table, kept between syncs */
};

void v6dm_close(struct v6dm_map *dm)
{
	if (!dm)
		return;
	if (dm->tab)
		munmap(dm->tab, TAGIH_V6DM_SLOTS * sizeof(uint64_t));
	free(dm->next);
	if (dm->fd >= 0)
		close(dm->fd);
	free(dm);
}

int v6dm_open(struct v6dm_map **dmp, int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct v6dm_map *dm;
	void *m;
	int err;

	*dmp = NULL;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_ARRAY || info.value_size != 8 ||
	    (info.max_entries != TAGIH_V6DM_SLOTS &&
	     info.max_entries != TAGIH_V6DM_OFF_ENTRIES))
		return -ENOTSUP;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	dm->fd = dup(fd);
	if (dm->fd < 0) {
		err = -errno;
		goto out;
	}
	if (info.max_entries == TAGIH_V6DM_SLOTS) {
		m = mmap(NULL, TAGIH_V6DM_SLOTS * sizeof(uint64_t),
			 PROT_READ | PROT_WRITE, MAP_SHARED, dm->fd, 0);
		if (m == MAP_FAILED) {
			err = -errno;
			goto out;
		}
		dm->tab = m;
		dm->next = calloc(TAGIH_V6DM_SLOTS, sizeof(uint64_t));
		if (!dm->next) {
			err = -ENOMEM;
			goto out;
		}
	}
	*dmp = dm;
	return 0;
out:
	v6dm_close(dm);
	return err;
}

int v6dm_sync(struct v6dm_map *dm, const struct v6hash_ent *want, size_t n,
	      struct v6dm_stats *stats)
{
	struct v6dm_stats st = { 0 };
	size_t i;

	if (!dm || !dm->tab)
		goto out;	/* off */
	memset(dm->next, 0, TAGIH_V6DM_SLOTS * sizeof(uint64_t));
	for (i = 0; i < n; i++) {
		/* the meter's key: the 8 address bytes as they lie in memory */
		uint64_t h = tagih_v6dm_hash(htobe64(want[i].key));
		uint32_t slot = tagih_v6dm_slot(h), uid = want[i].val;

		if (uid == TAGIH_V6_TRIE || uid == TAGIH_UID_NONE ||
		    uid > TAGIH_V6DM_MAX_UID)
			continue;
		if (dm->next[slot]) {
			st.shared++;
			continue;
		}
		dm->next[slot] = tagih_v6dm_entry(h, uid);
		st.entries++;
	}
	/* one aligned store per changed slot: never half an entry */
	for (i = 0; i < TAGIH_V6DM_SLOTS; i++) {
		if (dm->tab[i] == dm->next[i])
			continue;
		__atomic_store_n(&dm->tab[i], dm->next[i], __ATOMIC_RELAXED);
		st.written++;
	}
out:
	if (stats)
		*stats = st;
	return 0;
}
