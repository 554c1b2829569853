// SPDX-License-Identifier: GPL-2.0
/* cmd_audit.c - `tagih audit [--sub ID] [--json]`: read the audit log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing/audit.h"
#include "tools/cli.h"
#include "lib/ttime.h"

struct audit_ctx {
	json_t *arr;
	int n;
};

static int audit_print(int64_t t, uint32_t seq, json_t *e, void *ctx)
{
	struct audit_ctx *a = ctx;
	const char *sub = json_string_value(json_object_get(e, "sub"));
	const char *reason = json_string_value(json_object_get(e, "reason"));
	json_t *detail = json_object_get(e, "detail");
	char tb[40];

	a->n++;
	if (a->arr) {
		json_t *o = json_deep_copy(e);

		if (!o)
			return -ENOMEM;
		json_object_set_new(o, "seq", json_integer(seq));
		json_object_set_new(o, "time_local",
				    json_string(tt_fmt_time_local(t, tb,
								  sizeof(tb))));
		json_array_append_new(a->arr, o);
		return 0;
	}
	printf("%s  %-24s %-10s %-16s %s", tt_fmt_time_local(t, tb, sizeof(tb)),
	       cli_tx(json_string_value(json_object_get(e, "actor"))),
	       cli_tx(json_string_value(json_object_get(e, "action"))),
	       sub ? cli_tx(sub) : "-", reason ? cli_tx(reason) : "");
	if (detail) {
		char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);

		if (d)
			printf("  %s", cli_tx(d));
		free(d);
	}
	printf("\n");
	return 0;
}

static const struct cli_opt audit_opts[] = {
	{ "sub", CLI_STR, "ID", "only this subscriber's entries",
	  .short_opt = 's' },
	{}
};

static int cmd_audit(struct cli *c, struct cli_args *args)
{
	struct audit_ctx a = {};
	const char *sub = args->o[0].s;
	struct store *st;
	MDB_txn *txn;
	int err;

	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	if (c->json && !(a.arr = json_array()))
		return CLI_FAIL;
	err = store_begin(st, false, &txn);
	if (err)
		goto out;
	err = audit_foreach(txn, st, sub, audit_print, &a);
	store_abort(txn);
	if (!err && a.arr) {
		json_dumpf(a.arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
	} else if (!err && !a.n) {
		printf("no audit entries%s%s\n", sub ? " for " : "",
		       sub ? sub : "");
	}
out:
	json_decref(a.arr);
	if (err) {
		cli_err("audit: %s", strerror(-err));
		return CLI_FAIL;
	}
	return CLI_OK;
}

static const struct cli_cmd audit_cmds[] = {
	{ "", "", 0, audit_opts, cmd_audit, "read the audit log",
	  "Every suspend, restore, hold, garden change, payment and other "
	  "audited step, oldest first, with who did it.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_audit = {
	"audit", "who did what, when", NULL, audit_cmds
};
