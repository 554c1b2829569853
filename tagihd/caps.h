/* SPDX-License-Identifier: GPL-2.0 */
/* caps.h - give up every capability before tagihd faces the internet. */
#ifndef TAGIHD_CAPS_H
#define TAGIHD_CAPS_H

/*
 * Drop every capability from the bounding, ambient, inheritable,
 * permitted and effective sets of the calling thread and set
 * no_new_privs. Capabilities are per thread: call this before any thread
 * is created so every later thread starts with none. Returns 0 or -errno
 * (logged); the caller must refuse to run on error.
 */
int caps_drop_all(void);

/* Effective/permitted/bounding sets of this thread as 64-bit masks.
 * Returns 0 or -errno. */
int caps_read(unsigned long long *eff, unsigned long long *prm,
	      unsigned long long *bnd);

#endif
