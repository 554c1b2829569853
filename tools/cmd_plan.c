// SPDX-License-Identifier: GPL-2.0
/* cmd_plan.c - `tagih plan`: add, list and show plans (flat, volume, hybrid). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "lib/ttime.h"

static json_t *plan_json_base(const struct plan_rec *p)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "name",
			 p->name, "type", rate_plan_type_str(p->terms.type),
			 "price", (json_int_t)p->terms.price, "per_gb",
			 (json_int_t)p->terms.per_gb, "quota_bytes",
			 (json_int_t)p->terms.quota_bytes, "min",
			 (json_int_t)p->terms.min, "cap",
			 (json_int_t)p->terms.cap);
}

/* prepaid: masa aktif per purchase */
static void plan_json_prepaid(json_t *j, const struct plan_rec *p)
{
	if (j && p->terms.type == PLAN_PREPAID)
		json_object_set_new(j, "days", json_integer(p->days));
}

static json_t *plan_json(const struct plan_rec *p)
{
	json_t *j = plan_json_base(p);

	plan_json_prepaid(j, p);
	return j;
}

static void plan_print(const struct plan_rec *p)
{
	char a[40], b[40], m[40], k[40];

	printf("%-20s %-7s %14s %12s %8llu GB %12s %12s\n", p->name,
	       rate_plan_type_str(p->terms.type),
	       money_fmt(p->terms.price, a, sizeof(a)),
	       money_fmt(p->terms.per_gb, b, sizeof(b)),
	       (unsigned long long)(p->terms.quota_bytes / RATE_GB),
	       p->terms.min ? money_fmt(p->terms.min, m, sizeof(m)) : "-",
	       p->terms.cap ? money_fmt(p->terms.cap, k, sizeof(k)) : "-");
}

enum { A_TYPE, A_PRICE, A_PER_GB, A_QUOTA, A_MIN, A_CAP, A_DAYS };
static const struct cli_opt add_opts[] = {
	[A_TYPE] = { "type", CLI_CHOICE, NULL, "how the plan is billed",
		     CLI_REQ, .choices = "flat|volume|hybrid|prepaid" },
	[A_PRICE] = { "price", CLI_AMOUNT, NULL, "monthly fee (flat, hybrid)" },
	[A_PER_GB] = { "per-gb", CLI_AMOUNT, NULL,
		       "price per GB (volume; hybrid overage)" },
	[A_QUOTA] = { "quota-gb", CLI_UINT, NULL,
		      "GB included in the fee (hybrid)", .max = 1000000000 },
	[A_MIN] = { "min", CLI_AMOUNT, NULL, "minimum charge (volume)" },
	[A_CAP] = { "cap", CLI_AMOUNT, NULL,
		    "most the usage part can cost (volume, hybrid)" },
	[A_DAYS] = { "days", CLI_UINT, "N",
		     "masa aktif bought by one purchase (prepaid)", .min = 1,
		     .max = PLAN_DAYS_MAX },
	{}
};

/* The prepaid terms (--days) of plan add; CLI_USAGE when they do not
 * fit the type. */
static int plan_add_prepaid(struct plan_rec *p, const struct cli_args *a)
{
	if (p->terms.type != PLAN_PREPAID) {
		if (a->o[A_DAYS].n) {
			cli_err("--days is for prepaid plans");
			return CLI_USAGE;
		}
		return 0;
	}
	if (!a->o[A_DAYS].n) {
		cli_err("a prepaid plan needs --days (masa aktif per "
			"purchase)");
		return CLI_USAGE;
	}
	p->days = (uint32_t)a->o[A_DAYS].u;
	return 0;
}

static int plan_cmd_add(struct cli *c, struct cli_args *a)
{
	struct plan_rec p = { .version = PLAN_REC_VERSION };
	const char *why = NULL, *name = a->argv[0];
	MDB_txn *txn;
	int type = -1, err;

	if (rate_plan_type_parse(a->o[A_TYPE].s, &type))
		return CLI_USAGE;
	p.terms.price = a->o[A_PRICE].rp;
	p.terms.per_gb = a->o[A_PER_GB].rp;
	p.terms.quota_bytes = a->o[A_QUOTA].u * RATE_GB;
	p.terms.min = a->o[A_MIN].rp;
	p.terms.cap = a->o[A_CAP].rp;
	if (plan_name_check(name)) {
		cli_err("bad plan name '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			name, PLAN_NAME_MAX);
		return CLI_USAGE;
	}
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.terms.type = type;
	p.created = tt_now();
	if (plan_add_prepaid(&p, a))
		return CLI_USAGE;
	if (rate_plan_check(&p.terms, &why)) {
		cli_err("plan '%s': %s", p.name, why);
		return CLI_USAGE;
	}
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = plan_add(txn, c->st, &p);
	if (err) {
		store_abort(txn);
		if (err == -EEXIST)
			cli_err("plan '%s' already exists (plans are never "
				"changed: add a new one)", p.name);
		else
			cli_err("cannot add plan '%s': %s", p.name,
				strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(plan_json(&p));
	else
		printf("added %s plan '%s'\n", rate_plan_type_str(type), p.name);
	return CLI_OK;
}

struct plan_list {
	struct cli *c;
	json_t *arr;
};

static int plan_list_cb(const struct plan_rec *p, void *ctx)
{
	struct plan_list *pl = ctx;

	if (pl->arr)
		json_array_append_new(pl->arr, plan_json(p));
	else
		plan_print(p);
	return 0;
}

static int plan_cmd_list(struct cli *c, struct cli_args *a)
{
	struct plan_list pl = { c, NULL };
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	if (c->json)
		pl.arr = json_array();
	else
		printf("%-20s %-7s %14s %12s %11s %12s %12s\n", "NAME", "TYPE",
		       "PRICE", "PER GB", "QUOTA", "MIN", "CAP");
	err = plan_foreach(txn, c->st, plan_list_cb, &pl);
	store_abort(txn);
	if (err) {
		json_decref(pl.arr);
		cli_err("cannot list plans: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (pl.arr)
		bill_json_out(pl.arr);
	return CLI_OK;
}

static int plan_cmd_show(struct cli *c, struct cli_args *a)
{
	struct plan_rec p;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = plan_get(txn, c->st, a->argv[0], &p);
	store_abort(txn);
	if (err) {
		cli_err(err == -ENOENT ? "unknown plan '%s'" :
					 "cannot read plan '%s'", a->argv[0]);
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(plan_json(&p));
	} else {
		printf("%-20s %-7s %14s %12s %11s %12s %12s\n", "NAME", "TYPE",
		       "PRICE", "PER GB", "QUOTA", "MIN", "CAP");
		plan_print(&p);
	}
	return CLI_OK;
}

static const struct cli_cmd plan_cmds[] = {
	{ "add", "NAME", 1, add_opts, plan_cmd_add, "add a plan",
	  "flat: --price (monthly fee). volume: --per-gb, optional --min "
	  "(minimum charge) and --cap. hybrid: --price with --quota-gb "
	  "included, then --per-gb overage, optional --cap. prepaid: "
	  "--price per purchase and --days of masa aktif it buys, optional "
	  "--quota-gb per purchase (used up: isolir until a pack or the next "
	  "purchase); never invoiced, each purchase gets a receipt.\n\n"
	  "Amounts in whole Rupiah (150000 or 150.000). GB = 10^9 bytes. Plans "
	  "are never deleted or changed: add a new one and move subscribers "
	  "with `tagih sub plan ID PLAN --from DATE`.", CLI_CMD_JSON },
	{ "list", "", 0, NULL, plan_cmd_list, "every plan", NULL,
	  CLI_CMD_JSON },
	{ "show", "NAME", 1, NULL, plan_cmd_show, "one plan", NULL,
	  CLI_CMD_JSON },
	{}
};

const struct cli_group cli_plan = {
	"plan", "plans: flat, volume, hybrid, prepaid (add, list, show)", NULL,
	plan_cmds
};
