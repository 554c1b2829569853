// SPDX-License-Identifier: GPL-2.0
/* cmd_subbill.c - the billing side of `tagih sub`: plan, cycle, terminate, add-ons. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/plan.h"
#include "lib/ttime.h"

static void subbill_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub plan ID PLAN --from YYYY-MM-DD\n"
		"       tagih sub terminate ID [--date YYYY-MM-DD]\n"
		"       tagih sub addon add ID PRODUCT --price RP [--from "
		"YYYY-MM-DD]\n"
		"       tagih sub addon del ID PRODUCT [--until YYYY-MM-DD]\n"
		"       tagih sub addon list ID [--json]\n"
		"\n"
		"  A plan change splits the billing period by days: the old "
		"plan up to the day\n"
		"  before --from, the new plan from it. Terminating on DATE "
		"bills up to the day\n"
		"  before DATE. Add-ons are fixed monthly products (static IP, "
		"TV), prorated\n"
		"  by day like the plan fee.\n");
}

int sub_bill_opt(struct sub_rec *r, const char *opt, const char *arg)
{
	uint64_t v;
	int ret;

	if (!strcmp(opt, "plan")) {
		if (plan_name_check(arg)) {
			cli_err("bad plan name '%s'", arg);
			return CLI_USAGE;
		}
		snprintf(r->plan, sizeof(r->plan), "%s", arg);
		return 0;
	}
	if (!strcmp(opt, "activated"))
		return bill_date("activated", arg, &r->activated);
	if (!strcmp(opt, "cycle")) {
		if (!strcmp(arg, "calendar"))
			r->cycle = CYCLE_CALENDAR;
		else if (!strcmp(arg, "anniversary"))
			r->cycle = CYCLE_ANNIVERSARY;
		else {
			cli_err("--cycle '%s': use calendar or anniversary",
				arg);
			return CLI_USAGE;
		}
		return 0;
	}
	if (!strcmp(opt, "cycle-day")) {
		ret = bill_uint("cycle-day", arg, 28, &v);
		if (ret)
			return ret;
		if (!v) {
			cli_err("--cycle-day must be 1..28");
			return CLI_USAGE;
		}
		r->cycle_day = v;
		return 0;
	}
	return CLI_USAGE;
}

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

	*st = cli_store(c);
	if (!*st || store_begin(*st, true, txn))
		return CLI_FAIL;
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

static int subbill_plan(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct plan_seg seg;
	struct plan_rec p;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int32_t from = 0;
	bool have_from = false;
	int o, ret, err, n;
	char why[96];

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'f') {
			ret = bill_date("from", optarg, &from);
			if (ret)
				return ret;
			have_from = true;
		} else {
			subbill_usage(o == 'h' ? stdout : stderr);
			return o == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (optind + 2 != argc || !have_from) {
		subbill_usage(stderr);
		return CLI_USAGE;
	}
	ret = subbill_begin(c, argv[optind], &st, &txn, &r);
	if (ret)
		return ret;
	err = plan_get(txn, st, argv[optind + 1], &p);
	if (err) {
		cli_err("unknown plan '%s' (see tagih plan list)",
			argv[optind + 1]);
		goto fail;
	}
	if (from < r.activated) {
		cli_err("--from is before '%s' was activated", r.id);
		goto fail;
	}
	/* a subscriber added without history: its plan ran from activation */
	n = plan_hist_segments(txn, st, r.id, INT32_MIN, INT32_MAX, &seg, 1);
	if (n == 0 && r.plan[0] && from > r.activated) {
		err = plan_hist_set(txn, st, r.id, r.activated, r.plan);
		if (err)
			goto fail_err;
	}
	err = plan_hist_set(txn, st, r.id, from, p.name);
	if (err)
		goto fail_err;
	if (from <= tt_local_day(tt_now())) {
		snprintf(r.plan, sizeof(r.plan), "%s", p.name);
		err = sub_put(txn, st, &r);
		if (err)
			goto fail_err;
	}
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

static int subbill_terminate(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int32_t day = tt_local_day(tt_now());
	int o, ret, err;
	char d[32];

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'd') {
			ret = bill_date("date", optarg, &day);
			if (ret)
				return ret;
		} else {
			subbill_usage(o == 'h' ? stdout : stderr);
			return o == 'h' ? CLI_OK : CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		subbill_usage(stderr);
		return CLI_USAGE;
	}
	ret = subbill_begin(c, argv[optind], &st, &txn, &r);
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

static int subbill_addon(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "price", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "until", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct addon_rec a = { .version = ADDON_REC_VERSION };
	const char *verb = argc > 1 ? argv[1] : "";
	bool have_price = false;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int o, ret, err;

	a.from = tt_local_day(tt_now());
	a.until = a.from;
	optind = 0;
	while ((o = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		ret = 0;
		if (o == 'p') {
			ret = bill_amount("price", optarg, &a.price);
			have_price = true;
		} else if (o == 'f') {
			ret = bill_date("from", optarg, &a.from);
		} else if (o == 'u') {
			ret = bill_date("until", optarg, &a.until);
		} else {
			subbill_usage(o == 'h' ? stdout : stderr);
			return o == 'h' ? CLI_OK : CLI_USAGE;
		}
		if (ret)
			return ret;
	}
	optind++;	/* argv + 1 */
	if (!strcmp(verb, "list") && optind + 1 == argc) {
		json_t *arr = c->json ? json_array() : NULL;

		st = cli_store(c);
		if (!st || store_begin(st, false, &txn))
			return CLI_FAIL;
		err = sub_get(txn, st, argv[optind], &r);
		if (!err)
			err = addon_foreach(txn, st, r.id, addon_list_cb, arr);
		store_abort(txn);
		if (err) {
			json_decref(arr);
			cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
						 "cannot list add-ons of '%s'",
				argv[optind]);
			return CLI_FAIL;
		}
		if (arr)
			bill_json_out(arr);
		return CLI_OK;
	}
	if ((strcmp(verb, "add") && strcmp(verb, "del")) ||
	    optind + 2 != argc) {
		subbill_usage(stderr);
		return CLI_USAGE;
	}
	if (plan_name_check(argv[optind + 1])) {
		cli_err("bad product name '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			argv[optind + 1], PLAN_NAME_MAX);
		return CLI_USAGE;
	}
	if (!strcmp(verb, "add") && !have_price) {
		cli_err("--price is required");
		return CLI_USAGE;
	}
	ret = subbill_begin(c, argv[optind], &st, &txn, &r);
	if (ret)
		return ret;
	if (!strcmp(verb, "add")) {
		snprintf(a.product, sizeof(a.product), "%s", argv[optind + 1]);
		a.until = 0;
		if (a.from < r.activated)
			a.from = r.activated;
	} else {
		int32_t until = a.until;

		err = addon_get(txn, st, r.id, argv[optind + 1], &a);
		if (err) {
			cli_err("'%s' has no add-on '%s'", r.id,
				argv[optind + 1]);
			goto fail;
		}
		a.until = until;
	}
	if (a.until && a.until <= a.from) {
		/* ended before it started: it was never billed */
		uint8_t key[80];
		size_t n = strlen(r.id), m = strlen(a.product);

		memcpy(key, r.id, n + 1);
		memcpy(key + n + 1, a.product, m);
		err = store_del(txn, st, DB_ADDONS, key, n + 1 + m);
	} else {
		err = addon_put(txn, st, r.id, &a);
	}
	if (err) {
		cli_err("cannot change add-on '%s': %s", a.product,
			strerror(-err));
		goto fail;
	}
	ret = subbill_commit(txn, st, !strcmp(verb, "add") ? "addon_add" :
							      "addon_del",
			     r.id, a.product);
	if (!ret)
		printf("%s add-on '%s' %s '%s'\n",
		       !strcmp(verb, "add") ? "attached" : "ended", a.product,
		       !strcmp(verb, "add") ? "to" : "for", r.id);
	return ret;
fail:
	store_abort(txn);
	return CLI_FAIL;
}

int cmd_sub_bill(struct cli *c, int argc, char **argv)
{
	if (!strcmp(argv[0], "plan"))
		return subbill_plan(c, argc, argv);
	if (!strcmp(argv[0], "terminate"))
		return subbill_terminate(c, argc, argv);
	if (!strcmp(argv[0], "addon"))
		return subbill_addon(c, argc, argv);
	subbill_usage(stderr);
	return CLI_USAGE;
}
