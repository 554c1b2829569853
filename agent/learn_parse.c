// SPDX-License-Identifier: GPL-2.0
/* learn_parse.c - PPPoE discovery, PAP/CHAP/IPCP/LCP and DHCP ACK/RELEASE parsing: bounded, no allocation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/learn_parse.h"

#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_IP		0x0800
#define ETH_IPV6	0x86dd
#define PPP_IPV6	0x0057
#define ETH_PPPOE_DISC	0x8863
#define ETH_PPPOE_SES	0x8864
#define PPP_LCP		0xc021
#define PPP_PAP		0xc023
#define PPP_CHAP	0xc223
#define PPP_IPCP	0x8021
#define PADS		0x65
#define PADT		0xa7
#define DHCP_MAGIC	0x63825363

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A PPP packet (code, id, length) of a control protocol. */
static int ppp_ctrl(uint16_t proto, const uint8_t *p, size_t n,
		    struct learn_ev *ev)
{
	size_t len, i;

	if (n < 4)
		return -EINVAL;
	len = be16(p + 2);
	if (len < 4 || len > n)
		return -EINVAL;
	switch (proto) {
	case PPP_LCP:
		return p[0] == 5 ? LEARN_LCP_TERM : LEARN_NONE;
	case PPP_PAP: {
		size_t ul;

		if (p[0] != 1)	/* Authenticate-Request */
			return LEARN_NONE;
		if (len < 5)
			return -EINVAL;
		ul = p[4];
		if (!ul || 5 + ul > len || memchr(p + 5, '\0', ul))
			return -EINVAL;
		memcpy(ev->user, p + 5, ul);
		ev->user[ul] = '\0';
		return LEARN_AUTH;
	}
	case PPP_CHAP: {
		size_t vs, nl;

		if (p[0] != 2)	/* Response */
			return LEARN_NONE;
		if (len < 5)
			return -EINVAL;
		vs = p[4];
		if (5 + vs > len)
			return -EINVAL;
		nl = len - 5 - vs;
		if (!nl || nl > LEARN_USER_MAX || memchr(p + 5 + vs, '\0', nl))
			return -EINVAL;
		memcpy(ev->user, p + 5 + vs, nl);
		ev->user[nl] = '\0';
		return LEARN_AUTH;
	}
	case PPP_IPCP:
		if (p[0] != 2)	/* Configure-Ack */
			return LEARN_NONE;
		for (i = 4; i + 2 <= len;) {
			size_t ol = p[i + 1];

			if (ol < 2 || i + ol > len)
				return -EINVAL;
			if (p[i] == 3 && ol == 6) {	/* IP-Address */
				memcpy(ev->ip4, p + i + 2, 4);
				return LEARN_IPCP_ACK;
			}
			i += ol;
		}
		return LEARN_NONE;
	}
	return LEARN_NONE;
}

static int ipv6_udp(const uint8_t *p, size_t n, struct learn_ev *ev);

static int pppoe(uint16_t type, const uint8_t *p, size_t n,
		 struct learn_ev *ev)
{
	size_t len;

	if (n < 6 || p[0] != 0x11)
		return -EINVAL;
	ev->sid = be16(p + 2);
	len = be16(p + 4);
	if (len > n - 6)
		return -EINVAL;
	if (type == ETH_PPPOE_DISC) {
		if (p[1] == PADS && ev->sid)
			return LEARN_PADS;
		if (p[1] == PADT)
			return LEARN_PADT;
		return LEARN_NONE;
	}
	if (p[1] != 0 || len < 2)
		return -EINVAL;
	if (be16(p + 6) == PPP_IPV6)	/* DHCPv6-PD inside the session */
		return ipv6_udp(p + 8, len - 2, ev);
	return ppp_ctrl(be16(p + 6), p + 8, len - 2, ev);
}

/* A sub-option of option 82 as text (see learn_parse.h). */
static void o82_text(char *dst, size_t dn, const uint8_t *v, size_t vl)
{
	size_t i, o = 0;
	int printable = vl > 0;

	for (i = 0; i < vl; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			printable = 0;
	if (printable && vl < dn) {
		memcpy(dst, v, vl);
		dst[vl] = '\0';
		return;
	}
	for (i = 0; i < vl && o + 3 < dn; i++)
		o += (size_t)snprintf(dst + o, dn - o, "%s%02x", i ? ":" : "",
				      v[i]);
	dst[o] = '\0';
}

static int dhcp(const uint8_t *p, size_t n, struct learn_ev *ev)
{
	size_t i;
	int mtype = 0;

	if (n < 240)
		return -EINVAL;
	if (p[1] != 1 || p[2] != 6 || be32(p + 236) != DHCP_MAGIC)
		return -EINVAL;
	memcpy(ev->chaddr, p + 28, 6);
	for (i = 240; i < n;) {
		uint8_t code = p[i];
		size_t ol;

		if (code == 0) {	/* Pad */
			i++;
			continue;
		}
		if (code == 255)	/* End */
			break;
		if (i + 2 > n)
			return -EINVAL;
		ol = p[i + 1];
		if (i + 2 + ol > n)
			return -EINVAL;
		if (code == 53 && ol == 1) {
			mtype = p[i + 2];
		} else if (code == 51 && ol == 4) {
			ev->lease = be32(p + i + 2);
		} else if (code == 82) {
			size_t j = 0;
			const uint8_t *s = p + i + 2;

			while (j + 2 <= ol) {
				size_t sl = s[j + 1];

				if (j + 2 + sl > ol)
					return -EINVAL;
				if (s[j] == 1)
					o82_text(ev->circuit,
						 sizeof(ev->circuit),
						 s + j + 2, sl);
				else if (s[j] == 2)
					o82_text(ev->remote, sizeof(ev->remote),
						 s + j + 2, sl);
				j += 2 + sl;
			}
		}
		i += 2 + ol;
	}
	if (mtype == 5 && p[0] == 2) {	/* DHCPACK from a server */
		memcpy(ev->ip4, p + 16, 4);
		return LEARN_DHCP_ACK;
	}
	if (mtype == 7 && p[0] == 1) {	/* DHCPRELEASE from a client */
		memcpy(ev->ip4, p + 12, 4);
		return LEARN_DHCP_RELEASE;
	}
	return LEARN_NONE;
}

static int ipv4_udp(const uint8_t *p, size_t n, struct learn_ev *ev)
{
	size_t ihl, tot;
	uint16_t sp, dp;

	if (n < 20 || (p[0] >> 4) != 4)
		return LEARN_NONE;
	ihl = (size_t)(p[0] & 15) * 4;
	tot = be16(p + 2);
	if (ihl < 20 || tot < ihl + 8 || tot > n || p[9] != 17)
		return LEARN_NONE;
	if (be16(p + 6) & 0x3fff)	/* a fragment */
		return LEARN_NONE;
	sp = be16(p + ihl);
	dp = be16(p + ihl + 2);
	if (!((sp == 67 && dp == 68) || (sp == 68 && dp == 67)))
		return LEARN_NONE;
	if (be16(p + ihl + 4) < 8 || be16(p + ihl + 4) > tot - ihl)
		return -EINVAL;
	return dhcp(p + ihl + 8, be16(p + ihl + 4) - 8, ev);
}

static void v6_add(struct learn_ev *ev, const uint8_t *a, unsigned plen,
		   uint32_t valid)
{
	struct prefix *p;
	unsigned i;

	if (ev->n6 >= LEARN_V6_MAX || plen > 128)
		return;
	p = &ev->v6[ev->n6];
	memset(p, 0, sizeof(*p));
	p->family = 6;
	p->len = (uint8_t)plen;
	memcpy(p->addr, a, 16);
	for (i = 0; i < 16; i++) {
		int bits = (int)plen - (int)i * 8;

		if (bits < 8)
			p->addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
	ev->v6_valid[ev->n6++] = valid;
}

/*
 * The IA_NA (3) / IA_PD (25) options of a DHCPv6 message body: their
 * IAADDR (5) / IAPREFIX (26) sub-options. -EINVAL for an option that
 * runs past its container.
 */
static int dhcp6_opts(const uint8_t *p, size_t n, struct learn_ev *ev)
{
	size_t i = 0;

	while (i + 4 <= n) {
		uint16_t code = be16(p + i), ol = be16(p + i + 2);
		const uint8_t *o = p + i + 4;
		size_t j, skip;

		if (ol > n - i - 4)
			return -EINVAL;
		if (code == 3 || code == 25) {
			/* IAID (4), T1 (4), T2 (4), then sub-options */
			for (j = 12; j + 4 <= ol;) {
				uint16_t sc = be16(o + j), sl = be16(o + j + 2);
				const uint8_t *s = o + j + 4;

				if (sl > ol - j - 4)
					return -EINVAL;
				if (code == 3 && sc == 5 && sl >= 24)
					v6_add(ev, s, 128, be32(s + 20));
				else if (code == 25 && sc == 26 && sl >= 25)
					v6_add(ev, s + 9, s[8], be32(s + 4));
				j += 4 + (size_t)sl;
			}
		}
		skip = 4 + (size_t)ol;
		i += skip;
	}
	return 0;
}

static int ipv6_udp(const uint8_t *p, size_t n, struct learn_ev *ev)
{
	size_t plen, ul;
	uint16_t sp, dp;
	int err;

	if (n < 48 || (p[0] >> 4) != 6 || p[6] != 17)
		return LEARN_NONE;	/* extension headers: not looked into */
	plen = be16(p + 4);
	if (plen < 8 || plen > n - 40)
		return LEARN_NONE;
	sp = be16(p + 40);
	dp = be16(p + 42);
	ul = be16(p + 44);
	if (!((sp == 547 && dp == 546) || (sp == 546 && dp == 547)))
		return LEARN_NONE;
	if (ul < 12 || ul > plen)	/* UDP + msg-type + transaction id */
		return -EINVAL;
	err = dhcp6_opts(p + 52, ul - 12, ev);
	if (err)
		return err;
	if (p[48] == 7 && sp == 547)	/* Reply */
		return LEARN_DHCP6_REPLY;
	if (p[48] == 8 && sp == 546)	/* Release */
		return LEARN_DHCP6_RELEASE;
	return LEARN_NONE;
}

int learn_parse(const uint8_t *f, size_t n, struct learn_ev *ev)
{
	size_t off = 14;
	uint16_t type;
	int nv = 0;

	memset(ev, 0, sizeof(*ev));
	if (!f || n < 14)
		return LEARN_NONE;
	memcpy(ev->dst, f, 6);
	memcpy(ev->src, f + 6, 6);
	type = be16(f + 12);
	while ((type == ETH_VLAN || type == ETH_QINQ) && nv < 2) {
		if (n < off + 4)
			return LEARN_NONE;
		ev->vlan[nv++] = be16(f + off) & 0x0fff;
		type = be16(f + off + 2);
		off += 4;
	}
	switch (type) {
	case ETH_PPPOE_DISC:
	case ETH_PPPOE_SES:
		ev->type = pppoe(type, f + off, n - off, ev);
		break;
	case ETH_IP:
		ev->type = ipv4_udp(f + off, n - off, ev);
		break;
	case ETH_IPV6:
		ev->type = ipv6_udp(f + off, n - off, ev);
		break;
	default:
		ev->type = LEARN_NONE;
	}
	return ev->type;
}
