// SPDX-License-Identifier: GPL-2.0
/* link.c - `tagih sub link` and `tagih sub pin`: access to the customer page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "tools/sub/sub.h"
#include "billing/custlink.h"
#include "billing/custpin.h"
#include "lib/ttime.h"

enum { L_NEW, L_REVOKE };
const struct cli_opt sub_link_opts[] = {
	[L_NEW] = { "new", CLI_FLAG, NULL,
		    "make a new link (the old one stops working)" },
	[L_REVOKE] = { "revoke", CLI_FLAG, NULL, "remove the link" },
	{}
};

enum { P_PIN, P_CLEAR };
const struct cli_opt sub_pin_opts[] = {
	[P_PIN] = { "pin", CLI_STR, "PIN",
		    "the PIN (else read from standard input)" },
	[P_CLEAR] = { "clear", CLI_FLAG, NULL, "remove the PIN" },
	{}
};

static void link_print(const struct cli *c, const char *id, const char *tok)
{
	const char *base = c->conf.public_url && *c->conf.public_url ?
			   c->conf.public_url : "";
	size_t l = strlen(base);

	while (l && base[l - 1] == '/')
		l--;
	if (c->json) {
		char *url;

		if (asprintf(&url, "%.*s/c/%s", (int)l, base, tok) < 0)
			return;
		bill_json_out(json_pack("{s:s, s:s}", "subscriber", id, "url",
					url));
		free(url);
		return;
	}
	if (!l)
		fprintf(stderr, "tagih: public_url is not set: printing the "
			"path only\n");
	printf("%.*s/c/%s\n", (int)l, base, tok);
}

int sub_cmd_link(struct cli *c, struct cli_args *a)
{
	char actor[64], tok[CUSTLINK_TOKEN_LEN + 1];
	bool renew = a->o[L_NEW].n, revoke = a->o[L_REVOKE].n;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	const char *id;
	int err;

	if (renew && revoke) {
		cli_err("--new or --revoke, not both");
		return CLI_USAGE;
	}
	id = a->argv[0];
	if (sub_id_check(id)) {
		cli_err("bad subscriber id '%s'", id);
		return CLI_USAGE;
	}
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	st = c->st;
	err = sub_get(txn, st, id, &r);
	if (err) {
		store_abort(txn);
		cli_err(err == -ENOENT ? "no subscriber '%s'" :
					 "cannot read subscriber '%s'", id);
		return CLI_FAIL;
	}
	audit_cli_actor(actor, sizeof(actor));
	if (revoke) {
		err = custlink_revoke(txn, st, id, tt_now(), actor);
		if (err == -EALREADY) {
			store_abort(txn);
			printf("subscriber '%s' has no link\n", id);
			return CLI_OK;
		}
	} else if (renew || !r.link_token[0]) {
		err = custlink_issue(txn, st, id, tt_now(), actor, tok);
	} else {
		store_abort(txn);
		link_print(c, id, r.link_token);
		return CLI_OK;
	}
	if (!err)
		err = store_commit(txn);
	else
		store_abort(txn);
	if (err) {
		cli_err("cannot change the link of '%s': %s", id,
			strerror(-err));
		return CLI_FAIL;
	}
	if (revoke) {
		if (c->json)
			bill_json_out(json_pack("{s:s, s:b}", "subscriber", id,
						"revoked", 1));
		else
			printf("revoked the customer page link of '%s'\n", id);
	} else {
		link_print(c, id, tok);
	}
	return CLI_OK;
}

int sub_cmd_pin(struct cli *c, struct cli_args *a)
{
	char actor[64], pin[64] = "", prompt[32];
	bool clear = a->o[P_CLEAR].n, have = a->o[P_PIN].n;
	struct store *st;
	MDB_txn *txn;
	const char *id;
	int i, err, rc = CLI_FAIL;

	for (i = 0; i < a->nseq; i++) {
		if (a->seq[i].opt != P_PIN)
			continue;
		snprintf(pin, sizeof(pin), "%s", a->seq[i].v.s);
		/* keep it out of /proc/PID/cmdline from now on */
		explicit_bzero(a->seq[i].v.s, strlen(a->seq[i].v.s));
	}
	if (clear && have) {
		cli_err("--pin or --clear, not both");
		explicit_bzero(pin, sizeof(pin));
		return CLI_USAGE;
	}
	id = a->argv[0];
	if (sub_id_check(id)) {
		cli_err("bad subscriber id '%s'", id);
		return CLI_USAGE;
	}
	snprintf(prompt, sizeof(prompt), "PIN (%d-%d digits): ", CUSTPIN_MIN,
		 CUSTPIN_MAX);
	if (!clear && !have && cli_read_secret("-", prompt, pin, sizeof(pin))) {
		cli_err("no PIN on standard input");
		return CLI_USAGE;
	}
	if (!clear && custpin_check(pin)) {
		explicit_bzero(pin, sizeof(pin));
		cli_err("a PIN is %d to %d digits", CUSTPIN_MIN, CUSTPIN_MAX);
		return CLI_USAGE;
	}
	if (cli_begin(c, true, &txn))
		goto out;
	st = c->st;
	audit_cli_actor(actor, sizeof(actor));
	if (clear)
		err = custpin_clear(txn, st, id, tt_now(), actor);
	else
		err = custpin_set(txn, st, id, pin, tt_now(), actor);
	if (!err) {
		err = store_commit(txn);
	} else {
		store_abort(txn);
	}
	if (err == -EALREADY) {
		printf("subscriber '%s' has no PIN\n", id);
		rc = CLI_OK;
	} else if (err == -ENOENT) {
		cli_err("no subscriber '%s'", id);
	} else if (err == -EINVAL) {
		cli_err("subscriber '%s' has no usable phone number (set one "
			"with `tagih sub set %s --phone 08...`)", id, id);
	} else if (err) {
		cli_err("cannot change the PIN of '%s': %s", id,
			strerror(-err));
	} else {
		if (c->json)
			bill_json_out(json_pack("{s:s, s:b}", "subscriber", id,
						"pin", !clear));
		else
			printf("%s the customer page PIN of '%s'\n",
			       clear ? "removed" : "set", id);
		rc = CLI_OK;
	}
out:
	explicit_bzero(pin, sizeof(pin));
	return rc;
}
