/* SPDX-License-Identifier: GPL-2.0 */
/* webhook.h - payment gateway notifications: pure parse+verify, then apply. */
#ifndef TAGIHD_WEBHOOK_H
#define TAGIHD_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The parsers below are pure: raw body + headers + secrets in, a
 * wh_event out. No store, no clock, no log (so libFuzzer can drive them
 * and nothing secret can leak into a log line). They all return:
 *
 *   0        verified and parsed; ev filled (ev->paid says whether the
 *            notification reports a completed payment)
 *   -EACCES  unsigned or forged (missing header/field, bad signature) -> 401
 *   -EINVAL  signed but malformed (bad JSON/form, missing field, bad
 *            amount, over-long id) -> 400
 *   -ENOKEY  the gateway's secret is not configured -> 503
 *
 * Whichever check the gateway lets us do first on the raw bytes comes
 * first: Tripay and Xendit authenticate before anything is parsed.
 */

#define WH_ORDER_MAX 64		/* our order id: invoice number [-N] */
#define WH_TXN_MAX 54		/* the gateway's transaction id: "<gw>:<id>"
				 * must fit a 64-char payment ref */
#define WH_STATUS_MAX 32

enum wh_gateway {
	WH_MIDTRANS = 0,
	WH_XENDIT,
	WH_TRIPAY,
	WH_DUITKU,
	WH__MAX
};

struct wh_header {
	const char *name;	/* matched case-insensitively */
	const char *value;
};

struct wh_input {
	const char *body;	/* raw bytes as received, not NUL-terminated */
	size_t len;
	const struct wh_header *hdr;
	size_t nhdr;
};

/* Secrets from the config; NULL or "" = not configured. */
struct wh_secrets {
	const char *midtrans_server_key;
	const char *xendit_callback_token;
	const char *tripay_private_key;
	const char *duitku_merchant_code;
	const char *duitku_api_key;
};

struct wh_event {
	enum wh_gateway gw;
	char order_id[WH_ORDER_MAX + 1];
	char txn_id[WH_TXN_MAX + 1];
	char status[WH_STATUS_MAX + 1];	/* the gateway's status word */
	int64_t amount;		/* whole Rupiah */
	bool paid;
};

int wh_midtrans_parse(const struct wh_input *in, const struct wh_secrets *s,
		      struct wh_event *ev);
int wh_xendit_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev);
int wh_tripay_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev);
int wh_duitku_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev);

/* By gateway; NULL for an unknown one. */
typedef int (*wh_parse_fn)(const struct wh_input *in,
			   const struct wh_secrets *s, struct wh_event *ev);
wh_parse_fn wh_parser(enum wh_gateway gw);
const char *wh_gateway_name(enum wh_gateway gw);
/* "midtrans" -> WH_MIDTRANS; -1 if unknown. */
int wh_gateway_from_name(const char *name);

/* --- helpers shared by the parsers (wh_common.c) ----------------------- */

/* Header value or NULL. */
const char *wh_header_get(const struct wh_input *in, const char *name);
/*
 * Rupiah from a decimal string: "150000", "150000.0" or "150000.00".
 * Any non-zero fraction, sign, space, exponent or overflow -> -EINVAL.
 */
int wh_amount_parse(const char *s, size_t len, int64_t *out);
/* A JSON amount: an integer, an integral real (exact below 2^53), or a
 * string wh_amount_parse accepts. Returns 0 or -EINVAL. */
struct json_t;
int wh_json_amount(struct json_t *v, int64_t *out);
/* The value of one hex digit (either case), or -1. */
int wh_hexval(char c);
/* Constant-time compare of a received lowercase/uppercase hex string
 * against raw digest bytes. true when equal. */
bool wh_hex_equal(const char *hex, const unsigned char *md, size_t mdlen);
/* Constant-time compare of two strings (length leaks, content doesn't). */
bool wh_str_equal(const char *a, const char *b);
/* Copy a string field into dst (size n) rejecting empty, over-long, or
 * control characters. Returns 0 or -EINVAL. */
int wh_copy_id(char *dst, size_t n, const char *src);

/* --- applying a verified event (wh_apply.c) ---------------------------- */

struct store;

enum wh_result {
	WH_APPLIED = 0,		/* payment recorded (200) */
	WH_DUPLICATE,		/* same gateway txn seen before (200) */
	WH_IGNORED,		/* verified, but not a payment (200) */
	WH_UNKNOWN_ORDER,	/* 404 */
	WH_WRONG_AMOUNT,	/* 409, flagged for the operator */
	WH_ERROR,		/* 500/503: store trouble, nothing written */
};

/*
 * Apply a verified event: order id -> invoice (Midtrans: '~' back to
 * '/'; retry suffix "-N" stripped), amount check against the invoice's open amount, then the
 * billing pay path keyed "<gateway>:<txn id>" with the raw payload kept
 * in DB_WEBHOOKS, all in one write transaction. On anything but
 * WH_APPLIED/WH_WRONG_AMOUNT the ledger is untouched (txn aborted);
 * WH_WRONG_AMOUNT writes only the operator flag (audit + webhook record),
 * never a payment. detail (size n) gets a short reason for the response.
 */
enum wh_result wh_apply(struct store *st, const struct wh_event *ev,
			const char *raw, size_t rawlen, int64_t now,
			char *detail, size_t n);

#endif
