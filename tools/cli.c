// SPDX-License-Identifier: GPL-2.0
/* cli.c - what every `tagih` command shares: the store, errors, output. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"
#include "lib/log.h"
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
	err = store_open(&c->st, c->db, 0);
	if (err) {
		cli_err("cannot open store %s: %s", c->db, strerror(-err));
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
