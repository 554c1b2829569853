// SPDX-License-Identifier: GPL-2.0
/* radius_parse.c - RADIUS accounting packets: a bounded TLV walk and the MD5 authenticators (libcrypto). */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "agent/radius_parse.h"

enum {
	A_USER_NAME = 1,
	A_FRAMED_IP = 8,
	A_STATUS_TYPE = 40,
	A_IN_OCTETS = 42,
	A_OUT_OCTETS = 43,
	A_SESSION_ID = 44,
	A_IN_GIGA = 52,
	A_OUT_GIGA = 53,
	A_FRAMED_V6_PREFIX = 97,
	A_DELEGATED_V6_PREFIX = 123,
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A text attribute into dst, once. */
static int take_str(char *dst, const uint8_t *v, size_t vl)
{
	if (dst[0] || !vl || memchr(v, '\0', vl))
		return -EINVAL;
	memcpy(dst, v, vl);	/* vl <= 253 */
	dst[vl] = '\0';
	return 0;
}

/* RFC 3162 2.3 / RFC 4818: reserved, prefix length, prefix bytes. */
static int take_v6(struct radius_acct *a, const uint8_t *v, size_t vl)
{
	struct prefix *p;
	unsigned len, bytes, i;

	if (vl < 2)
		return -EINVAL;
	len = v[1];
	bytes = (len + 7) / 8;
	if (len > 128 || vl - 2 < bytes || vl - 2 > 16)
		return -EINVAL;
	if (a->n6 >= RADIUS_V6_MAX)
		return -EINVAL;
	p = &a->v6[a->n6++];
	memset(p, 0, sizeof(*p));
	p->family = 6;
	p->len = (uint8_t)len;
	memcpy(p->addr, v + 2, bytes);
	for (i = 0; i < 16; i++) {
		int bits = (int)len - (int)i * 8;

		if (bits < 8)
			p->addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
	return 0;
}

static int take_attr(struct radius_acct *a, unsigned type, const uint8_t *v,
		     size_t vl)
{
	switch (type) {
	case A_USER_NAME:
		return take_str(a->user, v, vl);
	case A_SESSION_ID:
		return take_str(a->session, v, vl);
	case A_FRAMED_IP:
		if (vl != 4 || a->has_ip4)
			return -EINVAL;
		memcpy(a->ip4, v, 4);
		a->has_ip4 = true;
		return 0;
	case A_STATUS_TYPE:
		if (vl != 4 || a->status)
			return -EINVAL;
		a->status = get32(v);
		return a->status ? 0 : -EINVAL;
	case A_IN_OCTETS:
	case A_OUT_OCTETS:
	case A_IN_GIGA:
	case A_OUT_GIGA: {
		uint64_t x;

		if (vl != 4)
			return -EINVAL;
		x = get32(v);
		if (type == A_IN_GIGA || type == A_OUT_GIGA)
			x <<= 32;
		if (type == A_IN_OCTETS || type == A_IN_GIGA)
			a->in_octets += x;
		else
			a->out_octets += x;
		return 0;
	}
	case A_FRAMED_V6_PREFIX:
	case A_DELEGATED_V6_PREFIX:
		return take_v6(a, v, vl);
	}
	return 0;	/* everything else: skipped */
}

int radius_parse(const uint8_t *buf, size_t n, struct radius_acct *out)
{
	size_t len, off;
	int err;

	memset(out, 0, sizeof(*out));
	if (!buf || n < RADIUS_HDR)
		return -EINVAL;
	len = (size_t)buf[2] << 8 | buf[3];
	if (len < RADIUS_HDR || len > RADIUS_MAX || len > n)
		return -EINVAL;
	out->code = buf[0];
	out->id = buf[1];
	out->len = (uint16_t)len;
	memcpy(out->auth, buf + 4, 16);
	for (off = RADIUS_HDR; off < len;) {
		unsigned type, al;

		if (len - off < 2)
			return -EINVAL;
		type = buf[off];
		al = buf[off + 1];
		if (al < 2 || al > len - off)
			return -EINVAL;
		err = take_attr(out, type, buf + off + 2, al - 2);
		if (err)
			return err;
		off += al;
	}
	return out->code == RADIUS_CODE_ACCT_REQ ? 0 : -EPROTO;
}

/* MD5 over parts; 0 or -EIO. */
static int md5(uint8_t out[16], const void *a, size_t al, const void *b,
	       size_t bl, const void *c, size_t cl, const void *d, size_t dl)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned olen = 0;
	int ok;

	if (!ctx)
		return -EIO;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
	     EVP_DigestUpdate(ctx, a, al) && EVP_DigestUpdate(ctx, b, bl) &&
	     EVP_DigestUpdate(ctx, c, cl) && EVP_DigestUpdate(ctx, d, dl) &&
	     EVP_DigestFinal_ex(ctx, out, &olen) && olen == 16;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

static const uint8_t zero16[16];

/* The authenticator a request of buf[0..len) must carry. */
static int req_auth(const uint8_t *buf, size_t len, const char *secret,
		    size_t slen, uint8_t out[16])
{
	if (len < RADIUS_HDR)
		return -EINVAL;
	return md5(out, buf, 4, zero16, 16, buf + RADIUS_HDR, len - RADIUS_HDR,
		   secret, slen);
}

int radius_acct_verify(const uint8_t *buf, size_t len, const char *secret,
		       size_t slen)
{
	uint8_t want[16];
	int err;

	err = req_auth(buf, len, secret, slen, want);
	if (err)
		return err;
	return CRYPTO_memcmp(want, buf + 4, 16) ? -EBADMSG : 0;
}

int radius_acct_sign(uint8_t *buf, size_t len, const char *secret,
		     size_t slen)
{
	uint8_t a[16];
	int err;

	err = req_auth(buf, len, secret, slen, a);
	if (!err)
		memcpy(buf + 4, a, 16);
	return err;
}

int radius_acct_response(const struct radius_acct *req, const char *secret,
			 size_t slen, uint8_t out[RADIUS_HDR])
{
	uint8_t a[16];
	int err;

	out[0] = RADIUS_CODE_ACCT_RESP;
	out[1] = req->id;
	out[2] = 0;
	out[3] = RADIUS_HDR;
	err = md5(a, out, 4, req->auth, 16, "", 0, secret, slen);
	if (err)
		return err;
	memcpy(out + 4, a, 16);
	return RADIUS_HDR;
}
