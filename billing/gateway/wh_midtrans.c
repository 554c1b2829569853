// SPDX-License-Identifier: GPL-2.0
/* wh_midtrans.c - Midtrans HTTP notification: JSON, signature_key = SHA-512. */
#include <errno.h>
#include <stdbool.h>
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
 * Paid, as Midtrans documents it: transaction_status "settlement", or
 * "capture" (cards) with fraud_status "accept" or absent, and status_code
 * "200" in both cases (a pending or challenged transaction is 201, so a
 * body whose transaction_status was edited still carries its real
 * code). A fraud_status "challenge" or "deny" never books, whatever the
 * status. "refund", "partial_refund", "chargeback" and
 * "partial_chargeback" after a settlement are reversals: refund_amount
 * is what went back in all; a full one without it is the gross amount.
 */
static void mt_classify(struct wh_event *ev, const char *code, const char *st,
			const char *fraud, json_t *refund)
{
	bool fraud_ok = !fraud || !strcmp(fraud, "accept");
	bool full;
	int64_t r;

	ev->kind = WH_KIND_NONE;
	if (code && !strcmp(code, "200") && fraud_ok &&
	    (!strcmp(st, "settlement") || !strcmp(st, "capture"))) {
		ev->kind = WH_KIND_PAID;
	} else if (!strcmp(st, "refund") || !strcmp(st, "partial_refund") ||
		   !strcmp(st, "chargeback") ||
		   !strcmp(st, "partial_chargeback")) {
		full = !strcmp(st, "refund") || !strcmp(st, "chargeback");
		if (refund && !json_is_null(refund)) {
			if (!wh_json_amount(refund, &r) && r > 0 &&
			    r <= ev->amount) {
				ev->reversed = r;
				ev->kind = WH_KIND_REVERSAL;
			}
		} else if (full && ev->amount > 0) {	/* nothing to take back from 0 */
			ev->reversed = ev->amount;
			ev->kind = WH_KIND_REVERSAL;
		}
	}
	ev->paid = ev->kind == WH_KIND_PAID;
}

int wh_midtrans_fill(json_t *root, struct wh_event *ev)
{
	const char *order, *code, *gross, *txn, *st, *fraud, *cur;

	order = jstr(root, "order_id");
	code = jstr(root, "status_code");
	gross = jstr(root, "gross_amount");
	txn = jstr(root, "transaction_id");
	st = jstr(root, "transaction_status");
	fraud = jstr(root, "fraud_status");
	cur = jstr(root, "currency");
	if (!gross || wh_copy_id(ev->order_id, sizeof(ev->order_id), order) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), txn) ||
	    wh_copy_id(ev->status, sizeof(ev->status), st) ||
	    wh_amount_parse(gross, strlen(gross), &ev->amount) ||
	    (cur && wh_copy_id(ev->currency, sizeof(ev->currency), cur)))
		return -EINVAL;
	mt_classify(ev, code, st, fraud, json_object_get(root, "refund_amount"));
	return 0;
}

/*
 * signature_key is hex SHA-512 over order_id + status_code + gross_amount
 * + server key, each exactly as received (gross_amount like "150000.00").
 */
int wh_midtrans_parse(const struct wh_input *in, const struct wh_secrets *s,
		      struct wh_event *ev)
{
	const char *order, *code, *gross, *sig;
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
	err = wh_midtrans_fill(root, ev);
out:
	EVP_MD_CTX_free(ctx);
	json_decref(root);
	return err;
}
