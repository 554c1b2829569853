// SPDX-License-Identifier: GPL-2.0
/* test_bpf_shape.c - BPF_PROG_TEST_RUN tests of the shaper (tagih_shape.bpf.c) and of its EDT math (tagih_edt_step). */

/*
 * The shaper runs as tc programs: each test run is one skb whose tstamp
 * and mark go in and come back (struct __sk_buff ctx).  Times are
 * CLOCK_MONOTONIC, as bpf_ktime_get_ns(), read around each run so a
 * departure time can be bounded from both sides.
 *
 * Exit status 77 (skip) when the kernel refuses to load BPF at all.
 */
#include <time.h>

/* bpffix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "tests/bpf/bpffix.h"
#include "bpf/tagih_shape.skel.h"

#define HORIZON_NS	(20 * 1000000ULL)	/* 20 ms in these tests */
#define MBIT_BPS(m)	((__u64)(m) * 125000)	/* Mbit/s -> bytes/s */

static struct tagih_shape *sh;

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void setup(void)
{
	struct bpf_map *map;

	sh = tagih_shape__open();
	ck_assert_ptr_nonnull(sh);
	bpf_object__for_each_map(map, sh->obj)
		ck_assert_int_eq(bpf_map__set_pin_path(map, NULL), 0);
	sh->rodata->shape_horizon_ns = HORIZON_NS;
	ck_assert_int_eq(tagih_shape__load(sh), 0);
}

static void shape_teardown(void)
{
	tagih_shape__destroy(sh);
	sh = NULL;
	teardown();	/* bpffix's meter: not loaded here */
}

static void put_pfx(const char *addr, __u32 plen, __u32 uid)
{
	struct tagih_pfx_val v = { .uid = uid };

	if (strchr(addr, ':')) {
		struct tagih_lpm6 k = { .prefixlen = plen };

		ck_assert_int_eq(inet_pton(AF_INET6, addr, k.addr), 1);
		ck_assert_int_eq(bpf_map__update_elem(sh->maps.tagih_pfx6, &k,
						      sizeof(k), &v, sizeof(v),
						      BPF_ANY), 0);
	} else {
		struct tagih_lpm4 k = { .prefixlen = plen };

		ck_assert_int_eq(inet_pton(AF_INET, addr, k.addr), 1);
		ck_assert_int_eq(bpf_map__update_elem(sh->maps.tagih_pfx4, &k,
						      sizeof(k), &v, sizeof(v),
						      BPF_ANY), 0);
	}
}

static void put_rate(__u32 uid, __u64 down, __u64 up)
{
	struct tagih_rate r = { .down_Bps = down, .up_Bps = up };

	ck_assert_int_eq(bpf_map__update_elem(sh->maps.tagih_rate, &uid,
					      sizeof(uid), &r, sizeof(r),
					      BPF_ANY), 0);
}

static struct tagih_edt get_edt(__u32 uid)
{
	struct tagih_edt e;

	ck_assert_int_eq(bpf_map__lookup_elem(sh->maps.tagih_edt, &uid,
					      sizeof(uid), &e, sizeof(e), 0),
			 0);
	return e;
}

static __u64 sstat_pkts(__u32 idx)
{
	struct tagih_gstat *v = calloc(ncpu, sizeof(*v));
	__u64 n = 0;
	int i;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(bpf_map__lookup_elem(sh->maps.tagih_sstat, &idx,
					      sizeof(idx), v,
					      ncpu * sizeof(*v), 0), 0);
	for (i = 0; i < ncpu; i++)
		n += v[i].pkts;
	free(v);
	return n;
}

/* One skb through prog: tstamp, mark, priority in and out; the action. */
struct run {
	__u64 tstamp;
	__u32 mark;
	__u32 priority;
	__u8 tcp_flags;	/* written into a TCP frame's header when set */
	__u64 t0, t1;	/* CLOCK_MONOTONIC before and after the run */
};

static int run_skb(struct bpf_program *prog, const struct pkt *p,
		   struct run *r)
{
	struct __sk_buff ctx = { .tstamp = r->tstamp, .mark = r->mark,
				 .priority = r->priority };
	__u8 buf[2048];
	__u32 iplen;
	int len = build(buf, p, &iplen);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf,
		    .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx,
		    .ctx_size_out = sizeof(ctx), .repeat = 1);

	if (r->tcp_flags && p->proto == IPPROTO_TCP)
		buf[pkt_l2len(p) + (strchr(p->src, ':') ? 40 : 20) + 13] =
			r->tcp_flags;
	r->t0 = mono_ns();
	ck_assert_int_eq(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts),
			 0);
	r->t1 = mono_ns();
	r->tstamp = ctx.tstamp;
	r->mark = ctx.mark;
	r->priority = ctx.priority;
	return (int)opts.retval;
}

/* The frame length build() makes for p. */
static __u32 frame_len(const struct pkt *p)
{
	__u8 buf[2048];
	__u32 iplen;

	return build(buf, p, &iplen);
}

static const struct pkt down4 = { .src = "1.1.1.1", .dst = "10.0.0.5",
				  .proto = IPPROTO_UDP, .sport = 443,
				  .dport = 40000, .paylen = 958 };

/* --- departure times ------------------------------------------------------- */

START_TEST(test_first_now_then_paced)
{
	const __u64 Bps = MBIT_BPS(10);
	__u32 len = frame_len(&down4);
	__u64 delay = (__u64)len * 1000000000ULL / Bps;
	struct run r = { 0 };
	struct tagih_edt e;
	__u64 first_free;
	int i;

	put_pfx("10.0.0.5", 32, 1);
	put_rate(1, Bps, 0);

	/* an idle line: the first packet leaves now, tstamp untouched */
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.tstamp, 0);
	e = get_edt(1);
	/* the line is busy for exactly one packet's time from the run */
	ck_assert_uint_ge(e.t_down, r.t0 + delay);
	ck_assert_uint_le(e.t_down, r.t1 + delay);
	ck_assert_uint_eq(e.t_up, 0);
	first_free = e.t_down;

	/* back to back: each leaves when the one before has left */
	for (i = 0; i < 10; i++) {
		r.tstamp = 0;
		ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4,
					 &r), TC_ACT_UNSPEC);
		ck_assert_uint_eq(r.tstamp, first_free + i * delay);
	}
	ck_assert_uint_eq(get_edt(1).t_down, first_free + 10 * delay);
	ck_assert_uint_eq(sstat_pkts(TAGIH_SS_PASS), 1);
	ck_assert_uint_eq(sstat_pkts(TAGIH_SS_DELAY), 10);
}
END_TEST

START_TEST(test_pacing_is_the_rate)
{
	/* 30 Mbit/s: N packets are spread over N * len / rate seconds */
	const __u64 Bps = MBIT_BPS(30);
	__u32 len = frame_len(&down4);
	struct run r = { 0 };
	__u64 first = 0, last = 0, span, want;
	int i, n = 0;

	put_pfx("10.0.0.0", 24, 7);
	put_rate(7, Bps, 0);
	for (i = 0; i < 40; i++) {
		r.tstamp = 0;
		ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4,
					 &r), TC_ACT_UNSPEC);
		if (!r.tstamp)
			continue;
		if (!first)
			first = r.tstamp;
		last = r.tstamp;
		n++;
	}
	ck_assert_int_ge(n, 30);
	span = last - first;
	want = (__u64)(n - 1) * len * 1000000000ULL / Bps;
	/* integer delay per packet: at most n - 1 ns short */
	ck_assert_uint_le(span, want);
	ck_assert_uint_ge(span + n, want);
}
END_TEST

START_TEST(test_horizon_drop_gives_time_back)
{
	const __u64 Bps = MBIT_BPS(1);	/* 1 KB = 8 ms: a 20 ms horizon */
	struct run r = { 0 };
	__u64 before;
	int i, act, drops = 0, passed = 0;

	put_pfx("10.0.0.5", 32, 1);
	put_rate(1, Bps, 0);
	for (i = 0; i < 10; i++) {
		r.tstamp = 0;
		act = run_skb(sh->progs.tagih_shape_down, &down4, &r);
		if (act == TC_ACT_SHOT) {
			drops++;
			/* never more than the horizon ahead of now */
		} else {
			ck_assert_int_eq(act, TC_ACT_UNSPEC);
			ck_assert_uint_lt(r.tstamp, r.t1 + HORIZON_NS);
			passed++;
		}
	}
	/* 1 now, 2 within 20 ms (8 and 16 ms), the rest dropped */
	ck_assert_int_eq(passed, 3);
	ck_assert_int_eq(drops, 7);
	ck_assert_uint_eq(sstat_pkts(TAGIH_SS_DROP), 7);
	/* a drop does not move the line's time */
	before = get_edt(1).t_down;
	r.tstamp = 0;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4, &r),
			 TC_ACT_SHOT);
	ck_assert_uint_eq(get_edt(1).t_down, before);
}
END_TEST

START_TEST(test_horizon_of_the_subscriber)
{
	/* the agent's per-direction horizon (100 ms) beats the global 20 ms */
	struct tagih_rate rt = { .down_Bps = MBIT_BPS(1),
				 .down_horizon_ns = 100 * 1000000ULL };
	struct run r = { 0 };
	__u32 uid = 1;
	int i, passed = 0;

	put_pfx("10.0.0.5", 32, 1);
	ck_assert_int_eq(bpf_map__update_elem(sh->maps.tagih_rate, &uid,
					      sizeof(uid), &rt, sizeof(rt),
					      BPF_ANY), 0);
	for (i = 0; i < 20; i++) {
		r.tstamp = 0;
		if (run_skb(sh->progs.tagih_shape_down, &down4, &r) ==
		    TC_ACT_UNSPEC)
			passed++;
	}
	/* now, then 8, 16, ... 96 ms: 13 within 100 ms */
	ck_assert_int_eq(passed, 13);
}
END_TEST

START_TEST(test_foreign_tstamp)
{
	/* a realtime-clock stamp (2026 in ns) is not a departure time */
	const __u64 Bps = MBIT_BPS(10);
	struct run r = { .tstamp = 1796000000ULL * 1000000000ULL };
	struct tagih_edt e;

	put_pfx("10.0.0.5", 32, 1);
	put_rate(1, Bps, 0);
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4, &r),
			 TC_ACT_UNSPEC);
	e = get_edt(1);
	ck_assert_uint_lt(e.t_down, r.t1 + 1000000000ULL);

	/* a stamp in the near future (the stack's own EDT) is respected */
	r.tstamp = mono_ns() + 5000000;	/* 5 ms */
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_ge(r.tstamp, e.t_down);
}
END_TEST

START_TEST(test_free_and_unknown_pass)
{
	struct run r = { 0 };
	struct pkt other = down4;

	put_pfx("10.0.0.5", 32, 1);
	put_rate(1, 0, MBIT_BPS(5));	/* upload shaped, download free */
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &down4, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.tstamp, 0);
	ck_assert_uint_eq(get_edt(1).t_down, 0);
	ck_assert_uint_eq(sstat_pkts(TAGIH_SS_FREE), 1);

	other.dst = "10.9.9.9";
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &other, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.tstamp, 0);
	ck_assert_uint_eq(sstat_pkts(TAGIH_SS_UNKNOWN), 1);
}
END_TEST

START_TEST(test_ipv6_and_pppoe)
{
	struct pkt v6 = { .src = "2001:db8::1", .dst = "2001:db8:5::9",
			  .proto = IPPROTO_TCP, .sport = 443, .dport = 40000,
			  .paylen = 900 };
	struct pkt ppp = down4;
	struct run r = { 0 };

	ppp.pppoe = 1;
	ppp.ntags = 1;
	ppp.tpid[0] = ETH_P_8021Q;
	put_pfx("2001:db8:5::", 48, 3);
	put_pfx("10.0.0.5", 32, 4);
	put_rate(3, MBIT_BPS(10), 0);
	put_rate(4, MBIT_BPS(10), 0);
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &v6, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_ne(get_edt(3).t_down, 0);
	r.tstamp = 0;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &v6, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_ne(r.tstamp, 0);

	r.tstamp = 0;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &ppp, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_ne(get_edt(4).t_down, 0);
	r.tstamp = 0;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &ppp, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_ne(r.tstamp, 0);
}
END_TEST

/* --- upload behind NAT ------------------------------------------------------ */

START_TEST(test_mark_then_upload_by_mark)
{
	struct pkt up = { .src = "10.0.0.5", .dst = "1.1.1.1",
			  .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
			  .paylen = 900 };
	struct pkt natted = up;
	struct run r = { 0 };

	put_pfx("10.0.0.5", 32, 9);
	put_rate(9, 0, MBIT_BPS(2));

	/* lan ingress: the uid goes into the mark */
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_mark, &up, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.mark, TAGIH_MARK_TAG | 9);
	/* someone else's mark is left alone */
	r.mark = 0x1234;
	run_skb(sh->progs.tagih_shape_mark, &up, &r);
	ck_assert_uint_eq(r.mark, 0x1234);

	/* wan egress after SNAT: the source is the public address */
	natted.src = "203.0.113.1";
	r.mark = TAGIH_MARK_TAG | 9;
	r.tstamp = 0;
	run_skb(sh->progs.tagih_shape_up, &natted, &r);
	ck_assert_uint_ne(get_edt(9).t_up, 0);
	r.tstamp = 0;
	r.mark = TAGIH_MARK_TAG | 9;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_up, &natted, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_ne(r.tstamp, 0);
	ck_assert_uint_eq(get_edt(9).t_down, 0);

	/* no mark, no NAT: by the source address */
	put_rate(9, 0, 0);
	put_pfx("10.0.0.6", 32, 10);
	put_rate(10, 0, MBIT_BPS(2));
	up.src = "10.0.0.6";
	r.mark = 0;
	r.tstamp = 0;
	run_skb(sh->progs.tagih_shape_up, &up, &r);
	ck_assert_uint_ne(get_edt(10).t_up, 0);
	/* a mark of ours for a uid past the map passes untouched */
	r.mark = TAGIH_MARK_TAG | TAGIH_MARK_UID_MASK;
	r.tstamp = 0;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_up, &natted, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.tstamp, 0);
}
END_TEST

/* --- pure ACKs and HTB classes --------------------------------------------- */

/* A pure ACK (TCP, no payload) to 10.0.0.5. */
static const struct pkt ack4 = { .src = "1.1.1.1", .dst = "10.0.0.5",
				 .proto = IPPROTO_TCP, .sport = 443,
				 .dport = 40000 };

START_TEST(test_ack_charged_not_delayed)
{
	const __u64 Bps = MBIT_BPS(10);
	struct pkt data = ack4;
	struct run r = { .tcp_flags = 0x10 };
	__u64 before, delay = (__u64)frame_len(&ack4) * 1000000000ULL / Bps;
	int i;

	data.paylen = 1000;	/* with payload: paced */
	put_pfx("10.0.0.5", 32, 1);
	put_rate(1, Bps, 0);
	for (i = 0; i < 5; i++) {
		r.tstamp = 0;
		run_skb(sh->progs.tagih_shape_down, &data, &r);
	}
	ck_assert_uint_ne(r.tstamp, 0);	/* the line is busy */
	before = get_edt(1).t_down;
	r.tstamp = 0;
	ck_assert_int_eq(run_skb(sh->progs.tagih_shape_down, &ack4, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.tstamp, 0);	/* leaves now */
	ck_assert_uint_eq(get_edt(1).t_down, before + delay);	/* charged */
	ck_assert_uint_eq(sstat_pkts(TAGIH_SS_ACK), 1);
	/* a data packet after it waits for the ACK's time too */
	r.tstamp = 0;
	run_skb(sh->progs.tagih_shape_down, &data, &r);
	ck_assert_uint_eq(r.tstamp, before + delay);
}
END_TEST

START_TEST(test_htb_class_in_priority)
{
	struct pkt data = ack4, other = ack4;
	struct run r = { .priority = 3, .tcp_flags = 0x10 };

	data.paylen = 1000;
	other.dst = "10.0.0.6";
	put_pfx("10.0.0.5", 32, 0x1234);
	put_pfx("10.0.0.6", 32, 0x1235);
	put_rate(0x1234, MBIT_BPS(10), 0);
	put_rate(0x1235, 0, MBIT_BPS(10));	/* download free */
	ck_assert_int_eq(run_skb(sh->progs.tagih_htb_down, &data, &r),
			 TC_ACT_UNSPEC);
	ck_assert_uint_eq(r.priority, TAGIH_HTB_MAJOR << 16 | 0x1234);
	ck_assert_uint_eq(r.tstamp, 0);
	/* a pure ACK: HTB's direct class (the qdisc's own handle) */
	r.priority = 3;
	run_skb(sh->progs.tagih_htb_down, &ack4, &r);
	ck_assert_uint_eq(r.priority, TAGIH_HTB_MAJOR << 16);
	/* an ACK flood beyond 1/16 of the rate queues in the class */
	{
		int i, direct = 0;

		for (i = 0; i < 200; i++) {
			r.priority = 3;
			run_skb(sh->progs.tagih_htb_down, &ack4, &r);
			if (r.priority == TAGIH_HTB_MAJOR << 16)
				direct++;
			else
				ck_assert_uint_eq(r.priority,
						  TAGIH_HTB_MAJOR << 16 | 0x1234);
		}
		/* 10 Mbit/s / 16 = 78125 B/s, 54-byte ACKs, 20 ms horizon:
		 * about 29 go direct, the rest into the class */
		ck_assert_int_lt(direct, 40);
		ck_assert_int_gt(direct, 20);
	}
	/* no rate in this direction: priority untouched */
	r.priority = 3;
	run_skb(sh->progs.tagih_htb_down, &other, &r);
	ck_assert_uint_eq(r.priority, 3);
	/* uploads by the mark */
	r.priority = 3;
	r.mark = TAGIH_MARK_TAG | 0x1235;
	other.src = "203.0.113.1";
	other.dst = "1.1.1.1";
	run_skb(sh->progs.tagih_htb_up, &data, &r);
	ck_assert_uint_eq(r.priority, TAGIH_HTB_MAJOR << 16 | 0x1235);
	/* in HTB mode tagih_edt holds only the direct-ACK line */
	ck_assert_uint_ne(get_edt(0x1234).t_down, 0);
	ck_assert_uint_eq(get_edt(0x1234).t_up, 0);
}
END_TEST

/* --- the math alone (userspace) ---------------------------------------------- */

START_TEST(test_step_math_bounds)
{
	const __u64 now = 1ULL << 62;	/* a late CLOCK_MONOTONIC */
	__u64 last, ts;
	int v;

	/* the longest skb at the slowest rate: no wrap in len * 10^9 */
	ck_assert_uint_eq(tagih_edt_delay(0xffffffffu, 125000),
			  0xffffffffULL * 8000ULL);
	/* garbage in the slot (all ones): restarts, does not drop for ever */
	last = ~0ULL;
	ts = 0;
	v = tagih_edt_step(&last, now, &ts, 1500, 125000,
			   TAGIH_SHAPE_HORIZON_MAX);
	ck_assert_int_eq(v, TAGIH_EDT_NOW);
	ck_assert_uint_eq(last, now + 12000000);
	/* the next one is paced from there */
	ts = 0;
	v = tagih_edt_step(&last, now, &ts, 1500, 125000,
			   TAGIH_SHAPE_HORIZON_MAX);
	ck_assert_int_eq(v, TAGIH_EDT_LATER);
	ck_assert_uint_eq(ts, now + 12000000);
	/* a stamp before now is now; beyond the horizon (another clock) too */
	last = 0;
	ts = now - 5;
	ck_assert_int_eq(tagih_edt_step(&last, now, &ts, 1000, 1000000,
					1000000), TAGIH_EDT_NOW);
	ck_assert_uint_eq(last, now + 1000000);
	last = 0;
	ts = ~0ULL;
	ck_assert_int_eq(tagih_edt_step(&last, now, &ts, 1000, 1000000,
					1000000), TAGIH_EDT_NOW);
	ck_assert_uint_eq(last, now + 1000000);
	/* exactly at the horizon: dropped, the slot unchanged */
	last = now + 1000000;
	ts = 0;
	ck_assert_int_eq(tagih_edt_step(&last, now, &ts, 1000, 1000000,
					1000000), TAGIH_EDT_DROP);
	ck_assert_uint_eq(last, now + 1000000);
	ck_assert_uint_eq(ts, 0);
}
END_TEST

static Suite *shape_suite(void)
{
	Suite *s = suite_create("bpf_shape");
	TCase *tc = tcase_create("edt");

	tcase_add_checked_fixture(tc, setup, shape_teardown);
	tcase_add_test(tc, test_first_now_then_paced);
	tcase_add_test(tc, test_pacing_is_the_rate);
	tcase_add_test(tc, test_horizon_drop_gives_time_back);
	tcase_add_test(tc, test_horizon_of_the_subscriber);
	tcase_add_test(tc, test_foreign_tstamp);
	tcase_add_test(tc, test_free_and_unknown_pass);
	tcase_add_test(tc, test_ipv6_and_pppoe);
	tcase_add_test(tc, test_mark_then_upload_by_mark);
	tcase_add_test(tc, test_ack_charged_not_delayed);
	tcase_add_test(tc, test_htb_class_in_priority);
	tcase_add_test(tc, test_step_math_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return bpffix_main(shape_suite);
}
