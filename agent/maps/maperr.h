/* SPDX-License-Identifier: GPL-2.0 */
/* maperr.h - the errors of writing pinned BPF maps, read one way everywhere. */
#ifndef TAGIH_MAPERR_H
#define TAGIH_MAPERR_H

#include <errno.h>
#include <stdbool.h>

/* An update failed because the map is full (never silent: callers log
 * and count it). */
static inline bool map_full_err(int err)
{
	return err == -ENOSPC || err == -E2BIG || err == -ENOMEM;
}

/* Keep going through every step of a sync, report the first error. */
static inline int first_err(int a, int b)
{
	return a ? a : b;
}

#endif
