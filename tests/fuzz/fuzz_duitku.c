// SPDX-License-Identifier: GPL-2.0
/* fuzz_duitku.c - libFuzzer target: the Duitku callback (form) parser. */
#include <stdlib.h>

#include "tests/fuzz/fuzz_common.h"

/*
 * The input as a raw form, and a second form built from its first three
 * lines (amount, merchantOrderId, resultCode) with a correct signature,
 * so the code behind the MD5 check is reached as well.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wh_input in = { (const char *)data, size, NULL, 0 };
	const char *f[3] = { "", "", "" };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char sig[2 * EVP_MAX_MD_SIZE + 1];
	struct wh_event ev;
	EVP_MD_CTX *ctx;
	char *copy, *p, *body;
	int i, n;

	fuzz_check(wh_duitku_parse(&in, &fuzz_sec, &ev), &ev);

	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0, p = copy; i < 3 && p; i++) {
		f[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	EVP_DigestUpdate(ctx, "D0001", 5);
	EVP_DigestUpdate(ctx, f[0], strlen(f[0]));
	EVP_DigestUpdate(ctx, f[1], strlen(f[1]));
	EVP_DigestUpdate(ctx, fuzz_sec.duitku_api_key,
			 strlen(fuzz_sec.duitku_api_key));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	fuzz_hex(md, mdlen, sig);
	n = asprintf(&body, "merchantCode=D0001&amount=%s&merchantOrderId=%s"
		     "&resultCode=%s&reference=R1&signature=%s", f[0], f[1],
		     f[2], sig);
	if (n > 0) {
		in.body = body;
		in.len = (size_t)n;
		fuzz_check(wh_duitku_parse(&in, &fuzz_sec, &ev), &ev);
		free(body);
	}
	free(copy);
	return 0;
}
