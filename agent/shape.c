// SPDX-License-Identifier: GPL-2.0
/* shape.c - the shaper in the agent: its tc programs on the egress devices (EDT with fq, or HTB classes), rates from the store, FUP. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent/meter.h"
#include "agent/qdisc.h"
#include "agent/shape.h"
#include "billing/fup.h"
#include "billing/pack.h"
#include "billing/plan.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "bpf/tagih_shape.skel.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "lib/ttime.h"

#define SHAPE_MAX_DEVS	(2 * CONF_MAX_IFACES)
#define HTB_HANDLE	QDISC_HTB_HANDLE
/* An HTB leaf holds at least two 64 KiB GSO packets, else rate x horizon. */
#define HTB_LEAF_MIN	TAGIH_EDT_MIN_QUEUE

enum dev_role { DEV_LAN, DEV_WAN };

struct shape_dev {
	char name[IF_NAMESIZE];
	int ifindex;
	enum dev_role role;
	bool root_ours;		/* we put fq/htb there: give the root back */
	bool shaped;		/* root qdisc and filters in place */
	bool egress, ingress;	/* our filters attached */
};

/* A subscriber below its FUP allowance, watched every fup_check_ms. */
struct fup_watch {
	uint32_t uid;
	char sub[SUB_ID_MAX + 1];
	int32_t period_from;
	uint64_t allowance;	/* plan's fup_bytes + top-ups */
	uint64_t store_used;	/* up + down in the store for the period */
	uint64_t snap;		/* up + down the last drain left in DB_SNAP */
	struct tagih_rate fup;	/* the rates once past it */
	bool done;
};

struct shape {
	enum shape_mode mode;
	uint64_t horizon_ns;
	char batch[64];		/* tc -batch file (HTB mode) */
	struct tagih_shape *skel;
	int rate_fd, cnt_fd;
	uint32_t max;		/* slots in tagih_rate */
	struct tagih_rate *written;	/* what the map holds, per uid */
	struct tagih_rate *want;	/* scratch of shape_sync */
	struct fup_watch *watch;
	size_t nwatch, capwatch;
	int ncpus;
	void *percpu;		/* one tagih_cnt lookup */
	struct shape_dev dev[SHAPE_MAX_DEVS];
	int ndev;
	bool up, up_failed;	/* devices set up (at the first rate) */
	unsigned warned_uid;	/* HTB: uids past a class minor, said once */
	struct shape_stats st;
};

int shape_mode_parse(const char *s, enum shape_mode *mode)
{
	if (!s || !*s || !strcmp(s, "auto"))
		*mode = SHAPE_AUTO;
	else if (!strcmp(s, "edt"))
		*mode = SHAPE_EDT;
	else if (!strcmp(s, "htb"))
		*mode = SHAPE_HTB;
	else
		return -EINVAL;
	return 0;
}

/* --- the programs ----------------------------------------------------------- */

static int tc_attach(struct shape_dev *d, enum bpf_tc_attach_point where,
		     struct bpf_program *prog)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = d->ifindex,
			    .attach_point = where);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SHAPE_TC_HANDLE,
			    .priority = SHAPE_TC_PRIO,
			    .prog_fd = bpf_program__fd(prog),
			    .flags = BPF_TC_F_REPLACE);
	int err;

	/* clsact may be there already (the meter's tc programs): fine */
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_warn("shape: %s: clsact: %s", d->name, strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		pr_warn("shape: %s: attach %s: %s", d->name,
			bpf_program__name(prog), strerror(-err));
	return err;
}

static void tc_detach(struct shape_dev *d, enum bpf_tc_attach_point where)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = d->ifindex,
			    .attach_point = where);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = SHAPE_TC_HANDLE,
			    .priority = SHAPE_TC_PRIO);
	int err;

	/* never the hook itself: clsact carries the meter's filters too */
	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT)
		pr_warn("shape: %s: detach: %s", d->name, strerror(-err));
}

/*
 * The root qdisc of d for sh->mode; in auto mode the first device decides
 * (fq if the kernel has it, else HTB for every device). 0, -EEXIST (an
 * operator's qdisc: d is not shaped) or -errno.
 */
static int dev_root(struct shape *sh, struct shape_dev *d)
{
	const char *what = d->role == DEV_LAN ? "downloads" : "uploads";
	struct qdisc_root r;
	int rc;

	rc = qdisc_root_get(d->name, &r);
	if (rc) {
		pr_warn("shape: %s: cannot read the root qdisc (tc): %s",
			d->name, strerror(-rc));
		return rc;
	}
	if (sh->mode == SHAPE_EDT)
		return qdisc_fq_up(d->name, &r, what, false, &d->root_ours);
	if (sh->mode == SHAPE_HTB)
		return qdisc_htb_up(d->name, &r, what, &d->root_ours);
	rc = qdisc_fq_up(d->name, &r, what, true, &d->root_ours);
	if (rc == -EOPNOTSUPP) {
		pr_info("shape: no sch_fq in this kernel: HTB classes");
		sh->mode = SHAPE_HTB;
		return qdisc_htb_up(d->name, &r, what, &d->root_ours);
	}
	if (!rc)
		sh->mode = SHAPE_EDT;
	return rc;
}

static int dev_up(struct shape *sh, struct shape_dev *d)
{
	bool edt;
	int err;

	err = dev_root(sh, d);
	if (err)
		return err;
	edt = sh->mode == SHAPE_EDT;
	if (d->role == DEV_LAN) {
		err = tc_attach(d, BPF_TC_EGRESS,
				edt ? sh->skel->progs.tagih_shape_down :
				      sh->skel->progs.tagih_htb_down);
		d->egress = !err;
		if (!err) {
			err = tc_attach(d, BPF_TC_INGRESS,
					sh->skel->progs.tagih_shape_mark);
			d->ingress = !err;
		}
	} else {
		err = tc_attach(d, BPF_TC_EGRESS,
				edt ? sh->skel->progs.tagih_shape_up :
				      sh->skel->progs.tagih_htb_up);
		d->egress = !err;
	}
	d->shaped = !err;
	return err;
}

static void dev_down(struct shape_dev *d)
{
	if (d->egress)
		tc_detach(d, BPF_TC_EGRESS);
	if (d->ingress)
		tc_detach(d, BPF_TC_INGRESS);
	d->egress = d->ingress = d->shaped = false;
	if (d->root_ours)
		qdisc_root_del(d->name);
	d->root_ours = false;
}

/* The shaper object's copy of meter map e: the meter's own, by fd. */
static struct bpf_map *shape_map(struct tagih_shape *s, enum tagih_map m)
{
	switch (m) {
#define MAP_CASE(e, n) case TAGIH_MAP_##e: return s->maps.n;
	TAGIH_PINNED_MAPS(MAP_CASE)
#undef MAP_CASE
	default:
		return NULL;
	}
}

static int shape_load(struct shape *sh, const struct meter *m,
		      const struct tagih_conf *conf)
{
	struct tagih_shape *s;
	struct bpf_map *map;
	int i, err;

	s = tagih_shape__open();
	if (!s)
		return -errno;
	sh->skel = s;
	/* nothing of this object is pinned: the meter's maps come by fd */
	bpf_object__for_each_map(map, s->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err)
			return err;
	}
	for (i = 0; i < TAGIH_MAP__MAX; i++) {
		err = bpf_map__reuse_fd(shape_map(s, i), meter_map_fd(m, i));
		if (err) {
			pr_warn("shape: reuse %s: %s", meter_map_name(i),
				strerror(-err));
			return err;
		}
	}
	/* the meter's programs ride along in this object: never loaded */
	bpf_program__set_autoload(s->progs.tagih_lan, false);
	bpf_program__set_autoload(s->progs.tagih_wan, false);
	bpf_program__set_autoload(s->progs.tagih_lan_tc, false);
	bpf_program__set_autoload(s->progs.tagih_wan_tc, false);
	bpf_program__set_autoload(s->progs.tagih_lan_down, false);
	sh->max = meter_map_max(m, TAGIH_MAP_CNT);
	err = bpf_map__set_max_entries(s->maps.tagih_rate, sh->max);
	if (!err)
		err = bpf_map__set_max_entries(s->maps.tagih_edt, sh->max);
	if (err)
		return err;
	s->rodata->shape_horizon_ns =
		(uint64_t)conf->shape_horizon_ms * 1000000ULL;
	err = tagih_shape__load(s);
	if (err) {
		pr_warn("shape: cannot load the shaper: %s", strerror(-err));
		return err;
	}
	sh->rate_fd = bpf_map__fd(s->maps.tagih_rate);
	sh->cnt_fd = meter_map_fd(m, TAGIH_MAP_CNT);
	return 0;
}

int shape_start(struct shape **out, const struct meter *m,
		const struct tagih_conf *conf)
{
	struct shape *sh;
	int i, err;

	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return -ENOMEM;
	err = shape_mode_parse(conf->shape_mode, &sh->mode);
	if (err) {
		pr_warn("shape_mode %s: want auto, edt or htb", conf->shape_mode);
		goto fail;
	}
	sh->horizon_ns = (uint64_t)conf->shape_horizon_ms * 1000000ULL;
	err = shape_load(sh, m, conf);
	if (err)
		goto fail;
	sh->ncpus = libbpf_num_possible_cpus();
	sh->written = calloc(sh->max, sizeof(*sh->written));
	sh->want = calloc(sh->max, sizeof(*sh->want));
	sh->percpu = calloc(sh->ncpus > 0 ? sh->ncpus : 1,
			    sizeof(struct tagih_cnt));
	if (sh->ncpus <= 0 || !sh->written || !sh->want || !sh->percpu) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < conf->n_lan + conf->n_wan; i++) {
		struct shape_dev *d = &sh->dev[sh->ndev];
		const char *name = i < conf->n_lan ? conf->lan[i] :
						     conf->wan[i - conf->n_lan];

		snprintf(d->name, sizeof(d->name), "%s", name);
		d->role = i < conf->n_lan ? DEV_LAN : DEV_WAN;
		d->ifindex = (int)if_nametoindex(name);
		if (!d->ifindex) {
			err = -errno;
			pr_warn("shape: %s: %s", name, strerror(-err));
			goto fail;
		}
		sh->ndev++;
	}
	*out = sh;
	return 0;
fail:
	shape_stop(sh);
	return err;
}

/*
 * The devices' root qdiscs and filters, when the first subscriber gets a
 * rate: a gateway whose plans have no speed is left as it was. 0 or
 * -errno (logged; not tried again: the log says why).
 */
static int devs_up(struct shape *sh)
{
	int i, err = 0;

	if (sh->up || sh->up_failed)
		return sh->up_failed ? -EIO : 0;
	for (i = 0; i < sh->ndev; i++) {
		err = dev_up(sh, &sh->dev[i]);
		if (err == -EEXIST) {	/* an operator's qdisc: said, skipped */
			err = 0;
			continue;
		}
		if (err)
			break;
		sh->st.devices++;
	}
	if (err) {
		pr_warn("shape: not shaping: %s", strerror(-err));
		for (i = 0; i < sh->ndev; i++)
			dev_down(&sh->dev[i]);
		sh->st.devices = 0;
		sh->up_failed = true;
		return err;
	}
	sh->up = true;
	pr_info("shape: %s on %d device%s, horizon %llu ms",
		sh->mode == SHAPE_EDT ? "EDT" : "HTB", sh->st.devices,
		sh->st.devices == 1 ? "" : "s",
		(unsigned long long)(sh->horizon_ns / 1000000));
	return 0;
}

void shape_stop(struct shape *sh)
{
	int i;

	if (!sh)
		return;
	for (i = 0; i < sh->ndev; i++)
		dev_down(&sh->dev[i]);
	if (sh->batch[0])
		unlink(sh->batch);
	tagih_shape__destroy(sh->skel);
	free(sh->written);
	free(sh->want);
	free(sh->watch);
	free(sh->percpu);
	free(sh);
}

/* --- rates from the store --------------------------------------------------- */

static uint64_t kbps_Bps(uint32_t kbps)
{
	return (uint64_t)kbps * 125;	/* 1000 bit/s = 125 bytes/s */
}

struct sync_ctx {
	struct shape *sh;
	MDB_txn *txn;
	struct store *st;
	int64_t now;
	int32_t day;
	int err;
};

static int watch_add(struct shape *sh, const struct fup_watch *w)
{
	struct fup_watch *n;

	if (sh->nwatch == sh->capwatch) {
		size_t cap = sh->capwatch ? 2 * sh->capwatch : 64;

		n = realloc(sh->watch, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		sh->watch = n;
		sh->capwatch = cap;
	}
	sh->watch[sh->nwatch++] = *w;
	return 0;
}

/* up + down bytes of the last drain's snapshot of uid (0 if none). */
static int snap_bytes(MDB_txn *txn, struct store *st, uint32_t uid,
		      uint64_t *out)
{
	struct tagih_cnt c;
	uint8_t key[4];
	MDB_val v;
	int err;

	be32_put(key, uid);
	*out = 0;
	err = store_get(txn, st, DB_SNAP, key, sizeof(key), &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (v.mv_size < sizeof(c))
		return -EIO;
	memcpy(&c, v.mv_data, sizeof(c));
	*out = c.up_bytes + c.down_bytes;
	return 0;
}

/*
 * The EDT horizon at Bps: shape_horizon_ms, or the time of
 * TAGIH_EDT_MIN_QUEUE bytes when that is longer (bounded by the longest
 * horizon). 0 for a free direction.
 */
static uint64_t horizon_for(const struct shape *sh, uint64_t Bps)
{
	uint64_t q;

	if (!Bps)
		return 0;
	q = (uint64_t)TAGIH_EDT_MIN_QUEUE * TAGIH_NSEC_PER_SEC / Bps;
	if (q < sh->horizon_ns)
		q = sh->horizon_ns;
	return q < TAGIH_SHAPE_HORIZON_MAX ? q : TAGIH_SHAPE_HORIZON_MAX;
}

/* The rates of one subscriber (its plan today, FUP state) into want. */
static int sync_sub(const struct sub_rec *r, void *arg)
{
	struct sync_ctx *c = arg;
	struct shape *sh = c->sh;
	struct fup_watch w = { 0 };
	struct tagih_rate rate = { 0 };
	struct plan_speed *sp;
	struct plan_rec p;
	struct fup_rec f;
	int32_t to;
	int err;

	if (r->uid == TAGIH_UID_NONE || r->uid >= sh->max ||
	    r->status == SUB_TERMINATED)
		return 0;
	err = plan_of_sub_on(c->txn, c->st, r->id, r->plan, c->day, &p);
	if (err == -ENOENT)
		return 0;
	if (err) {
		c->err = err;
		return 0;	/* the others still get their rates */
	}
	sp = &p.speed;
	rate.down_Bps = kbps_Bps(sp->down_kbps);
	rate.up_Bps = kbps_Bps(sp->up_kbps);
	/* a prepaid quota (packs) used up: the FUP rate (billing/pack.h) */
	if ((sp->fup_down_kbps || sp->fup_up_kbps) &&
	    quota_exhausted(c->txn, c->st, r->uid, c->now)) {
		if (sp->fup_down_kbps)
			rate.down_Bps = kbps_Bps(sp->fup_down_kbps);
		if (sp->fup_up_kbps)
			rate.up_Bps = kbps_Bps(sp->fup_up_kbps);
		sh->st.fup_active++;
		sp->fup_bytes = 0;	/* no period quota on top of it */
	}
	if (sp->fup_bytes) {
		w.uid = r->uid;
		snprintf(w.sub, sizeof(w.sub), "%s", r->id);
		fup_period(r, c->day, &w.period_from, &to);
		w.fup.down_Bps = sp->fup_down_kbps ? kbps_Bps(sp->fup_down_kbps) :
						     rate.down_Bps;
		w.fup.up_Bps = sp->fup_up_kbps ? kbps_Bps(sp->fup_up_kbps) :
						 rate.up_Bps;
		w.fup.down_horizon_ns = horizon_for(sh, w.fup.down_Bps);
		w.fup.up_horizon_ns = horizon_for(sh, w.fup.up_Bps);
		err = fup_get(c->txn, c->st, r->id, w.period_from, &f);
		if (!err && f.reached) {
			rate = w.fup;
			sh->st.fup_active++;
		} else if (!err) {
			w.allowance = sp->fup_bytes + f.topup_bytes;
			err = fup_store_used(c->txn, c->st, r->uid,
					     w.period_from, c->now,
					     &w.store_used);
			if (!err)
				err = snap_bytes(c->txn, c->st, r->uid, &w.snap);
			if (!err)
				err = watch_add(sh, &w);
		}
		if (err)
			c->err = err;
	}
	rate.down_horizon_ns = horizon_for(sh, rate.down_Bps);
	rate.up_horizon_ns = horizon_for(sh, rate.up_Bps);
	sh->want[r->uid] = rate;
	if (rate.down_Bps || rate.up_Bps)
		sh->st.subs++;
	return 0;
}

static int rate_write(struct shape *sh, uint32_t uid,
		      const struct tagih_rate *r)
{
	if (bpf_map_update_elem(sh->rate_fd, &uid, r, BPF_ANY))
		return -errno;
	sh->written[uid] = *r;
	sh->st.writes++;
	return 0;
}

/*
 * HTB mode: the class lines for uid's new rate r on every shaped device
 * of its direction (lan: down, wan: up) into f. A class whose rate goes
 * to 0 is deleted (with its leaf); a new or changed one is replaced,
 * with a bfifo leaf of rate x horizon bytes (at least HTB_LEAF_MIN).
 */
static void htb_lines(struct shape *sh, FILE *f, uint32_t uid,
		      const struct tagih_rate *old, const struct tagih_rate *r)
{
	int i;

	for (i = 0; i < sh->ndev; i++) {
		struct shape_dev *d = &sh->dev[i];
		uint64_t was = d->role == DEV_LAN ? old->down_Bps : old->up_Bps;
		uint64_t Bps = d->role == DEV_LAN ? r->down_Bps : r->up_Bps;
		/* in ms: Bps (< 2^34) x ns would pass 2^64 */
		uint64_t leaf = Bps * (sh->horizon_ns / 1000000) / 1000;

		if (!d->shaped || was == Bps)
			continue;
		if (uid > TAGIH_HTB_MAX_UID) {	/* a class minor has 16 bits */
			if (!sh->warned_uid++)
				pr_warn("shape: HTB: uids above %u are not "
					"shaped (uid %u)", TAGIH_HTB_MAX_UID,
					uid);
			continue;
		}
		if (!Bps) {
			fprintf(f, "class del dev %s classid " HTB_HANDLE "%x\n",
				d->name, uid);
			continue;
		}
		fprintf(f, "class replace dev %s parent " HTB_HANDLE " classid "
			HTB_HANDLE "%x htb rate %llubit ceil %llubit quantum "
			"1514\n", d->name, uid, (unsigned long long)Bps * 8,
			(unsigned long long)Bps * 8);
		fprintf(f, "qdisc replace dev %s parent " HTB_HANDLE "%x bfifo "
			"limit %llu\n", d->name, uid,
			(unsigned long long)(leaf > HTB_LEAF_MIN ? leaf :
							HTB_LEAF_MIN));
	}
}

/* Run the tc batch file f (HTB mode). 0 or -errno. */
static int htb_run(struct shape *sh, FILE *f)
{
	int rc;

	if (fclose(f))
		return -errno;
	rc = qdisc_batch(sh->batch);
	if (rc)
		pr_warn("shape: tc -batch: some class changes failed (%d)", rc);
	return rc < 0 ? rc : 0;
}

/*
 * Write the rates of sh->want that differ from sh->written. HTB mode:
 * a class is made before the map points packets at it, and the map
 * stops pointing before a class is deleted.
 */
static int rates_apply(struct shape *sh)
{
	static const struct tagih_rate zero;
	FILE *f = NULL;
	uint32_t uid;
	int err = 0, e, nhtb = 0;

	if (sh->mode == SHAPE_HTB) {
		if (!sh->batch[0]) {
			/* made once, exclusively (O_EXCL): root's in /tmp */
			int fd;

			snprintf(sh->batch, sizeof(sh->batch),
				 "/tmp/tagih-shape-XXXXXX");
			fd = mkostemp(sh->batch, O_CLOEXEC);
			if (fd < 0) {
				sh->batch[0] = '\0';
				return -errno;
			}
			close(fd);
		}
		f = fopen(sh->batch, "we");
		if (!f)
			return -errno;
	}
	for (uid = 1; uid < sh->max; uid++) {
		struct tagih_rate *w = &sh->want[uid], *o = &sh->written[uid];

		if (!memcmp(w, o, sizeof(*w)))
			continue;
		if (f) {
			htb_lines(sh, f, uid, o, w);
			nhtb++;
			/* stop classifying into a class about to go */
			if ((!w->down_Bps && o->down_Bps) ||
			    (!w->up_Bps && o->up_Bps)) {
				struct tagih_rate keep = *o;

				if (!w->down_Bps)
					keep.down_Bps = keep.down_horizon_ns = 0;
				if (!w->up_Bps)
					keep.up_Bps = keep.up_horizon_ns = 0;

				e = rate_write(sh, uid, &keep);
				err = err ?: e;
			}
			continue;
		}
		e = rate_write(sh, uid, w);
		if (e)
			pr_warn("shape: rate of uid %u: %s", uid, strerror(-e));
		err = err ?: e;
	}
	if (!f)
		return err;
	e = htb_run(sh, f);
	err = err ?: e;
	for (uid = 1; nhtb && uid < sh->max; uid++) {
		if (!memcmp(&sh->want[uid], &sh->written[uid], sizeof(zero)))
			continue;
		e = rate_write(sh, uid, &sh->want[uid]);
		if (e)
			pr_warn("shape: rate of uid %u: %s", uid, strerror(-e));
		err = err ?: e;
	}
	return err;
}

int shape_sync(struct shape *sh, struct store *st, int64_t now)
{
	struct sync_ctx c = { .sh = sh, .st = st, .now = now,
			      .day = tt_local_day(now) };
	int err;

	memset(sh->want, 0, sh->max * sizeof(*sh->want));
	sh->nwatch = 0;
	sh->st.subs = sh->st.fup_active = 0;
	err = store_begin(st, false, &c.txn);
	if (err)
		return err;
	err = sub_foreach(c.txn, st, sync_sub, &c);
	store_abort(c.txn);
	if (err)
		return err;
	sh->st.fup_watch = sh->nwatch;
	if (!sh->up) {
		uint32_t uid;

		for (uid = 1; uid < sh->max; uid++)
			if (sh->want[uid].down_Bps || sh->want[uid].up_Bps)
				break;
		if (uid == sh->max)
			return c.err;	/* nobody shaped: devices untouched */
		if (devs_up(sh))
			return c.err;
	}
	err = rates_apply(sh);
	return c.err ?: err;
}

/* --- FUP ----------------------------------------------------------------------- */

/* Live up + down bytes of uid in the meter's counters (all CPUs). */
static int live_bytes(struct shape *sh, uint32_t uid, uint64_t *out)
{
	const struct tagih_cnt *c = sh->percpu;
	uint64_t sum = 0;
	int i;

	if (bpf_map_lookup_elem(sh->cnt_fd, &uid, sh->percpu))
		return -errno;
	for (i = 0; i < sh->ncpus; i++)
		sum += c[i].up_bytes + c[i].down_bytes;
	*out = sum;
	return 0;
}

int shape_fup_check(struct shape *sh, struct store *st, int64_t now)
{
	uint64_t live = 0, used;
	MDB_txn *txn;
	size_t i;
	int err, n = 0;

	for (i = 0; i < sh->nwatch; i++) {
		struct fup_watch *w = &sh->watch[i];

		if (w->done || live_bytes(sh, w->uid, &live))
			continue;
		/* what the next drain would bill; counters that restarted
		 * (map recreated) count from 0, as the drain does */
		used = w->store_used + (live >= w->snap ? live - w->snap : live);
		if (used < w->allowance)
			continue;
		err = store_begin(st, true, &txn);
		if (err)
			return err;
		err = fup_reach(txn, st, w->sub, w->period_from, used, now,
				"agent:fup");
		if (err == -EALREADY) {
			store_abort(txn);
		} else if (err) {
			store_abort(txn);
			pr_warn("shape: FUP of %s: %s", w->sub, strerror(-err));
			continue;
		} else if ((err = store_commit(txn))) {
			pr_warn("shape: FUP of %s: %s", w->sub, strerror(-err));
			continue;
		} else {
			pr_info("shape: %s passed its FUP quota (%llu of %llu "
				"bytes): FUP rate", w->sub,
				(unsigned long long)used,
				(unsigned long long)w->allowance);
			sh->st.fup_reached++;
			n++;
		}
		w->done = true;
		sh->want[w->uid] = w->fup;
		err = rates_apply(sh);
		if (err)
			pr_warn("shape: FUP rate of %s: %s", w->sub,
				strerror(-err));
	}
	return n;
}

void shape_get_stats(const struct shape *sh, struct shape_stats *s)
{
	if (sh) {
		*s = sh->st;
		s->mode = sh->mode;
	} else {
		memset(s, 0, sizeof(*s));
	}
}

int shape_read_sstat(const struct shape *sh,
		     struct tagih_gstat out[TAGIH_SS_MAX])
{
	struct tagih_gstat *v;
	__u32 i;
	int c, fd, err = 0;

	memset(out, 0, TAGIH_SS_MAX * sizeof(*out));
	if (!sh)
		return -ENOENT;
	v = calloc(sh->ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	fd = bpf_map__fd(sh->skel->maps.tagih_sstat);
	for (i = 0; i < TAGIH_SS_MAX && !err; i++) {
		if (bpf_map_lookup_elem(fd, &i, v)) {
			err = -errno;
			break;
		}
		for (c = 0; c < sh->ncpus; c++) {
			out[i].bytes += v[c].bytes;
			out[i].pkts += v[c].pkts;
		}
	}
	free(v);
	return err;
}
