// SPDX-License-Identifier: GPL-2.0
/* form.c - `tagih sub add` and `tagih sub set`: a subscriber's record from options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/ident.h"
#include "billing/plan.h"
#include "billing/sub.h"
#include "lib/mailbox.h"
#include "lib/prefix.h"
#include "lib/text.h"
#include "lib/ttime.h"

/*
 * Everything `sub add` and `sub set` can set, filled from the options in
 * command-line order in one place: form_opt(). `sub set` takes the same
 * rows but --ip and --plan (the last two), which have commands of their
 * own; in their place it has --no-pppoe-user ... --no-vlan (F_NO + kind
 * - 1), which take an identifier away.
 */
enum {
	F_NAME, F_PHONE, F_EMAIL, F_ADDRESS, F_NIK, F_NIK_FILE, F_NOTES,
	F_ACTIVATED, F_CYCLE, F_CYCLE_DAY,
	F_PPPOE_USER, F_MAC, F_CIRCUIT_ID, F_REMOTE_ID, F_VLAN,
	F_IP, F_PLAN,
	F_NO = F_IP,		/* sub set only: --no-pppoe-user .. --no-vlan */
};
#define F_IDENT_N (IDENT__MAX - IDENT_PPPOE_USER)
#define IDENT_ROW(f, name, arg, help)					\
	[f] = { name, CLI_STR, arg, help, CLI_MULTI }
#define IDENT_ROWS							\
	IDENT_ROW(F_PPPOE_USER, "pppoe-user", "NAME",			\
		  "PPPoE / RADIUS user name (repeatable)"),		\
	IDENT_ROW(F_MAC, "mac", "AA:BB:CC:DD:EE:FF",			\
		  "a device's MAC address, for DHCP (repeatable)"),	\
	IDENT_ROW(F_CIRCUIT_ID, "circuit-id", "TEXT",			\
		  "DHCP option 82 circuit-id (repeatable)"),		\
	IDENT_ROW(F_REMOTE_ID, "remote-id", "TEXT",			\
		  "DHCP option 82 remote-id (repeatable)"),		\
	IDENT_ROW(F_VLAN, "vlan", "N[.M]",				\
		  "access VLAN, N.M for QinQ (repeatable)")

#define FORM_ROWS(name_flags)					\
	[F_NAME] = { "name", CLI_STR, "NAME", "full name", name_flags },	\
	[F_PHONE] = { "phone", CLI_STR, "PHONE",			\
		      "phone number for WhatsApp and the customer page" }, \
	[F_EMAIL] = { "email", CLI_STR, "EMAIL", "e-mail address" },	\
	[F_ADDRESS] = { "address", CLI_STR, "TEXT", "postal address" },	\
	[F_NIK] = { "nik", CLI_STR, "NIK|-",				\
		    "national id number, 16 digits; - reads it from "	\
		    "standard input (not echoed)" },			\
	[F_NIK_FILE] = { "nik-file", CLI_STR, "FILE",			\
			 "read the NIK from FILE (one line), keeping it out " \
			 "of the process list and shell history" },	\
	[F_NOTES] = { "notes", CLI_STR, "TEXT", "notes for the operator" }, \
	[F_ACTIVATED] = { "activated", CLI_DATE, NULL,			\
			  "first day billed (default today)" },		\
	[F_CYCLE] = { "cycle", CLI_CHOICE, NULL,			\
		      "billing cycle (default calendar)",		\
		      .choices = "calendar|anniversary" },		\
	[F_CYCLE_DAY] = { "cycle-day", CLI_UINT, "1..28",		\
			  "day of the month a calendar cycle starts",	\
			  .min = 1, .max = 28 }

const struct cli_opt sub_add_opts[] = {
	FORM_ROWS(CLI_REQ),
	IDENT_ROWS,
	[F_IP] = { "ip", CLI_STR, "PREFIX", "an address or network",
		   CLI_MULTI },
	[F_PLAN] = { "plan", CLI_STR, "PLAN", "plan (see tagih plan list)" },
	{}
};

const struct cli_opt sub_set_opts[] = {
	FORM_ROWS(0),
	IDENT_ROWS,
	IDENT_ROW(F_NO + 0, "no-pppoe-user", "NAME", "take a user name away"),
	IDENT_ROW(F_NO + 1, "no-mac", "MAC", "take a MAC address away"),
	IDENT_ROW(F_NO + 2, "no-circuit-id", "TEXT", "take a circuit-id away"),
	IDENT_ROW(F_NO + 3, "no-remote-id", "TEXT", "take a remote-id away"),
	IDENT_ROW(F_NO + 4, "no-vlan", "N[.M]", "take a VLAN away"),
	{}
};

#define FORM_IDENTS_MAX 32

struct sub_form {
	struct sub_rec rec;
	struct prefix pfx[SUB_MAX_PREFIXES];
	int npfx;
	bool set;		/* sub set: rows from F_NO are --no-* */
	struct {
		enum ident_kind kind;
		bool del;
		char val[IDENT_MAX + 1];
	} ids[FORM_IDENTS_MAX];
	int nids;
	bool name_set;
	char nik[sizeof(((struct sub_rec *)0)->nik)];	/* form_nik_read */
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
 * The NIK of one --nik N, --nik - (standard input) or --nik-file FILE
 * into f->nik: 16 digits, never echoed back. A value given on the command
 * line is wiped from argv at once, as `sub pin` does with --pin. Returns
 * 0 or an exit code.
 */
static int form_nik(struct sub_form *f, int opt, char *arg)
{
	bool file = opt == F_NIK_FILE, in = !file && !strcmp(arg, "-");
	char nik[64];
	size_t i;
	int err, ret = CLI_USAGE;

	if (file || in) {
		err = cli_read_secret(arg, "NIK (16 digits): ", nik,
				      sizeof(nik));
		if (err && file && err != -EINVAL) {
			cli_err("--nik-file %s: %s", arg, strerror(-err));
			return CLI_FAIL;
		}
		if (err) {
			cli_err("%s: expected one line with the NIK",
				file ? arg : "standard input");
			return CLI_USAGE;
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
		memset(f->nik, 0, sizeof(f->nik));
		memcpy(f->nik, nik, 16);
		ret = 0;
	}
	explicit_bzero(nik, sizeof(nik));
	return ret;
}

/*
 * Every NIK option, read before anything else: `sub set` calls this
 * before it opens the write txn, so a NIK typed on standard input never
 * holds the store's write lock. The last one given is the one set.
 */
static int form_nik_read(struct sub_form *f, const struct cli_args *a)
{
	int i, ret;

	for (i = 0; i < a->nseq; i++) {
		if (a->seq[i].opt != F_NIK && a->seq[i].opt != F_NIK_FILE)
			continue;
		ret = form_nik(f, a->seq[i].opt, a->seq[i].v.s);
		if (ret)
			return ret;
	}
	return 0;
}

/* An identifier to give (or, del, take away): checked and normalised. */
static int form_ident(struct sub_form *f, enum ident_kind k, bool del,
		      const char *arg)
{
	const char *why = NULL;

	if (f->nids >= FORM_IDENTS_MAX) {
		cli_err("at most %d identifiers in one command",
			FORM_IDENTS_MAX);
		return CLI_USAGE;
	}
	if (ident_norm(k, arg, f->ids[f->nids].val,
		       sizeof(f->ids[f->nids].val), &why)) {
		cli_err("--%s%s '%s': %s", del ? "no-" : "",
			ident_kind_name(k), arg, why);
		return CLI_USAGE;
	}
	f->ids[f->nids].kind = k;
	f->ids[f->nids].del = del;
	f->nids++;
	return 0;
}

/*
 * Write the form's identifiers for f->rec.id, in command-line order, in
 * the caller's txn. Returns 0 or an exit code (said why; the caller
 * aborts, so a taken identifier writes nothing at all).
 */
static int form_idents(MDB_txn *txn, struct store *st, struct sub_form *f)
{
	char other[SUB_ID_MAX + 1];
	int i, err;

	for (i = 0; i < f->nids; i++) {
		const char *kn = ident_kind_name(f->ids[i].kind);
		const char *val = f->ids[i].val;

		if (f->ids[i].del)
			err = ident_del(txn, st, f->ids[i].kind, val, f->rec.id);
		else
			err = ident_add(txn, st, f->ids[i].kind, val, f->rec.id,
					other);
		if (!err || (err == -EEXIST && !f->ids[i].del))
			continue;
		if (err == -EADDRINUSE)
			cli_err("--%s %s already belongs to subscriber '%s'",
				kn, val, other);
		else if (err == -ENOENT)
			cli_err("--no-%s %s: not an identifier of '%s'", kn,
				val, f->rec.id);
		else
			cli_err("--%s %s: %s", kn, val, strerror(-err));
		return CLI_FAIL;
	}
	return 0;
}

/* One option into the form. Returns 0 or an exit code. */
static int form_opt(struct sub_form *f, int opt, const struct cli_val *v)
{
	struct sub_rec *r = &f->rec;
	const char *why = NULL, *arg = v->s;

	if (opt >= F_PPPOE_USER && opt < F_PPPOE_USER + F_IDENT_N)
		return form_ident(f, IDENT_PPPOE_USER + (opt - F_PPPOE_USER),
				  false, arg);
	if (f->set && opt >= F_NO && opt < F_NO + F_IDENT_N)
		return form_ident(f, IDENT_PPPOE_USER + (opt - F_NO), true,
				  arg);
	switch (opt) {
	case F_NAME:
		f->name_set = true;
		return form_str(r->name, sizeof(r->name), "name", arg);
	case F_IP:
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
	case F_PHONE:
		return form_str(r->phone, sizeof(r->phone), "phone", arg);
	case F_EMAIL:
		/* never echoed: it may hold line breaks or escapes */
		if (text_check(arg, strlen(arg), &why)) {
			cli_err("--email: %s; not a usable address", why);
			return CLI_USAGE;
		}
		if (*arg && mailbox_check(arg, &why)) {
			cli_err("--email is not a usable address: %s", why);
			return CLI_USAGE;
		}
		return form_str(r->email, sizeof(r->email), "email", arg);
	case F_ADDRESS:
		return form_str(r->address, sizeof(r->address), "address", arg);
	case F_NIK:
	case F_NIK_FILE:
		/* read and checked by form_nik_read, before the txn */
		memcpy(r->nik, f->nik, sizeof(r->nik));
		return 0;
	case F_NOTES:
		return form_str(r->notes, sizeof(r->notes), "notes", arg);
	case F_PLAN:
		if (plan_name_check(arg)) {
			cli_err("bad plan name '%s'", arg);
			return CLI_USAGE;
		}
		snprintf(r->plan, sizeof(r->plan), "%s", arg);
		return 0;
	case F_ACTIVATED:
		r->activated = v->day;
		return 0;
	case F_CYCLE:
		r->cycle = v->u ? CYCLE_ANNIVERSARY : CYCLE_CALENDAR;
		return 0;
	case F_CYCLE_DAY:
		r->cycle_day = v->u;
		return 0;
	}
	return CLI_USAGE;
}

static int form_fill(struct sub_form *f, const struct cli_args *a)
{
	int i, ret;

	for (i = 0; i < a->nseq; i++) {
		ret = form_opt(f, a->seq[i].opt, &a->seq[i].v);
		if (ret)
			return ret;
	}
	return 0;
}

void sub_say_owner(MDB_txn *txn, struct store *st, const struct prefix *p,
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

int sub_cmd_add(struct cli *c, struct cli_args *a)
{
	struct sub_form f = { 0 };
	const char *id = a->argv[0];
	struct store *st;
	MDB_txn *txn;
	int err, conflict = -1, ret;

	ret = form_nik_read(&f, a);
	if (!ret)
		ret = form_fill(&f, a);
	if (ret)
		goto out;
	ret = CLI_USAGE;
	if (sub_id_check(id)) {
		cli_err("bad subscriber id '%s': use 1..%d of A-Z a-z 0-9 . _ -",
			id, SUB_ID_MAX);
		goto out;
	}
	if (!f.name_set || !*f.rec.name) {
		cli_err("--name is required");
		goto out;
	}
	snprintf(f.rec.id, sizeof(f.rec.id), "%s", id);
	f.rec.status = SUB_ACTIVE;
	f.rec.created = tt_now();
	if (!f.rec.activated)	/* --activated not given */
		f.rec.activated = tt_local_day(f.rec.created);

	ret = CLI_FAIL;
	if (cli_begin(c, true, &txn))
		goto out;
	st = c->st;
	err = sub_add(txn, st, &f.rec, f.pfx, f.npfx, &conflict);
	if (err) {
		if (err == -EEXIST)
			cli_err("subscriber '%s' already exists", f.rec.id);
		else if (err == -EADDRINUSE && conflict >= 0)
			sub_say_owner(txn, st, &f.pfx[conflict], f.rec.uid);
		else if (err == -EINVAL && conflict >= 0)
			cli_err("--ip given twice or overlapping: %s", id);
		else if (err == -ENOSPC)
			cli_err("no free subscriber slot (max_subscribers)");
		else
			cli_err("cannot add '%s': %s", f.rec.id,
				strerror(-err));
		store_abort(txn);
		goto out;
	}
	ret = form_idents(txn, st, &f);
	if (!ret)
		ret = sub_bill_added(txn, st, &f.rec);
	if (ret) {
		store_abort(txn);
		goto out;
	}
	ret = CLI_FAIL;
	if (store_commit(txn))
		goto out;
	if (c->json)
		bill_json_out(json_pack("{s:s, s:i}", "id", f.rec.id, "uid",
					(json_int_t)f.rec.uid));
	else
		printf("added subscriber '%s' (uid %u, %d prefix%s)\n",
		       f.rec.id, f.rec.uid, f.npfx, f.npfx == 1 ? "" : "es");
	ret = CLI_OK;
out:
	explicit_bzero(&f, sizeof(f));	/* the NIK */
	return ret;
}

/*
 * `sub set ID --opt ...`: the options of `sub add` over the stored record.
 * Every value is checked by the table before this runs, and a NIK is read
 * (standard input, a file) before the write txn begins.
 */
int sub_cmd_set(struct cli *c, struct cli_args *a)
{
	struct sub_form f = { .set = true };
	const char *id = a->argv[0];
	MDB_txn *txn;
	int err, ret = CLI_USAGE;

	if (sub_id_check(id)) {
		cli_err("bad subscriber id '%s'", id);
		goto out;
	}
	if (!a->nseq) {
		cli_err("sub set %s: nothing to change (see tagih sub set "
			"--help)", id);
		goto out;
	}
	ret = form_nik_read(&f, a);
	if (ret)
		goto out;
	ret = CLI_FAIL;
	if (cli_begin(c, true, &txn))
		goto out;
	err = sub_get(txn, c->st, id, &f.rec);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "unknown subscriber '%s'" :
					 "cannot read subscriber '%s'", id);
		goto out;
	}
	ret = form_fill(&f, a);
	if (!ret && !*f.rec.name) {
		cli_err("--name cannot be empty");
		ret = CLI_USAGE;
	}
	if (ret) {
		store_abort(txn);
		goto out;
	}
	ret = form_idents(txn, c->st, &f);
	if (ret) {
		store_abort(txn);
		goto out;
	}
	ret = CLI_FAIL;
	err = sub_put(txn, c->st, &f.rec);
	if (err || store_commit(txn)) {
		if (err)
			store_abort(txn);
		cli_err("cannot update '%s'", id);
		goto out;
	}
	printf("updated subscriber '%s'\n", f.rec.id);
	ret = CLI_OK;
out:
	explicit_bzero(&f, sizeof(f));	/* the NIK */
	return ret;
}
