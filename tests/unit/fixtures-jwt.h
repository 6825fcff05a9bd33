/* SPDX-License-Identifier: MIT */
/*
 * A JWT signer for the OIDC tests (tests/unit/test-oidc.c): RSA-2048 and
 * P-256 keys made by OpenSSL, their public JWK text, and JWS compact
 * tokens signed RS256, PS256 or ES256 (ES256 as raw r||s), or with any
 * header and signature bytes a test wants.
 */
#ifndef TC_FIXTURES_JWT_H
#define TC_FIXTURES_JWT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "tcard/buf.h"
#include "tcard/oidc.h"

/* A new key: "RSA" (2048 bits) or "EC" (P-256). Aborts on failure. */
static __attribute__((unused)) EVP_PKEY *
jwt_key_new(int ec)
{
	EVP_PKEY *k = ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);

	if (k == NULL)
		abort();
	return k;
}

/* The base64url text of a bignum parameter of k (fixed width w or 0). */
static __attribute__((unused)) void
jwt_put_bn(struct tc_buf *out, EVP_PKEY *k, const char *param, int w)
{
	BIGNUM *bn = NULL;
	uint8_t raw[1024];
	int n;

	if (EVP_PKEY_get_bn_param(k, param, &bn) != 1)
		abort();
	n = w > 0 ? BN_bn2binpad(bn, raw, w) : BN_bn2bin(bn, raw);
	BN_free(bn);
	if (n <= 0 || tc_b64url_encode(out, raw, (size_t)n) != 0)
		abort();
}

/* Appends the public JWK of k to out: {"kty":..., "kid":kid, ...}. */
static __attribute__((unused)) void
jwt_jwk(struct tc_buf *out, EVP_PKEY *k, const char *kid, const char *alg)
{
	int ec = EVP_PKEY_is_a(k, "EC");

	tc_buf_printf(
	    out, "{\"kty\":\"%s\",\"use\":\"sig\"", ec ? "EC" : "RSA");
	if (kid != NULL)
		tc_buf_printf(out, ",\"kid\":\"%s\"", kid);
	if (alg != NULL)
		tc_buf_printf(out, ",\"alg\":\"%s\"", alg);
	if (ec) {
		tc_buf_puts(out, ",\"crv\":\"P-256\",\"x\":\"");
		jwt_put_bn(out, k, OSSL_PKEY_PARAM_EC_PUB_X, 32);
		tc_buf_puts(out, "\",\"y\":\"");
		jwt_put_bn(out, k, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	} else {
		tc_buf_puts(out, ",\"n\":\"");
		jwt_put_bn(out, k, OSSL_PKEY_PARAM_RSA_N, 0);
		tc_buf_puts(out, "\",\"e\":\"");
		jwt_put_bn(out, k, OSSL_PKEY_PARAM_RSA_E, 0);
	}
	tc_buf_puts(out, "\"}");
}

/* The signature of in with k under alg ("RS256", "PS256", "ES256"). */
static __attribute__((unused)) void
jwt_sig(struct tc_buf *out, EVP_PKEY *k, const char *alg, const char *in)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t sig[1024], raw[64];
	const uint8_t *p = sig;
	size_t n = sizeof(sig);
	ECDSA_SIG *es;

	if (md == NULL ||
	    EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, k) != 1)
		abort();
	if (strcmp(alg, "PS256") == 0 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1))
		abort();
	if (EVP_DigestSign(md, sig, &n, (const uint8_t *)in, strlen(in)) != 1)
		abort();
	EVP_MD_CTX_free(md);
	if (strcmp(alg, "ES256") == 0) {
		if ((es = d2i_ECDSA_SIG(NULL, &p, (long)n)) == NULL ||
		    BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
		    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32)
			abort();
		ECDSA_SIG_free(es);
		memcpy(sig, raw, 64);
		n = 64;
	}
	if (tc_b64url_encode(out, sig, n) != 0)
		abort();
}

/*
 * A malloc'd token: header and payload (JSON texts) signed with k under
 * sign_alg (the header's alg may say something else).
 */
static __attribute__((unused)) char *
jwt_make(
    EVP_PKEY *k, const char *sign_alg, const char *header, const char *payload)
{
	struct tc_buf b;
	char *in;

	tc_buf_init(&b, 64 * 1024);
	if (tc_b64url_encode(&b, header, strlen(header)) != 0 ||
	    tc_buf_put_u8(&b, '.') != 0 ||
	    tc_b64url_encode(&b, payload, strlen(payload)) != 0 ||
	    (in = strdup((const char *)b.data)) == NULL ||
	    tc_buf_put_u8(&b, '.') != 0)
		abort();
	jwt_sig(&b, k, sign_alg, in);
	free(in);
	return (char *)tc_buf_detach(&b, NULL);
}

#endif
