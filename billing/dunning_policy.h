/* SPDX-License-Identifier: GPL-2.0 */
/* dunning_policy.h - the dunning calendar and policy: pure functions, no store, no clock. */
#ifndef TAGIH_DUNNING_POLICY_H
#define TAGIH_DUNNING_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/conf.h"
#include "lib/money.h"

/*
 * The calendar (docs/ISOLIR.md), all in the operator's civil days:
 *   due day   = issue day + due_days                (pay by the end of it)
 *   reminder i on due day + reminder_days[i]        (-3, 0, +1 by default)
 *   overdue   from due day + 1; the late fee (if any) is charged then,
 *             once per invoice
 *   grace     ends at the end of due day + grace_days; from the next day a
 *             subscriber with an open overdue invoice is suspended (isolir)
 *             unless on hold or auto_suspend is off.
 * A subscriber suspended by dunning is restored when nothing overdue is
 * left open; a subscriber suspended by hand is only restored by hand.
 */
#define DUNNING_MAX_REMINDERS 8

enum dunning_fee_kind { FEE_NONE = 0, FEE_FIXED = 1, FEE_PERCENT = 2 };

struct dunning_policy {
	int due_days;
	int n_reminders;
	int reminder_days[DUNNING_MAX_REMINDERS];	/* ascending */
	int grace_days;
	int fee_kind;		/* enum dunning_fee_kind */
	int64_t fee;		/* Rupiah (FIXED) or basis points (PERCENT) */
	bool auto_suspend;
	/* prepaid (billing/prepaid.h): reminders N days before masa aktif
	 * ends, ascending (prepaid_reminder_days) */
	int n_prepaid_reminders;
	int prepaid_reminder_days[DUNNING_MAX_REMINDERS];
};

/* "-3,0,1" -> ascending, duplicates removed; "" = none. -EINVAL on junk or
 * more than DUNNING_MAX_REMINDERS or |day| > 366. */
int dunning_parse_reminders(const char *s, int *days, int max, int *n);
/* "0" | "5000" | "5.000" | "2%" | "2.5%" (up to two decimals). 0 or -EINVAL. */
int dunning_parse_late_fee(const char *s, int *kind, int64_t *fee);
/* Policy from the config. Returns 0 or -EINVAL with *why (static). */
int dunning_policy_from_conf(const struct tagih_conf *c,
			     struct dunning_policy *p, const char **why);

/* Pure calendar functions. */
int32_t dunning_due_day(const struct dunning_policy *p, int32_t issue_day);
/* Last day of grace: overdue subscribers are suspended from the day after. */
int32_t dunning_grace_end(const struct dunning_policy *p, int32_t due_day);
bool dunning_is_overdue(int32_t due_day, int32_t today);
bool dunning_past_grace(const struct dunning_policy *p, int32_t due_day,
			int32_t today);
/*
 * Which reminder to send today for an invoice due on due_day, given the
 * bitmask of reminders already recorded (bit i = reminder_days[i]).
 * Returns the index of the latest reminder whose day is <= today and not
 * yet sent (older unsent ones are superseded: the caller marks them as
 * sent too, so a run after a gap sends one message, not a burst), or -1.
 * Reminders are never sent for days after the grace end + 1.
 */
int dunning_reminder_due(const struct dunning_policy *p, int32_t due_day,
			 int32_t today, uint32_t sent_mask);
/* Late fee for an invoice of total (>= 0). Percent: half up via
 * money_muldiv_round. Returns 0 or -ERANGE/-EINVAL. */
int dunning_late_fee(const struct dunning_policy *p, rp_t total, rp_t *fee);

#endif
