/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the Cookie header reader of tcard-issuerd
 * (src/webform.c, tc_cookie_get): the input, cut at its first NUL, is a
 * Cookie header; the session cookie and two other names are looked up. A
 * value found must be 1 to TC_COOKIE_VALUE_MAX cookie-octets that occur
 * in the header, and a failure must leave the output empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/webform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "tcard_session", "lang", "a" };
	char out[TC_COOKIE_VALUE_MAX + 1], err[256], *h;
	size_t i, k, n;

	if ((h = fuzz_cstr(data, size)) == NULL)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(out, 'Z', sizeof(out));
		if (tc_cookie_get(
			h, names[i], out, sizeof(out), err, sizeof(err)) != 0) {
			if (out[0] != '\0')
				abort();
			continue;
		}
		n = strlen(out);
		if (n == 0 || n > TC_COOKIE_VALUE_MAX || strstr(h, out) == NULL)
			abort();
		for (k = 0; k < n; k++)
			if ((unsigned char)out[k] <= 0x20 ||
			    (unsigned char)out[k] >= 0x7f || out[k] == '"' ||
			    out[k] == ',' || out[k] == ';' || out[k] == '\\')
				abort();
	}
	free(h);
	return 0;
}
