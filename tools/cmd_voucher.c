// SPDX-License-Identifier: GPL-2.0
/* cmd_voucher.c - `tagih voucher`: printable batches, list, void, redeem; `tagih report vouchers`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/pack.h"
#include "billing/voucher.h"
#include "billing/vsheet.h"
#include "lib/outfile.h"
#include "lib/ttime.h"

enum { V_PLAN, V_PACK, V_COUNT, V_RESELLER, V_OUT, V_NOW };
static const struct cli_opt create_opts[] = {
	[V_PLAN] = { "plan", CLI_STR, "NAME",
		     "a prepaid plan: each code buys one period" },
	[V_PACK] = { "pack", CLI_STR, "NAME",
		     "a quota pack: each code tops up its quota" },
	[V_COUNT] = { "count", CLI_UINT, "N", "how many codes", CLI_REQ,
		      .min = 1, .max = VOUCHER_BATCH_MAX },
	[V_RESELLER] = { "reseller", CLI_STR, "NAME",
			 "the warung or agent selling them (for the report)" },
	[V_OUT] = { "out", CLI_STR, "FILE.csv|FILE.pdf",
		    "the sheet: CSV, or a PDF of cards to print and cut",
		    CLI_REQ },
	[V_NOW] = { "now", CLI_TIME, NULL,
		    "pretend it is this instant (ISO 8601 or @unix)" },
	{}
};

static bool ends_with(const char *s, const char *e)
{
	size_t n = strlen(s), m = strlen(e);

	return n > m && !strcasecmp(s + n - m, e);
}

static int v_detail(MDB_txn *txn, struct store *st, int kind,
		    const char *name, char *buf, size_t n)
{
	if (kind == VOUCHER_PLAN) {
		struct plan_rec p;
		int err = plan_get(txn, st, name, &p);

		if (!err)
			snprintf(buf, n, "%u hari", p.days);
		return err;
	} else {
		struct pack_rec k;
		char b[32];
		int err = pack_get(txn, st, name, &k);

		if (!err)
			snprintf(buf, n, "%s, %u hari",
				 cli_fmt_bytes(k.bytes, b, sizeof(b)), k.days);
		return err;
	}
}

static int voucher_cmd_create(struct cli *c, struct cli_args *a)
{
	const char *out = a->o[V_OUT].s, *res = a->o[V_RESELLER].s;
	int kind = a->o[V_PLAN].s ? VOUCHER_PLAN : VOUCHER_PACK;
	const char *name = a->o[V_PLAN].s ? a->o[V_PLAN].s : a->o[V_PACK].s;
	int64_t now = a->o[V_NOW].n ? a->o[V_NOW].t : tt_now();
	unsigned n = (unsigned)a->o[V_COUNT].u, i;
	struct vsheet_item *items = NULL;
	struct vsheet sh = { 0 };
	uint64_t *serials = NULL;
	char *codes = NULL, detail[64], actor[64];
	struct outfile of;
	bool pdf, opened = false;
	MDB_txn *txn = NULL;
	int ret = CLI_FAIL, err;

	if (!!a->o[V_PLAN].s == !!a->o[V_PACK].s) {
		cli_err("give one of --plan NAME or --pack NAME");
		return CLI_USAGE;
	}
	if (res && plan_name_check(res)) {
		cli_err("--reseller '%s': 1..%d of A-Z a-z 0-9 . _ -", res,
			PLAN_NAME_MAX);
		return CLI_USAGE;
	}
	pdf = ends_with(out, ".pdf");
	if (!pdf && !ends_with(out, ".csv")) {
		cli_err("--out must end in .csv or .pdf");
		return CLI_USAGE;
	}
	codes = calloc(n, VOUCHER_CODE_LEN + 1);
	serials = calloc(n, sizeof(*serials));
	items = calloc(n, sizeof(*items));
	if (!codes || !serials || !items) {
		cli_err("out of memory");
		goto out;
	}
	if (cli_begin(c, true, &txn))
		goto out;
	err = voucher_create(txn, c->st, kind, name, res, n, now, codes,
			     serials, &sh.price);
	if (!err)
		err = v_detail(txn, c->st, kind, name, detail, sizeof(detail));
	if (!err) {
		json_t *d = json_pack("{ss ss ss? si sI sI}", "kind",
				      kind == VOUCHER_PLAN ? "plan" : "pack",
				      "name", name, "reseller", res, "count",
				      (int)n, "first", (json_int_t)serials[0],
				      "last", (json_int_t)serials[n - 1]);

		err = audit_write(txn, c->st, now,
				  audit_cli_actor(actor, sizeof(actor)),
				  "voucher_create", NULL, NULL, d);
		json_decref(d);
	}
	if (err) {
		cli_err(err == -ENOENT ? "unknown %s '%s'" :
			err == -EINVAL ? "cannot make vouchers for %s '%s': "
					 "not a prepaid plan" :
			err == -EPERM ? "%s '%s': refusing to charge PPN "
					"without operator_npwp" :
			"cannot make vouchers for %s '%s'",
			kind == VOUCHER_PLAN ? "plan" : "pack", name);
		goto out;
	}
	for (i = 0; i < n; i++) {
		items[i].serial = serials[i];
		items[i].code = codes + i * (VOUCHER_CODE_LEN + 1);
	}
	sh.conf = &c->conf;
	sh.kind = kind;
	sh.name = name;
	sh.detail = detail;
	sh.reseller = res ? res : "";
	sh.created = now;
	/* the sheet is written whole before the codes are committed, and
	 * put in place only after: no sheet of codes that do not exist */
	err = outfile_open(&of, out);
	if (err) {
		cli_err("cannot write %s: %s", out, strerror(-err));
		goto out;
	}
	opened = true;
	err = pdf ? vsheet_pdf(of.f, &sh, items, n) :
		    vsheet_csv(of.f, &sh, items, n);
	if (err || fflush(of.f)) {
		cli_err("cannot write %s", out);
		goto out;
	}
	err = store_commit(txn);
	txn = NULL;
	if (err)
		goto out;
	err = outfile_commit(&of);
	opened = false;
	if (err) {
		cli_err("the vouchers %llu..%llu are stored but %s could not "
			"be written (%s): void them with `tagih voucher void`",
			(unsigned long long)serials[0],
			(unsigned long long)serials[n - 1], out,
			strerror(-err));
		goto out;
	}
	if (c->json)
		bill_json_out(json_pack("{s:i, s:I, s:I, s:I, s:s}", "count",
					(int)n, "first",
					(json_int_t)serials[0], "last",
					(json_int_t)serials[n - 1], "price",
					(json_int_t)sh.price, "out", out));
	else
		printf("made %u voucher%s (%llu..%llu) for %s '%s': %s\n", n,
		       n == 1 ? "" : "s", (unsigned long long)serials[0],
		       (unsigned long long)serials[n - 1],
		       kind == VOUCHER_PLAN ? "plan" : "pack", name, out);
	ret = CLI_OK;
out:
	if (opened)
		outfile_abort(&of);
	if (txn)
		store_abort(txn);
	if (codes)
		explicit_bzero(codes, (size_t)n * (VOUCHER_CODE_LEN + 1));
	free(codes);
	free(serials);
	free(items);
	return ret;
}

static json_t *voucher_json(const struct voucher_rec *v)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s?}",
			 "serial", (json_int_t)v->serial, "kind",
			 v->kind == VOUCHER_PLAN ? "plan" : "pack", "name",
			 v->name, "reseller", v->reseller, "status",
			 voucher_status_str(v->status), "price",
			 (json_int_t)v->price, "created",
			 (json_int_t)v->created, "redeemed",
			 (json_int_t)v->redeemed, "subscriber",
			 v->sub[0] ? v->sub : NULL);
}

/* voucher_foreach is in hash order: collect, then sort by serial. */
struct vlist {
	struct voucher_rec *v;
	size_t n, cap;
	const char *reseller;
};

static int vlist_cb(const struct voucher_rec *v, void *ctx)
{
	struct vlist *l = ctx;

	if (l->reseller && strcmp(l->reseller, v->reseller))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		void *p = realloc(l->v, cap * sizeof(*l->v));

		if (!p)
			return -ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n++] = *v;
	return 0;
}

static int by_serial(const void *a, const void *b)
{
	const struct voucher_rec *x = a, *y = b;

	return (x->serial > y->serial) - (x->serial < y->serial);
}

static int vlist_load(struct cli *c, struct vlist *l)
{
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn))
		return CLI_FAIL;
	err = voucher_foreach(txn, c->st, vlist_cb, l);
	store_abort(txn);
	if (err) {
		cli_err("cannot read vouchers: %s", strerror(-err));
		return CLI_FAIL;
	}
	qsort(l->v, l->n, sizeof(*l->v), by_serial);
	return 0;
}

static const struct cli_opt list_opts[] = {
	{ "reseller", CLI_STR, "NAME", "only this reseller's" },
	{}
};

static int voucher_cmd_list(struct cli *c, struct cli_args *a)
{
	struct vlist l = { .reseller = a->o[0].s };
	json_t *arr = NULL;
	char p[40], t[40];
	size_t i;

	if (vlist_load(c, &l)) {
		free(l.v);
		return CLI_FAIL;
	}
	if (c->json)
		arr = json_array();
	else
		printf("%-8s %-5s %-20s %-16s %-9s %12s %-16s %s\n", "SERIAL",
		       "KIND", "NAME", "RESELLER", "STATUS", "PRICE",
		       "SUBSCRIBER", "REDEEMED");
	for (i = 0; i < l.n; i++) {
		const struct voucher_rec *v = &l.v[i];

		if (arr) {
			json_array_append_new(arr, voucher_json(v));
			continue;
		}
		printf("%-8llu %-5s %-20s %-16s %-9s %12s %-16s %s\n",
		       (unsigned long long)v->serial,
		       v->kind == VOUCHER_PLAN ? "plan" : "pack", v->name,
		       v->reseller[0] ? v->reseller : "-",
		       voucher_status_str(v->status),
		       money_fmt(v->price, p, sizeof(p)),
		       v->sub[0] ? v->sub : "-",
		       v->redeemed ? tt_fmt_time_local(v->redeemed, t,
						       sizeof(t)) : "-");
	}
	free(l.v);
	if (arr)
		bill_json_out(arr);
	return CLI_OK;
}

static int voucher_cmd_void(struct cli *c, struct cli_args *a)
{
	char actor[64];
	uint64_t serial;
	MDB_txn *txn;
	int err;

	if (bill_uint("SERIAL", a->argv[0], UINT64_MAX, &serial))
		return CLI_USAGE;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = voucher_void(txn, c->st, serial, tt_now(),
			   audit_cli_actor(actor, sizeof(actor)));
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "no voucher %s" :
			err == -EALREADY ? "voucher %s is redeemed or void "
					   "already" : "cannot void %s",
			a->argv[0]);
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	printf("voided voucher %s\n", a->argv[0]);
	return CLI_OK;
}

enum { R_SUB, R_NOW };
static const struct cli_opt redeem_opts[] = {
	[R_SUB] = { "sub", CLI_STR, "ID", "the subscriber it extends",
		    CLI_REQ },
	[R_NOW] = { "now", CLI_TIME, NULL,
		    "pretend it is this instant (ISO 8601 or @unix)" },
	{}
};

static int voucher_cmd_redeem(struct cli *c, struct cli_args *a)
{
	int64_t now = a->o[R_NOW].n ? a->o[R_NOW].t : tt_now();
	const char *sub = a->o[R_SUB].s;
	struct voucher_rec v;
	char actor[64];
	MDB_txn *txn;
	int err;

	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = voucher_redeem(txn, c->st, a->argv[0], sub, now,
			     audit_cli_actor(actor, sizeof(actor)), &v);
	if (err) {
		/* nothing of a refused code is written */
		store_abort(txn);
		cli_err("%s", err == -ENOENT || err == -EINVAL ?
			"no such voucher code (or no such subscriber)" :
			err == -EALREADY ? "this voucher was used already" :
			err == -ECANCELED ? "this voucher was voided" :
			err == -EXDEV ? "this voucher is for another plan" :
			err == -ENOTSUP ? "a quota voucher for a subscriber "
					  "without a quota" :
			"cannot redeem the voucher");
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(voucher_json(&v));
	else
		printf("voucher %llu (%s '%s') redeemed for '%s'\n",
		       (unsigned long long)v.serial,
		       v.kind == VOUCHER_PLAN ? "plan" : "pack", v.name,
		       v.sub);
	return CLI_OK;
}

/* --- tagih report vouchers ------------------------------------------------ */

struct vrow {
	char reseller[PLAN_NAME_MAX + 1];
	unsigned made, redeemed, voided;
	rp_t value_made, value_redeemed;
};

int report_cmd_vouchers(struct cli *c, struct cli_args *a)
{
	struct vlist l = { 0 };
	struct vrow *rows = NULL, tot = { "" };
	size_t nrows = 0, i, j;
	json_t *arr = NULL;
	char x[40], y[40];

	if (vlist_load(c, &l)) {
		free(l.v);
		return CLI_FAIL;
	}
	rows = calloc(l.n + 1, sizeof(*rows));
	if (!rows) {
		free(l.v);
		return CLI_FAIL;
	}
	for (i = 0; i < l.n; i++) {
		const struct voucher_rec *v = &l.v[i];
		struct vrow *r = NULL;

		for (j = 0; j < nrows && !r; j++)
			if (!strcmp(rows[j].reseller, v->reseller))
				r = &rows[j];
		if (!r) {
			r = &rows[nrows++];
			snprintf(r->reseller, sizeof(r->reseller), "%s",
				 v->reseller);
		}
		/* a report: sums saturate, never wrap */
		if (v->status == VOUCHER_VOID) {
			r->voided++;
			continue;
		}
		r->made++;
		if (money_add(&r->value_made, v->price))
			r->value_made = INT64_MAX;
		if (v->status == VOUCHER_REDEEMED) {
			r->redeemed++;
			if (money_add(&r->value_redeemed, v->price))
				r->value_redeemed = INT64_MAX;
		}
	}
	if (c->json)
		arr = json_array();
	else
		printf("%-20s %8s %9s %6s %16s %16s\n", "RESELLER", "SOLD",
		       "REDEEMED", "VOID", "VALUE SOLD", "VALUE REDEEMED");
	for (i = 0; i < nrows; i++) {
		struct vrow *r = &rows[i];

		tot.made += r->made;
		tot.redeemed += r->redeemed;
		tot.voided += r->voided;
		if (money_add(&tot.value_made, r->value_made))
			tot.value_made = INT64_MAX;
		if (money_add(&tot.value_redeemed, r->value_redeemed))
			tot.value_redeemed = INT64_MAX;
		if (arr)
			json_array_append_new(arr, json_pack(
				"{s:s, s:i, s:i, s:i, s:i, s:I, s:I}",
				"reseller", r->reseller, "sold", r->made,
				"redeemed", r->redeemed, "unredeemed",
				r->made - r->redeemed, "void", r->voided,
				"value_sold", (json_int_t)r->value_made,
				"value_redeemed",
				(json_int_t)r->value_redeemed));
		else
			printf("%-20s %8u %9u %6u %16s %16s\n",
			       r->reseller[0] ? r->reseller : "(operator)",
			       r->made, r->redeemed, r->voided,
			       money_fmt(r->value_made, x, sizeof(x)),
			       money_fmt(r->value_redeemed, y, sizeof(y)));
	}
	if (!arr)
		printf("%-20s %8u %9u %6u %16s %16s\n", "total", tot.made,
		       tot.redeemed, tot.voided,
		       money_fmt(tot.value_made, x, sizeof(x)),
		       money_fmt(tot.value_redeemed, y, sizeof(y)));
	free(rows);
	free(l.v);
	if (arr)
		bill_json_out(arr);
	return CLI_OK;
}

static const struct cli_cmd voucher_cmds[] = {
	{ "create", "", 0, create_opts, voucher_cmd_create,
	  "a batch of printable voucher codes",
	  "Each code is 12 letters and digits without look-alikes (no 0 O 1 "
	  "I L), printed as XXXX-XXXX-XXXX: about 59 random bits. The store "
	  "keeps only their SHA-256, so the sheet (--out, written 0600) is "
	  "the only copy of the codes: keep it safe. A plan code buys one "
	  "period of that prepaid plan for a subscriber on it, a pack code "
	  "tops up a quota; each works once.\n\n"
	  "  tagih voucher create --plan harian --count 48 --reseller "
	  "warung-bu-sri --out sri.pdf", CLI_CMD_JSON },
	{ "list", "", 0, list_opts, voucher_cmd_list,
	  "every voucher by serial (never its code)", NULL, CLI_CMD_JSON },
	{ "void", "SERIAL", 1, NULL, voucher_cmd_void,
	  "make an unused voucher worthless (lost or stolen sheets)", NULL,
	  0 },
	{ "redeem", "CODE", 1, redeem_opts, voucher_cmd_redeem,
	  "use a code for a subscriber (the kasir, scripts)",
	  "The code in any case, dashes or spaces optional. A wrong, used or "
	  "voided code changes nothing and exits 1.", CLI_CMD_JSON },
	{}
};

const struct cli_group cli_voucher = {
	"voucher", "printed voucher codes (create, list, void, redeem)", NULL,
	voucher_cmds
};
