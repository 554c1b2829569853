// SPDX-License-Identifier: GPL-2.0
/* ttime.c - civil day arithmetic, ISO 8601 parsing, the fixed-offset zone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "lib/ttime.h"

static int tt_offset = 7 * 3600;
static char tt_name[32] = "Asia/Jakarta";

static const struct {
	const char *name;
	int hours;
} tt_zones[] = {
	{ "Asia/Jakarta", 7 },	{ "Asia/Pontianak", 7 },
	{ "Asia/Makassar", 8 }, { "Asia/Jayapura", 9 },
	{ "UTC", 0 },		{ "Etc/UTC", 0 },
};

int tt_set_zone(const char *name)
{
	size_t i;
	int h;

	if (!name)
		return -EINVAL;
	for (i = 0; i < sizeof(tt_zones) / sizeof(tt_zones[0]); i++) {
		if (!strcmp(name, tt_zones[i].name)) {
			tt_offset = tt_zones[i].hours * 3600;
			snprintf(tt_name, sizeof(tt_name), "%s", name);
			return 0;
		}
	}
	/* "+HH:00" / "-HH:00": whole hours only, see ttime.h */
	if (strlen(name) == 6 && (name[0] == '+' || name[0] == '-') &&
	    isdigit((unsigned char)name[1]) && isdigit((unsigned char)name[2]) &&
	    name[3] == ':' && name[4] == '0' && name[5] == '0') {
		h = (name[1] - '0') * 10 + (name[2] - '0');
		if (h > 14)
			return -EINVAL;
		tt_offset = (name[0] == '-' ? -h : h) * 3600;
		snprintf(tt_name, sizeof(tt_name), "%s", name);
		return 0;
	}
	return -EINVAL;
}

int tt_zone_offset(void)
{
	return tt_offset;
}

const char *tt_zone_name(void)
{
	return tt_name;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int32_t tt_days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tt_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

static bool tt_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tt_days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && tt_leap(y) ? 29 : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int32_t tt_local_day(int64_t t)
{
	return (int32_t)floor_div(t + tt_offset, 86400);
}

int64_t tt_day_start(int32_t day)
{
	return (int64_t)day * 86400 - tt_offset;
}

/* Parse exactly n digits at *s; advances *s. */
static int tt_digits(const char **s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -EINVAL;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static int tt_parse_ymd(const char **s, int *y, int *m, int *d)
{
	if (tt_digits(s, 4, y) || **s != '-')
		return -EINVAL;
	(*s)++;
	if (tt_digits(s, 2, m) || **s != '-')
		return -EINVAL;
	(*s)++;
	if (tt_digits(s, 2, d))
		return -EINVAL;
	if (*m < 1 || *m > 12 || *d < 1 || *d > tt_days_in_month(*y, *m))
		return -EINVAL;
	return 0;
}

int tt_parse_date(const char *s, int32_t *day)
{
	int y, m, d;

	if (!s || tt_parse_ymd(&s, &y, &m, &d) || *s)
		return -EINVAL;
	*day = tt_days_from_civil(y, m, d);
	return 0;
}

int tt_parse_period(const char *s, int *y, int *m)
{
	if (!s || tt_digits(&s, 4, y) || *s != '-')
		return -EINVAL;
	s++;
	if (tt_digits(&s, 2, m) || *s || *m < 1 || *m > 12)
		return -EINVAL;
	return 0;
}

int tt_parse_time(const char *s, int64_t *t)
{
	int y, m, d, hh = 0, mi = 0, ss = 0, oh, om;
	int64_t off = tt_offset, v;
	const char *p;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	p = s[0] == '@' ? s + 1 : s;
	if (*p && strspn(p, "0123456789") == strlen(p)) {
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno || *end)
			return -EINVAL;
		*t = v;
		return 0;
	}
	if (s[0] == '@')
		return -EINVAL;
	p = s;
	if (tt_parse_ymd(&p, &y, &m, &d))
		return -EINVAL;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (tt_digits(&p, 2, &hh) || *p != ':')
			return -EINVAL;
		p++;
		if (tt_digits(&p, 2, &mi))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (tt_digits(&p, 2, &ss))
				return -EINVAL;
		}
		if (hh > 23 || mi > 59 || ss > 59)
			return -EINVAL;
		if (*p == 'Z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1;

			p++;
			if (tt_digits(&p, 2, &oh))
				return -EINVAL;
			if (*p == ':')
				p++;
			if (tt_digits(&p, 2, &om) || oh > 14 || om > 59)
				return -EINVAL;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p)
		return -EINVAL;
	*t = (int64_t)tt_days_from_civil(y, m, d) * 86400 + hh * 3600 +
	     mi * 60 + ss - off;
	return 0;
}

char *tt_fmt_date(int32_t day, char *buf, size_t n)
{
	int y, m, d;

	tt_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
	return buf;
}

static void tt_fmt(int64_t t, int off, char *buf, size_t n)
{
	int64_t lt = t + off;
	int32_t day = (int32_t)floor_div(lt, 86400);
	int64_t sec = lt - (int64_t)day * 86400;
	int y, m, d;

	tt_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

char *tt_fmt_time_utc(int64_t t, char *buf, size_t n)
{
	size_t l;

	tt_fmt(t, 0, buf, n);
	l = strlen(buf);
	if (l + 1 < n)
		snprintf(buf + l, n - l, "Z");
	return buf;
}

char *tt_fmt_time_local(int64_t t, char *buf, size_t n)
{
	int off = tt_offset, a = off < 0 ? -off : off;
	size_t l;

	tt_fmt(t, off, buf, n);
	l = strlen(buf);
	if (l + 6 < n)
		snprintf(buf + l, n - l, "%c%02d:%02d", off < 0 ? '-' : '+',
			 a / 3600, a / 60 % 60);
	return buf;
}

int64_t tt_now(void)
{
	const char *e = getenv("TAGIH_NOW");
	struct timespec ts;
	int64_t t;

	if (e && *e && !tt_parse_time(e, &t))
		return t;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

uint64_t tt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
