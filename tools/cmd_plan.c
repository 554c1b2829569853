// SPDX-License-Identifier: GPL-2.0
/* cmd_plan.c - `tagih plan`: add, list and show plans (flat, volume, hybrid). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "lib/ttime.h"

static void plan_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih plan add NAME --type flat|volume|hybrid [--price RP] "
		"[--per-gb RP]\n"
		"                      [--quota-gb N] [--min RP] [--cap RP]\n"
		"       tagih plan list [--json]\n"
		"       tagih plan show NAME [--json]\n"
		"\n"
		"  flat:   --price (monthly fee)\n"
		"  volume: --per-gb, optional --min (minimum charge) and --cap\n"
		"  hybrid: --price with --quota-gb included, then --per-gb "
		"overage, optional --cap\n"
		"  Amounts in whole Rupiah (150000 or 150.000). GB = 10^9 "
		"bytes.\n"
		"  Plans are never deleted or changed: add a new one and move "
		"subscribers\n"
		"  with `tagih sub plan ID PLAN --from DATE`.\n");
}

static json_t *plan_json(const struct plan_rec *p)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "name",
			 p->name, "type", rate_plan_type_str(p->terms.type),
			 "price", (json_int_t)p->terms.price, "per_gb",
			 (json_int_t)p->terms.per_gb, "quota_bytes",
			 (json_int_t)p->terms.quota_bytes, "min",
			 (json_int_t)p->terms.min, "cap",
			 (json_int_t)p->terms.cap);
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

static int plan_cmd_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "price", required_argument, NULL, 'p' },
		{ "per-gb", required_argument, NULL, 'g' },
		{ "quota-gb", required_argument, NULL, 'q' },
		{ "min", required_argument, NULL, 'm' },
		{ "cap", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct plan_rec p = { .version = PLAN_REC_VERSION };
	const char *why = NULL;
	struct store *st;
	MDB_txn *txn;
	uint64_t gb;
	int o, ret, type = -1, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = 0;
		switch (o) {
		case 't':
			if (rate_plan_type_parse(optarg, &type)) {
				cli_err("--type '%s': use flat, volume or "
					"hybrid", optarg);
				return CLI_USAGE;
			}
			break;
		case 'p':
			ret = bill_amount("price", optarg, &p.terms.price);
			break;
		case 'g':
			ret = bill_amount("per-gb", optarg, &p.terms.per_gb);
			break;
		case 'q':
			ret = bill_uint("quota-gb", optarg, 1000000000, &gb);
			p.terms.quota_bytes = gb * RATE_GB;
			break;
		case 'm':
			ret = bill_amount("min", optarg, &p.terms.min);
			break;
		case 'c':
			ret = bill_amount("cap", optarg, &p.terms.cap);
			break;
		case 'h':
			plan_usage(stdout);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
		if (ret)
			return ret;
	}
	if (optind + 1 != argc) {
		plan_usage(stderr);
		return CLI_USAGE;
	}
	if (plan_name_check(argv[optind])) {
		cli_err("bad plan name '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			argv[optind], PLAN_NAME_MAX);
		return CLI_USAGE;
	}
	if (type < 0) {
		cli_err("--type is required (flat, volume or hybrid)");
		return CLI_USAGE;
	}
	snprintf(p.name, sizeof(p.name), "%s", argv[optind]);
	p.terms.type = type;
	p.created = tt_now();
	if (rate_plan_check(&p.terms, &why)) {
		cli_err("plan '%s': %s", p.name, why);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, true, &txn))
		return CLI_FAIL;
	err = plan_add(txn, st, &p);
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

static int plan_cmd_list(struct cli *c, int argc, char **argv)
{
	struct plan_list pl = { c, NULL };
	struct store *st;
	MDB_txn *txn;
	int err;

	if (argc != 1) {
		plan_usage(stderr);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, false, &txn))
		return CLI_FAIL;
	if (c->json)
		pl.arr = json_array();
	else
		printf("%-20s %-7s %14s %12s %11s %12s %12s\n", "NAME", "TYPE",
		       "PRICE", "PER GB", "QUOTA", "MIN", "CAP");
	err = plan_foreach(txn, st, plan_list_cb, &pl);
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

static int plan_cmd_show(struct cli *c, int argc, char **argv)
{
	struct plan_rec p;
	struct store *st;
	MDB_txn *txn;
	int err;

	if (argc != 2) {
		plan_usage(stderr);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, false, &txn))
		return CLI_FAIL;
	err = plan_get(txn, st, argv[1], &p);
	store_abort(txn);
	if (err) {
		cli_err(err == -ENOENT ? "unknown plan '%s'" :
					 "cannot read plan '%s'", argv[1]);
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

int cmd_plan(struct cli *c, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb || !strcmp(verb, "-h") || !strcmp(verb, "--help")) {
		plan_usage(verb ? stdout : stderr);
		return verb ? CLI_OK : CLI_USAGE;
	}
	if (!strcmp(verb, "add"))
		return plan_cmd_add(c, argc - 1, argv + 1);
	if (!strcmp(verb, "list"))
		return plan_cmd_list(c, argc - 1, argv + 1);
	if (!strcmp(verb, "show"))
		return plan_cmd_show(c, argc - 1, argv + 1);
	cli_err("unknown 'plan' command '%s'", verb);
	plan_usage(stderr);
	return CLI_USAGE;
}
