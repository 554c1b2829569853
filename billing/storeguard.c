// SPDX-License-Identifier: GPL-2.0
/* storeguard.c - the last guard of a damaged store: a fault inside LMDB's map or code ends the program with a message, not a core. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ucontext.h>

#include "billing/store.h"

/*
 * store_open validates what it can before LMDB reads a page (the file
 * size against the last used page, the meta pages, the tables), and the
 * record wrappers check every key and value lies in the file before
 * reading it and then its checksum. What is left is LMDB 0.9's own walk
 * of the tree: it follows a child page number from a branch page, or a
 * node offset in a page, without checking it against the file, so one
 * flipped byte there makes it read past the end of data.mdb (SIGBUS) or
 * of the map (SIGSEGV). Such a fault, when its address is in a store's
 * map or the faulting instruction is in liblmdb, is a damaged store:
 * this prints so (precomputed, async-signal-safe) and exits 1 (a read
 * txn holds no data; a write txn dies uncommitted, so nothing was
 * written). Any other fault is a bug: it keeps its default action.
 */
#define GUARD_MAX 8

static struct guard {
	uintptr_t lo, hi;	/* the map; 0: free slot */
	char msg[400];
	size_t len;
} guards[GUARD_MAX];
static uintptr_t lmdb_lo, lmdb_hi;	/* liblmdb's code */
static int installed;

static void lmdb_text(void)
{
	unsigned long lo, hi;
	char line[512], perm[8];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "liblmdb") &&
		    sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3 &&
		    strchr(perm, 'x')) {
			lmdb_lo = lo;
			lmdb_hi = hi;
		}
	fclose(f);
}

static uintptr_t fault_pc(void *uc)
{
#if defined(__x86_64__)
	return (uintptr_t)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)((ucontext_t *)uc)->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, pc = fault_pc(uc);
	bool in_lmdb = pc && pc >= lmdb_lo && pc < lmdb_hi;
	struct guard *g = NULL;
	int i;

	for (i = 0; i < GUARD_MAX; i++)
		if (guards[i].lo && ((a >= guards[i].lo && a < guards[i].hi) ||
				     in_lmdb)) {
			g = &guards[i];
			break;
		}
	if (!g) {
		signal(sig, SIG_DFL);	/* not the store's: crash as is */
		return;
	}
	if (write(STDERR_FILENO, g->msg, g->len) < 0)
		_exit(1);
	_exit(1);
}

void store_guard_add(uintptr_t lo, size_t len, const char *path)
{
	struct sigaction sa;
	int i;

	if (!lo)
		return;
	for (i = 0; i < GUARD_MAX && guards[i].lo; i++)
		;
	if (i == GUARD_MAX)
		return;
	snprintf(guards[i].msg, sizeof(guards[i].msg),
		 "%s: store damaged: %s/data.mdb: reading it went outside the "
		 "file (a damaged page); nothing was written; restore it from "
		 "a backup, `tagih fsck --deep` lists what it can\n",
		 program_invocation_short_name, path);
	guards[i].len = strlen(guards[i].msg);
	guards[i].hi = lo + len;
	__atomic_store_n(&guards[i].lo, lo, __ATOMIC_RELEASE);
	if (installed++)
		return;
#if defined(__SANITIZE_ADDRESS__)
	return;		/* ASan's own handler reports faults better */
#endif
	lmdb_text();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

void store_guard_del(uintptr_t lo)
{
	int i;

	for (i = 0; lo && i < GUARD_MAX; i++)
		if (guards[i].lo == lo)
			__atomic_store_n(&guards[i].lo, 0, __ATOMIC_RELEASE);
}
