// SPDX-License-Identifier: GPL-2.0
/* money.c - whole Rupiah: the one rounding rule, parsing and formatting. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/money.h"

static int64_t money_fit(__int128 q, int *err)
{
	if (q > INT64_MAX || q < INT64_MIN) {
		if (err)
			*err = -ERANGE;
		return 0;
	}
	if (err)
		*err = 0;
	return (int64_t)q;
}

rp_t money_muldiv_round(int64_t a, int64_t b, int64_t c, int *err)
{
	__int128 p, q, r;
	bool neg;

	if (c <= 0) {
		if (err)
			*err = -EINVAL;
		return 0;
	}
	p = (__int128)a * b;
	neg = p < 0;
	if (neg)
		p = -p;
	q = p / c;
	r = p % c;
	/* half up, away from zero: r >= c/2 exactly when 2r >= c */
	if (2 * r >= c)
		q++;
	return money_fit(neg ? -q : q, err);
}

int64_t money_muldiv_floor(int64_t a, int64_t b, int64_t c, int *err)
{
	if (c <= 0) {
		if (err)
			*err = -EINVAL;
		return 0;
	}
	/* C division truncates toward zero, which is what we document */
	return money_fit((__int128)a * b / c, err);
}

int money_add(rp_t *acc, rp_t v)
{
	rp_t r;

	if (__builtin_add_overflow(*acc, v, &r))
		return -ERANGE;
	*acc = r;
	return 0;
}

int money_sub(rp_t *acc, rp_t v)
{
	rp_t r;

	if (__builtin_sub_overflow(*acc, v, &r))
		return -ERANGE;
	*acc = r;
	return 0;
}

int money_parse(const char *s, rp_t *out)
{
	__int128 v = 0;
	int digits = 0, group = -1;	/* digits since the last dot */
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	if (!strncmp(s, "Rp", 2)) {
		s += 2;
		while (*s == ' ')
			s++;
	}
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			if (v > INT64_MAX)
				return -EINVAL;
			digits++;
			if (group >= 0)
				group++;
		} else if (*p == '.') {
			/* first group 1..3 digits, then exactly 3 */
			if (!digits || (group < 0 && digits > 3) ||
			    (group >= 0 && group != 3))
				return -EINVAL;
			group = 0;
		} else {
			return -EINVAL;
		}
	}
	if (!digits || (group >= 0 && group != 3))
		return -EINVAL;
	*out = (rp_t)v;
	return 0;
}

char *money_fmt(rp_t v, char *buf, size_t n)
{
	char digits[24], out[40];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int nd = 0, i, o = 0;

	do {
		digits[nd++] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		out[o++] = '-';
	memcpy(out + o, "Rp ", 3);
	o += 3;
	for (i = nd - 1; i >= 0; i--) {
		out[o++] = digits[i];
		if (i && i % 3 == 0)
			out[o++] = '.';
	}
	out[o] = '\0';
	snprintf(buf, n, "%s", out);
	return buf;
}
