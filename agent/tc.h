/* SPDX-License-Identifier: GPL-2.0 */
/* tc.h - attach the meter's tc programs: tcx links pinned beside the maps (Linux 6.6+), else a clsact qdisc. */
#ifndef TAGIH_TC_H
#define TAGIH_TC_H

#include <stdbool.h>

struct meter;

/* The meter's tc programs; the hook follows from the program. */
enum tc_prog {
	TC_LAN_UP = 0,	/* tagih_lan_tc, ingress of a lan interface */
	TC_WAN_DOWN,	/* tagih_wan_tc, ingress of a wan interface */
	TC_LAN_DOWN,	/* tagih_lan_down, egress of a lan interface */
	TC__MAX
};
enum tc_hook { TC_INGRESS = 0, TC_EGRESS = 1 };

/* How: tc_link = auto (tcx, else clsact), tcx or clsact. */
enum tc_link { TC_LINK_AUTO = 0, TC_LINK_TCX, TC_LINK_CLSACT };
/* "auto", "tcx", "clsact" (NULL or "" = auto). 0 or -EINVAL. */
int tc_parse_link(const char *s, enum tc_link *l);

enum tc_hook tc_prog_hook(enum tc_prog p);
const char *tc_prog_name(enum tc_prog p);

/*
 * Make iface's hook run program p of the loaded meter m, once:
 *  - a tagih program already there that counts into m's pinned maps is
 *    kept (the same program: counting never stopped across a restart) or
 *    atomically replaced (another role: tcx link update, clsact replace);
 *  - one counting into other maps (another agent's) is refused: -EBUSY;
 *  - otherwise a tcx link is created and pinned in m's pin directory as
 *    tc_IFACE_ingress / tc_IFACE_egress, so it outlives the agent like
 *    the XDP programs; a kernel without tcx gets a clsact qdisc (made if
 *    missing, shared with other users) and a direct-action filter, handle
 *    TC_HANDLE, priority TC_PRIO. how = TC_LINK_CLSACT goes there
 *    directly (and takes off a tcx link of ours: one hook, one program);
 *    TC_LINK_TCX fails rather than fall back.
 * Returns 0 or -errno (logged).
 */
int tc_attach(const struct meter *m, const char *iface, enum tc_prog p,
	      enum tc_link how);

/* Does iface's hook run a tagih tc program counting into m's maps? */
bool tc_ours(const struct meter *m, const char *iface, enum tc_hook hook);

/*
 * Does iface's hook run a tagih tc program that counts into other maps
 * than m's (another agent's)? Logged as a refusal when it does.
 */
bool tc_foreign(const struct meter *m, const char *iface, enum tc_hook hook);

/*
 * Remove tagih's program from iface's hook, whichever way it was attached
 * (the clsact qdisc stays: others may use it). 0, -ENOENT (none) or
 * -errno.
 */
int tc_detach(const char *pin_dir, const char *iface, enum tc_hook hook);

#define TC_HANDLE	0x7467	/* "tg" */
#define TC_PRIO		1

#endif
