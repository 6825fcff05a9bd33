/* SPDX-License-Identifier: MIT */
/*
 * The OpenID Connect client's texts (include/tcard/oidc.h, docs/oidc.md):
 * base64url, the discovery document, PKCE and the login's random values,
 * the authorization request URL and the token endpoint's answer. The key
 * set and the ID token are src/oidc-jwt.c. Discovery and token answers are
 * hostile input: sizes are capped before jansson sees them, members are
 * checked by type, and a message names members, never values.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/oidc.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
tc_b64url_encode(struct tc_buf *out, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t i, start = out->len;
	uint32_t v;
	char q[4];
	int r;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64url[v >> 18 & 63];
		q[1] = b64url[v >> 12 & 63];
		q[2] = b64url[v >> 6 & 63];
		q[3] = b64url[v & 63];
		if ((r = tc_buf_put(out, q, i + 2 < n ? 4 : n - i + 1)) != 0) {
			tc_buf_truncate(out, start);
			return r;
		}
	}
	return 0;
}

/* The 6-bit value of a base64url character, -1 for any other byte. */
static int
b64url_value(unsigned char c)
{
	const char *p = c != '\0' ? strchr(b64url, c) : NULL;

	return p != NULL ? (int)(p - b64url) : -1;
}

int
tc_b64url_decode(struct tc_buf *out, const char *s, size_t n)
{
	size_t i, start = out->len;
	uint32_t acc = 0;
	int bits = 0, v, r = 0;
	uint8_t byte;

	/* One character left over carries 6 bits: never a whole byte. */
	if (n % 4 == 1)
		return TC_ERR_MALFORMED;
	for (i = 0; i < n && r == 0; i++) {
		if ((v = b64url_value((unsigned char)s[i])) < 0) {
			r = TC_ERR_BAD_ENCODING;
			break;
		}
		acc = (acc << 6 | (uint32_t)v) & 0xffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (uint8_t)(acc >> bits);
			r = tc_buf_put(out, &byte, 1);
		}
	}
	/* The bits after the last whole byte must be zero (canonical). */
	if (r == 0 && (acc & ((1u << bits) - 1)) != 0)
		r = TC_ERR_MALFORMED;
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}

/* A JSON text of at most max bytes, or NULL with the message. */
static json_t *
json_doc(const char *text, size_t len, size_t max, const char *what, int *r,
    char *err, size_t errlen)
{
	json_error_t je;
	json_t *o;

	if (len > max) {
		*r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: %zu bytes, more than %zu", what, len, max);
		return NULL;
	}
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL || !json_is_object(o)) {
		*r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: not a JSON object (line %d, column %d)", what,
		    o == NULL ? je.line : 1, o == NULL ? je.column : 1);
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Whether url is one a provider may name: https with a host, or http to a
 * loopback host when allowed; printable ASCII without spaces or a
 * fragment. 0, TC_ERR_MALFORMED or TC_ERR_POLICY.
 */
static int
url_check(const char *url, unsigned flags)
{
	static const char *const loopback[] = { "127.0.0.1", "[::1]",
		"localhost" };
	const char *host;
	size_t i, n = strlen(url);

	if (n > TC_OIDC_URL_MAX)
		return TC_ERR_MALFORMED;
	for (i = 0; i < n; i++)
		if (url[i] <= ' ' || url[i] >= 0x7f || url[i] == '#')
			return TC_ERR_MALFORMED;
	if (strncmp(url, "https://", 8) == 0)
		return url[8] != '\0' && url[8] != '/' ? 0 : TC_ERR_MALFORMED;
	if (strncmp(url, "http://", 7) != 0)
		return TC_ERR_MALFORMED;
	if (!(flags & TC_OIDC_ALLOW_HTTP_LOOPBACK))
		return TC_ERR_POLICY;
	host = url + 7;
	for (i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++) {
		n = strlen(loopback[i]);
		if (strncmp(host, loopback[i], n) == 0 &&
		    (host[n] == '\0' || host[n] == ':' || host[n] == '/'))
			return 0;
	}
	return TC_ERR_POLICY;
}

/* Whether the array a holds the string s. */
static int
array_has(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

/* The discovery members kept, and where each goes. */
static const struct {
	const char *name;
	size_t off;
	int required;
} doc_urls[] = {
	{ "issuer", offsetof(struct tc_oidc_provider, issuer), 1 },
	{ "authorization_endpoint",
	    offsetof(struct tc_oidc_provider, authorization_endpoint), 1 },
	{ "token_endpoint", offsetof(struct tc_oidc_provider, token_endpoint),
	    1 },
	{ "jwks_uri", offsetof(struct tc_oidc_provider, jwks_uri), 1 },
	{ "userinfo_endpoint",
	    offsetof(struct tc_oidc_provider, userinfo_endpoint), 0 },
};

static int
doc_url(json_t *o, size_t k, unsigned flags, struct tc_oidc_provider *out,
    char *err, size_t errlen)
{
	const char *name = doc_urls[k].name;
	json_t *v = json_object_get(o, name);
	char **slot = (char **)((char *)out + doc_urls[k].off);
	int r;

	if (v == NULL && !doc_urls[k].required)
		return 0;
	if (!json_is_string(v))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "discovery document: \"%s\" is %s", name,
		    v == NULL ? "missing" : "not a string");
	if ((r = url_check(json_string_value(v), flags)) != 0)
		return tc_seterr(err, errlen, r,
		    r == TC_ERR_POLICY
			? "discovery document: \"%s\" is not an https URL"
			: "discovery document: \"%s\" is not a URL",
		    name);
	if ((*slot = strdup(json_string_value(v))) == NULL)
		return TC_ERR_NOMEM;
	return 0;
}

/* The code flow with S256 must be offered. */
static int
doc_flow(json_t *o, char *err, size_t errlen)
{
	json_t *rt = json_object_get(o, "response_types_supported");
	json_t *cc = json_object_get(o, "code_challenge_methods_supported");

	if (!json_is_array(rt))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "discovery document: \"response_types_supported\" is %s",
		    rt == NULL ? "missing" : "not an array");
	if (!array_has(rt, "code"))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "discovery document: \"response_types_supported\" has no \"code\" (the authorization code flow)");
	if (cc != NULL && !json_is_array(cc))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "discovery document: \"code_challenge_methods_supported\" is not an array");
	if (cc != NULL && !array_has(cc, "S256"))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "discovery document: \"code_challenge_methods_supported\" has no \"S256\" (PKCE)");
	return 0;
}

int
tc_oidc_discovery_parse(const char *text, size_t len, const char *issuer,
    unsigned flags, struct tc_oidc_provider *out, char *err, size_t errlen)
{
	json_t *o = NULL;
	size_t k;
	int r = TC_ERR_INTERNAL;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (text == NULL || issuer == NULL)
		return TC_ERR_INVALID_ARG;
	if ((o = json_doc(text, len, TC_OIDC_DOC_MAX, "discovery document", &r,
		 err, errlen)) == NULL)
		goto out;
	for (k = 0; k < sizeof(doc_urls) / sizeof(doc_urls[0]); k++)
		if ((r = doc_url(o, k, flags, out, err, errlen)) != 0)
			goto out;
	if (strcmp(out->issuer, issuer) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "discovery document: \"issuer\" is not the configured issuer");
		goto out;
	}
	r = doc_flow(o, err, errlen);
out:
	json_decref(o);
	if (r != 0)
		tc_oidc_provider_release(out);
	return r;
}

void
tc_oidc_provider_release(struct tc_oidc_provider *p)
{
	size_t k;

	if (p == NULL)
		return;
	for (k = 0; k < sizeof(doc_urls) / sizeof(doc_urls[0]); k++)
		free(*(char **)((char *)p + doc_urls[k].off));
	memset(p, 0, sizeof(*p));
}

/* 32 random bytes as 43 base64url characters. */
static int
rand_text(char out[TC_OIDC_RAND_LEN + 1])
{
	uint8_t raw[32];
	struct tc_buf b;
	int r = TC_ERR_CRYPTO;

	tc_buf_init(&b, TC_OIDC_RAND_LEN);
	if (RAND_bytes(raw, sizeof(raw)) == 1 &&
	    tc_b64url_encode(&b, raw, sizeof(raw)) == 0) {
		memcpy(out, b.data, TC_OIDC_RAND_LEN + 1);
		r = 0;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	tc_buf_release(&b);
	return r;
}

int
tc_oidc_pkce_challenge(
    const char *verifier, char challenge[TC_OIDC_RAND_LEN + 1])
{
	uint8_t md[32];
	unsigned int mdlen = 0;
	struct tc_buf b;
	size_t i, n;
	int r;

	if (verifier == NULL || challenge == NULL)
		return TC_ERR_INVALID_ARG;
	challenge[0] = '\0';
	n = strlen(verifier);
	if (n < 43 || n > 128)
		return TC_ERR_MALFORMED;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)verifier[i]) &&
		    strchr("-._~", verifier[i]) == NULL)
			return TC_ERR_MALFORMED;
	if (EVP_Digest(verifier, n, md, &mdlen, EVP_sha256(), NULL) != 1)
		return TC_ERR_CRYPTO;
	tc_buf_init(&b, TC_OIDC_RAND_LEN);
	if ((r = tc_b64url_encode(&b, md, sizeof(md))) == 0)
		memcpy(challenge, b.data, TC_OIDC_RAND_LEN + 1);
	tc_buf_release(&b);
	return r;
}

int
tc_oidc_pkce_new(struct tc_oidc_pkce *p)
{
	int r;

	if (p == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = rand_text(p->verifier)) != 0 ||
	    (r = tc_oidc_pkce_challenge(p->verifier, p->challenge)) != 0 ||
	    (r = rand_text(p->state)) != 0 || (r = rand_text(p->nonce)) != 0)
		OPENSSL_cleanse(p, sizeof(*p));
	return r;
}

/* Appends name=value, value percent-encoded (RFC 3986 unreserved kept). */
static void
put_param(struct tc_buf *b, char sep, const char *name, const char *v)
{
	static const char hexd[] = "0123456789ABCDEF";
	unsigned char c;

	tc_buf_printf(b, "%c%s=", sep, name);
	for (; *v != '\0'; v++) {
		c = (unsigned char)*v;
		if (isalnum(c) || strchr("-._~", c) != NULL)
			tc_buf_put_u8(b, c);
		else
			tc_buf_printf(b, "%%%c%c", hexd[c >> 4], hexd[c & 15]);
	}
}

int
tc_oidc_authorize_url(struct tc_buf *out, const char *endpoint,
    const struct tc_oidc_client *c, const struct tc_oidc_pkce *p, char *err,
    size_t errlen)
{
	struct tc_buf scope;
	size_t start;
	int r;

	if (out == NULL || endpoint == NULL || c == NULL || p == NULL ||
	    c->client_id == NULL || c->redirect_uri == NULL)
		return TC_ERR_INVALID_ARG;
	start = out->len;
	tc_buf_init(&scope, TC_OIDC_URL_MAX);
	tc_buf_puts(&scope, "openid");
	if (c->scope != NULL && c->scope[0] != '\0')
		tc_buf_printf(&scope, " %s", c->scope);
	if ((r = tc_buf_error(&scope)) != 0) {
		tc_buf_release(&scope);
		return tc_seterr(
		    err, errlen, r, "authorization URL: the scope is too long");
	}
	tc_buf_puts(out, endpoint);
	put_param(out, strchr(endpoint, '?') != NULL ? '&' : '?',
	    "response_type", "code");
	put_param(out, '&', "client_id", c->client_id);
	put_param(out, '&', "redirect_uri", c->redirect_uri);
	put_param(out, '&', "scope", (const char *)scope.data);
	put_param(out, '&', "state", p->state);
	put_param(out, '&', "nonce", p->nonce);
	put_param(out, '&', "code_challenge", p->challenge);
	put_param(out, '&', "code_challenge_method", "S256");
	tc_buf_release(&scope);
	if ((r = tc_buf_error(out)) != 0) {
		tc_buf_truncate(out, start);
		return tc_seterr(err, errlen, r,
		    "authorization URL: longer than the buffer allows");
	}
	return 0;
}

/* s with control characters dropped, into a short message-safe copy. */
static void
safe_copy(char *dst, size_t n, const char *s)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 1 < n; s++)
		if ((unsigned char)*s >= ' ' && *s != 0x7f)
			dst[o++] = *s;
	dst[o] = '\0';
}

/* The RFC 6749 5.2 error answer as TC_ERR_AUTH. */
static int
token_error(json_t *o, char *err, size_t errlen)
{
	char code[64], desc[200];

	safe_copy(
	    code, sizeof(code), json_string_value(json_object_get(o, "error")));
	safe_copy(desc, sizeof(desc),
	    json_string_value(json_object_get(o, "error_description")));
	return tc_seterr(err, errlen, TC_ERR_AUTH,
	    "token endpoint: refused: %s%s%s", code[0] ? code : "(no code)",
	    desc[0] ? ": " : "", desc);
}

/* The optional string member name of o into *dst (NULL when absent). */
static int
opt_string(json_t *o, const char *name, size_t max, char **dst, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "token endpoint: \"%s\" is not a string", name);
	if (json_string_length(v) > max)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "token endpoint: \"%s\" is longer than %zu bytes", name,
		    max);
	if ((*dst = strdup(json_string_value(v))) == NULL)
		return TC_ERR_NOMEM;
	return 0;
}

int
tc_oidc_token_response_parse(const char *text, size_t len,
    struct tc_oidc_tokens *out, char *err, size_t errlen)
{
	json_t *o = NULL, *v;
	int r = TC_ERR_INTERNAL;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	out->expires_in = -1;
	if (text == NULL)
		return TC_ERR_INVALID_ARG;
	if ((o = json_doc(text, len, TC_OIDC_RESP_MAX, "token endpoint", &r,
		 err, errlen)) == NULL)
		goto out;
	if (json_object_get(o, "error") != NULL) {
		r = token_error(o, err, errlen);
		goto out;
	}
	if ((r = opt_string(o, "id_token", TC_OIDC_TOKEN_MAX, &out->id_token,
		 err, errlen)) != 0 ||
	    (r = opt_string(o, "access_token", TC_OIDC_TOKEN_MAX,
		 &out->access_token, err, errlen)) != 0 ||
	    (r = opt_string(
		 o, "token_type", 64, &out->token_type, err, errlen)) != 0)
		goto out;
	r = TC_ERR_MALFORMED;
	if (out->id_token == NULL) {
		tc_seterr(err, errlen, r, "token endpoint: no \"id_token\"");
		goto out;
	}
	if (out->token_type != NULL &&
	    strcasecmp(out->token_type, "Bearer") != 0) {
		tc_seterr(err, errlen, r,
		    "token endpoint: \"token_type\" is not Bearer");
		goto out;
	}
	v = json_object_get(o, "expires_in");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		tc_seterr(err, errlen, r,
		    "token endpoint: \"expires_in\" is not a number of seconds");
		goto out;
	}
	if (v != NULL)
		out->expires_in = json_integer_value(v);
	r = 0;
out:
	json_decref(o);
	if (r != 0)
		tc_oidc_tokens_release(out);
	return r;
}

static void
wipe_str(char *s)
{
	if (s != NULL)
		tc_wipe_free(s, strlen(s));
}

void
tc_oidc_tokens_release(struct tc_oidc_tokens *t)
{
	if (t == NULL)
		return;
	wipe_str(t->id_token);
	wipe_str(t->access_token);
	free(t->token_type);
	memset(t, 0, sizeof(*t));
	t->expires_in = -1;
}
