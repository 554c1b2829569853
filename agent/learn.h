/* SPDX-License-Identifier: GPL-2.0 */
/* learn.h - tagih-agent's passive address learning: the meter's ring buffer of PPPoE/DHCP frames into bindings. */
#ifndef TAGIH_LEARN_H_AGENT
#define TAGIH_LEARN_H_AGENT

#include <stdbool.h>
#include <stdint.h>

struct store;
struct learn;

struct learn_stats {
	uint64_t frames;	/* copies read from tagih_learn */
	uint64_t malformed;	/* of a learned kind but broken */
	uint64_t bound;		/* bindings made (holder changed) */
	uint64_t ended;		/* bindings ended (PADT, LCP Terminate, RELEASE) */
	uint64_t unknown;	/* user, MAC, option 82 or VLAN of nobody */
	uint64_t refused;	/* a static address of another subscriber */
	uint64_t store_errors;
};

/*
 * Read the ring buffer map map_fd (tagih_learn). Returns 0 or -errno.
 */
int learn_open(struct learn **lp, int map_fd, struct store *st);
void learn_close(struct learn *l);
/* An fd that is readable when copies wait (epoll), or -1 for NULL. */
int learn_fd(const struct learn *l);
/*
 * Consume what waits and apply it in one write txn: PPPoE sessions are
 * tracked (PADS, PAP/CHAP user, IPCP Ack address) and bound once user and
 * address are known (the user's --pppoe-user subscriber, source pppoe);
 * PADT and LCP Terminate end them; a DHCPACK binds yiaddr for its lease
 * to the subscriber of its chaddr, option 82 circuit-id or remote-id, or
 * VLAN (source dhcp-snoop), a RELEASE ends it. *changed: an address
 * changed hands. Returns the number of copies read, or -errno.
 */
int learn_poll(struct learn *l, int64_t now, bool *changed);
void learn_get_stats(struct learn *l, struct learn_stats *s);

#endif
