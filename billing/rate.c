// SPDX-License-Identifier: GPL-2.0
/* rate.c - the billing rules as pure functions (see docs/BILLING.md). */
#include <errno.h>
#include <string.h>

#include "billing/rate.h"

int rate_prorate(rp_t fixed, int active, int period_days, rp_t *out)
{
	int err = 0;
	rp_t v;

	if (fixed < 0 || period_days <= 0 || active < 0 ||
	    active > period_days)
		return -EINVAL;
	v = money_muldiv_round(fixed, active, period_days, &err);
	if (err)
		return err;
	*out = v;
	return 0;
}

int rate_prorate_quota(uint64_t quota, int active, int period_days,
		       uint64_t *out)
{
	int err = 0;
	int64_t v;

	if (quota > INT64_MAX || period_days <= 0 || active < 0 ||
	    active > period_days)
		return -EINVAL;
	v = money_muldiv_floor((int64_t)quota, active, period_days, &err);
	if (err)
		return err;
	*out = (uint64_t)v;
	return 0;
}

int rate_volume(uint64_t bytes, rp_t per_gb, rp_t *out)
{
	int err = 0;
	rp_t v;

	if (bytes > INT64_MAX || per_gb < 0)
		return -EINVAL;
	v = money_muldiv_round((int64_t)bytes, per_gb, RATE_GB, &err);
	if (err)
		return err;
	*out = v;
	return 0;
}

uint64_t rate_overage_bytes(uint64_t bytes, uint64_t quota)
{
	return bytes > quota ? bytes - quota : 0;
}

int rate_segment(const struct rate_plan *p, int active, int period_days,
		 uint64_t bytes, struct rate_charge *out)
{
	rp_t min = 0, cap = 0, sum;
	int err;

	memset(out, 0, sizeof(*out));
	err = rate_plan_check(p, NULL);
	if (err)
		return err;
	err = rate_prorate(p->price, active, period_days, &out->fee);
	if (!err)
		err = rate_prorate(p->min, active, period_days, &min);
	if (!err)
		err = rate_prorate(p->cap, active, period_days, &cap);
	if (err)
		return err;

	switch (p->type) {
	case PLAN_FLAT:
		return 0;
	case PLAN_VOLUME:
		out->billed_bytes = bytes;
		break;
	case PLAN_HYBRID:
		err = rate_prorate_quota(p->quota_bytes, active, period_days,
					 &out->quota);
		if (err)
			return err;
		out->billed_bytes = rate_overage_bytes(bytes, out->quota);
		break;
	}
	err = rate_volume(out->billed_bytes, p->per_gb, &out->usage);
	if (err)
		return err;
	if (p->cap > 0 && out->usage > cap) {
		out->usage = cap;
		out->capped = 1;
	}
	sum = out->fee;
	if (money_add(&sum, out->usage))
		return -ERANGE;
	if (p->min > 0 && sum < min)
		out->min_topup = min - sum;
	return 0;
}

int rate_tax(int mode, int64_t bp, rp_t sum, rp_t *subtotal, rp_t *tax,
	     rp_t *total)
{
	int err = 0;
	rp_t t, tot;

	if (sum < 0 || bp < 0 || bp > 10000)
		return -EINVAL;
	switch (mode) {
	case TAX_EXCLUSIVE:
		t = money_muldiv_round(sum, bp, 10000, &err);
		if (err)
			return err;
		tot = sum;
		if (money_add(&tot, t))
			return -ERANGE;
		*subtotal = sum;
		*tax = t;
		*total = tot;
		return 0;
	case TAX_INCLUSIVE:
		t = money_muldiv_round(sum, bp, 10000 + bp, &err);
		if (err)
			return err;
		*subtotal = sum - t;
		*tax = t;
		*total = sum;
		return 0;
	case TAX_NONE:
		*subtotal = sum;
		*tax = 0;
		*total = sum;
		return 0;
	}
	return -EINVAL;
}

static const char *const tax_modes[] = { "exclusive", "inclusive", "none" };
static const char *const plan_types[] = { "flat", "volume", "hybrid",
					   "prepaid" };

static int rate_lookup(const char *const *names, int n, const char *s, int *out)
{
	int i;

	for (i = 0; s && i < n; i++) {
		if (!strcmp(names[i], s)) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

int rate_tax_mode_parse(const char *s, int *mode)
{
	return rate_lookup(tax_modes, 3, s, mode);
}

const char *rate_tax_mode_str(int mode)
{
	return mode >= 0 && mode < 3 ? tax_modes[mode] : "?";
}

int rate_plan_type_parse(const char *s, int *type)
{
	return rate_lookup(plan_types, 4, s, type);
}

const char *rate_plan_type_str(int type)
{
	return type >= 0 && type < 4 ? plan_types[type] : "?";
}

int rate_plan_check(const struct rate_plan *p, const char **why)
{
	const char *w = NULL;

	if (p->price < 0 || p->per_gb < 0 || p->min < 0 || p->cap < 0 ||
	    p->quota_bytes > INT64_MAX)
		w = "amounts must not be negative";
	else if (!money_in_range(p->price) || !money_in_range(p->per_gb) ||
		 !money_in_range(p->min) || !money_in_range(p->cap))
		w = "an amount is above Rp 1.000.000.000.000 (RP_AMOUNT_MAX)";
	else if (p->type == PLAN_FLAT &&
		 (p->per_gb || p->quota_bytes || p->min || p->cap))
		w = "a flat plan takes only --price";
	else if (p->type == PLAN_VOLUME && (p->price || p->quota_bytes))
		w = "a volume plan takes --per-gb [--min] [--cap], no --price or --quota-gb";
	else if (p->type == PLAN_VOLUME && !p->per_gb)
		w = "a volume plan needs --per-gb";
	else if (p->type == PLAN_HYBRID && (!p->quota_bytes || !p->per_gb))
		w = "a hybrid plan needs --price, --quota-gb and --per-gb";
	else if (p->type == PLAN_PREPAID &&
		 (!p->price || p->per_gb || p->min || p->cap))
		w = "a prepaid plan takes --price and --days, optional --quota-gb";
	else if (p->type > PLAN_PREPAID)
		w = "unknown plan type";
	if (why)
		*why = w;
	return w ? -EINVAL : 0;
}
