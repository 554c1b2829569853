// SPDX-License-Identifier: GPL-2.0
/* tagih_shape.bpf.c - the shaper: per-subscriber rates as earliest departure times (EDT) for the fq qdisc, and the upload mark behind NAT. */

/*
 * Three tc (SCHED_CLS) programs; the agent attaches them (agent/shape.c)
 * with fq as the root qdisc of every lan and wan device (and two more for
 * kernels without fq, tagih_htb_down/up, below).  A pure TCP ACK is
 * charged its time but never delayed (tagih_edt_charge), so a saturated
 * direction does not starve the other direction's ACKs:
 *
 *   tagih_shape_down  egress of a lan interface: downloads, keyed by the
 *                     destination address (after the gateway's NAT has
 *                     put the subscriber's own address back).
 *   tagih_shape_up    egress of a wan interface: uploads, keyed by the uid
 *                     in skb->mark when tagih_shape_mark put it there,
 *                     else by the source address (no NAT, or a bridge).
 *   tagih_shape_mark  ingress of a lan interface: puts TAGIH_MARK_TAG |
 *                     uid into skb->mark (only when the mark is 0), so the
 *                     wan egress knows whose upload a NATed packet is.
 *
 * The rate is the subscriber's in tagih_rate (the agent writes it from the
 * store: the plan's speed, or its FUP speed); a packet of len bytes takes
 * len / rate on the subscriber's line, and tagih_edt_step() (bpf/tagih.h)
 * sets skb->tstamp to when the line is free for it.  fq holds each packet
 * until its tstamp: no per-subscriber queue, class or lock, only one array
 * entry per subscriber and direction.  A packet that would leave
 * shape_horizon_ns or more from now is dropped here, before it is queued:
 * for TCP that is the tail drop of a queue of horizon * rate bytes, the
 * signal it backs off on.  The horizon is kept well below fq's own
 * (horizon 10 s, horizon_drop), so fq itself never drops for it.
 *
 * The subscriber lookup is the meter's (this object includes
 * bpf/tagih_meter.bpf.c; the agent loads it with the meter's maps reused):
 * the DIR-16 table and the /64 table in front of the LPM tries, for
 * IPv4, IPv6 and IPv4/IPv6 inside PPPoE (the parser is tagih_parse.h).
 * Unknown addresses and subscribers without a rate pass untouched.  The
 * meter's own programs in this object are never loaded.
 *
 * All programs return TC_ACT_UNSPEC (the next program in the chain runs)
 * or TC_ACT_SHOT (horizon drop).
 */
#define TAGIH_SHAPE_BPF
#include "bpf/tagih_meter.bpf.c"

#define SHAPE_DOWN	0
#define SHAPE_UP	1

/* Set by the agent before load (shape_horizon_ms). */
const volatile __u64 shape_horizon_ns = TAGIH_SHAPE_HORIZON_DEF;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_rate);
	__uint(max_entries, TAGIH_DEF_MAX_SUBS);
} tagih_rate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_edt);
	__uint(max_entries, TAGIH_DEF_MAX_SUBS);
} tagih_edt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_gstat);
	__uint(max_entries, TAGIH_SS_SLOTS);
} tagih_sstat SEC(".maps");

static __always_inline void sstat_add(__u32 idx, __u32 len)
{
	struct tagih_gstat *g = bpf_map_lookup_elem(&tagih_sstat, &idx);

	if (g) {
		g->bytes += len;
		g->pkts++;
	}
}

/* The meter's lookup of one address: tables first, then the trie. */
static __always_inline __u32 shape_uid(struct tagih_pkt *p, void *addr)
{
	struct tagih_pfx_val *pv;
	__u32 uid;

	uid = p->v6 ? v6h64_uid(addr) : v4dir_uid(addr);
	if (uid != TAGIH_UID_NONE)
		return uid;
	pv = lpm_lookup(p, addr, &tagih_pfx4, &tagih_pfx6);
	return pv ? pv->uid : TAGIH_UID_NONE;
}

/*
 * A TCP segment with ACK and no payload, SYN, FIN or RST: what a
 * download sends back.  GSO packets carry payload by definition.
 */
static __always_inline int is_pure_ack(struct tagih_pkt *p, void *data_end,
				       int gso)
{
	__u8 *l4 = p->l4;

	if (gso || p->l4proto != IPPROTO_TCP || !p->l4off || p->l4room < 20 ||
	    (void *)(l4 + 14) > data_end)
		return 0;
	return (l4[13] & 0x17) == 0x10 && p->l4room == (__u32)(l4[12] >> 4) * 4;
}

/*
 * Parse the skb's headers (pulling the first TC_PULL_LEN bytes linear
 * only when the addresses lie beyond the linear data). TAGIH_K_IP or not;
 * *ack: a pure TCP ACK.
 */
static __always_inline int shape_parse(struct __sk_buff *skb,
				       struct tagih_pkt *p, int *ack)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	__u32 len = skb->len;
	int gso = skb->gso_size != 0, kind;

	kind = tagih_parse(data, data_end, len, gso, p);
	if (data + len > data_end && tc_short(p, kind, data_end)) {
		bpf_skb_pull_data(skb, len < TC_PULL_LEN ? len : TC_PULL_LEN);
		data_end = (void *)(long)skb->data_end;
		data = (void *)(long)skb->data;
		kind = tagih_parse(data, data_end, len, gso, p);
	}
	*ack = kind == TAGIH_K_IP && is_pure_ack(p, data_end, gso);
	return kind;
}

/* Pace one packet of uid in direction dir (ack: a pure TCP ACK). */
static __always_inline int shape_pace(struct __sk_buff *skb, __u32 uid,
				      int ack, const int dir)
{
	struct tagih_rate *r;
	struct tagih_edt *e;
	__u64 Bps, hz, tstamp, *last;
	int v;

	r = bpf_map_lookup_elem(&tagih_rate, &uid);
	e = bpf_map_lookup_elem(&tagih_edt, &uid);
	if (!r || !e) {
		sstat_add(TAGIH_SS_UNKNOWN, skb->len);
		return TC_ACT_UNSPEC;
	}
	Bps = dir == SHAPE_DOWN ? r->down_Bps : r->up_Bps;
	if (!Bps) {
		sstat_add(TAGIH_SS_FREE, skb->len);
		return TC_ACT_UNSPEC;
	}
	last = dir == SHAPE_DOWN ? &e->t_down : &e->t_up;
	hz = dir == SHAPE_DOWN ? r->down_horizon_ns : r->up_horizon_ns;
	if (!hz || hz > TAGIH_SHAPE_HORIZON_MAX)
		hz = shape_horizon_ns;
	if (ack) {
		v = tagih_edt_charge(last, bpf_ktime_get_ns(), skb->len, Bps,
				     hz);
		sstat_add(v == TAGIH_EDT_DROP ? TAGIH_SS_DROP : TAGIH_SS_ACK,
			  skb->len);
		return v == TAGIH_EDT_DROP ? TC_ACT_SHOT : TC_ACT_UNSPEC;
	}
	tstamp = skb->tstamp;
	v = tagih_edt_step(last, bpf_ktime_get_ns(), &tstamp, skb->len, Bps,
			   hz);
	if (v == TAGIH_EDT_DROP) {
		sstat_add(TAGIH_SS_DROP, skb->len);
		return TC_ACT_SHOT;
	}
	if (v == TAGIH_EDT_LATER) {
		skb->tstamp = tstamp;
		sstat_add(TAGIH_SS_DELAY, skb->len);
	} else {
		sstat_add(TAGIH_SS_PASS, skb->len);
	}
	return TC_ACT_UNSPEC;
}

/*
 * Whose packet, for a direction: downloads by destination; uploads by
 * the LAN-ingress mark when there is one (NAT hid the source), else by
 * source. Returns the uid, or TAGIH_UID_NONE (counted as unknown).
 */
static __always_inline __u32 shape_who(struct __sk_buff *skb, int *ack,
				       const int dir)
{
	struct tagih_pkt p = {};
	__u32 mark = skb->mark, uid = TAGIH_UID_NONE;
	int kind;

	kind = shape_parse(skb, &p, ack);
	if (dir == SHAPE_UP && (mark & TAGIH_MARK_TAG_MASK) == TAGIH_MARK_TAG &&
	    (mark & TAGIH_MARK_UID_MASK) != TAGIH_UID_NONE)
		return mark & TAGIH_MARK_UID_MASK;
	if (kind == TAGIH_K_IP)
		uid = shape_uid(&p, dir == SHAPE_DOWN ? p.daddr : p.saddr);
	if (uid == TAGIH_UID_NONE)
		sstat_add(TAGIH_SS_UNKNOWN, skb->len);
	return uid;
}

SEC("tc")
int tagih_shape_down(struct __sk_buff *skb)
{
	int ack = 0;
	__u32 uid = shape_who(skb, &ack, SHAPE_DOWN);

	return uid == TAGIH_UID_NONE ? TC_ACT_UNSPEC :
				       shape_pace(skb, uid, ack, SHAPE_DOWN);
}

SEC("tc")
int tagih_shape_up(struct __sk_buff *skb)
{
	int ack = 0;
	__u32 uid = shape_who(skb, &ack, SHAPE_UP);

	return uid == TAGIH_UID_NONE ? TC_ACT_UNSPEC :
				       shape_pace(skb, uid, ack, SHAPE_UP);
}

/* --- HTB classes (kernels without sch_fq) ------------------------------------- */

/*
 * The same lookup, for an HTB root qdisc of handle TAGIH_HTB_MAJOR: that
 * kernel has no fq, so no qdisc honours skb->tstamp.  The agent keeps one
 * HTB class TAGIH_HTB_MAJOR:uid per shaped subscriber (rate = the plan's);
 * these programs put the packet's class into skb->priority, which HTB
 * takes as the class before any filter.  A subscriber without a rate in
 * that direction (no class) is left to HTB's default: sent directly.
 */
static __always_inline int htb_class(struct __sk_buff *skb, __u32 uid,
				     int ack, const int dir)
{
	struct tagih_rate *r = bpf_map_lookup_elem(&tagih_rate, &uid);
	__u64 Bps;

	if (!r || uid > TAGIH_HTB_MAX_UID) {
		sstat_add(TAGIH_SS_UNKNOWN, skb->len);
		return TC_ACT_UNSPEC;
	}
	Bps = dir == SHAPE_DOWN ? r->down_Bps : r->up_Bps;
	if (!Bps) {
		sstat_add(TAGIH_SS_FREE, skb->len);
		return TC_ACT_UNSPEC;
	}
	/*
	 * A pure ACK goes straight out (priority = the qdisc's own handle
	 * is HTB's "direct"): HTB cannot charge a packet without queueing
	 * it.  So that this is no way around the rate, direct ACKs have a
	 * line of their own at 1/TAGIH_HTB_ACK_SHARE of the rate (tagih_edt,
	 * unused by EDT in this mode): a download's ACKs need ~2.5% of it,
	 * a flood of ACKs beyond its share queues in the class like data.
	 */
	if (ack) {
		struct tagih_edt *e = bpf_map_lookup_elem(&tagih_edt, &uid);
		__u64 *line;

		if (e) {
			line = dir == SHAPE_DOWN ? &e->t_down : &e->t_up;
			if (tagih_edt_charge(line, bpf_ktime_get_ns(), skb->len,
					     Bps / TAGIH_HTB_ACK_SHARE + 1,
					     shape_horizon_ns) ==
			    TAGIH_EDT_NOW) {
				skb->priority = TAGIH_HTB_MAJOR << 16;
				sstat_add(TAGIH_SS_ACK, skb->len);
				return TC_ACT_UNSPEC;
			}
		}
	}
	skb->priority = TAGIH_HTB_MAJOR << 16 | uid;
	sstat_add(TAGIH_SS_DELAY, skb->len);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tagih_htb_down(struct __sk_buff *skb)
{
	int ack = 0;
	__u32 uid = shape_who(skb, &ack, SHAPE_DOWN);

	return uid == TAGIH_UID_NONE ? TC_ACT_UNSPEC :
				       htb_class(skb, uid, ack, SHAPE_DOWN);
}

SEC("tc")
int tagih_htb_up(struct __sk_buff *skb)
{
	int ack = 0;
	__u32 uid = shape_who(skb, &ack, SHAPE_UP);

	return uid == TAGIH_UID_NONE ? TC_ACT_UNSPEC :
				       htb_class(skb, uid, ack, SHAPE_UP);
}

/* --- the upload mark ------------------------------------------------------------ */

SEC("tc")
int tagih_shape_mark(struct __sk_buff *skb)
{
	struct tagih_pkt p = {};
	__u32 uid;
	int ack;

	if (skb->mark || shape_parse(skb, &p, &ack) != TAGIH_K_IP)
		return TC_ACT_UNSPEC;
	uid = shape_uid(&p, p.saddr);
	if (uid == TAGIH_UID_NONE || uid > TAGIH_MARK_UID_MASK)
		return TC_ACT_UNSPEC;
	skb->mark = TAGIH_MARK_TAG | uid;
	sstat_add(TAGIH_SS_MARK, skb->len);
	return TC_ACT_UNSPEC;
}
