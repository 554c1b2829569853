/* SPDX-License-Identifier: GPL-2.0 */
/* custlink.h - the unguessable per-subscriber link to the customer page. */
#ifndef TAGIH_CUSTLINK_H
#define TAGIH_CUSTLINK_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"

/*
 * A token is 32 bytes from getrandom(2), base64url without padding (43
 * characters), kept in sub_rec.link_token so that reminders can carry
 * the link. Lookups never compare tokens: DB_META holds
 * "clink:" + hex SHA-256(token) -> sub id, so finding the subscriber
 * costs one B-tree lookup on a hash the caller cannot steer, and the
 * stored token is then checked in constant time.
 */
#define CUSTLINK_TOKEN_LEN 43

/* Well-formed token (43 base64url characters)? */
int custlink_token_check(const char *tok);

/*
 * Give sub id a new token (replacing and unindexing any old one) in txn;
 * tok (>= CUSTLINK_TOKEN_LEN + 1) gets it. The change is audited as actor
 * (never the token itself). Returns 0, -ENOENT (no such subscriber), or
 * -errno.
 */
int custlink_issue(MDB_txn *txn, struct store *st, const char *id,
		   int64_t now, const char *actor, char *tok);
/* Remove the link. Returns 0, -ENOENT (no subscriber), -EALREADY (no
 * link) or -errno. */
int custlink_revoke(MDB_txn *txn, struct store *st, const char *id,
		    int64_t now, const char *actor);
/* The subscriber a token belongs to. Returns 0, -ENOENT (unknown, revoked
 * or malformed token) or -errno. */
int custlink_lookup(MDB_txn *txn, struct store *st, const char *tok,
		    struct sub_rec *r);

#endif
