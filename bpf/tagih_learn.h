/* SPDX-License-Identifier: GPL-2.0 */
/* tagih_learn.h - the meter's copy of PPPoE/PPP control and DHCP frames for address learning (ring buffer). */
#ifndef TAGIH_LEARN_H
#define TAGIH_LEARN_H

/*
 * Included by tagih_meter.bpf.c after tagih_parse.h; called once per frame
 * from the XDP and tc wrappers, after the meter, so metering is unchanged.
 * What is copied: frames the parser sorted as PPP control (discovery,
 * LCP, PAP, CHAP, IPCP, IPV6CP), IPv4 UDP between ports 67 and 68
 * (DHCP, either direction) and IPv6 UDP between 546 and 547 (DHCPv6,
 * also inside a PPPoE session: prefix delegation). Any other packet,
 * session data included, is never copied. The ring is bounded: when it is full the copy is dropped and
 * counted, the frame is not affected.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, TAGIH_LEARN_RING);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} tagih_learn SEC(".maps");

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

static __always_inline int learn_wanted(const struct tagih_pkt *p, int kind,
					void *data_end)
{
	struct udphdr *u;

	if (kind == TAGIH_K_PPP_CTRL)
		return 1;
	if (kind != TAGIH_K_IP || p->l4proto != IPPROTO_UDP || !p->l4)
		return 0;
	u = p->l4;
	if ((void *)(u + 1) > data_end)
		return 0;
	if (p->v6)
		return (u->source == bpf_htons(DHCP6_SERVER_PORT) &&
			u->dest == bpf_htons(DHCP6_CLIENT_PORT)) ||
		       (u->source == bpf_htons(DHCP6_CLIENT_PORT) &&
			u->dest == bpf_htons(DHCP6_SERVER_PORT));
	if (p->ppp)
		return 0;
	return (u->source == bpf_htons(DHCP_SERVER_PORT) &&
		u->dest == bpf_htons(DHCP_CLIENT_PORT)) ||
	       (u->source == bpf_htons(DHCP_CLIENT_PORT) &&
		u->dest == bpf_htons(DHCP_SERVER_PORT));
}

/* A record to fill, or NULL (ring full: counted). */
static __always_inline struct tagih_learn_rec *learn_reserve(__u32 len)
{
	struct tagih_learn_rec *r;

	r = bpf_ringbuf_reserve(&tagih_learn, sizeof(*r), 0);
	if (!r) {
		gstat_add(TAGIH_G_LEARN_LOST, len, 1);
		return NULL;
	}
	r->wire_len = len;
	return r;
}

static __always_inline void learn_xdp(struct xdp_md *ctx,
				      const struct tagih_pkt *p, int kind,
				      void *data_end, __u32 len, const int dir)
{
	struct tagih_learn_rec *r;
	__u64 n = len;

	if (!learn_wanted(p, kind, data_end))
		return;
	r = learn_reserve(len);
	if (!r)
		return;
	/* bounds the verifier can follow: 1..TAGIH_LEARN_SNAP, unsigned */
	if (n > TAGIH_LEARN_SNAP)
		n = TAGIH_LEARN_SNAP;
	asm volatile("" : "+r"(n));
	r->len = (__u32)n;
	r->dir = dir;
	r->ifindex = ctx->ingress_ifindex;
	if (n < 1 || bpf_xdp_load_bytes(ctx, 0, r->data, n)) {
		bpf_ringbuf_discard(r, 0);
		return;
	}
	bpf_ringbuf_submit(r, 0);
}

static __always_inline void learn_tc(struct __sk_buff *skb,
				     const struct tagih_pkt *p, int kind,
				     void *data_end, __u32 len, const int dir)
{
	struct tagih_learn_rec *r;
	__u64 n = len;

	if (!learn_wanted(p, kind, data_end))
		return;
	r = learn_reserve(len);
	if (!r)
		return;
	/* bounds the verifier can follow: 1..TAGIH_LEARN_SNAP, unsigned */
	if (n > TAGIH_LEARN_SNAP)
		n = TAGIH_LEARN_SNAP;
	asm volatile("" : "+r"(n));
	r->len = (__u32)n;
	r->dir = dir;
	r->ifindex = skb->ifindex;
	if (n < 1 || bpf_skb_load_bytes(skb, 0, r->data, n)) {
		bpf_ringbuf_discard(r, 0);
		return;
	}
	bpf_ringbuf_submit(r, 0);
}

#endif /* TAGIH_LEARN_H */
