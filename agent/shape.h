/* SPDX-License-Identifier: GPL-2.0 */
/* shape.h - the shaper in the agent: its tc programs on the egress devices (EDT with fq, or HTB classes), rates from the store, FUP. */
#ifndef TAGIH_SHAPE_H
#define TAGIH_SHAPE_H

#include <stdint.h>
#include "bpf/tagih.h"

struct meter;
struct store;
struct tagih_conf;
struct shape;

/* The handle and priority of the shaper's tc filters (the meter's differ). */
#define SHAPE_TC_HANDLE	0x7a5
#define SHAPE_TC_PRIO	0xc000	/* after the meter's: its drops go first */

/*
 * edt: fq at the root, departure times from tagih_shape_down/up;
 * htb: an HTB class per shaped subscriber (kernels without sch_fq);
 * auto: edt when the kernel has sch_fq, else htb.
 */
enum shape_mode { SHAPE_AUTO = 0, SHAPE_EDT, SHAPE_HTB };

/* "auto", "edt", "htb" (NULL or "" = auto). 0 or -EINVAL. */
int shape_mode_parse(const char *s, enum shape_mode *mode);

struct shape_stats {
	uint64_t subs;		/* subscribers with a rate */
	uint64_t fup_active;	/* of which at their FUP rate */
	uint64_t fup_watch;	/* FUP subscribers below their quota */
	uint64_t writes;	/* rate map entries written, all time */
	uint64_t fup_reached;	/* FUP crossings recorded by this agent */
	int devices;		/* devices shaped */
	enum shape_mode mode;	/* the one in use */
};

/*
 * Load the shaper against the loaded meter m (its maps reused, nothing
 * pinned). The devices are set up by the first shape_sync() that gives a
 * subscriber a rate: fq (EDT) or htb at the root of every lan and wan
 * device whose root qdisc is a default one, and the programs on lan egress
 * (downloads), lan ingress (the upload mark) and wan egress (uploads).
 * Attaching replaces the shaper's own filters of an earlier run, so a
 * restart is idempotent. Returns 0 (*out set) or -errno (logged).
 */
int shape_start(struct shape **out, const struct meter *m,
		const struct tagih_conf *conf);

/*
 * Detach the programs and give back the root qdiscs this agent put there
 * (the kernel's default comes back). NULL is fine.
 */
void shape_stop(struct shape *sh);

/*
 * Rates from the store at time now: each subscriber's plan of the day,
 * at its FUP rates if it reached FUP this period; the FUP watch list is
 * rebuilt. Only entries that differ from what was written are written.
 * 0 or -errno.
 */
int shape_sync(struct shape *sh, struct store *st, int64_t now);

/*
 * Compare every watched FUP subscriber's usage (store + what the meter's
 * counters hold beyond the last drain) with its allowance; one that
 * passed it gets fup_reach() (audit, outbox event, once) and its FUP rate
 * at once. Returns the number that crossed, or -errno.
 */
int shape_fup_check(struct shape *sh, struct store *st, int64_t now);

void shape_get_stats(const struct shape *sh, struct shape_stats *s);

/* The shaper's per-CPU counters, summed (enum tagih_sstat_idx). 0 or
 * -errno. Safe from any thread. */
int shape_read_sstat(const struct shape *sh,
		     struct tagih_gstat out[TAGIH_SS_MAX]);

#endif
