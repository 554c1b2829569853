// SPDX-License-Identifier: GPL-2.0
/* charge.c - one-time charges and discounts: stored per subscriber, consumed by the invoice run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/charge.h"
#include "billing/sub.h"
#include "billing/tblscan.h"
#include "lib/text.h"

#define CHARGE_MAX_PER_INV 8	/* charge or discount lines one invoice takes */

static size_t charge_key(uint8_t *key, const char *sub, uint64_t id)
{
	size_t n = strlen(sub);

	memcpy(key, sub, n);
	key[n] = '\0';
	be64_put(key + n + 1, id);
	return n + 9;
}

static int charge_put(MDB_txn *txn, struct store *st, const char *sub,
		      const struct charge_rec *c)
{
	uint8_t key[SUB_ID_MAX + 9];

	return store_put(txn, st, DB_CHARGES, key, charge_key(key, sub, c->id),
			 c, sizeof(*c), 0);
}

int charge_add(MDB_txn *txn, struct store *st, const char *sub,
	       struct charge_rec *c)
{
	struct sub_rec r;
	uint64_t id;
	int err;

	if (sub_id_check(sub) || !c->desc[0] ||
	    text_check(c->desc, strlen(c->desc), NULL))
		return -EINVAL;
	switch (c->kind) {
	case CHARGE_ONCE:
	case DISCOUNT_FIXED:
		if (c->amount <= 0 || !money_in_range(c->amount) || c->bp)
			return -EINVAL;
		break;
	case DISCOUNT_PERCENT:
		if (c->amount || c->bp < 1 || c->bp > 10000)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (c->kind != CHARGE_ONCE && (!c->until || c->until < c->from))
		return -EINVAL;
	err = sub_get(txn, st, sub, &r);
	if (err)
		return err;
	err = store_meta_bump(txn, st, "charge_next", &id);
	if (err)
		return err;
	c->version = CHARGE_REC_VERSION;
	c->id = id;
	c->status = CHARGE_PENDING;
	c->invoice[0] = '\0';
	return charge_put(txn, st, sub, c);
}

struct charge_each {
	int (*cb)(const char *sub, const struct charge_rec *c, void *ctx);
	void *ctx;
};

static int charge_each_cb(const MDB_val *k, const MDB_val *v, void *ctx)
{
	struct charge_each *ce = ctx;
	char sub[SUB_ID_MAX + 1];
	struct charge_rec c;
	size_t n;

	if (k->mv_size < 10 || k->mv_size - 9 > SUB_ID_MAX)
		return -EIO;
	n = k->mv_size - 9;
	memcpy(sub, k->mv_data, n);
	sub[n] = '\0';
	memset(&c, 0, sizeof(c));
	memcpy(&c, v->mv_data, v->mv_size < sizeof(c) ? v->mv_size : sizeof(c));
	if (c.version != CHARGE_REC_VERSION)
		return -EIO;
	c.desc[CHARGE_DESC_MAX] = '\0';
	c.invoice[INV_NUM_MAX - 1] = '\0';
	return ce->cb(sub, &c, ce->ctx);
}

int charge_foreach(MDB_txn *txn, struct store *st, const char *sub,
		   int (*cb)(const char *sub, const struct charge_rec *c,
			     void *ctx), void *ctx)
{
	struct charge_each ce = { cb, ctx };
	uint8_t key[SUB_ID_MAX + 1];
	size_t n = sub ? strlen(sub) : 0;

	if (n > SUB_ID_MAX)
		return -EINVAL;
	if (sub) {
		memcpy(key, sub, n);
		key[n] = '\0';
		n++;
	}
	return tbl_scan(txn, st, DB_CHARGES, key, n, charge_each_cb, &ce);
}

int charge_void(MDB_txn *txn, struct store *st, const char *sub,
		uint64_t id)
{
	uint8_t key[SUB_ID_MAX + 9];
	struct charge_rec c;
	MDB_val v;
	int err;

	if (sub_id_check(sub))
		return -ENOENT;
	err = store_get(txn, st, DB_CHARGES, key, charge_key(key, sub, id), &v);
	if (err)
		return err;
	memset(&c, 0, sizeof(c));
	memcpy(&c, v.mv_data, v.mv_size < sizeof(c) ? v.mv_size : sizeof(c));
	if (c.status != CHARGE_PENDING)
		return -EALREADY;
	c.status = CHARGE_VOID;
	return charge_put(txn, st, sub, &c);
}

struct lines_ctx {
	MDB_txn *txn;
	struct store *st;
	struct inv_rec *inv;
	int32_t pfrom, pto;
	int pass;		/* 0: charges, 1: discounts */
	rp_t base;		/* what discounts are taken from */
	int n;
};

static void line_desc(struct inv_line *l, const char *what, const char *desc)
{
	char b[2 * sizeof(l->desc)];

	snprintf(b, sizeof(b), "%s%s", what, desc);
	text_copy(l->desc, sizeof(l->desc), b);
}

static int lines_cb(const char *sub, const struct charge_rec *c, void *ctx)
{
	struct lines_ctx *lc = ctx;
	struct charge_rec u = *c;
	struct inv_line *l;
	rp_t d;
	int err = 0;

	if (c->status != CHARGE_PENDING ||
	    (lc->pass == 0) != (c->kind == CHARGE_ONCE))
		return 0;
	if (c->kind != CHARGE_ONCE &&
	    (c->from >= lc->pto || c->until < lc->pfrom))
		return 0;	/* the discount does not cover this period */
	if (lc->n >= CHARGE_MAX_PER_INV || lc->inv->nlines >= INV_LINES_MAX)
		return -E2BIG;
	l = &lc->inv->lines[lc->inv->nlines];
	memset(l, 0, sizeof(*l));
	if (c->kind == CHARGE_ONCE) {
		l->kind = LINE_CHARGE;
		line_desc(l, "", c->desc);
		l->qty = 1;
		l->unit_price = c->amount;
		l->amount = c->amount;
		u.status = CHARGE_BILLED;	/* this txn: exactly once */
		err = charge_put(lc->txn, lc->st, sub, &u);
	} else {
		if (c->kind == DISCOUNT_PERCENT)
			d = money_muldiv_round(lc->base, c->bp, 10000, &err);
		else
			d = c->amount < lc->base ? c->amount : lc->base;
		if (err)
			return err;
		if (d > lc->base)
			d = lc->base;
		if (!d)
			return 0;
		l->kind = LINE_DISCOUNT;
		line_desc(l, "Diskon ", c->desc);
		if (c->kind == DISCOUNT_PERCENT) {
			char pc[48];

			snprintf(pc, sizeof(pc), " (%lld%%)",
				 (long long)c->bp / 100);
			if (c->bp % 100)
				snprintf(pc, sizeof(pc), " (%lld,%02lld%%)",
					 (long long)c->bp / 100,
					 (long long)c->bp % 100);
			if (strlen(l->desc) + strlen(pc) < sizeof(l->desc))
				strcat(l->desc, pc);
		}
		l->qty = 1;
		l->unit_price = -d;
		l->amount = -d;
		lc->base -= d;
	}
	if (err)
		return err;
	lc->inv->nlines++;
	lc->n++;
	return 0;
}

int charge_lines(MDB_txn *txn, struct store *st, const char *sub,
		 struct inv_rec *inv, int32_t pfrom, int32_t pto)
{
	struct lines_ctx lc = { txn, st, inv, pfrom, pto, 0, 0, 0 };
	int i, err;

	err = charge_foreach(txn, st, sub, lines_cb, &lc);
	if (err)
		return err;
	for (i = 0; i < inv->nlines; i++) {
		if (inv->lines[i].kind == LINE_LATE)
			continue;
		if (money_add(&lc.base, inv->lines[i].amount))
			return -ERANGE;
	}
	if (lc.base <= 0)
		return 0;
	lc.pass = 1;
	return charge_foreach(txn, st, sub, lines_cb, &lc);
}

struct billed_ctx {
	MDB_txn *txn;
	struct store *st;
	const struct inv_rec *inv;
};

static int billed_cb(const char *sub, const struct charge_rec *c, void *ctx)
{
	struct billed_ctx *bc = ctx;
	struct charge_rec u = *c;

	if (c->kind == CHARGE_ONCE ?
	    c->status != CHARGE_BILLED || c->invoice[0] :
	    c->status != CHARGE_PENDING || c->from >= bc->inv->period_to ||
	    c->until < bc->inv->period_from)
		return 0;
	snprintf(u.invoice, sizeof(u.invoice), "%s", bc->inv->number);
	return charge_put(bc->txn, bc->st, sub, &u);
}

int charge_billed(MDB_txn *txn, struct store *st, const char *sub,
		  const struct inv_rec *inv)
{
	struct billed_ctx bc = { txn, st, inv };

	return charge_foreach(txn, st, sub, billed_cb, &bc);
}

const char *charge_kind_str(int kind)
{
	return kind == CHARGE_ONCE ? "charge" :
	       kind == DISCOUNT_FIXED ? "discount" :
	       kind == DISCOUNT_PERCENT ? "discount_percent" : "?";
}

const char *charge_status_str(int status)
{
	return status == CHARGE_PENDING ? "pending" :
	       status == CHARGE_BILLED ? "billed" :
	       status == CHARGE_VOID ? "void" : "?";
}
