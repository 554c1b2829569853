/* SPDX-License-Identifier: GPL-2.0 */
/* terbilang.h - an amount in words, as Indonesian invoices and receipts print it ("seratus sebelas ribu rupiah"). */
#ifndef TAGIH_TERBILANG_H
#define TAGIH_TERBILANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The whole int64 range: 0 is "nol", a negative amount (a credit note,
 * a refund) is "minus" and the words of its magnitude, INT64_MIN
 * included. Scales are ribu, juta, miliar, triliun, kuadriliun,
 * kuintiliun (10^3 .. 10^18); "se-" for one of ten, eleven, a hundred
 * and a thousand (sepuluh, sebelas, seratus, seribu) but "satu juta",
 * "satu miliar" and up, as KBBI writes them. en: short scale without
 * "and" ("one hundred eleven thousand"), tens joined by a hyphen
 * ("twenty-one").
 *
 * TERBILANG_MAX bytes hold any int64 with " rupiah" in either language.
 */
#define TERBILANG_MAX 320

/* Words of v into buf (size n). Returns the length, or -ENOSPC when it
 * does not fit (buf then holds ""). */
int terbilang(int64_t v, bool en, char *buf, size_t n);
/* terbilang(v) followed by " rupiah". Same returns. */
int terbilang_rp(int64_t v, bool en, char *buf, size_t n);

#endif
