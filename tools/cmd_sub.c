// SPDX-License-Identifier: GPL-2.0
/* cmd_sub.c - `tagih sub`: add, list, show subscribers and their addresses. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/billcli.h"
#include "tools/cli.h"
#include "billing/custpin.h"
#include "lib/prefix.h"
#include "billing/sub.h"
#include "lib/text.h"
#include "lib/ttime.h"

/* suspend/restore/hold live in cmd_dunning.c; absent until it is built */
#pragma weak cmd_sub_isolir

static void sub_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub add ID --name NAME [--ip PREFIX ...] "
		"[--phone P] [--email E]\n"
		"                    [--address A] [--nik-file FILE | --nik -] "
		"[--notes T]\n"
		"                    [--plan PLAN] [--activated YYYY-MM-DD]\n"
		"                    [--cycle calendar|anniversary] "
		"[--cycle-day 1..28]\n"
		"       tagih sub set ID [--name ...] [--phone ...] [--cycle ...] "
		"(as add, no --ip/--plan)\n"
		"       tagih sub plan ID PLAN --from YYYY-MM-DD\n"
		"       tagih sub terminate ID [--date YYYY-MM-DD]\n"
		"       tagih sub addon add|del|list ID [PRODUCT] ...\n"
		"       tagih sub list [--json]\n"
		"       tagih sub show ID [--show-personal] [--json]\n"
		"       tagih sub ip add|del ID PREFIX\n"
		"       tagih sub link ID [--new | --revoke]\n"
		"       tagih sub pin ID [--pin PIN | --clear]\n"
		"       tagih sub export ID [--out FILE]\n"
		"       tagih sub erase ID --confirm\n"
		"\n"
		"  ID is 1..32 of [A-Za-z0-9._-]. Text (name, address, "
		"notes, ...) is UTF-8\n"
		"  without control characters; each field has a size in "
		"bytes (name 95,\n"
		"  address 159, notes 159, email 95, phone 23).\n"
		"  The NIK (16 digits) is personal data: give it as --nik-file "
		"FILE (one line)\n"
		"  or --nik - (read from standard input, not echoed), so it "
		"stays out of the\n"
		"  process list and shell history; --nik N still works for "
		"scripts.\n"
		"  PREFIX is an address (10.0.0.5, 2001:db8::1)\n"
		"  or a network (10.0.0.0/29, 2001:db8:100::/56). To move an "
		"address to another\n"
		"  subscriber: `sub ip del OLD PREFIX` then `sub ip add NEW "
		"PREFIX`; history is kept.\n");
}

/*
 * Everything `sub add` (and later `sub edit`) can set, filled from options
 * in one place: sub_form_opt(). New options = a row in sub_form_opts and
 * a case there.
 */
struct sub_form {
	struct sub_rec rec;
	struct prefix pfx[SUB_MAX_PREFIXES];
	int npfx;
	bool name_set;
};

enum {
	OPT_NAME = 'n',
	OPT_IP = 'i',
	OPT_PHONE = 'p',
	OPT_EMAIL = 'e',
	OPT_ADDRESS = 'a',
	OPT_NIK = 'k',
	OPT_NOTES = 't',
	OPT_HELP = 'h',
	OPT_JSON = 'j',
	/* billing (tools/cmd_subbill.c) */
	OPT_PLAN = 256,
	OPT_ACTIVATED,
	OPT_CYCLE,
	OPT_CYCLE_DAY,
	OPT_NIK_FILE,
};

static const struct option sub_form_opts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "phone", required_argument, NULL, OPT_PHONE },
	{ "email", required_argument, NULL, OPT_EMAIL },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "nik", required_argument, NULL, OPT_NIK },
	{ "nik-file", required_argument, NULL, OPT_NIK_FILE },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "activated", required_argument, NULL, OPT_ACTIVATED },
	{ "cycle", required_argument, NULL, OPT_CYCLE },
	{ "cycle-day", required_argument, NULL, OPT_CYCLE_DAY },
	CLI_OPT_JSON,
	{ "help", no_argument, NULL, OPT_HELP },
	{}
};

/* A text field: checked (UTF-8, no controls, fits dst) before it is set. */
static int form_str(char *dst, size_t n, const char *opt, const char *val)
{
	int ret = cli_text(opt, val, n - 1);

	if (ret)
		return ret;
	snprintf(dst, n, "%s", val);
	return 0;
}

/*
 * The NIK from --nik N, --nik - (stdin) or --nik-file FILE: 16 digits,
 * never echoed back. A value given on the command line is wiped from
 * argv at once, as `sub pin` does with --pin.
 */
static int form_nik(struct sub_rec *r, int opt, char *arg)
{
	char nik[64];
	size_t i;
	int err, ret = CLI_USAGE;

	if (opt == OPT_NIK_FILE || !strcmp(arg, "-")) {
		err = cli_read_secret(opt == OPT_NIK_FILE ? arg : "-",
				      "NIK (16 digits): ", nik, sizeof(nik));
		if (err) {
			if (opt == OPT_NIK_FILE && err != -EINVAL)
				cli_err("--nik-file %s: %s", arg,
					strerror(-err));
			else
				cli_err("%s: expected one line with the NIK",
					opt == OPT_NIK_FILE ? arg :
							      "standard input");
			return opt == OPT_NIK_FILE && err != -EINVAL ?
				       CLI_FAIL : CLI_USAGE;
		}
	} else {
		snprintf(nik, sizeof(nik), "%s", arg);
		explicit_bzero(arg, strlen(arg));
	}
	for (i = 0; nik[i] >= '0' && nik[i] <= '9'; i++)
		;
	if (nik[i] || i != 16) {
		cli_err("the NIK must be 16 digits");	/* not echoed */
	} else {
		memset(r->nik, 0, sizeof(r->nik));
		memcpy(r->nik, nik, 16);
		ret = 0;
	}
	explicit_bzero(nik, sizeof(nik));
	return ret;
}

/* One option into the form. Returns 0 or an exit code. */
static int sub_form_opt(struct sub_form *f, int opt, char *arg)
{
	struct sub_rec *r = &f->rec;
	const char *why = NULL;

	switch (opt) {
	case OPT_NAME:
		f->name_set = true;
		return form_str(r->name, sizeof(r->name), "name", arg);
	case OPT_IP:
		if (f->npfx >= SUB_MAX_PREFIXES) {
			cli_err("at most %d prefixes per subscriber",
				SUB_MAX_PREFIXES);
			return CLI_USAGE;
		}
		if (prefix_parse(arg, &f->pfx[f->npfx], &why)) {
			cli_err("bad prefix '%s': %s", arg, why);
			return CLI_FAIL;
		}
		f->npfx++;
		return 0;
	case OPT_PHONE:
		return form_str(r->phone, sizeof(r->phone), "phone", arg);
	case OPT_EMAIL:
		if (cli_text("email", arg, 0))
			return CLI_USAGE;	/* before it is echoed */
		if (*arg && !strchr(arg, '@')) {
			cli_err("--email '%s' has no '@'", arg);
			return CLI_USAGE;
		}
		return form_str(r->email, sizeof(r->email), "email", arg);
	case OPT_ADDRESS:
		return form_str(r->address, sizeof(r->address), "address", arg);
	case OPT_NIK:
	case OPT_NIK_FILE:
		return form_nik(r, opt, arg);
	case OPT_NOTES:
		return form_str(r->notes, sizeof(r->notes), "notes", arg);
	case OPT_PLAN:
		return sub_bill_opt(r, "plan", arg);
	case OPT_ACTIVATED:
		return sub_bill_opt(r, "activated", arg);
	case OPT_CYCLE:
		return sub_bill_opt(r, "cycle", arg);
	case OPT_CYCLE_DAY:
		return sub_bill_opt(r, "cycle-day", arg);
	}
	return CLI_USAGE;
}

/* A stored text field as JSON, repaired if it is not UTF-8 (lib/text.h). */
#define TJ(field) text_json(field, sizeof(field))

/* Name the subscriber that holds p (or overlaps it), for error messages. */
static void say_owner(MDB_txn *txn, struct store *st, const struct prefix *p,
		      uint32_t self)
{
	struct sub_rec o;
	uint32_t uid = 0;
	char b[64];

	prefix_fmt(p, b, sizeof(b));
	if (sub_prefix_conflict(txn, st, p, self, &uid) == -EADDRINUSE &&
	    !sub_get_by_uid(txn, st, uid, &o))
		cli_err("%s already belongs to subscriber '%s'", b, o.id);
	else
		cli_err("%s is already in use", b);
}

static int sub_cmd_add(struct cli *c, int argc, char **argv)
{
	struct sub_form f = { 0 };
	struct store *st;
	MDB_txn *txn;
	int o, err, conflict = -1, ret;

	while ((o = getopt_long(argc, argv, "h", sub_form_opts, NULL)) != -1) {
		if (o == OPT_HELP) {
			sub_usage(stdout);
			return CLI_OK;
		}
		if (o == OPT_JSON) {
			c->json = true;
			continue;
		}
		if (o == '?')
			return CLI_USAGE;
		ret = sub_form_opt(&f, o, optarg);
		if (ret)
			return ret;
	}
	if (optind + 1 != argc) {
		sub_usage(stderr);
		return CLI_USAGE;
	}
	if (sub_id_check(argv[optind])) {
		cli_err("bad subscriber id '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			argv[optind], SUB_ID_MAX);
		return CLI_USAGE;
	}
	if (!f.name_set || !*f.rec.name) {
		cli_err("--name is required");
		return CLI_USAGE;
	}
	snprintf(f.rec.id, sizeof(f.rec.id), "%s", argv[optind]);
	f.rec.status = SUB_ACTIVE;
	f.rec.created = tt_now();
	if (!f.rec.activated)	/* --activated not given */
		f.rec.activated = tt_local_day(f.rec.created);

	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	err = store_begin(st, true, &txn);
	if (err)
		return CLI_FAIL;
	err = sub_add(txn, st, &f.rec, f.pfx, f.npfx, &conflict);
	if (err) {
		if (err == -EEXIST)
			cli_err("subscriber '%s' already exists", f.rec.id);
		else if (err == -EADDRINUSE && conflict >= 0)
			say_owner(txn, st, &f.pfx[conflict], f.rec.uid);
		else if (err == -EINVAL && conflict >= 0)
			cli_err("--ip given twice or overlapping: %s",
				argv[optind]);
		else if (err == -ENOSPC)
			cli_err("no free subscriber slot (max_subscribers)");
		else
			cli_err("cannot add '%s': %s", f.rec.id,
				strerror(-err));
		store_abort(txn);
		return CLI_FAIL;
	}
	ret = sub_bill_added(txn, st, &f.rec);
	if (ret) {
		store_abort(txn);
		return ret;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json) {
		json_t *j = json_pack("{s:s, s:i}", "id", f.rec.id, "uid",
				      (json_int_t)f.rec.uid);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		printf("added subscriber '%s' (uid %u, %d prefix%s)\n",
		       f.rec.id, f.rec.uid, f.npfx, f.npfx == 1 ? "" : "es");
	}
	return CLI_OK;
}

/* Current prefixes of everybody, sorted by uid, for listing. */
struct pfx_pair {
	uint32_t uid;
	struct prefix p;
};

struct pfx_list {
	struct pfx_pair *v;
	size_t n, cap;
};

static int pfx_collect(const struct prefix *p, const struct prefix_owner *o,
		       void *ctx)
{
	struct pfx_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pfx_pair *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].uid = o->uid;
	l->v[l->n].p = *p;
	l->n++;
	return 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct pfx_pair *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return memcmp(&x->p, &y->p, sizeof(x->p));
}

struct list_ctx {
	struct pfx_list pl;
	json_t *arr;
};

static json_t *pfx_json(const struct prefix *p, int n)
{
	json_t *a = json_array();
	char b[64];
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(prefix_fmt(&p[i], b,
								 sizeof(b))));
	return a;
}

static int list_one(const struct sub_rec *r, void *ctx)
{
	struct list_ctx *l = ctx;
	size_t lo = 0, hi = l->pl.n, i;
	char b[64], line[256];
	int len = 0;

	while (lo < hi) {	/* first pair with uid >= r->uid */
		size_t mid = (lo + hi) / 2;

		if (l->pl.v[mid].uid < r->uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (l->arr) {
		/* text through text_json: a name that is not UTF-8 (an old
		 * store) is shown repaired instead of dropping the entry */
		json_t *o = json_pack("{s:s, s:i, s:o, s:s, s:o}", "id", r->id,
				      "uid", (json_int_t)r->uid, "name",
				      TJ(r->name), "status",
				      sub_status_str(r->status), "plan",
				      TJ(r->plan));
		json_t *a = json_array();

		for (i = lo; i < l->pl.n && l->pl.v[i].uid == r->uid; i++)
			json_array_append_new(
				a, json_string(prefix_fmt(&l->pl.v[i].p, b,
							  sizeof(b))));
		json_object_set_new(o, "prefixes", a);
		json_array_append_new(l->arr, o);
		return 0;
	}
	line[0] = '\0';
	for (i = lo; i < l->pl.n && l->pl.v[i].uid == r->uid; i++) {
		len += snprintf(line + len, sizeof(line) - len, "%s%s",
				len ? " " : "",
				prefix_fmt(&l->pl.v[i].p, b, sizeof(b)));
		if (len >= (int)sizeof(line) - 1)
			break;
	}
	printf("%-16s %6u %-10s %-12s %-24.24s %s\n", r->id, r->uid,
	       sub_status_str(r->status), *r->plan ? r->plan : "-", r->name,
	       *line ? line : "-");
	return 0;
}

static int sub_cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_OPT_JSON,
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct list_ctx l = { 0 };
	struct store *st;
	MDB_txn *txn;
	int o, err, ret = CLI_FAIL;

	while ((o = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (o == 'j')
			c->json = true;
		else if (o == 'h') {
			sub_usage(stdout);
			return CLI_OK;
		} else
			return CLI_USAGE;
	}
	if (optind != argc) {
		sub_usage(stderr);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	if (store_begin(st, false, &txn))
		return CLI_FAIL;
	err = sub_prefix_foreach(txn, st, pfx_collect, &l.pl);
	if (err)
		goto out;
	if (l.pl.n)
		qsort(l.pl.v, l.pl.n, sizeof(*l.pl.v), pair_cmp);
	if (c->json)
		l.arr = json_array();
	else
		printf("%-16s %6s %-10s %-12s %-24s %s\n", "ID", "UID",
		       "STATUS", "PLAN", "NAME", "PREFIXES");
	err = sub_foreach(txn, st, list_one, &l);
	if (err)
		goto out;
	if (l.arr) {
		json_dumpf(l.arr, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	ret = CLI_OK;
out:
	if (err)
		cli_err("cannot list subscribers: %s", strerror(-err));
	json_decref(l.arr);
	free(l.pl.v);
	store_abort(txn);
	return ret;
}

/* NIK shown as 3201********0001 unless --show-personal. */
static void nik_mask(const char *nik, char *out, size_t n, bool show)
{
	size_t len = strlen(nik), i;

	snprintf(out, n, "%s", nik);
	if (show || len < 8)
		return;
	for (i = 4; i < len - 4 && i < n - 1; i++)
		out[i] = '*';
}

static int sub_cmd_show(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_OPT_JSON,
		{ "show-personal", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct prefix pfx[SUB_MAX_PREFIXES * 4];
	bool personal = false;
	char nik[24], b[64], act[32], created[40];
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int o, n, i, pin;

	while ((o = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (o == 'j')
			c->json = true;
		else if (o == 'P')
			personal = true;
		else if (o == 'h') {
			sub_usage(stdout);
			return CLI_OK;
		} else
			return CLI_USAGE;
	}
	if (optind + 1 != argc) {
		sub_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_sub_begin(c, false, argv[optind], &st, &txn, &r))
		return CLI_FAIL;
	n = sub_prefixes(txn, st, r.uid, pfx,
			 (int)(sizeof(pfx) / sizeof(pfx[0])));
	pin = custpin_is_set(txn, st, r.id);
	store_abort(txn);
	if (n < 0 || pin < 0) {
		cli_err("cannot read %s: %s", n < 0 ? "prefixes" : "PIN",
			strerror(n < 0 ? -n : -pin));
		return CLI_FAIL;
	}
	nik_mask(r.nik, nik, sizeof(nik), personal);
	tt_fmt_date(r.activated, act, sizeof(act));
	tt_fmt_time_local(r.created, created, sizeof(created));
	if (c->json) {
		json_t *j = json_pack(
			"{s:s, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
			" s:s, s:s, s:I, s:b}",
			"id", r.id, "uid", (json_int_t)r.uid, "status",
			sub_status_str(r.status), "name", TJ(r.name), "phone",
			TJ(r.phone), "email", TJ(r.email), "address",
			TJ(r.address), "nik", TJ(nik), "plan", TJ(r.plan),
			"notes", TJ(r.notes), "activated", act,
			"created", created, "balance", (json_int_t)r.balance,
			"hold", (int)r.hold);

		json_object_set_new(j, "prefixes", pfx_json(pfx, n));
		json_object_set_new(j, "pin_set", json_boolean(pin));
		json_object_set_new(j, "erased", json_boolean(r.erased));
		json_object_set_new(j, "cycle", json_string(
			r.cycle == CYCLE_ANNIVERSARY ? "anniversary" :
						       "calendar"));
		json_object_set_new(j, "cycle_day",
				    json_integer(r.cycle_day ? r.cycle_day : 1));
		if (r.terminated)
			json_object_set_new(j, "terminated", json_string(
				tt_fmt_date(r.terminated, b, sizeof(b))));
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
		return CLI_OK;
	}
	printf("id:        %s\n", r.id);
	printf("uid:       %u\n", r.uid);
	printf("status:    %s%s\n", sub_status_str(r.status),
	       r.hold ? " (hold)" : "");
	printf("name:      %s\n", r.name);
	if (*r.phone)
		printf("phone:     %s\n", r.phone);
	if (*r.email)
		printf("email:     %s\n", r.email);
	if (*r.address)
		printf("address:   %s\n", r.address);
	if (*r.nik)
		printf("nik:       %s\n", nik);
	printf("plan:      %s\n", *r.plan ? r.plan : "-");
	printf("activated: %s\n", act);
	if (r.terminated)
		printf("terminated: %s\n", tt_fmt_date(r.terminated, b,
						       sizeof(b)));
	if (r.cycle == CYCLE_ANNIVERSARY)
		printf("cycle:     anniversary\n");
	else
		printf("cycle:     calendar, day %d\n",
		       r.cycle_day ? r.cycle_day : 1);
	printf("balance:   %s\n", money_fmt(r.balance, b, sizeof(b)));
	printf("created:   %s\n", created);
	if (*r.notes)
		printf("notes:     %s\n", r.notes);
	printf("pin:       %s\n", pin ? "set" : "not set");
	if (r.erased)
		printf("erased:    yes (personal data removed; ledger kept)\n");
	printf("prefixes: %s\n", n ? "" : " -");
	for (i = 0; i < n; i++)
		printf("  %s\n", prefix_fmt(&pfx[i], b, sizeof(b)));
	return CLI_OK;
}

static int sub_cmd_ip(struct cli *c, int argc, char **argv)
{
	const char *why = NULL, *verb;
	struct sub_rec r;
	struct prefix p;
	struct store *st;
	MDB_txn *txn;
	bool add;
	char b[64];
	int err;

	if (argc != 4 || (strcmp(argv[1], "add") && strcmp(argv[1], "del"))) {
		sub_usage(stderr);
		return CLI_USAGE;
	}
	verb = argv[1];
	add = !strcmp(verb, "add");
	if (prefix_parse(argv[3], &p, &why)) {
		cli_err("bad prefix '%s': %s", argv[3], why);
		return CLI_FAIL;
	}
	prefix_fmt(&p, b, sizeof(b));
	if (cli_sub_begin(c, true, argv[2], &st, &txn, &r))
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
	}
	if (err) {
		if (add && err == -EADDRINUSE)
			say_owner(txn, st, &p, r.uid);
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

/*
 * `sub set ID --opt ...`: the options of `sub add` over the stored record.
 * Options are read before the write txn begins, so a NIK typed on
 * standard input never holds the store's write lock.
 */
static int sub_cmd_set(struct cli *c, int argc, char **argv)
{
	struct {
		int o;
		char *arg;
	} ops[64];
	struct sub_form f = { 0 };
	struct sub_rec tmp = { 0 };
	const char *id;
	char nik[sizeof(f.rec.nik)] = "";
	bool have_nik = false;
	struct store *st;
	MDB_txn *txn;
	int o, err, ret = CLI_USAGE, n = 0, nops = 0, i;

	if (argc < 2 || sub_id_check(argv[1])) {
		sub_usage(stderr);
		return CLI_USAGE;
	}
	id = argv[1];
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", sub_form_opts, NULL)) != -1) {
		if (o == OPT_JSON)
			continue;
		if (o == OPT_IP || o == OPT_PLAN || o == OPT_HELP || o == '?') {
			if (o == OPT_IP || o == OPT_PLAN)
				cli_err("use `sub ip add|del` and `sub plan` "
					"for addresses and plans");
			if (o == OPT_HELP) {
				sub_usage(stdout);
				ret = CLI_OK;
			}
			goto out;
		}
		n++;
		if (o == OPT_NIK || o == OPT_NIK_FILE) {
			ret = form_nik(&tmp, o, optarg);
			memcpy(nik, tmp.nik, sizeof(nik));
			explicit_bzero(&tmp, sizeof(tmp));
			if (ret)
				goto out;
			have_nik = true;
			continue;
		}
		if (nops == (int)(sizeof(ops) / sizeof(ops[0]))) {
			cli_err("too many options");
			ret = CLI_USAGE;
			goto out;
		}
		ops[nops].o = o;
		ops[nops++].arg = optarg;
	}
	if (!n || optind != argc - 1) {
		sub_usage(stderr);
		ret = CLI_USAGE;
		goto out;
	}
	ret = CLI_FAIL;
	st = cli_store(c);
	if (!st || store_begin(st, true, &txn))
		goto out;
	err = sub_get(txn, st, id, &f.rec);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
					 "cannot read subscriber '%s'", id);
		goto out;
	}
	for (i = 0; i < nops; i++) {
		ret = sub_form_opt(&f, ops[i].o, ops[i].arg);
		if (ret) {
			store_abort(txn);
			goto out;
		}
	}
	if (have_nik)
		memcpy(f.rec.nik, nik, sizeof(nik));
	if (!*f.rec.name) {
		store_abort(txn);
		cli_err("--name cannot be empty");
		ret = CLI_USAGE;
		goto out;
	}
	ret = CLI_FAIL;
	err = sub_put(txn, st, &f.rec);
	if (err || store_commit(txn)) {
		if (err)
			store_abort(txn);
		cli_err("cannot update '%s'", id);
		goto out;
	}
	printf("updated subscriber '%s'\n", f.rec.id);
	ret = CLI_OK;
out:
	explicit_bzero(nik, sizeof(nik));
	explicit_bzero(&f, sizeof(f));
	return ret;
}

int cmd_sub(struct cli *c, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb || !strcmp(verb, "-h") || !strcmp(verb, "--help")) {
		sub_usage(verb ? stdout : stderr);
		return verb ? CLI_OK : CLI_USAGE;
	}
	if (!strcmp(verb, "add"))
		return sub_cmd_add(c, argc - 1, argv + 1);
	if (!strcmp(verb, "list"))
		return sub_cmd_list(c, argc - 1, argv + 1);
	if (!strcmp(verb, "show"))
		return sub_cmd_show(c, argc - 1, argv + 1);
	if (!strcmp(verb, "ip"))
		return sub_cmd_ip(c, argc - 1, argv + 1);
	if (!strcmp(verb, "set"))
		return sub_cmd_set(c, argc - 1, argv + 1);
	if (!strcmp(verb, "link"))
		return cmd_sub_link(c, argc - 1, argv + 1);
	if (!strcmp(verb, "pin"))
		return cmd_sub_pin(c, argc - 1, argv + 1);
	if (!strcmp(verb, "export"))
		return cmd_sub_export(c, argc - 1, argv + 1);
	if (!strcmp(verb, "erase"))
		return cmd_sub_erase(c, argc - 1, argv + 1);
	if (!strcmp(verb, "plan") || !strcmp(verb, "terminate") ||
	    !strcmp(verb, "addon"))
		return cmd_sub_bill(c, argc - 1, argv + 1);
	if ((!strcmp(verb, "suspend") || !strcmp(verb, "restore") ||
	     !strcmp(verb, "hold")) && cmd_sub_isolir)
		return cmd_sub_isolir(c, argc - 1, argv + 1);
	cli_err("unknown 'sub' command '%s'", verb);
	sub_usage(stderr);
	return CLI_USAGE;
}
