/* SPDX-License-Identifier: GPL-2.0 */
/* prefix.h - IPv4/IPv6 prefixes as subscribers' addresses. */
#ifndef TAGIH_PREFIX_H
#define TAGIH_PREFIX_H

#include <stdint.h>
#include <stddef.h>

/* Also the key layout of the prefix databases (18 bytes, packed). */
struct prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* v4 8..32, v6 32..128 */
	uint8_t addr[16];	/* network order, host bits zero, v4 in [0..3] */
} __attribute__((packed));

/*
 * "10.0.0.0/24", "10.0.0.7" (= /32), "2001:db8::/56", "2001:db8::1" (/128).
 * Rejects lengths outside v4 8..32 / v6 32..128 and host bits set
 * ("10.0.0.1/24" is an error, not silently masked). Returns 0 or -EINVAL;
 * on error *why (if given) points at a static explanation.
 */
int prefix_parse(const char *s, struct prefix *p, const char **why);
/* Canonical text. buf >= 64. Returns buf. */
char *prefix_fmt(const struct prefix *p, char *buf, size_t n);
/* True if a contains b (same family, a->len <= b->len, b inside a). */
int prefix_contains(const struct prefix *a, const struct prefix *b);

#endif
