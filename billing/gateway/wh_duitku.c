// SPDX-License-Identifier: GPL-2.0
/* wh_duitku.c - Duitku callback: urlencoded form, signature = MD5 of four fields. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "billing/gateway/webhook.h"

#define DK_MAX_FIELDS 32

struct dk_field {
	char *key;
	char *val;
};

/* Percent-decode s in place ('+' is a space). -EINVAL on a bad escape
 * or a decoded NUL (which would let two different bodies sign alike). */
static int dk_unescape(char *s)
{
	char *w = s;
	int hi, lo;

	for (; *s; s++) {
		if (*s == '+') {
			*w++ = ' ';
		} else if (*s == '%') {
			hi = wh_hexval(s[1]);
			lo = hi < 0 ? -1 : wh_hexval(s[2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -EINVAL;
			*w++ = (char)(hi << 4 | lo);
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return 0;
}

/* Split buf (NUL-terminated, modified) into fields. Returns the count or
 * -EINVAL (junk, too many fields, a key given twice). */
static int dk_form_parse(char *buf, struct dk_field *f, int max)
{
	char *save = NULL, *pair, *eq;
	int n = 0, i;

	for (pair = strtok_r(buf, "&", &save); pair;
	     pair = strtok_r(NULL, "&", &save)) {
		eq = strchr(pair, '=');
		if (!eq || eq == pair || n == max)
			return -EINVAL;
		*eq = '\0';
		if (dk_unescape(pair) || dk_unescape(eq + 1))
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (!strcmp(f[i].key, pair))
				return -EINVAL;
		f[n].key = pair;
		f[n].val = eq + 1;
		n++;
	}
	return n;
}

static const char *dk_get(const struct dk_field *f, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].key, key))
			return f[i].val;
	return NULL;
}

/*
 * signature = hex MD5(merchantCode + amount + merchantOrderId + API key).
 * The merchant code must also be ours. Our order id is merchantOrderId;
 * the gateway id is Duitku's reference. Paid: resultCode "00".
 */
int wh_duitku_parse(const struct wh_input *in, const struct wh_secrets *s,
		    struct wh_event *ev)
{
	const char *code, *amount, *order, *sig, *ref, *result;
	struct dk_field f[DK_MAX_FIELDS];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	char *buf;
	int n, err;

	if (!s->duitku_api_key || !*s->duitku_api_key ||
	    !s->duitku_merchant_code || !*s->duitku_merchant_code)
		return -ENOKEY;
	memset(ev, 0, sizeof(*ev));
	ev->gw = WH_DUITKU;
	if (memchr(in->body, '\0', in->len))
		return -EINVAL;
	buf = malloc(in->len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, in->body, in->len);
	buf[in->len] = '\0';

	n = dk_form_parse(buf, f, DK_MAX_FIELDS);
	if (n < 0) {
		err = -EINVAL;
		goto out;
	}
	sig = dk_get(f, n, "signature");
	if (!sig || !*sig) {
		err = -EACCES;
		goto out;
	}
	code = dk_get(f, n, "merchantCode");
	amount = dk_get(f, n, "amount");
	order = dk_get(f, n, "merchantOrderId");
	if (!code || !amount || !order) {
		err = -EINVAL;
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_md5(), NULL) ||
	    !EVP_DigestUpdate(ctx, code, strlen(code)) ||
	    !EVP_DigestUpdate(ctx, amount, strlen(amount)) ||
	    !EVP_DigestUpdate(ctx, order, strlen(order)) ||
	    !EVP_DigestUpdate(ctx, s->duitku_api_key,
			      strlen(s->duitku_api_key)) ||
	    !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
		err = -ENOMEM;
		goto out;
	}
	/* both compares always run: no early exit on the first mismatch */
	if (!(wh_hex_equal(sig, md, mdlen) &
	      wh_str_equal(code, s->duitku_merchant_code))) {
		err = -EACCES;
		goto out;
	}

	ref = dk_get(f, n, "reference");
	result = dk_get(f, n, "resultCode");
	if (wh_copy_id(ev->order_id, sizeof(ev->order_id), order) ||
	    wh_copy_id(ev->txn_id, sizeof(ev->txn_id), ref) ||
	    wh_copy_id(ev->status, sizeof(ev->status), result) ||
	    wh_amount_parse(amount, strlen(amount), &ev->amount)) {
		err = -EINVAL;
		goto out;
	}
	ev->paid = !strcmp(result, "00");
	ev->kind = ev->paid ? WH_KIND_PAID : WH_KIND_NONE;
	err = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	return err;
}
