/* SPDX-License-Identifier: GPL-2.0 */
/* money.h - integer Rupiah: parsing, formatting, the one rounding rule. */
#ifndef TAGIH_MONEY_H
#define TAGIH_MONEY_H

#include <stdint.h>
#include <stddef.h>

typedef int64_t rp_t;	/* whole Rupiah, never floating point */

/*
 * The one rounding rule: a * b / c rounded half up (away from zero for
 * negatives), computed in 128 bits so it never overflows for int64 inputs.
 * c must be > 0. Returns -ERANGE via *err when the result does not fit.
 */
rp_t money_muldiv_round(int64_t a, int64_t b, int64_t c, int *err);
/* a * b / c rounded down (toward zero); quota proration. */
int64_t money_muldiv_floor(int64_t a, int64_t b, int64_t c, int *err);

/* "150000" or "150.000" (dots as thousands separators) -> Rupiah.
 * Rejects negatives, fractions, junk, and overflow. Returns 0 or -EINVAL. */
int money_parse(const char *s, rp_t *out);
/* "Rp 150.000" / "-Rp 5.000". Returns buf. n >= 32. */
char *money_fmt(rp_t v, char *buf, size_t n);

#endif
