// SPDX-License-Identifier: GPL-2.0
/* run.c - the console's invoice run: one at a time on a thread of its own, its progress readable while it runs. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/audit.h"
#include "lib/log.h"
#include "lib/ttime.h"
#include "tagihd/console/run.h"

struct con_run {
	pthread_mutex_t lock;
	pthread_t th;
	bool joinable;
	struct store *st;
	struct inv_run_opts o;
	char prefix[32];
	struct run_view v;
};

struct con_run *run_new(struct store *st)
{
	struct con_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	pthread_mutex_init(&r->lock, NULL);
	r->st = st;
	return r;
}

void run_free(struct con_run *r)
{
	if (!r)
		return;
	/* a run in progress finishes (its batches are transactions) */
	if (r->joinable)
		pthread_join(r->th, NULL);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static void run_progress(uint64_t done, uint64_t total, void *ctx)
{
	struct con_run *r = ctx;

	pthread_mutex_lock(&r->lock);
	r->v.done = done;
	r->v.total = total;
	pthread_mutex_unlock(&r->lock);
}

static void *run_thread(void *arg)
{
	struct con_run *r = arg;
	struct inv_run_stats s;
	MDB_txn *txn;
	json_t *d;
	int err;

	memset(&s, 0, sizeof(s));
	err = invoice_run(r->st, &r->o, &s);
	d = json_pack("{s:s, s:I, s:I, s:i}", "period", r->v.period,
		      "created", (json_int_t)s.created, "existing",
		      (json_int_t)s.existing, "error", -err);
	if (d && !store_begin(r->st, true, &txn)) {
		if (audit_write(txn, r->st, tt_now(), r->v.actor,
				"invoice_run", NULL, NULL, d) ||
		    store_commit(txn))
			store_abort(txn);
	}
	json_decref(d);
	if (err)
		pr_warn("console: invoice run %s: %s", r->v.period,
			strerror(-err));
	pthread_mutex_lock(&r->lock);
	r->v.stats = s;
	r->v.err = err;
	r->v.running = false;
	r->v.finished = true;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int run_start(struct con_run *r, const struct inv_run_opts *o,
	      const char *period, const char *actor)
{
	int err;

	pthread_mutex_lock(&r->lock);
	if (r->v.running) {
		pthread_mutex_unlock(&r->lock);
		return -EBUSY;
	}
	if (r->joinable) {
		pthread_join(r->th, NULL);	/* finished: reap it */
		r->joinable = false;
	}
	r->o = *o;
	snprintf(r->prefix, sizeof(r->prefix), "%s", o->prefix ? o->prefix : "");
	r->o.prefix = r->prefix;
	r->o.progress = run_progress;
	r->o.ctx = r;
	r->o.batch = 1000;	/* progress every 1000 subscribers */
	memset(&r->v, 0, sizeof(r->v));
	snprintf(r->v.period, sizeof(r->v.period), "%s", period);
	snprintf(r->v.actor, sizeof(r->v.actor), "%s", actor);
	r->v.began = tt_now();
	r->v.running = true;
	err = -pthread_create(&r->th, NULL, run_thread, r);
	if (err)
		r->v.running = false;
	else
		r->joinable = true;
	pthread_mutex_unlock(&r->lock);
	return err;
}

void run_get(struct con_run *r, struct run_view *out)
{
	pthread_mutex_lock(&r->lock);
	*out = r->v;
	pthread_mutex_unlock(&r->lock);
}
