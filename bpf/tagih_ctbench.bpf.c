// SPDX-License-Identifier: GPL-2.0
/* tagih_ctbench.bpf.c - for bench/nat_cost: the WAN meter with a conntrack lookup (bpf_xdp_ct_lookup) that undoes NAT, and a filler of conntrack entries. */

/*
 * The alternative to metering downloads on the lan egress (tagih_lan_down)
 * when the gateway masquerades: stay on the WAN side in XDP and ask
 * conntrack which private address a reply to the public address is for.
 * This object is the meter itself (bpf/tagih_meter.bpf.c is included, so
 * the cost compared is the meter's own) plus:
 *
 *   tagih_wan_ct  XDP, WAN side: for TCP/UDP over IPv4, looks the reply
 *                 tuple up in conntrack and meters the original source (the
 *                 subscriber's private address) as tagih_wan meters the
 *                 destination; other packets are metered as by tagih_wan.
 *   tagih_ct_fill XDP, run by BPF_PROG_TEST_RUN only: inserts one confirmed
 *                 conntrack entry for the frame's tuple (subscriber ->
 *                 server), source-NATed to fill_nat_addr:sport, so the
 *                 benchmark's namespace holds a realistic table.
 *
 * Never attached or pinned by the agent: bench/nat_cost loads it with the
 * meter's maps reused and every pin path cleared.
 */
#include "bpf/tagih_meter.bpf.c"

#define CT_OPTS_SZ	12	/* struct bpf_ct_opts up to reserved[]: 5.19+ */
#define CT_DIR_ORIGINAL	0
#define CT_TIMEOUT_MS	(3600 * 1000)
#define CT_CONFIRMED_SEEN	((1 << 3) | (1 << 1))	/* IPS_CONFIRMED | IPS_SEEN_REPLY */

/* What the kernel's struct nf_conn holds that we read; CO-RE finds it. */
struct nf_conntrack_man___tg {
	union nf_inet_addr___tg {
		__u32 all[4];
		__be32 ip;
	} u3;
} __attribute__((preserve_access_index));

struct nf_conntrack_tuple___tg {
	struct nf_conntrack_man___tg src;
} __attribute__((preserve_access_index));

struct nf_conntrack_tuple_hash___tg {
	struct nf_conntrack_tuple___tg tuple;
} __attribute__((preserve_access_index));

struct nf_conn {
	struct nf_conntrack_tuple_hash___tg tuplehash[2];
} __attribute__((preserve_access_index));

struct nf_conn___init {
	int unused;
};

enum nf_nat_manip_type___tg {
	NAT_MANIP_SRC___tg = 0,
	NAT_MANIP_DST___tg = 1,
};

struct tagih_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u8 reserved[2];
};

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *ctx,
					 struct bpf_sock_tuple *tuple,
					 __u32 tuple__sz,
					 struct tagih_ct_opts *opts,
					 __u32 opts__sz) __ksym;
extern struct nf_conn___init *bpf_xdp_ct_alloc(struct xdp_md *ctx,
					       struct bpf_sock_tuple *tuple,
					       __u32 tuple__sz,
					       struct tagih_ct_opts *opts,
					       __u32 opts__sz) __ksym;
extern struct nf_conn *bpf_ct_insert_entry(struct nf_conn___init *nfct) __ksym;
extern int bpf_ct_set_nat_info(struct nf_conn___init *nfct,
			       union nf_inet_addr___tg *addr, int port,
			       enum nf_nat_manip_type___tg manip) __ksym;
extern void bpf_ct_set_timeout(struct nf_conn___init *nfct,
			       __u32 timeout) __ksym;
extern int bpf_ct_set_status(const struct nf_conn___init *nfct,
			     __u32 status) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

/* Set by bench/nat_cost before it fills: the public (masquerade) address. */
__be32 fill_nat_addr;
/* Result of the last tagih_ct_fill run: 0, or why it failed. */
int fill_err;

/* The frame's IPv4 TCP/UDP tuple into @t; 0, or -1 when it has none. */
static __always_inline int ct_tuple(struct tagih_pkt *p, void *data_end,
				    struct bpf_sock_tuple *t)
{
	__u8 *l4 = p->l4;

	if (p->v6 || !p->l4off ||
	    (p->l4proto != IPPROTO_TCP && p->l4proto != IPPROTO_UDP) ||
	    (void *)(l4 + 4) > data_end)
		return -1;
	t->ipv4.saddr = *(__be32 *)p->saddr;
	t->ipv4.daddr = *(__be32 *)p->daddr;
	t->ipv4.sport = *(__be16 *)l4;
	t->ipv4.dport = *(__be16 *)(l4 + 2);
	return 0;
}

SEC("xdp")
int tagih_wan_ct(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct tagih_ct_opts opts = { .netns_id = -1 };
	__u32 len = data_end - data;
	struct bpf_sock_tuple t = {};
	struct tagih_pkt p;
	struct nf_conn *ct;
	__be32 orig;
	int kind;

	kind = tagih_parse(data, data_end, len, 0, &p);
	if (kind == TAGIH_K_IP && ct_tuple(&p, data_end, &t) == 0) {
		opts.l4proto = p.l4proto;
		ct = bpf_xdp_ct_lookup(ctx, &t, sizeof(t.ipv4), &opts,
				       CT_OPTS_SZ);
		if (ct) {
			orig = ct->tuplehash[CT_DIR_ORIGINAL].tuple.src.u3.ip;
			bpf_ct_release(ct);
			p.daddr = &orig;
		}
	}
	if (tagih_meter(&p, kind, data_end, len, 1, DIR_DOWN) == VERDICT_DROP)
		return XDP_DROP;
	return XDP_PASS;
}

SEC("xdp")
int tagih_ct_fill(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct tagih_ct_opts opts = { .netns_id = -1 };
	union nf_inet_addr___tg nat = {};
	struct bpf_sock_tuple t = {};
	struct nf_conn___init *ci;
	struct tagih_pkt p;
	struct nf_conn *ct;

	fill_err = -22;
	if (tagih_parse(data, data_end, data_end - data, 0, &p) != TAGIH_K_IP ||
	    ct_tuple(&p, data_end, &t))
		return XDP_PASS;
	opts.l4proto = p.l4proto;
	ci = bpf_xdp_ct_alloc(ctx, &t, sizeof(t.ipv4), &opts, CT_OPTS_SZ);
	if (!ci) {
		fill_err = opts.error ? opts.error : -12;
		return XDP_PASS;
	}
	nat.ip = fill_nat_addr;
	bpf_ct_set_timeout(ci, CT_TIMEOUT_MS);
	bpf_ct_set_status(ci, CT_CONFIRMED_SEEN);
	fill_err = bpf_ct_set_nat_info(ci, &nat, bpf_ntohs(t.ipv4.sport),
				       NAT_MANIP_SRC___tg);
	ct = bpf_ct_insert_entry(ci);	/* consumes ci, even on failure */
	if (!ct) {
		if (!fill_err)
			fill_err = -17;
		return XDP_PASS;
	}
	bpf_ct_release(ct);
	return XDP_PASS;
}
