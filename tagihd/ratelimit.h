/* SPDX-License-Identifier: GPL-2.0 */
/* ratelimit.h - in-memory failure counters with lockout (customer login). */
#ifndef TAGIHD_RATELIMIT_H
#define TAGIHD_RATELIMIT_H

/*
 * A fixed table of counters keyed by a string (a phone number, a client
 * address). Keys are kept only as a keyed 64-bit hash (HMAC-SHA256 with
 * a random key made at start), so the table holds no personal data and
 * cannot be steered into collisions. Times are CLOCK_MONOTONIC seconds.
 *
 * A key that fails max_fail times within window seconds (counted from
 * its first failure) is locked for lock seconds. State lives in memory
 * only: a restart of tagihd forgets it (documented in ARCHITECTURE.md).
 * When the table is full, the entry whose window began first is reused.
 * Thread-safe.
 */
struct rl;

/* NULL on ENOMEM or no randomness. */
struct rl *rl_new(unsigned slots, unsigned max_fail, unsigned window,
		  unsigned lock);
void rl_free(struct rl *r);

/* 0 if key may try now, else the seconds until it may (>= 1). */
unsigned rl_check(struct rl *r, const char *key);
/*
 * Take one attempt for key before it is made: 0 when it may go ahead,
 * and then it already counts as a failure; else the seconds until key
 * may try (>= 1), and nothing is counted. Check and count are one step
 * under the lock, so however many attempts arrive at once, at most
 * max_fail of them go ahead in a window (a check, then a count after
 * the slow work, would let every concurrent one through).
 */
unsigned rl_take(struct rl *r, const char *key);
/* Give back an attempt taken by rl_take that turned out not to be a
 * failure (it succeeded, or the work was never done); a lock it caused
 * is lifted when key is below max_fail again. */
void rl_untake(struct rl *r, const char *key);
/* Count a failure of key. */
void rl_fail(struct rl *r, const char *key);
/* Forget key (after a success). */
void rl_reset(struct rl *r, const char *key);

#endif
