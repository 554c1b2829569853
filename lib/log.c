// SPDX-License-Identifier: GPL-2.0
/* log.c - pr_* to stderr with the program's ident. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"

static enum log_level log_level = LOG_INFO;
static const char *log_ident = "tagih";

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_set_ident(const char *ident)
{
	log_ident = ident ? ident : "tagih";
}

void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	if (lvl > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* libbpf lines come with their own newline; ours usually don't */
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	fprintf(stderr, "%s: %s%s\n", log_ident,
		lvl == LOG_DEBUG ? "debug: " : "", buf);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}
