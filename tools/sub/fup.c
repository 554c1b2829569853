// SPDX-License-Identifier: GPL-2.0
/* fup.c - `tagih sub fup ID [--topup-gb G]`: a subscriber's FUP this period, and a top-up. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/audit.h"
#include "billing/fup.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "billing/sub.h"
#include "lib/ttime.h"

enum { O_TOPUP };
const struct cli_opt sub_fup_opts[] = {
	[O_TOPUP] = { "topup-gb", CLI_UINT, "G",
		      "add G GB to this period's FUP quota: the normal speed "
		      "comes back", .min = 1, .max = 1000000 },
	{}
};

int sub_cmd_fup(struct cli *c, struct cli_args *a)
{
	struct sub_rec r;
	struct plan_rec p;
	struct fup_rec f;
	int32_t from, to;
	int64_t now = tt_now();
	uint64_t used = 0;
	char actor[64], d1[16], d2[16];
	bool write = a->o[O_TOPUP].s != NULL;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, write, &txn))
		return CLI_FAIL;
	err = sub_get(txn, c->st, a->argv[0], &r);
	if (err) {
		store_abort(txn);
		cli_err("unknown subscriber '%s'", a->argv[0]);
		return CLI_FAIL;
	}
	fup_period(&r, tt_local_day(now), &from, &to);
	err = plan_of_sub_on(txn, c->st, r.id, r.plan, tt_local_day(now), &p);
	if (err == -ENOENT)
		memset(&p, 0, sizeof(p));
	else if (err)
		goto fail;
	if (write) {
		err = fup_topup(txn, c->st, r.id, from,
				a->o[O_TOPUP].u * (uint64_t)RATE_GB, now,
				audit_cli_actor(actor, sizeof(actor)));
		if (err)
			goto fail;
	}
	err = fup_get(txn, c->st, r.id, from, &f);
	if (!err)
		err = fup_store_used(txn, c->st, r.uid, from, now, &used);
	if (err)
		goto fail;
	if (write && store_commit(txn))
		return CLI_FAIL;
	if (!write)
		store_abort(txn);
	if (c->json) {
		bill_json_out(json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:I}",
			"sub", r.id, "period_from", tt_fmt_date(from, d1, sizeof(d1)),
			"period_to", tt_fmt_date(to, d2, sizeof(d2)),
			"fup_bytes", (json_int_t)p.speed.fup_bytes,
			"topup_bytes", (json_int_t)f.topup_bytes,
			"used_bytes", (json_int_t)used,
			"reached", f.reached != 0,
			"reached_at", (json_int_t)f.reached));
		return CLI_OK;
	}
	printf("%s: period %s .. %s, used %llu bytes (drained), FUP quota %llu + "
	       "top-ups %llu: %s\n", r.id, tt_fmt_date(from, d1, sizeof(d1)),
	       tt_fmt_date(to, d2, sizeof(d2)), (unsigned long long)used,
	       (unsigned long long)p.speed.fup_bytes,
	       (unsigned long long)f.topup_bytes,
	       !p.speed.fup_bytes ? "no FUP on this plan" :
	       f.reached ? "reached (FUP speed)" : "below (normal speed)");
	return CLI_OK;
fail:
	store_abort(txn);
	cli_err("FUP of '%s': %s", a->argv[0], strerror(-err));
	return CLI_FAIL;
}
