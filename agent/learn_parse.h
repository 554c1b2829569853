/* SPDX-License-Identifier: GPL-2.0 */
/* learn_parse.h - PPPoE/PPP control and DHCP frames as address-learning events: pure, fuzzed. */
#ifndef TAGIH_LEARN_PARSE_H
#define TAGIH_LEARN_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include "lib/prefix.h"

enum learn_type {
	LEARN_NONE = 0,		/* nothing to learn from this frame */
	LEARN_PADS,		/* PPPoE session confirmed: sid, dst = client */
	LEARN_PADT,		/* PPPoE session terminated: sid */
	LEARN_AUTH,		/* PAP Peer-ID / CHAP Response Name: user, src = client */
	LEARN_IPCP_ACK,		/* IPCP Configure-Ack with IP-Address: ip4 (the
				 * address of the peer the Ack is sent to) */
	LEARN_LCP_TERM,		/* LCP Terminate-Request: sid */
	LEARN_DHCP_ACK,		/* DHCPACK: yiaddr, chaddr, lease, option 82 */
	LEARN_DHCP_RELEASE,	/* DHCPRELEASE: ciaddr, chaddr */
	LEARN_DHCP6_REPLY,	/* DHCPv6 Reply (server -> client, dst = the
				 * client's MAC): IA_NA addresses, IA_PD
				 * prefixes with valid lifetimes; sid when it
				 * came inside a PPPoE session */
	LEARN_DHCP6_RELEASE,	/* DHCPv6 Release (src = the client) */
};

#define LEARN_V6_MAX 4

#define LEARN_USER_MAX 255
#define LEARN_O82_MAX 64	/* bytes of text of a sub-option */

struct learn_ev {
	int type;		/* enum learn_type */
	uint8_t dst[6], src[6];	/* Ethernet addresses */
	uint16_t vlan[2];	/* outer, inner (0 = none) */
	uint16_t sid;		/* PPPoE session id */
	char user[LEARN_USER_MAX + 1];
	uint8_t ip4[4];		/* IPCP address, yiaddr or ciaddr */
	uint8_t chaddr[6];
	uint32_t lease;		/* DHCP option 51, seconds; 0 = absent */
	/* option 82 circuit-id (1) and remote-id (2): printable ASCII as it
	 * is, anything else as lower-case hex pairs split by ':' (cut to
	 * fit); "" = absent */
	char circuit[3 * LEARN_O82_MAX + 1];
	char remote[3 * LEARN_O82_MAX + 1];
	/* DHCPv6: up to LEARN_V6_MAX addresses (/128) and prefixes */
	int n6;
	struct prefix v6[LEARN_V6_MAX];
	uint32_t v6_valid[LEARN_V6_MAX];	/* seconds; 0xffffffff infinite */
};

/*
 * One frame f[0..n) (Ethernet, up to two VLAN tags) into ev. Returns the
 * event type (LEARN_NONE for frames that teach nothing: other PPPoE
 * codes, other PPP packets, DHCP messages other than ACK and RELEASE) or
 * -EINVAL for a frame of a learned kind whose contents do not fit (a
 * length past the frame, a PAP Peer-ID with a NUL, a DHCP option cut
 * short, a hardware address not Ethernet).
 */
int learn_parse(const uint8_t *f, size_t n, struct learn_ev *ev);

#endif
