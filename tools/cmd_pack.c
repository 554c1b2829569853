// SPDX-License-Identifier: GPL-2.0
/* cmd_pack.c - `tagih pack`: quota packs (add, list) and buying one for a subscriber. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/pack.h"
#include "billing/pay.h"
#include "billing/prepaid.h"
#include "lib/ttime.h"

static json_t *pack_json(const struct pack_rec *p)
{
	return json_pack("{s:s, s:I, s:I, s:i}", "name", p->name, "bytes",
			 (json_int_t)p->bytes, "price", (json_int_t)p->price,
			 "days", (int)p->days);
}

static void pack_print(const struct pack_rec *p)
{
	char a[40], b[40];

	printf("%-20s %12s %14s %6u\n", p->name,
	       cli_fmt_bytes(p->bytes, b, sizeof(b)),
	       money_fmt(p->price, a, sizeof(a)), p->days);
}

enum { K_GB, K_PRICE, K_DAYS };
static const struct cli_opt add_opts[] = {
	[K_GB] = { "gb", CLI_UINT, "G", "quota it adds (GB = 10^9 bytes)",
		   CLI_REQ, .min = 1, .max = 1000000 },
	[K_PRICE] = { "price", CLI_AMOUNT, NULL,
		      "its price (PPN as tax_mode says)", CLI_REQ },
	[K_DAYS] = { "days", CLI_UINT, "N", "days the quota stays valid",
		     CLI_REQ, .min = 1, .max = PLAN_DAYS_MAX },
	{}
};

static int pack_cmd_add(struct cli *c, struct cli_args *a)
{
	struct pack_rec p = { .version = PACK_REC_VERSION };
	MDB_txn *txn;
	int err;

	if (plan_name_check(a->argv[0])) {
		cli_err("bad pack name '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			a->argv[0], PLAN_NAME_MAX);
		return CLI_USAGE;
	}
	if (!a->o[K_PRICE].rp) {
		cli_err("--price must be more than 0");
		return CLI_USAGE;
	}
	snprintf(p.name, sizeof(p.name), "%s", a->argv[0]);
	p.bytes = a->o[K_GB].u * RATE_GB;
	p.price = a->o[K_PRICE].rp;
	p.days = (uint32_t)a->o[K_DAYS].u;
	p.created = tt_now();
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = pack_add(txn, c->st, &p);
	if (err) {
		store_abort(txn);
		cli_err(err == -EEXIST ? "pack '%s' already exists (packs are "
			"never changed: add a new one)" :
			"cannot add pack '%s'", p.name);
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(pack_json(&p));
	else
		printf("added pack '%s'\n", p.name);
	return CLI_OK;
}

static int pack_list_cb(const struct pack_rec *p, void *ctx)
{
	if (ctx)
		json_array_append_new(ctx, pack_json(p));
	else
		pack_print(p);
	return 0;
}

static int pack_cmd_list(struct cli *c, struct cli_args *a)
{
	json_t *arr = c->json ? json_array() : NULL;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	if (!arr)
		printf("%-20s %12s %14s %6s\n", "NAME", "QUOTA", "PRICE",
		       "DAYS");
	err = pack_foreach(txn, c->st, pack_list_cb, arr);
	store_abort(txn);
	if (err) {
		json_decref(arr);
		cli_err("cannot list packs: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (arr)
		bill_json_out(arr);
	return CLI_OK;
}

enum { B_METHOD, B_REF, B_NOW };
static const struct cli_opt buy_opts[] = {
	[B_METHOD] = { "method", CLI_CHOICE, NULL, "how it was paid", CLI_REQ,
		       .choices = "cash|transfer|gateway" },
	[B_REF] = { "ref", CLI_STR, "REF",
		    "receipt or transfer reference (the same ref twice is "
		    "recorded once)", CLI_REQ },
	[B_NOW] = { "now", CLI_TIME, NULL,
		    "pretend it is this instant (ISO 8601 or @unix)" },
	{}
};

/* The purchase: an order (receipt) paid in full by one payment. */
static int pack_cmd_buy(struct cli *c, struct cli_args *a)
{
	const char *sub = a->argv[0], *name = a->argv[1], *ref = a->o[B_REF].s;
	int64_t now = a->o[B_NOW].n ? a->o[B_NOW].t : tt_now();
	char number[INV_NUM_MAX], actor[64], ab[40];
	struct pay_rec p;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int method = 0, ret;
	rp_t total;

	if (pay_method_parse(a->o[B_METHOD].s, &method))
		return CLI_USAGE;
	if (pay_ref_check(ref)) {
		cli_err("--ref '%s': 1..%d printable characters, no spaces",
			ref, PAY_REF_MAX);
		return CLI_USAGE;
	}
	if (cli_sub_begin(c, true, sub, &st, &txn, &r))
		return CLI_FAIL;
	ret = prepaid_order(txn, st, r.id, ORDER_PACK, name, now, number,
			    &total);
	if (!ret)
		ret = pay_apply_for(txn, st, r.id, number, total, method,
				    PAY_KIND_PAYMENT, ref,
				    NULL, 0, now,
				    audit_cli_actor(actor, sizeof(actor)), &p);
	if (ret < 0) {
		store_abort(txn);
		if (ret == -ENOENT)
			cli_err("unknown pack '%s'", name);
		else if (ret == -ENOTSUP)
			cli_err("'%s' has no quota to top up (its plan is not "
				"a prepaid plan with --quota-gb)", r.id);
		else if (ret == -EPERM)
			cli_err("refusing to charge PPN without operator_npwp");
		else if (ret == -EEXIST)
			cli_err("ref '%s' is already recorded for another "
				"subscriber or amount", ref);
		else
			cli_err("cannot buy pack '%s': %s", name,
				strerror(-ret));
		return CLI_FAIL;
	}
	if (ret == 0) {
		store_abort(txn);
		printf("payment %s was already recorded; nothing changed\n",
		       ref);
		return CLI_OK;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s, s:s, s:I, s:s}",
					"subscriber", r.id, "pack", name,
					"receipt", number, "total",
					(json_int_t)total, "ref", ref));
	else
		printf("'%s' bought pack '%s' for %s: receipt %s\n", r.id,
		       name, money_fmt(total, ab, sizeof(ab)), number);
	return CLI_OK;
}

static const struct cli_cmd pack_cmds[] = {
	{ "add", "NAME", 1, add_opts, pack_cmd_add, "add a quota pack",
	  "A pack adds --gb to a subscriber's quota for --days (the quota "
	  "ends at the later of its end and the pack's). Only subscribers "
	  "with a quota (a prepaid plan with --quota-gb) can buy one. Packs "
	  "are never changed or deleted.", CLI_CMD_JSON },
	{ "list", "", 0, NULL, pack_cmd_list, "every pack", NULL,
	  CLI_CMD_JSON },
	{ "buy", "SUB NAME", 2, buy_opts, pack_cmd_buy,
	  "sell a pack to a subscriber (paid now)",
	  "Makes the pack's receipt (receipt_prefix, PPN as for plans) and "
	  "records the payment of its total against it, in one transaction: "
	  "the quota is there at once and a subscriber isolated for a used "
	  "up quota is restored. On the customer page the same purchase "
	  "goes through the payment gateway.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_pack = {
	"pack", "quota packs (add, list, buy)", NULL, pack_cmds
};
