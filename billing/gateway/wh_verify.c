// SPDX-License-Identifier: GPL-2.0
/* wh_verify.c - confirm a notification with the gateway's status API before booking it. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "lib/conf.h"
#include "billing/gateway/gw_http.h"
#include "billing/gateway/webhook.h"

static bool nz(const char *s)
{
	return s && *s;
}

void wh_status_req_free(struct wh_status_req *rq)
{
	if (rq->userpwd)
		explicit_bzero(rq->userpwd, strlen(rq->userpwd));
	if (rq->bearer)
		explicit_bzero(rq->bearer, strlen(rq->bearer));
	if (rq->body)
		explicit_bzero(rq->body, strlen(rq->body));
	free(rq->url);
	free(rq->userpwd);
	free(rq->bearer);
	free(rq->body);
	memset(rq, 0, sizeof(*rq));
}

/* base + path + escaped id + tail, without a doubled slash. */
static char *wv_url(const char *base, const char *path, const char *id,
		    const char *tail)
{
	size_t l = strlen(base);
	char *e, *u = NULL;

	while (l && base[l - 1] == '/')
		l--;
	e = curl_easy_escape(NULL, id, 0);
	if (!e)
		return NULL;
	if (asprintf(&u, "%.*s%s%s%s", (int)l, base, path, e, tail) < 0)
		u = NULL;
	curl_free(e);
	return u;
}

static int wv_duitku_body(const struct tagih_conf *c, const char *order,
			  char **out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	static const char hx[] = "0123456789abcdef";
	char sig[2 * EVP_MAX_MD_SIZE + 1], *msg;
	unsigned mdlen = 0, i;
	json_t *o;

	if (asprintf(&msg, "%s%s%s", c->duitku_merchant_code, order,
		     c->duitku_api_key) < 0)
		return -ENOMEM;
	i = EVP_Digest(msg, strlen(msg), md, &mdlen, EVP_md5(), NULL);
	explicit_bzero(msg, strlen(msg));
	free(msg);
	if (!i)
		return -ENOMEM;
	for (i = 0; i < mdlen; i++) {
		sig[2 * i] = hx[md[i] >> 4];
		sig[2 * i + 1] = hx[md[i] & 15];
	}
	sig[2 * mdlen] = '\0';
	o = json_pack("{s:s,s:s,s:s}", "merchantCode", c->duitku_merchant_code,
		      "merchantOrderId", order, "signature", sig);
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return *out ? 0 : -ENOMEM;
}

int wh_status_req_make(const struct tagih_conf *c, const struct wh_event *n,
		       struct wh_status_req *rq, char *why, size_t wn)
{
	int err = 0;

	memset(rq, 0, sizeof(*rq));
	switch (n->gw) {
	case WH_MIDTRANS:
		if (!nz(c->midtrans_server_key) || !nz(c->midtrans_status_url)) {
			snprintf(why, wn, "set midtrans_server_key and "
				 "midtrans_status_url");
			return -ENOKEY;
		}
		rq->url = wv_url(c->midtrans_status_url, "/v2/", n->order_id,
				 "/status");
		if (asprintf(&rq->userpwd, "%s:", c->midtrans_server_key) < 0)
			rq->userpwd = NULL;
		err = rq->url && rq->userpwd ? 0 : -ENOMEM;
		break;
	case WH_XENDIT:
		if (!nz(c->xendit_secret_key) || !nz(c->xendit_api_url)) {
			snprintf(why, wn, "set xendit_secret_key and "
				 "xendit_api_url");
			return -ENOKEY;
		}
		rq->url = wv_url(c->xendit_api_url, "/v2/invoices/", n->txn_id,
				 "");
		if (asprintf(&rq->userpwd, "%s:", c->xendit_secret_key) < 0)
			rq->userpwd = NULL;
		err = rq->url && rq->userpwd ? 0 : -ENOMEM;
		break;
	case WH_TRIPAY:
		if (!nz(c->tripay_api_key) || !nz(c->tripay_api_url)) {
			snprintf(why, wn, "set tripay_api_key and "
				 "tripay_api_url");
			return -ENOKEY;
		}
		rq->url = wv_url(c->tripay_api_url,
				 "/transaction/detail?reference=", n->txn_id,
				 "");
		rq->bearer = strdup(c->tripay_api_key);
		err = rq->url && rq->bearer ? 0 : -ENOMEM;
		break;
	case WH_DUITKU:
		if (!nz(c->duitku_merchant_code) || !nz(c->duitku_api_key) ||
		    !nz(c->duitku_api_url)) {
			snprintf(why, wn, "set duitku_merchant_code, "
				 "duitku_api_key and duitku_api_url");
			return -ENOKEY;
		}
		rq->url = wv_url(c->duitku_api_url,
				 "/webapi/api/merchant/transactionStatus", "",
				 "");
		err = rq->url ? wv_duitku_body(c, n->order_id, &rq->body) :
				-ENOMEM;
		break;
	default:
		return -EINVAL;
	}
	if (err)
		wh_status_req_free(rq);
	return err;
}

static int wv_send(const struct wh_status_req *rq, long timeout,
		   long *status, struct gw_buf *resp, char *why, size_t wn)
{
	const struct gw_req r = {
		.url = rq->url, .ctype = "application/json", .body = rq->body,
		.userpwd = rq->userpwd, .bearer = rq->bearer,
		.timeout = timeout, .connect_timeout = timeout,
		.what = "the status API",
	};
	int err = gw_http(&r, status, resp, why, wn);

	if (!err && resp->over) {
		snprintf(why, wn, "status API answer too large");
		err = -EIO;
	}
	return err;
}

int wh_verify(const struct tagih_conf *c, const struct wh_event *n,
	      struct wh_event *out, char *why, size_t wn)
{
	struct wh_status_req rq;
	struct gw_buf resp = { 0 };
	struct wh_event a;
	long status = 0;
	int err;

	why[0] = '\0';
	err = wh_status_req_make(c, n, &rq, why, wn);
	if (err)
		return err;
	err = wv_send(&rq, c->gateway_timeout > 0 ? (long)c->gateway_timeout :
		      10L, &status, &resp, why, wn);
	wh_status_req_free(&rq);
	if (err)
		goto out;
	err = wh_status_parse(n->gw, status, resp.p, resp.len, &a);
	if (err == -ENOENT)
		snprintf(why, wn, "the gateway does not know this transaction");
	else if (err == -EIO)
		snprintf(why, wn, "the status API answered HTTP %ld", status);
	else if (err)
		snprintf(why, wn, "the status API answered something "
			 "unreadable (HTTP %ld)", status);
	else
		err = wh_status_confirm(n, &a, out, why, wn);
out:
	free(resp.p);
	return err;
}
