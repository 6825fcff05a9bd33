/* SPDX-License-Identifier: MIT */
/*
 * The OpenID provider's keys and ID tokens (include/tcard/oidc.h,
 * docs/oidc.md): a JSON Web Key Set (RFC 7517/7518) read into OpenSSL 3
 * EVP_PKEYs through EVP_PKEY_fromdata, and a JWS compact ID token (RFC
 * 7515) verified with one of them, then its claims (OpenID Connect Core
 * 3.1.3.7). Only RS256, PS256 and ES256 exist here: the algorithm comes
 * from the token's header but must match the chosen key's type, so "none",
 * HMAC with a public key as the secret, and key confusion have no path.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

#define JWKS_ENTRIES_MAX 64    /* members of "keys" looked at */
#define SEGMENT_MAX	 12288 /* decoded bytes of a token's segment */
#define SUB_MAX		 255   /* bytes of sub (Core 2) */

static const struct {
	const char *name;
	int alg;
	int ec;
} algs[] = {
	{ "RS256", TC_OIDC_RS256, 0 },
	{ "PS256", TC_OIDC_PS256, 0 },
	{ "ES256", TC_OIDC_ES256, 1 },
};

/* The enum tc_oidc_alg of name, 0 when it is not one of ours. */
static int
alg_of(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, algs[i].name) == 0)
			return algs[i].alg;
	return 0;
}

static int
alg_is_ec(int alg)
{
	return alg == TC_OIDC_ES256;
}

/* The base64url string member name of key into b (at most max bytes). */
static int
b64_member(json_t *key, const char *name, size_t max, struct tc_buf *b)
{
	json_t *v = json_object_get(key, name);

	tc_buf_init(b, max);
	if (!json_is_string(v))
		return TC_ERR_KEY_FORMAT;
	if (tc_b64url_decode(b, json_string_value(v), json_string_length(v)) !=
	    0)
		return TC_ERR_KEY_FORMAT;
	return b->len > 0 ? 0 : TC_ERR_KEY_FORMAT;
}

/* An EVP_PKEY of type from the parameters the builder holds. */
static int
pkey_from(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	int r = TC_ERR_KEY_FORMAT;

	if (params != NULL && ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1)
		r = 0;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return r;
}

static int
rsa_key(json_t *key, EVP_PKEY **out)
{
	struct tc_buf n, e;
	BIGNUM *bn = NULL, *be = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	int r;

	if ((r = b64_member(key, "n", 1024, &n)) == 0)
		r = b64_member(key, "e", 8, &e);
	else
		tc_buf_init(&e, 8);
	if (r == 0) {
		r = TC_ERR_KEY_FORMAT;
		bn = BN_bin2bn(n.data, (int)n.len, NULL);
		be = BN_bin2bn(e.data, (int)e.len, NULL);
		if (bld != NULL && bn != NULL && be != NULL &&
		    BN_num_bits(bn) >= TC_OIDC_RSA_MIN && BN_is_odd(be) &&
		    !BN_is_one(be) &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ==
			1 &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
			r = pkey_from("RSA", bld, out);
	}
	BN_free(bn);
	BN_free(be);
	OSSL_PARAM_BLD_free(bld);
	tc_buf_release(&n);
	tc_buf_release(&e);
	return r;
}

static int
ec_key(json_t *key, EVP_PKEY **out)
{
	struct tc_buf x, y;
	uint8_t pt[65];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = NULL;
	int r;

	if ((r = b64_member(key, "x", 32, &x)) == 0)
		r = b64_member(key, "y", 32, &y);
	else
		tc_buf_init(&y, 32);
	if (r == 0 && (x.len != 32 || y.len != 32))
		r = TC_ERR_KEY_FORMAT;
	if (r == 0) {
		pt[0] = 4;
		memcpy(pt + 1, x.data, 32);
		memcpy(pt + 33, y.data, 32);
		r = TC_ERR_KEY_FORMAT;
		if (bld != NULL &&
		    OSSL_PARAM_BLD_push_utf8_string(bld,
			OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
		    OSSL_PARAM_BLD_push_octet_string(
			bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)) == 1)
			r = pkey_from("EC", bld, out);
	}
	/* The point must lie on the curve. */
	if (r == 0 &&
	    ((ctx = EVP_PKEY_CTX_new(*out, NULL)) == NULL ||
		EVP_PKEY_public_check(ctx) != 1)) {
		EVP_PKEY_free(*out);
		*out = NULL;
		r = TC_ERR_KEY_FORMAT;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_BLD_free(bld);
	tc_buf_release(&x);
	tc_buf_release(&y);
	return r;
}

/*
 * Reads keys[i] into k when it is a signing key of ours: 1 when kept, 0
 * when skipped, or an error.
 */
static int
jwk_read(json_t *key, size_t i, struct tc_oidc_jwk *k, char *err, size_t errlen)
{
	const char *kty, *use, *alg, *kid, *crv;
	int r;

	if (!json_is_object(key))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "key set: keys[%zu] is not an object", i);
	kty = json_string_value(json_object_get(key, "kty"));
	use = json_string_value(json_object_get(key, "use"));
	alg = json_string_value(json_object_get(key, "alg"));
	kid = json_string_value(json_object_get(key, "kid"));
	crv = json_string_value(json_object_get(key, "crv"));
	if (kty == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "key set: keys[%zu] has no \"kty\"", i);
	if ((use != NULL && strcmp(use, "sig") != 0) ||
	    (alg != NULL && alg_of(alg) == 0))
		return 0;
	memset(k, 0, sizeof(*k));
	k->alg = alg_of(alg);
	if (strcmp(kty, "RSA") == 0 && !alg_is_ec(k->alg))
		r = rsa_key(key, &k->pkey);
	else if (strcmp(kty, "EC") == 0 && crv != NULL &&
	    strcmp(crv, "P-256") == 0 && (k->alg == 0 || alg_is_ec(k->alg))) {
		k->kty_ec = 1;
		r = ec_key(key, &k->pkey);
	} else
		return 0;
	if (r != 0)
		return tc_seterr(err, errlen, r,
		    "key set: keys[%zu] (%s) does not parse%s", i, kty,
		    k->kty_ec ? "" : " or is shorter than 2048 bits");
	if (kid != NULL && strlen(kid) <= TC_OIDC_KID_MAX)
		strcpy(k->kid, kid);
	else if (kid != NULL) {
		EVP_PKEY_free(k->pkey);
		k->pkey = NULL;
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "key set: keys[%zu]: \"kid\" is longer than %d bytes", i,
		    TC_OIDC_KID_MAX);
	}
	return 1;
}

int
tc_oidc_jwks_parse(const char *text, size_t len, struct tc_oidc_jwks *out,
    char *err, size_t errlen)
{
	json_error_t je;
	json_t *o = NULL, *keys;
	size_t i;
	int r = 0;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return TC_ERR_INVALID_ARG;
	if (len > TC_OIDC_JWKS_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "key set: %zu bytes, more than %d", len, TC_OIDC_JWKS_MAX);
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	keys = json_object_get(o, "keys");
	if (!json_is_array(keys)) {
		json_decref(o);
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "key set: not a JSON object with a \"keys\" array");
	}
	if (json_array_size(keys) > JWKS_ENTRIES_MAX)
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "key set: %zu keys, more than %d", json_array_size(keys),
		    JWKS_ENTRIES_MAX);
	for (i = 0;
	     r == 0 && i < json_array_size(keys) && out->n < TC_OIDC_KEYS_MAX;
	     i++)
		if ((r = jwk_read(json_array_get(keys, i), i,
			 &out->keys[out->n], err, errlen)) == 1) {
			out->n++;
			r = 0;
		}
	if (r == 0 && out->n == 0)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "key set: no RSA or P-256 signing key");
	json_decref(o);
	if (r != 0)
		tc_oidc_jwks_release(out);
	return r;
}

void
tc_oidc_jwks_release(struct tc_oidc_jwks *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		EVP_PKEY_free(s->keys[i].pkey);
	memset(s, 0, sizeof(*s));
}

/* A token segment decoded into b. */
static int
segment(const char *s, size_t n, struct tc_buf *b)
{
	tc_buf_init(b, SEGMENT_MAX);
	if (n == 0)
		return TC_ERR_MALFORMED;
	return tc_b64url_decode(b, s, n) == 0 ? 0 : TC_ERR_MALFORMED;
}

/* A decoded segment as a JSON object, or NULL. */
static json_t *
segment_json(const struct tc_buf *b)
{
	json_t *o = json_loadb(
	    (const char *)b->data, b->len, JSON_REJECT_DUPLICATES, NULL);

	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/* The key the header names: by kid, else the only one for alg. */
static int
key_pick(const struct tc_oidc_jwks *keys, int alg, const char *kid,
    EVP_PKEY **pkey, char *err, size_t errlen)
{
	const struct tc_oidc_jwk *k, *found = NULL;
	size_t i, count = 0;

	for (i = 0; i < keys->n; i++) {
		k = &keys->keys[i];
		if (k->kty_ec != alg_is_ec(alg) ||
		    (k->alg != 0 && k->alg != alg))
			continue;
		if (kid != NULL && strcmp(k->kid, kid) != 0)
			continue;
		found = k;
		count++;
	}
	if (count == 1) {
		*pkey = found->pkey;
		return 0;
	}
	if (kid != NULL)
		return tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
		    "ID token: %s key of the provider's key set has this \"kid\" and algorithm",
		    count == 0 ? "no" : "more than one");
	return tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
	    "ID token: no \"kid\" and %zu keys of its algorithm", count);
}

/* ES256's raw r||s as the DER ECDSA-Sig-Value OpenSSL verifies. */
static int
es256_der(const struct tc_buf *raw, struct tc_buf *der)
{
	ECDSA_SIG *s = NULL;
	BIGNUM *br, *bs;
	uint8_t *p = NULL;
	int n, r = TC_ERR_BAD_SIGNATURE;

	if (raw->len != 64)
		return r;
	br = BN_bin2bn(raw->data, 32, NULL);
	bs = BN_bin2bn(raw->data + 32, 32, NULL);
	if (br == NULL || bs == NULL || (s = ECDSA_SIG_new()) == NULL ||
	    ECDSA_SIG_set0(s, br, bs) != 1) {
		BN_free(br);
		BN_free(bs);
		ECDSA_SIG_free(s);
		return TC_ERR_CRYPTO;
	}
	if ((n = i2d_ECDSA_SIG(s, &p)) > 0)
		r = tc_buf_put(der, p, (size_t)n);
	else
		r = TC_ERR_CRYPTO;
	OPENSSL_free(p);
	ECDSA_SIG_free(s);
	return r;
}

/* Verifies sig over the signing input (header.payload) with pkey. */
static int
sig_check(EVP_PKEY *pkey, int alg, const char *input, size_t n,
    const struct tc_buf *sig)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	struct tc_buf der;
	const struct tc_buf *s = sig;
	int r = TC_ERR_CRYPTO, v;

	tc_buf_init(&der, 128);
	if (alg == TC_OIDC_ES256) {
		if ((r = es256_der(sig, &der)) != 0)
			goto out;
		s = &der;
	}
	r = TC_ERR_CRYPTO;
	if (md == NULL ||
	    EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pkey) != 1)
		goto out;
	if (alg == TC_OIDC_PS256 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		EVP_PKEY_CTX_set_rsa_pss_saltlen(
		    pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
		EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1))
		goto out;
	v = EVP_DigestVerify(md, s->data, s->len, (const uint8_t *)input, n);
	r = v == 1 ? 0 : TC_ERR_BAD_SIGNATURE;
out:
	EVP_MD_CTX_free(md);
	tc_buf_release(&der);
	return r;
}

/* The header: alg one of ours, no crit; the key it names. */
static int
header_check(const struct tc_buf *h, const struct tc_oidc_jwks *keys, int *alg,
    EVP_PKEY **pkey, char *err, size_t errlen)
{
	json_t *o = segment_json(h), *kid;
	int r;

	if (o == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: the header is not a JSON object");
	kid = json_object_get(o, "kid");
	if ((*alg = alg_of(json_string_value(json_object_get(o, "alg")))) == 0)
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "ID token: \"alg\" is not RS256, PS256 or ES256");
	else if (json_object_get(o, "crit") != NULL)
		r = tc_seterr(err, errlen, TC_ERR_CRIT_HEADER,
		    "ID token: a \"crit\" header");
	else if (kid != NULL && !json_is_string(kid))
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: \"kid\" is not a string");
	else
		r = key_pick(
		    keys, *alg, json_string_value(kid), pkey, err, errlen);
	json_decref(o);
	return r;
}

/* A NumericDate member: 1 and *t when present, 0 absent, -1 not one. */
static int
num_date(json_t *o, const char *name, int64_t *t)
{
	json_t *v = json_object_get(o, name);
	double d;

	if (v == NULL)
		return 0;
	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!isfinite(d) || d < 0 || d > 253402300799.0)
		return -1;
	*t = (int64_t)d;
	return 1;
}

/* aud contains the client id; azp equals it when present or needed. */
static int
aud_check(json_t *o, const char *client_id, char *err, size_t errlen)
{
	json_t *aud = json_object_get(o, "aud"), *azp, *v;
	size_t i, n = 1;
	int found = 0;

	if (json_is_string(aud))
		found = strcmp(json_string_value(aud), client_id) == 0;
	else if (json_is_array(aud)) {
		n = json_array_size(aud);
		json_array_foreach(aud, i, v)
		{
			found |= json_is_string(v) &&
			    strcmp(json_string_value(v), client_id) == 0;
		}
	} else
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: \"aud\" is missing or not a string or array");
	if (!found)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "ID token: \"aud\" does not contain the client id");
	azp = json_object_get(o, "azp");
	if (azp == NULL && n > 1)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "ID token: several audiences and no \"azp\"");
	if (azp != NULL &&
	    (!json_is_string(azp) ||
		strcmp(json_string_value(azp), client_id) != 0))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "ID token: \"azp\" is not the client id");
	return 0;
}

/* exp, iat and nbf against e->now and e->leeway. */
static int
time_check(json_t *o, const struct tc_oidc_expect *e, char *err, size_t errlen)
{
	int64_t exp = 0, iat = 0, nbf = 0, now = (int64_t)e->now;
	int hexp = num_date(o, "exp", &exp), hiat = num_date(o, "iat", &iat);
	int hnbf = num_date(o, "nbf", &nbf);

	if (hexp != 1 || hiat != 1 || hnbf < 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: \"%s\" is %s",
		    hexp != 1	    ? "exp"
			: hiat != 1 ? "iat"
				    : "nbf",
		    (hexp == 0 || (hexp == 1 && hiat == 0)) ? "missing"
							    : "not a date");
	if (exp + e->leeway <= now)
		return tc_seterr(err, errlen, TC_ERR_EXPIRED,
		    "ID token: expired %lld s ago", (long long)(now - exp));
	if (iat - e->leeway > now)
		return tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "ID token: issued %lld s in the future",
		    (long long)(iat - now));
	if (hnbf == 1 && nbf - e->leeway > now)
		return tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "ID token: not valid before %lld s from now",
		    (long long)(nbf - now));
	return 0;
}

/* iss, aud, azp, times and nonce. */
static int
claims_check(
    json_t *o, const struct tc_oidc_expect *e, char *err, size_t errlen)
{
	const char *iss = json_string_value(json_object_get(o, "iss"));
	json_t *nonce = json_object_get(o, "nonce");
	size_t n = strlen(e->nonce);
	int r;

	if (iss == NULL || strcmp(iss, e->issuer) != 0)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "ID token: \"iss\" is %s",
		    iss == NULL ? "missing" : "not the configured issuer");
	if ((r = aud_check(o, e->client_id, err, errlen)) != 0 ||
	    (r = time_check(o, e, err, errlen)) != 0)
		return r;
	if (!json_is_string(nonce) || json_string_length(nonce) != n ||
	    tc_memeq_ct(json_string_value(nonce), e->nonce, n) != 0)
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "ID token: \"nonce\" is %s",
		    nonce == NULL ? "missing" : "not the one of this login");
	return 0;
}

/* sub and the configured claims into out. */
static int
identity_fill(json_t *o, const struct tc_oidc_expect *e,
    struct tc_oidc_identity *out, char *err, size_t errlen)
{
	json_t *sub = json_object_get(o, "sub"), *v;
	size_t i;

	if (!json_is_string(sub) || json_string_length(sub) == 0 ||
	    json_string_length(sub) > SUB_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: \"sub\" is missing, empty or longer than %d bytes",
		    SUB_MAX);
	if ((out->sub = strdup(json_string_value(sub))) == NULL)
		return TC_ERR_NOMEM;
	for (i = 0; i < e->nclaims; i++) {
		v = json_object_get(o, e->claims[i]);
		if (!json_is_string(v))
			continue;
		if (json_string_length(v) > TC_OIDC_CLAIM_MAX)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "ID token: claim \"%s\" is longer than %d bytes",
			    e->claims[i], TC_OIDC_CLAIM_MAX);
		if ((out->values[i] = strdup(json_string_value(v))) == NULL)
			return TC_ERR_NOMEM;
	}
	return 0;
}

static int
expect_ok(const struct tc_oidc_expect *e)
{
	size_t i;

	if (e->issuer == NULL || e->client_id == NULL || e->nonce == NULL ||
	    e->leeway < 0 || e->leeway > 600 || e->nclaims > TC_OIDC_CLAIMS_MAX)
		return 0;
	for (i = 0; i < e->nclaims; i++)
		if (e->claims[i] == NULL)
			return 0;
	return 1;
}

int
tc_oidc_id_token_verify(const char *token, const struct tc_oidc_jwks *keys,
    const struct tc_oidc_expect *e, struct tc_oidc_identity *out, char *err,
    size_t errlen)
{
	struct tc_buf h, p, s;
	const char *d1, *d2;
	EVP_PKEY *pkey = NULL;
	json_t *claims = NULL;
	size_t n;
	int alg = 0, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (token == NULL || keys == NULL || e == NULL || !expect_ok(e))
		return TC_ERR_INVALID_ARG;
	tc_buf_init(&h, 1);
	tc_buf_init(&p, 1);
	tc_buf_init(&s, 1);
	if ((n = strnlen(token, TC_OIDC_TOKEN_MAX + 1)) > TC_OIDC_TOKEN_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "ID token: longer than %d bytes", TC_OIDC_TOKEN_MAX);
		goto out;
	}
	d1 = memchr(token, '.', n);
	d2 = d1 == NULL ? NULL
			: memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - token));
	if (d2 == NULL || memchr(d2 + 1, '.', n - (size_t)(d2 + 1 - token)) ||
	    segment(token, (size_t)(d1 - token), &h) != 0 ||
	    segment(d1 + 1, (size_t)(d2 - d1 - 1), &p) != 0 ||
	    segment(d2 + 1, n - (size_t)(d2 + 1 - token), &s) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: not three base64url segments (JWS compact)");
		goto out;
	}
	if ((r = header_check(&h, keys, &alg, &pkey, err, errlen)) != 0)
		goto out;
	if ((r = sig_check(pkey, alg, token, (size_t)(d2 - token), &s)) != 0) {
		tc_seterr(err, errlen, r, "ID token: %s",
		    r == TC_ERR_BAD_SIGNATURE ? "the signature does not verify"
					      : "the signature check failed");
		goto out;
	}
	if ((claims = segment_json(&p)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "ID token: the claims are not a JSON object");
		goto out;
	}
	if ((r = claims_check(claims, e, err, errlen)) == 0)
		r = identity_fill(claims, e, out, err, errlen);
out:
	json_decref(claims);
	tc_buf_release(&h);
	tc_buf_release(&p);
	tc_buf_release(&s);
	if (r != 0)
		tc_oidc_identity_release(out);
	return r;
}

void
tc_oidc_identity_release(struct tc_oidc_identity *id)
{
	size_t i;

	if (id == NULL)
		return;
	if (id->sub != NULL)
		tc_wipe_free(id->sub, strlen(id->sub));
	for (i = 0; i < TC_OIDC_CLAIMS_MAX; i++)
		if (id->values[i] != NULL)
			tc_wipe_free(id->values[i], strlen(id->values[i]));
	memset(id, 0, sizeof(*id));
}
