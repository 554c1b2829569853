/* SPDX-License-Identifier: GPL-2.0 */
/* pinown.h - which store owns a pin directory: a one-entry map pinned beside the meter's. */
#ifndef TAGIH_PINOWN_H
#define TAGIH_PINOWN_H

struct store;

#define PINOWN_MAP "tagih_owner"

/*
 * Claim pin_dir for the store st before the meter's maps there are reused.
 *
 *  - pin_dir holds an owner record of another store: refused (-EEXIST),
 *    the message names both stores and bpf_pin_dir;
 *  - the store recorded another pin directory whose maps still count:
 *    refused (-EEXIST), the message says how to move (--detach);
 *  - otherwise the owner record is written (pinned as PINOWN_MAP) and the
 *    store records pin_dir (meta "pin_dir"), with the store's identity
 *    (meta "store_id", 16 random bytes) made on first use.
 *
 * Pins of an agent older than the owner record are adopted when the store
 * recorded no other directory. Returns 0 or -errno (logged).
 */
int pinown_claim(struct store *st, const char *pin_dir);

/* Remove the owner record (before the directory itself). 0 or -errno. */
int pinown_unpin(const char *pin_dir);

#endif
