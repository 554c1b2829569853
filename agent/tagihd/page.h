/* SPDX-License-Identifier: GPL-2.0 */
/* page.h - the customer page behind /c/{token} (and /p/{token}, the reminders' form). */
#ifndef TAGIHD_PAGE_H
#define TAGIHD_PAGE_H

#include <microhttpd.h>
#include "tagihd.h"

/*
 * path: what follows "/c/" in the URL:
 *   TOKEN                     GET: the page ([?lang=en])
 *   TOKEN/invoice/NUMBER.pdf  GET: one of the subscriber's invoices
 *   TOKEN/pay                 POST: a payment link for the oldest open
 *                             invoice, answered with 303 to the gateway
 * An unknown or revoked token is a 404 that says nothing more. Queues
 * exactly one response; returns libmicrohttpd's result.
 */
enum MHD_Result page_handle(struct tagihd *d, struct MHD_Connection *conn,
			    const char *path, const char *method);

#endif
