/* SPDX-License-Identifier: GPL-2.0 */
/* paylink.h - payment links: a gateway transaction for an open invoice. */
#ifndef TAGIH_PAYLINK_H
#define TAGIH_PAYLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/conf.h"
#include "billing/invoice.h"
#include "lib/money.h"
#include "billing/store.h"

/*
 * One call creates one transaction at the gateway (libcurl, 15 s limit):
 *   midtrans  POST {midtrans_api_url}/snap/v1/transactions, basic auth
 *             server key -> redirect_url
 *   xendit    POST {xendit_api_url}/v2/invoices, basic auth secret key
 *             -> invoice_url
 *   tripay    POST {tripay_api_url}/transaction/create (closed payment),
 *             Bearer API key, signature hex HMAC-SHA256(merchant_code +
 *             merchant_ref + amount, private key) -> data.checkout_url
 *   duitku    POST {duitku_api_url}/webapi/api/merchant/v2/inquiry,
 *             signature hex MD5(merchantCode + merchantOrderId +
 *             paymentAmount + apiKey) -> paymentUrl
 *
 * The order id is the invoice number for the first link of an invoice
 * and NUMBER-N for the N-th one after it (NUMBER, NUMBER-1, NUMBER-2...):
 * gateways refuse an order id twice, and the webhooks strip the suffix.
 * Midtrans allows only letters, digits and "-_~." in an order_id, so it
 * gets the number with '/' as '~' (INV~2026~11~000123-1); invoice_prefix
 * may not contain '~', and its webhook maps '~' back.
 * The attempt counter is DB_META "paylink:" + number, bumped and
 * committed before the gateway is called, so an id is never reused even
 * when a call fails half way. The same record keeps the last link made
 * (gateway, amount, time, URL) so that paylink_get can hand it out again
 * instead of opening one more transaction. The amount is what is still
 * open on the invoice.
 */
#define PAYLINK_URL_MAX 1024
#define PAYLINK_ORDER_MAX (INV_NUM_MAX + 12)

struct paylink {
	char gateway[16];
	char order_id[PAYLINK_ORDER_MAX];
	rp_t amount;
	char url[PAYLINK_URL_MAX];
	bool reused;		/* paylink_get: the last link, not a new one */
};

/* The customer page's pay button: one new transaction per invoice per
 * this many seconds at most. */
#define PAYLINK_REUSE_SECS 60

/*
 * Create a payment link for invoice number through gateway (NULL: the
 * conf's paylink_gateway). return_url: where the gateway sends the payer
 * back (may be NULL). why (size n) gets a reason on failure, never a
 * secret. Returns 0, -ENOENT (no such invoice), -EALREADY (paid or void:
 * nothing open), -EINVAL (unknown gateway), -ENOKEY (the gateway's keys
 * or URL are not configured), -EPROTO (the gateway refused or answered
 * something we cannot use), -EIO (could not reach it), or -errno.
 */
int paylink_create(struct store *st, const struct tagih_conf *conf,
		   const char *number, const char *gateway,
		   const char *return_url, struct paylink *out, char *why,
		   size_t n);

/*
 * As paylink_create, but when the invoice's last link was started less
 * than window seconds ago (tt_now) through the same gateway for the same
 * amount, that link is returned (out->reused) and nothing is sent to the
 * gateway. -EBUSY: that last link is still being made by another caller
 * (try again in a moment).
 */
int paylink_get(struct store *st, const struct tagih_conf *conf,
		const char *number, const char *gateway,
		const char *return_url, int64_t window, struct paylink *out,
		char *why, size_t n);

/* Can a payment link be made: are paylink_gateway's keys and URL set?
 * (The customer page shows its pay button only then.) */
bool paylink_ready(const struct tagih_conf *conf);

/* The order id as Midtrans gets it: '/' -> '~', in place. */
void paylink_midtrans_order(char *order_id);

/* The oldest open (issued or partial) invoice of sub that is a bill (not
 * an unpaid prepaid order): the one a payment would go to first.
 * Returns 0, -ENOENT (none) or -errno. */
int paylink_open_invoice(MDB_txn *txn, struct store *st, const char *sub,
			 struct inv_rec *inv);

#endif
