/* SPDX-License-Identifier: GPL-2.0 */
/* billfix.h - fixtures shared by the billing unit suites: a fresh store, plans, subscribers, usage. */
#ifndef TAGIH_BILLFIX_H
#define TAGIH_BILLFIX_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/fsck.h"
#include "billing/invoice.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "billing/store.h"
#include "tests/unit/tmpdir.h"
#include "billing/sub.h"
#include "lib/ttime.h"
#include "billing/usage.h"

static char dir[64];
static struct store *st;

static inline void setup(void)
{
	ck_assert_ptr_nonnull(tmpdir_make(dir, sizeof(dir), "bill"));
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), 0);
	ck_assert_int_eq(tt_set_zone("Asia/Jakarta"), 0);
}

static inline void teardown(void)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static inline int64_t T(const char *s)
{
	int64_t t;

	ck_assert_int_eq(tt_parse_time(s, &t), 0);
	return t;
}

static inline int32_t D(const char *s)
{
	int32_t d;

	ck_assert_int_eq(tt_parse_date(s, &d), 0);
	return d;
}

static inline void add_plan(const char *name, int type, rp_t price, rp_t per_gb,
		     uint64_t quota, rp_t min, rp_t cap)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION };
	MDB_txn *txn;

	snprintf(p.name, sizeof(p.name), "%s", name);
	p.terms = (struct rate_plan){ .type = type, .price = price,
				      .per_gb = per_gb, .quota_bytes = quota,
				      .min = min, .cap = cap };
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(plan_add(txn, st, &p), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

static inline uint32_t add_sub(const char *id, const char *plan, const char *act)
{
	struct sub_rec r = { 0 };
	MDB_txn *txn;

	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.plan, sizeof(r.plan), "%s", plan);
	r.activated = D(act);
	r.cycle_day = 1;
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_add(txn, st, &r, NULL, 0, NULL), 0);
	ck_assert_int_eq(plan_hist_set(txn, st, id, r.activated, plan), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	return r.uid;
}

static inline void add_usage(uint32_t uid, const char *when, uint64_t bytes)
{
	struct usage_val v = { .down_bytes = bytes };
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(usage_add(txn, st, uid, 1, T(when), &v), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

/* An invoice run for y-m at now: 11% tax on top, small batches. */
static inline struct inv_run_stats run(int y, int m, const char *now)
{
	struct inv_run_opts o = {
		.year = y, .month = m, .now = T(now), .prefix = "INV",
		.due_days = 10, .tax_mode = TAX_EXCLUSIVE, .ppn_bp = 1100,
		.batch = 2,	/* several txns even in small tests */
	};
	struct inv_run_stats s;

	ck_assert_int_eq(invoice_run(st, &o, &s), 0);
	return s;
}

static struct inv_rec inv __attribute__((unused));

/* The invoice of sub for period, via the period index. */
static inline struct inv_rec *get_inv(const char *period, const char *sub)
{
	MDB_txn *txn;
	MDB_val v;
	uint8_t key[64];
	size_t n = strlen(sub);

	memcpy(key, period, 7);
	key[7] = 0;
	memcpy(key + 8, sub, n);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_get(txn, st, DB_INV_PERIOD, key, 8 + n, &v), 0);
	ck_assert_int_eq(invoice_get(txn, st, v.mv_data, &inv), 0);
	store_abort(txn);
	return &inv;
}

static inline int fsck_violations(void)
{
	struct fsck_report r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(fsck_run(txn, st, stderr, &r), 0);
	store_abort(txn);
	return r.violations;
}

#endif
