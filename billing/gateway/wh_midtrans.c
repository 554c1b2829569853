// SPDX-License-Identifier: GPL-2.0
/* wh_midtrans.c - Midtrans HTTP notification: JSON, signature_key = SHA-512. */
#include <errno.h>
#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "billing/gateway/webhook.h"

/* A string member or NULL (absent, null or not a string). */
static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * signature_key is hex SHA-512 over order_id + status_code + gross_amount
 * + server key, each exactly as received (gross_amount like "150000.00").
 * Paid: transaction_status "settlement", or "capture" with fraud_status
 * "accept" (cards).
 */
int wh_midtrans_parse(const struct wh_input *in, const struct wh_secrets *s,
		      struct wh_event *ev)
{
	const char *order, *code, *gross, *sig, *txn, *st, *fraud;
	unsigned char md[SHA512_DIGEST_LENGTH];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	json_error_t jerr;
	json_t *root;
	int err;

	if (!s->midtrans_server_key || !*s->midtrans_server_key)
		return -ENOKEY;
	memset(ev, 0, sizeof(*ev));
	ev->gw = WH_MIDTRANS;
	root = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return -EINVAL;
	if (!json_is_object(root)) {
		err = -EINVAL;
		goto out;
	}
	sig = jstr(root, "signature_key");
	if (!sig || !*sig) {
		err = -EACCES;
		goto out;
	}
	order = jstr(root, "order_id");
	code = jstr(root, "status_code");
	gross = jstr(root, "gross_amount");
	if (!order || !code || !gross) {
		err = -EINVAL;
		goto out;
	}

	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) ||
	    !EVP_DigestUpdate(ctx, order, strlen(order)) ||
	    !EVP_DigestUpdate(ctx, code, strlen(code)) ||
	    !EVP_DigestUpdate(ctx, gross, strlen(gross)) ||
	    !EVP_DigestUpdate(ctx, s->midtrans_server_key,
			      strlen(s->midtrans_server_key)) ||
	    !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
		err = -ENOMEM;
		goto out;
	}
	if (!wh_hex_equal(sig, md, mdlen)) {
		err = -EACCES;
		goto out;
	}

	/* authentic from here on: anything odd is malformed, not forged */
	txn = jstr(root, "transaction_id");
	st = jstr(root, "transaction_status");
	fraud = jstr(root, "fraud_status");
	if (wh_copy_id(ev->order_id, sizeof(ev->order_id), order) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), txn) ||
	    wh_copy_id(ev->status, sizeof(ev->status), st) ||
	    wh_amount_parse(gross, strlen(gross), &ev->amount)) {
		err = -EINVAL;
		goto out;
	}
	ev->paid = !strcmp(st, "settlement") ||
		   (!strcmp(st, "capture") && fraud && !strcmp(fraud, "accept"));
	err = 0;
out:
	EVP_MD_CTX_free(ctx);
	json_decref(root);
	return err;
}
