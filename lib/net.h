/* SPDX-License-Identifier: GPL-2.0 */
/* net.h - the one listen-address grammar ("ADDR:PORT", "[V6]:PORT") and listening socket. */
#ifndef TAGIH_NET_H
#define TAGIH_NET_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * Like Redis' anet: nothing here logs. A failing call writes one
 * sentence that names the input into err (n bytes, may be 0) and
 * returns a negative errno; the caller decides what to say and where.
 */
#define NET_ERR_LEN 160

/*
 * "HOST:PORT" into ss (len gets its size). HOST is an IPv4 literal
 * (192.0.2.1), empty (":8080": every IPv4 address, 0.0.0.0) or an IPv6
 * literal in brackets ([::1], [::], [fe80::1%eth0]); PORT is 1..65535 in
 * decimal digits. No host names (a daemon binds before DNS is up), no
 * bare IPv6 ("::1:80" is ambiguous). Returns 0 or -EINVAL.
 */
int net_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len,
	      char *err, size_t n);

/*
 * Parse s, then a close-on-exec TCP socket with SO_REUSEADDR, bound and
 * listening with backlog. Returns the socket, or -EINVAL (bad address)
 * or -errno of socket/bind/listen (EADDRINUSE, EACCES for a low port
 * without the capability, EADDRNOTAVAIL for an address not on this host).
 */
int net_listen(const char *s, int backlog, char *err, size_t n);

#endif
