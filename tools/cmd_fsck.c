// SPDX-License-Identifier: GPL-2.0
/* cmd_fsck.c - `tagih fsck`: check the billing ledger, non-zero on any violation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/fsck.h"

enum { O_DEEP };
static const struct cli_opt fsck_opts[] = {
	[O_DEEP] = { "deep", CLI_FLAG, NULL,
		     "also decode every record of every table" },
	{}
};

static int cmd_fsck(struct cli *c, struct cli_args *a)
{
	bool deep = a->o[O_DEEP].n > 0;
	struct fsck_deep_report dr = { 0 };
	struct fsck_report r = { 0 };
	struct store *st;
	MDB_txn *txn;
	int err, derr = 0;
	json_t *j;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	st = c->st;
	if (deep) {
		derr = fsck_deep(txn, st, c->json ? NULL : stdout, &dr);
		/* the ledger's rules on records that did not decode would
		 * only repeat them: quiet, as fsck --deep said it */
		store_set_quiet(st, true);
	}
	err = fsck_run(txn, st, c->json ? NULL : stdout, &r);
	store_abort(txn);
	if (derr) {
		cli_err("fsck --deep could not read the store: %s",
			strerror(-derr));
		return CLI_FAIL;
	}
	if (err == -EBADMSG && deep && dr.bad) {
		err = 0;	/* damaged records, listed above */
	} else if (err == -EBADMSG) {
		cli_err("fsck: the store is damaged (a record fails its "
			"checksum): run `tagih fsck --deep`");
		return CLI_FAIL;
	} else if (err) {
		cli_err("fsck could not read the store: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i}",
			      "invoices", (json_int_t)r.invoices,
			      "payments", (json_int_t)r.payments,
			      "subscribers", (json_int_t)r.subs,
			      "paid_in", (json_int_t)r.paid_in,
			      "allocated", (json_int_t)r.allocated,
			      "balances", (json_int_t)r.balances,
			      "usage_totals", (json_int_t)r.usage_totals,
			      "violations", r.violations);
		if (j && deep)
			json_object_set_new(j, "deep", json_pack(
				"{s:I, s:I, s:i}", "tables",
				(json_int_t)dr.tables, "records",
				(json_int_t)dr.records, "damaged", dr.bad));
		bill_json_out(j);
	} else {
		if (deep)
			printf("fsck --deep: %llu tables, %llu records: %d "
			       "damaged\n", (unsigned long long)dr.tables,
			       (unsigned long long)dr.records, dr.bad);
		printf("fsck: %llu invoices, %llu payments, %llu subscribers: "
		       "%d violation%s\n", (unsigned long long)r.invoices,
		       (unsigned long long)r.payments,
		       (unsigned long long)r.subs, r.violations,
		       r.violations == 1 ? "" : "s");
	}
	return r.violations || dr.bad ? CLI_FAIL : CLI_OK;
}

static const struct cli_cmd fsck_cmds[] = {
	{ "", "", 0, fsck_opts, cmd_fsck, "check the billing ledger's invariants",
	  "Checks invoice totals, payment allocations, balances, gap-free "
	  "numbers and that each subscriber's running usage total equals "
	  "the sum of its hourly usage; exits 1 on any violation. --deep first walks every "
	  "table's pages from the file, then decodes every "
	  "record of every table (its checksum, sizes, versions, enums, "
	  "text, the records it names, key order, a lookup by its key, the "
	  "table's count) and the meta pages, and lists each that does not "
	  "decode with its table and key: a damaged data.mdb (flipped "
	  "bytes, a bad disk) is found here before it is billed.",
	  CLI_CMD_JSON },
	{}
};

const struct cli_group cli_fsck = {
	"fsck", "check the billing ledger's invariants", NULL, fsck_cmds
};
