// SPDX-License-Identifier: GPL-2.0
/* tc.c - attach the meter's tc programs: tcx links pinned beside the maps (Linux 6.6+), else a clsact qdisc. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent/meter.h"
#include "agent/tc.h"
#include "bpf/tagih_meter.skel.h"
#include "lib/log.h"

/*
 * libbpf 1.1 (Debian 12) has no tcx API, but bpf_link_create() passes any
 * attach type through: the kernel's numbers (uapi since 6.6).
 */
#ifndef BPF_TCX_INGRESS
#define TAGIH_TCX_INGRESS	46
#define TAGIH_TCX_EGRESS	47
#else
#define TAGIH_TCX_INGRESS	BPF_TCX_INGRESS
#define TAGIH_TCX_EGRESS	BPF_TCX_EGRESS
#endif
#define TAGIH_LINK_TYPE_TCX	11

static const char *const prog_names[TC__MAX] = {
	[TC_LAN_UP] = "tagih_lan_tc",
	[TC_WAN_DOWN] = "tagih_wan_tc",
	[TC_LAN_DOWN] = "tagih_lan_down",
};
static const char *const hook_names[] = { "ingress", "egress" };

enum tc_hook tc_prog_hook(enum tc_prog p)
{
	return p == TC_LAN_DOWN ? TC_EGRESS : TC_INGRESS;
}

const char *tc_prog_name(enum tc_prog p)
{
	return (unsigned)p < TC__MAX ? prog_names[p] : "?";
}

static int skel_prog_fd(const struct meter *m, enum tc_prog p)
{
	switch (p) {
	case TC_LAN_UP:
		return bpf_program__fd(m->skel->progs.tagih_lan_tc);
	case TC_WAN_DOWN:
		return bpf_program__fd(m->skel->progs.tagih_wan_tc);
	default:
		return bpf_program__fd(m->skel->progs.tagih_lan_down);
	}
}

static void pin_path(char *buf, size_t n, const char *pin_dir,
		     const char *iface, enum tc_hook hook)
{
	snprintf(buf, n, "%s/tc_%s_%s", pin_dir, iface, hook_names[hook]);
}

/* What we know of an attached program. */
struct tc_seen {
	char name[BPF_OBJ_NAME_LEN];
	bool tagih;	/* named tagih_* */
	bool ours;	/* counts into m's tagih_cnt */
};

/* Look at program id: its name and whether it counts into m's maps. */
static int prog_seen(const struct meter *m, __u32 id, struct tc_seen *s)
{
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;
	__u32 ids[32], len = sizeof(pinfo), mlen = sizeof(minfo), i;
	int fd, cnt_fd, err = 0;

	memset(s, 0, sizeof(*s));
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	pinfo.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &pinfo, &len)) {
		err = -errno;
		goto out;
	}
	snprintf(s->name, sizeof(s->name), "%s", pinfo.name);
	s->tagih = !strncmp(pinfo.name, "tagih_", 6);
	cnt_fd = meter_map_fd(m, TAGIH_MAP_CNT);
	memset(&minfo, 0, sizeof(minfo));
	if (cnt_fd < 0 || bpf_obj_get_info_by_fd(cnt_fd, &minfo, &mlen))
		goto out;
	for (i = 0; i < pinfo.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]);
	     i++)
		if (ids[i] == minfo.id)
			s->ours = true;
out:
	close(fd);
	return err;
}

static int refuse(const struct meter *m, const char *iface,
		  enum tc_hook hook, const char *name)
{
	pr_warn("%s: %s is attached to the tc %s and counts into maps that "
		"are not in %s: another tagih-agent meters this interface, or "
		"its pins were removed by hand. Stop that agent with --detach, "
		"or remove the program (bpftool net detach / tc filter del), "
		"then start again", iface, name, hook_names[hook], m->pin_dir);
	return -EBUSY;
}

/* --- tcx ------------------------------------------------------------------ */

static __u32 tcx_type(enum tc_hook hook)
{
	return hook == TC_EGRESS ? TAGIH_TCX_EGRESS : TAGIH_TCX_INGRESS;
}

/* The tcx link's ifindex, attach type and program id; 0 or -errno. */
static int tcx_link_info(int fd, __u32 *ifindex, __u32 *type, __u32 *prog)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != TAGIH_LINK_TYPE_TCX)
		return -EINVAL;
	/* tcx's union member is { ifindex, attach_type }, as netns' */
	*ifindex = info.netns.netns_ino;
	*type = info.netns.attach_type;
	*prog = info.prog_id;
	return 0;
}

/* The pinned link, if it still holds iface's hook: its fd, else -errno. */
static int tcx_pinned(const char *path, int ifindex, enum tc_hook hook,
		      __u32 *prog)
{
	__u32 ifx, type;
	int fd;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (tcx_link_info(fd, &ifx, &type, prog) == 0 &&
	    ifx == (__u32)ifindex && type == tcx_type(hook))
		return fd;
	/* the device went away (or was made anew): the link is dead */
	close(fd);
	unlink(path);
	return -ENOENT;
}

/*
 * A tcx link of ours on iface's hook that lost its pin: found among all
 * links, so it can be pinned again (never a second one beside it).
 */
static int tcx_find_link(int ifindex, enum tc_hook hook, __u32 prog_id)
{
	__u32 id = 0, ifx, type, prog;
	int fd;

	while (bpf_link_get_next_id(id, &id) == 0) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (tcx_link_info(fd, &ifx, &type, &prog) == 0 &&
		    ifx == (__u32)ifindex && type == tcx_type(hook) &&
		    prog == prog_id)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/*
 * Returns 0 (attached, kept or replaced), -EOPNOTSUPP (no tcx in this
 * kernel: use clsact) or -errno.
 */
static int tcx_attach(const struct meter *m, const char *iface, int ifindex,
		      enum tc_prog p)
{
	enum tc_hook hook = tc_prog_hook(p);
	__u32 ids[64], cnt = sizeof(ids) / sizeof(ids[0]), flags = 0, prog, i;
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, lopts);
	int fd, err, pfd = skel_prog_fd(m, p);
	struct tc_seen s;
	char path[512];

	pin_path(path, sizeof(path), m->pin_dir, iface, hook);
	fd = tcx_pinned(path, ifindex, hook, &prog);
	if (fd < 0) {
		/* anything tagih on this hook without our pin? */
		if (bpf_prog_query(ifindex, tcx_type(hook), 0, &flags, ids,
				   &cnt)) {
			err = -errno;
			if (err == -EINVAL)
				return -EOPNOTSUPP;
			cnt = 0;
		}
		for (i = 0; i < cnt && fd < 0; i++) {
			if (prog_seen(m, ids[i], &s) || !s.tagih)
				continue;
			if (!s.ours)
				return refuse(m, iface, hook, s.name);
			fd = tcx_find_link(ifindex, hook, ids[i]);
			prog = ids[i];
			if (fd >= 0 && bpf_obj_pin(fd, path)) {
				err = -errno;
				close(fd);
				return err;
			}
		}
	}
	if (fd >= 0) {
		err = prog_seen(m, prog, &s);
		if (!err && s.ours && !strcmp(s.name, prog_names[p])) {
			pr_info("%s: keeping %s on the tc %s (tcx): counting "
				"never stopped", iface, prog_names[p],
				hook_names[hook]);
			close(fd);
			return 0;
		}
		if (!err && !s.ours) {
			close(fd);
			return refuse(m, iface, hook, s.name);
		}
		/* ours, another role (or unreadable): swap, no gap */
		err = bpf_link_update(fd, pfd, NULL) ? -errno : 0;
		close(fd);
		if (!err) {
			pr_info("%s: tc %s now runs %s (tcx, replaced %s)",
				iface, hook_names[hook], prog_names[p], s.name);
			return 0;
		}
		pr_warn("%s: cannot replace %s on the tc %s: %s", iface,
			s.name, hook_names[hook], strerror(-err));
		return err;
	}
	fd = bpf_link_create(pfd, ifindex, tcx_type(hook), &lopts);
	if (fd < 0) {
		err = -errno;
		return err == -EINVAL ? -EOPNOTSUPP : err;
	}
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		pr_warn("%s: pin %s: %s", iface, path, strerror(-err));
		close(fd);	/* the link goes with its last fd */
		return err;
	}
	close(fd);
	pr_info("%s: attached %s to the tc %s (tcx)", iface, prog_names[p],
		hook_names[hook]);
	return 0;
}

/* --- clsact (kernels before 6.6) --------------------------------------- */

static void tc_hook_of(struct bpf_tc_hook *h, int ifindex, enum tc_hook hook)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = hook == TC_EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

static int clsact_attach(const struct meter *m, const char *iface,
			 int ifindex, enum tc_prog p)
{
	enum tc_hook hook = tc_prog_hook(p);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = TC_HANDLE,
			    .priority = TC_PRIO);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, a, .handle = TC_HANDLE,
			    .priority = TC_PRIO);
	struct bpf_tc_hook h;
	struct tc_seen s;
	int err;

	tc_hook_of(&h, ifindex, hook);
	err = bpf_tc_hook_create(&h);
	if (err && err != -EEXIST) {
		pr_warn("%s: clsact qdisc: %s", iface, strerror(-err));
		return err;
	}
	if (bpf_tc_query(&h, &q) == 0 && q.prog_id) {
		err = prog_seen(m, q.prog_id, &s);
		if (!err && s.tagih && !s.ours)
			return refuse(m, iface, hook, s.name);
		if (!err && s.ours && !strcmp(s.name, prog_names[p])) {
			pr_info("%s: keeping %s on the tc %s (clsact): "
				"counting never stopped", iface, prog_names[p],
				hook_names[hook]);
			return 0;
		}
		if (!s.tagih) {
			pr_warn("%s: tc %s filter handle %#x priority %d is "
				"%s, not tagih's: not touched", iface,
				hook_names[hook], TC_HANDLE, TC_PRIO, s.name);
			return -EBUSY;
		}
		a.flags = BPF_TC_F_REPLACE;
	}
	a.prog_fd = skel_prog_fd(m, p);
	err = bpf_tc_attach(&h, &a);
	if (err) {
		pr_warn("%s: attach %s to the tc %s: %s", iface, prog_names[p],
			hook_names[hook], strerror(-err));
		return err;
	}
	pr_info("%s: attached %s to the tc %s (clsact)", iface, prog_names[p],
		hook_names[hook]);
	return 0;
}

/* --- both ------------------------------------------------------------------ */

int tc_parse_link(const char *s, enum tc_link *l)
{
	if (!s || !*s || !strcmp(s, "auto"))
		*l = TC_LINK_AUTO;
	else if (!strcmp(s, "tcx"))
		*l = TC_LINK_TCX;
	else if (!strcmp(s, "clsact"))
		*l = TC_LINK_CLSACT;
	else
		return -EINVAL;
	return 0;
}

static int tcx_unpin(const char *pin_dir, const char *iface,
		     enum tc_hook hook)
{
	char path[512];
	int fd;

	pin_path(path, sizeof(path), pin_dir, iface, hook);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_link_detach(fd))
		pr_debug("%s: link detach: %s", iface, strerror(errno));
	close(fd);
	if (unlink(path))
		return -errno;
	pr_info("%s: detached the tc %s program (tcx)", iface,
		hook_names[hook]);
	return 0;
}

static int clsact_detach(int ifindex, const char *iface, enum tc_hook hook);

/* Does the kernel know tcx (a query of the hook is not refused)? */
static bool tcx_supported(int ifindex, enum tc_hook hook)
{
	__u32 cnt = 0, flags = 0;

	return bpf_prog_query(ifindex, tcx_type(hook), 0, &flags, NULL,
			      &cnt) == 0 || errno != EINVAL;
}

int tc_attach(const struct meter *m, const char *iface, enum tc_prog p,
	      enum tc_link how)
{
	int ifindex, err;

	if ((unsigned)p >= TC__MAX || !m->skel)
		return -EINVAL;
	ifindex = if_nametoindex(iface);
	if (!ifindex) {
		err = -errno;
		pr_warn("interface %s: %s", iface, strerror(-err));
		return err;
	}
	if (how == TC_LINK_CLSACT) {
		/* taken off first: never two of ours on one hook */
		tcx_unpin(m->pin_dir, iface, tc_prog_hook(p));
		return clsact_attach(m, iface, ifindex, p);
	}
	if (tcx_supported(ifindex, tc_prog_hook(p)))
		/* one of ours left on the clsact: off first, never two */
		clsact_detach(ifindex, iface, tc_prog_hook(p));
	err = tcx_attach(m, iface, ifindex, p);
	if (err != -EOPNOTSUPP || how == TC_LINK_TCX) {
		if (err)
			pr_warn("%s: cannot attach %s: %s", iface,
				prog_names[p], strerror(-err));
		return err;
	}
	pr_info("%s: no tcx in this kernel (Linux < 6.6): using a clsact "
		"qdisc", iface);
	return clsact_attach(m, iface, ifindex, p);
}

bool tc_ours(const struct meter *m, const char *iface, enum tc_hook hook)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = TC_HANDLE,
			    .priority = TC_PRIO);
	struct bpf_tc_hook h;
	struct tc_seen s;
	char path[512];
	int ifindex, fd;
	__u32 prog;

	ifindex = if_nametoindex(iface);
	if (!ifindex)
		return false;
	pin_path(path, sizeof(path), m->pin_dir, iface, hook);
	fd = tcx_pinned(path, ifindex, hook, &prog);
	if (fd >= 0) {
		close(fd);
		return prog_seen(m, prog, &s) == 0 && s.ours;
	}
	tc_hook_of(&h, ifindex, hook);
	return bpf_tc_query(&h, &q) == 0 && q.prog_id &&
	       prog_seen(m, q.prog_id, &s) == 0 && s.ours;
}

bool tc_foreign(const struct meter *m, const char *iface, enum tc_hook hook)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = TC_HANDLE,
			    .priority = TC_PRIO);
	__u32 ids[64], cnt = sizeof(ids) / sizeof(ids[0]), flags = 0, i;
	struct bpf_tc_hook h;
	struct tc_seen s;
	int ifindex;

	ifindex = if_nametoindex(iface);
	if (!ifindex)
		return false;
	if (bpf_prog_query(ifindex, tcx_type(hook), 0, &flags, ids, &cnt))
		cnt = 0;
	for (i = 0; i < cnt; i++)
		if (prog_seen(m, ids[i], &s) == 0 && s.tagih && !s.ours)
			return refuse(m, iface, hook, s.name) != 0;
	tc_hook_of(&h, ifindex, hook);
	if (bpf_tc_query(&h, &q) == 0 && q.prog_id &&
	    prog_seen(m, q.prog_id, &s) == 0 && s.tagih && !s.ours)
		return refuse(m, iface, hook, s.name) != 0;
	return false;
}

static int clsact_detach(int ifindex, const char *iface, enum tc_hook hook)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = TC_HANDLE,
			    .priority = TC_PRIO);
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct bpf_tc_hook h;
	bool tagih = false;
	int pfd, err;

	tc_hook_of(&h, ifindex, hook);
	if (bpf_tc_query(&h, &q) || !q.prog_id)
		return -ENOENT;
	pfd = bpf_prog_get_fd_by_id(q.prog_id);
	memset(&info, 0, sizeof(info));
	if (pfd >= 0 && !bpf_obj_get_info_by_fd(pfd, &info, &len))
		tagih = !strncmp(info.name, "tagih_", 6);
	if (pfd >= 0)
		close(pfd);
	if (!tagih)
		return -ENOENT;
	q.prog_id = 0;	/* detach wants only handle+prio */
	q.prog_fd = 0;
	q.flags = 0;
	err = bpf_tc_detach(&h, &q);
	if (!err)
		pr_info("%s: detached the tc %s program (clsact)", iface,
			hook_names[hook]);
	return err;
}

int tc_detach(const char *pin_dir, const char *iface, enum tc_hook hook)
{
	int ifindex = if_nametoindex(iface);
	int a = tcx_unpin(pin_dir, iface, hook);
	int b = ifindex ? clsact_detach(ifindex, iface, hook) : -ENOENT;

	return a == 0 || b == 0 ? 0 : a != -ENOENT ? a : b;
}
