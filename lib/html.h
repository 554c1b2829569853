/* SPDX-License-Identifier: GPL-2.0 */
/* html.h - building an HTML page: a growing buffer and the one escaper for text and attributes. */
#ifndef TAGIH_HTML_H
#define TAGIH_HTML_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Zero-initialise, append, then use p/len; html_free at the end. An
 * allocation failure or growing past max (0 = no cap) sets oom and
 * makes every later call a no-op, so a page is built without checking
 * each call and the result is checked once.
 */
struct html {
	char *p;		/* NUL-terminated once anything was added */
	size_t len, cap, max;
	bool oom;
};

void html_add(struct html *b, const char *s, size_t n);
void html_puts(struct html *b, const char *s);
void html_printf(struct html *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void html_free(struct html *b);

/*
 * s as HTML text or a quoted attribute value: & < > " ' become
 * entities, other control characters a space. A newline is kept with
 * HTML_NL_KEEP, becomes <br> with HTML_NL_BR (multi-line operator text).
 */
enum html_nl { HTML_NL_KEEP, HTML_NL_BR };
void html_esc(struct html *b, const char *s, enum html_nl nl);
/* html_esc(b, s, HTML_NL_KEEP): the common case. */
void html_text(struct html *b, const char *s);
/* s as a URL path: unreserved characters and '/' kept, the rest %XX. */
void html_urlpath(struct html *b, const char *s);

#endif
