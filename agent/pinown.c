// SPDX-License-Identifier: GPL-2.0
/* pinown.c - which store owns a pin directory: a one-entry map pinned beside the meter's. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "agent/pinown.h"
#include "billing/store.h"
#include "lib/log.h"

#define ID_LEN STORE_ID_LEN

/* The owner record: who pinned the maps in this directory. */
struct pinown_rec {
	uint8_t id[ID_LEN];	/* the store's identity (meta "store_id") */
	char db[240];		/* the store's path, for the message */
};

static void hex(const uint8_t *id, char *out)
{
	int i;

	for (i = 0; i < ID_LEN; i++)
		sprintf(out + 2 * i, "%02x", id[i]);
}

/* The store's identity (made by `tagih init`) and recorded pin
 * directory. */
static int store_side(struct store *st, uint8_t id[ID_LEN], char *pin,
		      size_t n)
{
	MDB_txn *txn;
	MDB_val v;
	int err;

	err = store_begin(st, false, &txn);
	if (err)
		return err;
	err = store_id(txn, st, id);
	if (err)
		goto out;
	pin[0] = '\0';
	err = store_get(txn, st, DB_META, "pin_dir", 7, &v);
	if (!err && v.mv_size < n) {
		memcpy(pin, v.mv_data, v.mv_size);
		pin[v.mv_size] = '\0';
	}
	if (err == -ENOENT)
		err = 0;
out:
	store_abort(txn);
	return err;
}

static int record_pin_dir(struct store *st, const char *pin_dir)
{
	MDB_txn *txn;
	int err;

	err = store_begin(st, true, &txn);
	if (err)
		return err;
	err = store_put(txn, st, DB_META, "pin_dir", 7, pin_dir,
			strlen(pin_dir), 0);
	if (err) {
		store_abort(txn);
		return err;
	}
	return store_commit(txn);
}

static bool counters_pinned(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/tagih_cnt", dir);
	return access(path, F_OK) == 0;
}

/* Read the owner record in pin_dir: 0, -ENOENT (none) or -errno. */
static int owner_read(const char *pin_dir, struct pinown_rec *rec)
{
	char path[512];
	uint32_t k = 0;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/" PINOWN_MAP, pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	memset(rec, 0, sizeof(*rec));
	if (bpf_map_lookup_elem(fd, &k, rec))
		err = -errno;
	close(fd);
	return err;
}

static int owner_write(const char *pin_dir, const struct pinown_rec *rec)
{
	char path[512];
	uint32_t k = 0;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/" PINOWN_MAP, pin_dir);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, PINOWN_MAP, sizeof(k),
			    sizeof(*rec), 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &k, rec, BPF_ANY) ||
	    bpf_obj_pin(fd, path))
		err = -errno;
	close(fd);
	return err;
}

int pinown_claim(struct store *st, const char *pin_dir)
{
	struct pinown_rec mine = { 0 }, rec;
	char recorded[256], a[2 * ID_LEN + 1], b[2 * ID_LEN + 1];
	int err;

	err = store_side(st, mine.id, recorded, sizeof(recorded));
	if (err) {
		pr_warn("store %s: cannot read its identity: %s",
			store_path(st), strerror(-err));
		return err;
	}
	snprintf(mine.db, sizeof(mine.db), "%s", store_path(st));
	err = owner_read(pin_dir, &rec);
	if (!err && memcmp(rec.id, mine.id, ID_LEN)) {
		hex(rec.id, a);
		hex(mine.id, b);
		pr_warn("pin directory %s belongs to another store (%s, id "
			"%s), not to %s (id %s): give this agent its own "
			"bpf_pin_dir, or stop the other agent with --detach "
			"first", pin_dir, rec.db, a, mine.db, b);
		return -EEXIST;
	}
	if (!err)
		goto record;		/* ours: a restart */
	if (err != -ENOENT) {
		pr_warn("pin directory %s: owner record: %s", pin_dir,
			strerror(-err));
		return err;
	}
	if (*recorded && strcmp(recorded, pin_dir) &&
	    counters_pinned(recorded)) {
		pr_warn("store %s keeps its maps in %s, and they still count; "
			"set bpf_pin_dir = %s, or stop that agent with --detach "
			"(it drains first) before moving to %s", mine.db,
			recorded, recorded, pin_dir);
		return -EEXIST;
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		pr_warn("pin directory %s: %s", pin_dir, strerror(-err));
		return err;
	}
	if (counters_pinned(pin_dir))
		pr_info("adopting the maps pinned in %s by an older agent",
			pin_dir);
	err = owner_write(pin_dir, &mine);
	if (err) {
		pr_warn("pin directory %s: cannot pin the owner record: %s",
			pin_dir, strerror(-err));
		return err;
	}
record:
	if (strcmp(recorded, pin_dir)) {
		err = record_pin_dir(st, pin_dir);
		if (err)
			return err;
	}
	return 0;
}

int pinown_unpin(const char *pin_dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/" PINOWN_MAP, pin_dir);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}
