// SPDX-License-Identifier: GPL-2.0
/* fuzz_midtrans.c - libFuzzer target: the Midtrans notification parser. */
#include <stdlib.h>
#include <jansson.h>

#include "tests/fuzz/fuzz_common.h"

/*
 * A random body almost never carries a valid SHA-512, so when the input
 * is a JSON object with the three signed fields we sign it ourselves and
 * parse again: that drives the code behind the signature check too.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wh_input in = { (const char *)data, size, NULL, 0 };
	const char *o, *c, *g;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	char sig[2 * EVP_MAX_MD_SIZE + 1];
	struct wh_event ev;
	EVP_MD_CTX *ctx;
	json_error_t jerr;
	json_t *root;
	char *body;

	fuzz_check(wh_midtrans_parse(&in, &fuzz_sec, &ev), &ev);

	root = json_loadb((const char *)data, size, 0, &jerr);
	if (!root)
		return 0;
	o = json_string_value(json_object_get(root, "order_id"));
	c = json_string_value(json_object_get(root, "status_code"));
	g = json_string_value(json_object_get(root, "gross_amount"));
	if (o && c && g) {
		ctx = EVP_MD_CTX_new();
		EVP_DigestInit_ex(ctx, EVP_sha512(), NULL);
		EVP_DigestUpdate(ctx, o, strlen(o));
		EVP_DigestUpdate(ctx, c, strlen(c));
		EVP_DigestUpdate(ctx, g, strlen(g));
		EVP_DigestUpdate(ctx, fuzz_sec.midtrans_server_key,
				 strlen(fuzz_sec.midtrans_server_key));
		EVP_DigestFinal_ex(ctx, md, &mdlen);
		EVP_MD_CTX_free(ctx);
		fuzz_hex(md, mdlen, sig);
		json_object_set_new(root, "signature_key", json_string(sig));
		body = json_dumps(root, JSON_COMPACT);
		if (body) {
			in.body = body;
			in.len = strlen(body);
			fuzz_check(wh_midtrans_parse(&in, &fuzz_sec, &ev), &ev);
			free(body);
		}
	}
	json_decref(root);
	return 0;
}
