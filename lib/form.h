/* SPDX-License-Identifier: GPL-2.0 */
/* form.h - one field of an application/x-www-form-urlencoded body. */
#ifndef TAGIH_FORM_H
#define TAGIH_FORM_H

#include <stddef.h>

/*
 * The value of name in body (len bytes, not NUL-terminated), decoded
 * ('+' and %XX) into out (size n). Returns 0, -ENOENT (absent) or
 * -EINVAL (too long, bad escape, NUL or control character).
 */
int form_get(const char *body, size_t len, const char *name, char *out,
	     size_t n);

#endif
