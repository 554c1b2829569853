// SPDX-License-Identifier: GPL-2.0
/* test_pdp.c - personal data export and erase on a fresh LMDB per test. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing/custlink.h"
#include "billing/custpin.h"
#include "billing/outbox.h"
#include "billing/pdp.h"
#include "billing/store.h"
#include "billing/sub.h"
#include "tests/unit/tmpstore.h"

#define NOW 1796000000

static void add_budi(void)
{
	struct sub_rec r = { 0 };
	MDB_txn *txn;

	snprintf(r.id, sizeof(r.id), "budi");
	snprintf(r.name, sizeof(r.name), "Budi Santoso");
	snprintf(r.phone, sizeof(r.phone), "081234567890");
	snprintf(r.email, sizeof(r.email), "budi@example.net");
	snprintf(r.address, sizeof(r.address), "Jl. Melati 5");
	snprintf(r.nik, sizeof(r.nik), "3201234567890001");
	snprintf(r.notes, sizeof(r.notes), "pagar biru");
	r.created = NOW;
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(sub_add(txn, tmp_st, &r, NULL, 0, NULL), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

/* budi with a PIN, a link, and one pending, one failed, one sent message;
 * ani with one pending message. tok gets budi's token. */
static void fixture(char *tok, uint64_t ids[4])
{
	struct sub_rec a = { 0 };
	struct outbox_rec o;
	MDB_txn *txn;

	add_budi();
	snprintf(a.id, sizeof(a.id), "ani");
	snprintf(a.name, sizeof(a.name), "Ani");
	snprintf(a.phone, sizeof(a.phone), "081399990000");
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(sub_add(txn, tmp_st, &a, NULL, 0, NULL), 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "2468", NOW, "t"), 0);
	ck_assert_int_eq(custlink_issue(txn, tmp_st, "budi", NOW, "t", tok), 0);
	ck_assert_int_eq(outbox_enqueue(txn, tmp_st, OBX_INVOICE_ISSUED,
					OBX_WA_GATEWAY, "budi", "INV/1", 100,
					0, NOW, &ids[0]), 0);
	ck_assert_int_eq(outbox_enqueue(txn, tmp_st, OBX_DUE_SOON,
					OBX_WA_GATEWAY, "budi", "INV/1", 100,
					0, NOW, &ids[1]), 0);
	ck_assert_int_eq(outbox_enqueue(txn, tmp_st, OBX_PAYMENT, OBX_EMAIL,
					"budi", "P1", 100, 0, NOW, &ids[2]), 0);
	ck_assert_int_eq(outbox_enqueue(txn, tmp_st, OBX_INVOICE_ISSUED,
					OBX_WA_GATEWAY, "ani", "INV/2", 100, 0,
					NOW, &ids[3]), 0);
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[1], &o), 0);
	o.status = OBX_FAILED;
	snprintf(o.last_error, sizeof(o.last_error), "bad number 081234567890");
	ck_assert_int_eq(outbox_put(txn, tmp_st, &o), 0);
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[2], &o), 0);
	o.status = OBX_SENT;
	snprintf(o.last_error, sizeof(o.last_error), "421 budi@example.net");
	ck_assert_int_eq(outbox_put(txn, tmp_st, &o), 0);
	ck_assert_int_eq(store_commit(txn), 0);
}

/* Does any byte run of needle appear in the stored subs record? */
static int rec_has(const char *id, const char *needle)
{
	MDB_txn *txn;
	MDB_val v;
	int hit;

	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_SUBS, id, strlen(id), &v),
			 0);
	hit = memmem(v.mv_data, v.mv_size, needle, strlen(needle)) != NULL;
	store_abort(txn);
	return hit;
}

START_TEST(test_export)
{
	char tok[CUSTLINK_TOKEN_LEN + 1], *s;
	uint64_t ids[4];
	MDB_txn *txn;
	json_t *doc;

	fixture(tok, ids);
	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(pdp_export(txn, tmp_st, "nobody", NOW, &doc), -ENOENT);
	ck_assert_int_eq(pdp_export(txn, tmp_st, "budi", NOW, &doc), 0);
	store_abort(txn);
	s = json_dumps(doc, JSON_COMPACT);
	ck_assert_ptr_nonnull(strstr(s, "\"nik\":\"3201234567890001\""));
	ck_assert_ptr_nonnull(strstr(s, "\"pin_set\":true"));
	ck_assert_ptr_nonnull(strstr(s, "\"link_set\":true"));
	ck_assert_ptr_null(strstr(s, tok));
	ck_assert_ptr_null(strstr(s, "081399990000"));	/* ani's */
	ck_assert_int_eq(json_array_size(json_object_get(doc, "notifications")),
			 3);
	free(s);
	json_decref(doc);
}
END_TEST

/* A name stored before text was checked (Latin-1) is exported repaired,
 * not dropped: the access request must show every field. */
START_TEST(test_export_bad_text)
{
	struct sub_rec r;
	MDB_txn *txn;
	json_t *doc, *sub;

	add_budi();
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(sub_get(txn, tmp_st, "budi", &r), 0);
	snprintf(r.name, sizeof(r.name), "Bud\xe9");
	snprintf(r.address, sizeof(r.address), "Jl. \xff\xfe");
	memset(r.notes, 'n', sizeof(r.notes));	/* lost its NUL */
	ck_assert_int_eq(sub_put(txn, tmp_st, &r), 0);
	ck_assert_int_eq(pdp_export(txn, tmp_st, "budi", NOW, &doc), 0);
	store_abort(txn);
	sub = json_object_get(doc, "subscriber");
	ck_assert_str_eq(json_string_value(json_object_get(sub, "name")),
			 "Bud\xef\xbf\xbd");
	ck_assert_str_eq(json_string_value(json_object_get(sub, "address")),
			 "Jl. \xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(sub,
								   "notes"))),
			  sizeof(r.notes));
	ck_assert_str_eq(json_string_value(json_object_get(sub, "nik")),
			 "3201234567890001");
	json_decref(doc);
}
END_TEST

START_TEST(test_erase)
{
	char tok[CUSTLINK_TOKEN_LEN + 1];
	struct pdp_erase_res res;
	struct outbox_rec o;
	struct sub_rec r;
	uint64_t ids[4];
	MDB_txn *txn;

	fixture(tok, ids);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(pdp_erase(txn, tmp_st, "nobody", NOW, "t", &res),
			 -ENOENT);
	ck_assert_int_eq(pdp_erase(txn, tmp_st, "budi", NOW + 1, "t", &res),
			 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert(res.pin && res.link);
	ck_assert_uint_eq(res.outbox_del, 2);

	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(sub_get(txn, tmp_st, "budi", &r), 0);
	ck_assert_str_eq(r.name, PDP_ERASED_NAME);
	ck_assert(!r.phone[0] && !r.email[0] && !r.nik[0] && !r.address[0] &&
		  !r.notes[0] && !r.link_token[0]);
	ck_assert_uint_eq(r.erased, 1);
	ck_assert_uint_eq(r.uid, 1);
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "budi"), 0);
	ck_assert_int_eq(custlink_lookup(txn, tmp_st, tok, &r), -ENOENT);
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[0], &o), -ENOENT);
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[1], &o), -ENOENT);
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[2], &o), 0);
	ck_assert_str_eq(o.last_error, "");
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[3], &o), 0);	/* ani's */
	ck_assert_int_eq(o.status, OBX_PENDING);
	/* the same event is never queued again */
	store_abort(txn);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(outbox_enqueue(txn, tmp_st, OBX_INVOICE_ISSUED,
					OBX_WA_GATEWAY, "budi", "INV/1", 100,
					0, NOW, NULL), -EEXIST);
	store_abort(txn);
	/* no tail of an old value is left in the stored bytes */
	ck_assert(!rec_has("budi", "Santoso") && !rec_has("budi", "0812") &&
		  !rec_has("budi", "example.net") &&
		  !rec_has("budi", "32012345"));
}
END_TEST

START_TEST(test_erase_abort_keeps_everything)
{
	char tok[CUSTLINK_TOKEN_LEN + 1];
	struct pdp_erase_res res;
	struct outbox_rec o;
	struct sub_rec r;
	uint64_t ids[4];
	MDB_txn *txn;

	fixture(tok, ids);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(pdp_erase(txn, tmp_st, "budi", NOW, "t", &res), 0);
	store_abort(txn);
	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(custlink_lookup(txn, tmp_st, tok, &r), 0);
	ck_assert_str_eq(r.phone, "081234567890");
	ck_assert_uint_eq(r.erased, 0);
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "budi"), 1);
	ck_assert_int_eq(outbox_get(txn, tmp_st, ids[0], &o), 0);
	store_abort(txn);
}
END_TEST

static Suite *pdp_suite(void)
{
	Suite *s = suite_create("pdp");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tmp_store_setup, tmp_store_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_export);
	tcase_add_test(tc, test_export_bad_text);
	tcase_add_test(tc, test_erase);
	tcase_add_test(tc, test_erase_abort_keeps_everything);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(pdp_suite)
