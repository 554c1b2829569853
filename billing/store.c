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
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "lib/crc32c.h"
#include "lib/log.h"
#include "billing/store.h"

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB__MAX];
	char *path;
	unsigned flags;
	uint64_t format;	/* DB_META "format" (0: before tagih init) */
	bool crc;		/* values carry a checksum (format >= 2) */
	bool quiet;		/* store_set_quiet: fsck --deep reports */
	bool said;		/* "store damaged" logged once */
	uintptr_t map;		/* the map: [map, map + mapsize) */
	size_t mapsize;
	uint64_t filesize;	/* data.mdb's size when last looked at */
	int fd;
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
	[DB_PREPAID] = "prepaid",
	[DB_PACKS] = "packs",
	[DB_QUOTA] = "quota",
	[DB_CHARGES] = "charges",
	[DB_VOUCHERS] = "vouchers",
	[DB_USERS] = "users",
	[DB_SUB_IDENT] = "sub_ident",
	[DB_BIND] = "bind",
	[DB_BIND_EXP] = "bind_exp",
	[DB_RADIUS_OCT] = "radius_oct",
	[DB_PLAN_REV] = "plan_rev",
	[DB_USAGE_TOTAL] = "usage_total",
};

#define STORE_MAXDBS 64

static int put_err(struct store *st, enum store_db db, const MDB_val *k,
		   int rc, const char *what);

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
	case MDB_PAGE_NOTFOUND:
	case MDB_CORRUPTED:
		/* LMDB found its tree broken: a damaged data.mdb */
		pr_warn("store damaged (%s%s%s); run `tagih fsck --deep`",
			what ? what : "", what ? ": " : "", mdb_strerror(rc));
		return -EBADMSG;
	default:
		if (rc > 0)
			err = -rc;	/* a plain errno from LMDB */
		else if (rc >= MDB_KEYEXIST && rc <= MDB_LAST_ERRCODE)
			err = -EIO;	/* the rest of LMDB's own codes */
		else
			err = rc;	/* already a negative errno */
	}
	/* an error from a wrapper (-ENOENT, -EBADMSG, ...) passes through:
	 * it was said where it arose */
	if (what && rc != MDB_NOTFOUND && rc != -ENOENT && rc != -EBADMSG &&
	    rc != -ENOSPC)
		pr_warn("%s: %s", what, rc < 0 && err == rc ? strerror(-rc) :
							  mdb_strerror(rc));
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

/*
 * Record framing (format >= 2): every value is payload + CRC-32C (lib/crc32c,
 * big endian) of key and payload, so a flipped byte in a data page is
 * found when the record is read, not billed as something else.
 */
static uint32_t rec_crc(const void *key, size_t klen, const void *val,
			size_t vlen)
{
	return crc32c(crc32c(0, key, klen), val, vlen);
}

const char *store_table_name(enum store_db db)
{
	return db < DB__MAX ? store_names[db] : "?";
}

void store_key_fmt(const void *key, size_t klen, char *buf, size_t n)
{
	const uint8_t *k = key;
	size_t i, o = 0;
	bool text = klen > 0;

	for (i = 0; i < klen; i++)
		if ((k[i] < 0x20 || k[i] > 0x7e) &&
		    !(k[i] == 0 && i > 0 && i + 1 < klen))
			text = false;
	for (i = 0; i < klen && o + 5 < n; i++) {
		if (text && k[i])
			buf[o++] = (char)k[i];
		else if (text)
			buf[o++] = '/';
		else
			o += (size_t)snprintf(buf + o, n - o, "%02x", k[i]);
	}
	if (i < klen && o + 4 < n)
		o += (size_t)snprintf(buf + o, n - o, "...");
	buf[o < n ? o : n - 1] = '\0';
}

static enum store_db db_of(struct store *st, MDB_dbi dbi)
{
	int i;

	for (i = 0; i < DB__MAX; i++)
		if (st->dbi[i] == dbi)
			return (enum store_db)i;
	return DB__MAX;
}

/*
 * Where LMDB mapped data.mdb: mdb_env_info's me_mapaddr is the address
 * asked for (NULL without MDB_FIXEDMAP), so look for the file's mapping
 * in /proc/self/maps. Not found: no range check (map stays 0).
 */
static void find_map(struct store *st)
{
	unsigned long lo, hi, ino;
	unsigned maj, mnr;
	char line[512];
	struct stat sb;
	FILE *f;

	if (mdb_env_get_fd(st->env, &st->fd) || fstat(st->fd, &sb))
		return;
	st->filesize = (uint64_t)sb.st_size;
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %*s %*s %x:%x %lu", &lo, &hi, &maj,
			   &mnr, &ino) != 5)
			continue;
		if (ino == sb.st_ino && major(sb.st_dev) == maj &&
		    minor(sb.st_dev) == mnr && hi - lo > st->mapsize) {
			st->map = lo;
			st->mapsize = hi - lo;
		}
	}
	fclose(f);
}

/*
 * Bytes LMDB handed us that lie in the map must lie in the file: a
 * damaged node (a flipped size or overflow page number) points past its
 * end, where reading would be a SIGBUS. Checked before they are read.
 */
static bool in_file(struct store *st, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	struct stat sb;

	if (!st->map || a < st->map || a - st->map >= st->mapsize)
		return true;	/* a dirty page or our own memory */
	if (n > st->mapsize || a - st->map + n > st->filesize) {
		/* the file grows as we write, and a new map size moves the
		 * map (mdb_env_set_mapsize): look again */
		if (fstat(st->fd, &sb))
			return true;
		st->filesize = (uint64_t)sb.st_size;
		store_guard_del(st->map);
		st->map = 0;
		st->mapsize = 0;
		find_map(st);
		store_guard_add(st->map, st->mapsize, st->path);
		if (!st->map || a < st->map || a - st->map >= st->mapsize)
			return true;
		return n <= st->mapsize && a - st->map + n <= st->filesize;
	}
	return true;
}

/* LMDB found its own structures inconsistent: damage, said as such. */
static void lmdb_assert(MDB_env *env, const char *msg)
{
	struct store *st = mdb_env_get_userctx(env);

	pr_warn("store damaged: %s/data.mdb: LMDB: %s; nothing was written; "
		"restore it from a backup", st ? st->path : "?", msg);
	_exit(1);
}

/* The value as stored -> the payload: 0 or -EBADMSG (logged once). */
static int unframe(struct store *st, MDB_dbi dbi, const MDB_val *k,
		   MDB_val *v)
{
	char kb[96];
	const uint8_t *p;

	if (!in_file(st, k->mv_data, k->mv_size) ||
	    !in_file(st, v->mv_data, v->mv_size)) {
		if (!st->quiet && !st->said) {
			st->said = true;
			pr_warn("store damaged: %s/data.mdb, table '%s': a "
				"record points outside the file; run `tagih "
				"fsck --deep`", st->path,
				store_table_name(db_of(st, dbi)));
		}
		return -EBADMSG;
	}
	if (!st->crc)
		return 0;
	p = (const uint8_t *)v->mv_data + v->mv_size - STORE_CRC_LEN;
	if (v->mv_size >= STORE_CRC_LEN &&
	    be32_get(p) == rec_crc(k->mv_data, k->mv_size, v->mv_data,
				   v->mv_size - STORE_CRC_LEN)) {
		v->mv_size -= STORE_CRC_LEN;
		return 0;
	}
	if (!st->quiet && !st->said) {
		st->said = true;
		store_key_fmt(k->mv_data, k->mv_size, kb, sizeof(kb));
		pr_warn("store damaged: %s/data.mdb, table '%s', key '%s': "
			"the record fails its checksum; run `tagih fsck "
			"--deep`", st->path, store_table_name(db_of(st, dbi)),
			kb);
	}
	return -EBADMSG;
}

/* payload -> payload + checksum in buf (size n) or a malloc'd copy. */
static void *frame(const MDB_val *k, const void *val, size_t vlen,
		   uint8_t *buf, size_t n, size_t *out)
{
	uint8_t *f = vlen + STORE_CRC_LEN <= n ? buf :
						  malloc(vlen + STORE_CRC_LEN);

	if (!f)
		return NULL;
	if (vlen)
		memcpy(f, val, vlen);
	be32_put(f + vlen, rec_crc(k->mv_data, k->mv_size, val, vlen));
	*out = vlen + STORE_CRC_LEN;
	return f;
}

void store_set_quiet(struct store *st, bool quiet)
{
	st->quiet = quiet;
}

bool store_framed(struct store *st)
{
	return st->crc;
}

int store_unframe(struct store *st, enum store_db db, const MDB_val *k,
		  MDB_val *v)
{
	return unframe(st, st->dbi[db], k, v);
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

	MDB_val k = { .mv_size = 6, .mv_data = "format" };

	/* read raw: 8 bytes up to format 1, 8 + a checksum from 2 on */
	err = store_err(mdb_get(txn, st->dbi[DB_META], &k, &v), "mdb_get");
	if (!err && v.mv_size == 8 + STORE_CRC_LEN) {
		st->crc = true;
		err = unframe(st, st->dbi[DB_META], &k, &v);
	}
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
	if (st->crc != (fmt >= 2)) {
		pr_warn("%s/data.mdb: meta 'format' (%llu) is framed as "
			"another format: damaged", st->path,
			(unsigned long long)fmt);
		return -EBADMSG;
	}
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
	if (fmt == 1 && upgrade)
		return 0;	/* may hold an agent's identity, kept then */
	err = store_get(txn, st, DB_META, "store_id", 8, &v);
	if (err == -ENOENT || (!err && v.mv_size != STORE_ID_LEN)) {
		pr_warn("%s/data.mdb has no valid store identity (meta "
			"'store_id'): damaged; restore it from a backup",
			st->path);
		return -EBADMSG;
	}
	return err;
}

/* The meta table: a file without it is not ours. */
static int open_meta(struct store *st, MDB_txn *txn, bool create)
{
	int rc;

	rc = mdb_dbi_open(txn, store_names[DB_META], create ? MDB_CREATE : 0,
			  &st->dbi[DB_META]);
	if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE) {
		pr_warn("%s/data.mdb is an LMDB file but not a tagih store "
			"(no '%s' table)", st->path, store_names[DB_META]);
		return -EBADMSG;
	}
	return rc ? env_open_failed(st->path, rc) : 0;
}

/*
 * The other tables. The store records how many it was made with (meta
 * "tables"): one of those missing is damage (a flipped byte in LMDB's
 * own directory of tables), never a reason to make an empty one; a table
 * added to tagih since is created (read-write).
 */
static int open_tables(struct store *st, MDB_txn *txn, bool rdonly,
		       uint64_t known, bool *created)
{
	int rc, i;

	for (i = 1; i < DB__MAX; i++) {
		rc = mdb_dbi_open(txn, store_names[i], 0, &st->dbi[i]);
		if (rc == MDB_NOTFOUND && (uint64_t)i < known) {
			pr_warn("%s/data.mdb is damaged: its table '%s' is "
				"missing; restore it from a backup",
				st->path, store_names[i]);
			return -EBADMSG;
		}
		if (rc == MDB_NOTFOUND && !rdonly) {
			/* a table added since this store was made */
			rc = mdb_dbi_open(txn, store_names[i], MDB_CREATE,
					  &st->dbi[i]);
			*created = true;
		}
		if (rc == MDB_NOTFOUND && rdonly) {
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
	bool fresh = false, created;
	uint64_t known = 0;
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
	find_map(st);
	store_guard_add(st->map, st->mapsize, st->path);
	mdb_env_set_assert(st->env, lmdb_assert);

	rc = mdb_txn_begin(st->env, NULL, rdonly ? MDB_RDONLY : 0, &txn);
	if (rc) {
		err = store_err(rc, "mdb_txn_begin");
		goto env_close;
	}
	created = fresh;
	err = open_meta(st, txn, fresh);
	if (!err && fresh) {
		st->format = STORE_FORMAT;
		st->crc = STORE_FORMAT >= 2;
	} else if (!err) {
		err = check_identity(st, txn, flags & STORE_UPGRADE);
	}
	if (!err && st->crc)
		err = store_meta_get_u64(txn, st, "tables", &known);
	if (!err)
		err = open_tables(st, txn, rdonly, known, &created);
	if (!err && fresh)
		err = write_identity(st, txn);
	if (!err && created && st->crc)
		err = store_meta_put_u64(txn, st, "tables", DB__MAX);
	if (err)
		goto txn_abort;
	/* a commit that wrote nothing leaves data.mdb as it was */
	err = created ? store_commit(txn) :
			store_err(mdb_txn_commit(txn), "mdb_txn_commit");
	if (err)
		goto env_close;
	*stp = st;
	return 0;

txn_abort:
	mdb_txn_abort(txn);
env_close:
	store_guard_del(st->map);
	mdb_env_close(st->env);
free_st:
	free(st->path);
	free(st);
	return err;
}

/* Every value of table db, framed (one cursor walk, in place). */
static int frame_table(struct store *st, MDB_txn *txn, MDB_dbi dbi,
		       uint64_t *records)
{
	uint8_t kb[512], *buf = NULL;
	size_t cap = 0, n;
	MDB_cursor *cur;
	MDB_val k, v, nk, nv;
	int rc, err = 0;

	rc = mdb_cursor_open(txn, dbi, &cur);
	if (rc)
		return store_err(rc, "upgrade: cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size > sizeof(kb)) {
			err = -EBADMSG;
			break;
		}
		if (v.mv_size + STORE_CRC_LEN > cap) {
			uint8_t *nb = realloc(buf, v.mv_size + STORE_CRC_LEN);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap = v.mv_size + STORE_CRC_LEN;
		}
		memcpy(kb, k.mv_data, k.mv_size);
		nk.mv_size = k.mv_size;
		nk.mv_data = kb;
		n = v.mv_size;
		if (n)
			memcpy(buf, v.mv_data, n);
		be32_put(buf + n, rec_crc(kb, nk.mv_size, buf, n));
		nv.mv_size = n + STORE_CRC_LEN;
		nv.mv_data = buf;
		rc = mdb_cursor_put(cur, &nk, &nv, MDB_CURRENT);
		if (rc) {
			err = put_err(st, db_of(st, dbi), &nk, rc,
				      "upgrade: put");
			break;
		}
		(*records)++;
	}
	if (!err && rc != MDB_NOTFOUND)
		err = store_err(rc, "upgrade: cursor");
	mdb_cursor_close(cur);
	free(buf);
	return err;
}

int store_upgrade(struct store *st, uint64_t *records)
{
	uint8_t id[STORE_ID_LEN];
	uint64_t n = 0;
	MDB_txn *txn;
	MDB_val v;
	int err, i;

	if (records)
		*records = 0;
	if (st->format >= STORE_FORMAT)
		return 0;
	err = store_begin(st, true, &txn);
	if (err)
		return err;
	/* format 2: every record gets its checksum */
	for (i = 0; !err && i < DB__MAX && !st->crc; i++)
		err = frame_table(st, txn, st->dbi[i], &n);
	if (err)
		goto abort;
	st->crc = true;
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
	if (!err)
		err = store_meta_put_u64(txn, st, "tables", DB__MAX);
	if (err)
		goto abort;
	err = store_commit(txn);
	if (err) {
		st->crc = st->format >= 2;
		return err;
	}
	st->format = STORE_FORMAT;
	if (records)
		*records = n;
	return 0;
abort:
	st->crc = st->format >= 2;
	store_abort(txn);
	return err;
}

/*
 * LMDB 0.9's meta page: the page header (16 bytes), then mm_magic,
 * mm_version, mm_address, mm_mapsize, mm_dbs[2] (48 bytes each),
 * mm_last_pg and mm_txnid (lmdb's mdb.c, MDB_meta). Only fsck reads it.
 */
#define META_MAGIC_OFF 16
#define META_TXNID_OFF 144
#define META_MAGIC 0xBEEFC0DEu

int store_meta_pages_check(struct store *st, char *msg, size_t n)
{
	uint64_t txn[2];
	uint32_t magic;
	MDB_stat ms;
	int fd, i;

	if (mdb_env_get_fd(st->env, &fd) || mdb_env_stat(st->env, &ms))
		return -EIO;
	for (i = 0; i < 2; i++) {
		off_t base = (off_t)i * ms.ms_psize;

		if (pread(fd, &magic, 4, base + META_MAGIC_OFF) != 4 ||
		    pread(fd, &txn[i], 8, base + META_TXNID_OFF) != 8) {
			snprintf(msg, n, "meta page %d cannot be read", i);
			return -EBADMSG;
		}
		if (magic != META_MAGIC) {
			snprintf(msg, n, "meta page %d has a bad magic", i);
			return -EBADMSG;
		}
		if ((txn[i] & 1) != (uint64_t)i) {
			snprintf(msg, n, "meta page %d holds txn %llu, of "
				 "the wrong parity (a damaged meta page)", i,
				 (unsigned long long)txn[i]);
			return -EBADMSG;
		}
	}
	if (txn[0] + 1 != txn[1] && txn[1] + 1 != txn[0]) {
		snprintf(msg, n, "meta pages hold txns %llu and %llu, not "
			 "consecutive (a damaged meta page)",
			 (unsigned long long)txn[0], (unsigned long long)txn[1]);
		return -EBADMSG;
	}
	return 0;
}

/*
 * LMDB 0.9's page layout, for a walk by pread that never touches the map
 * (fsck --deep runs it before LMDB walks a table, so a damaged branch page
 * is reported, not followed): a 16-byte header (pgno u64, pad u16, flags
 * u16, lower u16, upper u16; an overflow page keeps its page count in
 * lower/upper), then u16 offsets of the nodes. A node: lo u16, hi u16,
 * flags u16, ksize u16, key, data; in a branch page lo | hi << 16 |
 * flags << 32 is the child's page number, in a leaf lo | hi << 16 is the
 * data's size and F_BIGDATA says the data is the page number of an
 * overflow run.
 */
#define PG_HDR 16
#define P_BRANCH 0x01
#define P_LEAF 0x02
#define P_OVERFLOW 0x04
#define P_LEAF2 0x20
#define F_BIGDATA 0x01
#define NODE_HDR 8

struct walk {
	int fd;
	size_t psize;
	uint64_t npages;	/* pages in use: 0 .. last_pgno */
	uint64_t visited, entries;
	uint8_t *buf;		/* one page per level */
	char *msg;
	size_t n;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int walk_read(struct walk *w, uint64_t pgno, uint8_t *pg)
{
	if (pgno < 2 || pgno >= w->npages) {
		snprintf(w->msg, w->n, "a page number %llu outside the file's "
			 "%llu pages in use", (unsigned long long)pgno,
			 (unsigned long long)w->npages);
		return -EBADMSG;
	}
	if (pread(w->fd, pg, w->psize, (off_t)(pgno * w->psize)) !=
	    (ssize_t)w->psize) {
		snprintf(w->msg, w->n, "page %llu cannot be read",
			 (unsigned long long)pgno);
		return -EBADMSG;
	}
	if (le64(pg) != pgno) {
		snprintf(w->msg, w->n, "page %llu says it is page %llu",
			 (unsigned long long)pgno,
			 (unsigned long long)le64(pg));
		return -EBADMSG;
	}
	return 0;
}

static int walk_page(struct walk *w, uint64_t pgno, int depth)
{
	uint8_t *pg = w->buf + (size_t)depth * w->psize;
	uint16_t flags, lower, upper, off, ks, nf;
	unsigned i, nkeys;
	uint64_t dsize, opg;
	int err;

	if (depth >= 32 || ++w->visited > w->npages) {
		snprintf(w->msg, w->n, "the tree loops or is too deep (page "
			 "%llu)", (unsigned long long)pgno);
		return -EBADMSG;
	}
	err = walk_read(w, pgno, pg);
	if (err)
		return err;
	flags = le16(pg + 10);
	lower = le16(pg + 12);
	upper = le16(pg + 14);
	if (!(flags & (P_BRANCH | P_LEAF)) || (flags & P_BRANCH &&
					       flags & P_LEAF) ||
	    lower < PG_HDR || lower > upper || upper > w->psize ||
	    (lower - PG_HDR) % 2) {
		snprintf(w->msg, w->n, "page %llu: a bad header (flags %#x, "
			 "lower %u, upper %u)", (unsigned long long)pgno,
			 flags, lower, upper);
		return -EBADMSG;
	}
	nkeys = (unsigned)(lower - PG_HDR) / 2;
	if (flags & P_LEAF2) {
		w->entries += nkeys;	/* dupsort pages: not ours */
		return 0;
	}
	for (i = 0; i < nkeys; i++) {
		off = le16(pg + PG_HDR + 2 * i);
		if (off < upper || (size_t)off + NODE_HDR > w->psize)
			goto bad_node;
		nf = le16(pg + off + 4);
		ks = le16(pg + off + 6);
		if ((size_t)off + NODE_HDR + ks > w->psize)
			goto bad_node;
		if (flags & P_BRANCH) {
			opg = le16(pg + off) | (uint64_t)le16(pg + off + 2) << 16 |
			      (uint64_t)nf << 32;
			err = walk_page(w, opg, depth + 1);
			if (err)
				return err;
			continue;
		}
		w->entries++;
		dsize = le16(pg + off) | (uint64_t)le16(pg + off + 2) << 16;
		if (!(nf & F_BIGDATA)) {
			if ((size_t)off + NODE_HDR + ks + dsize > w->psize)
				goto bad_node;
			continue;
		}
		/* an overflow run: its first page, and its length */
		if ((size_t)off + NODE_HDR + ks + 8 > w->psize)
			goto bad_node;
		opg = le64(pg + off + NODE_HDR + ks);
		err = walk_read(w, opg, w->buf + w->psize * 32);
		if (err)
			return err;
		if (!(le16(w->buf + w->psize * 32 + 10) & P_OVERFLOW) ||
		    opg + (dsize + PG_HDR + w->psize - 1) / w->psize >
			    w->npages) {
			snprintf(w->msg, w->n, "page %llu: node %u: a bad "
				 "overflow run at page %llu",
				 (unsigned long long)pgno, i,
				 (unsigned long long)opg);
			return -EBADMSG;
		}
	}
	return 0;
bad_node:
	snprintf(w->msg, w->n, "page %llu: node %u lies outside the page",
		 (unsigned long long)pgno, i);
	return -EBADMSG;
}

int store_tree_check(struct store *st, MDB_txn *txn, enum store_db db,
		     char *msg, size_t n)
{
	MDB_envinfo info;
	MDB_stat ms;
	MDB_dbi main;
	MDB_val k, v;
	struct walk w = { .msg = msg, .n = n };
	uint64_t root, entries;
	int err;

	if (mdb_env_info(st->env, &info) || mdb_env_stat(st->env, &ms) ||
	    mdb_env_get_fd(st->env, &w.fd) || mdb_dbi_open(txn, NULL, 0, &main))
		return -EIO;
	/* the table's record in LMDB's main tree: md_entries at 32,
	 * md_root at 40 (struct MDB_db) */
	k.mv_size = strlen(store_names[db]);
	k.mv_data = (void *)store_names[db];
	if (mdb_get(txn, main, &k, &v) || v.mv_size < 48) {
		snprintf(msg, n, "no table record");
		return -EBADMSG;
	}
	entries = le64((const uint8_t *)v.mv_data + 32);
	root = le64((const uint8_t *)v.mv_data + 40);
	if (root == (uint64_t)-1)
		return entries ? (snprintf(msg, n, "empty, but says %llu "
						   "records",
					   (unsigned long long)entries),
				  -EBADMSG) : 0;
	w.psize = ms.ms_psize;
	w.npages = (uint64_t)info.me_last_pgno + 1;
	w.buf = malloc(w.psize * 33);
	if (!w.buf)
		return -ENOMEM;
	err = walk_page(&w, root, 0);
	free(w.buf);
	if (!err && w.entries != entries) {
		snprintf(msg, n, "%llu records in its pages, it says %llu",
			 (unsigned long long)w.entries,
			 (unsigned long long)entries);
		err = -EBADMSG;
	}
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
	store_guard_del(st->map);
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

static struct store *cursor_store(MDB_cursor *cur)
{
	return mdb_env_get_userctx(mdb_txn_env(mdb_cursor_txn(cur)));
}

/* A put's error: a full map said with what to raise. */
static int put_err(struct store *st, enum store_db db, const MDB_val *k,
		   int rc, const char *what)
{
	MDB_envinfo info;
	char kb[96];

	if (rc == MDB_MAP_FULL) {
		store_key_fmt(k->mv_data, k->mv_size, kb, sizeof(kb));
		mdb_env_info(st->env, &info);
		pr_warn("store full: %s/data.mdb reached its map size of %zu "
			"MiB (writing table '%s', key '%s'): raise "
			"store_mapsize_gb in the config (or TAGIH_MAPSIZE_GB); "
			"this transaction is not written", st->path,
			info.me_mapsize >> 20, store_table_name(db), kb);
		return -ENOSPC;
	}
	return store_err(rc, rc == MDB_KEYEXIST ? NULL : what);
}

int store_begin(struct store *st, bool write, MDB_txn **txn)
{
	return store_err(mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY,
				       txn),
			 "mdb_txn_begin");
}

/*
 * Every write txn records its own id in meta "txn_id": a reader whose
 * snapshot id differs (mdb_txn_id) sees a tree that another meta page
 * points at, i.e. a damaged meta page (fsck --deep checks it).
 */
static int stamp_txn(MDB_txn *txn, struct store *st)
{
	uint8_t b[8];
	int err;

	if (!st || !st->crc)
		return 0;
	be64_put(b, (uint64_t)mdb_txn_id(txn));
	err = store_put(txn, st, DB_META, STORE_TXN_KEY, strlen(STORE_TXN_KEY),
			b, sizeof(b), 0);
	return err == -EACCES ? 0 : err;	/* a read txn */
}

/* A failed commit, said plainly: a full disk is not an "I/O error". */
static int commit_failed(struct store *st, int rc)
{
	struct statvfs vfs;

	if (rc == MDB_MAP_FULL)
		return store_err(rc, "mdb_txn_commit");
	if (st && (rc == ENOSPC || rc == EIO || rc == EDQUOT) &&
	    !statvfs(st->path, &vfs) &&
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < (1u << 20)) {
		pr_warn("disk full: the file system of %s has %llu bytes "
			"free; nothing was written (free some space, then run "
			"it again)", st->path,
			(unsigned long long)vfs.f_bavail * vfs.f_frsize);
		return -ENOSPC;
	}
	return store_err(rc, "mdb_txn_commit");
}

int store_commit(MDB_txn *txn)
{
	struct store *st = mdb_env_get_userctx(mdb_txn_env(txn));
	int err, rc;

	err = stamp_txn(txn, st);
	if (err) {
		mdb_txn_abort(txn);
		return err;
	}
	rc = mdb_txn_commit(txn);
	return rc ? commit_failed(st, rc) : 0;
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
	int err;

	err = store_err(mdb_get(txn, st->dbi[db], &k, val), "mdb_get");
	return err ? err : unframe(st, st->dbi[db], &k, val);
}

int store_put(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen, const void *val, size_t vlen,
	      unsigned flags)
{
	MDB_val k = { .mv_size = klen, .mv_data = (void *)key };
	MDB_val v = { .mv_size = vlen, .mv_data = (void *)val };
	uint8_t buf[512];
	void *f = NULL;
	int rc;

	if (st->crc) {
		/* (LMDB may point v at the record found: keep f apart) */
		f = v.mv_data = frame(&k, val, vlen, buf, sizeof(buf),
				      &v.mv_size);
		if (!f)
			return -ENOMEM;
	}
	rc = mdb_put(txn, st->dbi[db], &k, &v, flags);
	if (f != buf)
		free(f);
	return put_err(st, db, &k, rc, "mdb_put");
}

int store_cursor_put(MDB_cursor *cur, const MDB_val *key, const void *val,
		     size_t vlen, unsigned flags)
{
	struct store *st = cursor_store(cur);
	MDB_val k = *key, v = { .mv_size = vlen, .mv_data = (void *)val };
	uint8_t buf[512];
	void *f = NULL;
	int rc;

	if (st->crc) {
		f = v.mv_data = frame(&k, val, vlen, buf, sizeof(buf),
				      &v.mv_size);
		if (!f)
			return -ENOMEM;
	}
	rc = mdb_cursor_put(cur, &k, &v, flags);
	if (f != buf)
		free(f);
	return put_err(st, db_of(st, mdb_cursor_dbi(cur)), &k, rc,
		       "mdb_cursor_put");
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
	struct store *st = cursor_store(cur);
	MDB_val dummy;
	int rc;

	if (!val)
		val = &dummy;
	/* the checksum covers the key: have LMDB hand it back */
	if (op == MDB_SET)
		op = MDB_SET_KEY;
	rc = mdb_cursor_get(cur, key, val, op);
	if (rc)
		return store_err(rc, rc == MDB_NOTFOUND ? NULL :
						       "mdb_cursor_get");
	return unframe(st, mdb_cursor_dbi(cur), key, val);
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
