// SPDX-License-Identifier: GPL-2.0
/* loop.c - tagih-agent's loop: drain, reconcile the maps when the store moves, run dunning. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "agent/agent.h"
#include "agent/hooks.h"
#include "agent/http.h"
#include "billing/dunning.h"
#include "billing/store.h"
#include "lib/log.h"
#include "lib/ttime.h"

static const char *const gen_keys[GEN__MAX] = {
	[GEN_PREFIX] = "prefix_gen",
	[GEN_POLICY] = "policy_gen",
	[GEN_GARDEN] = "garden_gen",
};

void agent_stats(struct http_stats *s, void *arg)
{
	struct agent *a = arg;
	int m;

	pthread_mutex_lock(&a->lock);
	s->drains = a->drains;
	s->drain_errors = a->drain_errors;
	s->last_drain_ns = a->drain_ns;
	s->last_drain = a->last_drain;
	s->sync_full = a->sync_full;
	s->sync_errors = a->sync_errors;
	for (m = 0; m < TAGIH_MAP__MAX; m++) {
		s->maps[m].name = meter_map_name(m);
		s->maps[m].entries = m == TAGIH_MAP_GSTAT ? TAGIH_G_MAX :
							    a->sync.entries[m];
		s->maps[m].max_entries = meter_map_max(&a->meter, m);
	}
	s->nmaps = m;
	pthread_mutex_unlock(&a->lock);
	s->have_gstat = drain_gstat(meter_map_fd(&a->meter, TAGIH_MAP_GSTAT),
				    s->gstat) == 0;
}

int agent_read_gens(struct agent *a, uint64_t gen[GEN__MAX])
{
	MDB_txn *txn;
	int i, err;

	err = store_begin(a->st, false, &txn);
	if (err)
		return err;
	for (i = 0; i < GEN__MAX && !err; i++)
		err = store_meta_get_u64(txn, a->st, gen_keys[i], &gen[i]);
	store_abort(txn);
	return err;
}

int agent_sync_all(struct agent *a, const char *why)
{
	struct mapsync_stats s = { 0 };
	uint64_t t0 = tt_mono_ns();
	int err;

	err = mapsync_all(a->ms, a->st, &s);
	pthread_mutex_lock(&a->lock);
	a->sync = s;
	a->sync_full += s.full;
	a->sync_errors += s.errors;
	pthread_mutex_unlock(&a->lock);
	if (s.added || s.deleted)
		pr_info("sync (%s): %llu written, %llu removed in %.1f ms", why,
			(unsigned long long)s.added,
			(unsigned long long)s.deleted,
			(tt_mono_ns() - t0) / 1e6);
	if (err)
		pr_warn("sync (%s): %s", why, strerror(-err));
	hooks_wanif(a);	/* logs its own errors */
	return err;
}

/* Reconcile when the CLI or tagihd moved a generation counter. */
static void poll_gens(struct agent *a)
{
	uint64_t gen[GEN__MAX];

	if (agent_read_gens(a, gen))
		return;
	if (!memcmp(gen, a->gen, sizeof(gen)))
		return;
	/* read first: a change during the sync is seen at the next poll */
	memcpy(a->gen, gen, sizeof(gen));
	agent_sync_all(a, "store changed");
}

int agent_drain(struct agent *a)
{
	int err;

	err = drain_run(&a->drain, tt_now());
	pthread_mutex_lock(&a->lock);
	a->drains = a->drain.drains;
	a->drain_errors = a->drain.errors;
	a->drain_ns = a->drain.last_ns;
	a->last_drain = a->drain.last_time;
	pthread_mutex_unlock(&a->lock);
	if (err)
		pr_warn("drain failed (%s): nothing written, retried next "
			"interval", strerror(-err));
	return err;
}

/*
 * One dunning pass, as `tagih dunning run` does it: suspensions and
 * restores go to the store with a policy_gen bump, which the next poll
 * turns into map updates.
 */
static int dunning_pass(struct agent *a, int64_t now)
{
	struct dunning_policy p;
	struct dunning_report r;
	const char *why;
	int err;

	if (dunning_policy_from_conf(&a->conf, &p, &why)) {
		pr_warn("dunning: config: %s", why);
		return -EINVAL;
	}
	err = dunning_run(a->st, &p, now, "agent:dunning", &r);
	if (err)
		pr_warn("dunning run: %s", strerror(-err));
	else if (r.suspended || r.restored || r.reminders)
		pr_info("dunning: %d suspended, %d restored, %d reminders",
			r.suspended, r.restored, r.reminders);
	return err;
}

/* 1: a signal asks us to stop; 0: go on. */
static int signal_seen(struct agent *a, int sfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = sfd, .events = POLLIN };
	struct signalfd_siginfo si;

	if (poll(&pfd, 1, timeout_ms) <= 0 ||
	    read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGHUP) {
		agent_sync_all(a, "SIGHUP");
		return 0;
	}
	pr_info("signal %u: stopping", si.ssi_signo);
	return 1;
}

int agent_run(struct agent *a, int sfd)
{
	uint64_t poll_ns = (uint64_t)a->conf.policy_poll_ms * 1000000ULL;
	uint64_t drain_ns = (uint64_t)a->conf.interval * 1000000000ULL;
	uint64_t dun_ns = (uint64_t)a->conf.dunning_interval * 1000000000ULL;
	uint64_t now, next_poll, next_drain, next_dun;

	now = tt_mono_ns();
	next_poll = now + poll_ns;
	next_drain = now + drain_ns;
	next_dun = now + dun_ns;
	pr_info("running: drain every %llds, store poll every %lldms",
		(long long)a->conf.interval, (long long)a->conf.policy_poll_ms);
	for (;;) {
		uint64_t next = next_poll < next_drain ? next_poll : next_drain;
		int timeout_ms;

		now = tt_mono_ns();
		timeout_ms = next > now ? (int)((next - now) / 1000000) + 1 : 0;
		if (signal_seen(a, sfd, timeout_ms))
			return 0;
		now = tt_mono_ns();
		if (now >= next_drain) {
			/* a full reconcile after every drain heals wiped maps */
			if (agent_drain(a) == 0)
				agent_sync_all(a, "drain");
			next_drain = now + drain_ns;
		}
		if (now >= next_dun) {
			dunning_pass(a, tt_now());
			next_dun = now + dun_ns;
		}
		if (now >= next_poll) {
			poll_gens(a);
			next_poll = now + poll_ns;
		}
	}
}
