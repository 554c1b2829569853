// SPDX-License-Identifier: GPL-2.0
/* fuzz_radius.c - libFuzzer target: the RADIUS accounting parser and authenticators (agent/radius_parse.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/radius_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct radius_acct a;
	uint8_t resp[RADIUS_HDR], *copy;
	int i;

	if (radius_parse(data, n, &a))
		return 0;
	/* what the parser promises */
	if (a.len < RADIUS_HDR || a.len > n || a.code != RADIUS_CODE_ACCT_REQ ||
	    strlen(a.user) > RADIUS_STR_MAX ||
	    strlen(a.session) > RADIUS_STR_MAX || a.n6 < 0 ||
	    a.n6 > RADIUS_V6_MAX)
		abort();
	for (i = 0; i < a.n6; i++)
		if (a.v6[i].family != 6 || a.v6[i].len > 128)
			abort();
	/* signing then verifying agrees, whatever the bytes */
	copy = malloc(a.len);
	if (!copy)
		return 0;
	memcpy(copy, data, a.len);
	if (radius_acct_sign(copy, a.len, "fuzz", 4) ||
	    radius_acct_verify(copy, a.len, "fuzz", 4))
		abort();
	free(copy);
	radius_acct_verify(data, a.len, "fuzz", 4);
	if (radius_acct_response(&a, "fuzz", 4, resp) != RADIUS_HDR)
		abort();
	return 0;
}
