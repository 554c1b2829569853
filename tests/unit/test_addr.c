// SPDX-License-Identifier: GPL-2.0
/* test_addr.c - identifiers (unique, normalised) and learned bindings (claim, release, expiry, history). */
#include <errno.h>
#include "tests/unit/tmpstore.h"
#include "billing/addr.h"
#include "billing/ident.h"
#include "billing/radoct.h"
#include "lib/ttime.h"
#include "billing/sub.h"

static MDB_txn *txn;
static uint32_t u1, u2;

static uint32_t mk(const char *id, const char *pfx)
{
	struct sub_rec r = { 0 };
	struct prefix p;

	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.name, sizeof(r.name), "N");
	r.created = 1000;
	if (pfx)
		ck_assert_int_eq(prefix_parse(pfx, &p, NULL), 0);
	ck_assert_int_eq(sub_add(txn, tmp_st, &r, &p, pfx ? 1 : 0, NULL), 0);
	return r.uid;
}

static void setup(void)
{
	tmp_store_setup();
	sub_set_max_uid(65535);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	u1 = mk("s1", NULL);
	u2 = mk("s2", "10.1.0.0/24");
}

static void teardown(void)
{
	store_abort(txn);
	tmp_store_teardown();
}

static struct prefix P(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, NULL), 0);
	return p;
}

static uint32_t owner_at(const char *a, int64_t t)
{
	struct prefix p = P(a);
	uint32_t uid = 0;
	int err = sub_prefix_owner_at(txn, tmp_st, &p, t, &uid);

	return err ? 0 : uid;
}

static int claim(uint32_t uid, const char *a, int64_t now, int64_t until,
		 const char *sess, bool *changed)
{
	struct addr_claim c = { .uid = uid, .p = P(a), .source = ADDR_SRC_RADIUS,
				.until = until, .session = sess };

	return addr_claim(txn, tmp_st, &c, now, "test", NULL, changed);
}

START_TEST(ident_norms)
{
	char o[IDENT_MAX + 1];

	ck_assert_int_eq(ident_norm(IDENT_MAC, "AA-BB-CC-00-11-22", o,
				    sizeof(o), NULL), 0);
	ck_assert_str_eq(o, "aa:bb:cc:00:11:22");
	ck_assert_int_eq(ident_norm(IDENT_MAC, "aabbcc001122", o, sizeof(o),
				    NULL), 0);
	ck_assert_str_eq(o, "aa:bb:cc:00:11:22");
	ck_assert_int_eq(ident_norm(IDENT_MAC, "aa:bb-cc:00:11:22", o,
				    sizeof(o), NULL), -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_MAC, "ff:ff:ff:ff:ff:ff", o,
				    sizeof(o), NULL), -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_MAC, "00:00:00:00:00:00", o,
				    sizeof(o), NULL), -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_MAC, "aa:bb:cc:00:11:2", o,
				    sizeof(o), NULL), -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_MAC, "aa:bb:cc:00:11:223", o,
				    sizeof(o), NULL), -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_VLAN, "0100.020", o, sizeof(o),
				    NULL), 0);
	ck_assert_str_eq(o, "100.20");
	ck_assert_int_eq(ident_norm(IDENT_VLAN, "4095", o, sizeof(o), NULL),
			 -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_VLAN, "0", o, sizeof(o), NULL),
			 -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_VLAN, "1.2.3", o, sizeof(o), NULL),
			 -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_PPPOE_USER, "budi@rtrw", o,
				    sizeof(o), NULL), 0);
	ck_assert_int_eq(ident_norm(IDENT_PPPOE_USER, "bu\ndi", o, sizeof(o),
				    NULL), -EINVAL);
	ck_assert_int_eq(ident_norm(IDENT_CIRCUIT_ID, "", o, sizeof(o), NULL),
			 -EINVAL);
}
END_TEST

START_TEST(ident_unique)
{
	char id[SUB_ID_MAX + 1], other[SUB_ID_MAX + 1] = "";

	ck_assert_int_eq(ident_add(txn, tmp_st, IDENT_MAC, "aa:bb:cc:00:11:22",
				   "s1", other), 0);
	ck_assert_int_eq(ident_add(txn, tmp_st, IDENT_MAC, "aa:bb:cc:00:11:22",
				   "s1", other), -EEXIST);
	ck_assert_int_eq(ident_add(txn, tmp_st, IDENT_MAC, "aa:bb:cc:00:11:22",
				   "s2", other), -EADDRINUSE);
	ck_assert_str_eq(other, "s1");
	/* the same text as another kind is another identifier */
	ck_assert_int_eq(ident_add(txn, tmp_st, IDENT_CIRCUIT_ID,
				   "aa:bb:cc:00:11:22", "s2", NULL), 0);
	ck_assert_int_eq(ident_find(txn, tmp_st, IDENT_MAC,
				    "aa:bb:cc:00:11:22", id), 0);
	ck_assert_str_eq(id, "s1");
	ck_assert_int_eq(ident_del(txn, tmp_st, IDENT_MAC, "aa:bb:cc:00:11:22",
				   "s2"), -ENOENT);
	ck_assert_int_eq(ident_del(txn, tmp_st, IDENT_MAC, "aa:bb:cc:00:11:22",
				   "s1"), 0);
	ck_assert_int_eq(ident_find(txn, tmp_st, IDENT_MAC,
				    "aa:bb:cc:00:11:22", id), -ENOENT);
}
END_TEST

/* A new claim ends the old one; history answers for both; usage is the
 * meter's (per uid), so only ownership is checked here. */
START_TEST(claim_moves)
{
	bool ch = false;

	ck_assert_int_eq(claim(u1, "10.2.0.5", 2000, 0, "A1", &ch), 0);
	ck_assert(ch);
	/* ten duplicates: one binding, nothing changes */
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(claim(u1, "10.2.0.5", 2001 + i, 0, "A1", &ch),
				 0);
		ck_assert(!ch);
	}
	ck_assert_int_eq(claim(u2, "10.2.0.5", 3000, 0, "B1", &ch), 0);
	ck_assert(ch);
	ck_assert_uint_eq(owner_at("10.2.0.5", 1999), 0);
	ck_assert_uint_eq(owner_at("10.2.0.5", 2500), u1);
	ck_assert_uint_eq(owner_at("10.2.0.5", 3000), u2);
	/* a late Stop of s1's session changes nothing */
	{
		struct prefix p = P("10.2.0.5");

		ck_assert_int_eq(addr_release(txn, tmp_st, &p, u1, "A1", 3100,
					      "test", "stop"), -ENOENT);
		ck_assert_int_eq(addr_release(txn, tmp_st, &p, u2, "A1", 3100,
					      "test", "stop"), -ENOENT);
		ck_assert_int_eq(addr_release(txn, tmp_st, &p, u2, "B1", 3200,
					      "test", "stop"), 0);
	}
	ck_assert_uint_eq(owner_at("10.2.0.5", 3150), u2);
	ck_assert_uint_eq(owner_at("10.2.0.5", 3200), 0);
}
END_TEST

START_TEST(claim_static_refused)
{
	uint32_t other = 0;
	struct addr_claim c = { .uid = u1, .p = P("10.1.0.7"),
				.source = ADDR_SRC_DHCP };

	/* inside s2's static /24 */
	ck_assert_int_eq(addr_claim(txn, tmp_st, &c, 2000, "t", &other, NULL),
			 -EADDRINUSE);
	ck_assert_uint_eq(other, u2);
	/* s2 claiming inside its own /24 is an overlap with itself: fine */
	c.uid = u2;
	ck_assert_int_eq(addr_claim(txn, tmp_st, &c, 2000, "t", &other, NULL),
			 0);
	/* an end that is not after now */
	c.p = P("10.3.0.1");
	c.until = 2000;
	ck_assert_int_eq(addr_claim(txn, tmp_st, &c, 2000, "t", NULL, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(expiry)
{
	int64_t t;

	ck_assert_int_eq(claim(u1, "10.4.0.1", 1000, 1600, "m", NULL), 0);
	ck_assert_int_eq(claim(u1, "10.4.0.2", 1000, 1200, "m", NULL), 0);
	/* a renewal moves the end */
	ck_assert_int_eq(claim(u1, "10.4.0.2", 1100, 1900, "m", NULL), 0);
	ck_assert_int_eq(addr_next_expiry(txn, tmp_st, &t), 0);
	ck_assert_int_eq(t, 1600);
	ck_assert_int_eq(addr_expire(txn, tmp_st, 1599, "t"), 0);
	ck_assert_int_eq(addr_expire(txn, tmp_st, 1700, "t"), 1);
	ck_assert_uint_eq(owner_at("10.4.0.1", 1599), u1);
	/* ended when the lease did, not when it was noticed */
	ck_assert_uint_eq(owner_at("10.4.0.1", 1600), 0);
	ck_assert_uint_eq(owner_at("10.4.0.2", 1800), u1);
	ck_assert_int_eq(addr_expire(txn, tmp_st, 5000, "t"), 1);
	ck_assert_int_eq(addr_next_expiry(txn, tmp_st, &t), 0);
	ck_assert_int_eq(t, 0);
}
END_TEST

/* sub ip del of a learned address: ownership ends by hand, the binding
 * and its expiry go with it (no spurious expiry later). */
START_TEST(forget)
{
	struct prefix p = P("10.6.0.1");
	struct addr_bind b;
	int64_t t;

	ck_assert_int_eq(claim(u1, "10.6.0.1", 1000, 2000, "m", NULL), 0);
	ck_assert_int_eq(sub_prefix_del_uid(txn, tmp_st, u1, &p, 1500), 0);
	ck_assert_int_eq(addr_forget(txn, tmp_st, &p), 0);
	ck_assert_int_eq(addr_bind_get(txn, tmp_st, &p, &b), -ENOENT);
	ck_assert_int_eq(addr_next_expiry(txn, tmp_st, &t), 0);
	ck_assert_int_eq(t, 0);
	ck_assert_int_eq(addr_expire(txn, tmp_st, 3000, "t"), 0);
	ck_assert_uint_eq(owner_at("10.6.0.1", 1200), u1);
	ck_assert_uint_eq(owner_at("10.6.0.1", 1500), 0);
	ck_assert_int_eq(addr_forget(txn, tmp_st, &p), 0);	/* idempotent */
}
END_TEST

static int oct_cb(uint32_t uid, int32_t day, const struct radoct_val *v,
		  void *ctx)
{
	struct radoct_val *sum = ctx;

	(void)uid;
	(void)day;
	sum->in += v->in;
	sum->out += v->out;
	return 0;
}

/* RADIUS octets: each Interim adds what is new, a repeat nothing, a
 * counter that went back counts whole, Stop closes the session. */
START_TEST(radius_octets)
{
	struct radoct_val sum = { 0, 0 };
	int64_t t = 1700000000;
	int32_t d = tt_local_day(t);

	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 1, 0, 0, t), 0);
	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 3, 1000, 10, t), 0);
	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 3, 1000, 10, t), 0);
	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 3, 1500, 20, t), 0);
	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 3, 100, 5, t), 0);
	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 2, 300, 5, t), 0);
	/* after Stop the same id is a new session */
	ck_assert_int_eq(radoct_note(txn, tmp_st, u1, "S1", 3, 50, 0, t), 0);
	ck_assert_int_eq(radoct_foreach(txn, tmp_st, d, d, oct_cb, &sum), 0);
	ck_assert_uint_eq(sum.in, 1500 + 100 + 200 + 50);
	ck_assert_uint_eq(sum.out, 20 + 5 + 0 + 0);
	sum.in = sum.out = 0;
	ck_assert_int_eq(radoct_foreach(txn, tmp_st, d + 1, d + 9, oct_cb,
					&sum), 0);
	ck_assert_uint_eq(sum.in, 0);
}
END_TEST

static int count_cb(const struct addr_span *s, void *ctx)
{
	(void)s;
	(*(int *)ctx)++;
	return 0;
}

START_TEST(history)
{
	struct prefix a = P("10.1.0.9");
	int n = 0;

	ck_assert_int_eq(claim(u1, "10.5.0.1", 1000, 0, "x", NULL), 0);
	ck_assert_int_eq(claim(u2, "10.5.0.1", 1100, 0, "y", NULL), 0);
	ck_assert_int_eq(claim(u1, "10.5.0.2", 1200, 0, "x", NULL), 0);
	ck_assert_int_eq(addr_history(txn, tmp_st, NULL, u1, count_cb, &n), 0);
	ck_assert_int_eq(n, 2);
	n = 0;
	/* 10.1.0.9 lies in s2's /24 */
	ck_assert_int_eq(addr_history(txn, tmp_st, &a, 0, count_cb, &n), 0);
	ck_assert_int_eq(n, 1);
}
END_TEST

static Suite *addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ident_norms);
	tcase_add_test(tc, ident_unique);
	tcase_add_test(tc, claim_moves);
	tcase_add_test(tc, claim_static_refused);
	tcase_add_test(tc, expiry);
	tcase_add_test(tc, history);
	tcase_add_test(tc, forget);
	tcase_add_test(tc, radius_octets);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(addr_suite)
