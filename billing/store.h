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
	DB_PREPAID,	/* sub id -> struct prepaid_rec: masa aktif, reminders */
	DB_PACKS,	/* pack name -> struct pack_rec (quota packs) */
	DB_QUOTA,	/* uid (u32 BE) -> struct quota_rec: quota left */
	DB_CHARGES,	/* sub id + '\0' + id (u64 BE) -> struct charge_rec */
	DB_VOUCHERS,	/* SHA-256 of the code -> struct voucher_rec */
	DB_USERS,	/* user name -> struct user_rec (billing/user.h) */
	DB_SUB_IDENT,	/* kind (u8) + identifier -> sub id (billing/ident.h) */
	DB_BIND,	/* struct prefix -> struct addr_bind (billing/addr.h) */
	DB_BIND_EXP,	/* until (i64 BE) + struct prefix -> "" (expiry order) */
	DB_RADIUS_OCT,	/* uid (u32 BE) + local day (i32 BE) -> RADIUS octets */
	DB_PLAN_REV,	/* plan name + '\0' + until (i64 BE) -> plan record as it was */
	DB_USAGE_TOTAL,	/* uid (u32 BE) -> struct usage_val: whole history */
	DB__MAX
};

struct store;

#define STORE_RDONLY 0x1	/* open read-only (MDB_RDONLY) */
#define STORE_CREATE 0x2	/* make a new store (`tagih init`, tests) */
#define STORE_UPGRADE 0x4	/* accept an older format (store_upgrade) */

/*
 * The on-disk format in DB_META "format" (u64 BE): 0 = a store made
 * before `tagih init` (no identity), 1 = identity + format, 2 = every
 * value carries a CRC-32 of its key and payload (STORE_CRC_LEN bytes at
 * its end, added by store_put, checked and stripped by store_get and
 * store_cursor_get) and every write txn stamps its id in meta "txn_id".
 */
#define STORE_FORMAT 2
#define STORE_CRC_LEN 4
#define STORE_TXN_KEY "txn_id"
/* DB_META "store_id": random bytes made by `tagih init`. */
#define STORE_ID_LEN 16

#define STORE_MAPSIZE_DEF_GB 64
#define STORE_MAPSIZE_MAX_GB 16384

/*
 * Open the store at dir. Without STORE_CREATE, dir must hold a store:
 * a missing directory or data.mdb, an empty or truncated data.mdb, a
 * file that is not LMDB, an LMDB file without our identity, or a store
 * of an older format (unless STORE_UPGRADE) is refused with a message
 * naming the file and the problem (and `tagih init` where it helps).
 * STORE_CREATE: create dir (0700; an existing one keeps its mode) and,
 * where it holds no data.mdb, a new store with every table, a random
 * identity and the current format; an existing store is opened as
 * without it. Map size: TAGIH_MAPSIZE_GB (checked: whole GiB, 1..
 * STORE_MAPSIZE_MAX_GB), else store_set_mapsize_gb, else 64 (sparse).
 * Returns 0, -ENOENT (no store), -EBADMSG (damaged or foreign),
 * -EPROTONOSUPPORT (format), -EINVAL (TAGIH_MAPSIZE_GB) or -errno;
 * every refusal is logged.
 */
int store_open(struct store **stp, const char *dir, unsigned flags);
/* 0 when dir holds a non-empty data.mdb, else -ENOENT / -EBADMSG /
 * -errno with the reason logged ("create one with `tagih init`"). */
int store_check_dir(const char *dir);
/* The map size for stores opened after this (config store_mapsize_gb). */
void store_set_mapsize_gb(uint64_t gb);
/* The format the store had when opened (STORE_FORMAT unless upgrading). */
unsigned store_format(struct store *st);
/*
 * Bring a store opened with STORE_UPGRADE to STORE_FORMAT in one write
 * txn (an identity where it has none). *records gets how many records
 * were rewritten (may be NULL). Returns 0 or -errno; nothing is written
 * on error.
 */
int store_upgrade(struct store *st, uint64_t *records);
/* The store's identity (DB_META "store_id"). 0, -ENOENT or -EBADMSG. */
int store_id(MDB_txn *txn, struct store *st, uint8_t id[STORE_ID_LEN]);
void store_close(struct store *st);
MDB_env *store_env(struct store *st);
MDB_dbi store_dbi(struct store *st, enum store_db db);
const char *store_path(struct store *st);

/* Transactions. begin/commit return 0 or -errno (logged; commit: -ENOSPC
 * for a full map or a full disk, said as such). commit aborts on error. */
int store_begin(struct store *st, bool write, MDB_txn **txn);
int store_commit(MDB_txn *txn);
void store_abort(MDB_txn *txn);

/*
 * The one place LMDB codes become our errors: MDB_NOTFOUND -> -ENOENT,
 * MDB_KEYEXIST -> -EEXIST, MDB_MAP_FULL -> -ENOSPC, MDB_PAGE_NOTFOUND and
 * MDB_CORRUPTED -> -EBADMSG (damage, said so), MDB_* -> -EIO,
 * errno values -> -errno. what: context for the log (NULL: don't log).
 */
int store_err(int mdb_rc, const char *what);

/* A name used as a key (subscriber id, plan name): 1..max characters of
 * [A-Za-z0-9._-]. Returns 0 or -EINVAL (also for NULL). */
int store_name_check(const char *s, size_t max);

/*
 * Convenience wrappers; return 0, -ENOENT, -EEXIST (put with NOOVERWRITE),
 * -EBADMSG (get: the record fails its checksum; "store damaged ... run
 * tagih fsck --deep" is logged once), -ENOSPC (put: the map is full,
 * "store full: raise store_mapsize_gb" logged) or another -errno.
 * get: *val points into the map, valid until txn end, without the
 * checksum.
 */
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
/* mdb_cursor_put (MDB_CURRENT, MDB_APPEND, ...) of a payload, framed as
 * store_put does. 0 or -errno as store_put. */
int store_cursor_put(MDB_cursor *cur, const MDB_val *key, const void *val,
		     size_t vlen, unsigned flags);

/* For fsck --deep, which reads every record raw and reports each:
 * quiet: no "store damaged" log line; framed: values carry checksums;
 * unframe: check and strip one raw value (0 or -EBADMSG). */
void store_set_quiet(struct store *st, bool quiet);
bool store_framed(struct store *st);
int store_unframe(struct store *st, enum store_db db, const MDB_val *k,
		  MDB_val *v);
/* data.mdb's two meta pages read from the file (never the map): their
 * txn ids must be consecutive, the even one in page 0. 0, or -EBADMSG
 * with why in msg. */
int store_meta_pages_check(struct store *st, char *msg, size_t n);
/* Table db's pages walked from the file by pread (never the map): every
 * child page number inside the file and naming itself, every node inside
 * its page, every overflow run inside the file, the record count as the
 * table says. 0, or -EBADMSG with the first problem in msg. */
int store_tree_check(struct store *st, MDB_txn *txn, enum store_db db,
		     char *msg, size_t n);
/* The table's name on disk ("subs"); a key as text or hex for messages. */
const char *store_table_name(enum store_db db);
void store_key_fmt(const void *key, size_t klen, char *buf, size_t n);

/* DB_META helpers: u64 counters ("uid_next", "prefix_gen", "policy_gen",
 * ...). get returns 0 and *v = 0 when absent. */
int store_meta_get_u64(MDB_txn *txn, struct store *st, const char *key,
		       uint64_t *v);
int store_meta_put_u64(MDB_txn *txn, struct store *st, const char *key,
		       uint64_t v);
/* Read-modify-write +1; *out gets the new value. */
int store_meta_bump(MDB_txn *txn, struct store *st, const char *key,
		    uint64_t *out);

/* billing/storeguard.c: a fault in the map [lo, lo + len) or in liblmdb
 * exits 1 with "store damaged: PATH/data.mdb ..." (store_open/close). */
void store_guard_add(uintptr_t lo, size_t len, const char *path);
void store_guard_del(uintptr_t lo);

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
