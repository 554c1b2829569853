// SPDX-License-Identifier: GPL-2.0
/* show.c - `tagih sub list` and `tagih sub show`: subscribers for the operator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/addr.h"
#include "billing/custpin.h"
#include "billing/ident.h"
#include "billing/sub.h"
#include "lib/prefix.h"
#include "lib/text.h"
#include "lib/ttime.h"

enum { S_PERSONAL };
const struct cli_opt sub_show_opts[] = {
	[S_PERSONAL] = { "show-personal", CLI_FLAG, NULL,
			 "show the NIK unmasked" },
	{}
};

/* Current prefixes of everybody, sorted by uid, for listing. */
struct pfx_pair {
	uint32_t uid;
	struct prefix p;
};

struct pfx_list {
	struct pfx_pair *v;
	size_t n, cap;
};

static int pfx_collect(const struct prefix *p, const struct prefix_owner *o,
		       void *ctx)
{
	struct pfx_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pfx_pair *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].uid = o->uid;
	l->v[l->n].p = *p;
	l->n++;
	return 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct pfx_pair *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return memcmp(&x->p, &y->p, sizeof(x->p));
}

struct list_ctx {
	struct pfx_list pl;
	json_t *arr;
};

static json_t *pfx_json(const struct prefix *p, int n)
{
	json_t *a = json_array();
	char b[64];
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(prefix_fmt(&p[i], b,
								 sizeof(b))));
	return a;
}

static int list_one(const struct sub_rec *r, void *ctx)
{
	struct list_ctx *l = ctx;
	size_t lo = 0, hi = l->pl.n, i;
	char b[64], line[256];
	int len = 0;

	while (lo < hi) {	/* first pair with uid >= r->uid */
		size_t mid = (lo + hi) / 2;

		if (l->pl.v[mid].uid < r->uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (l->arr) {
		/* text through text_json: a name that is not UTF-8 (an old
		 * store) is shown repaired instead of dropping the entry */
		json_t *o = json_pack("{s:s, s:i, s:o, s:s, s:o}", "id", r->id,
				      "uid", (json_int_t)r->uid, "name",
				      TEXT_JSON(r->name), "status",
				      sub_status_str(r->status), "plan",
				      TEXT_JSON(r->plan));
		json_t *a = json_array();

		for (i = lo; i < l->pl.n && l->pl.v[i].uid == r->uid; i++)
			json_array_append_new(
				a, json_string(prefix_fmt(&l->pl.v[i].p, b,
							  sizeof(b))));
		json_object_set_new(o, "prefixes", a);
		json_array_append_new(l->arr, o);
		return 0;
	}
	line[0] = '\0';
	for (i = lo; i < l->pl.n && l->pl.v[i].uid == r->uid; i++) {
		len += snprintf(line + len, sizeof(line) - len, "%s%s",
				len ? " " : "",
				prefix_fmt(&l->pl.v[i].p, b, sizeof(b)));
		if (len >= (int)sizeof(line) - 1)
			break;
	}
	printf("%-16s %6u %-10s %-12s %-24.24s %s\n", r->id, r->uid,
	       sub_status_str(r->status), *r->plan ? r->plan : "-",
	       cli_tx(r->name),
	       *line ? line : "-");
	return 0;
}

int sub_cmd_list(struct cli *c, struct cli_args *a)
{
	struct list_ctx l = { 0 };
	struct store *st;
	MDB_txn *txn;
	int err, ret = CLI_FAIL;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	st = c->st;
	err = sub_prefix_foreach(txn, st, pfx_collect, &l.pl);
	if (err)
		goto out;
	if (l.pl.n)
		qsort(l.pl.v, l.pl.n, sizeof(*l.pl.v), pair_cmp);
	if (c->json)
		l.arr = json_array();
	else
		printf("%-16s %6s %-10s %-12s %-24s %s\n", "ID", "UID",
		       "STATUS", "PLAN", "NAME", "PREFIXES");
	err = sub_foreach(txn, st, list_one, &l);
	if (err)
		goto out;
	if (l.arr) {
		json_dumpf(l.arr, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	ret = CLI_OK;
out:
	if (err)
		cli_err("cannot list subscribers: %s", strerror(-err));
	json_decref(l.arr);
	free(l.pl.v);
	store_abort(txn);
	return ret;
}

/* NIK shown as 3201********0001 unless --show-personal. */
static void nik_mask(const char *nik, char *out, size_t n, bool show)
{
	size_t len = strlen(nik), i;

	snprintf(out, n, "%s", nik);
	if (show || len < 8)
		return;
	for (i = 4; i < len - 4 && i < n - 1; i++)
		out[i] = '*';
}

/* The subscriber's identifiers and addresses over time, gathered in the
 * show's read txn, as JSON (printed as text from the same objects). */
static int ident_cb(enum ident_kind k, const char *val, void *ctx)
{
	json_t *o = ctx, *arr = json_object_get(o, ident_kind_name(k));

	if (!arr) {
		arr = json_array();
		json_object_set_new(o, ident_kind_name(k), arr);
	}
	return json_array_append_new(arr, json_string(val)) ? -ENOMEM : 0;
}

struct span_ctx {
	MDB_txn *txn;
	struct store *st;
	json_t *arr;
};

static int span_cb(const struct addr_span *sp, void *ctx)
{
	struct span_ctx *c = ctx;
	struct addr_bind b;
	char p[64], t0[40], t1[40];
	json_t *o;

	o = json_pack("{s:s, s:s}", "prefix", prefix_fmt(&sp->p, p, sizeof(p)),
		      "since", tt_fmt_time_local(sp->since, t0, sizeof(t0)));
	if (!o)
		return -ENOMEM;
	json_object_set_new(o, "until", sp->until ?
			    json_string(tt_fmt_time_local(sp->until, t1,
							  sizeof(t1))) :
			    json_null());
	if (!sp->until) {
		int err = addr_bind_get(c->txn, c->st, &sp->p, &b);

		json_object_set_new(o, "source", json_string(addr_src_name(
			err ? 0 : b.source)));
		if (!err && b.until)
			json_object_set_new(o, "expires", json_string(
				tt_fmt_time_local(b.until, t1, sizeof(t1))));
	}
	return json_array_append_new(c->arr, o) ? -ENOMEM : 0;
}

static int span_time_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "since")),
		      json_string_value(json_object_get(y, "since")));
}

/* Spans sorted by start (all in one zone, so text order is time order). */
static json_t *spans_sorted(json_t *arr)
{
	size_t n = json_array_size(arr), i;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();

	if (!v)
		return arr;
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof(*v), span_time_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

static int show_addr_info(MDB_txn *txn, struct store *st,
			  const struct sub_rec *r, json_t **ids, json_t **spans)
{
	struct span_ctx sc = { txn, st, json_array() };
	int err;

	*ids = json_object();
	err = ident_foreach(txn, st, r->id, ident_cb, *ids);
	if (!err)
		err = addr_history(txn, st, NULL, r->uid, span_cb, &sc);
	*spans = spans_sorted(sc.arr);
	return err;
}

static void show_addr_text(json_t *ids, json_t *spans)
{
	const char *k;
	json_t *v, *e;
	size_t i;

	printf("identifiers:%s\n", json_object_size(ids) ? "" : " -");
	json_object_foreach(ids, k, v) {
		json_array_foreach(v, i, e)
			printf("  %-11s %s\n", k, cli_tx(json_string_value(e)));
	}
	printf("addresses over time:%s\n", json_array_size(spans) ? "" : " -");
	json_array_foreach(spans, i, e) {
		json_t *u = json_object_get(e, "until");
		json_t *src = json_object_get(e, "source");

		printf("  %-24s %s .. %s", json_string_value(
			       json_object_get(e, "prefix")),
		       json_string_value(json_object_get(e, "since")),
		       json_is_string(u) ? json_string_value(u) : "now");
		if (src)
			printf(" (%s)", json_string_value(src));
		putchar('\n');
	}
}

int sub_cmd_show(struct cli *c, struct cli_args *a)
{
	json_t *ids = NULL, *spans = NULL;
	struct prefix pfx[SUB_MAX_PREFIXES * 4];
	bool personal = a->o[S_PERSONAL].n;
	char nik[24], b[64], act[32], created[40];
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int n, i, pin;

	if (cli_sub_begin(c, false, a->argv[0], &st, &txn, &r))
		return CLI_FAIL;
	n = sub_prefixes(txn, st, r.uid, pfx,
			 (int)(sizeof(pfx) / sizeof(pfx[0])));
	pin = custpin_is_set(txn, st, r.id);
	if (n >= 0 && pin >= 0 && show_addr_info(txn, st, &r, &ids, &spans))
		n = -EIO;
	store_abort(txn);
	if (n < 0 || pin < 0) {
		json_decref(ids);
		json_decref(spans);
		cli_err("cannot read %s: %s", n < 0 ? "prefixes" : "PIN",
			strerror(n < 0 ? -n : -pin));
		return CLI_FAIL;
	}
	nik_mask(r.nik, nik, sizeof(nik), personal);
	tt_fmt_date(r.activated, act, sizeof(act));
	tt_fmt_time_local(r.created, created, sizeof(created));
	if (c->json) {
		json_t *j = json_pack(
			"{s:s, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
			" s:s, s:s, s:I, s:b}",
			"id", r.id, "uid", (json_int_t)r.uid, "status",
			sub_status_str(r.status), "name", TEXT_JSON(r.name),
			"phone", TEXT_JSON(r.phone), "email", TEXT_JSON(r.email),
			"address", TEXT_JSON(r.address), "nik", TEXT_JSON(nik),
			"plan", TEXT_JSON(r.plan), "notes", TEXT_JSON(r.notes),
			"activated", act,
			"created", created, "balance", (json_int_t)r.balance,
			"hold", (int)r.hold);

		json_object_set_new(j, "prefixes", pfx_json(pfx, n));
		json_object_set_new(j, "identifiers", ids);
		json_object_set_new(j, "addresses", spans);
		json_object_set_new(j, "pin_set", json_boolean(pin));
		json_object_set_new(j, "erased", json_boolean(r.erased));
		json_object_set_new(j, "cycle", json_string(
			r.cycle == CYCLE_ANNIVERSARY ? "anniversary" :
						       "calendar"));
		json_object_set_new(j, "cycle_day",
				    json_integer(r.cycle_day ? r.cycle_day : 1));
		if (r.terminated)
			json_object_set_new(j, "terminated", json_string(
				tt_fmt_date(r.terminated, b, sizeof(b))));
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		return CLI_OK;
	}
	printf("id:        %s\n", r.id);
	printf("uid:       %u\n", r.uid);
	printf("status:    %s%s\n", sub_status_str(r.status),
	       r.hold ? " (hold)" : "");
	printf("name:      %s\n", cli_tx(r.name));
	if (*r.phone)
		printf("phone:     %s\n", cli_tx(r.phone));
	if (*r.email)
		printf("email:     %s\n", cli_tx(r.email));
	if (*r.address)
		printf("address:   %s\n", cli_tx(r.address));
	if (*r.nik)
		printf("nik:       %s\n", cli_tx(nik));
	printf("plan:      %s\n", *r.plan ? r.plan : "-");
	printf("activated: %s\n", act);
	if (r.terminated)
		printf("terminated: %s\n", tt_fmt_date(r.terminated, b,
						       sizeof(b)));
	if (r.cycle == CYCLE_ANNIVERSARY)
		printf("cycle:     anniversary\n");
	else
		printf("cycle:     calendar, day %d\n",
		       r.cycle_day ? r.cycle_day : 1);
	printf("balance:   %s\n", money_fmt(r.balance, b, sizeof(b)));
	printf("created:   %s\n", created);
	if (*r.notes)
		printf("notes:     %s\n", cli_tx(r.notes));
	printf("pin:       %s\n", pin ? "set" : "not set");
	if (r.erased)
		printf("erased:    yes (personal data removed; ledger kept)\n");
	printf("prefixes: %s\n", n ? "" : " -");
	for (i = 0; i < n; i++)
		printf("  %s\n", prefix_fmt(&pfx[i], b, sizeof(b)));
	show_addr_text(ids, spans);
	json_decref(ids);
	json_decref(spans);
	return CLI_OK;
}

