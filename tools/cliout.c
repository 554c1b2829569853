// SPDX-License-Identifier: GPL-2.0
/* cliout.c - text from the store made safe for the operator's terminal: control characters escaped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/cli.h"
#include "lib/text.h"

/*
 * Names, notes and reasons come from whoever typed them (and from stores
 * written before input was checked). Printed raw, an ESC sequence retitles
 * or clears the operator's terminal, or hides what follows. On a terminal
 * every control character is shown as \xNN (C0, DEL, and bytes that are
 * not UTF-8, since a lone 0x9b is CSI to some terminals) or \uNNNN (C1,
 * and the bidirectional overrides and line separators that reorder text).
 * Valid UTF-8 otherwise passes untouched. Decoding and what counts as
 * unsafe are lib/text's (text_char, text_cp_bad), so what the CLI escapes
 * is exactly what its input check refuses.
 */
void cli_escape(FILE *f, const char *text, bool keep_nl)
{
	const char *s = text, *end = text + strlen(text);
	uint32_t c;
	size_t n;

	while (*s) {
		n = text_char(s, (size_t)(end - s), &c);
		if (!n) {
			fprintf(f, "\\x%02x", (unsigned char)*s++);
			continue;
		}
		if (text_cp_bad(c, NULL) && !(keep_nl && c == '\n')) {
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
