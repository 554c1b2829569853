// SPDX-License-Identifier: GPL-2.0
/* fuzz_status.c - libFuzzer target: reading a gateway's status API answer. */
#include "tests/fuzz/fuzz_common.h"

/*
 * The first byte picks the gateway (low 2 bits) and the HTTP status
 * (200, 201, 400, 404, 500); the rest is the answer's body. A success
 * must be a sane event the booking can trust.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long http[] = { 200, 200, 200, 201, 400, 404, 500, 200 };
	struct wh_event ev, n, out;
	char why[128];
	int err;

	if (!size)
		return 0;
	err = wh_status_parse((enum wh_gateway)(data[0] & 3),
			      http[(data[0] >> 2) & 7], (const char *)data + 1,
			      size - 1, &ev);
	if (err && err != -ENOENT && err != -EIO && err != -EPROTO &&
	    err != -EINVAL)
		__builtin_trap();
	if (err)
		return 0;
	if (!ev.verified || ev.gw != (enum wh_gateway)(data[0] & 3))
		__builtin_trap();
	fuzz_check(0, &ev);
	n = ev;
	n.verified = false;
	if (wh_status_confirm(&n, &ev, &out, why, sizeof(why)) || !out.verified)
		__builtin_trap();
	return 0;
}
