// SPDX-License-Identifier: GPL-2.0
/* cmd_address.c - `tagih address show IP [--at TIME]`: who held an address, when. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "billing/addr.h"
#include "billing/sub.h"
#include "tools/billcli.h"
#include "tools/cli.h"
#include "lib/prefix.h"
#include "lib/ttime.h"

enum { A_AT };
static const struct cli_opt show_opts[] = {
	[A_AT] = { "at", CLI_TIME, NULL, "the instant asked about "
		   "(default now)" },
	{}
};

struct show_ctx {
	MDB_txn *txn;
	struct store *st;
	int64_t at;
	json_t *hist;
	const struct addr_span *best;	/* holder at `at`: longest prefix */
	struct addr_span best_s;
	bool have;
};

static void sub_name(MDB_txn *txn, struct store *st, uint32_t uid, char *id,
		     size_t n)
{
	struct sub_rec r;

	if (sub_get_by_uid(txn, st, uid, &r))
		snprintf(id, n, "uid:%u", uid);
	else
		snprintf(id, n, "%s", r.id);
}

static int show_cb(const struct addr_span *s, void *ctx)
{
	struct show_ctx *c = ctx;
	char id[SUB_ID_MAX + 8], pb[64], t0[40], t1[40];
	json_t *o;

	sub_name(c->txn, c->st, s->uid, id, sizeof(id));
	o = json_pack("{s:s, s:s, s:i, s:s}", "prefix",
		      prefix_fmt(&s->p, pb, sizeof(pb)), "sub", id, "uid",
		      (json_int_t)s->uid, "since",
		      tt_fmt_time_local(s->since, t0, sizeof(t0)));
	if (!o)
		return -ENOMEM;
	json_object_set_new(o, "until", s->until ?
			    json_string(tt_fmt_time_local(s->until, t1,
							  sizeof(t1))) :
			    json_null());
	json_array_append_new(c->hist, o);
	/* held at `at`: [since, until); the longest prefix wins, as in the
	 * meter (spans come shortest prefix first) */
	if (s->since <= c->at && (!s->until || c->at < s->until)) {
		c->best_s = *s;
		c->have = true;
	}
	return 0;
}

static int address_show(struct cli *c, struct cli_args *a)
{
	struct show_ctx sc = { 0 };
	struct addr_bind b;
	struct prefix p;
	const char *why = NULL;
	char pb[64], at[40], id[SUB_ID_MAX + 8] = "", hp[64] = "", tb[40];
	int err, src = -1;
	int64_t until = 0;

	if (prefix_parse(a->argv[0], &p, &why)) {
		cli_err("'%s': %s", a->argv[0], why);
		return CLI_USAGE;
	}
	prefix_fmt(&p, pb, sizeof(pb));
	sc.at = a->o[A_AT].s ? a->o[A_AT].t : tt_now();
	sc.hist = json_array();
	if (cli_begin(c, false, &sc.txn)) {
		json_decref(sc.hist);
		return CLI_FAIL;
	}
	sc.st = c->st;
	err = addr_history(sc.txn, sc.st, &p, 0, show_cb, &sc);
	if (!err && sc.have) {
		sub_name(sc.txn, sc.st, sc.best_s.uid, id, sizeof(id));
		prefix_fmt(&sc.best_s.p, hp, sizeof(hp));
		if (!sc.best_s.until &&
		    !addr_bind_get(sc.txn, sc.st, &sc.best_s.p, &b)) {
			src = b.source;
			until = b.until;
		} else if (!sc.best_s.until) {
			src = 0;
		}
	}
	store_abort(sc.txn);
	if (err) {
		json_decref(sc.hist);
		cli_err("address show %s: %s", pb, strerror(-err));
		return CLI_FAIL;
	}
	tt_fmt_time_local(sc.at, at, sizeof(at));
	if (c->json) {
		json_t *j = json_pack("{s:s, s:s, s:o, s:o}", "address", pb,
				      "at", at, "holder",
				      sc.have ? json_string(id) : json_null(),
				      "history", sc.hist);

		if (sc.have) {
			json_object_set_new(j, "uid",
					    json_integer(sc.best_s.uid));
			json_object_set_new(j, "prefix", json_string(hp));
		}
		if (src >= 0)
			json_object_set_new(j, "source",
					    json_string(addr_src_name(src)));
		if (until)
			json_object_set_new(j, "expires", json_string(
				tt_fmt_time_local(until, tb, sizeof(tb))));
		bill_json_out(j);
		return CLI_OK;
	}
	if (sc.have)
		printf("%s at %s: %s (uid %u, %s%s%s)\n", pb, at, id,
		       sc.best_s.uid, hp, src >= 0 ? ", " : "",
		       src >= 0 ? addr_src_name(src) : "");
	else
		printf("%s at %s: unknown (nobody held it)\n", pb, at);
	{
		size_t i;
		json_t *e;

		json_array_foreach(sc.hist, i, e) {
			json_t *u = json_object_get(e, "until");

			printf("  %-24s %-16s %s .. %s\n",
			       json_string_value(json_object_get(e, "prefix")),
			       json_string_value(json_object_get(e, "sub")),
			       json_string_value(json_object_get(e, "since")),
			       json_is_string(u) ? json_string_value(u) : "now");
		}
	}
	json_decref(sc.hist);
	return CLI_OK;
}

/* meta "radius_unknown/" + User-Name -> count u64, last i64 (agent/radius.c) */
#define UNKNOWN_PFX "radius_unknown/"

static int address_unknown(struct cli *c, struct cli_args *a)
{
	json_t *arr = json_array();
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	char name[260], tb[40];
	size_t pl = strlen(UNKNOWN_PFX), i;
	json_t *e;
	int err;

	(void)a;
	if (cli_begin(c, false, &txn)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	err = store_cursor_open(txn, c->st, DB_META, &cur);
	if (err) {
		store_abort(txn);
		json_decref(arr);
		return CLI_FAIL;
	}
	k.mv_data = UNKNOWN_PFX;
	k.mv_size = pl;
	for (err = store_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     !err; err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct { uint64_t n; int64_t last; } u;

		if (k.mv_size < pl || memcmp(k.mv_data, UNKNOWN_PFX, pl))
			break;
		if (v.mv_size != sizeof(u) || k.mv_size - pl >= sizeof(name))
			continue;
		memcpy(&u, v.mv_data, sizeof(u));
		memcpy(name, (const char *)k.mv_data + pl, k.mv_size - pl);
		name[k.mv_size - pl] = '\0';
		json_array_append_new(arr, json_pack(
			"{s:s?, s:I, s:s}", "user", name, "requests",
			(json_int_t)u.n, "last",
			tt_fmt_time_local(u.last, tb, sizeof(tb))));
	}
	mdb_cursor_close(cur);
	store_abort(txn);
	if (err && err != -ENOENT) {
		json_decref(arr);
		cli_err("address unknown: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(arr);
		return CLI_OK;
	}
	if (!json_array_size(arr))
		printf("no unknown RADIUS users\n");
	json_array_foreach(arr, i, e)
		printf("%-32s %8lld  last %s\n",
		       cli_tx(json_string_value(json_object_get(e, "user"))),
		       (long long)json_integer_value(json_object_get(e,
							"requests")),
		       json_string_value(json_object_get(e, "last")));
	json_decref(arr);
	return CLI_OK;
}

static const struct cli_cmd address_cmds[] = {
	{ "show", "IP", 1, show_opts, address_show,
	  "who held an address at an instant, and its history",
	  "IP is an address (10.0.0.5, 2001:db8::1) or a prefix. The holder "
	  "is the longest prefix containing it that somebody held at --at, "
	  "as the meter matches it; \"unknown\" when nobody did (its traffic "
	  "is counted as unknown, not billed). The history lists every span "
	  "of every prefix that contains it: static (sub ip add), DHCP "
	  "leases (tagih lease add) and RADIUS sessions alike.",
	  CLI_CMD_JSON },
	{ "unknown", "", 0, NULL, address_unknown,
	  "RADIUS user names that are nobody's --pppoe-user",
	  "Each with its request count and the last time seen (the first "
	  "4096 distinct names; tagih-agent's /metrics counts them all as "
	  "tagih_radius_unknown_users_total). Give the subscriber the name "
	  "with `tagih sub set ID --pppoe-user NAME`; the next Interim-Update "
	  "binds the address.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_address = {
	"address", "who holds which address, over time",
	NULL, address_cmds
};
