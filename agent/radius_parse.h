/* SPDX-License-Identifier: GPL-2.0 */
/* radius_parse.h - RADIUS Accounting-Request (RFC 2866) parsing and authenticators: pure, fuzzed. */
#ifndef TAGIH_RADIUS_PARSE_H
#define TAGIH_RADIUS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/prefix.h"

#define RADIUS_HDR 20
#define RADIUS_MAX 4096			/* RFC 2865 3: 20..4096 octets */
#define RADIUS_CODE_ACCT_REQ 4
#define RADIUS_CODE_ACCT_RESP 5

enum radius_status {			/* Acct-Status-Type (40) */
	RADIUS_START = 1,
	RADIUS_STOP = 2,
	RADIUS_INTERIM = 3,
	RADIUS_ACCT_ON = 7,
	RADIUS_ACCT_OFF = 8,
};

#define RADIUS_STR_MAX 253
#define RADIUS_V6_MAX 4			/* Framed- and Delegated-IPv6-Prefix */

/* What tagih reads from one Accounting-Request; the rest is skipped. */
struct radius_acct {
	uint8_t code, id;
	uint16_t len;			/* the header's Length */
	uint8_t auth[16];		/* Request Authenticator */
	uint32_t status;		/* enum radius_status, 0 = absent */
	char user[RADIUS_STR_MAX + 1];	/* User-Name (1), "" = absent */
	char session[RADIUS_STR_MAX + 1]; /* Acct-Session-Id (44) */
	bool has_ip4;
	uint8_t ip4[4];			/* Framed-IP-Address (8) */
	int n6;
	struct prefix v6[RADIUS_V6_MAX]; /* (97) and (123), host bits cleared */
	uint64_t in_octets, out_octets;	/* (42)+(52), (43)+(53) << 32 */
};

/*
 * Parse buf[0..n): an Accounting-Request whose Length is 20..4096 and at
 * most n (octets past Length are padding, RFC 2865 3), attributes that
 * tile the packet exactly, each at least 2 long. Strings with a NUL are
 * refused, and so is a second User-Name, Acct-Session-Id or Acct-Status-
 * Type, an IPv4 attribute not 4 long, an IPv6 prefix attribute shorter
 * than 2 + its prefix length's bytes or with a length over 128. Does not
 * check the authenticator. Returns 0, -EINVAL (malformed) or -EPROTO (a
 * well-formed packet that is not an Accounting-Request).
 */
int radius_parse(const uint8_t *buf, size_t n, struct radius_acct *out);

/*
 * Is the Request Authenticator of the packet buf[0..len) (len = its
 * Length) MD5(Code + Identifier + Length + 16 zero octets + attributes +
 * secret) (RFC 2866 3), compared in constant time? Returns 0, -EBADMSG
 * (it is not) or -EIO (libcrypto failed).
 */
int radius_acct_verify(const uint8_t *buf, size_t len, const char *secret,
		       size_t slen);

/*
 * The Accounting-Response to req (no attributes) into out: Code 5, the
 * same Identifier, Length 20, Response Authenticator = MD5(Code +
 * Identifier + Length + Request Authenticator + secret). Returns 20 or
 * -EIO.
 */
int radius_acct_response(const struct radius_acct *req, const char *secret,
			 size_t slen, uint8_t out[RADIUS_HDR]);

/* For tests and radclient-less tools: sign a request built in buf (its
 * authenticator field is overwritten). Returns 0 or -EIO. */
int radius_acct_sign(uint8_t *buf, size_t len, const char *secret,
		     size_t slen);

#endif
