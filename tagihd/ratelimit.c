// SPDX-License-Identifier: GPL-2.0
/* ratelimit.c - failure counters with lockout, keyed by hash, in a fixed table. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tagihd/ratelimit.h"

#define RL_PROBE 16

struct rl_ent {
	uint64_t h;		/* 0 = free */
	uint64_t first;		/* start of the failure window */
	uint64_t locked_until;
	uint32_t fails;
};

struct rl {
	pthread_mutex_t mu;
	unsigned slots, max_fail, window, lock;
	unsigned char key[32];
	struct rl_ent *ent;
};

static uint64_t rl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec + 1;	/* never 0: 0 means "never" */
}

struct rl *rl_new(unsigned slots, unsigned max_fail, unsigned window,
		  unsigned lock)
{
	struct rl *r;

	if (!slots || !max_fail)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->ent = calloc(slots, sizeof(*r->ent));
	if (!r->ent ||
	    getrandom(r->key, sizeof(r->key), 0) != (ssize_t)sizeof(r->key)) {
		free(r->ent);
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	r->slots = slots;
	r->max_fail = max_fail;
	r->window = window;
	r->lock = lock;
	return r;
}

void rl_free(struct rl *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	OPENSSL_cleanse(r->key, sizeof(r->key));
	free(r->ent);
	free(r);
}

static uint64_t rl_hash(const struct rl *r, const char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	uint64_t h = 0;
	int i;

	if (HMAC(EVP_sha256(), r->key, sizeof(r->key),
		 (const unsigned char *)key, strlen(key), md, &mdlen) &&
	    mdlen >= 8)
		for (i = 0; i < 8; i++)
			h = h << 8 | md[i];
	return h ? h : 1;
}

static int rl_idle(const struct rl *r, const struct rl_ent *e, uint64_t now)
{
	return !e->h || (now >= e->first + r->window && now >= e->locked_until);
}

/* The entry of key; create: take a free, idle or the oldest slot for it.
 * NULL when absent and !create. Called with mu held. */
static struct rl_ent *rl_find(struct rl *r, uint64_t h, uint64_t now,
			      int create)
{
	struct rl_ent *e, *victim = NULL;
	unsigned i, at = (unsigned)(h % r->slots);

	for (i = 0; i < RL_PROBE && i < r->slots; i++) {
		e = &r->ent[(at + i) % r->slots];
		if (e->h == h)
			return e;
		if (!victim || (!rl_idle(r, victim, now) &&
				(rl_idle(r, e, now) || e->first < victim->first)))
			victim = e;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->h = h;
	victim->first = now;
	return victim;
}

unsigned rl_check(struct rl *r, const char *key)
{
	uint64_t h = rl_hash(r, key), now = rl_now();
	struct rl_ent *e;
	unsigned wait = 0;

	pthread_mutex_lock(&r->mu);
	e = rl_find(r, h, now, 0);
	if (e && e->locked_until > now)
		wait = (unsigned)(e->locked_until - now);
	pthread_mutex_unlock(&r->mu);
	return wait;
}

/* One more failure on e (a new window when the old one is over and no
 * lock holds). Called with mu held. */
static void rl_count(struct rl *r, struct rl_ent *e, uint64_t now)
{
	if (now >= e->first + r->window && now >= e->locked_until) {
		e->first = now;
		e->fails = 0;
		e->locked_until = 0;
	}
	if (++e->fails >= r->max_fail && e->locked_until <= now)
		e->locked_until = now + r->lock;
}

void rl_fail(struct rl *r, const char *key)
{
	uint64_t h = rl_hash(r, key), now = rl_now();

	pthread_mutex_lock(&r->mu);
	rl_count(r, rl_find(r, h, now, 1), now);
	pthread_mutex_unlock(&r->mu);
}

unsigned rl_take(struct rl *r, const char *key)
{
	uint64_t h = rl_hash(r, key), now = rl_now();
	struct rl_ent *e;
	unsigned wait = 0;

	pthread_mutex_lock(&r->mu);
	e = rl_find(r, h, now, 1);
	if (e->locked_until > now)
		wait = (unsigned)(e->locked_until - now);
	else
		rl_count(r, e, now);
	pthread_mutex_unlock(&r->mu);
	return wait;
}

void rl_untake(struct rl *r, const char *key)
{
	uint64_t h = rl_hash(r, key), now = rl_now();
	struct rl_ent *e;

	pthread_mutex_lock(&r->mu);
	e = rl_find(r, h, now, 0);
	if (e && e->fails) {
		if (--e->fails < r->max_fail)
			e->locked_until = 0;
		if (!e->fails && !e->locked_until)
			memset(e, 0, sizeof(*e));
	}
	pthread_mutex_unlock(&r->mu);
}

void rl_reset(struct rl *r, const char *key)
{
	uint64_t h = rl_hash(r, key), now = rl_now();
	struct rl_ent *e;

	pthread_mutex_lock(&r->mu);
	e = rl_find(r, h, now, 0);
	if (e)
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&r->mu);
}
