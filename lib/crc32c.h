/* SPDX-License-Identifier: GPL-2.0 */
/* crc32c.h - CRC-32C (Castagnoli), the store's per-record checksum: the CPU's crc32 instruction where it has one. */
#ifndef TAGIH_CRC32C_H
#define TAGIH_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC-32C of n bytes at p, continuing crc (0 to start): chains like
 * zlib's crc32(), crc32c(crc32c(0, a), b) is the CRC of a then b.
 * crc32c(0, "123456789", 9) = 0xe3069283. SSE4.2 on x86-64 (checked at
 * run time), else a table.
 */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

#endif
