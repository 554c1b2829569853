// SPDX-License-Identifier: GPL-2.0
/* pdp.c - a subscriber's personal data (UU PDP): one export, one erase that keeps the ledger. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "billing/ident.h"
#include "billing/audit.h"
#include "billing/charge.h"
#include "billing/custlink.h"
#include "billing/custpin.h"
#include "billing/export.h"
#include "billing/invoice.h"
#include "billing/outbox.h"
#include "billing/pack.h"
#include "billing/pay.h"
#include "billing/pdp.h"
#include "billing/plan.h"
#include "billing/prepaid.h"
#include "billing/sub.h"
#include "lib/text.h"
#include "lib/ttime.h"
#include "billing/usage.h"

/* --- export ------------------------------------------------------------- */

struct exp_ctx {
	MDB_txn *txn;
	struct store *st;
	const char *id;
	json_t *arr;
	int err;
};

/* Append o (consumed) to a; a NULL o (out of memory) stops the walk. */
static int arr_add(json_t *a, json_t *o)
{
	if (!o || json_array_append_new(a, o))
		return -ENOMEM;
	return 0;
}

static json_t *jdate(int32_t day)
{
	char b[16];

	return day ? json_string(tt_fmt_date(day, b, sizeof(b))) : json_null();
}

static json_t *jtime(int64_t t)
{
	char b[40];

	return t ? json_string(tt_fmt_time_utc(t, b, sizeof(b))) : json_null();
}

/* A raw payload as JSON when it is JSON, else as a string (form bodies). */
static json_t *jraw(const char *p, size_t n)
{
	json_t *j;

	if (!n)
		return json_null();
	j = json_loadb(p, n, JSON_DECODE_ANY, NULL);
	if (!j)
		j = json_stringn(p, n);
	return j ? j : text_json(p, n);	/* not UTF-8: repaired, kept */
}

static json_t *sub_json(const struct sub_rec *r)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "uid", json_integer(r->uid));
	json_object_set_new(o, "status", json_string(sub_status_str(r->status)));
	json_object_set_new(o, "name", TEXT_JSON(r->name));
	json_object_set_new(o, "phone", TEXT_JSON(r->phone));
	json_object_set_new(o, "email", TEXT_JSON(r->email));
	json_object_set_new(o, "address", TEXT_JSON(r->address));
	json_object_set_new(o, "nik", TEXT_JSON(r->nik));
	json_object_set_new(o, "notes", TEXT_JSON(r->notes));
	json_object_set_new(o, "plan", TEXT_JSON(r->plan));
	json_object_set_new(o, "cycle", json_string(
		r->cycle == CYCLE_ANNIVERSARY ? "anniversary" : "calendar"));
	json_object_set_new(o, "cycle_day",
			    json_integer(r->cycle_day ? r->cycle_day : 1));
	json_object_set_new(o, "hold", json_boolean(r->hold));
	json_object_set_new(o, "hold_reason", TEXT_JSON(r->hold_reason));
	json_object_set_new(o, "activated", jdate(r->activated));
	json_object_set_new(o, "terminated", jdate(r->terminated));
	json_object_set_new(o, "created", jtime(r->created));
	json_object_set_new(o, "balance", json_integer(r->balance));
	json_object_set_new(o, "erased", json_boolean(r->erased));
	return o;
}

/* DB_PREFIX_HIST: key = struct prefix + since (i64 BE); a full walk, since
 * the key is by address (export is rare; tens of thousands of rows). */
static int exp_prefix_hist(struct exp_ctx *e, uint32_t uid)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, err = 0;

	rc = store_cursor_open(e->txn, e->st, DB_PREFIX_HIST, &cur);
	if (rc)
		return store_err(rc, "pdp: prefix_hist cursor");
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc && !err;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct prefix_span sp;
		struct prefix p;
		char b[64];

		if (k.mv_size != sizeof(p) + 8 || v.mv_size < sizeof(sp))
			continue;
		memcpy(&sp, v.mv_data, sizeof(sp));
		if (sp.uid != uid)
			continue;
		memcpy(&p, k.mv_data, sizeof(p));
		err = arr_add(e->arr, json_pack(
			"{s:s, s:o, s:o}", "prefix", prefix_fmt(&p, b, sizeof(b)),
			"since", jtime(bei64_get((uint8_t *)k.mv_data +
						 sizeof(p))),
			"until", jtime(sp.until)));
	}
	mdb_cursor_close(cur);
	if (rc && rc != -ENOENT)
		return store_err(rc, "pdp: prefix_hist walk");
	return err;
}

/* DB_SUB_IDENT: the network's names for the subscriber (a MAC, a PPPoE
 * login, option 82 values) can identify a person: exported too. */
static int exp_ident(enum ident_kind k, const char *val, void *ctx)
{
	struct exp_ctx *e = ctx;

	return arr_add(e->arr, json_pack("{s:s, s:o}", "kind",
					 ident_kind_name(k), "value",
					 text_json(val, strlen(val))));
}

/* DB_PLAN_HIST: sub id + '\0' + from day (i32 BE) -> plan name. */
static int exp_plan_hist(struct exp_ctx *e)
{
	size_t n = strlen(e->id) + 1;
	MDB_cursor *cur;
	MDB_val k = { n, (void *)e->id }, v;
	int rc, err = 0;

	rc = store_cursor_open(e->txn, e->st, DB_PLAN_HIST, &cur);
	if (rc)
		return store_err(rc, "pdp: plan_hist cursor");
	for (rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE); !rc && !err;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != n + 4 || memcmp(k.mv_data, e->id, n))
			break;
		err = arr_add(e->arr, json_pack(
			"{s:o, s:s%}", "from",
			jdate(bei32_get((uint8_t *)k.mv_data + n)), "plan",
			(const char *)v.mv_data, strnlen(v.mv_data, v.mv_size)));
	}
	mdb_cursor_close(cur);
	if (rc && rc != -ENOENT)
		return store_err(rc, "pdp: plan_hist walk");
	return err;
}

static int exp_addon(const struct addon_rec *a, void *ctx)
{
	struct exp_ctx *e = ctx;

	return arr_add(e->arr, json_pack("{s:s, s:I, s:o, s:o}", "product",
					 a->product, "price",
					 (json_int_t)a->price, "from",
					 jdate(a->from), "until",
					 jdate(a->until)));
}

/* The invoice as `tagih invoice show --json` has it, plus its period. */
static int exp_invoice(const char *number, void *ctx)
{
	struct exp_ctx *e = ctx;
	struct inv_rec *inv;
	json_t *o = NULL;
	int err;

	inv = malloc(sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	err = invoice_get(e->txn, e->st, number, inv);
	if (!err)
		o = export_inv_json(inv, tt_local_day(tt_now()));
	if (o) {
		json_object_set_new(o, "period_from", jdate(inv->period_from));
		json_object_set_new(o, "period_to", jdate(inv->period_to));
		json_object_set_new(o, "created", jtime(inv->created));
		if (inv->voided)
			json_object_set_new(o, "voided", jtime(inv->voided));
	}
	free(inv);
	if (err)
		return err;
	return arr_add(e->arr, o);
}

static int exp_payment(const struct pay_rec *p, void *ctx)
{
	struct exp_ctx *e = ctx;
	json_t *o, *al;
	MDB_val v;
	int err = 0, i;

	o = json_pack("{s:s, s:o, s:s, s:s, s:I, s:I, s:s}", "ref", p->ref,
		      "time", jtime(p->time), "method",
		      pay_method_str(p->method), "kind", pay_kind_str(p->kind),
		      "amount", (json_int_t)p->amount, "to_balance",
		      (json_int_t)p->to_balance, "actor", p->actor);
	al = json_array();
	if (!o || !al) {
		json_decref(o);
		json_decref(al);
		return -ENOMEM;
	}
	for (i = 0; i < p->nalloc && i < PAY_ALLOC_MAX && !err; i++)
		err = arr_add(al, json_pack("{s:s, s:I}", "invoice",
					    p->alloc[i].number, "amount",
					    (json_int_t)p->alloc[i].amount));
	json_object_set_new(o, "allocations", al);
	/* the gateway's payload may carry the payer's name, e-mail, phone */
	if (!err && p->raw_len &&
	    !store_get(e->txn, e->st, DB_PAYMENTS, p->ref, strlen(p->ref), &v) &&
	    v.mv_size == sizeof(*p) + p->raw_len)
		json_object_set_new(o, "raw", jraw((const char *)v.mv_data +
							   sizeof(*p),
						   p->raw_len));
	if (err) {
		json_decref(o);
		return err;
	}
	return arr_add(e->arr, o);
}

static int exp_audit(int64_t t, uint32_t seq, json_t *a, void *ctx)
{
	struct exp_ctx *e = ctx;

	return arr_add(e->arr, json_deep_copy(a));
}

static int exp_outbox(const struct outbox_rec *r, void *ctx)
{
	struct exp_ctx *e = ctx;

	if (strcmp(r->sub, e->id))
		return 0;
	return arr_add(e->arr, json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:I, s:s}", "id",
		(json_int_t)r->id, "event", outbox_event_str(r->event),
		"channel", outbox_channel_str(r->channel), "status",
		outbox_status_str(r->status), "ref", r->ref, "amount",
		(json_int_t)r->amount, "created", jtime(r->created), "sent",
		jtime(r->sent), "attempts", (json_int_t)r->attempts,
		"last_error", r->last_error));
}

static int exp_usage(int64_t start, const struct usage_val *u, void *ctx)
{
	struct exp_ctx *e = ctx;

	return arr_add(e->arr, json_pack(
		"{s:o, s:I, s:I, s:I, s:I}", "day",
		jdate(tt_local_day(start)), "up_bytes",
		(json_int_t)u->up_bytes, "down_bytes",
		(json_int_t)u->down_bytes, "up_pkts", (json_int_t)u->up_pkts,
		"down_pkts", (json_int_t)u->down_pkts));
}

/* Masa aktif and quota (billing/prepaid.h, pack.h): "prepaid" or null. */
static int exp_prepaid(struct exp_ctx *e, json_t *doc, const struct sub_rec *r)
{
	struct prepaid_rec pr;
	struct quota_rec q;
	json_t *o;
	int err = prepaid_get(e->txn, e->st, r->id, &pr), qe;

	if (err)
		return err;
	qe = quota_get(e->txn, e->st, r->uid, &q);
	if (qe && qe != -ENOENT)
		return qe;
	if (!pr.expires && qe)
		return json_object_set_new(doc, "prepaid", json_null()) ?
			       -ENOMEM : 0;
	o = json_pack("{s:o, s:i}", "expires",
		      pr.expires ? jtime(pr.expires) : json_null(),
		      "purchases", (int)pr.purchases);
	if (o && !qe)
		json_object_set_new(o, "quota", json_pack(
			"{s:I, s:I, s:o}", "left_bytes", (json_int_t)q.left,
			"used_bytes", (json_int_t)q.used, "expires",
			q.expires ? jtime(q.expires) : json_null()));
	if (!o || json_object_set_new(doc, "prepaid", o))
		return -ENOMEM;
	return 0;
}

static int exp_charge(const char *sub, const struct charge_rec *c, void *ctx)
{
	struct exp_ctx *e = ctx;

	return arr_add(e->arr, json_pack(
		"{s:I, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:s}", "id",
		(json_int_t)c->id, "kind", charge_kind_str(c->kind), "status",
		charge_status_str(c->status), "description",
		TEXT_JSON(c->desc), "amount", (json_int_t)c->amount,
		"percent_bp", (json_int_t)c->bp, "from", jdate(c->from),
		"until", jdate(c->until), "invoice", c->invoice));
}

/* A new array under name in doc; e->arr points at it. */
static int exp_section(json_t *doc, const char *name, struct exp_ctx *e)
{
	e->arr = json_array();
	if (!e->arr || json_object_set_new(doc, name, e->arr))
		return -ENOMEM;
	return 0;
}

int pdp_export(MDB_txn *txn, struct store *st, const char *id, int64_t now,
	       json_t **out)
{
	struct prefix pfx[SUB_MAX_PREFIXES * 4];
	struct exp_ctx e = { txn, st, id, NULL, 0 };
	struct sub_rec r;
	json_t *doc, *acc;
	char b[64];
	int err, n, i, pin;

	*out = NULL;
	err = sub_get(txn, st, id, &r);
	if (err)
		return err;
	pin = custpin_is_set(txn, st, r.id);
	if (pin < 0)
		return pin;
	n = sub_prefixes(txn, st, r.uid, pfx,
			 (int)(sizeof(pfx) / sizeof(pfx[0])));
	if (n < 0)
		return n;
	e.id = r.id;
	doc = json_pack("{s:s, s:o, s:s}", "format", PDP_EXPORT_FORMAT,
			"exported", jtime(now), "zone", tt_zone_name());
	acc = json_pack("{s:b, s:b}", "pin_set", pin, "link_set",
			r.link_token[0] != '\0');
	if (!doc || !acc || json_object_set_new(doc, "subscriber",
						sub_json(&r))) {
		json_decref(doc);
		json_decref(acc);
		return -ENOMEM;
	}
	json_object_set_new(doc, "customer_page", acc);

	err = exp_section(doc, "prefixes", &e);
	for (i = 0; i < n && !err; i++)
		err = arr_add(e.arr, json_string(prefix_fmt(&pfx[i], b,
							     sizeof(b))));
	if (!err)
		err = exp_section(doc, "prefix_history", &e);
	if (!err)
		err = exp_prefix_hist(&e, r.uid);
	if (!err)
		err = exp_section(doc, "identifiers", &e);
	if (!err)
		err = ident_foreach(txn, st, r.id, exp_ident, &e);
	if (!err)
		err = exp_section(doc, "plan_history", &e);
	if (!err)
		err = exp_plan_hist(&e);
	if (!err)
		err = exp_section(doc, "addons", &e);
	if (!err)
		err = addon_foreach(txn, st, r.id, exp_addon, &e);
	if (!err)
		err = exp_section(doc, "invoices", &e);
	if (!err)
		err = invoice_foreach_sub(txn, st, r.id, exp_invoice, &e);
	if (!err)
		err = exp_section(doc, "payments", &e);
	if (!err)
		err = pay_foreach(txn, st, r.id, exp_payment, &e);
	if (!err)
		err = exp_section(doc, "audit", &e);
	if (!err)
		err = audit_foreach(txn, st, r.id, exp_audit, &e);
	if (!err)
		err = exp_section(doc, "notifications", &e);
	if (!err)
		err = outbox_foreach(txn, st, exp_outbox, &e);
	if (!err)
		err = exp_section(doc, "usage_days", &e);
	if (!err)
		err = usage_foreach_bucket(txn, st, r.uid, 0,
					   now + 2 * 86400, USAGE_STEP_DAY,
					   exp_usage, &e);
	if (!err)
		err = exp_prepaid(&e, doc, &r);
	if (!err)
		err = exp_section(doc, "charges", &e);
	if (!err)
		err = charge_foreach(txn, st, r.id, exp_charge, &e);
	if (err) {
		json_decref(doc);
		return err < 0 ? err : -EIO;
	}
	*out = doc;
	return 0;
}

/* --- erase -------------------------------------------------------------- */

struct obx_ids {
	const char *id;
	uint64_t *v;
	size_t n, cap;
};

static int obx_collect(const struct outbox_rec *r, void *ctx)
{
	struct obx_ids *l = ctx;

	if (strcmp(r->sub, l->id))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		uint64_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = r->id;
	return 0;
}

/* Unsent records go; the rest lose their error text (a peer may have
 * echoed the address). A record being sent right now is left alone. */
static int erase_outbox(MDB_txn *txn, struct store *st, const char *id,
			unsigned *deleted)
{
	struct obx_ids l = { id, NULL, 0, 0 };
	struct outbox_rec r;
	size_t i;
	int err;

	err = outbox_foreach(txn, st, obx_collect, &l);
	for (i = 0; i < l.n && !err; i++) {
		err = outbox_get(txn, st, l.v[i], &r);
		if (err)
			break;
		if (r.status == OBX_PENDING || r.status == OBX_FAILED) {
			err = outbox_del(txn, st, r.id);
			if (!err)
				(*deleted)++;
		} else if (r.status == OBX_SENT && r.last_error[0]) {
			memset(r.last_error, 0, sizeof(r.last_error));
			err = outbox_put(txn, st, &r);
		}
	}
	free(l.v);
	return err;
}

static int count_cb_inv(const char *number, void *ctx)
{
	(*(unsigned *)ctx)++;
	return 0;
}

static int count_cb_pay(const struct pay_rec *p, void *ctx)
{
	(*(unsigned *)ctx)++;
	return 0;
}

int pdp_erase_plan(MDB_txn *txn, struct store *st, const char *id,
		   struct pdp_erase_res *res)
{
	struct sub_rec r;
	int err;

	memset(res, 0, sizeof(*res));
	err = sub_get(txn, st, id, &r);
	if (err)
		return err;
	err = custpin_is_set(txn, st, r.id);
	if (err < 0)
		return err;
	res->pin = err;
	res->link = r.link_token[0] != '\0';
	err = invoice_foreach_sub(txn, st, r.id, count_cb_inv, &res->invoices);
	if (!err)
		err = pay_foreach(txn, st, r.id, count_cb_pay, &res->payments);
	return err;
}

/* Zero the whole field, not just its first byte: the record is stored
 * as-is, and a leftover tail would still be the old value. */
#define BLANK(f) memset((f), 0, sizeof(f))

int pdp_erase(MDB_txn *txn, struct store *st, const char *id, int64_t now,
	      const char *actor, struct pdp_erase_res *res)
{
	struct sub_rec r;
	json_t *detail;
	int err;

	err = pdp_erase_plan(txn, st, id, res);
	if (err)
		return err;
	if (res->pin) {
		err = custpin_clear(txn, st, id, now, actor);
		if (err)
			return err;
	}
	if (res->link) {
		err = custlink_revoke(txn, st, id, now, actor);
		if (err)
			return err;
	}
	err = erase_outbox(txn, st, id, &res->outbox_del);
	if (err)
		return err;

	err = sub_get(txn, st, id, &r);	/* after revoke rewrote it */
	if (err)
		return err;
	BLANK(r.name);
	snprintf(r.name, sizeof(r.name), "%s", PDP_ERASED_NAME);
	BLANK(r.phone);
	BLANK(r.email);
	BLANK(r.address);
	BLANK(r.nik);
	BLANK(r.notes);
	BLANK(r.hold_reason);
	BLANK(r.link_token);
	r.erased = 1;
	err = sub_put(txn, st, &r);
	if (err)
		return err;

	detail = json_pack("{s:b, s:b, s:i, s:i, s:i}", "pin", res->pin,
			   "link", res->link, "notifications_deleted",
			   (int)res->outbox_del, "invoices_kept",
			   (int)res->invoices, "payments_kept",
			   (int)res->payments);
	if (!detail)
		return -ENOMEM;
	err = audit_write(txn, st, now, actor, "erase", r.id,
			  "personal data erased (UU PDP)", detail);
	json_decref(detail);
	return err;
}
