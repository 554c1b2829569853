// SPDX-License-Identifier: GPL-2.0
/* wh_status.c - a gateway's status API answer, read and held against the notification (pure). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "billing/gateway/webhook.h"

/*
 * No network, no store, no log: the answer may come from anywhere a
 * network path lets it, so this is fuzzed like the notification parsers
 * (tests/fuzz/fuzz_status.c). wh_verify.c does the asking.
 */

/* Duitku's status answer: statusCode 00 paid, 01 in process, 02 failed. */
static int wv_duitku_fill(json_t *j, struct wh_event *ev)
{
	const char *order, *ref, *code;

	order = json_string_value(json_object_get(j, "merchantOrderId"));
	ref = json_string_value(json_object_get(j, "reference"));
	code = json_string_value(json_object_get(j, "statusCode"));
	if (wh_copy_id(ev->order_id, sizeof(ev->order_id), order) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), ref) ||
	    wh_copy_id(ev->status, sizeof(ev->status), code) ||
	    wh_json_amount(json_object_get(j, "amount"), &ev->amount))
		return -EINVAL;
	ev->paid = !strcmp(code, "00");
	ev->kind = ev->paid ? WH_KIND_PAID : WH_KIND_NONE;
	return 0;
}

int wh_status_parse(enum wh_gateway gw, long http_status, const char *body,
		    size_t len, struct wh_event *out)
{
	json_error_t jerr;
	json_t *j, *data;
	const char *code;
	int err = -EPROTO;

	memset(out, 0, sizeof(*out));
	out->gw = gw;
	if (http_status == 404 || (gw == WH_DUITKU && http_status == 400))
		return -ENOENT;
	if (http_status < 200 || http_status > 299)
		return -EIO;
	j = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!json_is_object(j))
		goto out;
	switch (gw) {
	case WH_MIDTRANS:
		/* the Core API answers HTTP 200 with its own status_code */
		code = json_string_value(json_object_get(j, "status_code"));
		if (code && !strcmp(code, "404")) {
			err = -ENOENT;
			goto out;
		}
		if (code && (code[0] == '4' || code[0] == '5') &&
		    !json_object_get(j, "transaction_status")) {
			err = -EIO;
			goto out;
		}
		err = wh_midtrans_fill(j, out) ? -EPROTO : 0;
		break;
	case WH_XENDIT:
		err = wh_xendit_fill(j, out) ? -EPROTO : 0;
		break;
	case WH_TRIPAY:
		if (!json_is_true(json_object_get(j, "success"))) {
			err = -ENOENT;	/* "transaction not found" */
			goto out;
		}
		data = json_object_get(j, "data");
		err = json_is_object(data) && !wh_tripay_fill(data, out) ? 0 :
								    -EPROTO;
		break;
	case WH_DUITKU:
		err = wv_duitku_fill(j, out) ? -EPROTO : 0;
		break;
	default:
		err = -EINVAL;
		break;
	}
	out->gw = gw;
out:
	json_decref(j);
	if (!err)
		out->verified = true;
	return err;
}

/*
 * Midtrans and Duitku are asked by our order id, Xendit and Tripay by
 * their own id: whichever was not the question must come back the same.
 * The Midtrans order id is compared as sent ('~' for '/').
 */
int wh_status_confirm(const struct wh_event *n, const struct wh_event *a,
		      struct wh_event *out, char *why, size_t wn)
{
	if (strcmp(n->order_id, a->order_id)) {
		snprintf(why, wn, "the gateway reports this transaction for "
			 "another order");
		return -EBADMSG;
	}
	if ((n->gw == WH_XENDIT || n->gw == WH_TRIPAY) &&
	    strcmp(n->txn_id, a->txn_id)) {
		snprintf(why, wn, "the gateway reports another transaction id");
		return -EBADMSG;
	}
	*out = *a;
	/* the API's currency wins; the notification's if it gave none */
	if (!out->currency[0])
		memcpy(out->currency, n->currency, sizeof(out->currency));
	out->verified = true;
	return 0;
}
