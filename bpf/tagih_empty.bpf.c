// SPDX-License-Identifier: GPL-2.0
/* tagih_empty.bpf.c - an XDP program that only passes: the baseline for bench/meter_cost. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tagih_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}
