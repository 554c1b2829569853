// SPDX-License-Identifier: GPL-2.0
/* terbilang.c - an amount in words, Indonesian and English (pure: no store, no clock). */
#include <errno.h>
#include <string.h>

#include "lib/terbilang.h"

static const char *const id_one[] = {
	"nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh",
	"delapan", "sembilan",
};
static const char *const id_scale[] = {
	"", "ribu", "juta", "miliar", "triliun", "kuadriliun", "kuintiliun",
};
static const char *const en_one[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven",
	"eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
	"fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
static const char *const en_ten[] = {
	"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
	"eighty", "ninety",
};
static const char *const en_scale[] = {
	"", "thousand", "million", "billion", "trillion", "quadrillion",
	"quintillion",
};

struct tb_out {
	char *p;
	size_t n, len;
	bool full;
};

/* Append s, with a space before it unless it is the first word (or the
 * previous piece asked to be glued, as "twenty" "-one"). */
static void tb_put(struct tb_out *o, const char *s, bool glue)
{
	size_t l = strlen(s);

	if (o->len && !glue) {
		if (o->len + 1 >= o->n) {
			o->full = true;
			return;
		}
		o->p[o->len++] = ' ';
	}
	if (o->len + l >= o->n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, l);
	o->len += l;
	o->p[o->len] = '\0';
}

/* 1..999 in Indonesian; scale is the group's power of 1000. */
static void tb_id_group(struct tb_out *o, unsigned g, int scale)
{
	unsigned h = g / 100, t = g % 100 / 10, u = g % 10;

	/* "seribu", but "satu juta" */
	if (g == 1 && scale == 1) {
		tb_put(o, "seribu", false);
		return;
	}
	if (h == 1)
		tb_put(o, "seratus", false);
	else if (h) {
		tb_put(o, id_one[h], false);
		tb_put(o, "ratus", false);
	}
	if (t == 1) {
		if (u == 0)
			tb_put(o, "sepuluh", false);
		else if (u == 1)
			tb_put(o, "sebelas", false);
		else {
			tb_put(o, id_one[u], false);
			tb_put(o, "belas", false);
		}
	} else {
		if (t) {
			tb_put(o, id_one[t], false);
			tb_put(o, "puluh", false);
		}
		if (u)
			tb_put(o, id_one[u], false);
	}
	if (scale)
		tb_put(o, id_scale[scale], false);
}

static void tb_en_group(struct tb_out *o, unsigned g, int scale)
{
	unsigned h = g / 100, r = g % 100;

	if (h) {
		tb_put(o, en_one[h], false);
		tb_put(o, "hundred", false);
	}
	if (r >= 20) {
		tb_put(o, en_ten[r / 10], false);
		if (r % 10) {
			tb_put(o, "-", true);
			tb_put(o, en_one[r % 10], true);
		}
	} else if (r) {
		tb_put(o, en_one[r], false);
	}
	if (scale)
		tb_put(o, en_scale[scale], false);
}

int terbilang(int64_t v, bool en, char *buf, size_t n)
{
	struct tb_out o = { .p = buf, .n = n };
	unsigned groups[7];
	uint64_t m;
	int i, ng = 0;

	if (!n)
		return -ENOSPC;
	buf[0] = '\0';
	/* the magnitude in unsigned arithmetic: -INT64_MIN does not fit */
	m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		tb_put(&o, "minus", false);
	if (!m)
		tb_put(&o, en ? en_one[0] : id_one[0], false);
	for (; m; m /= 1000)
		groups[ng++] = (unsigned)(m % 1000);
	for (i = ng - 1; i >= 0; i--) {
		if (!groups[i])
			continue;
		if (en)
			tb_en_group(&o, groups[i], i);
		else
			tb_id_group(&o, groups[i], i);
	}
	if (o.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)o.len;
}

int terbilang_rp(int64_t v, bool en, char *buf, size_t n)
{
	int len = terbilang(v, en, buf, n);

	if (len < 0)
		return len;
	if ((size_t)len + sizeof(" rupiah") > n) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf + len, " rupiah", sizeof(" rupiah"));
	return len + (int)sizeof(" rupiah") - 1;
}
