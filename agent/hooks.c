// SPDX-License-Identifier: GPL-2.0
/* hooks.c - which program runs where: XDP or tc per interface (xdp_mode), downloads on the wan ingress or the lan egress (download_hook). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "agent/agent.h"
#include "agent/hooks.h"
#include "agent/ifinfo.h"
#include "agent/loader.h"
#include "agent/maps/wanif.h"
#include "agent/nat.h"
#include "agent/tc.h"
#include "lib/log.h"

static bool download_on_lan(struct agent *a)
{
	const char *h = a->conf.download_hook;
	char why[160], kind[32], slave[32];
	int i;

	if (h && !strcmp(h, "lan"))
		return true;
	if (h && !strcmp(h, "wan"))
		return false;
	if (!a->conf.n_lan)
		return false;
	for (i = 0; i < a->conf.n_lan; i++) {
		if (ifinfo_kinds(a->conf.lan[i], kind, sizeof(kind), slave,
				 sizeof(slave)) == 0 &&
		    !strcmp(slave, "bridge")) {
			pr_info("download_hook auto: %s is a bridge port (bump "
				"in the wire): downloads are billed on the wan "
				"port's ingress", a->conf.lan[i]);
			return false;
		}
	}
	if (nat_present(a->conf.wan, a->conf.n_wan, why, sizeof(why))) {
		pr_info("download_hook auto: this box does NAT (%s): downloads "
			"are billed on the lan egress", why);
		return true;
	}
	pr_info("download_hook auto: no masquerade/SNAT rule found: downloads "
		"are billed on the wan ingress (set download_hook = lan if "
		"NAT is set up after the agent starts)");
	return false;
}

/* Ingress of iface: XDP prog role, or tc prog p. */
static int ingress_up(struct agent *a, enum loader_mode mode,
		      const char *iface, enum loader_role role,
		      enum tc_prog p)
{
	int err;

	if (mode == LOADER_MODE_AUTO) {
		if (loader_is_virtual(iface)) {
			pr_info("%s: virtual device: tc (XDP would run "
				"generic and linearise GRO packets)", iface);
			mode = LOADER_MODE_TC;
		} else if (tc_ours(&a->meter, iface, TC_INGRESS) &&
			   !loader_ours(&a->meter, iface)) {
			/* chosen before (no native XDP): keep it, no gap */
			mode = LOADER_MODE_TC;
		} else {
			if (tc_foreign(&a->meter, iface, TC_INGRESS))
				return -EBUSY;
			err = loader_attach(&a->meter, LOADER_MODE_NATIVE,
					    iface, role);
			if (!err) {
				tc_detach(a->conf.bpf_pin_dir, iface,
					  TC_INGRESS);
				return 0;
			}
			if (err == -EBUSY)
				return err;
			pr_info("%s: no native XDP: tc", iface);
			mode = LOADER_MODE_TC;
		}
	}
	if (mode == LOADER_MODE_TC) {
		err = loader_detach_ours(&a->meter, iface);
		if (err == -EBUSY)	/* never meter beside another agent */
			pr_warn("%s: another tagih-agent's XDP program is "
				"attached: stop that agent with --detach "
				"first", iface);
		if (err && err != -ENOENT)
			return err;
		return tc_attach(&a->meter, iface, p, a->tc_link);
	}
	if (tc_foreign(&a->meter, iface, TC_INGRESS))
		return -EBUSY;
	tc_detach(a->conf.bpf_pin_dir, iface, TC_INGRESS);
	return loader_attach(&a->meter, mode, iface, role);
}

/* Nothing tagih on iface's ingress (the wans with download_hook lan). */
static void ingress_off(struct agent *a, const char *iface)
{
	if (loader_detach_ours(&a->meter, iface) == 0 ||
	    tc_detach(a->conf.bpf_pin_dir, iface, TC_INGRESS) == 0)
		pr_info("%s: downloads are billed on the lan egress: no "
			"program on this wan", iface);
}

/*
 * tagih_wanif = the wans' current ifindexes. At start a missing wan is an
 * error; later (every full reconcile) it is skipped: a PPPoE uplink's ppp0
 * comes back after a redial with a new ifindex, and the next reconcile
 * picks it up.
 */
static int load_wanif(struct agent *a, bool start)
{
	uint32_t ifx[TAGIH_MAX_WANIF];
	int i, n = 0, err;

	for (i = 0; i < a->conf.n_wan; i++) {
		if (n == TAGIH_MAX_WANIF) {
			pr_warn("more than %d wan interfaces", TAGIH_MAX_WANIF);
			return -ENOSPC;
		}
		ifx[n] = if_nametoindex(a->conf.wan[i]);
		if (!ifx[n]) {
			err = -errno;
			if (!start) {
				pr_debug("wan %s: %s", a->conf.wan[i],
					 strerror(-err));
				continue;
			}
			pr_warn("interface %s: %s", a->conf.wan[i],
				strerror(-err));
			return err;
		}
		n++;
	}
	err = wanif_sync(meter_map_fd(&a->meter, TAGIH_MAP_WANIF), ifx, n);
	if (err)
		pr_warn("tagih_wanif: %s", strerror(-err));
	return err;
}

int hooks_wanif(struct agent *a)
{
	return a->download_lan ? load_wanif(a, false) : 0;
}

int hooks_up(struct agent *a)
{
	enum loader_mode mode;
	enum tc_link link;
	bool lan_down;
	int i, err;

	if (loader_parse_mode(a->conf.xdp_mode, &mode)) {
		pr_warn("xdp_mode %s: want auto, native, skb or tc",
			a->conf.xdp_mode);
		return -EINVAL;
	}
	if (tc_parse_link(a->conf.tc_link, &link)) {
		pr_warn("tc_link %s: want auto, tcx or clsact", a->conf.tc_link);
		return -EINVAL;
	}
	a->tc_link = link;
	lan_down = download_on_lan(a);
	a->download_lan = lan_down;
	/* the wans first: tagih_lan_down must know them before it runs */
	err = load_wanif(a, true);
	for (i = 0; !err && i < a->conf.n_wan; i++) {
		if (lan_down)
			ingress_off(a, a->conf.wan[i]);
		else
			err = ingress_up(a, mode, a->conf.wan[i], LOADER_WAN,
					 TC_WAN_DOWN);
	}
	for (i = 0; !err && i < a->conf.n_lan; i++) {
		err = ingress_up(a, mode, a->conf.lan[i], LOADER_LAN,
				 TC_LAN_UP);
		if (!err && lan_down)
			err = tc_attach(&a->meter, a->conf.lan[i],
					TC_LAN_DOWN, a->tc_link);
		else if (!err && tc_detach(a->conf.bpf_pin_dir,
					   a->conf.lan[i], TC_EGRESS) == 0)
			pr_info("%s: downloads are billed on the wan ingress",
				a->conf.lan[i]);
	}
	return err;
}

void hooks_down(struct agent *a)
{
	int i;

	for (i = 0; i < a->conf.n_lan; i++) {
		loader_detach(a->conf.lan[i]);
		tc_detach(a->conf.bpf_pin_dir, a->conf.lan[i], TC_INGRESS);
		tc_detach(a->conf.bpf_pin_dir, a->conf.lan[i], TC_EGRESS);
	}
	for (i = 0; i < a->conf.n_wan; i++) {
		loader_detach(a->conf.wan[i]);
		tc_detach(a->conf.bpf_pin_dir, a->conf.wan[i], TC_INGRESS);
	}
}

const char *hooks_download(const struct agent *a)
{
	return a->download_lan ? "lan" : "wan";
}
