/* SPDX-License-Identifier: GPL-2.0 */
/* notify.h - the outbox sender thread of tagihd. */
#ifndef TAGIHD_NOTIFY_H
#define TAGIHD_NOTIFY_H

#include "tagihd/tagihd.h"

struct notify;

/*
 * Start the sender when at least one channel is configured (*np stays
 * NULL otherwise). Every 500 ms it feeds new events into the outbox,
 * then sends what is due. Returns 0 or -errno.
 */
int notify_start(struct tagihd *d, struct notify **np);
/* Stop and join; NULL is fine. */
void notify_stop(struct notify *n);

#endif
