/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of passphrase hashing (src/passhash.c): scrypt against the
 * RFC 7914 section 12 vectors, both raw and through the stored-string
 * check; make/check round trips; wrong passphrases and altered strings;
 * malformed strings and out-of-bounds parameters; the passphrase rules and
 * NFKC normalisation; the cost setting and rehash advice. New hashes use a
 * low cost (ln 10) so the suite stays fast.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/passhash.h"

#define GOOD "correct horse battery"

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void
unhex(const char *h, uint8_t *out, size_t n)
{
	size_t i;

	assert_int_equal(strlen(h), 2 * n);
	for (i = 0; i < n; i++)
		out[i] =
		    (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
}

static int
setup(void **state)
{
	return tc_passhash_set_cost(10);
}

/* RFC 7914, section 12. */
static const struct {
	const char *pass, *salt;
	unsigned ln, r, p;
	const char *dk;
} rfc[] = {
	{ "", "", 4, 1, 1,
	    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906" },
	{ "password", "NaCl", 10, 8, 16,
	    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640" },
	{ "pleaseletmein", "SodiumChloride", 14, 8, 1,
	    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887" },
};

static void
test_rfc7914_raw(void **state)
{
	uint8_t want[64], got[64];
	size_t i;

	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		unhex(rfc[i].dk, want, sizeof(want));
		assert_int_equal(
		    tc_passhash_scrypt((const uint8_t *)rfc[i].pass,
			strlen(rfc[i].pass), (const uint8_t *)rfc[i].salt,
			strlen(rfc[i].salt), rfc[i].ln, rfc[i].r, rfc[i].p, got,
			sizeof(got)),
		    0);
		assert_memory_equal(got, want, sizeof(want));
	}
}

/* The same vectors as stored strings (base64 computed independently). */
static void
test_rfc7914_stored(void **state)
{
	static const char nacl[] =
	    "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA";
	/* The first 32 bytes of the same derived key. */
	static const char nacl32[] =
	    "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWI";
	static const char sodium[] =
	    "$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw";
	char err[256];

	assert_int_equal(
	    tc_passhash_check("password", nacl, err, sizeof(err)), 0);
	assert_int_equal(tc_passhash_check("password", nacl32, NULL, 0), 0);
	assert_int_equal(
	    tc_passhash_check("passwore", nacl, NULL, 0), TC_ERR_AUTH);
	assert_int_equal(
	    tc_passhash_check("Password", nacl32, NULL, 0), TC_ERR_AUTH);
	assert_int_equal(
	    tc_passhash_check("pleaseletmein", sodium, NULL, 0), 0);
	assert_int_equal(
	    tc_passhash_check("pleaseletmeim", sodium, NULL, 0), TC_ERR_AUTH);
}

static void
test_make_and_check(void **state)
{
	char h1[TC_PASSHASH_TEXT_MAX], h2[TC_PASSHASH_TEXT_MAX];
	char err[256] = "";

	assert_int_equal(
	    tc_passhash_make(GOOD, h1, sizeof(h1), err, sizeof(err)), 0);
	assert_int_equal(strncmp(h1, "$scrypt$ln=10,r=8,p=1$", 22), 0);
	/* 16-byte salt: 22 characters; 32-byte hash: 43. */
	assert_int_equal(strlen(h1), 22 + 22 + 1 + 43);
	assert_null(strstr(h1 + 22, "="));
	assert_int_equal(tc_passhash_valid(h1, NULL, 0), 0);
	assert_int_equal(tc_passhash_check(GOOD, h1, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_passhash_check("correct horse battery ", h1, err, sizeof(err)),
	    TC_ERR_AUTH);
	assert_int_equal(tc_passhash_check("", h1, NULL, 0), TC_ERR_AUTH);
	/* A fresh salt every time. */
	assert_int_equal(tc_passhash_make(GOOD, h2, sizeof(h2), NULL, 0), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(tc_passhash_check(GOOD, h2, NULL, 0), 0);
	/* Too small a buffer. */
	assert_int_equal(
	    tc_passhash_make(GOOD, h2, 40, err, sizeof(err)), TC_ERR_TOO_LARGE);
	assert_string_equal(h2, "");
	assert_int_equal(tc_passhash_dummy(GOOD), TC_ERR_AUTH);
}

/* Changes one character of s at index i to a different base64 one. */
static void
flip(char *s, size_t i)
{
	s[i] = s[i] == 'A' ? 'B' : 'A';
}

static void
test_tampered(void **state)
{
	char h[TC_PASSHASH_TEXT_MAX], t[TC_PASSHASH_TEXT_MAX];
	size_t len, salt_at, hash_at;

	assert_int_equal(tc_passhash_make(GOOD, h, sizeof(h), NULL, 0), 0);
	len = strlen(h);
	salt_at = 22;
	hash_at = 22 + 22 + 1;
	/* A changed hash (not the last character: its low bits are unused). */
	strcpy(t, h);
	flip(t, hash_at + 5);
	assert_int_equal(tc_passhash_check(GOOD, t, NULL, 0), TC_ERR_AUTH);
	strcpy(t, h);
	flip(t, len - 2);
	assert_int_equal(tc_passhash_check(GOOD, t, NULL, 0), TC_ERR_AUTH);
	/* A changed salt. */
	strcpy(t, h);
	flip(t, salt_at + 3);
	assert_int_equal(tc_passhash_check(GOOD, t, NULL, 0), TC_ERR_AUTH);
	/* Changed parameters. */
	strcpy(t, h);
	t[12] = '1'; /* ln=10 -> ln=11 */
	assert_int_equal(tc_passhash_check(GOOD, t, NULL, 0), TC_ERR_AUTH);
	strcpy(t, h);
	t[16] = '4'; /* r=8 -> r=4 */
	assert_int_equal(tc_passhash_check(GOOD, t, NULL, 0), TC_ERR_AUTH);
}

static void
test_malformed(void **state)
{
	static const char salt[] = "c2FsdHNhbHRzYWx0c2FsdA";
	static const char hash[] =
	    "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
	static const char *const bad[] = {
		"",
		"$scrypt$",
		"scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
		"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		"$scrypt$ln=10,r=8$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$r=8,ln=10,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=010,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=+10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=10,r=8,p=1,x=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=99999,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=10,r=8,p=1$c2F*dHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA$",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA ",
		/* Salt of 3 bytes; hash of 12 bytes; a length of 1 mod 4. */
		"$scrypt$ln=10,r=8,p=1$YWJj$aGFzaGhhc2hoYXNoaGFzaA",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNo",
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2Fsd$aGFzaGhhc2hoYXNoaGFzaA",
		/* Nonzero unused bits in the last character ("c2FsdB"). */
		"$scrypt$ln=10,r=8,p=1$c2FsdB$aGFzaGhhc2hoYXNoaGFzaA",
	};
	char s[512], err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (tc_passhash_check(GOOD, bad[i], err, sizeof(err)) !=
		    TC_ERR_MALFORMED)
			fail_msg("accepted: %s", bad[i]);
		assert_true(err[0] != '\0');
		assert_int_equal(
		    tc_passhash_valid(bad[i], NULL, 0), TC_ERR_MALFORMED);
	}
	/* A well-formed string with made-up bytes parses, and fails. */
	snprintf(s, sizeof(s), "$scrypt$ln=10,r=8,p=1$%s$%s", salt, hash);
	assert_int_equal(tc_passhash_valid(s, NULL, 0), 0);
	assert_int_equal(tc_passhash_check(GOOD, s, NULL, 0), TC_ERR_AUTH);
	/* Over-long strings. */
	memset(s, 'A', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	memcpy(s, "$scrypt$ln=10,r=8,p=1$", 22);
	assert_int_equal(
	    tc_passhash_check(GOOD, s, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_int_equal(
	    tc_passhash_check(NULL, s, NULL, 0), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_passhash_check(GOOD, NULL, NULL, 0), TC_ERR_INVALID_ARG);
}

static void
test_bounds(void **state)
{
	static const char *const params[] = {
		"ln=0,r=8,p=1",
		"ln=21,r=8,p=1",
		"ln=10,r=0,p=1",
		"ln=10,r=33,p=1",
		"ln=10,r=8,p=0",
		"ln=10,r=8,p=17",
		"ln=20,r=16,p=1", /* 2 GiB */
		"ln=20,r=8,p=2",  /* twice the work limit */
		"ln=18,r=32,p=1", /* 1 GiB but 2^23 work: passes; below: not */
		"ln=19,r=32,p=1",
	};
	static const int ok[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	char s[256], err[256];
	uint8_t out[32];
	size_t i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(s, sizeof(s),
		    "$scrypt$%s$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		    params[i]);
		err[0] = '\0';
		if (ok[i])
			assert_int_equal(
			    tc_passhash_valid(s, err, sizeof(err)), 0);
		else {
			if (tc_passhash_check(GOOD, s, err, sizeof(err)) !=
			    TC_ERR_MALFORMED)
				fail_msg("accepted %s", params[i]);
			assert_non_null(strstr(err, "out of bounds"));
		}
	}
	/* The largest default-shaped cost is within bounds. */
	assert_int_equal(
	    tc_passhash_valid(
		"$scrypt$ln=20,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		NULL, 0),
	    0);
	/* Raw scrypt refuses out-of-bounds calls without running. */
	assert_int_equal(tc_passhash_scrypt((const uint8_t *)"x", 1,
			     (const uint8_t *)"salt", 4, 21, 8, 1, out, 32),
	    TC_ERR_RANGE);
	assert_int_equal(tc_passhash_scrypt((const uint8_t *)"x", 1,
			     (const uint8_t *)"salt", 4, 10, 8, 1, out, 0),
	    TC_ERR_RANGE);
	assert_int_equal(tc_passhash_scrypt((const uint8_t *)"x", 1,
			     (const uint8_t *)"salt", 4, 10, 8, 1, NULL, 32),
	    TC_ERR_INVALID_ARG);
}

static void
test_policy(void **state)
{
	char h[TC_PASSHASH_TEXT_MAX], err[256], big[TC_PASSHASH_MAX_BYTES + 2];

	/* 11 characters: refused, and the message says why, not what. */
	assert_int_equal(
	    tc_passhash_policy("abcdefghijk", err, sizeof(err)), TC_ERR_POLICY);
	assert_non_null(strstr(err, "11 characters"));
	assert_non_null(strstr(err, "12"));
	assert_null(strstr(err, "abcdefghijk"));
	assert_int_equal(tc_passhash_make("abcdefghijk", h, sizeof(h), NULL, 0),
	    TC_ERR_POLICY);
	assert_string_equal(h, "");
	assert_int_equal(tc_passhash_policy("abcdefghijkl", NULL, 0), 0);
	/* Code points, not bytes: 11 CJK characters are 33 bytes, too few. */
	assert_int_equal(
	    tc_passhash_policy("天地玄黄宇宙洪荒日月盈", err, sizeof(err)),
	    TC_ERR_POLICY);
	assert_int_equal(
	    tc_passhash_policy("天地玄黄宇宙洪荒日月盈昃", NULL, 0), 0);
	/* Not UTF-8, control characters. */
	assert_int_equal(
	    tc_passhash_policy("abcdefghijkl\xff", err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	assert_non_null(strstr(err, "byte 12"));
	assert_int_equal(tc_passhash_policy("abcdef\nghijkl", err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	assert_int_equal(
	    tc_passhash_policy("abcdef\tghijkl", NULL, 0), TC_ERR_BAD_ENCODING);
	/* Too long. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tc_passhash_policy(big, NULL, 0), TC_ERR_TOO_LARGE);
	assert_int_equal(
	    tc_passhash_check(big,
		"$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		NULL, 0),
	    TC_ERR_AUTH);
	big[TC_PASSHASH_MAX_BYTES] = '\0';
	assert_int_equal(tc_passhash_policy(big, NULL, 0), 0);
	assert_int_equal(tc_passhash_policy(NULL, NULL, 0), TC_ERR_INVALID_ARG);
}

/* NFKC: full-width and half-width forms, composed and decomposed accents. */
static void
test_normalisation(void **state)
{
	char h[TC_PASSHASH_TEXT_MAX];

	assert_int_equal(tc_passhash_make("ｃｏｒｒｅｃｔ　ｈｏｒｓｅ", h,
			     sizeof(h), NULL, 0),
	    0);
	assert_int_equal(tc_passhash_check("correct horse", h, NULL, 0), 0);
	assert_int_equal(
	    tc_passhash_make("caf\xc3\xa9 au lait noir", h, sizeof(h), NULL, 0),
	    0);
	assert_int_equal(
	    tc_passhash_check("cafe\xcc\x81 au lait noir", h, NULL, 0), 0);
	assert_int_equal(
	    tc_passhash_check("cafe au lait noir", h, NULL, 0), TC_ERR_AUTH);
	/* Invalid UTF-8 never matches. */
	assert_int_equal(
	    tc_passhash_check("caf\xe9 au lait noir", h, NULL, 0), TC_ERR_AUTH);
}

static void
test_cost(void **state)
{
	char h[TC_PASSHASH_TEXT_MAX];

	assert_int_equal(tc_passhash_cost(), 10);
	assert_int_equal(tc_passhash_set_cost(3), TC_ERR_RANGE);
	assert_int_equal(tc_passhash_set_cost(21), TC_ERR_RANGE);
	assert_int_equal(tc_passhash_cost(), 10);
	assert_int_equal(tc_passhash_make(GOOD, h, sizeof(h), NULL, 0), 0);
	assert_int_equal(tc_passhash_needs_rehash(h), 0);
	assert_int_equal(tc_passhash_set_cost(12), 0);
	assert_int_equal(tc_passhash_needs_rehash(h), 1);
	/* A hash stronger than the current cost is kept. */
	assert_int_equal(tc_passhash_set_cost(8), 0);
	assert_int_equal(tc_passhash_needs_rehash(h), 0);
	assert_int_equal(tc_passhash_make(GOOD, h, sizeof(h), NULL, 0), 0);
	assert_int_equal(strncmp(h, "$scrypt$ln=8,", 13), 0);
	assert_int_equal(tc_passhash_check(GOOD, h, NULL, 0), 0);
	assert_int_equal(tc_passhash_set_cost(10), 0);
	/* Other r, p or lengths: rehash. */
	assert_int_equal(
	    tc_passhash_needs_rehash(
		"$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWI"),
	    1);
	assert_int_equal(
	    tc_passhash_needs_rehash("$scrypt$"), TC_ERR_MALFORMED);
}

#define TESTS(X, XF)                                                           \
	X(test_rfc7914_raw)                                                    \
	X(test_rfc7914_stored)                                                 \
	X(test_make_and_check)                                                 \
	X(test_tampered)                                                       \
	X(test_malformed)                                                      \
	X(test_bounds)                                                         \
	X(test_policy)                                                         \
	X(test_normalisation)                                                  \
	X(test_cost)

TC_UNIT_MAIN(TESTS, setup, NULL)
