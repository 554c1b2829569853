/* SPDX-License-Identifier: GPL-2.0 */
/* render.h - the customer page's frame: private replies, the HTML head and style, short message cards. */
#ifndef TAGIHD_PAGE_RENDER_H
#define TAGIHD_PAGE_RENDER_H

#include <stddef.h>
#include <microhttpd.h>

#include "lib/html.h"
#include "tagihd/page/words.h"

/*
 * Queue one response (lib/mhd.h) with the page's headers: the page holds
 * a bearer token in its URL, so it is never cached, framed, sniffed or
 * sent on as a Referer; the CSP allows inline style and data: images
 * only. hname/hval: one more header (hname NULL: none). Returns
 * libmicrohttpd's result.
 */
enum MHD_Result page_reply(struct MHD_Connection *conn, unsigned status,
			   const char *ctype, const void *body, size_t len,
			   const char *hname, const char *hval);
/* A text/plain page_reply ("try again\n"). */
enum MHD_Result page_text(struct MHD_Connection *conn, unsigned status,
			  const char *text, const char *hname,
			  const char *hval);
/* Queue the page built in b and free b; MHD_NO when building it ran out
 * of memory. */
enum MHD_Result page_html(struct MHD_Connection *conn, unsigned status,
			  struct html *b, const char *hname, const char *hval);

/* <!doctype html> ... <main>, with the one style sheet (inline). */
void page_head(struct html *b, const struct words *w, const char *title);
/* A whole short page: heading h, one line of text, a link back (NULL:
 * none). */
void page_card(struct html *b, const struct words *w, const char *h,
	       const char *text, const char *back);
/* page_card queued: a message and no subscriber data. */
enum MHD_Result page_msg(struct MHD_Connection *conn, unsigned status,
			 const struct words *w, const char *h,
			 const char *text, const char *back);
/* 303 to the gateway's page for invoice or receipt number (the same link
 * for PAYLINK_REUSE_SECS when pressed again), back to /c/tok after; a
 * gateway that fails is a page with a link to back (page/show.c). */
struct tagihd;
enum MHD_Result page_pay_redirect(struct tagihd *d,
				  struct MHD_Connection *conn,
				  const struct words *w, const char *tok,
				  const char *number, const char *back);
/* The one 404: an unknown, revoked or mistyped link says nothing more. */
enum MHD_Result page_404(struct MHD_Connection *conn, const struct words *w);

#endif
