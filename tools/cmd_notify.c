// SPDX-License-Identifier: GPL-2.0
/* cmd_notify.c - `tagih notify list|retry`: the notification outbox for the operator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "tools/cli.h"
#include "lib/money.h"
#include "billing/outbox.h"
#include "lib/ttime.h"

struct list_ctx {
	int status;		/* -1 = all */
	json_t *arr;
	int n;
};

static int list_one(const struct outbox_rec *r, void *ctx)
{
	struct list_ctx *l = ctx;
	char t1[40], t2[40], amt[32];

	if (l->status >= 0 && r->status != l->status)
		return 0;
	l->n++;
	if (l->arr) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:i,s:s,"
				      "s:s,s:s}",
			"id", (json_int_t)r->id,
			"event", outbox_event_str(r->event),
			"channel", outbox_channel_str(r->channel),
			"status", outbox_status_str(r->status),
			"sub", r->sub, "ref", r->ref,
			"amount", (json_int_t)r->amount,
			"attempts", (int)r->attempts,
			"created", tt_fmt_time_local(r->created, t1, sizeof(t1)),
			"next_try", tt_fmt_time_local(r->next_try, t2,
						      sizeof(t2)),
			"last_error", r->last_error);

		if (!o)
			return -ENOMEM;
		return json_array_append_new(l->arr, o) ? -ENOMEM : 0;
	}
	printf("%6llu  %-8s %-14s %-16s %-14s %-22s %12s  %u  %s\n",
	       (unsigned long long)r->id, outbox_status_str(r->status),
	       outbox_channel_str(r->channel), outbox_event_str(r->event),
	       cli_tx(r->sub), cli_tx(r->ref),
	       r->amount ? money_fmt(r->amount, amt, sizeof(amt)) : "-",
	       r->attempts, cli_tx(r->last_error));
	return 0;
}

static const struct cli_opt list_opts[] = {
	{ "status", CLI_CHOICE, NULL, "only messages in this state",
	  .choices = "pending|sending|sent|failed", .short_opt = 's' },
	{}
};

static int notify_list(struct cli *c, struct cli_args *a)
{
	struct list_ctx l = { .status = -1 };
	struct store *st;
	MDB_txn *txn;
	int err;

	if (a->o[0].n && outbox_status_parse(a->o[0].s, &l.status))
		return CLI_USAGE;
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	if (c->json)
		l.arr = json_array();
	else
		printf("%6s  %-8s %-14s %-16s %-14s %-22s %12s  %s  %s\n", "ID",
		       "STATUS", "CHANNEL", "EVENT", "SUB", "REF", "AMOUNT",
		       "N", "LAST ERROR");
	err = store_begin(st, false, &txn);
	if (err) {
		json_decref(l.arr);
		return CLI_FAIL;
	}
	err = outbox_foreach(txn, st, list_one, &l);
	store_abort(txn);
	if (err < 0) {
		cli_err("cannot read the outbox: %s", strerror(-err));
		json_decref(l.arr);
		return CLI_FAIL;
	}
	if (l.arr) {
		json_dumpf(l.arr, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(l.arr);
	}
	return CLI_OK;
}

static int notify_retry(struct cli *c, struct cli_args *a)
{
	unsigned long long id;
	struct store *st;
	MDB_txn *txn;
	char *end;
	int err;

	id = strtoull(a->argv[0], &end, 10);
	if (a->argv[0][0] < '0' || a->argv[0][0] > '9' || *end || !id) {
		cli_err("retry: '%s' is not a message id", a->argv[0]);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	err = store_begin(st, true, &txn);
	if (err)
		return CLI_FAIL;
	err = outbox_retry(txn, st, id, tt_now());
	if (err) {
		store_abort(txn);
		if (err == -ENOENT)
			cli_err("no message %llu", id);
		else if (err == -EALREADY)
			cli_err("message %llu was already sent", id);
		else
			cli_err("retry %llu: %s", id, strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (!c->json)
		printf("message %llu queued again\n", id);
	return CLI_OK;
}

static const struct cli_cmd notify_cmds[] = {
	{ "list", "", 0, list_opts, notify_list, "the notification outbox",
	  NULL, CLI_CMD_JSON },
	{ "retry", "ID", 1, NULL, notify_retry,
	  "put a failed message back in the queue",
	  "tagihd sends it within a second." },
	{}
};

const struct cli_group cli_notify = {
	"notify", "messages to subscribers: list, retry",
	"Messages to subscribers (WhatsApp, e-mail) queued by billing and "
	"dunning and sent by tagihd, each event at most once per channel.",
	notify_cmds
};
