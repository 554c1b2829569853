// SPDX-License-Identifier: GPL-2.0
/* bill.c - the billing side of `tagih sub`: plan changes, terminate, add-ons. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/plan.h"
#include "lib/ttime.h"

const struct cli_opt sub_plan_opts[] = {
	{ "from", CLI_DATE, NULL, "first day on the new plan", CLI_REQ },
	{}
};

const struct cli_opt sub_terminate_opts[] = {
	{ "date", CLI_DATE, NULL, "first day no longer billed (default today)" },
	{}
};

enum { A_PRICE, A_FROM };
const struct cli_opt sub_addon_add_opts[] = {
	[A_PRICE] = { "price", CLI_AMOUNT, NULL, "monthly price", CLI_REQ },
	[A_FROM] = { "from", CLI_DATE, NULL,
		     "first day billed (default today)" },
	{}
};

const struct cli_opt sub_addon_del_opts[] = {
	{ "until", CLI_DATE, NULL, "first day no longer billed (default today)" },
	{}
};

int sub_bill_added(MDB_txn *txn, struct store *st, const struct sub_rec *r)
{
	int err;

	if (!r->plan[0])
		return 0;
	err = plan_hist_set(txn, st, r->id, r->activated, r->plan);
	if (err == -ENOENT) {
		cli_err("unknown plan '%s' (see tagih plan list)", r->plan);
		return CLI_FAIL;
	}
	if (err) {
		cli_err("cannot record the plan of '%s': %s", r->id,
			strerror(-err));
		return CLI_FAIL;
	}
	return 0;
}

/* Open the store and a write txn, and read sub id. */
static int subbill_begin(struct cli *c, const char *id, struct store **st,
			 MDB_txn **txn, struct sub_rec *r)
{
	int err;

	if (cli_begin(c, true, txn))
		return CLI_FAIL;
	*st = c->st;
	err = sub_get(*txn, *st, id, r);
	if (err) {
		store_abort(*txn);
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
					 "cannot read subscriber '%s'", id);
		return CLI_FAIL;
	}
	return 0;
}

static int subbill_commit(MDB_txn *txn, struct store *st, const char *action,
			  const char *sub, const char *reason)
{
	char actor[64];

	if (audit_write(txn, st, tt_now(), audit_cli_actor(actor, sizeof(actor)),
			action, sub, reason, NULL)) {
		store_abort(txn);
		return CLI_FAIL;
	}
	return store_commit(txn) ? CLI_FAIL : CLI_OK;
}

int sub_cmd_plan(struct cli *c, struct cli_args *a)
{
	struct plan_rec p;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int32_t from = a->o[0].day;
	int ret, err;
	char why[96];

	ret = subbill_begin(c, a->argv[0], &st, &txn, &r);
	if (ret)
		return ret;
	/* the same rules as the console's (billing/plan.c plan_change) */
	err = plan_change(txn, st, &r, a->argv[1], from,
			  tt_local_day(tt_now()));
	if (err == -ENOENT) {
		cli_err("unknown plan '%s' (see tagih plan list)", a->argv[1]);
		goto fail;
	}
	if (err == -EINVAL) {
		cli_err("--from is before '%s' was activated", r.id);
		goto fail;
	}
	if (err)
		goto fail_err;
	snprintf(p.name, sizeof(p.name), "%s", a->argv[1]);
	ret = subbill_commit(txn, st, "sub_plan", r.id, p.name);
	if (!ret)
		printf("'%s' is on plan '%s' from %s\n", r.id, p.name,
		       tt_fmt_date(from, why, sizeof(why)));
	return ret;
fail_err:
	cli_err("cannot change the plan of '%s': %s", r.id, strerror(-err));
fail:
	store_abort(txn);
	return CLI_FAIL;
}

int sub_cmd_terminate(struct cli *c, struct cli_args *a)
{
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int32_t day = a->o[0].n ? a->o[0].day : tt_local_day(tt_now());
	int ret, err;
	char d[32];

	ret = subbill_begin(c, a->argv[0], &st, &txn, &r);
	if (ret)
		return ret;
	if (r.status == SUB_TERMINATED) {
		cli_err("'%s' is already terminated", r.id);
		goto fail;
	}
	if (day < r.activated) {
		cli_err("--date is before '%s' was activated", r.id);
		goto fail;
	}
	r.status = SUB_TERMINATED;
	r.terminated = day;
	err = sub_put(txn, st, &r);
	if (err) {
		cli_err("cannot terminate '%s': %s", r.id, strerror(-err));
		goto fail;
	}
	ret = subbill_commit(txn, st, "sub_terminate", r.id,
			     tt_fmt_date(day, d, sizeof(d)));
	if (!ret)
		printf("'%s' terminated from %s (billed up to the day "
		       "before)\n", r.id, d);
	return ret;
fail:
	store_abort(txn);
	return CLI_FAIL;
}

static int addon_list_cb(const struct addon_rec *a, void *ctx)
{
	json_t *arr = ctx;
	char f[32], u[32] = "-", p[40];

	tt_fmt_date(a->from, f, sizeof(f));
	if (a->until)
		tt_fmt_date(a->until, u, sizeof(u));
	if (arr)
		json_array_append_new(arr, json_pack(
			"{s:s, s:I, s:s, s:s?}", "product", a->product,
			"price", (json_int_t)a->price, "from", f, "until",
			a->until ? u : NULL));
	else
		printf("%-20s %14s  %s .. %s\n", a->product,
		       money_fmt(a->price, p, sizeof(p)), f, u);
	return 0;
}

int sub_cmd_addon_list(struct cli *c, struct cli_args *a)
{
	json_t *arr = c->json ? json_array() : NULL;
	struct sub_rec r;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	err = sub_get(txn, c->st, a->argv[0], &r);
	if (!err)
		err = addon_foreach(txn, c->st, r.id, addon_list_cb, arr);
	store_abort(txn);
	if (err) {
		json_decref(arr);
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
					 "cannot list add-ons of '%s'",
			a->argv[0]);
		return CLI_FAIL;
	}
	if (arr)
		bill_json_out(arr);
	return CLI_OK;
}

/* addon add (add) or del: attach, or end at --until. */
static int subbill_addon(struct cli *c, struct cli_args *a, bool add)
{
	struct addon_rec ad = { .version = ADDON_REC_VERSION };
	const char *id = a->argv[0], *product = a->argv[1];
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int ret, err;

	ad.from = tt_local_day(tt_now());
	ad.until = ad.from;
	if (add) {
		ad.price = a->o[A_PRICE].rp;
		if (a->o[A_FROM].n)
			ad.from = a->o[A_FROM].day;
	} else if (a->o[0].n) {
		ad.until = a->o[0].day;
	}
	if (plan_name_check(product)) {
		cli_err("bad product name '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			product, PLAN_NAME_MAX);
		return CLI_USAGE;
	}
	ret = subbill_begin(c, id, &st, &txn, &r);
	if (ret)
		return ret;
	if (add) {
		snprintf(ad.product, sizeof(ad.product), "%s", product);
		ad.until = 0;
		if (ad.from < r.activated)
			ad.from = r.activated;
	} else {
		int32_t until = ad.until;

		err = addon_get(txn, st, r.id, product, &ad);
		if (err) {
			cli_err("'%s' has no add-on '%s'", r.id, product);
			goto fail;
		}
		ad.until = until;
	}
	if (ad.until && ad.until <= ad.from) {
		/* ended before it started: it was never billed */
		uint8_t key[80];
		size_t n = strlen(r.id), m = strlen(ad.product);

		memcpy(key, r.id, n + 1);
		memcpy(key + n + 1, ad.product, m);
		err = store_del(txn, st, DB_ADDONS, key, n + 1 + m);
	} else {
		err = addon_put(txn, st, r.id, &ad);
	}
	if (err) {
		cli_err("cannot change add-on '%s': %s", ad.product,
			strerror(-err));
		goto fail;
	}
	ret = subbill_commit(txn, st, add ? "addon_add" : "addon_del", r.id,
			     ad.product);
	if (!ret)
		printf("%s add-on '%s' %s '%s'\n", add ? "attached" : "ended",
		       ad.product, add ? "to" : "for", r.id);
	return ret;
fail:
	store_abort(txn);
	return CLI_FAIL;
}

int sub_cmd_addon_add(struct cli *c, struct cli_args *a)
{
	return subbill_addon(c, a, true);
}

int sub_cmd_addon_del(struct cli *c, struct cli_args *a)
{
	return subbill_addon(c, a, false);
}
