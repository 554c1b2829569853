// SPDX-License-Identifier: GPL-2.0
/* cmd_charge.c - `tagih charge` (one-time charges, biaya pasang) and `tagih discount`: lines of the next invoices. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/billcli.h"
#include "billing/charge.h"
#include "lib/ttime.h"

static json_t *charge_json(const char *sub, const struct charge_rec *c)
{
	char f[16], u[16];

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s?, s:s?, s:s?}",
			 "id", (json_int_t)c->id, "subscriber", sub, "kind",
			 charge_kind_str(c->kind), "status",
			 charge_status_str(c->status), "description", c->desc,
			 "amount", (json_int_t)c->amount, "percent_bp",
			 (json_int_t)c->bp, "from",
			 c->from ? tt_fmt_date(c->from, f, sizeof(f)) : NULL,
			 "until",
			 c->until ? tt_fmt_date(c->until, u, sizeof(u)) : NULL,
			 "invoice", c->invoice[0] ? c->invoice : NULL);
}

struct ch_list {
	json_t *arr;
	bool discounts;
};

static int ch_list_cb(const char *sub, const struct charge_rec *c, void *ctx)
{
	struct ch_list *l = ctx;
	char a[40], f[16] = "-", u[16] = "-";

	if ((c->kind != CHARGE_ONCE) != l->discounts)
		return 0;
	if (l->arr) {
		json_array_append_new(l->arr, charge_json(sub, c));
		return 0;
	}
	if (c->kind == DISCOUNT_PERCENT)
		snprintf(a, sizeof(a), "%lld.%02lld%%", (long long)c->bp / 100,
			 (long long)c->bp % 100);
	else
		money_fmt(c->amount, a, sizeof(a));
	if (c->from)
		tt_fmt_date(c->from, f, sizeof(f));
	if (c->until)
		tt_fmt_date(c->until, u, sizeof(u));
	if (l->discounts)
		printf("%-6llu %-16s %-8s %14s %-10s %-10s %-20s %s\n",
		       (unsigned long long)c->id, cli_tx(sub),
		       charge_status_str(c->status), a, f, u,
		       c->invoice[0] ? c->invoice : "-", cli_tx(c->desc));
	else
		printf("%-6llu %-16s %-8s %14s %-20s %s\n",
		       (unsigned long long)c->id, cli_tx(sub),
		       charge_status_str(c->status), a,
		       c->invoice[0] ? c->invoice : "-", cli_tx(c->desc));
	return 0;
}

static int ch_list(struct cli *c, struct cli_args *a, bool discounts)
{
	struct ch_list l = { c->json ? json_array() : NULL, discounts };
	const char *sub = a->argc ? a->argv[0] : NULL;
	MDB_txn *txn;
	int err;

	if (cli_begin(c, false, &txn)) {
		json_decref(l.arr);
		return CLI_FAIL;
	}
	if (!l.arr && discounts)
		printf("%-6s %-16s %-8s %14s %-10s %-10s %-20s %s\n", "ID",
		       "SUBSCRIBER", "STATUS", "DISCOUNT", "FROM", "UNTIL",
		       "LAST INVOICE", "DESCRIPTION");
	else if (!l.arr)
		printf("%-6s %-16s %-8s %14s %-20s %s\n", "ID", "SUBSCRIBER",
		       "STATUS", "AMOUNT", "INVOICE", "DESCRIPTION");
	err = charge_foreach(txn, c->st, sub, ch_list_cb, &l);
	store_abort(txn);
	if (err) {
		json_decref(l.arr);
		cli_err("cannot list: %s", strerror(-err));
		return CLI_FAIL;
	}
	if (l.arr)
		bill_json_out(l.arr);
	return CLI_OK;
}

static int ch_add(struct cli *c, const char *sub, struct charge_rec *r)
{
	MDB_txn *txn;
	int err;

	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = charge_add(txn, c->st, sub, r);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
			"cannot add for '%s': bad amount, percent or dates",
			sub);
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(charge_json(sub, r));
	else
		printf("added %s %llu for '%s': on the next invoice%s\n",
		       r->kind == CHARGE_ONCE ? "charge" : "discount",
		       (unsigned long long)r->id, sub,
		       r->kind == CHARGE_ONCE ? "" : "s of its periods");
	return CLI_OK;
}

static int ch_void(struct cli *c, struct cli_args *a)
{
	uint64_t id;
	MDB_txn *txn;
	int err;

	if (bill_uint("ID", a->argv[1], UINT64_MAX, &id))
		return CLI_USAGE;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	err = charge_void(txn, c->st, a->argv[0], id);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "'%s' has no charge or discount %s" :
			err == -EALREADY ? "'%s': %s is billed or void already" :
			"cannot void '%s' %s", a->argv[0], a->argv[1]);
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	printf("voided %s of '%s'\n", a->argv[1], a->argv[0]);
	return CLI_OK;
}

/* --- tagih charge -------------------------------------------------------- */

enum { C_AMOUNT, C_DESC };
static const struct cli_opt charge_opts[] = {
	[C_AMOUNT] = { "amount", CLI_AMOUNT, NULL,
		       "the charge (PPN as the plan's lines)", CLI_REQ },
	[C_DESC] = { "desc", CLI_STR, "TEXT",
		     "what it is, on the invoice (\"Biaya pasang\")", CLI_REQ },
	{}
};

static int charge_cmd_add(struct cli *c, struct cli_args *a)
{
	struct charge_rec r = { .kind = CHARGE_ONCE };

	if (!a->o[C_AMOUNT].rp) {
		cli_err("--amount must be more than 0");
		return CLI_USAGE;
	}
	if (cli_text("desc", a->o[C_DESC].s, CHARGE_DESC_MAX))
		return CLI_USAGE;
	r.amount = a->o[C_AMOUNT].rp;
	r.created = tt_now();
	snprintf(r.desc, sizeof(r.desc), "%s", a->o[C_DESC].s);
	return ch_add(c, a->argv[0], &r);
}

static int charge_cmd_list(struct cli *c, struct cli_args *a)
{
	return ch_list(c, a, false);
}

static const struct cli_cmd charge_cmds[] = {
	{ "add", "SUB", 1, charge_opts, charge_cmd_add,
	  "a one-time charge on the next invoice",
	  "Biaya pasang, a router, a visit: the next `tagih invoice run` "
	  "that makes an invoice for SUB puts it on as its own line, once, "
	  "taxed with the other lines.\n\n"
	  "  tagih charge add budi --amount 250000 --desc \"Biaya pasang\"",
	  CLI_CMD_JSON },
	{ "list", "[SUB]", -1, NULL, charge_cmd_list,
	  "one-time charges, pending and billed", NULL, CLI_CMD_JSON },
	{ "void", "SUB ID", 2, NULL, ch_void, "drop a pending charge",
	  NULL, 0 },
	{}
};

const struct cli_group cli_charge = {
	"charge", "one-time charges on the next invoice (add, list, void)",
	NULL, charge_cmds
};

/* --- tagih discount ------------------------------------------------------ */

enum { D_AMOUNT, D_PERCENT, D_FROM, D_UNTIL, D_DESC };
static const struct cli_opt discount_opts[] = {
	[D_AMOUNT] = { "amount", CLI_AMOUNT, NULL,
		       "Rupiah off each invoice (at most its total)" },
	[D_PERCENT] = { "percent", CLI_UINT, "N",
			"percent off each invoice's lines (late fees "
			"excepted)", .min = 1, .max = 100 },
	[D_FROM] = { "from", CLI_DATE, NULL,
		     "first day of the periods it covers (default today)" },
	[D_UNTIL] = { "until", CLI_DATE, NULL,
		      "last day of the periods it covers", CLI_REQ },
	[D_DESC] = { "desc", CLI_STR, "TEXT", "its name on the invoice",
		     CLI_REQ },
	{}
};

static int discount_cmd_add(struct cli *c, struct cli_args *a)
{
	struct charge_rec r = { 0 };

	if (!!a->o[D_AMOUNT].n == !!a->o[D_PERCENT].n) {
		cli_err("give one of --amount RP or --percent N");
		return CLI_USAGE;
	}
	if (a->o[D_AMOUNT].n && !a->o[D_AMOUNT].rp) {
		cli_err("--amount must be more than 0");
		return CLI_USAGE;
	}
	if (cli_text("desc", a->o[D_DESC].s, CHARGE_DESC_MAX))
		return CLI_USAGE;
	r.kind = a->o[D_AMOUNT].n ? DISCOUNT_FIXED : DISCOUNT_PERCENT;
	r.amount = a->o[D_AMOUNT].n ? a->o[D_AMOUNT].rp : 0;
	r.bp = a->o[D_PERCENT].n ? (int64_t)a->o[D_PERCENT].u * 100 : 0;
	r.from = a->o[D_FROM].n ? a->o[D_FROM].day : tt_local_day(tt_now());
	r.until = a->o[D_UNTIL].day;
	if (r.until < r.from) {
		cli_err("--until is before --from");
		return CLI_USAGE;
	}
	r.created = tt_now();
	snprintf(r.desc, sizeof(r.desc), "%s", a->o[D_DESC].s);
	return ch_add(c, a->argv[0], &r);
}

static int discount_cmd_list(struct cli *c, struct cli_args *a)
{
	return ch_list(c, a, true);
}

static const struct cli_cmd discount_cmds[] = {
	{ "add", "SUB", 1, discount_opts, discount_cmd_add,
	  "a discount on the invoices of a span of periods",
	  "Every invoice of SUB whose period overlaps --from..--until gets a "
	  "line \"Diskon TEXT\": --amount off (at most the invoice's other "
	  "lines) or --percent of them, rounded half up. PPN is computed on "
	  "the total after the discount. Once per invoice: a run that is "
	  "repeated makes nothing new.\n\n"
	  "  tagih discount add budi --percent 10 --until 2027-03-31 "
	  "--desc \"Promo 3 bulan\"", CLI_CMD_JSON },
	{ "list", "[SUB]", -1, NULL, discount_cmd_list, "discounts",
	  NULL, CLI_CMD_JSON },
	{ "void", "SUB ID", 2, NULL, ch_void,
	  "end a discount (invoices made stay as they are)", NULL, 0 },
	{}
};

const struct cli_group cli_discount = {
	"discount", "discounts, fixed or percent, until a date (add, list, "
	"void)", NULL, discount_cmds
};
