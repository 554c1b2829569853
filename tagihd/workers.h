/* SPDX-License-Identifier: GPL-2.0 */
/* workers.h - a small bounded pool of threads for slow work (PIN hashing) off the HTTP threads. */
#ifndef TAGIHD_WORKERS_H
#define TAGIHD_WORKERS_H

/*
 * PBKDF2 takes ~0.1 s of CPU on purpose. Run on libmicrohttpd's threads
 * it would make every webhook wait behind a burst of logins; here a
 * login suspends its connection, a worker hashes, and the HTTP threads
 * go on serving. The queue is bounded: when it is full a login is told
 * to come back (503) instead of piling up. Workers run at a lower CPU
 * priority (nice +nice_inc) than the HTTP threads, so on a busy machine
 * a webhook's few milliseconds are not stuck behind hashing.
 */
struct workers;

/* n threads, at most qmax jobs waiting. Returns 0, -EINVAL or -errno. */
int workers_new(unsigned n, unsigned qmax, int nice_inc,
		struct workers **out);
/* Refuse new jobs, run every queued one, join the threads, free. */
void workers_free(struct workers *w);

/*
 * Hold a place for one job: 0, -EBUSY (the queue is full) or -ESHUTDOWN
 * (stopping). A held place must be filled with workers_push, which then
 * cannot fail: so a connection is suspended only once its job is sure
 * to run (and to resume it).
 */
int workers_reserve(struct workers *w);
void workers_push(struct workers *w, void (*fn)(void *arg), void *arg);

#endif
