/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the token endpoint's answer and the ID token
 * (tc_oidc_token_response_parse, src/oidc.c; tc_oidc_id_token_verify,
 * src/oidc-jwt.c): the bytes as a token answer whose id_token is then
 * verified, and as an ID token on its own, against the fixed public keys
 * of the test provider (tests/oidc/test-keys.json) and the values of the
 * login the seeds were taken from (client c1, nonce "no", at a time inside
 * the seeds' validity). An accepted token names a subject; a refused one
 * leaves nothing behind and says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

/* GET /jwks of tests/oidc/provider.mjs. */
static const char jwks_text[] =
    "{\"keys\": [{\"kty\": \"RSA\", \"use\": \"sig\", \"kid\": \""
    "tc-test-rs\", \"alg\": \"RS256\", \"e\": \"AQAB\", \"n\": \""
    "70Qep5Km2SEZujLH95rYnpbjQ5TkxVO1EX5tNOn8lkTgN7DiqxKor_nwJ4z7"
    "ciDmOcXT80pxTmn4WSw1Z3IanMmOTabMfhzSIqNKKUrIZdcqnavfFi0whHjA"
    "EX0WkOl6KUeeCQLVYO3iG9fEihc0xN34cbhuqQi7I-WBu96IBYcKZ2rg_Im2"
    "RemrSH8PA8XdNJRrcwzAN1xgbIOCJEhDqLFfniQsmdfADFlvjLIKuyDG0AUF"
    "2Ul_ws0qx0vW1hHxfOO9h9k2zpKzO10Vmd-_6FRjVp_PtPYgxp5YZL6yWp0Q"
    "FXu5H7hsbs3FSIciw1BOZEeq5ha4FLaxokCrArBe2w\"}, {\"kty\": \"E"
    "C\", \"use\": \"sig\", \"kid\": \"tc-test-es\", \"alg\": \"E"
    "S256\", \"crv\": \"P-256\", \"x\": \"jBhDvUzD21lb64DGvK7xWC2"
    "6XeVqeEEcGWfD8gFFx0I\", \"y\": \"tuXVFXELNSPceb82CvFy5-Bw4pA"
    "jGcJoz0hfbU5V1LY\"}]}";

static void
verify(const char *token)
{
	static struct tc_oidc_jwks keys;
	struct tc_oidc_expect e = {
		.issuer = "http://127.0.0.1:36665",
		.client_id = "c1",
		.nonce = "no",
		.now = 1796666930,
		.leeway = 30,
		.claims = { "name", "id_type", "id_number", "phone_number" },
		.nclaims = 4,
	};
	struct tc_oidc_identity id;
	char err[200];
	size_t i;
	int r;

	if (keys.n == 0)
		CHECK(tc_oidc_jwks_parse(
			  jwks_text, strlen(jwks_text), &keys, NULL, 0) == 0);
	err[0] = '\0';
	r = tc_oidc_id_token_verify(token, &keys, &e, &id, err, sizeof(err));
	if (r == 0) {
		CHECK(id.sub != NULL && id.sub[0] != '\0');
	} else {
		CHECK(id.sub == NULL && err[0] != '\0');
		for (i = 0; i < TC_OIDC_CLAIMS_MAX; i++)
			CHECK(id.values[i] == NULL);
	}
	tc_oidc_identity_release(&id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_oidc_tokens t;
	char err[200], *text;
	int r;

	err[0] = '\0';
	r = tc_oidc_token_response_parse(
	    (const char *)data, size, &t, err, sizeof(err));
	if (r == 0) {
		CHECK(t.id_token != NULL);
		verify(t.id_token);
	} else {
		CHECK(t.id_token == NULL && err[0] != '\0');
	}
	tc_oidc_tokens_release(&t);
	if (size <= TC_OIDC_TOKEN_MAX + 16 &&
	    (text = fuzz_cstr(data, size)) != NULL) {
		verify(text);
		free(text);
	}
	return 0;
}
