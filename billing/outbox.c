// SPDX-License-Identifier: GPL-2.0
/* outbox.c - the notification outbox: feed from the audit log and invoices, retries, backoff. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "billing/audit.h"
#include "lib/log.h"
#include "billing/outbox.h"

#define OBX_NEXT_ID "outbox_next"	/* u64 counter */
#define OBX_AUDIT_CURSOR "obx_cursor/audit"	/* last audit key fed */
#define OBX_INV_CURSOR "obx_cursor/invoice"	/* last invoice number fed */
#define OBX_FIRST_LOOKBACK (24 * 3600)	/* first feed: only the last day */
#define OBX_BACKOFF_MAX (6 * 3600)

static const char *const obx_events[OBX__EVENTS] = {
	[OBX_INVOICE_ISSUED] = "invoice_issued",
	[OBX_DUE_SOON] = "due_soon",
	[OBX_DUE_TODAY] = "due_today",
	[OBX_OVERDUE] = "overdue",
	[OBX_SUSPENDED] = "suspended",
	[OBX_PAYMENT] = "payment_received",
	[OBX_RESTORED] = "restored",
	[OBX_PREPAID_EXPIRING] = "prepaid_expiring",
};

static const char *const obx_channels[OBX__CHANNELS] = {
	[OBX_WA_GATEWAY] = "whatsapp",
	[OBX_WA_CLOUD] = "whatsapp_cloud",
	[OBX_EMAIL] = "email",
};

static const char *const obx_statuses[] = {
	[OBX_PENDING] = "pending",
	[OBX_SENDING] = "sending",
	[OBX_SENT] = "sent",
	[OBX_FAILED] = "failed",
};

const char *outbox_event_str(int e)
{
	return e >= 0 && e < OBX__EVENTS ? obx_events[e] : "?";
}

const char *outbox_channel_str(int c)
{
	return c >= 0 && c < OBX__CHANNELS ? obx_channels[c] : "?";
}

const char *outbox_status_str(int s)
{
	return s >= 0 && s <= OBX_FAILED ? obx_statuses[s] : "?";
}

int outbox_status_parse(const char *s, int *status)
{
	int i;

	for (i = 0; i <= OBX_FAILED; i++)
		if (s && !strcmp(s, obx_statuses[i])) {
			*status = i;
			return 0;
		}
	return -EINVAL;
}

static void obx_key(uint8_t k[8], uint64_t id)
{
	be64_put(k, id);
}

int outbox_get(MDB_txn *txn, struct store *st, uint64_t id,
	       struct outbox_rec *r)
{
	uint8_t k[8];
	MDB_val v;
	int err;

	obx_key(k, id);
	err = store_get(txn, st, DB_OUTBOX, k, 8, &v);
	if (err)
		return err;
	memset(r, 0, sizeof(*r));
	memcpy(r, v.mv_data, v.mv_size < sizeof(*r) ? v.mv_size : sizeof(*r));
	return r->version == OUTBOX_REC_VERSION ? 0 : -EIO;
}

int outbox_put(MDB_txn *txn, struct store *st, const struct outbox_rec *r)
{
	uint8_t k[8];

	obx_key(k, r->id);
	return store_put(txn, st, DB_OUTBOX, k, 8, r, sizeof(*r), 0);
}

int outbox_del(MDB_txn *txn, struct store *st, uint64_t id)
{
	uint8_t k[8];

	obx_key(k, id);
	return store_del(txn, st, DB_OUTBOX, k, 8);
}

int outbox_enqueue(MDB_txn *txn, struct store *st, int event, int channel,
		   const char *sub, const char *ref, rp_t amount, int32_t due,
		   int64_t now, uint64_t *id)
{
	struct outbox_rec r;
	char dk[40 + OBX_REF_MAX + 1];
	uint8_t idb[8];
	MDB_val v;
	uint64_t n;
	int err;

	if (event < 0 || event >= OBX__EVENTS || channel < 0 ||
	    channel >= OBX__CHANNELS || !sub || !ref ||
	    strlen(ref) > OBX_REF_MAX || strlen(sub) > SUB_ID_MAX)
		return -EINVAL;
	snprintf(dk, sizeof(dk), "obx/%s/%s/%s", obx_channels[channel],
		 obx_events[event], ref);
	err = store_get(txn, st, DB_META, dk, strlen(dk), &v);
	if (!err)
		return -EEXIST;
	if (err != -ENOENT)
		return err;
	err = store_meta_bump(txn, st, OBX_NEXT_ID, &n);
	if (err)
		return err;
	memset(&r, 0, sizeof(r));
	r.version = OUTBOX_REC_VERSION;
	r.event = event;
	r.channel = channel;
	r.status = OBX_PENDING;
	r.id = n;
	r.due = due;
	r.created = now;
	r.next_try = now;
	r.amount = amount;
	snprintf(r.sub, sizeof(r.sub), "%s", sub);
	snprintf(r.ref, sizeof(r.ref), "%s", ref);
	err = outbox_put(txn, st, &r);
	if (err)
		return err;
	obx_key(idb, n);
	err = store_put(txn, st, DB_META, dk, strlen(dk), idb, 8, 0);
	if (!err && id)
		*id = n;
	return err;
}

int outbox_foreach(MDB_txn *txn, struct store *st,
		   int (*cb)(const struct outbox_rec *r, void *ctx), void *ctx)
{
	struct outbox_rec r;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	rc = store_cursor_open(txn, st, DB_OUTBOX, &cur);
	if (rc)
		return store_err(rc, "outbox cursor");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		memset(&r, 0, sizeof(r));
		memcpy(&r, v.mv_data,
		       v.mv_size < sizeof(r) ? v.mv_size : sizeof(r));
		if (r.version != OUTBOX_REC_VERSION)
			continue;
		ret = cb(&r, ctx);
		if (ret)
			break;
	}
	mdb_cursor_close(cur);
	if (!ret && rc != -ENOENT)
		ret = store_err(rc, "outbox scan");
	return ret;
}

/* Queue event for every enabled channel the subscriber can be reached on. */
static int obx_fan_out(MDB_txn *txn, struct store *st, unsigned channels,
		       int event, const char *sub, const char *ref,
		       rp_t amount, int32_t due, int64_t now)
{
	struct sub_rec r;
	int ch, err, n = 0;

	if (!sub || !ref || !*ref)
		return 0;
	err = sub_get(txn, st, sub, &r);
	if (err == -ENOENT)
		return 0;	/* erased since: nobody to tell */
	if (err)
		return err;
	for (ch = 0; ch < OBX__CHANNELS; ch++) {
		if (!(channels & (1u << ch)))
			continue;
		if (ch == OBX_EMAIL ? !r.email[0] : !r.phone[0])
			continue;
		err = outbox_enqueue(txn, st, event, ch, sub, ref, amount, due,
				     now, NULL);
		if (err == -EEXIST)
			continue;
		if (err)
			return err;
		n++;
	}
	return n;
}

/* One audit entry -> at most one event. */
static int obx_from_audit(MDB_txn *txn, struct store *st, unsigned channels,
			  const uint8_t *key, json_t *e, int64_t now)
{
	const char *action = json_string_value(json_object_get(e, "action"));
	const char *sub = json_string_value(json_object_get(e, "sub"));
	const char *reason = json_string_value(json_object_get(e, "reason"));
	json_t *d = json_object_get(e, "detail");
	const char *inv = json_string_value(json_object_get(d, "invoice"));
	json_int_t amt = json_integer_value(json_object_get(d, "amount_due"));
	json_int_t due = json_integer_value(json_object_get(d, "due_day"));
	char ref[OBX_REF_MAX + 1];
	int event;

	if (!action || !sub)
		return 0;
	if (!strcmp(action, "remind")) {
		event = !reason ? -1 : !strcmp(reason, "due soon") ? OBX_DUE_SOON :
			!strcmp(reason, "due today") ? OBX_DUE_TODAY : OBX_OVERDUE;
		if (event < 0)
			return 0;
		return obx_fan_out(txn, st, channels, event, sub, inv, amt,
				   (int32_t)due, now);
	}
	if (!strcmp(action, "prepaid_remind"))	/* billing/prepaid.c */
		return obx_fan_out(txn, st, channels, OBX_PREPAID_EXPIRING,
			sub, json_string_value(json_object_get(d, "ref")),
			json_integer_value(json_object_get(d, "price")),
			(int32_t)json_integer_value(json_object_get(d,
							"expiry_day")),
			now);
	if (!strcmp(action, "overdue"))
		return obx_fan_out(txn, st, channels, OBX_OVERDUE, sub, inv,
				   amt, 0, now);
	/* a credit (paid again for a paid invoice) is money received too:
	 * the subscriber gets the same receipt */
	if (!strcmp(action, "payment") || !strcmp(action, "payment_credit"))
		return obx_fan_out(txn, st, channels, OBX_PAYMENT, sub,
			json_string_value(json_object_get(d, "ref")),
			json_integer_value(json_object_get(d, "amount")), 0,
			now);
	if (!strcmp(action, "suspend") || !strcmp(action, "restore")) {
		/* each suspension is its own event: keyed by its audit key */
		snprintf(ref, sizeof(ref), "audit:%lld.%u",
			 (long long)bei64_get(key), be32_get(key + 8));
		return obx_fan_out(txn, st, channels,
				   action[0] == 's' ? OBX_SUSPENDED :
				   OBX_RESTORED, sub, ref, 0, 0, now);
	}
	return 0;
}

static int obx_feed_audit(MDB_txn *txn, struct store *st, unsigned channels,
			  int64_t now)
{
	uint8_t start[AUDIT_KEY_LEN], last[AUDIT_KEY_LEN];
	bool have = false, first;
	MDB_cursor *cur;
	MDB_val k, v;
	json_error_t jerr;
	json_t *e;
	int rc, err = 0, n = 0, r;

	err = store_get(txn, st, DB_META, OBX_AUDIT_CURSOR,
			strlen(OBX_AUDIT_CURSOR), &v);
	if (err && err != -ENOENT)
		return err;
	first = err == -ENOENT;
	err = 0;
	if (first) {
		memset(start, 0, sizeof(start));
		bei64_put(start, now - OBX_FIRST_LOOKBACK);
	} else {
		if (v.mv_size != AUDIT_KEY_LEN)
			return -EIO;
		memcpy(start, v.mv_data, AUDIT_KEY_LEN);
	}
	rc = store_cursor_open(txn, st, DB_AUDIT, &cur);
	if (rc)
		return store_err(rc, "audit cursor");
	k.mv_data = start;
	k.mv_size = AUDIT_KEY_LEN;
	for (rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != AUDIT_KEY_LEN)
			continue;
		if (!first && !memcmp(k.mv_data, start, AUDIT_KEY_LEN))
			continue;	/* fed last time */
		memcpy(last, k.mv_data, AUDIT_KEY_LEN);
		have = true;
		e = json_loadb(v.mv_data, v.mv_size, 0, &jerr);
		if (!e)
			continue;
		r = obx_from_audit(txn, st, channels, last, e, now);
		json_decref(e);
		if (r < 0) {
			err = r;
			break;
		}
		n += r;
	}
	mdb_cursor_close(cur);
	if (err)
		return err;
	if (rc != -ENOENT)
		return store_err(rc, "audit scan");
	if (have)
		err = store_put(txn, st, DB_META, OBX_AUDIT_CURSOR,
				strlen(OBX_AUDIT_CURSOR), last,
				AUDIT_KEY_LEN, 0);
	return err ? err : n;
}

/* New invoices: numbers grow with the period and sequence, so a cursor
 * on the last number fed finds them. */
static int obx_feed_invoices(MDB_txn *txn, struct store *st,
			     unsigned channels, int64_t now)
{
	char start[INV_NUM_MAX], last[INV_NUM_MAX] = "";
	struct inv_rec *inv;
	MDB_cursor *cur;
	MDB_val k, v;
	bool resume;
	int rc, err, n = 0, r;

	err = store_get(txn, st, DB_META, OBX_INV_CURSOR,
			strlen(OBX_INV_CURSOR), &v);
	if (err && err != -ENOENT)
		return err;
	resume = !err;
	snprintf(start, sizeof(start), "%.*s",
		 resume ? (int)v.mv_size : 0, resume ? (char *)v.mv_data : "");
	inv = malloc(sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	rc = store_cursor_open(txn, st, DB_INVOICES, &cur);
	if (rc) {
		free(inv);
		return store_err(rc, "invoice cursor");
	}
	k.mv_data = start;
	k.mv_size = strlen(start);
	rc = store_cursor_get(cur, &k, &v, resume ? MDB_SET_RANGE : MDB_FIRST);
	for (; !rc; rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (resume && k.mv_size == strlen(start) &&
		    !memcmp(k.mv_data, start, k.mv_size))
			continue;
		if (k.mv_size >= INV_NUM_MAX)
			continue;
		memcpy(last, k.mv_data, k.mv_size);
		last[k.mv_size] = '\0';
		memset(inv, 0, sizeof(*inv));
		memcpy(inv, v.mv_data, v.mv_size < sizeof(*inv) ? v.mv_size :
		       sizeof(*inv));
		if (inv->status == INV_VOID || inv->status == INV_PAID ||
		    inv->created < now - OBX_FIRST_LOOKBACK)
			continue;
		r = obx_fan_out(txn, st, channels, OBX_INVOICE_ISSUED,
				inv->sub, inv->number, inv->total - inv->paid,
				inv->due, now);
		if (r < 0) {
			mdb_cursor_close(cur);
			free(inv);
			return r;
		}
		n += r;
	}
	mdb_cursor_close(cur);
	free(inv);
	if (rc != -ENOENT)
		return store_err(rc, "invoice scan");
	if (last[0])
		err = store_put(txn, st, DB_META, OBX_INV_CURSOR,
				strlen(OBX_INV_CURSOR), last, strlen(last), 0);
	else
		err = 0;
	return err ? err : n;
}

int outbox_feed(MDB_txn *txn, struct store *st, unsigned channels,
		int64_t now)
{
	int a, b;

	b = obx_feed_invoices(txn, st, channels, now);
	if (b < 0)
		return b;
	a = obx_feed_audit(txn, st, channels, now);
	if (a < 0)
		return a;
	return a + b;
}

int64_t outbox_backoff(uint32_t n, int64_t base)
{
	int64_t d = base > 0 ? base : 1;

	while (n-- > 1 && d < OBX_BACKOFF_MAX)
		d *= 2;
	return d < OBX_BACKOFF_MAX ? d : OBX_BACKOFF_MAX;
}

int outbox_result(MDB_txn *txn, struct store *st, uint64_t id, bool ok,
		  const char *err, int64_t now, uint32_t max_attempts,
		  int64_t base)
{
	struct outbox_rec r;
	int e;

	e = outbox_get(txn, st, id, &r);
	if (e)
		return e;
	r.attempts++;
	if (ok) {
		r.status = OBX_SENT;
		r.sent = now;
		r.last_error[0] = '\0';
	} else {
		snprintf(r.last_error, sizeof(r.last_error), "%s",
			 err ? err : "failed");
		if (r.attempts >= max_attempts) {
			r.status = OBX_FAILED;
		} else {
			r.status = OBX_PENDING;
			r.next_try = now + outbox_backoff(r.attempts, base);
		}
	}
	return outbox_put(txn, st, &r);
}

int outbox_retry(MDB_txn *txn, struct store *st, uint64_t id, int64_t now)
{
	struct outbox_rec r;
	int e;

	e = outbox_get(txn, st, id, &r);
	if (e)
		return e;
	if (r.status == OBX_SENT)
		return -EALREADY;
	r.status = OBX_PENDING;
	r.attempts = 0;
	r.next_try = now;
	return outbox_put(txn, st, &r);
}
