/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the OpenID provider's JSON Web Key Set
 * (tc_oidc_jwks_parse, src/oidc-jwt.c): an accepted set holds 1 to
 * TC_OIDC_KEYS_MAX keys, each an RSA key of at least 2048 bits or a P-256
 * key, with its kid NUL-terminated; a refused one holds nothing and says
 * why.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_oidc_jwks s;
	char err[200];
	size_t i;
	int r;

	err[0] = '\0';
	r = tc_oidc_jwks_parse((const char *)data, size, &s, err, sizeof(err));
	if (r == 0) {
		CHECK(s.n >= 1 && s.n <= TC_OIDC_KEYS_MAX);
		for (i = 0; i < s.n; i++) {
			CHECK(s.keys[i].pkey != NULL);
			CHECK(memchr(s.keys[i].kid, '\0',
				  sizeof(s.keys[i].kid)) != NULL);
			CHECK(s.keys[i].kty_ec
				? EVP_PKEY_is_a(s.keys[i].pkey, "EC")
				: EVP_PKEY_get_bits(s.keys[i].pkey) >=
				    TC_OIDC_RSA_MIN);
		}
	} else {
		CHECK(s.n == 0 && err[0] != '\0');
	}
	tc_oidc_jwks_release(&s);
	return 0;
}
