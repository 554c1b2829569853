// SPDX-License-Identifier: GPL-2.0
/* test_dunning.c - unit tests of the dunning calendar, late fee, holds and runs. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/audit.h"
#include "billing/dunning.h"
#include "billing/invoice.h"
#include "billing/store.h"
#include "tests/unit/tmpdir.h"
#include "billing/sub.h"
#include "lib/ttime.h"

static int32_t day(int y, int m, int d)
{
	return tt_days_from_civil(y, m, d);
}

static void policy(struct dunning_policy *p, const char *rem, int grace,
		   const char *fee)
{
	memset(p, 0, sizeof(*p));
	p->due_days = 10;
	p->grace_days = grace;
	p->auto_suspend = true;
	ck_assert_int_eq(dunning_parse_reminders(rem, p->reminder_days,
						 DUNNING_MAX_REMINDERS,
						 &p->n_reminders), 0);
	ck_assert_int_eq(dunning_parse_late_fee(fee, &p->fee_kind, &p->fee),
			 0);
}

START_TEST(test_due_month_ends)
{
	struct dunning_policy p;

	policy(&p, "-3,0,1", 3, "0");
	/* issued on the 1st after the period: due the 11th */
	ck_assert_int_eq(dunning_due_day(&p, day(2026, 12, 1)),
			 day(2026, 12, 11));
	/* across a month end and a year end */
	ck_assert_int_eq(dunning_due_day(&p, day(2026, 12, 25)),
			 day(2027, 1, 4));
	ck_assert_int_eq(dunning_due_day(&p, day(2027, 1, 31)),
			 day(2027, 2, 10));
	/* February: 2027 has 28 days, 2028 has 29 */
	ck_assert_int_eq(dunning_due_day(&p, day(2027, 2, 20)),
			 day(2027, 3, 2));
	ck_assert_int_eq(dunning_due_day(&p, day(2028, 2, 20)),
			 day(2028, 3, 1));
	ck_assert_int_eq(dunning_due_day(&p, day(2028, 2, 19)),
			 day(2028, 2, 29));
	/* 30-day month */
	ck_assert_int_eq(dunning_due_day(&p, day(2026, 4, 25)),
			 day(2026, 5, 5));
	p.due_days = 0;
	ck_assert_int_eq(dunning_due_day(&p, day(2026, 4, 25)),
			 day(2026, 4, 25));
}
END_TEST

START_TEST(test_grace)
{
	struct dunning_policy p;
	int32_t due = day(2027, 2, 27);

	policy(&p, "", 3, "0");
	ck_assert_int_eq(dunning_grace_end(&p, due), day(2027, 3, 2));
	ck_assert(!dunning_is_overdue(due, due));
	ck_assert(dunning_is_overdue(due, due + 1));
	ck_assert(!dunning_past_grace(&p, due, day(2027, 3, 2)));
	ck_assert(dunning_past_grace(&p, due, day(2027, 3, 3)));
	/* leap year: one day later in March */
	due = day(2028, 2, 27);
	ck_assert_int_eq(dunning_grace_end(&p, due), day(2028, 3, 1));
	/* no grace: suspended the day after the due date */
	p.grace_days = 0;
	ck_assert(!dunning_past_grace(&p, due, due));
	ck_assert(dunning_past_grace(&p, due, due + 1));
}
END_TEST

START_TEST(test_reminders)
{
	struct dunning_policy p;
	int32_t due = day(2026, 12, 11);
	int days[DUNNING_MAX_REMINDERS], n;

	policy(&p, " 1, -3,0 ,0", 3, "0");
	ck_assert_int_eq(p.n_reminders, 3);
	ck_assert_int_eq(p.reminder_days[0], -3);
	ck_assert_int_eq(p.reminder_days[1], 0);
	ck_assert_int_eq(p.reminder_days[2], 1);
	ck_assert_int_eq(dunning_parse_reminders("x", days, 8, &n), -EINVAL);
	ck_assert_int_eq(dunning_parse_reminders("1,,2", days, 8, &n),
			 -EINVAL);
	ck_assert_int_eq(dunning_parse_reminders("400", days, 8, &n), -EINVAL);
	ck_assert_int_eq(dunning_parse_reminders("1,2,3,4,5,6,7,8,9", days, 8,
						 &n), -EINVAL);
	ck_assert_int_eq(dunning_parse_reminders("", days, 8, &n), 0);
	ck_assert_int_eq(n, 0);

	/* day by day: one reminder on -3, 0 and +1, none between */
	ck_assert_int_eq(dunning_reminder_due(&p, due, due - 4, 0), -1);
	ck_assert_int_eq(dunning_reminder_due(&p, due, due - 3, 0), 0);
	ck_assert_int_eq(dunning_reminder_due(&p, due, due - 2, 1), -1);
	ck_assert_int_eq(dunning_reminder_due(&p, due, due, 1), 1);
	ck_assert_int_eq(dunning_reminder_due(&p, due, due, 3), -1);
	ck_assert_int_eq(dunning_reminder_due(&p, due, due + 1, 3), 2);
	ck_assert_int_eq(dunning_reminder_due(&p, due, due + 2, 7), -1);
	/* a run after a gap sends only the latest one */
	ck_assert_int_eq(dunning_reminder_due(&p, due, due + 1, 0), 2);
	/* long after isolir: no more reminders */
	ck_assert_int_eq(dunning_reminder_due(&p, due, due + 10, 0), -1);
}
END_TEST

START_TEST(test_late_fee)
{
	struct dunning_policy p;
	int kind;
	int64_t fee;
	rp_t v;

	policy(&p, "", 3, "0");
	ck_assert_int_eq(p.fee_kind, FEE_NONE);
	ck_assert_int_eq(dunning_late_fee(&p, 166500, &v), 0);
	ck_assert_int_eq(v, 0);
	policy(&p, "", 3, "5.000");
	ck_assert_int_eq(p.fee_kind, FEE_FIXED);
	ck_assert_int_eq(dunning_late_fee(&p, 166500, &v), 0);
	ck_assert_int_eq(v, 5000);
	policy(&p, "", 3, "2%");
	ck_assert_int_eq(p.fee_kind, FEE_PERCENT);
	ck_assert_int_eq(p.fee, 200);
	/* 2% of 166.500 = 3.330 */
	ck_assert_int_eq(dunning_late_fee(&p, 166500, &v), 0);
	ck_assert_int_eq(v, 3330);
	/* 2% of 166.525 = 3.330,5 -> half up 3.331; of 166.524 -> 3.330 */
	ck_assert_int_eq(dunning_late_fee(&p, 166525, &v), 0);
	ck_assert_int_eq(v, 3331);
	ck_assert_int_eq(dunning_late_fee(&p, 166524, &v), 0);
	ck_assert_int_eq(v, 3330);
	policy(&p, "", 3, "2.5%");
	ck_assert_int_eq(p.fee, 250);
	ck_assert_int_eq(dunning_late_fee(&p, 150000, &v), 0);
	ck_assert_int_eq(v, 3750);
	ck_assert_int_eq(dunning_late_fee(&p, -1, &v), -EINVAL);
	ck_assert_int_eq(dunning_parse_late_fee("101%", &kind, &fee), -EINVAL);
	ck_assert_int_eq(dunning_parse_late_fee("2.555%", &kind, &fee),
			 -EINVAL);
	ck_assert_int_eq(dunning_parse_late_fee("-5", &kind, &fee), -EINVAL);
	ck_assert_int_eq(dunning_parse_late_fee("%", &kind, &fee), -EINVAL);
	ck_assert_int_eq(dunning_parse_late_fee("abc", &kind, &fee), -EINVAL);
	ck_assert_int_eq(dunning_parse_late_fee("", &kind, &fee), -EINVAL);
}
END_TEST

/* --- with a store ------------------------------------------------------ */

static char dir[64];
static struct store *st;

static void store_setup(void)
{
	ck_assert_ptr_nonnull(tmpdir_make(dir, sizeof(dir), "dun"));
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), 0);
	tt_set_zone("Asia/Jakarta");
}

static void store_teardown(void)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void add_sub(const char *id, int hold)
{
	struct sub_rec r;
	MDB_txn *txn;

	memset(&r, 0, sizeof(r));
	r.version = SUB_REC_VERSION;
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.hold = hold;
	r.activated = day(2026, 11, 1);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_add(txn, st, &r, NULL, 0, NULL), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

/* An issued invoice written the way invoice_run writes it. */
static void add_inv(const char *num, const char *sub, int32_t issued,
		    rp_t total)
{
	struct inv_rec *inv = calloc(1, sizeof(*inv));
	uint8_t key[128];
	size_t n = strlen(sub), m = strlen(num);
	MDB_txn *txn;

	inv->version = INV_REC_VERSION;
	snprintf(inv->number, sizeof(inv->number), "%s", num);
	snprintf(inv->sub, sizeof(inv->sub), "%s", sub);
	inv->issued = issued;
	inv->due = issued + 10;
	inv->subtotal = inv->total = total;
	inv->status = INV_ISSUED;
	memcpy(key, sub, n);
	key[n] = 0;
	bei32_put(key + n + 1, issued);
	memcpy(key + n + 5, num, m);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(invoice_put(txn, st, inv), 0);
	ck_assert_int_eq(store_put(txn, st, DB_INV_SUB, key, n + 5 + m, "", 0,
				   0), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	free(inv);
}

static void pay_inv(const char *num, rp_t amount)
{
	struct inv_rec *inv = calloc(1, sizeof(*inv));
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(invoice_get(txn, st, num, inv), 0);
	inv->paid += amount;
	invoice_settle_status(inv);
	ck_assert_int_eq(invoice_put(txn, st, inv), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	free(inv);
}

static int status_of(const char *id)
{
	struct sub_rec r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, id, &r), 0);
	store_abort(txn);
	return r.status;
}

static int64_t at(int32_t d)
{
	return tt_day_start(d) + 10 * 3600;	/* 10:00 local */
}

static int count_cb(int64_t t, uint32_t seq, json_t *e, void *ctx)
{
	const char *want = ((const char **)ctx)[0];
	int *n = (int *)((const char **)ctx)[1];

	if (!strcmp(json_string_value(json_object_get(e, "action")), want))
		(*n)++;
	return 0;
}

static int count_audit(const char *sub, const char *action)
{
	int n = 0;
	const void *ctx[2] = { action, &n };
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(audit_foreach(txn, st, sub, count_cb, ctx), 0);
	store_abort(txn);
	return n;
}

START_TEST(test_run_suspend_restore_fee_once)
{
	struct dunning_policy p;
	struct dunning_report r;
	int32_t issued = day(2026, 12, 1), due = issued + 10;

	policy(&p, "-3,0,1", 3, "2%");
	add_sub("budi", 0);
	add_sub("siti", 0);
	add_inv("INV/2026/11/000001", "budi", issued, 166500);
	add_inv("INV/2026/11/000002", "siti", issued, 100000);
	pay_inv("INV/2026/11/000002", 100000);

	/* before the first reminder: nothing */
	ck_assert_int_eq(dunning_run(st, &p, at(due - 4), "test", &r), 0);
	ck_assert_int_eq(r.invoices, 1);
	ck_assert_int_eq(r.reminders, 0);
	/* -3: one reminder, twice run = still one */
	ck_assert_int_eq(dunning_run(st, &p, at(due - 3), "test", &r), 0);
	ck_assert_int_eq(r.reminders, 1);
	ck_assert_int_eq(dunning_run(st, &p, at(due - 3), "test", &r), 0);
	ck_assert_int_eq(r.reminders, 0);
	/* the day after due: overdue, fee once, reminder +1, still active */
	ck_assert_int_eq(dunning_run(st, &p, at(due + 1), "test", &r), 0);
	ck_assert_int_eq(r.overdue, 1);
	ck_assert_int_eq(r.fees, 1);
	ck_assert_int_eq(r.fee_total, 3330);
	ck_assert_int_eq(r.suspended, 0);
	ck_assert_int_eq(status_of("budi"), SUB_ACTIVE);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 2), "test", &r), 0);
	ck_assert_int_eq(r.fees, 0);
	ck_assert_int_eq(r.overdue, 0);
	/* last day of grace: active; the next day: isolir */
	ck_assert_int_eq(dunning_run(st, &p, at(due + 3), "test", &r), 0);
	ck_assert_int_eq(r.suspended, 0);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 4), "test", &r), 0);
	ck_assert_int_eq(r.suspended, 1);
	ck_assert_int_eq(r.fees, 0);
	ck_assert_int_eq(status_of("budi"), SUB_SUSPENDED);
	ck_assert_int_eq(status_of("siti"), SUB_ACTIVE);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 5), "test", &r), 0);
	ck_assert_int_eq(r.suspended, 0);
	ck_assert_int_eq(count_audit("budi", "late_fee"), 1);
	/* -3 and +1: the run skipped the due day, so "0" was superseded */
	ck_assert_int_eq(count_audit("budi", "remind"), 2);
	ck_assert_int_eq(count_audit("budi", "suspend"), 1);
	ck_assert_int_eq(count_audit("siti", "remind"), 0);

	/* partial payment: still owes past grace -> stays suspended */
	pay_inv("INV/2026/11/000001", 100000);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 6), "test", &r), 0);
	ck_assert_int_eq(r.restored, 0);
	/* paid in full: restored on payment and by the run */
	pay_inv("INV/2026/11/000001", 66500);
	{
		MDB_txn *txn;

		ck_assert_int_eq(store_begin(st, true, &txn), 0);
		ck_assert_int_eq(dunning_after_payment(txn, st, "budi",
						       at(due + 6), "test"),
				 1);
		ck_assert_int_eq(store_commit(txn), 0);
	}
	ck_assert_int_eq(status_of("budi"), SUB_ACTIVE);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 7), "test", &r), 0);
	ck_assert_int_eq(r.restored, 0);
	ck_assert_int_eq(r.suspended, 0);
	ck_assert_int_eq(count_audit("budi", "restore"), 1);
}
END_TEST


/* What lifts the isolir: the open invoices through the last one past
 * grace, oldest first, not the newest invoice; nothing when not
 * suspended by dunning. */
static rp_t lift(const char *sub, int32_t today, int *n, char *first)
{
	MDB_txn *txn;
	rp_t v = -1;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(dunning_lift_amount(txn, st, sub, today, &v, n,
					     first), 0);
	store_abort(txn);
	return v;
}

START_TEST(test_lift_amount)
{
	struct dunning_policy p;
	struct dunning_report r;
	int32_t oct = day(2026, 11, 1), nov = day(2026, 12, 1);
	char first[INV_NUM_MAX];
	int n = -1;

	policy(&p, "", 3, "0");
	add_sub("rudi", 0);
	add_inv("INV/2026/11/000001", "rudi", oct, 85935);
	/* not suspended yet: nothing to lift */
	ck_assert_int_eq(lift("rudi", oct + 5, &n, first), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(dunning_run(st, &p, at(oct + 14), "test", &r), 0);
	ck_assert_int_eq(r.suspended, 1);
	add_inv("INV/2026/12/000001", "rudi", nov, 166500);
	/* October is past grace, November is not due: October lifts it */
	ck_assert_int_eq(lift("rudi", nov + 2, &n, first), 85935);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(first, "INV/2026/11/000001");
	/* half paid: the rest */
	pay_inv("INV/2026/11/000001", 35935);
	ck_assert_int_eq(lift("rudi", nov + 2, &n, first), 50000);
	/* once November is past grace too: both */
	ck_assert_int_eq(lift("rudi", nov + 14, &n, first), 216500);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(first, "INV/2026/11/000001");
	/* paying what it said lifts it */
	pay_inv("INV/2026/11/000001", 50000);
	{
		MDB_txn *txn;

		ck_assert_int_eq(store_begin(st, true, &txn), 0);
		ck_assert_int_eq(dunning_after_payment(txn, st, "rudi",
						       at(nov + 2), "test"), 1);
		ck_assert_int_eq(store_commit(txn), 0);
	}
	ck_assert_int_eq(lift("rudi", nov + 2, &n, first), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(first, "");
}
END_TEST

START_TEST(test_hold_and_manual)
{
	struct dunning_policy p;
	struct dunning_report r;
	struct sub_rec rec;
	int32_t issued = day(2027, 1, 31), due = issued + 10;
	MDB_txn *txn;

	policy(&p, "", 0, "5000");
	add_sub("held", 1);
	add_sub("manual", 0);
	add_sub("off", 0);
	add_inv("INV/2027/01/000001", "held", issued, 150000);
	add_inv("INV/2027/01/000002", "off", issued, 150000);

	/* on hold: never suspended, but the fee still applies once */
	ck_assert_int_eq(dunning_run(st, &p, at(due + 1), "test", &r), 0);
	ck_assert_int_eq(r.suspended, 1);	/* "off" */
	ck_assert_int_eq(r.held, 1);
	ck_assert_int_eq(r.fees, 2);
	ck_assert_int_eq(status_of("held"), SUB_ACTIVE);
	ck_assert_int_eq(status_of("off"), SUB_SUSPENDED);

	/* hold placed after isolir: the next run lifts it */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "off", &rec), 0);
	rec.hold = 1;
	ck_assert_int_eq(sub_put(txn, st, &rec), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 2), "test", &r), 0);
	ck_assert_int_eq(r.restored, 1);
	ck_assert_int_eq(status_of("off"), SUB_ACTIVE);

	/* auto_suspend off: nobody is suspended */
	p.auto_suspend = false;
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "off", &rec), 0);
	rec.hold = 0;
	ck_assert_int_eq(sub_put(txn, st, &rec), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(dunning_run(st, &p, at(due + 3), "test", &r), 0);
	ck_assert_int_eq(r.suspended, 0);
	ck_assert_int_eq(r.held, 2);

	/* suspended by hand, owes nothing: dunning leaves it alone */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "manual", &rec), 0);
	ck_assert_int_eq(dunning_suspend(txn, st, &rec, at(due), "cli:test",
					 "abuse", false), 0);
	ck_assert_int_eq(dunning_suspend(txn, st, &rec, at(due), "cli:test",
					 "abuse", false), -EALREADY);
	ck_assert_int_eq(store_commit(txn), 0);
	p.auto_suspend = true;
	ck_assert_int_eq(dunning_run(st, &p, at(due + 4), "test", &r), 0);
	ck_assert_int_eq(r.restored, 0);
	ck_assert_int_eq(status_of("manual"), SUB_SUSPENDED);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(dunning_after_payment(txn, st, "manual", at(due + 4),
					       "test"), 0);
	store_abort(txn);
}
END_TEST

static Suite *dunning_suite(void)
{
	Suite *s = suite_create("dunning");
	TCase *tc = tcase_create("calendar");
	TCase *ts = tcase_create("store");

	tcase_add_test(tc, test_due_month_ends);
	tcase_add_test(tc, test_grace);
	tcase_add_test(tc, test_reminders);
	tcase_add_test(tc, test_late_fee);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ts, store_setup, store_teardown);
	tcase_add_test(ts, test_run_suspend_restore_fee_once);
	tcase_add_test(ts, test_hold_and_manual);
	tcase_add_test(ts, test_lift_amount);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dunning_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
