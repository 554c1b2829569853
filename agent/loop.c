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
#include "agent/learn.h"
#include "agent/radius.h"
#include "billing/addr.h"
#include "agent/shape.h"
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
	s->have_shape = a->shape && a->shape_mode != SHAPE_AUTO;
	s->shape_mode = a->shape_mode == SHAPE_EDT ? "edt" : "htb";
	s->shape_subs = a->shape_subs;
	s->shape_fup_active = a->shape_fup_active;
	s->shape_fup_reached = a->shape_fup_reached;
	pthread_mutex_unlock(&a->lock);
	radius_get_stats(a->radius, &s->radius);
	s->learn_on = a->learn != NULL;
	learn_get_stats(a->learn, &s->learn);
	if (s->have_shape && shape_read_sstat(a->shape, s->sstat))
		s->have_shape = false;
	s->have_gstat = drain_gstat(meter_map_fd(&a->meter, TAGIH_MAP_GSTAT),
				    s->gstat) == 0;
}

/* The shaper's figures for the endpoint; a->lock held. */
static void agent_shape_stats(struct agent *a)
{
	struct shape_stats ss;

	if (!a->shape)
		return;
	shape_get_stats(a->shape, &ss);
	a->shape_subs = ss.subs;
	a->shape_fup_active = ss.fup_active;
	a->shape_fup_reached = ss.fup_reached;
	a->shape_mode = ss.devices ? (int)ss.mode : SHAPE_AUTO;
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
	if (a->shape) {
		int e = shape_sync(a->shape, a->st, tt_now());

		if (e)
			pr_warn("shape: sync (%s): %s", why, strerror(-e));
		err = err ?: e;
	}
	pthread_mutex_lock(&a->lock);
	agent_shape_stats(a);
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

/*
 * Leases and sessions whose end passed (tagih lease add --until) end
 * here, within policy_poll_ms, even when no command runs: a read txn
 * looks at the first end, a write txn only when one is due. The
 * prefix_gen bump it makes is seen by the poll that follows.
 */
static void expire_bindings(struct agent *a)
{
	int64_t next, now = tt_now();
	MDB_txn *txn;
	int n;

	if (store_begin(a->st, false, &txn))
		return;
	n = addr_next_expiry(txn, a->st, &next);
	store_abort(txn);
	if (n || !next || next > now || store_begin(a->st, true, &txn))
		return;
	n = addr_expire(txn, a->st, now, "agent:expiry");
	if (n < 0 || store_commit(txn)) {
		if (n < 0)
			store_abort(txn);
		pr_warn("expiring address bindings failed; retried");
		return;
	}
	pr_info("%d address binding%s expired", n, n == 1 ? "" : "s");
}

/* Reconcile when the CLI or tagihd moved a generation counter. */
static void poll_gens(struct agent *a)
{
	uint64_t gen[GEN__MAX];

	expire_bindings(a);
	if (a->repaint_at)
		return;	/* a repaint is due soon and reads the gens itself */

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

/*
 * Learned bindings (RADIUS, the ring) are committed and answered at once;
 * the maps are repainted REPAINT_DELAY_MS after the first of them, so a
 * burst (a NAS that reboots sends every session's Start) is one repaint
 * instead of one per batch: a full reconcile of 100k prefixes takes
 * ~0.25 s, which would otherwise bound the rate. A binding is on the wire
 * within REPAINT_DELAY_MS + one reconcile.
 */
#define REPAINT_DELAY_MS 100

static void repaint_soon(struct agent *a)
{
	if (!a->repaint_at)
		a->repaint_at = tt_mono_ns() + REPAINT_DELAY_MS * 1000000ULL;
}

static void repaint_due(struct agent *a, uint64_t now)
{
	if (!a->repaint_at || now < a->repaint_at)
		return;
	a->repaint_at = 0;
	/* gens first: the poll must not repaint again for our own bumps
	 * (a CLI change made meanwhile is in this reconcile) */
	agent_read_gens(a, a->gen);
	agent_sync_all(a, "learned");
}

/*
 * RADIUS requests, as they come: committed and answered by radius_serve,
 * then the maps repainted (repaint_soon). The counters are per uid, so the repaint itself
 * is the split of usage between the old and the new holder: what the
 * meter counted before it is the old holder's, after it the new one's,
 * and the next drain bills each uid its own delta (nothing to drain
 * first).
 */
static void radius_in(struct agent *a)
{
	int n, rounds;

	/* a burst: batches until the socket is empty, bounded, and never
	 * past a repaint that is due */
	for (rounds = 0; rounds < 64; rounds++) {
		bool ch;

		n = radius_serve(a->radius, tt_now(), &ch);
		if (ch)
			repaint_soon(a);
		if (n <= 0 || (a->repaint_at && tt_mono_ns() >= a->repaint_at))
			break;
	}
}

/* Copies of PPPoE/DHCP frames from the meter (agent/learn.c): bindings
 * committed, then the maps repainted as for RADIUS. */
static void learn_in(struct agent *a)
{
	bool changed = false;

	learn_poll(a->learn, tt_now(), &changed);
	if (changed)
		repaint_soon(a);
}

/* 1: a signal asks us to stop; 0: go on. */
static int signal_seen(struct agent *a, int sfd, int timeout_ms)
{
	struct pollfd pfd[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = radius_fd(a->radius), .events = POLLIN },
		{ .fd = learn_fd(a->learn), .events = POLLIN },
	};
	struct signalfd_siginfo si;

	/* a negative fd is skipped by poll */
	if (poll(pfd, 3, timeout_ms) <= 0)
		return 0;
	if (pfd[1].revents & POLLIN)
		radius_in(a);
	if (pfd[2].revents & POLLIN)
		learn_in(a);
	if (!(pfd[0].revents & POLLIN) ||
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
	uint64_t fup_ns = (uint64_t)a->conf.fup_check_ms * 1000000ULL;
	uint64_t now, next_poll, next_drain, next_dun, next_fup;

	now = tt_mono_ns();
	next_fup = now + fup_ns;
	next_poll = now + poll_ns;
	next_drain = now + drain_ns;
	next_dun = now + dun_ns;
	pr_info("running: drain every %llds, store poll every %lldms",
		(long long)a->conf.interval, (long long)a->conf.policy_poll_ms);
	for (;;) {
		uint64_t next = next_poll < next_drain ? next_poll : next_drain;
		int timeout_ms;

		if (a->repaint_at && a->repaint_at < next)
			next = a->repaint_at;
		if (a->shape && next_fup < next)
			next = next_fup;

		now = tt_mono_ns();
		timeout_ms = next > now ? (int)((next - now) / 1000000) + 1 : 0;
		if (signal_seen(a, sfd, timeout_ms))
			return 0;
		now = tt_mono_ns();
		repaint_due(a, now);
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
		if (a->shape && now >= next_fup) {
			if (shape_fup_check(a->shape, a->st, tt_now()) > 0) {
				pthread_mutex_lock(&a->lock);
				agent_shape_stats(a);
				pthread_mutex_unlock(&a->lock);
			}
			next_fup = now + fup_ns;
		}
	}
}
