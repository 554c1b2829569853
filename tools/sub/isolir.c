// SPDX-License-Identifier: GPL-2.0
/* isolir.c - `tagih sub suspend|restore|hold`: isolir by hand, and exemption from it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/sub/sub.h"
#include "billing/dunning.h"
#include "lib/text.h"
#include "lib/ttime.h"

enum { I_REASON, I_NOW, I_OFF };
#define ISOLIR_NOW							\
	[I_NOW] = { "now", CLI_TIME, NULL,				\
		    "pretend it is this instant (ISO 8601 or @unix)",	\
		    .short_opt = 'n' }

const struct cli_opt sub_suspend_opts[] = {
	[I_REASON] = { "reason", CLI_STR, "TEXT", "why (kept in the audit log)",
		       CLI_REQ, .short_opt = 'r' },
	ISOLIR_NOW,
	{}
};

const struct cli_opt sub_restore_opts[] = {
	[I_REASON] = { "reason", CLI_STR, "TEXT",
		       "why (default \"by hand\")", .short_opt = 'r' },
	ISOLIR_NOW,
	{}
};

const struct cli_opt sub_hold_opts[] = {
	[I_REASON] = { "reason", CLI_STR, "TEXT",
		       "why (required unless --off)", .short_opt = 'r' },
	ISOLIR_NOW,
	[I_OFF] = { "off", CLI_FLAG, NULL, "end the hold", .short_opt = 'o' },
	{}
};

static int isolir(struct cli *c, struct cli_args *a, const char *verb)
{
	const char *reason = a->o[I_REASON].s, *id = a->argv[0];
	int64_t now = a->o[I_NOW].n ? a->o[I_NOW].t : tt_now();
	bool off = !strcmp(verb, "hold") && a->o[I_OFF].n;
	struct sub_rec rec;
	char actor[64];
	struct store *st;
	MDB_txn *txn;
	int err;

	if ((!strcmp(verb, "suspend") && (!reason || !*reason)) ||
	    (!strcmp(verb, "hold") && !off && (!reason || !*reason))) {
		cli_err("sub %s: --reason TEXT is required", verb);
		return CLI_USAGE;
	}
	if (reason && cli_text("reason", reason, 200))
		return CLI_USAGE;
	audit_cli_actor(actor, sizeof(actor));
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	st = c->st;
	err = sub_get(txn, st, id, &rec);
	if (err)
		goto abort;
	if (!strcmp(verb, "suspend")) {
		err = dunning_suspend(txn, st, &rec, now, actor, reason, false);
	} else if (!strcmp(verb, "restore")) {
		err = dunning_restore(txn, st, &rec, now, actor,
				      reason ? reason : "by hand");
	} else if (!strcmp(verb, "hold")) {
		rec.hold = !off;
		/* cut between characters; the audit entry keeps it whole */
		text_copy(rec.hold_reason, sizeof(rec.hold_reason),
			  off ? "" : reason);
		err = sub_put(txn, st, &rec);
		if (!err)
			err = audit_write(txn, st, now, actor,
					  off ? "hold_off" : "hold", rec.id,
					  reason, NULL);
		/* the next dunning run (or agent) acts on it */
	} else {
		err = -EINVAL;
	}
	if (err == -EALREADY) {
		store_abort(txn);
		printf("%s is already %s\n", id, sub_status_str(rec.status));
		return CLI_OK;
	}
	if (err)
		goto abort;
	err = store_commit(txn);
	if (err)
		goto fail;
	printf("%s: %s%s%s\n", id,
	       !strcmp(verb, "hold") ? (off ? "hold off" : "on hold")
				     : sub_status_str(rec.status),
	       reason ? " - " : "", reason ? reason : "");
	return CLI_OK;
abort:
	store_abort(txn);
fail:
	if (err == -ENOENT)
		cli_err("no subscriber '%s'", id);
	else if (err == -EINVAL)
		cli_err("sub %s: %s is %s", verb, id,
			sub_status_str(rec.status));
	else
		cli_err("sub %s: %s", verb, strerror(-err));
	return CLI_FAIL;
}

int sub_cmd_suspend(struct cli *c, struct cli_args *a)
{
	return isolir(c, a, "suspend");
}

int sub_cmd_restore(struct cli *c, struct cli_args *a)
{
	return isolir(c, a, "restore");
}

int sub_cmd_hold(struct cli *c, struct cli_args *a)
{
	return isolir(c, a, "hold");
}
