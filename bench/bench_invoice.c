// SPDX-License-Identifier: GPL-2.0
/* bench_invoice.c - invoice run, CSV and PDF export on a synthetic store of N subscribers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/export.h"
#include "billing/invoice.h"
#include "billing/plan.h"
#include "billing/rate.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/ttime.h"
#include "billing/usage.h"

/*
 * usage: bench_invoice DIR NSUBS [hourly]
 * Fills DIR (fresh) with NSUBS subscribers on three plans (flat, hybrid,
 * volume) and 30 days of usage each (the day buckets the hourly meter
 * rolls up into; a calendar-month run reads only those); with "hourly"
 * also the month's 720 hour buckets per subscriber, as the agent writes
 * them (a bigger store: ~70 bytes a bucket), then times
 * `invoice run` for 2026-11, the CSV export and a PDF of 1000 invoices.
 */
static double secs(uint64_t t0)
{
	return (tt_mono_ns() - t0) / 1e9;
}

static int fill(struct store *st, uint32_t n, int hourly)
{
	static const char *const plans[] = { "flat", "hybrid", "volume" };
	struct plan_rec p = { .version = PLAN_REC_VERSION };
	int32_t d0 = tt_days_from_civil(2026, 11, 1);
	MDB_txn *txn;
	uint32_t i;
	int err, d;

	err = store_begin(st, true, &txn);
	if (err)
		return err;
	snprintf(p.name, sizeof(p.name), "flat");
	p.terms = (struct rate_plan){ .type = PLAN_FLAT, .price = 150000 };
	err = plan_add(txn, st, &p);
	snprintf(p.name, sizeof(p.name), "hybrid");
	p.terms = (struct rate_plan){ .type = PLAN_HYBRID, .price = 200000,
				      .per_gb = 2000,
				      .quota_bytes = 100 * RATE_GB,
				      .cap = 100000 };
	err = err ?: plan_add(txn, st, &p);
	snprintf(p.name, sizeof(p.name), "volume");
	p.terms = (struct rate_plan){ .type = PLAN_VOLUME, .per_gb = 3000,
				      .min = 20000 };
	err = err ?: plan_add(txn, st, &p);
	if (err)
		goto fail;
	for (i = 0; i < n; i++) {
		struct sub_rec r = { 0 };

		snprintf(r.id, sizeof(r.id), "s%08u", i);
		snprintf(r.name, sizeof(r.name), "Pelanggan %u", i);
		snprintf(r.plan, sizeof(r.plan), "%s", plans[i % 3]);
		r.activated = i % 10 ? d0 - 100 : d0 + (int32_t)(i % 28);
		r.cycle_day = 1;
		r.created = 1700000000;
		err = sub_add(txn, st, &r, NULL, 0, NULL);
		err = err ?: plan_hist_set(txn, st, r.id, r.activated, r.plan);
		/* an hour's usage; a day is 24 of them, so both tables agree */
		struct usage_val hv = {
			.up_bytes = (100000000ULL + i % 977 * 1000000ULL) / 24,
			.down_bytes = (3000000000ULL + i % 1013 * 7000000ULL) / 24,
			.up_pkts = 1000, .down_pkts = 3000,
		};
		for (d = 0; !err && d < 30; d++) {
			struct usage_key k;
			struct usage_val v = hv;
			int h;

			v.up_bytes *= 24; v.down_bytes *= 24;
			v.up_pkts *= 24; v.down_pkts *= 24;
			usage_key_make(&k, r.uid, d0 + d, 1);
			err = store_put(txn, st, DB_USAGE_DAY, &k, sizeof(k),
					&v, sizeof(v), MDB_APPEND);
			for (h = 0; hourly && !err && h < 24; h++) {
				uint32_t hr = (uint32_t)(tt_day_start(d0 + d) /
							 3600) + h;

				usage_key_make(&k, r.uid, hr, 1);
				err = store_put(txn, st, DB_USAGE_HOUR, &k,
						sizeof(k), &hv, sizeof(hv),
						MDB_APPEND);
			}
		}
		if (err)
			goto fail;
		if (i % 20000 == 19999) {
			err = store_commit(txn);
			err = err ?: store_begin(st, true, &txn);
			if (err)
				return err;
		}
	}
	return store_commit(txn);
fail:
	store_abort(txn);
	return err;
}

int main(int argc, char **argv)
{
	struct inv_run_opts o = {
		.year = 2026, .month = 11, .prefix = "INV", .due_days = 10,
		.tax_mode = TAX_EXCLUSIVE, .ppn_bp = 1100, .batch = 10000,
	};
	struct tagih_conf conf = { 0 };
	struct inv_run_stats s;
	struct store *st;
	MDB_txn *txn;
	uint64_t t0, cnt;
	uint32_t n;
	char path[4096];
	int err;

	if (argc < 3 || argc > 4 || !(n = strtoul(argv[2], NULL, 10)) ||
	    (argc == 4 && strcmp(argv[3], "hourly"))) {
		fprintf(stderr, "usage: bench_invoice DIR NSUBS [hourly]\n");
		return 2;
	}
	tt_set_zone("Asia/Jakarta");
	sub_set_max_uid(n + 10);
	err = store_open(&st, argv[1], STORE_CREATE);
	if (err) {
		fprintf(stderr, "store_open: %s\n", strerror(-err));
		return 1;
	}
	t0 = tt_mono_ns();
	err = fill(st, n, argc == 4);
	if (err) {
		fprintf(stderr, "fill: %s\n", strerror(-err));
		return 1;
	}
	printf("fill        %u subscribers x 30 days%s: %.2f s\n", n,
	       argc == 4 ? " x 24 hours" : "", secs(t0));

	tt_parse_time("2026-12-01T08:00", &o.now);
	t0 = tt_mono_ns();
	err = invoice_run(st, &o, &s);
	printf("invoice run %llu invoices: %.2f s (%.0f/s)%s\n",
	       (unsigned long long)s.created, secs(t0), s.created / secs(t0),
	       err ? " FAILED" : "");
	t0 = tt_mono_ns();
	err = err ?: invoice_run(st, &o, &s);
	printf("rerun       %llu created, %llu existing: %.2f s\n",
	       (unsigned long long)s.created, (unsigned long long)s.existing,
	       secs(t0));

	store_begin(st, false, &txn);
	snprintf(path, sizeof(path), "%s/export.csv", argv[1]);
	t0 = tt_mono_ns();
	err = err ?: export_run(txn, st, "2026-11", EXPORT_CSV, path, &conf,
				tt_days_from_civil(2026, 12, 2), &cnt);
	printf("csv export  %llu invoices: %.2f s\n", (unsigned long long)cnt,
	       secs(t0));
	store_abort(txn);
	return err ? 1 : 0;
}
