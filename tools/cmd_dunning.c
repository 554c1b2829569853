// SPDX-License-Identifier: GPL-2.0
/* cmd_dunning.c - `tagih dunning run` and `tagih sub suspend|restore|hold`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing/audit.h"
#include "tools/cli.h"
#include "billing/dunning.h"
#include "lib/text.h"
#include "lib/ttime.h"

static void dunning_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih dunning run [--now TIMESTAMP] [--json]\n"
		"  One dunning pass: reminders, overdue marks, late fees,\n"
		"  isolir past the grace period, restore of those who paid.\n"
		"  Idempotent; tagih-agent runs it every dunning_interval.\n"
		"  --now  pretend it is this instant (ISO 8601 or @unix)\n");
}

int cmd_dunning(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct dunning_policy p;
	struct dunning_report r;
	char actor[64], fb[32];
	int64_t now = tt_now();
	const char *why;
	struct store *st;
	int o, err;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		dunning_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "run")) {
		cli_err("dunning: unknown subcommand '%s'", argv[1]);
		dunning_usage(stderr);
		return CLI_USAGE;
	}
	argc--;
	argv++;
	optind = 0;
	while ((o = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (o) {
		case 'n':
			if (tt_parse_time(optarg, &now)) {
				cli_err("--now: not a time: %s", optarg);
				return CLI_USAGE;
			}
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			dunning_usage(stdout);
			return CLI_OK;
		default:
			dunning_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc) {
		dunning_usage(stderr);
		return CLI_USAGE;
	}
	if (dunning_policy_from_conf(&c->conf, &p, &why)) {
		cli_err("config: %s", why);
		return CLI_FAIL;
	}
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	err = dunning_run(st, &p, now, audit_cli_actor(actor, sizeof(actor)),
			  &r);
	if (err) {
		cli_err("dunning run: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		json_t *j = json_pack(
			"{sI si si si si sI si si si}", "now",
			(json_int_t)now, "invoices", r.invoices, "overdue",
			r.overdue, "reminders", r.reminders, "late_fees",
			r.fees, "late_fee_total", (json_int_t)r.fee_total,
			"suspended", r.suspended, "restored", r.restored,
			"held", r.held);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(j);
		return CLI_OK;
	}
	printf("dunning at %s: %d open invoices, %d newly overdue, "
	       "%d reminders, %d late fees (%s), %d suspended, %d restored, "
	       "%d exempt (hold/auto_suspend off)\n",
	       tt_fmt_time_local(now, actor, sizeof(actor)), r.invoices,
	       r.overdue, r.reminders, r.fees, money_fmt(r.fee_total, fb,
							 sizeof(fb)),
	       r.suspended, r.restored, r.held);
	return CLI_OK;
}

static void isolir_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub suspend ID --reason TEXT\n"
		"       tagih sub restore ID [--reason TEXT]\n"
		"       tagih sub hold ID --reason TEXT | --off\n"
		"  suspend: isolir by hand (only lifted by hand)\n"
		"  restore: lift isolir now\n"
		"  hold:    exempt from automatic isolir (dunning), or --off\n");
}

int cmd_sub_isolir(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "off", no_argument, NULL, 'o' },
		{ "now", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *verb = argv[0], *reason = NULL, *id;
	int64_t now = tt_now();
	bool off = false;
	struct sub_rec rec;
	char actor[64];
	struct store *st;
	MDB_txn *txn;
	int o, err;

	optind = 0;
	while ((o = getopt_long(argc, argv, "r:on:jh", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			break;
		case 'r':
			reason = optarg;
			break;
		case 'o':
			off = true;
			break;
		case 'n':
			if (tt_parse_time(optarg, &now)) {
				cli_err("--now: not a time: %s", optarg);
				return CLI_USAGE;
			}
			break;
		case 'h':
			isolir_usage(stdout);
			return CLI_OK;
		default:
			isolir_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		isolir_usage(stderr);
		return CLI_USAGE;
	}
	id = argv[optind];
	if ((!strcmp(verb, "suspend") && (!reason || !*reason)) ||
	    (!strcmp(verb, "hold") && !off && (!reason || !*reason))) {
		cli_err("sub %s: --reason TEXT is required", verb);
		return CLI_USAGE;
	}
	if (reason && cli_text("reason", reason, 200))
		return CLI_USAGE;
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	audit_cli_actor(actor, sizeof(actor));
	err = store_begin(st, true, &txn);
	if (err)
		goto fail;
	err = sub_get(txn, st, id, &rec);
	if (err)
		goto abort;
	if (!strcmp(verb, "suspend")) {
		err = dunning_suspend(txn, st, &rec, now, actor, reason, false);
	} else if (!strcmp(verb, "restore")) {
		err = dunning_restore(txn, st, &rec, now, actor,
				      reason ? reason : "by hand");
	} else if (!strcmp(verb, "hold")) {
		rec.hold = !off;
		/* cut between characters; the audit entry keeps it whole */
		text_copy(rec.hold_reason, sizeof(rec.hold_reason),
			  off ? "" : reason);
		err = sub_put(txn, st, &rec);
		if (!err)
			err = audit_write(txn, st, now, actor,
					  off ? "hold_off" : "hold", rec.id,
					  reason, NULL);
		/* the next dunning run (or agent) acts on it */
	} else {
		err = -EINVAL;
	}
	if (err == -EALREADY) {
		store_abort(txn);
		printf("%s is already %s\n", id, sub_status_str(rec.status));
		return CLI_OK;
	}
	if (err)
		goto abort;
	err = store_commit(txn);
	if (err)
		goto fail;
	printf("%s: %s%s%s\n", id,
	       !strcmp(verb, "hold") ? (off ? "hold off" : "on hold")
				     : sub_status_str(rec.status),
	       reason ? " - " : "", reason ? reason : "");
	return CLI_OK;
abort:
	store_abort(txn);
fail:
	if (err == -ENOENT)
		cli_err("no subscriber '%s'", id);
	else if (err == -EINVAL)
		cli_err("sub %s: %s is %s", verb, id,
			sub_status_str(rec.status));
	else
		cli_err("sub %s: %s", verb, strerror(-err));
	return CLI_FAIL;
}
