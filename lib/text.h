/* SPDX-License-Identifier: GPL-2.0 */
/* text.h - free-text fields: check UTF-8 at input, cut on a character boundary, repair for output. */
#ifndef TAGIH_TEXT_H
#define TAGIH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/*
 * Every text field tagih stores or prints (a subscriber's name, address
 * and notes, hold and void reasons, operator_* config strings, ...) is
 * valid UTF-8 with no control character. Input is refused otherwise
 * (text_check); fixed-width fields are cut only between characters
 * (text_cut, text_copy); and what was stored before these rules, or by a
 * damaged store, is repaired on the way out (text_repair, text_json), so
 * one bad byte never makes a JSON document, a PDF or a listing fail.
 */

/* U+FFFD REPLACEMENT CHARACTER, what text_repair puts for a bad byte. */
#define TEXT_REPLACEMENT "\xef\xbf\xbd"

/*
 * The UTF-8 character at s (n bytes available): its length 1..4 with *cp
 * its code point, or 0 when s does not start a valid one (a stray
 * continuation byte, C0/C1/F5..FF, a sequence cut short, an overlong form,
 * a surrogate, above U+10FFFF). n == 0 returns 0. cp may be NULL.
 */
size_t text_char(const char *s, size_t n, uint32_t *cp);

/*
 * Is code point c one no text field may hold: a control character (C0,
 * DEL, C1) or one that reorders or breaks the line when shown (the
 * bidirectional embeddings, overrides and isolates U+202A..U+202E and
 * U+2066..U+2069, U+2028, U+2029)? text_check refuses them; the CLI
 * escapes them on a terminal. *why (why may be NULL) is set as for
 * text_check when true.
 */
bool text_cp_bad(uint32_t c, const char **why);

/*
 * Is s[0..n) acceptable as a text field? It must be valid UTF-8 with no
 * NUL, no C0 control (tab, CR and LF included), no DEL, no C1 control,
 * and no character that reorders or breaks the line when shown (the
 * bidirectional embeddings, overrides and isolates U+202A..U+202E and
 * U+2066..U+2069, and U+2028/U+2029). An empty string is acceptable.
 * Returns 0, or -EINVAL with *why (may be NULL) a static reason that
 * reads after the field's name: "--name: not valid UTF-8".
 */
int text_check(const char *s, size_t n, const char **why);

/*
 * How many bytes of s (up to its NUL) fit in max_bytes without splitting
 * a character: the length of the longest such prefix. A byte that is not
 * part of a valid character counts as a character of its own, so a cut
 * never turns valid text invalid.
 */
size_t text_cut(const char *s, size_t max_bytes);

/*
 * Copy s into dst (size bytes, size >= 1), cut with text_cut at size - 1
 * bytes, NUL-terminated. Returns the bytes copied (strlen(s) when it all
 * fit; less means it was cut).
 */
size_t text_copy(char *dst, size_t size, const char *s);

/*
 * s (at most max bytes, or up to its NUL) as a new NUL-terminated string
 * of valid UTF-8: every byte that does not start a valid character becomes
 * U+FFFD. Control characters are kept (JSON escapes them; terminals are
 * the printer's business). The caller frees it. NULL only on ENOMEM.
 */
char *text_repair(const char *s, size_t max);

/*
 * text_repair(s, max) as a JSON string: the one way a stored text field
 * enters a JSON document (jansson refuses invalid UTF-8, and a NULL value
 * silently drops the key or the whole object). s NULL gives "". NULL only
 * on ENOMEM.
 */
json_t *text_json(const char *s, size_t max);

/* text_json of a fixed-size char array field of a record (its NUL, or
 * its whole size, ends it): TEXT_JSON(r->name). */
#define TEXT_JSON(field) text_json((field), sizeof(field))

#endif
