/* SPDX-License-Identifier: GPL-2.0 */
/* notice.h - the isolir notice page suspended subscribers' HTTP is sent to. */
#ifndef TAGIH_NOTICE_H
#define TAGIH_NOTICE_H

#include "lib/conf.h"
#include "billing/store.h"

/*
 * Serve the notice page on c->notice_listen (default 0.0.0.0:8081; empty:
 * off) with its own libmicrohttpd daemon. Every path answers with the
 * page of the subscriber owning the client's source address (longest
 * prefix match in DB_PREFIX): suspended or not, the amount due and how to
 * pay (bank_transfer). Bahasa Indonesia; English with ?lang=en.
 * The subscriber's personal data (name, phone) is never shown.
 * Returns 0, -EINVAL (bad address), -EADDRINUSE or -ENOMEM.
 */
int notice_start(const struct tagih_conf *c, struct store *st);
void notice_stop(void);

#endif
