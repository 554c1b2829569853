// SPDX-License-Identifier: GPL-2.0
/* store.c - the LMDB environment: open, named databases, error mapping. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "billing/store.h"

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB__MAX];
	char *path;
	unsigned flags;
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
	[DB_USAGE_TOTAL] = "usage_total",
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

static size_t store_mapsize(void)
{
	const char *e = getenv("TAGIH_MAPSIZE_GB");
	unsigned long long gb = 64;
	char *end;

	if (e && *e) {
		gb = strtoull(e, &end, 10);
		if (*end || gb == 0 || gb > 1024 * 1024)
			gb = 64;
	}
	return (size_t)gb << 30;
}

int store_open(struct store **stp, const char *dir, unsigned flags)
{
	bool rdonly = flags & STORE_RDONLY;
	struct store *st;
	MDB_txn *txn;
	int rc, err, i;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->flags = flags;
	st->path = strdup(dir);
	if (!st->path) {
		err = -ENOMEM;
		goto free_st;
	}
	if (!rdonly && mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		pr_warn("cannot create %s: %s", dir, strerror(errno));
		goto free_st;
	}
	rc = mdb_env_create(&st->env);
	if (rc) {
		err = store_err(rc, "mdb_env_create");
		goto free_st;
	}
	mdb_env_set_maxdbs(st->env, STORE_MAXDBS);
	mdb_env_set_maxreaders(st->env, 256);
	rc = mdb_env_set_mapsize(st->env, store_mapsize());
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
		err = store_err(rc, NULL);
		pr_warn("cannot open store %s: %s", dir, mdb_strerror(rc));
		goto env_close;
	}

	rc = mdb_txn_begin(st->env, NULL, rdonly ? MDB_RDONLY : 0, &txn);
	if (rc) {
		err = store_err(rc, "mdb_txn_begin");
		goto env_close;
	}
	for (i = 0; i < DB__MAX; i++) {
		rc = mdb_dbi_open(txn, store_names[i],
				  rdonly ? 0 : MDB_CREATE, &st->dbi[i]);
		if (rc == MDB_NOTFOUND && rdonly) {
			/* a store from an older version: refuse clearly */
			pr_warn("store %s lacks database '%s' (open it "
				"read-write once to upgrade)",
				dir, store_names[i]);
			err = -ENOENT;
			goto txn_abort;
		}
		if (rc) {
			err = store_err(rc, store_names[i]);
			goto txn_abort;
		}
	}
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
