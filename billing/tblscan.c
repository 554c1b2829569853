// SPDX-License-Identifier: GPL-2.0
/* tblscan.c - prefix walks over one table (store_cursor_open / store_cursor_get). */
#include <errno.h>
#include <string.h>

#include "billing/tblscan.h"

int tbl_scan(MDB_txn *txn, struct store *st, enum store_db db,
	     const void *prefix, size_t plen,
	     int (*cb)(const MDB_val *k, const MDB_val *v, void *ctx),
	     void *ctx)
{
	MDB_cursor *cur;
	MDB_val k = { plen, (void *)prefix }, v;
	int err, ret = 0;

	err = store_cursor_open(txn, st, db, &cur);
	if (err)
		return err;
	err = store_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
	while (!err) {
		if (plen && (k.mv_size < plen ||
			     memcmp(k.mv_data, prefix, plen)))
			break;
		ret = cb(&k, &v, ctx);
		if (ret)
			break;
		err = store_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (ret)
		return ret;
	return err == -ENOENT ? 0 : err;
}
