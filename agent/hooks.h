/* SPDX-License-Identifier: GPL-2.0 */
/* hooks.h - which program runs where: XDP or tc per interface (xdp_mode), downloads on the wan ingress or the lan egress (download_hook). */
#ifndef TAGIH_HOOKS_H
#define TAGIH_HOOKS_H

struct agent;

/*
 * Attach (or keep) the meter on every configured interface:
 *  - lan: its ingress bills uploads: XDP tagih_lan (native or skb) or tc
 *    tagih_lan_tc, per xdp_mode (auto: native XDP on a real NIC, tc if
 *    it refuses or was chosen before; tc on virtual devices);
 *  - download_hook wan: each wan's ingress bills downloads the same way
 *    (tagih_wan / tagih_wan_tc), nothing on the lan egress;
 *  - download_hook lan: each lan's tc egress bills them (tagih_lan_down,
 *    only packets that came in on a wan: tagih_wanif is loaded first),
 *    and the wans run no tagih program, so a download is billed once;
 *  - auto: lan when this box masquerades (agent/nat.h), else wan.
 * A program of the other kind left by an earlier configuration is taken
 * off first (a change of mode never bills a packet twice). Returns 0 or
 * -errno (logged).
 */
int hooks_up(struct agent *a);

/*
 * With downloads on the lan egress: load tagih_wanif with the wans'
 * ifindexes as they are now (a wan recreated since, as ppp0 after a
 * redial, has a new one; a missing wan is skipped). Called at every full
 * reconcile. 0 or -errno.
 */
int hooks_wanif(struct agent *a);

/* --detach: take every tagih program off the configured interfaces. */
void hooks_down(struct agent *a);

/* "wan" or "lan": the download hook hooks_up() chose. */
const char *hooks_download(const struct agent *a);

#endif
