/* SPDX-License-Identifier: GPL-2.0 */
/* radoct.h - the octets a NAS reports in RADIUS accounting, per subscriber and day, to compare with tagih's own. */
#ifndef TAGIH_RADOCT_H
#define TAGIH_RADOCT_H

#include <stdint.h>
#include "billing/store.h"

/*
 * Never billed: tagih's meter is the billing source. Kept so that an
 * operator can see where the NAS and the meter disagree (`tagih address
 * compare`). DB_RADIUS_OCT: uid (u32 BE) + local day (i32 BE, sign
 * flipped) -> struct radoct_val, the octets reported that day. The last
 * counters of each open session are in meta "rsess/<Acct-Session-Id>"
 * (struct radoct_sess), so an Interim-Update adds only what is new; Stop
 * removes it.
 */
struct radoct_val {
	uint64_t in;		/* Acct-Input-Octets (+ Gigawords): from the user, up */
	uint64_t out;		/* Acct-Output-Octets: to the user, down */
};

struct radoct_sess {
	uint32_t uid;
	uint32_t pad;
	uint64_t in, out;
};

/*
 * One accounting request of uid's session (status: 1 Start, 2 Stop, 3
 * Interim-Update) with its cumulative counters, at now. A counter below
 * the last one (the NAS restarted the session's counters) counts whole.
 * Returns 0 or a store error; an empty session is ignored.
 */
int radoct_note(MDB_txn *txn, struct store *st, uint32_t uid,
		const char *session, int status, uint64_t in, uint64_t out,
		int64_t now);

/* Every (uid, day) in [from_day, to_day] (local days), in uid then day
 * order. cb's non-zero return stops the walk and is returned. */
int radoct_foreach(MDB_txn *txn, struct store *st, int32_t from_day,
		   int32_t to_day,
		   int (*cb)(uint32_t uid, int32_t day,
			     const struct radoct_val *v, void *ctx),
		   void *ctx);

#endif
