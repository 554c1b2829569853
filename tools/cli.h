/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - what every `tagih` command file shares: context, dispatch, output. */
#ifndef TAGIH_CLI_H
#define TAGIH_CLI_H

#include <stdbool.h>
#include "conf.h"
#include "store.h"

/* Exit codes: 0 ok, 1 failed (nothing written), 2 usage error. */
#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

struct cli {
	struct tagih_conf conf;	/* defaults + --config file + options */
	const char *db;		/* --db DIR, else $TAGIH_DB, else conf.db */
	bool json;		/* --json given (before or after the command) */
	bool tty;		/* stdout is a terminal (progress output) */
	struct store *st;	/* opened lazily by cli_store() */
};

/* Open the store (once). Returns NULL after printing why. */
struct store *cli_store(struct cli *c);

/* A command group: `tagih NAME ...`. argv[0] is NAME. Returns an exit code. */
struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;	/* one line for `tagih --help` */
};

/* Print "tagih: " + message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Command groups (one file each: tools/cmd_NAME.c). */
int cmd_sub(struct cli *c, int argc, char **argv);
int cmd_usage(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_dunning(struct cli *c, int argc, char **argv);
int cmd_garden(struct cli *c, int argc, char **argv);
/* `tagih sub suspend|restore|hold ...` (tools/cmd_dunning.c); argv[0] is
 * the verb. Called from cmd_sub. */
int cmd_sub_isolir(struct cli *c, int argc, char **argv);

#endif
