// SPDX-License-Identifier: GPL-2.0
/* test_dir16.c - painting IPv4 /16 blocks for the XDP direct table: layering, order, bad input, random vs brute force. */
#include <errno.h>
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "agent/maps/dir16.h"

#define A(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static uint32_t *blk;

static void setup(void)
{
	blk = malloc(DIR16_SLOTS * sizeof(*blk));
	ck_assert_ptr_nonnull(blk);
	memset(blk, 0xee, DIR16_SLOTS * sizeof(*blk));	/* garbage */
}

static void teardown(void)
{
	free(blk);
	blk = NULL;
}

/* How many slots hold uid. */
static uint32_t count(uint32_t uid)
{
	uint32_t i, n = 0;

	for (i = 0; i < DIR16_SLOTS; i++)
		n += blk[i] == uid;
	return n;
}

START_TEST(empty)
{
	ck_assert_int_eq(dir16_paint(blk, 0x0a00, NULL, 0), 0);
	ck_assert_uint_eq(count(0), DIR16_SLOTS);
}
END_TEST

START_TEST(whole_16)
{
	struct dir16_pfx p[] = { { A(10, 1, 0, 0), 16, 7 } };

	ck_assert_int_eq(dir16_paint(blk, 0x0a01, p, 1), 0);
	ck_assert_uint_eq(count(7), DIR16_SLOTS);
}
END_TEST

START_TEST(slash24_and_32_inside)
{
	/* The /32 is longer: it wins for its address, the /24 elsewhere. */
	struct dir16_pfx p[] = {
		{ A(10, 0, 3, 0), 24, 1 },
		{ A(10, 0, 3, 7), 32, 2 },
	};

	ck_assert_int_eq(dir16_paint(blk, 0x0a00, p, 2), 0);
	ck_assert_uint_eq(blk[0x0307], 2);
	ck_assert_uint_eq(blk[0x0306], 1);
	ck_assert_uint_eq(blk[0x0308], 1);
	ck_assert_uint_eq(blk[0x0300], 1);
	ck_assert_uint_eq(blk[0x03ff], 1);
	ck_assert_uint_eq(blk[0x02ff], 0);
	ck_assert_uint_eq(blk[0x0400], 0);
	ck_assert_uint_eq(count(1), 255);
	ck_assert_uint_eq(count(2), 1);
	ck_assert_uint_eq(count(0), DIR16_SLOTS - 256);
}
END_TEST

START_TEST(layers)
{
	struct dir16_pfx p[] = {
		{ A(172, 16, 0, 0), 16, 1 },
		{ A(172, 16, 16, 0), 20, 2 },
		{ A(172, 16, 17, 0), 24, 3 },
		{ A(172, 16, 17, 8), 29, 4 },
		{ A(172, 16, 17, 9), 32, 5 },
	};

	ck_assert_int_eq(dir16_paint(blk, 0xac10, p, 5), 0);
	ck_assert_uint_eq(blk[0x0000], 1);
	ck_assert_uint_eq(blk[0x1000], 2);
	ck_assert_uint_eq(blk[0x1fff], 2);
	ck_assert_uint_eq(blk[0x2000], 1);
	ck_assert_uint_eq(blk[0x1100], 3);
	ck_assert_uint_eq(blk[0x1108], 4);
	ck_assert_uint_eq(blk[0x1109], 5);
	ck_assert_uint_eq(blk[0x110f], 4);
	ck_assert_uint_eq(blk[0x1110], 3);
	ck_assert_uint_eq(count(5), 1);
	ck_assert_uint_eq(count(4), 7);
	ck_assert_uint_eq(count(3), 256 - 8);
	ck_assert_uint_eq(count(2), 4096 - 256);
	ck_assert_uint_eq(count(1), DIR16_SLOTS - 4096);
}
END_TEST

START_TEST(host_bits)
{
	/* 10.0.3.77/24 paints 10.0.3.0/24, not from .77 on. */
	struct dir16_pfx p[] = { { A(10, 0, 3, 77), 24, 9 } };

	ck_assert_int_eq(dir16_paint(blk, 0x0a00, p, 1), 0);
	ck_assert_uint_eq(blk[0x0300], 9);
	ck_assert_uint_eq(blk[0x03ff], 9);
	ck_assert_uint_eq(count(9), 256);
}
END_TEST

START_TEST(bad_input)
{
	struct dir16_pfx longer_first[] = {
		{ A(10, 0, 3, 7), 32, 2 },
		{ A(10, 0, 3, 0), 24, 1 },
	};
	struct dir16_pfx short_pfx[] = { { A(10, 0, 0, 0), 15, 1 } };
	struct dir16_pfx outside[] = {
		{ A(10, 0, 0, 0), 24, 1 },
		{ A(10, 1, 0, 0), 24, 2 },
	};
	struct dir16_pfx too_long[] = { { A(10, 0, 0, 0), 33, 1 } };

	ck_assert_int_eq(dir16_paint(blk, 0x0a00, longer_first, 2), -EINVAL);
	ck_assert_uint_eq(count(0), DIR16_SLOTS);
	memset(blk, 0xee, DIR16_SLOTS * sizeof(*blk));
	ck_assert_int_eq(dir16_paint(blk, 0x0a00, short_pfx, 1), -EINVAL);
	ck_assert_uint_eq(count(0), DIR16_SLOTS);
	ck_assert_int_eq(dir16_paint(blk, 0x0a00, outside, 2), -EINVAL);
	ck_assert_uint_eq(count(0), DIR16_SLOTS);
	ck_assert_int_eq(dir16_paint(blk, 0x0a00, too_long, 1), -EINVAL);
	ck_assert_uint_eq(count(0), DIR16_SLOTS);
}
END_TEST

START_TEST(sort_order)
{
	struct dir16_pfx p[] = {
		{ A(10, 1, 0, 5), 32, 1 },
		{ A(10, 0, 3, 7), 32, 2 },
		{ A(10, 1, 0, 0), 16, 3 },
		{ A(10, 0, 3, 0), 24, 4 },
		{ A(9, 255, 0, 0), 16, 5 },
		{ A(10, 0, 3, 1), 32, 6 },
	};
	static const uint32_t want[] = { 5, 4, 6, 2, 3, 1 };
	size_t i;

	dir16_sort(p, 6);
	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(p[i].uid, want[i]);
	/* Sorted, the 10.0/16 group paints; its /32 wins. */
	ck_assert_int_eq(dir16_paint(blk, 0x0a00, p + 1, 3), 0);
	ck_assert_uint_eq(blk[0x0307], 2);
	ck_assert_uint_eq(blk[0x0301], 6);
	ck_assert_uint_eq(blk[0x0302], 4);
}
END_TEST

/* Longest match of lo in p[0..n) by brute force; 0 if none. */
static uint32_t lpm(const struct dir16_pfx *p, size_t n, uint32_t addr)
{
	uint32_t best = 0, blen = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t mask = p[i].len ? ~0u << (32 - p[i].len) : 0;

		if ((addr & mask) == (p[i].addr & mask) &&
		    (!best || p[i].len >= blen)) {
			best = p[i].uid;
			blen = p[i].len;
		}
	}
	return best;
}

START_TEST(random_vs_brute_force)
{
	/* Distinct prefixes (as the store guarantees), random order. */
	struct dir16_pfx p[200];
	size_t n = 0, i, j;
	unsigned int seed = 20260101 + _i;
	uint32_t a;

	while (n < sizeof(p) / sizeof(p[0])) {
		uint32_t len = 16 + rand_r(&seed) % 17;
		uint32_t mask = ~0u << (32 - len);
		bool dup = false;

		a = (A(100, 64, 0, 0) | (rand_r(&seed) & 0xffff)) & mask;
		for (j = 0; j < n; j++)
			dup |= p[j].addr == a && p[j].len == len;
		if (dup || (len < 20 && rand_r(&seed) % 4))
			continue;	/* few short ones, or all is one colour */
		p[n].addr = a;
		p[n].len = len;
		p[n].uid = n + 1;
		n++;
	}
	dir16_sort(p, n);
	ck_assert_int_eq(dir16_paint(blk, 0x6440, p, n), 0);
	for (i = 0; i < DIR16_SLOTS; i++)
		ck_assert_uint_eq(blk[i], lpm(p, n, A(100, 64, 0, 0) | i));
}
END_TEST

static Suite *dir16_suite(void)
{
	Suite *s = suite_create("dir16");
	TCase *tc = tcase_create("paint");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, whole_16);
	tcase_add_test(tc, slash24_and_32_inside);
	tcase_add_test(tc, layers);
	tcase_add_test(tc, host_bits);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, sort_order);
	tcase_add_loop_test(tc, random_vs_brute_force, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dir16_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
