// SPDX-License-Identifier: GPL-2.0
/* session.c - the console's sessions: random ids in memory, an idle timeout, the oldest dropped when full. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "tagihd/console/console.h"

struct con_sessions {
	pthread_mutex_t lock;
	unsigned n, idle;
	struct con_sess *v;	/* sid[0] == '\0': free */
};

static int64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int sess_random_hex(char *out, size_t nbytes)
{
	static const char hx[] = "0123456789abcdef";
	unsigned char r[64];
	size_t i;

	if (nbytes > sizeof(r) || RAND_bytes(r, nbytes) != 1)
		return -EIO;
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hx[r[i] >> 4];
		out[2 * i + 1] = hx[r[i] & 15];
	}
	out[2 * nbytes] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

struct con_sessions *sess_new(unsigned slots, unsigned idle)
{
	struct con_sessions *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->v = calloc(slots, sizeof(*s->v));
	if (!s->v) {
		free(s);
		return NULL;
	}
	s->n = slots;
	s->idle = idle;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void sess_free(struct con_sessions *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s->v, s->n * sizeof(*s->v));
	free(s->v);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int sess_open(struct con_sessions *s, const char *user, struct con_sess *out)
{
	int64_t now = mono();
	unsigned i, pick = 0;

	memset(out, 0, sizeof(*out));
	if (sess_random_hex(out->sid, CON_SID_LEN / 2) ||
	    sess_random_hex(out->csrf, CON_SID_LEN / 2))
		return -EIO;
	snprintf(out->user, sizeof(out->user), "%s", user);
	out->last = now;
	pthread_mutex_lock(&s->lock);
	/* a free or expired slot, else the least recently used one */
	for (i = 0; i < s->n; i++) {
		if (!s->v[i].sid[0] || now - s->v[i].last > s->idle) {
			pick = i;
			break;
		}
		if (s->v[i].last < s->v[pick].last)
			pick = i;
	}
	s->v[pick] = *out;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* The slot of sid, or -1; every slot is compared, in constant time. */
static int sess_find(struct con_sessions *s, const char *sid)
{
	unsigned i;
	int hit = -1;

	for (i = 0; i < s->n; i++)
		if (s->v[i].sid[0] &&
		    !CRYPTO_memcmp(s->v[i].sid, sid, CON_SID_LEN))
			hit = i;
	return hit;
}

static bool sid_ok(const char *sid)
{
	size_t i;

	if (!sid || strlen(sid) != CON_SID_LEN)
		return false;
	for (i = 0; i < CON_SID_LEN; i++)
		if (!strchr("0123456789abcdef", sid[i]))
			return false;
	return true;
}

int sess_get(struct con_sessions *s, const char *sid, struct con_sess *out)
{
	int64_t now = mono();
	int i, err = -ENOENT;

	if (!sid_ok(sid))
		return -ENOENT;
	pthread_mutex_lock(&s->lock);
	i = sess_find(s, sid);
	if (i >= 0 && now - s->v[i].last > s->idle) {
		OPENSSL_cleanse(&s->v[i], sizeof(s->v[i]));
		i = -1;
	}
	if (i >= 0) {
		s->v[i].last = now;
		*out = s->v[i];
		err = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

void sess_close(struct con_sessions *s, const char *sid)
{
	int i;

	if (!sid_ok(sid))
		return;
	pthread_mutex_lock(&s->lock);
	i = sess_find(s, sid);
	if (i >= 0)
		OPENSSL_cleanse(&s->v[i], sizeof(s->v[i]));
	pthread_mutex_unlock(&s->lock);
}
