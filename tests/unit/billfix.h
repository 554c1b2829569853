/* SPDX-License-Identifier: GPL-2.0 */
/* billfix.h - fixtures shared by the billing unit suites: a fresh store, plans, subscribers, usage. */
#ifndef TAGIH_BILLFIX_H
#define TAGIH_BILLFIX_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan.h"
#include "rate.h"
#include "store.h"
#include "tmpdir.h"
#include "sub.h"
#include "ttime.h"
#include "usage.h"

static char dir[64];
static struct store *st;

static inline void setup(void)
{
	ck_assert_ptr_nonnull(tmpdir_make(dir, sizeof(dir), "bill"));
	ck_assert_int_eq(store_open(&st, dir, 0), 0);
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

#endif
