/* SPDX-License-Identifier: GPL-2.0 */
/* audit.h - the append-only audit log: who or what changed what, and why. */
#ifndef TAGIH_AUDIT_H
#define TAGIH_AUDIT_H

#include <stdint.h>
#include <jansson.h>
#include "billing/store.h"

/*
 * DB_AUDIT key: time (i64 BE, sign bit flipped: bei64_put) + seq (u32 BE),
 * seq from the meta counter "audit_seq", so two entries in the same second
 * never collide. Value: a JSON object
 *   { "time": 1700000000, "actor": "cli:root", "action": "suspend",
 *     "sub": "budi", "reason": "overdue INV/2026/11/000001",
 *     "detail": { ... } }
 * Entries are only ever appended, in the caller's write transaction, so an
 * audit entry exists if and only if the change it describes was committed.
 * Never put personal data (names, phones, NIK) in reason or detail.
 *
 * Actors: "cli:USER", "agent:dunning", "tagihd:webhook:GATEWAY", ...
 */
#define AUDIT_KEY_LEN 12

/*
 * Append one entry. sub, reason may be NULL; detail may be NULL and is not
 * consumed (the caller keeps its reference). Returns 0, -EINVAL (no actor
 * or action), -ENOMEM or a store error.
 */
int audit_write(MDB_txn *txn, struct store *st, int64_t t, const char *actor,
		const char *action, const char *sub, const char *reason,
		json_t *detail);

/*
 * Entries in time order; only those of sub when sub is non-NULL. cb gets a
 * borrowed object (valid during the call). Returns 0, cb's non-zero value,
 * or -errno (an undecodable entry is skipped with a warning).
 */
int audit_foreach(MDB_txn *txn, struct store *st, const char *sub,
		  int (*cb)(int64_t t, uint32_t seq, json_t *e, void *ctx),
		  void *ctx);

/* The actor string for the CLI: "cli:" + login name (or uid). buf >= 64. */
char *audit_cli_actor(char *buf, size_t n);

#endif
