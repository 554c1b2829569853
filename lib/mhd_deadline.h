/* SPDX-License-Identifier: GPL-2.0 */
/* mhd_deadline.h - an absolute deadline for reading each request on a libmicrohttpd daemon. */
#ifndef TAGIH_MHD_DEADLINE_H
#define TAGIH_MHD_DEADLINE_H

#include <stdint.h>
#include <microhttpd.h>

/*
 * libmicrohttpd's connection timeout counts idle time, so a client that
 * sends one byte every few seconds keeps a connection (and its slot)
 * forever: slowloris. This guard gives every request a fixed time, from
 * when the connection is accepted or its previous request was answered
 * until the access handler has the whole request (headers and body),
 * that no trickle of bytes extends. A connection past it is shut down
 * (shutdown(2) on its socket, from a thread of the guard); libmicrohttpd
 * then sees the end of the stream and closes it as usual.
 *
 * Wiring, on a daemon started with the guard:
 *   MHD_OPTION_NOTIFY_CONNECTION, mhd_deadline_notify, guard
 *   the access handler's last call for a request: mhd_deadline_stop(conn)
 *   MHD_OPTION_NOTIFY_COMPLETED: mhd_deadline_rearm(guard, conn)
 * The guard must outlive the daemon: free it after MHD_stop_daemon.
 */
struct mhd_deadline;

/* secs (>= 1) per request. Starts the guard's thread. Returns 0,
 * -EINVAL or -errno (ENOMEM, pthread_create). */
int mhd_deadline_new(unsigned secs, struct mhd_deadline **out);
/* Stop the thread and free (NULL: nothing). */
void mhd_deadline_free(struct mhd_deadline *g);

/* MHD_NotifyConnectionCallback; cls is the guard. */
void mhd_deadline_notify(void *cls, struct MHD_Connection *c,
			 void **socket_context,
			 enum MHD_ConnectionNotificationCode toe);
/* The request on c is complete: its clock stops (a slow reply or a
 * suspended connection is not the client's doing). */
void mhd_deadline_stop(struct MHD_Connection *c);
/* The request on c was answered: the next one on the same connection
 * has the full time again. */
void mhd_deadline_rearm(struct mhd_deadline *g, struct MHD_Connection *c);

/* Connections cut so far (for logs and tests). */
uint64_t mhd_deadline_cut(struct mhd_deadline *g);

#endif
