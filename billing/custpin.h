/* SPDX-License-Identifier: GPL-2.0 */
/* custpin.h - phone + PIN access to the customer page: salted PBKDF2 hashes. */
#ifndef TAGIH_CUSTPIN_H
#define TAGIH_CUSTPIN_H

#include <stdint.h>
#include "billing/store.h"
#include "billing/sub.h"

/*
 * A PIN is 4 to 8 digits. Only a hash is kept, never the PIN: DB_META
 * "cpin:" + sub id -> version (1 byte), 3 zero bytes, iterations (u32
 * BE), salt (16 random bytes), PBKDF2-HMAC-SHA256(PIN, salt, iterations)
 * (32 bytes). The iteration count is stored so it can rise later without
 * invalidating old PINs. The subscribers that share one phone (a family
 * with two lines) share its salt and count: custpin_set takes them from
 * the phone's first other PIN holder, so a login hashes once, whoever
 * and however many hold the phone.
 *
 * Login is by the subscriber's phone as stored in sub_rec.phone, compared
 * after normalisation (custpin_phone_norm), so 0812..., +62812...,
 * 62812... and "0812-3456-7890" are one number. There is no phone index:
 * a login reads the subscriber table once (a few milliseconds for tens of
 * thousands of records) and is then dominated by PBKDF2 on purpose.
 */
#define CUSTPIN_MIN 4
#define CUSTPIN_MAX 8
#define CUSTPIN_ITER 150000
#define CUSTPIN_PHONE_MAX 20	/* normalised digits + NUL */

/* 4..8 ASCII digits? Returns 0 or -EINVAL. */
int custpin_check(const char *pin);

/*
 * Indonesian phone number to one form: spaces, '-', '.', '(' and ')'
 * dropped; "+62" or "62" in front becomes "0". The result is 8..15
 * digits starting with 0. out has CUSTPIN_PHONE_MAX bytes. Returns 0 or
 * -EINVAL.
 */
int custpin_phone_norm(const char *in, char *out);

/*
 * Set (replace) the PIN of subscriber id in txn, audited as actor (never
 * the PIN). Returns 0, -ENOENT (no subscriber), -EINVAL (not 4..8
 * digits; or the subscriber has no usable phone number), or -errno.
 */
int custpin_set(MDB_txn *txn, struct store *st, const char *id,
		const char *pin, int64_t now, const char *actor);
/* Remove it. Returns 0, -ENOENT (no subscriber), -EALREADY (no PIN set)
 * or -errno. */
int custpin_clear(MDB_txn *txn, struct store *st, const char *id,
		  int64_t now, const char *actor);
/* Is a PIN set? Returns 1, 0 or -errno. */
int custpin_is_set(MDB_txn *txn, struct store *st, const char *id);

/*
 * The subscriber whose phone is phone and whose PIN is pin; id (size
 * SUB_ID_MAX + 1) gets its id. Opens and ends its own read transaction
 * before hashing. Every login costs the same: one scan of the
 * subscribers and exactly one PBKDF2, compared with each holder of the
 * phone, whether the phone is unknown, held by one or by several
 * subscribers, or malformed. Every "no" looks the same (malformed phone
 * or PIN, unknown phone, no PIN set, wrong PIN): -EACCES. Otherwise 0
 * or -errno (store trouble). A holder whose stored salt is not the
 * phone's (set before phones shared salts, or its phone changed since)
 * cannot sign in until its PIN is set again. Slow (~0.1 s) on purpose:
 * never call it on a thread that serves other requests.
 */
int custpin_login(struct store *st, const char *phone, const char *pin,
		  char *id);

/* PBKDF2 runs in this process so far (set and login), for tests. */
uint64_t custpin_hashes(void);

#endif
