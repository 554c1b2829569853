// SPDX-License-Identifier: GPL-2.0
/* test_prepaid.c - prepaid plans on a fresh LMDB per test: receipts, extension, expiry isolir, reminders, packs. */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "billing/dunning.h"
#include "billing/outbox.h"
#include "billing/pack.h"
#include "billing/pay.h"
#include "billing/prepaid.h"
#include "billing/voucher.h"
#include "lib/conf.h"

#define GB RATE_GB
#define DAY 86400

#include "tests/unit/billfix.h"

static void configure(const char *mode, const char *npwp)
{
	struct tagih_conf c;
	const char *why;

	ck_assert_int_eq(conf_defaults(&c), 0);
	ck_assert_int_eq(conf_set(&c, "tax_mode", mode, &why), 0);
	if (npwp)
		ck_assert_int_eq(conf_set(&c, "operator_npwp", npwp, &why), 0);
	ck_assert_int_eq(prepaid_configure(&c, &why), 0);
	conf_free(&c);
}

static void pp_setup(void)
{
	setup();
	configure("exclusive", "01.234.567.8-901.000");
}

static void add_prepaid(const char *name, rp_t price, uint32_t days,
			uint64_t quota)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION, .days = days };
	MDB_txn *txn;

	snprintf(p.name, sizeof(p.name), "%s", name);
	p.terms = (struct rate_plan){ .type = PLAN_PREPAID, .price = price,
				      .quota_bytes = quota };
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(plan_add(txn, st, &p), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

static int pay_at(const char *sub, rp_t amount, const char *ref,
		  const char *when, struct pay_rec *p)
{
	MDB_txn *txn;
	int ret;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ret = pay_apply(txn, st, sub, amount, PAY_CASH, ref, NULL, 0, T(when),
			"test", p);
	if (ret >= 0)
		ck_assert_int_eq(store_commit(txn), 0);
	else
		store_abort(txn);
	return ret;
}

static struct prepaid_rec state(const char *sub)
{
	struct prepaid_rec r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(prepaid_get(txn, st, sub, &r), 0);
	store_abort(txn);
	return r;
}

static struct sub_rec subrec(const char *sub)
{
	struct sub_rec r;
	MDB_txn *txn;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, sub, &r), 0);
	store_abort(txn);
	return r;
}

static struct dunning_report dun(const char *when)
{
	struct dunning_policy p = { .due_days = 10, .grace_days = 3,
				    .auto_suspend = true,
				    .n_prepaid_reminders = 2,
				    .prepaid_reminder_days = { 1, 3 } };
	struct dunning_report r;

	ck_assert_int_eq(dunning_run(st, &p, T(when), "test", &r), 0);
	return r;
}

START_TEST(test_plan_needs_days)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION };
	MDB_txn *txn;

	snprintf(p.name, sizeof(p.name), "pra");
	p.terms = (struct rate_plan){ .type = PLAN_PREPAID, .price = 50000 };
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(plan_add(txn, st, &p), -EINVAL);	/* no days */
	p.days = 30;
	p.terms.per_gb = 1000;
	ck_assert_int_eq(plan_add(txn, st, &p), -EINVAL);	/* per-GB */
	p.terms.per_gb = 0;
	ck_assert_int_eq(plan_add(txn, st, &p), 0);
	snprintf(p.name, sizeof(p.name), "flat");
	p.terms.type = PLAN_FLAT;
	ck_assert_int_eq(plan_add(txn, st, &p), -EINVAL);	/* days */
	store_abort(txn);
}
END_TEST

/* An older, shorter plan record reads its new fields as 0. */
START_TEST(test_plan_old_record)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION }, q;
	MDB_txn *txn;

	snprintf(p.name, sizeof(p.name), "old");
	p.terms = (struct rate_plan){ .type = PLAN_FLAT, .price = 100 };
	p.days = 77;	/* not stored: the record is cut to the v1 layout */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(store_put(txn, st, DB_PLANS, "old", 3, &p,
				   PLAN_REC_V1_SIZE, 0), 0);
	ck_assert_int_eq(plan_get(txn, st, "old", &q), 0);
	ck_assert_int_eq(q.days, 0);
	ck_assert_int_eq(q.terms.price, 100);
	ck_assert_int_eq(store_put(txn, st, DB_PLANS, "old", 3, &p, 10, 0), 0);
	ck_assert_int_eq(plan_get(txn, st, "old", &q), -EIO);
	store_abort(txn);
}
END_TEST

START_TEST(test_purchase_and_extension)
{
	struct pay_rec p;
	struct inv_rec *r = &inv;
	MDB_txn *txn;

	add_prepaid("pra30", 100000, 30, 0);
	add_sub("andi", "pra30", "2026-11-01");
	/* 100.000 + 11% PPN = 111.000 buys 30 days from now */
	ck_assert_int_eq(pay_at("andi", 111000, "c1", "2026-11-01T10:00+07:00",
				&p), 1);
	ck_assert_int_eq(p.nalloc, 1);
	ck_assert_str_eq(p.alloc[0].number, "KW/2026/11/000001");
	ck_assert_int_eq(p.to_balance, 0);
	ck_assert_int_eq(state("andi").expires,
			 T("2026-11-01T10:00+07:00") + 30 * DAY);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(invoice_get(txn, st, "KW/2026/11/000001", r), 0);
	store_abort(txn);
	ck_assert_int_eq(r->status, INV_PAID);
	ck_assert_int_eq(r->subtotal, 100000);
	ck_assert_int_eq(r->tax, 11000);
	ck_assert_int_eq(r->total, 111000);
	ck_assert_int_eq(r->lines[0].kind, LINE_PREPAID);
	ck_assert_int_eq(r->lines[0].qty, 30);

	/* bought again 10 days in: from the current expiry, not from now */
	ck_assert_int_eq(pay_at("andi", 111000, "c2", "2026-11-11T10:00+07:00",
				&p), 1);
	ck_assert_str_eq(p.alloc[0].number, "KW/2026/11/000002");
	ck_assert_int_eq(state("andi").expires,
			 T("2026-11-01T10:00+07:00") + 60 * DAY);

	/* part of a period waits as balance; the rest buys it */
	ck_assert_int_eq(pay_at("andi", 50000, "c3", "2026-11-12T10:00+07:00",
				&p), 1);
	ck_assert_int_eq(p.nalloc, 0);
	ck_assert_int_eq(p.to_balance, 50000);
	ck_assert_int_eq(state("andi").purchases, 2);
	ck_assert_int_eq(pay_at("andi", 61000 + 5000, "c4",
				"2026-11-12T11:00+07:00", &p), 1);
	ck_assert_int_eq(p.nalloc, 1);
	/* what came in goes to the receipt first, the balance adds 45.000 */
	ck_assert_int_eq(p.alloc[0].amount, 66000);
	ck_assert_int_eq(p.to_balance, 0);
	ck_assert_int_eq(subrec("andi").balance, 5000);
	ck_assert_int_eq(state("andi").expires,
			 T("2026-11-01T10:00+07:00") + 90 * DAY);

	/* two periods in one payment: two receipts */
	ck_assert_int_eq(pay_at("andi", 222000, "c5", "2026-11-13T10:00+07:00",
				&p), 1);
	ck_assert_int_eq(p.nalloc, 2);
	ck_assert_str_eq(p.alloc[1].number, "KW/2026/11/000005");
	ck_assert_int_eq(state("andi").expires,
			 T("2026-11-01T10:00+07:00") + 150 * DAY);
	/* never invoiced; the ledger adds up */
	ck_assert_int_eq(run(2026, 11, "2026-12-01").created, 0);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_expiry_isolir_and_payment_restore)
{
	struct pay_rec p;
	struct dunning_report r;

	add_prepaid("pra7", 20000, 7, 0);
	add_sub("budi", "pra7", "2026-11-01");
	ck_assert_int_eq(pay_at("budi", 22200, "b1", "2026-11-01T08:00+07:00",
				&p), 1);
	r = dun("2026-11-07T08:00+07:00");
	ck_assert_int_eq(r.suspended, 0);
	ck_assert_int_eq(subrec("budi").status, SUB_ACTIVE);
	/* masa aktif ends 2026-11-08T08:00+07:00 */
	r = dun("2026-11-08T08:01+07:00");
	ck_assert_int_eq(r.suspended, 1);
	ck_assert_int_eq(subrec("budi").status, SUB_SUSPENDED);
	/* a second run does not restore it: nothing is overdue, but it
	 * waits for a purchase */
	r = dun("2026-11-08T09:00+07:00");
	ck_assert_int_eq(r.restored, 0);
	ck_assert_int_eq(subrec("budi").status, SUB_SUSPENDED);
	/* too little does not restore it either */
	ck_assert_int_eq(pay_at("budi", 1000, "b2", "2026-11-09T08:00+07:00",
				&p), 1);
	ck_assert_int_eq(subrec("budi").status, SUB_SUSPENDED);
	/* a purchase restores it in the payment's txn, 7 days from now */
	ck_assert_int_eq(pay_at("budi", 21200, "b3", "2026-11-10T08:00+07:00",
				&p), 1);
	ck_assert_int_eq(subrec("budi").status, SUB_ACTIVE);
	ck_assert_int_eq(state("budi").expires,
			 T("2026-11-10T08:00+07:00") + 7 * DAY);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

/* A subscriber put on a prepaid plan that never bought is isolated. */
START_TEST(test_never_bought)
{
	add_prepaid("pra7", 20000, 7, 0);
	add_sub("cici", "pra7", "2026-11-01");
	ck_assert_int_eq(dun("2026-11-01T09:00+07:00").suspended, 1);
}
END_TEST

static int count_action(const char *action, const char *reason)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int n = 0, err;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_cursor_open(txn, st, DB_AUDIT, &cur), 0);
	for (err = store_cursor_get(cur, &k, &v, MDB_FIRST); !err;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		char needle[128];

		snprintf(needle, sizeof(needle), "\"action\":\"%s\"", action);
		if (memmem(v.mv_data, v.mv_size, needle, strlen(needle)) &&
		    (!reason || memmem(v.mv_data, v.mv_size, reason,
				       strlen(reason))))
			n++;
	}
	mdb_cursor_close(cur);
	store_abort(txn);
	return n;
}

START_TEST(test_reminders_once)
{
	struct pay_rec p;
	MDB_txn *txn;

	add_prepaid("pra30", 100000, 30, 0);
	add_sub("dodi", "pra30", "2026-11-01");
	ck_assert_int_eq(pay_at("dodi", 111000, "d1", "2026-11-01T10:00+07:00",
				&p), 1);
	/* expires 2026-12-01T10:00+07:00: reminders on Nov 28 and Nov 30 */
	ck_assert_int_eq(dun("2026-11-27T12:00+07:00").reminders, 0);
	ck_assert_int_eq(dun("2026-11-28T12:00+07:00").reminders, 1);
	ck_assert_int_eq(dun("2026-11-28T12:01+07:00").reminders, 0);
	ck_assert_int_eq(dun("2026-11-29T12:00+07:00").reminders, 0);
	ck_assert_int_eq(dun("2026-11-30T12:00+07:00").reminders, 1);
	ck_assert_int_eq(dun("2026-11-30T13:00+07:00").reminders, 0);
	ck_assert_int_eq(count_action("prepaid_remind",
				      "masa aktif habis 3 hari lagi"), 1);
	ck_assert_int_eq(count_action("prepaid_remind",
				      "masa aktif habis 1 hari lagi"), 1);
	/* the outbox makes one message per reminder and channel */
	{
		struct sub_rec r = subrec("dodi");

		snprintf(r.phone, sizeof(r.phone), "081234567890");
		ck_assert_int_eq(store_begin(st, true, &txn), 0);
		ck_assert_int_eq(sub_put(txn, st, &r), 0);
		ck_assert_int_eq(store_commit(txn), 0);
	}
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	/* the first feed looks back one day: the 1-day reminder */
	ck_assert_int_eq(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY,
				     T("2026-11-30T13:00+07:00")), 1);
	ck_assert_int_eq(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY,
				     T("2026-11-30T13:01+07:00")), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	/* a renewal starts the reminders over for the new expiry */
	ck_assert_int_eq(pay_at("dodi", 111000, "d2", "2026-11-30T14:00+07:00",
				&p), 1);
	ck_assert_int_eq(dun("2026-11-30T15:00+07:00").reminders, 0);
	ck_assert_int_eq(dun("2026-12-28T12:00+07:00").reminders, 1);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	/* the renewal's payment receipt and the new 3-day reminder */
	ck_assert_int_eq(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY,
				     T("2026-12-28T12:01+07:00")), 2);
	ck_assert_int_eq(outbox_feed(txn, st, 1u << OBX_WA_GATEWAY,
				     T("2026-12-28T12:02+07:00")), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}
END_TEST

START_TEST(test_reminder_due_pure)
{
	int d[] = { 1, 3 };

	ck_assert_int_eq(prepaid_reminder_due(d, 2, 100, 96, 0), -1);
	ck_assert_int_eq(prepaid_reminder_due(d, 2, 100, 97, 0), 1);
	ck_assert_int_eq(prepaid_reminder_due(d, 2, 100, 98, 2), -1);
	ck_assert_int_eq(prepaid_reminder_due(d, 2, 100, 99, 2), 0);
	ck_assert_int_eq(prepaid_reminder_due(d, 2, 100, 100, 0), 0);
	ck_assert_int_eq(prepaid_reminder_due(d, 2, 100, 101, 0), -1);
}
END_TEST

/* PPN without operator_npwp is refused, as the invoice run does. */
START_TEST(test_tax_guard)
{
	struct pay_rec p;

	configure("exclusive", NULL);
	add_prepaid("pra30", 100000, 30, 0);
	add_sub("eka", "pra30", "2026-11-01");
	ck_assert_int_eq(pay_at("eka", 111000, "e1", "2026-11-01T10:00+07:00",
				&p), -EPERM);
	configure("none", NULL);
	ck_assert_int_eq(pay_at("eka", 100000, "e1", "2026-11-01T10:00+07:00",
				&p), 1);
	ck_assert_str_eq(p.alloc[0].number, "KW/2026/11/000001");
}
END_TEST

/* An order paid through its own link (the webhook path): granted once. */
START_TEST(test_order_paid_for)
{
	char number[INV_NUM_MAX], again[INV_NUM_MAX];
	struct pay_rec p;
	MDB_txn *txn;
	rp_t total;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_prepaid("pra30", 100000, 30, 0);
	add_sub("fani", "pra30", "2026-11-01");
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(prepaid_order(txn, st, "fani", ORDER_PLAN, "pra30",
				       T("2026-11-01T10:00+07:00"), number,
				       &total), 0);
	ck_assert_int_eq(total, 111000);
	/* the page pressed twice: the same open order */
	ck_assert_int_eq(prepaid_order(txn, st, "fani", ORDER_PLAN, "pra30",
				       T("2026-11-01T10:01+07:00"), again,
				       &total), 0);
	ck_assert_str_eq(number, again);
	ck_assert_int_eq(prepaid_order(txn, st, "fani", ORDER_PLAN, "basic",
				       T("2026-11-01T10:01+07:00"), again,
				       &total), -EINVAL);
	ck_assert_int_eq(pay_apply_for(txn, st, "fani", number, 111000,
				       PAY_GATEWAY, PAY_KIND_PAYMENT,
				       "midtrans:t1", NULL, 0,
				       T("2026-11-01T10:05+07:00"), "webhook",
				       &p), 1);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(p.nalloc, 1);
	ck_assert_str_eq(p.alloc[0].number, number);
	ck_assert_int_eq(state("fani").purchases, 1);
	ck_assert_int_eq(state("fani").expires,
			 T("2026-11-01T10:05+07:00") + 30 * DAY);
	/* an unpaid order is not a debt: dunning leaves it alone */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(prepaid_order(txn, st, "fani", ORDER_PLAN, "pra30",
				       T("2026-11-02T10:00+07:00"), number,
				       &total), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(dun("2026-11-25T10:00+07:00").suspended, 0);
	ck_assert_int_eq(fsck_violations(), 0);
	/* fsck sees a paid order that was never granted, and a stray one */
	{
		struct prepaid_order o = { .version = 1, .kind = ORDER_PLAN,
					   .days = 30 };
		char k[64];

		ck_assert_int_eq(store_begin(st, true, &txn), 0);
		snprintf(k, sizeof(k), "order/%s", p.alloc[0].number);
		ck_assert_int_eq(store_put(txn, st, DB_META, k, strlen(k), &o,
					   sizeof(o), 0), 0);
		ck_assert_int_eq(store_put(txn, st, DB_META, "order/KW/x", 10,
					   &o, sizeof(o), 0), 0);
		ck_assert_int_eq(store_commit(txn), 0);
	}
	ck_assert_int_eq(fsck_violations(), 2);
}
END_TEST

static void add_pack(const char *name, uint64_t gb, rp_t price, uint32_t days)
{
	struct pack_rec k = { .version = PACK_REC_VERSION, .days = days,
			      .bytes = gb * GB, .price = price };
	MDB_txn *txn;

	snprintf(k.name, sizeof(k.name), "%s", name);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(pack_add(txn, st, &k), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

static int draw(uint32_t uid, uint64_t bytes, const char *when)
{
	struct usage_val d = { .down_bytes = bytes };
	MDB_txn *txn;
	int n;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	n = quota_draw_batch(txn, st, T(when), &uid, &d, 1);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(store_commit(txn), 0);
	return n;
}

START_TEST(test_quota_and_pack)
{
	struct quota_rec q;
	struct pay_rec p;
	MDB_txn *txn;
	char number[INV_NUM_MAX];
	rp_t total;
	uint32_t uid;

	add_prepaid("kuota5", 50000, 30, 5 * GB);
	add_pack("extra2", 2, 10000, 7);
	uid = add_sub("gita", "kuota5", "2026-11-01");
	ck_assert_int_eq(pay_at("gita", 55500, "g1", "2026-11-01T10:00+07:00",
				&p), 1);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(quota_get(txn, st, uid, &q), 0);
	store_abort(txn);
	ck_assert_uint_eq(q.left, 5 * GB);
	ck_assert_int_eq(draw(uid, 4 * GB, "2026-11-02T10:00+07:00"), 0);
	ck_assert_int_eq(subrec("gita").status, SUB_ACTIVE);
	/* at zero: exhausted, isolir (no FUP rate in the data plane) */
	ck_assert_int_eq(draw(uid, GB + 1, "2026-11-02T11:00+07:00"), 1);
	ck_assert_int_eq(subrec("gita").status, SUB_SUSPENDED);
	ck_assert_int_eq(draw(uid, 100, "2026-11-02T11:01+07:00"), 0);
	/* dunning does not lift it: the quota blocks */
	ck_assert_int_eq(dun("2026-11-02T12:00+07:00").restored, 0);
	/* a pack bought through its order: quota back, restored */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(prepaid_order(txn, st, "gita", ORDER_PACK, "extra2",
				       T("2026-11-02T12:00+07:00"), number,
				       &total), 0);
	ck_assert_int_eq(total, 11100);
	ck_assert_int_eq(pay_apply_for(txn, st, "gita", number, total,
				       PAY_CASH, PAY_KIND_PAYMENT, "g2", NULL, 0,
				       T("2026-11-02T12:01+07:00"), "test", &p),
			 1);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(subrec("gita").status, SUB_ACTIVE);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(quota_get(txn, st, uid, &q), 0);
	store_abort(txn);
	ck_assert_uint_eq(q.left, 2 * GB);
	ck_assert_int_eq(q.state, QUOTA_OK);
	ck_assert_int_eq(fsck_violations(), 0);

	/* moved to a postpaid plan: old quota records hold it no more */
	ck_assert_int_eq(draw(uid, 3 * GB, "2026-11-02T13:00+07:00"), 1);
	ck_assert_int_eq(subrec("gita").status, SUB_SUSPENDED);
	add_plan("bulanan", PLAN_FLAT, 100000, 0, 0, 0, 0);
	{
		struct sub_rec r = subrec("gita");

		snprintf(r.plan, sizeof(r.plan), "bulanan");
		ck_assert_int_eq(store_begin(st, true, &txn), 0);
		ck_assert_int_eq(sub_put(txn, st, &r), 0);
		ck_assert_int_eq(store_commit(txn), 0);
	}
	ck_assert_int_eq(dun("2026-11-02T14:00+07:00").restored, 1);
	ck_assert_int_eq(subrec("gita").status, SUB_ACTIVE);
	ck_assert_int_eq(draw(uid, 10 * GB, "2026-11-02T15:00+07:00"), 0);
	ck_assert_int_eq(subrec("gita").status, SUB_ACTIVE);
}
END_TEST

START_TEST(test_voucher_codes)
{
	char a[VOUCHER_CODE_LEN + 1], b[VOUCHER_CODE_LEN + 1], t[24];
	int i, j;

	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(voucher_code_new(a), 0);
		ck_assert_int_eq(strlen(a), VOUCHER_CODE_LEN);
		ck_assert_int_eq(strspn(a, VOUCHER_ALPHABET), VOUCHER_CODE_LEN);
		ck_assert_ptr_null(strpbrk(a, "0O1IL"));
		ck_assert_int_eq(voucher_code_new(b), 0);
		ck_assert_str_ne(a, b);
	}
	voucher_code_fmt(a, t, sizeof(t));
	for (j = 0; t[j]; j++)
		t[j] = (char)tolower((unsigned char)t[j]);
	ck_assert_int_eq(voucher_code_norm(t, b), 0);	/* any case, dashes */
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(voucher_code_norm("ABCD EFGH JKMN", b), 0);
	ck_assert_int_eq(voucher_code_norm("ABCD-EFGH-JKMO", b), -EINVAL);
	ck_assert_int_eq(voucher_code_norm("ABCD-EFGH-JKM", b), -EINVAL);
	ck_assert_int_eq(voucher_code_norm("ABCD-EFGH-JKMNP", b), -EINVAL);
	ck_assert_int_eq(voucher_code_norm("", b), -EINVAL);
}
END_TEST

static int redeem(const char *code, const char *sub, const char *when)
{
	struct voucher_rec v;
	MDB_txn *txn;
	int err;

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	err = voucher_redeem(txn, st, code, sub, T(when), "test", &v);
	if (!err)
		ck_assert_int_eq(store_commit(txn), 0);
	else
		store_abort(txn);
	return err;
}

START_TEST(test_voucher_redeem_once)
{
	char codes[4][VOUCHER_CODE_LEN + 1], wrong[VOUCHER_CODE_LEN + 1];
	uint64_t serials[4];
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	rp_t price;
	int n = 0, err;

	add_prepaid("pra30", 100000, 30, 0);
	add_prepaid("pra7", 20000, 7, 0);
	add_sub("andi", "pra30", "2026-11-01");
	add_sub("budi", "pra7", "2026-11-01");
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(voucher_create(txn, st, VOUCHER_PLAN, "pra30",
					"warung1", 4, T("2026-11-01"),
					&codes[0][0], serials, &price), 0);
	ck_assert_int_eq(voucher_create(txn, st, VOUCHER_PLAN, "nope", "", 1,
					T("2026-11-01"), &wrong[0], serials,
					&price), -ENOENT);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(price, 111000);
	ck_assert_int_eq(serials[3], serials[0] + 3);
	/* only hashes are stored: no code appears in the table */
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_cursor_open(txn, st, DB_VOUCHERS, &cur), 0);
	for (err = store_cursor_get(cur, &k, &v, MDB_FIRST); !err;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT), n++)
		for (int i = 0; i < 4; i++)
			ck_assert_ptr_null(memmem(v.mv_data, v.mv_size,
						  codes[i], VOUCHER_CODE_LEN));
	mdb_cursor_close(cur);
	store_abort(txn);
	ck_assert_int_eq(n, 4);

	ck_assert_int_eq(redeem(codes[0], "andi", "2026-11-02T10:00+07:00"), 0);
	ck_assert_int_eq(state("andi").expires,
			 T("2026-11-02T10:00+07:00") + 30 * DAY);
	/* single use, for andi or anybody else */
	ck_assert_int_eq(redeem(codes[0], "andi", "2026-11-02T10:01+07:00"),
			 -EALREADY);
	ck_assert_int_eq(redeem(codes[0], "budi", "2026-11-02T10:01+07:00"),
			 -EALREADY);
	/* a well-formed code that was never made */
	snprintf(wrong, sizeof(wrong), "%s", codes[1]);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(redeem(wrong, "andi", "2026-11-02T10:02+07:00"),
			 -ENOENT);
	ck_assert_int_eq(redeem("not a code", "andi", "2026-11-02T10:02+07:00"),
			 -EINVAL);
	/* a plan voucher is for its plan's subscribers */
	ck_assert_int_eq(redeem(codes[1], "budi", "2026-11-02T10:03+07:00"),
			 -EXDEV);
	/* voided: refused */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(voucher_void(txn, st, serials[2], T("2026-11-03"),
				      "test"), 0);
	ck_assert_int_eq(voucher_void(txn, st, serials[2], T("2026-11-03"),
				      "test"), -EALREADY);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(redeem(codes[2], "andi", "2026-11-03T10:00+07:00"),
			 -ECANCELED);
	/* redeemed while isolated: back at once, extended from now */
	ck_assert_int_eq(dun("2026-12-03T10:00+07:00").suspended, 2);
	ck_assert_int_eq(redeem(codes[3], "andi", "2026-12-04T10:00+07:00"), 0);
	ck_assert_int_eq(subrec("andi").status, SUB_ACTIVE);
	ck_assert_int_eq(state("andi").expires,
			 T("2026-12-04T10:00+07:00") + 30 * DAY);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

static Suite *prepaid_suite(void)
{
	Suite *s = suite_create("prepaid");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, pp_setup, teardown);
	tcase_add_test(tc, test_plan_needs_days);
	tcase_add_test(tc, test_plan_old_record);
	tcase_add_test(tc, test_purchase_and_extension);
	tcase_add_test(tc, test_expiry_isolir_and_payment_restore);
	tcase_add_test(tc, test_never_bought);
	tcase_add_test(tc, test_reminders_once);
	tcase_add_test(tc, test_reminder_due_pure);
	tcase_add_test(tc, test_tax_guard);
	tcase_add_test(tc, test_order_paid_for);
	tcase_add_test(tc, test_quota_and_pack);
	tcase_add_test(tc, test_voucher_codes);
	tcase_add_test(tc, test_voucher_redeem_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(prepaid_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
