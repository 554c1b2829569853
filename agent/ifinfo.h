/* SPDX-License-Identifier: GPL-2.0 */
/* ifinfo.h - what kind of device an interface is, asked over rtnetlink in the agent's own network namespace. */
#ifndef TAGIH_IFINFO_H
#define TAGIH_IFINFO_H

#include <stddef.h>

/*
 * The rtnetlink link kind of iface (IFLA_INFO_KIND: "veth", "bridge",
 * "vlan", "macvlan", ...; "" for a physical NIC) and the kind of the
 * device it is enslaved to (IFLA_INFO_SLAVE_KIND: "bridge" for a bridge
 * port, "bond", ...; "" when none). Unlike /sys/class/net, this answers
 * for the namespace the agent runs in. Returns 0 or -errno.
 */
int ifinfo_kinds(const char *iface, char *kind, size_t klen, char *slave,
		 size_t slen);

#endif
