/* SPDX-License-Identifier: GPL-2.0 */
/* nat.h - does this box masquerade its subscribers (download_hook = auto)? */
#ifndef TAGIH_NAT_H
#define TAGIH_NAT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when nftables (`nft list ruleset`) or legacy iptables
 * (`iptables-save -t nat`, only when the ip_tables module is loaded) has a
 * masquerade or SNAT rule that leaves by one of the n wan interfaces, or
 * names no output interface at all. why (n bytes) gets the rule's first
 * words. A missing nft or iptables counts as no NAT.
 */
bool nat_present(char *const *wan, int n, char *why, size_t whylen);

/* The same test on one rule line of either tool (for the tests). */
bool nat_rule_line(const char *line, char *const *wan, int n);

#endif
