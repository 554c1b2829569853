// SPDX-License-Identifier: GPL-2.0
/* wh_xendit.c - Xendit invoice callback: x-callback-token header, JSON body. */
#include <errno.h>
#include <string.h>
#include <jansson.h>

#include "billing/gateway/webhook.h"

/*
 * The invoice object, as the callback and GET /v2/invoices/{id} both
 * carry it. Our order id is external_id; the gateway id is Xendit's
 * invoice id. Paid: status "PAID" or "SETTLED"; amount: paid_amount when
 * present.
 */
int wh_xendit_fill(json_t *root, struct wh_event *ev)
{
	const char *ext, *id, *st, *cur;
	json_t *amt;

	ext = json_string_value(json_object_get(root, "external_id"));
	id = json_string_value(json_object_get(root, "id"));
	st = json_string_value(json_object_get(root, "status"));
	cur = json_string_value(json_object_get(root, "currency"));
	amt = json_object_get(root, "paid_amount");
	if (!amt || json_is_null(amt))
		amt = json_object_get(root, "amount");
	if (wh_copy_id(ev->order_id, sizeof(ev->order_id), ext) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), id) ||
	    wh_copy_id(ev->status, sizeof(ev->status), st) ||
	    wh_json_amount(amt, &ev->amount) ||
	    (cur && wh_copy_id(ev->currency, sizeof(ev->currency), cur)))
		return -EINVAL;
	ev->paid = !strcmp(st, "PAID") || !strcmp(st, "SETTLED");
	ev->kind = ev->paid ? WH_KIND_PAID : WH_KIND_NONE;
	return 0;
}

/*
 * Xendit authenticates with a shared verification token in the
 * x-callback-token header (not a signature over the body), so the token
 * is checked before the body is even parsed.
 */
int wh_xendit_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev)
{
	const char *tok;
	json_error_t jerr;
	json_t *root;
	int err = -EINVAL;

	if (!s->xendit_callback_token || !*s->xendit_callback_token)
		return -ENOKEY;
	memset(ev, 0, sizeof(*ev));
	ev->gw = WH_XENDIT;
	tok = wh_header_get(in, "x-callback-token");
	if (!tok || !wh_str_equal(tok, s->xendit_callback_token))
		return -EACCES;

	root = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return -EINVAL;
	if (json_is_object(root))
		err = wh_xendit_fill(root, ev);
	json_decref(root);
	return err;
}
