// SPDX-License-Identifier: GPL-2.0
/* mhd.c - queue a libmicrohttpd response (body, JSON or a JSON error) and destroy it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mhd.h"

static enum MHD_Result mhd_queue(struct MHD_Connection *c, unsigned status,
				 const char *ctype, struct MHD_Response *r,
				 const struct mhd_hdr *hdr)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (; hdr && hdr->name; hdr++)
		MHD_add_response_header(r, hdr->name, hdr->value);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result mhd_reply(struct MHD_Connection *c, unsigned status,
			  const char *ctype, const void *body, size_t len,
			  const struct mhd_hdr *hdr)
{
	return mhd_queue(c, status, ctype,
			 MHD_create_response_from_buffer(len, (void *)body,
							 MHD_RESPMEM_MUST_COPY),
			 hdr);
}

enum MHD_Result mhd_reply_take(struct MHD_Connection *c, unsigned status,
			       const char *ctype, void *body, size_t len,
			       const struct mhd_hdr *hdr)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r)
		free(body);
	return mhd_queue(c, status, ctype, r, hdr);
}

enum MHD_Result mhd_text(struct MHD_Connection *c, unsigned status,
			 const char *text, const struct mhd_hdr *hdr)
{
	return mhd_reply(c, status, "text/plain; charset=utf-8", text,
			 strlen(text), hdr);
}

enum MHD_Result mhd_json(struct MHD_Connection *c, unsigned status,
			 json_t *o)
{
	static const char oops[] = "{\"error\":\"internal\",\"detail\":\"\"}";
	char *s;

	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return mhd_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "application/json", oops, sizeof(oops) - 1,
				 NULL);
	/* json_dumps allocates with malloc: libmicrohttpd frees it */
	return mhd_reply_take(c, status, "application/json", s, strlen(s),
			      NULL);
}

enum MHD_Result mhd_error(struct MHD_Connection *c, unsigned status,
			  const char *error, const char *detail)
{
	return mhd_json(c, status, json_pack("{s:s, s:s}", "error", error,
					     "detail", detail ? detail : ""));
}

void mhd_client_key(struct MHD_Connection *conn, char *key, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	char a[INET6_ADDRSTRLEN] = "?";

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET) {
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)sa)->sin_addr,
				  a, sizeof(a));
		} else if (sa->sa_family == AF_INET6) {
			struct in6_addr p =
				((const struct sockaddr_in6 *)sa)->sin6_addr;

			if (!IN6_IS_ADDR_V4MAPPED(&p))
				memset(p.s6_addr + 8, 0, 8);
			inet_ntop(AF_INET6, &p, a, sizeof(a));
		}
	}
	snprintf(key, n, "ip:%s", a);
}
