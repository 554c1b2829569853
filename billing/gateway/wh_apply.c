// SPDX-License-Identifier: GPL-2.0
/* wh_apply.c - a verified gateway notification becomes one payment, exactly once. */
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
#include "billing/dunning.h"

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

	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:s}", "time",
		      (json_int_t)now, "gateway", wh_gateway_name(ev->gw),
		      "order", ev->order_id, "txn", ev->txn_id, "status",
		      ev->status, "amount", (json_int_t)ev->amount, "paid",
		      ev->paid, "result", result);
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

/*
 * The billing pay path: the payment is allocated oldest invoice first
 * (the billing rule), and a subscriber suspended by dunning who no longer
 * owes anything past grace is restored in this same txn (which bumps
 * "policy_gen": the agent lifts the isolir within its poll interval).
 * Returns 1 (new), 0 (ref already booked: duplicate), -EEXIST (ref booked
 * with another amount or subscriber) or -errno.
 */
static int wh_pay(MDB_txn *txn, struct store *st, const struct inv_rec *inv,
		  const struct wh_event *ev, const char *ref, const char *raw,
		  size_t rawlen, int64_t now, const char *actor)
{
	struct pay_rec *rec;
	int ret, err;

	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	/* an order's link pays that order (billing/prepaid.h); an
	 * invoice's, the oldest open invoice first as every payment */
	ret = pay_apply_for(txn, st, inv->sub,
			    prepaid_is_receipt(inv) ? inv->number : NULL,
			    ev->amount, PAY_GATEWAY, ref, raw, rawlen, now,
			    actor, rec);
	free(rec);
	if (ret != 1)
		return ret;
	err = dunning_after_payment(txn, st, inv->sub, now, actor);
	return err < 0 ? err : 1;
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

enum wh_result wh_apply(struct store *st, const struct wh_event *ev,
			const char *raw, size_t rawlen, int64_t now,
			char *detail, size_t n)
{
	char key[WH_TXN_MAX + 16], seen[32], actor[48];
	struct inv_rec *inv = NULL;
	enum wh_result res = WH_ERROR;
	MDB_txn *txn = NULL;
	rp_t open;
	json_t *d;
	int err;

	snprintf(detail, n, "store error");
	if (!ev->paid) {
		/* pending, expired, failed...: nothing to book */
		snprintf(detail, n, "status %s is not a payment", ev->status);
		return WH_IGNORED;
	}
	snprintf(key, sizeof(key), "%s:%s", wh_gateway_name(ev->gw),
		 ev->txn_id);
	snprintf(actor, sizeof(actor), "tagihd:webhook:%s",
		 wh_gateway_name(ev->gw));
	inv = malloc(sizeof(*inv));
	if (!inv)
		return WH_ERROR;
	/* one write txn: LMDB serialises writers, so the duplicate check
	 * and the payment cannot interleave with a concurrent delivery */
	err = store_begin(st, true, &txn);
	if (err)
		goto out;

	err = wh_seen(txn, st, key, seen, sizeof(seen));
	if (!err) {
		if (!strcmp(seen, "amount_mismatch")) {
			snprintf(detail, n, "amount %lld already flagged",
				 (long long)ev->amount);
			res = WH_WRONG_AMOUNT;
		} else {
			snprintf(detail, n, "already applied");
			res = WH_DUPLICATE;
		}
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
	if (ev->amount != open || open == 0) {
		snprintf(detail, n, "amount %lld, invoice %s open amount %lld",
			 (long long)ev->amount, inv->number, (long long)open);
		/* flag for the operator: the webhook record and an audit
		 * entry, never a payment */
		d = json_pack("{s:s,s:s,s:I,s:I}", "gateway",
			      wh_gateway_name(ev->gw), "txn", ev->txn_id,
			      "amount", (json_int_t)ev->amount, "open",
			      (json_int_t)open);
		err = wh_record(txn, st, key, ev, "amount_mismatch", raw,
				rawlen, now);
		if (!err)
			err = audit_write(txn, st, now, actor,
					  "payment_mismatch", inv->sub,
					  inv->number, d);
		json_decref(d);
		if (!err)
			err = store_commit(txn);
		else
			store_abort(txn);
		txn = NULL;
		res = err ? WH_ERROR : WH_WRONG_AMOUNT;
		goto out;
	}

	err = wh_pay(txn, st, inv, ev, key, raw, rawlen, now, actor);
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
	err = wh_record(txn, st, key, ev, "applied", raw, rawlen, now);
	if (err)
		goto abort;
	err = store_commit(txn);
	txn = NULL;
	if (err)
		goto out;
	snprintf(detail, n, "paid %s", inv->number);
	res = WH_APPLIED;
	goto out;
abort:
	store_abort(txn);
	txn = NULL;
out:
	free(inv);
	return res;
}
