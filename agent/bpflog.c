// SPDX-License-Identifier: GPL-2.0
/* bpflog.c - libbpf and libxdp messages into pr_* (only the agent links them). */
#include <stdarg.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "agent/bpflog.h"
#include "lib/log.h"

/* libbpf is chatty at WARN about probing; its warnings become our debug. */
static int log_libbpf(enum libbpf_print_level lvl, const char *fmt,
		      va_list ap)
{
	(void)lvl;
	log_vmsg(LOG_DEBUG, fmt, ap);
	return 0;
}

static int log_libxdp(enum libxdp_print_level lvl, const char *fmt,
		      va_list ap)
{
	log_vmsg(lvl == LIBXDP_WARN ? LOG_INFO : LOG_DEBUG, fmt, ap);
	return 0;
}

void log_route_libbpf(void)
{
	libbpf_set_print(log_libbpf);
	libxdp_set_print(log_libxdp);
}
