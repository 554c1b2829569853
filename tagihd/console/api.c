// SPDX-License-Identifier: GPL-2.0
/* api.c - the console's JSON API under /api/v1: subscribers, invoices, payments, collections; the CLI's checks, JSON errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ttime.h"
#include "tagihd/console/data.h"

static enum MHD_Result api_403(struct con_ctx *c)
{
	char d[96];

	snprintf(d, sizeof(d), "the %s role may not do this",
		 user_role_str(c->user.role));
	return con_error(c, MHD_HTTP_FORBIDDEN, "forbidden", d);
}

static enum MHD_Result api_400(struct con_ctx *c, const char *detail)
{
	return con_error(c, MHD_HTTP_BAD_REQUEST, "bad request", detail);
}

static bool is_get(const struct con_ctx *c)
{
	return !strcmp(c->method, MHD_HTTP_METHOD_GET) ||
	       !strcmp(c->method, MHD_HTTP_METHOD_HEAD);
}

static enum MHD_Result api_405(struct con_ctx *c, const char *allow)
{
	return con_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed",
			 allow);
}

struct subs_ctx {
	struct con_ctx *c;
	MDB_txn *txn;
	const char *q;
	json_t *arr;
	unsigned n;
};

static int subs_cb(const struct sub_rec *r, void *ctx)
{
	struct subs_ctx *s = ctx;

	if (!data_sub_match(s->txn, s->c->d->st, r, s->q))
		return 0;
	if (++s->n > 1000)	/* a search, not an export */
		return 1;
	return json_array_append_new(s->arr, data_sub_json(s->c, s->txn, r,
							   false)) ? -ENOMEM : 0;
}

static enum MHD_Result api_subs(struct con_ctx *c, const char *rest)
{
	struct subs_ctx s = { c, NULL, con_arg(c, "q"), NULL, 0 };
	struct sub_rec r;
	json_t *o;
	int err;

	if (!is_get(c))
		return api_405(c, "GET");
	if (!con_can(c, PERM_SUB_VIEW))
		return api_403(c);
	if (store_begin(c->d->st, false, &s.txn))
		return con_error(c, 500, "internal", "store");
	if (*rest == '/') {
		err = sub_get(s.txn, c->d->st, rest + 1, &r);
		if (err) {
			store_abort(s.txn);
			return con_error(c, MHD_HTTP_NOT_FOUND, "not found",
					 "no such subscriber");
		}
		o = data_sub_json(c, s.txn, &r, true);
		explicit_bzero(&r, sizeof(r));
		store_abort(s.txn);
		return con_json(c, MHD_HTTP_OK, o);
	}
	if (*rest) {
		store_abort(s.txn);
		return con_error(c, MHD_HTTP_NOT_FOUND, "not found", NULL);
	}
	if (s.q && strlen(s.q) > 96) {
		store_abort(s.txn);
		return api_400(c, "q: at most 96 bytes");
	}
	s.arr = json_array();
	err = sub_foreach(s.txn, c->d->st, subs_cb, &s);
	store_abort(s.txn);
	if (err < 0) {
		json_decref(s.arr);
		return con_error(c, 500, "internal", strerror(-err));
	}
	return con_json(c, MHD_HTTP_OK, s.arr);
}

struct inv_ctx {
	const char *period, *sub;
	int status;
	int32_t today;
	json_t *arr;
};

static int inv_cb(const struct inv_rec *inv, void *ctx)
{
	struct inv_ctx *ic = ctx;

	if (ic->period && strcmp(inv->period, ic->period))
		return 0;
	if (ic->sub && strcmp(inv->sub, ic->sub))
		return 0;
	if (ic->status >= 0 && invoice_status(inv, ic->today) != ic->status)
		return 0;
	return json_array_append_new(ic->arr, data_inv_json(inv, ic->today)) ?
		       -ENOMEM : 0;
}

static enum MHD_Result api_invoices(struct con_ctx *c)
{
	struct inv_ctx ic = { con_arg(c, "period"), con_arg(c, "sub"), -1,
			      tt_local_day(tt_now()), NULL };
	const char *status = con_arg(c, "status");
	MDB_txn *txn;
	int y, m, err;

	if (!is_get(c))
		return api_405(c, "GET");
	if (!con_can(c, PERM_MONEY_VIEW))
		return api_403(c);
	if (ic.period && (strlen(ic.period) != 7 ||
			  tt_parse_period(ic.period, &y, &m)))
		return api_400(c, "period: YYYY-MM");
	if (status && invoice_status_parse(status, &ic.status))
		return api_400(c, "status: issued, partial, paid, overdue or "
				  "void");
	if (ic.sub && sub_id_check(ic.sub))
		return api_400(c, "sub: a subscriber id");
	if (store_begin(c->d->st, false, &txn))
		return con_error(c, 500, "internal", "store");
	ic.arr = json_array();
	err = invoice_foreach(txn, c->d->st, inv_cb, &ic);
	store_abort(txn);
	if (err) {
		json_decref(ic.arr);
		return con_error(c, 500, "internal", strerror(-err));
	}
	return con_json(c, MHD_HTTP_OK, ic.arr);
}

/* ?date= (default today) into f; kasir see their own payments only. */
static int pay_filter_args(struct con_ctx *c, struct pay_filter *f,
			   int32_t *day)
{
	if (data_day_arg(c, con_arg(c, "date"), day))
		return -EINVAL;
	f->from = tt_day_start(*day);
	f->to = tt_day_start(*day + 1);
	if (!con_can(c, PERM_REPORTS))
		f->by = c->user.name;
	else
		f->by = con_arg(c, "by");
	return 0;
}

static enum MHD_Result api_pay_post(struct con_ctx *c)
{
	const char *ct, *why, *sub, *method, *ref;
	json_error_t je;
	json_t *o, *amt;
	struct pay_rec p;
	int m = -1, rc;

	if (!con_can(c, PERM_PAY_RECORD))
		return api_403(c);
	ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_TYPE);
	/* a cookie alone may be a cross-site form: only JSON, which a form
	 * cannot send, is taken with it */
	if (c->by_cookie && (!ct || strncasecmp(ct, "application/json", 16)))
		return con_error(c, MHD_HTTP_FORBIDDEN, "forbidden",
				 "send Content-Type: application/json");
	o = json_loadb(c->body ? c->body : "", c->len, 0, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return api_400(c, "body: a JSON object {\"subscriber\", "
				  "\"amount\", \"method\", \"ref\"}");
	}
	sub = json_string_value(json_object_get(o, "subscriber"));
	method = json_string_value(json_object_get(o, "method"));
	ref = json_string_value(json_object_get(o, "ref"));
	amt = json_object_get(o, "amount");
	if (!sub || !method || !ref || !json_is_integer(amt)) {
		json_decref(o);
		return api_400(c, "subscriber, method and ref are strings, "
				  "amount whole Rupiah (an integer)");
	}
	if (pay_method_parse(method, &m) || m == PAY_GATEWAY) {
		json_decref(o);
		return api_400(c, "method: cash or transfer");
	}
	rc = data_pay(c, sub, json_integer_value(amt), m, ref, &p, &why);
	json_decref(o);
	if (rc == 1 || rc == 0) {
		return con_json(c, rc ? MHD_HTTP_CREATED : MHD_HTTP_OK,
				data_pay_json(&p, rc == 0));
	}
	return con_error(c, rc, rc == 404 ? "not found" :
			 rc == 409 ? "conflict" :
			 rc == 400 ? "bad request" : "internal", why);
}

static enum MHD_Result api_payments(struct con_ctx *c)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct pay_rec *v = NULL;
	MDB_txn *txn;
	int32_t day;
	json_t *arr;
	size_t n, i;
	int err;

	if (c->is_post)
		return api_pay_post(c);
	if (!is_get(c))
		return api_405(c, "GET, POST");
	if (!con_can(c, PERM_MONEY_VIEW))
		return api_403(c);
	if (pay_filter_args(c, &f, &day))
		return api_400(c, "date: YYYY-MM-DD");
	if (store_begin(c->d->st, false, &txn))
		return con_error(c, 500, "internal", "store");
	err = books_pay_list(txn, c->d->st, &f, &v, &n);
	store_abort(txn);
	if (err)
		return con_error(c, 500, "internal", strerror(-err));
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, data_pay_json(&v[i], false));
	free(v);
	return con_json(c, MHD_HTTP_OK, arr);
}

static enum MHD_Result api_collections(struct con_ctx *c)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct books_sum *s;
	MDB_txn *txn;
	int32_t day;
	char d[16];
	int err;

	if (!is_get(c))
		return api_405(c, "GET");
	if (!con_can(c, PERM_MONEY_VIEW))
		return api_403(c);
	if (pay_filter_args(c, &f, &day))
		return api_400(c, "date: YYYY-MM-DD");
	s = calloc(1, sizeof(*s));
	if (!s || store_begin(c->d->st, false, &txn)) {
		free(s);
		return con_error(c, 500, "internal", "store");
	}
	err = books_collections(txn, c->d->st, &f, s);
	store_abort(txn);
	if (err) {
		free(s);
		return con_error(c, 500, "internal", strerror(-err));
	}
	tt_fmt_date(day, d, sizeof(d));
	{
		json_t *o = books_sum_json("date", d, s);

		free(s);
		return con_json(c, MHD_HTTP_OK, o);
	}
}

enum MHD_Result con_api(struct con_ctx *c, const char *path)
{
	if (!strncmp(path, "/subscribers", 12) &&
	    (path[12] == '\0' || path[12] == '/'))
		return api_subs(c, path + 12);
	if (!strcmp(path, "/invoices"))
		return api_invoices(c);
	if (!strcmp(path, "/payments"))
		return api_payments(c);
	if (!strcmp(path, "/reports/collections"))
		return api_collections(c);
	return con_error(c, MHD_HTTP_NOT_FOUND, "not found", "no such endpoint");
}
