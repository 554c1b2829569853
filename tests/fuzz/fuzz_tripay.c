// SPDX-License-Identifier: GPL-2.0
/* fuzz_tripay.c - libFuzzer target: the Tripay callback parser. */
#include <openssl/hmac.h>

#include "tests/fuzz/fuzz_common.h"

/* Each input is parsed signed (correct HMAC, reaching the JSON side) and
 * with one signature byte changed (must be refused). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char sig[2 * EVP_MAX_MD_SIZE + 1];
	struct wh_header h[] = {
		{ "X-Callback-Event", "payment_status" },
		{ "X-Callback-Signature", sig },
	};
	struct wh_input in = { (const char *)data, size, h, 2 };
	struct wh_event ev;

	HMAC(EVP_sha256(), fuzz_sec.tripay_private_key,
	     (int)strlen(fuzz_sec.tripay_private_key), data, size, md, &mdlen);
	fuzz_hex(md, mdlen, sig);
	fuzz_check(wh_tripay_parse(&in, &fuzz_sec, &ev), &ev);
	sig[0] = sig[0] == '0' ? '1' : '0';
	if (wh_tripay_parse(&in, &fuzz_sec, &ev) != -EACCES)
		__builtin_trap();
	return 0;
}
