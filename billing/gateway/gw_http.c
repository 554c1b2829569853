// SPDX-License-Identifier: GPL-2.0
/* gw_http.c - one HTTPS call to a payment gateway's API (libcurl). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "billing/gateway/gw_http.h"

static size_t gw_write(char *ptr, size_t sz, size_t nm, void *ud)
{
	struct gw_buf *b = ud;
	size_t n = sz * nm;
	char *np;

	if (b->over || b->len + n > GW_RESP_MAX) {
		b->over = true;
		return n;	/* keep reading; the answer is refused later */
	}
	np = realloc(b->p, b->len + n + 1);
	if (!np)
		return 0;
	memcpy(np + b->len, ptr, n);
	b->p = np;
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* Content-Type, Accept and the bearer token, or NULL (out of memory). */
static struct curl_slist *gw_headers(const struct gw_req *rq)
{
	struct curl_slist *h, *nh;
	char hdr[600];

	snprintf(hdr, sizeof(hdr), "Content-Type: %s", rq->ctype);
	h = curl_slist_append(NULL, hdr);
	nh = h ? curl_slist_append(h, "Accept: application/json") : NULL;
	if (nh && rq->bearer) {
		h = nh;
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s",
			 rq->bearer);
		nh = curl_slist_append(h, hdr);
		explicit_bzero(hdr, sizeof(hdr));
	}
	if (!nh) {
		curl_slist_free_all(h);
		return NULL;
	}
	return nh;
}

int gw_http(const struct gw_req *rq, long *status, struct gw_buf *resp,
	    char *why, size_t wn)
{
	struct curl_slist *h;
	CURLcode rc;
	CURL *c;
	int err = 0;

	c = curl_easy_init();
	if (!c) {
		snprintf(why, wn, "cannot initialise libcurl");
		return -ENOMEM;
	}
	h = gw_headers(rq);
	if (!h) {
		snprintf(why, wn, "out of memory");
		curl_easy_cleanup(c);
		return -ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (rq->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
				 (long)strlen(rq->body));
	}
	if (rq->userpwd) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, rq->userpwd);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, gw_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, rq->connect_timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);	/* tagihd's threads */
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tagih");
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(why, wn, "cannot reach %s: %s", rq->what,
			 curl_easy_strerror(rc));
		err = -EIO;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return err;
}
