// SPDX-License-Identifier: GPL-2.0
/* dunning_policy.c - the dunning calendar and policy: pure functions, no store, no clock. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "billing/dunning_policy.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int dunning_parse_reminders(const char *s, int *days, int max, int *n)
{
	int tmp[DUNNING_MAX_REMINDERS];
	int k = 0, i, out = 0;

	if (max > DUNNING_MAX_REMINDERS)
		max = DUNNING_MAX_REMINDERS;
	while (s && *s) {
		char *end;
		long v;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (!(isdigit((unsigned char)*s) || *s == '-' || *s == '+'))
			return -EINVAL;
		v = strtol(s, &end, 10);
		if (end == s || v < -366 || v > 366 || k >= max)
			return -EINVAL;
		tmp[k++] = (int)v;
		s = end;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	qsort(tmp, k, sizeof(int), cmp_int);
	for (i = 0; i < k; i++)
		if (!out || days[out - 1] != tmp[i])
			days[out++] = tmp[i];
	*n = out;
	return 0;
}

int dunning_parse_late_fee(const char *s, int *kind, int64_t *fee)
{
	size_t len = s ? strlen(s) : 0;
	int64_t whole = 0, frac = 0;
	int fd = 0;
	rp_t v;

	if (!len)
		return -EINVAL;
	if (s[len - 1] != '%') {
		if (money_parse(s, &v) || !money_in_range(v))
			return -EINVAL;
		*kind = v ? FEE_FIXED : FEE_NONE;
		*fee = v;
		return 0;
	}
	/* percent with up to two decimals -> basis points */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		whole = whole * 10 + (*s - '0');
		if (whole > 100)
			return -EINVAL;
	}
	if (*s == '.' || *s == ',') {
		s++;
		for (; isdigit((unsigned char)*s); s++) {
			if (++fd > 2)
				return -EINVAL;
			frac = frac * 10 + (*s - '0');
		}
		if (!fd)
			return -EINVAL;
		if (fd == 1)
			frac *= 10;
	}
	if (strcmp(s, "%"))
		return -EINVAL;
	*fee = whole * 100 + frac;
	if (*fee > 10000)
		return -EINVAL;
	*kind = *fee ? FEE_PERCENT : FEE_NONE;
	return 0;
}

int dunning_policy_from_conf(const struct tagih_conf *c,
			     struct dunning_policy *p, const char **why)
{
	memset(p, 0, sizeof(*p));
	p->due_days = (int)c->due_days;
	p->grace_days = (int)c->grace_days;
	p->auto_suspend = c->auto_suspend;
	if (p->due_days < 0 || p->grace_days < 0) {
		*why = "due_days and grace_days must not be negative";
		return -EINVAL;
	}
	if (dunning_parse_reminders(c->reminder_days ? c->reminder_days : "",
				    p->reminder_days, DUNNING_MAX_REMINDERS,
				    &p->n_reminders)) {
		*why = "reminder_days: comma-separated days relative to the "
		       "due date, e.g. \"-3,0,1\" (at most 8)";
		return -EINVAL;
	}
	if (dunning_parse_late_fee(c->late_fee ? c->late_fee : "0",
				   &p->fee_kind, &p->fee)) {
		*why = "late_fee: \"0\", a Rupiah amount (\"5000\") or a "
		       "percentage of the invoice total (\"2%\", \"2.5%\")";
		return -EINVAL;
	}
	if (dunning_parse_reminders(c->prepaid_reminder_days ?
				    c->prepaid_reminder_days : "",
				    p->prepaid_reminder_days,
				    DUNNING_MAX_REMINDERS,
				    &p->n_prepaid_reminders) ||
	    (p->n_prepaid_reminders && p->prepaid_reminder_days[0] < 0)) {
		*why = "prepaid_reminder_days: comma-separated days before "
		       "masa aktif ends, e.g. \"3,1\" (at most 8)";
		return -EINVAL;
	}
	return 0;
}

int32_t dunning_due_day(const struct dunning_policy *p, int32_t issue_day)
{
	return issue_day + p->due_days;
}

int32_t dunning_grace_end(const struct dunning_policy *p, int32_t due_day)
{
	return due_day + p->grace_days;
}

bool dunning_is_overdue(int32_t due_day, int32_t today)
{
	return today > due_day;
}

bool dunning_past_grace(const struct dunning_policy *p, int32_t due_day,
			int32_t today)
{
	return today > dunning_grace_end(p, due_day);
}

int dunning_reminder_due(const struct dunning_policy *p, int32_t due_day,
			 int32_t today, uint32_t sent_mask)
{
	int i;

	/* after isolir the suspension notice replaces reminders */
	if (today > dunning_grace_end(p, due_day) + 1)
		return -1;
	for (i = p->n_reminders - 1; i >= 0; i--) {
		if (due_day + p->reminder_days[i] > today)
			continue;
		if (sent_mask & (1u << i))
			return -1;	/* the latest due one went out */
		return i;
	}
	return -1;
}

int dunning_late_fee(const struct dunning_policy *p, rp_t total, rp_t *fee)
{
	int err = 0;

	if (total < 0)
		return -EINVAL;
	switch (p->fee_kind) {
	case FEE_NONE:
		*fee = 0;
		return 0;
	case FEE_FIXED:
		*fee = p->fee;
		return 0;
	case FEE_PERCENT:
		*fee = money_muldiv_round(total, p->fee, 10000, &err);
		return err;
	}
	return -EINVAL;
}
