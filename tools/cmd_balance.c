// SPDX-License-Identifier: GPL-2.0
/* cmd_balance.c - `tagih balance`: a subscriber's balance and what is open. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/pay.h"

static int cmd_balance(struct cli *c, struct cli_args *args)
{
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	rp_t open = 0;
	int n = 0, err;
	char a[40], b[40];

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	st = c->st;
	err = sub_get(txn, st, args->argv[0], &r);
	if (!err)
		err = pay_outstanding(txn, st, r.id, &open, &n);
	store_abort(txn);
	if (err) {
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
					 "cannot read '%s'", args->argv[0]);
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

static const struct cli_cmd balance_cmds[] = {
	{ "", "SUB", 1, NULL, cmd_balance,
	  "the subscriber's balance and open invoices",
	  "due is what is open less the balance: what the subscriber still "
	  "has to pay.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_balance = {
	"balance", "a subscriber's balance and open invoices", NULL,
	balance_cmds
};
