// SPDX-License-Identifier: GPL-2.0
/* tagih.c - the `tagih` operator CLI: global options, then a command group. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/cli.h"
#include "lib/log.h"
#include "lib/ttime.h"

#define TAGIH_DEF_CONF "/etc/tagih/tagih.conf"

static int cmd_config(struct cli *c, int argc, char **argv);

/*
 * Groups not built yet stay out of the binary instead of breaking the
 * link: every command is a weak reference and rows with no code are
 * skipped. Adding a group: its prototype in cli.h, one #pragma and one row.
 */
#pragma weak cmd_sub
#pragma weak cmd_usage
#pragma weak cmd_audit
#pragma weak cmd_dunning
#pragma weak cmd_garden
#pragma weak cmd_plan
#pragma weak cmd_invoice
#pragma weak cmd_pay
#pragma weak cmd_balance
#pragma weak cmd_report
#pragma weak cmd_fsck
#pragma weak cmd_notify

static const struct cli_cmd cli_cmds[] = {
	{ "sub", cmd_sub, "subscribers: add, list, show, addresses (ip add/del)" },
	{ "usage", cmd_usage, "metered usage per subscriber; import CSV" },
	{ "plan", cmd_plan, "plans: flat, volume, hybrid (add, list, show)" },
	{ "invoice", cmd_invoice, "invoice runs, show, list, void, export" },
	{ "pay", cmd_pay, "record a payment (oldest invoice first)" },
	{ "balance", cmd_balance, "a subscriber's balance and open invoices" },
	{ "report", cmd_report, "revenue, aging, top usage" },
	{ "fsck", cmd_fsck, "check the billing ledger's invariants" },
	{ "dunning", cmd_dunning, "reminders, isolir and restore runs" },
	{ "garden", cmd_garden, "walled garden: what isolated subscribers reach" },
	{ "audit", cmd_audit, "who did what, when" },
	{ "notify", cmd_notify, "messages to subscribers: list, retry" },
	{ "config", cmd_config, NULL },	/* hidden: `tagih config example` */
};

#define N_CMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: tagih [GLOBAL OPTIONS] COMMAND [ARGS] [--json]\n"
		"\n"
		"Billing for small ISPs and RT/RW Net: subscribers, usage, "
		"invoices, payments.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < N_CMDS; i++)
		if (cli_cmds[i].fn && cli_cmds[i].summary)
			fprintf(f, "  %-10s %s\n", cli_cmds[i].name,
				cli_cmds[i].summary);
	fprintf(f,
		"\n"
		"Global options (before the command):\n"
		"  --db DIR        store directory (else $TAGIH_DB, else db= "
		"in the config)\n"
		"  --config FILE   config file (default " TAGIH_DEF_CONF
		" if present)\n"
		"  --json          machine-readable output (also accepted "
		"after the command)\n"
		"  -v, --verbose   more log output (twice: debug)\n"
		"  -h, --help      this help; `tagih COMMAND --help` for a "
		"command\n"
		"\n"
		"Examples:\n"
		"  tagih sub add budi --name \"Budi Santoso\" --ip 10.0.0.5 "
		"--phone 0812...\n"
		"  tagih sub ip add budi 2001:db8:100::/56\n"
		"  tagih sub list --json\n"
		"  tagih usage budi --from 2026-11-01 --to 2026-12-01 "
		"--step day\n"
		"  tagih usage import usage.csv\n"
		"\n"
		"Exit status: 0 ok, 1 failed (nothing written), 2 usage "
		"error.\n");
}

static int cmd_config(struct cli *c, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "example")) {
		conf_write_example(stdout);
		return CLI_OK;
	}
	fprintf(stderr, "usage: tagih config example\n");
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct cli c = { 0 };
	const char *config = NULL, *db = NULL, *env;
	int o, verbose = 0, ret = CLI_USAGE, cargc;
	char **cargv;
	size_t i;

	log_set_ident("tagih");
	/* stop at the command: its options are its own */
	while ((o = getopt_long(argc, argv, "+d:c:jvh", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			db = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default:
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	log_set_level(verbose >= 2 ? LOG_DEBUG : verbose ? LOG_INFO : LOG_WARN);
	c.tty = isatty(STDOUT_FILENO);

	if (conf_defaults(&c.conf)) {
		cli_err("out of memory");
		return CLI_FAIL;
	}
	if (!config && access(TAGIH_DEF_CONF, F_OK) == 0)
		config = TAGIH_DEF_CONF;
	if (config && conf_load(&c.conf, config)) {
		ret = CLI_FAIL;
		goto out;
	}
	if (c.conf.timezone && tt_set_zone(c.conf.timezone)) {
		cli_err("bad timezone '%s'", c.conf.timezone);
		ret = CLI_FAIL;
		goto out;
	}
	env = getenv("TAGIH_DB");
	c.db = db ? db : (env && *env) ? env : c.conf.db;

	cargv = argv + optind;
	cargc = cli_take_json(&c, argc - optind, cargv);
	for (i = 0; i < N_CMDS; i++) {
		if (cli_cmds[i].fn && !strcmp(cli_cmds[i].name, cargv[0]))
			break;
	}
	if (i == N_CMDS) {
		cli_err("unknown command '%s' (see tagih --help)", cargv[0]);
		ret = CLI_USAGE;
		goto out;
	}
	optind = 0;	/* commands run their own getopt_long */
	ret = cli_cmds[i].fn(&c, cargc, cargv);
out:
	store_close(c.st);
	conf_free(&c.conf);
	return ret;
}
