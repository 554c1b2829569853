// SPDX-License-Identifier: GPL-2.0
/* tagih.c - the `tagih` operator CLI: global options, the table of command words, main. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tools/cli.h"
#include "billing/prepaid.h"
#include "lib/version.h"	/* generated into $(BUILD) */
#include "lib/log.h"
#include "lib/ttime.h"

#define TAGIH_DEF_CONF "/etc/tagih/tagih.conf"

/*
 * Every command word, in `tagih --help` order. A new word: its file
 * (tools/cmd_WORD.c defining cli_WORD), a line in cli.h, a row here and
 * its source in tools/build.mk. A word whose file is missing fails the
 * link: nothing is dropped silently.
 */
const struct cli_group *const cli_groups[] = {
	&cli_init,
	&cli_sub,
	&cli_address,
	&cli_lease,
	&cli_usage,
	&cli_plan,
	&cli_prepaid,
	&cli_pack,
	&cli_voucher,
	&cli_invoice,
	&cli_charge,
	&cli_discount,
	&cli_pay,
	&cli_balance,
	&cli_report,
	&cli_fsck,
	&cli_dunning,
	&cli_garden,
	&cli_audit,
	&cli_user,
	&cli_notify,
	&cli_config,
	&cli_help,
	NULL
};

enum { G_DB, G_CONFIG, G_JSON, G_VERBOSE, G_VERSION };
const struct cli_opt cli_global_opts[] = {
	[G_DB] = { "db", CLI_STR, "DIR",
		   "store directory (else $TAGIH_DB, else db= in the config)",
		   .short_opt = 'd' },
	[G_CONFIG] = { "config", CLI_STR, "FILE",
		       "config file (default " TAGIH_DEF_CONF " if present)",
		       .short_opt = 'c' },
	[G_JSON] = { "json", CLI_FLAG, NULL,
		     "machine-readable output (also accepted after the "
		     "command)", .short_opt = 'j' },
	[G_VERBOSE] = { "verbose", CLI_FLAG, NULL,
			"more log output (twice: debug)", CLI_MULTI,
			.short_opt = 'v' },
	[G_VERSION] = { "version", CLI_FLAG, NULL,
			"print the version and exit" },
	{}
};

static const char *opt_db, *opt_config;

void cli_help_main(FILE *f)
{
	fprintf(f,
		"usage: tagih [GLOBAL OPTIONS] COMMAND [ARGS] [--json]\n"
		"\n"
		"Billing for small ISPs and RT/RW Net: subscribers, usage, "
		"invoices, payments.\n"
		"\n"
		"Commands:\n");
	cli_help_groups(f);
	fprintf(f, "\nGlobal options (before the command):\n");
	cli_help_opts(f, cli_global_opts, false);
	fprintf(f,
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
		"`tagih COMMAND --help` (or `tagih help COMMAND`) shows a "
		"command's options;\n"
		"man tagih(8) has them all, tagih.conf(5) every config key.\n"
		"\n"
		"Exit status: 0 ok, 1 failed (nothing written), 2 usage "
		"error.\n");
}

/* The config and the store's place, once the command line is known good. */
static int load_conf(struct cli *c)
{
	const char *config = opt_config, *env, *why;

	if (!config && access(TAGIH_DEF_CONF, F_OK) == 0)
		config = TAGIH_DEF_CONF;
	if (config && conf_load(&c->conf, config))
		return CLI_FAIL;
	if (c->conf.timezone && tt_set_zone(c->conf.timezone)) {
		cli_err("bad timezone '%s'", c->conf.timezone);
		return CLI_FAIL;
	}
	if (prepaid_configure(&c->conf, &why)) {	/* receipt terms */
		cli_err("config: %s", why);
		return CLI_FAIL;
	}
	env = getenv("TAGIH_DB");
	c->db = opt_db ? opt_db : (env && *env) ? env : c->conf.db;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct cli_args a;
	int ret, cargc, verbose;
	char **cargv;

	log_set_ident("tagih");
	/*
	 * Nothing for others, read and write for the group: a store is
	 * shared with tagihd through its directory's group (billing/store.c;
	 * a 0700 directory keeps it private). Exports are 0600 whatever the
	 * umask.
	 */
	umask(S_IRWXO);
	/* stop at the command word: its options are its own */
	ret = cli_parse(cli_global_opts, true, argc, argv, "tagih", &a);
	if (ret == -1) {
		cli_help_main(stdout);
		ret = CLI_OK;
		goto out_args;
	}
	if (ret)
		goto out_args;
	if (a.o[G_VERSION].n) {
		printf("tagih %s\n", TAGIH_VERSION);
		goto out_args;
	}
	if (!a.argc) {
		cli_help_main(stderr);
		ret = CLI_USAGE;
		goto out_args;
	}
	opt_db = a.o[G_DB].s;
	opt_config = a.o[G_CONFIG].s;
	c.json = a.json || a.o[G_JSON].n;
	verbose = a.o[G_VERBOSE].n;
	log_set_level(verbose >= 2 ? LOG_DEBUG : verbose ? LOG_INFO : LOG_WARN);
	c.tty = isatty(STDOUT_FILENO);
	cli_tx_init(c.tty);

	if (conf_defaults(&c.conf)) {
		cli_err("out of memory");
		ret = CLI_FAIL;
		goto out_args;
	}
	cargv = a.argv;
	cargc = cli_take_json(&c, a.argc, cargv);
	ret = cli_dispatch(&c, cargc, cargv, load_conf);
	store_close(c.st);
	conf_free(&c.conf);
out_args:
	cli_args_free(&a);
	return ret;
}
