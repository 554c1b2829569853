// SPDX-License-Identifier: GPL-2.0
/* test_invoice.c - invoice runs on a fresh LMDB per test: proration, plan changes, numbers, voids, fsck. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/export.h"
#include "billing/invdoc.h"
#include "billing/receipt.h"
#include "billing/fsck.h"
#include "billing/invoice.h"
#include "billing/pay.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "billing/usage.h"

#define GB RATE_GB

#include "tests/unit/billfix.h"

START_TEST(test_flat_and_prorated)
{
	struct inv_run_stats s;
	struct inv_rec *i;

	add_plan("basic", PLAN_FLAT, 150000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	add_sub("budi", "basic", "2026-11-16");	/* 15 of 30 days */
	add_sub("cici", "basic", "2026-12-05");	/* after the period */
	s = run(2026, 11, "2026-12-01T08:00");
	ck_assert_uint_eq(s.created, 2);
	ck_assert_uint_eq(s.skipped, 1);
	ck_assert_str_eq(s.first, "INV/2026/12/000001");
	ck_assert_str_eq(s.last, "INV/2026/12/000002");

	i = get_inv("2026-11", "andi");
	ck_assert_int_eq(i->nlines, 1);
	ck_assert_int_eq(i->lines[0].amount, 150000);
	ck_assert_int_eq(i->tax, 16500);
	ck_assert_int_eq(i->total, 166500);
	ck_assert_int_eq(i->due - i->issued, 10);
	ck_assert_int_eq(i->issued, D("2026-12-01"));
	ck_assert_int_eq(i->status, INV_ISSUED);
	ck_assert_int_eq(invoice_status(i, D("2026-12-11")), INV_ISSUED);
	ck_assert_int_eq(invoice_status(i, D("2026-12-12")), INV_OVERDUE);

	i = get_inv("2026-11", "budi");
	ck_assert_int_eq(i->lines[0].qty, 15);
	ck_assert_int_eq(i->lines[0].amount, 75000);
	ck_assert_str_eq(i->lines[0].desc, "Paket basic (15/30 hari)");
	ck_assert_int_eq(i->total, 83250);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_plan_change_mid_cycle)
{
	struct inv_rec *i;
	MDB_txn *txn;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_plan("pro", PLAN_FLAT, 200000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(plan_hist_set(txn, st, "andi", D("2026-11-11"),
				       "pro"), 0);
	ck_assert_int_eq(plan_hist_set(txn, st, "andi", D("2026-11-11"),
				       "nope"), -ENOENT);
	ck_assert_int_eq(store_commit(txn), 0);
	run(2026, 11, "2026-12-01");
	i = get_inv("2026-11", "andi");
	ck_assert_int_eq(i->nlines, 2);
	ck_assert_int_eq(i->lines[0].qty, 10);
	ck_assert_int_eq(i->lines[0].amount, 33333);	/* 33333.3 */
	ck_assert_int_eq(i->lines[1].qty, 20);
	ck_assert_int_eq(i->lines[1].amount, 133333);	/* 133333.3 */
	ck_assert_int_eq(i->subtotal, 166666);
	ck_assert_int_eq(i->tax, 18333);		/* 18333.26 */
	/* December: all on pro */
	run(2026, 12, "2027-01-01");
	i = get_inv("2026-12", "andi");
	ck_assert_int_eq(i->nlines, 1);
	ck_assert_int_eq(i->lines[0].amount, 200000);
	ck_assert_str_eq(i->number, "INV/2027/01/000001");
}
END_TEST

START_TEST(test_hybrid_volume_usage)
{
	struct inv_rec *i;
	uint32_t h, v;

	add_plan("kuota", PLAN_HYBRID, 200000, 5000, 10 * GB, 0, 0);
	add_plan("vol", PLAN_VOLUME, 0, 3000, 0, 20000, 0);
	h = add_sub("hana", "kuota", "2026-11-01");
	v = add_sub("vera", "vol", "2026-11-01");
	add_usage(h, "2026-11-03T10:00", 7 * GB);
	add_usage(h, "2026-11-30T23:30", 5 * GB);	/* local, in Nov */
	add_usage(h, "2026-12-01T00:30", 50 * GB);	/* December */
	add_usage(v, "2026-11-10T10:00", 1500000000ULL);
	run(2026, 11, "2026-12-01T01:00");
	i = get_inv("2026-11", "hana");
	ck_assert_int_eq(i->nlines, 2);
	ck_assert_int_eq(i->lines[1].kind, LINE_USAGE);
	ck_assert_int_eq(i->lines[1].qty, 2 * GB);
	ck_assert_int_eq(i->lines[1].amount, 10000);
	ck_assert_int_eq(i->subtotal, 210000);
	i = get_inv("2026-11", "vera");
	ck_assert_int_eq(i->lines[0].amount, 4500);	/* 1.5 GB */
	ck_assert_int_eq(i->lines[1].kind, LINE_MIN);
	ck_assert_int_eq(i->lines[1].amount, 15500);	/* to 20000 */
	ck_assert_int_eq(i->subtotal, 20000);
}
END_TEST

START_TEST(test_idempotent_and_gap_free)
{
	struct inv_run_stats s;
	struct inv_run_opts o = {
		.year = 2026, .month = 12, .now = T("2026-12-31T23:59"),
		.prefix = "INV", .due_days = 10, .ppn_bp = 1100,
	};
	int k;
	char id[16];

	add_plan("basic", PLAN_FLAT, 150000, 0, 0, 0, 0);
	for (k = 0; k < 7; k++) {
		snprintf(id, sizeof(id), "s%02d", k);
		add_sub(id, "basic", "2026-09-01");
	}
	/* December has not ended: refused, nothing written */
	ck_assert_int_eq(invoice_run(st, &o, &s), -EAGAIN);
	ck_assert_uint_eq(s.created, 0);

	s = run(2026, 10, "2026-12-01");
	ck_assert_uint_eq(s.created, 7);
	s = run(2026, 10, "2026-12-02");
	ck_assert_uint_eq(s.created, 0);
	ck_assert_uint_eq(s.existing, 7);
	s = run(2026, 11, "2026-12-02");
	ck_assert_uint_eq(s.created, 7);
	ck_assert_str_eq(s.first, "INV/2026/12/000008");
	ck_assert_str_eq(s.last, "INV/2026/12/000014");
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

/* A full map: the run stops, and says how many invoices were committed
 * (only those of committed batches, never those of the aborted one). */
static uint64_t invoices_stored(void)
{
	MDB_txn *txn;
	MDB_stat ms;

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(mdb_stat(txn, store_dbi(st, DB_INVOICES), &ms), 0);
	store_abort(txn);
	return ms.ms_entries;
}

START_TEST(test_map_full_counts_committed)
{
	struct inv_run_stats s;
	struct inv_run_opts o = {
		.year = 2026, .month = 10, .now = T("2026-11-01T09:00"),
		.prefix = "INV", .due_days = 10, .batch = 1000,
	};
	MDB_envinfo info;
	char id[16];
	int k, err;

	add_plan("basic", PLAN_FLAT, 150000, 0, 0, 0, 0);
	for (k = 0; k < 300; k++) {
		snprintf(id, sizeof(id), "s%03d", k);
		add_sub(id, "basic", "2026-09-01");
	}
	ck_assert_int_eq(mdb_env_info(store_env(st), &info), 0);
	/* room for a few pages only */
	ck_assert_int_eq(mdb_env_set_mapsize(store_env(st),
		(info.me_last_pgno + 12) * 4096), 0);
	memset(&s, 0, sizeof(s));
	err = invoice_run(st, &o, &s);
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_uint_eq(s.committed, 0);	/* one batch: all aborted */
	ck_assert_uint_eq(invoices_stored(), 0);
	o.batch = 5;
	memset(&s, 0, sizeof(s));
	err = invoice_run(st, &o, &s);
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_uint_gt(s.committed, 0);
	ck_assert_uint_lt(s.committed, 300);
	ck_assert_uint_eq(invoices_stored(), s.committed);
	/* room again: the run finishes, gap-free */
	ck_assert_int_eq(mdb_env_set_mapsize(store_env(st), 1ULL << 30), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(invoice_run(st, &o, &s), 0);
	ck_assert_uint_eq(invoices_stored(), 300);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

/* A late fee waits for the next invoice, outside PPN, and is billed once. */
START_TEST(test_late_fee_next_invoice)
{
	struct inv_run_stats s;
	struct inv_rec *i;
	MDB_txn *txn;
	char first[INV_NUM_MAX];

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("budi", "basic", "2026-09-01");
	s = run(2026, 10, "2026-11-01");
	ck_assert_uint_eq(s.created, 1);
	i = get_inv("2026-10", "budi");
	memcpy(first, i->number, sizeof(first));
	ck_assert_int_eq(i->total, 111000);

	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(invoice_late_fee_add(txn, st, "budi", first, 5000,
					      T("2026-11-15")), 0);
	/* once per invoice */
	ck_assert_int_eq(invoice_late_fee_add(txn, st, "budi", first, 5000,
					      T("2026-11-16")), -EEXIST);
	ck_assert_int_eq(invoice_late_fee_add(txn, st, "budi", "X", -1, 0),
			 -EINVAL);
	ck_assert_int_eq(store_commit(txn), 0);

	s = run(2026, 11, "2026-12-01");
	ck_assert_uint_eq(s.created, 1);
	i = get_inv("2026-11", "budi");
	ck_assert_int_eq(i->nlines, 2);
	ck_assert_int_eq(i->lines[1].kind, LINE_LATE);
	ck_assert_int_eq(i->lines[1].amount, 5000);
	ck_assert_ptr_nonnull(strstr(i->lines[1].desc, first));
	ck_assert_int_eq(i->tax, 11000);	/* 11% of the plan fee only */
	ck_assert_int_eq(i->subtotal, 105000);
	ck_assert_int_eq(i->total, 116000);

	/* consumed: the following month has no late fee line */
	s = run(2026, 12, "2027-01-01");
	i = get_inv("2026-12", "budi");
	ck_assert_int_eq(i->nlines, 1);
	ck_assert_int_eq(i->total, 111000);
	ck_assert_int_eq(fsck_violations(), 0);
}
END_TEST

START_TEST(test_terminated_and_addon)
{
	struct addon_rec a = { .version = ADDON_REC_VERSION, .price = 50000 };
	struct sub_rec r;
	struct inv_rec *i;
	MDB_txn *txn;

	add_plan("basic", PLAN_FLAT, 150000, 0, 0, 0, 0);
	add_sub("gone", "basic", "2026-01-01");
	add_sub("half", "basic", "2026-01-01");
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "gone", &r), 0);
	r.terminated = D("2026-11-01");		/* before the period */
	ck_assert_int_eq(sub_put(txn, st, &r), 0);
	ck_assert_int_eq(sub_get(txn, st, "half", &r), 0);
	r.terminated = D("2026-11-21");		/* 20 days billed */
	ck_assert_int_eq(sub_put(txn, st, &r), 0);
	snprintf(a.product, sizeof(a.product), "static-ip");
	a.from = D("2026-11-11");		/* 10 days of add-on */
	ck_assert_int_eq(addon_put(txn, st, "half", &a), 0);
	ck_assert_int_eq(store_commit(txn), 0);

	ck_assert_uint_eq(run(2026, 11, "2026-12-01").created, 1);
	i = get_inv("2026-11", "half");
	ck_assert_int_eq(i->nlines, 2);
	ck_assert_int_eq(i->lines[0].amount, 100000);
	ck_assert_int_eq(i->lines[1].kind, LINE_ADDON);
	ck_assert_int_eq(i->lines[1].amount, 16667);	/* 16666.7 */
}
END_TEST

START_TEST(test_void_credit_and_fsck_tamper)
{
	struct pay_rec p;
	struct sub_rec r;
	struct inv_rec *i;
	MDB_txn *txn;
	char num[INV_NUM_MAX];

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	run(2026, 10, "2026-11-01");
	i = get_inv("2026-10", "andi");
	snprintf(num, sizeof(num), "%s", i->number);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(pay_apply(txn, st, "andi", 50000, PAY_CASH, "r1",
				   NULL, 0, T("2026-11-02"), "test", &p), 1);
	ck_assert_int_eq(invoice_void(txn, st, num, "", 0, "test"), -EINVAL);
	ck_assert_int_eq(invoice_void(txn, st, num, "wrong plan",
				      T("2026-11-03"), "test"), 0);
	ck_assert_int_eq(invoice_void(txn, st, num, "again", 0, "test"),
			 -EALREADY);
	ck_assert_int_eq(sub_get(txn, st, "andi", &r), 0);
	ck_assert_int_eq(r.balance, 50000);	/* the credit */
	ck_assert_int_eq(store_commit(txn), 0);
	i = get_inv("2026-10", "andi");
	ck_assert_int_eq(i->status, INV_VOID);
	ck_assert_str_eq(i->void_reason, "wrong plan");
	ck_assert_int_eq(fsck_violations(), 0);

	/* the credit pays the next invoice at its run */
	run(2026, 11, "2026-12-01");
	i = get_inv("2026-11", "andi");
	ck_assert_int_eq(i->total, 111000);
	ck_assert_int_eq(i->paid, 50000);
	ck_assert_int_eq(i->status, INV_PARTIAL);
	ck_assert_int_eq(fsck_violations(), 0);

	/* tamper: raise a total behind the ledger's back */
	i->total += 1;
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(invoice_put(txn, st, i), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_gt(fsck_violations(), 0);
}
END_TEST

START_TEST(test_fsck_gap)
{
	MDB_txn *txn;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("a", "basic", "2026-10-01");
	add_sub("b", "basic", "2026-10-01");
	add_sub("c", "basic", "2026-10-01");
	run(2026, 10, "2026-11-01");
	ck_assert_int_eq(fsck_violations(), 0);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(store_del(txn, st, DB_INVOICES, "INV/2026/11/000002",
				   18), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_gt(fsck_violations(), 0);
}
END_TEST

START_TEST(test_periods)
{
	struct sub_rec r = { .cycle = CYCLE_CALENDAR, .cycle_day = 1 };
	int32_t f, t;

	invoice_sub_period(&r, 2028, 2, &f, &t);
	ck_assert_int_eq(f, D("2028-02-01"));
	ck_assert_int_eq(t - f, 29);
	r.cycle_day = 15;
	invoice_sub_period(&r, 2026, 12, &f, &t);
	ck_assert_int_eq(f, D("2026-12-15"));
	ck_assert_int_eq(t, D("2027-01-15"));
	r.cycle = CYCLE_ANNIVERSARY;
	r.activated = D("2026-01-31");
	invoice_sub_period(&r, 2026, 2, &f, &t);
	ck_assert_int_eq(f, D("2026-02-28"));	/* clamped */
	ck_assert_int_eq(t, D("2026-03-31"));
}
END_TEST

/* A void reason is cut between characters; text that is not text is
 * refused; a stored name that is not UTF-8 still makes a PDF. */
START_TEST(test_text_void_and_pdf)
{
	static const struct tagih_conf conf = {
		.operator_name = "Warung \xe9", .bank_transfer = "BCA \xff",
	};
	char reason[128];
	unsigned char *pdf = NULL;
	struct sub_rec r;
	struct inv_rec *i;
	MDB_txn *txn;
	size_t len = 0;
	int k;

	add_plan("basic", PLAN_FLAT, 100000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	add_sub("budi", "basic", "2026-10-01");
	run(2026, 10, "2026-11-01");
	/* "x" + 24 x "é€" = 121 bytes into void_reason[120] */
	reason[0] = 'x';
	for (k = 0; k < 24; k++)
		memcpy(reason + 1 + 5 * k, "\xc3\xa9\xe2\x82\xac", 5);
	reason[121] = '\0';
	i = get_inv("2026-10", "andi");
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(invoice_void(txn, st, i->number, "bad \xff",
				      T("2026-11-02"), "t"), -EINVAL);
	ck_assert_int_eq(invoice_void(txn, st, i->number, "a\x1b[2J",
				      T("2026-11-02"), "t"), -EINVAL);
	ck_assert_int_eq(invoice_void(txn, st, i->number, reason,
				      T("2026-11-02"), "t"), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	i = get_inv("2026-10", "andi");
	ck_assert_uint_eq(strlen(i->void_reason), 118);
	ck_assert_int_eq(text_check(i->void_reason, 118, NULL), 0);
	ck_assert_int_eq(memcmp(i->void_reason, reason, 118), 0);

	/* an old store's Latin-1 name, and config text from before the check */
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, st, "budi", &r), 0);
	snprintf(r.name, sizeof(r.name), "Bud\xe9");
	ck_assert_int_eq(sub_put(txn, st, &r), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	i = get_inv("2026-10", "budi");
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(export_inv_pdf(txn, st, i, &conf, D("2026-11-02"),
					&pdf, &len), 0);
	store_abort(txn);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(memcmp(pdf, "%PDF", 4), 0);
	free(pdf);
}
END_TEST


/* The printed rows: quantity x rate is the amount (half up), a capped
 * usage line prints at full price with the cap as a row of its own. */
static rp_t row_product(const struct invdoc_row *r, rp_t per_gb)
{
	unsigned long long ip = 0, fp = 0;
	unsigned __int128 q, p10 = 1;
	char frac[16] = "";
	size_t d, k;

	ck_assert_int_eq(sscanf(r->qty, "%llu,%15[0-9] GB", &ip, frac), 2);
	d = strlen(frac);
	fp = strtoull(frac, NULL, 10);
	for (k = 0; k < d; k++)
		p10 *= 10;
	q = (unsigned __int128)ip * p10 + fp;
	return (rp_t)((q * (unsigned __int128)per_gb + p10 / 2) / p10);
}

START_TEST(test_doc_rows_add_up)
{
	static struct inv_rec inv;
	struct invdoc_row rows[2];
	char name[64];
	unsigned seed = 12345;
	rp_t v;
	int i, n;

	memset(&inv, 0, sizeof(inv));
	inv.period_from = D("2026-10-01");
	inv.period_to = D("2026-11-01");	/* 31 days */
	inv.nlines = 1;
	inv.lines[0] = (struct inv_line){ .kind = LINE_FEE, .qty = 31,
		.unit_price = 150000, .amount = 150000 };
	snprintf(inv.lines[0].desc, sizeof(inv.lines[0].desc), "Paket home");
	ck_assert_int_eq(invdoc_rows(&inv, 0, false, rows), 1);
	ck_assert_str_eq(rows[0].qty, "1 bulan");
	ck_assert_str_eq(rows[0].rate, "Rp 150.000");
	ck_assert_int_eq(rows[0].amount, 150000);
	ck_assert_int_eq(invdoc_rows(&inv, 0, true, rows), 1);
	ck_assert_str_eq(rows[0].qty, "1 month");

	/* prorated: 16 of 31 days */
	ck_assert_int_eq(rate_prorate(150000, 16, 31, &v), 0);
	inv.lines[0] = (struct inv_line){ .kind = LINE_FEE, .qty = 16,
		.unit_price = 150000, .amount = v };
	ck_assert_int_eq(invdoc_rows(&inv, 0, false, rows), 1);
	ck_assert_str_eq(rows[0].qty, "16 hari");
	ck_assert_str_eq(rows[0].rate, "Rp 150.000 / 31 hari");
	ck_assert_int_eq(rows[0].amount, 77419);
	ck_assert_int_eq(invdoc_rows(&inv, 0, true, rows), 1);
	ck_assert_str_eq(rows[0].rate, "Rp 150.000 / 31 days");

	/* the issue's capped overage: 77.68 GB x Rp 1.500 = Rp 116.520,
	 * billed Rp 100.000 */
	inv.lines[0] = (struct inv_line){ .kind = LINE_USAGE,
		.qty = 77680000000LL, .unit_price = 1500, .amount = 100000 };
	snprintf(inv.lines[0].desc, sizeof(inv.lines[0].desc),
		 "Kelebihan kuota: 77.68 GB (batas)");
	ck_assert_int_eq(invdoc_rows(&inv, 0, false, rows), 2);
	ck_assert_str_eq(rows[0].desc, "Kelebihan kuota");
	ck_assert_str_eq(rows[0].qty, "77,68 GB");
	ck_assert_str_eq(rows[0].rate, "Rp 1.500 / GB");
	ck_assert_int_eq(rows[0].amount, 116520);
	ck_assert_str_eq(rows[1].desc,
			 "Batas biaya pemakaian (maks. Rp 100.000)");
	ck_assert_str_eq(rows[1].qty, "");
	ck_assert_int_eq(rows[1].amount, -16520);
	ck_assert_int_eq(rows[0].amount + rows[1].amount, 100000);
	ck_assert_int_eq(invdoc_rows(&inv, 0, true, rows), 2);
	ck_assert_str_eq(rows[0].qty, "77.68 GB");
	ck_assert_str_eq(rows[1].desc, "Usage charge cap (max. Rp 100.000)");

	/* any bytes and price: the printed quantity times the rate is the
	 * amount; 9 decimals at most (the bytes themselves) */
	for (i = 0; i < 20000; i++) {
		uint64_t bytes;
		rp_t per_gb;

		seed = seed * 1103515245u + 12345u;
		bytes = (uint64_t)seed * (seed % 977 + 1) *
			(i % 3 ? 1 : 1000);
		seed = seed * 1103515245u + 12345u;
		per_gb = i % 5 ? seed % 20000 + 1 : seed % 1000000 + 1;
		ck_assert_int_eq(rate_volume(bytes, per_gb, &v), 0);
		inv.lines[0] = (struct inv_line){ .kind = LINE_USAGE,
			.qty = (int64_t)bytes, .unit_price = per_gb,
			.amount = v };
		n = invdoc_rows(&inv, 0, i & 1, rows);
		ck_assert_int_eq(n, 1);
		ck_assert_int_eq(rows[0].amount, v);
		if (i & 1)	/* English: a decimal point */
			*strchr(rows[0].qty, '.') = ',';
		ck_assert_msg(row_product(&rows[0], per_gb) == v,
			      "%llu bytes x %lld: '%s' != %lld",
			      (unsigned long long)bytes, (long long)per_gb,
			      rows[0].qty, (long long)v);
	}

	/* one of something */
	inv.lines[0] = (struct inv_line){ .kind = LINE_LATE, .qty = 1,
		.unit_price = 5000, .amount = 5000 };
	ck_assert_int_eq(invdoc_rows(&inv, 0, false, rows), 1);
	ck_assert_str_eq(rows[0].qty, "1");
	ck_assert_str_eq(rows[0].rate, "Rp 5.000");

	ck_assert_str_eq(invdoc_filename("INV/2026/11/000123", name,
					 sizeof(name)),
			 "INV-2026-11-000123.pdf");
	ck_assert_str_eq(receipt_filename("midtrans:ab/c d", name,
					  sizeof(name)),
			 "kuitansi-midtrans-ab-c-d.pdf");
	ck_assert_str_eq(invdoc_status(INV_OVERDUE, false),
			 "Lewat jatuh tempo");
	ck_assert_str_eq(invdoc_status(INV_PAID, false), "Lunas");
	ck_assert_str_eq(invdoc_status(INV_ISSUED, true), "Unpaid");
}
END_TEST


/* The kuitansi of a payment and of its reversal, thermal and PDF. */
static char *thermal_of(const char *ref, bool en)
{
	static struct pay_rec p;
	static const struct tagih_conf conf = { .operator_name = "RT/RW Net" };
	char *buf = NULL, *line;
	size_t len = 0;
	MDB_txn *txn;
	FILE *f;

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(pay_get(txn, st, ref, &p), 0);
	ck_assert_int_eq(receipt_thermal(txn, st, &p, &conf, en, f), 0);
	store_abort(txn);
	fclose(f);
	/* every line at most 32 characters (ASCII here) */
	for (line = buf; *line;) {
		char *nl = strchr(line, '\n');

		ck_assert_ptr_nonnull(nl);
		ck_assert_int_le(nl - line, RECEIPT_COLS);
		line = nl + 1;
	}
	return buf;
}

START_TEST(test_receipts)
{
	static const struct tagih_conf conf = { .operator_name = "RT/RW Net" };
	struct pay_rec p, rv;
	unsigned char *pdf = NULL;
	size_t len = 0;
	MDB_txn *txn;
	char *t;

	add_plan("basic", PLAN_FLAT, 111000, 0, 0, 0, 0);
	add_sub("andi", "basic", "2026-10-01");
	run(2026, 10, "2026-11-01");
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(pay_apply(txn, st, "andi", 111000, PAY_TRANSFER,
				   "TRF-1", NULL, 0, T("2026-11-03T10:00+07:00"),
				   "kasir", &p), 1);
	ck_assert_int_eq(pay_reverse(txn, st, "TRF-1", 111000, "TRF-1~r1",
				     NULL, 0, T("2026-11-04T10:00+07:00"),
				     "kasir", &rv), 1);
	ck_assert_int_eq(store_commit(txn), 0);

	t = thermal_of("TRF-1", false);
	ck_assert_ptr_nonnull(strstr(t, "KUITANSI"));
	ck_assert_ptr_nonnull(strstr(t, "No. TRF-1\n"));
	ck_assert_ptr_nonnull(strstr(t, "3 November 2026 10:00 WIB"));
	ck_assert_ptr_nonnull(strstr(t, "TOTAL                 Rp 111.000"));
	ck_assert_ptr_nonnull(strstr(t, "Terbilang: seratus sebelas ribu"));
	ck_assert_ptr_nonnull(strstr(t, "Transfer"));
	free(t);
	t = thermal_of(rv.ref, false);
	ck_assert_ptr_nonnull(strstr(t, "PENGEMBALIAN DANA"));
	ck_assert_ptr_nonnull(strstr(t, "Dikembalikan kepada:"));
	ck_assert_ptr_nonnull(strstr(t, "Terbilang: seratus sebelas ribu\n"
					"rupiah"));
	ck_assert_ptr_null(strstr(t, "minus"));
	ck_assert_ptr_null(strstr(t, "KUITANSI"));
	free(t);
	t = thermal_of(rv.ref, true);
	ck_assert_ptr_nonnull(strstr(t, "REFUND"));
	free(t);

	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(receipt_pdf_mem(txn, st, &p, &conf, false, &pdf,
					 &len), 0);
	store_abort(txn);
	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(memcmp(pdf, "%PDF", 4), 0);
	free(pdf);
}
END_TEST

static Suite *invoice_suite(void)
{
	Suite *s = suite_create("invoice");
	TCase *tc = tcase_create("run");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_flat_and_prorated);
	tcase_add_test(tc, test_doc_rows_add_up);
	tcase_add_test(tc, test_receipts);
	tcase_add_test(tc, test_plan_change_mid_cycle);
	tcase_add_test(tc, test_hybrid_volume_usage);
	tcase_add_test(tc, test_idempotent_and_gap_free);
	tcase_add_test(tc, test_map_full_counts_committed);
	tcase_add_test(tc, test_terminated_and_addon);
	tcase_add_test(tc, test_void_credit_and_fsck_tamper);
	tcase_add_test(tc, test_fsck_gap);
	tcase_add_test(tc, test_periods);
	tcase_add_test(tc, test_late_fee_next_invoice);
	tcase_add_test(tc, test_text_void_and_pdf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(invoice_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
