// SPDX-License-Identifier: GPL-2.0
/* test_fup.c - plan speeds (record versions, plan_set history) and the FUP state: period, reached once, top-up, one outbox event. */
#include "tests/unit/billfix.h"
#include "billing/audit.h"
#include "billing/fup.h"
#include "billing/outbox.h"

static struct plan_rec speed_plan(const char *name, uint32_t down, uint32_t up)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION };

	snprintf(p.name, sizeof(p.name), "%s", name);
	p.terms.type = PLAN_FLAT;
	p.terms.price = 100000;
	p.speed.down_kbps = down;
	p.speed.up_kbps = up;
	return p;
}

START_TEST(test_v1_record_reads_with_zero_speeds)
{
	struct plan_rec p = speed_plan("old", 0, 0), got;
	MDB_txn *txn;

	/* a version 1 record: exactly the fields before the speeds */
	p.version = 1;
	memset(&got, 0xaa, sizeof(got));
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(store_put(txn, st, DB_PLANS, "old", 3, &p,
				   PLAN_REC_V1_SIZE, 0), 0);
	ck_assert_int_eq(plan_get(txn, st, "old", &got), 0);
	ck_assert_uint_eq(got.version, 1);
	ck_assert_int_eq(got.terms.price, 100000);
	ck_assert_uint_eq(got.speed.down_kbps, 0);
	ck_assert_uint_eq(got.speed.fup_bytes, 0);
	/* shorter than version 1: refused */
	ck_assert_int_eq(store_put(txn, st, DB_PLANS, "bad", 3, &p, 16, 0), 0);
	ck_assert_int_eq(plan_get(txn, st, "bad", &got), -EIO);
	/* a longer (newer) record: the fields this build knows */
	{
		uint8_t big[sizeof(p) + 24] = { 0 };

		p = speed_plan("new", 10000, 5000);
		memcpy(big, &p, sizeof(p));
		memset(big + sizeof(p), 0x55, 24);
		ck_assert_int_eq(store_put(txn, st, DB_PLANS, "new", 3, big,
					   sizeof(big), 0), 0);
		ck_assert_int_eq(plan_get(txn, st, "new", &got), 0);
		ck_assert_uint_eq(got.speed.down_kbps, 10000);
		ck_assert_uint_eq(got.speed.up_kbps, 5000);
	}
	store_abort(txn);
}
END_TEST

static int rev_cb(int64_t until, const struct plan_rec *p, void *ctx)
{
	uint32_t *downs = ctx;

	downs[++downs[0]] = p->speed.down_kbps;
	ck_assert_int_gt(until, 0);
	return 0;
}

START_TEST(test_plan_set_keeps_history_and_bumps)
{
	struct plan_rec p = speed_plan("p10", 10000, 10000), got;
	uint64_t gen0, gen1;
	uint32_t downs[8] = { 0 };
	const char *why = NULL;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(plan_add(txn, st, &p), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, st, "policy_gen", &gen0), 0);
	p.speed.down_kbps = 20000;
	ck_assert_int_eq(plan_set(txn, st, &p, T("2026-11-10T10:00:00Z")), 0);
	p.speed.down_kbps = 30000;
	ck_assert_int_eq(plan_set(txn, st, &p, T("2026-11-11T10:00:00Z")), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, st, "policy_gen", &gen1), 0);
	ck_assert_uint_eq(gen1, gen0 + 2);
	ck_assert_int_eq(plan_get(txn, st, "p10", &got), 0);
	ck_assert_uint_eq(got.speed.down_kbps, 30000);
	ck_assert_int_eq(plan_rev_foreach(txn, st, "p10", rev_cb, downs), 0);
	ck_assert_uint_eq(downs[0], 2);
	ck_assert_uint_eq(downs[1], 10000);	/* oldest first */
	ck_assert_uint_eq(downs[2], 20000);
	/* unknown plan, bad speeds: refused */
	snprintf(p.name, sizeof(p.name), "nope");
	ck_assert_int_eq(plan_set(txn, st, &p, T("2026-11-12T10:00:00Z")),
			 -ENOENT);
	snprintf(p.name, sizeof(p.name), "p10");
	/* FUP rates alone: for a prepaid quota that runs out */
	p.speed.fup_bytes = 0;
	p.speed.fup_down_kbps = 1000;
	ck_assert_int_eq(plan_speed_check(&p.speed, NULL), 0);
	/* a period quota without a rate to drop to */
	p.speed.fup_down_kbps = 0;
	p.speed.fup_bytes = 1000;
	ck_assert_int_eq(plan_set(txn, st, &p, T("2026-11-12T10:00:00Z")),
			 -EINVAL);
	ck_assert_int_eq(plan_speed_check(&p.speed, &why), -EINVAL);
	ck_assert_ptr_nonnull(why);
	p.speed.down_kbps = PLAN_KBPS_MAX + 1;
	p.speed.fup_bytes = 0;
	ck_assert_int_eq(plan_speed_check(&p.speed, NULL), -EINVAL);
	store_abort(txn);
}
END_TEST

START_TEST(test_period)
{
	struct sub_rec r = { .cycle_day = 5 };
	int32_t from, to;

	fup_period(&r, D("2026-11-10"), &from, &to);
	ck_assert_int_eq(from, D("2026-11-05"));
	ck_assert_int_eq(to, D("2026-12-05"));
	fup_period(&r, D("2026-11-04"), &from, &to);
	ck_assert_int_eq(from, D("2026-10-05"));
	ck_assert_int_eq(to, D("2026-11-05"));
	fup_period(&r, D("2026-01-02"), &from, &to);
	ck_assert_int_eq(from, D("2025-12-05"));
	ck_assert_int_eq(to, D("2026-01-05"));
}
END_TEST

static int count_fup(int64_t t, uint32_t seq, json_t *e, void *ctx)
{
	int *n = ctx;

	if (!strcmp(json_string_value(json_object_get(e, "action")), "fup"))
		(*n)++;
	return 0;
}

static int count_obx(const struct outbox_rec *r, void *ctx)
{
	int *n = ctx;

	if (r->event == OBX_FUP_REACHED)
		(*n)++;
	return 0;
}

START_TEST(test_reach_once_topup_and_one_event)
{
	struct sub_rec r = { 0 };
	int32_t nov = D("2026-11-01"), dec = D("2026-12-01");
	int64_t now = T("2026-11-10T10:00:00+07:00");
	struct fup_rec f;
	uint64_t used;
	MDB_txn *txn;
	int n = 0, m = 0;

	add_plan("p", PLAN_FLAT, 100000, 0, 0, 0, 0);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	snprintf(r.id, sizeof(r.id), "budi");
	snprintf(r.phone, sizeof(r.phone), "081234567890");
	r.activated = nov;
	r.cycle_day = 1;
	ck_assert_int_eq(sub_add(txn, st, &r, NULL, 0, NULL), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	add_usage(r.uid, "2026-11-02T10:00:00+07:00", 150000000);
	add_usage(r.uid, "2026-10-20T10:00:00+07:00", 999000000);	/* last period */

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(fup_store_used(txn, st, r.uid, nov, now, &used), 0);
	ck_assert_uint_eq(used, 150000000);
	ck_assert_int_eq(fup_get(txn, st, "budi", nov, &f), 0);
	ck_assert_int_eq(f.reached, 0);
	ck_assert_int_eq(fup_reach(txn, st, "budi", nov, 200000001, now,
				   "agent:fup"), 0);
	/* a second check in the same period writes nothing */
	ck_assert_int_eq(fup_reach(txn, st, "budi", nov, 210000000, now + 1,
				   "agent:fup"), -EALREADY);
	ck_assert_int_eq(fup_get(txn, st, "budi", nov, &f), 0);
	ck_assert_int_eq(f.reached, now);
	ck_assert_uint_eq(f.used, 200000001);
	/* the next period starts clean */
	ck_assert_int_eq(fup_get(txn, st, "budi", dec, &f), 0);
	ck_assert_int_eq(f.reached, 0);
	ck_assert_int_eq(audit_foreach(txn, st, "budi", count_fup, &n), 0);
	ck_assert_int_eq(n, 1);
	/* the outbox makes one event of it, fed twice */
	ck_assert_int_ge(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY, now + 5), 1);
	ck_assert_int_eq(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY, now + 9), 0);
	ck_assert_int_eq(outbox_foreach(txn, st, count_obx, &m), 0);
	ck_assert_int_eq(m, 1);

	/* a top-up gives the normal rate back until the new allowance */
	ck_assert_int_eq(fup_topup(txn, st, "budi", nov, 1000000000, now + 60,
				   "cli:root"), 0);
	ck_assert_int_eq(fup_get(txn, st, "budi", nov, &f), 0);
	ck_assert_int_eq(f.reached, 0);
	ck_assert_uint_eq(f.topup_bytes, 1000000000);
	ck_assert_int_eq(fup_topup(txn, st, "budi", nov, 0, now, "x"), -EINVAL);
	/* crossing again is a new event */
	ck_assert_int_eq(fup_reach(txn, st, "budi", nov, 1200000001,
				   now + 120, "agent:fup"), 0);
	ck_assert_int_eq(fup_get(txn, st, "budi", nov, &f), 0);
	ck_assert_uint_eq(f.crossings, 2);
	ck_assert_uint_eq(f.topup_bytes, 1000000000);
	ck_assert_int_ge(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY, now + 130),
			 1);
	m = 0;
	ck_assert_int_eq(outbox_foreach(txn, st, count_obx, &m), 0);
	ck_assert_int_eq(m, 2);
	store_abort(txn);
}
END_TEST

static Suite *fup_suite(void)
{
	Suite *s = suite_create("fup");
	TCase *tc = tcase_create("fup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_v1_record_reads_with_zero_speeds);
	tcase_add_test(tc, test_plan_set_keeps_history_and_bumps);
	tcase_add_test(tc, test_period);
	tcase_add_test(tc, test_reach_once_topup_and_one_event);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fup_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
