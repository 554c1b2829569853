// SPDX-License-Identifier: GPL-2.0
/* tagih_empty.bpf.c - XDP and tc programs that only pass: the baselines of bench/meter_cost and bench/nat_cost. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tagih_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Passes as the tc meter programs do (TC_ACT_UNSPEC). */
SEC("tc")
int tagih_empty_tc(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}
