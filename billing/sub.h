/* SPDX-License-Identifier: GPL-2.0 */
/* sub.h - subscribers, their uid (meter slot) and their prefixes over time. */
#ifndef TAGIH_SUB_H
#define TAGIH_SUB_H

#include <stdint.h>
#include "billing/store.h"
#include "lib/prefix.h"
#include "lib/money.h"

#define SUB_ID_MAX 32		/* [A-Za-z0-9._-], 1..32 chars */
#define SUB_MAX_PREFIXES 16

enum sub_status { SUB_ACTIVE = 0, SUB_SUSPENDED = 1, SUB_TERMINATED = 2 };
enum sub_cycle { CYCLE_CALENDAR = 0, CYCLE_ANNIVERSARY = 1 };

/*
 * Stored as-is in DB_SUBS (fixed layout, version field first). Strings
 * are NUL-terminated. name/phone/email/address/nik/notes are personal
 * data (UU PDP): never logged; exported and erased by billing/pdp.h.
 */
struct sub_rec {
	uint32_t version;	/* SUB_REC_VERSION */
	uint32_t uid;		/* meter slot, >= 1, never reused */
	char id[SUB_ID_MAX + 1];
	char name[96];
	char phone[24];
	char email[96];
	char address[160];
	char nik[20];
	char plan[33];		/* current plan name ("" = none) */
	char notes[160];
	uint8_t status;		/* enum sub_status */
	uint8_t cycle;		/* enum sub_cycle */
	uint8_t cycle_day;	/* calendar: 1..28 */
	uint8_t hold;		/* dunning exempt */
	int32_t activated;	/* civil day */
	int32_t terminated;	/* civil day, 0 = not */
	int64_t created;	/* UTC seconds */
	rp_t balance;		/* credit (overpayment) held for the sub */
	char hold_reason[64];
	char link_token[48];	/* customer page token, "" = none */
	uint8_t erased;		/* 1: personal data erased (pdp_erase) */
	uint8_t reserved[63];
};
#define SUB_REC_VERSION 1

struct prefix_owner {		/* DB_PREFIX value */
	uint32_t uid;
	uint32_t pad;
	int64_t since;		/* UTC seconds */
};

struct prefix_span {		/* DB_PREFIX_HIST value */
	uint32_t uid;
	uint32_t pad;
	int64_t until;		/* 0 = still owned */
};

/* Valid id? Returns 0 or -EINVAL. */
int sub_id_check(const char *id);

/*
 * Add a subscriber with its prefixes in txn: allocates the uid, records
 * prefix ownership (DB_PREFIX + DB_PREFIX_HIST) and bumps "prefix_gen".
 * Returns 0, -EEXIST (id taken), -EADDRINUSE (a prefix owned by another
 * subscriber; *conflict set to the prefix index), -EINVAL (also: an
 * e-mail that is not one SMTP mailbox, lib/mailbox.h), -ENOSPC (uid
 * beyond max_subscribers), or -errno.
 */
int sub_add(MDB_txn *txn, struct store *st, struct sub_rec *rec,
	    const struct prefix *pfx, int npfx, int *conflict);
/* Returns 0 or -ENOENT. */
int sub_get(MDB_txn *txn, struct store *st, const char *id,
	    struct sub_rec *rec);
int sub_get_by_uid(MDB_txn *txn, struct store *st, uint32_t uid,
		   struct sub_rec *rec);
/* Overwrite an existing record (same id). Returns 0, -ENOENT, or -EINVAL
 * (another uid, or a changed e-mail that is not one SMTP mailbox). */
int sub_put(MDB_txn *txn, struct store *st, const struct sub_rec *rec);

/* Prefix ownership; both bump "prefix_gen". add: -EADDRINUSE if owned by
 * someone else, -EEXIST if already this sub's. del: -ENOENT if not owned. */
int sub_prefix_add(MDB_txn *txn, struct store *st, const struct sub_rec *rec,
		   const struct prefix *p, int64_t now);
int sub_prefix_del(MDB_txn *txn, struct store *st, const struct sub_rec *rec,
		   const struct prefix *p, int64_t now);
/* The same by uid (address learning: billing/addr.h). */
int sub_prefix_add_uid(MDB_txn *txn, struct store *st, uint32_t uid,
		       const struct prefix *p, int64_t now);
int sub_prefix_del_uid(MDB_txn *txn, struct store *st, uint32_t uid,
		       const struct prefix *p, int64_t now);
/* Does p equal or overlap a prefix owned by a subscriber other than uid
 * (uid 0: anybody)? 0 if free, -EADDRINUSE with *other set, or -errno. */
int sub_prefix_conflict(MDB_txn *txn, struct store *st,
			const struct prefix *p, uint32_t uid, uint32_t *other);
/* Current prefixes of uid; returns the count (<= max) or -errno. */
int sub_prefixes(MDB_txn *txn, struct store *st, uint32_t uid,
		 struct prefix *out, int max);
/*
 * Current owner of p (an address as a /32 or /128, or any prefix): the
 * longest prefix in DB_PREFIX that contains it, as the meter matches.
 * Returns 0, -ENOENT (nobody's), -EINVAL (bad p) or -errno.
 */
int sub_prefix_owner(MDB_txn *txn, struct store *st, const struct prefix *p,
		     uint32_t *uid);
/* Owner of prefix p at time t (history lookup). 0 or -ENOENT. */
int sub_prefix_owner_at(MDB_txn *txn, struct store *st,
			const struct prefix *p, int64_t t, uint32_t *uid);

/* Iterate all subscribers in id order; stop when cb returns non-zero
 * (that value is returned). */
int sub_foreach(MDB_txn *txn, struct store *st,
		int (*cb)(const struct sub_rec *rec, void *ctx), void *ctx);

/* Iterate all current prefixes (DB_PREFIX). */
int sub_prefix_foreach(MDB_txn *txn, struct store *st,
		       int (*cb)(const struct prefix *p,
				 const struct prefix_owner *o, void *ctx),
		       void *ctx);

const char *sub_status_str(int status);

/* Highest uid sub_add may allocate (the meter's slot count - 1; default
 * TAGIH_DEF_MAX_SUBS - 1). Beyond it sub_add returns -ENOSPC. */
void sub_set_max_uid(uint32_t max);

#endif
