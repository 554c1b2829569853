// SPDX-License-Identifier: GPL-2.0
/* drain_bench.c - time one full drain of N subscribers (default 1M) from a per-CPU array into LMDB. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/log.h"
#include "billing/store.h"
#include "lib/ttime.h"
/* The drain module is taken whole (its static helpers are timed). */
#include "agent/drain.c"

/*
 * Usage: drain_bench [-n SUBSCRIBERS] [-c CHANGED_PERCENT] [-R ROUNDS]
 *                    [-r READERS] [-d DIR]
 *
 * Creates a plain BPF_MAP_TYPE_PERCPU_ARRAY of struct tagih_cnt like
 * tagih_cnt, fills every slot, and times drain_run() into a fresh store:
 *   first   every subscriber is new (snapshot and buckets inserted)
 *   all     every subscriber has a delta (the worst case: 1M bucket updates)
 *   pct     CHANGED_PERCENT of subscribers have a delta (default 10)
 *   none    nothing changed (read + compare only)
 * then repeats all/pct/none ROUNDS times (default 3) and prints the
 * fastest and slowest of each side by side. READERS overrides the drain's
 * reader threads (0: read inline, as before the pipeline).
 */
static int fill(int fd, uint32_t n, int ncpu, uint64_t k, uint32_t every)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
	const uint32_t chunk = 4096;
	struct tagih_cnt *v;
	uint32_t *keys, base, i;
	int c, err = 0;

	keys = calloc(chunk, sizeof(*keys));
	v = calloc((size_t)chunk * ncpu, sizeof(*v));
	if (!keys || !v)
		return -ENOMEM;
	for (base = 0; base < n; base += chunk) {
		uint32_t m = n - base < chunk ? n - base : chunk, cnt = 0;

		for (i = 0; i < m; i++) {
			uint32_t uid = base + i;

			if (every && uid % every)
				continue;
			keys[cnt] = uid;
			for (c = 0; c < ncpu; c++) {
				struct tagih_cnt *p = &v[(size_t)cnt * ncpu + c];

				p->up_bytes = k * (uid + 1) * 100 + c;
				p->up_pkts = k * (uid + 1);
				p->down_bytes = k * (uid + 1) * 1000 + c;
				p->down_pkts = k * (uid + 1) * 2;
			}
			cnt++;
		}
		if (cnt && bpf_map_update_batch(fd, keys, v, &cnt, &o)) {
			err = -errno;
			break;
		}
	}
	free(keys);
	free(v);
	return err;
}

struct span {
	double lo, hi;
};

static double run(struct drain *d, const char *what, struct span *sp)
{
	int err = drain_run(d, tt_now());

	if (err) {
		fprintf(stderr, "drain_bench: drain failed: %s\n",
			strerror(-err));
		exit(1);
	}
	printf("%-7s %8u changed  %8.3f s  (read %.3f, commit %.3f)\n", what,
	       d->last_changed, d->last_ns / 1e9, d->last_read_ns / 1e9,
	       d->last_commit_ns / 1e9);
	if (sp) {
		double s = d->last_ns / 1e9;

		if (!sp->hi || s < sp->lo)
			sp->lo = s;
		if (s > sp->hi)
			sp->hi = s;
	}
	return d->last_ns / 1e9;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/tagih-drain-bench.XXXXXX", path[128];
	uint32_t n = 1000000, pct = 10;
	int readers = -1, rounds = 3, r;
	struct span sp[3] = { { 0 } };
	char pname[16];
	uint64_t k = 1;
	const char *keep = NULL;
	struct store *st;
	struct drain d;
	int fd, ncpu, c, err;

	while ((c = getopt(argc, argv, "n:c:d:r:R:h")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			pct = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			keep = optarg;
			break;
		case 'r':
			readers = atoi(optarg);
			break;
		case 'R':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: drain_bench [-n SUBSCRIBERS] "
					"[-c CHANGED_PERCENT] [-R ROUNDS] "
					"[-r READERS] [-d DIR]\n");
			return 2;
		}
	}
	log_set_ident("drain_bench");
	log_set_level(LOG_WARN);
	ncpu = libbpf_num_possible_cpus();
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bench_cnt", 4,
			    sizeof(struct tagih_cnt), n, NULL);
	if (fd < 0) {
		fprintf(stderr, "drain_bench: bpf_map_create: %s (root?)\n",
			strerror(errno));
		return 77;
	}
	if (!keep && !mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	err = store_open(&st, keep ? keep : dir, STORE_CREATE);
	if (err || drain_init(&d, st, fd, 1)) {
		fprintf(stderr, "drain_bench: setup failed\n");
		return 1;
	}
	if (readers >= 0)
		d.readers = readers > DRAIN_READERS_MAX ? DRAIN_READERS_MAX :
							  readers;
	if (!pct || pct > 100)
		pct = 10;
	printf("drain of %u subscribers, %d CPUs, %d reader thread(s), "
	       "store %s\n",
	       n, ncpu, d.readers, keep ? keep : dir);
	if (fill(fd, n, ncpu, k++, 0))
		return 1;
	run(&d, "first", NULL);
	snprintf(pname, sizeof(pname), "%u%%", pct);
	for (r = 0; r < rounds; r++) {
		if (fill(fd, n, ncpu, k++, 0))
			return 1;
		run(&d, "all", &sp[0]);
		if (fill(fd, n, ncpu, k++, 100 / pct))
			return 1;
		run(&d, pname, &sp[1]);
		run(&d, "none", &sp[2]);
	}
	printf("\nseconds, fastest-slowest of %d rounds:\n", rounds);
	snprintf(pname, sizeof(pname), "%u%% changed", pct);
	printf("  %-14s %-14s %-14s\n", "all changed", pname, "none changed");
	for (r = 0; r < 3; r++)
		printf("  %5.2f-%-8.2f", sp[r].lo, sp[r].hi);
	printf("\n");
	drain_fini(&d);
	store_close(st);
	close(fd);
	if (!keep) {
		snprintf(path, sizeof(path), "%s/data.mdb", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/lock.mdb", dir);
		unlink(path);
		rmdir(dir);
	}
	return 0;
}
