// SPDX-License-Identifier: GPL-2.0
/* outfile.c - private output files: mkstemp beside the target, fsync, rename. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/outfile.h"

int outfile_open(struct outfile *o, const char *path)
{
	char *d = NULL, *b = NULL;
	int fd, err;

	memset(o, 0, sizeof(*o));
	if (!path || !*path)
		return -EINVAL;
	d = strdup(path);
	b = strdup(path);
	o->path = strdup(path);
	if (!d || !b || !o->path ||
	    asprintf(&o->tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0) {
		o->tmp = NULL;
		err = -ENOMEM;
		goto fail;
	}
	fd = mkostemp(o->tmp, O_CLOEXEC);	/* O_EXCL, 0600 */
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		err = -errno;
		close(fd);
		unlink(o->tmp);
		goto fail;
	}
	free(d);
	free(b);
	return 0;
fail:
	free(d);
	free(b);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return err;
}

static void outfile_release(struct outfile *o)
{
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

int outfile_commit(struct outfile *o)
{
	int err = 0;

	if (!o->f)
		return -EBADF;
	if (fflush(o->f) || ferror(o->f))
		err = errno ? -errno : -EIO;
	if (!err && fsync(fileno(o->f)))
		err = -errno;
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path))
		err = -errno;
	if (err)
		unlink(o->tmp);
	outfile_release(o);
	return err;
}

void outfile_abort(struct outfile *o)
{
	if (o->f) {
		fclose(o->f);
		unlink(o->tmp);
	}
	outfile_release(o);
}
