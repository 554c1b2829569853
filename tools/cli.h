/* SPDX-License-Identifier: GPL-2.0 */
/* cli.h - what every `tagih` command file shares: context, dispatch, output. */
#ifndef TAGIH_CLI_H
#define TAGIH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/conf.h"
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

/* Open the store (once). Returns NULL after printing why. */
struct store *cli_store(struct cli *c);

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

/* A command group: `tagih NAME ...`. argv[0] is NAME. Returns an exit code. */
struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;	/* one line for `tagih --help` */
};

/*
 * --json after the command: main() removes every "--json" (up to "--")
 * from the command's argv and sets c->json, so commands need not list it.
 * They may still accept it via CLI_OPT_JSON. Returns the new argc.
 */
int cli_take_json(struct cli *c, int argc, char **argv);
#define CLI_OPT_JSON { "json", no_argument, NULL, 'j' }

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

/* Print "tagih: " + message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Command groups (one file each: tools/cmd_NAME.c). */
int cmd_sub(struct cli *c, int argc, char **argv);
int cmd_usage(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_dunning(struct cli *c, int argc, char **argv);
int cmd_garden(struct cli *c, int argc, char **argv);
/* Billing (tools/cmd_plan.c, cmd_invoice.c, cmd_pay.c, cmd_report.c,
 * cmd_fsck.c). */
int cmd_plan(struct cli *c, int argc, char **argv);
int cmd_invoice(struct cli *c, int argc, char **argv);
int cmd_pay(struct cli *c, int argc, char **argv);
int cmd_balance(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_fsck(struct cli *c, int argc, char **argv);
/* `tagih sub suspend|restore|hold ...` (tools/cmd_dunning.c); argv[0] is
 * the verb. Called from cmd_sub. */
int cmd_sub_isolir(struct cli *c, int argc, char **argv);
/* `tagih notify list|retry` (tools/cmd_notify.c). */
int cmd_notify(struct cli *c, int argc, char **argv);
/* `tagih sub link ID` and `tagih invoice paylink NUM` (tools/cmd_link.c);
 * argv[0] is the verb. Called from cmd_sub and cmd_invoice. */
int cmd_sub_link(struct cli *c, int argc, char **argv);
/* `tagih sub pin ID [--pin P | --clear]` (tools/cmd_link.c). */
int cmd_sub_pin(struct cli *c, int argc, char **argv);
int cmd_invoice_paylink(struct cli *c, int argc, char **argv);
/* `tagih sub export ID [--out FILE]` and `tagih sub erase ID --confirm`
 * (tools/cmd_pdp.c): a subscriber's personal data (UU PDP). */
int cmd_sub_export(struct cli *c, int argc, char **argv);
int cmd_sub_erase(struct cli *c, int argc, char **argv);

#endif
