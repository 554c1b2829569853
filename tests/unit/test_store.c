// SPDX-License-Identifier: GPL-2.0
/* test_store.c - store open/reopen, wrappers, meta counters, error mapping. */
#include <errno.h>
#include <sys/stat.h>
#include "tests/unit/tmpstore.h"

START_TEST(open_creates_0700)
{
	struct stat sb;

	ck_assert_int_eq(stat(tmp_dir, &sb), 0);
	ck_assert_str_eq(store_path(tmp_st), tmp_dir);
	ck_assert_ptr_nonnull(store_env(tmp_st));
	/* a missing subdirectory is created with 0700 */
	{
		char sub[128];
		struct store *st;

		snprintf(sub, sizeof(sub), "%s/inner", tmp_dir);
		ck_assert_int_eq(store_open(&st, sub, 0), 0);
		ck_assert_int_eq(stat(sub, &sb), 0);
		ck_assert_int_eq(sb.st_mode & 0777, 0700);
		store_close(st);
		snprintf(sub, sizeof(sub), "%s/inner/data.mdb", tmp_dir);
		unlink(sub);
		snprintf(sub, sizeof(sub), "%s/inner/lock.mdb", tmp_dir);
		unlink(sub);
		snprintf(sub, sizeof(sub), "%s/inner", tmp_dir);
		rmdir(sub);
	}
}
END_TEST

START_TEST(put_get_del)
{
	MDB_txn *txn;
	MDB_val v;

	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_PLANS, "a", 1, "x", 1, 0), 0);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_PLANS, "a", 1, "y", 1,
				   MDB_NOOVERWRITE), -EEXIST);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_PLANS, "a", 1, &v), 0);
	ck_assert_int_eq(*(char *)v.mv_data, 'x');
	/* databases are separate namespaces */
	ck_assert_int_eq(store_get(txn, tmp_st, DB_INVOICES, "a", 1, &v),
			 -ENOENT);
	ck_assert_int_eq(store_del(txn, tmp_st, DB_PLANS, "a", 1), 0);
	ck_assert_int_eq(store_del(txn, tmp_st, DB_PLANS, "a", 1), -ENOENT);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_WEBHOOKS, "k", 1, "v", 1, 0),
			 0);
	ck_assert_int_eq(store_commit(txn), 0);

	/* committed data survives a reopen; aborted data does not */
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_WEBHOOKS, "z", 1, "v", 1, 0),
			 0);
	store_abort(txn);
	store_close(tmp_st);
	ck_assert_int_eq(store_open(&tmp_st, tmp_dir, STORE_RDONLY), 0);
	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_WEBHOOKS, "k", 1, &v), 0);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_WEBHOOKS, "z", 1, &v),
			 -ENOENT);
	store_abort(txn);
}
END_TEST

START_TEST(meta)
{
	MDB_txn *txn;
	uint64_t v;

	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, "policy_gen", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(store_meta_bump(txn, tmp_st, "policy_gen", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(store_meta_bump(txn, tmp_st, "policy_gen", &v), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_int_eq(store_meta_put_u64(txn, tmp_st, "x", 1ULL << 40), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, "x", &v), 0);
	ck_assert(v == 1ULL << 40);
	ck_assert_int_eq(store_commit(txn), 0);
}
END_TEST

START_TEST(errors)
{
	struct store *st;

	ck_assert_int_eq(store_err(0, NULL), 0);
	ck_assert_int_eq(store_err(MDB_NOTFOUND, NULL), -ENOENT);
	ck_assert_int_eq(store_err(MDB_KEYEXIST, NULL), -EEXIST);
	ck_assert_int_eq(store_err(MDB_MAP_FULL, NULL), -ENOSPC);
	ck_assert_int_eq(store_err(MDB_CORRUPTED, NULL), -EIO);
	ck_assert_int_eq(store_err(EACCES, NULL), -EACCES);
	ck_assert_int_eq(store_open(&st, "/nonexistent/x/y", STORE_RDONLY),
			 -ENOENT);
}
END_TEST

START_TEST(keys_order)
{
	uint8_t a[8], b[8];

	bei64_put(a, -1);
	bei64_put(b, 1);
	ck_assert_int_lt(memcmp(a, b, 8), 0);
	ck_assert_int_eq(bei64_get(a), -1);
	bei32_put(a, INT32_MIN);
	ck_assert_int_eq(bei32_get(a), INT32_MIN);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tmp_store_setup, tmp_store_teardown);
	tcase_add_test(tc, open_creates_0700);
	tcase_add_test(tc, put_get_del);
	tcase_add_test(tc, meta);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, keys_order);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(store_suite)
