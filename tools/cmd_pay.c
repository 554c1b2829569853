// SPDX-License-Identifier: GPL-2.0
/* cmd_pay.c - `tagih pay`: record a payment (oldest invoice first). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/dunning.h"
#include "billing/pay.h"
#include "lib/ttime.h"

static json_t *pay_json(const struct pay_rec *p, bool dup)
{
	json_t *al = json_array();
	int i;

	for (i = 0; i < p->nalloc; i++)
		json_array_append_new(al, json_pack("{s:s, s:I}", "invoice",
						    p->alloc[i].number, "amount",
						    (json_int_t)p->alloc[i].amount));
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:I, s:b}", "ref",
			 p->ref, "subscriber", p->sub, "amount",
			 (json_int_t)p->amount, "method",
			 pay_method_str(p->method), "kind",
			 pay_kind_str(p->kind), "allocations", al,
			 "to_balance", (json_int_t)p->to_balance, "duplicate",
			 dup);
}

enum { P_AMOUNT, P_METHOD, P_REF };
static const struct cli_opt pay_opts[] = {
	[P_AMOUNT] = { "amount", CLI_AMOUNT, NULL, "the amount received",
		       CLI_REQ },
	[P_METHOD] = { "method", CLI_CHOICE, NULL, "how it was paid", CLI_REQ,
		       .choices = "cash|transfer|gateway" },
	[P_REF] = { "ref", CLI_STR, "REF",
		    "receipt or transfer reference (the same ref twice is "
		    "recorded once)", CLI_REQ },
	{}
};

static int cmd_pay(struct cli *c, struct cli_args *a)
{
	const char *ref = a->o[P_REF].s;
	const char *sub = a->argv[0];
	struct pay_rec p;
	struct store *st;
	MDB_txn *txn;
	rp_t amount = a->o[P_AMOUNT].rp;
	int ret, method = -1, i;
	char actor[64], ab[40];

	if (!amount) {
		cli_err("--amount must be more than 0");
		return CLI_USAGE;
	}
	if (pay_method_parse(a->o[P_METHOD].s, &method))
		return CLI_USAGE;
	if (pay_ref_check(ref)) {
		cli_err("--ref '%s': 1..%d printable characters, no spaces",
			ref, PAY_REF_MAX);
		return CLI_USAGE;
	}
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	st = c->st;
	ret = pay_apply(txn, st, sub, amount, method, ref, NULL, 0,
			tt_now(), audit_cli_actor(actor, sizeof(actor)), &p);
	if (ret < 0) {
		store_abort(txn);
		if (ret == -ENOENT)
			cli_err("unknown subscriber '%s'", sub);
		else if (ret == -EEXIST)
			cli_err("ref '%s' is already recorded for another "
				"subscriber or amount", ref);
		else if (ret == -ERANGE)
			cli_err("the payment would take a balance or invoice "
				"of '%s' past what int64 Rupiah holds; nothing "
				"recorded", sub);
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
		       "changed\n", ref, money_fmt(p.amount, ab, sizeof(ab)));
		return CLI_OK;
	}
	printf("recorded %s from '%s' (ref %s)\n",
	       money_fmt(p.amount, ab, sizeof(ab)), p.sub, p.ref);
	for (i = 0; i < p.nalloc; i++)
		printf("  %-28s %14s\n", p.alloc[i].number,
		       money_fmt(p.alloc[i].amount, ab, sizeof(ab)));
	if (p.to_balance)
		printf("  %-28s %14s\n", "to balance",
		       money_fmt(p.to_balance, ab, sizeof(ab)));
	return CLI_OK;
}

/* --- pay flagged -------------------------------------------------------- */

struct flag_ctx {
	json_t *arr;	/* --json */
	unsigned n;
};

static int flag_cb(const struct pay_rec *p, void *ctx)
{
	struct flag_ctx *f = ctx;
	char tb[40], ab[40];
	json_t *o;
	int i;

	if (p->kind == PAY_KIND_PAYMENT)
		return 0;
	f->n++;
	if (f->arr) {
		o = pay_json(p, false);
		json_object_del(o, "duplicate");
		json_object_set_new(o, "time", json_string(
			tt_fmt_time_local(p->time, tb, sizeof(tb))));
		json_object_set_new(o, "actor", json_string(p->actor));
		return json_array_append_new(f->arr, o) ? -ENOMEM : 0;
	}
	printf("%s  %-8s %-16s %14s  %s", tt_fmt_time_local(p->time, tb,
	       sizeof(tb)), pay_kind_str(p->kind), p->sub,
	       money_fmt(p->amount, ab, sizeof(ab)), p->ref);
	for (i = 0; i < p->nalloc && i < PAY_ALLOC_MAX; i++)
		printf("%s%s", i ? ", " : "  ", p->alloc[i].number);
	if (p->to_balance)
		printf("%sbalance %s", p->nalloc ? ", " : "  ",
		       money_fmt(p->to_balance, ab, sizeof(ab)));
	putchar('\n');
	return 0;
}

static int cmd_pay_flagged(struct cli *c, struct cli_args *a)
{
	struct flag_ctx f = { 0 };
	MDB_txn *txn;
	int err;

	(void)a;
	if (c->json && !(f.arr = json_array()))
		return CLI_FAIL;
	if (cli_begin(c, false, &txn)) {
		json_decref(f.arr);
		return CLI_FAIL;
	}
	err = pay_foreach(txn, c->st, NULL, flag_cb, &f);
	store_abort(txn);
	if (err) {
		json_decref(f.arr);
		cli_err("cannot read the payments: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (f.arr)
		bill_json_out(f.arr);
	else if (!f.n)
		printf("no credits or reversals to review\n");
	return CLI_OK;
}

static const struct cli_cmd pay_cmds[] = {
	{ "", "SUB", 1, pay_opts, cmd_pay, "record a payment",
	  "A payment goes to the oldest open invoice first; what is left is "
	  "balance, which pays the next invoice when it is made. --ref (the "
	  "receipt or transfer reference) makes it idempotent: the same ref "
	  "twice is recorded once. RP is whole Rupiah (150000 or 150.000), "
	  "1 to 1.000.000.000.000.", CLI_CMD_JSON },
	{ "flagged", "", 0, NULL, cmd_pay_flagged,
	  "credits and reversals for the operator to review",
	  "Lists the payment records that are not plain payments, oldest "
	  "reference first: credits (a gateway payment for an invoice that "
	  "was already paid or void, such as a second payment link paid or a "
	  "virtual account paid twice: the money went to the subscriber's "
	  "balance, which pays the next invoice) and reversals (a refund or "
	  "chargeback at the gateway: a negative payment that took the money "
	  "back from the invoices it had paid, which are open again, and "
	  "from the balance). Each line: time, kind, subscriber, amount, "
	  "reference, then where the money went. --json gives the same "
	  "records as `tagih pay --json` does, with time and actor.",
	  CLI_CMD_JSON },
	{}
};

const struct cli_group cli_pay = {
	"pay", "record a payment (oldest invoice first)", NULL, pay_cmds
};
