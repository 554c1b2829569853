// SPDX-License-Identifier: GPL-2.0
/* cmd_config.c - `tagih config`: the example config and tagih.conf(5), both from lib/conf.c's table; check a file. */
#include <stdio.h>

#include "tools/cli.h"

static int config_example(struct cli *c, struct cli_args *a)
{
	conf_write_example(stdout);
	return CLI_OK;
}

static int config_man(struct cli *c, struct cli_args *a)
{
	conf_write_man(stdout);
	return CLI_OK;
}

/* load_conf has read and checked the file before we are called */
static int config_check(struct cli *c, struct cli_args *a)
{
	printf("config ok\n");
	return CLI_OK;
}

static const struct cli_cmd config_cmds[] = {
	{ "example", "", 0, NULL, config_example,
	  "print every config key with its default, bounds and meaning",
	  "The same table validates the file, so the example never disagrees "
	  "with what tagih accepts. Install it with `tagih config example > "
	  "/etc/tagih/tagih.conf` (make install does).", CLI_CMD_NOCONF },
	{ "check", "", 0, NULL, config_check,
	  "read the config file and say whether it is valid",
	  "The file is --config, else /etc/tagih/tagih.conf. Every error is "
	  "printed with its line number; the exit status is 1 if there is "
	  "one." },
	{ "man", "", 0, NULL, config_man,
	  "print tagih.conf(5) as scdoc source (for packaging)", NULL,
	  CLI_CMD_NOCONF | CLI_CMD_HIDDEN },
	{}
};

const struct cli_group cli_config = {
	"config", "the config file: example, check", NULL, config_cmds
};
