// SPDX-License-Identifier: GPL-2.0
/* cmd_dunning.c - `tagih dunning run`: one pass of reminders, late fees, isolir and restore. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing/audit.h"
#include "tools/cli.h"
#include "billing/dunning.h"
#include "lib/ttime.h"

static const struct cli_opt run_opts[] = {
	{ "now", CLI_TIME, NULL,
	  "pretend it is this instant (ISO 8601 or @unix)", .short_opt = 'n' },
	{}
};

static int dunning_cmd_run(struct cli *c, struct cli_args *a)
{
	struct dunning_policy p;
	struct dunning_report r;
	char actor[64], fb[32];
	int64_t now = a->o[0].n ? a->o[0].t : tt_now();
	const char *why;
	struct store *st;
	int err;

	if (dunning_policy_from_conf(&c->conf, &p, &why)) {
		cli_err("config: %s", why);
		return CLI_FAIL;
	}
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	err = dunning_run(st, &p, now, audit_cli_actor(actor, sizeof(actor)),
			  &r);
	if (err) {
		cli_err("dunning run: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		json_t *j = json_pack(
			"{sI si si si si sI si si si}", "now",
			(json_int_t)now, "invoices", r.invoices, "overdue",
			r.overdue, "reminders", r.reminders, "late_fees",
			r.fees, "late_fee_total", (json_int_t)r.fee_total,
			"suspended", r.suspended, "restored", r.restored,
			"held", r.held);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(j);
		return CLI_OK;
	}
	printf("dunning at %s: %d open invoices, %d newly overdue, "
	       "%d reminders, %d late fees (%s), %d suspended, %d restored, "
	       "%d exempt (hold/auto_suspend off)\n",
	       tt_fmt_time_local(now, actor, sizeof(actor)), r.invoices,
	       r.overdue, r.reminders, r.fees, money_fmt(r.fee_total, fb,
							 sizeof(fb)),
	       r.suspended, r.restored, r.held);
	return CLI_OK;
}

static const struct cli_cmd dunning_cmds[] = {
	{ "run", "", 0, run_opts, dunning_cmd_run,
	  "one dunning pass: reminders, overdue marks, late fees, isolir "
	  "past the grace period, restore of those who paid",
	  "Idempotent; tagih-agent runs it every dunning_interval. The rules "
	  "(reminder_days, grace_days, late_fee, auto_suspend) are in the "
	  "config: see tagih.conf(5).", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_dunning = {
	"dunning", "reminders, isolir and restore runs", NULL, dunning_cmds
};
