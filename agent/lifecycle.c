// SPDX-License-Identifier: GPL-2.0
/* lifecycle.c - tagih-agent's start-up and shutdown: locks, store, pin directory, meter, programs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "agent/agent.h"
#include "agent/hooks.h"
#include "agent/http.h"
#include "agent/loader.h"
#include "agent/notice.h"
#include "agent/learn.h"
#include "agent/pinown.h"
#include "agent/radius.h"
#include "agent/shape.h"
#include "billing/store.h"
#include "billing/usage.h"
#include "lib/log.h"
#include "lib/ttime.h"

/*
 * An exclusive lock on path (a file, created, or a directory): one agent
 * per store and one per pin directory. Returns the fd or -errno (-EBUSY:
 * another agent holds it, said with its pid when the file records one).
 */
static int take_lock(const char *path, bool dir, const char *what)
{
	char buf[32], other[32] = "";
	ssize_t r;
	int fd, err;

	fd = dir ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
		   open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		pr_warn("lock %s: %s", path, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (!dir) {
			r = pread(fd, other, sizeof(other) - 1, 0);
			other[r > 0 ? r : 0] = '\0';
			other[strcspn(other, "\n")] = '\0';
		}
		pr_warn("another tagih-agent%s%s%s is already running for %s "
			"(lock %s); stop it first", *other ? " (pid " : "",
			other, *other ? ")" : "", what, path);
		close(fd);
		return err;
	}
	if (!dir) {
		snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
		if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, strlen(buf), 0) < 0)
			pr_debug("lock %s: cannot write pid", path);
	}
	return fd;
}

static int locks(struct agent *a)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/agent.lock", a->conf.db);
	a->lock_fd = take_lock(path, false, a->conf.db);
	if (a->lock_fd < 0)
		return a->lock_fd;
	err = meter_bpffs();
	if (err)
		return err;
	if (mkdir(a->conf.bpf_pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		pr_warn("pin directory %s: %s", a->conf.bpf_pin_dir,
			strerror(-err));
		return err;
	}
	a->pin_lock_fd = take_lock(a->conf.bpf_pin_dir, true,
				   a->conf.bpf_pin_dir);
	return a->pin_lock_fd < 0 ? a->pin_lock_fd : 0;
}

/* Load the meter against the pins, then make every interface run it. */
static int meter_up(struct agent *a)
{
	struct meter_sizes sz = {
		.max_subscribers = a->conf.max_subscribers,
		.max_prefixes = a->conf.max_prefixes,
		.v4_blocks = a->conf.v4_blocks,
		.v6_hash_entries = a->conf.v6_hash_entries,
	};
	int err;

	err = pinown_claim(a->st, a->conf.bpf_pin_dir);
	if (!err)
		err = meter_check_pins(a->conf.bpf_pin_dir, &sz);
	if (!err)
		err = meter_load(&a->meter, a->conf.bpf_pin_dir, &sz);
	if (!err)
		err = hooks_up(a);
	return err;
}

int agent_setup(struct agent *a)
{
	struct http_opts ho = { .stats = agent_stats, .arg = a };
	int err;

	/* a store is made by `tagih init`, never here: a misspelt db must
	 * not become a new empty store */
	err = store_check_dir(a->conf.db);
	if (err)
		return err;
	err = locks(a);
	if (err)
		return err;
	if (a->conf.timezone && tt_set_zone(a->conf.timezone))
		pr_warn("timezone %s unknown; using %s", a->conf.timezone,
			tt_zone_name());
	store_set_mapsize_gb((uint64_t)a->conf.store_mapsize_gb);
	err = store_open(&a->st, a->conf.db, 0);
	if (err)
		return err;	/* store_open said why */
	/* running totals (/metrics): built once for a store from before them */
	err = usage_totals_ensure(a->st);
	if (err) {
		pr_warn("usage totals: %s", strerror(-err));
		return err;
	}
	err = meter_up(a);
	if (!err)
		err = mapsync_open(&a->ms, &a->meter);
	if (err)
		return err;
	/* metering and billing go on without it: a shaper that fails is said */
	if (a->conf.shape && a->conf.n_lan + a->conf.n_wan > 0 &&
	    shape_start(&a->shape, &a->meter, &a->conf))
		pr_warn("shape: not shaping (see above)");
	err = drain_init(&a->drain, a->st,
			 meter_map_fd(&a->meter, TAGIH_MAP_CNT),
			 (uint16_t)a->conf.gateway_id);
	if (err) {
		pr_warn("counters: %s", strerror(-err));
		return err;
	}

	/* The store may have changed while we were down: sync, then bill. */
	agent_read_gens(a, a->gen);
	agent_sync_all(a, "start");
	agent_drain(a);

	err = radius_open(&a->radius, &a->conf, a->st);
	if (err)
		return err;
	if (a->conf.learn_addresses &&
	    learn_open(&a->learn, meter_map_fd(&a->meter, TAGIH_MAP_LEARN),
		       a->st))
		pr_warn("address learning off: the ring buffer cannot be read");
	ho.st = a->st;
	err = http_start(&a->http, a->conf.listen, &ho);
	if (!err && notice_start(&a->conf, a->st))
		pr_warn("isolir notice page not served");
	return err;
}

static void detach_all(struct agent *a)
{
	hooks_down(a);
	if (pinown_unpin(a->conf.bpf_pin_dir) == 0 &&
	    meter_unpin(a->conf.bpf_pin_dir) == 0)
		pr_info("detached and removed %s", a->conf.bpf_pin_dir);
}

void agent_teardown(struct agent *a)
{
	http_stop(a->http);
	notice_stop();
	radius_close(a->radius);
	learn_close(a->learn);
	if (a->drain.keys) {
		pr_info("final drain");
		agent_drain(a);
	}
	/* only after a final drain: unpinning loses what was not drained */
	if (a->detach && a->drain.keys)
		detach_all(a);
	drain_fini(&a->drain);
	/* the shaper goes with the agent: unshaped beats stale rates */
	shape_stop(a->shape);
	a->shape = NULL;
	mapsync_close(a->ms);
	meter_close(&a->meter);
	store_close(a->st);
	if (a->pin_lock_fd >= 0)
		close(a->pin_lock_fd);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
}
