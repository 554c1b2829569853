// SPDX-License-Identifier: GPL-2.0
/* test_v6hash.c - painting IPv6 /64s for the XDP /64 hash: expansion, layering, trie marks, budget, random vs brute force. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/tagih.h"
#include "agent/maps/v6hash.h"

#define MAXOUT 65536

static struct v6hash_ent *out;

static void setup(void)
{
	out = malloc(MAXOUT * sizeof(*out));
	ck_assert_ptr_nonnull(out);
	memset(out, 0xee, MAXOUT * sizeof(*out));	/* garbage */
}

static void teardown(void)
{
	free(out);
	out = NULL;
}

/* A prefix whose top 64 bits are hi and low 64 bits lo. */
static struct v6hash_pfx P(uint64_t hi, uint64_t lo, uint32_t len,
			   uint32_t uid)
{
	struct v6hash_pfx p = { .len = len, .uid = uid };
	int i;

	for (i = 0; i < 8; i++) {
		p.addr[i] = hi >> (56 - 8 * i);
		p.addr[8 + i] = lo >> (56 - 8 * i);
	}
	return p;
}

#define NET 0x20010db800000000ull	/* 2001:db8::/32 */

/* Keys strictly ascending in out[0..n)? (one assert: each one is a write) */
static bool ascending(size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (out[i - 1].key >= out[i].key)
			return false;
	return true;
}

/* Value of key in out[0..n), 0 if absent. */
static uint32_t val_of(size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (out[mid].key == key)
			return out[mid].val;
		if (out[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

START_TEST(empty)
{
	ck_assert_uint_eq(v6hash_paint(NULL, 0, out, MAXOUT), 0);
}
END_TEST

START_TEST(one_64)
{
	struct v6hash_pfx p[] = { P(NET | 0x1234, 0, 64, 7) };

	ck_assert_uint_eq(v6hash_paint(p, 1, out, MAXOUT), 1);
	ck_assert_uint_eq(out[0].key, NET | 0x1234);
	ck_assert_uint_eq(out[0].val, 7);
}
END_TEST

START_TEST(one_56)
{
	struct v6hash_pfx p[] = { P(NET | 0x4500, 0, 56, 9) };
	size_t i;

	ck_assert_uint_eq(v6hash_paint(p, 1, out, MAXOUT), 256);
	for (i = 0; i < 256; i++) {
		ck_assert_uint_eq(out[i].key, NET | 0x4500 | i);
		ck_assert_uint_eq(out[i].val, 9);
	}
}
END_TEST

/* A /56 with a /60 and a /64 inside, given in the worst order. */
START_TEST(layers)
{
	struct v6hash_pfx p[] = {
		P(NET | 0x0117, 0, 64, 3),
		P(NET | 0x0110, 0, 60, 2),
		P(NET | 0x0100, 0, 56, 1),
	};
	size_t n = v6hash_paint(p, 3, out, MAXOUT), i;

	ck_assert_uint_eq(n, 256);
	ck_assert(ascending(n));
	for (i = 0; i < 256; i++) {
		uint32_t want = i == 0x17 ? 3 : (i >> 4) == 1 ? 2 : 1;

		ck_assert_uint_eq(val_of(n, NET | 0x0100 | i), want);
	}
}
END_TEST

/* Longer than /64 inside a painted /64: the trie must answer there. */
START_TEST(trie_marks)
{
	struct v6hash_pfx p[] = {
		P(NET | 0x0200, 0, 56, 1),
		P(NET | 0x0205, 0x1, 128, 2),		/* in the /56 */
		P(NET | 0x0207, 0x8000000000000000ull, 65, 3),
		P(NET | 0x0207, 0x1, 128, 4),		/* same /64 twice */
		P(NET | 0x0900, 0x1, 128, 5),		/* nothing painted */
	};
	size_t n = v6hash_paint(p, 5, out, MAXOUT);

	ck_assert_uint_eq(n, 256);
	ck_assert(ascending(n));
	ck_assert_uint_eq(val_of(n, NET | 0x0205), TAGIH_V6_TRIE);
	ck_assert_uint_eq(val_of(n, NET | 0x0207), TAGIH_V6_TRIE);
	ck_assert_uint_eq(val_of(n, NET | 0x0204), 1);
	ck_assert_uint_eq(val_of(n, NET | 0x0206), 1);
	ck_assert_uint_eq(val_of(n, NET | 0x0900), 0);	/* a miss */
}
END_TEST

/* Shorter than /56: never painted; what is inside still is. */
START_TEST(short_ignored)
{
	struct v6hash_pfx p[] = {
		P(NET, 0, 48, 1),
		P(NET | 0x0300, 0, 55, 2),
		P(NET | 0x0042, 0, 64, 3),
	};
	size_t n = v6hash_paint(p, 3, out, MAXOUT);

	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(out[0].key, NET | 0x0042);
	ck_assert_uint_eq(out[0].val, 3);
}
END_TEST

START_TEST(host_bits_and_dup)
{
	struct v6hash_pfx p[] = {
		P(NET | 0x05ab, 0xdead, 56, 1),	/* host bits set */
		P(NET | 0x0500, 0, 56, 2),	/* the same /56 again */
	};
	size_t n = v6hash_paint(p, 2, out, MAXOUT), i;

	ck_assert_uint_eq(n, 256);
	for (i = 0; i < 256; i++) {
		ck_assert_uint_eq(out[i].key, NET | 0x0500 | i);
		ck_assert_uint_eq(out[i].val, out[0].val);
	}
}
END_TEST

/* The very last /56 of the address space: no wrap, no endless loop. */
START_TEST(top_of_space)
{
	struct v6hash_pfx p[] = {
		P(~0ull, 0, 56, 1),
		P(~0ull, 0, 64, 2),
	};
	size_t n = v6hash_paint(p, 2, out, MAXOUT);

	ck_assert_uint_eq(n, 256);
	ck_assert_uint_eq(out[0].key, ~0ull - 255);
	ck_assert_uint_eq(out[0].val, 1);
	ck_assert_uint_eq(out[255].key, ~0ull);
	ck_assert_uint_eq(out[255].val, 2);
}
END_TEST

/* A budget: the first cap /64s in key order, the total still counted. */
START_TEST(budget)
{
	struct v6hash_pfx p[] = {
		P(NET | 0x0700, 0, 56, 2),
		P(NET | 0x0600, 0, 56, 1),
	};
	size_t n, i;

	out[100].key = 42;
	n = v6hash_paint(p, 2, out, 100);
	ck_assert_uint_eq(n, 512);
	for (i = 0; i < 100; i++) {
		ck_assert_uint_eq(out[i].key, NET | 0x0600 | i);
		ck_assert_uint_eq(out[i].val, 1);
	}
	ck_assert_uint_eq(out[100].key, 42);	/* untouched */
	ck_assert_uint_eq(v6hash_paint(p, 2, NULL, 0), 512);
}
END_TEST

/* Brute force: what the meter would find, for every /64 of the area. */
static uint32_t want_of(const struct v6hash_pfx *p, size_t n, uint64_t k)
{
	uint32_t best = 0, blen = 0;
	bool longer = false;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t hi = 0;
		int b;

		for (b = 0; b < 8; b++)
			hi = hi << 8 | p[i].addr[b];
		if (p[i].len > 64) {
			longer |= hi == k;
			continue;
		}
		if (p[i].len < TAGIH_V6H_MIN_LEN)
			continue;
		if ((hi ^ k) >> (64 - p[i].len))
			continue;
		if (!best || p[i].len >= blen) {
			best = p[i].uid;
			blen = p[i].len;
		}
	}
	if (!best)
		return 0;
	return longer ? TAGIH_V6_TRIE : best;
}

START_TEST(random_vs_brute_force)
{
	/* Distinct prefixes in 2001:db8:0:a000::/52, random order. */
	struct v6hash_pfx p[150], q[150];
	unsigned int seed = 20261101 + _i;
	size_t n = 0, m, i, j;
	uint64_t base = NET | 0xa000;

	while (n < sizeof(p) / sizeof(p[0])) {
		uint32_t r = rand_r(&seed) % 100, len;
		uint64_t hi = base | (rand_r(&seed) & 0xfff), lo = 0;
		bool dup = false;

		if (r < 5)
			len = 52 + rand_r(&seed) % 4;	/* too short */
		else if (r < 25)
			len = 65 + rand_r(&seed) % 64;
		else
			len = 56 + rand_r(&seed) % 9;
		if (len <= 64)
			hi &= ~0ull << (64 - len);
		else
			lo = (uint64_t)rand_r(&seed) << 32 |
			     (uint64_t)rand_r(&seed) << 40;
		q[n] = P(hi, len > 64 ? lo : 0, len, n + 1);
		for (j = 0; j < n; j++)
			dup |= !memcmp(q[j].addr, q[n].addr, 16) &&
			       q[j].len == len;
		if (dup)
			continue;
		n++;
	}
	memcpy(p, q, sizeof(p));
	m = v6hash_paint(p, n, out, MAXOUT);
	ck_assert_uint_le(m, 4096);
	ck_assert(ascending(m));
	for (i = 0; i < 4096; i++) {
		uint32_t got = val_of(m, base | i), want = want_of(q, n, base | i);

		if (got != want)
			ck_abort_msg("/64 %#llx: painted %u, longest match says %u",
				     (unsigned long long)(base | i), got, want);
	}
}
END_TEST

static Suite *v6hash_suite(void)
{
	Suite *s = suite_create("v6hash");
	TCase *tc = tcase_create("paint");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, one_64);
	tcase_add_test(tc, one_56);
	tcase_add_test(tc, layers);
	tcase_add_test(tc, trie_marks);
	tcase_add_test(tc, short_ignored);
	tcase_add_test(tc, host_bits_and_dup);
	tcase_add_test(tc, top_of_space);
	tcase_add_test(tc, budget);
	tcase_add_loop_test(tc, random_vs_brute_force, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(v6hash_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
