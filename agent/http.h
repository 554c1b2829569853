/* SPDX-License-Identifier: GPL-2.0 */
/* http.h - the agent's read-only stats endpoint: usage JSON, Prometheus metrics, health. */
#ifndef TAGIH_HTTP_H
#define TAGIH_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/tagih.h"
#include "billing/store.h"
#include "agent/learn.h"
#include "agent/radius.h"

#define HTTP_DEF_LISTEN "127.0.0.1:9247"

/* What the agent knows beyond the store; filled by http_opts.stats. */
struct http_stats {
	uint64_t drains;
	uint64_t drain_errors;
	uint64_t last_drain_ns;		/* duration of the last drain */
	int64_t last_drain;		/* UTC seconds, 0 = never */
	bool have_gstat;
	struct tagih_gstat gstat[TAGIH_G_MAX];
	uint64_t sync_full;		/* map-full events seen by mapsync */
	uint64_t sync_errors;
	int nmaps;
	struct {
		const char *name;
		int64_t entries;	/* -1 unknown */
		uint32_t max_entries;
	} maps[TAGIH_MAP__MAX];
	struct radius_stats radius;	/* .on false: no listener */
	bool learn_on;
	struct learn_stats learn;
};

struct http_opts {
	struct store *st;
	/* Called from server threads: must copy under its own lock. */
	void (*stats)(struct http_stats *out, void *arg);
	void *arg;
};

struct http;

/*
 * Serve on listen ("ADDR:PORT", "[V6ADDR]:PORT"). Every request runs in
 * its own read-only LMDB transaction, so it never blocks a drain.
 * Returns 0, -EINVAL (bad address) or -errno (bind failed, logged).
 */
int http_start(struct http **hp, const char *listen,
	       const struct http_opts *o);
void http_stop(struct http *h);

#endif
