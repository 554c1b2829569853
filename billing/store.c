// SPDX-License-Identifier: GPL-2.0
/* store.c - the LMDB environment: open (and refuse what is not a store), named databases, error mapping. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "billing/store.h"

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB__MAX];
	char *path;
	unsigned flags;
	uint64_t format;	/* DB_META "format" (0: before tagih init) */
};

/* Names are on disk: never rename, only append. */
static const char *const store_names[DB__MAX] = {
	[DB_META] = "meta",
	[DB_SUBS] = "subs",
	[DB_SUB_UID] = "sub_uid",
	[DB_PREFIX] = "prefix",
	[DB_PREFIX_HIST] = "prefix_hist",
	[DB_USAGE_HOUR] = "usage_hour",
	[DB_USAGE_DAY] = "usage_day",
	[DB_SNAP] = "snap",
	[DB_PLANS] = "plans",
	[DB_PLAN_HIST] = "plan_hist",
	[DB_ADDONS] = "addons",
	[DB_INVOICES] = "invoices",
	[DB_INV_SUB] = "inv_sub",
	[DB_INV_PERIOD] = "inv_period",
	[DB_PAYMENTS] = "payments",
	[DB_PAY_SUB] = "pay_sub",
	[DB_AUDIT] = "audit",
	[DB_OUTBOX] = "outbox",
	[DB_GARDEN] = "garden",
	[DB_WEBHOOKS] = "webhooks",
};

#define STORE_MAXDBS 64

int store_err(int rc, const char *what)
{
	int err;

	if (rc == 0)
		return 0;
	switch (rc) {
	case MDB_NOTFOUND:
		err = -ENOENT;
		break;
	case MDB_KEYEXIST:
		err = -EEXIST;
		break;
	case MDB_MAP_FULL:
		err = -ENOSPC;
		break;
	default:
		if (rc > 0)
			err = -rc;	/* a plain errno from LMDB */
		else if (rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE)
			err = -EIO;	/* the rest of LMDB's own codes */
		else
			err = rc;	/* already a negative errno */
	}
	if (what && rc != MDB_NOTFOUND)
		pr_warn("%s: %s", what, mdb_strerror(rc));
	return err;
}

int store_name_check(const char *s, size_t max)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n < 1 || n > max)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			return -EINVAL;
	}
	return 0;
}

/* The map size in GiB: store_set_mapsize_gb, else 64. TAGIH_MAPSIZE_GB
 * overrides it (checked in store_open). */
static uint64_t mapsize_gb = STORE_MAPSIZE_DEF_GB;

void store_set_mapsize_gb(uint64_t gb)
{
	mapsize_gb = gb;
}

/* TAGIH_MAPSIZE_GB, checked like the config key store_mapsize_gb: whole
 * GiB, digits only, within bounds. 0 or -EINVAL (said why). */
static int env_mapsize(uint64_t *gb)
{
	const char *e = getenv("TAGIH_MAPSIZE_GB"), *p;
	unsigned long long v;
	char *end;

	*gb = mapsize_gb;
	if (!e)
		return 0;
	for (p = e; *p >= '0' && *p <= '9'; p++)
		;
	errno = 0;
	v = strtoull(e, &end, 10);
	if (!*e || *p || errno || v < 1 || v > STORE_MAPSIZE_MAX_GB) {
		pr_warn("TAGIH_MAPSIZE_GB=%s: want whole GiB, 1 to %d "
			"(store_mapsize_gb in the config)", e,
			STORE_MAPSIZE_MAX_GB);
		return -EINVAL;
	}
	*gb = v;
	return 0;
}

/* Say why DIR holds no store: nothing there, or an empty data.mdb. */
int store_check_dir(const char *dir)
{
	char path[PATH_MAX];
	struct stat sb;

	if (stat(dir, &sb)) {
		if (errno != ENOENT) {
			pr_warn("store %s: %s", dir, strerror(errno));
			return -errno;
		}
		pr_warn("no store at %s: create one with `tagih init --db %s`",
			dir, dir);
		return -ENOENT;
	}
	if (!S_ISDIR(sb.st_mode)) {
		pr_warn("store %s is not a directory: --db names the "
			"directory that holds data.mdb", dir);
		return -ENOTDIR;
	}
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &sb)) {
		if (errno != ENOENT) {
			pr_warn("%s: %s", path, strerror(errno));
			return -errno;
		}
		pr_warn("no store in %s (no data.mdb): create one with "
			"`tagih init --db %s`", dir, dir);
		return -ENOENT;
	}
	if (!S_ISREG(sb.st_mode)) {
		pr_warn("%s is not a regular file: not a store", path);
		return -EBADMSG;
	}
	if (sb.st_size == 0) {
		pr_warn("%s is empty (0 bytes): not a store, or a truncated "
			"one; restore it from a backup (`tagih init --db %s` "
			"makes a new store only where there is no data.mdb)",
			path, dir);
		return -EBADMSG;
	}
	return 0;
}

/*
 * Right after mdb_env_open, before any page beyond the two meta pages is
 * touched: the file must hold every page up to the last one in use, or
 * reading one would be a SIGBUS. 0 or -EBADMSG (said why).
 */
static int check_file_size(struct store *st)
{
	MDB_envinfo info;
	MDB_stat ms;
	struct stat sb;
	uint64_t need;
	int fd;

	if (mdb_env_info(st->env, &info) || mdb_env_stat(st->env, &ms) ||
	    mdb_env_get_fd(st->env, &fd) || fstat(fd, &sb))
		return -EIO;
	need = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	if ((uint64_t)sb.st_size < need) {
		pr_warn("%s/data.mdb is truncated or damaged: its last page "
			"in use (%zu) ends at %llu bytes, the file has %llu; "
			"restore it from a backup", st->path,
			(size_t)info.me_last_pgno, (unsigned long long)need,
			(unsigned long long)sb.st_size);
		return -EBADMSG;
	}
	if (info.me_mapsize < need) {
		pr_warn("%s/data.mdb holds %llu bytes, more than the map size "
			"(%zu GiB): raise store_mapsize_gb in the config",
			st->path, (unsigned long long)need,
			info.me_mapsize >> 30);
		return -ENOSPC;
	}
	return 0;
}

/* What mdb_env_open said about a file that is there and not empty. */
static int env_open_failed(const char *dir, int rc)
{
	switch (rc) {
	case MDB_INVALID:
		pr_warn("%s/data.mdb is not an LMDB file (bad meta pages): "
			"a foreign file or a damaged store; restore it from a "
			"backup", dir);
		return -EBADMSG;
	case MDB_VERSION_MISMATCH:
		pr_warn("%s/data.mdb was written by another LMDB version: "
			"not a store of this tagih", dir);
		return -EBADMSG;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
		pr_warn("%s/data.mdb is damaged (%s); restore it from a "
			"backup, `tagih fsck --deep` says more", dir,
			mdb_strerror(rc));
		return -EBADMSG;
	default:
		pr_warn("cannot open store %s: %s", dir, mdb_strerror(rc));
		return store_err(rc, NULL);
	}
}

/* A fresh store: its identity and format (the tables are made already). */
static int write_identity(struct store *st, MDB_txn *txn)
{
	uint8_t id[STORE_ID_LEN];
	int err;

	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
		return -errno;
	err = store_put(txn, st, DB_META, "store_id", 8, id, sizeof(id), 0);
	if (!err)
		err = store_meta_put_u64(txn, st, "format", STORE_FORMAT);
	return err;
}

/*
 * Which store this is: our identity and format in DB_META. A file
 * without our tables is foreign; one with them but without "format" is a
 * store of format 0 (before `tagih init`): refused unless upgrading.
 */
static int check_identity(struct store *st, MDB_txn *txn, bool upgrade)
{
	uint64_t fmt;
	MDB_val v;
	int err;

	err = store_get(txn, st, DB_META, "format", 6, &v);
	if (err == -ENOENT) {
		fmt = 0;
	} else if (err) {
		return err;
	} else if (v.mv_size != 8) {
		pr_warn("%s/data.mdb: meta 'format' has %zu bytes, not 8: "
			"damaged", st->path, v.mv_size);
		return -EBADMSG;
	} else {
		fmt = be64_get(v.mv_data);
	}
	st->format = fmt;
	if (fmt > STORE_FORMAT) {
		pr_warn("%s/data.mdb has format %llu, newer than this tagih "
			"knows (%d): use the tagih that wrote it", st->path,
			(unsigned long long)fmt, STORE_FORMAT);
		return -EPROTONOSUPPORT;
	}
	if (fmt < STORE_FORMAT && !upgrade) {
		pr_warn("%s/data.mdb is a store of format %llu (this tagih "
			"uses %d: store identity%s): back it up, then run "
			"`tagih init --upgrade --db %s`", st->path,
			(unsigned long long)fmt, STORE_FORMAT,
			STORE_FORMAT >= 2 ? ", record checksums" : "",
			st->path);
		return -EPROTONOSUPPORT;
	}
	if (fmt == 0)
		return 0;	/* upgrading: the identity comes then */
	err = store_get(txn, st, DB_META, "store_id", 8, &v);
	if (err == -ENOENT || (!err && v.mv_size != STORE_ID_LEN)) {
		pr_warn("%s/data.mdb has no valid store identity (meta "
			"'store_id'): damaged; restore it from a backup",
			st->path);
		return -EBADMSG;
	}
	return err;
}

/* Open our tables in txn: all of them (create), or whatever is there.
 * A file without the meta table is not ours. */
static int open_tables(struct store *st, MDB_txn *txn, bool create,
		       bool rdonly)
{
	int rc, i;

	rc = mdb_dbi_open(txn, store_names[DB_META], create ? MDB_CREATE : 0,
			  &st->dbi[DB_META]);
	if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
		pr_warn("%s/data.mdb is an LMDB file but not a tagih store "
			"(no '%s' table)", st->path, store_names[DB_META]);
		return -EBADMSG;
	}
	if (rc)
		return env_open_failed(st->path, rc);
	for (i = 1; i < DB__MAX; i++) {
		rc = mdb_dbi_open(txn, store_names[i],
				  rdonly ? 0 : MDB_CREATE, &st->dbi[i]);
		if (rc == MDB_NOTFOUND && rdonly) {
			/* a table added since: refuse clearly */
			pr_warn("store %s lacks table '%s' (open it "
				"read-write once to add it)", st->path,
				store_names[i]);
			return -ENOENT;
		}
		if (rc == MDB_INCOMPATIBLE) {
			pr_warn("%s/data.mdb: table '%s' is not one of ours: "
				"not a tagih store", st->path, store_names[i]);
			return -EBADMSG;
		}
		if (rc)
			return env_open_failed(st->path, rc);
	}
	return 0;
}

int store_open(struct store **stp, const char *dir, unsigned flags)
{
	bool rdonly = flags & STORE_RDONLY, create = flags & STORE_CREATE;
	char path[PATH_MAX];
	struct store *st;
	struct stat sb;
	uint64_t gb;
	MDB_txn *txn;
	bool fresh = false;
	int rc, err;

	if (create && rdonly)
		return -EINVAL;
	err = env_mapsize(&gb);
	if (err)
		return err;
	if (create) {
		if (mkdir(dir, 0700) && errno != EEXIST) {
			err = -errno;
			pr_warn("cannot create %s: %s", dir, strerror(errno));
			return err;
		}
		snprintf(path, sizeof(path), "%s/data.mdb", dir);
		if (stat(path, &sb) && errno == ENOENT)
			fresh = true;
	}
	if (!fresh) {
		err = store_check_dir(dir);
		if (err)
			return err;
	}

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->flags = flags;
	st->path = strdup(dir);
	if (!st->path) {
		err = -ENOMEM;
		goto free_st;
	}
	rc = mdb_env_create(&st->env);
	if (rc) {
		err = store_err(rc, "mdb_env_create");
		goto free_st;
	}
	mdb_env_set_maxdbs(st->env, STORE_MAXDBS);
	mdb_env_set_maxreaders(st->env, 256);
	mdb_env_set_userctx(st->env, st);
	rc = mdb_env_set_mapsize(st->env, (size_t)gb << 30);
	if (rc) {
		err = store_err(rc, "mdb_env_set_mapsize");
		goto env_close;
	}
	/*
	 * NOTLS: read txns are handed between libmicrohttpd threads. 0660
	 * (less the umask): the directory decides who shares the store: a
	 * 0700 one is private, the installed /var/lib/tagih (root:tagih,
	 * setgid) is shared with tagihd by the group tagih.
	 */
	rc = mdb_env_open(st->env, dir, MDB_NOTLS | (rdonly ? MDB_RDONLY : 0),
			  0660);
	if (rc) {
		err = env_open_failed(dir, rc);
		goto env_close;
	}
	err = check_file_size(st);
	if (err)
		goto env_close;

	rc = mdb_txn_begin(st->env, NULL, rdonly ? MDB_RDONLY : 0, &txn);
	if (rc) {
		err = store_err(rc, "mdb_txn_begin");
		goto env_close;
	}
	err = open_tables(st, txn, fresh, rdonly);
	if (!err && fresh) {
		err = write_identity(st, txn);
		st->format = STORE_FORMAT;
	} else if (!err) {
		err = check_identity(st, txn, flags & STORE_UPGRADE);
	}
	if (err)
		goto txn_abort;
	rc = mdb_txn_commit(txn);
	if (rc) {
		err = store_err(rc, "mdb_txn_commit");
		goto env_close;
	}
	*stp = st;
	return 0;

txn_abort:
	mdb_txn_abort(txn);
env_close:
	mdb_env_close(st->env);
free_st:
	free(st->path);
	free(st);
	return err;
}

int store_upgrade(struct store *st, uint64_t *records)
{
	uint8_t id[STORE_ID_LEN];
	MDB_txn *txn;
	MDB_val v;
	int err;

	if (records)
		*records = 0;
	if (st->format >= STORE_FORMAT)
		return 0;
	err = store_begin(st, true, &txn);
	if (err)
		return err;
	err = store_get(txn, st, DB_META, "store_id", 8, &v);
	if (err == -ENOENT || (!err && v.mv_size != STORE_ID_LEN)) {
		/* an agent may have made one already: keep it if sound */
		if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
			err = -errno;
		else
			err = store_put(txn, st, DB_META, "store_id", 8, id,
					sizeof(id), 0);
	}
	if (!err)
		err = store_meta_put_u64(txn, st, "format", STORE_FORMAT);
	if (err) {
		store_abort(txn);
		return err;
	}
	err = store_commit(txn);
	if (!err)
		st->format = STORE_FORMAT;
	return err;
}

unsigned store_format(struct store *st)
{
	return (unsigned)st->format;
}

int store_id(MDB_txn *txn, struct store *st, uint8_t id[STORE_ID_LEN])
{
	MDB_val v;
	int err;

	err = store_get(txn, st, DB_META, "store_id", 8, &v);
	if (!err && v.mv_size != STORE_ID_LEN)
		err = -EBADMSG;
	if (!err)
		memcpy(id, v.mv_data, STORE_ID_LEN);
	return err;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	mdb_env_close(st->env);
	free(st->path);
	free(st);
}

MDB_env *store_env(struct store *st)
{
	return st->env;
}

MDB_dbi store_dbi(struct store *st, enum store_db db)
{
	return st->dbi[db];
}

const char *store_path(struct store *st)
{
	return st->path;
}

int store_begin(struct store *st, bool write, MDB_txn **txn)
{
	return store_err(mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY,
				       txn),
			 "mdb_txn_begin");
}

int store_commit(MDB_txn *txn)
{
	return store_err(mdb_txn_commit(txn), "mdb_txn_commit");
}

void store_abort(MDB_txn *txn)
{
	if (txn)
		mdb_txn_abort(txn);
}

int store_get(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen, MDB_val *val)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };

	return store_err(mdb_get(txn, st->dbi[db], &k, val), "mdb_get");
}

int store_put(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen, const void *val, size_t vlen,
	      unsigned flags)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };
	MDB_val v = { .mv_size = vlen, .mv_data = (void *)val };
	int rc = mdb_put(txn, st->dbi[db], &k, &v, flags);

	return store_err(rc, rc == MDB_KEYEXIST ? NULL : "mdb_put");
}

int store_del(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };

	return store_err(mdb_del(txn, st->dbi[db], &k, NULL), "mdb_del");
}

int store_cursor_open(MDB_txn *txn, struct store *st, enum store_db db,
		      MDB_cursor **cur)
{
	return store_err(mdb_cursor_open(txn, st->dbi[db], cur),
			 "mdb_cursor_open");
}

int store_cursor_get(MDB_cursor *cur, MDB_val *key, MDB_val *val,
		     MDB_cursor_op op)
{
	int rc = mdb_cursor_get(cur, key, val, op);

	return store_err(rc, rc == MDB_NOTFOUND ? NULL : "mdb_cursor_get");
}

int store_meta_get_u64(MDB_txn *txn, struct store *st, const char *key,
		       uint64_t *v)
{
	MDB_val val;
	int err;

	err = store_get(txn, st, DB_META, key, strlen(key), &val);
	if (err == -ENOENT) {
		*v = 0;
		return 0;
	}
	if (err)
		return err;
	if (val.mv_size != 8)
		return -EIO;
	*v = be64_get(val.mv_data);
	return 0;
}

int store_meta_put_u64(MDB_txn *txn, struct store *st, const char *key,
		       uint64_t v)
{
	uint8_t b[8];

	be64_put(b, v);
	return store_put(txn, st, DB_META, key, strlen(key), b, sizeof(b), 0);
}

int store_meta_bump(MDB_txn *txn, struct store *st, const char *key,
		    uint64_t *out)
{
	uint64_t v;
	int err;

	err = store_meta_get_u64(txn, st, key, &v);
	if (err)
		return err;
	v++;
	err = store_meta_put_u64(txn, st, key, v);
	if (!err && out)
		*out = v;
	return err;
}
