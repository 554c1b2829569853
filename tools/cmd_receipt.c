// SPDX-License-Identifier: GPL-2.0
/* cmd_receipt.c - `tagih pay receipt REF`: a payment's kuitansi as a PDF or for a 58 mm thermal printer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "billing/invdoc.h"
#include "billing/pay.h"
#include "billing/receipt.h"
#include "lib/outfile.h"
#include "tools/billcli.h"
#include "tools/cmd_receipt.h"

enum { R_OUT, R_FORMAT, R_LANG };
const struct cli_opt pay_receipt_opts[] = {
	[R_OUT] = { "out", CLI_STR, "FILE",
		    "the file to create (mode 0600); - is standard output "
		    "(thermal only)", CLI_REQ },
	[R_FORMAT] = { "format", CLI_CHOICE, NULL,
		       "pdf (A5, the default) or thermal (58 mm, 32 columns "
		       "of text)", .choices = "pdf|thermal" },
	[R_LANG] = { "lang", CLI_CHOICE, NULL,
		     "language (default invoice_lang)", .choices = "id|en" },
	{}
};

static int thermal_out(MDB_txn *txn, struct store *st,
		       const struct pay_rec *p, const struct tagih_conf *conf,
		       bool en, const char *out)
{
	struct outfile of;
	int err;

	if (!strcmp(out, "-")) {
		err = receipt_thermal(txn, st, p, conf, en, stdout);
		return err ? err : (fflush(stdout) ? -EIO : 0);
	}
	err = outfile_open(&of, out);
	if (err)
		return err;
	err = receipt_thermal(txn, st, p, conf, en, of.f);
	if (err) {
		outfile_abort(&of);
		return err;
	}
	return outfile_commit(&of);
}

int pay_cmd_receipt(struct cli *c, struct cli_args *a)
{
	const char *ref = a->argv[0], *out = a->o[R_OUT].s;
	bool thermal = a->o[R_FORMAT].n && !strcmp(a->o[R_FORMAT].s, "thermal");
	static struct pay_rec p;
	MDB_txn *txn;
	bool en;
	int err;

	if (!*out) {
		cli_err("--out FILE is required");
		return CLI_USAGE;
	}
	if (!thermal && !strcmp(out, "-")) {
		cli_err("--out -: only --format thermal goes to standard "
			"output");
		return CLI_USAGE;
	}
	en = a->o[R_LANG].n ? !strcmp(a->o[R_LANG].s, "en") :
			      invdoc_lang_en(&c->conf);
	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = pay_get(txn, c->st, ref, &p);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "no payment with ref '%s'" :
					 "cannot read payment '%s'", ref);
		return CLI_FAIL;
	}
	err = thermal ? thermal_out(txn, c->st, &p, &c->conf, en, out) :
			receipt_pdf_file(txn, c->st, &p, &c->conf, en, out);
	store_abort(txn);
	if (err) {
		cli_err("cannot write %s: %s", out, strerror(-err));
		return CLI_FAIL;
	}
	if (!strcmp(out, "-"))
		return CLI_OK;
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s, s:s}", "ref", ref, "out",
					out, "format",
					thermal ? "thermal" : "pdf"));
	else
		printf("wrote the receipt of %s to %s\n", ref, out);
	return CLI_OK;
}
