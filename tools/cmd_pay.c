// SPDX-License-Identifier: GPL-2.0
/* cmd_pay.c - `tagih pay` (record a payment) and `tagih balance`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/dunning.h"
#include "billing/pay.h"
#include "lib/ttime.h"

static void pay_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih pay SUB --amount RP --method cash|transfer|gateway "
		"--ref REF [--json]\n"
		"       tagih balance SUB [--json]\n"
		"\n"
		"  A payment goes to the oldest open invoice first; what is "
		"left is balance,\n"
		"  which pays the next invoice when it is made. --ref (the "
		"receipt or transfer\n"
		"  reference) makes it idempotent: the same ref twice is "
		"recorded once.\n"
		"  RP is whole Rupiah (150000 or 150.000), 1 to "
		"1.000.000.000.000.\n");
}

static json_t *pay_json(const struct pay_rec *p, bool dup)
{
	json_t *al = json_array();
	int i;

	for (i = 0; i < p->nalloc; i++)
		json_array_append_new(al, json_pack("{s:s, s:I}", "invoice",
						    p->alloc[i].number, "amount",
						    (json_int_t)p->alloc[i].amount));
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:I, s:b}", "ref", p->ref,
			 "subscriber", p->sub, "amount", (json_int_t)p->amount,
			 "method", pay_method_str(p->method), "allocations", al,
			 "to_balance", (json_int_t)p->to_balance, "duplicate",
			 dup);
}

int cmd_pay(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "amount", required_argument, NULL, 'a' },
		{ "method", required_argument, NULL, 'm' },
		{ "ref", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *ref = NULL;
	struct pay_rec p;
	struct store *st;
	MDB_txn *txn;
	rp_t amount = -1;
	int o, ret, method = -1, i;
	char actor[64], a[40];

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			ret = bill_amount("amount", optarg, &amount);
			if (ret)
				return ret;
			if (!amount) {
				cli_err("--amount must be more than 0");
				return CLI_USAGE;
			}
			break;
		case 'm':
			if (pay_method_parse(optarg, &method)) {
				cli_err("--method '%s': use cash, transfer or "
					"gateway", optarg);
				return CLI_USAGE;
			}
			break;
		case 'r':
			if (pay_ref_check(optarg)) {
				cli_err("--ref '%s': 1..%d printable "
					"characters, no spaces", optarg,
					PAY_REF_MAX);
				return CLI_USAGE;
			}
			ref = optarg;
			break;
		case 'h':
			pay_usage(stdout);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc || amount < 0 || method < 0 || !ref) {
		if (optind + 1 == argc)
			cli_err("pay needs --amount, --method and --ref");
		else
			pay_usage(stderr);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, true, &txn))
		return CLI_FAIL;
	ret = pay_apply(txn, st, argv[optind], amount, method, ref, NULL, 0,
			tt_now(), audit_cli_actor(actor, sizeof(actor)), &p);
	if (ret < 0) {
		store_abort(txn);
		if (ret == -ENOENT)
			cli_err("unknown subscriber '%s'", argv[optind]);
		else if (ret == -EEXIST)
			cli_err("ref '%s' is already recorded for another "
				"subscriber or amount", ref);
		else if (ret == -ERANGE)
			cli_err("the payment would take a balance or invoice "
				"of '%s' past what int64 Rupiah holds; nothing "
				"recorded", argv[optind]);
		else
			cli_err("cannot record the payment: %s",
				strerror(-ret));
		return CLI_FAIL;
	}
	if (ret == 0) {
		store_abort(txn);	/* nothing to write */
	} else {
		if (store_commit(txn))
			return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(pay_json(&p, ret == 0));
		return CLI_OK;
	}
	if (ret == 0) {
		printf("payment %s was already recorded (%s); nothing "
		       "changed\n", ref, money_fmt(p.amount, a, sizeof(a)));
		return CLI_OK;
	}
	printf("recorded %s from '%s' (ref %s)\n",
	       money_fmt(p.amount, a, sizeof(a)), p.sub, p.ref);
	for (i = 0; i < p.nalloc; i++)
		printf("  %-28s %14s\n", p.alloc[i].number,
		       money_fmt(p.alloc[i].amount, a, sizeof(a)));
	if (p.to_balance)
		printf("  %-28s %14s\n", "to balance",
		       money_fmt(p.to_balance, a, sizeof(a)));
	return CLI_OK;
}

int cmd_balance(struct cli *c, int argc, char **argv)
{
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	rp_t open = 0;
	int n = 0, err;
	char a[40], b[40];

	if (argc != 2 || argv[1][0] == '-') {
		pay_usage(argc == 2 && !strcmp(argv[1], "--help") ? stdout :
								   stderr);
		return argc == 2 && !strcmp(argv[1], "--help") ? CLI_OK :
								 CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, false, &txn))
		return CLI_FAIL;
	err = sub_get(txn, st, argv[1], &r);
	if (!err)
		err = pay_outstanding(txn, st, r.id, &open, &n);
	store_abort(txn);
	if (err) {
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
					 "cannot read '%s'", argv[1]);
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(json_pack("{s:s, s:I, s:I, s:i, s:I}",
					"subscriber", r.id, "balance",
					(json_int_t)r.balance, "open",
					(json_int_t)open, "open_invoices", n,
					"due", (json_int_t)(open > r.balance ?
							    open - r.balance :
							    0)));
		return CLI_OK;
	}
	printf("%s: balance %s, %d open invoice%s, %s open\n", r.id,
	       money_fmt(r.balance, a, sizeof(a)), n, n == 1 ? "" : "s",
	       money_fmt(open, b, sizeof(b)));
	return CLI_OK;
}
