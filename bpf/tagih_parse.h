/* SPDX-License-Identifier: GPL-2.0 */
/* tagih_parse.h - the one frame parser of the meter (XDP and tc) and of the benchmark floor: Ethernet, VLAN, PPPoE, IPv4/IPv6. */
#ifndef TAGIH_PARSE_H
#define TAGIH_PARSE_H

/*
 * BPF only (clang -target bpf).  A frame is
 *
 *   Ethernet, 0..2 VLAN tags (802.1Q 0x8100 / 802.1ad 0x88a8, any order),
 *   then IPv4 (0x0800) or IPv6 (0x86dd), or
 *   then PPPoE session (0x8864): ver/type 0x11, code 0, length, PPP
 *   protocol 0x0021 (IPv4) or 0x0057 (IPv6), then the IP packet; or
 *   then PPPoE discovery (0x8863).
 *
 * tagih_parse() sorts a frame into one of three kinds:
 *
 *   TAGIH_K_IP        an IPv4/IPv6 packet, plain or inside PPPoE; *p says
 *                     where its addresses and L4 header are and how long
 *                     it is.
 *   TAGIH_K_PPP_CTRL  PPPoE discovery (PADI, PADO, PADR, PADS, PADT) or a
 *                     session frame carrying PPP link control: LCP, PAP,
 *                     CHAP, IPCP, IPV6CP.  p->ppp points at the PPPoE
 *                     header, p->ppp_proto is the PPP protocol (0 for
 *                     discovery).  Never billed.
 *   TAGIH_K_OTHER     anything else: not IP, a third VLAN tag, a truncated
 *                     header, IPv4 ihl < 5, an IP length that claims more
 *                     than the frame (or the PPPoE payload) holds, PPPoE
 *                     with a version/type other than 1/1, a session code
 *                     other than 0, a length past the frame, or a PPP
 *                     protocol that is neither IP nor the control set
 *                     above (PPP protocol-field compression included:
 *                     RFC 2516 PPPoE peers do not use it).
 *
 * Billed length (p->iplen), see docs/ARCHITECTURE.md:
 *   - normally the IP header's length: IPv4 tot_len, IPv6 40 + payload_len.
 *     Inside PPPoE it is the same inner IP length, so neither the VLAN
 *     tags, the 8 bytes of PPPoE + PPP header nor Ethernet padding are
 *     billed, and a subscriber pays the same whether the access network
 *     runs PPPoE or plain IP;
 *   - under GSO (@gso, tc only) the frame length @len minus the L2 header
 *     (Ethernet, tags, PPPoE): the IP header of a GSO packet is not to be
 *     trusted (BIG TCP writes IPv4 tot_len 0 and IPv6 payload_len 0), the
 *     skb length is.  The PPPoE length is not checked then either.
 *
 * @len is the whole frame (XDP: data_end - data; tc: skb->len, which may
 * be more than the linear data the program can read).  Lengths are checked
 * against @len; only the headers themselves must lie before @data_end.
 * Every pointer dereferenced is checked against @data_end first, in a way
 * the verifier follows (constant-size headers at known offsets).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ppp_defs.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

#define TAGIH_MAX_VLAN		2
#define TAGIH_PPPOE_VERTYPE	0x11	/* version 1, type 1 (RFC 2516) */
#define TAGIH_IP_OFFSET_MASK	0x1fff

enum tagih_kind {
	TAGIH_K_IP = 0,
	TAGIH_K_PPP_CTRL,
	TAGIH_K_OTHER,
};

struct tagih_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* PPPoE header (RFC 2516) and, for session frames, the PPP protocol. */
struct tagih_pppoe_hdr {
	__u8 ver_type;
	__u8 code;
	__be16 sid;
	__be16 length;		/* PPPoE payload: PPP protocol + data */
};

struct tagih_ppp_hdr {
	struct tagih_pppoe_hdr pppoe;
	__be16 proto;
};

/* What the parser found; pointers point into the packet. */
struct tagih_pkt {
	void *saddr;	/* 4 or 16 bytes, bounds checked */
	void *daddr;
	void *l4;	/* L4 header, NULL for non-first IPv4 fragments */
	void *ppp;	/* PPPoE header, NULL when the frame has none */
	__u32 iplen;	/* billed length */
	__u32 l4room;	/* IP bytes from l4 to the end of the IP packet */
	__u16 l3off;	/* L2 length: offset of the IP header in the frame */
	__u16 l4off;	/* offset of l4 in the frame (0 when l4 is NULL) */
	__u16 ppp_proto;	/* PPP protocol, host order; 0 = discovery */
	__u8 l4proto;
	__u8 v6;
};

static __always_inline int tagih_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

/* PPP link control that passes unbilled (and feeds address learning). */
static __always_inline int tagih_is_ppp_ctrl(__u16 proto)
{
	return proto == PPP_LCP || proto == PPP_PAP || proto == PPP_CHAP ||
	       proto == PPP_IPCP || proto == PPP_IPV6CP;
}

/*
 * The IP packet at @cur, @off bytes into the frame; @lim is the most it
 * may claim (the rest of the frame, or the PPPoE payload).
 */
static __always_inline int tagih_parse_ip(void *cur, void *data_end,
					  __u32 off, __u32 len, __u32 lim,
					  __be16 proto, const int gso,
					  struct tagih_pkt *p)
{
	p->l3off = off;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = cur;
		__u32 hlen;

		if ((void *)(iph + 1) > data_end)
			return TAGIH_K_OTHER;
		hlen = iph->ihl * 4;
		if (hlen < sizeof(*iph))
			return TAGIH_K_OTHER;
		p->iplen = gso ? len - off : bpf_ntohs(iph->tot_len);
		if (p->iplen < hlen || p->iplen > lim)
			return TAGIH_K_OTHER;
		p->saddr = &iph->saddr;
		p->daddr = &iph->daddr;
		p->l4proto = iph->protocol;
		p->v6 = 0;
		if (iph->frag_off & bpf_htons(TAGIH_IP_OFFSET_MASK)) {
			p->l4 = NULL;
			p->l4room = 0;
			p->l4off = 0;
		} else {
			p->l4 = cur + hlen;
			p->l4room = p->iplen - hlen;
			p->l4off = off + hlen;
		}
		return TAGIH_K_IP;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = cur;

		if ((void *)(ip6h + 1) > data_end)
			return TAGIH_K_OTHER;
		p->iplen = gso ? len - off :
				 sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		if (p->iplen < sizeof(*ip6h) || p->iplen > lim)
			return TAGIH_K_OTHER;
		p->l4room = p->iplen - sizeof(*ip6h);
		p->saddr = &ip6h->saddr;
		p->daddr = &ip6h->daddr;
		p->l4proto = ip6h->nexthdr;
		p->l4 = ip6h + 1;
		p->l4off = off + sizeof(*ip6h);
		p->v6 = 1;
		return TAGIH_K_IP;
	}
	return TAGIH_K_OTHER;
}

/* Sorts the frame [data, data_end) of @len bytes; returns enum tagih_kind. */
static __always_inline int tagih_parse(void *data, void *data_end, __u32 len,
				       const int gso, struct tagih_pkt *p)
{
	struct ethhdr *eth = data;
	struct tagih_vlan_hdr *vh;
	struct tagih_ppp_hdr *ph;
	__u32 off, lim, plen;
	__be16 proto;
	void *cur;
	int i;

	p->ppp = NULL;
	p->ppp_proto = 0;
	if ((void *)(eth + 1) > data_end)
		return TAGIH_K_OTHER;
	proto = eth->h_proto;
	cur = eth + 1;
	off = sizeof(*eth);

#pragma unroll
	for (i = 0; i < TAGIH_MAX_VLAN; i++) {
		if (!tagih_is_vlan(proto))
			break;
		vh = cur;
		if ((void *)(vh + 1) > data_end)
			return TAGIH_K_OTHER;
		proto = vh->encap_proto;
		cur = vh + 1;
		off += sizeof(*vh);
	}

	lim = len - off;
	if (proto == bpf_htons(ETH_P_PPP_SES)) {
		ph = cur;
		if ((void *)(ph + 1) > data_end ||
		    ph->pppoe.ver_type != TAGIH_PPPOE_VERTYPE ||
		    ph->pppoe.code != 0)
			return TAGIH_K_OTHER;
		plen = bpf_ntohs(ph->pppoe.length);
		if (!gso && (plen < sizeof(ph->proto) ||
			     plen > lim - sizeof(ph->pppoe)))
			return TAGIH_K_OTHER;
		p->ppp = ph;
		p->ppp_proto = bpf_ntohs(ph->proto);
		if (p->ppp_proto == PPP_IP)
			proto = bpf_htons(ETH_P_IP);
		else if (p->ppp_proto == PPP_IPV6)
			proto = bpf_htons(ETH_P_IPV6);
		else if (tagih_is_ppp_ctrl(p->ppp_proto))
			return TAGIH_K_PPP_CTRL;
		else
			return TAGIH_K_OTHER;
		cur = ph + 1;
		off += sizeof(*ph);
		lim = gso ? len - off : plen - sizeof(ph->proto);
	} else if (proto == bpf_htons(ETH_P_PPP_DISC)) {
		struct tagih_pppoe_hdr *dh = cur;

		if ((void *)(dh + 1) > data_end ||
		    dh->ver_type != TAGIH_PPPOE_VERTYPE ||
		    bpf_ntohs(dh->length) > lim - sizeof(*dh))
			return TAGIH_K_OTHER;
		p->ppp = dh;
		return TAGIH_K_PPP_CTRL;
	}
	return tagih_parse_ip(cur, data_end, off, len, lim, proto, gso, p);
}

#endif /* TAGIH_PARSE_H */
