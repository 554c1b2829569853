/* SPDX-License-Identifier: GPL-2.0 */
/* ident.h - subscriber identifiers (PPPoE user, MAC, option 82, VLAN): each names one subscriber. */
#ifndef TAGIH_IDENT_H
#define TAGIH_IDENT_H

#include <stddef.h>
#include <stdint.h>
#include "billing/store.h"

/*
 * What the network says about who is talking: the PPPoE/RADIUS user name,
 * the device's MAC, the DHCP relay's option 82 circuit-id and remote-id,
 * and the access VLAN (N or N.M for QinQ). Each is unique across
 * subscribers: DB_SUB_IDENT key = kind (u8) + the normalised text, value
 * = the subscriber id. Learning (RADIUS, DHCP hooks) matches a claim to a
 * subscriber through this table.
 */
enum ident_kind {
	IDENT_PPPOE_USER = 1,
	IDENT_MAC = 2,
	IDENT_CIRCUIT_ID = 3,
	IDENT_REMOTE_ID = 4,
	IDENT_VLAN = 5,
	IDENT__MAX
};

#define IDENT_MAX 64		/* bytes of a normalised identifier */

/* "pppoe-user", "mac", "circuit-id", "remote-id", "vlan" (the option
 * names), or NULL for a kind that does not exist. */
const char *ident_kind_name(enum ident_kind k);

/*
 * Check and normalise one identifier into out (n > IDENT_MAX):
 * pppoe-user, circuit-id, remote-id: 1..64 bytes of text (lib/text.h),
 * kept as given; mac: six hex pairs split by ':' or '-' (or none), a
 * unicast address other than 00:00:00:00:00:00, out in lower case with
 * ':'; vlan: N or N.M with N, M in 1..4094, out without leading zeros.
 * Returns 0, or -EINVAL with *why (may be NULL) a static reason.
 */
int ident_norm(enum ident_kind k, const char *in, char *out, size_t n,
	       const char **why);

/*
 * Give the (normalised) identifier to sub id. Returns 0, -EEXIST (already
 * this subscriber's), -EADDRINUSE (another's: its id in other, size
 * > SUB_ID_MAX, may be NULL) or a store error.
 */
int ident_add(MDB_txn *txn, struct store *st, enum ident_kind k,
	      const char *norm, const char *id, char *other);
/* Take it away from id. Returns 0, -ENOENT (not id's) or a store error. */
int ident_del(MDB_txn *txn, struct store *st, enum ident_kind k,
	      const char *norm, const char *id);
/* Who holds it: the id into id (size > SUB_ID_MAX). 0, -ENOENT, -errno. */
int ident_find(MDB_txn *txn, struct store *st, enum ident_kind k,
	       const char *norm, char *id);
/*
 * Every identifier of subscriber id (a full scan: for the CLI), in kind
 * order; stop when cb returns non-zero (that value is returned).
 */
int ident_foreach(MDB_txn *txn, struct store *st, const char *id,
		  int (*cb)(enum ident_kind k, const char *val, void *ctx),
		  void *ctx);

#endif
