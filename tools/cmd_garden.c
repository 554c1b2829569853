// SPDX-License-Identifier: GPL-2.0
/* cmd_garden.c - `tagih garden add|list|remove`: what isolated subscribers may reach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing/audit.h"
#include "tools/cli.h"
#include "lib/prefix.h"
#include "lib/ttime.h"

/*
 * DB_GARDEN: struct prefix -> u16 port (host order; 0 = any port). A DNS
 * resolver is an entry with port 53. We write the store and bump
 * garden_gen; tagih-agent copies the table into tagih_garden4/6 when it
 * sees the generation change.
 */
static int garden_change(struct cli *c, const char *verb, const char *text,
			 long port)
{
	struct prefix p;
	const char *why = NULL;
	char actor[64], pb[64];
	struct store *st;
	uint16_t v = (uint16_t)port;
	MDB_txn *txn;
	json_t *d;
	int err;

	if (prefix_parse(text, &p, &why)) {
		cli_err("garden %s: %s: %s", verb, text,
			why ? why : "not a prefix");
		return CLI_USAGE;
	}
	prefix_fmt(&p, pb, sizeof(pb));
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	st = c->st;
	if (!strcmp(verb, "add"))
		err = store_put(txn, st, DB_GARDEN, &p, sizeof(p), &v,
				sizeof(v), 0);
	else
		err = store_del(txn, st, DB_GARDEN, &p, sizeof(p));
	if (err)
		goto abort;
	d = json_pack("{ss si}", "prefix", pb, "port", (int)port);
	err = audit_write(txn, st, tt_now(), audit_cli_actor(actor,
							     sizeof(actor)),
			  !strcmp(verb, "add") ? "garden_add" : "garden_remove",
			  NULL, NULL, d);
	json_decref(d);
	if (!err)
		err = store_meta_bump(txn, st, "garden_gen", NULL);
	if (err)
		goto abort;
	err = store_commit(txn);
	if (err)
		goto fail;
	if (!strcmp(verb, "add"))
	{
		if (port)
			printf("garden: %s port %ld\n", pb, port);
		else
			printf("garden: %s any port\n", pb);
	}
	else
		printf("garden: %s removed\n", pb);
	return CLI_OK;
abort:
	store_abort(txn);
fail:
	if (err == -ENOENT)
		cli_err("garden remove: %s is not in the garden", pb);
	else
		cli_err("garden %s: %s", verb, strerror(-err));
	return CLI_FAIL;
}

static int garden_list(struct cli *c, struct cli_args *a)
{
	json_t *arr = c->json ? json_array() : NULL;
	MDB_cursor *cur;
	struct store *st;
	MDB_val k, v;
	MDB_txn *txn;
	int rc, n = 0;

	if (cli_begin(c, false, &txn)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	st = c->st;
	rc = store_cursor_open(txn, st, DB_GARDEN, &cur);
	if (rc) {
		store_abort(txn);
		json_decref(arr);
		return CLI_FAIL;
	}
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct prefix p;
		uint16_t port = 0;
		char pb[64];

		if (k.mv_size != sizeof(p))
			continue;
		memcpy(&p, k.mv_data, sizeof(p));
		if (v.mv_size >= sizeof(port))
			memcpy(&port, v.mv_data, sizeof(port));
		prefix_fmt(&p, pb, sizeof(pb));
		n++;
		if (arr)
			json_array_append_new(arr, json_pack("{ss si}",
							     "prefix", pb,
							     "port", port));
		else if (port)
			printf("%-44s port %u%s\n", pb, port,
			       port == 53 ? " (DNS resolver)" : "");
		else
			printf("%-44s any port\n", pb);
	}
	mdb_cursor_close(cur);
	store_abort(txn);
	if (arr) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(arr);
	} else if (!n) {
		printf("the garden is empty: suspended subscribers reach "
		       "nothing (add the DNS resolvers with --port 53)\n");
	}
	return CLI_OK;
}

static const struct cli_opt add_opts[] = {
	{ "port", CLI_UINT, "N", "only this TCP/UDP port (53 for a DNS "
	  "resolver; default 0 = every port)", .max = 65535, .short_opt = 'p' },
	{}
};

static int garden_add(struct cli *c, struct cli_args *a)
{
	return garden_change(c, "add", a->argv[0], (long)a->o[0].u);
}

static int garden_remove(struct cli *c, struct cli_args *a)
{
	return garden_change(c, "remove", a->argv[0], 0);
}

static const struct cli_cmd garden_cmds[] = {
	{ "add", "PREFIX", 1, add_opts, garden_add,
	  "let suspended subscribers reach PREFIX",
	  "The DNS resolvers (--port 53), the portal and the payment pages "
	  "belong here. tagih-agent copies the garden into its maps within "
	  "policy_poll_ms (at its next start if it is not running)." },
	{ "list", "", 0, NULL, garden_list, "what suspended subscribers reach",
	  NULL, CLI_CMD_JSON },
	{ "remove", "PREFIX", 1, NULL, garden_remove,
	  "take PREFIX out of the garden", NULL },
	{}
};

const struct cli_group cli_garden = {
	"garden", "walled garden: what isolated subscribers reach",
	"Destinations suspended (isolir) subscribers can still reach: the DNS "
	"resolvers, the portal and the payment pages.", garden_cmds
};
