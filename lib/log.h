/* SPDX-License-Identifier: GPL-2.0 */
/* log.h - the one logging module: pr_warn/pr_info/pr_debug. */
#ifndef TAGIH_LOG_H
#define TAGIH_LOG_H

enum log_level { LOG_WARN = 0, LOG_INFO = 1, LOG_DEBUG = 2 };

/* Messages at or below this level are printed (default LOG_INFO). */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Prefix every line with the program name, e.g. "tagih-agent". */
void log_set_ident(const char *ident);
/* The same with a va_list (for libraries' print callbacks). Trailing
 * newlines are dropped: every line gets exactly one. */
#include <stdarg.h>
void log_vmsg(enum log_level lvl, const char *fmt, va_list ap);

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
