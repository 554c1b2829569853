// SPDX-License-Identifier: GPL-2.0
/* cmd_pdp.c - `tagih sub export` and `tagih sub erase`: a subscriber's personal data (UU PDP). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/pdp.h"
#include "lib/ttime.h"

static void export_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub export ID [--out FILE]\n"
		"\n"
		"  Everything the store holds about the subscriber as one JSON "
		"document,\n"
		"  personal data unmasked (a data-subject access request, UU "
		"PDP). With\n"
		"  --out the file is written mode 0600; keep it safe.\n");
}

static void erase_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub erase ID --confirm\n"
		"\n"
		"  Erases the subscriber's personal data and keeps the ledger "
		"(see\n"
		"  `tagih sub erase ID` without --confirm for what goes and "
		"what stays).\n");
}

/* Write doc to path, created 0600 (an existing file is truncated and
 * made 0600 first). Returns 0 or -errno. */
static int write_private(const char *path, json_t *doc)
{
	FILE *f;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600)) {
		err = -errno;
		close(fd);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	if (json_dumpf(doc, f, JSON_INDENT(2)) || fputc('\n', f) == EOF)
		err = -EIO;
	if (fflush(f) || fsync(fd))
		err = err ? err : -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int cmd_sub_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		CLI_OPT_JSON,
		{}
	};
	const char *out = NULL;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	json_t *doc;
	int o, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (o == 'o')
			out = optarg;
		else if (o == 'h') {
			export_usage(stdout);
			return CLI_OK;
		} else if (o != 'j') {
			export_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		export_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_sub_begin(c, false, argv[optind], &st, &txn, &r))
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

int cmd_sub_erase(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "confirm", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		CLI_OPT_JSON,
		{}
	};
	struct pdp_erase_res res;
	bool confirm = false;
	char actor[64];
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int o, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'y')
			confirm = true;
		else if (o == 'h') {
			erase_usage(stdout);
			return CLI_OK;
		} else if (o != 'j') {
			erase_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		erase_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_sub_begin(c, !!confirm, argv[optind], &st, &txn, &r))
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
