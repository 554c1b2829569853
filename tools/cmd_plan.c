// SPDX-License-Identifier: GPL-2.0
/* cmd_plan.c - `tagih plan`: add, list and show plans (flat, volume, hybrid). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/audit.h"
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

/* The speed fields of a plan's JSON (added to o). */
static void plan_speed_json(json_t *o, const struct plan_speed *s)
{
	json_object_set_new(o, "down_kbps", json_integer(s->down_kbps));
	json_object_set_new(o, "up_kbps", json_integer(s->up_kbps));
	json_object_set_new(o, "fup_bytes", json_integer((json_int_t)s->fup_bytes));
	json_object_set_new(o, "fup_down_kbps", json_integer(s->fup_down_kbps));
	json_object_set_new(o, "fup_up_kbps", json_integer(s->fup_up_kbps));
}

static json_t *plan_json(const struct plan_rec *p)
{
	json_t *j = plan_json_base(p);

	plan_json_prepaid(j, p);
	if (j)
		plan_speed_json(j, &p->speed);
	return j;
}

/* "10" or "2.5" Mbit/s, or "-" for none, of kbps. */
static const char *kbps_fmt(uint32_t kbps, char *buf, size_t n)
{
	if (!kbps)
		return "-";
	if (kbps % 1000)
		snprintf(buf, n, "%u.%03u", kbps / 1000, kbps % 1000);
	else
		snprintf(buf, n, "%u", kbps / 1000);
	return buf;
}

/* "DOWN/UP Mbps[, FUP G GB: DOWN/UP]" or "-". */
static void plan_speed_print(const struct plan_speed *s)
{
	char a[16], b[16];

	if (!s->down_kbps && !s->up_kbps && !s->fup_bytes) {
		printf(" -");
		return;
	}
	printf(" %s/%s Mbps", kbps_fmt(s->down_kbps, a, sizeof(a)),
	       kbps_fmt(s->up_kbps, b, sizeof(b)));
	if (s->fup_bytes)
		printf(", FUP %llu.%03llu GB: %s/%s",
		       (unsigned long long)(s->fup_bytes / RATE_GB),
		       (unsigned long long)(s->fup_bytes % RATE_GB / 1000000),
		       kbps_fmt(s->fup_down_kbps, a, sizeof(a)),
		       kbps_fmt(s->fup_up_kbps, b, sizeof(b)));
}


static void plan_print(const struct plan_rec *p)
{
	char a[40], b[40], m[40], k[40];

	printf("%-20s %-7s %14s %12s %8llu GB %12s %12s", p->name,
	       rate_plan_type_str(p->terms.type),
	       money_fmt(p->terms.price, a, sizeof(a)),
	       money_fmt(p->terms.per_gb, b, sizeof(b)),
	       (unsigned long long)(p->terms.quota_bytes / RATE_GB),
	       p->terms.min ? money_fmt(p->terms.min, m, sizeof(m)) : "-",
	       p->terms.cap ? money_fmt(p->terms.cap, k, sizeof(k)) : "-");
	plan_speed_print(&p->speed);
	printf("\n");
}

/*
 * The speed options, the same rows in `plan add` and `plan set` (indices
 * from A_DOWN on). GB may have up to 9 decimals (0.2 = 200 000 000 bytes).
 */
#define MBPS_MAX (PLAN_KBPS_MAX / 1000)
#define SPEED_OPTS							\
	[A_DOWN] = { "down-mbps", CLI_UINT, NULL,			\
		     "download rate the subscriber is shaped to (0 = none)", \
		     .max = MBPS_MAX },					\
	[A_UP] = { "up-mbps", CLI_UINT, NULL,				\
		   "upload rate the subscriber is shaped to (0 = none)", \
		   .max = MBPS_MAX },					\
	[A_FUP_GB] = { "fup-gb", CLI_STR, "G",				\
		       "fair-usage quota per period, up + down (0 = none)" }, \
	[A_FUP_DOWN] = { "fup-down-mbps", CLI_UINT, NULL,		\
			 "download rate past the FUP quota", .max = MBPS_MAX }, \
	[A_FUP_UP] = { "fup-up-mbps", CLI_UINT, NULL,			\
		       "upload rate past the FUP quota", .max = MBPS_MAX }

enum { A_TYPE, A_PRICE, A_PER_GB, A_QUOTA, A_MIN, A_CAP, A_DAYS, A_DOWN,
       A_UP, A_FUP_GB, A_FUP_DOWN, A_FUP_UP };
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
	SPEED_OPTS,
	{}
};

/* `plan set`: every option of `plan add`, none required. */
static const struct cli_opt set_opts[] = {
	[A_TYPE] = { "type", CLI_CHOICE, NULL, "how the plan is billed", 0,
		     .choices = "flat|volume|hybrid|prepaid" },
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
	SPEED_OPTS,
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

/* "0.2", "10", "1.5" GB (at most 9 decimals, at most 10^9 GB) in bytes. */
static int gb_parse(const char *s, uint64_t *bytes)
{
	uint64_t whole = 0, frac = 0, scale = RATE_GB;
	const char *p = s;

	if (!*p)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 1000000000)
			return -EINVAL;
	}
	if (*p == '.') {
		if (p == s || !p[1])
			return -EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p || p == s)
		return -EINVAL;
	*bytes = whole * RATE_GB + frac;
	return 0;
}

/*
 * The speed options given in a into *sp (those not given are left as
 * they are). CLI_OK or CLI_USAGE (said).
 */
static int plan_speed_args(const struct cli_args *a, struct plan_speed *sp)
{
	const char *why = NULL;

	if (a->o[A_DOWN].s)
		sp->down_kbps = (uint32_t)a->o[A_DOWN].u * 1000;
	if (a->o[A_UP].s)
		sp->up_kbps = (uint32_t)a->o[A_UP].u * 1000;
	if (a->o[A_FUP_DOWN].s)
		sp->fup_down_kbps = (uint32_t)a->o[A_FUP_DOWN].u * 1000;
	if (a->o[A_FUP_UP].s)
		sp->fup_up_kbps = (uint32_t)a->o[A_FUP_UP].u * 1000;
	if (a->o[A_FUP_GB].s && gb_parse(a->o[A_FUP_GB].s, &sp->fup_bytes)) {
		cli_err("--fup-gb '%s': want GB as 10 or 0.2", a->o[A_FUP_GB].s);
		return CLI_USAGE;
	}
	if (a->o[A_FUP_GB].s && !sp->fup_bytes)
		sp->fup_down_kbps = sp->fup_up_kbps = 0;	/* FUP off */
	if (plan_speed_check(sp, &why)) {
		cli_err("%s", why);
		return CLI_USAGE;
	}
	return CLI_OK;
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
	err = plan_speed_args(a, &p.speed);
	if (err)
		return err;
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
			cli_err("plan '%s' already exists (change it with "
				"`tagih plan set`)", p.name);
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

/* What `plan set` changed, for the audit log: { "option": [old, new] }. */
static void diff_i(json_t *d, const char *k, int64_t a, int64_t b)
{
	if (a != b)
		json_object_set_new(d, k, json_pack("[I, I]", (json_int_t)a,
						    (json_int_t)b));
}

static json_t *plan_diff(const struct plan_rec *o, const struct plan_rec *n)
{
	json_t *d = json_object();

	diff_i(d, "type", o->terms.type, n->terms.type);
	diff_i(d, "price", o->terms.price, n->terms.price);
	diff_i(d, "per_gb", o->terms.per_gb, n->terms.per_gb);
	diff_i(d, "quota_bytes", (int64_t)o->terms.quota_bytes,
	       (int64_t)n->terms.quota_bytes);
	diff_i(d, "min", o->terms.min, n->terms.min);
	diff_i(d, "cap", o->terms.cap, n->terms.cap);
	diff_i(d, "days", o->days, n->days);
	diff_i(d, "down_kbps", o->speed.down_kbps, n->speed.down_kbps);
	diff_i(d, "up_kbps", o->speed.up_kbps, n->speed.up_kbps);
	diff_i(d, "fup_bytes", (int64_t)o->speed.fup_bytes,
	       (int64_t)n->speed.fup_bytes);
	diff_i(d, "fup_down_kbps", o->speed.fup_down_kbps,
	       n->speed.fup_down_kbps);
	diff_i(d, "fup_up_kbps", o->speed.fup_up_kbps, n->speed.fup_up_kbps);
	return d;
}

static int plan_cmd_set(struct cli *c, struct cli_args *a)
{
	const char *why = NULL, *name = a->argv[0];
	struct plan_rec old, p;
	char actor[64];
	json_t *diff;
	MDB_txn *txn;
	int type, err;
	int64_t now = tt_now();

	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = plan_get(txn, c->st, name, &old);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "unknown plan '%s'" :
					 "cannot read plan '%s'", name);
		return CLI_FAIL;
	}
	p = old;
	p.version = PLAN_REC_VERSION;
	if (a->o[A_TYPE].s) {
		if (rate_plan_type_parse(a->o[A_TYPE].s, &type)) {
			store_abort(txn);
			return CLI_USAGE;
		}
		p.terms.type = type;
	}
	if (a->o[A_PRICE].s)
		p.terms.price = a->o[A_PRICE].rp;
	if (a->o[A_PER_GB].s)
		p.terms.per_gb = a->o[A_PER_GB].rp;
	if (a->o[A_QUOTA].s)
		p.terms.quota_bytes = a->o[A_QUOTA].u * RATE_GB;
	if (a->o[A_MIN].s)
		p.terms.min = a->o[A_MIN].rp;
	if (a->o[A_CAP].s)
		p.terms.cap = a->o[A_CAP].rp;
	if (a->o[A_DAYS].s)
		p.days = (uint32_t)a->o[A_DAYS].u;
	if ((p.terms.type == PLAN_PREPAID) != (p.days > 0)) {
		store_abort(txn);
		cli_err(p.days ? "--days is for prepaid plans" :
				 "a prepaid plan needs --days");
		return CLI_USAGE;
	}
	err = plan_speed_args(a, &p.speed);
	if (err) {
		store_abort(txn);
		return err;
	}
	if (rate_plan_check(&p.terms, &why)) {
		store_abort(txn);
		cli_err("plan '%s': %s", p.name, why);
		return CLI_USAGE;
	}
	diff = plan_diff(&old, &p);
	if (!json_object_size(diff)) {
		json_decref(diff);
		store_abort(txn);
		if (c->json)
			bill_json_out(plan_json(&p));
		else
			printf("plan '%s' unchanged\n", p.name);
		return CLI_OK;
	}
	err = plan_set(txn, c->st, &p, now);
	if (!err)
		err = audit_write(txn, c->st, now,
				  audit_cli_actor(actor, sizeof(actor)),
				  "plan_set", NULL, p.name, diff);
	json_decref(diff);
	if (err) {
		store_abort(txn);
		cli_err("cannot change plan '%s': %s", p.name, strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(plan_json(&p));
	else
		printf("changed plan '%s'\n", p.name);
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
		printf("%-20s %-7s %14s %12s %11s %12s %12s SPEED\n", "NAME",
		       "TYPE", "PRICE", "PER GB", "QUOTA", "MIN", "CAP");
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

/* Earlier versions of a plan: JSON array, or printed lines. */
static int plan_rev_cb(int64_t until, const struct plan_rec *p, void *ctx)
{
	json_t *arr = ctx, *o;
	char when[40];

	if (arr) {
		o = plan_json(p);
		json_object_set_new(o, "until", json_integer(until));
		json_array_append_new(arr, o);
		return 0;
	}
	printf("until %s:\n", tt_fmt_time_local(until, when, sizeof(when)));
	plan_print(p);
	return 0;
}

static int plan_cmd_show(struct cli *c, struct cli_args *a)
{
	json_t *o = NULL, *hist = NULL;
	struct plan_rec p;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = plan_get(txn, c->st, a->argv[0], &p);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "unknown plan '%s'" :
					 "cannot read plan '%s'", a->argv[0]);
		return CLI_FAIL;
	}
	if (c->json) {
		o = plan_json(&p);
		hist = json_array();
	} else {
		printf("%-20s %-7s %14s %12s %11s %12s %12s SPEED\n", "NAME",
		       "TYPE", "PRICE", "PER GB", "QUOTA", "MIN", "CAP");
		plan_print(&p);
	}
	err = plan_rev_foreach(txn, c->st, p.name, plan_rev_cb, hist);
	store_abort(txn);
	if (err) {
		json_decref(o);
		json_decref(hist);
		cli_err("cannot read the history of plan '%s': %s", p.name,
			strerror(-err));
		return CLI_FAIL;
	}
	if (o) {
		json_object_set_new(o, "history", hist);
		bill_json_out(o);
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
	  "are never deleted; `tagih plan set` changes one (its earlier "
	  "versions are kept), `tagih sub plan ID PLAN --from DATE` moves a "
	  "subscriber.\n\n"
	  "Speed: --down-mbps and --up-mbps shape every subscriber on the plan "
	  "in the gateway (0 or absent = not shaped). FUP: past --fup-gb G "
	  "(up + down, in the subscriber's period) the rates drop to "
	  "--fup-down-mbps / --fup-up-mbps until the next period or a "
	  "top-up (`tagih sub fup ID --topup-gb G`); on a prepaid plan with "
	  "a quota, the FUP rates apply when the quota runs out, instead of "
	  "isolir.",
	  CLI_CMD_JSON },
	{ "set", "NAME", 1, set_opts, plan_cmd_set, "change a plan",
	  "Changes only the options given; the plan as it was is kept "
	  "(`tagih plan show NAME` lists the earlier versions) and the change "
	  "is in the audit log. A new speed reaches the subscribers on the plan "
	  "within a second (the agent follows policy_gen). A new price applies "
	  "to invoices made from now on.", CLI_CMD_JSON },

	{ "list", "", 0, NULL, plan_cmd_list, "every plan", NULL,
	  CLI_CMD_JSON },
	{ "show", "NAME", 1, NULL, plan_cmd_show, "one plan", NULL,
	  CLI_CMD_JSON },
	{}
};

const struct cli_group cli_plan = {
	"plan", "plans: flat, volume, hybrid, prepaid, with speeds (add, set, "
	"list, show)", NULL,
	plan_cmds
};
