// SPDX-License-Identifier: GPL-2.0
/* cmd_init.c - `tagih init`: create a store on purpose (identity, format), or upgrade an older one. */
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/billcli.h"
#include "billing/usage.h"

enum { O_DB, O_UPGRADE };
static const struct cli_opt init_opts[] = {
	[O_DB] = { "db", CLI_STR, "DIR",
		   "the store directory (else the global --db, $TAGIH_DB or "
		   "db= in the config)" },
	[O_UPGRADE] = { "upgrade", CLI_FLAG, NULL,
			"bring a store of an older format to this one" },
	{}
};

static void hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int cmd_init(struct cli *c, struct cli_args *a)
{
	bool upgrade = a->o[O_UPGRADE].n > 0;
	uint8_t id[STORE_ID_LEN];
	char idhex[2 * STORE_ID_LEN + 1];
	char path[PATH_MAX];
	const char *what;
	struct stat sb;
	uint64_t records = 0;
	unsigned was;
	struct store *st;
	MDB_txn *txn;
	int err;

	if (a->o[O_DB].s)
		c->db = a->o[O_DB].s;
	if (!c->db || !*c->db) {
		cli_err("no store directory: give --db DIR, set TAGIH_DB or "
			"db= in the config");
		return CLI_USAGE;
	}
	store_set_mapsize_gb((uint64_t)c->conf.store_mapsize_gb);
	snprintf(path, sizeof(path), "%s/data.mdb", c->db);
	what = stat(path, &sb) && errno == ENOENT ? "created" : "opened";
	err = store_open(&st, c->db, STORE_CREATE |
					 (upgrade ? STORE_UPGRADE : 0));
	if (err)
		return CLI_FAIL;	/* store_open said why */
	was = store_format(st);
	if (upgrade && was < STORE_FORMAT) {
		err = store_upgrade(st, &records);
		if (err) {
			cli_err("cannot upgrade %s: %s (nothing written)",
				c->db, strerror(-err));
			store_close(st);
			return CLI_FAIL;
		}
		what = "upgraded";
	} else if (!strcmp(what, "opened")) {
		what = "exists";
	}
	/* running usage totals: complete from the start (or built from an
	 * upgraded store's hours), so fsck checks them at once */
	if (strcmp(what, "exists")) {
		err = usage_totals_ensure(st);
		if (err) {
			cli_err("%s: usage totals: %s", c->db, strerror(-err));
			store_close(st);
			return CLI_FAIL;
		}
	}
	err = store_begin(st, false, &txn);
	if (!err) {
		err = store_id(txn, st, id);
		store_abort(txn);
	}
	if (err) {
		cli_err("%s: cannot read the store identity: %s", c->db,
			strerror(-err));
		store_close(st);
		return CLI_FAIL;
	}
	hex(id, sizeof(id), idhex);
	if (c->json) {
		bill_json_out(json_pack("{s:s, s:s, s:s, s:i, s:i, s:I}",
					"store", c->db, "result", what, "id",
					idhex, "format", STORE_FORMAT,
					"was_format", (int)was, "records",
					(json_int_t)records));
	} else if (!strcmp(what, "upgraded")) {
		printf("upgraded store %s from format %u to %d (%llu records "
		       "rewritten), id %s\n", c->db, was, STORE_FORMAT,
		       (unsigned long long)records, idhex);
	} else {
		printf("%s store %s (id %s, format %d)%s\n",
		       !strcmp(what, "created") ? "created" : "already a",
		       c->db, idhex, STORE_FORMAT,
		       !strcmp(what, "created") ? "" : ": nothing to do");
	}
	store_close(st);
	return CLI_OK;
}

static const struct cli_cmd init_cmds[] = {
	{ "", "", 0, init_opts, cmd_init, "create a store",
	  "Creates the store directory (0700; an existing directory keeps "
	  "its mode, such as the root:tagih 2770 /var/lib/tagih of `make "
	  "install`) and in it a new store: every table, a random store "
	  "identity and the format version. Every other command, tagih-agent "
	  "and tagihd refuse a directory without a store, so a misspelt "
	  "--db or TAGIH_DB never becomes a new empty store. On a store "
	  "that exists it changes nothing and exits 0. "
	  "--upgrade brings a store of an older format (one made before "
	  "`tagih init` existed) to this one in one transaction: back it up "
	  "first (mdb_copy). A damaged, foreign or empty data.mdb is never "
	  "overwritten.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_init = {
	"init", "create a store (or --upgrade an older one)", NULL, init_cmds
};
