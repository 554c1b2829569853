// SPDX-License-Identifier: GPL-2.0
/* wh_tripay.c - Tripay callback: X-Callback-Signature = HMAC-SHA256(raw body). */
#include <errno.h>
#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "billing/gateway/webhook.h"

/*
 * A transaction as the callback (total_amount) and GET
 * /transaction/detail (data: amount) carry it. Our order id is
 * merchant_ref; the gateway id is Tripay's reference. The total is what
 * the customer paid, including any fee charged to the customer
 * (fee_customer), so the invoice amount is total - fee_customer. Paid:
 * status "PAID"; "REFUND" is a full refund of a paid one.
 */
int wh_tripay_fill(json_t *root, struct wh_event *ev)
{
	const char *ref, *mref, *st, *cur;
	int64_t total, fee = 0;
	json_t *jt, *jfee;

	ref = json_string_value(json_object_get(root, "reference"));
	mref = json_string_value(json_object_get(root, "merchant_ref"));
	st = json_string_value(json_object_get(root, "status"));
	cur = json_string_value(json_object_get(root, "currency"));
	jt = json_object_get(root, "total_amount");
	if (!jt || json_is_null(jt))
		jt = json_object_get(root, "amount");
	if (wh_copy_id(ev->order_id, sizeof(ev->order_id), mref) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), ref) ||
	    wh_copy_id(ev->status, sizeof(ev->status), st) ||
	    wh_json_amount(jt, &total) ||
	    (cur && wh_copy_id(ev->currency, sizeof(ev->currency), cur)))
		return -EINVAL;
	jfee = json_object_get(root, "fee_customer");
	if (jfee && !json_is_null(jfee) && wh_json_amount(jfee, &fee))
		return -EINVAL;
	if (fee > total)
		return -EINVAL;
	ev->amount = total - fee;
	ev->kind = WH_KIND_NONE;
	if (!strcmp(st, "PAID")) {
		ev->kind = WH_KIND_PAID;
	} else if (!strcmp(st, "REFUND") && ev->amount > 0) {
		ev->kind = WH_KIND_REVERSAL;
		ev->reversed = ev->amount;
	}
	ev->paid = ev->kind == WH_KIND_PAID;
	return 0;
}

/*
 * The signature covers the raw body byte for byte, so it is checked
 * before parsing (re-serialising the JSON would not match).
 * X-Callback-Event, when sent, must be "payment_status".
 */
int wh_tripay_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev)
{
	const char *sig, *event;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	json_error_t jerr;
	json_t *root;
	int err = -EINVAL;

	if (!s->tripay_private_key || !*s->tripay_private_key)
		return -ENOKEY;
	memset(ev, 0, sizeof(*ev));
	ev->gw = WH_TRIPAY;
	sig = wh_header_get(in, "x-callback-signature");
	if (!sig || !*sig)
		return -EACCES;
	if (!HMAC(EVP_sha256(), s->tripay_private_key,
		  (int)strlen(s->tripay_private_key),
		  (const unsigned char *)in->body, in->len, md, &mdlen))
		return -ENOMEM;
	if (!wh_hex_equal(sig, md, mdlen))
		return -EACCES;

	event = wh_header_get(in, "x-callback-event");
	if (event && strcmp(event, "payment_status"))
		return -EINVAL;
	root = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return -EINVAL;
	if (json_is_object(root))
		err = wh_tripay_fill(root, ev);
	json_decref(root);
	return err;
}
