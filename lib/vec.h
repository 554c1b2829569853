/* SPDX-License-Identifier: GPL-2.0 */
/* vec.h - room for one more item in a growable array (doubling realloc). */
#ifndef TAGIH_VEC_H
#define TAGIH_VEC_H

#include <stdlib.h>

/*
 * v holds n items of sz bytes in room for *cap. Returns v itself while
 * n < *cap, else v grown to twice *cap (first when *cap is 0) with *cap
 * updated, or NULL when out of memory (v and *cap untouched, still the
 * caller's). Use: p = vec_grow(a->v, a->n, &a->cap, sizeof(*a->v), 64);
 */
static inline void *vec_grow(void *v, size_t n, size_t *cap, size_t sz,
			     size_t first)
{
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : first;
	v = realloc(v, ncap * sz);
	if (v)
		*cap = ncap;
	return v;
}

#endif
