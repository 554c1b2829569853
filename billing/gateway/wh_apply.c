// SPDX-License-Identifier: GPL-2.0
/* wh_apply.c - a verified gateway notification becomes one payment, credit or reversal, exactly once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "lib/log.h"
#include "billing/store.h"
#include "billing/audit.h"
#include "billing/invoice.h"
#include "billing/gateway/webhook.h"
#include "billing/pay.h"
#include "billing/prepaid.h"

/*
 * DB_WEBHOOKS value: one line of JSON (what we made of it) then '\n' and
 * the raw payload exactly as received, so an operator can always see
 * what a gateway sent and what tagih did with it.
 */
static int wh_record(MDB_txn *txn, struct store *st, const char *key,
		     const struct wh_event *ev, const char *result,
		     const char *raw, size_t rawlen, int64_t now)
{
	char *meta, *val;
	size_t mlen;
	json_t *o;
	int err;

	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:s,s:s,s:b}", "time",
		      (json_int_t)now, "gateway", wh_gateway_name(ev->gw),
		      "order", ev->order_id, "txn", ev->txn_id, "status",
		      ev->status, "amount", (json_int_t)ev->amount, "paid",
		      ev->paid, "result", result, "currency", ev->currency,
		      "verified", ev->verified);
	if (!o)
		return -ENOMEM;
	meta = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!meta)
		return -ENOMEM;
	mlen = strlen(meta);
	val = malloc(mlen + 1 + rawlen);
	if (!val) {
		free(meta);
		return -ENOMEM;
	}
	memcpy(val, meta, mlen);
	val[mlen] = '\n';
	memcpy(val + mlen + 1, raw, rawlen);
	err = store_put(txn, st, DB_WEBHOOKS, key, strlen(key), val,
			mlen + 1 + rawlen, 0);
	free(val);
	free(meta);
	return err;
}

/* The "result" of an earlier record under key, into buf; -ENOENT if none. */
static int wh_seen(MDB_txn *txn, struct store *st, const char *key,
		   char *buf, size_t n)
{
	const char *nl, *res;
	json_error_t jerr;
	MDB_val v;
	json_t *o;
	int err;

	err = store_get(txn, st, DB_WEBHOOKS, key, strlen(key), &v);
	if (err)
		return err;
	nl = memchr(v.mv_data, '\n', v.mv_size);
	o = json_loadb(v.mv_data, nl ? (size_t)(nl - (char *)v.mv_data) :
		       v.mv_size, 0, &jerr);
	res = json_string_value(json_object_get(o, "result"));
	snprintf(buf, n, "%s", res ? res : "applied");
	json_decref(o);
	return 0;
}

/*
 * Our order id is the invoice number, maybe with "-N" for the N-th
 * attempt at paying it. The exact number is tried first, so a prefix
 * that itself ends in "-digits" still works. Midtrans refuses '/' in an
 * order id, so paylink sends it '~' instead (invoice_prefix may not
 * hold a '~', see conf.c): map it back before the lookup.
 */
static int wh_find_invoice(MDB_txn *txn, struct store *st,
			   enum wh_gateway gw, const char *order,
			   struct inv_rec *inv)
{
	char num[WH_ORDER_MAX + 1];
	char *dash, *p;
	int err;

	snprintf(num, sizeof(num), "%s", order);
	if (gw == WH_MIDTRANS)
		for (p = num; *p; p++)
			if (*p == '~')
				*p = '/';
	err = invoice_get(txn, st, num, inv);
	if (err != -ENOENT)
		return err;
	dash = strrchr(num, '-');
	if (!dash || !dash[1])
		return -ENOENT;
	for (p = dash + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return -ENOENT;
	*dash = '\0';
	return invoice_get(txn, st, num, inv);
}

/* "order:<gateway>:<order id>": the order's payment, once booked. */
static void wh_order_key(char *key, size_t n, const struct wh_event *ev)
{
	snprintf(key, n, "order:%s:%s", wh_gateway_name(ev->gw), ev->order_id);
}

/* Flag for the operator: the webhook record and an audit entry, never a
 * payment. Commits txn (always consumed). 0 or -errno. */
static int wh_flag(MDB_txn *txn, struct store *st, const char *key,
		   const struct wh_event *ev, const char *result,
		   const char *actor, const char *sub, const char *number,
		   const char *why, int64_t open, const char *raw,
		   size_t rawlen, int64_t now)
{
	json_t *d;
	int err;

	d = json_pack("{s:s,s:s,s:I,s:I,s:s,s:s}", "gateway",
		      wh_gateway_name(ev->gw), "txn", ev->txn_id, "amount",
		      (json_int_t)ev->amount, "open", (json_int_t)open,
		      "currency", ev->currency, "why", why);
	err = d ? wh_record(txn, st, key, ev, result, raw, rawlen, now) :
		  -ENOMEM;
	if (!err)
		err = audit_write(txn, st, now, actor, "payment_mismatch", sub,
				  number, d);
	json_decref(d);
	if (!err)
		return store_commit(txn);
	store_abort(txn);
	return err;
}

/*
 * A refund or chargeback: book what was given back and is not booked
 * yet (the gateway reports the cumulative amount), as the next
 * "<key>~rN". txn is left to the caller unless committed (*committed).
 */
static enum wh_result wh_reverse(MDB_txn *txn, struct store *st,
				 const struct wh_event *ev, const char *key,
				 const char *actor, const char *raw,
				 size_t rawlen, int64_t now, char *detail,
				 size_t n, bool *committed)
{
	char rref[PAY_REF_MAX + 8];
	struct pay_rec *orig, *rec;
	enum wh_result res = WH_ERROR;
	rp_t done, want;
	int count, err;

	orig = malloc(sizeof(*orig));
	rec = malloc(sizeof(*rec));
	if (!orig || !rec)
		goto out;
	err = pay_get(txn, st, key, orig);
	if (err == -ENOENT || (!err && orig->kind == PAY_KIND_REVERSAL)) {
		snprintf(detail, n, "no booked payment to reverse");
		res = WH_IGNORED;
		goto out;
	} else if (err) {
		goto out;
	}
	err = pay_reversed(txn, st, key, &done, &count);
	if (err)
		goto out;
	want = ev->reversed < orig->amount ? ev->reversed : orig->amount;
	if (want <= done) {
		snprintf(detail, n, "already reversed");
		res = WH_DUPLICATE;
		goto out;
	}
	snprintf(rref, sizeof(rref), "%s" PAY_REVERSAL_SEP "%d", key,
		 count + 1);
	if (count >= PAY_REVERSAL_MAX || pay_ref_check(rref)) {
		snprintf(detail, n, "too many reversals of %s", key);
		res = WH_REFUSED;
		goto out;
	}
	err = pay_reverse(txn, st, key, want - done, rref, raw, rawlen, now,
			  actor, rec);
	if (err == -ERANGE) {
		snprintf(detail, n, "cannot take back %lld",
			 (long long)(want - done));
		res = WH_REFUSED;
		goto out;
	} else if (err < 0) {
		goto out;
	}
	err = wh_record(txn, st, rref, ev, "reversed", raw, rawlen, now);
	if (!err)
		err = store_commit(txn);
	else
		store_abort(txn);
	*committed = true;
	if (err)
		goto out;
	snprintf(detail, n, "reversed %lld of %s", (long long)(want - done),
		 key);
	res = WH_REVERSED;
out:
	free(orig);
	free(rec);
	return res;
}

bool wh_known(struct store *st, const struct wh_event *ev,
	      enum wh_result *res, char *detail, size_t n)
{
	char key[WH_TXN_MAX + 16], seen[32];
	MDB_txn *txn;
	int err;

	if (ev->kind != WH_KIND_PAID)
		return false;
	snprintf(key, sizeof(key), "%s:%s", wh_gateway_name(ev->gw),
		 ev->txn_id);
	if (store_begin(st, false, &txn))
		return false;
	err = wh_seen(txn, st, key, seen, sizeof(seen));
	store_abort(txn);
	if (err)
		return false;
	if (!strcmp(seen, "amount_mismatch")) {
		snprintf(detail, n, "amount %lld already flagged",
			 (long long)ev->amount);
		*res = WH_WRONG_AMOUNT;
	} else if (!strcmp(seen, "refused")) {
		snprintf(detail, n, "already refused");
		*res = WH_REFUSED;
	} else {
		snprintf(detail, n, "already applied");
		*res = WH_DUPLICATE;
	}
	return true;
}

enum wh_result wh_apply(struct store *st, const struct wh_event *ev,
			const char *raw, size_t rawlen, int64_t now,
			char *detail, size_t n)
{
	char key[WH_TXN_MAX + 16], okey[WH_ORDER_MAX + 24], seen[32];
	char actor[48];
	struct inv_rec *inv = NULL;
	struct pay_rec *rec = NULL;
	enum wh_result res = WH_ERROR;
	MDB_txn *txn = NULL;
	bool credit, committed = false;
	MDB_val v;
	rp_t open;
	int err;

	snprintf(detail, n, "store error");
	if (ev->kind != WH_KIND_PAID && ev->kind != WH_KIND_REVERSAL) {
		/* pending, expired, failed...: nothing to book */
		snprintf(detail, n, "status %s is not a payment", ev->status);
		return WH_IGNORED;
	}
	snprintf(key, sizeof(key), "%s:%s", wh_gateway_name(ev->gw),
		 ev->txn_id);
	wh_order_key(okey, sizeof(okey), ev);
	snprintf(actor, sizeof(actor), "tagihd:webhook:%s",
		 wh_gateway_name(ev->gw));
	inv = malloc(sizeof(*inv));
	rec = malloc(sizeof(*rec));
	if (!inv || !rec)
		goto out;
	/* one write txn: LMDB serialises writers, so the duplicate checks
	 * and the payment cannot interleave with a concurrent delivery */
	err = store_begin(st, true, &txn);
	if (err)
		goto out;

	if (ev->kind == WH_KIND_REVERSAL) {
		res = wh_reverse(txn, st, ev, key, actor, raw, rawlen, now,
				 detail, n, &committed);
		if (committed)
			txn = NULL;
		goto abort;
	}

	err = wh_seen(txn, st, key, seen, sizeof(seen));
	if (!err) {
		if (!strcmp(seen, "amount_mismatch") ||
		    !strcmp(seen, "refused")) {
			snprintf(detail, n, "amount %lld already flagged",
				 (long long)ev->amount);
			res = !strcmp(seen, "refused") ? WH_REFUSED :
							 WH_WRONG_AMOUNT;
		} else {
			snprintf(detail, n, "already applied");
			res = WH_DUPLICATE;
		}
		goto abort;
	} else if (err != -ENOENT) {
		goto abort;
	}
	/* one order, one payment: a second transaction id on an order
	 * already booked is a replay (or the gateway's own duplicate) */
	err = store_get(txn, st, DB_WEBHOOKS, okey, strlen(okey), &v);
	if (!err) {
		snprintf(detail, n, "order already paid");
		res = WH_DUPLICATE;
		goto abort;
	} else if (err != -ENOENT) {
		goto abort;
	}

	err = wh_find_invoice(txn, st, ev->gw, ev->order_id, inv);
	if (err == -ENOENT) {
		snprintf(detail, n, "no invoice for this order id");
		res = WH_UNKNOWN_ORDER;
		goto abort;
	} else if (err) {
		goto abort;
	}

	open = inv->status == INV_VOID ? 0 : inv->total - inv->paid;
	if (open < 0)
		open = 0;
	if (ev->currency[0] && strcmp(ev->currency, "IDR")) {
		snprintf(detail, n, "currency %s, not IDR", ev->currency);
		err = wh_flag(txn, st, key, ev, "refused", actor, inv->sub,
			      inv->number, detail, open, raw, rawlen, now);
		txn = NULL;
		res = err ? WH_ERROR : WH_REFUSED;
		goto out;
	}
	/* money received for an invoice already paid or void (two links
	 * paid, a VA paid twice) is the subscriber's: a credit */
	credit = open == 0;
	if (!credit && ev->amount != open) {
		snprintf(detail, n, "amount %lld, invoice %s open amount %lld",
			 (long long)ev->amount, inv->number, (long long)open);
		err = wh_flag(txn, st, key, ev, "amount_mismatch", actor,
			      inv->sub, inv->number, detail, open, raw, rawlen,
			      now);
		txn = NULL;
		res = err ? WH_ERROR : WH_WRONG_AMOUNT;
		goto out;
	}

	/* the billing pay path: oldest invoice first, and a dunning
	 * suspension that no longer applies is lifted there */
	err = pay_apply_for(txn, st, inv->sub,
			    /* an order's link pays that order (prepaid.h) */
			    !credit && prepaid_is_receipt(inv) ? inv->number :
								 NULL,
			    ev->amount, PAY_GATEWAY,
			    credit ? PAY_KIND_CREDIT : PAY_KIND_PAYMENT, key,
			    raw, rawlen, now, actor, rec);
	if (err == 0) {
		snprintf(detail, n, "already applied");
		res = WH_DUPLICATE;
		goto abort;
	} else if (err == -EEXIST) {
		snprintf(detail, n, "reference booked with another amount");
		res = WH_WRONG_AMOUNT;
		goto abort;
	} else if (err < 0) {
		goto abort;
	}
	err = wh_record(txn, st, key, ev, credit ? "credited" : "applied", raw,
			rawlen, now);
	if (!err)
		err = store_put(txn, st, DB_WEBHOOKS, okey, strlen(okey), key,
				strlen(key), 0);
	if (err)
		goto abort;
	err = store_commit(txn);
	txn = NULL;
	if (err)
		goto out;
	if (credit)
		snprintf(detail, n, "%s already %s: %lld credited to %s",
			 inv->number, invoice_status_str(inv->status),
			 (long long)ev->amount, inv->sub);
	else
		snprintf(detail, n, "paid %s", inv->number);
	res = credit ? WH_CREDITED : WH_APPLIED;
	goto out;
abort:
	if (txn)
		store_abort(txn);
	txn = NULL;
out:
	free(inv);
	free(rec);
	return res;
}
