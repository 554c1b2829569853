// SPDX-License-Identifier: GPL-2.0
/* test_nat.c - download_hook auto: which nft/iptables rule lines mean this box masquerades its subscribers. */
#include <check.h>
#include <stdlib.h>

#include "agent/nat.h"

static char *wan[] = { "wan0", "ppp0" };

START_TEST(nft_lines)
{
	ck_assert(nat_rule_line("\t\toifname \"wan0\" masquerade\n", wan, 2));
	ck_assert(nat_rule_line("oif \"ppp0\" snat to 198.51.100.1\n", wan,
				2));
	/* no output interface named: every packet leaving, wans too */
	ck_assert(nat_rule_line("ip saddr 10.0.0.0/8 masquerade\n", wan, 2));
	/* NAT towards another interface only */
	ck_assert(!nat_rule_line("oifname \"lan0\" masquerade\n", wan, 2));
	ck_assert(!nat_rule_line("oifname \"wan01\" masquerade\n", wan, 2));
	/* no NAT: counters, dnat, words inside other words */
	ck_assert(!nat_rule_line("ip daddr 10.0.0.1 counter accept\n", wan,
				 2));
	ck_assert(!nat_rule_line("tcp dport 80 dnat to 10.0.0.2\n", wan, 2));
	ck_assert(!nat_rule_line("comment \"nosnatting\"\n", wan, 2));
	ck_assert(!nat_rule_line("table ip nat {\n", wan, 2));
}
END_TEST

START_TEST(iptables_lines)
{
	ck_assert(nat_rule_line("-A POSTROUTING -o wan0 -j MASQUERADE\n",
				wan, 2));
	ck_assert(nat_rule_line("-A POSTROUTING -s 10.0.0.0/8 -j SNAT "
				"--to-source 1.2.3.4\n", wan, 2));
	ck_assert(!nat_rule_line("-A POSTROUTING -o eth9 -j MASQUERADE\n",
				 wan, 2));
	ck_assert(!nat_rule_line("-A PREROUTING -j DNAT --to 10.0.0.2\n", wan,
				 2));
	ck_assert(!nat_rule_line(":POSTROUTING ACCEPT [0:0]\n", wan, 2));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nat");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, nft_lines);
	tcase_add_test(tc, iptables_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
