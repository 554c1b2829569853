// SPDX-License-Identifier: GPL-2.0
/* isolir.c - suspend and restore one subscriber: sub_rec.status, the
 * "suspended by dunning" mark, the audit entry and the policy_gen bump, in
 * the caller's txn. The one place a suspension is written; the maps are
 * tagih-agent's (it sees policy_gen move). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "billing/audit.h"
#include "billing/isolir.h"

#define DUN_SUB_KEY "dun_sub/"	/* + sub id -> "1": suspended by dunning */

static int dun_sub_key(char *buf, size_t n, const char *sub)
{
	int len = snprintf(buf, n, "%s%s", DUN_SUB_KEY, sub);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : len;
}

bool dunning_suspended_by_dunning(MDB_txn *txn, struct store *st,
				  const char *sub)
{
	char key[64];
	MDB_val v;
	int len = dun_sub_key(key, sizeof(key), sub);

	return len > 0 && store_get(txn, st, DB_META, key, len, &v) == 0;
}

static int dun_mark_sub(MDB_txn *txn, struct store *st, const char *sub,
			bool on)
{
	char key[64];
	int len = dun_sub_key(key, sizeof(key), sub), err;

	if (len < 0)
		return len;
	if (on)
		return store_put(txn, st, DB_META, key, len, "1", 1, 0);
	err = store_del(txn, st, DB_META, key, len);
	return err == -ENOENT ? 0 : err;
}

int dunning_suspend(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason,
		    bool by_dunning)
{
	json_t *d;
	int err;

	if (rec->status == SUB_SUSPENDED)
		return -EALREADY;
	if (rec->status != SUB_ACTIVE)
		return -EINVAL;
	rec->status = SUB_SUSPENDED;
	err = sub_put(txn, st, rec);
	if (!err)
		err = dun_mark_sub(txn, st, rec->id, by_dunning);
	if (err)
		return err;
	d = json_pack("{sI sb}", "uid", (json_int_t)rec->uid, "by_dunning",
		      by_dunning);
	err = audit_write(txn, st, now, actor, "suspend", rec->id, reason, d);
	json_decref(d);
	if (!err)
		err = store_meta_bump(txn, st, "policy_gen", NULL);
	return err;
}

int dunning_restore(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason)
{
	json_t *d;
	int err;

	if (rec->status != SUB_SUSPENDED)
		return -EALREADY;
	rec->status = SUB_ACTIVE;
	err = sub_put(txn, st, rec);
	if (!err)
		err = dun_mark_sub(txn, st, rec->id, false);
	if (err)
		return err;
	d = json_pack("{sI}", "uid", (json_int_t)rec->uid);
	err = audit_write(txn, st, now, actor, "restore", rec->id, reason, d);
	json_decref(d);
	if (!err)
		err = store_meta_bump(txn, st, "policy_gen", NULL);
	return err;
}
