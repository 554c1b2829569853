/* SPDX-License-Identifier: GPL-2.0 */
/* money.h - integer Rupiah: parsing, formatting, the one rounding rule. */
#ifndef TAGIH_MONEY_H
#define TAGIH_MONEY_H

#include <stdint.h>
#include <stddef.h>

typedef int64_t rp_t;	/* whole Rupiah, never floating point */

/*
 * The largest single amount tagih takes in: a price, a per-GB price, a
 * minimum or cap, an add-on, a fixed late fee, a payment (Rp
 * 1.000.000.000.000, one trillion Rupiah). int64 holds more than nine
 * million of them, so no realistic balance, invoice or report can
 * overflow; an absurd amount is refused where it enters (CLI, config,
 * pay_apply), and every sum still goes through the checked helpers
 * below, so a damaged record cannot wrap a total either.
 */
#define RP_AMOUNT_MAX 1000000000000LL

/*
 * Checked arithmetic, the one way amounts are added up: *acc += v and
 * *acc -= v. Each returns 0, or -ERANGE when the result does not fit in
 * int64 (and then *acc is left unchanged). Products go through
 * money_muldiv_*, which work in 128 bits.
 */
int money_add(rp_t *acc, rp_t v);
int money_sub(rp_t *acc, rp_t v);
/* Is v an amount tagih takes in: 0 <= v <= RP_AMOUNT_MAX? */
static inline int money_in_range(rp_t v)
{
	return v >= 0 && v <= RP_AMOUNT_MAX;
}

/*
 * The one rounding rule: a * b / c rounded half up (away from zero for
 * negatives), computed in 128 bits so it never overflows for int64 inputs.
 * c must be > 0. Returns -ERANGE via *err when the result does not fit.
 */
rp_t money_muldiv_round(int64_t a, int64_t b, int64_t c, int *err);
/* a * b / c rounded down (toward zero); quota proration. */
int64_t money_muldiv_floor(int64_t a, int64_t b, int64_t c, int *err);

/* "150000" or "150.000" (dots as thousands separators) -> Rupiah.
 * Rejects negatives, fractions, junk, and overflow. Returns 0 or -EINVAL.
 * (Callers that take an amount in also check it against RP_AMOUNT_MAX.) */
int money_parse(const char *s, rp_t *out);
/* "Rp 150.000" / "-Rp 5.000". Returns buf. n >= 32. */
char *money_fmt(rp_t v, char *buf, size_t n);

#endif
