/* SPDX-License-Identifier: GPL-2.0 */
/* gw_http.h - one HTTPS call to a payment gateway's API (libcurl): paylink and wh_verify share it. */
#ifndef TAGIH_GW_HTTP_H
#define TAGIH_GW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define GW_RESP_MAX (64 * 1024)	/* a longer answer sets over */

/* The answer body, NUL-terminated; the caller frees p. */
struct gw_buf {
	char *p;
	size_t len;
	bool over;	/* longer than GW_RESP_MAX: read on, refuse later */
};

struct gw_req {
	const char *url;
	const char *ctype;	/* Content-Type */
	const char *body;	/* POST body, NULL: GET */
	const char *userpwd;	/* HTTP basic credentials ("key:") or NULL */
	const char *bearer;	/* Authorization: Bearer token or NULL */
	long timeout, connect_timeout;	/* seconds */
	const char *what;	/* "the gateway": for "cannot reach ..." */
};

/*
 * Send rq (Accept: application/json, http/https only, no signals: tagihd's
 * threads). *status gets the HTTP status, resp the body. Returns 0,
 * -ENOMEM or -EIO, with why set; curl's message names the host, never the
 * credentials.
 */
int gw_http(const struct gw_req *rq, long *status, struct gw_buf *resp,
	    char *why, size_t wn);

#endif
