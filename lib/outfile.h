/* SPDX-License-Identifier: GPL-2.0 */
/* outfile.h - a private output file (exports): made 0600 beside its target, renamed into place when complete. */
#ifndef TAGIH_OUTFILE_H
#define TAGIH_OUTFILE_H

#include <stdio.h>

/*
 * Exports hold names and phone numbers. The file is created with
 * mkstemp(3) in the target's directory (O_EXCL, mode 0600 whatever the
 * umask), so nothing planted at a guessable name is followed or
 * truncated, and nobody else can open it while it is written; commit
 * renames it over the target (a symlink there is replaced, never
 * followed). A failed export leaves no file and the old target intact.
 */
struct outfile {
	FILE *f;	/* write here */
	char *tmp;	/* DIR/.NAME.XXXXXX */
	char *path;
};

/* Returns 0 with o->f open, or -errno (nothing created). */
int outfile_open(struct outfile *o, const char *path);
/* Flush, fsync, rename over the target. Returns 0 or -errno; on error
 * the temporary file is removed. Either way o is released. */
int outfile_commit(struct outfile *o);
/* Remove the temporary file and release o (safe to call twice). */
void outfile_abort(struct outfile *o);

#endif
