// SPDX-License-Identifier: GPL-2.0
/* invoice.c - invoice runs in batched write txns, gap-free numbers, voids. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "billing/charge.h"
#include "billing/invoice.h"
#include "lib/log.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "billing/usage.h"

#define INV_PLAN_CACHE 64
#define INV_SEGS_MAX 8

/* Per-run state: plans are immutable, so they are cached for the run. */
struct inv_run {
	struct store *st;
	const struct inv_run_opts *o;
	struct inv_run_stats *stats;
	int32_t today;
	int nplans;
	struct plan_rec plans[INV_PLAN_CACHE];
};

void invoice_sub_period(const struct sub_rec *r, int y, int m, int32_t *from,
			int32_t *to)
{
	int d = 1, ny = y, nm = m + 1, ad, am, ay;

	if (r->cycle == CYCLE_ANNIVERSARY && r->activated) {
		tt_civil_from_days(r->activated, &ay, &am, &ad);
		d = ad;
	} else if (r->cycle_day >= 1 && r->cycle_day <= 28) {
		d = r->cycle_day;
	}
	if (nm > 12) {
		nm = 1;
		ny++;
	}
	*from = tt_days_from_civil(y, m, d < tt_days_in_month(y, m) ?
					 d : tt_days_in_month(y, m));
	*to = tt_days_from_civil(ny, nm, d < tt_days_in_month(ny, nm) ?
					   d : tt_days_in_month(ny, nm));
}

static int inv_plan(MDB_txn *txn, struct inv_run *run, const char *name,
		    const struct plan_rec **out)
{
	struct plan_rec p;
	int i, err;

	for (i = 0; i < run->nplans; i++) {
		if (!strcmp(run->plans[i].name, name)) {
			*out = &run->plans[i];
			return 0;
		}
	}
	err = plan_get(txn, run->st, name, &p);
	if (err)
		return err;
	if (run->nplans < INV_PLAN_CACHE) {
		run->plans[run->nplans] = p;
		*out = &run->plans[run->nplans++];
		return 0;
	}
	/* cache full: keep the last one in the spare slot */
	run->plans[INV_PLAN_CACHE - 1] = p;
	*out = &run->plans[INV_PLAN_CACHE - 1];
	return 0;
}

static struct inv_line *inv_line_add(struct inv_rec *inv, int kind)
{
	struct inv_line *l;

	if (inv->nlines >= INV_LINES_MAX)
		return NULL;
	l = &inv->lines[inv->nlines++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	return l;
}

/* Descriptions are cut at sizeof(desc) - 1: a long plan name is still billed. */
static void inv_desc(struct inv_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void inv_desc(struct inv_line *l, const char *fmt, ...)
{
	char b[2 * sizeof(l->desc)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	text_copy(l->desc, sizeof(l->desc), b);	/* between characters */
}

/* "12.35 GB" with integer arithmetic (two decimals, truncated). */
static void inv_fmt_gb(uint64_t bytes, char *buf, size_t n)
{
	uint64_t cgb = bytes / (RATE_GB / 100);

	snprintf(buf, n, "%llu.%02llu GB", (unsigned long long)(cgb / 100),
		 (unsigned long long)(cgb % 100));
}

static int inv_segment_lines(MDB_txn *txn, struct inv_run *run,
			     const struct sub_rec *r, struct inv_rec *inv,
			     const struct plan_seg *seg, int period_days)
{
	const struct plan_rec *p;
	struct usage_val u = { 0 };
	struct rate_charge c;
	struct inv_line *l;
	int days = seg->to - seg->from, err;
	uint64_t bytes = 0;
	char gb[32], span[40] = "";

	err = inv_plan(txn, run, seg->plan, &p);
	if (err) {
		if (err == -ENOENT)
			pr_warn("subscriber %s: plan '%s' does not exist",
				r->id, seg->plan);
		return err;
	}
	if (p->terms.type == PLAN_PREPAID)
		return 0;	/* paid first: receipts, never invoiced */
	if (p->terms.type != PLAN_FLAT) {
		err = usage_sum(txn, run->st, r->uid, tt_day_start(seg->from),
				tt_day_start(seg->to), &u);
		if (err)
			return err;
		bytes = u.up_bytes;
		if (usage_count_add(&bytes, u.down_bytes))
			return -EOVERFLOW;
	}
	err = rate_segment(&p->terms, days, period_days, bytes, &c);
	if (err)
		return err;
	if (days != period_days)
		snprintf(span, sizeof(span), " (%d/%d hari)", days,
			 period_days);

	if (p->terms.type != PLAN_VOLUME) {
		if (!(l = inv_line_add(inv, LINE_FEE)))
			return -E2BIG;
		inv_desc(l, "Paket %s%s", p->name,
			 span);
		l->qty = days;
		l->unit_price = p->terms.price;
		l->amount = c.fee;
	}
	if (p->terms.type == PLAN_VOLUME ||
	    (p->terms.type == PLAN_HYBRID && c.billed_bytes)) {
		if (!(l = inv_line_add(inv, LINE_USAGE)))
			return -E2BIG;
		inv_fmt_gb(c.billed_bytes, gb, sizeof(gb));
		if (p->terms.type == PLAN_VOLUME)
			inv_desc(l, "Pemakaian %s: %s%s", p->name, gb,
				 c.capped ? " (batas)" : "");
		else
			inv_desc(l, "Kelebihan kuota: %s%s", gb,
				 c.capped ? " (batas)" : "");
		l->qty = c.billed_bytes;
		l->unit_price = p->terms.per_gb;
		l->amount = c.usage;
	}
	if (c.min_topup) {
		if (!(l = inv_line_add(inv, LINE_MIN)))
			return -E2BIG;
		inv_desc(l, "Biaya minimum %s%s",
			 p->name, span);
		l->qty = 1;
		l->unit_price = c.min_topup;
		l->amount = c.min_topup;
	}
	return 0;
}

struct addon_ctx {
	struct inv_rec *inv;
	int32_t from, to;
	int period_days;
	int err;
};

static int inv_addon_cb(const struct addon_rec *a, void *ctx)
{
	struct addon_ctx *ac = ctx;
	int32_t from = a->from > ac->from ? a->from : ac->from;
	int32_t to = a->until && a->until < ac->to ? a->until : ac->to;
	struct inv_line *l;
	char span[40] = "";
	int err;

	if (from >= to)
		return 0;
	if (!(l = inv_line_add(ac->inv, LINE_ADDON)))
		return -E2BIG;
	err = rate_prorate(a->price, to - from, ac->period_days, &l->amount);
	if (err)
		return err;
	if (to - from != ac->period_days)
		snprintf(span, sizeof(span), " (%d/%d hari)", to - from,
			 ac->period_days);
	inv_desc(l, "Layanan tambahan %s%s", a->product,
		 span);
	l->qty = to - from;
	l->unit_price = a->price;
	return 0;
}

static size_t inv_period_key(uint8_t *key, const char *period,
			     const char *sub)
{
	size_t n = strlen(sub);

	memcpy(key, period, 7);
	key[7] = '\0';
	memcpy(key + 8, sub, n);
	return 8 + n;
}

static size_t inv_sub_key(uint8_t *key, const char *sub, int32_t issued,
			  const char *number)
{
	size_t n = strlen(sub), m = strlen(number);

	memcpy(key, sub, n);
	key[n] = '\0';
	bei32_put(key + n + 1, issued);
	memcpy(key + n + 5, number, m);
	return n + 5 + m;
}

void invoice_settle_status(struct inv_rec *inv)
{
	if (inv->status == INV_VOID)
		return;
	if (inv->paid >= inv->total)
		inv->status = INV_PAID;
	else if (inv->paid > 0)
		inv->status = INV_PARTIAL;
	else
		inv->status = INV_ISSUED;
}

rp_t invoice_apply_credit(struct inv_rec *inv, struct sub_rec *sub)
{
	rp_t open = inv->total, x;

	if (inv->status == INV_VOID || sub->balance <= 0 ||
	    money_sub(&open, inv->paid) || open <= 0)
		return 0;
	x = sub->balance < open ? sub->balance : open;
	inv->paid += x;
	sub->balance -= x;
	invoice_settle_status(inv);
	return x;
}

#define LATE_KEY "latefee/"

struct late_pending {		/* DB_META "latefee/" + sub + '\0' + number */
	rp_t fee;
	int64_t when;
};

static int late_key(uint8_t *buf, size_t n, const char *sub,
		    const char *number)
{
	int len = snprintf((char *)buf, n, "%s%s", LATE_KEY, sub);

	if (len < 0 || (size_t)len + 1 + strlen(number) > n)
		return -ENAMETOOLONG;
	buf[len++] = '\0';
	memcpy(buf + len, number, strlen(number));
	return len + (int)strlen(number);
}

int invoice_late_fee_add(MDB_txn *txn, struct store *st, const char *sub,
			 const char *number, rp_t fee, int64_t when)
{
	struct late_pending lp = { fee, when };
	uint8_t key[128];
	int len;

	if (fee <= 0)
		return -EINVAL;
	len = late_key(key, sizeof(key), sub, number);
	if (len < 0)
		return len;
	return store_put(txn, st, DB_META, key, len, &lp, sizeof(lp),
			 MDB_NOOVERWRITE);
}

/*
 * Move the subscriber's pending late fees onto inv as LINE_LATE lines and
 * delete them (same txn: consumed exactly once). Adds their sum to *late.
 */
static int inv_late_fees(MDB_txn *txn, struct store *st, const char *sub,
			 struct inv_rec *inv, rp_t *late)
{
	uint8_t pfx[128];
	MDB_cursor *cur;
	MDB_val k, v;
	int plen, rc, err = 0;

	plen = snprintf((char *)pfx, sizeof(pfx), "%s%s", LATE_KEY, sub);
	if (plen < 0 || (size_t)plen + 1 >= sizeof(pfx))
		return -ENAMETOOLONG;
	pfx[plen++] = '\0';
	rc = store_cursor_open(txn, st, DB_META, &cur);
	if (rc)
		return store_err(rc, "late fees");
	k.mv_data = pfx;
	k.mv_size = plen;
	for (rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct late_pending lp;
		struct inv_line *l;

		if (k.mv_size < (size_t)plen || memcmp(k.mv_data, pfx, plen))
			break;
		if (v.mv_size != sizeof(lp)) {
			err = -EIO;
			break;
		}
		memcpy(&lp, v.mv_data, sizeof(lp));
		if (!(l = inv_line_add(inv, LINE_LATE))) {
			err = -E2BIG;
			break;
		}
		inv_desc(l, "Denda keterlambatan %.*s",
			 (int)(k.mv_size - plen),
			 (const char *)k.mv_data + plen);
		l->qty = 1;
		l->unit_price = lp.fee;
		l->amount = lp.fee;
		if (lp.fee <= 0 || money_add(late, lp.fee)) {
			err = -ERANGE;
			break;
		}
		rc = mdb_cursor_del(cur, 0);
		if (rc) {
			err = store_err(rc, "late fee consume");
			break;
		}
	}
	if (!err && rc && rc != -ENOENT)
		err = store_err(rc, "late fees");
	mdb_cursor_close(cur);
	return err;
}

int invoice_totals(struct inv_rec *inv, int tax_mode, int64_t ppn_bp)
{
	rp_t sum = 0, late = 0;
	int i, err;

	for (i = 0; i < inv->nlines; i++) {
		rp_t *to = inv->lines[i].kind == LINE_LATE ? &late : &sum;

		if (money_add(to, inv->lines[i].amount))
			return -ERANGE;
	}
	if (sum < 0 || late < 0)
		return -ERANGE;	/* a discount larger than what it discounts */
	err = rate_tax(tax_mode, ppn_bp, sum, &inv->subtotal, &inv->tax,
		       &inv->total);
	if (err)
		return err;
	/* late fees are outside PPN: added after the tax is computed */
	if (money_add(&inv->subtotal, late) || money_add(&inv->total, late))
		return -ERANGE;
	inv->tax_mode = tax_mode;
	inv->ppn_bp = tax_mode == TAX_NONE ? 0 : ppn_bp;
	return 0;
}

int invoice_issue(MDB_txn *txn, struct store *st, struct inv_rec *inv,
		  const char *prefix)
{
	char base[32], seq_key[48];
	uint8_t key[64 + INV_NUM_MAX];
	int y, m, d, err;
	uint64_t seq;

	if (!prefix || !*prefix || strlen(prefix) > 20 ||
	    strchr(prefix, '~') || strchr(prefix, '/') ||
	    strlen(inv->sub) > SUB_ID_MAX)
		return -EINVAL;
	tt_civil_from_days(inv->issued, &y, &m, &d);
	snprintf(base, sizeof(base), "%s/%04d/%02d/", prefix, y, m);
	snprintf(seq_key, sizeof(seq_key), "inv_seq:%s", base);
	err = store_meta_bump(txn, st, seq_key, &seq);
	if (err)
		return err;
	/* six digits, more when a month needs them (fsck knows) */
	if (seq > 99999999)
		return -EOVERFLOW;
	inv->version = INV_REC_VERSION;
	snprintf(inv->number, sizeof(inv->number), "%s%06llu", base,
		 (unsigned long long)seq);
	err = store_put(txn, st, DB_INVOICES, inv->number, strlen(inv->number),
			inv, inv_rec_size(inv->nlines), MDB_NOOVERWRITE);
	if (!err)
		err = store_put(txn, st, DB_INV_SUB, key,
				inv_sub_key(key, inv->sub, inv->issued,
					    inv->number), "", 0, 0);
	return err;
}

/*
 * One subscriber. Returns 1 when an invoice was made, 0 when there was
 * nothing to do (stats say why), or -errno.
 */
static int inv_one(MDB_txn *txn, struct inv_run *run, struct sub_rec *r,
		   struct inv_rec *inv)
{
	const struct inv_run_opts *o = run->o;
	struct plan_seg segs[INV_SEGS_MAX];
	struct addon_ctx ac;
	int32_t pfrom, pto, afrom, ato;
	uint8_t key[64 + INV_NUM_MAX];
	char period[8];
	MDB_val v;
	rp_t late = 0;
	int nseg, i, err;

	invoice_sub_period(r, o->year, o->month, &pfrom, &pto);
	afrom = r->activated > pfrom ? r->activated : pfrom;
	ato = r->terminated && r->terminated < pto ? r->terminated : pto;
	if (afrom >= ato) {
		run->stats->skipped++;
		return 0;
	}
	if (tt_day_start(pto) > o->now) {
		run->stats->not_due++;
		return 0;
	}
	snprintf(period, sizeof(period), "%04d-%02d", o->year, o->month);
	err = store_get(txn, run->st, DB_INV_PERIOD, key,
			inv_period_key(key, period, r->id), &v);
	if (!err) {
		run->stats->existing++;
		return 0;
	}
	if (err != -ENOENT)
		return err;

	memset(inv, 0, inv_rec_size(0));
	inv->nlines = 0;
	nseg = plan_hist_segments(txn, run->st, r->id, afrom, ato, segs,
				  INV_SEGS_MAX);
	if (nseg < 0)
		return nseg;
	if (nseg == 0 && r->plan[0]) {
		segs[0].from = afrom;
		segs[0].to = ato;
		snprintf(segs[0].plan, sizeof(segs[0].plan), "%s", r->plan);
		nseg = 1;
	}
	for (i = 0; i < nseg; i++) {
		err = inv_segment_lines(txn, run, r, inv, &segs[i], pto - pfrom);
		if (err)
			return err;
	}
	ac = (struct addon_ctx){ inv, afrom, ato, pto - pfrom, 0 };
	err = addon_foreach(txn, run->st, r->id, inv_addon_cb, &ac);
	if (err)
		return err;
	/* one-time charges once, discounts of this period (billing/charge.h) */
	err = charge_lines(txn, run->st, r->id, inv, pfrom, pto);
	if (err)
		return err;
	err = inv_late_fees(txn, run->st, r->id, inv, &late);
	if (err)
		return err;
	if (!inv->nlines) {
		run->stats->skipped++;
		return 0;
	}
	err = invoice_totals(inv, o->tax_mode, o->ppn_bp);
	if (err)
		return err;
	memcpy(inv->sub, r->id, sizeof(inv->sub));
	memcpy(inv->period, period, sizeof(inv->period));
	inv->period_from = pfrom;
	inv->period_to = pto;
	inv->issued = run->today;
	inv->due = run->today + (int32_t)o->due_days;
	inv->created = o->now;
	invoice_settle_status(inv);	/* a zero invoice is paid */
	if (invoice_apply_credit(inv, r)) {
		err = sub_put(txn, run->st, r);
		if (err)
			return err;
	}

	/* the number is taken only now, in the txn that stores the invoice */
	err = invoice_issue(txn, run->st, inv, o->prefix);
	if (!err)
		err = charge_billed(txn, run->st, r->id, inv);
	if (!err)
		err = store_put(txn, run->st, DB_INV_PERIOD, key,
				inv_period_key(key, period, r->id),
				inv->number, strlen(inv->number) + 1, 0);
	if (err)
		return err;
	run->stats->created++;
	/* a run's total is a report: past int64 it saturates, it never
	 * refuses invoices that are each correct */
	if (money_add(&run->stats->total, inv->total))
		run->stats->total = INT64_MAX;
	if (!run->stats->first[0])
		memcpy(run->stats->first, inv->number, INV_NUM_MAX);
	memcpy(run->stats->last, inv->number, INV_NUM_MAX);
	return 1;
}

int invoice_run(struct store *st, const struct inv_run_opts *o,
		struct inv_run_stats *stats)
{
	static struct inv_rec inv;	/* ~3.5 KiB, reused */
	struct inv_run *run;
	char last[SUB_ID_MAX + 1] = "";
	unsigned batch = o->batch ? o->batch : 10000;
	uint64_t total = 0;
	int ny = o->year, nm = o->month + 1, err = 0, rc;
	MDB_cursor *cur = NULL;
	MDB_txn *txn = NULL;
	MDB_stat ms;
	bool more = true;

	memset(stats, 0, sizeof(*stats));
	if (o->year < 1970 || o->year > 9999 || o->month < 1 ||
	    o->month > 12 || o->due_days < 0 || !o->prefix || !*o->prefix ||
	    strlen(o->prefix) > 20 || strchr(o->prefix, '\n') ||
	    strchr(o->prefix, '~'))
		return -EINVAL;
	if (nm > 12) {
		nm = 1;
		ny++;
	}
	/* postpaid, in arrears: only once the calendar month has ended */
	if (o->now < tt_day_start(tt_days_from_civil(ny, nm, 1)))
		return -EAGAIN;

	run = calloc(1, sizeof(*run));
	if (!run)
		return -ENOMEM;
	run->st = st;
	run->o = o;
	run->stats = stats;
	run->today = tt_local_day(o->now);

	while (more) {
		unsigned n = 0;
		MDB_val k, v;

		err = store_begin(st, true, &txn);
		if (err)
			goto out;
		if (!total && !mdb_stat(txn, store_dbi(st, DB_SUBS), &ms))
			total = ms.ms_entries;
		rc = store_cursor_open(txn, st, DB_SUBS, &cur);
		if (rc) {
			err = store_err(rc, "cursor");
			goto out;
		}
		k.mv_size = strlen(last);
		k.mv_data = last;
		rc = k.mv_size ? store_cursor_get(cur, &k, &v, MDB_SET_RANGE) :
				 store_cursor_get(cur, &k, &v, MDB_FIRST);
		if (!rc && k.mv_size == strlen(last) &&
		    !memcmp(k.mv_data, last, k.mv_size))
			rc = store_cursor_get(cur, &k, &v, MDB_NEXT);
		while (!rc && n < batch) {
			struct sub_rec r;

			if (v.mv_size != sizeof(r) ||
			    k.mv_size > SUB_ID_MAX) {
				err = -EIO;
				goto out;
			}
			memcpy(&r, v.mv_data, sizeof(r));
			memcpy(last, k.mv_data, k.mv_size);
			last[k.mv_size] = '\0';
			stats->subs++;
			n++;
			err = inv_one(txn, run, &r, &inv);
			if (err < 0)
				goto out;
			rc = store_cursor_get(cur, &k, &v, MDB_NEXT);
		}
		if (rc == -ENOENT)
			more = false;
		else if (rc) {
			err = store_err(rc, "cursor");
			goto out;
		}
		mdb_cursor_close(cur);
		cur = NULL;
		err = store_commit(txn);
		txn = NULL;
		if (err)
			goto out;
		stats->committed = stats->created;
		if (o->progress)
			o->progress(stats->subs, total, o->ctx);
	}
	err = 0;
out:
	if (err < 0 && stats->subs)
		pr_warn("invoice run stopped at subscriber %s: %s", last,
			strerror(-err));
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		store_abort(txn);
	free(run);
	return err < 0 ? err : 0;
}

int invoice_get(MDB_txn *txn, struct store *st, const char *number,
		struct inv_rec *inv)
{
	MDB_val v;
	size_t hdr = inv_rec_size(0);
	int err;

	if (!number || !*number || strlen(number) >= INV_NUM_MAX)
		return -ENOENT;
	err = store_get(txn, st, DB_INVOICES, number, strlen(number), &v);
	if (err)
		return err;
	if (v.mv_size < hdr || v.mv_size > sizeof(*inv) ||
	    (v.mv_size - hdr) % sizeof(struct inv_line))
		return -EIO;
	memcpy(inv, v.mv_data, v.mv_size);
	if (inv->nlines != (v.mv_size - hdr) / sizeof(struct inv_line))
		return -EIO;
	return 0;
}

int invoice_put(MDB_txn *txn, struct store *st, const struct inv_rec *inv)
{
	return store_put(txn, st, DB_INVOICES, inv->number,
			 strlen(inv->number), inv, inv_rec_size(inv->nlines),
			 0);
}

static const char *const inv_status_names[] = {
	"issued", "partial", "paid", "void", "overdue",
};

int invoice_status(const struct inv_rec *inv, int32_t today)
{
	if ((inv->status == INV_ISSUED || inv->status == INV_PARTIAL) &&
	    today > inv->due)
		return INV_OVERDUE;
	return inv->status;
}

const char *invoice_status_str(int status)
{
	return status >= 0 && status <= INV_OVERDUE ?
		       inv_status_names[status] : "?";
}

int invoice_status_parse(const char *s, int *status)
{
	int i;

	for (i = 0; i <= INV_OVERDUE; i++) {
		if (!strcmp(s, inv_status_names[i])) {
			*status = i;
			return 0;
		}
	}
	return -EINVAL;
}

int invoice_foreach(MDB_txn *txn, struct store *st,
		    int (*cb)(const struct inv_rec *inv, void *ctx), void *ctx)
{
	static __thread struct inv_rec inv;
	size_t hdr = inv_rec_size(0);
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, err = 0;

	rc = store_cursor_open(txn, st, DB_INVOICES, &cur);
	if (rc)
		return store_err(rc, "cursor");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (v.mv_size < hdr || v.mv_size > sizeof(inv)) {
			err = -EIO;
			break;
		}
		memcpy(&inv, v.mv_data, v.mv_size);
		if (inv.nlines > INV_LINES_MAX ||
		    inv_rec_size(inv.nlines) != v.mv_size) {
			err = -EIO;
			break;
		}
		err = cb(&inv, ctx);
		if (err)
			break;
	}
	if (rc && rc != -ENOENT)
		err = store_err(rc, "cursor");
	mdb_cursor_close(cur);
	return err;
}

int invoice_foreach_sub(MDB_txn *txn, struct store *st, const char *sub,
			int (*cb)(const char *number, void *ctx), void *ctx)
{
	size_t n = strlen(sub);
	char number[INV_NUM_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t key[64];
	int rc, err = 0;

	if (n > SUB_ID_MAX)
		return -EINVAL;
	memcpy(key, sub, n);
	key[n] = '\0';
	rc = store_cursor_open(txn, st, DB_INV_SUB, &cur);
	if (rc)
		return store_err(rc, "cursor");
	k.mv_size = n + 1;
	k.mv_data = key;
	for (rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		size_t m;

		if (k.mv_size <= n + 5 || memcmp(k.mv_data, key, n + 1))
			break;
		m = k.mv_size - n - 5;
		if (m >= sizeof(number)) {
			err = -EIO;
			break;
		}
		memcpy(number, (char *)k.mv_data + n + 5, m);
		number[m] = '\0';
		err = cb(number, ctx);
		if (err)
			break;
	}
	if (rc && rc != -ENOENT)
		err = store_err(rc, "cursor");
	mdb_cursor_close(cur);
	return err;
}

int invoice_void(MDB_txn *txn, struct store *st, const char *number,
		 const char *reason, int64_t now, const char *actor)
{
	json_t *detail;
	static __thread struct inv_rec inv;
	struct sub_rec r;
	int err;

	if (!reason || !*reason || text_check(reason, strlen(reason), NULL))
		return -EINVAL;
	err = invoice_get(txn, st, number, &inv);
	if (err)
		return err;
	if (inv.status == INV_VOID)
		return -EALREADY;
	err = sub_get(txn, st, inv.sub, &r);
	if (err)
		return err == -ENOENT ? -EIO : err;
	inv.status = INV_VOID;
	inv.voided = now;
	/* cut between characters; the audit entry keeps the whole reason */
	text_copy(inv.void_reason, sizeof(inv.void_reason), reason);
	if (inv.paid > 0) {
		/* the credit: what was paid on it is the subscriber's again */
		err = money_add(&r.balance, inv.paid);
		if (err)
			return err;
		err = sub_put(txn, st, &r);
		if (err)
			return err;
	}
	err = invoice_put(txn, st, &inv);
	if (err)
		return err;
	detail = json_pack("{s:s, s:I, s:I}", "number", inv.number, "total",
			   (json_int_t)inv.total, "credit",
			   (json_int_t)inv.paid);
	err = audit_write(txn, st, now, actor ? actor : "?", "invoice_void",
			  inv.sub, reason, detail);
	json_decref(detail);
	return err;
}
