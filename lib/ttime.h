/* SPDX-License-Identifier: GPL-2.0 */
/* ttime.h - civil dates, ISO 8601 parsing, the operator's time zone. */
#ifndef TAGIH_TTIME_H
#define TAGIH_TTIME_H

#include <stdint.h>
#include <stdbool.h>
#include <time.h>

/*
 * Times are stored as UTC seconds (int64). Dates (activation, due dates,
 * billing periods) are civil days: days since 1970-01-01, no zone.
 * The operator's zone is a fixed offset in whole hours (Indonesia has no
 * DST: WIB +7, WITA +8, WIT +9), so a local day is always 24 UTC hours.
 */

/* Set/get the operator zone. Accepts "Asia/Jakarta", "Asia/Pontianak"
 * (+7), "Asia/Makassar" (+8), "Asia/Jayapura" (+9), "UTC", or "+HH:00" /
 * "-HH:00". Returns 0, or -EINVAL for anything else. Default Asia/Jakarta. */
int tt_set_zone(const char *name);
int tt_zone_offset(void);		/* seconds east of UTC */
const char *tt_zone_name(void);

int32_t tt_days_from_civil(int y, int m, int d);
void tt_civil_from_days(int32_t days, int *y, int *m, int *d);
int tt_days_in_month(int y, int m);

/* Local civil day of a UTC instant, and the UTC instant a local day starts. */
int32_t tt_local_day(int64_t t);
int64_t tt_day_start(int32_t day);

/* "YYYY-MM-DD" -> civil day. Returns 0 or -EINVAL. */
int tt_parse_date(const char *s, int32_t *day);
/* "YYYY-MM" -> year, month. Returns 0 or -EINVAL. */
int tt_parse_period(const char *s, int *y, int *m);
/*
 * ISO 8601 instant: "YYYY-MM-DD" (local midnight), "YYYY-MM-DDTHH:MM[:SS]"
 * (local time), with "Z" or "+HH:MM" suffix (explicit offset), or a plain
 * integer of Unix seconds ("@1700000000" or digits only).
 * Returns 0 or -EINVAL.
 */
int tt_parse_time(const char *s, int64_t *t);

/* Formatters: buffers of at least 32 bytes. Return buf. */
char *tt_fmt_date(int32_t day, char *buf, size_t n);	/* YYYY-MM-DD */
char *tt_fmt_time_utc(int64_t t, char *buf, size_t n);	/* 2026-11-01T03:00:00Z */
char *tt_fmt_time_local(int64_t t, char *buf, size_t n); /* ...T10:00:00+07:00 */

/* Current time; honours TAGIH_NOW (an ISO 8601 instant) for tests. */
int64_t tt_now(void);
/* Monotonic clock in nanoseconds (durations only). */
uint64_t tt_mono_ns(void);

#endif
