// SPDX-License-Identifier: GPL-2.0
/* cmd_help.c - `tagih help [COMMAND...]`, and the documents made from the command tables. */
#include <stdio.h>
#include <stdlib.h>

#include "tools/clidoc.h"

enum { H_LIST, H_MAN, H_COMPLETION };
static const struct cli_opt help_opts[] = {
	[H_LIST] = { "list", CLI_FLAG, NULL, "every command, one per line" },
	[H_MAN] = { "man", CLI_FLAG, NULL,
		    "tagih(8) as scdoc source (make builds the man page so)" },
	[H_COMPLETION] = { "completion", CLI_FLAG, NULL,
			   "the bash completion script" },
	{}
};

static int cmd_help(struct cli *c, struct cli_args *a)
{
	char **argv;
	int i, ret;

	if (a->o[H_LIST].n) {
		doc_list(stdout);
		return CLI_OK;
	}
	if (a->o[H_MAN].n) {
		doc_man_tagih(stdout, cli_global_opts);
		return CLI_OK;
	}
	if (a->o[H_COMPLETION].n) {
		doc_completion(stdout, cli_global_opts);
		return CLI_OK;
	}
	if (!a->argc) {
		cli_help_main(stdout);
		return CLI_OK;
	}
	/* `tagih help sub add` is `tagih sub add --help` */
	argv = calloc((size_t)a->argc + 2, sizeof(*argv));
	if (!argv) {
		cli_err("out of memory");
		return CLI_FAIL;
	}
	for (i = 0; i < a->argc; i++)
		argv[i] = a->argv[i];
	argv[i] = "--help";
	ret = cli_dispatch(c, a->argc + 1, argv, NULL);
	free(argv);
	return ret;
}

static const struct cli_cmd help_cmds[] = {
	{ "", "[COMMAND...]", -1, help_opts, cmd_help,
	  "help on tagih or one of its commands",
	  "`tagih help invoice run` is `tagih invoice run --help`.",
	  CLI_CMD_NOCONF },
	{}
};

const struct cli_group cli_help = {
	"help", "help on a command; --man, --completion for packaging", NULL,
	help_cmds
};
