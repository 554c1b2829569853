// SPDX-License-Identifier: GPL-2.0
/* text.c - UTF-8 text fields: the input check, boundary-safe cuts, repair for output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text.h"

size_t text_char(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len, i;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80) {
		len = 1;
		min = 0;
	} else if (c >= 0xc2 && c <= 0xdf) {	/* C0, C1: overlong */
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {	/* F5..FF: above U+10FFFF */
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp)
		*cp = c;
	return len;
}

bool text_cp_bad(uint32_t c, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
		*why = "contains a control character (tab, newline, escape, "
		       "DEL or C1)";
		return true;
	}
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x2028 || c == 0x2029) {
		*why = "contains a bidirectional or line-separator control "
		       "character";
		return true;
	}
	return false;
}

int text_check(const char *s, size_t n, const char **why)
{
	const char *dummy;
	size_t i = 0, l;
	uint32_t c;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!s)
		return n ? -EINVAL : 0;
	while (i < n) {
		l = text_char(s + i, n - i, &c);
		if (!l) {
			*why = "not valid UTF-8";
			return -EINVAL;
		}
		if (text_cp_bad(c, why))
			return -EINVAL;
		i += l;
	}
	return 0;
}

size_t text_cut(const char *s, size_t max_bytes)
{
	size_t n = strlen(s), i = 0, l;

	if (n <= max_bytes)
		return n;
	while (i < max_bytes) {
		l = text_char(s + i, n - i, NULL);
		if (!l)
			l = 1;	/* a stray byte is its own "character" */
		if (i + l > max_bytes)
			break;
		i += l;
	}
	return i;
}

size_t text_copy(char *dst, size_t size, const char *s)
{
	size_t n;

	if (!size)
		return 0;
	n = text_cut(s, size - 1);
	memmove(dst, s, n);
	dst[n] = '\0';
	return n;
}

char *text_repair(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0, i = 0, o = 0, l;
	char *out;

	/* worst case: every byte becomes the 3-byte U+FFFD */
	out = malloc(n * 3 + 1);
	if (!out)
		return NULL;
	while (i < n) {
		l = text_char(s + i, n - i, NULL);
		if (l) {
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
		} else {
			memcpy(out + o, TEXT_REPLACEMENT, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

json_t *text_json(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0, i = 0, l;
	json_t *j;
	char *r;

	/* the common case, valid already, without a copy */
	while (i < n && (l = text_char(s + i, n - i, NULL)))
		i += l;
	if (i == n)
		return json_stringn(n ? s : "", n);
	r = text_repair(s, n);
	if (!r)
		return NULL;
	j = json_string(r);
	free(r);
	return j;
}
