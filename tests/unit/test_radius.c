// SPDX-License-Identifier: GPL-2.0
/* test_radius.c - the RADIUS accounting parser and authenticators on a MikroTik-shaped Start. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/radius_parse.h"

#define SECRET "testing123"

/*
 * A PPPoE Start as a MikroTik sends it (Acct-Status-Type, User-Name,
 * NAS-Port-Type, Calling-Station-Id, Called-Station-Id, Acct-Session-Id,
 * Framed-IP-Address, Framed-IPv6-Prefix /64, Delegated-IPv6-Prefix /56,
 * Acct-Authentic, Acct-Delay-Time, Service-Type, Framed-Protocol,
 * NAS-Identifier, NAS-IP-Address, a Vendor-Specific), signed with
 * "testing123" by Python's hashlib, not by the code under test.
 */
static const uint8_t start_pkt[] = {
0x04, 0x2a, 0x00, 0xa4, 0x1f, 0x3c, 0x12, 0x49, 0x29, 0x12, 0x4b, 0xf3,
0x24, 0xcd, 0xfd, 0x21, 0x42, 0xb1, 0xaa, 0x2c, 0x28, 0x06, 0x00, 0x00,
0x00, 0x01, 0x01, 0x0b, 0x62, 0x75, 0x64, 0x69, 0x40, 0x72, 0x74, 0x72,
0x77, 0x3d, 0x06, 0x00, 0x00, 0x00, 0x0f, 0x1f, 0x13, 0x41, 0x41, 0x3a,
0x42, 0x42, 0x3a, 0x43, 0x43, 0x3a, 0x30, 0x30, 0x3a, 0x31, 0x31, 0x3a,
0x32, 0x32, 0x1e, 0x0b, 0x70, 0x70, 0x70, 0x6f, 0x65, 0x2d, 0x73, 0x76,
0x63, 0x2c, 0x0a, 0x38, 0x31, 0x65, 0x30, 0x30, 0x30, 0x30, 0x35, 0x08,
0x06, 0x64, 0x40, 0x03, 0x07, 0x61, 0x0c, 0x00, 0x40, 0x20, 0x01, 0x0d,
0xb8, 0x01, 0x00, 0x00, 0x00, 0x7b, 0x0b, 0x00, 0x38, 0x20, 0x01, 0x0d,
0xb8, 0x01, 0x00, 0x00, 0x2d, 0x06, 0x00, 0x00, 0x00, 0x01, 0x29, 0x06,
0x00, 0x00, 0x00, 0x00, 0x06, 0x06, 0x00, 0x00, 0x00, 0x02, 0x07, 0x06,
0x00, 0x00, 0x00, 0x01, 0x20, 0x0d, 0x4d, 0x69, 0x6b, 0x72, 0x6f, 0x54,
0x69, 0x6b, 0x2d, 0x47, 0x57, 0x04, 0x06, 0x0a, 0x00, 0x00, 0x01, 0x1a,
0x09, 0x00, 0x00, 0x3a, 0x8c, 0x01, 0x03, 0x78
};
static const uint8_t resp_auth[16] = {
	0x6e, 0x71, 0x81, 0xaa, 0x08, 0xa1, 0xd0, 0x34,
	0xf9, 0xdb, 0x59, 0x7e, 0xf0, 0xf6, 0x2d, 0x81
};

START_TEST(mikrotik_start)
{
	struct radius_acct a;
	char b[64];

	ck_assert_int_eq(radius_parse(start_pkt, sizeof(start_pkt), &a), 0);
	ck_assert_uint_eq(a.id, 0x2a);
	ck_assert_uint_eq(a.status, RADIUS_START);
	ck_assert_str_eq(a.user, "budi@rtrw");
	ck_assert_str_eq(a.session, "81e00005");
	ck_assert(a.has_ip4);
	ck_assert_mem_eq(a.ip4, "\x64\x40\x03\x07", 4);
	ck_assert_int_eq(a.n6, 2);
	ck_assert_str_eq(prefix_fmt(&a.v6[0], b, sizeof(b)), "2001:db8:100::/64");
	ck_assert_str_eq(prefix_fmt(&a.v6[1], b, sizeof(b)), "2001:db8:100::/56");
	ck_assert_int_eq(radius_acct_verify(start_pkt, a.len, SECRET,
					    strlen(SECRET)), 0);
	ck_assert_int_eq(radius_acct_verify(start_pkt, a.len, "testing124",
					    10), -EBADMSG);
}
END_TEST

START_TEST(response)
{
	struct radius_acct a;
	uint8_t r[RADIUS_HDR];

	ck_assert_int_eq(radius_parse(start_pkt, sizeof(start_pkt), &a), 0);
	ck_assert_int_eq(radius_acct_response(&a, SECRET, strlen(SECRET), r),
			 RADIUS_HDR);
	ck_assert_uint_eq(r[0], RADIUS_CODE_ACCT_RESP);
	ck_assert_uint_eq(r[1], 0x2a);
	ck_assert_uint_eq(r[3], 20);
	ck_assert_mem_eq(r + 4, resp_auth, 16);
}
END_TEST

/* Every single-byte change breaks the authenticator; a forged one with
 * a valid shape is refused by verify, not by parse. */
START_TEST(forged)
{
	uint8_t p[sizeof(start_pkt)];
	struct radius_acct a;
	size_t i;

	for (i = 0; i < sizeof(p); i++) {
		memcpy(p, start_pkt, sizeof(p));
		p[i] ^= 0x01;
		if (radius_parse(p, sizeof(p), &a))
			continue;
		ck_assert_int_eq(radius_acct_verify(p, a.len, SECRET,
						    strlen(SECRET)), -EBADMSG);
	}
	/* signing makes it good again */
	memcpy(p, start_pkt, sizeof(p));
	p[30] ^= 1;	/* inside User-Name */
	ck_assert_int_eq(radius_acct_sign(p, sizeof(p), SECRET,
					  strlen(SECRET)), 0);
	ck_assert_int_eq(radius_acct_verify(p, sizeof(p), SECRET,
					    strlen(SECRET)), 0);
}
END_TEST

START_TEST(malformed)
{
	uint8_t p[sizeof(start_pkt) + 8];
	struct radius_acct a;
	size_t i;

	/* every truncation of the Length */
	for (i = 0; i < sizeof(start_pkt); i++)
		ck_assert_int_ne(radius_parse(start_pkt, i, &a), 0);
	/* padding after Length is ignored */
	memset(p, 0xee, sizeof(p));
	memcpy(p, start_pkt, sizeof(start_pkt));
	ck_assert_int_eq(radius_parse(p, sizeof(p), &a), 0);
	/* Length one short: the last attribute no longer fits */
	memcpy(p, start_pkt, sizeof(start_pkt));
	p[3] -= 1;
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EINVAL);
	/* an attribute of length 0 or 1 */
	memcpy(p, start_pkt, sizeof(start_pkt));
	p[21] = 1;
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EINVAL);
	p[21] = 0;
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EINVAL);
	/* a NUL inside User-Name */
	memcpy(p, start_pkt, sizeof(start_pkt));
	p[30] = 0;
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EINVAL);
	/* an Access-Request is not ours */
	memcpy(p, start_pkt, sizeof(start_pkt));
	p[0] = 1;
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EPROTO);
	/* a Framed-IPv6-Prefix that claims /129, or more bytes than it has */
	memcpy(p, start_pkt, sizeof(start_pkt));
	p[92] = 129;	/* 0x61 0x0c 0x00 [0x40] */
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EINVAL);
	p[92] = 0x48;	/* /72: 9 bytes, 8 given */
	ck_assert_int_eq(radius_parse(p, sizeof(start_pkt), &a), -EINVAL);
}
END_TEST

static Suite *radius_suite(void)
{
	Suite *s = suite_create("radius");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, mikrotik_start);
	tcase_add_test(tc, response);
	tcase_add_test(tc, forged);
	tcase_add_test(tc, malformed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(radius_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
