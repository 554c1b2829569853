// SPDX-License-Identifier: GPL-2.0
/* mhd_deadline.c - cut libmicrohttpd connections that do not deliver a whole request in time. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/mhd_deadline.h"

#define DL_TICK_MS 200		/* how late a cut may come */

/* One accepted connection; lives from NOTIFY_STARTED to NOTIFY_CLOSED. */
struct dl_conn {
	struct dl_conn *prev, *next;
	struct mhd_deadline *g;
	int fd;
	uint64_t due;		/* CLOCK_MONOTONIC ms; 0 = clock stopped */
};

struct mhd_deadline {
	pthread_mutex_t mu;	/* the list, every due, stop, cut */
	pthread_cond_t cv;
	pthread_t th;
	struct dl_conn head;	/* circular list */
	uint64_t ms;
	uint64_t cut;
	bool stop;
};

static uint64_t dl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * libmicrohttpd calls NOTIFY_CLOSED before it closes the socket, and
 * NOTIFY_CLOSED waits for mu: so while an entry is in the list (under
 * mu) its fd is still the connection's own and never a reused number.
 */
static void *dl_main(void *arg)
{
	struct mhd_deadline *g = arg;
	struct timespec ts;
	struct dl_conn *e;
	uint64_t now;

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += DL_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &ts);
		now = dl_now();
		for (e = g->head.next; e != &g->head; e = e->next) {
			if (!e->due || now < e->due)
				continue;
			e->due = 0;
			shutdown(e->fd, SHUT_RDWR);
			g->cut++;
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int mhd_deadline_new(unsigned secs, struct mhd_deadline **out)
{
	struct mhd_deadline *g;
	pthread_condattr_t ca;
	int err;

	*out = NULL;
	if (!secs)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->ms = (uint64_t)secs * 1000;
	g->head.next = g->head.prev = &g->head;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&g->th, NULL, dl_main, g);
	if (err) {
		pthread_cond_destroy(&g->cv);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return -err;
	}
	*out = g;
	return 0;
}

void mhd_deadline_free(struct mhd_deadline *g)
{
	struct dl_conn *e, *n;

	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->th, NULL);
	/* only if the daemon was not stopped first */
	for (e = g->head.next; e != &g->head; e = n) {
		n = e->next;
		free(e);
	}
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

void mhd_deadline_notify(void *cls, struct MHD_Connection *c,
			 void **socket_context,
			 enum MHD_ConnectionNotificationCode toe)
{
	struct mhd_deadline *g = cls;
	const union MHD_ConnectionInfo *ci;
	struct dl_conn *e;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c,
					     MHD_CONNECTION_INFO_CONNECTION_FD);
		/* without memory the connection just goes unguarded */
		e = ci ? calloc(1, sizeof(*e)) : NULL;
		*socket_context = e;
		if (!e)
			return;
		e->g = g;
		e->fd = ci->connect_fd;
		pthread_mutex_lock(&g->mu);
		e->due = dl_now() + g->ms;
		e->next = g->head.next;
		e->prev = &g->head;
		g->head.next->prev = e;
		g->head.next = e;
		pthread_mutex_unlock(&g->mu);
		return;
	}
	e = *socket_context;
	if (toe != MHD_CONNECTION_NOTIFY_CLOSED || !e)
		return;
	pthread_mutex_lock(&g->mu);
	e->prev->next = e->next;
	e->next->prev = e->prev;
	pthread_mutex_unlock(&g->mu);
	free(e);
	*socket_context = NULL;
}

static struct dl_conn *dl_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void mhd_deadline_stop(struct MHD_Connection *c)
{
	struct dl_conn *e = dl_of(c);

	if (!e)
		return;
	pthread_mutex_lock(&e->g->mu);
	e->due = 0;
	pthread_mutex_unlock(&e->g->mu);
}

void mhd_deadline_rearm(struct mhd_deadline *g, struct MHD_Connection *c)
{
	struct dl_conn *e = c ? dl_of(c) : NULL;

	if (!e || e->g != g)
		return;
	pthread_mutex_lock(&g->mu);
	e->due = dl_now() + g->ms;
	pthread_mutex_unlock(&g->mu);
}

uint64_t mhd_deadline_cut(struct mhd_deadline *g)
{
	uint64_t n;

	pthread_mutex_lock(&g->mu);
	n = g->cut;
	pthread_mutex_unlock(&g->mu);
	return n;
}
