// SPDX-License-Identifier: GPL-2.0
/* test_store.c - store create/open/refusal, identity and format, wrappers, meta counters, error mapping. */
#include <errno.h>
#include <sys/stat.h>
#include "tests/unit/tmpstore.h"
#include "lib/crc32c.h"

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
		ck_assert_int_eq(store_open(&st, sub, STORE_CREATE), 0);
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
	ck_assert_int_eq(store_err(MDB_CORRUPTED, NULL), -EBADMSG);
	ck_assert_int_eq(store_err(EACCES, NULL), -EACCES);
	ck_assert_int_eq(store_open(&st, "/nonexistent/x/y", STORE_RDONLY),
			 -ENOENT);
}
END_TEST

START_TEST(crc32c_vectors)
{
	static uint8_t buf[1000];
	uint32_t one;
	size_t i, cut;

	ck_assert_uint_eq(crc32c(0, "123456789", 9), 0xe3069283u);
	ck_assert_uint_eq(crc32c(0, "", 0), 0);
	memset(buf, 0, 32);
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x8a9136aau);	/* RFC 3720 */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	one = crc32c(0, buf, sizeof(buf));
	/* chained at any cut, aligned or not, is the same */
	for (cut = 0; cut <= 17; cut++)
		ck_assert_uint_eq(crc32c(crc32c(0, buf, cut), buf + cut,
					 sizeof(buf) - cut), one);
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

/* a copy of the store's data.mdb cut to n bytes (or replaced by text),
 * in dir/cut; returns that directory */
static const char *damaged(size_t n, const char *text)
{
	static char d[128];
	char src[160], dst[160], buf[4096];
	FILE *in, *out;
	size_t got, left = n;

	snprintf(d, sizeof(d), "%s/cut", tmp_dir);
	mkdir(d, 0700);
	snprintf(src, sizeof(src), "%s/data.mdb", tmp_dir);
	snprintf(dst, sizeof(dst), "%s/data.mdb", d);
	out = fopen(dst, "w");
	ck_assert_ptr_nonnull(out);
	if (text) {
		fputs(text, out);
	} else {
		in = fopen(src, "r");
		ck_assert_ptr_nonnull(in);
		while (left && (got = fread(buf, 1, left < sizeof(buf) ?
					    left : sizeof(buf), in)) > 0) {
			fwrite(buf, 1, got, out);
			left -= got;
		}
		fclose(in);
	}
	fclose(out);
	return d;
}

static void rm_cut(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/cut/data.mdb", tmp_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/cut/lock.mdb", tmp_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/cut", tmp_dir);
	rmdir(p);
}

START_TEST(refuses_what_is_not_a_store)
{
	char p[160];
	struct store *st;
	struct stat sb;
	MDB_txn *txn;
	off_t size;
	int i;

	/* a missing directory stays missing; an empty one stays empty */
	snprintf(p, sizeof(p), "%s/missing", tmp_dir);
	ck_assert_int_eq(store_open(&st, p, 0), -ENOENT);
	ck_assert_int_ne(stat(p, &sb), 0);
	mkdir(p, 0700);
	ck_assert_int_eq(store_open(&st, p, 0), -ENOENT);
	snprintf(p, sizeof(p), "%s/missing/lock.mdb", tmp_dir);
	ck_assert_int_ne(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/missing", tmp_dir);
	rmdir(p);

	/* some records, so that the file has pages beyond the metas */
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	for (i = 0; i < 2000; i++) {
		char k[16];

		snprintf(k, sizeof(k), "k%05d", i);
		ck_assert_int_eq(store_put(txn, tmp_st, DB_PLANS, k,
					   strlen(k), "value", 5, 0), 0);
	}
	ck_assert_int_eq(store_commit(txn), 0);
	snprintf(p, sizeof(p), "%s/data.mdb", tmp_dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	size = sb.st_size;

	/* empty, cut short, half, one page short, foreign: refused */
	ck_assert_int_eq(store_open(&st, damaged(0, NULL), 0), -EBADMSG);
	/* ... and an empty one is never made a new store, even by init */
	ck_assert_int_eq(store_open(&st, damaged(0, NULL), STORE_CREATE),
			 -EBADMSG);
	snprintf(p, sizeof(p), "%s/cut/data.mdb", tmp_dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
	ck_assert_int_eq(store_open(&st, damaged(100, NULL), 0), -EBADMSG);
	ck_assert_int_eq(store_open(&st, damaged((size_t)size / 2, NULL), 0),
			 -EBADMSG);
	ck_assert_int_eq(store_open(&st, damaged((size_t)size - 4096, NULL),
				    0), -EBADMSG);
	ck_assert_int_eq(store_open(&st, damaged(0, "not a store\n"), 0),
			 -EBADMSG);
	/* a whole copy opens */
	ck_assert_int_eq(store_open(&st, damaged((size_t)size, NULL), 0), 0);
	store_close(st);
	rm_cut();
}
END_TEST

START_TEST(identity_and_format)
{
	uint8_t a[STORE_ID_LEN], b[STORE_ID_LEN];
	char p[160];
	struct store *st;
	MDB_txn *txn;
	uint64_t v, n;

	ck_assert_int_eq(store_format(tmp_st), STORE_FORMAT);
	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(store_id(txn, tmp_st, a), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, "format", &v), 0);
	ck_assert_int_eq(v, STORE_FORMAT);
	store_abort(txn);

	/* another store has another identity */
	snprintf(p, sizeof(p), "%s/other", tmp_dir);
	ck_assert_int_eq(store_open(&st, p, STORE_CREATE), 0);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_id(txn, st, b), 0);
	store_abort(txn);
	ck_assert(memcmp(a, b, sizeof(a)));
	/* STORE_CREATE on a store opens it as it is */
	store_close(st);
	ck_assert_int_eq(store_open(&st, p, STORE_CREATE), 0);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_id(txn, st, a), 0);
	store_abort(txn);
	ck_assert(!memcmp(a, b, sizeof(a)));

	store_close(st);
	snprintf(p, sizeof(p), "rm -rf %s/other", tmp_dir);
	ck_assert_int_eq(system(p), 0);

	/* format 0, as main wrote it before tagih init: raw LMDB, values
	 * without checksums, an identity an agent made: refused, then
	 * upgraded with its records and identity kept */
	{
		MDB_env *env;
		MDB_txn *t;
		MDB_dbi meta, subs;
		MDB_val k = { 8, "store_id" }, v = { sizeof(b), b };
		MDB_val sk = { 4, "budi" }, sv = { 5, "hello" };

		snprintf(p, sizeof(p), "%s/other", tmp_dir);
		mkdir(p, 0700);
		ck_assert_int_eq(mdb_env_create(&env), 0);
		mdb_env_set_maxdbs(env, 64);
		ck_assert_int_eq(mdb_env_open(env, p, 0, 0600), 0);
		ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &t), 0);
		ck_assert_int_eq(mdb_dbi_open(t, "meta", MDB_CREATE, &meta), 0);
		ck_assert_int_eq(mdb_dbi_open(t, "subs", MDB_CREATE, &subs), 0);
		ck_assert_int_eq(mdb_put(t, meta, &k, &v, 0), 0);
		ck_assert_int_eq(mdb_put(t, subs, &sk, &sv, 0), 0);
		ck_assert_int_eq(mdb_txn_commit(t), 0);
		mdb_env_close(env);
	}
	ck_assert_int_eq(store_open(&st, p, 0), -EPROTONOSUPPORT);
	ck_assert_int_eq(store_open(&st, p, STORE_UPGRADE), 0);
	ck_assert_int_eq(store_format(st), 0);
	ck_assert_int_eq(store_upgrade(st, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_format(st), STORE_FORMAT);
	store_close(st);
	ck_assert_int_eq(store_open(&st, p, 0), 0);
	ck_assert_int_eq(store_begin(st, false, &txn), 0);
	ck_assert_int_eq(store_id(txn, st, a), 0);
	ck_assert(!memcmp(a, b, sizeof(a)));	/* the identity is kept */
	{
		MDB_val v;

		ck_assert_int_eq(store_get(txn, st, DB_SUBS, "budi", 4, &v), 0);
		ck_assert_int_eq(v.mv_size, 5);
		ck_assert(!memcmp(v.mv_data, "hello", 5));
	}
	store_abort(txn);
	store_close(st);

	/* a newer format is refused */
	ck_assert_int_eq(store_open(&st, p, 0), 0);
	ck_assert_int_eq(store_begin(st, true, &txn), 0);
	ck_assert_int_eq(store_meta_put_u64(txn, st, "format",
					    STORE_FORMAT + 1), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	store_close(st);
	ck_assert_int_eq(store_open(&st, p, 0), -EPROTONOSUPPORT);
	ck_assert_int_eq(store_open(&st, p, STORE_UPGRADE), -EPROTONOSUPPORT);
	snprintf(p, sizeof(p), "rm -rf %s/other", tmp_dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(mapsize_checked)
{
	static const char *const bad[] = { "0", "-1", "junk", "1.5",
					   "99999999999", "", " 5", "+5",
					   "16385" };
	struct store *st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("TAGIH_MAPSIZE_GB", bad[i], 1);
		ck_assert_msg(store_open(&st, tmp_dir, 0) == -EINVAL,
			      "TAGIH_MAPSIZE_GB='%s' accepted", bad[i]);
	}
	setenv("TAGIH_MAPSIZE_GB", "2", 1);
	ck_assert_int_eq(store_open(&st, tmp_dir, 0), 0);
	store_close(st);
	setenv("TAGIH_MAPSIZE_GB", "1", 1);
}
END_TEST

/* flip one byte of the first occurrence of what in dir/data.mdb */
static void flip_in_file(const char *dir, const char *what)
{
	char p[160];
	FILE *f;
	static char d[1 << 20];
	size_t n, i, w = strlen(what);

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	f = fopen(p, "r+");
	ck_assert_ptr_nonnull(f);
	n = fread(d, 1, sizeof(d), f);
	for (i = 0; i + w <= n; i++)
		if (!memcmp(d + i, what, w))
			break;
	ck_assert_msg(i + w <= n, "%s not in %s", what, p);
	fseek(f, (long)(i + 2), SEEK_SET);
	fputc(d[i + 2] ^ 0x20, f);
	fclose(f);
}

START_TEST(checksums)
{
	MDB_cursor *cur;
	MDB_txn *txn;
	MDB_val k, v;
	uint64_t id;
	int rc, n = 0;

	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_PLANS, "a", 1, "apple", 5, 0),
			 0);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_PLANS, "b", 1,
				   "MARKERVALUE", 11, 0), 0);
	ck_assert_int_eq(store_put(txn, tmp_st, DB_PLANS, "c", 1, "", 0, 0), 0);
	/* the payload comes back without its checksum */
	ck_assert_int_eq(store_get(txn, tmp_st, DB_PLANS, "b", 1, &v), 0);
	ck_assert_int_eq(v.mv_size, 11);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_PLANS, "c", 1, &v), 0);
	ck_assert_int_eq(v.mv_size, 0);
	ck_assert_int_eq(store_commit(txn), 0);

	/* every write txn stamps its id: a reader sees its own */
	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(store_meta_get_u64(txn, tmp_st, STORE_TXN_KEY, &id),
			 0);
	ck_assert_int_eq(id, mdb_txn_id(txn));
	store_abort(txn);

	/* a flipped byte in a value: -EBADMSG from get and the cursor */
	store_close(tmp_st);
	flip_in_file(tmp_dir, "MARKERVALUE");
	ck_assert_int_eq(store_open(&tmp_st, tmp_dir, 0), 0);
	ck_assert_int_eq(store_begin(tmp_st, false, &txn), 0);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_PLANS, "a", 1, &v), 0);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_PLANS, "b", 1, &v),
			 -EBADMSG);
	ck_assert_int_eq(store_cursor_open(txn, tmp_st, DB_PLANS, &cur), 0);
	for (rc = store_cursor_get(cur, &k, &v, MDB_FIRST); !rc;
	     rc = store_cursor_get(cur, &k, &v, MDB_NEXT))
		n++;
	ck_assert_int_eq(rc, -EBADMSG);
	ck_assert_int_eq(n, 1);		/* "a", then "b" fails */
	k.mv_size = 1;
	k.mv_data = "c";
	ck_assert_int_eq(store_cursor_get(cur, &k, &v, MDB_SET), 0);
	ck_assert_int_eq(v.mv_size, 0);
	mdb_cursor_close(cur);
	store_abort(txn);
}
END_TEST

START_TEST(map_full)
{
	MDB_envinfo info;
	MDB_txn *txn;
	char key[16], val[1000];
	int i, err = 0;

	memset(val, 'x', sizeof(val));
	ck_assert_int_eq(mdb_env_set_mapsize(store_env(tmp_st), 256 << 10), 0);
	ck_assert_int_eq(mdb_env_info(store_env(tmp_st), &info), 0);
	ck_assert_int_le(info.me_mapsize, 1 << 20);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
	for (i = 0; i < 10000 && !err; i++) {
		snprintf(key, sizeof(key), "k%06d", i);
		err = store_put(txn, tmp_st, DB_AUDIT, key, strlen(key), val,
				sizeof(val), 0);
	}
	ck_assert_int_eq(err, -ENOSPC);
	store_abort(txn);
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
	tcase_add_test(tc, crc32c_vectors);
	tcase_add_test(tc, refuses_what_is_not_a_store);
	tcase_add_test(tc, identity_and_format);
	tcase_add_test(tc, mapsize_checked);
	tcase_add_test(tc, checksums);
	tcase_add_test(tc, map_full);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(store_suite)
