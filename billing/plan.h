/* SPDX-License-Identifier: GPL-2.0 */
/* plan.h - plans, each subscriber's plan history, and add-on products. */
#ifndef TAGIH_PLAN_H
#define TAGIH_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "billing/store.h"
#include "billing/rate.h"

#define PLAN_NAME_MAX 32	/* [A-Za-z0-9._-], 1..32 chars (plans, add-ons) */

/*
 * The speeds of a plan (version 2 of the record, appended after the
 * version 1 fields). Rates in kbit/s (1 Mbit/s = 1000 kbit/s), 0 = not
 * shaped in that direction. FUP: past fup_bytes of up + down in the
 * subscriber's period, fup_down_kbps / fup_up_kbps apply (0 = that
 * direction keeps its rate); fup_bytes 0 = no period quota. The FUP
 * rates also apply when a prepaid quota (billing/pack.h) runs out,
 * instead of isolir.
 */
struct plan_speed {
	uint32_t down_kbps;
	uint32_t up_kbps;
	uint64_t fup_bytes;
	uint32_t fup_down_kbps;
	uint32_t fup_up_kbps;
	uint8_t reserved[16];
};
#define PLAN_KBPS_MAX 100000000u	/* 100 Gbit/s */

/*
 * DB_PLANS: name -> struct plan_rec, stored as-is (fixed layout, version
 * first). Plans are never deleted: invoices and histories name them.
 * Fields are only ever appended: a shorter record of an older version is
 * read with the newer fields zero (plan_decode), a longer one of a newer
 * version with the fields this build knows.
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
	/* version 2: the speeds */
	struct plan_speed speed;
};
#define PLAN_REC_VERSION 2
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
/*
 * A stored plan record of len bytes into *p: older, shorter records get
 * the newer fields zero. 0 or -EIO (shorter than a version 1 record).
 */
int plan_decode(const void *val, size_t len, struct plan_rec *p);
/* Check the speeds: 0, or -EINVAL with *why (static) when why != NULL. */
int plan_speed_check(const struct plan_speed *s, const char **why);

/*
 * Replace an existing plan by *p (same name), keeping what it was in
 * DB_PLAN_REV under (name, now) and bumping "policy_gen" (the agent
 * reshapes its subscribers). 0, -ENOENT, -EINVAL or -errno.
 */
int plan_set(MDB_txn *txn, struct store *st, const struct plan_rec *p,
	     int64_t now);
/*
 * Earlier versions of a plan, oldest first: cb gets each with the time it
 * was replaced. cb's non-zero return stops and is returned.
 */
int plan_rev_foreach(MDB_txn *txn, struct store *st, const char *name,
		     int (*cb)(int64_t until, const struct plan_rec *p,
			       void *ctx),
		     void *ctx);
/* Returns 0 or -ENOENT. */
int plan_get(MDB_txn *txn, struct store *st, const char *name,
	     struct plan_rec *p);
/* All plans in name order; cb's non-zero return stops and is returned. */
int plan_foreach(MDB_txn *txn, struct store *st,
		 int (*cb)(const struct plan_rec *p, void *ctx), void *ctx);

/*
 * Record that sub is on plan from civil day `from` (DB_PLAN_HIST). A
 * later entry wins from its day on; an entry on the same day replaces
 * the earlier one. The plan must exist (-ENOENT). Bumps "policy_gen"
 * (the plan's speed is the subscriber's). 0 or -errno.
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

/*
 * The plan sub is on at civil day `day`: its history, else sub_plan
 * (sub_rec.plan; may be "" or NULL). 0 (*p filled), -ENOENT (no plan) or
 * -errno.
 */
int plan_of_sub_on(MDB_txn *txn, struct store *st, const char *sub,
		   const char *sub_plan, int32_t day, struct plan_rec *p);

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
