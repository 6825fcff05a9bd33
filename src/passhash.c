/* SPDX-License-Identifier: MIT */
/*
 * Passphrase hashing with scrypt (include/tcard/passhash.h): the PHC-style
 * stored string, its strict parser with bounded parameters, the passphrase
 * rules (UTF-8, NFKC, at least 12 code points), and the KDF itself through
 * OpenSSL 3's EVP_KDF "SCRYPT". OpenSSL 3.0 has no Argon2; scrypt is the
 * memory-hard function it has, and no new dependency was wanted
 * (docs/operators.md).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <unistr.h>
#include <uninorm.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/passhash.h"

#define PREFIX "$scrypt$"

/* The cost of new hashes, for the whole process (tc_passhash_set_cost). */
static int cost_ln = TC_PASSHASH_LN_DEFAULT;

struct params {
	unsigned ln, r, p;
	uint8_t salt[TC_PASSHASH_SALT_MAX];
	size_t saltlen;
	uint8_t hash[TC_PASSHASH_OUT_MAX];
	size_t hashlen;
};

int
tc_passhash_set_cost(int ln)
{
	if (ln < TC_PASSHASH_LN_MIN || ln > TC_PASSHASH_LN_MAX)
		return TC_ERR_RANGE;
	cost_ln = ln;
	return 0;
}

int
tc_passhash_cost(void)
{
	return cost_ln;
}

/* Unpadded standard base64, as PHC strings use it. */
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t
b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

static int
b64_value(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return -1;
	return (int)(p - b64);
}

/*
 * Decodes n characters of unpadded base64 into at most max bytes. Refuses
 * padding, other characters, a length of 1 mod 4 and nonzero unused bits,
 * so that each byte string has exactly one accepted encoding.
 */
static int
b64_decode(const char *in, size_t n, uint8_t *out, size_t max, size_t *outlen)
{
	size_t i, o = 0, need;
	uint32_t acc = 0;
	int v, bits = 0;

	if (n % 4 == 1)
		return -1;
	need = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
	if (need > max)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64_value(in[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -1;
	*outlen = o;
	return 0;
}

/* Checks raw parameters against the bounds of the header. */
static int
bounds_ok(unsigned ln, unsigned r, unsigned p)
{
	uint64_t n;

	if (ln < 1 || ln > TC_PASSHASH_LN_MAX || r < 1 ||
	    r > TC_PASSHASH_R_MAX || p < 1 || p > TC_PASSHASH_P_MAX)
		return 0;
	n = (uint64_t)1 << ln;
	return 128 * (uint64_t)r * n <= TC_PASSHASH_MEM_MAX &&
	    n * r * p <= TC_PASSHASH_WORK_MAX;
}

int
tc_passhash_scrypt(const uint8_t *pass, size_t passlen, const uint8_t *salt,
    size_t saltlen, unsigned ln, unsigned r, unsigned p, uint8_t *out,
    size_t outlen)
{
	static const uint8_t empty[1] = { 0 };
	OSSL_PARAM params[7], *q = params;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	uint64_t n, maxmem;
	uint32_t r32 = r, p32 = p;
	int ret = TC_ERR_CRYPTO;

	if ((pass == NULL && passlen > 0) || (salt == NULL && saltlen > 0) ||
	    out == NULL)
		return TC_ERR_INVALID_ARG;
	if (!bounds_ok(ln, r, p) || saltlen > TC_PASSHASH_SALT_MAX ||
	    passlen > (size_t)INT_MAX || outlen < 1 ||
	    outlen > TC_PASSHASH_OUT_MAX)
		return TC_ERR_RANGE;
	n = (uint64_t)1 << ln;
	/* OpenSSL's own estimate: 128 r (N + 2) for V, 128 r p for B. */
	maxmem = 128 * (uint64_t)r * (n + 2 + p) + 4096;
	/* Casts: OSSL_PARAM takes non-const pointers but only reads them. */
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(uintptr_t)(passlen > 0 ? pass : empty), passlen);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)(saltlen > 0 ? salt : empty), saltlen);
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r32);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p32);
	*q++ =
	    OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	*q = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) == NULL ||
	    (ctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	if (EVP_KDF_derive(ctx, out, outlen, params) != 1) {
		OPENSSL_cleanse(out, outlen);
		goto out;
	}
	ret = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return ret;
}

/*
 * Parses a decimal parameter "NAME=digits" at *s, ending at one of the
 * characters in ends; no sign, no leading zeros, at most 4 digits.
 */
static int
parse_param(const char **s, const char *name, const char *ends, unsigned *v)
{
	const char *p = *s;
	size_t nl = strlen(name);
	unsigned x = 0;
	int digits = 0;

	if (strncmp(p, name, nl) != 0 || p[nl] != '=')
		return -1;
	p += nl + 1;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (++digits > 4)
			return -1;
		x = x * 10 + (unsigned)(*p - '0');
		p++;
	}
	if (digits == 0 || *p == '\0' || strchr(ends, *p) == NULL)
		return -1;
	*v = x;
	*s = p;
	return 0;
}

static int
parse(const char *stored, struct params *pr, char *err, size_t errlen)
{
	const char *s, *salt, *dollar;
	size_t len;

	if (stored == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "no passphrase hash stored");
	len = strnlen(stored, TC_PASSHASH_STORED_MAX);
	if (len >= TC_PASSHASH_STORED_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash longer than %d bytes",
		    TC_PASSHASH_STORED_MAX - 1);
	if (strncmp(stored, PREFIX, strlen(PREFIX)) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash does not start with '" PREFIX
		    "' (another algorithm or not a hash)");
	s = stored + strlen(PREFIX);
	if (parse_param(&s, "ln", ",", &pr->ln) != 0 || *s++ != ',' ||
	    parse_param(&s, "r", ",", &pr->r) != 0 || *s++ != ',' ||
	    parse_param(&s, "p", "$", &pr->p) != 0 || *s++ != '$')
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash: byte %zu: parameters are not 'ln=N,r=N,p=N'",
		    (size_t)(s - stored));
	if (!bounds_ok(pr->ln, pr->r, pr->p))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash: parameters ln=%u, r=%u, p=%u are out of bounds (ln 1..%d, r 1..%d, p 1..%d, at most %llu MiB)",
		    pr->ln, pr->r, pr->p, TC_PASSHASH_LN_MAX, TC_PASSHASH_R_MAX,
		    TC_PASSHASH_P_MAX, TC_PASSHASH_MEM_MAX >> 20);
	salt = s;
	if ((dollar = strchr(salt, '$')) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash: byte %zu: no '$' after the salt",
		    (size_t)(salt - stored));
	if (b64_decode(salt, (size_t)(dollar - salt), pr->salt,
		sizeof(pr->salt), &pr->saltlen) != 0 ||
	    pr->saltlen < TC_PASSHASH_SALT_MIN)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash: byte %zu: the salt is not %d to %d bytes of unpadded base64",
		    (size_t)(salt - stored), TC_PASSHASH_SALT_MIN,
		    TC_PASSHASH_SALT_MAX);
	s = dollar + 1;
	if (b64_decode(
		s, strlen(s), pr->hash, sizeof(pr->hash), &pr->hashlen) != 0 ||
	    pr->hashlen < TC_PASSHASH_OUT_MIN)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "stored passphrase hash: byte %zu: the hash is not %d to %d bytes of unpadded base64",
		    (size_t)(s - stored), TC_PASSHASH_OUT_MIN,
		    TC_PASSHASH_OUT_MAX);
	return 0;
}

int
tc_passhash_valid(const char *stored, char *err, size_t errlen)
{
	struct params pr;

	return parse(stored, &pr, err, errlen);
}

/*
 * Checks UTF-8 and the byte cap and returns the NFKC form of pass in *norm
 * (malloc'd, wiped and freed by the caller with tc_wipe_free(*norm,
 * *normlen)). With policy, also refuses control characters and passphrases
 * shorter than TC_PASSHASH_MIN_CHARS code points.
 */
static int
normalise(const char *pass, int policy, uint8_t **norm, size_t *normlen,
    char *err, size_t errlen)
{
	const uint8_t *bad;
	size_t len, i, chars;
	uint8_t *n;

	*norm = NULL;
	*normlen = 0;
	if (pass == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no passphrase given");
	len = strnlen(pass, TC_PASSHASH_MAX_BYTES + 1);
	if (len > TC_PASSHASH_MAX_BYTES)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the passphrase is longer than %d bytes",
		    TC_PASSHASH_MAX_BYTES);
	if ((bad = u8_check((const uint8_t *)pass, len)) != NULL)
		return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "the passphrase is not valid UTF-8 (byte %zu); set a UTF-8 locale on the terminal",
		    (size_t)(bad - (const uint8_t *)pass));
	if (policy) {
		for (i = 0; i < len; i++) {
			if ((unsigned char)pass[i] < 0x20 || pass[i] == 0x7f)
				return tc_seterr(err, errlen,
				    TC_ERR_BAD_ENCODING,
				    "the passphrase contains a control character (byte %zu)",
				    i);
		}
	}
	n = u8_normalize(
	    UNINORM_NFKC, (const uint8_t *)pass, len, NULL, normlen);
	if (n == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM,
		    "normalising the passphrase failed");
	if (policy) {
		chars = u8_mbsnlen(n, *normlen);
		if (chars < TC_PASSHASH_MIN_CHARS) {
			tc_wipe_free(n, *normlen);
			*normlen = 0;
			return tc_seterr(err, errlen, TC_ERR_POLICY,
			    "the passphrase is too short: %zu characters, at least %d are needed (a few unrelated words make a good one)",
			    chars, TC_PASSHASH_MIN_CHARS);
		}
	}
	*norm = n;
	return 0;
}

int
tc_passhash_policy(const char *pass, char *err, size_t errlen)
{
	uint8_t *n;
	size_t nlen;
	int r;

	if ((r = normalise(pass, 1, &n, &nlen, err, errlen)) != 0)
		return r;
	tc_wipe_free(n, nlen);
	return 0;
}

int
tc_passhash_make(
    const char *pass, char *out, size_t outlen, char *err, size_t errlen)
{
	uint8_t salt[TC_PASSHASH_SALT_LEN], hash[TC_PASSHASH_HASH_LEN];
	char text[TC_PASSHASH_TEXT_MAX], s64[64], h64[64];
	uint8_t *norm = NULL;
	size_t normlen = 0;
	int n, r;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no output buffer");
	if ((r = normalise(pass, 1, &norm, &normlen, err, errlen)) != 0)
		return r;
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		r = tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "the random generator failed");
		goto out;
	}
	if ((r = tc_passhash_scrypt(norm, normlen, salt, sizeof(salt),
		 (unsigned)cost_ln, TC_PASSHASH_R, TC_PASSHASH_P, hash,
		 sizeof(hash))) != 0) {
		tc_seterr(err, errlen, r, "scrypt failed");
		goto out;
	}
	b64_encode(salt, sizeof(salt), s64);
	b64_encode(hash, sizeof(hash), h64);
	n = snprintf(text, sizeof(text), PREFIX "ln=%d,r=%d,p=%d$%s$%s",
	    cost_ln, TC_PASSHASH_R, TC_PASSHASH_P, s64, h64);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "passphrase hash text too long");
		goto out;
	}
	if ((size_t)n >= outlen) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the output buffer holds %zu bytes, the hash needs %d",
		    outlen, n + 1);
		goto out;
	}
	memcpy(out, text, (size_t)n + 1);
	r = 0;
out:
	tc_wipe_free(norm, normlen);
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(h64, sizeof(h64));
	OPENSSL_cleanse(text, sizeof(text));
	return r;
}

int
tc_passhash_check(
    const char *pass, const char *stored, char *err, size_t errlen)
{
	struct params pr;
	uint8_t got[TC_PASSHASH_OUT_MAX], *norm = NULL;
	size_t normlen = 0;
	int r;

	if (pass == NULL || stored == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "passphrase or stored hash missing");
	if ((r = parse(stored, &pr, err, errlen)) != 0)
		return r;
	r = normalise(pass, 0, &norm, &normlen, NULL, 0);
	if (r == TC_ERR_NOMEM)
		return tc_seterr(err, errlen, r, "out of memory");
	if (r != 0) {
		/*
		 * Not UTF-8 or too long: it cannot match anything
		 * tc_passhash_make wrote, but it costs the same.
		 */
		norm = NULL;
		normlen = 0;
	}
	if ((r = tc_passhash_scrypt(norm, normlen, pr.salt, pr.saltlen, pr.ln,
		 pr.r, pr.p, got, pr.hashlen)) != 0) {
		tc_seterr(err, errlen, r, "scrypt failed");
		goto out;
	}
	if (norm == NULL || CRYPTO_memcmp(got, pr.hash, pr.hashlen) != 0)
		r = tc_seterr(err, errlen, TC_ERR_AUTH, "wrong passphrase");
out:
	tc_wipe_free(norm, normlen);
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(&pr, sizeof(pr));
	return r;
}

int
tc_passhash_dummy(const char *pass)
{
	static const uint8_t salt[TC_PASSHASH_SALT_LEN] = "talentcard-dummy";
	uint8_t out[TC_PASSHASH_HASH_LEN];
	size_t len = pass != NULL ? strnlen(pass, TC_PASSHASH_MAX_BYTES) : 0;

	tc_passhash_scrypt((const uint8_t *)pass, len, salt, sizeof(salt),
	    (unsigned)cost_ln, TC_PASSHASH_R, TC_PASSHASH_P, out, sizeof(out));
	OPENSSL_cleanse(out, sizeof(out));
	return TC_ERR_AUTH;
}

int
tc_passhash_needs_rehash(const char *stored)
{
	struct params pr;

	if (parse(stored, &pr, NULL, 0) != 0)
		return TC_ERR_MALFORMED;
	return pr.ln < (unsigned)cost_ln || pr.r != TC_PASSHASH_R ||
	    pr.p != TC_PASSHASH_P || pr.saltlen != TC_PASSHASH_SALT_LEN ||
	    pr.hashlen != TC_PASSHASH_HASH_LEN;
}
