// SPDX-License-Identifier: GPL-2.0
/* ip.c - `tagih sub ip add|del`: a subscriber's addresses (the history is kept). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/sub/sub.h"
#include "billing/addr.h"
#include "billing/sub.h"
#include "lib/prefix.h"
#include "lib/ttime.h"

static int sub_ip(struct cli *c, struct cli_args *a, bool add)
{
	const char *why = NULL, *verb = add ? "add" : "del";
	struct sub_rec r;
	struct prefix p;
	struct store *st;
	MDB_txn *txn;
	char b[64];
	int err;

	if (prefix_parse(a->argv[1], &p, &why)) {
		cli_err("bad prefix '%s': %s", a->argv[1], why);
		return CLI_FAIL;
	}
	prefix_fmt(&p, b, sizeof(b));
	if (cli_sub_begin(c, true, a->argv[0], &st, &txn, &r))
		return CLI_FAIL;
	if (add) {
		struct prefix tmp[SUB_MAX_PREFIXES];

		if (sub_prefixes(txn, st, r.uid, tmp, SUB_MAX_PREFIXES) >=
		    SUB_MAX_PREFIXES) {
			cli_err("'%s' already has %d prefixes", r.id,
				SUB_MAX_PREFIXES);
			goto fail;
		}
		err = sub_prefix_add(txn, st, &r, &p, tt_now());
	} else {
		err = sub_prefix_del(txn, st, &r, &p, tt_now());
		if (!err)	/* a learned address: it is not bound any more */
			err = addr_forget(txn, st, &p);
	}
	if (err) {
		if (add && err == -EADDRINUSE)
			sub_say_owner(txn, st, &p, r.uid);
		else if (add && err == -EEXIST)
			cli_err("%s already belongs to '%s'", b, r.id);
		else if (!add && err == -ENOENT)
			cli_err("%s does not belong to '%s'", b, r.id);
		else
			cli_err("cannot %s %s: %s", verb, b, strerror(-err));
		goto fail;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (!c->json)
		printf("%s %s %s '%s'\n", add ? "added" : "removed", b,
		       add ? "to" : "from", r.id);
	return CLI_OK;
fail:
	store_abort(txn);
	return CLI_FAIL;
}

int sub_cmd_ip_add(struct cli *c, struct cli_args *a)
{
	return sub_ip(c, a, true);
}

int sub_cmd_ip_del(struct cli *c, struct cli_args *a)
{
	return sub_ip(c, a, false);
}
