// SPDX-License-Identifier: GPL-2.0
/* crc32c.c - CRC-32C (Castagnoli, reflected 0x82f63b78): SSE4.2's crc32 instruction, or a 256-entry table. */
#include <string.h>

#include "lib/crc32c.h"

/*
 * Why not zlib's crc32: the store checks a checksum on every record it
 * reads and writes one on every record it writes (a drain of 1M
 * subscribers: ~6M records of ~60 bytes), and zlib's table CRC cost the
 * drain 3x there; the CPU's crc32 instruction computes CRC-32C at about
 * 8 bytes a cycle. The table is the same polynomial, for CPUs without it.
 */
static uint32_t tab[256];
static uint32_t (*impl)(uint32_t crc, const uint8_t *p, size_t n);

static uint32_t crc_table(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--)
		crc = tab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc_sse42(uint32_t crc, const uint8_t *p, size_t n)
{
	uint64_t c = crc, v;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	crc = (uint32_t)c;
	while (n--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}
#endif

__attribute__((constructor)) static void crc32c_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		tab[i] = c;
	}
	impl = crc_table;
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse4.2"))
		impl = crc_sse42;
#endif
}

uint32_t crc32c(uint32_t crc, const void *p, size_t n)
{
	return ~impl(~crc, p, n);
}
