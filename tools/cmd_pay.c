// SPDX-License-Identifier: GPL-2.0
/* cmd_pay.c - `tagih pay`: record a payment (oldest invoice first). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "billing/books.h"
#include "tools/billcli.h"
#include "billing/dunning.h"
#include "billing/pay.h"
#include "lib/ttime.h"
#include "tools/cmd_receipt.h"

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


enum { L_DATE, L_FROM, L_TO, L_METHOD, L_BY, L_KIND };
static const struct cli_opt list_opts[] = {
	[L_DATE] = { "date", CLI_DATE, NULL, "one day (operator's zone)" },
	[L_FROM] = { "from", CLI_DATE, NULL, "first day" },
	[L_TO] = { "to", CLI_DATE, NULL, "last day (included)" },
	[L_METHOD] = { "method", CLI_CHOICE, NULL, "only this method",
		       .choices = "cash|transfer|gateway" },
	[L_BY] = { "by", CLI_STR, "USER",
		   "only payments recorded by USER (a console user, or an "
		   "actor such as cli:root)" },
	[L_KIND] = { "kind", CLI_CHOICE, NULL,
		     "only this kind (a credit: paid for an invoice already "
		     "paid; a reversal: a refund or chargeback)",
		     .choices = "payment|credit|reversal" },
	{}
};

/*
 * The filter of `pay list` and `report collections` from --date or
 * --from/--to (days in the operator's zone). 0 or CLI_USAGE.
 */
int pay_cli_days(const struct cli_val *date, const struct cli_val *from,
		 const struct cli_val *to, struct pay_filter *f)
{
	if (date->n && (from->n || to->n)) {
		cli_err("give --date or --from/--to, not both");
		return CLI_USAGE;
	}
	if (date->n) {
		f->from = tt_day_start(date->day);
		f->to = tt_day_start(date->day + 1);
	}
	if (from->n)
		f->from = tt_day_start(from->day);
	if (to->n)
		f->to = tt_day_start(to->day + 1);
	if (from->n && to->n && to->day < from->day) {
		cli_err("--to is before --from");
		return CLI_USAGE;
	}
	return 0;
}

json_t *pay_list_json(const struct pay_rec *p)
{
	char t[40], u[72];
	json_t *o = pay_json(p, false);

	json_object_del(o, "duplicate");
	json_object_set_new(o, "time", json_string(tt_fmt_time_local(
						p->time, t, sizeof(t))));
	json_object_set_new(o, "by", json_string(books_pay_user(p, u,
							       sizeof(u))));
	json_object_set_new(o, "kind", json_string(books_pay_kind(p)));
	return o;
}

static int cmd_pay_list(struct cli *c, struct cli_args *a)
{
	struct pay_filter f = PAY_FILTER_ANY;
	struct pay_rec *v = NULL;
	char t[40], ab[40], u[72];
	rp_t total = 0;
	MDB_txn *txn;
	size_t n, i;
	int err;

	if ((err = pay_cli_days(&a->o[L_DATE], &a->o[L_FROM], &a->o[L_TO],
				&f)))
		return err;
	if (a->o[L_METHOD].s && pay_method_parse(a->o[L_METHOD].s, &f.method))
		return CLI_USAGE;
	f.by = a->o[L_BY].s;
	f.kind = a->o[L_KIND].s;
	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = books_pay_list(txn, c->st, &f, &v, &n);
	store_abort(txn);
	if (err) {
		cli_err("cannot list payments: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		json_t *arr = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(arr, pay_list_json(&v[i]));
		bill_json_out(arr);
		free(v);
		return CLI_OK;
	}
	printf("%-25s %-24s %-20s %-8s %-16s %14s\n", "TIME", "REF",
	       "SUBSCRIBER", "METHOD", "BY", "AMOUNT");
	for (i = 0; i < n; i++) {
		printf("%-25s %-24s %-20s %-8s %-16s %14s\n",
		       tt_fmt_time_local(v[i].time, t, sizeof(t)),
		       cli_tx(v[i].ref), v[i].sub, pay_method_str(v[i].method),
		       cli_tx(books_pay_user(&v[i], u, sizeof(u))),
		       money_fmt(v[i].amount, ab, sizeof(ab)));
		money_add(&total, v[i].amount);
	}
	printf("%zu payments, %s\n", n, money_fmt(total, ab, sizeof(ab)));
	free(v);
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
	{ "list", "", 0, list_opts, cmd_pay_list,
	  "list payments (the cash book)",
	  "Payments oldest first, with who recorded them (BY: a console "
	  "user's name, or the actor: cli:USER, tagihd:webhook:GATEWAY). "
	  "A date is one day in the operator's zone; --from/--to a range of "
	  "days, both included. Without them: every payment.", CLI_CMD_JSON },
	{ "", "SUB", 1, pay_opts, cmd_pay, "record a payment",
	  "A payment goes to the oldest open invoice first; what is left is "
	  "balance, which pays the next invoice when it is made. --ref (the "
	  "receipt or transfer reference) makes it idempotent: the same ref "
	  "twice is recorded once. RP is whole Rupiah (150000 or 150.000), "
	  "1 to 1.000.000.000.000.", CLI_CMD_JSON },
	{ "receipt", "REF", 1, pay_receipt_opts, pay_cmd_receipt,
	  "the receipt (kuitansi) of a payment: PDF or 58 mm thermal",
	  PAY_RECEIPT_DOC, CLI_CMD_JSON },
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
	"pay", "record a payment (oldest invoice first), list payments",
	NULL, pay_cmds
};
