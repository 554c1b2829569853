// SPDX-License-Identifier: GPL-2.0
/* test_wh_verify.c - asking the gateways' status APIs: requests, answers, agreement. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "billing/gateway/webhook.h"
#include "lib/conf.h"

static struct tagih_conf conf;

static void conf_setup(void)
{
	memset(&conf, 0, sizeof(conf));
	conf.midtrans_server_key = "SB-Mid-server-TEST123";
	conf.midtrans_status_url = "https://api.sandbox.midtrans.com/";
	conf.xendit_secret_key = "xnd_development_abc";
	conf.xendit_api_url = "https://api.xendit.co";
	conf.tripay_api_key = "DEV-tripay-api";
	conf.tripay_api_url = "https://tripay.co.id/api-sandbox";
	conf.duitku_merchant_code = "D0001";
	conf.duitku_api_key = "732B39FC61796845775D2C4FB05332AF";
	conf.duitku_api_url = "https://sandbox.duitku.com";
	conf.gateway_timeout = 1;
}

static struct wh_event note(enum wh_gateway gw, const char *order,
			    const char *txn)
{
	struct wh_event ev = { .gw = gw, .amount = 150000, .paid = true,
			       .kind = WH_KIND_PAID };

	snprintf(ev.order_id, sizeof(ev.order_id), "%s", order);
	snprintf(ev.txn_id, sizeof(ev.txn_id), "%s", txn);
	snprintf(ev.status, sizeof(ev.status), "settlement");
	return ev;
}

START_TEST(requests_as_documented)
{
	struct wh_event n = note(WH_MIDTRANS, "INV~2026~11~000001-1", "tx-1");
	struct wh_status_req rq;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;
	char why[128], sig[33], want[256];

	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 0);
	ck_assert_str_eq(rq.url, "https://api.sandbox.midtrans.com/v2/"
				 "INV~2026~11~000001-1/status");
	ck_assert_str_eq(rq.userpwd, "SB-Mid-server-TEST123:");
	ck_assert_ptr_null(rq.body);
	ck_assert_ptr_null(rq.bearer);
	wh_status_req_free(&rq);

	n = note(WH_XENDIT, "INV/2026/11/000002", "579c8d61f23fa4ca35e52da4");
	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 0);
	ck_assert_str_eq(rq.url, "https://api.xendit.co/v2/invoices/"
				 "579c8d61f23fa4ca35e52da4");
	ck_assert_str_eq(rq.userpwd, "xnd_development_abc:");
	wh_status_req_free(&rq);

	n = note(WH_TRIPAY, "INV/2026/11/000003", "T0001000000000000006");
	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 0);
	ck_assert_str_eq(rq.url, "https://tripay.co.id/api-sandbox/transaction/"
				 "detail?reference=T0001000000000000006");
	ck_assert_str_eq(rq.bearer, "DEV-tripay-api");
	ck_assert_ptr_null(rq.userpwd);
	wh_status_req_free(&rq);

	/* Duitku: POST, signature = md5(merchantCode + merchantOrderId +
	 * apiKey); the order id escaped only as JSON */
	n = note(WH_DUITKU, "INV/2026/11/000004", "DXXXX");
	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 0);
	ck_assert_str_eq(rq.url, "https://sandbox.duitku.com/webapi/api/"
				 "merchant/transactionStatus");
	snprintf(want, sizeof(want), "D0001INV/2026/11/000004%s",
		 conf.duitku_api_key);
	ck_assert(EVP_Digest(want, strlen(want), md, &len, EVP_md5(), NULL));
	for (i = 0; i < len; i++)
		sprintf(sig + 2 * i, "%02x", md[i]);
	snprintf(want, sizeof(want), "{\"merchantCode\":\"D0001\","
		 "\"merchantOrderId\":\"INV/2026/11/000004\","
		 "\"signature\":\"%s\"}", sig);
	ck_assert_str_eq(rq.body, want);
	wh_status_req_free(&rq);
}
END_TEST

START_TEST(requests_need_keys)
{
	struct wh_event n = note(WH_XENDIT, "INV/1", "x1");
	struct wh_status_req rq;
	char why[128];

	conf.xendit_secret_key = NULL;
	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 -ENOKEY);
	ck_assert_ptr_nonnull(strstr(why, "xendit_secret_key"));
	n.gw = WH_TRIPAY;
	conf.tripay_api_key = "";
	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 -ENOKEY);
	ck_assert_ptr_nonnull(strstr(why, "tripay_api_key"));
	n.gw = WH_MIDTRANS;
	conf.midtrans_status_url = NULL;
	ck_assert_int_eq(wh_status_req_make(&conf, &n, &rq, why, sizeof(why)),
			 -ENOKEY);
	ck_assert_ptr_nonnull(strstr(why, "midtrans_status_url"));
}
END_TEST

static int parse(enum wh_gateway gw, long http, const char *body,
		 struct wh_event *ev)
{
	return wh_status_parse(gw, http, body, strlen(body), ev);
}

/* Midtrans GET /v2/{order_id}/status, fields as its docs show them. */
START_TEST(midtrans_answers)
{
	struct wh_event ev;

	ck_assert_int_eq(parse(WH_MIDTRANS, 200,
		"{\"status_code\":\"200\",\"status_message\":\"Success, "
		"transaction is found\",\"transaction_id\":\"249fc620-6017-"
		"4540-af7c-5a1c25788f46\",\"order_id\":\"INV~2026~11~000001\","
		"\"payment_type\":\"bank_transfer\",\"transaction_time\":"
		"\"2026-11-20 10:00:00\",\"transaction_status\":\"settlement\","
		"\"fraud_status\":\"accept\",\"gross_amount\":\"166500.00\","
		"\"currency\":\"IDR\"}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_PAID);
	ck_assert(ev.verified);
	ck_assert_int_eq(ev.amount, 166500);
	ck_assert_str_eq(ev.txn_id, "249fc620-6017-4540-af7c-5a1c25788f46");
	ck_assert_str_eq(ev.currency, "IDR");
	/* a challenged capture is 201: not paid */
	ck_assert_int_eq(parse(WH_MIDTRANS, 200,
		"{\"status_code\":\"201\",\"transaction_id\":\"t\",\"order_id\":"
		"\"o\",\"transaction_status\":\"capture\",\"fraud_status\":"
		"\"challenge\",\"gross_amount\":\"1.00\"}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_NONE);
	ck_assert_int_eq(parse(WH_MIDTRANS, 200,
		"{\"status_code\":\"200\",\"transaction_id\":\"t\",\"order_id\":"
		"\"o\",\"transaction_status\":\"partial_refund\","
		"\"gross_amount\":\"30000.00\",\"refund_amount\":\"12000.00\"}",
		&ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_REVERSAL);
	ck_assert_int_eq(ev.reversed, 12000);
	ck_assert_int_eq(parse(WH_MIDTRANS, 200,
		"{\"status_code\":\"404\",\"status_message\":\"Transaction "
		"doesn't exist.\"}", &ev), -ENOENT);
	ck_assert_int_eq(parse(WH_MIDTRANS, 404, "{}", &ev), -ENOENT);
	ck_assert_int_eq(parse(WH_MIDTRANS, 200,
		"{\"status_code\":\"500\",\"status_message\":\"Sorry\"}", &ev),
		-EIO);
	ck_assert_int_eq(parse(WH_MIDTRANS, 500, "oops", &ev), -EIO);
	ck_assert_int_eq(parse(WH_MIDTRANS, 401, "{}", &ev), -EIO);
	ck_assert_int_eq(parse(WH_MIDTRANS, 200, "<html>", &ev), -EPROTO);
	ck_assert_int_eq(parse(WH_MIDTRANS, 200, "{\"status_code\":\"200\"}",
			       &ev), -EPROTO);
}
END_TEST

START_TEST(other_answers)
{
	struct wh_event ev;

	/* Xendit GET /v2/invoices/{id} */
	ck_assert_int_eq(parse(WH_XENDIT, 200,
		"{\"id\":\"579c8d61f23fa4ca35e52da4\",\"external_id\":\"INV/1\","
		"\"status\":\"SETTLED\",\"amount\":150000,\"paid_amount\":150000,"
		"\"currency\":\"USD\"}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_PAID);
	ck_assert_str_eq(ev.currency, "USD");
	ck_assert_int_eq(parse(WH_XENDIT, 200,
		"{\"id\":\"x\",\"external_id\":\"INV/1\",\"status\":\"PENDING\","
		"\"amount\":150000}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_NONE);
	ck_assert_int_eq(parse(WH_XENDIT, 404,
		"{\"error_code\":\"INVOICE_NOT_FOUND_ERROR\"}", &ev), -ENOENT);
	/* Tripay GET /transaction/detail: data.amount includes the fee the
	 * customer paid */
	ck_assert_int_eq(parse(WH_TRIPAY, 200,
		"{\"success\":true,\"message\":\"\",\"data\":{\"reference\":"
		"\"T0001000000000000006\",\"merchant_ref\":\"INV/1\","
		"\"amount\":154250,\"fee_merchant\":0,\"fee_customer\":4250,"
		"\"status\":\"PAID\",\"paid_at\":\"1582856000\"}}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_PAID);
	ck_assert_int_eq(ev.amount, 150000);
	ck_assert_int_eq(parse(WH_TRIPAY, 200,
		"{\"success\":true,\"data\":{\"reference\":\"T1\","
		"\"merchant_ref\":\"INV/1\",\"amount\":150000,\"status\":"
		"\"REFUND\"}}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_REVERSAL);
	ck_assert_int_eq(ev.reversed, 150000);
	ck_assert_int_eq(parse(WH_TRIPAY, 200,
		"{\"success\":false,\"message\":\"Transaksi tidak ditemukan\"}",
		&ev), -ENOENT);
	ck_assert_int_eq(parse(WH_TRIPAY, 200, "{\"success\":true}", &ev),
			 -EPROTO);
	/* Duitku transactionStatus: 00 success, 01 process, 02 failed */
	ck_assert_int_eq(parse(WH_DUITKU, 200,
		"{\"merchantOrderId\":\"INV/1\",\"reference\":\"D0001ABC\","
		"\"amount\":\"150000\",\"fee\":\"0.00\",\"statusCode\":\"00\","
		"\"statusMessage\":\"SUCCESS\"}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_PAID);
	ck_assert_int_eq(ev.amount, 150000);
	ck_assert_str_eq(ev.txn_id, "D0001ABC");
	ck_assert_int_eq(parse(WH_DUITKU, 200,
		"{\"merchantOrderId\":\"INV/1\",\"reference\":\"D0001ABC\","
		"\"amount\":\"150000\",\"statusCode\":\"01\"}", &ev), 0);
	ck_assert_int_eq(ev.kind, WH_KIND_NONE);
	ck_assert_int_eq(parse(WH_DUITKU, 400, "{\"Message\":\"not found\"}",
			       &ev), -ENOENT);
	ck_assert_int_eq(parse(WH_DUITKU, 503, "", &ev), -EIO);
}
END_TEST

/* What is booked is the gateway's view; the notification only has to
 * name the same order (and the same transaction when it was the key). */
START_TEST(confirm)
{
	struct wh_event n, a, out;
	char why[128];

	/* Midtrans: transaction_id is not signed; a replay with it edited
	 * is booked (if at all) under the real one, which dedups */
	n = note(WH_MIDTRANS, "INV~1", "edited-by-replay");
	a = note(WH_MIDTRANS, "INV~1", "real-txn");
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)), 0);
	ck_assert_str_eq(out.txn_id, "real-txn");
	ck_assert(out.verified);
	/* the gateway's amount and status win */
	a.amount = 1000;
	a.kind = WH_KIND_NONE;
	a.paid = false;
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)), 0);
	ck_assert_int_eq(out.amount, 1000);
	ck_assert_int_eq(out.kind, WH_KIND_NONE);
	/* the notification's currency when the API gives none */
	snprintf(n.currency, sizeof(n.currency), "USD");
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)), 0);
	ck_assert_str_eq(out.currency, "USD");
	snprintf(a.currency, sizeof(a.currency), "IDR");
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)), 0);
	ck_assert_str_eq(out.currency, "IDR");
	/* another order */
	a = note(WH_MIDTRANS, "INV~2", "real-txn");
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)),
			 -EBADMSG);
	/* Xendit and Tripay are asked by their id: it must come back */
	n = note(WH_XENDIT, "INV/1", "x1");
	a = note(WH_XENDIT, "INV/1", "x2");
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)),
			 -EBADMSG);
	n.gw = a.gw = WH_DUITKU;
	ck_assert_int_eq(wh_status_confirm(&n, &a, &out, why, sizeof(why)), 0);
	ck_assert_str_eq(out.txn_id, "x2");
}
END_TEST

/* Nothing listens: -EIO (answered 503, nothing written), within the
 * timeout. */
START_TEST(unreachable)
{
	struct wh_event n = note(WH_MIDTRANS, "INV~1", "t"), out;
	struct timespec t0, t1;
	char why[160];

	conf.midtrans_status_url = "http://127.0.0.1:9";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(wh_verify(&conf, &n, &out, why, sizeof(why)), -EIO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_nonnull(strstr(why, "cannot reach"));
	ck_assert_ptr_null(strstr(why, conf.midtrans_server_key));
	ck_assert_int_le(t1.tv_sec - t0.tv_sec, 3);
}
END_TEST

static Suite *verify_suite(void)
{
	Suite *s = suite_create("wh_verify");
	TCase *tc = tcase_create("verify");

	tcase_add_checked_fixture(tc, conf_setup, NULL);
	tcase_add_test(tc, requests_as_documented);
	tcase_add_test(tc, requests_need_keys);
	tcase_add_test(tc, midtrans_answers);
	tcase_add_test(tc, other_answers);
	tcase_add_test(tc, confirm);
	tcase_add_test(tc, unreachable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(verify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
