// SPDX-License-Identifier: GPL-2.0
/* html.c - a growing page buffer with an escaper, for the customer page and the notice page. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/html.h"

/* Room for n more bytes and the NUL; false (and oom) when there is none. */
static bool html_grow(struct html *b, size_t n)
{
	size_t cap;
	char *np;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 8192;
	while (cap < b->len + n + 1)
		cap *= 2;
	if (b->max && cap > b->max)
		cap = b->max;
	if (cap < b->len + n + 1) {
		b->oom = true;
		return false;
	}
	np = realloc(b->p, cap);
	if (!np) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = cap;
	return true;
}

void html_add(struct html *b, const char *s, size_t n)
{
	if (!html_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void html_puts(struct html *b, const char *s)
{
	html_add(b, s, strlen(s));
}

void html_printf(struct html *b, const char *fmt, ...)
{
	va_list ap, aq;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n >= 0 && html_grow(b, (size_t)n)) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
}

void html_free(struct html *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void html_esc(struct html *b, const char *s, enum html_nl nl)
{
	const char *run = s;

	/* plain runs in one copy: a page is mostly plain text */
	for (; s && *s; s++) {
		const char *rep;

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\n':
			if (nl == HTML_NL_KEEP)
				continue;
			rep = "<br>";
			break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				continue;
			rep = " ";
		}
		html_add(b, run, s - run);
		html_puts(b, rep);
		run = s + 1;
	}
	if (s)
		html_add(b, run, s - run);
}

void html_text(struct html *b, const char *s)
{
	html_esc(b, s, HTML_NL_KEEP);
}

void html_urlpath(struct html *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	char e[3] = { '%' };

	for (; *s; s++) {
		unsigned char ch = *s;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || strchr("/._-~", ch)) {
			html_add(b, s, 1);
		} else {
			e[1] = hx[ch >> 4];
			e[2] = hx[ch & 15];
			html_add(b, e, 3);
		}
	}
}
