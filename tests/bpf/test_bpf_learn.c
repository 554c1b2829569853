// SPDX-License-Identifier: GPL-2.0
/* test_bpf_learn.c - BPF_PROG_TEST_RUN tests of the learning copy: control frames and DHCP reach tagih_learn whole, session data never, a full ring loses copies (counted) but no frame; XDP and tc. */
#include "tests/bpf/bpffix.h"
#include <bpf/libbpf.h>

/* scapy-made frames (the same as tests/unit/test_learn.c). */
static const char pap_hex[] =
	"02ac000000010200000000018864110012340018c02301000016096275646940"
	"727472770772616861736961";
static const char data_hex[] =
	"02ac000000010200000000018864110012340028002145000026000100004011"
	"0c7b6440000a0a00000200350035001236ba78787878787878787878";
static const char dhcp_ack_hex[] =
	"02000000000102ac0000000188a800c88100001e080045000132000100004011"
	"6fba0a000001ffffffff00430044011e83440201060000000000000000000000"
	"0000644001050000000000000000020000000001000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000006382"
	"5363350105330400000e1036040a0000015214010a6f6c74312f312f313a3702"
	"06001122334455ff";
static const char pads_hex[] =
	"02000000000102ac00000001886311651234000c010100000102000461633031";

static const char dhcp6_reply_hex[] =
	"02000000000102ac0000000186dd6000000000731140fe800000000000000000"
	"0000000000acfe800000000000000000000000000001022302220073f96e0700"
	"12340002000a0003000102ac0000000100190029000000010000000000000000"
	"001a001900000bb800000e103820010db8010000000000000000000000000300"
	"280000000200000000000000000005001820010db80001000000000000000000"
	"1000000bb800000e10";
static const char dhcp6_pd_pppoe_hex[] =
	"02000000000102ac00000001886411001234006300576000000000391140fe80"
	"00000000000000000000000000acfe8000000000000000000000000000010223"
	"02220039d8e60700123400190029000000010000000000000000001a00190000"
	"0bb800000e103820010db8020000000000000000000000";

static __u8 fbuf[2048];

static size_t unhex(const char *h, __u8 *out)
{
	size_t n = strlen(h) / 2, i;

	for (i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (__u8)v;
	}
	return n;
}

/* What the ring held since the last call. */
static struct {
	int n;
	struct tagih_learn_rec last;
} got;

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	ck_assert_uint_eq(size, sizeof(struct tagih_learn_rec));
	memcpy(&got.last, data, sizeof(got.last));
	got.n++;
	return 0;
}

static int drain_ring(void)
{
	struct ring_buffer *rb = ring_buffer__new(
		bpf_map__fd(skel->maps.tagih_learn), on_rec, NULL, NULL);

	ck_assert_ptr_nonnull(rb);
	got.n = 0;
	ck_assert_int_ge(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	return got.n;
}

static void setup_xdp(void)
{
	hook = HOOK_XDP;
	ck_assert_int_eq(bpffix_load(&skel, NULL, 0), 0);
}

static void setup_tc(void)
{
	hook = HOOK_TC;
	ck_assert_int_eq(bpffix_load(&skel, NULL, 0), 0);
}

/* A frame in dir: passed, and copied (1) or not (0). */
static void run_hex(int dir, const char *hex, int copied)
{
	size_t n = unhex(hex, fbuf);

	ck_assert_uint_eq(run_raw(prog_of(dir), fbuf, n, 0), XDP_PASS);
	ck_assert_int_eq(drain_ring(), copied);
	if (copied) {
		ck_assert_uint_eq(got.last.len, n);
		ck_assert_uint_eq(got.last.wire_len, n);
		ck_assert_uint_eq(got.last.dir, dir);
		ck_assert_mem_eq(got.last.data, fbuf, n);
	}
}

START_TEST(test_control_copied)
{
	run_hex(UP, pap_hex, 1);
	run_hex(DOWN, pads_hex, 1);
	run_hex(DOWN, dhcp_ack_hex, 1);
	run_hex(DOWN, dhcp6_reply_hex, 1);
	run_hex(DOWN, dhcp6_pd_pppoe_hex, 1);	/* DHCPv6-PD inside PPPoE */
}
END_TEST

START_TEST(test_data_never)
{
	struct pkt tcp = { .src = "100.64.0.10", .dst = "1.1.1.1",
			   .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
			   .paylen = 100 };
	struct pkt udp53 = { .src = "100.64.0.10", .dst = "1.1.1.1",
			     .proto = IPPROTO_UDP, .sport = 40000, .dport = 53,
			     .paylen = 40 };
	struct pkt ppp = tcp;

	ppp.pppoe = 1;
	trie_put("100.64.0.10", 32, 7);
	run_hex(UP, data_hex, 0);
	send_pkt(UP, &tcp, XDP_PASS);
	send_pkt(UP, &udp53, XDP_PASS);
	send_pkt(UP, &ppp, XDP_PASS);
	send_pkt(DOWN, &ppp, XDP_PASS);
	ck_assert_int_eq(drain_ring(), 0);
}
END_TEST

/* Nobody reads: the ring fills, copies are lost and counted, every
 * frame still passes. */
START_TEST(test_ring_full)
{
	size_t n = unhex(pap_hex, fbuf);
	int i, kept;
	struct tagih_gstat lost;

	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(run_raw(prog_of(UP), fbuf, n, 0), XDP_PASS);
	kept = drain_ring();
	lost = gstat_sum(TAGIH_G_LEARN_LOST);
	ck_assert_int_gt(kept, 100);
	ck_assert_int_lt(kept, 1000);
	ck_assert_uint_eq(lost.pkts, 1000 - kept);
	ck_assert_uint_eq(lost.bytes, (1000 - kept) * n);
	/* drained: room again */
	run_hex(UP, pap_hex, 1);
}
END_TEST

static Suite *learn_suite(void)
{
	Suite *s = suite_create("bpf_learn");
	TCase *x = tcase_create("xdp"), *t = tcase_create("tc");

	tcase_add_checked_fixture(x, setup_xdp, teardown);
	tcase_add_checked_fixture(t, setup_tc, teardown);
	tcase_add_test(x, test_control_copied);
	tcase_add_test(x, test_data_never);
	tcase_add_test(x, test_ring_full);
	tcase_add_test(t, test_control_copied);
	tcase_add_test(t, test_data_never);
	tcase_add_test(t, test_ring_full);
	suite_add_tcase(s, x);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return bpffix_main(learn_suite);
}
