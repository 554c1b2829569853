// SPDX-License-Identifier: GPL-2.0
/* pdp.c - `tagih sub export` and `tagih sub erase`: a subscriber's personal data (UU PDP). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/pdp.h"
#include "lib/outfile.h"
#include "lib/ttime.h"

const struct cli_opt sub_export_opts[] = {
	{ "out", CLI_STR, "FILE", "write to FILE (mode 0600) instead of "
	  "standard output", .short_opt = 'o' },
	{}
};

const struct cli_opt sub_erase_opts[] = {
	{ "confirm", CLI_FLAG, NULL, "really erase" },
	{}
};

/* doc into a new private file at path (lib/outfile.h). 0 or -errno. */
static int write_private(const char *path, json_t *doc)
{
	struct outfile o;
	int err = outfile_open(&o, path);

	if (err)
		return err;
	if (json_dumpf(doc, o.f, JSON_INDENT(2)) || fputc('\n', o.f) == EOF) {
		outfile_abort(&o);
		return -EIO;
	}
	return outfile_commit(&o);
}

int sub_cmd_export(struct cli *c, struct cli_args *a)
{
	const char *out = a->o[0].s;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	json_t *doc;
	int err;

	if (cli_sub_begin(c, false, a->argv[0], &st, &txn, &r))
		return CLI_FAIL;
	err = pdp_export(txn, st, r.id, tt_now(), &doc);
	if (err)
		cli_err("cannot export '%s': %s", r.id, strerror(-err));
	store_abort(txn);
	if (err)
		return CLI_FAIL;
	if (out) {
		err = write_private(out, doc);
		if (err)
			cli_err("cannot write %s: %s", out, strerror(-err));
		else
			fprintf(stderr, "tagih: wrote %s (mode 0600; it holds "
				"personal data)\n", out);
	} else {
		json_dumpf(doc, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(doc);
	return err ? CLI_FAIL : CLI_OK;
}

int sub_cmd_erase(struct cli *c, struct cli_args *a)
{
	struct pdp_erase_res res;
	bool confirm = a->o[0].n;
	char actor[64];
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int err;

	if (cli_sub_begin(c, confirm, a->argv[0], &st, &txn, &r))
		return CLI_FAIL;
	if (!confirm) {
		err = pdp_erase_plan(txn, st, r.id, &res);
		store_abort(txn);
		if (err) {
			cli_err("cannot read '%s': %s", r.id, strerror(-err));
			return CLI_FAIL;
		}
		cli_err("not erasing '%s' without --confirm. Erase would:\n"
			"  remove: name (becomes \"%s\"), phone, e-mail, "
			"address, NIK, notes, hold reason,\n"
			"          the customer-page PIN%s and link%s, and "
			"unsent notifications;\n"
			"  keep:   the id and uid, status, plan and add-ons, "
			"addresses and their history,\n"
			"          usage, %u invoice%s and %u payment%s (tax "
			"records), the audit log.\n"
			"  Export first if the subscriber asked for a copy: "
			"tagih sub export %s --out FILE",
			r.id, PDP_ERASED_NAME, res.pin ? " (set)" : " (none)",
			res.link ? " (set)" : " (none)", res.invoices,
			res.invoices == 1 ? "" : "s", res.payments,
			res.payments == 1 ? "" : "s", r.id);
		return CLI_FAIL;
	}
	err = pdp_erase(txn, st, r.id, tt_now(),
			audit_cli_actor(actor, sizeof(actor)), &res);
	if (err) {
		store_abort(txn);
		cli_err("cannot erase '%s': %s (nothing written)", r.id,
			strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json) {
		bill_json_out(json_pack(
			"{s:s, s:b, s:b, s:b, s:i, s:i, s:i}", "subscriber",
			r.id, "erased", 1, "pin_deleted", res.pin,
			"link_deleted", res.link, "notifications_deleted",
			(int)res.outbox_del, "invoices_kept",
			(int)res.invoices, "payments_kept",
			(int)res.payments));
		return CLI_OK;
	}
	printf("erased personal data of '%s' (pin %s, link %s, %u unsent "
	       "notification%s deleted); kept %u invoice%s, %u payment%s\n",
	       r.id, res.pin ? "deleted" : "none",
	       res.link ? "deleted" : "none", res.outbox_del,
	       res.outbox_del == 1 ? "" : "s", res.invoices,
	       res.invoices == 1 ? "" : "s", res.payments,
	       res.payments == 1 ? "" : "s");
	return CLI_OK;
}
