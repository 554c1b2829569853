/* SPDX-License-Identifier: GPL-2.0 */
/* tblscan.h - walk the keys of one table that start with a prefix, through the store's cursor wrappers. */
#ifndef TAGIH_TBLSCAN_H
#define TAGIH_TBLSCAN_H

#include <stddef.h>
#include "billing/store.h"

/*
 * Call cb for every record of db whose key starts with prefix (plen
 * bytes; 0 = every record), in key order. cb's non-zero return stops
 * the walk and is returned. Returns 0 or -errno.
 */
int tbl_scan(MDB_txn *txn, struct store *st, enum store_db db,
	     const void *prefix, size_t plen,
	     int (*cb)(const MDB_val *k, const MDB_val *v, void *ctx),
	     void *ctx);

#endif
