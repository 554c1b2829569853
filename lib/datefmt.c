// SPDX-License-Identifier: GPL-2.0
/* datefmt.c - dates in words for invoices, receipts and the customer page. */
#include <stdio.h>

#include "lib/datefmt.h"
#include "lib/ttime.h"

static const char *const month_id[12] = {
	"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember",
};
static const char *const month_en[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

const char *datefmt_month(int month, bool en)
{
	if (month < 1 || month > 12)
		return "?";
	return en ? month_en[month - 1] : month_id[month - 1];
}

char *datefmt_day(int32_t day, bool en, char *buf, size_t n)
{
	int y, m, d;

	tt_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%d %s %d", d, datefmt_month(m, en), y);
	return buf;
}

char *datefmt_time(int64_t t, bool en, char *buf, size_t n)
{
	int off = tt_zone_offset();
	int64_t sec = ((t + off) % 86400 + 86400) % 86400;
	char day[40], zone[16];

	if (off == 7 * 3600)
		snprintf(zone, sizeof(zone), "WIB");
	else if (off == 8 * 3600)
		snprintf(zone, sizeof(zone), "WITA");
	else if (off == 9 * 3600)
		snprintf(zone, sizeof(zone), "WIT");
	else if (off)
		snprintf(zone, sizeof(zone), "UTC%+d", off / 3600);
	else
		snprintf(zone, sizeof(zone), "UTC");
	snprintf(buf, n, "%s %02d:%02d %s",
		 datefmt_day(tt_local_day(t), en, day, sizeof(day)),
		 (int)(sec / 3600), (int)(sec % 3600 / 60), zone);
	return buf;
}

char *datefmt_span(int32_t first, int32_t last, bool en, char *buf, size_t n)
{
	const char *to = en ? "to" : "s.d.";
	int y1, m1, d1, y2, m2, d2;

	tt_civil_from_days(first, &y1, &m1, &d1);
	tt_civil_from_days(last, &y2, &m2, &d2);
	if (y1 == y2 && m1 == m2)
		snprintf(buf, n, "%d %s %d %s %d", d1, to, d2,
			 datefmt_month(m2, en), y2);
	else if (y1 == y2)
		snprintf(buf, n, "%d %s %s %d %s %d", d1, datefmt_month(m1, en),
			 to, d2, datefmt_month(m2, en), y2);
	else
		snprintf(buf, n, "%d %s %d %s %d %s %d", d1,
			 datefmt_month(m1, en), y1, to, d2,
			 datefmt_month(m2, en), y2);
	return buf;
}

char *datefmt_period(const char *period, bool en, char *buf, size_t n)
{
	int y, m;

	if (tt_parse_period(period, &y, &m))
		snprintf(buf, n, "%s", period);
	else
		snprintf(buf, n, "%s %d", datefmt_month(m, en), y);
	return buf;
}
