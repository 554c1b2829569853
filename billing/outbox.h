/* SPDX-License-Identifier: GPL-2.0 */
/* outbox.h - durable notifications: one record per event and channel, sent at most once. */
#ifndef TAGIH_OUTBOX_H
#define TAGIH_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"
#include "billing/invoice.h"

/*
 * Events come from what billing and dunning already commit: the audit
 * log (remind, overdue, suspend, restore, payment: each written in the
 * same txn as the change it describes) and new invoices. outbox_feed()
 * turns them into DB_OUTBOX records, one per event and channel, with a
 * dedup key in DB_META ("obx/" + channel + "/" + event + "/" + ref) so
 * the same event never makes two records for a channel.
 *
 * A record is sent at most once: the sender marks it SENDING in a
 * committed txn before talking to the peer, then SENT, or back to
 * PENDING (next_try = now + backoff) or FAILED after max attempts. A
 * record found SENDING at start (a crash mid-send) becomes FAILED
 * ("delivery unknown"), never resent by itself; `tagih notify retry`
 * is the operator's decision.
 *
 * Records hold no personal data: phone and e-mail are read from the
 * subscriber at send time, so erasing a subscriber erases them here too.
 */

enum outbox_event {
	OBX_INVOICE_ISSUED = 0,
	OBX_DUE_SOON,
	OBX_DUE_TODAY,
	OBX_OVERDUE,
	OBX_SUSPENDED,
	OBX_PAYMENT,
	OBX_RESTORED,
	OBX_PREPAID_EXPIRING,	/* masa aktif ends in N days (ref: sub/expiry/N,
				 * due: the expiry day, amount: the price) */
	OBX__EVENTS
};

enum outbox_channel {
	OBX_WA_GATEWAY = 0,	/* a generic WhatsApp HTTP gateway */
	OBX_WA_CLOUD,		/* the WhatsApp Cloud API */
	OBX_EMAIL,		/* SMTP */
	OBX__CHANNELS
};

enum outbox_status {
	OBX_PENDING = 0,
	OBX_SENDING,
	OBX_SENT,
	OBX_FAILED,
};

#define OBX_REF_MAX 64

struct outbox_rec {
	uint32_t version;	/* OUTBOX_REC_VERSION */
	uint8_t event;		/* enum outbox_event */
	uint8_t channel;	/* enum outbox_channel */
	uint8_t status;		/* enum outbox_status */
	uint8_t pad;
	uint64_t id;
	uint32_t attempts;
	int32_t due;		/* civil day, invoice events; 0 otherwise */
	int64_t created;	/* UTC seconds */
	int64_t next_try;
	int64_t sent;		/* UTC seconds, 0 = not */
	rp_t amount;		/* invoice open amount / payment amount */
	char sub[SUB_ID_MAX + 1];
	char ref[OBX_REF_MAX + 1];	/* invoice number or payment ref */
	char last_error[160];
	uint8_t reserved[32];
};
#define OUTBOX_REC_VERSION 1

const char *outbox_event_str(int event);
const char *outbox_channel_str(int channel);
const char *outbox_status_str(int status);
/* "pending|sending|sent|failed" -> status; -EINVAL otherwise. */
int outbox_status_parse(const char *s, int *status);

/*
 * Queue one event for one channel. Returns 0 (*id set when id != NULL),
 * -EEXIST when this event was already queued for the channel (nothing
 * written), -EINVAL or -errno.
 */
int outbox_enqueue(MDB_txn *txn, struct store *st, int event, int channel,
		   const char *sub, const char *ref, rp_t amount, int32_t due,
		   int64_t now, uint64_t *id);

/* Returns 0 or -ENOENT. */
int outbox_get(MDB_txn *txn, struct store *st, uint64_t id,
	       struct outbox_rec *r);
/* Overwrite an existing record. 0 or -errno. */
int outbox_put(MDB_txn *txn, struct store *st, const struct outbox_rec *r);
/* Remove a record (an erased subscriber's unsent ones). Its dedup key
 * stays, so the event is never queued again. 0, -ENOENT or -errno. */
int outbox_del(MDB_txn *txn, struct store *st, uint64_t id);
/* All records in id (= creation) order; cb's non-zero return stops. */
int outbox_foreach(MDB_txn *txn, struct store *st,
		   int (*cb)(const struct outbox_rec *r, void *ctx), void *ctx);

/*
 * Queue the events committed since the last feed (audit log, new
 * invoices) for every channel in channels (bit = 1 << enum
 * outbox_channel) that the subscriber can be reached on (has_phone /
 * has_email decide per channel). Cursors live in DB_META. Returns the
 * number of records queued or -errno.
 */
int outbox_feed(MDB_txn *txn, struct store *st, unsigned channels,
		int64_t now);

/* Seconds to wait after the n-th failed attempt (n >= 1): base * 2^(n-1),
 * capped at 6 hours. */
int64_t outbox_backoff(uint32_t n, int64_t base);

/*
 * The outcome of one attempt. ok: SENT. Otherwise attempts < max:
 * PENDING at now + backoff, else FAILED; err (not personal data) kept
 * as last_error. Returns 0 or -errno.
 */
int outbox_result(MDB_txn *txn, struct store *st, uint64_t id, bool ok,
		  const char *err, int64_t now, uint32_t max_attempts,
		  int64_t base);

/* Operator retry of a FAILED (or PENDING) record: PENDING, due now,
 * attempts reset. 0, -ENOENT, -EALREADY (sent) or -errno. */
int outbox_retry(MDB_txn *txn, struct store *st, uint64_t id, int64_t now);

#endif
