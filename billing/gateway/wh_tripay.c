// SPDX-License-Identifier: GPL-2.0
/* wh_tripay.c - Tripay callback: X-Callback-Signature = HMAC-SHA256(raw body). */
#include <errno.h>
#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "billing/gateway/webhook.h"

/*
 * The signature covers the raw body byte for byte, so it is checked
 * before parsing (re-serialising the JSON would not match). Our order id
 * is merchant_ref; the gateway id is Tripay's reference. total_amount is
 * what the customer paid, including any fee charged to the customer
 * (fee_customer), so the invoice amount is total_amount - fee_customer.
 * Paid: status "PAID". X-Callback-Event, when sent, must be
 * "payment_status".
 */
int wh_tripay_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev)
{
	const char *sig, *event, *ref, *mref, *st;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int64_t total, fee = 0;
	json_error_t jerr;
	json_t *root, *jfee;
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
	if (!json_is_object(root))
		goto out;
	ref = json_string_value(json_object_get(root, "reference"));
	mref = json_string_value(json_object_get(root, "merchant_ref"));
	st = json_string_value(json_object_get(root, "status"));
	if (wh_copy_id(ev->order_id, sizeof(ev->order_id), mref) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), ref) ||
	    wh_copy_id(ev->status, sizeof(ev->status), st) ||
	    wh_json_amount(json_object_get(root, "total_amount"), &total))
		goto out;
	jfee = json_object_get(root, "fee_customer");
	if (jfee && !json_is_null(jfee) && wh_json_amount(jfee, &fee))
		goto out;
	if (fee > total)
		goto out;
	ev->amount = total - fee;
	ev->paid = !strcmp(st, "PAID");
	err = 0;
out:
	json_decref(root);
	return err;
}
