/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the OpenID provider's discovery document
 * (tc_oidc_discovery_parse, src/oidc.c): the bytes as a document for the
 * issuer of the seed taken from the test provider (tests/oidc/provider.mjs),
 * with and without plain http to loopback allowed. An accepted document
 * has every required URL and the configured issuer; a refused one leaves
 * nothing behind and says why.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

#define ISSUER "http://127.0.0.1:36665"

static void
one(const uint8_t *data, size_t size, const char *issuer, unsigned flags)
{
	struct tc_oidc_provider p;
	char err[200];
	int r;

	err[0] = '\0';
	r = tc_oidc_discovery_parse(
	    (const char *)data, size, issuer, flags, &p, err, sizeof(err));
	if (r == 0) {
		CHECK(strcmp(p.issuer, issuer) == 0);
		CHECK(p.authorization_endpoint != NULL &&
		    p.token_endpoint != NULL && p.jwks_uri != NULL);
		CHECK(flags != 0 || strncmp(p.jwks_uri, "https://", 8) == 0);
	} else {
		CHECK(p.issuer == NULL && p.jwks_uri == NULL);
		CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
	}
	tc_oidc_provider_release(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, ISSUER, TC_OIDC_ALLOW_HTTP_LOOPBACK);
	one(data, size, ISSUER, 0);
	one(data, size, "https://id.example.gov.cn/oidc", 0);
	return 0;
}
