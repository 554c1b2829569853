// SPDX-License-Identifier: GPL-2.0
/* cmd_lease.c - `tagih lease add|del`: a DHCP server tells who holds an address (its hook calls this). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "billing/addr.h"
#include "billing/audit.h"
#include "billing/ident.h"
#include "billing/sub.h"
#include "tools/billcli.h"
#include "tools/cli.h"
#include "lib/prefix.h"
#include "lib/ttime.h"

enum { L_IP, L_MAC, L_CIRCUIT, L_REMOTE, L_SUB, L_UNTIL };
static const struct cli_opt add_opts[] = {
	[L_IP] = { "ip", CLI_STR, "IP", "the leased address (or prefix)",
		   CLI_REQ },
	[L_MAC] = { "mac", CLI_STR, "MAC", "the client's hardware address" },
	[L_CIRCUIT] = { "circuit-id", CLI_STR, "TEXT",
			"option 82 circuit-id from the relay" },
	[L_REMOTE] = { "remote-id", CLI_STR, "TEXT",
		       "option 82 remote-id from the relay" },
	[L_SUB] = { "sub", CLI_STR, "ID",
		    "the subscriber (else matched by MAC, circuit-id, "
		    "remote-id)" },
	[L_UNTIL] = { "until", CLI_TIME, NULL,
		      "when the lease ends (default: until lease del)" },
	{}
};

static const struct cli_opt del_opts[] = {
	[L_IP] = { "ip", CLI_STR, "IP", "the released address (or prefix)",
		   CLI_REQ },
	[L_MAC] = { "mac", CLI_STR, "MAC",
		    "only if this client holds it (a late release from the "
		    "previous holder changes nothing)" },
	{}
};

struct lease_in {
	struct prefix p;
	char pb[64];
	char mac[IDENT_MAX + 1];
	char circuit[IDENT_MAX + 1];
	char remote[IDENT_MAX + 1];
};

static int lease_parse(const struct cli_args *a, struct lease_in *in,
		       bool add)
{
	const char *why = NULL;

	memset(in, 0, sizeof(*in));
	if (prefix_parse(a->o[L_IP].s, &in->p, &why)) {
		cli_err("--ip '%s': %s", a->o[L_IP].s, why);
		return CLI_USAGE;
	}
	prefix_fmt(&in->p, in->pb, sizeof(in->pb));
	if (a->o[L_MAC].s && ident_norm(IDENT_MAC, a->o[L_MAC].s, in->mac,
					sizeof(in->mac), &why)) {
		cli_err("--mac '%s': %s", a->o[L_MAC].s, why);
		return CLI_USAGE;
	}
	if (!add)
		return 0;
	if (a->o[L_CIRCUIT].s &&
	    ident_norm(IDENT_CIRCUIT_ID, a->o[L_CIRCUIT].s, in->circuit,
		       sizeof(in->circuit), &why)) {
		cli_err("--circuit-id: %s", why);
		return CLI_USAGE;
	}
	if (a->o[L_REMOTE].s &&
	    ident_norm(IDENT_REMOTE_ID, a->o[L_REMOTE].s, in->remote,
		       sizeof(in->remote), &why)) {
		cli_err("--remote-id: %s", why);
		return CLI_USAGE;
	}
	if (!a->o[L_SUB].s && !*in->mac && !*in->circuit && !*in->remote) {
		cli_err("lease add: give --sub, or --mac / --circuit-id / "
			"--remote-id to find the subscriber by");
		return CLI_USAGE;
	}
	return 0;
}

/* The subscriber a lease belongs to: --sub, else by MAC, circuit-id,
 * remote-id (the first that names one). 0 or an exit code (said why). */
static int lease_who(MDB_txn *txn, struct store *st, const struct cli_args *a,
		     const struct lease_in *in, struct sub_rec *r)
{
	static const enum ident_kind order[] = { IDENT_MAC, IDENT_CIRCUIT_ID,
						 IDENT_REMOTE_ID };
	const char *vals[] = { in->mac, in->circuit, in->remote };
	char id[SUB_ID_MAX + 1];
	size_t i;
	int err;

	if (a->o[L_SUB].s)
		return cli_sub_get(txn, st, a->o[L_SUB].s, r) ? CLI_FAIL : 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!*vals[i])
			continue;
		err = ident_find(txn, st, order[i], vals[i], id);
		if (err == -ENOENT)
			continue;
		if (err || sub_get(txn, st, id, r)) {
			cli_err("cannot read the subscriber of %s %s",
				ident_kind_name(order[i]), vals[i]);
			return CLI_FAIL;
		}
		return 0;
	}
	cli_err("lease %s: no subscriber has%s%s%s%s%s%s (tagih sub set ID "
		"--mac ...)", in->pb, *in->mac ? " mac " : "", in->mac,
		*in->circuit ? " circuit-id " : "", in->circuit,
		*in->remote ? " remote-id " : "", in->remote);
	return CLI_FAIL;
}

static int lease_add(struct cli *c, struct cli_args *a)
{
	struct addr_claim cl = { 0 };
	struct lease_in in;
	struct sub_rec r, o;
	struct store *st;
	char actor[64], tb[40];
	int64_t now = tt_now();
	uint32_t other = 0;
	MDB_txn *txn;
	int ret, err, n;

	ret = lease_parse(a, &in, true);
	if (ret)
		return ret;
	if (a->o[L_UNTIL].s && a->o[L_UNTIL].t <= now) {
		cli_err("--until %s is not in the future", a->o[L_UNTIL].s);
		return CLI_USAGE;
	}
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	st = c->st;
	audit_cli_actor(actor, sizeof(actor));
	/* no agent may be running: leases that ended go first */
	n = addr_expire(txn, st, now, actor);
	ret = n < 0 ? CLI_FAIL : lease_who(txn, st, a, &in, &r);
	if (ret)
		goto fail;
	cl.uid = r.uid;
	cl.p = in.p;
	cl.source = ADDR_SRC_DHCP;
	cl.until = a->o[L_UNTIL].s ? a->o[L_UNTIL].t : 0;
	cl.session = in.mac;
	err = addr_claim(txn, st, &cl, now, actor, &other, NULL);
	if (err) {
		if (err == -EADDRINUSE && !sub_get_by_uid(txn, st, other, &o))
			cli_err("lease %s: subscriber '%s' holds it (or a "
				"prefix around it) statically; sub ip del "
				"first", in.pb, o.id);
		else
			cli_err("lease %s: %s", in.pb, strerror(-err));
		ret = CLI_FAIL;
		goto fail;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (c->json)
		bill_json_out(json_pack("{s:s, s:s, s:o}", "address", in.pb,
					"sub", r.id, "until", cl.until ?
					json_string(tt_fmt_time_local(
						cl.until, tb, sizeof(tb))) :
					json_null()));
	else
		printf("lease %s: '%s'%s%s\n", in.pb, r.id,
		       cl.until ? " until " : "",
		       cl.until ? tt_fmt_time_local(cl.until, tb, sizeof(tb)) :
				  "");
	return CLI_OK;
fail:
	store_abort(txn);
	return ret;
}

static int lease_del(struct cli *c, struct cli_args *a)
{
	struct lease_in in;
	char actor[64];
	MDB_txn *txn;
	int ret, err;

	ret = lease_parse(a, &in, false);
	if (ret)
		return ret;
	if (cli_begin(c, true, &txn))
		return CLI_FAIL;
	audit_cli_actor(actor, sizeof(actor));
	err = addr_release(txn, c->st, &in.p, 0, in.mac, tt_now(), actor,
			   "released");
	if (err) {
		store_abort(txn);
		if (err == -ENOENT)
			cli_err("lease del: no lease of %s%s%s", in.pb,
				*in.mac ? " held by " : "", in.mac);
		else
			cli_err("lease del %s: %s", in.pb, strerror(-err));
		return CLI_FAIL;
	}
	if (store_commit(txn))
		return CLI_FAIL;
	if (!c->json)
		printf("lease %s: ended\n", in.pb);
	return CLI_OK;
}

static const struct cli_cmd lease_cmds[] = {
	{ "add", "", 0, add_opts, lease_add,
	  "bind an address to a subscriber (a DHCP server's lease)",
	  "The subscriber is --sub, or the one whose --mac, --circuit-id or "
	  "--remote-id (tagih sub set) matches, in that order. A lease of an "
	  "address another subscriber leased ends that lease (audited); a "
	  "static address of another subscriber is refused. Leases that "
	  "ended (--until) are expired first, so the command is right even "
	  "with no agent running; tagih-agent expires them on its own within "
	  "a second. Usage is billed to whoever held the address when it was "
	  "metered. tagih-dhcp-hook calls this from dnsmasq's dhcp-script.",
	  CLI_CMD_JSON },
	{ "del", "", 0, del_opts, lease_del,
	  "end a lease (release)",
	  "With --mac, only the lease that client holds ends: a release that "
	  "arrives after the address moved on changes nothing." },
	{}
};

const struct cli_group cli_lease = {
	"lease", "DHCP leases: who holds a dynamic address (server hooks)",
	"Kept in the same address history as `sub ip add`, so `tagih "
	"address show IP --at TIME` answers for both.", lease_cmds
};
