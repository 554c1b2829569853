// SPDX-License-Identifier: GPL-2.0
/* test_sub.c - subscribers: uids, duplicates, prefix conflicts, moves. */
#include <errno.h>
#include "tests/unit/tmpstore.h"
#include "billing/sub.h"

static MDB_txn *txn;

static void sub_setup(void)
{
	tmp_store_setup();
	sub_set_max_uid(65535);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
}

static void sub_teardown(void)
{
	store_abort(txn);
	tmp_store_teardown();
}

static struct prefix P(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p, NULL), 0);
	return p;
}

static int add(const char *id, const char *p1, const char *p2, int *conflict)
{
	struct sub_rec r = { 0 };
	struct prefix p[2];
	int n = 0, err;

	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.name, sizeof(r.name), "Name of %s", id);
	r.created = 1000;
	if (p1)
		p[n++] = P(p1);
	if (p2)
		p[n++] = P(p2);
	/* callers commit on success and abort on error, as the CLI does */
	err = sub_add(txn, tmp_st, &r, p, n, conflict);
	if (err)
		store_abort(txn);
	else
		ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	return err;
}

START_TEST(ids)
{
	ck_assert_int_eq(sub_id_check("budi.s-01_x"), 0);
	ck_assert_int_eq(sub_id_check(""), -EINVAL);
	ck_assert_int_eq(sub_id_check("budi santoso"), -EINVAL);
	ck_assert_int_eq(sub_id_check("a/b"), -EINVAL);
	ck_assert_int_eq(sub_id_check("0123456789012345678901234567890123"),
			 -EINVAL);
	ck_assert_int_eq(add("bad id", NULL, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(uids_and_dup)
{
	struct sub_rec r;
	uint64_t gen;

	ck_assert_int_eq(add("budi", "10.0.0.5", "2001:db8::/56", NULL), 0);
	ck_assert_int_eq(add("ani", NULL, NULL, NULL), 0);
	ck_assert_int_eq(add("budi", NULL, NULL, NULL), -EEXIST);
	ck_assert_int_eq(sub_get(txn, tmp_st, "budi", &r), 0);
	ck_assert_int_eq(r.uid, 1);
	ck_assert_int_eq(r.version, SUB_REC_VERSION);
	ck_assert_str_eq(r.name, "Name of budi");
	ck_assert_int_eq(sub_get_by_uid(txn, tmp_st, 2, &r), 0);
	ck_assert_str_eq(r.id, "ani");
	ck_assert_int_eq(sub_get(txn, tmp_st, "nobody", &r), -ENOENT);
	ck_assert_int_eq(sub_get_by_uid(txn, tmp_st, 9, &r), -ENOENT);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, "prefix_gen", &gen),
			 0);
	ck_assert_int_eq(gen, 2);
	/* uids are never reused: the next one is 3 */
	ck_assert_int_eq(add("cici", NULL, NULL, NULL), 0);
	ck_assert_int_eq(sub_get(txn, tmp_st, "cici", &r), 0);
	ck_assert_int_eq(r.uid, 3);
	/* sub_put keeps uid; changing it is refused */
	snprintf(r.plan, sizeof(r.plan), "home-20");
	ck_assert_int_eq(sub_put(txn, tmp_st, &r), 0);
	r.uid = 7;
	ck_assert_int_eq(sub_put(txn, tmp_st, &r), -EINVAL);
}
END_TEST

START_TEST(max_uid)
{
	sub_set_max_uid(2);
	ck_assert_int_eq(add("a", NULL, NULL, NULL), 0);
	ck_assert_int_eq(add("b", NULL, NULL, NULL), 0);
	ck_assert_int_eq(add("c", NULL, NULL, NULL), -ENOSPC);
}
END_TEST

START_TEST(conflicts)
{
	struct sub_rec r;
	struct prefix p = P("10.0.0.5");
	uint32_t other = 0;
	int conflict;

	ck_assert_int_eq(add("budi", "10.0.0.5", "10.1.0.0/24", NULL), 0);
	ck_assert_int_eq(add("ani", "10.2.0.0/24", "10.0.0.5", &conflict),
			 -EADDRINUSE);
	ck_assert_int_eq(conflict, 1);
	/* overlaps count: a /24 over budi's /32, a /32 inside his /24 */
	ck_assert_int_eq(add("ani", "10.0.0.0/24", NULL, &conflict),
			 -EADDRINUSE);
	ck_assert_int_eq(add("ani", "10.1.0.9", NULL, &conflict), -EADDRINUSE);
	ck_assert_int_eq(sub_prefix_conflict(txn, tmp_st, &p, 0, &other),
			 -EADDRINUSE);
	ck_assert_int_eq(other, 1);
	/* the same prefix twice in one add */
	ck_assert_int_eq(add("ani", "10.3.0.5", "10.3.0.5", &conflict),
			 -EINVAL);
	/* failed adds left nothing: no record, no uid used */
	ck_assert_int_eq(sub_get(txn, tmp_st, "ani", &r), -ENOENT);
	ck_assert_int_eq(add("ani", "10.3.0.5", NULL, NULL), 0);
	ck_assert_int_eq(sub_get(txn, tmp_st, "ani", &r), 0);
	ck_assert_int_eq(r.uid, 2);
	ck_assert_int_eq(sub_get(txn, tmp_st, "budi", &r), 0);
	ck_assert_int_eq(sub_prefix_add(txn, tmp_st, &r, &p, 2000), -EEXIST);
	p = P("10.3.0.5");
	ck_assert_int_eq(sub_prefix_add(txn, tmp_st, &r, &p, 2000),
			 -EADDRINUSE);
	ck_assert_int_eq(sub_prefix_del(txn, tmp_st, &r, &p, 2000), -ENOENT);
}
END_TEST

START_TEST(move_with_history)
{
	struct sub_rec budi, ani;
	struct prefix p = P("10.0.0.5"), out[4];
	uint32_t uid;
	uint64_t gen0, gen1;

	ck_assert_int_eq(add("budi", "10.0.0.5", NULL, NULL), 0);	/* t=1000 */
	ck_assert_int_eq(add("ani", NULL, NULL, NULL), 0);
	ck_assert_int_eq(sub_get(txn, tmp_st, "budi", &budi), 0);
	ck_assert_int_eq(sub_get(txn, tmp_st, "ani", &ani), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, "prefix_gen", &gen0),
			 0);

	ck_assert_int_eq(sub_prefix_del(txn, tmp_st, &budi, &p, 5000), 0);
	ck_assert_int_eq(sub_prefix_add(txn, tmp_st, &ani, &p, 6000), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, "prefix_gen", &gen1),
			 0);
	ck_assert_int_eq(gen1, gen0 + 2);

	ck_assert_int_eq(sub_prefixes(txn, tmp_st, budi.uid, out, 4), 0);
	ck_assert_int_eq(sub_prefixes(txn, tmp_st, ani.uid, out, 4), 1);
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, 999, &uid),
			 -ENOENT);
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, 1000, &uid), 0);
	ck_assert_int_eq(uid, budi.uid);
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, 4999, &uid), 0);
	ck_assert_int_eq(uid, budi.uid);
	/* the gap between del and add belongs to nobody */
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, 5500, &uid),
			 -ENOENT);
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, 6000, &uid), 0);
	ck_assert_int_eq(uid, ani.uid);
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, INT64_MAX, &uid),
			 0);
	ck_assert_int_eq(uid, ani.uid);
	p = P("10.0.0.6");
	ck_assert_int_eq(sub_prefix_owner_at(txn, tmp_st, &p, 6000, &uid),
			 -ENOENT);
}
END_TEST

static int count_cb(const struct sub_rec *r, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

START_TEST(iterate)
{
	int n = 0;

	ck_assert_int_eq(add("b", NULL, NULL, NULL), 0);
	ck_assert_int_eq(add("a", NULL, NULL, NULL), 0);
	ck_assert_int_eq(sub_foreach(txn, tmp_st, count_cb, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(sub_status_str(SUB_SUSPENDED), "suspended");
}
END_TEST

static Suite *sub_suite(void)
{
	Suite *s = suite_create("sub");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, sub_setup, sub_teardown);
	tcase_add_test(tc, ids);
	tcase_add_test(tc, uids_and_dup);
	tcase_add_test(tc, max_uid);
	tcase_add_test(tc, conflicts);
	tcase_add_test(tc, move_with_history);
	tcase_add_test(tc, iterate);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(sub_suite)
