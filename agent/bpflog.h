/* SPDX-License-Identifier: GPL-2.0 */
/* bpflog.h - route libbpf and libxdp messages into pr_*. */
#ifndef TAGIH_BPFLOG_H
#define TAGIH_BPFLOG_H

/* libbpf's warnings (mostly feature probes) become debug lines; libxdp's
 * warnings become info lines. Call once, before the first libbpf call. */
void log_route_libbpf(void);

#endif
