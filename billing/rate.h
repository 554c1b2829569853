/* SPDX-License-Identifier: GPL-2.0 */
/* rate.h - the billing rules as pure functions: proration, volume, overage, PPN. */
#ifndef TAGIH_RATE_H
#define TAGIH_RATE_H

#include <stdint.h>
#include "lib/money.h"

/*
 * Nothing here touches the store or the clock: every rule of
 * docs/BILLING.md is one function of its inputs, so the unit tests can
 * pin each rounding case. All functions return 0 or -EINVAL (bad input)
 * or -ERANGE (an amount that does not fit in int64).
 */

#define RATE_GB 1000000000LL	/* GB = 10^9 bytes */

enum plan_type {
	PLAN_FLAT = 0,
	PLAN_VOLUME = 1,
	PLAN_HYBRID = 2,
	PLAN_PREPAID = 3,	/* paid first: price per masa aktif of plan_rec.days
				 * days (billing/prepaid.h), never invoiced */
};

enum tax_mode { TAX_EXCLUSIVE = 0, TAX_INCLUSIVE = 1, TAX_NONE = 2 };

/* The pricing terms of a plan (all per full period). */
struct rate_plan {
	uint8_t type;		/* enum plan_type */
	uint8_t pad[7];
	rp_t price;		/* fixed fee: flat, hybrid */
	rp_t per_gb;		/* volume price, hybrid overage price */
	uint64_t quota_bytes;	/* hybrid included quota; prepaid: per purchase */
	rp_t min;		/* minimum charge (volume, hybrid), 0 = none */
	rp_t cap;		/* ceiling of the usage charge, 0 = none */
};

/* What one plan segment (a run of days on one plan) costs. */
struct rate_charge {
	rp_t fee;		/* prorated fixed fee */
	uint64_t quota;		/* prorated quota (hybrid) */
	uint64_t billed_bytes;	/* bytes charged: all (volume), overage (hybrid) */
	rp_t usage;		/* volume or overage charge after the cap */
	rp_t min_topup;		/* added so fee + usage reaches the prorated min */
	int capped;		/* the cap lowered the usage charge */
};

/* fixed * active / period_days, half up. 0 <= active <= period_days. */
int rate_prorate(rp_t fixed, int active, int period_days, rp_t *out);
/* quota * active / period_days, rounded down to whole bytes. */
int rate_prorate_quota(uint64_t quota, int active, int period_days,
		       uint64_t *out);
/* bytes * per_gb / 10^9, half up (one line). */
int rate_volume(uint64_t bytes, rp_t per_gb, rp_t *out);
/* Overage bytes: max(0, bytes - quota). */
uint64_t rate_overage_bytes(uint64_t bytes, uint64_t quota);

/*
 * One segment of active days on plan p out of a period of period_days,
 * with bytes used during those days. min and cap are prorated like the
 * fee. Returns 0, -EINVAL or -ERANGE.
 */
int rate_segment(const struct rate_plan *p, int active, int period_days,
		 uint64_t bytes, struct rate_charge *out);

/*
 * Tax once per invoice from the sum of its lines.
 * exclusive: subtotal = sum, tax = sum * bp / 10000 half up, total = sum + tax
 * inclusive: total = sum, tax = sum * bp / (10000 + bp) half up,
 *            subtotal = total - tax
 * none:      subtotal = total = sum, tax = 0
 */
int rate_tax(int mode, int64_t bp, rp_t sum, rp_t *subtotal, rp_t *tax,
	     rp_t *total);

/* "exclusive" | "inclusive" | "none" -> enum tax_mode; -EINVAL otherwise. */
int rate_tax_mode_parse(const char *s, int *mode);
const char *rate_tax_mode_str(int mode);
/* "flat" | "volume" | "hybrid" | "prepaid" -> enum plan_type; -EINVAL otherwise. */
int rate_plan_type_parse(const char *s, int *type);
const char *rate_plan_type_str(int type);
/* Check a plan's terms make sense for its type. *why: static reason. */
int rate_plan_check(const struct rate_plan *p, const char **why);

#endif
