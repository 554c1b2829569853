// SPDX-License-Identifier: GPL-2.0
/* prefix.c - parse, print and compare subscribers' IPv4/IPv6 prefixes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/prefix.h"

#define WHY(msg)                  \
	do {                      \
		if (why)          \
			*why = (msg); \
		return -EINVAL;   \
	} while (0)

int prefix_parse(const char *s, struct prefix *p, const char **why)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash;
	int len, max, min, i;
	size_t alen;
	char *end;

	if (!s || !*s)
		WHY("empty prefix");
	memset(p, 0, sizeof(*p));
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		WHY("not an IPv4 or IPv6 address");
	memcpy(addr, s, alen);
	addr[alen] = '\0';

	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = 4;
		min = 8;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->family = 6;
		min = 32;
		max = 128;
	} else {
		WHY("not an IPv4 or IPv6 address");
	}

	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			WHY("prefix length is not a number");
		errno = 0;
		long l = strtol(slash + 1, &end, 10);

		if (errno || *end || end - (slash + 1) > 3)
			WHY("prefix length is not a number");
		if (l < min || l > max)
			WHY(p->family == 4 ?
				    "IPv4 prefix length must be 8..32" :
				    "IPv6 prefix length must be 32..128");
		len = (int)l;
	} else {
		len = max;
	}
	p->len = len;

	for (i = 0; i < max / 8; i++) {
		int bits = len - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
			       (uint8_t)(0xff << (8 - bits));

		if (p->addr[i] & ~mask)
			WHY("host bits set (the address is not the network "
			    "address of this prefix length)");
	}
	return 0;
}

char *prefix_fmt(const struct prefix *p, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a,
		       sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, n, "%s/%u", a, p->len);
	return buf;
}

int prefix_contains(const struct prefix *a, const struct prefix *b)
{
	int full, rem;

	if (a->family != b->family || a->len > b->len)
		return 0;
	full = a->len / 8;
	rem = a->len % 8;
	if (memcmp(a->addr, b->addr, full))
		return 0;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		if ((a->addr[full] & mask) != (b->addr[full] & mask))
			return 0;
	}
	return 1;
}
