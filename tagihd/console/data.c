// SPDX-License-Identifier: GPL-2.0
/* data.c - the console's reads and its one money write (a payment), shared by the API and the pages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/prefix.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "tagihd/console/data.h"

static bool has_ci(const char *hay, size_t max, const char *q)
{
	char h[256];

	snprintf(h, sizeof(h), "%.*s", (int)strnlen(hay, max), hay);
	return strcasestr(h, q) != NULL;
}

bool data_sub_match(MDB_txn *txn, struct store *st, const struct sub_rec *r,
		    const char *q)
{
	struct prefix want, have[SUB_MAX_PREFIXES];
	const char *why;
	int n, i;

	if (!q || !*q)
		return true;
	if (has_ci(r->id, sizeof(r->id), q) ||
	    has_ci(r->name, sizeof(r->name), q) ||
	    has_ci(r->phone, sizeof(r->phone), q) ||
	    has_ci(r->address, sizeof(r->address), q))
		return true;
	/* an address: the prefix that holds it, or part of one's text */
	n = sub_prefixes(txn, st, r->uid, have, SUB_MAX_PREFIXES);
	for (i = 0; i < n; i++) {
		char pb[64];

		if (strstr(prefix_fmt(&have[i], pb, sizeof(pb)), q))
			return true;
		if (!prefix_parse(q, &want, &why) &&
		    (prefix_contains(&have[i], &want) ||
		     prefix_contains(&want, &have[i])))
			return true;
	}
	return false;
}

json_t *data_inv_json(const struct inv_rec *inv, int32_t today)
{
	char is[16], du[16];
	rp_t open = inv->total;

	if (money_sub(&open, inv->paid))
		open = 0;
	if (inv->status == INV_VOID || inv->status == INV_PAID)
		open = 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
			 "number", inv->number, "subscriber", inv->sub,
			 "period", inv->period, "issued",
			 tt_fmt_date(inv->issued, is, sizeof(is)), "due",
			 tt_fmt_date(inv->due, du, sizeof(du)), "status",
			 invoice_status_str(invoice_status(inv, today)),
			 "total", (json_int_t)inv->total, "paid",
			 (json_int_t)inv->paid, "open", (json_int_t)open);
}

json_t *data_pay_json(const struct pay_rec *p, bool dup)
{
	json_t *al = json_array();
	char t[40], u[72];
	int i;

	for (i = 0; i < p->nalloc && i < PAY_ALLOC_MAX; i++)
		json_array_append_new(al, json_pack("{s:s, s:I}", "invoice",
				p->alloc[i].number, "amount",
				(json_int_t)p->alloc[i].amount));
	return json_pack("{s:o, s:s, s:I, s:s, s:o, s:I, s:s, s:o, s:s, s:b}",
			 "ref", text_json(p->ref, sizeof(p->ref)),
			 "subscriber", p->sub, "amount", (json_int_t)p->amount,
			 "method", pay_method_str(p->method), "allocations",
			 al, "to_balance", (json_int_t)p->to_balance, "time",
			 tt_fmt_time_local(p->time, t, sizeof(t)), "by",
			 text_json(books_pay_user(p, u, sizeof(u)), sizeof(u)),
			 "kind", books_pay_kind(p), "duplicate", dup);
}

struct inv_list {
	MDB_txn *txn;
	struct store *st;
	int32_t today;
	json_t *arr;
};

static int sub_inv_cb(const char *number, void *ctx)
{
	static __thread struct inv_rec inv;
	struct inv_list *l = ctx;

	if (invoice_get(l->txn, l->st, number, &inv))
		return 0;
	json_array_append_new(l->arr, data_inv_json(&inv, l->today));
	return 0;
}

static int sub_pay_cb(const struct pay_rec *p, void *ctx)
{
	return json_array_append_new(ctx, data_pay_json(p, false)) ? -ENOMEM : 0;
}

json_t *data_sub_json(struct con_ctx *c, MDB_txn *txn,
		      const struct sub_rec *r, bool detail)
{
	struct prefix px[SUB_MAX_PREFIXES];
	char pb[64];
	json_t *o, *ips;
	rp_t open = 0;
	int n_open = 0, n, i;

	o = json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:s, s:s, s:b}", "id",
		      r->id, "uid", (json_int_t)r->uid, "name",
		      TEXT_JSON(r->name), "phone", TEXT_JSON(r->phone),
		      "address", TEXT_JSON(r->address), "plan",
		      TEXT_JSON(r->plan), "status", sub_status_str(r->status),
		      "cycle", r->cycle == CYCLE_ANNIVERSARY ? "anniversary" :
		      "calendar", "hold", (int)r->hold);
	if (!o)
		return NULL;
	ips = json_array();
	n = sub_prefixes(txn, c->d->st, r->uid, px, SUB_MAX_PREFIXES);
	for (i = 0; i < n; i++)
		json_array_append_new(ips, json_string(prefix_fmt(&px[i], pb,
								  sizeof(pb))));
	json_object_set_new(o, "ips", ips);
	if (con_can(c, PERM_MONEY_VIEW)) {
		pay_outstanding(txn, c->d->st, r->id, &open, &n_open);
		json_object_set_new(o, "balance", json_integer(r->balance));
		json_object_set_new(o, "owes", json_integer(open));
		json_object_set_new(o, "open_invoices", json_integer(n_open));
	}
	if (detail) {
		json_object_set_new(o, "notes", TEXT_JSON(r->notes));
		json_object_set_new(o, "email", TEXT_JSON(r->email));
	}
	if (detail && con_can(c, PERM_MONEY_VIEW)) {
		struct inv_list l = { txn, c->d->st, tt_local_day(tt_now()),
				      json_array() };
		json_t *pays = json_array();

		invoice_foreach_sub(txn, c->d->st, r->id, sub_inv_cb, &l);
		pay_foreach(txn, c->d->st, r->id, sub_pay_cb, pays);
		json_object_set_new(o, "invoices", l.arr);
		json_object_set_new(o, "payments", pays);
	}
	return o;
}

int data_pay(struct con_ctx *c, const char *sub, rp_t amount, int method,
	     const char *ref, struct pay_rec *p, const char **why)
{
	MDB_txn *txn;
	int err;

	*why = NULL;
	if (sub_id_check(sub)) {
		*why = "subscriber: 1..32 of A-Z a-z 0-9 . _ -";
		return 400;
	}
	if (amount <= 0 || amount > RP_AMOUNT_MAX) {
		*why = "amount: whole Rupiah, 1 to 1.000.000.000.000";
		return 400;
	}
	if (method != PAY_CASH && method != PAY_TRANSFER) {
		*why = "method: cash or transfer";
		return 400;
	}
	if (pay_ref_check(ref)) {
		*why = "ref: 1..64 printable characters, no spaces";
		return 400;
	}
	if (store_begin(c->d->st, true, &txn)) {
		*why = "the store is not available";
		return 500;
	}
	err = pay_apply(txn, c->d->st, sub, amount, method, ref, NULL, 0,
			tt_now(), c->actor, p);
	if (err <= 0) {
		store_abort(txn);	/* a duplicate writes nothing either */
		if (err == 0)
			return 0;
		switch (err) {
		case -ENOENT:
			*why = "no such subscriber";
			return 404;
		case -EEXIST:
			*why = "ref is already recorded for another subscriber "
			       "or amount";
			return 409;
		case -EINVAL:
		case -ERANGE:
			*why = "the payment would not fit the ledger "
			       "(int64 Rupiah)";
			return 400;
		default:
			pr_warn("console: payment not recorded: %s",
				strerror(-err));
			*why = "not recorded";
			return 500;
		}
	}
	if (store_commit(txn)) {
		*why = "not recorded";
		return 500;
	}
	return 1;
}

int data_day_arg(struct con_ctx *c, const char *arg, int32_t *day)
{
	(void)c;
	if (!arg) {
		*day = tt_local_day(tt_now());
		return 0;
	}
	return tt_parse_date(arg, day) ? -EINVAL : 0;
}

int data_addr_history(MDB_txn *txn, struct store *st, uint32_t uid, int max,
		      void (*cb)(const struct prefix *p, int64_t since,
				 int64_t until, void *ctx), void *ctx)
{
	const size_t klen = sizeof(struct prefix) + 8;
	struct prefix_span span;
	struct prefix p;
	MDB_cursor *cur;
	MDB_val k, v;
	int err, n = 0;

	err = store_cursor_open(txn, st, DB_PREFIX_HIST, &cur);
	if (err)
		return err;
	for (err = store_cursor_get(cur, &k, &v, MDB_FIRST); !err && n < max;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != klen || v.mv_size < sizeof(span))
			continue;
		memcpy(&span, v.mv_data, sizeof(span));
		if (span.uid != uid)
			continue;
		memcpy(&p, k.mv_data, sizeof(p));
		cb(&p, bei64_get((const uint8_t *)k.mv_data + sizeof(p)),
		   span.until, ctx);
		n++;
	}
	mdb_cursor_close(cur);
	return err == -ENOENT ? 0 : err;
}
