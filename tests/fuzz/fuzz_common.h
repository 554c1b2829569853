/* SPDX-License-Identifier: GPL-2.0 */
/* fuzz_common.h - secrets and helpers shared by the webhook parser fuzzers. */
#ifndef TAGIH_FUZZ_COMMON_H
#define TAGIH_FUZZ_COMMON_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "billing/gateway/webhook.h"

static const struct wh_secrets fuzz_sec = {
	.midtrans_server_key = "fuzz-midtrans-key",
	.xendit_callback_token = "fuzz-xendit-token",
	.tripay_private_key = "fuzz-tripay-key",
	.duitku_merchant_code = "D0001",
	.duitku_api_key = "fuzz-duitku-key",
};

static inline void fuzz_hex(const unsigned char *md, unsigned len, char *out)
{
	static const char h[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < len; i++) {
		out[2 * i] = h[md[i] >> 4];
		out[2 * i + 1] = h[md[i] & 15];
	}
	out[2 * len] = '\0';
}

/* The parser must never report success with a broken event. */
static inline void fuzz_check(int err, const struct wh_event *ev)
{
	if (err)
		return;
	if (!ev->order_id[0] || !ev->txn_id[0] || ev->amount < 0 ||
	    strlen(ev->order_id) > WH_ORDER_MAX ||
	    strlen(ev->txn_id) > WH_TXN_MAX ||
	    ev->paid != (ev->kind == WH_KIND_PAID) ||
	    (ev->kind == WH_KIND_REVERSAL &&
	     (ev->reversed <= 0 || ev->reversed > ev->amount)) ||
	    (ev->currency[0] && strlen(ev->currency) > WH_CURRENCY_MAX))
		__builtin_trap();
}

#endif
