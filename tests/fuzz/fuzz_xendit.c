// SPDX-License-Identifier: GPL-2.0
/* fuzz_xendit.c - libFuzzer target: the Xendit invoice callback parser. */
#include "tests/fuzz/fuzz_common.h"

/* With and without the right token, so the JSON side is reached too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wh_header good[] = {
		{ "X-Callback-Token", "fuzz-xendit-token" },
	};
	struct wh_header bad[] = {
		{ "x-callback-token", "fuzz-xendit-tokem" },
	};
	struct wh_input in = { (const char *)data, size, good, 1 };
	struct wh_event ev;

	fuzz_check(wh_xendit_parse(&in, &fuzz_sec, &ev), &ev);
	in.hdr = bad;
	if (wh_xendit_parse(&in, &fuzz_sec, &ev) != -EACCES)
		__builtin_trap();
	return 0;
}
