/* SPDX-License-Identifier: GPL-2.0 */
/* pdp.h - a subscriber's personal data (UU PDP, Law 27/2022): export and erase. */
#ifndef TAGIH_PDP_H
#define TAGIH_PDP_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "billing/store.h"

/*
 * Personal data lives in sub_rec (name, phone, email, address, nik,
 * notes, hold_reason) and, tied to it, in the customer-page PIN hash
 * (DB_META "cpin:"), the link token and its index (DB_META "clink:") and
 * in the subscriber's unsent notifications. The ledger (invoices,
 * payments, plan and prefix history, usage by uid, audit log) names the
 * subscriber by id only and is kept: tax law wants it, and metering goes
 * on by uid.
 */

#define PDP_ERASED_NAME "(dihapus)"
#define PDP_EXPORT_FORMAT "tagih-subject-export/1"

/*
 * Everything the store holds about subscriber id, as one JSON object
 * (*out, a new reference): the record unmasked, prefixes and their
 * history, plan history, add-ons, invoices with lines, payments (with
 * the gateway's raw payload), audit entries, notifications, daily usage,
 * and whether a PIN / link is set (never the hash or token). Returns 0,
 * -ENOENT (no such subscriber), -ENOMEM or -errno.
 */
int pdp_export(MDB_txn *txn, struct store *st, const char *id, int64_t now,
	       json_t **out);

struct pdp_erase_res {
	bool pin;		/* a PIN hash was deleted */
	bool link;		/* a link token and its index were deleted */
	unsigned outbox_del;	/* unsent notifications deleted */
	unsigned invoices;	/* kept */
	unsigned payments;	/* kept */
};

/*
 * Erase id's personal data in txn: blank the personal fields (name
 * becomes PDP_ERASED_NAME), delete the PIN hash and the link token with
 * its index, delete unsent (pending, failed) notifications, clear the
 * error text of the others, set sub_rec.erased and write an audit entry
 * "erase" as actor (counts only). Works for any status; running it again
 * sweeps again. On error the caller aborts txn: nothing is written.
 * Returns 0, -ENOENT (no such subscriber) or -errno.
 */
int pdp_erase(MDB_txn *txn, struct store *st, const char *id, int64_t now,
	      const char *actor, struct pdp_erase_res *res);

/* Counts of what erase keeps (res->invoices, res->payments), no writes. */
int pdp_erase_plan(MDB_txn *txn, struct store *st, const char *id,
		   struct pdp_erase_res *res);

#endif
