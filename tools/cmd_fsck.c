// SPDX-License-Identifier: GPL-2.0
/* cmd_fsck.c - `tagih fsck`: check the billing ledger, non-zero on any violation. */
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/fsck.h"

static int cmd_fsck(struct cli *c, struct cli_args *a)
{
	struct fsck_report r;
	struct store *st;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	st = c->st;
	err = fsck_run(txn, st, c->json ? NULL : stdout, &r);
	store_abort(txn);
	if (err) {
		cli_err("fsck could not read the store: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json)
		bill_json_out(json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
					"s:i}",
					"invoices", (json_int_t)r.invoices,
					"payments", (json_int_t)r.payments,
					"subscribers", (json_int_t)r.subs,
					"paid_in", (json_int_t)r.paid_in,
					"allocated", (json_int_t)r.allocated,
					"balances", (json_int_t)r.balances,
					"usage_totals",
					(json_int_t)r.usage_totals,
					"violations", r.violations));
	else
		printf("fsck: %llu invoices, %llu payments, %llu subscribers: "
		       "%d violation%s\n", (unsigned long long)r.invoices,
		       (unsigned long long)r.payments,
		       (unsigned long long)r.subs, r.violations,
		       r.violations == 1 ? "" : "s");
	return r.violations ? CLI_FAIL : CLI_OK;
}

static const struct cli_cmd fsck_cmds[] = {
	{ "", "", 0, NULL, cmd_fsck, "check the billing ledger's invariants",
	  "Checks invoice totals, payment allocations, balances, gap-free "
	  "numbers and that each subscriber's running usage total equals "
	  "the sum of its hourly usage; exits 1 on any violation.",
	  CLI_CMD_JSON },
	{}
};

const struct cli_group cli_fsck = {
	"fsck", "check the billing ledger's invariants", NULL, fsck_cmds
};
