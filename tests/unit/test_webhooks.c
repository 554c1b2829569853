// SPDX-License-Identifier: GPL-2.0
/* test_webhooks.c - the four gateway parsers: valid, forged, unsigned, malformed. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <pthread.h>
#include <lmdb.h>

#include "billing/gateway/webhook.h"
#include "billing/dunning.h"
#include "billing/fsck.h"
#include "billing/invoice.h"
#include "billing/pay.h"
#include "billing/plan.h"
#include "billing/store.h"
#include "tests/unit/tmpdir.h"
#include "billing/sub.h"
#include "lib/ttime.h"

static const struct wh_secrets sec = {
	.midtrans_server_key = "SB-Mid-server-TEST123",
	.xendit_callback_token = "xnd-callback-token-abc",
	.tripay_private_key = "tripay-private-XYZ",
	.duitku_merchant_code = "D0001",
	.duitku_api_key = "732B39FC61796845775D2C4FB05332AF",
};

static void hex(const unsigned char *md, unsigned len, char *out)
{
	unsigned i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static void digest_hex(const EVP_MD *alg, const char *s, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	ck_assert(EVP_Digest(s, strlen(s), md, &len, alg, NULL));
	hex(md, len, out);
}

static int run(wh_parse_fn fn, const char *body, const struct wh_header *h,
	       size_t nh, struct wh_event *ev)
{
	struct wh_input in = { body, strlen(body), h, nh };

	return fn(&in, &sec, ev);
}

/* --- Midtrans ------------------------------------------------------------ */

static char *midtrans_body(const char *order, const char *gross,
			   const char *status, const char *key)
{
	char buf[512], sig[129], *out;

	snprintf(buf, sizeof(buf), "%s%s%s%s", order, "200", gross, key);
	digest_hex(EVP_sha512(), buf, sig);
	ck_assert(asprintf(&out,
		"{\"transaction_time\":\"2026-11-20 10:00:00\","
		"\"transaction_status\":\"%s\","
		"\"transaction_id\":\"9aed5972-5b6a-401e-894b-a32c91ed1a3a\","
		"\"status_message\":\"midtrans payment notification\","
		"\"status_code\":\"200\",\"signature_key\":\"%s\","
		"\"payment_type\":\"bank_transfer\",\"order_id\":\"%s\","
		"\"merchant_id\":\"G141532850\",\"gross_amount\":\"%s\","
		"\"fraud_status\":\"accept\",\"currency\":\"IDR\"}",
		status, sig, order, gross) > 0);
	return out;
}

START_TEST(midtrans_valid)
{
	struct wh_event ev;
	/* Midtrans gets the number with '/' as '~' (its allowed symbols) */
	char *b = midtrans_body("INV~2026~11~000001", "150000.00",
				"settlement", sec.midtrans_server_key);

	ck_assert_int_eq(run(wh_midtrans_parse, b, NULL, 0, &ev), 0);
	/* the parser keeps what was signed; wh_apply maps it back */
	ck_assert_str_eq(ev.order_id, "INV~2026~11~000001");
	ck_assert_str_eq(ev.txn_id, "9aed5972-5b6a-401e-894b-a32c91ed1a3a");
	ck_assert_int_eq(ev.amount, 150000);
	ck_assert(ev.paid);
	free(b);

	b = midtrans_body("INV~2026~11~000001-2", "150000.00", "pending",
			  sec.midtrans_server_key);
	ck_assert_int_eq(run(wh_midtrans_parse, b, NULL, 0, &ev), 0);
	ck_assert(!ev.paid);
	free(b);
}
END_TEST

START_TEST(midtrans_forged)
{
	struct wh_event ev;
	char *b = midtrans_body("INV/2026/11/000001", "150000.00",
				"settlement", "wrong-key");
	char *p;

	ck_assert_int_eq(run(wh_midtrans_parse, b, NULL, 0, &ev), -EACCES);
	free(b);
	/* a signed body with the amount changed afterwards */
	b = midtrans_body("INV/2026/11/000001", "150000.00", "settlement",
			  sec.midtrans_server_key);
	p = strstr(b, "\"150000.00\"");
	memcpy(p, "\"100000.00\"", 11);
	ck_assert_int_eq(run(wh_midtrans_parse, b, NULL, 0, &ev), -EACCES);
	free(b);
}
END_TEST

START_TEST(midtrans_unsigned)
{
	struct wh_event ev;

	ck_assert_int_eq(run(wh_midtrans_parse,
			     "{\"order_id\":\"INV/1\",\"status_code\":\"200\","
			     "\"gross_amount\":\"1.00\","
			     "\"transaction_status\":\"settlement\"}",
			     NULL, 0, &ev), -EACCES);
}
END_TEST

START_TEST(midtrans_malformed)
{
	struct wh_event ev;
	char *b;

	ck_assert_int_eq(run(wh_midtrans_parse, "{\"order_id\":", NULL, 0,
			     &ev), -EINVAL);
	ck_assert_int_eq(run(wh_midtrans_parse, "[1,2]", NULL, 0, &ev),
			 -EINVAL);
	ck_assert_int_eq(run(wh_midtrans_parse, "", NULL, 0, &ev), -EINVAL);
	/* genuinely signed, but a fractional amount: malformed, not paid */
	b = midtrans_body("INV/2026/11/000001", "150000.50", "settlement",
			  sec.midtrans_server_key);
	ck_assert_int_eq(run(wh_midtrans_parse, b, NULL, 0, &ev), -EINVAL);
	free(b);
}
END_TEST

/* A notification as Midtrans documents it, signed over the status_code it
 * carries; fraud NULL leaves fraud_status out, extra is appended JSON. */
static char *midtrans_full(const char *order, const char *gross,
			   const char *code, const char *status,
			   const char *fraud, const char *txn,
			   const char *extra)
{
	char buf[512], sig[129], fr[64] = "", *out;

	snprintf(buf, sizeof(buf), "%s%s%s%s", order, code, gross,
		 sec.midtrans_server_key);
	digest_hex(EVP_sha512(), buf, sig);
	if (fraud)
		snprintf(fr, sizeof(fr), ",\"fraud_status\":\"%s\"", fraud);
	ck_assert(asprintf(&out,
		"{\"transaction_status\":\"%s\",\"transaction_id\":\"%s\","
		"\"status_code\":\"%s\",\"signature_key\":\"%s\","
		"\"payment_type\":\"credit_card\",\"order_id\":\"%s\","
		"\"gross_amount\":\"%s\"%s%s}",
		status, txn, code, sig, order, gross, fr, extra ? extra : "")
		> 0);
	return out;
}

static int mt_kind(const char *code, const char *status, const char *fraud,
		   const char *extra, struct wh_event *ev)
{
	char *b = midtrans_full("INV~2026~11~000001", "150000.00", code,
				status, fraud, "tx-k", extra);

	ck_assert_int_eq(run(wh_midtrans_parse, b, NULL, 0, ev), 0);
	free(b);
	return ev->kind;
}

/* issue 14: status_code must be 200; issue 8: a settlement or capture
 * with fraud_status challenge/deny never books, a capture without
 * fraud_status does; refunds and chargebacks are reversals. */
START_TEST(midtrans_paid_rules)
{
	struct wh_event ev;

	ck_assert_int_eq(mt_kind("200", "settlement", "accept", NULL, &ev),
			 WH_KIND_PAID);
	ck_assert(ev.paid);
	ck_assert_int_eq(mt_kind("200", "settlement", NULL, NULL, &ev),
			 WH_KIND_PAID);
	/* pending (201) signed, transaction_status edited to settlement */
	ck_assert_int_eq(mt_kind("201", "settlement", "accept", NULL, &ev),
			 WH_KIND_NONE);
	ck_assert(!ev.paid);
	ck_assert_int_eq(mt_kind("200", "settlement", "challenge", NULL, &ev),
			 WH_KIND_NONE);
	ck_assert_int_eq(mt_kind("200", "settlement", "deny", NULL, &ev),
			 WH_KIND_NONE);
	ck_assert_int_eq(mt_kind("200", "capture", NULL, NULL, &ev),
			 WH_KIND_PAID);
	ck_assert_int_eq(mt_kind("200", "capture", "accept", NULL, &ev),
			 WH_KIND_PAID);
	/* a challenged capture (201) with fraud_status edited to accept */
	ck_assert_int_eq(mt_kind("201", "capture", "accept", NULL, &ev),
			 WH_KIND_NONE);
	ck_assert_int_eq(mt_kind("200", "capture", "challenge", NULL, &ev),
			 WH_KIND_NONE);
	ck_assert_int_eq(mt_kind("201", "pending", NULL, NULL, &ev),
			 WH_KIND_NONE);
	ck_assert_int_eq(mt_kind("200", "refund", "accept", NULL, &ev),
			 WH_KIND_REVERSAL);
	ck_assert_int_eq(ev.reversed, 150000);
	ck_assert(!ev.paid);
	ck_assert_int_eq(mt_kind("200", "chargeback", NULL, NULL, &ev),
			 WH_KIND_REVERSAL);
	ck_assert_int_eq(mt_kind("200", "partial_refund", "accept",
				 ",\"refund_amount\":\"50000.00\"", &ev),
			 WH_KIND_REVERSAL);
	ck_assert_int_eq(ev.reversed, 50000);
	/* a partial one that does not say how much: nothing to book */
	ck_assert_int_eq(mt_kind("200", "partial_chargeback", NULL, NULL, &ev),
			 WH_KIND_NONE);
	/* more back than was paid: not a reversal we can book */
	ck_assert_int_eq(mt_kind("200", "partial_refund", NULL,
				 ",\"refund_amount\":\"150001.00\"", &ev),
			 WH_KIND_NONE);
	ck_assert_int_eq(mt_kind("200", "settlement", NULL,
				 ",\"currency\":\"USD\"", &ev), WH_KIND_PAID);
	ck_assert_str_eq(ev.currency, "USD");
}
END_TEST

/* --- Xendit -------------------------------------------------------------- */

static const char xendit_paid[] =
	"{\"id\":\"579c8d61f23fa4ca35e52da4\",\"external_id\":"
	"\"INV/2026/11/000002\",\"user_id\":\"5781d19b2e2385880609791c\","
	"\"is_high\":true,\"payment_method\":\"BANK_TRANSFER\",\"status\":"
	"\"PAID\",\"merchant_name\":\"Xendit\",\"amount\":150000,"
	"\"paid_amount\":150000,\"bank_code\":\"PERMATA\",\"paid_at\":"
	"\"2026-11-20T10:00:00.000Z\",\"currency\":\"IDR\","
	"\"payment_channel\":\"PERMATA\"}";

START_TEST(xendit_valid)
{
	struct wh_header h[] = {
		{ "Content-Type", "application/json" },
		{ "X-CALLBACK-TOKEN", "xnd-callback-token-abc" },
	};
	struct wh_event ev;

	ck_assert_int_eq(run(wh_xendit_parse, xendit_paid, h, 2, &ev), 0);
	ck_assert_str_eq(ev.order_id, "INV/2026/11/000002");
	ck_assert_str_eq(ev.txn_id, "579c8d61f23fa4ca35e52da4");
	ck_assert_int_eq(ev.amount, 150000);
	ck_assert(ev.paid);
}
END_TEST

START_TEST(xendit_forged)
{
	struct wh_header h[] = { { "x-callback-token", "xnd-callback-token-abd" } };
	struct wh_header h2[] = { { "x-callback-token", "xnd-callback-token-ab" } };
	struct wh_event ev;

	ck_assert_int_eq(run(wh_xendit_parse, xendit_paid, h, 1, &ev), -EACCES);
	ck_assert_int_eq(run(wh_xendit_parse, xendit_paid, h2, 1, &ev), -EACCES);
}
END_TEST

START_TEST(xendit_unsigned)
{
	struct wh_event ev;

	ck_assert_int_eq(run(wh_xendit_parse, xendit_paid, NULL, 0, &ev),
			 -EACCES);
}
END_TEST

START_TEST(xendit_malformed)
{
	struct wh_header h[] = { { "x-callback-token", "xnd-callback-token-abc" } };
	struct wh_event ev;

	ck_assert_int_eq(run(wh_xendit_parse, "{\"id\":", h, 1, &ev), -EINVAL);
	ck_assert_int_eq(run(wh_xendit_parse,
			     "{\"id\":\"a\",\"external_id\":\"INV/1\","
			     "\"status\":\"PAID\",\"amount\":150000.5}",
			     h, 1, &ev), -EINVAL);
	ck_assert_int_eq(run(wh_xendit_parse,
			     "{\"id\":\"a\",\"external_id\":\"INV/1\","
			     "\"status\":\"PAID\",\"amount\":-5}",
			     h, 1, &ev), -EINVAL);
	ck_assert_int_eq(run(wh_xendit_parse,
			     "{\"id\":\"a\",\"status\":\"PAID\",\"amount\":5}",
			     h, 1, &ev), -EINVAL);
}
END_TEST

/* --- Tripay -------------------------------------------------------------- */

static const char tripay_paid[] =
	"{\"reference\":\"T0001000000000000006\",\"merchant_ref\":"
	"\"INV/2026/11/000003\",\"payment_method\":\"BCA Virtual Account\","
	"\"payment_method_code\":\"BCAVA\",\"total_amount\":154250,"
	"\"fee_merchant\":0,\"fee_customer\":4250,\"total_fee\":4250,"
	"\"amount_received\":150000,\"is_closed_payment\":1,\"status\":"
	"\"PAID\",\"paid_at\":1763611200,\"note\":null}";

static void tripay_sig(const char *body, const char *key, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	HMAC(EVP_sha256(), key, strlen(key), (const unsigned char *)body,
	     strlen(body), md, &len);
	hex(md, len, out);
}

START_TEST(tripay_valid)
{
	char sig[65];
	struct wh_header h[] = {
		{ "X-Callback-Event", "payment_status" },
		{ "X-Callback-Signature", sig },
	};
	struct wh_event ev;

	tripay_sig(tripay_paid, sec.tripay_private_key, sig);
	ck_assert_int_eq(run(wh_tripay_parse, tripay_paid, h, 2, &ev), 0);
	ck_assert_str_eq(ev.order_id, "INV/2026/11/000003");
	ck_assert_str_eq(ev.txn_id, "T0001000000000000006");
	ck_assert_int_eq(ev.amount, 150000);
	ck_assert(ev.paid);
}
END_TEST

START_TEST(tripay_refund)
{
	static const char refund[] =
		"{\"reference\":\"T0001000000000000006\",\"merchant_ref\":"
		"\"INV/2026/11/000003\",\"total_amount\":154250,"
		"\"fee_customer\":4250,\"status\":\"REFUND\"}";
	char sig[65];
	struct wh_header h[] = { { "X-Callback-Signature", sig } };
	struct wh_event ev;

	tripay_sig(refund, sec.tripay_private_key, sig);
	ck_assert_int_eq(run(wh_tripay_parse, refund, h, 1, &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_REVERSAL);
	ck_assert_int_eq(ev.reversed, 150000);
	ck_assert(!ev.paid);
}
END_TEST

START_TEST(tripay_forged)
{
	char sig[65];
	struct wh_header h[] = { { "X-Callback-Signature", sig } };
	struct wh_event ev;

	tripay_sig(tripay_paid, "not-the-key", sig);
	ck_assert_int_eq(run(wh_tripay_parse, tripay_paid, h, 1, &ev), -EACCES);
	/* right key, body changed after signing */
	tripay_sig(tripay_paid, sec.tripay_private_key, sig);
	ck_assert_int_eq(run(wh_tripay_parse,
			     "{\"merchant_ref\":\"INV/2026/11/000003\"}", h, 1,
			     &ev), -EACCES);
	sig[10] = 'Z';
	ck_assert_int_eq(run(wh_tripay_parse, tripay_paid, h, 1, &ev), -EACCES);
}
END_TEST

START_TEST(tripay_unsigned)
{
	struct wh_header h[] = { { "X-Callback-Event", "payment_status" } };
	struct wh_event ev;

	ck_assert_int_eq(run(wh_tripay_parse, tripay_paid, h, 1, &ev), -EACCES);
}
END_TEST

START_TEST(tripay_malformed)
{
	const char *bad = "{\"reference\":\"T1\",\"merchant_ref\":";
	char sig[65];
	struct wh_header h[] = { { "X-Callback-Signature", sig } };
	struct wh_event ev;

	tripay_sig(bad, sec.tripay_private_key, sig);
	ck_assert_int_eq(run(wh_tripay_parse, bad, h, 1, &ev), -EINVAL);
	bad = "{\"reference\":\"T1\",\"merchant_ref\":\"INV/1\","
	      "\"status\":\"PAID\",\"total_amount\":\"12x\"}";
	tripay_sig(bad, sec.tripay_private_key, sig);
	ck_assert_int_eq(run(wh_tripay_parse, bad, h, 1, &ev), -EINVAL);
}
END_TEST

/* --- Duitku -------------------------------------------------------------- */

static char *duitku_body(const char *order, const char *amount,
			 const char *result, const char *key)
{
	char buf[512], sig[33], *out;

	snprintf(buf, sizeof(buf), "%s%s%s%s", "D0001", amount, order, key);
	digest_hex(EVP_md5(), buf, sig);
	ck_assert(asprintf(&out,
		"merchantCode=D0001&amount=%s&merchantOrderId=%s"
		"&productDetail=Tagihan+internet&additionalParam="
		"&paymentCode=VA&resultCode=%s&merchantUserId="
		"&reference=DXXXXCX80TZJ85Q70QCI&signature=%s"
		"&publisherOrderId=MGUHWKJX3M1KMSQN5&spUserHash="
		"&settlementDate=2026-11-21&issuerCode=93600523",
		amount, order, result, sig) > 0);
	return out;
}

START_TEST(duitku_valid)
{
	struct wh_event ev;
	char *b = duitku_body("INV%2F2026%2F11%2F000004", "150000", "00",
			      sec.duitku_api_key);

	/* the signature is over the decoded values */
	ck_assert_int_eq(run(wh_duitku_parse, b, NULL, 0, &ev), -EACCES);
	free(b);
	b = duitku_body("INV/2026/11/000004", "150000", "00",
			sec.duitku_api_key);
	ck_assert_int_eq(run(wh_duitku_parse, b, NULL, 0, &ev), 0);
	ck_assert_str_eq(ev.order_id, "INV/2026/11/000004");
	ck_assert_str_eq(ev.txn_id, "DXXXXCX80TZJ85Q70QCI");
	ck_assert_int_eq(ev.amount, 150000);
	ck_assert(ev.paid);
	free(b);
	b = duitku_body("INV/2026/11/000004", "150000", "01",
			sec.duitku_api_key);
	ck_assert_int_eq(run(wh_duitku_parse, b, NULL, 0, &ev), 0);
	ck_assert(!ev.paid);
	free(b);
}
END_TEST

START_TEST(duitku_forged)
{
	struct wh_event ev;
	char *b = duitku_body("INV/2026/11/000004", "150000", "00", "nope");

	ck_assert_int_eq(run(wh_duitku_parse, b, NULL, 0, &ev), -EACCES);
	free(b);
}
END_TEST

START_TEST(duitku_unsigned)
{
	struct wh_event ev;

	ck_assert_int_eq(run(wh_duitku_parse,
			     "merchantCode=D0001&amount=150000"
			     "&merchantOrderId=INV/1&resultCode=00"
			     "&reference=R1", NULL, 0, &ev), -EACCES);
}
END_TEST

START_TEST(duitku_malformed)
{
	struct wh_event ev;

	ck_assert_int_eq(run(wh_duitku_parse, "merchantCode=D0001&amount=%G1",
			     NULL, 0, &ev), -EINVAL);
	ck_assert_int_eq(run(wh_duitku_parse, "a=1&a=2", NULL, 0, &ev),
			 -EINVAL);
	ck_assert_int_eq(run(wh_duitku_parse, "just junk", NULL, 0, &ev),
			 -EINVAL);
	ck_assert_int_eq(run(wh_duitku_parse, "x=%00&signature=ab", NULL, 0,
			     &ev), -EINVAL);
}
END_TEST

/* --- shared helpers ------------------------------------------------------ */

START_TEST(amounts)
{
	int64_t v;

	ck_assert_int_eq(wh_amount_parse("150000.00", 9, &v), 0);
	ck_assert_int_eq(v, 150000);
	ck_assert_int_eq(wh_amount_parse("150000", 6, &v), 0);
	ck_assert_int_eq(wh_amount_parse("0", 1, &v), 0);
	ck_assert_int_eq(wh_amount_parse("9223372036854775807", 19, &v), 0);
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert_int_eq(wh_amount_parse("9223372036854775808", 19, &v),
			 -EINVAL);
	ck_assert_int_eq(wh_amount_parse("150000.01", 9, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse("150000.000", 10, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse("150000.", 7, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse("-1", 2, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse("1e5", 3, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse(" 1", 2, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse("015", 3, &v), -EINVAL);
	ck_assert_int_eq(wh_amount_parse("", 0, &v), -EINVAL);
}
END_TEST

START_TEST(not_configured)
{
	struct wh_secrets none = { 0 };
	struct wh_input in = { "{}", 2, NULL, 0 };
	struct wh_event ev;
	int gw;

	for (gw = 0; gw < WH__MAX; gw++)
		ck_assert_int_eq(wh_parser(gw)(&in, &none, &ev), -ENOKEY);
}
END_TEST


/* --- wh_apply on a fresh store ------------------------------------------- */

static char dir[64];
static struct store *st;
static char num[INV_NUM_MAX];	/* budi's October invoice */
static rp_t total;

static int64_t T(const char *s)
{
	int64_t t;

	ck_assert_int_eq(tt_parse_time(s, &t), 0);
	return t;
}

static void store_setup(void)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION };
	struct sub_rec r = { .version = SUB_REC_VERSION };
	struct inv_run_opts o = {
		.year = 2026, .month = 10, .now = T("2026-11-01T08:00"),
		.prefix = "INV", .due_days = 10, .tax_mode = TAX_EXCLUSIVE,
		.ppn_bp = 1100,
	};
	struct inv_run_stats rs;
	struct inv_rec inv;
	MDB_txn *txn;
	MDB_val v;

	ck_assert_ptr_nonnull(tmpdir_make(dir, sizeof(dir), "wh"));
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), 0);
	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);

	snprintf(p.name, sizeof(p.name), "home-20");
	p.terms = (struct rate_plan){ .type = PLAN_FLAT, .price = 150000 };
	snprintf(r.id, sizeof(r.id), "budi");
	snprintf(r.plan, sizeof(r.plan), "home-20");
	ck_assert_int_eq(tt_parse_date("2026-10-01", &r.activated), 0);
	r.cycle_day = 1;
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(plan_add(txn, st, &p), 0);
	ck_assert_int_eq(sub_add(txn, st, &r, NULL, 0, NULL), 0);
	ck_assert_int_eq(plan_hist_set(txn, st, "budi", r.activated,
				       "home-20"), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(invoice_run(st, &o, &rs), 0);
	ck_assert_int_eq(rs.created, 1);

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_get(txn, st, DB_INV_PERIOD, "2026-10\0budi", 12,
				   &v), 0);
	snprintf(num, sizeof(num), "%.*s", (int)v.mv_size,
		 (const char *)v.mv_data);
	ck_assert_int_eq(invoice_get(txn, st, num, &inv), 0);
	total = inv.total;
	store_abort(txn);
	ck_assert_int_eq(total, 166500);	/* 150.000 + PPN 11% */
}

static void store_teardown(void)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Last committed txn id: unchanged means nothing was written at all. */
static size_t last_txn(void)
{
	MDB_envinfo info;

	ck_assert_int_eq(mdb_env_info(store_env(st), &info), 0);
	return info.me_last_txnid;
}

static struct wh_event event(const char *order, const char *txn,
			     int64_t amount, bool paid)
{
	struct wh_event ev = { .gw = WH_MIDTRANS, .amount = amount,
			       .paid = paid, .verified = true,
			       .kind = paid ? WH_KIND_PAID : WH_KIND_NONE };

	snprintf(ev.order_id, sizeof(ev.order_id), "%s", order);
	snprintf(ev.txn_id, sizeof(ev.txn_id), "%s", txn);
	snprintf(ev.status, sizeof(ev.status), paid ? "settlement" : "pending");
	return ev;
}

static enum wh_result apply(const struct wh_event *ev)
{
	char detail[160];

	return wh_apply(st, ev, "{\"raw\":1}", 9, T("2026-11-05T10:00"),
			detail, sizeof(detail));
}

static int count_payments(void)
{
	MDB_txn *txn;
	MDB_stat ms;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(mdb_stat(txn, store_dbi(st, DB_PAYMENTS), &ms), 0);
	store_abort(txn);
	return (int)ms.ms_entries;
}

static struct inv_rec *get_inv(void)
{
	static struct inv_rec inv;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(invoice_get(txn, st, num, &inv), 0);
	store_abort(txn);
	return &inv;
}

START_TEST(apply_once)
{
	struct wh_event ev = event(num, "tx-1", total, true);
	MDB_txn *txn;
	MDB_val v;

	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	ck_assert_int_eq(get_inv()->status, INV_PAID);
	ck_assert_int_eq(count_payments(), 1);
	ck_assert_int_eq(apply(&ev), WH_DUPLICATE);
	ck_assert_int_eq(count_payments(), 1);
	/* the raw payload is kept with the payment and the webhook record */
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_get(txn, st, DB_WEBHOOKS, "midtrans:tx-1", 13,
				   &v), 0);
	ck_assert(v.mv_size > 9 &&
		  !memcmp((char *)v.mv_data + v.mv_size - 9, "{\"raw\":1}", 9));
	store_abort(txn);
}
END_TEST

START_TEST(apply_retry_suffix)
{
	char order[WH_ORDER_MAX + 1];
	struct wh_event ev;

	snprintf(order, sizeof(order), "%s-3", num);
	ev = event(order, "tx-2", total, true);
	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	ck_assert_int_eq(get_inv()->status, INV_PAID);
}
END_TEST

/* Midtrans order ids: '~' stands for '/' (paylink.h), with or without
 * the retry suffix; the '/' form keeps working; other gateways get no
 * mapping. */
START_TEST(apply_midtrans_tilde)
{
	char order[WH_ORDER_MAX + 1], *p;
	struct wh_event ev;

	snprintf(order, sizeof(order), "%s-1", num);
	for (p = order; *p; p++)
		if (*p == '/')
			*p = '~';
	ck_assert_ptr_null(strchr(order, '/'));
	ev = event(order, "tx-t1", total, true);
	ev.gw = WH_XENDIT;
	ck_assert_int_eq(apply(&ev), WH_UNKNOWN_ORDER);
	ck_assert_int_eq(count_payments(), 0);
	ev.gw = WH_MIDTRANS;
	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	ck_assert_int_eq(get_inv()->status, INV_PAID);
	ck_assert_int_eq(apply(&ev), WH_DUPLICATE);
	ck_assert_int_eq(count_payments(), 1);
}
END_TEST

START_TEST(apply_rejects_leave_store_alone)
{
	struct wh_event ev;
	size_t before = last_txn();
	char order[WH_ORDER_MAX + 1];

	ev = event("INV/2099/01/999999", "tx-3", total, true);
	ck_assert_int_eq(apply(&ev), WH_UNKNOWN_ORDER);
	snprintf(order, sizeof(order), "%s-x", num);
	ev = event(order, "tx-3", total, true);
	ck_assert_int_eq(apply(&ev), WH_UNKNOWN_ORDER);
	ev = event(num, "tx-4", total, false);
	ck_assert_int_eq(apply(&ev), WH_IGNORED);
	ck_assert_int_eq(last_txn(), before);

	/* wrong amount: flagged (webhook record + audit), never paid */
	ev = event(num, "tx-5", total - 1, true);
	ck_assert_int_eq(apply(&ev), WH_WRONG_AMOUNT);
	ck_assert_int_eq(count_payments(), 0);
	ck_assert_int_eq(get_inv()->paid, 0);
	before = last_txn();
	ck_assert_int_eq(apply(&ev), WH_WRONG_AMOUNT);
	ck_assert_int_eq(last_txn(), before);
}
END_TEST

static void *hammer(void *arg)
{
	const struct wh_event *ev = arg;
	long applied = 0;
	int i;

	for (i = 0; i < 5; i++)
		if (apply(ev) == WH_APPLIED)
			applied++;
	return (void *)applied;
}

START_TEST(apply_concurrent)
{
	struct wh_event ev = event(num, "tx-6", total, true);
	pthread_t th[20];
	long applied = 0;
	void *r;
	int i;

	for (i = 0; i < 20; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hammer, &ev), 0);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(pthread_join(th[i], &r), 0);
		applied += (long)r;
	}
	ck_assert_int_eq(applied, 1);
	ck_assert_int_eq(count_payments(), 1);
	ck_assert_int_eq(get_inv()->paid, total);
}
END_TEST

START_TEST(apply_restores)
{
	struct wh_event ev = event(num, "tx-7", total, true);
	struct sub_rec r;
	uint64_t gen0, gen1;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "budi", &r), 0);
	ck_assert_int_eq(dunning_suspend(txn, st, &r, T("2026-11-20T00:00"),
					 "test", "overdue", true), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, st, "policy_gen", &gen0), 0);
	ck_assert_int_eq(store_commit(txn), 0);

	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "budi", &r), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, st, "policy_gen", &gen1), 0);
	store_abort(txn);
	ck_assert_int_eq(r.status, SUB_ACTIVE);
	ck_assert_uint_gt(gen1, gen0);
}
END_TEST

static struct sub_rec *get_sub(void)
{
	static struct sub_rec r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "budi", &r), 0);
	store_abort(txn);
	return &r;
}

static int fsck_violations(void)
{
	struct fsck_report r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(fsck_run(txn, st, stderr, &r), 0);
	store_abort(txn);
	return r.violations;
}

static int get_pay(const char *ref, struct pay_rec *p)
{
	MDB_txn *txn;
	int err;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	err = pay_get(txn, st, ref, p);
	store_abort(txn);
	return err;
}

/* issue 14: Midtrans does not sign transaction_id; one order is paid
 * once whatever transaction id a replay carries */
START_TEST(apply_order_once)
{
	struct wh_event ev = event(num, "tx-o1", total, true);

	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	snprintf(ev.txn_id, sizeof(ev.txn_id), "tx-o1-edited");
	ck_assert_int_eq(apply(&ev), WH_DUPLICATE);
	ck_assert_int_eq(count_payments(), 1);
	ck_assert_int_eq(get_sub()->balance, 0);
}
END_TEST

/* issue 14: a USD notification is never booked as Rupiah */
START_TEST(apply_currency)
{
	struct wh_event ev = event(num, "tx-usd", total, true);

	snprintf(ev.currency, sizeof(ev.currency), "USD");
	ck_assert_int_eq(apply(&ev), WH_REFUSED);
	ck_assert_int_eq(count_payments(), 0);
	ck_assert_int_eq(get_inv()->paid, 0);
	ck_assert_int_eq(apply(&ev), WH_REFUSED);
	snprintf(ev.txn_id, sizeof(ev.txn_id), "tx-idr");
	snprintf(ev.currency, sizeof(ev.currency), "IDR");
	ck_assert_int_eq(apply(&ev), WH_APPLIED);
}
END_TEST

static void *hammer_credit(void *arg)
{
	const struct wh_event *ev = arg;
	long credited = 0;

	if (apply(ev) == WH_CREDITED)
		credited++;
	return (void *)credited;
}

/* issue 8: a second genuine payment (another link, another order) for a
 * paid invoice is a credit to the balance, answered 200, once under 20
 * concurrent deliveries */
START_TEST(apply_second_payment_credit)
{
	char order[WH_ORDER_MAX + 1];
	struct wh_event ev = event(num, "tx-c1", total, true), ev2;
	struct pay_rec p;
	pthread_t th[20];
	long credited = 0;
	void *r;
	int i;

	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	snprintf(order, sizeof(order), "%s-1", num);
	ev2 = event(order, "tx-c2", total, true);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hammer_credit,
						&ev2), 0);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(pthread_join(th[i], &r), 0);
		credited += (long)r;
	}
	ck_assert_int_eq(credited, 1);
	ck_assert_int_eq(apply(&ev2), WH_DUPLICATE);
	ck_assert_int_eq(count_payments(), 2);
	ck_assert_int_eq(get_sub()->balance, total);
	ck_assert_int_eq(get_pay("midtrans:tx-c2", &p), 0);
	ck_assert_int_eq(p.kind, PAY_KIND_CREDIT);
	ck_assert_int_eq(p.to_balance, total);
	ck_assert_int_eq(get_pay("midtrans:tx-c1", &p), 0);
	ck_assert_int_eq(p.kind, PAY_KIND_PAYMENT);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

static struct wh_event reversal(const char *txn, int64_t reversed)
{
	struct wh_event ev = event(num, txn, total, false);

	ev.kind = WH_KIND_REVERSAL;
	ev.reversed = reversed;
	snprintf(ev.status, sizeof(ev.status), "refund");
	return ev;
}

/* issue 8: a refund of a booked payment is a negative payment that
 * reopens the invoice; fsck stays clean; duplicates are idempotent;
 * partial refunds add up to the cumulative amount the gateway reports */
START_TEST(apply_refund_reopens)
{
	struct wh_event ev = event(num, "tx-r1", total, true), rv;
	struct pay_rec p;

	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	ck_assert_int_eq(get_inv()->status, INV_PAID);
	rv = reversal("tx-r1", 50000);
	ck_assert_int_eq(apply(&rv), WH_REVERSED);
	ck_assert_int_eq(get_inv()->status, INV_PARTIAL);
	ck_assert_int_eq(get_inv()->paid, total - 50000);
	ck_assert_int_eq(apply(&rv), WH_DUPLICATE);
	ck_assert_int_eq(fsck_violations(), 0);
	rv = reversal("tx-r1", total);
	ck_assert_int_eq(apply(&rv), WH_REVERSED);
	ck_assert_int_eq(apply(&rv), WH_DUPLICATE);
	ck_assert_int_eq(get_inv()->status, INV_ISSUED);
	ck_assert_int_eq(get_inv()->paid, 0);
	ck_assert_int_eq(count_payments(), 3);
	ck_assert_int_eq(get_pay("midtrans:tx-r1~r2", &p), 0);
	ck_assert_int_eq(p.kind, PAY_KIND_REVERSAL);
	ck_assert_int_eq(p.amount, -(total - 50000));
	ck_assert_int_eq(fsck_violations(), 0);
	/* a refund of a payment never booked changes nothing */
	rv = reversal("tx-unknown", total);
	ck_assert_int_eq(apply(&rv), WH_IGNORED);
	ck_assert_int_eq(count_payments(), 3);
	/* the order stays paid once: a new link pays it again */
}
END_TEST

/* a refund of a credit takes it back from the balance */
START_TEST(apply_refund_credit)
{
	char order[WH_ORDER_MAX + 1];
	struct wh_event ev = event(num, "tx-rc1", total, true), ev2, rv;

	ck_assert_int_eq(apply(&ev), WH_APPLIED);
	snprintf(order, sizeof(order), "%s-1", num);
	ev2 = event(order, "tx-rc2", total, true);
	ck_assert_int_eq(apply(&ev2), WH_CREDITED);
	ck_assert_int_eq(get_sub()->balance, total);
	rv = reversal("tx-rc2", total);
	ck_assert_int_eq(apply(&rv), WH_REVERSED);
	ck_assert_int_eq(get_sub()->balance, 0);
	ck_assert_int_eq(get_inv()->status, INV_PAID);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

static Suite *webhooks_suite(void)
{
	Suite *s = suite_create("webhooks");
	TCase *tc;

	tc = tcase_create("midtrans");
	tcase_add_test(tc, midtrans_valid);
	tcase_add_test(tc, midtrans_forged);
	tcase_add_test(tc, midtrans_unsigned);
	tcase_add_test(tc, midtrans_malformed);
	tcase_add_test(tc, midtrans_paid_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("xendit");
	tcase_add_test(tc, xendit_valid);
	tcase_add_test(tc, xendit_forged);
	tcase_add_test(tc, xendit_unsigned);
	tcase_add_test(tc, xendit_malformed);
	suite_add_tcase(s, tc);
	tc = tcase_create("tripay");
	tcase_add_test(tc, tripay_valid);
	tcase_add_test(tc, tripay_forged);
	tcase_add_test(tc, tripay_unsigned);
	tcase_add_test(tc, tripay_malformed);
	tcase_add_test(tc, tripay_refund);
	suite_add_tcase(s, tc);
	tc = tcase_create("duitku");
	tcase_add_test(tc, duitku_valid);
	tcase_add_test(tc, duitku_forged);
	tcase_add_test(tc, duitku_unsigned);
	tcase_add_test(tc, duitku_malformed);
	suite_add_tcase(s, tc);
	tc = tcase_create("common");
	tcase_add_test(tc, amounts);
	tcase_add_test(tc, not_configured);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, apply_once);
	tcase_add_test(tc, apply_retry_suffix);
	tcase_add_test(tc, apply_midtrans_tilde);
	tcase_add_test(tc, apply_rejects_leave_store_alone);
	tcase_add_test(tc, apply_concurrent);
	tcase_add_test(tc, apply_restores);
	tcase_add_test(tc, apply_order_once);
	tcase_add_test(tc, apply_currency);
	tcase_add_test(tc, apply_second_payment_credit);
	tcase_add_test(tc, apply_refund_reopens);
	tcase_add_test(tc, apply_refund_credit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(webhooks_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
