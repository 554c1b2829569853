/* SPDX-License-Identifier: GPL-2.0 */
/* radius.h - tagih-agent's RADIUS accounting listener: sessions become address bindings. */
#ifndef TAGIH_RADIUS_H
#define TAGIH_RADIUS_H

#include <stdbool.h>
#include <stdint.h>

struct store;
struct tagih_conf;
struct radius;

/* Counters for /metrics (all since the agent started). */
struct radius_stats {
	bool on;
	uint64_t requests;	/* datagrams received */
	uint64_t answered;	/* Accounting-Responses sent */
	uint64_t malformed;	/* not an Accounting-Request, or broken */
	uint64_t bad_auth;	/* Request Authenticator wrong: ignored */
	uint64_t unknown_client; /* no secret for the source address */
	uint64_t unknown_user;	/* User-Name is nobody's --pppoe-user */
	uint64_t duplicates;	/* retransmissions answered again */
	uint64_t refused;	/* address is another's static one */
	uint64_t bound;		/* bindings made (holder changed) */
	uint64_t ended;		/* bindings ended by Stop */
	uint64_t store_errors;	/* batches not committed (not answered) */
};

/*
 * Open the listener of c->radius_listen ("" = off: *rp = NULL, returns
 * 0) with the secrets of radius_secret and radius_clients. Returns 0,
 * -EINVAL (bad address or client list, logged) or -errno (bind).
 */
int radius_open(struct radius **rp, const struct tagih_conf *c,
		struct store *st);
void radius_close(struct radius *r);
/* The socket to poll for input, or -1 when r is NULL. */
int radius_fd(const struct radius *r);

/*
 * Take every datagram waiting (up to a batch), apply the verified ones
 * in one write transaction, commit, then answer them (a request is
 * answered only once its binding is committed; a retransmission seen
 * within the last 4096 requests is answered again without being
 * applied). *changed: an address changed hands (the caller repaints the
 * maps). Returns the number of requests taken, or -errno.
 */
int radius_serve(struct radius *r, int64_t now, bool *changed);

/* A copy of the counters (thread-safe). */
void radius_get_stats(struct radius *r, struct radius_stats *s);

#endif
