// SPDX-License-Identifier: GPL-2.0
/* cmd_prepaid.c - `tagih prepaid`: masa aktif of prepaid subscribers (show, list). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/pack.h"
#include "billing/prepaid.h"
#include "lib/ttime.h"

struct pp_view {
	struct sub_rec sub;
	struct plan_rec plan;
	struct prepaid_rec pr;
	struct quota_rec q;
	bool prepaid, quota;
};

static int pp_view_get(MDB_txn *txn, struct store *st, const struct sub_rec *r,
		       struct pp_view *v)
{
	int err;

	memset(v, 0, sizeof(*v));
	v->sub = *r;
	err = prepaid_plan_of(txn, st, r, &v->plan);
	if (err < 0)
		return err;
	v->prepaid = err == 1;
	err = prepaid_get(txn, st, r->id, &v->pr);
	if (err)
		return err;
	err = quota_get(txn, st, r->uid, &v->q);
	if (err && err != -ENOENT)
		return err;
	v->quota = !err;
	return 0;
}

static json_t *pp_json(const struct pp_view *v, int64_t now)
{
	char t[40];
	json_t *j;

	j = json_pack("{s:s, s:s, s:b, s:s, s:I, s:i, s:I}", "subscriber",
		      v->sub.id, "plan", v->sub.plan, "prepaid", v->prepaid,
		      "status", sub_status_str(v->sub.status), "expires",
		      (json_int_t)v->pr.expires, "purchases",
		      (int)v->pr.purchases, "balance",
		      (json_int_t)v->sub.balance);
	if (!j)
		return NULL;
	json_object_set_new(j, "expires_local",
			    v->pr.expires ?
			    json_string(tt_fmt_time_local(v->pr.expires, t,
							  sizeof(t))) :
			    json_null());
	json_object_set_new(j, "active", json_boolean(v->pr.expires > now));
	if (v->quota)
		json_object_set_new(j, "quota", json_pack(
			"{s:I, s:I, s:I, s:b}", "left_bytes",
			(json_int_t)v->q.left, "used_bytes",
			(json_int_t)v->q.used, "expires",
			(json_int_t)v->q.expires, "exhausted",
			quota_exhausted_rec(&v->q, now)));
	return j;
}

static void pp_print(const struct pp_view *v, int64_t now)
{
	char t[40] = "-", b[40];

	if (v->pr.expires)
		tt_fmt_time_local(v->pr.expires, t, sizeof(t));
	printf("%-20s %-16s %-9s %-25s %9u", cli_tx(v->sub.id),
	       cli_tx(v->sub.plan), sub_status_str(v->sub.status), t,
	       v->pr.purchases);
	if (v->quota)
		printf(" %12s%s", cli_fmt_bytes(v->q.left, b, sizeof(b)),
		       quota_exhausted_rec(&v->q, now) ? " (habis)" : "");
	printf("\n");
}

static const struct cli_opt now_opts[] = {
	{ "now", CLI_TIME, NULL,
	  "pretend it is this instant (ISO 8601 or @unix)", .short_opt = 'n' },
	{}
};

#define PP_HEAD "%-20s %-16s %-9s %-25s %9s %12s\n", "SUBSCRIBER", "PLAN", \
	"STATUS", "MASA AKTIF UNTIL", "PURCHASES", "QUOTA LEFT"

static int prepaid_cmd_show(struct cli *c, struct cli_args *a)
{
	int64_t now = a->o[0].n ? a->o[0].t : tt_now();
	struct pp_view v;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int err;

	if (cli_sub_begin(c, false, a->argv[0], &st, &txn, &r))
		return CLI_FAIL;
	err = pp_view_get(txn, st, &r, &v);
	store_abort(txn);
	if (err) {
		cli_err("cannot read '%s': %s", r.id, strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(pp_json(&v, now));
		return CLI_OK;
	}
	printf(PP_HEAD);
	pp_print(&v, now);
	return CLI_OK;
}

struct pp_list {
	MDB_txn *txn;
	struct store *st;
	json_t *arr;
	int64_t now;
};

static int pp_list_cb(const struct sub_rec *r, void *ctx)
{
	struct pp_list *l = ctx;
	struct pp_view v;
	int err = pp_view_get(l->txn, l->st, r, &v);

	if (err)
		return err;
	if (!v.prepaid && !v.quota && !v.pr.expires)
		return 0;
	if (l->arr)
		json_array_append_new(l->arr, pp_json(&v, l->now));
	else
		pp_print(&v, l->now);
	return 0;
}

static int prepaid_cmd_list(struct cli *c, struct cli_args *a)
{
	struct pp_list l = { .now = a->o[0].n ? a->o[0].t : tt_now() };
	int err;

	if (cli_begin(c, false, &l.txn))
		return CLI_FAIL;
	l.st = c->st;
	if (c->json)
		l.arr = json_array();
	else
		printf(PP_HEAD);
	err = sub_foreach(l.txn, l.st, pp_list_cb, &l);
	store_abort(l.txn);
	if (err) {
		json_decref(l.arr);
		cli_err("cannot list: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (l.arr)
		bill_json_out(l.arr);
	return CLI_OK;
}

static const struct cli_cmd prepaid_cmds[] = {
	{ "show", "SUB", 1, now_opts, prepaid_cmd_show,
	  "masa aktif, purchases and quota of one subscriber",
	  "A prepaid subscriber (on a plan of --type prepaid) buys masa aktif "
	  "by paying: `tagih pay SUB --amount RP ...` buys as many periods "
	  "as the payment and the balance cover, each with a receipt "
	  "(receipt_prefix), extending from the later of now and the current "
	  "expiry. When it ends, dunning isolates the subscriber; the next "
	  "purchase restores it at once.", CLI_CMD_JSON },
	{ "list", "", 0, now_opts, prepaid_cmd_list,
	  "every subscriber with masa aktif or a quota", NULL, CLI_CMD_JSON },
	{}
};

const struct cli_group cli_prepaid = {
	"prepaid", "prepaid subscribers: masa aktif and quota (show, list)",
	NULL, prepaid_cmds
};
