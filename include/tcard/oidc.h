/* SPDX-License-Identifier: MIT */
/*
 * The OpenID Connect client pieces of the applicants' login (issue 16,
 * docs/oidc.md): the provider's discovery document and its JSON Web Key
 * Set read as hostile input, PKCE (RFC 7636, S256 only), the authorization
 * request URL of the code flow, the token endpoint's answer, and the ID
 * token's verification (a JWS compact serialisation signed RS256, PS256 or
 * ES256; its claims iss, aud, azp, exp, iat, nbf and nonce). Pure
 * functions: no global state, no network, no clock but the one passed in.
 * JSON through jansson, keys and signatures through OpenSSL 3.
 *
 * Every refusal fills the optional message buffer with what was wrong,
 * naming members, never a token's or a claim's value (they may be
 * personal).
 */
#ifndef TCARD_OIDC_H
#define TCARD_OIDC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "tcard/buf.h"

#define TC_OIDC_DOC_MAX	   (64 * 1024) /* bytes of a discovery document */
#define TC_OIDC_JWKS_MAX   (64 * 1024) /* bytes of a key set */
#define TC_OIDC_KEYS_MAX   16	       /* keys kept from a key set */
#define TC_OIDC_URL_MAX	   2048	       /* bytes of one URL */
#define TC_OIDC_TOKEN_MAX  (16 * 1024) /* bytes of an ID token */
#define TC_OIDC_RESP_MAX   (64 * 1024) /* bytes of a token response */
#define TC_OIDC_CLAIM_MAX  1024	       /* bytes of one claim value kept */
#define TC_OIDC_CLAIMS_MAX 8	       /* configured claim names */
#define TC_OIDC_KID_MAX	   128	       /* bytes of a key id */
#define TC_OIDC_RSA_MIN	   2048	       /* bits of the smallest RSA key */
#define TC_OIDC_RAND_LEN   43 /* characters of a verifier, state, nonce */

/* tc_oidc_discovery_parse: plain http allowed to a loopback host (tests). */
#define TC_OIDC_ALLOW_HTTP_LOOPBACK 0x1

/* The signature algorithms an ID token may use. */
enum tc_oidc_alg {
	TC_OIDC_RS256 = 1,
	TC_OIDC_PS256,
	TC_OIDC_ES256,
};

/* What the discovery document says; strings owned (malloc'd). */
struct tc_oidc_provider {
	char *issuer;
	char *authorization_endpoint;
	char *token_endpoint;
	char *jwks_uri;
	char *userinfo_endpoint; /* NULL when the document has none */
};

/*
 * Parses a discovery document (/.well-known/openid-configuration, len
 * bytes, at most TC_OIDC_DOC_MAX) into *out. Its issuer must equal issuer
 * exactly; authorization_endpoint, token_endpoint and jwks_uri are
 * required; every URL is https (or http to 127.0.0.1, [::1] or localhost
 * with TC_OIDC_ALLOW_HTTP_LOOPBACK), at most TC_OIDC_URL_MAX bytes;
 * response_types_supported must contain "code", and
 * code_challenge_methods_supported, when present, "S256". Other members
 * are ignored. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE,
 * TC_ERR_MALFORMED (not JSON, a member missing or of the wrong type, a bad
 * URL), TC_ERR_POLICY (another issuer, http, no code flow or no S256) or
 * TC_ERR_NOMEM. *out is zeroed on failure; free with
 * tc_oidc_provider_release.
 */
int tc_oidc_discovery_parse(const char *text, size_t len, const char *issuer,
    unsigned flags, struct tc_oidc_provider *out /* OUT */, char *err,
    size_t errlen);

/* Frees the strings of p and zeroes it (NULL is fine). */
void tc_oidc_provider_release(struct tc_oidc_provider *p);

/* One verification key of a key set. */
struct tc_oidc_jwk {
	char kid[TC_OIDC_KID_MAX + 1]; /* "" when the key has none */
	int alg;		       /* enum tc_oidc_alg, 0 when unstated */
	int kty_ec;		       /* 1: EC P-256, 0: RSA */
	EVP_PKEY *pkey;		       /* owned */
};

struct tc_oidc_jwks {
	struct tc_oidc_jwk keys[TC_OIDC_KEYS_MAX];
	size_t n;
};

/*
 * Parses a JSON Web Key Set (RFC 7517, len bytes, at most
 * TC_OIDC_JWKS_MAX) into *out: its RSA keys (n and e, at least
 * TC_OIDC_RSA_MIN bits) and EC keys on P-256 (x and y, the point checked),
 * with kid and alg. Keys with "use": "enc", of another kty or curve, or
 * with an alg other than RS256, PS256 or ES256 are skipped; a key that
 * claims to be one of ours but does not parse is refused. At most
 * TC_OIDC_KEYS_MAX keys are kept. Returns 0, TC_ERR_INVALID_ARG,
 * TC_ERR_TOO_LARGE, TC_ERR_MALFORMED, TC_ERR_KEY_FORMAT (a key that does
 * not parse or is too short), TC_ERR_NOT_FOUND (no usable key),
 * TC_ERR_NOMEM or TC_ERR_CRYPTO. Free with tc_oidc_jwks_release.
 */
int tc_oidc_jwks_parse(const char *text, size_t len,
    struct tc_oidc_jwks *out /* OUT */, char *err, size_t errlen);

/* Frees the keys of s and zeroes it (NULL is fine). */
void tc_oidc_jwks_release(struct tc_oidc_jwks *s);

/* The per-login secrets: each 32 random bytes as base64url (43 chars). */
struct tc_oidc_pkce {
	char verifier[TC_OIDC_RAND_LEN + 1];
	char challenge[TC_OIDC_RAND_LEN + 1]; /* S256 of verifier */
	char state[TC_OIDC_RAND_LEN + 1];
	char nonce[TC_OIDC_RAND_LEN + 1];
};

/*
 * Fills p with a new code verifier, its S256 challenge, a state and a
 * nonce (RAND_bytes). Returns 0, TC_ERR_INVALID_ARG or TC_ERR_CRYPTO (p
 * zeroed). The caller wipes p when the login ends.
 */
int tc_oidc_pkce_new(struct tc_oidc_pkce *p /* OUT */);

/*
 * The S256 challenge of verifier (RFC 7636 4.2: BASE64URL(SHA256(ASCII
 * verifier)), no padding) into challenge. Refuses a verifier of fewer than
 * 43 or more than 128 characters, or outside the unreserved set. Returns
 * 0, TC_ERR_INVALID_ARG, TC_ERR_MALFORMED or TC_ERR_CRYPTO.
 */
int tc_oidc_pkce_challenge(
    const char *verifier, char challenge[TC_OIDC_RAND_LEN + 1] /* OUT */);

/* The relying party's settings of one provider. */
struct tc_oidc_client {
	const char *client_id;
	const char *redirect_uri;
	const char *scope; /* extra scopes after "openid", NULL for none */
};

/*
 * Appends to out the authorization request URL: endpoint, then "?" (or
 * "&" when endpoint has a query) and response_type=code, client_id,
 * redirect_uri, scope ("openid" and c->scope), state, nonce,
 * code_challenge and code_challenge_method=S256, each value
 * percent-encoded (RFC 3986 unreserved characters left as they are).
 * Returns 0, TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE or TC_ERR_NOMEM (out's
 * length as it was).
 */
int tc_oidc_authorize_url(struct tc_buf *out, const char *endpoint,
    const struct tc_oidc_client *c, const struct tc_oidc_pkce *p, char *err,
    size_t errlen);

/* The token endpoint's answer; strings owned. */
struct tc_oidc_tokens {
	char *id_token;
	char *access_token; /* NULL when absent */
	char *token_type;   /* NULL when absent */
	int64_t expires_in; /* -1 when absent */
};

/*
 * Parses the token endpoint's JSON answer (len bytes, at most
 * TC_OIDC_RESP_MAX). An "error" answer (RFC 6749 5.2) gives
 * TC_ERR_AUTH with its code and error_description in the message (both
 * are the provider's words, not personal data; control characters are
 * dropped). Otherwise id_token is required (at most TC_OIDC_TOKEN_MAX),
 * token_type when present must be "Bearer" (any case), expires_in a
 * non-negative integer. Returns 0, TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE,
 * TC_ERR_MALFORMED, TC_ERR_AUTH or TC_ERR_NOMEM. Free with
 * tc_oidc_tokens_release (it wipes the tokens).
 */
int tc_oidc_token_response_parse(const char *text, size_t len,
    struct tc_oidc_tokens *out /* OUT */, char *err, size_t errlen);

void tc_oidc_tokens_release(struct tc_oidc_tokens *t);

/* What an ID token must satisfy. */
struct tc_oidc_expect {
	const char *issuer;    /* iss equals it */
	const char *client_id; /* in aud; azp equals it when present */
	const char *nonce;     /* nonce equals it */
	time_t now;	       /* the clock */
	int leeway;	       /* seconds of clock skew, 0 .. 600 */
	/* Claim names whose string values are returned, in this order. */
	const char *claims[TC_OIDC_CLAIMS_MAX];
	size_t nclaims;
};

/* Who the token names; strings owned, values[i] NULL when absent. */
struct tc_oidc_identity {
	char *sub;
	char *values[TC_OIDC_CLAIMS_MAX];
};

/*
 * Verifies an ID token (JWS compact, at most TC_OIDC_TOKEN_MAX bytes)
 * against the key set and e, and on success fills *out with sub and the
 * string values of e->claims (a claim absent or not a string is NULL; a
 * value longer than TC_OIDC_CLAIM_MAX is refused). The header's alg must
 * be RS256, PS256 or ES256 (none, HS*, anything else refused) and its
 * kid names the key (no kid: the only key of that algorithm); no "crit".
 * Claims: iss equal, aud (a string or an array) containing the client id
 * and azp equal to it (required when aud has several members), exp after
 * now - leeway, iat not after now + leeway, nbf (if any) not after now +
 * leeway, nonce equal, sub a non-empty string. Returns 0,
 * TC_ERR_INVALID_ARG, TC_ERR_TOO_LARGE, TC_ERR_MALFORMED (not three
 * base64url segments, not JSON), TC_ERR_UNSUPPORTED_ALG,
 * TC_ERR_CRIT_HEADER, TC_ERR_UNKNOWN_KEY, TC_ERR_BAD_SIGNATURE,
 * TC_ERR_POLICY (iss, aud, azp or nonce), TC_ERR_EXPIRED,
 * TC_ERR_NOT_YET_VALID, TC_ERR_NOMEM or TC_ERR_CRYPTO. Free *out with
 * tc_oidc_identity_release.
 */
int tc_oidc_id_token_verify(const char *token, const struct tc_oidc_jwks *keys,
    const struct tc_oidc_expect *e, struct tc_oidc_identity *out /* OUT */,
    char *err, size_t errlen);

/* Wipes and frees the strings of id and zeroes it (NULL is fine). */
void tc_oidc_identity_release(struct tc_oidc_identity *id);

/*
 * Base64url (RFC 4648 section 5) without padding. tc_b64url_encode appends
 * the text of n bytes to out; tc_b64url_decode appends the bytes of n
 * characters, refusing padding, other characters and a last character with
 * stray bits. Return 0, TC_ERR_TOO_LARGE or TC_ERR_NOMEM (out's cap), or
 * TC_ERR_BAD_ENCODING / TC_ERR_MALFORMED (out's length as it was).
 */
int tc_b64url_encode(struct tc_buf *out, const void *p, size_t n);
int tc_b64url_decode(struct tc_buf *out, const char *s, size_t n);

#endif
