/* SPDX-License-Identifier: GPL-2.0 */
/* isolir.h - suspend and restore one subscriber: the one place a suspension is written (status, audit, policy_gen). */
#ifndef TAGIH_ISOLIR_H
#define TAGIH_ISOLIR_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"

/*
 * Suspend / restore one subscriber in txn: sets sub_rec.status, records
 * who did it (by_dunning: may be lifted automatically on payment), writes
 * the audit entry, bumps "policy_gen". -EALREADY if already in that state,
 * -ENOENT, or -errno. The caller commits; tagih-agent sees "policy_gen"
 * move and updates the maps within policy_poll_ms.
 */
int dunning_suspend(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason,
		    bool by_dunning);
int dunning_restore(MDB_txn *txn, struct store *st, struct sub_rec *rec,
		    int64_t now, const char *actor, const char *reason);
/* Was this subscriber suspended by dunning (not by hand)? */
bool dunning_suspended_by_dunning(MDB_txn *txn, struct store *st,
				  const char *sub);


#endif
