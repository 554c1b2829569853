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
#define WH_TXN_MAX 50		/* the gateway's transaction id: "<gw>:<id>"
				 * and its reversals "<gw>:<id>~rNN" must fit
				 * a 64-char payment ref */
#define WH_CURRENCY_MAX 7
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

/* What a notification (or the gateway's status API) reports. */
enum wh_kind {
	WH_KIND_NONE = 0,	/* pending, expired, failed, challenge...: nothing */
	WH_KIND_PAID,		/* a completed payment */
	WH_KIND_REVERSAL,	/* refund, partial refund or chargeback of one */
};

struct wh_event {
	enum wh_gateway gw;
	char order_id[WH_ORDER_MAX + 1];
	char txn_id[WH_TXN_MAX + 1];
	char status[WH_STATUS_MAX + 1];	/* the gateway's status word */
	char currency[WH_CURRENCY_MAX + 1];	/* "" = not given */
	int64_t amount;		/* whole Rupiah: what was paid */
	int64_t reversed;	/* WH_KIND_REVERSAL: refunded/charged back so
				 * far in all (cumulative), <= amount */
	bool paid;		/* kind == WH_KIND_PAID */
	bool verified;		/* filled from the gateway's status API */
	uint8_t kind;		/* enum wh_kind */
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
/* The fields of a gateway's transaction object (a notification body or
 * its status API's answer) into ev: 0 or -EINVAL. ev->gw is left alone. */
int wh_midtrans_fill(struct json_t *root, struct wh_event *ev);
int wh_xendit_fill(struct json_t *root, struct wh_event *ev);
int wh_tripay_fill(struct json_t *root, struct wh_event *ev);
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

/* --- asking the gateway (wh_verify.c) ----------------------------------- */

/*
 * A signature only says the gateway once sent these bytes: a replay with
 * an unsigned field edited (Midtrans' transaction_id, Duitku's reference
 * or resultCode, any currency) still passes it. So before anything is
 * booked the notification is confirmed with the gateway's status API,
 * and what is booked is what that API says:
 *
 *   midtrans  GET  {midtrans_status_url}/v2/{order_id}/status
 *                  Basic auth, the server key
 *   xendit    GET  {xendit_api_url}/v2/invoices/{id}
 *                  Basic auth, the secret key
 *   tripay    GET  {tripay_api_url}/transaction/detail?reference=REF
 *                  Authorization: Bearer API key
 *   duitku    POST {duitku_api_url}/webapi/api/merchant/transactionStatus
 *                  {merchantCode, merchantOrderId, signature =
 *                  md5(merchantCode + merchantOrderId + apiKey)}
 */

/* One status request, built from the notification (pure). */
struct wh_status_req {
	char *url;		/* malloc'd */
	char *userpwd;		/* "key:" for Basic auth, or NULL; malloc'd */
	char *bearer;		/* Bearer token, or NULL; malloc'd */
	char *body;		/* POST body (JSON), or NULL for GET; malloc'd */
};

struct tagih_conf;

/* Returns 0, -ENOKEY (keys or URL not configured; why names them) or
 * -ENOMEM. wh_status_req_free() in every case. */
int wh_status_req_make(const struct tagih_conf *c, const struct wh_event *n,
		       struct wh_status_req *rq, char *why, size_t wn);
void wh_status_req_free(struct wh_status_req *rq);

/*
 * The status API's answer (HTTP status + body) into out (pure): order
 * id, transaction id, status, amount, currency and kind as the gateway
 * reports them, with the same paid rules as the notifications. Returns
 * 0, -ENOENT (the gateway does not know this transaction), -EIO (it
 * answered an error: retry later) or -EPROTO (an answer we cannot read).
 */
int wh_status_parse(enum wh_gateway gw, long http_status, const char *body,
		    size_t len, struct wh_event *out);

/*
 * The notification n against the API's view a: the same order (and, for
 * a query by transaction id, the same transaction). out = a, verified.
 * Returns 0 or -EBADMSG (the gateway disagrees; why says how).
 */
int wh_status_confirm(const struct wh_event *n, const struct wh_event *a,
		      struct wh_event *out, char *why, size_t wn);

/*
 * All three with libcurl, at most c->gateway_timeout seconds. Blocking:
 * tagihd runs it on a worker, never on an HTTP thread. Returns 0 (out
 * holds what the gateway confirms), -ENOKEY, -EIO (unreachable, timed
 * out, or an error answer: answer 503 so the gateway retries), -ENOENT
 * (unknown to the gateway), -EBADMSG (the gateway disagrees with the
 * notification) or -EPROTO; why (size wn) says which, never a secret.
 */
int wh_verify(const struct tagih_conf *c, const struct wh_event *n,
	      struct wh_event *out, char *why, size_t wn);

/* --- applying a verified event (wh_apply.c) ---------------------------- */

struct store;

enum wh_result {
	WH_APPLIED = 0,		/* payment recorded (200) */
	WH_DUPLICATE,		/* same gateway txn or order seen before (200) */
	WH_IGNORED,		/* verified, but not a payment (200) */
	WH_UNKNOWN_ORDER,	/* 404 */
	WH_WRONG_AMOUNT,	/* 409, flagged for the operator */
	WH_ERROR,		/* 500/503: store trouble, nothing written */
	WH_CREDITED,		/* a payment for an invoice already paid or
				 * void: recorded as a credit to the
				 * subscriber's balance (200) */
	WH_REVERSED,		/* a refund/chargeback booked as a reversal (200) */
	WH_REFUSED,		/* 409: not IDR, or not reversible; flagged */
};

/*
 * Apply a verified event (wh_verify's out) in one write transaction.
 * Order id -> invoice (Midtrans: '~' back to '/'; retry suffix "-N"
 * stripped). A payment is keyed twice: "<gateway>:<txn id>" and
 * "order:<gateway>:<order id>", so neither an edited transaction id nor
 * a second transaction on one order (one order per attempt) books twice.
 *  - paid, the invoice open for exactly that amount: the billing pay path
 *    (oldest invoice first; a dunning suspension that no longer applies
 *    is lifted there, in the same txn) -> WH_APPLIED;
 *  - paid, the invoice already paid or void: a credit payment, all of it
 *    to what is open or the balance, audited -> WH_CREDITED;
 *  - paid, another amount on an open invoice -> WH_WRONG_AMOUNT (flag
 *    only: the webhook record and an audit entry, never a payment);
 *  - a currency other than IDR -> WH_REFUSED (flagged likewise);
 *  - a reversal of a booked payment: a negative payment
 *    "<gateway>:<txn id>~rN" for what was not reversed yet, reopening
 *    its invoices -> WH_REVERSED (nothing left to reverse: WH_DUPLICATE;
 *    no booked payment: WH_IGNORED).
 * Anything else leaves the store untouched (txn aborted). The raw
 * payload is kept in DB_WEBHOOKS. detail (size n) gets a short reason.
 */
enum wh_result wh_apply(struct store *st, const struct wh_event *ev,
			const char *raw, size_t rawlen, int64_t now,
			char *detail, size_t n);

/*
 * Before asking the gateway: is this payment's transaction id already
 * recorded? Then nothing can be booked whatever the gateway says, and
 * *res (WH_DUPLICATE, or WH_WRONG_AMOUNT / WH_REFUSED when it was
 * flagged) is the answer: a gateway's retries cost no status call.
 * Read-only; false when unknown (or on a store error: ask, then apply).
 */
bool wh_known(struct store *st, const struct wh_event *ev,
	      enum wh_result *res, char *detail, size_t n);

#endif
