// SPDX-License-Identifier: GPL-2.0
/* learn.c - passive learning: PPPoE sessions and DHCP leases seen by the meter become address bindings. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "agent/learn.h"
#include "agent/learn_parse.h"
#include "billing/addr.h"
#include "billing/ident.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "bpf/tagih.h"
#include "lib/log.h"

#define SESS_MAX 4096		/* PPPoE sessions tracked at once */
#define ACTOR "agent:learn"

/* One PPPoE session as far as it has been seen. */
struct sess {
	bool used, have_ip, bound;
	uint16_t sid;
	uint8_t client[6];
	uint8_t ip4[4];
	uint32_t uid;		/* when bound */
	int64_t seen;
	char user[LEARN_USER_MAX + 1];
	int n6;				/* DHCPv6 prefixes bound in it */
	struct prefix v6[LEARN_V6_MAX];
};

struct learn {
	struct ring_buffer *rb;
	struct store *st;
	struct sess *sess;
	/* during one learn_poll */
	MDB_txn *txn;
	int64_t now;
	int err;
	bool changed;
	pthread_mutex_t lock;	/* guards s */
	struct learn_stats s;
};

static void mac_fmt(const uint8_t *m, char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static struct prefix p32(const uint8_t ip[4])
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.len = 32;
	memcpy(p.addr, ip, 4);
	return p;
}

static bool ip_ok(const uint8_t ip[4])
{
	return ip[0] && ip[0] != 127 && ip[0] < 224;
}

/* The write txn of this poll, begun at the first change. */
static MDB_txn *txn_of(struct learn *l)
{
	if (!l->txn && !l->err)
		l->err = store_begin(l->st, true, &l->txn);
	return l->err ? NULL : l->txn;
}

static void claim(struct learn *l, uint32_t uid, const uint8_t ip[4],
		  int src, int64_t until, const char *session)
{
	struct addr_claim c = { .uid = uid, .p = p32(ip), .source = src,
				.until = until, .session = session };
	MDB_txn *txn = txn_of(l);
	uint32_t other = 0;
	bool ch = false;
	int err;

	if (!txn)
		return;
	err = addr_claim(txn, l->st, &c, l->now, ACTOR, &other, &ch);
	if (err == -EADDRINUSE || err == -EINVAL) {
		l->s.refused++;
		return;
	}
	if (err) {
		l->err = err;
		return;
	}
	if (ch) {
		l->s.bound++;
		l->changed = true;
	}
}

static void release(struct learn *l, const uint8_t ip[4], uint32_t uid,
		    const char *session, const char *why)
{
	struct prefix p = p32(ip);
	MDB_txn *txn = txn_of(l);
	int err;

	if (!txn)
		return;
	err = addr_release(txn, l->st, &p, uid, session, l->now, ACTOR, why);
	if (!err) {
		l->s.ended++;
		l->changed = true;
	} else if (err != -ENOENT && err != -EINVAL) {
		l->err = err;
	}
}

/* --- PPPoE ---------------------------------------------------------------- */

static struct sess *sess_find(struct learn *l, uint16_t sid,
			      const uint8_t *client)
{
	int i;

	for (i = 0; i < SESS_MAX; i++)
		if (l->sess[i].used && l->sess[i].sid == sid &&
		    !memcmp(l->sess[i].client, client, 6))
			return &l->sess[i];
	return NULL;
}

/* A new session slot: a free one, else the one seen longest ago (a
 * session it held stays bound until its PADT or a new claim). */
static struct sess *sess_new(struct learn *l, uint16_t sid,
			     const uint8_t *client)
{
	struct sess *s = NULL;
	int i;

	for (i = 0; i < SESS_MAX; i++) {
		if (!l->sess[i].used) {
			s = &l->sess[i];
			break;
		}
		if (!s || l->sess[i].seen < s->seen)
			s = &l->sess[i];
	}
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->sid = sid;
	memcpy(s->client, client, 6);
	return s;
}

static void sess_session(const struct sess *s, char *buf, size_t n)
{
	char m[18];

	mac_fmt(s->client, m, sizeof(m));
	snprintf(buf, n, "pppoe:%u:%s", s->sid, m);
}

static void sess_try_bind(struct learn *l, struct sess *s)
{
	char norm[IDENT_MAX + 1], id[SUB_ID_MAX + 1], sess[48];
	struct sub_rec r;
	MDB_txn *txn;

	if (s->bound || !s->have_ip || !s->user[0])
		return;
	txn = txn_of(l);
	if (!txn)
		return;
	if (ident_norm(IDENT_PPPOE_USER, s->user, norm, sizeof(norm), NULL) ||
	    ident_find(txn, l->st, IDENT_PPPOE_USER, norm, id) ||
	    sub_get(txn, l->st, id, &r)) {
		l->s.unknown++;
		return;
	}
	sess_session(s, sess, sizeof(sess));
	s->uid = r.uid;
	s->bound = true;
	claim(l, r.uid, s->ip4, ADDR_SRC_PPPOE, 0, sess);
}

static void sess_end(struct learn *l, struct sess *s, const char *why)
{
	char sess[48];

	if (s->bound) {
		MDB_txn *txn = txn_of(l);
		int i;

		sess_session(s, sess, sizeof(sess));
		release(l, s->ip4, s->uid, sess, why);
		for (i = 0; txn && i < s->n6; i++)
			if (!addr_release(txn, l->st, &s->v6[i], s->uid, sess,
					  l->now, ACTOR, why)) {
				l->s.ended++;
				l->changed = true;
			}
	}
	memset(s, 0, sizeof(*s));
}

static void on_pppoe(struct learn *l, const struct learn_ev *ev)
{
	struct sess *s;

	switch (ev->type) {
	case LEARN_PADS:	/* AC -> client */
		s = sess_find(l, ev->sid, ev->dst);
		if (!s)
			s = sess_new(l, ev->sid, ev->dst);
		break;
	case LEARN_AUTH:	/* client -> AC */
		s = sess_find(l, ev->sid, ev->src);
		if (!s)
			s = sess_new(l, ev->sid, ev->src);
		snprintf(s->user, sizeof(s->user), "%s", ev->user);
		sess_try_bind(l, s);
		break;
	case LEARN_IPCP_ACK:
		/* an Ack to the client carries the client's address; one
		 * from the client (dst = AC) names the AC's own: not ours */
		s = sess_find(l, ev->sid, ev->dst);
		if (!s)
			return;
		if (!ip_ok(ev->ip4))
			break;
		if (s->bound && memcmp(s->ip4, ev->ip4, 4)) {
			char user[sizeof(s->user)];

			/* renegotiated: the old address ends, the user stays */
			memcpy(user, s->user, sizeof(user));
			sess_end(l, s, "pppoe address changed");
			s = sess_new(l, ev->sid, ev->dst);
			memcpy(s->user, user, sizeof(user));
		}
		memcpy(s->ip4, ev->ip4, 4);
		s->have_ip = true;
		sess_try_bind(l, s);
		break;
	case LEARN_PADT:
	case LEARN_LCP_TERM:
		s = sess_find(l, ev->sid, ev->src);
		if (!s)
			s = sess_find(l, ev->sid, ev->dst);
		if (s)
			sess_end(l, s, ev->type == LEARN_PADT ? "pppoe padt" :
							      "lcp terminate");
		return;
	default:
		return;
	}
	if (s)
		s->seen = l->now;
}

/* --- DHCP ----------------------------------------------------------------- */

/* The subscriber of a DHCPACK: chaddr, circuit-id, remote-id, VLAN. */
static int dhcp_who(struct learn *l, MDB_txn *txn, const struct learn_ev *ev,
		    struct sub_rec *r)
{
	char vals[4][3 * LEARN_O82_MAX + 1], norm[IDENT_MAX + 1],
		id[SUB_ID_MAX + 1];
	static const enum ident_kind kinds[4] = { IDENT_MAC, IDENT_CIRCUIT_ID,
						  IDENT_REMOTE_ID, IDENT_VLAN };
	int i;

	mac_fmt(ev->chaddr, vals[0], sizeof(vals[0]));
	snprintf(vals[1], sizeof(vals[1]), "%s", ev->circuit);
	snprintf(vals[2], sizeof(vals[2]), "%s", ev->remote);
	if (ev->vlan[1])
		snprintf(vals[3], sizeof(vals[3]), "%u.%u", ev->vlan[0],
			 ev->vlan[1]);
	else if (ev->vlan[0])
		snprintf(vals[3], sizeof(vals[3]), "%u", ev->vlan[0]);
	else
		vals[3][0] = '\0';
	for (i = 0; i < 4; i++) {
		if (!vals[i][0] ||
		    ident_norm(kinds[i], vals[i], norm, sizeof(norm), NULL) ||
		    ident_find(txn, l->st, kinds[i], norm, id))
			continue;
		if (!sub_get(txn, l->st, id, r))
			return 0;
	}
	return -ENOENT;
}

static void on_dhcp(struct learn *l, const struct learn_ev *ev)
{
	struct sub_rec r;
	char mac[18];
	MDB_txn *txn;
	int64_t until;

	mac_fmt(ev->chaddr, mac, sizeof(mac));
	if (!ip_ok(ev->ip4))
		return;
	if (ev->type == LEARN_DHCP_RELEASE) {
		release(l, ev->ip4, 0, mac, "dhcp release");
		return;
	}
	txn = txn_of(l);
	if (!txn)
		return;
	if (dhcp_who(l, txn, ev, &r)) {
		l->s.unknown++;
		return;
	}
	/* 0xffffffff is infinite (RFC 2131); no option 51: until released */
	until = ev->lease && ev->lease != 0xffffffffu ? l->now + ev->lease : 0;
	claim(l, r.uid, ev->ip4, ADDR_SRC_SNOOP, until, mac);
}

/* --- DHCPv6 --------------------------------------------------------------- */

static void claim6(struct learn *l, uint32_t uid, const struct prefix *p,
		   int src, uint32_t valid, const char *session)
{
	struct addr_claim c = { .uid = uid, .p = *p, .source = src,
				.session = session };
	MDB_txn *txn = txn_of(l);
	uint32_t other = 0;
	bool ch = false;
	int err;

	if (!txn || p->len < 32)
		return;
	c.until = valid && valid != 0xffffffffu ? l->now + valid : 0;
	err = addr_claim(txn, l->st, &c, l->now, ACTOR, &other, &ch);
	if (err == -EADDRINUSE || err == -EINVAL) {
		l->s.refused++;
		return;
	}
	if (err) {
		l->err = err;
		return;
	}
	if (ch) {
		l->s.bound++;
		l->changed = true;
	}
}

/*
 * A DHCPv6 Reply binds its IA_NA addresses and IA_PD prefixes for their
 * valid lifetime: inside a PPPoE session to the session's subscriber
 * (session pppoe:SID:MAC, ended with it by a new claim or the lifetime),
 * else to the subscriber of the client's MAC. A lifetime of 0 (a Reply
 * to a Release) ends them, as a Release does.
 */
static void on_dhcp6(struct learn *l, const struct learn_ev *ev)
{
	const uint8_t *client = ev->type == LEARN_DHCP6_REPLY ? ev->dst :
								ev->src;
	char norm[IDENT_MAX + 1], id[SUB_ID_MAX + 1], sess[48], mac[18];
	struct sub_rec r;
	uint32_t uid = 0;
	struct sess *s = NULL;
	MDB_txn *txn;
	int i, src = ADDR_SRC_SNOOP;

	mac_fmt(client, mac, sizeof(mac));
	snprintf(sess, sizeof(sess), "%s", mac);
	if (ev->sid) {
		s = sess_find(l, ev->sid, client);
		if (!s || !s->bound) {
			l->s.unknown++;
			return;
		}
		sess_session(s, sess, sizeof(sess));
		uid = s->uid;
		src = ADDR_SRC_PPPOE;
	}
	for (i = 0; i < ev->n6; i++) {
		if (ev->type == LEARN_DHCP6_RELEASE || !ev->v6_valid[i]) {
			struct prefix p = ev->v6[i];
			MDB_txn *t = txn_of(l);
			int err;

			if (!t)
				return;
			err = addr_release(t, l->st, &p, uid, sess, l->now,
					   ACTOR, "dhcpv6 release");
			if (!err) {
				l->s.ended++;
				l->changed = true;
			} else if (err != -ENOENT && err != -EINVAL) {
				l->err = err;
			}
			continue;
		}
		if (!uid) {
			txn = txn_of(l);
			if (!txn)
				return;
			if (ident_norm(IDENT_MAC, mac, norm, sizeof(norm), NULL) ||
			    ident_find(txn, l->st, IDENT_MAC, norm, id) ||
			    sub_get(txn, l->st, id, &r)) {
				l->s.unknown++;
				return;
			}
			uid = r.uid;
		}
		claim6(l, uid, &ev->v6[i], src, ev->v6_valid[i], sess);
		if (s && s->n6 < LEARN_V6_MAX) {
			int j;

			for (j = 0; j < s->n6; j++)
				if (!memcmp(&s->v6[j], &ev->v6[i],
					    sizeof(ev->v6[i])))
					break;
			if (j == s->n6)
				s->v6[s->n6++] = ev->v6[i];
		}
	}
}

/* --- the ring --------------------------------------------------------------- */

static int on_rec(void *ctx, void *data, size_t size)
{
	const struct tagih_learn_rec *rec = data;
	struct learn *l = ctx;
	struct learn_ev ev;
	int t;

	l->s.frames++;
	if (size < offsetof(struct tagih_learn_rec, data) ||
	    rec->len > TAGIH_LEARN_SNAP ||
	    size < offsetof(struct tagih_learn_rec, data) + rec->len)
		return 0;
	t = learn_parse(rec->data, rec->len, &ev);
	if (t < 0) {
		l->s.malformed++;
		return 0;
	}
	if (t == LEARN_DHCP_ACK || t == LEARN_DHCP_RELEASE)
		on_dhcp(l, &ev);
	else if (t == LEARN_DHCP6_REPLY || t == LEARN_DHCP6_RELEASE)
		on_dhcp6(l, &ev);
	else if (t != LEARN_NONE)
		on_pppoe(l, &ev);
	return 0;
}

/*
 * The PPPoE sessions bound before a restart, back into the table from
 * their bindings (session "pppoe:SID:MAC"), so a PADT after the restart
 * still ends them. Returns how many, or -errno.
 */
static int sess_restore(struct learn *l)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	int err, n = 0;

	err = store_begin(l->st, false, &txn);
	if (err)
		return err;
	err = store_cursor_open(txn, l->st, DB_BIND, &cur);
	if (err) {
		store_abort(txn);
		return err;
	}
	for (err = store_cursor_get(cur, &k, &v, MDB_FIRST); !err && n < SESS_MAX;
	     err = store_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct addr_bind b;
		struct prefix p;
		unsigned sid, m[6];
		struct sess *s;
		int i;

		if (k.mv_size != sizeof(p) || v.mv_size != sizeof(b))
			continue;
		memcpy(&p, k.mv_data, sizeof(p));
		memcpy(&b, v.mv_data, sizeof(b));
		b.session[ADDR_SESSION_MAX] = '\0';
		if (b.source != ADDR_SRC_PPPOE ||
		    sscanf(b.session, "pppoe:%u:%x:%x:%x:%x:%x:%x", &sid, &m[0],
			   &m[1], &m[2], &m[3], &m[4], &m[5]) != 7 ||
		    sid > 0xffff)
			continue;
		{
			uint8_t mac[6];

			for (i = 0; i < 6; i++)
				mac[i] = (uint8_t)m[i];
			s = sess_find(l, (uint16_t)sid, mac);
			if (!s) {
				s = &l->sess[n++];
				s->used = true;
				s->sid = (uint16_t)sid;
				memcpy(s->client, mac, 6);
			}
		}
		s->bound = true;
		s->uid = b.uid;
		s->seen = b.since;
		if (p.family == 4) {
			memcpy(s->ip4, p.addr, 4);
			s->have_ip = true;
		} else if (s->n6 < LEARN_V6_MAX) {
			s->v6[s->n6++] = p;
		}
	}
	mdb_cursor_close(cur);
	store_abort(txn);
	return err == -ENOENT ? n : err;
}

int learn_open(struct learn **lp, int map_fd, struct store *st)
{
	int n;
	struct learn *l;

	*lp = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->sess = calloc(SESS_MAX, sizeof(*l->sess));
	if (!l->sess) {
		free(l);
		return -ENOMEM;
	}
	l->st = st;
	pthread_mutex_init(&l->lock, NULL);
	l->rb = ring_buffer__new(map_fd, on_rec, l, NULL);
	if (!l->rb) {
		int err = -errno;

		pr_warn("address learning: ring buffer: %s", strerror(-err));
		learn_close(l);
		return err;
	}
	n = sess_restore(l);
	if (n > 0)
		pr_info("address learning: %d PPPoE session%s bound before the "
			"restart", n, n == 1 ? "" : "s");
	*lp = l;
	return 0;
}

void learn_close(struct learn *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	free(l->sess);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

int learn_fd(const struct learn *l)
{
	return l ? ring_buffer__epoll_fd(l->rb) : -1;
}

int learn_poll(struct learn *l, int64_t now, bool *changed)
{
	int n;

	*changed = false;
	if (!l)
		return 0;
	pthread_mutex_lock(&l->lock);
	l->now = now;
	l->txn = NULL;
	l->err = 0;
	l->changed = false;
	n = ring_buffer__consume(l->rb);
	if (l->txn && !l->err)
		l->err = store_commit(l->txn);
	else if (l->txn)
		store_abort(l->txn);
	if (l->err) {
		/* the session table may say bound for what was not
		 * committed: a new claim or the next ACK puts it right */
		l->s.store_errors++;
		pr_warn("address learning: not recorded (%s)",
			strerror(-l->err));
		l->changed = false;
	}
	*changed = l->changed;
	l->txn = NULL;
	pthread_mutex_unlock(&l->lock);
	return n;
}

void learn_get_stats(struct learn *l, struct learn_stats *s)
{
	if (!l) {
		memset(s, 0, sizeof(*s));
		return;
	}
	pthread_mutex_lock(&l->lock);
	*s = l->s;
	pthread_mutex_unlock(&l->lock);
}
