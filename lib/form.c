// SPDX-License-Identifier: GPL-2.0
/* form.c - form fields of a POST body (the login and voucher forms). */
#include <errno.h>
#include <string.h>

#include "lib/form.h"
#include "lib/hex.h"

int form_get(const char *body, size_t len, const char *name, char *out,
	     size_t n)
{
	size_t nl = strlen(name), i = 0, o;
	const char *end = body + len, *f, *amp;
	int hi, lo;
	char c;

	for (f = body; body && f < end; f = amp + 1) {
		amp = memchr(f, '&', end - f);
		if (!amp)
			amp = end;
		if ((size_t)(amp - f) <= nl || memcmp(f, name, nl) ||
		    f[nl] != '=') {
			if (amp == end)
				break;
			continue;
		}
		for (i = nl + 1, o = 0; f + i < amp; i++) {
			c = f[i];
			if (c == '+') {
				c = ' ';
			} else if (c == '%') {
				if (f + i + 2 >= amp)
					return -EINVAL;
				hi = hex_digit(f[i + 1]);
				lo = hex_digit(f[i + 2]);
				if (hi < 0 || lo < 0)
					return -EINVAL;
				c = (char)(hi << 4 | lo);
				i += 2;
			}
			if ((unsigned char)c < 0x20 || o + 1 >= n)
				return -EINVAL;
			out[o++] = c;
		}
		out[o] = '\0';
		return 0;
	}
	return -ENOENT;
}
