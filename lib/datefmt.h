/* SPDX-License-Identifier: GPL-2.0 */
/* datefmt.h - dates in words for documents: "12 Desember 2026" (Bahasa Indonesia) or "12 December 2026". */
#ifndef TAGIH_DATEFMT_H
#define TAGIH_DATEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "Desember" / "December" for month 1..12; "?" outside. */
const char *datefmt_month(int month, bool en);
/* Civil day (days since 1970-01-01) as "12 Desember 2026", no leading
 * zero. Returns buf. */
char *datefmt_day(int32_t day, bool en, char *buf, size_t n);
/*
 * The days first..last (both included) as short as they read well:
 * "1 s.d. 31 Oktober 2026", "16 Oktober s.d. 15 November 2026",
 * "16 Desember 2026 s.d. 15 Januari 2027" ("to" in English). Returns buf.
 */
char *datefmt_span(int32_t first, int32_t last, bool en, char *buf, size_t n);
/* A UTC instant in the operator's zone: "3 November 2026 10:05 WIB"
 * (WITA, WIT for +8, +9; "UTC+5" and the like otherwise). Returns buf. */
char *datefmt_time(int64_t t, bool en, char *buf, size_t n);
/* "2026-12" as "Desember 2026"; anything else is copied as it is. */
char *datefmt_period(const char *period, bool en, char *buf, size_t n);

#endif
