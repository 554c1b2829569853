// SPDX-License-Identifier: GPL-2.0
/* cmd_address.c - `tagih address show IP [--at TIME]`: who held an address, when. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing/addr.h"
#include "billing/radoct.h"
#include "billing/usage.h"
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

enum { C_FROM, C_TO };
static const struct cli_opt compare_opts[] = {
	[C_FROM] = { "from", CLI_DATE, NULL, "first day (local)", CLI_REQ },
	[C_TO] = { "to", CLI_DATE, NULL, "last day (local, included)",
		   CLI_REQ },
	{}
};

struct cmp_row {
	uint32_t uid;
	struct radoct_val r;
};

struct cmp_ctx {
	struct cmp_row *v;
	size_t n, cap;
};

static int cmp_cb(uint32_t uid, int32_t day, const struct radoct_val *v,
		  void *ctx)
{
	struct cmp_ctx *c = ctx;

	(void)day;
	if (!c->n || c->v[c->n - 1].uid != uid) {	/* uid order */
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 64;
			struct cmp_row *nv = realloc(c->v, cap * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			c->v = nv;
			c->cap = cap;
		}
		c->v[c->n].uid = uid;
		c->v[c->n].r = (struct radoct_val){ 0, 0 };
		c->n++;
	}
	c->v[c->n - 1].r.in += v->in;
	c->v[c->n - 1].r.out += v->out;
	return 0;
}

/* (radius - tagih) / tagih in per cent; NAN-free: 0 / 0 = 0 */
static double diff_pct(uint64_t radius, uint64_t tagih)
{
	if (!tagih)
		return radius ? 100.0 : 0.0;
	return ((double)radius - (double)tagih) * 100.0 / (double)tagih;
}

static int address_compare(struct cli *c, struct cli_args *a)
{
	int32_t from = a->o[C_FROM].day, to = a->o[C_TO].day;
	struct cmp_ctx cc = { 0 };
	json_t *arr = json_array();
	MDB_txn *txn;
	size_t i;
	int err;

	if (to < from) {
		cli_err("--to is before --from");
		json_decref(arr);
		return CLI_USAGE;
	}
	if (cli_begin(c, false, &txn)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	err = radoct_foreach(txn, c->st, from, to, cmp_cb, &cc);
	for (i = 0; !err && i < cc.n; i++) {
		struct usage_val u = { 0 };
		char id[SUB_ID_MAX + 8];

		err = usage_sum(txn, c->st, cc.v[i].uid, tt_day_start(from),
				tt_day_start(to + 1), &u);
		if (err)
			break;
		sub_name(txn, c->st, cc.v[i].uid, id, sizeof(id));
		json_array_append_new(arr, json_pack(
			"{s:s, s:I, s:I, s:I, s:I, s:f, s:f}", "sub", id,
			"tagih_up", (json_int_t)u.up_bytes, "tagih_down",
			(json_int_t)u.down_bytes, "radius_in",
			(json_int_t)cc.v[i].r.in, "radius_out",
			(json_int_t)cc.v[i].r.out, "up_diff_pct",
			diff_pct(cc.v[i].r.in, u.up_bytes), "down_diff_pct",
			diff_pct(cc.v[i].r.out, u.down_bytes)));
	}
	store_abort(txn);
	free(cc.v);
	if (err) {
		json_decref(arr);
		cli_err("address compare: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (c->json) {
		bill_json_out(arr);
		return CLI_OK;
	}
	if (!json_array_size(arr))
		printf("no RADIUS octets recorded in that time\n");
	else
		printf("%-20s %14s %14s %7s %14s %14s %7s\n", "SUB", "TAGIH UP",
		       "RADIUS IN", "DIFF", "TAGIH DOWN", "RADIUS OUT", "DIFF");
	{
		json_t *e;

		json_array_foreach(arr, i, e)
			printf("%-20s %14lld %14lld %6.1f%% %14lld %14lld "
			       "%6.1f%%\n",
			       json_string_value(json_object_get(e, "sub")),
			       (long long)json_integer_value(json_object_get(e, "tagih_up")),
			       (long long)json_integer_value(json_object_get(e, "radius_in")),
			       json_real_value(json_object_get(e, "up_diff_pct")),
			       (long long)json_integer_value(json_object_get(e, "tagih_down")),
			       (long long)json_integer_value(json_object_get(e, "radius_out")),
			       json_real_value(json_object_get(e, "down_diff_pct")));
	}
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
	{ "compare", "", 0, compare_opts, address_compare,
	  "the NAS's RADIUS octets next to tagih's own, per subscriber",
	  "For every subscriber with RADIUS accounting in [--from, --to]: "
	  "tagih's metered up/down bytes (the bill) beside the NAS's "
	  "Acct-Input/Output-Octets (with Gigawords) from Interim-Updates "
	  "and Stops, and the difference in per cent. RADIUS counts the PPP "
	  "frames the NAS saw, tagih the IP length, so a few per cent apart "
	  "is normal; far apart means a session the NAS lost or an address "
	  "the meter does not see. Never billed.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_address = {
	"address", "who holds which address, over time",
	NULL, address_cmds
};
