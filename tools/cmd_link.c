// SPDX-License-Identifier: GPL-2.0
/* cmd_link.c - `tagih sub link`, `tagih sub pin` (customer page access), `tagih invoice paylink`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/audit.h"
#include "tools/billcli.h"
#include "billing/custlink.h"
#include "billing/custpin.h"
#include "billing/gateway/paylink.h"
#include "lib/ttime.h"

static void link_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub link ID [--new | --revoke] [--json]\n"
		"\n"
		"  Prints the subscriber's customer page link (public_url + "
		"/c/ + token),\n"
		"  making one if there is none. --new replaces it (the old "
		"link stops\n"
		"  working), --revoke removes it. Anyone holding the link "
		"sees the\n"
		"  subscriber's usage and bills: send it to the subscriber "
		"only.\n");
}

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

int cmd_sub_link(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "new", no_argument, NULL, 'n' },
		{ "revoke", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		CLI_OPT_JSON,
		{}
	};
	char actor[64], tok[CUSTLINK_TOKEN_LEN + 1];
	bool renew = false, revoke = false;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	const char *id;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			renew = true;
			break;
		case 'r':
			revoke = true;
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			link_usage(stdout);
			return CLI_OK;
		default:
			link_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc || (renew && revoke)) {
		link_usage(stderr);
		return CLI_USAGE;
	}
	id = argv[optind];
	if (sub_id_check(id)) {
		cli_err("bad subscriber id '%s'", id);
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st || store_begin(st, true, &txn))
		return CLI_FAIL;
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

static void pin_usage(FILE *f)
{
	fprintf(f,
		"usage: tagih sub pin ID [--pin PIN] [--json]\n"
		"       tagih sub pin ID --clear\n"
		"\n"
		"  Sets the PIN (%d to %d digits) the subscriber signs in with "
		"at\n"
		"  public_url/login, together with the phone number on record. "
		"The PIN is\n"
		"  read from standard input (one line; not echoed on a "
		"terminal), or from\n"
		"  --pin for scripts (visible to other local users in the "
		"process list).\n"
		"  Only a salted PBKDF2-HMAC-SHA256 hash is stored. --clear "
		"removes it.\n", CUSTPIN_MIN, CUSTPIN_MAX);
}

int cmd_sub_pin(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "clear", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		CLI_OPT_JSON,
		{}
	};
	char actor[64], pin[64] = "", prompt[32];
	bool clear = false, have = false;
	struct store *st;
	MDB_txn *txn;
	const char *id;
	int opt, err, rc = CLI_FAIL;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			snprintf(pin, sizeof(pin), "%s", optarg);
			/* keep it out of /proc/PID/cmdline from now on */
			explicit_bzero(optarg, strlen(optarg));
			have = true;
			break;
		case 'x':
			clear = true;
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			pin_usage(stdout);
			return CLI_OK;
		default:
			pin_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc || (clear && have)) {
		pin_usage(stderr);
		return CLI_USAGE;
	}
	id = argv[optind];
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
	st = cli_store(c);
	if (!st || store_begin(st, true, &txn))
		goto out;
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

int cmd_invoice_paylink(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gateway", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		CLI_OPT_JSON,
		{}
	};
	const char *gateway = NULL, *base = c->conf.public_url;
	char why[256], ret_url[512] = "";
	struct paylink pl;
	struct inv_rec *inv = NULL;
	struct sub_rec r;
	struct store *st;
	MDB_txn *txn;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "g:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'g':
			gateway = optarg;
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			printf("usage: tagih invoice paylink NUMBER "
			       "[--gateway midtrans|xendit|tripay|duitku]\n"
			       "\n  Creates a payment at the gateway for what "
			       "is open on the invoice and\n  prints its URL. "
			       "Order ids: NUMBER, then NUMBER-1, NUMBER-2 "
			       "for later links.\n");
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_err("usage: tagih invoice paylink NUMBER [--gateway NAME]");
		return CLI_USAGE;
	}
	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	/* back to the subscriber's own page when there is one */
	if (base && *base && !store_begin(st, false, &txn)) {
		inv = malloc(sizeof(*inv));
		if (inv && !invoice_get(txn, st, argv[optind], inv) &&
		    !sub_get(txn, st, inv->sub, &r))
			snprintf(ret_url, sizeof(ret_url), "%s%s%s", base,
				 r.link_token[0] ? "/c/" : "", r.link_token);
		free(inv);
		store_abort(txn);
	}
	err = paylink_create(st, &c->conf, argv[optind], gateway,
			     ret_url[0] ? ret_url : NULL, &pl, why,
			     sizeof(why));
	if (err) {
		cli_err("no payment link for %s: %s", argv[optind], why);
		return err == -EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s, s:s, s:I, s:s}", "invoice",
					argv[optind], "gateway", pl.gateway,
					"order_id", pl.order_id, "amount",
					(json_int_t)pl.amount, "url", pl.url));
	else
		printf("%s\n", pl.url);
	return CLI_OK;
}
