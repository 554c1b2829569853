// SPDX-License-Identifier: GPL-2.0
/* test_learn.c - the address-learning parser on PPPoE and DHCP frames made by scapy (as on the wire). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/learn_parse.h"

/* Frames built with scapy 2.5 (tests/fuzz/corpus/learn holds the same
 * bytes): client 02:00:00:00:00:01, AC / server 02:ac:00:00:00:01. */
static const char chap_hex[] =
	"02ac0000000102000000000181000064886411001234001bc223020700191011"
	"11111111111111111111111111111173697469";
static const char data_hex[] =
	"02ac000000010200000000018864110012340028002145000026000100004011"
	"0c7b6440000a0a00000200350035001236ba78787878787878787878";
static const char dhcp_ack_hex[] =
	"02000000000102ac0000000188a800c88100001e080045000132000100004011"
	"6fba0a000001ffffffff00430044011e83440201060000000000000000000000"
	"0000644001050000000000000000020000000001000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000006382"
	"5363350105330400000e1036040a0000015214010a6f6c74312f312f313a3702"
	"06001122334455ff";
static const char dhcp_offer_hex[] =
	"02000000000102ac000000010800450001100001000040116fdc0a000001ffff"
	"ffff0043004400fc954102010600000000000000000000000000644001050000"
	"0000000000000200000000010000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000063825363350102ff";
static const char dhcp_release_hex[] =
	"02ac000000010200000000010800450001100001000040110a97644001050a00"
	"00010044004300fc2bfc01010600000000000000000064400105000000000000"
	"0000000000000200000000010000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000063825363350107ff";
static const char ipcp_ack_hex[] =
	"02000000000102ac000000018864110012340012802102010010810608080808"
	"03066440000a";
static const char lcp_term_hex[] =
	"02ac000000010200000000018864110012340006c02105020004";
static const char pads_hex[] =
	"02000000000102ac00000001886311651234000c010100000102000461633031";
static const char padt_hex[] =
	"02000000000102ac00000001886311a712340000";
static const char pap_hex[] =
	"02ac000000010200000000018864110012340018c02301000016096275646940"
	"727472770772616861736961";

static const char dhcp6_reply_hex[] =
	"02000000000102ac0000000186dd6000000000731140fe800000000000000000"
	"0000000000acfe800000000000000000000000000001022302220073f96e0700"
	"12340002000a0003000102ac0000000100190029000000010000000000000000"
	"001a001900000bb800000e103820010db8010000000000000000000000000300"
	"280000000200000000000000000005001820010db80001000000000000000000"
	"1000000bb800000e10";
static const char dhcp6_pd_pppoe_hex[] =
	"02000000000102ac00000001886411001234006300576000000000391140fe80"
	"00000000000000000000000000acfe8000000000000000000000000000010223"
	"02220039d8e60700123400190029000000010000000000000000001a00190000"
	"0bb800000e103820010db8020000000000000000000000";
static const char dhcp6_release_hex[] =
	"02ac0000000102000000000186dd6000000000391140fe800000000000000000"
	"000000000001ff02000000000000000000000001000202220223003903b60800"
	"005500190029000000010000000000000000001a001900000000000000003820"
	"010db8010000000000000000000000";

static const uint8_t CL[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t AC[6] = { 2, 0xac, 0, 0, 0, 1 };

static size_t unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = strlen(h) / 2, i;

	ck_assert_uint_le(n, max);
	for (i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static uint8_t buf[2048];
static size_t blen;
static struct learn_ev ev;

static int parse(const char *hex)
{
	blen = unhex(hex, buf, sizeof(buf));
	return learn_parse(buf, blen, &ev);
}

START_TEST(pppoe_session)
{
	ck_assert_int_eq(parse(pads_hex), LEARN_PADS);
	ck_assert_uint_eq(ev.sid, 0x1234);
	ck_assert_mem_eq(ev.dst, CL, 6);
	ck_assert_int_eq(parse(pap_hex), LEARN_AUTH);
	ck_assert_str_eq(ev.user, "budi@rtrw");
	ck_assert_mem_eq(ev.src, CL, 6);
	ck_assert_int_eq(parse(chap_hex), LEARN_AUTH);
	ck_assert_str_eq(ev.user, "siti");
	ck_assert_uint_eq(ev.vlan[0], 100);
	ck_assert_int_eq(parse(ipcp_ack_hex), LEARN_IPCP_ACK);
	ck_assert_mem_eq(ev.ip4, "\x64\x40\x00\x0a", 4);	/* after DNS1 */
	ck_assert_mem_eq(ev.src, AC, 6);
	ck_assert_int_eq(parse(lcp_term_hex), LEARN_LCP_TERM);
	ck_assert_int_eq(parse(padt_hex), LEARN_PADT);
	ck_assert_uint_eq(ev.sid, 0x1234);
	/* session data teaches nothing */
	ck_assert_int_eq(parse(data_hex), LEARN_NONE);
}
END_TEST

START_TEST(dhcp)
{
	ck_assert_int_eq(parse(dhcp_ack_hex), LEARN_DHCP_ACK);
	ck_assert_mem_eq(ev.ip4, "\x64\x40\x01\x05", 4);
	ck_assert_mem_eq(ev.chaddr, CL, 6);
	ck_assert_uint_eq(ev.lease, 3600);
	ck_assert_str_eq(ev.circuit, "olt1/1/1:7");
	ck_assert_str_eq(ev.remote, "00:11:22:33:44:55");	/* binary: hex */
	ck_assert_uint_eq(ev.vlan[0], 200);			/* QinQ */
	ck_assert_uint_eq(ev.vlan[1], 30);
	ck_assert_int_eq(parse(dhcp_release_hex), LEARN_DHCP_RELEASE);
	ck_assert_mem_eq(ev.ip4, "\x64\x40\x01\x05", 4);
	ck_assert_int_eq(parse(dhcp_offer_hex), LEARN_NONE);
}
END_TEST

/* Every truncation of every frame: never a read past the end (ASan in
 * make check-san), never an event built from a cut frame. */
START_TEST(truncated)
{
	static const char *const all[] = { pads_hex, padt_hex, pap_hex,
		chap_hex, ipcp_ack_hex, lcp_term_hex, dhcp_ack_hex,
		dhcp_release_hex, dhcp_offer_hex, data_hex, dhcp6_reply_hex,
		dhcp6_pd_pppoe_hex, dhcp6_release_hex };
	size_t i, n;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		size_t full = unhex(all[i], buf, sizeof(buf));

		for (n = 0; n < full; n++) {
			uint8_t *cut = malloc(n ? n : 1);
			int t;

			memcpy(cut, buf, n);
			t = learn_parse(cut, n, &ev);
			free(cut);
			/* PADS/PADT carry no payload that is read; the rest
			 * must not be taken from a frame cut inside it */
			if (t == LEARN_AUTH || t == LEARN_IPCP_ACK ||
			    t == LEARN_DHCP_ACK || t == LEARN_DHCP6_REPLY)
				ck_abort_msg("frame %zu cut at %zu gave %d", i, n, t);
		}
	}
}
END_TEST

START_TEST(malformed)
{
	/* PAP Peer-ID longer than the packet */
	parse(pap_hex);
	buf[26] = 0x40;
	ck_assert_int_eq(learn_parse(buf, blen, &ev), -EINVAL);
	/* PAP Peer-ID with a NUL */
	parse(pap_hex);
	buf[28] = 0;
	ck_assert_int_eq(learn_parse(buf, blen, &ev), -EINVAL);
	/* a PPPoE length past the frame */
	parse(ipcp_ack_hex);
	buf[19] = 0xff;
	ck_assert_int_eq(learn_parse(buf, blen, &ev), -EINVAL);
	/* an IPCP option of length 0 */
	parse(ipcp_ack_hex);
	buf[27] = 0;
	ck_assert_int_eq(learn_parse(buf, blen, &ev), -EINVAL);
	/* a DHCP hardware type that is not Ethernet */
	parse(dhcp_release_hex);
	buf[14 + 20 + 8 + 1] = 6;
	ck_assert_int_eq(learn_parse(buf, blen, &ev), -EINVAL);
}
END_TEST

START_TEST(dhcp6)
{
	char b[64];

	ck_assert_int_eq(parse(dhcp6_reply_hex), LEARN_DHCP6_REPLY);
	ck_assert_mem_eq(ev.dst, CL, 6);
	ck_assert_uint_eq(ev.sid, 0);
	ck_assert_int_eq(ev.n6, 2);
	ck_assert_str_eq(prefix_fmt(&ev.v6[0], b, sizeof(b)), "2001:db8:100::/56");
	ck_assert_uint_eq(ev.v6_valid[0], 3600);
	ck_assert_str_eq(prefix_fmt(&ev.v6[1], b, sizeof(b)), "2001:db8:1::10/128");
	ck_assert_int_eq(parse(dhcp6_pd_pppoe_hex), LEARN_DHCP6_REPLY);
	ck_assert_uint_eq(ev.sid, 0x1234);
	ck_assert_int_eq(ev.n6, 1);
	ck_assert_str_eq(prefix_fmt(&ev.v6[0], b, sizeof(b)), "2001:db8:200::/56");
	ck_assert_int_eq(parse(dhcp6_release_hex), LEARN_DHCP6_RELEASE);
	ck_assert_mem_eq(ev.src, CL, 6);
	ck_assert_int_eq(ev.n6, 1);
	/* an IA_PD whose length runs past the message */
	parse(dhcp6_release_hex);
	buf[blen - 43] = 0xff;	/* IA_PD option-len, high byte */
	ck_assert_int_eq(learn_parse(buf, blen, &ev), -EINVAL);
}
END_TEST

static Suite *learn_suite(void)
{
	Suite *s = suite_create("learn");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, pppoe_session);
	tcase_add_test(tc, dhcp);
	tcase_add_test(tc, dhcp6);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, malformed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(learn_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
