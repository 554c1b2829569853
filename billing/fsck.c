// SPDX-License-Identifier: GPL-2.0
/* fsck.c - check the billing ledger's invariants (invoices, payments, numbers). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "billing/fsck.h"
#include "billing/prepaid.h"
#include "billing/tblscan.h"
#include "billing/invoice.h"
#include "billing/pay.h"
#include "billing/rate.h"
#include "billing/sub.h"
#include "billing/usage.h"

struct fsck_ctx {
	MDB_txn *txn;
	struct store *st;
	FILE *out;
	struct fsck_report *r;
	char base[INV_NUM_MAX];	/* current number group */
	uint64_t seq;		/* highest number seen in the group */
	uint64_t count;		/* numbers seen in the group */
};

static void fsck_bad(struct fsck_ctx *fc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fsck_bad(struct fsck_ctx *fc, const char *fmt, ...)
{
	va_list ap;

	fc->r->violations++;
	if (!fc->out)
		return;
	va_start(ap, fmt);
	fputs("fsck: ", fc->out);
	vfprintf(fc->out, fmt, ap);
	fputc('\n', fc->out);
	va_end(ap);
}

/* A checked sum: a total that does not fit is a violation, never UB. */
static void fsck_add(struct fsck_ctx *fc, rp_t *acc, rp_t v, const char *what)
{
	if (money_add(acc, v))
		fsck_bad(fc, "%s: the sum does not fit in int64", what);
}

/* Close a number group: the counter must equal the last number. */
static int fsck_group_end(struct fsck_ctx *fc)
{
	char key[INV_NUM_MAX + 16];
	uint64_t counter;
	int err;

	if (!fc->base[0])
		return 0;
	snprintf(key, sizeof(key), "inv_seq:%s", fc->base);
	err = store_meta_get_u64(fc->txn, fc->st, key, &counter);
	if (err)
		return err;
	if (fc->count != fc->seq)
		fsck_bad(fc, "%s: %" PRIu64 " invoices but numbers go up to %06"
			 PRIu64 " (%" PRIu64 " missing)", fc->base, fc->count,
			 fc->seq, fc->seq - fc->count);
	if (counter != fc->seq)
		fsck_bad(fc, "%s: counter at %" PRIu64 " but last number is %06"
			 PRIu64 " (gap at the end)", fc->base, counter, fc->seq);
	return 0;
}

static int fsck_inv_cb(const struct inv_rec *inv, void *ctx)
{
	struct fsck_ctx *fc = ctx;
	size_t len = strlen(inv->number);
	char base[INV_NUM_MAX];
	rp_t sum = 0;
	uint64_t seq = 0;
	const char *slash;
	size_t digits;
	int i, err, want;
	rp_t tot;

	fc->r->invoices++;
	for (i = 0; i < inv->nlines; i++)
		fsck_add(fc, &sum, inv->lines[i].amount, inv->number);
	tot = inv->subtotal;
	if (money_add(&tot, inv->tax) || tot != inv->total)
		fsck_bad(fc, "%s: subtotal %" PRId64 " + tax %" PRId64
			 " != total %" PRId64, inv->number, inv->subtotal,
			 inv->tax, inv->total);
	if (inv->tax_mode == TAX_INCLUSIVE ? sum != inv->total :
					     sum != inv->subtotal)
		fsck_bad(fc, "%s: lines sum to %" PRId64 ", invoice says %"
			 PRId64, inv->number, sum,
			 inv->tax_mode == TAX_INCLUSIVE ? inv->total :
							  inv->subtotal);
	if (inv->paid < 0 || inv->paid > inv->total)
		fsck_bad(fc, "%s: paid %" PRId64 " outside 0..%" PRId64,
			 inv->number, inv->paid, inv->total);
	if (inv->status != INV_VOID) {
		struct inv_rec tmp;

		memcpy(&tmp, inv, inv_rec_size(0));
		want = tmp.status;
		invoice_settle_status(&tmp);
		if (tmp.status != want)
			fsck_bad(fc, "%s: status %s but paid %" PRId64 " of %"
				 PRId64, inv->number, invoice_status_str(want),
				 inv->paid, inv->total);
		fsck_add(fc, &fc->r->allocated, inv->paid, "allocated");
	}

	/* numbers: "<base>" + at least six digits, no extra leading zero */
	slash = strrchr(inv->number, '/');
	digits = slash ? len - (slash + 1 - inv->number) : 0;
	if (digits < 6 || digits > 8 ||
	    (digits > 6 && slash[1] == '0')) {
		fsck_bad(fc, "%s: malformed number", inv->number);
		return 0;
	}
	for (i = len - digits; i < (int)len; i++) {
		if (inv->number[i] < '0' || inv->number[i] > '9') {
			fsck_bad(fc, "%s: malformed number", inv->number);
			return 0;
		}
		seq = seq * 10 + (inv->number[i] - '0');
	}
	memcpy(base, inv->number, len - digits);
	base[len - digits] = '\0';
	if (strcmp(base, fc->base)) {
		err = fsck_group_end(fc);
		if (err)
			return err;
		snprintf(fc->base, sizeof(fc->base), "%s", base);
		fc->seq = 0;
		fc->count = 0;
	}
	if (!seq)
		fsck_bad(fc, "%s: number 0", inv->number);
	/* numbers are distinct keys >= 1: gap-free iff count == max */
	fc->count++;
	if (seq > fc->seq)
		fc->seq = seq;
	return 0;
}

/* A reversal names what it reverses: "<ref>~rN". The payment must exist,
 * be no reversal, belong to the same subscriber, and not be reversed
 * beyond its amount (checked once, at ~r1). */
static int fsck_reversal(struct fsck_ctx *fc, const struct pay_rec *p)
{
	char orig[PAY_REF_MAX + 1];
	const char *sep = strstr(p->ref, PAY_REVERSAL_SEP), *q;
	struct pay_rec o;
	rp_t sum;
	int n, err;

	for (q = sep; q && (q = strstr(q + 1, PAY_REVERSAL_SEP));)
		sep = q;	/* the last one */
	if (!sep || sep == p->ref) {
		fsck_bad(fc, "reversal %s: does not name a payment", p->ref);
		return 0;
	}
	snprintf(orig, sizeof(orig), "%.*s", (int)(sep - p->ref), p->ref);
	err = pay_get(fc->txn, fc->st, orig, &o);
	if (err == -ENOENT) {
		fsck_bad(fc, "reversal %s: payment %s does not exist", p->ref,
			 orig);
		return 0;
	}
	if (err)
		return err;
	if (o.kind == PAY_KIND_REVERSAL || strcmp(o.sub, p->sub)) {
		fsck_bad(fc, "reversal %s: %s is not a payment of %s", p->ref,
			 orig, p->sub);
		return 0;
	}
	if (strcmp(sep + strlen(PAY_REVERSAL_SEP), "1"))
		return 0;
	err = pay_reversed(fc->txn, fc->st, orig, &sum, &n);
	if (err == -EIO) {
		fsck_bad(fc, "payment %s: a malformed reversal", orig);
		return 0;
	}
	if (err)
		return err;
	if (sum > o.amount)
		fsck_bad(fc, "payment %s: %" PRId64 " reversed of %" PRId64,
			 orig, sum, o.amount);
	return 0;
}

static int fsck_pay_cb(const struct pay_rec *p, void *ctx)
{
	struct fsck_ctx *fc = ctx;
	rp_t sum = p->to_balance;
	bool rev = p->kind == PAY_KIND_REVERSAL, sign_ok;
	int i;

	fc->r->payments++;
	fsck_add(fc, &fc->r->paid_in, p->amount, "payments");
	/* money in is positive everywhere; a reversal negative everywhere */
	sign_ok = rev ? p->amount < 0 && p->to_balance <= 0 :
			p->amount > 0 && p->to_balance >= 0;
	for (i = 0; i < p->nalloc && i < PAY_ALLOC_MAX; i++) {
		fsck_add(fc, &sum, p->alloc[i].amount, p->ref);
		if (rev ? p->alloc[i].amount > 0 : p->alloc[i].amount < 0)
			sign_ok = false;
	}
	if (p->kind >= PAY_KIND__MAX)
		fsck_bad(fc, "payment %s: unknown kind %u", p->ref, p->kind);
	else if (sum != p->amount || !sign_ok)
		fsck_bad(fc, "%s %s: amount %" PRId64
			 " but allocated + balance = %" PRId64, pay_kind_str(p->kind),
			 p->ref, p->amount, sum);
	if (rev)
		return fsck_reversal(fc, p);
	return 0;
}

static int fsck_sub_cb(const struct sub_rec *s, void *ctx)
{
	struct fsck_ctx *fc = ctx;

	fc->r->subs++;
	fsck_add(fc, &fc->r->balances, s->balance, "balances");
	if (s->balance < 0)
		fsck_bad(fc, "subscriber %s: negative balance", s->id);
	return 0;
}

static int fsck_periods(struct fsck_ctx *fc)
{
	MDB_cursor *cur;
	MDB_val k, v, x;
	char num[INV_NUM_MAX];
	int rc, err = 0;

	rc = store_cursor_open(fc->txn, fc->st, DB_INV_PERIOD, &cur);
	if (rc)
		return store_err(rc, "cursor");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (!v.mv_size || v.mv_size > INV_NUM_MAX) {
			fsck_bad(fc, "invoice period index: malformed entry");
			continue;
		}
		memcpy(num, v.mv_data, v.mv_size);
		num[v.mv_size - 1] = '\0';
		err = store_get(fc->txn, fc->st, DB_INVOICES, num, strlen(num),
				&x);
		if (err == -ENOENT) {
			fsck_bad(fc, "invoice period index names missing %s",
				 num);
			err = 0;
		} else if (err) {
			break;
		}
	}
	if (rc && rc != -ENOENT)
		err = store_err(rc, "cursor");
	mdb_cursor_close(cur);
	return err;
}

/* A counter whose last number is missing: a whole month lost. */
static int fsck_counters(struct fsck_ctx *fc)
{
	static const char pfx[] = "inv_seq:";
	char key[INV_NUM_MAX + 16], num[INV_NUM_MAX + 64];
	MDB_cursor *cur;
	MDB_val k = { sizeof(pfx) - 1, (void *)pfx }, v, x;
	uint64_t n;
	int rc, err = 0;

	rc = store_cursor_open(fc->txn, fc->st, DB_META, &cur);
	if (rc)
		return store_err(rc, "cursor");
	for (rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < sizeof(pfx) - 1 ||
		    memcmp(k.mv_data, pfx, sizeof(pfx) - 1) ||
		    k.mv_size >= sizeof(key))
			break;
		memcpy(key, k.mv_data, k.mv_size);
		key[k.mv_size] = '\0';
		err = store_meta_get_u64(fc->txn, fc->st, key, &n);
		if (err)
			break;
		if (!n)
			continue;
		snprintf(num, sizeof(num), "%s%06" PRIu64,
			 key + sizeof(pfx) - 1, n);
		err = store_get(fc->txn, fc->st, DB_INVOICES, num, strlen(num),
				&x);
		if (err == -ENOENT) {
			fsck_bad(fc, "%s: counter at %" PRIu64
				 " but %s is missing", key + sizeof(pfx) - 1,
				 n, num);
			err = 0;
		} else if (err) {
			break;
		}
	}
	if (rc && rc != -ENOENT)
		err = store_err(rc, "cursor");
	mdb_cursor_close(cur);
	return err;
}

static int fsck_total_cb(uint32_t uid, const struct usage_val *hours,
			 const struct usage_val *total, void *ctx)
{
	struct fsck_ctx *fc = ctx;

	fc->r->usage_totals++;
	if (!memcmp(hours, total, sizeof(*hours)))
		return 0;
	fsck_bad(fc, "usage total of uid %" PRIu32 " (up %" PRIu64 " down %"
		 PRIu64 " bytes) != the sum of its hours (up %" PRIu64
		 " down %" PRIu64 ")", uid, total->up_bytes,
		 total->down_bytes, hours->up_bytes, hours->down_bytes);
	return 0;
}

/* Running totals (once built) = the sum of each uid's hour buckets. */
static int fsck_totals(struct fsck_ctx *fc)
{
	uint64_t built = 0;
	int err;

	err = store_meta_get_u64(fc->txn, fc->st, USAGE_TOTALS_META, &built);
	if (err || !built)
		return err;
	return usage_totals_check(fc->txn, fc->st, fsck_total_cb, fc);
}

/* Prepaid orders (billing/prepaid.h): each names an unpaid receipt; a
 * paid one still there would be a purchase never granted. */
static int fsck_order_cb(const MDB_val *k, const MDB_val *v, void *ctx)
{
	static __thread struct inv_rec inv;
	struct fsck_ctx *fc = ctx;
	char num[INV_NUM_MAX];
	size_t n = k->mv_size - 6;	/* "order/" */
	int err;

	if (n < 1 || n >= sizeof(num)) {
		fsck_bad(fc, "prepaid order: malformed key");
		return 0;
	}
	memcpy(num, (const char *)k->mv_data + 6, n);
	num[n] = '\0';
	err = invoice_get(fc->txn, fc->st, num, &inv);
	if (err == -ENOENT || (!err && !prepaid_is_receipt(&inv)))
		fsck_bad(fc, "prepaid order %s: no such receipt", num);
	else if (!err && inv.status == INV_PAID)
		fsck_bad(fc, "prepaid order %s: paid but never granted", num);
	return err == -ENOENT ? 0 : err;
}

int fsck_run(MDB_txn *txn, struct store *st, FILE *out,
	     struct fsck_report *r)
{
	struct fsck_ctx fc = { .txn = txn, .st = st, .out = out, .r = r };
	rp_t sum;
	int err;

	memset(r, 0, sizeof(*r));
	err = invoice_foreach(txn, st, fsck_inv_cb, &fc);
	if (!err)
		err = fsck_group_end(&fc);
	if (!err)
		err = pay_foreach(txn, st, NULL, fsck_pay_cb, &fc);
	if (!err)
		err = sub_foreach(txn, st, fsck_sub_cb, &fc);
	if (!err)
		err = fsck_periods(&fc);
	if (!err)
		err = fsck_counters(&fc);
	if (!err)
		err = fsck_totals(&fc);
	if (!err)
		err = tbl_scan(txn, st, DB_META, "order/", 6, fsck_order_cb,
			       &fc);
	if (err)
		return err;
	sum = r->allocated;
	if (money_add(&sum, r->balances) || r->paid_in != sum)
		fsck_bad(&fc, "payments %" PRId64 " != allocated %" PRId64
			 " + balances %" PRId64, r->paid_in, r->allocated,
			 r->balances);
	return 0;
}
