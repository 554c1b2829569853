/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - what every `tagih` command file shares: context, command tables, output. */
#ifndef TAGIH_CLI_H
#define TAGIH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/conf.h"
#include "lib/money.h"
#include "billing/store.h"

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

/*
 * Commands and options are tables (one per command file), so that help,
 * dispatch, validation, the man page and the shell completion all come
 * from the same rows. The parser (tools/clitab.c) checks and converts
 * every option value before a command runs: a command sees only valid,
 * typed values and never calls getopt itself.
 */
enum cli_type {
	CLI_FLAG,	/* no value */
	CLI_STR,	/* any text (v.s) */
	CLI_AMOUNT,	/* whole Rupiah, not negative (v.rp) */
	CLI_DATE,	/* YYYY-MM-DD (v.day) */
	CLI_PERIOD,	/* YYYY-MM (v.y, v.m) */
	CLI_TIME,	/* ISO 8601 or @unix (v.t) */
	CLI_UINT,	/* decimal digits only, .min..max (v.u) */
	CLI_CHOICE,	/* one of .choices "a|b|c" (v.s; v.u = its index) */
};

#define CLI_REQ 1u	/* the option must be given */
#define CLI_MULTI 2u	/* may be repeated (every value is in args->seq) */

struct cli_opt {
	const char *name;	/* --name */
	enum cli_type type;
	const char *arg;	/* metavar in help ("YYYY-MM"); NULL = by type */
	const char *help;	/* one line */
	unsigned flags;		/* CLI_REQ, CLI_MULTI */
	const char *choices;	/* CLI_CHOICE */
	uint64_t min, max;	/* CLI_UINT */
	char short_opt;		/* -x as well, or 0 */
};
#define CLI_MAX_OPTS 24

/* One option's value after parsing. */
struct cli_val {
	char *s;		/* text of the last one given; NULL = absent */
	int n;			/* times given */
	union {
		rp_t rp;
		int32_t day;
		int64_t t;
		uint64_t u;
		struct {
			int y, m;
		};
	};
};

/* What a command is handed: its positional words and checked options. */
struct cli_args {
	int argc;		/* positional words (cmd->nargs of them) */
	char **argv;
	struct cli_val o[CLI_MAX_OPTS];	/* indexed like the command's table */
	int nseq;		/* every option given, in command-line order */
	struct {
		int opt;
		struct cli_val v;
	} *seq;
	bool json;		/* --json or -j was given */
};

struct cli_cmd {
	const char *verb;	/* "add", "ip add"; "" = the group word alone */
	const char *args;	/* positional words for the synopsis: "ID PREFIX" */
	int nargs;		/* how many positional words; -1 = any */
	const struct cli_opt *opts;	/* ends with an empty row; NULL = none */
	int (*run)(struct cli *c, struct cli_args *a);
	const char *summary;	/* one line for the group's help */
	const char *doc;	/* paragraphs for --help and tagih(8) */
	unsigned flags;		/* CLI_CMD_JSON: prints --json output */
};
#define CLI_CMD_JSON 1u
#define CLI_CMD_HIDDEN 2u	/* not in `tagih --help` or the man page */
#define CLI_CMD_NOCONF 4u	/* runs without reading the config file */

struct cli_group {
	const char *name;	/* the command word */
	const char *summary;	/* one line for `tagih --help` */
	const char *doc;	/* after the list of its commands; may be NULL */
	const struct cli_cmd *cmds;	/* ends with a row whose run is NULL */
};

/* Every command word, in `tagih --help` order (tools/tagih.c). */
extern const struct cli_group *const cli_groups[];

/* The command words, one per file (tools/cmd_WORD.c, tools/sub/). */
extern const struct cli_group cli_init;
extern const struct cli_group cli_sub;
extern const struct cli_group cli_usage;
extern const struct cli_group cli_plan;
extern const struct cli_group cli_invoice;
extern const struct cli_group cli_pay;
extern const struct cli_group cli_balance;
extern const struct cli_group cli_report;
extern const struct cli_group cli_fsck;
extern const struct cli_group cli_dunning;
extern const struct cli_group cli_garden;
extern const struct cli_group cli_audit;
extern const struct cli_group cli_user;
extern const struct cli_group cli_notify;
extern const struct cli_group cli_config;
extern const struct cli_group cli_help;
extern const struct cli_group cli_prepaid;
extern const struct cli_group cli_pack;
extern const struct cli_group cli_charge;
extern const struct cli_group cli_discount;
extern const struct cli_group cli_voucher;
/* `tagih report vouchers` (tools/cmd_voucher.c) */
struct cli_args;
int report_cmd_vouchers(struct cli *c, struct cli_args *a);
extern const struct cli_group cli_address;
extern const struct cli_group cli_lease;

/*
 * Find the command named by argv (argv[0] is the command word) and run
 * it: parse and check its options, print --help (exit 0, nothing opened),
 * or a usage error (exit 2), then call ->run. Returns an exit code.
 * load_conf is called once the arguments are known to be good, before
 * ->run (so --help works without a config file); it returns 0 or an exit
 * code.
 */
int cli_dispatch(struct cli *c, int argc, char **argv,
		 int (*load_conf)(struct cli *c));
/*
 * Parse argv (argv[0] is the name for messages) against opts into a.
 * stop: stop at the first positional word (global options). Returns 0,
 * CLI_USAGE (message printed) or -1 when --help/-h was given.
 */
int cli_parse(const struct cli_opt *opts, bool stop, int argc, char **argv,
	      const char *name, struct cli_args *a);
void cli_args_free(struct cli_args *a);

/* `tagih --help` and the global options' table (tools/tagih.c). */
void cli_help_main(FILE *f);
extern const struct cli_opt cli_global_opts[];
/* Help from the tables: the command list, a group, one command. */
void cli_help_groups(FILE *f);
void cli_help_group(FILE *f, const struct cli_group *g);
void cli_help_cmd(FILE *f, const struct cli_group *g,
		  const struct cli_cmd *cmd);
/* "usage: tagih sub add ID --name NAME [--ip PREFIX]..." wrapped. */
void cli_synopsis(FILE *f, const char *lead, const struct cli_group *g,
		  const struct cli_cmd *cmd);
/* Options of a table as "  --name ARG   help" lines. */
void cli_help_opts(FILE *f, const struct cli_opt *opts, bool json);
/* The metavar shown for an option ("RP" for an amount, ...). */
const char *cli_opt_arg(const struct cli_opt *o);
/* text wrapped to width columns, each line indented by indent spaces;
 * lines that start with two spaces (examples) are kept as they are. */
void cli_wrap(FILE *f, const char *text, int indent, int width);

/* Open the store (once). Returns NULL after printing why. */
struct store *cli_store(struct cli *c);
/* cli_store and store_begin: 0 with *txn open, or CLI_FAIL (said why). */
int cli_begin(struct cli *c, bool write, MDB_txn **txn);

struct sub_rec;
/* sub_get that says why it failed ("no subscriber 'x'"). 0 or -errno. */
int cli_sub_get(MDB_txn *txn, struct store *st, const char *id,
		struct sub_rec *r);
/*
 * cli_store, store_begin and cli_sub_get in one: 0 with *txn open (the
 * caller commits or aborts it), or CLI_FAIL with no txn left open.
 */
int cli_sub_begin(struct cli *c, bool write, const char *id,
		  struct store **st, MDB_txn **txn, struct sub_rec *r);

/*
 * --json after the command: main() removes every "--json" (up to "--")
 * from the command's argv and sets c->json, so commands need not list it.
 * Returns the new argc.
 */
int cli_take_json(struct cli *c, int argc, char **argv);

/* Bytes as "1.50 GB" / "12.3 MB" / "512 B" (decimal units). Returns buf. */
char *cli_fmt_bytes(uint64_t b, char *buf, size_t n);

/*
 * A free-text option value (name, address, reason, ...): valid UTF-8, no
 * control character (lib/text.h), and at most max bytes (0: no limit).
 * Prints "tagih: --OPT: why" and returns CLI_USAGE, or returns 0.
 */
int cli_text(const char *opt, const char *val, size_t max);

/*
 * One line of a secret (a PIN, a NIK) from path: "-" is standard input,
 * not echoed on a terminal, where prompt (may be NULL) is shown first; a
 * file must hold that one line only (a final newline is fine). The line
 * lands in buf (size n) without its newline. Keeps secrets out of
 * /proc/PID/cmdline and shell history. Returns 0, -EINVAL (nothing read,
 * longer than n - 1, or more than one line) or -errno (open, read).
 */
int cli_read_secret(const char *path, const char *prompt, char *buf,
		    size_t n);

/* Print "tagih: " + message to stderr (control characters escaped when
 * stderr is a terminal; tools/cliout.c). */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Text from the store or the operator for stdout: on a terminal, with
 * control characters, bytes that are not UTF-8 and bidi overrides shown
 * as \xNN / \uNNNN; elsewhere as it is. The result lives until 16 more
 * calls. cli_tx_init says whether stdout is a terminal.
 */
const char *cli_tx(const char *s);
void cli_tx_init(bool tty);
/* s onto f with every such character escaped (keep_nl: not '\n'). */
void cli_escape(FILE *f, const char *s, bool keep_nl);

#endif
