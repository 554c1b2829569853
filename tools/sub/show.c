// SPDX-License-Identifier: GPL-2.0
/* show.c - `tagih sub list` and `tagih sub show`: subscribers for the operator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/custpin.h"
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

int sub_cmd_show(struct cli *c, struct cli_args *a)
{
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
	store_abort(txn);
	if (n < 0 || pin < 0) {
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
	return CLI_OK;
}

