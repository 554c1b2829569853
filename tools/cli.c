// SPDX-License-Identifier: GPL-2.0
/* cli.c - what every `tagih` command shares: the store, errors, output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tools/cli.h"
#include "lib/log.h"
#include "lib/text.h"
#include "billing/sub.h"

struct store *cli_store(struct cli *c)
{
	int err;

	if (c->st)
		return c->st;
	if (!c->db || !*c->db) {
		cli_err("no store: give --db DIR, set TAGIH_DB or db= in the "
			"config");
		return NULL;
	}
	store_set_mapsize_gb((uint64_t)c->conf.store_mapsize_gb);
	err = store_open(&c->st, c->db, 0);
	if (err) {
		/* store_open said why (no store: `tagih init`, damaged, ...) */
		c->st = NULL;
		return NULL;
	}
	if (c->conf.max_subscribers > 1)
		sub_set_max_uid((uint32_t)(c->conf.max_subscribers - 1));
	return c->st;
}

int cli_begin(struct cli *c, bool write, MDB_txn **txn)
{
	if (!cli_store(c) || store_begin(c->st, write, txn))
		return CLI_FAIL;
	return 0;
}

int cli_take_json(struct cli *c, int argc, char **argv)
{
	int i, j;

	for (i = j = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (i > 0 && !strcmp(argv[i], "--json")) {
			c->json = true;
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return j;
}

char *cli_fmt_bytes(uint64_t b, char *buf, size_t n)
{
	if (b >= 1000000000ULL)
		snprintf(buf, n, "%.2f GB", b / 1e9);
	else if (b >= 1000000ULL)
		snprintf(buf, n, "%.1f MB", b / 1e6);
	else if (b >= 1000ULL)
		snprintf(buf, n, "%.1f kB", b / 1e3);
	else
		snprintf(buf, n, "%llu B", (unsigned long long)b);
	return buf;
}

int cli_sub_get(MDB_txn *txn, struct store *st, const char *id,
		struct sub_rec *r)
{
	int err = sub_get(txn, st, id, r);

	if (err == -ENOENT)
		cli_err("no subscriber '%s'", id);
	else if (err)
		cli_err("cannot read '%s': %s", id, strerror(-err));
	return err;
}

int cli_sub_begin(struct cli *c, bool write, const char *id,
		  struct store **st, MDB_txn **txn, struct sub_rec *r)
{
	if (cli_begin(c, write, txn))
		return CLI_FAIL;
	*st = c->st;
	if (cli_sub_get(*txn, *st, id, r)) {
		store_abort(*txn);
		return CLI_FAIL;
	}
	return 0;
}

int cli_text(const char *opt, const char *val, size_t max)
{
	const char *why;
	size_t n = strlen(val);

	if (text_check(val, n, &why)) {
		cli_err("--%s: %s", opt, why);
		return CLI_USAGE;
	}
	if (max && n > max) {
		cli_err("--%s is too long: %zu bytes, at most %zu (accented "
			"letters take 2 or more)", opt, n, max);
		return CLI_USAGE;
	}
	return 0;
}

/* One line from f into buf: 0 or -EINVAL (none, or too long). */
static int read_line(FILE *f, char *buf, size_t n)
{
	size_t l;

	if (!fgets(buf, (int)n, f))
		return -EINVAL;
	l = strlen(buf);
	if (l && buf[l - 1] == '\n')
		buf[--l] = '\0';
	else if (l == n - 1 && !feof(f))
		return -EINVAL;
	if (l && buf[l - 1] == '\r')
		buf[--l] = '\0';
	return 0;
}

int cli_read_secret(const char *path, const char *prompt, char *buf,
		    size_t n)
{
	struct termios old, quiet;
	bool tty = false;
	FILE *f;
	int err, c;

	if (strcmp(path, "-")) {
		f = fopen(path, "re");
		if (!f)
			return -errno;
		err = read_line(f, buf, n);
		/* one line only: a second line is a mistake, not a secret */
		while (!err && (c = fgetc(f)) != EOF)
			if (c != '\n' && c != '\r')
				err = -EINVAL;
		if (!err && ferror(f))
			err = -EIO;
		fclose(f);
		if (err)
			explicit_bzero(buf, n);
		return err;
	}
	tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &old);
	if (tty) {
		if (prompt)
			fputs(prompt, stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	err = read_line(stdin, buf, n);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (err)
		explicit_bzero(buf, n);
	return err;
}
