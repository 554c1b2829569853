/* SPDX-License-Identifier: GPL-2.0 */
/* tagihd.h - the public daemon's shared state (webhooks, notifications, page). */
#ifndef TAGIHD_H
#define TAGIHD_H

#include <stddef.h>
#include "lib/conf.h"
#include "billing/store.h"
#include "billing/gateway/webhook.h"

struct rl;
struct workers;
struct mhd_deadline;

#define TAGIHD_BODY_MAX (64 * 1024)	/* larger request bodies -> 413 */
#define TAGIHD_CONN_TIMEOUT 15		/* seconds idle before a close */
#define TAGIHD_CONN_LIMIT 512
#define TAGIHD_THREADS 4
/*
 * Besides these: public_conn_per_ip (connections one address may hold)
 * and public_request_timeout (seconds to send a whole request, however
 * it trickles) from the config, so that one address cannot take every
 * connection slot (slowloris).
 */

/*
 * Phone + PIN login (page.c): 5 failures for one phone within 15 minutes
 * lock that phone for 15 minutes (429), whether or not the phone is
 * known; 30 failures from one client address (an IPv6 /64) lock it the
 * same way. In memory only: a restart forgets the counters.
 */
#define TAGIHD_LOGIN_FAIL_PHONE 5
#define TAGIHD_LOGIN_FAIL_IP 30
#define TAGIHD_LOGIN_WINDOW 900		/* seconds */
#define TAGIHD_LOGIN_LOCK 900		/* seconds */
/* Voucher codes (page/prepaid.c): 5 wrong codes from an address or for
 * a subscriber within 15 minutes lock both out for 15 minutes (429). */
#define TAGIHD_VOUCHER_FAIL 5
#define TAGIHD_LOGIN_SLOTS 8192
/*
 * PBKDF2 runs on this many workers (at nice +10), never on the HTTP
 * threads; at most TAGIHD_LOGIN_QUEUE logins wait for one (~3 s of
 * work), more are answered 503 + Retry-After without any hashing.
 */
#define TAGIHD_LOGIN_WORKERS 2
#define TAGIHD_LOGIN_QUEUE 64
#define TAGIHD_LOGIN_NICE 10
/*
 * Each webhook is confirmed with the gateway's status API (up to
 * gateway_timeout seconds) on one of these workers, never on the HTTP
 * threads; at most TAGIHD_WEBHOOK_QUEUE wait, more are answered 503 (the
 * gateway retries).
 */
#define TAGIHD_WEBHOOK_WORKERS 8
#define TAGIHD_WEBHOOK_QUEUE 128

struct tagihd {
	struct tagih_conf conf;
	struct store *st;
	struct wh_secrets sec;	/* points into conf */
	size_t body_max;
	struct MHD_Daemon *mhd;
	struct rl *login_phone;	/* failures by normalised phone */
	struct rl *login_ip;	/* failures by client address */
	struct rl *voucher_ip;	/* voucher failures by client address */
	struct rl *voucher_sub;	/* voucher failures by subscriber */
	struct workers *login_pool;	/* PIN checks (page/login.c) */
	struct workers *wh_pool;	/* webhook confirmations (http.c) */
	struct mhd_deadline *deadline;	/* per-request read deadline */
};

/*
 * Start serving on an already bound, listening socket (bound before the
 * capabilities were dropped; lib/net.h), with the PIN workers and the
 * request deadline. cert/key: PEM text for HTTPS, both NULL for plain
 * HTTP. Returns 0, -EINVAL (GnuTLS refused the cert/key pair: a mismatch
 * or bad PEM, reason logged), -EIO (the server did not start) or -errno
 * (threads).
 */
int http_start(struct tagihd *d, int fd, const char *cert, const char *key);
/* Stop taking logins, let the queued ones finish, stop the server. */
void http_stop(struct tagihd *d);

#endif
