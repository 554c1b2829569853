// SPDX-License-Identifier: GPL-2.0
/* paylink.c - payment links at Midtrans, Xendit, Tripay and Duitku (libcurl). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lib/log.h"
#include "billing/gateway/gw_http.h"
#include "billing/gateway/paylink.h"
#include "billing/prepaid.h"
#include "billing/sub.h"
#include "lib/text.h"
#include "lib/ttime.h"

#define PL_TIMEOUT 15L		/* seconds for the whole call */
#define PL_CONNECT_TIMEOUT 5L

static const char *const pl_names[] = { "midtrans", "xendit", "tripay",
					"duitku" };
enum { PL_MIDTRANS, PL_XENDIT, PL_TRIPAY, PL_DUITKU, PL__MAX };

static bool nz(const char *s)
{
	return s && *s;
}

/* --- the oldest open invoice ---------------------------------------------- */

struct open_ctx {
	MDB_txn *txn;
	struct store *st;
	struct inv_rec *inv;
	int err;
	bool found;
};

static int open_cb(const char *number, void *ctx)
{
	struct open_ctx *oc = ctx;
	int err;

	err = invoice_get(oc->txn, oc->st, number, oc->inv);
	if (err) {
		oc->err = err;
		return 1;
	}
	/* an unpaid prepaid order is paid through its own link, not as the
	 * oldest bill (tagihd/page/prepaid.c) */
	if ((oc->inv->status == INV_ISSUED || oc->inv->status == INV_PARTIAL) &&
	    !prepaid_is_receipt(oc->inv)) {
		oc->found = true;
		return 1;
	}
	return 0;
}

int paylink_open_invoice(MDB_txn *txn, struct store *st, const char *sub,
			 struct inv_rec *inv)
{
	struct open_ctx oc = { .txn = txn, .st = st, .inv = inv };
	int err;

	err = invoice_foreach_sub(txn, st, sub, open_cb, &oc);
	if (err < 0)
		return err;
	if (oc.err)
		return oc.err;
	return oc.found ? 0 : -ENOENT;
}

/* --- HTTP ------------------------------------------------------------------ */

/* The JSON answer, or NULL with why set. */
static json_t *pl_json(const struct gw_buf *b, long status, char *why,
		       size_t n)
{
	json_error_t jerr;
	json_t *j;

	if (b->over) {
		snprintf(why, n, "gateway answer too large (HTTP %ld)", status);
		return NULL;
	}
	j = b->p ? json_loadb(b->p, b->len, 0, &jerr) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		snprintf(why, n, "gateway answered HTTP %ld without a JSON "
			 "object", status);
		return NULL;
	}
	return j;
}

/* A gateway's error text (for the operator), bounded and one line. */
static void pl_gw_error(json_t *j, long status, char *why, size_t n)
{
	static const char *const keys[] = { "error_messages", "message",
					    "statusMessage", "Message",
					    "error_code" };
	const char *msg = NULL;
	json_t *v;
	size_t i;
	char *p;

	for (i = 0; !msg && i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(j, keys[i]);
		if (json_is_array(v))
			v = json_array_get(v, 0);
		msg = json_string_value(v);
	}
	snprintf(why, n, "gateway refused (HTTP %ld)%s%.160s", status,
		 msg ? ": " : "", msg ? msg : "");
	for (p = why; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

/* Take url (a string of j at path a[.b]) into out->url if it is http(s)
 * and printable. Returns 0 or -EPROTO. */
static int pl_take_url(json_t *j, const char *a, const char *b,
		       struct paylink *out, char *why, size_t n)
{
	json_t *v = json_object_get(j, a);
	const char *s, *p;

	if (b)
		v = json_object_get(v, b);
	s = json_string_value(v);
	if (!s || (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)) ||
	    strlen(s) >= sizeof(out->url)) {
		snprintf(why, n, "gateway answer has no usable %s%s%s", a,
			 b ? "." : "", b ? b : "");
		return -EPROTO;
	}
	for (p = s; *p; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			snprintf(why, n, "gateway sent a malformed URL");
			return -EPROTO;
		}
	}
	snprintf(out->url, sizeof(out->url), "%s", s);
	return 0;
}

/* base + path, without a doubled slash. NULL on ENOMEM. */
static char *pl_url(const char *base, const char *path)
{
	size_t l = strlen(base);
	char *u;

	while (l && base[l - 1] == '/')
		l--;
	if (asprintf(&u, "%.*s%s", (int)l, base, path) < 0)
		return NULL;
	return u;
}

static void hex(const unsigned char *md, unsigned len, char *out)
{
	static const char hx[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[2 * len] = '\0';
}

/* What we tell a gateway about the payer: the name only, and an e-mail
 * where the API insists on one. */
struct pl_order {
	const struct inv_rec *inv;
	const struct sub_rec *sub;
	const char *order_id;
	rp_t amount;
	const char *return_url;
	char desc[96];
};

static const char *pl_name(const struct pl_order *o)
{
	return o->sub->name[0] ? o->sub->name : o->sub->id;
}

/*
 * Customer fields as each gateway documents them (Duitku's v2 inquiry:
 * customerVaName 20, phoneNumber 50, productDetails and email 255;
 * Midtrans Snap customer_details: 255 each): s cut to at most max
 * characters, between characters (lib/text.h), into dst.
 */
static const char *pl_trim(char *dst, size_t size, const char *s,
			   size_t max)
{
	size_t i = 0, n = strlen(s), c, chars = 0;

	while (i < n && chars < max) {
		c = text_char(s + i, n - i, NULL);
		if (!c)
			c = 1;	/* a stray byte counts as one, as text_cut */
		if (i + c >= size)
			break;
		i += c;
		chars++;
	}
	memcpy(dst, s, i);
	dst[i] = '\0';
	return dst;
}

/* The phone as digits only (what Duitku's and Tripay's libraries send:
 * "+62 812-3456" -> "628123456"), at most max of them. */
static const char *pl_digits(char *dst, size_t size, const char *s,
			     size_t max)
{
	size_t o = 0;

	for (; *s && o + 1 < size && o < max; s++)
		if (*s >= '0' && *s <= '9')
			dst[o++] = *s;
	dst[o] = '\0';
	return dst;
}

#define PL_DUITKU_VANAME_MAX 20
#define PL_DUITKU_PHONE_MAX 50
#define PL_FIELD_MAX 255

/* --- one call to a gateway ------------------------------------------------ */

/* Where a gateway is asked, how it says yes, and where its answer has the link. */
struct pl_call {
	const char *base, *path;	/* the API URL and the endpoint */
	const char *basic_key;		/* HTTP basic "key:", or NULL */
	const char *bearer;		/* Authorization: Bearer, or NULL */
	const char *ctype;		/* of the body */
	bool (*ok)(json_t *j, long status);
	const char *field, *sub;	/* the link: field[.sub] */
};

static bool pl_ok_http(json_t *j, long status)
{
	(void)j;
	return status == 200 || status == 201;
}

/*
 * POST body as pc says and take the link from the answer into out->url.
 * Returns 0, -ENOMEM, -EIO (the gateway was not reached) or -EPROTO (it
 * refused or answered nonsense); why is set on -EIO and -EPROTO.
 */
static int pl_exchange(const struct pl_call *pc, const char *body,
		       struct paylink *out, char *why, size_t n)
{
	struct gw_req rq = {
		.ctype = pc->ctype, .body = body, .bearer = pc->bearer,
		.timeout = PL_TIMEOUT, .connect_timeout = PL_CONNECT_TIMEOUT,
		.what = "the gateway",
	};
	struct gw_buf resp = { 0 };
	char *url, *auth = NULL;
	json_t *j = NULL;
	long status = 0;
	int err;

	url = pl_url(pc->base, pc->path);
	if (!url || (pc->basic_key &&
		     asprintf(&auth, "%s:", pc->basic_key) < 0)) {
		auth = NULL;
		err = -ENOMEM;
		goto out;
	}
	rq.url = url;
	rq.userpwd = auth;
	err = gw_http(&rq, &status, &resp, why, n);
	if (err)
		goto out;
	j = pl_json(&resp, status, why, n);
	err = -EPROTO;
	if (!j)
		goto out;
	if (!pc->ok(j, status)) {
		pl_gw_error(j, status, why, n);
		goto out;
	}
	err = pl_take_url(j, pc->field, pc->sub, out, why, n);
out:
	if (auth) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	json_decref(j);
	free(resp.p);
	free(url);
	return err;
}

/* pl_exchange() with req as compact JSON; req is released. */
static int pl_exchange_json(const struct pl_call *pc, json_t *req,
			    struct paylink *out, char *why, size_t n)
{
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	int err;

	json_decref(req);
	if (!body)
		return -ENOMEM;
	err = pl_exchange(pc, body, out, why, n);
	free(body);
	return err;
}

/* --- the four gateways ----------------------------------------------------- */

static int pl_midtrans(const struct tagih_conf *c, const struct pl_order *o,
		       struct paylink *out, char *why, size_t n)
{
	const struct pl_call pc = {
		.base = c->midtrans_api_url, .path = "/snap/v1/transactions",
		.basic_key = c->midtrans_server_key,
		.ctype = "application/json", .ok = pl_ok_http,
		.field = "redirect_url",
	};
	char name[4 * PL_FIELD_MAX + 1];
	json_t *req;

	if (!nz(c->midtrans_server_key) || !nz(c->midtrans_api_url)) {
		snprintf(why, n, "set midtrans_server_key and midtrans_api_url");
		return -ENOKEY;
	}
	req = json_pack("{s:{s:s,s:I},s:{s:s}}", "transaction_details",
			"order_id", o->order_id, "gross_amount",
			(json_int_t)o->amount, "customer_details",
			"first_name",
			pl_trim(name, sizeof(name), pl_name(o), PL_FIELD_MAX));
	if (req && o->return_url)
		json_object_set_new(req, "callbacks",
				    json_pack("{s:s}", "finish", o->return_url));
	return pl_exchange_json(&pc, req, out, why, n);
}

static int pl_xendit(const struct tagih_conf *c, const struct pl_order *o,
		     struct paylink *out, char *why, size_t n)
{
	const struct pl_call pc = {
		.base = c->xendit_api_url, .path = "/v2/invoices",
		.basic_key = c->xendit_secret_key,
		.ctype = "application/json", .ok = pl_ok_http,
		.field = "invoice_url",
	};
	json_t *req;

	if (!nz(c->xendit_secret_key) || !nz(c->xendit_api_url)) {
		snprintf(why, n, "set xendit_secret_key and xendit_api_url");
		return -ENOKEY;
	}
	req = json_pack("{s:s,s:I,s:s,s:s}", "external_id", o->order_id,
			"amount", (json_int_t)o->amount, "description",
			o->desc, "currency", "IDR");
	if (req && o->return_url)
		json_object_set_new(req, "success_redirect_url",
				    json_string(o->return_url));
	return pl_exchange_json(&pc, req, out, why, n);
}

/* Append "&key=escaped(val)" to *body. Returns 0 or -ENOMEM. */
static int form_add(CURL *c, char **body, const char *key, const char *val)
{
	char *e = curl_easy_escape(c, val, 0), *nb;
	int r;

	if (!e)
		return -ENOMEM;
	r = asprintf(&nb, "%s%s%s=%s", *body ? *body : "", *body ? "&" : "",
		     key, e);
	curl_free(e);
	if (r < 0)
		return -ENOMEM;
	free(*body);
	*body = nb;
	return 0;
}

static bool pl_ok_tripay(json_t *j, long status)
{
	return status == 200 && json_is_true(json_object_get(j, "success"));
}

static int pl_tripay(const struct tagih_conf *c, const struct pl_order *o,
		     struct paylink *out, char *why, size_t n)
{
	const struct pl_call pc = {
		.base = c->tripay_api_url, .path = "/transaction/create",
		.bearer = c->tripay_api_key,
		.ctype = "application/x-www-form-urlencoded",
		.ok = pl_ok_tripay, .field = "data", .sub = "checkout_url",
	};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char amount[24], exp[24], sig[2 * EVP_MAX_MD_SIZE + 1], cb[600];
	char *body = NULL, *msg = NULL, phone[32];
	const char *email;
	CURL *esc;
	int err = -ENOMEM;

	if (!nz(c->tripay_api_key) || !nz(c->tripay_private_key) ||
	    !nz(c->tripay_merchant_code) || !nz(c->tripay_api_url) ||
	    !nz(c->tripay_method)) {
		snprintf(why, n, "set tripay_api_key, tripay_private_key, "
			 "tripay_merchant_code, tripay_method and "
			 "tripay_api_url");
		return -ENOKEY;
	}
	snprintf(amount, sizeof(amount), "%lld", (long long)o->amount);
	if (asprintf(&msg, "%s%s%s", c->tripay_merchant_code, o->order_id,
		     amount) < 0)
		return -ENOMEM;
	if (!HMAC(EVP_sha256(), c->tripay_private_key,
		  (int)strlen(c->tripay_private_key),
		  (const unsigned char *)msg, strlen(msg), md, &mdlen)) {
		free(msg);
		snprintf(why, n, "HMAC failed");
		return -EIO;
	}
	free(msg);
	hex(md, mdlen, sig);
	/* closed payments expire; a day is what a reminder cycle needs */
	snprintf(exp, sizeof(exp), "%lld", (long long)(tt_now() + 86400));
	email = o->sub->email[0] ? o->sub->email :
		nz(c->smtp_from) ? c->smtp_from : "pelanggan@example.invalid";
	esc = curl_easy_init();
	if (!esc)
		return -ENOMEM;
	if (form_add(esc, &body, "method", c->tripay_method) ||
	    form_add(esc, &body, "merchant_ref", o->order_id) ||
	    form_add(esc, &body, "amount", amount) ||
	    form_add(esc, &body, "customer_name", pl_name(o)) ||
	    form_add(esc, &body, "customer_email", email) ||
	    (pl_digits(phone, sizeof(phone), o->sub->phone, sizeof(phone))[0] &&
	     form_add(esc, &body, "customer_phone", phone)) ||
	    form_add(esc, &body, "order_items[0][sku]", o->inv->period) ||
	    form_add(esc, &body, "order_items[0][name]", o->desc) ||
	    form_add(esc, &body, "order_items[0][price]", amount) ||
	    form_add(esc, &body, "order_items[0][quantity]", "1") ||
	    (o->return_url &&
	     form_add(esc, &body, "return_url", o->return_url)) ||
	    form_add(esc, &body, "expired_time", exp) ||
	    form_add(esc, &body, "signature", sig))
		goto out;
	if (nz(c->public_url)) {
		snprintf(cb, sizeof(cb), "%s/webhooks/tripay", c->public_url);
		if (form_add(esc, &body, "callback_url", cb))
			goto out;
	}
	err = pl_exchange(&pc, body, out, why, n);
out:
	curl_easy_cleanup(esc);
	free(body);
	return err;
}

static bool pl_ok_duitku(json_t *j, long status)
{
	const char *code = json_string_value(json_object_get(j, "statusCode"));

	return status == 200 && code && !strcmp(code, "00");
}

static int pl_duitku(const struct tagih_conf *c, const struct pl_order *o,
		     struct paylink *out, char *why, size_t n)
{
	const struct pl_call pc = {
		.base = c->duitku_api_url,
		.path = "/webapi/api/merchant/v2/inquiry",
		.ctype = "application/json", .ok = pl_ok_duitku,
		.field = "paymentUrl",
	};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char amount[24], sig[2 * EVP_MAX_MD_SIZE + 1], cb[600];
	char vaname[4 * PL_DUITKU_VANAME_MAX + 1], phone[32];
	char desc[sizeof(o->desc)], mail[4 * PL_FIELD_MAX + 1];
	char *msg = NULL;
	const char *email;
	json_t *req;

	if (!nz(c->duitku_merchant_code) || !nz(c->duitku_api_key) ||
	    !nz(c->duitku_api_url) || !nz(c->duitku_method)) {
		snprintf(why, n, "set duitku_merchant_code, duitku_api_key, "
			 "duitku_method and duitku_api_url");
		return -ENOKEY;
	}
	snprintf(amount, sizeof(amount), "%lld", (long long)o->amount);
	if (asprintf(&msg, "%s%s%s%s", c->duitku_merchant_code, o->order_id,
		     amount, c->duitku_api_key) < 0)
		return -ENOMEM;
	if (!EVP_Digest(msg, strlen(msg), md, &mdlen, EVP_md5(), NULL)) {
		explicit_bzero(msg, strlen(msg));
		free(msg);
		snprintf(why, n, "MD5 failed");
		return -EIO;
	}
	explicit_bzero(msg, strlen(msg));
	free(msg);
	hex(md, mdlen, sig);
	email = o->sub->email[0] ? o->sub->email :
		nz(c->smtp_from) ? c->smtp_from : "pelanggan@example.invalid";
	/* pl_configured refused an empty public_url: never a relative URL */
	snprintf(cb, sizeof(cb), "%s/webhooks/duitku", c->public_url);
	req = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}",
			"merchantCode", c->duitku_merchant_code,
			"paymentAmount", (json_int_t)o->amount,
			"paymentMethod", c->duitku_method,
			"merchantOrderId", o->order_id,
			"productDetails",
			pl_trim(desc, sizeof(desc), o->desc, PL_FIELD_MAX),
			"email", pl_trim(mail, sizeof(mail), email, PL_FIELD_MAX),
			"customerVaName",
			pl_trim(vaname, sizeof(vaname), pl_name(o),
				PL_DUITKU_VANAME_MAX),
			"callbackUrl", cb,
			"signature", sig,
			"expiryPeriod", (json_int_t)1440);
	if (!req)
		return -ENOMEM;
	json_object_set_new(req, "returnUrl",
			    json_string(o->return_url ? o->return_url : cb));
	if (pl_digits(phone, sizeof(phone), o->sub->phone,
		      PL_DUITKU_PHONE_MAX)[0])
		json_object_set_new(req, "phoneNumber", json_string(phone));
	return pl_exchange_json(&pc, req, out, why, n);
}

/* --- the one entry point --------------------------------------------------- */

void paylink_midtrans_order(char *order_id)
{
	for (; *order_id; order_id++)
		if (*order_id == '/')
			*order_id = '~';
}

/* Are the gateway's keys there? Checked before an attempt is spent. */
static int pl_configured(const struct tagih_conf *c, int gw, char *why,
			 size_t n)
{
	bool ok;

	switch (gw) {
	case PL_MIDTRANS:
		ok = nz(c->midtrans_server_key) && nz(c->midtrans_api_url);
		break;
	case PL_XENDIT:
		ok = nz(c->xendit_secret_key) && nz(c->xendit_api_url);
		break;
	case PL_TRIPAY:
		ok = nz(c->tripay_api_key) && nz(c->tripay_private_key) &&
		     nz(c->tripay_merchant_code) && nz(c->tripay_api_url) &&
		     nz(c->tripay_method);
		break;
	default:
		ok = nz(c->duitku_merchant_code) && nz(c->duitku_api_key) &&
		     nz(c->duitku_api_url) && nz(c->duitku_method);
		break;
	}
	if (!ok) {
		snprintf(why, n, "%s payment links are not configured (see the "
			 "%s_* keys in tagih.conf)", pl_names[gw], pl_names[gw]);
		return -ENOKEY;
	}
	/* Duitku has no dashboard default: callbackUrl is part of every
	 * request and must be absolute (Midtrans and Xendit take theirs
	 * from the dashboard, Tripay falls back to it) */
	if (gw == PL_DUITKU && !nz(c->public_url)) {
		snprintf(why, n, "duitku payment links need public_url (the "
			 "callbackUrl Duitku posts to is public_url + "
			 "/webhooks/duitku): set public_url in tagih.conf");
		return -ENOKEY;
	}
	return 0;
}

bool paylink_ready(const struct tagih_conf *conf)
{
	const char *g = nz(conf->paylink_gateway) ? conf->paylink_gateway :
						    "midtrans";
	char why[8];
	int gw;

	for (gw = 0; gw < PL__MAX; gw++)
		if (!strcmp(g, pl_names[gw]))
			return pl_configured(conf, gw, why, sizeof(why)) == 0;
	return false;
}

/*
 * DB_META "paylink:" + number: the attempt counter (u64 BE), then the
 * last link: time it was started (i64 BE, 0 = none usable), amount (i64
 * BE), gateway (16 bytes, NUL padded) and its URL (the rest, "" while
 * the call is in flight). A store from before the last link was kept
 * holds the counter alone.
 */
#define PL_REC_HEAD (8 + 8 + 8 + 16)

struct pl_last {
	uint64_t attempt;
	int64_t t;
	rp_t amount;
	char gateway[16];
	char url[PAYLINK_URL_MAX];
};

static int pl_last_get(MDB_txn *txn, struct store *st, const char *key,
		       struct pl_last *l)
{
	const uint8_t *p;
	size_t ul;
	MDB_val v;
	int err;

	memset(l, 0, sizeof(*l));
	err = store_get(txn, st, DB_META, key, strlen(key), &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	p = v.mv_data;
	if (v.mv_size == 8) {
		l->attempt = be64_get(p);
		return 0;
	}
	if (v.mv_size < PL_REC_HEAD ||
	    v.mv_size - PL_REC_HEAD >= sizeof(l->url))
		return -EIO;
	l->attempt = be64_get(p);
	l->t = bei64_get(p + 8);
	l->amount = bei64_get(p + 16);
	memcpy(l->gateway, p + 24, 15);
	ul = v.mv_size - PL_REC_HEAD;
	memcpy(l->url, p + PL_REC_HEAD, ul);
	l->url[ul] = '\0';
	return 0;
}

static int pl_last_put(MDB_txn *txn, struct store *st, const char *key,
		       const struct pl_last *l)
{
	uint8_t b[PL_REC_HEAD + PAYLINK_URL_MAX] = { 0 };
	size_t ul = strnlen(l->url, sizeof(l->url) - 1);

	be64_put(b, l->attempt);
	bei64_put(b + 8, l->t);
	bei64_put(b + 16, l->amount);
	memcpy(b + 24, l->gateway, strnlen(l->gateway, 15));
	memcpy(b + PL_REC_HEAD, l->url, ul);
	return store_put(txn, st, DB_META, key, strlen(key), b,
			 PL_REC_HEAD + ul, 0);
}

/* After the call: keep the URL, or mark the attempt as not reusable. */
static void pl_last_done(struct store *st, const char *key,
			 const struct pl_last *mine, const char *url)
{
	struct pl_last *l;
	MDB_txn *txn;

	l = malloc(sizeof(*l));
	if (!l || store_begin(st, true, &txn)) {
		free(l);
		return;
	}
	/* only if nobody started another attempt meanwhile */
	if (!pl_last_get(txn, st, key, l) && l->attempt == mine->attempt) {
		*l = *mine;
		if (url)
			snprintf(l->url, sizeof(l->url), "%s", url);
		else
			l->t = 0;
		if (!pl_last_put(txn, st, key, l) && !store_commit(txn))
			txn = NULL;
	}
	if (txn)
		store_abort(txn);
	free(l);
}

static void pl_order_id(struct paylink *out, int gw, const char *number,
			uint64_t attempt)
{
	if (attempt <= 1)
		snprintf(out->order_id, sizeof(out->order_id), "%s", number);
	else
		snprintf(out->order_id, sizeof(out->order_id), "%s-%llu",
			 number, (unsigned long long)(attempt - 1));
	if (gw == PL_MIDTRANS)
		paylink_midtrans_order(out->order_id);
}

static int pl_create(struct store *st, const struct tagih_conf *conf,
		     const char *number, const char *gateway,
		     const char *return_url, int64_t window,
		     struct paylink *out, char *why, size_t n)
{
	struct inv_rec *inv;
	struct sub_rec sub;
	struct pl_order o = { 0 };
	struct pl_last *last = NULL;
	char key[INV_NUM_MAX + 16];
	MDB_txn *txn = NULL;
	int64_t now = tt_now();
	int gw, err;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if (!gateway)
		gateway = nz(conf->paylink_gateway) ? conf->paylink_gateway :
						       "midtrans";
	for (gw = 0; gw < PL__MAX; gw++)
		if (!strcmp(gateway, pl_names[gw]))
			break;
	if (gw == PL__MAX) {
		snprintf(why, n, "unknown gateway '%.32s' (midtrans, xendit, "
			 "tripay, duitku)", gateway);
		return -EINVAL;
	}
	err = pl_configured(conf, gw, why, n);
	if (err)
		return err;
	if (!number || strlen(number) >= INV_NUM_MAX) {
		snprintf(why, n, "no such invoice");
		return -ENOENT;
	}
	inv = malloc(sizeof(*inv));
	last = malloc(sizeof(*last));
	if (!inv || !last) {
		err = -ENOMEM;
		goto out;
	}

	/* the attempt number is spent before the call: never reused */
	err = store_begin(st, true, &txn);
	if (err)
		goto out;
	err = invoice_get(txn, st, number, inv);
	if (err) {
		snprintf(why, n, "no such invoice");
		goto out;
	}
	if ((inv->status != INV_ISSUED && inv->status != INV_PARTIAL) ||
	    inv->total - inv->paid <= 0) {
		snprintf(why, n, "invoice %s is %s: nothing to pay", number,
			 invoice_status_str(inv->status));
		err = -EALREADY;
		goto out;
	}
	err = sub_get(txn, st, inv->sub, &sub);
	if (err)
		goto out;
	snprintf(key, sizeof(key), "paylink:%s", number);
	err = pl_last_get(txn, st, key, last);
	if (err)
		goto out;
	snprintf(out->gateway, sizeof(out->gateway), "%s", pl_names[gw]);
	out->amount = inv->total - inv->paid;
	if (window > 0 && last->t && now >= last->t &&
	    now - last->t < window && !strcmp(last->gateway, out->gateway) &&
	    last->amount == out->amount) {
		if (!last->url[0]) {
			/* another request is talking to the gateway */
			snprintf(why, n, "a payment link for %s is being made",
				 number);
			err = -EBUSY;
			goto out;
		}
		pl_order_id(out, gw, number, last->attempt);
		snprintf(out->url, sizeof(out->url), "%s", last->url);
		out->reused = true;
		pr_info("paylink %s %s: reused (made %llds ago)", pl_names[gw],
			out->order_id, (long long)(now - last->t));
		goto out;
	}
	last->attempt++;
	last->t = now;
	last->amount = out->amount;
	snprintf(last->gateway, sizeof(last->gateway), "%s", out->gateway);
	last->url[0] = '\0';
	err = pl_last_put(txn, st, key, last);
	if (err)
		goto out;
	err = store_commit(txn);
	txn = NULL;
	if (err)
		goto out;

	pl_order_id(out, gw, number, last->attempt);
	o.inv = inv;
	o.sub = &sub;
	o.order_id = out->order_id;
	o.amount = out->amount;
	o.return_url = nz(return_url) ? return_url : NULL;
	snprintf(o.desc, sizeof(o.desc), "Tagihan internet %s (%s)",
		 inv->period, number);
	switch (gw) {
	case PL_MIDTRANS:
		err = pl_midtrans(conf, &o, out, why, n);
		break;
	case PL_XENDIT:
		err = pl_xendit(conf, &o, out, why, n);
		break;
	case PL_TRIPAY:
		err = pl_tripay(conf, &o, out, why, n);
		break;
	default:
		err = pl_duitku(conf, &o, out, why, n);
		break;
	}
	pl_last_done(st, key, last, err ? NULL : out->url);
	if (err)
		pr_info("paylink %s %s: %s", pl_names[gw], out->order_id, why);
	else
		pr_info("paylink %s %s: created", pl_names[gw], out->order_id);
out:
	if (txn)
		store_abort(txn);
	free(inv);
	free(last);
	if (err && !why[0])
		snprintf(why, n, "%s", strerror(-err));
	return err;
}

int paylink_create(struct store *st, const struct tagih_conf *conf,
		   const char *number, const char *gateway,
		   const char *return_url, struct paylink *out, char *why,
		   size_t n)
{
	return pl_create(st, conf, number, gateway, return_url, 0, out, why,
			 n);
}

int paylink_get(struct store *st, const struct tagih_conf *conf,
		const char *number, const char *gateway,
		const char *return_url, int64_t window, struct paylink *out,
		char *why, size_t n)
{
	return pl_create(st, conf, number, gateway, return_url, window, out,
			 why, n);
}
