/* SPDX-License-Identifier: GPL-2.0 */
/* tmpdir.h - unit tests' temporary directories, removed even when a test fails. */
#ifndef TAGIH_TMPDIR_H
#define TAGIH_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * check runs each test in a child that _exit()s straight from a failed
 * assertion: neither the checked teardown nor an atexit handler runs
 * there, and the test's store would stay in /tmp.  So every test's
 * directory lives in one per-run folder that the parent (the process
 * that made it) removes when it exits.
 */
static char tmpdir_base[48];
static pid_t tmpdir_owner;

__attribute__((constructor)) static void tmpdir_base_make(void)
{
	snprintf(tmpdir_base, sizeof(tmpdir_base), "/tmp/tagih-unit.XXXXXX");
	if (mkdtemp(tmpdir_base))
		tmpdir_owner = getpid();
	else
		tmpdir_base[0] = '\0';
}

static inline int tmpdir_rm_one(const char *path, const struct stat *sb,
				int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

__attribute__((destructor)) static void tmpdir_base_remove(void)
{
	if (tmpdir_base[0] && getpid() == tmpdir_owner)
		nftw(tmpdir_base, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes a fresh directory NAME-XXXXXX in the run's folder into buf;
 * returns buf, or NULL (errno set). */
static inline char *tmpdir_make(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s-XXXXXX",
		 tmpdir_base[0] ? tmpdir_base : "/tmp", name);
	return mkdtemp(buf);
}

#endif
