// SPDX-License-Identifier: GPL-2.0
/* workers.c - fixed threads draining a bounded job queue, at a lower CPU priority. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/log.h"
#include "tagihd/workers.h"

struct job {
	void (*fn)(void *arg);
	void *arg;
};

struct workers {
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* a job queued, or stopping */
	pthread_t *th;
	unsigned n, started, qmax;
	unsigned head, len;	/* ring of qmax jobs */
	unsigned held;		/* places reserved, not yet pushed */
	int nice_inc;
	bool stop;
	struct job *q;
};

static void *workers_main(void *arg)
{
	struct workers *w = arg;
	struct job j;

	/* Linux keeps a nice value per thread: this one only */
	if (w->nice_inc &&
	    setpriority(PRIO_PROCESS, (id_t)gettid(),
			getpriority(PRIO_PROCESS, (id_t)gettid()) + w->nice_inc))
		pr_debug("workers: cannot lower the priority of a worker");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->len && !(w->stop && !w->held))
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->len)
			break;	/* stopping, nothing queued or promised */
		j = w->q[w->head];
		w->head = (w->head + 1) % w->qmax;
		w->len--;
		pthread_mutex_unlock(&w->mu);
		j.fn(j.arg);
		pthread_mutex_lock(&w->mu);
	}
	pthread_cond_broadcast(&w->cv);	/* the others may be done too */
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int workers_new(unsigned n, unsigned qmax, int nice_inc,
		struct workers **out)
{
	struct workers *w;
	int err = 0;

	*out = NULL;
	if (!n || !qmax)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->th = calloc(n, sizeof(*w->th));
	w->q = calloc(qmax, sizeof(*w->q));
	if (!w->th || !w->q) {
		free(w->th);
		free(w->q);
		free(w);
		return -ENOMEM;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->n = n;
	w->qmax = qmax;
	w->nice_inc = nice_inc;
	for (w->started = 0; w->started < n; w->started++) {
		err = pthread_create(&w->th[w->started], NULL, workers_main, w);
		if (err)
			break;
	}
	if (err) {
		workers_free(w);
		return -err;
	}
	*out = w;
	return 0;
}

void workers_free(struct workers *w)
{
	unsigned i;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->started; i++)
		pthread_join(w->th[i], NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->th);
	free(w->q);
	free(w);
}

int workers_reserve(struct workers *w)
{
	int err = 0;

	pthread_mutex_lock(&w->mu);
	if (w->stop)
		err = -ESHUTDOWN;
	else if (w->len + w->held >= w->qmax)
		err = -EBUSY;
	else
		w->held++;
	pthread_mutex_unlock(&w->mu);
	return err;
}

void workers_push(struct workers *w, void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&w->mu);
	w->held--;
	w->q[(w->head + w->len) % w->qmax] = (struct job){ fn, arg };
	w->len++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}
