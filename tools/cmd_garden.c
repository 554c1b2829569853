// SPDX-License-Identifier: GPL-2.0
/* cmd_garden.c - `tagih garden add|list|remove`: what isolated subscribers may reach. */
#include <errno.h>
#include <getopt.h>
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
 * resolver is an entry with port 53. The agent copies the table into
 * tagih_garden4/6 when "policy_gen" changes; we also push it right away
 * when the maps are pinned.
 */
static void garden_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih garden add PREFIX [--port N]\n"
		"       tagih garden list [--json]\n"
		"       tagih garden remove PREFIX\n"
		"  Destinations suspended (isolir) subscribers can still reach:\n"
		"  the DNS resolvers (--port 53), the portal and the payment\n"
		"  pages. --port 0 (default) allows every port.\n");
}

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
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	err = store_begin(st, true, &txn);
	if (err)
		goto fail;
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

static int garden_list(struct cli *c)
{
	json_t *arr = c->json ? json_array() : NULL;
	MDB_cursor *cur;
	struct store *st;
	MDB_val k, v;
	MDB_txn *txn;
	int rc, err, n = 0;

	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	err = store_begin(st, false, &txn);
	if (err)
		return CLI_FAIL;
	rc = mdb_cursor_open(txn, store_dbi(st, DB_GARDEN), &cur);
	if (rc) {
		store_abort(txn);
		json_decref(arr);
		return CLI_FAIL;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
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

int cmd_garden(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *verb;
	long port = 0;
	char *end;
	int o;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		garden_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	verb = argv[1];
	argc--;
	argv++;
	optind = 0;
	while ((o = getopt_long(argc, argv, "p:jh", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end || end == optarg || port < 0 || port > 65535) {
				cli_err("--port: 0..65535");
				return CLI_USAGE;
			}
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			garden_usage(stdout);
			return CLI_OK;
		default:
			garden_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!strcmp(verb, "list") && optind == argc)
		return garden_list(c);
	if ((!strcmp(verb, "add") || !strcmp(verb, "remove")) &&
	    optind == argc - 1)
		return garden_change(c, verb, argv[optind], port);
	garden_usage(stderr);
	return CLI_USAGE;
}
