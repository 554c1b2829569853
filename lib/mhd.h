/* SPDX-License-Identifier: GPL-2.0 */
/* mhd.h - the one way our libmicrohttpd daemons answer: replies, JSON, JSON errors. */
#ifndef TAGIH_MHD_H
#define TAGIH_MHD_H

#include <stddef.h>
#include <jansson.h>
#include <microhttpd.h>

/* One more response header; a list ends with { NULL, NULL }. */
struct mhd_hdr {
	const char *name, *value;
};

/*
 * Queue body (len bytes, copied) with status, Content-Type ctype,
 * "Cache-Control: no-store" (nothing we serve may be cached: pages
 * hold bearer links, JSON holds usage) and the headers in hdr (NULL:
 * none). The response is destroyed right after queueing. Returns
 * libmicrohttpd's result: MHD_NO (out of memory, or the connection is
 * gone) makes it close the connection.
 */
enum MHD_Result mhd_reply(struct MHD_Connection *c, unsigned status,
			  const char *ctype, const void *body, size_t len,
			  const struct mhd_hdr *hdr);
/* The same for a malloc'd body, which libmicrohttpd frees once sent;
 * it is freed here when the response cannot be made. */
enum MHD_Result mhd_reply_take(struct MHD_Connection *c, unsigned status,
			       const char *ctype, void *body, size_t len,
			       const struct mhd_hdr *hdr);
/* A short text/plain answer ("try again\n"). */
enum MHD_Result mhd_text(struct MHD_Connection *c, unsigned status,
			 const char *text, const struct mhd_hdr *hdr);

/* o as compact JSON; the reference to o is taken. o NULL (a failed
 * json_pack) or a failed dump answers 500 {"error":"internal",...}. */
enum MHD_Result mhd_json(struct MHD_Connection *c, unsigned status,
			 json_t *o);
/* {"error": error, "detail": detail} (detail NULL: ""), the shape of
 * every error we send. */
enum MHD_Result mhd_error(struct MHD_Connection *c, unsigned status,
			  const char *error, const char *detail);

/* The client's address as a rate-limiter key, "ip:ADDR" (IPv6 by its /64;
 * "ip:?" when libmicrohttpd does not say), into key (size n). */
void mhd_client_key(struct MHD_Connection *conn, char *key, size_t n);

#endif
