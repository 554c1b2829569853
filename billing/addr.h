/* SPDX-License-Identifier: GPL-2.0 */
/* addr.h - learned address bindings: who holds which address, from when, until when. */
#ifndef TAGIH_ADDR_H
#define TAGIH_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/store.h"
#include "lib/prefix.h"

/*
 * A binding is a dynamic hold on one prefix (a PPPoE/DHCP address, a
 * Framed-IPv6-Prefix, a delegated prefix) learned from the network:
 * RADIUS accounting, a DHCP server's hook, or the meter's copy of
 * PPPoE/DHCP exchanges. The ownership itself is the same as for a static
 * address (DB_PREFIX, DB_PREFIX_HIST, prefix_gen: sub.h), so the agent
 * paints it and the history answers "who held it at t"; DB_BIND records
 * what makes it dynamic (source, session, expiry) and DB_BIND_EXP orders
 * the bindings that expire by their end.
 *
 * Rules: an address has at most one holder at any instant. A claim ends
 * another subscriber's binding of the same prefix (audited as addr_end,
 * "claimed by ..."); a static address of another subscriber (sub ip add)
 * or an overlapping prefix of another is refused: those are released
 * only by hand. Usage follows the holder without help from here: the
 * meter counts per uid, so what was metered while the map said s1 is
 * s1's, and the drain bills per uid.
 */
enum addr_src {
	ADDR_SRC_DHCP = 1,	/* tagih lease add (a DHCP server's hook) */
	ADDR_SRC_RADIUS = 2,	/* RADIUS accounting (agent/radius.c) */
	ADDR_SRC_PPPOE = 3,	/* seen on the wire: PPPoE/IPCP */
	ADDR_SRC_SNOOP = 4,	/* seen on the wire: DHCPACK */
};

#define ADDR_SESSION_MAX 63

struct addr_bind {		/* DB_BIND value */
	uint32_t uid;
	uint8_t source;		/* enum addr_src */
	uint8_t pad[3];
	int64_t since;		/* UTC seconds */
	int64_t until;		/* UTC seconds; 0 = until released */
	char session[ADDR_SESSION_MAX + 1];	/* Acct-Session-Id, a MAC */
};

struct addr_claim {
	uint32_t uid;
	struct prefix p;
	uint8_t source;		/* enum addr_src */
	int64_t until;		/* 0 = until released */
	const char *session;	/* NULL = "" */
};

/* "dhcp", "radius", "pppoe", "dhcp-snoop"; "static" for 0. */
const char *addr_src_name(int src);

/*
 * Claim c->p for c->uid at now. A repeat of the binding (same uid) only
 * moves its end and session, so a duplicate is harmless; another
 * subscriber's binding of the prefix is ended first (audited). Writes an
 * addr_bind audit entry (actor) when the holder changes. *changed (may
 * be NULL): the holder changed (prefix_gen was bumped). Returns 0,
 * -EADDRINUSE (a static address or an overlapping prefix of another
 * subscriber: *other, may be NULL, is its uid), -EINVAL (bad prefix, no
 * uid, an end not after now) or a store error.
 */
int addr_claim(MDB_txn *txn, struct store *st, const struct addr_claim *c,
	       int64_t now, const char *actor, uint32_t *other, bool *changed);

/*
 * End the binding of p at now, if it is uid's (0: anyone's) and, when
 * session is non-NULL and non-empty, that session's (a late Stop or
 * RELEASE from the previous holder changes nothing). why goes into the
 * addr_end audit entry. Returns 0, -ENOENT (no such binding: a static
 * address is never ended here) or a store error.
 */
int addr_release(MDB_txn *txn, struct store *st, const struct prefix *p,
		 uint32_t uid, const char *session, int64_t now,
		 const char *actor, const char *why);

/* Drop what makes p dynamic (DB_BIND, DB_BIND_EXP), leaving ownership
 * alone: `sub ip del` of a learned address. 0 or a store error. */
int addr_forget(MDB_txn *txn, struct store *st, const struct prefix *p);

/* End every binding whose end is at or before now. Returns how many, or
 * a store error. */
int addr_expire(MDB_txn *txn, struct store *st, int64_t now,
		const char *actor);
/* The earliest end of any binding into *t (0 = none). 0 or -errno. */
int addr_next_expiry(MDB_txn *txn, struct store *st, int64_t *t);

/* The binding of p. Returns 0, -ENOENT or a store error. */
int addr_bind_get(MDB_txn *txn, struct store *st, const struct prefix *p,
		  struct addr_bind *b);

/* One span of DB_PREFIX_HIST. */
struct addr_span {
	struct prefix p;
	uint32_t uid;
	int64_t since, until;	/* until 0 = still held */
};
/*
 * Every span of the prefixes that contain addr (a /32, a /128 or a
 * prefix), shortest prefix first, each in time order; or, with addr
 * NULL, every span of uid (a full scan, for the CLI). cb's non-zero return stops the walk
 * and is returned.
 */
int addr_history(MDB_txn *txn, struct store *st, const struct prefix *addr,
		 uint32_t uid,
		 int (*cb)(const struct addr_span *s, void *ctx), void *ctx);

#endif
