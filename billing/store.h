/* SPDX-License-Identifier: GPL-2.0 */
/* store.h - the LMDB environment shared by tagih-agent, tagihd and tagih. */
#ifndef TAGIH_STORE_H
#define TAGIH_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <lmdb.h>

/*
 * One environment (--db DIR), one named database per kind of record.
 * Key layouts are in docs/ARCHITECTURE.md; integers in keys are big
 * endian so that LMDB's byte order is numeric order.
 */
enum store_db {
	DB_META,	/* string -> value: counters, generations, identity */
	DB_SUBS,	/* sub id (string) -> struct sub_rec */
	DB_SUB_UID,	/* uid (u32 BE) -> sub id */
	DB_PREFIX,	/* struct prefix -> struct prefix_owner (current owner) */
	DB_PREFIX_HIST,	/* struct prefix + since (i64 BE) -> struct prefix_span */
	DB_USAGE_HOUR,	/* struct usage_key (UTC hour) -> struct usage_val */
	DB_USAGE_DAY,	/* struct usage_key (local day) -> struct usage_val */
	DB_SNAP,	/* uid (u32 BE) -> struct tagih_cnt: last drained totals */
	DB_PLANS,	/* plan name -> plan record */
	DB_PLAN_HIST,	/* sub id + '\0' + from day (i32 BE) -> plan name */
	DB_ADDONS,	/* sub id + '\0' + product -> add-on record */
	DB_INVOICES,	/* invoice number -> invoice record */
	DB_INV_SUB,	/* sub id + '\0' + issue day (i32 BE) + number -> "" */
	DB_INV_PERIOD,	/* "YYYY-MM" + '\0' + sub id -> invoice number */
	DB_PAYMENTS,	/* payment ref -> payment record */
	DB_PAY_SUB,	/* sub id + '\0' + time (i64 BE) + ref -> "" */
	DB_AUDIT,	/* time (i64 BE) + seq (u32 BE) -> audit record (JSON) */
	DB_OUTBOX,	/* event id (u64 BE) -> notification record */
	DB_GARDEN,	/* struct prefix -> port (u16) */
	DB_WEBHOOKS,	/* gateway + ':' + transaction id -> raw payload record */
	DB_USAGE_TOTAL,	/* uid (u32 BE) -> struct usage_val: whole history */
	DB__MAX
};

struct store;

#define STORE_RDONLY 0x1	/* open read-only (MDB_RDONLY) */

/*
 * Open (creating DIR and the databases if needed) the store at dir.
 * Map size: TAGIH_MAPSIZE_GB env or 64 GiB (sparse). Returns 0 or -errno.
 */
int store_open(struct store **stp, const char *dir, unsigned flags);
void store_close(struct store *st);
MDB_env *store_env(struct store *st);
MDB_dbi store_dbi(struct store *st, enum store_db db);
const char *store_path(struct store *st);

/* Transactions. begin/commit return 0 or -errno (logged). */
int store_begin(struct store *st, bool write, MDB_txn **txn);
int store_commit(MDB_txn *txn);
void store_abort(MDB_txn *txn);

/*
 * The one place LMDB codes become our errors: MDB_NOTFOUND -> -ENOENT,
 * MDB_KEYEXIST -> -EEXIST, MDB_MAP_FULL -> -ENOSPC, MDB_* -> -EIO,
 * errno values -> -errno. what: context for the log (NULL: don't log).
 */
int store_err(int mdb_rc, const char *what);

/* A name used as a key (subscriber id, plan name): 1..max characters of
 * [A-Za-z0-9._-]. Returns 0 or -EINVAL (also for NULL). */
int store_name_check(const char *s, size_t max);

/* Convenience wrappers; return 0, -ENOENT, -EEXIST (put with NOOVERWRITE)
 * or another -errno. get: *val points into the map, valid until txn end. */
int store_get(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen, MDB_val *val);
int store_put(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen, const void *val, size_t vlen,
	      unsigned flags);
int store_del(MDB_txn *txn, struct store *st, enum store_db db,
	      const void *key, size_t klen);

/*
 * Iteration: open a cursor on db, then step it with store_cursor_get
 * (op as mdb_cursor_get: MDB_FIRST, MDB_NEXT, MDB_SET_RANGE, ...).
 * Returns 0, -ENOENT at the end, or another -errno. Always read values
 * through these wrappers, never with raw mdb_get/mdb_cursor_get: the
 * store may add per-record framing (checksums) that they strip.
 */
int store_cursor_open(MDB_txn *txn, struct store *st, enum store_db db,
		      MDB_cursor **cur);
int store_cursor_get(MDB_cursor *cur, MDB_val *key, MDB_val *val,
		     MDB_cursor_op op);

/* DB_META helpers: u64 counters ("uid_next", "prefix_gen", "policy_gen",
 * ...). get returns 0 and *v = 0 when absent. */
int store_meta_get_u64(MDB_txn *txn, struct store *st, const char *key,
		       uint64_t *v);
int store_meta_put_u64(MDB_txn *txn, struct store *st, const char *key,
		       uint64_t v);
/* Read-modify-write +1; *out gets the new value. */
int store_meta_bump(MDB_txn *txn, struct store *st, const char *key,
		    uint64_t *out);

/* Big-endian helpers for keys. */
static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}
static inline uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline void be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, v >> 32); be32_put(p + 4, (uint32_t)v);
}
static inline uint64_t be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}
/* Signed values keep order when the sign bit is flipped. */
static inline void bei64_put(uint8_t *p, int64_t v)
{
	be64_put(p, (uint64_t)v ^ (1ULL << 63));
}
static inline int64_t bei64_get(const uint8_t *p)
{
	return (int64_t)(be64_get(p) ^ (1ULL << 63));
}
static inline void bei32_put(uint8_t *p, int32_t v)
{
	be32_put(p, (uint32_t)v ^ (1U << 31));
}
static inline int32_t bei32_get(const uint8_t *p)
{
	return (int32_t)(be32_get(p) ^ (1U << 31));
}

#endif
