/* SPDX-License-Identifier: GPL-2.0 */
/* run.h - the console's invoice run in the background, with its progress. */
#ifndef TAGIHD_CONSOLE_RUN_H
#define TAGIHD_CONSOLE_RUN_H

#include <stdbool.h>
#include "billing/invoice.h"

struct run_view {
	bool running, finished;
	char period[16];
	char actor[64];
	int64_t began;
	uint64_t done, total;	/* subscribers, after each batch */
	struct inv_run_stats stats;
	int err;		/* 0 or invoice_run's -errno */
};

struct con_run;
struct con_run *run_new(struct store *st);
/* Waits for a run in progress. NULL-safe. */
void run_free(struct con_run *r);
/* Start a run of o (copied; its progress hook is ours) as actor, audited
 * "invoice_run" when it ends. 0, -EBUSY (one is running) or -errno. */
int run_start(struct con_run *r, const struct inv_run_opts *o,
	      const char *period, const char *actor);
/* A copy of the current or last run's state. */
void run_get(struct con_run *r, struct run_view *out);

#endif
