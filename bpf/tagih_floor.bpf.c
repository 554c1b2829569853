// SPDX-License-Identifier: GPL-2.0
/* tagih_floor.bpf.c - the cheapest possible meter, for bench/meter_cost: the meter's parser, then one per-CPU array add, no lookup. */

/*
 * What any per-subscriber meter must do at least: parse the frame exactly
 * as the meter does (bpf/tagih_parse.h: VLAN, PPPoE, IPv4/IPv6) and add
 * the billed length to a per-CPU counter.  The counter's index is taken
 * straight from the source address (IPv4: its low 16 bits; IPv6: the low
 * 16 bits of its /64), so no map lookup stands between the address and the
 * subscriber.  bench/meter_cost divides the meter's cost by this one.
 * Never attached, never pinned: floor_cnt is not part of the ABI.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bpf/tagih.h"
#include "bpf/tagih_parse.h"

#define FLOOR_SLOTS	65536

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct tagih_cnt);
	__uint(max_entries, FLOOR_SLOTS);
} floor_cnt SEC(".maps");

SEC("xdp")
int tagih_floor(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct tagih_pkt p;
	struct tagih_cnt *c;
	__u8 *a;
	__u32 idx;

	if (tagih_parse(data, data_end, data_end - data, 0, &p) != TAGIH_K_IP)
		return XDP_PASS;
	a = p.saddr;
	idx = p.v6 ? (__u32)a[6] << 8 | a[7] : (__u32)a[2] << 8 | a[3];
	c = bpf_map_lookup_elem(&floor_cnt, &idx);
	if (c) {
		c->up_bytes += p.iplen;
		c->up_pkts += 1;
	}
	return XDP_PASS;
}
