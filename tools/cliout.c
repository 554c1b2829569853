// SPDX-License-Identifier: GPL-2.0
/* cliout.c - text from the store made safe for the operator's terminal: control characters escaped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/cli.h"

/*
 * Names, notes and reasons come from whoever typed them (and from stores
 * written before input was checked). Printed raw, an ESC sequence retitles
 * or clears the operator's terminal, or hides what follows. On a terminal
 * every control character is shown as \xNN (C0, DEL, and bytes that are
 * not UTF-8, since a lone 0x9b is CSI to some terminals) or \uNNNN (C1,
 * and the bidirectional overrides and line separators that reorder text).
 * Valid UTF-8 otherwise passes untouched.
 */

/* Length of the valid UTF-8 character at s (1..4) with *cp, or 0. */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static bool cp_unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x2028 || c == 0x2029;
}

void cli_escape(FILE *f, const char *text, bool keep_nl)
{
	const unsigned char *s = (const unsigned char *)text;
	uint32_t c;
	size_t n;

	while (*s) {
		n = utf8_char(s, &c);
		if (!n) {
			fprintf(f, "\\x%02x", *s++);
			continue;
		}
		if (cp_unsafe(c) && !(keep_nl && c == '\n')) {
			if (c < 0x80)
				fprintf(f, "\\x%02x", (unsigned)c);
			else
				fprintf(f, "\\u%04x", (unsigned)c);
		} else {
			fwrite(s, 1, n, f);
		}
		s += n;
	}
}

static bool out_tty = true;

void cli_tx_init(bool tty)
{
	out_tty = tty;
}

/* A ring of buffers, so one printf may take several. */
#define TX_RING 16

const char *cli_tx(const char *s)
{
	static char *ring[TX_RING];
	static unsigned next;
	char **slot;
	size_t len;
	FILE *m;

	if (!s || !out_tty)
		return s;
	slot = &ring[next++ % TX_RING];
	free(*slot);
	*slot = NULL;
	m = open_memstream(slot, &len);
	if (!m)
		return "?";
	cli_escape(m, s, false);
	if (fclose(m) || !*slot)
		return "?";
	return *slot;
}

void cli_err(const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	fputs("tagih: ", stderr);
	if (n < 0) {
		fputs("out of memory\n", stderr);
		return;
	}
	/* messages name what the operator gave or the store holds */
	if (isatty(STDERR_FILENO))
		cli_escape(stderr, msg, true);
	else
		fputs(msg, stderr);
	fputc('\n', stderr);
	free(msg);
}
