/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the signed credential (src/credential.c): round trips with
 * ES256 and SM2, both text forms, every single-byte change of the COSE bytes
 * refused, each failure with its reason and detail (unknown kid, unsupported
 * alg, alg in the unprotected header, expired, not yet valid, revoked,
 * truncated, trailing data, oversized, zlib bomb, bad Base45, bad claims),
 * the holder binding right and wrong, sub-card and chip claims. Keys are
 * made fresh on every run; names and numbers are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "unit.h"
#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/revocation.h"
#include "tcard/workday.h"
#include "tcard/zlib.h"

#include "fixtures-signer.h"

#define NOW 1790000000 /* 2026-09-21 */

static EVP_PKEY *ec_pkey, *sm2_pkey, *other_pkey;
static struct tc_cose_key *ec_key, *sm2_key, *other_key;
static struct tc_cose_keyring *kr;

static const char holder_id[] = "11010519491231002X";

static int
setup(void **state)
{
	struct tc_cose_key *a, *b;

	(void)state;
	ec_pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	sm2_pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	other_pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (fx_cose_key(ec_pkey, &ec_key) != 0 ||
	    fx_cose_key(sm2_pkey, &sm2_key) != 0 ||
	    fx_cose_key(other_pkey, &other_key) != 0)
		return -1;
	if (tc_cose_keyring_new(&kr) != 0)
		return -1;
	if (fx_cose_key(ec_pkey, &a) != 0 || tc_cose_keyring_add(kr, a) != 0)
		return -1;
	if (fx_cose_key(sm2_pkey, &b) != 0 || tc_cose_keyring_add(kr, b) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tc_cose_keyring_free(kr);
	tc_cose_key_free(ec_key);
	tc_cose_key_free(sm2_key);
	tc_cose_key_free(other_key);
	EVP_PKEY_free(ec_pkey);
	EVP_PKEY_free(sm2_pkey);
	EVP_PKEY_free(other_pkey);
	return 0;
}

static void
make_claims(struct tc_claims *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(tc_cardno_make("440111", 17, c->card_no), 0);
	c->programme_code = 3;
	strcpy(c->tier, "A");
	strcpy(c->name, "测试 Holder");
	/* Whole Asia/Shanghai days: the claims carry day numbers. */
	c->issued_at = tc_time_of_day(tc_day_of_time(NOW) - 1);
	c->expires_at = tc_time_of_day(tc_day_of_time(NOW) + 365);
	assert_int_equal(tc_claims_bind(c, holder_id, NULL, 0), 0);
}

static void
verify(const char *text, size_t len, const struct tc_revocations *rev,
    time_t now, const char *id, struct tc_verdict *v)
{
	assert_int_equal(
	    tc_credential_verify(text, len, kr, rev, now, id, v), 0);
}

static void
expect_refused(
    const char *text, size_t len, const char *reason, const char *detail)
{
	struct tc_verdict v;

	verify(text, len, NULL, NOW, NULL, &v);
	assert_int_equal(v.valid, 0);
	assert_non_null(v.reason);
	assert_string_equal(v.reason, reason);
	if (detail != NULL)
		assert_string_equal(v.detail, detail);
}

/* "TC1N:" + Base45 of the bytes. */
static void
plain_text(struct tc_buf *t, const uint8_t *p, size_t n)
{
	tc_buf_reset(t);
	assert_int_equal(tc_buf_puts(t, TC_CRED_PREFIX_PLAIN), 0);
	assert_int_equal(tc_base45_encode(t, p, n), 0);
}

/* The COSE bytes of a credential text. */
static void
cose_of(const struct tc_buf *text, struct tc_buf *cose)
{
	tc_buf_reset(cose);
	assert_int_equal(tc_credential_unwrap(cose, (const char *)text->data,
			     text->len, NULL, NULL, 0),
	    0);
}

/*
 * Makes the sample claims in *c, the credential text signed by k in t and
 * its COSE_Sign1 in cose (t and cose initialised here; the caller releases
 * them).
 */
static void
signed_cose(struct tc_claims *c, const struct tc_cose_key *k, struct tc_buf *t,
    struct tc_buf *cose)
{
	tc_buf_init(t, 0);
	tc_buf_init(cose, 0);
	make_claims(c);
	assert_int_equal(tc_credential_encode(t, c, k, NULL, 0), 0);
	cose_of(t, cose);
}

static void
round_trip(const struct tc_cose_key *k, int alg)
{
	struct tc_claims c;
	struct tc_verdict v;
	struct tc_buf t;

	tc_buf_init(&t, 0);
	make_claims(&c);
	assert_int_equal(tc_credential_encode(&t, &c, k, NULL, 0), 0);
	assert_true(t.len <= TC_CRED_TEXT_MAX);
	assert_true(strncmp((char *)t.data, "TC1", 3) == 0);
	verify((char *)t.data, t.len, NULL, NOW, NULL, &v);
	assert_int_equal(v.valid, 1);
	assert_null(v.reason);
	assert_int_equal(v.alg, alg);
	assert_int_equal(v.have_claims, 1);
	assert_memory_equal(&v.claims, &c, sizeof(c));
	verify((char *)t.data, t.len, NULL, NOW, holder_id, &v);
	assert_int_equal(v.valid, 1);
	tc_buf_release(&t);
}

static void
test_round_trip_es256(void **state)
{
	(void)state;
	round_trip(ec_key, TC_COSE_ALG_ES256);
}

static void
test_round_trip_sm2(void **state)
{
	(void)state;
	round_trip(sm2_key, TC_COSE_ALG_SM2_SM3);
}

static void
test_plain_form(void **state)
{
	struct tc_claims c;
	struct tc_verdict v;
	struct tc_buf t, cose;

	(void)state;
	signed_cose(&c, ec_key, &t, &cose);
	plain_text(&t, cose.data, cose.len);
	verify((char *)t.data, t.len, NULL, NOW, NULL, &v);
	assert_int_equal(v.valid, 1);
	tc_buf_release(&t);
	tc_buf_release(&cose);
}

static void
tamper_all(const struct tc_cose_key *k, int all_values)
{
	struct tc_claims c;
	struct tc_verdict v;
	struct tc_buf t, cose, bad;
	size_t i;
	unsigned int x;

	signed_cose(&c, k, &t, &cose);
	tc_buf_init(&bad, 0);
	for (i = 0; i < cose.len; i++) {
		for (x = 1; x < 256; x++) {
			if (!all_values && x != 1 && x != 0x80 && x != 0xff)
				continue;
			cose.data[i] ^= (uint8_t)x;
			plain_text(&bad, cose.data, cose.len);
			verify((char *)bad.data, bad.len, NULL, NOW, NULL, &v);
			if (v.valid)
				fail_msg("byte %zu ^ 0x%02x accepted", i, x);
			assert_non_null(v.reason);
			cose.data[i] ^= (uint8_t)x;
		}
	}
	tc_buf_release(&t);
	tc_buf_release(&cose);
	tc_buf_release(&bad);
}

static void
test_tamper_es256(void **state)
{
	(void)state;
	tamper_all(ec_key, 1);
}

static void
test_tamper_sm2(void **state)
{
	(void)state;
	tamper_all(sm2_key, 0);
}

static void
test_unknown_key(void **state)
{
	struct tc_claims c;
	struct tc_buf t;

	(void)state;
	tc_buf_init(&t, 0);
	make_claims(&c);
	assert_int_equal(tc_credential_encode(&t, &c, other_key, NULL, 0), 0);
	expect_refused((char *)t.data, t.len, "unknown-key", "unknown-key");
	{
		struct tc_verdict v;

		verify((char *)t.data, t.len, NULL, NOW, NULL, &v);
		assert_int_equal(v.have_claims, 1);
		assert_int_equal(v.authentic, 0);
	}
	tc_buf_release(&t);
}

/*
 * A COSE_Sign1 built by hand: protected and unprotected header bytes given,
 * then the payload of a real credential and 64 signature bytes.
 */
static void
handmade(struct tc_buf *out, const uint8_t *prot, size_t plen,
    const uint8_t *unprot, size_t ulen, const struct tc_buf *payload)
{
	uint8_t sig[64];

	memset(sig, 0x11, sizeof(sig));
	tc_buf_reset(out);
	assert_int_equal(tc_buf_put(out, "\xd2\x84", 2), 0);
	assert_int_equal(tc_buf_put_u8(out, (uint8_t)(0x40 + plen)), 0);
	assert_int_equal(tc_buf_put(out, prot, plen), 0);
	assert_int_equal(tc_buf_put(out, unprot, ulen), 0);
	assert_true(payload->len < 256);
	assert_int_equal(tc_buf_put(out, "\x58", 1), 0);
	assert_int_equal(tc_buf_put_u8(out, (uint8_t)payload->len), 0);
	assert_int_equal(tc_buf_put(out, payload->data, payload->len), 0);
	assert_int_equal(tc_buf_put(out, "\x58\x40", 2), 0);
	assert_int_equal(tc_buf_put(out, sig, sizeof(sig)), 0);
}

/*
 * Protected headers the verifier must refuse, each followed by the kid
 * (0x04: bstr(8)) of the ES256 key, with the unprotected header, and the
 * reason expected.
 */
static const struct alg_case {
	const char *what;
	const char *head; /* the protected header up to the kid */
	size_t headlen;
	const char *unprot;
	size_t unprotlen;
	const char *reason;
} alg_cases[] = {
	{ "ES384 (-35): not supported", "\xa2\x01\x38\x22", 4, "\xa0", 1,
	    "unsupported-alg" },
	{ "SM2 claimed for the ES256 key: alg must be the key's",
	    "\xa2\x01\x3a\x00\x01\x00\x00", 7, "\xa0", 1, "unsupported-alg" },
	{ "alg only in the unprotected header", "\xa1", 1, "\xa1\x01\x26", 3,
	    "alg-unprotected" },
	{ "an unknown critical header", "\xa3\x01\x26\x02\x81\x18\x63", 7,
	    "\xa0", 1, "critical-header" },
};

/* Makes the claims c and their payload pl (made here, the caller frees it). */
static void
claims_payload(struct tc_claims *c, struct tc_buf *pl)
{
	tc_buf_init(pl, 0);
	make_claims(c);
	assert_int_equal(tc_claims_encode(pl, c, NULL, 0), 0);
}

static void
test_alg_rules(void **state)
{
	struct tc_claims c;
	struct tc_buf pl, cose, t;
	uint8_t kid[8], prot[32];
	size_t i, n;

	(void)state;
	tc_buf_init(&cose, 0);
	tc_buf_init(&t, 0);
	claims_payload(&c, &pl);
	assert_int_equal(tc_cose_kid_of_pkey(ec_pkey, kid), 0);

	for (i = 0; i < sizeof(alg_cases) / sizeof(alg_cases[0]); i++) {
		const struct alg_case *a = &alg_cases[i];

		print_message("%s\n", a->what);
		memcpy(prot, a->head, a->headlen);
		n = a->headlen;
		prot[n++] = 0x04;
		prot[n++] = 0x48;
		memcpy(prot + n, kid, 8);
		n += 8;
		handmade(&cose, prot, n, (const uint8_t *)a->unprot,
		    a->unprotlen, &pl);
		plain_text(&t, cose.data, cose.len);
		expect_refused((char *)t.data, t.len, "malformed", a->reason);
	}

	tc_buf_release(&pl);
	tc_buf_release(&cose);
	tc_buf_release(&t);
}

static void
test_dates(void **state)
{
	struct tc_claims c;
	struct tc_verdict v;
	struct tc_buf t;
	time_t t1 = tc_time_of_day(tc_day_of_time(NOW) + 1); /* tomorrow */

	(void)state;
	tc_buf_init(&t, 0);
	make_claims(&c);
	c.issued_at = t1;
	c.expires_at = t1 + 86400;
	assert_int_equal(tc_credential_encode(&t, &c, ec_key, NULL, 0), 0);
	verify((char *)t.data, t.len, NULL, t1 - 301, NULL, &v);
	assert_int_equal(v.valid, 0);
	assert_string_equal(v.reason, "not-yet-valid");
	/* Within the clock skew allowance. */
	verify((char *)t.data, t.len, NULL, t1 - 299, NULL, &v);
	assert_int_equal(v.valid, 1);
	/* Expired at the first second of expires_at. */
	verify((char *)t.data, t.len, NULL, t1 + 86400, NULL, &v);
	assert_int_equal(v.valid, 0);
	assert_string_equal(v.reason, "expired");
	assert_int_equal(v.have_claims, 1);
	assert_int_equal(v.authentic, 1);
	verify((char *)t.data, t.len, NULL, t1 + 86399, NULL, &v);
	assert_int_equal(v.valid, 1);
	tc_buf_reset(&t);

	/* Issue rounds down to its day, expiry up to the next midnight. */
	c.issued_at = t1 + 3600;
	c.expires_at = t1 + 86400 + 1;
	assert_int_equal(tc_credential_encode(&t, &c, ec_key, NULL, 0), 0);
	verify((char *)t.data, t.len, NULL, t1, NULL, &v);
	assert_int_equal(v.valid, 1);
	assert_int_equal(v.claims.issued_at, t1);
	assert_int_equal(v.claims.expires_at, t1 + 2 * 86400);
	tc_buf_reset(&t);

	/* An expiry after 9999-12-31 cannot be carried. */
	c.expires_at = tc_time_of_day(TC_CRED_DAY_MAX + 1);
	assert_int_equal(
	    tc_credential_encode(&t, &c, ec_key, NULL, 0), TC_ERR_INVALID_ARG);
	tc_buf_release(&t);
}

/*
 * A revocation list (sequence seq) of the n serials, signed with the SM2
 * key and loaded against kr: the caller frees it.
 */
static struct tc_revocations *
sm2_list(uint64_t seq, const uint32_t *serials, size_t n)
{
	struct tc_revocations *rev = NULL;
	struct tc_buf list;
	char err[256];

	tc_buf_init(&list, 0);
	assert_int_equal(tc_revocations_encode(&list, seq, NOW - 10, NOW + 3600,
			     serials, n, sm2_key, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_load(&rev, list.data, list.len, kr, NOW,
			     err, sizeof(err)),
	    0);
	tc_buf_release(&list);
	return rev;
}

static void
test_revoked(void **state)
{
	struct tc_claims c;
	struct tc_verdict v;
	struct tc_buf t;
	struct tc_revocations *rev;
	uint32_t serials[] = { 5, 17, 900000 };

	(void)state;
	tc_buf_init(&t, 0);
	make_claims(&c);
	assert_int_equal(tc_credential_encode(&t, &c, ec_key, NULL, 0), 0);
	rev = sm2_list(3, serials, 3);
	assert_int_equal(tc_revocations_count(rev), 3);
	verify((char *)t.data, t.len, rev, NOW, NULL, &v);
	assert_int_equal(v.valid, 0);
	assert_string_equal(v.reason, "revoked");
	tc_revocations_free(rev);

	serials[1] = 18;
	rev = sm2_list(4, serials, 3);
	verify((char *)t.data, t.len, rev, NOW, NULL, &v);
	assert_int_equal(v.valid, 1);
	tc_revocations_free(rev);
	tc_buf_release(&t);
}

static void
test_malformed_layers(void **state)
{
	struct tc_claims c;
	struct tc_buf t, cose, bad, z;
	uint8_t *zeros;
	char *big;

	(void)state;
	signed_cose(&c, ec_key, &t, &cose);
	tc_buf_init(&bad, 0);
	tc_buf_init(&z, 0);

	/* Truncated COSE. */
	plain_text(&bad, cose.data, cose.len - 5);
	expect_refused((char *)bad.data, bad.len, "malformed", "truncated");
	/* Trailing byte. */
	assert_int_equal(tc_buf_put_u8(&cose, 0), 0);
	plain_text(&bad, cose.data, cose.len);
	expect_refused((char *)bad.data, bad.len, "malformed", "trailing-data");
	/* Truncated text. */
	expect_refused((char *)t.data, t.len - 1, "malformed", NULL);
	/* Oversized. */
	big = malloc(TC_CRED_TEXT_MAX + 2);
	assert_non_null(big);
	memset(big, 'A', TC_CRED_TEXT_MAX + 1);
	memcpy(big, "TC1:", 4);
	expect_refused(big, TC_CRED_TEXT_MAX + 1, "malformed", "oversized");
	free(big);
	/* Bad Base45. */
	expect_refused("TC1:abc", 7, "malformed", "bad-base45");
	expect_refused("TC1:A", 5, "malformed", "bad-base45");
	/* Bad prefix. */
	expect_refused("TC2:AAA", 7, "malformed", "bad-prefix");
	/* zlib bomb: 64 KiB of zeros compress to about 100 bytes. */
	zeros = calloc(1, 65536);
	assert_non_null(zeros);
	assert_int_equal(tc_zlib_deflate(&z, zeros, 65536), 0);
	free(zeros);
	tc_buf_reset(&bad);
	assert_int_equal(tc_buf_puts(&bad, TC_CRED_PREFIX), 0);
	assert_int_equal(tc_base45_encode(&bad, z.data, z.len), 0);
	expect_refused((char *)bad.data, bad.len, "malformed", "zlib-bomb");
	/* Not zlib at all. */
	expect_refused("TC1:AAA", 7, "malformed", "bad-zlib");

	tc_buf_release(&t);
	tc_buf_release(&cose);
	tc_buf_release(&bad);
	tc_buf_release(&z);
}

static void
test_bad_claims(void **state)
{
	struct tc_claims c;
	struct tc_buf pl, cose, t;
	uint8_t *p;

	(void)state;
	tc_buf_init(&cose, 0);
	tc_buf_init(&t, 0);
	claims_payload(&c, &pl);
	p = pl.data;
	assert_int_equal(p[0], 0xa7);
	/* Programme code 0 (at byte 12, after the 9-byte card number). */
	assert_int_equal(p[11], 0x02);
	assert_int_equal(p[12], 0x03);
	p[12] = 0x00;
	assert_int_equal(
	    tc_cose_sign1_create(&cose, ec_key, pl.data, pl.len, NULL, 0), 0);
	plain_text(&t, cose.data, cose.len);
	expect_refused((char *)t.data, t.len, "malformed", "bad-claims");
	p[12] = 0x03;
	/* A version key 0 (the version is the prefix's): refused. */
	tc_buf_reset(&cose);
	tc_buf_reset(&t);
	{
		struct tc_buf k0;

		tc_buf_init(&k0, 0);
		assert_int_equal(tc_buf_put(&k0, "\xa8\x00\x01", 3), 0);
		assert_int_equal(tc_buf_put(&k0, pl.data + 1, pl.len - 1), 0);
		assert_int_equal(tc_cose_sign1_create(
				     &cose, ec_key, k0.data, k0.len, NULL, 0),
		    0);
		tc_buf_release(&k0);
	}
	plain_text(&t, cose.data, cose.len);
	expect_refused((char *)t.data, t.len, "malformed", "bad-claims");
	/* An unknown key 11 appended to a map of 8. */
	p[0] = 0xa8;
	assert_int_equal(tc_buf_put(&pl, "\x0b\x00", 2), 0);
	tc_buf_reset(&cose);
	assert_int_equal(
	    tc_cose_sign1_create(&cose, ec_key, pl.data, pl.len, NULL, 0), 0);
	plain_text(&t, cose.data, cose.len);
	expect_refused((char *)t.data, t.len, "malformed", "bad-claims");
	tc_buf_release(&pl);
	tc_buf_release(&cose);
	tc_buf_release(&t);
}

static void
test_binding(void **state)
{
	struct tc_claims c, d;
	struct tc_verdict v;
	struct tc_buf t;

	(void)state;
	tc_buf_init(&t, 0);
	make_claims(&c);
	assert_int_equal(tc_claims_check_id(&c, holder_id, NULL, 0), 0);
	assert_int_equal(
	    tc_claims_check_id(&c, "110105 19491231 002x", NULL, 0), 0);
	/* Full-width digits and an ideographic space. */
	assert_int_equal(tc_claims_check_id(&c,
			     "\xef\xbc\x91\xef\xbc\x91"
			     "0105\xe3\x80\x80"
			     "19491231002\xef\xbd\x98",
			     NULL, 0),
	    0);
	assert_int_equal(tc_claims_check_id(&c, "110105194912310021", NULL, 0),
	    TC_ERR_POLICY);
	assert_int_equal(tc_claims_check_id(&c, "", NULL, 0), TC_ERR_POLICY);
	assert_int_equal(
	    tc_claims_check_id(&c, "1101-0519", NULL, 0), TC_ERR_POLICY);
	/* The salt is the card number: another card, another tag. */
	d = c;
	assert_int_equal(tc_cardno_make("440111", 18, d.card_no), 0);
	assert_int_equal(tc_claims_bind(&d, holder_id, NULL, 0), 0);
	assert_memory_not_equal(d.binding, c.binding, sizeof(c.binding));
	assert_int_equal(tc_claims_check_id(&d, holder_id, NULL, 0), 0);
	memcpy(d.binding, c.binding, sizeof(c.binding));
	assert_int_equal(
	    tc_claims_check_id(&d, holder_id, NULL, 0), TC_ERR_POLICY);
	/* No card number, no binding. */
	d.card_no[0] = '\0';
	assert_int_equal(
	    tc_claims_bind(&d, holder_id, NULL, 0), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_credential_encode(&t, &c, ec_key, NULL, 0), 0);
	verify((char *)t.data, t.len, NULL, NOW, "110105 19491231 002x", &v);
	assert_int_equal(v.valid, 1);
	assert_int_equal(v.claims.programme_code, 3);
	assert_string_equal(v.claims.programme, "");
	verify((char *)t.data, t.len, NULL, NOW, "110105194912310029", &v);
	assert_int_equal(v.valid, 0);
	assert_string_equal(v.reason, "id-mismatch");
	assert_int_equal(v.have_claims, 1);
	tc_buf_release(&t);
}

static void
test_subcard_and_chip(void **state)
{
	struct tc_claims c, d;
	struct tc_verdict v;
	struct tc_buf t, pl;
	unsigned char *der = NULL;
	int n;

	(void)state;
	tc_buf_init(&t, 0);
	tc_buf_init(&pl, 0);
	make_claims(&c);
	assert_int_equal(tc_cardno_make("440111", 18, c.card_no), 0);
	assert_int_equal(tc_cardno_make("440111", 17, c.principal), 0);
	strcpy(c.relation, "spouse");
	n = i2d_PUBKEY(ec_pkey, &der);
	assert_true(n > 0 && n <= TC_CRED_CARD_KEY_MAX);
	memcpy(c.card_key, der, (size_t)n);
	c.card_key_len = (size_t)n;
	OPENSSL_free(der);
	assert_int_equal(tc_credential_encode(&t, &c, sm2_key, NULL, 0), 0);
	verify((char *)t.data, t.len, NULL, NOW, NULL, &v);
	assert_int_equal(v.valid, 1);
	assert_memory_equal(&v.claims, &c, sizeof(c));
	assert_int_equal(tc_claims_serial(&v.claims), 18);
	/* Relation without principal is refused by the encoder. */
	d = c;
	d.principal[0] = '\0';
	assert_int_equal(
	    tc_claims_encode(&pl, &d, NULL, 0), TC_ERR_INVALID_ARG);
	tc_buf_release(&t);
	tc_buf_release(&pl);
}

static void
test_claims_decode_strict(void **state)
{
	struct tc_claims c, d;
	struct tc_buf pl;
	size_t i;

	(void)state;
	claims_payload(&c, &pl);
	assert_int_equal(tc_claims_decode(&d, pl.data, pl.len, NULL, 0), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	for (i = 0; i < pl.len; i++)
		assert_int_not_equal(
		    tc_claims_decode(&d, pl.data, i, NULL, 0), 0);
	assert_int_equal(tc_buf_put_u8(&pl, 0), 0);
	assert_int_equal(
	    tc_claims_decode(&d, pl.data, pl.len, NULL, 0), TC_ERR_TRAILING);
	tc_buf_release(&pl);
}

#define TESTS(X, XF)                                                           \
	X(test_round_trip_es256)                                               \
	X(test_round_trip_sm2)                                                 \
	X(test_plain_form)                                                     \
	X(test_tamper_es256)                                                   \
	X(test_tamper_sm2)                                                     \
	X(test_unknown_key)                                                    \
	X(test_alg_rules)                                                      \
	X(test_dates)                                                          \
	X(test_revoked)                                                        \
	X(test_malformed_layers)                                               \
	X(test_bad_claims)                                                     \
	X(test_binding)                                                        \
	X(test_subcard_and_chip)                                               \
	X(test_claims_decode_strict)

TC_UNIT_MAIN(TESTS, setup, teardown)
