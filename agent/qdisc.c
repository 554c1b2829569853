// SPDX-License-Identifier: GPL-2.0
/* qdisc.c - the shaper's root qdiscs through tc(8): read the root, put fq or htb there, give it back, run a batch. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <jansson.h>

#include "agent/qdisc.h"
#include "lib/log.h"

extern char **environ;

/*
 * fq for EDT: packets wait for their tstamp; fq's own horizon (10 s, with
 * drop) is far beyond the shaper's, so fq never drops for time. One flow
 * may hold 1000 packets (a 100 Mbit/s subscriber's 50 ms is ~420 full
 * frames), all flows 100000.
 */
#define FQ_ARGS "fq", "limit", "100000", "flow_limit", "1000", "horizon", \
	"10s", "horizon_drop"

/*
 * Run tc with argv (NULL-terminated, argv[0] = "tc"); its standard output
 * into out (NUL-terminated, may be cut) when out != NULL, its errors to
 * ours unless quiet. Returns its exit status, or -errno when it could not
 * run.
 */
int qdisc_tc(char *const argv[], char *out, size_t n, bool quiet)
{
	posix_spawn_file_actions_t fa;
	int pfd[2], status, err;
	char sink[256];
	size_t have = 0;
	ssize_t r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
						 "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, "tc", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (err) {
		close(pfd[0]);
		return -err;
	}
	/* read to the end, so tc never blocks on a full pipe */
	while ((r = out && have < n - 1 ?
			    read(pfd[0], out + have, n - 1 - have) :
			    read(pfd[0], sink, sizeof(sink))) > 0)
		if (out && have < n - 1)
			have += (size_t)r;
	if (out)
		out[have] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

static int run_tc(char *const argv[], char *out, size_t n)
{
	return qdisc_tc(argv, out, n, false);
}

int qdisc_root_get(const char *dev, struct qdisc_root *r)
{
	char *argv[] = { "tc", "-j", "qdisc", "show", "dev", (char *)dev,
			 "root", NULL };
	char out[4096];
	json_error_t je;
	json_t *j, *q;
	int rc;

	rc = run_tc(argv, out, sizeof(out));
	if (rc)
		return rc < 0 ? rc : -EIO;
	j = json_loads(out, 0, &je);
	q = json_is_array(j) ? json_array_get(j, 0) : NULL;
	if (!q || !json_is_string(json_object_get(q, "kind"))) {
		json_decref(j);
		return -EIO;
	}
	snprintf(r->kind, sizeof(r->kind), "%s",
		 json_string_value(json_object_get(q, "kind")));
	r->ours = json_is_string(json_object_get(q, "handle")) &&
		!strcmp(json_string_value(json_object_get(q, "handle")),
			QDISC_HTB_HANDLE);
	json_decref(j);
	return 0;
}

/* Root qdiscs the kernel puts there by itself: ours to replace. */
static bool kind_is_default(const char *k)
{
	return !strcmp(k, "noqueue") || !strcmp(k, "pfifo_fast") ||
	       !strcmp(k, "fq_codel") || !strcmp(k, "mq") ||
	       !strcmp(k, "pfifo");
}

static int tx_queues(const char *dev)
{
	char path[128];
	int n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues/tx-%d",
			 dev, n);
		if (access(path, F_OK))
			return n ? n : 1;
		n++;
	}
}

int qdisc_fq_up(const char *dev, const struct qdisc_root *r,
		const char *what, bool probe, bool *made)
{
	const char *kind = r->kind;
	char parent[32];
	int rc, i, nq;

	if (!strcmp(kind, "fq"))
		return 0;	/* ours from an earlier run, or the operator's */
	if (!kind_is_default(kind)) {
		pr_warn("shape: %s: root qdisc is %s, not a default one: left "
			"alone, %s not shaped", dev, kind, what);
		return -EEXIST;
	}
	nq = tx_queues((char *)dev);
	if (nq == 1) {
		char *argv[] = { "tc", "qdisc", "replace", "dev", (char *)dev,
				 "root", FQ_ARGS, NULL };

		rc = qdisc_tc(argv, NULL, 0, probe);
	} else {
		char *mq[] = { "tc", "qdisc", "replace", "dev", (char *)dev, "root",
			       "handle", QDISC_FQ_HANDLE, "mq", NULL };

		rc = run_tc(mq, NULL, 0);
		for (i = 0; !rc && i < nq; i++) {
			char *argv[] = { "tc", "qdisc", "replace", "dev",
					 (char *)dev, "parent", parent, FQ_ARGS,
					 NULL };

			snprintf(parent, sizeof(parent), QDISC_FQ_HANDLE "%x", i + 1);
			rc = run_tc(argv, NULL, 0);
		}
	}
	if (rc) {
		/* tc says "Specified qdisc kind is unknown": no sch_fq */
		if (!probe)
			pr_warn("shape: %s: tc could not put fq at the root "
				"(%d)", (char *)dev, rc);
		return rc < 0 ? rc : -EOPNOTSUPP;
	}
	*made = true;
	pr_info("shape: %s: fq at the root (was %s, %d tx queue%s)", (char *)dev,
		kind, nq, nq == 1 ? "" : "s");
	return 0;
}

int qdisc_htb_up(const char *dev, const struct qdisc_root *r,
		 const char *what, bool *made)
{
	char *del[] = { "tc", "qdisc", "del", "dev", (char *)dev, "root", NULL };
	char *add[] = { "tc", "qdisc", "add", "dev", (char *)dev, "root",
			"handle", QDISC_HTB_HANDLE, "htb", "default", "0",
			NULL };
	const char *kind = r->kind;
	int rc;

	if (!kind_is_default(kind) && !(r->ours && !strcmp(kind, "htb"))) {
		pr_warn("shape: %s: root qdisc is %s, not a default one: left "
			"alone, %s not shaped", dev, kind, what);
		return -EEXIST;
	}
	if (!strcmp(kind, "htb"))
		run_tc(del, NULL, 0);	/* ours from an earlier run */
	rc = run_tc(add, NULL, 0);
	if (rc) {
		pr_warn("shape: %s: tc could not put htb at the root (%d)",
			(char *)dev, rc);
		return rc < 0 ? rc : -EIO;
	}
	*made = true;
	pr_info("shape: %s: htb at the root (was %s)", (char *)dev, kind);
	return 0;
}

void qdisc_root_del(const char *dev)
{
	char *argv[] = { "tc", "qdisc", "del", "dev", (char *)dev, "root",
			 NULL };

	if (run_tc(argv, NULL, 0))
		pr_warn("shape: %s: could not remove the root qdisc", dev);
}

int qdisc_batch(const char *path)
{
	char *argv[] = { "tc", "-force", "-batch", (char *)path, NULL };

	return run_tc(argv, NULL, 0);
}
