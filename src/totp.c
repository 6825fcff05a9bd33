/* SPDX-License-Identifier: MIT */
/*
 * TOTP after RFC 6238 over HOTP after RFC 4226, HMAC-SHA1 through OpenSSL's
 * EVP_Q_mac, and the otpauth:// enrolment URI of the Key Uri Format
 * (include/tcard/totp.h, docs/totp.md). The HMAC of a step is computed into
 * stack buffers that are wiped before return; the key is never copied.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tcard/base32.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/totp.h"
#include "tcard/utf8.h"

#define SHA1_LEN 20

static const uint32_t modulus[TC_TOTP_DIGITS_MAX + 1] = { 1, 10, 100, 1000,
	10000, 100000, 1000000, 10000000, 100000000 };

int
tc_totp_secret_new(uint8_t out[TC_TOTP_SECRET_LEN])
{
	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if (RAND_bytes(out, TC_TOTP_SECRET_LEN) != 1) {
		OPENSSL_cleanse(out, TC_TOTP_SECRET_LEN);
		return TC_ERR_CRYPTO;
	}
	return 0;
}

void
tc_totp_secret_text(const uint8_t secret[TC_TOTP_SECRET_LEN],
    char text[TC_TOTP_SECRET_B32_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	/* 20 bytes are 160 bits, exactly 32 characters: no partial one. */
	for (i = 0; i < TC_TOTP_SECRET_LEN; i++) {
		acc = (acc << 8 | secret[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			text[o++] = alphabet[acc >> bits & 31];
		}
	}
	text[o] = '\0';
	OPENSSL_cleanse(&acc, sizeof(acc));
}

int
tc_totp_secret_parse(const char *text, uint8_t key[TC_TOTP_KEY_MAX],
    size_t *keylen, char *err, size_t errlen)
{
	struct tc_buf b;
	int r = TC_ERR_INTERNAL;

	if (keylen != NULL)
		*keylen = 0;
	if (key != NULL)
		OPENSSL_cleanse(key, TC_TOTP_KEY_MAX);
	if (text == NULL || key == NULL || keylen == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no TOTP secret or no room for its key");
	/* Cap one byte over the maximum, so a long text says how long. */
	tc_buf_init(&b, 4096);
	if ((r = tc_base32_decode(&b, text, strlen(text), err, errlen)) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			r = tc_seterr(err, errlen, TC_ERR_RANGE,
			    "the TOTP secret is over %d bytes",
			    TC_TOTP_KEY_MAX);
		goto out;
	}
	if (b.len < TC_TOTP_KEY_MIN || b.len > TC_TOTP_KEY_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_RANGE,
		    "the TOTP secret is %zu bytes; %d to %d expected", b.len,
		    TC_TOTP_KEY_MIN, TC_TOTP_KEY_MAX);
		goto out;
	}
	memcpy(key, b.data, b.len);
	*keylen = b.len;
	r = 0;
out:
	tc_buf_release(&b);
	return r;
}

int
tc_totp_hotp(const uint8_t *key, size_t keylen, uint64_t counter, int digits,
    uint32_t *code)
{
	uint8_t msg[8], h[SHA1_LEN];
	size_t i, hlen = 0, off;
	uint32_t bin;
	int r = TC_ERR_CRYPTO;

	if (code != NULL)
		*code = 0;
	if (key == NULL || code == NULL || keylen < TC_TOTP_KEY_MIN ||
	    keylen > TC_TOTP_KEY_MAX || digits < 6 ||
	    digits > TC_TOTP_DIGITS_MAX)
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < 8; i++)
		msg[i] = (uint8_t)(counter >> (56 - 8 * i));
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, key, keylen, msg,
		sizeof(msg), h, sizeof(h), &hlen) == NULL ||
	    hlen != SHA1_LEN)
		goto out;
	/* RFC 4226 section 5.3, dynamic truncation. */
	off = h[SHA1_LEN - 1] & 0x0f;
	bin = (uint32_t)(h[off] & 0x7f) << 24 | (uint32_t)h[off + 1] << 16 |
	    (uint32_t)h[off + 2] << 8 | h[off + 3];
	*code = bin % modulus[digits];
	r = 0;
out:
	OPENSSL_cleanse(h, sizeof(h));
	return r;
}

int
tc_totp_code(const uint8_t *key, size_t keylen, time_t t, int digits,
    char out[TC_TOTP_DIGITS_MAX + 1])
{
	uint32_t code;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	out[0] = '\0';
	if (t < 0)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_totp_hotp(key, keylen, (uint64_t)t / TC_TOTP_PERIOD, digits,
		 &code)) != 0)
		return r;
	snprintf(out, TC_TOTP_DIGITS_MAX + 1, "%0*u", digits, (unsigned)code);
	return 0;
}

/*
 * Checks that code is exactly TC_TOTP_DIGITS ASCII digits and gives its
 * value. The message says what is wrong by position and count only: a
 * mistyped code is still close to a valid one.
 */
static int
parse_code(const char *code, uint32_t *val, char *err, size_t errlen)
{
	size_t i, n = strlen(code);

	*val = 0;
	for (i = 0; i < n && i < TC_TOTP_DIGITS; i++) {
		if (code[i] < '0' || code[i] > '9')
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "one-time code character %zu is not a digit 0-9; the code is exactly %d digits",
			    i, TC_TOTP_DIGITS);
		*val = *val * 10 + (uint32_t)(code[i] - '0');
	}
	if (n != TC_TOTP_DIGITS) {
		*val = 0;
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "the one-time code has %s%zu characters; it is exactly %d digits",
		    n > 64 ? "over " : "", n > 64 ? (size_t)64 : n,
		    TC_TOTP_DIGITS);
	}
	return 0;
}

/* Constant-time equality of two 32-bit values: 1 when equal, else 0. */
static uint32_t
eq_ct(uint32_t a, uint32_t b)
{
	uint32_t x = a ^ b;

	return 1 & ((x | (0u - x)) >> 31 ^ 1);
}

int
tc_totp_check(const uint8_t *key, size_t keylen, const char *code, time_t now,
    int window, int64_t last_step, int64_t *matched_step, char *err,
    size_t errlen)
{
	uint32_t want = 0, got, eq;
	int64_t step, s, accepted = -1;
	int replay = 0, r = TC_ERR_INTERNAL;

	if (key == NULL || code == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no TOTP key or no code");
	if (keylen < TC_TOTP_KEY_MIN || keylen > TC_TOTP_KEY_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the TOTP key is %zu bytes; %d to %d expected", keylen,
		    TC_TOTP_KEY_MIN, TC_TOTP_KEY_MAX);
	if (window < 0 || window > TC_TOTP_WINDOW_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "TOTP window %d is outside 0 to %d", window,
		    TC_TOTP_WINDOW_MAX);
	if (now < 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the clock is before 1970");
	if ((r = parse_code(code, &want, err, errlen)) != 0)
		return r;
	step = (int64_t)(now / TC_TOTP_PERIOD);
	/*
	 * Every step of the window is computed and compared, whatever matched
	 * before, so the time taken does not say which step matched.
	 */
	for (s = step - window; s <= step + window; s++) {
		if (s < 0)
			continue;
		if ((r = tc_totp_hotp(key, keylen, (uint64_t)s, TC_TOTP_DIGITS,
			 &got)) != 0) {
			tc_seterr(err, errlen, r, "HMAC-SHA1 failed");
			goto out;
		}
		eq = eq_ct(got, want);
		if (eq && s > last_step)
			accepted = s;
		else if (eq)
			replay = 1;
	}
	if (accepted >= 0) {
		if (matched_step != NULL)
			*matched_step = accepted;
		r = 0;
	} else if (replay)
		r = tc_seterr(err, errlen, TC_ERR_STALE,
		    "the one-time code was already used; wait for the next one");
	else
		r = tc_seterr(err, errlen, TC_ERR_AUTH,
		    "the one-time code is wrong or its time has passed");
out:
	return r;
}

/* RFC 3986 unreserved characters, kept as they are in the URI. */
static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static void
put_pct(struct tc_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (unreserved(*p))
			tc_buf_put_u8(out, *p);
		else
			tc_buf_printf(
			    out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

/*
 * Checks an issuer or account name: 1 to TC_TOTP_NAME_MAX bytes of UTF-8,
 * no control character (C0, DEL, C1), no ':'. what names it in the message.
 */
static int
check_name(const char *what, const char *s, char *err, size_t errlen)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n, i, k;
	uint32_t cp;

	if (s == NULL || (n = strlen(s)) == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the TOTP %s name is empty", what);
	if (n > TC_TOTP_NAME_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the TOTP %s name is %zu bytes; at most %d", what, n,
		    TC_TOTP_NAME_MAX);
	for (i = 0; i < n; i += k) {
		if ((k = tc_utf8_next(p + i, n - i, &cp)) == 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "the TOTP %s name is not UTF-8 at byte %zu", what,
			    i);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the TOTP %s name has a control character at byte %zu",
			    what, i);
		if (cp == ':')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "the TOTP %s name has a ':' at byte %zu (the separator of the otpauth label)",
			    what, i);
	}
	return 0;
}

int
tc_totp_uri(struct tc_buf *out, const char *issuer, const char *account,
    const char *secret_b32, char *err, size_t errlen)
{
	uint8_t key[TC_TOTP_KEY_MAX];
	size_t keylen = 0, start;
	int bad = 0, r = TC_ERR_INTERNAL;

	if (out == NULL || secret_b32 == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no output buffer or no TOTP secret");
	if ((r = check_name("issuer", issuer, err, errlen)) != 0 ||
	    (r = check_name("account", account, err, errlen)) != 0)
		return r;
	if ((r = tc_totp_secret_parse(secret_b32, key, &keylen, err, errlen)) !=
	    0)
		return r;
	if ((r = tc_buf_error(out)) != 0)
		goto out;
	start = out->len;
	tc_buf_puts(out, "otpauth://totp/");
	put_pct(out, issuer);
	tc_buf_put_u8(out, ':');
	put_pct(out, account);
	tc_buf_puts(out, "?secret=");
	/* A direct reserve: its failure is not sticky, so keep it apart. */
	if (tc_buf_error(out) == 0)
		bad = tc_base32_encode(out, key, keylen);
	tc_buf_puts(out, "&issuer=");
	put_pct(out, issuer);
	tc_buf_printf(out, "&algorithm=SHA1&digits=%d&period=%d",
	    TC_TOTP_DIGITS, TC_TOTP_PERIOD);
	if ((r = tc_buf_error(out)) != 0 || (r = bad) != 0) {
		tc_buf_truncate(out, start);
		tc_seterr(
		    err, errlen, r, "the otpauth URI does not fit its buffer");
	}
out:
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}
