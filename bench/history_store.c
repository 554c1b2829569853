// SPDX-License-Identifier: GPL-2.0
/* history_store.c - a store of N subscribers with D days of usage history, for bench/endpoint.sh's /metrics-vs-history run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/store.h"
#include "billing/sub.h"
#include "billing/usage.h"
#include "lib/ttime.h"

/*
 * usage: history_store DIR NSUBS DAYS
 * Fills DIR (fresh) with NSUBS subscribers (ids p0..), each with DAYS day
 * buckets ending 2026-11-30 and the 24 hour buckets of its first and last
 * day, which is every record a whole-history sum (usage_sum from
 * INT64_MIN to INT64_MAX: whole days from day buckets, the edges from
 * hours) reads; the hours in between, which neither the old scrape nor
 * the running totals read, are left out (a year of them for 100 000
 * subscribers is 876 M records, ~70 GB). The running totals
 * (DB_USAGE_TOTAL) are written to match, as the drain would have.
 */
static int fill_sub(MDB_txn *txn, struct store *st, uint32_t uid,
		    int32_t d_last, uint32_t days)
{
	struct usage_val hv = {
		.up_bytes = 1000000ULL + uid % 977 * 1000ULL,
		.down_bytes = 30000000ULL + uid % 1013 * 7000ULL,
		.up_pkts = 1000, .down_pkts = 3000,
	}, dv = hv, tot;
	int32_t d0 = d_last - (int32_t)days + 1, d;
	struct usage_key k;
	uint8_t tk[4];
	int err = 0, h;

	dv.up_bytes *= 24; dv.down_bytes *= 24;
	dv.up_pkts *= 24; dv.down_pkts *= 24;
	for (d = d0; !err && d <= d_last; d++) {
		usage_key_make(&k, uid, (uint32_t)d, 1);
		err = store_put(txn, st, DB_USAGE_DAY, &k, sizeof(k), &dv,
				sizeof(dv), MDB_APPEND);
		if (d != d0 && d != d_last)
			continue;
		for (h = 0; !err && h < 24; h++) {
			uint32_t hr = (uint32_t)(tt_day_start(d) / 3600) + h;

			usage_key_make(&k, uid, hr, 1);
			err = store_put(txn, st, DB_USAGE_HOUR, &k, sizeof(k),
					&hv, sizeof(hv), MDB_APPEND);
		}
	}
	if (err)
		return err;
	/* the total of every day (the middle days' hours, left out, too) */
	tot.up_bytes = dv.up_bytes * days;
	tot.down_bytes = dv.down_bytes * days;
	tot.up_pkts = dv.up_pkts * days;
	tot.down_pkts = dv.down_pkts * days;
	be32_put(tk, uid);
	return store_put(txn, st, DB_USAGE_TOTAL, tk, sizeof(tk), &tot,
			 sizeof(tot), MDB_APPEND);
}

int main(int argc, char **argv)
{
	int32_t d_last = tt_days_from_civil(2026, 11, 30);
	uint32_t n, days, i;
	struct store *st;
	MDB_txn *txn;
	uint64_t t0;
	int err;

	if (argc != 4 || !(n = strtoul(argv[2], NULL, 10)) ||
	    !(days = strtoul(argv[3], NULL, 10)) || days > 3650) {
		fprintf(stderr, "usage: history_store DIR NSUBS DAYS\n");
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
	err = store_begin(st, true, &txn);
	for (i = 0; !err && i < n; i++) {
		struct sub_rec r = { 0 };

		snprintf(r.id, sizeof(r.id), "p%u", i);
		snprintf(r.name, sizeof(r.name), "Pelanggan %u", i);
		r.activated = d_last - (int32_t)days;
		r.cycle_day = 1;
		r.created = 1700000000;
		err = sub_add(txn, st, &r, NULL, 0, NULL);
		err = err ?: fill_sub(txn, st, r.uid, d_last, days);
		if (!err && i % 5000 == 4999) {
			err = store_commit(txn);
			err = err ?: store_begin(st, true, &txn);
		}
	}
	err = err ?: store_meta_put_u64(txn, st, USAGE_TOTALS_META, 1);
	if (err) {
		store_abort(txn);
		fprintf(stderr, "fill: %s\n", strerror(-err));
		return 1;
	}
	err = store_commit(txn);
	printf("history_store: %u subscribers x %u days in %.1f s%s\n", n,
	       days, (tt_mono_ns() - t0) / 1e9, err ? " FAILED" : "");
	store_close(st);
	return err ? 1 : 0;
}
