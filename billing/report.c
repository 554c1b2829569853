// SPDX-License-Identifier: GPL-2.0
/* report.c - revenue, aging and usage reports over the ledger. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/invoice.h"
#include "billing/report.h"
#include "lib/ttime.h"
#include "billing/usage.h"

struct rev_ctx {
	const char *period;
	struct rev_report *r;
};

int report_revenue_add(struct rev_report *r, const struct inv_rec *inv)
{
	rp_t open = inv->total;

	if (inv->status == INV_VOID) {
		r->voided++;
		return money_add(&r->void_total, inv->total);
	}
	r->invoices++;
	/* checked: a damaged record gives an error, never a wrapped total */
	if (money_sub(&open, inv->paid) ||
	    money_add(&r->subtotal, inv->subtotal) ||
	    money_add(&r->tax, inv->tax) || money_add(&r->total, inv->total) ||
	    money_add(&r->paid, inv->paid) || money_add(&r->open, open))
		return -ERANGE;
	return 0;
}

static int rev_cb(const struct inv_rec *inv, void *ctx)
{
	struct rev_ctx *rc = ctx;

	if (strcmp(inv->period, rc->period))
		return 0;
	return report_revenue_add(rc->r, inv);
}

int report_revenue(MDB_txn *txn, struct store *st, const char *period,
		   struct rev_report *r)
{
	struct rev_ctx rc = { period, r };

	memset(r, 0, sizeof(*r));
	return invoice_foreach(txn, st, rev_cb, &rc);
}

struct aging_ctx {
	int32_t today;
	struct aging_bucket *b;
};

static int aging_cb(const struct inv_rec *inv, void *ctx)
{
	struct aging_ctx *ac = ctx;
	int64_t late = (int64_t)ac->today - inv->due;
	rp_t open = inv->total;
	int i;

	if (inv->status != INV_ISSUED && inv->status != INV_PARTIAL)
		return 0;
	if (late < 0)
		i = 0;
	else if (late <= 30)
		i = 1;
	else if (late <= 60)
		i = 2;
	else if (late <= 90)
		i = 3;
	else
		i = 4;
	ac->b[i].invoices++;
	if (money_sub(&open, inv->paid))
		return -ERANGE;
	return money_add(&ac->b[i].amount, open);
}

int report_aging(MDB_txn *txn, struct store *st, int32_t today,
		 struct aging_bucket out[AGING_BUCKETS])
{
	static const char *const labels[AGING_BUCKETS] = {
		"current", "0-30", "31-60", "61-90", "90+",
	};
	struct aging_ctx ac = { today, out };
	int i;

	for (i = 0; i < AGING_BUCKETS; i++)
		out[i] = (struct aging_bucket){ .label = labels[i] };
	return invoice_foreach(txn, st, aging_cb, &ac);
}

struct top_ctx {
	MDB_txn *txn;
	struct store *st;
	int64_t from, to;
	struct usage_top *out;
	int n, max;
};

static int top_cb(const struct sub_rec *r, void *ctx)
{
	struct top_ctx *tc = ctx;
	struct usage_val v;
	uint64_t tot;
	int i, err;

	err = usage_sum(tc->txn, tc->st, r->uid, tc->from, tc->to, &v);
	if (err)
		return err;
	tot = v.up_bytes + v.down_bytes;
	if (!tot)
		return 0;
	/* insertion into the sorted top list; ties keep id order */
	for (i = tc->n; i > 0; i--) {
		struct usage_top *p = &tc->out[i - 1];

		if (p->up + p->down >= tot)
			break;
		if (i < tc->max)
			tc->out[i] = *p;
	}
	if (i >= tc->max)
		return 0;
	snprintf(tc->out[i].sub, sizeof(tc->out[i].sub), "%s", r->id);
	tc->out[i].up = v.up_bytes;
	tc->out[i].down = v.down_bytes;
	if (tc->n < tc->max)
		tc->n++;
	return 0;
}

int report_usage_top(MDB_txn *txn, struct store *st, int y, int m, int n,
		     struct usage_top *out, int *nout)
{
	struct top_ctx tc = { txn, st, 0, 0, out, 0, n };
	int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1, err;

	if (n <= 0)
		return -EINVAL;
	tc.from = tt_day_start(tt_days_from_civil(y, m, 1));
	tc.to = tt_day_start(tt_days_from_civil(ny, nm, 1));
	err = sub_foreach(txn, st, top_cb, &tc);
	if (err)
		return err;
	*nout = tc.n;
	return 0;
}
