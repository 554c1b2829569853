// SPDX-License-Identifier: GPL-2.0
/* radius.c - tagih-agent's RADIUS accounting listener: Start/Interim/Stop become address bindings. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "agent/radius.h"
#include "agent/radius_parse.h"
#include "billing/addr.h"
#include "billing/ident.h"
#include "billing/radoct.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "lib/net.h"

#define RADIUS_DEF_PORT "1813"
#define RADIUS_BATCH 256	/* requests per write txn (one fsync) */
#define RADIUS_SECRET_MAX 128
#define DEDUP_SLOTS 4096
#define UNKNOWN_NAMES_MAX 4096	/* distinct unknown users kept in meta */
#define ACTOR "agent:radius"

struct client {
	int family;		/* AF_INET, AF_INET6 */
	uint8_t addr[16];
	char secret[RADIUS_SECRET_MAX];
	size_t slen;
};

/* A request as received: source, bytes, what the parser made of it. */
struct pkt {
	struct sockaddr_storage from;
	socklen_t flen;
	uint8_t buf[RADIUS_MAX];
	ssize_t n;
	struct radius_acct a;
	const struct client *sec;
	int dedup;		/* slot taken in this batch, -1 none */
	bool answer, apply;
};

struct dedup {
	uint8_t key[16 + 2 + 1 + 16];	/* source addr, port, id, authenticator */
	bool used;
};

struct radius {
	int fd;
	struct store *st;
	struct client def;	/* radius_secret: slen 0 = none */
	int64_t stale;		/* radius_stale: seconds, 0 = no end */
	struct client *clients;
	int nclients;
	struct dedup *dd;
	struct pkt *batch;
	pthread_mutex_t lock;	/* guards s */
	struct radius_stats s;
};

/* The source as (family, 16 bytes, port): a v4-mapped IPv6 is IPv4. */
static void src_key(const struct sockaddr_storage *ss, int *fam, uint8_t a[16],
		    uint16_t *port)
{
	memset(a, 0, 16);
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		*port = s6->sin6_port;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			*fam = AF_INET;
			memcpy(a, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			*fam = AF_INET6;
			memcpy(a, s6->sin6_addr.s6_addr, 16);
		}
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		*fam = AF_INET;
		*port = s4->sin_port;
		memcpy(a, &s4->sin_addr, 4);
	}
}

static const struct client *secret_for(const struct radius *r,
				       const struct sockaddr_storage *ss)
{
	uint8_t a[16];
	uint16_t port;
	int fam, i;

	src_key(ss, &fam, a, &port);
	for (i = 0; i < r->nclients; i++)
		if (r->clients[i].family == fam &&
		    !memcmp(r->clients[i].addr, a, 16))
			return &r->clients[i];
	return r->def.slen ? &r->def : NULL;
}

/* "ADDR=SECRET,ADDR=SECRET" into r->clients. 0 or -EINVAL (logged). */
static int clients_parse(struct radius *r, const char *list)
{
	char *dup, *tok, *save = NULL;
	int err = 0;

	if (!list || !*list)
		return 0;
	dup = strdup(list);
	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		struct client c = { 0 }, *v;

		while (*tok == ' ')
			tok++;
		if (!eq || eq == tok || !eq[1] ||
		    strlen(eq + 1) >= RADIUS_SECRET_MAX || strchr(eq + 1, ' ')) {
			pr_warn("radius_clients: want ADDR=SECRET, each "
				"secret 1..%d bytes without blanks",
				RADIUS_SECRET_MAX - 1);
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		if (inet_pton(AF_INET, tok, c.addr) == 1) {
			c.family = AF_INET;
		} else if (inet_pton(AF_INET6, tok, c.addr) == 1) {
			c.family = AF_INET6;
		} else {
			pr_warn("radius_clients: '%s' is not an IPv4 or IPv6 "
				"address", tok);
			err = -EINVAL;
			break;
		}
		snprintf(c.secret, sizeof(c.secret), "%s", eq + 1);
		c.slen = strlen(c.secret);
		v = realloc(r->clients, (r->nclients + 1) * sizeof(*v));
		if (!v) {
			err = -ENOMEM;
			break;
		}
		r->clients = v;
		r->clients[r->nclients++] = c;
	}
	explicit_bzero(dup, strlen(list));
	free(dup);
	return err;
}

static int sock_open(const char *listen)
{
	struct sockaddr_storage ss;
	char buf[160], why[NET_ERR_LEN];
	socklen_t len;
	int fd, one = 1, rcv = 1 << 20, err;

	if (net_parse(listen, &ss, &len, why, sizeof(why))) {
		/* no port given: the accounting port */
		snprintf(buf, sizeof(buf), "%s:" RADIUS_DEF_PORT, listen);
		if (net_parse(buf, &ss, &len, NULL, 0)) {
			pr_warn("radius_listen: %s", why);
			return -EINVAL;
		}
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* a NAS that reboots sends every session's Start at once */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(fd, (struct sockaddr *)&ss, len)) {
		err = -errno;
		pr_warn("radius_listen %s: %s", listen, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

int radius_open(struct radius **rp, const struct tagih_conf *c,
		struct store *st)
{
	struct radius *r;
	int err;

	*rp = NULL;
	if (!c->radius_listen || !*c->radius_listen)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = -1;
	r->st = st;
	r->stale = c->radius_stale;
	pthread_mutex_init(&r->lock, NULL);
	if (c->radius_secret && *c->radius_secret) {
		if (strlen(c->radius_secret) >= RADIUS_SECRET_MAX) {
			pr_warn("radius_secret: at most %d bytes",
				RADIUS_SECRET_MAX - 1);
			err = -EINVAL;
			goto fail;
		}
		snprintf(r->def.secret, sizeof(r->def.secret), "%s",
			 c->radius_secret);
		r->def.slen = strlen(r->def.secret);
	}
	err = clients_parse(r, c->radius_clients);
	if (err)
		goto fail;
	if (!r->def.slen && !r->nclients) {
		pr_warn("radius_listen is set but neither radius_secret nor "
			"radius_clients: every request would be dropped");
		err = -EINVAL;
		goto fail;
	}
	r->dd = calloc(DEDUP_SLOTS, sizeof(*r->dd));
	r->batch = calloc(RADIUS_BATCH, sizeof(*r->batch));
	if (!r->dd || !r->batch) {
		err = -ENOMEM;
		goto fail;
	}
	r->fd = sock_open(c->radius_listen);
	if (r->fd < 0) {
		err = r->fd;
		goto fail;
	}
	r->s.on = true;
	pr_info("RADIUS accounting on %s (%d client secret%s%s)",
		c->radius_listen, r->nclients, r->nclients == 1 ? "" : "s",
		r->def.slen ? " + a default" : "");
	*rp = r;
	return 0;
fail:
	radius_close(r);
	return err;
}

void radius_close(struct radius *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->clients)
		explicit_bzero(r->clients, r->nclients * sizeof(*r->clients));
	explicit_bzero(&r->def, sizeof(r->def));
	free(r->clients);
	free(r->dd);
	free(r->batch);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int radius_fd(const struct radius *r)
{
	return r ? r->fd : -1;
}

void radius_get_stats(struct radius *r, struct radius_stats *s)
{
	if (!r) {
		memset(s, 0, sizeof(*s));
		return;
	}
	pthread_mutex_lock(&r->lock);
	*s = r->s;
	pthread_mutex_unlock(&r->lock);
}

/*
 * Seen before (a retransmission)? The table is direct-mapped by the
 * authenticator, which is an MD5 of the packet: a slot forgets an old
 * request when a new one lands on it, and then the repeat is applied
 * again, which is harmless (claims and releases are idempotent) except
 * for a Start delayed past the Stop and the next holder's Start of the
 * same address; 4096 requests is a long window for that.
 */
static int dedup_check(struct radius *r, struct pkt *p, bool *dup)
{
	struct dedup *d;
	uint8_t key[sizeof(d->key)], a[16];
	uint16_t port;
	int fam;
	unsigned slot;

	src_key(&p->from, &fam, a, &port);
	memcpy(key, a, 16);
	memcpy(key + 16, &port, 2);
	key[18] = p->a.id;
	memcpy(key + 19, p->a.auth, 16);
	slot = ((unsigned)p->a.auth[0] << 8 | p->a.auth[1]) % DEDUP_SLOTS;
	d = &r->dd[slot];
	*dup = d->used && !memcmp(d->key, key, sizeof(key));
	if (!*dup) {
		memcpy(d->key, key, sizeof(key));
		d->used = true;
	}
	return (int)slot;
}

/* An unknown user, kept in meta for `tagih address unknown`: count and
 * last time, for at most UNKNOWN_NAMES_MAX distinct names. */
static int unknown_note(MDB_txn *txn, struct store *st, const char *user,
			int64_t now)
{
	char key[16 + RADIUS_STR_MAX + 1];
	struct { uint64_t n; int64_t last; } v = { 0, 0 };
	uint64_t names;
	MDB_val val;
	int err;

	snprintf(key, sizeof(key), "radius_unknown/%s", user);
	err = store_get(txn, st, DB_META, key, strlen(key), &val);
	if (!err && val.mv_size == sizeof(v)) {
		memcpy(&v, val.mv_data, sizeof(v));
	} else if (err == -ENOENT) {
		err = store_meta_get_u64(txn, st, "radius_unknown_names",
					 &names);
		if (err)
			return err;
		if (names >= UNKNOWN_NAMES_MAX)
			return 0;
		err = store_meta_put_u64(txn, st, "radius_unknown_names",
					 names + 1);
		if (err)
			return err;
	} else if (err) {
		return err;
	}
	v.n++;
	v.last = now;
	return store_put(txn, st, DB_META, key, strlen(key), &v, sizeof(v), 0);
}

/* The prefixes a request names: its IPv4 address as a /32 (not the
 * "pool"/"user chooses" values), its IPv6 prefixes of /32../128. */
static int req_prefixes(const struct radius_acct *a, struct prefix *out)
{
	static const uint8_t any[4], pool[4] = { 255, 255, 255, 254 },
		bcast[4] = { 255, 255, 255, 255 };
	int n = 0, i;

	if (a->has_ip4 && memcmp(a->ip4, any, 4) && memcmp(a->ip4, pool, 4) &&
	    memcmp(a->ip4, bcast, 4)) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = 4;
		out[n].len = 32;
		memcpy(out[n].addr, a->ip4, 4);
		n++;
	}
	for (i = 0; i < a->n6; i++)
		if (a->v6[i].len >= 32)
			out[n++] = a->v6[i];
	return n;
}

static void say_refused(const struct prefix *p, uint32_t other)
{
	char b[64];

	pr_warn("radius: %s is held statically by uid %u (or overlaps its "
		"prefix): not bound; sub ip del it first",
		prefix_fmt(p, b, sizeof(b)), other);
}

/* One verified request in the batch's txn. 0, or a store error (the
 * batch is then aborted and not answered). */
static int apply(struct radius *r, MDB_txn *txn, const struct radius_acct *a,
		 int64_t now, bool *changed)
{
	struct prefix pfx[1 + RADIUS_V6_MAX];
	char norm[IDENT_MAX + 1], id[SUB_ID_MAX + 1];
	struct sub_rec rec;
	uint32_t uid = 0, other;
	bool ch;
	int n, i, err;

	if (a->status != RADIUS_START && a->status != RADIUS_INTERIM &&
	    a->status != RADIUS_STOP)
		return 0;	/* Accounting-On/Off and others: answered */
	n = req_prefixes(a, pfx);
	err = -ENOENT;
	if (*a->user && !ident_norm(IDENT_PPPOE_USER, a->user, norm,
				    sizeof(norm), NULL))
		err = ident_find(txn, r->st, IDENT_PPPOE_USER, norm, id);
	if (!err)
		err = sub_get(txn, r->st, id, &rec);
	if (err == -ENOENT) {
		r->s.unknown_user++;
		if (a->status == RADIUS_STOP && n)
			goto stop;	/* a Stop still ends its session */
		return *a->user ? unknown_note(txn, r->st, a->user, now) : 0;
	}
	if (err)
		return err;
	uid = rec.uid;
	/* the NAS's counters, for comparison only (never billed) */
	err = radoct_note(txn, r->st, uid, a->session, (int)a->status,
			  a->in_octets, a->out_octets, now);
	if (err)
		return err;
	if (a->status == RADIUS_STOP)
		goto stop;
	for (i = 0; i < n; i++) {
		struct addr_claim c = {
			.uid = uid, .p = pfx[i], .source = ADDR_SRC_RADIUS,
			.session = a->session,
			.until = r->stale ? now + r->stale : 0,
		};

		err = addr_claim(txn, r->st, &c, now, ACTOR, &other, &ch);
		if (err == -EADDRINUSE) {
			r->s.refused++;
			say_refused(&pfx[i], other);
			continue;
		}
		if (err == -EINVAL) {
			r->s.malformed++;
			continue;
		}
		if (err)
			return err;
		if (ch) {
			r->s.bound++;
			*changed = true;
		}
	}
	return 0;
stop:
	/* an unknown user's Stop ends only its own session's bindings */
	if (!uid && !*a->session)
		return 0;
	for (i = 0; i < n; i++) {
		err = addr_release(txn, r->st, &pfx[i], uid, a->session, now,
				   ACTOR, "radius stop");
		if (err == -ENOENT || err == -EINVAL)
			continue;
		if (err)
			return err;
		r->s.ended++;
		*changed = true;
	}
	return 0;
}

/* Read up to a batch; parse, verify and de-duplicate each. */
static int take_batch(struct radius *r)
{
	int n = 0;

	while (n < RADIUS_BATCH) {
		struct pkt *p = &r->batch[n];
		bool dup;

		p->flen = sizeof(p->from);
		p->n = recvfrom(r->fd, p->buf, sizeof(p->buf), MSG_DONTWAIT,
				(struct sockaddr *)&p->from, &p->flen);
		if (p->n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n++;
		r->s.requests++;
		p->answer = p->apply = false;
		p->dedup = -1;
		p->sec = secret_for(r, &p->from);
		if (!p->sec) {
			r->s.unknown_client++;
			continue;
		}
		if (radius_parse(p->buf, (size_t)p->n, &p->a)) {
			r->s.malformed++;
			continue;
		}
		if (radius_acct_verify(p->buf, p->a.len, p->sec->secret,
				       p->sec->slen)) {
			r->s.bad_auth++;	/* forged, or the wrong secret */
			continue;
		}
		p->answer = true;
		p->dedup = dedup_check(r, p, &dup);
		if (dup) {
			r->s.duplicates++;
			p->dedup = -1;
		} else {
			p->apply = true;
		}
	}
	return n;
}

int radius_serve(struct radius *r, int64_t now, bool *changed)
{
	MDB_txn *txn = NULL;
	int n, i, err = 0, todo = 0;

	*changed = false;
	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	n = take_batch(r);
	for (i = 0; i < n; i++)
		todo += r->batch[i].apply;
	if (todo) {
		err = store_begin(r->st, true, &txn);
		for (i = 0; i < n && !err; i++)
			if (r->batch[i].apply)
				err = apply(r, txn, &r->batch[i].a, now,
					    changed);
		if (!err)
			err = store_commit(txn);
		else if (txn)
			store_abort(txn);
	}
	if (err) {
		/* nothing committed: answer nothing, forget the batch, so
		 * the NAS's retransmissions are applied */
		r->s.store_errors++;
		*changed = false;
		for (i = 0; i < n; i++)
			if (r->batch[i].dedup >= 0)
				r->dd[r->batch[i].dedup].used = false;
		pthread_mutex_unlock(&r->lock);
		pr_warn("radius: %d request%s not recorded (%s); not answered, "
			"the NAS will retry", n, n == 1 ? "" : "s",
			strerror(-err));
		return err;
	}
	for (i = 0; i < n; i++) {
		struct pkt *p = &r->batch[i];
		uint8_t resp[RADIUS_HDR];

		if (!p->answer || radius_acct_response(&p->a, p->sec->secret,
						       p->sec->slen, resp) < 0)
			continue;
		if (sendto(r->fd, resp, sizeof(resp), 0,
			   (struct sockaddr *)&p->from, p->flen) ==
		    (ssize_t)sizeof(resp))
			r->s.answered++;
	}
	pthread_mutex_unlock(&r->lock);
	return n;
}
