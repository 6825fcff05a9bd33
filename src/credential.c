/* SPDX-License-Identifier: MIT */
/*
 * The signed credential (include/tcard/credential.h): the claims map in
 * deterministic CBOR, the holder binding with scrypt, the QR text layers
 * ("TC1:" + Base45 + zlib, or "TC1N:" + Base45) and the verifier that runs
 * every check in a fixed order and names the first that fails. Outside
 * input is read with the strict head reader of src/cbor-read.c, never with
 * cbor_load(); each layer is capped before the next one starts. Format and
 * reasons: docs/formats.md, "Credential and QR e-card".
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistr.h>

#include "cbor-read.h"
#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/passhash.h"
#include "tcard/revocation.h"
#include "tcard/workday.h"
#include "tcard/zlib.h"

/* Claims map keys. */
enum {
	K_CARD = 1,
	K_PROGRAMME = 2,
	K_TIER = 3,
	K_NAME = 4,
	K_BINDING = 5,
	K_ISSUED = 6,
	K_EXPIRES = 7,
	K_PRINCIPAL = 8,
	K_RELATION = 9,
	K_CARD_KEY = 10,
	K_COUNT = 11,
};

static uint64_t card_value(const char *s);

#define CARD_MIN 1000000000000000ull /* 16 digits, first not 0 */
#define CARD_MAX 9999999999999999ull

/*
 * The binding tag of id (NUL-terminated, normalised) for the card card_no:
 * scrypt with the salt TC_CRED_SALT_PREFIX || card_no, unique per card
 * because card numbers are never reused (docs/decisions.md section 20).
 */
static int
binding_tag(
    const char *id, const char *card_no, uint8_t tag[TC_CRED_BINDING_LEN])
{
	char salt[sizeof(TC_CRED_SALT_PREFIX) + TC_CARDNO_LEN];
	int n;

	n = snprintf(salt, sizeof(salt), "%s%s", TC_CRED_SALT_PREFIX, card_no);
	if (n < 0 || (size_t)n >= sizeof(salt) || strlen(card_no) == 0)
		return TC_ERR_INVALID_ARG;
	return tc_passhash_scrypt((const uint8_t *)id, strlen(id),
	    (const uint8_t *)salt, (size_t)n, TC_CRED_SCRYPT_LN, 8, 1, tag,
	    TC_CRED_BINDING_LEN);
}

int
tc_claims_bind(
    struct tc_claims *c, const char *normalised_id, char *err, size_t errlen)
{
	size_t n;

	if (c == NULL || normalised_id == NULL ||
	    (n = strlen(normalised_id)) == 0 || n >= TC_ID_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_claims_bind: no ID number, or one over %d characters",
		    TC_ID_MAX - 1);
	if (card_value(c->card_no) == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_claims_bind: set a valid card number first (the binding is salted with it)");
	if (binding_tag(normalised_id, c->card_no, c->binding) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "scrypt of the binding failed");
	return 0;
}

/*
 * Normalises an ID number as typed, without knowing its type: ASCII spaces
 * and tabs and U+3000 removed, full-width digits and Latin letters made
 * ASCII, letters upper-cased. Anything else, or more than TC_ID_MAX - 1
 * characters, gives -1.
 */
static int
normalise_typed(const char *in, char out[TC_ID_MAX])
{
	const uint8_t *p = (const uint8_t *)in;
	size_t n = 0;
	char ch;

	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
			continue;
		}
		if (*p >= '0' && *p <= '9')
			ch = (char)*p++;
		else if (*p >= 'A' && *p <= 'Z')
			ch = (char)*p++;
		else if (*p >= 'a' && *p <= 'z')
			ch = (char)(*p++ - 'a' + 'A');
		else if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x90 &&
		    p[2] <= 0x99) {
			ch = (char)('0' + p[2] - 0x90);
			p += 3;
		} else if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0xa1 &&
		    p[2] <= 0xba) {
			ch = (char)('A' + p[2] - 0xa1);
			p += 3;
		} else if (p[0] == 0xef && p[1] == 0xbd && p[2] >= 0x81 &&
		    p[2] <= 0x9a) {
			ch = (char)('A' + p[2] - 0x81);
			p += 3;
		} else
			return -1;
		if (n >= TC_ID_MAX - 1)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == 0 ? -1 : 0;
}

int
tc_claims_check_id(
    const struct tc_claims *c, const char *typed_id, char *err, size_t errlen)
{
	char id[TC_ID_MAX];
	uint8_t tag[TC_CRED_BINDING_LEN];
	int r = TC_ERR_INTERNAL;

	if (c == NULL || typed_id == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_claims_check_id: NULL argument");
	if (strlen(typed_id) > 64 || normalise_typed(typed_id, id) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the ID number given is not a document number");
		goto out;
	}
	if (binding_tag(id, c->card_no, tag) != 0) {
		r = tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "scrypt of the binding failed");
		goto out;
	}
	if (tc_memeq_ct(tag, c->binding, sizeof(tag)) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the ID number does not match the holder binding");
		goto out;
	}
	r = 0;
out:
	OPENSSL_cleanse(id, sizeof(id));
	OPENSSL_cleanse(tag, sizeof(tag));
	return r;
}

uint64_t
tc_claims_serial(const struct tc_claims *c)
{
	uint64_t s = 0;
	size_t i;

	if (c == NULL || strlen(c->card_no) != TC_CARDNO_LEN)
		return 0;
	for (i = 6; i < 15; i++) {
		if (c->card_no[i] < '0' || c->card_no[i] > '9')
			return 0;
		s = s * 10 + (uint64_t)(c->card_no[i] - '0');
	}
	return s;
}

/* 16 digits with a good check digit and region: the integer, else 0. */
static uint64_t
card_value(const char *s)
{
	char region[7], norm[17];
	uint64_t serial, v = 0;
	size_t i;

	if (strlen(s) != TC_CARDNO_LEN ||
	    tc_cardno_parse(s, region, &serial, norm, NULL, 0) != 0)
		return 0;
	for (i = 0; i < TC_CARDNO_LEN; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/* A text claim: valid UTF-8, no NUL, no control characters, not empty. */
static int
text_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || u8_check(p, n) != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

static int
put_text(struct tc_buf *b, uint64_t key, const char *s)
{
	int r;

	if ((r = tc_cbor_put_int(b, (int64_t)key)) != 0)
		return r;
	return tc_cbor_put_str(b, TC_CBOR_TSTR, s, strlen(s));
}

int
tc_claims_encode(
    struct tc_buf *out, const struct tc_claims *c, char *err, size_t errlen)
{
	uint64_t card, principal = 0;
	int64_t issued, expires;
	size_t start, n;
	int sub, r = TC_ERR_INTERNAL;

	if (out == NULL || c == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_claims_encode: NULL argument");
	if ((card = card_value(c->card_no)) == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: the card number is not a valid card number");
	if (c->programme_code < 1 ||
	    c->programme_code > TC_CRED_PROGRAMME_MAX_CODE)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: programme code %lu is not 1..%d",
		    (unsigned long)c->programme_code,
		    TC_CRED_PROGRAMME_MAX_CODE);
	if (!text_ok(
		(const uint8_t *)c->tier, strnlen(c->tier, sizeof(c->tier))) ||
	    !text_ok(
		(const uint8_t *)c->name, strnlen(c->name, sizeof(c->name))) ||
	    strnlen(c->tier, sizeof(c->tier)) == sizeof(c->tier) ||
	    strnlen(c->name, sizeof(c->name)) == sizeof(c->name))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: tier and name must be non-empty UTF-8 without control characters");
	if (c->issued_at < tc_time_of_day(0) || c->expires_at <= c->issued_at ||
	    c->expires_at > tc_time_of_day(TC_CRED_DAY_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: issue date before 1970, or expiry not after it");
	sub = c->principal[0] != '\0';
	if (sub != (c->relation[0] != '\0'))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: a sub-card needs both principal and relation");
	if (sub &&
	    ((principal = card_value(c->principal)) == 0 ||
		strnlen(c->relation, sizeof(c->relation)) ==
		    sizeof(c->relation) ||
		!text_ok((const uint8_t *)c->relation, strlen(c->relation))))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: bad principal card number or relation");
	if (c->card_key_len > sizeof(c->card_key))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "claims: card key over %zu bytes", sizeof(c->card_key));
	n = 7 + (sub ? 2 : 0) + (c->card_key_len > 0 ? 1 : 0);
	/* Dates as Asia/Shanghai day numbers: issue rounded down, expiry up. */
	issued = tc_day_of_time((time_t)c->issued_at);
	expires = tc_day_of_time((time_t)(c->expires_at - 1)) + 1;
	start = out->len;
	if ((r = tc_cbor_put_head(out, TC_CBOR_MAP, n)) != 0 ||
	    (r = tc_cbor_put_kv_uint(out, K_CARD, card)) != 0 ||
	    (r = tc_cbor_put_kv_int(
		 out, K_PROGRAMME, (int64_t)c->programme_code)) != 0 ||
	    (r = put_text(out, K_TIER, c->tier)) != 0 ||
	    (r = put_text(out, K_NAME, c->name)) != 0 ||
	    (r = tc_cbor_put_kv_str(out, K_BINDING, TC_CBOR_BSTR, c->binding,
		 sizeof(c->binding))) != 0 ||
	    (r = tc_cbor_put_kv_int(out, K_ISSUED, issued)) != 0 ||
	    (r = tc_cbor_put_kv_int(out, K_EXPIRES, expires)) != 0)
		goto out;
	if (sub &&
	    ((r = tc_cbor_put_kv_uint(out, K_PRINCIPAL, principal)) != 0 ||
		(r = put_text(out, K_RELATION, c->relation)) != 0))
		goto out;
	if (c->card_key_len > 0 &&
	    ((r = tc_cbor_put_kv_str(out, K_CARD_KEY, TC_CBOR_BSTR, c->card_key,
		  c->card_key_len)) != 0))
		goto out;
	r = 0;
out:
	if (r != 0) {
		tc_buf_truncate(out, start);
		r = tc_seterr(
		    err, errlen, r, "encoding the claims: %s", tc_strerror(r));
	}
	return r;
}

/* Reads a card number claim into s (17 bytes). */
static int
get_card(struct tc_cbor_rd *r, const char *what, char s[17])
{
	uint64_t v;
	size_t at = r->c.off;
	int e;

	if ((e = tc_cbor_get_uint(r, what, &v)) != 0)
		return e;
	if (v < CARD_MIN || v > CARD_MAX)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "claims byte %zu: %s: not 16 digits", at, what);
	snprintf(s, 17, "%016llu", (unsigned long long)v);
	if (card_value(s) == 0)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "claims byte %zu: %s: bad check digit or region", at, what);
	return 0;
}

static int
get_text(struct tc_cbor_rd *r, const char *what, char *s, size_t size)
{
	const uint8_t *p;
	size_t n, at = r->c.off;
	int e;

	if ((e = tc_cbor_get_str(r, TC_CBOR_TSTR, what, size - 1, &p, &n)) != 0)
		return e;
	if (!text_ok(p, n))
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "claims byte %zu: %s: empty, not UTF-8 or a control character",
		    at, what);
	memcpy(s, p, n);
	s[n] = '\0';
	return 0;
}

static int
get_time(struct tc_cbor_rd *r, const char *what, int64_t *t)
{
	uint64_t v;
	size_t at = r->c.off;
	int e;

	if ((e = tc_cbor_get_uint(r, what, &v)) != 0)
		return e;
	if (v > TC_CRED_DAY_MAX)
		return tc_seterr(r->err, r->errlen, TC_ERR_RANGE,
		    "claims byte %zu: %s: day %llu is after 9999-12-31", at,
		    what, (unsigned long long)v);
	*t = (int64_t)tc_time_of_day((int64_t)v);
	return 0;
}

static int
decode_claims(
    struct tc_claims *c, const uint8_t *p, size_t len, char *err, size_t errlen)
{
	struct tc_cbor_rd r;
	const uint8_t *b;
	uint64_t n, i, key, code;
	size_t at, bn;
	int64_t last = -1;
	int e;

	tc_cbor_rd_init(&r, p, len, "claims", err, errlen);
	if ((e = tc_cbor_expect(&r, TC_CBOR_MAP, "claims", &n, &at)) != 0)
		return e;
	if (n < 7 || n > K_COUNT - 1)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "claims byte %zu: a map of %llu entries (7 to 10 expected)",
		    at, (unsigned long long)n);
	for (i = 0; i < n; i++) {
		at = r.c.off;
		if ((e = tc_cbor_get_uint(&r, "claims key", &key)) != 0)
			return e;
		if ((int64_t)key <= last || key >= K_COUNT || key == 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "claims byte %zu: key %llu %s", at,
			    (unsigned long long)key,
			    key >= K_COUNT || key == 0
				? "is not a known claim"
				: "out of ascending order");
		if (i < 7 && key != i + 1)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "claims byte %zu: claim %llu is missing", at,
			    (unsigned long long)i + 1);
		last = (int64_t)key;
		switch (key) {
		case K_CARD:
			e = get_card(&r, "card number (key 1)", c->card_no);
			break;
		case K_PROGRAMME:
			at = r.c.off;
			if ((e = tc_cbor_get_uint(
				 &r, "programme code (key 2)", &code)) != 0)
				return e;
			if (code < 1 || code > TC_CRED_PROGRAMME_MAX_CODE)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "claims byte %zu: programme code %llu is not 1..%d",
				    at, (unsigned long long)code,
				    TC_CRED_PROGRAMME_MAX_CODE);
			c->programme_code = (uint32_t)code;
			break;
		case K_TIER:
			e = get_text(
			    &r, "tier (key 3)", c->tier, sizeof(c->tier));
			break;
		case K_NAME:
			e = get_text(
			    &r, "name (key 4)", c->name, sizeof(c->name));
			break;
		case K_BINDING:
			at = r.c.off;
			if ((e = tc_cbor_get_str(&r, TC_CBOR_BSTR,
				 "binding (key 5)", sizeof(c->binding), &b,
				 &bn)) != 0)
				return e;
			if (bn != sizeof(c->binding))
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "claims byte %zu: binding of %zu bytes (%zu expected)",
				    at, bn, sizeof(c->binding));
			memcpy(c->binding, b, bn);
			break;
		case K_ISSUED:
			e = get_time(&r, "issued-at (key 6)", &c->issued_at);
			break;
		case K_EXPIRES:
			e = get_time(&r, "expires-at (key 7)", &c->expires_at);
			break;
		case K_PRINCIPAL:
			e = get_card(
			    &r, "principal card (key 8)", c->principal);
			break;
		case K_RELATION:
			e = get_text(&r, "relation (key 9)", c->relation,
			    sizeof(c->relation));
			break;
		case K_CARD_KEY:
			at = r.c.off;
			if ((e = tc_cbor_get_str(&r, TC_CBOR_BSTR,
				 "card key (key 10)", sizeof(c->card_key), &b,
				 &bn)) != 0)
				return e;
			if (bn == 0)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "claims byte %zu: empty card key", at);
			memcpy(c->card_key, b, bn);
			c->card_key_len = bn;
			break;
		}
		if (e != 0)
			return e;
	}
	if (tc_cursor_left(&r.c) != 0)
		return tc_seterr(err, errlen, TC_ERR_TRAILING,
		    "claims byte %zu: %zu bytes after the claims", r.c.off,
		    tc_cursor_left(&r.c));
	if ((c->principal[0] != '\0') != (c->relation[0] != '\0'))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "claims: principal and relation come together");
	if (c->expires_at <= c->issued_at)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "claims: expiry not after the issue date");
	return 0;
}

int
tc_claims_decode(
    struct tc_claims *c, const uint8_t *p, size_t len, char *err, size_t errlen)
{
	int r;

	if (c == NULL || (p == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_claims_decode: NULL argument");
	memset(c, 0, sizeof(*c));
	if ((r = decode_claims(c, p, len, err, errlen)) != 0)
		memset(c, 0, sizeof(*c));
	return r;
}

int
tc_credential_encode(struct tc_buf *text, const struct tc_claims *c,
    const struct tc_cose_key *signer, char *err, size_t errlen)
{
	struct tc_buf claims, cose, z;
	const uint8_t *bytes;
	size_t start, n;
	int r = TC_ERR_INTERNAL;

	tc_buf_init(&claims, TC_COSE_MAX_INPUT);
	tc_buf_init(&cose, TC_COSE_MAX_INPUT);
	tc_buf_init(&z, TC_COSE_MAX_INPUT);
	if (text == NULL || signer == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_credential_encode: NULL argument");
	start = text->len;
	if ((r = tc_claims_encode(&claims, c, err, errlen)) != 0 ||
	    (r = tc_cose_sign1_create(
		 &cose, signer, claims.data, claims.len, err, errlen)) != 0)
		goto out;
	if ((r = tc_zlib_deflate(&z, cose.data, cose.len)) != 0) {
		r = tc_seterr(
		    err, errlen, r, "compressing: %s", tc_strerror(r));
		goto out;
	}
	if (z.len < cose.len) {
		r = tc_buf_puts(text, TC_CRED_PREFIX);
		bytes = z.data;
		n = z.len;
	} else {
		r = tc_buf_puts(text, TC_CRED_PREFIX_PLAIN);
		bytes = cose.data;
		n = cose.len;
	}
	if (r == 0)
		r = tc_base45_encode(text, bytes, n);
	if (r == 0 && text->len - start > TC_CRED_TEXT_MAX)
		r = TC_ERR_TOO_LARGE;
	if (r != 0) {
		tc_buf_truncate(text, start);
		r = tc_seterr(err, errlen, r,
		    "the QR text: %s (at most %d characters)", tc_strerror(r),
		    TC_CRED_TEXT_MAX);
	}
out:
	tc_buf_release(&claims);
	tc_buf_release(&cose);
	tc_buf_release(&z);
	return r;
}

int
tc_credential_unwrap(struct tc_buf *cose, const char *text, size_t len,
    const char **detail, char *err, size_t errlen)
{
	struct tc_buf raw;
	const char *d = NULL, *body;
	size_t plen, blen;
	int plain, r = TC_ERR_INTERNAL;

	tc_buf_init(&raw, TC_CRED_TEXT_MAX);
	if (cose == NULL || (text == NULL && len > 0)) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_credential_unwrap: NULL argument");
		d = "internal";
		goto out;
	}
	if (len > TC_CRED_TEXT_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the text has %zu characters; at most %d accepted", len,
		    TC_CRED_TEXT_MAX);
		d = "oversized";
		goto out;
	}
	if (len >= strlen(TC_CRED_PREFIX) &&
	    memcmp(text, TC_CRED_PREFIX, strlen(TC_CRED_PREFIX)) == 0) {
		plain = 0;
		plen = strlen(TC_CRED_PREFIX);
	} else if (len >= strlen(TC_CRED_PREFIX_PLAIN) &&
	    memcmp(text, TC_CRED_PREFIX_PLAIN, strlen(TC_CRED_PREFIX_PLAIN)) ==
		0) {
		plain = 1;
		plen = strlen(TC_CRED_PREFIX_PLAIN);
	} else {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the text does not begin with %s or %s", TC_CRED_PREFIX,
		    TC_CRED_PREFIX_PLAIN);
		d = "bad-prefix";
		goto out;
	}
	body = text + plen;
	blen = len - plen;
	if ((r = tc_base45_decode(
		 plain ? cose : &raw, body, blen, err, errlen)) != 0) {
		d = r == TC_ERR_NOMEM ? "internal" : "bad-base45";
		goto out;
	}
	if (!plain &&
	    (r = tc_zlib_inflate(cose, raw.data, raw.len, err, errlen)) != 0) {
		d = r == TC_ERR_TOO_LARGE ? "zlib-bomb"
		    : r == TC_ERR_NOMEM	  ? "internal"
					  : "bad-zlib";
		goto out;
	}
	r = 0;
out:
	tc_buf_release(&raw);
	if (detail != NULL)
		*detail = d;
	return r;
}

/* The detail of a COSE decoding error. */
static const char *
cose_detail(int r, const char *msg)
{
	switch (r) {
	case TC_ERR_TRUNCATED:
		return "truncated";
	case TC_ERR_TRAILING:
		return "trailing-data";
	case TC_ERR_UNSUPPORTED_ALG:
		return "unsupported-alg";
	case TC_ERR_CRIT_HEADER:
		return "critical-header";
	case TC_ERR_TOO_LARGE:
		return "oversized";
	default:
		if (strstr(msg, "alg in the unprotected header") != NULL)
			return "alg-unprotected";
		return "bad-cose";
	}
}

static int
refuse(struct tc_verdict *v, const char *reason, const char *detail,
    const char *msg)
{
	v->valid = 0;
	v->reason = reason;
	v->detail = detail;
	if (msg != NULL && msg != v->message)
		snprintf(v->message, sizeof(v->message), "%s", msg);
	return 0;
}

int
tc_credential_verify(const char *text, size_t len,
    const struct tc_cose_keyring *trust, const struct tc_revocations *rev,
    time_t now, const char *id, struct tc_verdict *v)
{
	struct tc_cose_sign1 msg;
	struct tc_buf cose;
	const struct tc_cose_key *key;
	const char *detail = NULL;
	char msgbuf[256];
	int e, r = TC_ERR_INTERNAL;

	tc_cose_sign1_init(&msg);
	tc_buf_init(&cose, TC_CRED_INFLATE_MAX);
	if (v == NULL)
		return TC_ERR_INVALID_ARG;
	memset(v, 0, sizeof(*v));
	if ((text == NULL && len > 0) || trust == NULL) {
		r = TC_ERR_INVALID_ARG;
		goto out;
	}
	msgbuf[0] = '\0';
	if ((e = tc_credential_unwrap(
		 &cose, text, len, &detail, msgbuf, sizeof(msgbuf))) != 0) {
		if (e == TC_ERR_NOMEM || e == TC_ERR_INVALID_ARG) {
			r = e;
			goto out;
		}
		r = refuse(v, TC_REASON_MALFORMED, detail, msgbuf);
		goto out;
	}
	if ((e = tc_cose_sign1_decode(
		 &msg, cose.data, cose.len, msgbuf, sizeof(msgbuf))) != 0) {
		if (e == TC_ERR_NOMEM) {
			r = e;
			goto out;
		}
		r = refuse(
		    v, TC_REASON_MALFORMED, cose_detail(e, msgbuf), msgbuf);
		goto out;
	}
	v->alg = msg.alg;
	memcpy(v->kid, msg.kid,
	    msg.kidlen < sizeof(v->kid) ? msg.kidlen : sizeof(v->kid));
	if ((e = tc_claims_decode(&v->claims, msg.payload.data, msg.payload.len,
		 msgbuf, sizeof(msgbuf))) != 0) {
		r = refuse(v, TC_REASON_MALFORMED, "bad-claims", msgbuf);
		goto out;
	}
	v->have_claims = 1;
	if ((key = tc_cose_keyring_find(trust, msg.kid, msg.kidlen)) == NULL) {
		r = refuse(v, TC_REASON_UNKNOWN_KEY, TC_REASON_UNKNOWN_KEY,
		    "no trusted signer has this key id");
		goto out;
	}
	if (tc_cose_key_alg(key) != msg.alg) {
		snprintf(msgbuf, sizeof(msgbuf),
		    "the message says alg %d; the signer's key is alg %d",
		    msg.alg, tc_cose_key_alg(key));
		r = refuse(v, TC_REASON_MALFORMED, "unsupported-alg", msgbuf);
		goto out;
	}
	if ((e = tc_cose_sign1_verify(&msg, key, msgbuf, sizeof(msgbuf))) !=
	    0) {
		if (e == TC_ERR_NOMEM || e == TC_ERR_CRYPTO) {
			r = e;
			goto out;
		}
		r = refuse(v, TC_REASON_BAD_SIGNATURE, TC_REASON_BAD_SIGNATURE,
		    msgbuf);
		goto out;
	}
	v->authentic = 1;
	if (v->claims.issued_at > (int64_t)now + TC_CRED_SKEW) {
		r = refuse(v, TC_REASON_NOT_YET_VALID, TC_REASON_NOT_YET_VALID,
		    "issued after the current time");
		goto out;
	}
	if ((int64_t)now >= v->claims.expires_at) {
		r = refuse(v, TC_REASON_EXPIRED, TC_REASON_EXPIRED,
		    "the card has expired");
		goto out;
	}
	if (rev != NULL &&
	    tc_revocations_has(rev, tc_claims_serial(&v->claims))) {
		r = refuse(v, TC_REASON_REVOKED, TC_REASON_REVOKED,
		    "the card is on the revocation list");
		goto out;
	}
	if (id != NULL) {
		e = tc_claims_check_id(&v->claims, id, msgbuf, sizeof(msgbuf));
		if (e == TC_ERR_POLICY) {
			r = refuse(v, TC_REASON_ID_MISMATCH,
			    TC_REASON_ID_MISMATCH, msgbuf);
			goto out;
		}
		if (e != 0) {
			r = e;
			goto out;
		}
	}
	v->valid = 1;
	snprintf(v->message, sizeof(v->message), "%s",
	    id != NULL ? "valid; the ID number matches the holder" : "valid");
	r = 0;
out:
	if (r < 0) {
		v->valid = 0;
		v->reason = NULL;
		v->detail = NULL;
		snprintf(v->message, sizeof(v->message), "%s", tc_strerror(r));
	}
	tc_cose_sign1_release(&msg);
	tc_buf_release(&cose);
	return r;
}
