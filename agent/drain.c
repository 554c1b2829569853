// SPDX-License-Identifier: GPL-2.0
/* drain.c - one LMDB write transaction per drain: usage deltas and the new snapshot together. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent/drain.h"
#include "billing/pack.h"
#include "lib/log.h"
#include "lib/ttime.h"

#define CNT_STRIDE ((sizeof(struct tagih_cnt) + 7) & ~(size_t)7)
/*
 * Keys per batch read: the batch size does not change the speed (the
 * kernel's cost is per element: ~270 ns for 2 CPUs), so a chunk is sized
 * for about 1 MiB of per-CPU values, at most 8192 keys.
 */
#define DRAIN_CHUNK_MAX 8192
#ifndef DRAIN_COMMIT_EVERY
#define DRAIN_COMMIT_EVERY 65536	/* changed uids per write txn */
#endif
#define DRAIN_CHUNK_MIN 256
#define DRAIN_CHUNK_BYTES (1u << 20)

bool drain_delta(const struct tagih_cnt *cur, const struct tagih_cnt *snap,
		 struct usage_val *out)
{
	static const struct tagih_cnt zero;

	if (!snap)
		snap = &zero;
	/* unsigned: cur < snap only after a wrap, and then this is right;
	 * modular on purpose (the counters are), so not checked here: the
	 * usage buckets the deltas go to are (usage_val_add) */
	out->up_bytes = cur->up_bytes - snap->up_bytes;
	out->up_pkts = cur->up_pkts - snap->up_pkts;
	out->down_bytes = cur->down_bytes - snap->down_bytes;
	out->down_pkts = cur->down_pkts - snap->down_pkts;
	out->drop_bytes = (cur->drop_up_bytes - snap->drop_up_bytes) +
			  (cur->drop_down_bytes - snap->drop_down_bytes);
	out->drop_pkts = (cur->drop_up_pkts - snap->drop_up_pkts) +
			 (cur->drop_down_pkts - snap->drop_down_pkts);
	return memcmp(cur, snap, sizeof(*cur)) != 0;
}

void drain_sum_cpus(const void *percpu, int ncpus, struct tagih_cnt *out)
{
	const char *p = percpu;
	int c;

	memset(out, 0, sizeof(*out));
	for (c = 0; c < ncpus; c++, p += CNT_STRIDE) {
		struct tagih_cnt v;

		memcpy(&v, p, sizeof(v));
		out->up_bytes += v.up_bytes;
		out->up_pkts += v.up_pkts;
		out->down_bytes += v.down_bytes;
		out->down_pkts += v.down_pkts;
		out->drop_up_bytes += v.drop_up_bytes;
		out->drop_up_pkts += v.drop_up_pkts;
		out->drop_down_bytes += v.drop_down_bytes;
		out->drop_down_pkts += v.drop_down_pkts;
	}
}

/* boot_id + ':' + map id: changes on reboot and when the map is recreated. */
static void map_ident(__u32 id, char *buf, size_t n)
{
	char boot[64] = "noboot";
	ssize_t r;
	int bfd;

	bfd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (bfd >= 0) {
		r = read(bfd, boot, sizeof(boot) - 1);
		close(bfd);
		if (r > 0) {
			boot[r] = '\0';
			boot[strcspn(boot, "\n")] = '\0';
		}
	}
	snprintf(buf, n, "%s:%u", boot, id);
}

int drain_init(struct drain *d, struct store *st, int cnt_fd, uint16_t gw)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	memset(d, 0, sizeof(*d));
	d->st = st;
	d->cnt_fd = cnt_fd;
	d->gw = gw;
	if (bpf_obj_get_info_by_fd(cnt_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY ||
	    info.value_size != sizeof(struct tagih_cnt) ||
	    info.key_size != sizeof(__u32)) {
		pr_warn("drain: counter map is not a per-CPU array of "
			"struct tagih_cnt (type %u, value %u bytes)",
			info.type, info.value_size);
		return -EINVAL;
	}
	d->max_entries = info.max_entries;
	d->ncpus = libbpf_num_possible_cpus();
	if (d->ncpus <= 0)
		return d->ncpus ? d->ncpus : -EINVAL;
	map_ident(info.id, d->ident, sizeof(d->ident));
	d->chunk = DRAIN_CHUNK_BYTES / ((size_t)d->ncpus * CNT_STRIDE);
	if (d->chunk > DRAIN_CHUNK_MAX)
		d->chunk = DRAIN_CHUNK_MAX;
	if (d->chunk < DRAIN_CHUNK_MIN)
		d->chunk = DRAIN_CHUNK_MIN;
	/* measured on 2 cores: one reader overlaps the kernel copy with the
	 * billing (1M changed: 0.73 -> 0.49 s); a second one only competes
	 * with the billing thread and the copy itself does not get faster */
	d->readers = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
	d->keys = calloc((size_t)d->chunk * DRAIN_SLOTS, sizeof(*d->keys));
	d->vals = calloc((size_t)d->chunk * DRAIN_SLOTS * d->ncpus,
			 CNT_STRIDE);
	d->uids = calloc(d->chunk, sizeof(*d->uids));
	d->deltas = calloc(d->chunk, sizeof(*d->deltas));
	if (!d->keys || !d->vals || !d->uids || !d->deltas) {
		drain_fini(d);
		return -ENOMEM;
	}
	return 0;
}

void drain_fini(struct drain *d)
{
	free(d->keys);
	free(d->vals);
	free(d->uids);
	free(d->deltas);
	d->keys = NULL;
	d->vals = NULL;
	d->uids = NULL;
	d->deltas = NULL;
}

static uint32_t *slot_keys(struct drain *d, uint32_t k)
{
	return d->keys + (size_t)(k % DRAIN_SLOTS) * d->chunk;
}

static char *slot_vals(struct drain *d, uint32_t k)
{
	return (char *)d->vals +
	       (size_t)(k % DRAIN_SLOTS) * d->chunk * d->ncpus * CNT_STRIDE;
}

/* Map slots [base, base + n) of chunk k into its ring slot. 0 or -errno. */
static int read_chunk(struct drain *d, uint32_t k, uint32_t base, uint32_t n)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, o);
	__u32 in = base - 1, out, cnt = n, i;	/* in_batch: the key before */
	uint32_t *keys = slot_keys(d, k);
	char *vals = slot_vals(d, k);

	if (bpf_map_lookup_batch(d->cnt_fd, base ? &in : NULL, &out, keys,
				 vals, &cnt, &o) == 0 ||
	    errno == ENOENT) {
		if (cnt == n && keys[0] == base)
			return 0;
	}
	/* old kernel or short batch: one lookup per slot */
	for (i = 0; i < n; i++) {
		keys[i] = base + i;
		if (bpf_map_lookup_elem(d->cnt_fd, &keys[i],
					vals + (size_t)i * d->ncpus * CNT_STRIDE))
			return -errno;
	}
	return 0;
}

/*
 * The read pipeline. Reading tagih_cnt is kernel time per element that
 * the LMDB work cannot hide on one thread, so reader threads claim chunks
 * in order and fill a ring of DRAIN_SLOTS buffers while drain_run bills
 * the chunks in uid order. A reader claims chunk k only after chunk
 * k - DRAIN_SLOTS was billed (its buffer is free). Which instant a
 * counter is read at does not matter for exactly-once: the value read is
 * the value whose delta is billed and which becomes the snapshot.
 */
struct drain_pipe {
	struct drain *d;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint32_t nchunks;
	uint32_t next;			/* next chunk a reader claims */
	uint32_t done;			/* chunks billed */
	uint32_t ready[DRAIN_SLOTS];	/* chunk k ready: ready[k % S] = k + 1 */
	int err[DRAIN_SLOTS];
	bool stop;
};

static uint32_t chunk_len(const struct drain *d, uint32_t k)
{
	uint32_t base = k * d->chunk;

	return d->max_entries - base < d->chunk ? d->max_entries - base :
						  d->chunk;
}

static void *reader_main(void *arg)
{
	struct drain_pipe *p = arg;
	struct drain *d = p->d;
	uint32_t k;
	int err;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next < p->nchunks &&
		       p->next - p->done >= DRAIN_SLOTS)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->next >= p->nchunks)
			break;
		k = p->next++;
		pthread_mutex_unlock(&p->mu);
		err = read_chunk(d, k, k * d->chunk, chunk_len(d, k));
		pthread_mutex_lock(&p->mu);
		p->err[k % DRAIN_SLOTS] = err;
		p->ready[k % DRAIN_SLOTS] = k + 1;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Wait for chunk k (or read it here when no reader runs). 0 or -errno. */
static int pipe_get(struct drain_pipe *p, int nthreads, uint32_t k)
{
	int err;

	if (!nthreads)
		return read_chunk(p->d, k, k * p->d->chunk,
				  chunk_len(p->d, k));
	pthread_mutex_lock(&p->mu);
	while (p->ready[k % DRAIN_SLOTS] != k + 1)
		pthread_cond_wait(&p->cv, &p->mu);
	err = p->err[k % DRAIN_SLOTS];
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* Chunk k billed: its buffer may be refilled. */
static void pipe_put(struct drain_pipe *p, uint32_t k)
{
	pthread_mutex_lock(&p->mu);
	p->done = k + 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void pipe_stop(struct drain_pipe *p, pthread_t *th, int nthreads)
{
	int i;

	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
}

/* Position helpers: the snapshot cursor walks in uid order beside the map. */
static int snap_seek(MDB_cursor *cur, int *rc, MDB_val *k, MDB_val *v,
		     uint32_t uid)
{
	while (*rc == 0 && (k->mv_size != 4 || be32_get(k->mv_data) < uid))
		*rc = store_cursor_get(cur, k, v, MDB_NEXT);
	if (*rc && *rc != -ENOENT)
		return *rc;	/* -EBADMSG: said by the store */
	return 0;
}

int drain_run(struct drain *d, int64_t now)
{
	MDB_dbi snap_dbi = store_dbi(d->st, DB_SNAP);
	uint64_t t0 = tt_mono_ns(), t_read = 0, t1;
	struct drain_pipe pipe = {
		.d = d, .mu = PTHREAD_MUTEX_INITIALIZER,
		.cv = PTHREAD_COND_INITIALIZER,
		.nchunks = (d->max_entries + d->chunk - 1) / d->chunk,
	};
	pthread_t th[DRAIN_READERS_MAX];
	MDB_cursor *cur = NULL;
	MDB_txn *txn = NULL;
	uint32_t ck, changed = 0, pending = 0, commits = 1;
	int nthreads = 0;
	bool fresh = false;
	MDB_val k, v;
	int err, rc;

	err = store_begin(d->st, true, &txn);
	if (err)
		goto out;

	rc = store_get(txn, d->st, DB_META, "snap_ident", strlen("snap_ident"),
		       &v);
	if (rc && rc != -ENOENT) {
		err = rc;
		goto out;
	}
	if (rc == -ENOENT || v.mv_size != strlen(d->ident) ||
	    memcmp(v.mv_data, d->ident, v.mv_size)) {
		/* New counters: bill them from 0, forget the old snapshot. */
		pr_info("drain: counters %s are new (was %.*s): billing from 0",
			d->ident, rc ? 4 : (int)v.mv_size,
			rc ? "none" : (const char *)v.mv_data);
		rc = mdb_drop(txn, snap_dbi, 0);
		if (rc) {
			err = store_err(rc, "drain: drop snapshot");
			goto out;
		}
		err = store_put(txn, d->st, DB_META, "snap_ident",
				strlen("snap_ident"), d->ident,
				strlen(d->ident), 0);
		if (err)
			goto out;
		fresh = true;
	}

	err = store_cursor_open(txn, d->st, DB_SNAP, &cur);
	if (err)
		goto out;
	rc = store_cursor_get(cur, &k, &v, MDB_FIRST);

	/* none started: pipe_get reads inline */
	while (nthreads < d->readers &&
	       !pthread_create(&th[nthreads], NULL, reader_main, &pipe))
		nthreads++;
	for (ck = 0; ck < pipe.nchunks; ck++) {
		uint32_t n = chunk_len(d, ck), i, m = 0;
		const uint32_t *keys = slot_keys(d, ck);
		const char *vals = slot_vals(d, ck);

		t1 = tt_mono_ns();
		err = pipe_get(&pipe, nthreads, ck);
		t_read += tt_mono_ns() - t1;
		if (err) {
			pr_warn("drain: read tagih_cnt at %u: %s", ck * d->chunk,
				strerror(-err));
			goto out;
		}
		for (i = 0; i < n; i++) {
			const char *pc = vals + (size_t)i * d->ncpus * CNT_STRIDE;
			uint32_t uid = keys[i];
			struct usage_val *delta = &d->deltas[m];
			struct tagih_cnt now_c, snap_c;
			bool have_snap;
			uint8_t key[4];
			MDB_val nk;

			drain_sum_cpus(pc, d->ncpus, &now_c);
			err = snap_seek(cur, &rc, &k, &v, uid);
			if (err)
				goto out;
			have_snap = rc == 0 && be32_get(k.mv_data) == uid &&
				    v.mv_size == sizeof(snap_c);
			if (have_snap)
				memcpy(&snap_c, v.mv_data, sizeof(snap_c));
			if (!drain_delta(&now_c, have_snap ? &snap_c : NULL,
					 delta))
				continue;
			if (uid == TAGIH_UID_NONE)
				continue;	/* never a subscriber */
			d->uids[m++] = uid;
			be32_put(key, uid);
			nk.mv_size = sizeof(key);
			nk.mv_data = key;
			/* same size: MDB_CURRENT rewrites in place; past the
			 * last snapshot key, new keys come in order: append */
			err = store_cursor_put(cur, &nk, &now_c, sizeof(now_c),
					       have_snap	? MDB_CURRENT :
					       rc == -ENOENT	? MDB_APPEND :
								  0);
			if (err)
				goto out;
			/* the cursor now sits on uid: re-read for the seek */
			rc = store_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
		}
		/* keys ascend within a chunk (the map is read in slot order) */
		err = usage_add_batch(txn, d->st, d->gw, now, d->uids, d->deltas,
				      m);
		if (err == -EOVERFLOW && m)
			/* checked sums: a bucket is refused, never wrapped;
			 * only counters written by hand can get here */
			pr_warn("drain: a usage bucket of uid %u..%u would pass "
				"2^63 bytes (a counter set back by hand?): "
				"refused", d->uids[0], d->uids[m - 1]);
		if (err)
			goto out;
		/* quotas (billing/pack.h) drawn down in the same txn as the
		 * usage: exact to the drain, and exactly once */
		err = quota_draw_batch(txn, d->st, now, d->uids, d->deltas, m);
		if (err > 0)
			pr_info("drain: %d subscriber(s) used up their quota",
				err);
		if (err < 0)
			goto out;
		err = 0;
		changed += m;
		pending += m;
		pipe_put(&pipe, ck);
		if (pending >= DRAIN_COMMIT_EVERY && ck + 1 < pipe.nchunks) {
			/*
			 * Commit what we have: every uid's delta sits in the
			 * same txn as its new snapshot, which is all that
			 * exactly-once needs, and a drain of a million busy
			 * subscribers with weeks of history would otherwise
			 * dirty more pages than one LMDB txn may hold.
			 */
			uint8_t key[4];

			mdb_cursor_close(cur);
			cur = NULL;
			err = store_commit(txn);
			txn = NULL;
			if (!err)
				err = store_begin(d->st, true, &txn);
			if (err)
				goto out;
			err = store_cursor_open(txn, d->st, DB_SNAP, &cur);
			if (err)
				goto out;
			be32_put(key, (ck + 1) * d->chunk);
			k.mv_size = sizeof(key);
			k.mv_data = key;
			rc = store_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			pending = 0;
			commits++;
		}
	}
	pipe_stop(&pipe, th, nthreads);
	nthreads = 0;
	mdb_cursor_close(cur);
	cur = NULL;
	/*
	 * The commit writes every dirty page and fsyncs (1M changed: ~53 000
	 * pages, 0.12-0.2 s here). The env flags that would make it cheaper
	 * are not used: MDB_NOSYNC and MDB_MAPASYNC can lose or tear the
	 * last commits on a power cut, and MDB_NOMETASYNC can undo the last
	 * commit. An undone drain is lost, not repeated: after a reboot the
	 * counters are new (snap_ident), so the bytes it billed are neither
	 * in the store nor in the map any more. MDB_WRITEMAP keeps the sync
	 * (msync) but lets a stray write corrupt the map and makes data.mdb
	 * as large as the map size for every process: not for the drain to
	 * choose (see docs/BENCHMARKS.md, drain).
	 */
	t1 = tt_mono_ns();
	err = store_commit(txn);
	txn = NULL;
	d->last_commit_ns = tt_mono_ns() - t1;
out:
	pipe_stop(&pipe, th, nthreads);
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		store_abort(txn);
	if (err) {
		d->errors++;
		return err;
	}
	d->drains++;
	d->last_ns = tt_mono_ns() - t0;
	d->last_read_ns = t_read;
	d->last_time = now;
	d->last_changed = changed;
	d->last_txns = commits;
	pr_debug("drain: %u subscribers changed in %.3f ms, %u txn%s%s",
		 changed, d->last_ns / 1e6, commits, commits > 1 ? "s" : "",
		 fresh ? " (fresh counters)" : "");
	return 0;
}

int drain_gstat(int fd, struct tagih_gstat out[TAGIH_G_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	struct tagih_gstat *v;
	__u32 i;
	int c;

	memset(out, 0, sizeof(*out) * TAGIH_G_MAX);
	if (ncpus <= 0)
		return -EINVAL;
	v = calloc(ncpus, sizeof(*v));	/* 16 bytes: already 8-aligned */
	if (!v)
		return -ENOMEM;
	for (i = 0; i < TAGIH_G_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, v)) {
			int err = -errno;

			free(v);
			return err;
		}
		for (c = 0; c < ncpus; c++) {
			out[i].bytes += v[c].bytes;
			out[i].pkts += v[c].pkts;
		}
	}
	free(v);
	return 0;
}
