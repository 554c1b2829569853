// SPDX-License-Identifier: GPL-2.0
/* caps.c - drop all capabilities with prctl + capset (no libcap needed). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "lib/log.h"
#include "tagihd/caps.h"

static int cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = 63;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = 63;
		fclose(f);
	}
	return last;
}

int caps_drop_all(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned long long e, p, b;
	int cap, last = cap_last(), err;

	/* the bounding set first: dropping it needs CAP_SETPCAP, which the
	 * capset below takes away */
	for (cap = 0; cap <= last; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			err = -errno;
			pr_warn("cannot drop capability %d from the bounding "
				"set: %s", cap, strerror(errno));
			return err;
		}
	}
	/* ambient: absent on old kernels (EINVAL), nothing to clear then */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		err = -errno;
		pr_warn("cannot clear ambient capabilities: %s",
			strerror(errno));
		return err;
	}
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data)) {
		err = -errno;
		pr_warn("capset: %s", strerror(errno));
		return err;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		pr_warn("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return err;
	}
	/* trust, but verify */
	err = caps_read(&e, &p, &b);
	if (err)
		return err;
	if (e || p || b) {
		pr_warn("capabilities still held after dropping them "
			"(eff %llx prm %llx bnd %llx)", e, p, b);
		return -EPERM;
	}
	return 0;
}

int caps_read(unsigned long long *eff, unsigned long long *prm,
	      unsigned long long *bnd)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int cap, last = cap_last();

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*eff = (unsigned long long)data[1].effective << 32 | data[0].effective;
	*prm = (unsigned long long)data[1].permitted << 32 | data[0].permitted;
	*bnd = 0;
	for (cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0)
			*bnd |= 1ULL << cap;
	return 0;
}
