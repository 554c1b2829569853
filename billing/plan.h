/* SPDX-License-Identifier: GPL-2.0 */
/* plan.h - plans, each subscriber's plan history, and add-on products. */
#ifndef TAGIH_PLAN_H
#define TAGIH_PLAN_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/rate.h"

#define PLAN_NAME_MAX 32	/* [A-Za-z0-9._-], 1..32 chars (plans, add-ons) */

/*
 * DB_PLANS: name -> struct plan_rec, stored as-is (fixed layout, version
 * first). Plans are never deleted: invoices and histories name them.
 */
struct plan_rec {
	uint32_t version;	/* PLAN_REC_VERSION */
	uint32_t pad;
	char name[PLAN_NAME_MAX + 1];
	uint8_t pad2[7];
	struct rate_plan terms;
	int64_t created;	/* UTC seconds */
	uint8_t reserved[32];
	/* --- appended; a shorter (older) record reads these as 0 --- */
	uint32_t days;		/* prepaid: masa aktif bought per purchase */
	uint32_t pad3;
};
#define PLAN_REC_VERSION 1
/* The length of the first layout: plan_get accepts it and longer ones up
 * to sizeof(struct plan_rec), zero-filling what a record does not have. */
#define PLAN_REC_V1_SIZE (__builtin_offsetof(struct plan_rec, reserved) + 32)
#define PLAN_DAYS_MAX 3660

/*
 * DB_ADDONS: sub id + '\0' + product -> struct addon_rec. A fixed monthly
 * product (static IP, TV) billed on the subscriber's invoice, prorated by
 * day over [from, until) like the plan fee.
 */
struct addon_rec {
	uint32_t version;	/* ADDON_REC_VERSION */
	int32_t from;		/* civil day, first billed day */
	int32_t until;		/* civil day, first day not billed; 0 = open */
	uint32_t pad;
	rp_t price;		/* per full period */
	char product[PLAN_NAME_MAX + 1];
	uint8_t reserved[31];
};
#define ADDON_REC_VERSION 1

/* A run of days [from, to) on one plan. */
struct plan_seg {
	int32_t from, to;
	char plan[PLAN_NAME_MAX + 1];
};

/* Valid plan/product name? 0 or -EINVAL. */
int plan_name_check(const char *name);

/* Add a plan. Returns 0, -EEXIST, -EINVAL (bad name or terms; a prepaid
 * plan needs 1..PLAN_DAYS_MAX days, other types none) or -errno. */
int plan_add(MDB_txn *txn, struct store *st, const struct plan_rec *p);
/* Returns 0 or -ENOENT. */
int plan_get(MDB_txn *txn, struct store *st, const char *name,
	     struct plan_rec *p);
/* All plans in name order; cb's non-zero return stops and is returned. */
int plan_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct plan_rec *p, void *ctx), void *ctx);

/*
 * Record that sub is on plan from civil day `from` (DB_PLAN_HIST). A
 * later entry wins from its day on; an entry on the same day replaces
 * the earlier one. The plan must exist (-ENOENT). 0 or -errno.
 */
int plan_hist_set(MDB_txn *txn, struct store *st, const char *sub,
		  int32_t from, const char *plan);
/*
 * Move subscriber r to plan from day from (not before its activation):
 * records the history (and, for a subscriber added without any, its old
 * plan from activation first), and sets r->plan (written with sub_put)
 * when from is not after today. Not audited here: the caller writes
 * "sub_plan" with its actor. 0, -ENOENT (no such plan), -EINVAL (from
 * before activation) or -errno.
 */
struct sub_rec;
int plan_change(MDB_txn *txn, struct store *st, struct sub_rec *r,
		const char *plan, int32_t from, int32_t today);

/*
 * The plan segments of sub that overlap [from, to), clipped to it, in
 * day order. Returns the count (<= max), or -E2BIG / -errno. 0 means no
 * history (callers fall back to sub_rec.plan).
 */
int plan_hist_segments(MDB_txn *txn, struct store *st, const char *sub,
		       int32_t from, int32_t to, struct plan_seg *out,
		       int max);

/* Attach (or replace) a product. 0, -EINVAL or -errno. */
int addon_put(MDB_txn *txn, struct store *st, const char *sub,
	      const struct addon_rec *a);
/* Returns 0 or -ENOENT. */
int addon_get(MDB_txn *txn, struct store *st, const char *sub,
	      const char *product, struct addon_rec *a);
/* Add-ons of sub in product order. */
int addon_foreach(MDB_txn *txn, struct store *st, const char *sub,
		  int (*cb)(const struct addon_rec *a, void *ctx), void *ctx);

#endif
