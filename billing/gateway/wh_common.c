// SPDX-License-Identifier: GPL-2.0
/* wh_common.c - what the four webhook parsers share: headers, amounts, compares. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "billing/gateway/webhook.h"
#include "lib/hex.h"

static const char *const wh_names[WH__MAX] = {
	[WH_MIDTRANS] = "midtrans",
	[WH_XENDIT] = "xendit",
	[WH_TRIPAY] = "tripay",
	[WH_DUITKU] = "duitku",
};

const char *wh_gateway_name(enum wh_gateway gw)
{
	return (unsigned)gw < WH__MAX ? wh_names[gw] : "?";
}

int wh_gateway_from_name(const char *name)
{
	int i;

	for (i = 0; i < WH__MAX; i++)
		if (name && !strcmp(name, wh_names[i]))
			return i;
	return -1;
}

wh_parse_fn wh_parser(enum wh_gateway gw)
{
	switch (gw) {
	case WH_MIDTRANS:
		return wh_midtrans_parse;
	case WH_XENDIT:
		return wh_xendit_parse;
	case WH_TRIPAY:
		return wh_tripay_parse;
	case WH_DUITKU:
		return wh_duitku_parse;
	default:
		return NULL;
	}
}

const char *wh_header_get(const struct wh_input *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->nhdr; i++)
		if (in->hdr[i].name && !strcasecmp(in->hdr[i].name, name))
			return in->hdr[i].value;
	return NULL;
}

int wh_amount_parse(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0, digits = 0, frac;

	if (!s || !len)
		return -EINVAL;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (!digits || (digits > 1 && s[0] == '0'))
		return -EINVAL;
	if (i < len) {
		/* Rupiah have no subunit in practice: only .0 or .00 */
		if (s[i] != '.')
			return -EINVAL;
		for (frac = 0, i++; i < len; i++, frac++)
			if (s[i] != '0')
				return -EINVAL;
		if (frac < 1 || frac > 2)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

int wh_json_amount(json_t *v, int64_t *out)
{
	const char *str;
	double d;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -EINVAL;
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		/* some gateways send 150000.0; only whole values below 2^53
		 * are exact in a double, so anything else is refused */
		d = json_real_value(v);
		if (!(d >= 0 && d <= 9007199254740992.0) || d != (double)(int64_t)d)
			return -EINVAL;
		*out = (int64_t)d;
		return 0;
	}
	str = json_string_value(v);
	if (!str)
		return -EINVAL;
	return wh_amount_parse(str, strlen(str), out);
}

int wh_hexval(char c)
{
	return hex_digit(c);
}

bool wh_hex_equal(const char *hex, const unsigned char *md, size_t mdlen)
{
	unsigned char got[64];
	size_t i;
	int hi, lo;

	if (!hex || mdlen > sizeof(got) || strlen(hex) != 2 * mdlen)
		return false;
	for (i = 0; i < mdlen; i++) {
		hi = wh_hexval(hex[2 * i]);
		lo = wh_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	return CRYPTO_memcmp(got, md, mdlen) == 0;
}

bool wh_str_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return false;
	return CRYPTO_memcmp(a, b, la) == 0;
}

int wh_copy_id(char *dst, size_t n, const char *src)
{
	size_t len, i;

	if (!src)
		return -EINVAL;
	len = strlen(src);
	if (!len || len >= n)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if ((unsigned char)src[i] < 0x21 || src[i] == 0x7f)
			return -EINVAL;
	memcpy(dst, src, len + 1);
	return 0;
}
