/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the OpenID Connect client pieces (src/oidc.c,
 * src/oidc-jwt.c): base64url; the discovery document and its refusals
 * (issuer, http, no code flow, no S256, sizes); the key set (RSA and P-256
 * keys, enc keys skipped, short RSA and off-curve points refused); PKCE
 * against a SHA-256 computed elsewhere (Python's hashlib); the
 * authorization URL; the token answer and its error form; and ID tokens
 * signed here with keys OpenSSL makes: RS256, PS256 and ES256 accepted,
 * then every refusal (alg none, HS256, a bad signature, wrong iss, aud and
 * azp, expired, issued or valid only in the future, nonce, unknown kid,
 * a kid two keys share, a key embedded in the header, malformed segments,
 * oversize, crit).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fixtures-jwt.h"
#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

#define NOW   1800000000L
#define ISS   "https://id.example.gov.cn/oidc"
#define CID   "talentcard-office"
#define NONCE "n-0S6_WzA2Mj"

static EVP_PKEY *rsa, *ec, *rsa2;
static struct tc_oidc_jwks keys;
static char *claims_text; /* the last claims() */

static int
group_setup(void **state)
{
	struct tc_buf b;
	char msg[200];
	int r;

	(void)state;
	rsa = jwt_key_new(0);
	rsa2 = jwt_key_new(0);
	ec = jwt_key_new(1);
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "{\"keys\":[");
	jwt_jwk(&b, rsa, "r1", "RS256");
	tc_buf_puts(&b, ",");
	jwt_jwk(&b, ec, "e1", NULL);
	tc_buf_puts(&b, ",");
	jwt_jwk(&b, rsa2, "p1", "PS256");
	tc_buf_puts(&b, "]}");
	r = tc_oidc_jwks_parse(
	    (const char *)b.data, b.len, &keys, msg, sizeof(msg));
	tc_buf_release(&b);
	if (r != 0)
		fprintf(stderr, "jwks: %s\n", msg);
	return r;
}

static int
group_teardown(void **state)
{
	(void)state;
	tc_oidc_jwks_release(&keys);
	free(claims_text);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa2);
	EVP_PKEY_free(ec);
	return 0;
}

static void
test_b64url(void **state)
{
	struct tc_buf b;

	(void)state;
	tc_buf_init(&b, 64);
	assert_int_equal(tc_b64url_encode(&b, "\xfb\xff\x01", 3), 0);
	assert_string_equal((char *)b.data, "-_8B");
	tc_buf_reset(&b);
	assert_int_equal(tc_b64url_encode(&b, "ab", 2), 0);
	assert_string_equal((char *)b.data, "YWI");
	tc_buf_reset(&b);
	assert_int_equal(tc_b64url_decode(&b, "YWI", 3), 0);
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "ab", 2);
	tc_buf_reset(&b);
	assert_int_equal(tc_b64url_decode(&b, "YWI=", 4), TC_ERR_BAD_ENCODING);
	assert_int_equal(tc_b64url_decode(&b, "YW+", 3), TC_ERR_BAD_ENCODING);
	assert_int_equal(tc_b64url_decode(&b, "YWJ", 3), TC_ERR_MALFORMED);
	assert_int_equal(tc_b64url_decode(&b, "YWIxY", 5), TC_ERR_MALFORMED);
	assert_int_equal(b.len, 0);
	tc_buf_release(&b);
}

#define DOC(iss, url, rt, cc)                                                  \
	"{\"issuer\":\"" iss "\",\"authorization_endpoint\":\"" url            \
	"/auth\",\"token_endpoint\":\"" url "/token\",\"jwks_uri\":\"" url     \
	"/jwks\",\"response_types_supported\":[" rt "]" cc "}"

static int
doc(const char *text, const char *iss, unsigned flags, char *msg, size_t n)
{
	struct tc_oidc_provider p;
	int r =
	    tc_oidc_discovery_parse(text, strlen(text), iss, flags, &p, msg, n);

	if (r != 0)
		assert_null(p.issuer);
	tc_oidc_provider_release(&p);
	return r;
}

static void
test_discovery(void **state)
{
	static const char good[] = DOC(ISS, ISS, "\"code\",\"id_token\"",
	    ",\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
	    "\"userinfo_endpoint\":\"" ISS "/me\"");
	static const char local[] = DOC(
	    "http://127.0.0.1:4000", "http://127.0.0.1:4000", "\"code\"", "");
	struct tc_oidc_provider p;
	char msg[200], *big;

	(void)state;
	assert_int_equal(tc_oidc_discovery_parse(
			     good, strlen(good), ISS, 0, &p, msg, sizeof(msg)),
	    0);
	assert_string_equal(p.token_endpoint, ISS "/token");
	assert_string_equal(p.userinfo_endpoint, ISS "/me");
	tc_oidc_provider_release(&p);

	assert_int_equal(
	    doc(good, ISS "/", 0, msg, sizeof(msg)), TC_ERR_POLICY);
	assert_non_null(strstr(msg, "\"issuer\""));
	assert_int_equal(
	    doc(local, "http://127.0.0.1:4000", 0, msg, sizeof(msg)),
	    TC_ERR_POLICY);
	assert_non_null(strstr(msg, "https"));
	assert_int_equal(doc(local, "http://127.0.0.1:4000",
			     TC_OIDC_ALLOW_HTTP_LOOPBACK, msg, sizeof(msg)),
	    0);
	assert_int_equal(
	    doc(DOC("http://10.0.0.1", "http://10.0.0.1", "\"code\"", ""),
		"http://10.0.0.1", TC_OIDC_ALLOW_HTTP_LOOPBACK, msg,
		sizeof(msg)),
	    TC_ERR_POLICY);
	assert_int_equal(doc(DOC("http://localhost.evil",
				 "http://localhost.evil", "\"code\"", ""),
			     "http://localhost.evil",
			     TC_OIDC_ALLOW_HTTP_LOOPBACK, msg, sizeof(msg)),
	    TC_ERR_POLICY);
	assert_int_equal(
	    doc(DOC(ISS, ISS, "\"id_token\"", ""), ISS, 0, msg, sizeof(msg)),
	    TC_ERR_POLICY);
	assert_non_null(strstr(msg, "response_types_supported"));
	assert_int_equal(doc(DOC(ISS, ISS, "\"code\"",
				 ",\"code_challenge_methods_supported\":["
				 "\"plain\"]"),
			     ISS, 0, msg, sizeof(msg)),
	    TC_ERR_POLICY);
	assert_non_null(strstr(msg, "S256"));
	assert_int_equal(
	    doc("{\"issuer\":\"" ISS "\"}", ISS, 0, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(msg, "authorization_endpoint"));
	assert_int_equal(
	    doc(DOC(ISS, "ftp://x", "\"code\"", ""), ISS, 0, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_int_equal(
	    doc("[1]", ISS, 0, msg, sizeof(msg)), TC_ERR_MALFORMED);
	assert_int_equal(doc("{", ISS, 0, msg, sizeof(msg)), TC_ERR_MALFORMED);
	big = calloc(1, TC_OIDC_DOC_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', TC_OIDC_DOC_MAX + 1);
	assert_int_equal(doc(big, ISS, 0, msg, sizeof(msg)), TC_ERR_TOO_LARGE);
	free(big);
}

static int
jwks(const char *text, struct tc_oidc_jwks *s, char *msg, size_t n)
{
	return tc_oidc_jwks_parse(text, strlen(text), s, msg, n);
}

static void
test_jwks(void **state)
{
	struct tc_oidc_jwks s;
	struct tc_buf b;
	EVP_PKEY *small;
	char msg[200];
	size_t n;

	(void)state;
	assert_int_equal(keys.n, 3);
	assert_string_equal(keys.keys[0].kid, "r1");
	assert_int_equal(keys.keys[0].alg, TC_OIDC_RS256);
	assert_int_equal(keys.keys[1].kty_ec, 1);
	assert_int_equal(keys.keys[1].alg, 0);

	/* An encryption key and an unknown kty are skipped. */
	tc_buf_init(&b, 0);
	tc_buf_puts(&b,
	    "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"},");
	n = b.len;
	jwt_jwk(&b, rsa, "enc1", "RSA-OAEP");
	tc_buf_puts(&b, ",");
	memcpy(strstr((char *)b.data + n, "\"sig\""), "\"enc\"", 5);
	jwt_jwk(&b, ec, "e1", "ES256");
	tc_buf_puts(&b, "]}");
	assert_int_equal(jwks((char *)b.data, &s, msg, sizeof(msg)), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.keys[0].kid, "e1");
	tc_oidc_jwks_release(&s);
	tc_buf_release(&b);

	/* Two keys with one kid: a token naming it is refused. */
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "{\"keys\":[");
	jwt_jwk(&b, rsa, "d", NULL);
	tc_buf_puts(&b, ",");
	jwt_jwk(&b, rsa2, "d", NULL);
	tc_buf_puts(&b, "]}");
	assert_int_equal(jwks((char *)b.data, &s, msg, sizeof(msg)), 0);
	tc_buf_release(&b);
	{
		struct tc_oidc_expect e = { .issuer = "i",
			.client_id = "c",
			.nonce = "n",
			.now = 100 };
		struct tc_oidc_identity id;
		char *t = jwt_make(rsa, "RS256",
		    "{\"alg\":\"RS256\",\"kid\":\"d\"}",
		    "{\"iss\":\"i\",\"aud\":\"c\",\"nonce\":\"n\",\"exp\":200,"
		    "\"iat\":90,\"sub\":\"x\"}");

		assert_int_equal(
		    tc_oidc_id_token_verify(t, &s, &e, &id, msg, sizeof(msg)),
		    TC_ERR_UNKNOWN_KEY);
		assert_non_null(strstr(msg, "more than one"));
		free(t);
		t = jwt_make(rsa, "RS256", "{\"alg\":\"RS256\"}",
		    "{\"iss\":\"i\",\"aud\":\"c\",\"nonce\":\"n\",\"exp\":200,"
		    "\"iat\":90,\"sub\":\"x\"}");
		assert_int_equal(
		    tc_oidc_id_token_verify(t, &s, &e, &id, msg, sizeof(msg)),
		    TC_ERR_UNKNOWN_KEY);
		assert_non_null(strstr(msg, "no \"kid\" and 2 keys"));
		free(t);
	}
	tc_oidc_jwks_release(&s);

	/* Only encryption keys: nothing usable. */
	assert_int_equal(jwks("{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\"}]}",
			     &s, msg, sizeof(msg)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(
	    jwks("{\"keys\":[]}", &s, msg, sizeof(msg)), TC_ERR_NOT_FOUND);
	assert_int_equal(
	    jwks("{\"keys\":{}}", &s, msg, sizeof(msg)), TC_ERR_MALFORMED);
	assert_int_equal(jwks("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
			      "\"x\":\"AQ\",\"y\":\"AQ\"}]}",
			     &s, msg, sizeof(msg)),
	    TC_ERR_KEY_FORMAT);
	assert_non_null(strstr(msg, "keys[0]"));

	/* RSA-1024: too short. */
	small = EVP_RSA_gen(1024);
	assert_non_null(small);
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "{\"keys\":[");
	jwt_jwk(&b, small, "s", "RS256");
	tc_buf_puts(&b, "]}");
	assert_int_equal(
	    jwks((char *)b.data, &s, msg, sizeof(msg)), TC_ERR_KEY_FORMAT);
	assert_non_null(strstr(msg, "2048"));
	tc_buf_release(&b);
	EVP_PKEY_free(small);

	/* A P-256 point off the curve (y changed). */
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "{\"keys\":[");
	jwt_jwk(&b, ec, "e", NULL);
	tc_buf_puts(&b, "]}");
	b.data[b.len - 5] = b.data[b.len - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(
	    jwks((char *)b.data, &s, msg, sizeof(msg)), TC_ERR_KEY_FORMAT);
	tc_buf_release(&b);
}

static void
test_pkce(void **state)
{
	struct tc_oidc_pkce p, q;
	char c[TC_OIDC_RAND_LEN + 1];

	(void)state;
	/* hashlib.sha256(v).digest(), urlsafe_b64encode, '=' stripped. */
	assert_int_equal(tc_oidc_pkce_challenge(
			     "dBjftJeZ4CVP-mJ92K9m1eBbAUN3nalrNcKtBrYkmEQ", c),
	    0);
	assert_string_equal(c, "ASad5IEPrV0jUwDV3HhD-LnOigbK_lLunU7mBkLlP3k");
	assert_int_equal(tc_oidc_pkce_challenge("short", c), TC_ERR_MALFORMED);
	assert_int_equal(tc_oidc_pkce_challenge(
			     "dBjftJeZ4CVP-mJ92K9m1eBbAUN3nalrNcKtBrYkmE/", c),
	    TC_ERR_MALFORMED);

	assert_int_equal(tc_oidc_pkce_new(&p), 0);
	assert_int_equal(tc_oidc_pkce_new(&q), 0);
	assert_int_equal(strlen(p.verifier), 43);
	assert_int_equal(strlen(p.state), 43);
	assert_int_equal(strlen(p.nonce), 43);
	assert_string_not_equal(p.verifier, q.verifier);
	assert_string_not_equal(p.state, p.nonce);
	assert_int_equal(tc_oidc_pkce_challenge(p.verifier, c), 0);
	assert_string_equal(c, p.challenge);
}

static void
test_authorize_url(void **state)
{
	struct tc_oidc_client c = { CID, "https://office.example/cb?x=1 2",
		"profile phone" };
	struct tc_oidc_pkce p;
	struct tc_buf b;
	char msg[200];

	(void)state;
	memset(&p, 0, sizeof(p));
	strcpy(p.state, "st");
	strcpy(p.nonce, "no");
	strcpy(p.challenge, "ch");
	tc_buf_init(&b, 0);
	assert_int_equal(
	    tc_oidc_authorize_url(&b, ISS "/auth", &c, &p, msg, sizeof(msg)),
	    0);
	assert_string_equal((char *)b.data,
	    ISS "/auth?response_type=code&client_id=talentcard-office"
		"&redirect_uri=https%3A%2F%2Foffice.example%2Fcb%3Fx%3D1%202"
		"&scope=openid%20profile%20phone&state=st&nonce=no"
		"&code_challenge=ch&code_challenge_method=S256");
	tc_buf_reset(&b);
	c.scope = NULL;
	assert_int_equal(tc_oidc_authorize_url(&b, ISS "/auth?tenant=a", &c, &p,
			     msg, sizeof(msg)),
	    0);
	assert_non_null(strstr((char *)b.data, "?tenant=a&response_type=code"));
	assert_non_null(strstr((char *)b.data, "&scope=openid&"));
	tc_buf_release(&b);
	tc_buf_init(&b, 40);
	assert_int_equal(
	    tc_oidc_authorize_url(&b, ISS "/auth", &c, &p, msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 0);
	tc_buf_release(&b);
}

static int
tokresp(const char *text, struct tc_oidc_tokens *t, char *msg, size_t n)
{
	return tc_oidc_token_response_parse(text, strlen(text), t, msg, n);
}

static void
test_token_response(void **state)
{
	struct tc_oidc_tokens t;
	char msg[200];

	(void)state;
	assert_int_equal(tokresp("{\"access_token\":\"at\",\"id_token\":\"a.b."
				 "c\",\"token_type\":\"Bearer\",\"expires_in\":"
				 "3600,\"scope\":\"openid\"}",
			     &t, msg, sizeof(msg)),
	    0);
	assert_string_equal(t.id_token, "a.b.c");
	assert_string_equal(t.access_token, "at");
	assert_int_equal(t.expires_in, 3600);
	tc_oidc_tokens_release(&t);

	assert_int_equal(tokresp("{\"error\":\"invalid_grant\","
				 "\"error_description\":\"grant request is "
				 "invalid\\n\"}",
			     &t, msg, sizeof(msg)),
	    TC_ERR_AUTH);
	assert_string_equal(msg,
	    "token endpoint: refused: invalid_grant: grant request is invalid");
	assert_null(t.id_token);
	assert_int_equal(
	    tokresp("{\"error\":7}", &t, msg, sizeof(msg)), TC_ERR_AUTH);
	assert_int_equal(
	    tokresp("{\"access_token\":\"at\"}", &t, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(msg, "id_token"));
	assert_int_equal(tokresp("{\"id_token\":\"x\",\"token_type\":\"mac\"}",
			     &t, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tokresp("{\"id_token\":\"x\",\"expires_in\":-1}", &t,
			     msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tokresp("{\"id_token\":1}", &t, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_int_equal(
	    tokresp("nope", &t, msg, sizeof(msg)), TC_ERR_MALFORMED);
	assert_null(t.id_token);
}

/*
 * The claims of a good token, with the members of extra (",\"m\":v,...",
 * or "") replacing or added, in a buffer valid until the next call.
 */
static char *
claims(const char *extra)
{
	char base[4096];
	json_t *o, *x;

	snprintf(base, sizeof(base),
	    "{\"iss\":\"" ISS "\",\"sub\":\"u-1001\",\"aud\":\"" CID "\","
	    "\"exp\":%ld,\"iat\":%ld,\"nonce\":\"" NONCE "\","
	    "\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\",\"id_type\":\"resident\","
	    "\"id_number\":\"11010519491231002X\","
	    "\"phone_number\":\"+8613800138000\"}",
	    NOW + 600, NOW - 5);
	o = json_loads(base, 0, NULL);
	x = json_pack("{}");
	if (extra[0] == ',') {
		json_decref(x);
		snprintf(base, sizeof(base), "{%s}", extra + 1);
		x = json_loads(base, 0, NULL);
	}
	assert_non_null(o);
	assert_non_null(x);
	assert_int_equal(json_object_update(o, x), 0);
	free(claims_text);
	claims_text = json_dumps(o, JSON_COMPACT);
	assert_non_null(claims_text);
	json_decref(o);
	json_decref(x);
	return claims_text;
}

static void
expect_init(struct tc_oidc_expect *e)
{
	memset(e, 0, sizeof(*e));
	e->issuer = ISS;
	e->client_id = CID;
	e->nonce = NONCE;
	e->now = NOW;
	e->leeway = 30;
	e->claims[0] = "name";
	e->claims[1] = "id_type";
	e->claims[2] = "id_number";
	e->claims[3] = "phone_number";
	e->claims[4] = "missing_claim";
	e->nclaims = 5;
}

/* Verifies token (freed) with the test's keys and e; returns the code. */
static int
verify(char *token, const struct tc_oidc_expect *e, char *msg, size_t n)
{
	struct tc_oidc_identity id;
	int r = tc_oidc_id_token_verify(token, &keys, e, &id, msg, n);

	if (r != 0)
		assert_null(id.sub);
	else
		assert_string_equal(id.sub, "u-1001");
	tc_oidc_identity_release(&id);
	free(token);
	return r;
}

static void
test_id_token_good(void **state)
{
	struct tc_oidc_expect e;
	struct tc_oidc_identity id;
	char msg[200], *t;

	(void)state;
	expect_init(&e);
	t = jwt_make(
	    rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims(""));
	assert_int_equal(
	    tc_oidc_id_token_verify(t, &keys, &e, &id, msg, sizeof(msg)), 0);
	assert_string_equal(id.sub, "u-1001");
	assert_string_equal(id.values[0], "\xe5\xbc\xa0\xe4\xb8\x89");
	assert_string_equal(id.values[1], "resident");
	assert_string_equal(id.values[2], "11010519491231002X");
	assert_string_equal(id.values[3], "+8613800138000");
	assert_null(id.values[4]);
	tc_oidc_identity_release(&id);
	free(t);

	/* ES256 (raw r||s), with and without kid; PS256. */
	assert_int_equal(
	    verify(jwt_make(ec, "ES256", "{\"alg\":\"ES256\",\"kid\":\"e1\"}",
		       claims("")),
		&e, msg, sizeof(msg)),
	    0);
	assert_int_equal(
	    verify(jwt_make(ec, "ES256", "{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
		       claims("")),
		&e, msg, sizeof(msg)),
	    0);
	assert_int_equal(
	    verify(jwt_make(rsa2, "PS256", "{\"alg\":\"PS256\",\"kid\":\"p1\"}",
		       claims("")),
		&e, msg, sizeof(msg)),
	    0);
	/* Several audiences with azp; expired within the leeway. */
	assert_int_equal(verify(jwt_make(ec, "ES256", "{\"alg\":\"ES256\"}",
				    claims(",\"aud\":[\"other\",\"" CID "\"],"
					   "\"azp\":\"" CID "\"")),
			     &e, msg, sizeof(msg)),
	    0);
	e.now = NOW + 600 + 29;
	assert_int_equal(
	    verify(jwt_make(ec, "ES256", "{\"alg\":\"ES256\"}", claims("")), &e,
		msg, sizeof(msg)),
	    0);
}

/* A token with header h over claims c signed by k under alg. */
static int
refused(EVP_PKEY *k, const char *alg, const char *h, const char *c,
    const struct tc_oidc_expect *e, const char *want)
{
	char msg[200];
	int r = verify(jwt_make(k, alg, h, c), e, msg, sizeof(msg));

	if (strstr(msg, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", msg, want);
	/* Never a claim's value. */
	assert_null(strstr(msg, "u-1001"));
	assert_null(strstr(msg, "1101051949"));
	return r;
}

static void
test_id_token_refusals(void **state)
{
	struct tc_oidc_expect e;
	const char *rh = "{\"alg\":\"RS256\",\"kid\":\"r1\"}";

	(void)state;
	expect_init(&e);
	assert_int_equal(
	    refused(rsa, "RS256", "{\"alg\":\"none\"}", claims(""), &e, "alg"),
	    TC_ERR_UNSUPPORTED_ALG);
	assert_int_equal(
	    refused(rsa, "RS256", "{\"alg\":\"HS256\",\"kid\":\"r1\"}",
		claims(""), &e, "alg"),
	    TC_ERR_UNSUPPORTED_ALG);
	assert_int_equal(
	    refused(rsa, "RS256", "{\"kid\":\"r1\"}", claims(""), &e, "alg"),
	    TC_ERR_UNSUPPORTED_ALG);
	/* Signed by another key than the one kid names. */
	assert_int_equal(
	    refused(rsa2, "RS256", rh, claims(""), &e, "does not verify"),
	    TC_ERR_BAD_SIGNATURE);
	/* RS256 signature under a PS256-only key; ES256 named with an RSA kid. */
	assert_int_equal(
	    refused(rsa2, "RS256", "{\"alg\":\"RS256\",\"kid\":\"p1\"}",
		claims(""), &e, "kid"),
	    TC_ERR_UNKNOWN_KEY);
	assert_int_equal(
	    refused(ec, "ES256", "{\"alg\":\"ES256\",\"kid\":\"r1\"}",
		claims(""), &e, "kid"),
	    TC_ERR_UNKNOWN_KEY);
	assert_int_equal(refused(rsa, "RS256",
			     "{\"alg\":\"RS256\",\"kid\":"
			     "\"zz\"}",
			     claims(""), &e, "kid"),
	    TC_ERR_UNKNOWN_KEY);
	/* A key embedded in the header is not a key of the provider's set. */
	{
		struct tc_buf h;

		tc_buf_init(&h, 0);
		tc_buf_puts(&h, "{\"alg\":\"RS256\",\"kid\":\"r1\",\"jwk\":");
		jwt_jwk(&h, rsa2, "r1", "RS256");
		tc_buf_puts(&h, "}");
		assert_int_equal(refused(rsa2, "RS256", (char *)h.data,
				     claims(""), &e, "does not verify"),
		    TC_ERR_BAD_SIGNATURE);
		tc_buf_release(&h);
	}
	assert_int_equal(refused(rsa, "RS256",
			     "{\"alg\":\"RS256\",\"kid\":\"r1\",\"crit\":["
			     "\"exp\"]}",
			     claims(""), &e, "crit"),
	    TC_ERR_CRIT_HEADER);
	assert_int_equal(
	    refused(rsa, "RS256", rh,
		claims(",\"iss\":\"https://evil.example\""), &e, "\"iss\""),
	    TC_ERR_POLICY);
}

static void
test_id_token_claims(void **state)
{
	struct tc_oidc_expect e;
	const char *rh = "{\"alg\":\"RS256\",\"kid\":\"r1\"}";
	char c[2048];

	(void)state;
	expect_init(&e);
	e.issuer = "https://evil.example";
	assert_int_equal(refused(rsa, "RS256", rh, claims(""), &e, "\"iss\""),
	    TC_ERR_POLICY);
	expect_init(&e);
	e.client_id = "someone-else";
	assert_int_equal(refused(rsa, "RS256", rh, claims(""), &e, "\"aud\""),
	    TC_ERR_POLICY);
	expect_init(&e);
	assert_int_equal(
	    refused(rsa, "RS256", rh,
		claims(",\"aud\":[\"" CID "\",\"other\"]"), &e, "azp"),
	    TC_ERR_POLICY);
	assert_int_equal(
	    refused(rsa, "RS256", rh, claims(",\"azp\":\"other\""), &e, "azp"),
	    TC_ERR_POLICY);
	e.now = NOW + 600 + 30;
	assert_int_equal(refused(rsa, "RS256", rh, claims(""), &e, "expired"),
	    TC_ERR_EXPIRED);
	e.now = NOW - 5 - 31;
	assert_int_equal(
	    refused(rsa, "RS256", rh, claims(""), &e, "in the future"),
	    TC_ERR_NOT_YET_VALID);
	expect_init(&e);
	assert_int_equal(refused(rsa, "RS256", rh,
			     claims(",\"nbf\":1800000100"), &e, "before"),
	    TC_ERR_NOT_YET_VALID);
	e.nonce = "another-nonce";
	assert_int_equal(
	    refused(rsa, "RS256", rh, claims(""), &e, "nonce"), TC_ERR_POLICY);
	expect_init(&e);
	snprintf(c, sizeof(c),
	    "{\"iss\":\"" ISS "\",\"sub\":\"u-1001\",\"aud\":\"" CID
	    "\",\"iat\":%ld,\"nonce\":\"" NONCE "\"}",
	    NOW);
	assert_int_equal(refused(rsa, "RS256", rh, c, &e, "\"exp\" is missing"),
	    TC_ERR_MALFORMED);
	snprintf(c, sizeof(c),
	    "{\"iss\":\"" ISS "\",\"aud\":\"" CID "\",\"exp\":%ld,\"iat\":%ld,"
	    "\"nonce\":\"" NONCE "\"}",
	    NOW + 60, NOW);
	assert_int_equal(
	    refused(rsa, "RS256", rh, c, &e, "\"sub\""), TC_ERR_MALFORMED);
	assert_int_equal(refused(rsa, "RS256", rh,
			     claims(",\"exp\":\"tomorrow\""), &e, "exp"),
	    TC_ERR_MALFORMED);
}

static void
test_id_token_malformed(void **state)
{
	struct tc_oidc_expect e;
	struct tc_oidc_identity id;
	char msg[200], *t, *big;
	size_t n;

	(void)state;
	expect_init(&e);
	t = jwt_make(
	    rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims(""));
	n = strlen(t);
	/* Two segments; four; an empty signature; a stray character. */
	*strrchr(t, '.') = '\0';
	assert_int_equal(
	    tc_oidc_id_token_verify(t, &keys, &e, &id, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(msg, "three"));
	t[strlen(t)] = '.';
	t = realloc(t, n + 3);
	memcpy(t + n, ".x", 3);
	assert_int_equal(
	    tc_oidc_id_token_verify(t, &keys, &e, &id, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	t[n] = '\0';
	*(strrchr(t, '.') + 1) = '\0';
	assert_int_equal(
	    tc_oidc_id_token_verify(t, &keys, &e, &id, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	free(t);
	t = jwt_make(
	    rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims(""));
	t[3] = '+';
	assert_int_equal(
	    tc_oidc_id_token_verify(t, &keys, &e, &id, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	free(t);
	/* A header that is not JSON; claims that are not an object. */
	assert_int_equal(
	    verify(jwt_make(rsa, "RS256", "[\"RS256\"]", claims("")), &e, msg,
		sizeof(msg)),
	    TC_ERR_MALFORMED);
	assert_int_equal(verify(jwt_make(rsa, "RS256",
				    "{\"alg\":\"RS256\",\"kid\":\"r1\"}", "[]"),
			     &e, msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	/* ES256 with a signature one byte short of r||s. */
	t = jwt_make(ec, "ES256", "{\"alg\":\"ES256\"}", claims(""));
	t[strlen(t) - 2] = '\0';
	assert_int_equal(verify(t, &e, msg, sizeof(msg)), TC_ERR_BAD_SIGNATURE);
	/* Oversize. */
	big = malloc(TC_OIDC_TOKEN_MAX + 2);
	assert_non_null(big);
	memset(big, 'A', TC_OIDC_TOKEN_MAX + 1);
	big[TC_OIDC_TOKEN_MAX + 1] = '\0';
	assert_int_equal(verify(big, &e, msg, sizeof(msg)), TC_ERR_TOO_LARGE);
	/* A claim over its cap. */
	big = malloc(TC_OIDC_CLAIM_MAX + 1024);
	assert_non_null(big);
	strcpy(big, ",\"name\":\"");
	memset(big + 9, 'x', TC_OIDC_CLAIM_MAX + 1);
	strcpy(big + 9 + TC_OIDC_CLAIM_MAX + 1, "\"");
	assert_int_equal(
	    verify(jwt_make(rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r1\"}",
		       claims(big)),
		&e, msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	free(big);
	/* Bad arguments. */
	e.leeway = 601;
	assert_int_equal(
	    tc_oidc_id_token_verify("a.b.c", &keys, &e, &id, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
}

#define TESTS(X, XF)                                                           \
	X(test_b64url)                                                         \
	X(test_discovery)                                                      \
	X(test_jwks)                                                           \
	X(test_pkce)                                                           \
	X(test_authorize_url)                                                  \
	X(test_token_response)                                                 \
	X(test_id_token_good)                                                  \
	X(test_id_token_refusals)                                              \
	X(test_id_token_claims)                                                \
	X(test_id_token_malformed)

TC_UNIT_MAIN(TESTS, group_setup, group_teardown)
