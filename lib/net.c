// SPDX-License-Identifier: GPL-2.0
/* net.c - parse a listen address and open the listening socket; errors into the caller's buffer. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/net.h"

__attribute__((format(printf, 3, 4)))
static int net_err(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (err && n) {
		va_start(ap, fmt);
		vsnprintf(err, n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* "1".."65535", digits only: strtoul would take " 8", "+8" and "-8". */
static int net_port(const char *p, unsigned *port)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; p[i]; i++) {
		if (p[i] < '0' || p[i] > '9' || i == 5)
			return -EINVAL;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (i == 0 || v == 0 || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/* A bracketed IPv6 literal, with an optional %scope (getaddrinfo knows
 * interface names; inet_pton does not). */
static int net_v6(const char *host, unsigned port, struct sockaddr_storage *ss,
		  socklen_t *len)
{
	struct addrinfo hints = { 0 }, *res;
	struct sockaddr_in6 *s6;

	hints.ai_family = AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if (getaddrinfo(host, NULL, &hints, &res))
		return -EINVAL;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return -EINVAL;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_port = htons(port);
	return 0;
}

int net_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len,
	      char *err, size_t n)
{
	static const char want[] = "want ADDR:PORT, :PORT or [V6ADDR]:PORT";
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *colon, *h = s;
	size_t hl;
	unsigned port;

	memset(ss, 0, sizeof(*ss));
	if (!s || !*s)
		return net_err(err, n, "empty listen address (%s)", want);
	if (s[0] == '[') {
		colon = strchr(s, ']');
		if (!colon || colon == s + 1)
			return net_err(err, n, "listen address '%.64s': no ']' "
				       "after an IPv6 address (%s)", s, want);
		colon++;
		if (*colon != ':')
			return net_err(err, n, "listen address '%.64s' has no "
				       "port after ']' (%s)", s, want);
		h = s + 1;
		hl = colon - 1 - h;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return net_err(err, n, "listen address '%.64s' has no "
				       "port (%s)", s, want);
		hl = colon - s;
	}
	if (net_port(colon + 1, &port))
		return net_err(err, n, "listen address '%.64s': the port must "
			       "be 1..65535", s);
	if (hl >= sizeof(host))
		return net_err(err, n, "listen address '%.64s': the address "
			       "is too long", s);
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (s[0] == '[') {
		if (!strchr(host, ':') || net_v6(host, port, ss, len))
			return net_err(err, n, "listen address '%.64s': '%s' is "
				       "not an IPv6 address", s, host);
		return 0;
	}
	if (strchr(host, ':'))
		return net_err(err, n, "listen address '%.64s': an IPv6 "
			       "address goes in brackets ([%s]:PORT)", s, host);
	if (inet_pton(AF_INET, hl ? host : "0.0.0.0", &s4->sin_addr) != 1)
		return net_err(err, n, "listen address '%.64s': '%s' is not an "
			       "IPv4 address (%s)", s, host, want);
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	*len = sizeof(*s4);
	return 0;
}

int net_listen(const char *s, int backlog, char *err, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	int fd, one = 1, e;

	e = net_parse(s, &ss, &slen, err, n);
	if (e)
		return e;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = -errno;
		net_err(err, n, "socket: %s", strerror(-e));
		return e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, slen) || listen(fd, backlog)) {
		e = -errno;
		net_err(err, n, "cannot listen on %s: %s", s, strerror(-e));
		close(fd);
		return e;
	}
	return fd;
}
