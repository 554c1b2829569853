/* SPDX-License-Identifier: GPL-2.0 */
/* agent.h - tagih-agent's state, shared by its start-up, its loop and main. */
#ifndef TAGIH_AGENT_H
#define TAGIH_AGENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent/drain.h"
#include "agent/maps/mapsync.h"
#include "agent/meter.h"
#include "lib/conf.h"

struct store;
struct http;
struct radius;
struct learn;
struct shape;

/* The generation counters the CLI and tagihd bump (meta keys). */
enum agent_gen { GEN_PREFIX, GEN_POLICY, GEN_GARDEN, GEN__MAX };

struct agent {
	struct tagih_conf conf;
	bool detach;			/* --detach: unpin on the way out */
	bool download_lan;		/* downloads on the lan egress (hooks.c) */
	int tc_link;			/* enum tc_link (agent/tc.h) */
	struct store *st;
	struct meter meter;		/* the loaded meter: its maps, pinned */
	struct mapsync *ms;
	struct shape *shape;		/* NULL: not shaping */
	struct drain drain;
	struct http *http;
	struct radius *radius;		/* NULL: radius_listen is off */
	struct learn *learn;		/* NULL: learn_addresses = no */
	uint64_t repaint_at;		/* mono ns: learned bindings wait for a
					 * repaint until then; 0 = none */
	int lock_fd, pin_lock_fd;
	uint64_t gen[GEN__MAX];
	pthread_mutex_t lock;		/* guards the fields below (http reads) */
	struct mapsync_stats sync;	/* of the last full reconcile */
	uint64_t sync_full, sync_errors;
	uint64_t drains, drain_errors, drain_ns;
	uint64_t shape_subs, shape_fup_active, shape_fup_reached;
	int shape_mode;			/* enum shape_mode once devices are up */
	int64_t last_drain;
};

/*
 * Start-up (lifecycle.c): take the store's and the pin directory's locks,
 * open the store, claim the pin directory for it, load the meter against
 * the pinned maps, attach (or keep) the programs, reconcile the maps with
 * the store, drain once, start the endpoint and the notice page. Returns
 * 0 or -errno (logged); agent_teardown() undoes whatever was done.
 */
int agent_setup(struct agent *a);
/* Final drain; with --detach also detach the programs and unpin. */
void agent_teardown(struct agent *a);

/*
 * The loop (loop.c) until SIGTERM/SIGINT on sfd: drain every interval
 * (then a full reconcile), follow the generation counters every
 * policy_poll_ms, run dunning every dunning_interval. SIGHUP reconciles.
 * Returns the exit status (0).
 */
int agent_run(struct agent *a, int sfd);

/* Helpers the start-up shares with the loop. */
int agent_read_gens(struct agent *a, uint64_t gen[GEN__MAX]);
int agent_sync_all(struct agent *a, const char *why);
int agent_drain(struct agent *a);
/* What the stats endpoint shows beyond the store (http.h callback). */
struct http_stats;
void agent_stats(struct http_stats *s, void *arg);

#endif
