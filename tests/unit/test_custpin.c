// SPDX-License-Identifier: GPL-2.0
/* test_custpin.c - customer PINs: format, phone forms, set/verify/clear, salted hashes, one hash per login. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/unit/tmpstore.h"
#include "billing/custpin.h"
#include "billing/sub.h"

static MDB_txn *txn;

static void setup(void)
{
	tmp_store_setup();
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
}

static void teardown(void)
{
	if (txn)
		store_abort(txn);
	txn = NULL;
	tmp_store_teardown();
}

/* Adds subscriber id with phone (NULL: none) and commits; txn is fresh. */
static void add(const char *id, const char *phone)
{
	struct sub_rec r = { 0 };

	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.name, sizeof(r.name), "Name of %s", id);
	if (phone)
		snprintf(r.phone, sizeof(r.phone), "%s", phone);
	r.created = 1000;
	ck_assert_int_eq(sub_add(txn, tmp_st, &r, NULL, 0, NULL), 0);
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
}

static void commit(void)
{
	ck_assert_int_eq(store_commit(txn), 0);
	ck_assert_int_eq(store_begin(tmp_st, true, &txn), 0);
}

/* The stored record of id (56 bytes: 8 header, 16 salt, 32 hash) into rec. */
static void stored(const char *id, uint8_t rec[56])
{
	char key[64];
	MDB_val v;

	snprintf(key, sizeof(key), "cpin:%s", id);
	ck_assert_int_eq(store_get(txn, tmp_st, DB_META, key, strlen(key), &v),
			 0);
	ck_assert_uint_eq(v.mv_size, 56);
	memcpy(rec, v.mv_data, 56);
}

START_TEST(pin_format)
{
	static const char *const ok[] = { "1234", "0000", "12345678",
					  "098765" };
	static const char *const bad[] = {
		"", "123", "123456789", "12a4", " 1234", "1234 ", "1234\n",
		"-1234", "+1234", "12.34", "١٢٣٤", "abcd",
	};
	unsigned i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(custpin_check(ok[i]) == 0, "%s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(custpin_check(bad[i]) == -EINVAL, "'%s'", bad[i]);
	ck_assert_int_eq(custpin_check(NULL), -EINVAL);
}
END_TEST

START_TEST(phone_forms)
{
	static const char *const same[] = {
		"081234567890", "+6281234567890", "6281234567890",
		"0812-3456-7890", "0812 3456 7890", "(0812) 3456.7890",
		"+62 812-3456-7890", "62 (812) 3456 7890",
	};
	char out[CUSTPIN_PHONE_MAX];
	unsigned i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		memset(out, 'x', sizeof(out));
		ck_assert_msg(custpin_phone_norm(same[i], out) == 0, "%s",
			      same[i]);
		ck_assert_str_eq(out, "081234567890");
	}
	/* the bounds: 8 and 15 digits after normalisation */
	ck_assert_int_eq(custpin_phone_norm("08123456", out), 0);
	ck_assert_str_eq(out, "08123456");
	ck_assert_int_eq(custpin_phone_norm("081234567890123", out), 0);
	ck_assert_str_eq(out, "081234567890123");
	ck_assert_int_eq(custpin_phone_norm("+6281234567890123", out), 0);
	ck_assert_str_eq(out, "081234567890123");
}
END_TEST

START_TEST(phone_junk)
{
	static const char *const bad[] = {
		"", "+", "62", "0", "abc", "0812345678x", "0812/3456/7890",
		"0812_3456_7890", "0812+34567890", "++6281234567890",
		"0812345",			/* 7 digits */
		"0812345678901234",		/* 16 digits */
		"+62812345678901234",		/* 16 after "0" */
		"123456789012345678901234567890",	/* longer than out */
		"1234567890",			/* neither 0 nor 62 */
		"+1 555 123 4567",
		"0812 3456 7890\n", "0812\t34567890",
	};
	char out[CUSTPIN_PHONE_MAX];
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(custpin_phone_norm(bad[i], out) == -EINVAL,
			      "'%s' accepted as %s", bad[i], out);
}
END_TEST

START_TEST(set_and_login)
{
	char id[SUB_ID_MAX + 1];

	add("budi", "0812-3456-7890");
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "budi"), 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "482913", 2000,
				     "test"), 0);
	commit();
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "budi"), 1);

	memset(id, 0, sizeof(id));
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "482913", id), 0);
	ck_assert_str_eq(id, "budi");
	memset(id, 0, sizeof(id));
	ck_assert_int_eq(custpin_login(tmp_st, "+62 812 3456 7890", "482913",
				       id), 0);
	ck_assert_str_eq(id, "budi");

	/* every "no" is -EACCES */
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "482914", id),
			 -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "48291", id),
			 -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "4829130", id),
			 -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567891", "482913", id),
			 -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "junk", "482913", id), -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "12x4", id),
			 -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, NULL, "482913", id), -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", NULL, id),
			 -EACCES);

	/* replace: the old PIN stops working */
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "1111", 2001, "test"),
			 0);
	commit();
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "482913", id),
			 -EACCES);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "1111", id), 0);
}
END_TEST

START_TEST(set_refused)
{
	add("budi", "081234567890");
	add("nophone", NULL);
	add("badphone", "12345");

	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "123", 2000, "t"),
			 -EINVAL);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "123456789", 2000,
				     "t"), -EINVAL);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "12a4", 2000, "t"),
			 -EINVAL);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", NULL, 2000, "t"),
			 -EINVAL);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "ghost", "1234", 2000, "t"),
			 -ENOENT);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "nophone", "1234", 2000, "t"),
			 -EINVAL);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "badphone", "1234", 2000,
				     "t"), -EINVAL);
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "budi"), 0);
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "nophone"), 0);
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "badphone"), 0);
}
END_TEST

START_TEST(clear)
{
	char id[SUB_ID_MAX + 1];

	add("budi", "081234567890");
	ck_assert_int_eq(custpin_clear(txn, tmp_st, "budi", 2000, "t"),
			 -EALREADY);
	ck_assert_int_eq(custpin_clear(txn, tmp_st, "ghost", 2000, "t"),
			 -ENOENT);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "5678", 2000, "t"), 0);
	commit();
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "5678", id), 0);
	ck_assert_int_eq(custpin_clear(txn, tmp_st, "budi", 2001, "t"), 0);
	commit();
	ck_assert_int_eq(custpin_is_set(txn, tmp_st, "budi"), 0);
	ck_assert_int_eq(custpin_login(tmp_st, "081234567890", "5678", id),
			 -EACCES);
	ck_assert_int_eq(custpin_clear(txn, tmp_st, "budi", 2002, "t"),
			 -EALREADY);
}
END_TEST

START_TEST(salted)
{
	static const char pin[] = "73915284";
	uint8_t a[56], b[56];
	char id[SUB_ID_MAX + 1];

	add("ani", "081111111111");
	add("budi", "082222222222");
	ck_assert_int_eq(custpin_set(txn, tmp_st, "ani", pin, 2000, "t"), 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", pin, 2000, "t"), 0);
	commit();
	stored("ani", a);
	stored("budi", b);

	/* version 1, 3 zero bytes, iterations (BE) */
	ck_assert_uint_eq(a[0], 1);
	ck_assert(!a[1] && !a[2] && !a[3]);
	ck_assert_uint_eq((uint32_t)a[4] << 24 | a[5] << 16 | a[6] << 8 | a[7],
			  CUSTPIN_ITER);
	/* no trace of the PIN, as text or as digit values */
	ck_assert_ptr_null(memmem(a, sizeof(a), pin, 4));
	ck_assert_ptr_null(memmem(a, sizeof(a), pin + 4, 4));
	ck_assert_ptr_null(memmem(a, sizeof(a), "\7\3\11\1", 4));
	/* same PIN, different salt and hash */
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	ck_assert(memcmp(a + 8, b + 8, 16) != 0);
	ck_assert(memcmp(a + 24, b + 24, 32) != 0);

	/* setting the same PIN again draws a new salt */
	ck_assert_int_eq(custpin_set(txn, tmp_st, "ani", pin, 2001, "t"), 0);
	commit();
	stored("ani", b);
	ck_assert(memcmp(a + 8, b + 8, 16) != 0);

	ck_assert_int_eq(custpin_login(tmp_st, "081111111111", pin, id), 0);
	ck_assert_str_eq(id, "ani");
	ck_assert_int_eq(custpin_login(tmp_st, "082222222222", pin, id), 0);
	ck_assert_str_eq(id, "budi");
}
END_TEST

START_TEST(shared_phone)
{
	char id[SUB_ID_MAX + 1];

	/* one phone, two subscribers (a family with two lines): the PIN
	 * picks the subscriber; a subscriber without PIN is never matched */
	add("rumah", "0813-0000-1111");
	add("toko", "+62 813 0000 1111");
	add("kos", "6281300001111");
	ck_assert_int_eq(custpin_set(txn, tmp_st, "rumah", "1111", 2000, "t"),
			 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "toko", "2222", 2000, "t"),
			 0);
	commit();
	ck_assert_int_eq(custpin_login(tmp_st, "081300001111", "1111", id), 0);
	ck_assert_str_eq(id, "rumah");
	ck_assert_int_eq(custpin_login(tmp_st, "081300001111", "2222", id), 0);
	ck_assert_str_eq(id, "toko");
	ck_assert_int_eq(custpin_login(tmp_st, "081300001111", "3333", id),
			 -EACCES);
}
END_TEST

START_TEST(shared_salt)
{
	uint8_t a[56], b[56], c[56];

	/* the holders of one phone share its salt and count, not the hash */
	add("rumah", "0813-0000-1111");
	add("toko", "+62 813 0000 1111");
	add("lain", "081300002222");
	ck_assert_int_eq(custpin_set(txn, tmp_st, "rumah", "1111", 2000, "t"),
			 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "toko", "1111", 2000, "t"),
			 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "lain", "1111", 2000, "t"),
			 0);
	commit();
	stored("rumah", a);
	stored("toko", b);
	stored("lain", c);
	ck_assert(memcmp(a + 4, b + 4, 4 + 16) == 0);
	/* same PIN, same salt: the same hash; a PIN of its own differs */
	ck_assert(memcmp(a + 24, b + 24, 32) == 0);
	ck_assert(memcmp(a + 8, c + 8, 16) != 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "toko", "2222", 2001, "t"),
			 0);
	commit();
	stored("toko", b);
	ck_assert(memcmp(a + 4, b + 4, 4 + 16) == 0);
	ck_assert(memcmp(a + 24, b + 24, 32) != 0);
}
END_TEST

/* One login; returns how many PBKDF2 it ran, its time in *ms. */
static uint64_t one_login(const char *phone, const char *pin, int want,
			  double *ms)
{
	char id[SUB_ID_MAX + 1];
	struct timespec t0, t1;
	uint64_t h0 = custpin_hashes();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(custpin_login(tmp_st, phone, pin, id), want);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ms)
		*ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
		      (t1.tv_nsec - t0.tv_nsec) / 1e6;
	return custpin_hashes() - h0;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

START_TEST(one_hash_whoever)
{
	static const char *const phones[] = {
		"081300001111",	/* two PIN holders */
		"081255550003",	/* one */
		"081299998888",	/* nobody */
		"081277776666",	/* a subscriber without a PIN */
		"not a phone",
	};
	double t[5][7], med[5], lo, hi;
	int i, k;

	add("rumah", "0813-0000-1111");
	add("toko", "6281300001111");
	add("budi", "081255550003");
	add("nopin", "081277776666");
	ck_assert_int_eq(custpin_set(txn, tmp_st, "rumah", "1111", 2000, "t"),
			 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "toko", "2222", 2000, "t"),
			 0);
	ck_assert_int_eq(custpin_set(txn, tmp_st, "budi", "3333", 2000, "t"),
			 0);
	commit();

	/* exactly one PBKDF2 per login, right or wrong, whoever holds it */
	ck_assert_uint_eq(one_login("081300001111", "2222", 0, NULL), 1);
	ck_assert_uint_eq(one_login("081300001111", "1111", 0, NULL), 1);
	ck_assert_uint_eq(one_login("081255550003", "3333", 0, NULL), 1);
	ck_assert_uint_eq(one_login("081300001111", "12a4", -EACCES, NULL), 1);
	ck_assert_uint_eq(one_login(NULL, "1111", -EACCES, NULL), 1);
	ck_assert_uint_eq(one_login("081300001111", NULL, -EACCES, NULL), 1);
	/* and the same time: medians of 7, interleaved */
	for (k = 0; k < 7; k++)
		for (i = 0; i < 5; i++)
			ck_assert_uint_eq(one_login(phones[i], "9999", -EACCES,
						    &t[i][k]), 1);
	lo = 1e9;
	hi = 0;
	for (i = 0; i < 5; i++) {
		qsort(t[i], 7, sizeof(double), dcmp);
		med[i] = t[i][3];
		lo = med[i] < lo ? med[i] : lo;
		hi = med[i] > hi ? med[i] : hi;
	}
	ck_assert_msg(hi <= lo * 1.3, "login medians (ms): shared %.1f, one "
		      "%.1f, unknown %.1f, no PIN %.1f, bad phone %.1f", med[0],
		      med[1], med[2], med[3], med[4]);
}
END_TEST

static Suite *custpin_suite(void)
{
	Suite *s = suite_create("custpin");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	/* PBKDF2 at CUSTPIN_ITER, several times per test, also under ASan */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pin_format);
	tcase_add_test(tc, phone_forms);
	tcase_add_test(tc, phone_junk);
	tcase_add_test(tc, set_and_login);
	tcase_add_test(tc, set_refused);
	tcase_add_test(tc, clear);
	tcase_add_test(tc, salted);
	tcase_add_test(tc, shared_phone);
	tcase_add_test(tc, shared_salt);
	tcase_add_test(tc, one_hash_whoever);
	suite_add_tcase(s, tc);
	return s;
}

TMP_SUITE_MAIN(custpin_suite)
