/* SPDX-License-Identifier: GPL-2.0 */
/* page.h - the customer page behind /c/{token} (and /p/{token}, the reminders' form), and /login. */
#ifndef TAGIHD_PAGE_H
#define TAGIHD_PAGE_H

#include <microhttpd.h>
#include "tagihd/tagihd.h"

/*
 * path: what follows "/c/" in the URL:
 *   TOKEN                     GET: the page ([?lang=en])
 *   TOKEN/invoice/NUMBER.pdf  GET: one of the subscriber's invoices
 *   TOKEN/pay                 POST: a payment link for the oldest open
 *                             invoice, answered with 303 to the gateway
 *   TOKEN/buy                 POST: prepaid: the order for one more period
 *                             and its payment link (303), page/prepaid.c
 *   TOKEN/pack/NAME           POST: the same for a quota pack
 *   TOKEN/voucher             POST code=...: routed by http.c to
 *                             page_voucher (it needs the body)
 * An unknown or revoked token is a 404 that says nothing more. Queues
 * exactly one response; returns libmicrohttpd's result.
 */
enum MHD_Result page_handle(struct tagihd *d, struct MHD_Connection *conn,
			    const char *path, const char *method);

/*
 * /login: GET the phone + PIN form ([?lang=en]); POST phone=...&pin=...
 * (form-encoded body) answers 303 to the subscriber's /c/{token} (a link
 * is made if there is none), or 401 with one generic message whatever
 * was wrong, or 429 (Retry-After) while the phone or the client address
 * is locked out (tagihd.h), or 503 (Retry-After) when the PIN workers'
 * queue is full. A POST is checked on d->login_pool, not on the calling
 * thread: the first call suspends the connection and keeps its job in
 * *state (the request's slot, NULL at first), the worker resumes it and
 * the next call answers. Queues exactly one response over those calls.
 */
enum MHD_Result page_login(struct tagihd *d, struct MHD_Connection *conn,
			   const char *method, const char *body, size_t len,
			   void **state);
/* Free what page_login left in a request's *state (a request that ended
 * before its answer, e.g. the client went away). NULL: nothing. */
void page_login_free(void *state);

#endif
