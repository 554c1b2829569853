/* SPDX-License-Identifier: GPL-2.0 */
/* tmpstore.h - a fresh temporary LMDB store per unit test, removed after. */
#ifndef TAGIH_TMPSTORE_H
#define TAGIH_TMPSTORE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing/store.h"
#include "tests/unit/tmpdir.h"

static char tmp_dir[64];
static struct store *tmp_st;

static inline void tmp_store_setup(void)
{
	ck_assert_ptr_nonnull(tmpdir_make(tmp_dir, sizeof(tmp_dir), "store"));
	setenv("TAGIH_MAPSIZE_GB", "1", 1);
	ck_assert_int_eq(store_open(&tmp_st, tmp_dir, STORE_CREATE), 0);
}

static inline void tmp_store_teardown(void)
{
	char p[128];

	store_close(tmp_st);
	tmp_st = NULL;
	snprintf(p, sizeof(p), "%s/data.mdb", tmp_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", tmp_dir);
	unlink(p);
	rmdir(tmp_dir);
}

/* Every suite main() looks the same. */
#define TMP_SUITE_MAIN(make_suite)                                 \
	int main(void)                                             \
	{                                                          \
		SRunner *sr = srunner_create(make_suite());        \
		int nf;                                            \
		srunner_run_all(sr, CK_NORMAL);                    \
		nf = srunner_ntests_failed(sr);                    \
		srunner_free(sr);                                  \
		return nf ? EXIT_FAILURE : EXIT_SUCCESS;           \
	}

#endif
