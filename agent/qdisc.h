/* SPDX-License-Identifier: GPL-2.0 */
/* qdisc.h - the shaper's root qdiscs through tc(8): read the root, put fq or htb there, give it back, run a batch. */
#ifndef TAGIH_QDISC_H
#define TAGIH_QDISC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * libbpf attaches tc programs (clsact) but makes no other qdisc, so the
 * root qdisc of a shaped device is set with iproute2's tc, spawned (no
 * shell) with its output read back as JSON (tc -j).
 */
#define QDISC_HTB_HANDLE "7a:"		/* TAGIH_HTB_MAJOR (bpf/tagih.h) */
#define QDISC_FQ_HANDLE "7a00:"		/* the mq above per-queue fq */

struct qdisc_root {
	char kind[32];	/* "noqueue", "fq", "htb", ... */
	bool ours;	/* its handle is QDISC_HTB_HANDLE */
};

/* dev's root qdisc. 0 or -errno (-EIO: tc failed or said nothing). */
int qdisc_root_get(const char *dev, struct qdisc_root *r);

/*
 * fq at the root of dev, whose root is r (under mq, one per tx queue, on
 * a multi-queue device); an fq already there is kept. *made is set when
 * this call put it there. what ("downloads") is for the log. 0, -EEXIST
 * (an operator's root qdisc: left alone, said), -EOPNOTSUPP (this kernel
 * has no sch_fq; said unless probe) or -errno.
 */
int qdisc_fq_up(const char *dev, const struct qdisc_root *r,
		const char *what, bool probe, bool *made);

/*
 * A fresh htb of handle QDISC_HTB_HANDLE, default 0 (unclassified packets
 * go out directly), at the root of dev; one of ours from an earlier run
 * is replaced, so no stale class stays. 0, -EEXIST (an operator's root
 * qdisc, said) or -errno.
 */
int qdisc_htb_up(const char *dev, const struct qdisc_root *r,
		 const char *what, bool *made);

/* Delete dev's root qdisc (the kernel's default comes back); said on error. */
void qdisc_root_del(const char *dev);

/* tc -force -batch path: its exit status (0 = every line took) or -errno. */
int qdisc_batch(const char *path);

/*
 * Run tc with argv (NULL-terminated, argv[0] = "tc"); its standard output
 * into out (NUL-terminated, may be cut) when out != NULL, its errors to
 * ours unless quiet. Its exit status, or -errno when it could not run.
 */
int qdisc_tc(char *const argv[], char *out, size_t n, bool quiet);

#endif
