/* SPDX-License-Identifier: GPL-2.0 */
/* voucher.h - printed voucher codes: made in batches, redeemed once for a prepaid period or a pack. */
#ifndef TAGIH_VOUCHER_H
#define TAGIH_VOUCHER_H

#include <stdbool.h>
#include <stdint.h>
#include "billing/plan.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "lib/money.h"

/*
 * A code is VOUCHER_CODE_LEN characters from a 31-letter alphabet without
 * look-alikes (no 0 O 1 I L): 12 x log2(31) = 59 bits, drawn with
 * RAND_bytes (rejection sampling, no modulo bias). It is printed as
 * XXXX-XXXX-XXXX; redemption takes it in any case, with or without the
 * dashes or spaces.
 *
 * Only SHA-256(code) is stored (the key of DB_VOUCHERS): the store never
 * holds a redeemable code, `voucher list` shows serials. A lookup is by
 * that hash and the stored hash is compared again with CRYPTO_memcmp.
 * Redeeming is single use: the record turns REDEEMED in the txn that
 * extends the subscriber. A wrong code changes nothing; callers that
 * face the public (tagihd, the isolir notice page) rate-limit failures.
 */
#define VOUCHER_CODE_LEN 12
#define VOUCHER_TEXT_MAX 20	/* with dashes: 14 */
#define VOUCHER_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define VOUCHER_BATCH_MAX 10000

enum voucher_kind { VOUCHER_PLAN = 1, VOUCHER_PACK = 2 };
enum voucher_status { VOUCHER_NEW = 0, VOUCHER_REDEEMED = 1, VOUCHER_VOID = 2 };

struct voucher_rec {
	uint32_t version;	/* VOUCHER_REC_VERSION */
	uint8_t kind;		/* enum voucher_kind */
	uint8_t status;		/* enum voucher_status */
	uint16_t pad;
	uint64_t serial;	/* printed on the sheet; DB_META "voucher_next" */
	char name[PLAN_NAME_MAX + 1];	/* the plan or pack */
	char reseller[PLAN_NAME_MAX + 1];	/* "" = sold by the operator */
	uint8_t pad2[6];
	rp_t price;		/* face value (the item's price with PPN) */
	int64_t created;
	int64_t redeemed;	/* UTC seconds, 0 = not */
	int64_t voided;
	char sub[SUB_ID_MAX + 1];	/* who redeemed it */
	uint8_t pad3[7];
	uint8_t hash[32];	/* SHA-256 of the code (also the key) */
	uint8_t reserved[32];
};
#define VOUCHER_REC_VERSION 1

/* A new code in out (VOUCHER_CODE_LEN + 1). 0 or -EIO (no randomness). */
int voucher_code_new(char *out);
/* "abcd-efgh jkmn" -> "ABCDEFGHJKMN" in out (VOUCHER_CODE_LEN + 1).
 * 0 or -EINVAL (wrong length or a character outside the alphabet). */
int voucher_code_norm(const char *in, char *out);
/* "ABCDEFGHJKMN" -> "ABCD-EFGH-JKMN" (out >= 15 bytes). */
void voucher_code_fmt(const char *code, char *out, size_t n);

/*
 * Make count vouchers for (kind, name) sold by reseller ("" or NULL:
 * none) in txn. codes (count x (VOUCHER_CODE_LEN + 1)) gets the codes,
 * serials their serials. Returns 0, -ENOENT (no such plan or pack),
 * -EINVAL (not a prepaid plan, count 0 or above VOUCHER_BATCH_MAX, bad
 * reseller name), -EIO or -errno.
 */
int voucher_create(MDB_txn *txn, struct store *st, int kind,
		   const char *name, const char *reseller, unsigned count,
		   int64_t now, char *codes, uint64_t *serials, rp_t *price);

/*
 * Redeem code for sub at now: a plan voucher extends masa aktif (the
 * subscriber must be on that plan), a pack voucher tops up the quota;
 * a subscriber isolated for either is restored in txn. Returns 0 and
 * fills *out, -ENOENT (no such code: nothing written), -EALREADY
 * (redeemed before), -ECANCELED (voided), -EXDEV (for another plan),
 * -ENOTSUP (a pack for a subscriber without a quota), -EINVAL (not a
 * code) or -errno. The caller aborts the txn on any error.
 */
int voucher_redeem(MDB_txn *txn, struct store *st, const char *code,
		   const char *sub, int64_t now, const char *actor,
		   struct voucher_rec *out);

/* Void an unredeemed voucher by serial: 0, -ENOENT, -EALREADY. */
int voucher_void(MDB_txn *txn, struct store *st, uint64_t serial,
		 int64_t now, const char *actor);

/* Every voucher in hash (= random) order. */
int voucher_foreach(MDB_txn *txn, struct store *st,
		    int (*cb)(const struct voucher_rec *v, void *ctx),
		    void *ctx);

const char *voucher_status_str(int status);

#endif
