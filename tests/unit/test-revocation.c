/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the signed revocation list (src/revocation.c): round trip
 * with membership, an empty list, a signature by an untrusted key, every
 * single-byte change and every truncation refused, issued-at in the future
 * refused, bad arguments. Keys are made fresh on every run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/revocation.h"

#include "fixtures-signer.h"

#define NOW 1790000000

static EVP_PKEY *pk, *other_pk;
static struct tc_cose_key *key, *other;
static struct tc_cose_keyring *kr;

static int
setup(void **state)
{
	(void)state;
	if (fx_signers_new(&pk, &other_pk, &key, &other, &kr) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fx_signers_free(pk, other_pk, key, other, kr);
	return 0;
}

static void
test_round_trip(void **state)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;
	uint32_t s[] = { 17, 5, 999999999, 17 };
	char err[256];

	(void)state;
	tc_buf_init(&b, 0);
	assert_int_equal(tc_revocations_encode(&b, 42, NOW - 100, NOW + 3600, s,
			     4, key, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_seq(rev), 42);
	assert_int_equal(tc_revocations_issued_at(rev), NOW - 100);
	assert_int_equal(tc_revocations_next_update(rev), NOW + 3600);
	assert_int_equal(tc_revocations_count(rev), 3);
	assert_int_equal(tc_revocations_has(rev, 17), 1);
	assert_int_equal(tc_revocations_has(rev, 5), 1);
	assert_int_equal(tc_revocations_has(rev, 999999999), 1);
	assert_int_equal(tc_revocations_has(rev, 18), 0);
	assert_int_equal(tc_revocations_has(rev, 0), 0);
	tc_revocations_free(rev);
	tc_buf_release(&b);
}

static void
test_empty_and_many(void **state)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;
	uint32_t *s;
	size_t i;

	(void)state;
	tc_buf_init(&b, 0);
	assert_int_equal(
	    tc_revocations_encode(&b, 1, NOW, NOW, NULL, 0, key, NULL, 0), 0);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0), 0);
	assert_int_equal(tc_revocations_count(rev), 0);
	tc_revocations_free(rev);
	/* 5,000 scattered serials still fit one COSE message. */
	s = calloc(5000, sizeof(*s));
	assert_non_null(s);
	for (i = 0; i < 5000; i++)
		s[i] = (uint32_t)(1 + i * 7919 % 999999);
	tc_buf_reset(&b);
	assert_int_equal(
	    tc_revocations_encode(&b, 2, NOW, NOW + 1, s, 5000, key, NULL, 0),
	    0);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0), 0);
	for (i = 0; i < 5000; i++)
		assert_int_equal(tc_revocations_has(rev, s[i]), 1);
	tc_revocations_free(rev);
	free(s);
	tc_buf_release(&b);
}

/* A list over the 16 KiB of a credential: 200,000 scattered serials. */
static void
test_large(void **state)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;
	uint32_t *s;
	size_t i, n = 200000;
	char err[256];

	(void)state;
	tc_buf_init(&b, TC_REV_MAX_INPUT);
	s = calloc(n, sizeof(*s));
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = (uint32_t)(1 + (i * 104729) % 999999998);
	assert_int_equal(tc_revocations_encode(
			     &b, 9, NOW, NOW + 1, s, n, key, err, sizeof(err)),
	    0);
	assert_true(b.len > TC_COSE_MAX_INPUT);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_count(rev), n);
	for (i = 0; i < n; i += 997)
		assert_int_equal(tc_revocations_has(rev, s[i]), 1);
	tc_revocations_free(rev);
	/* The last byte of the signature changed: refused. */
	b.data[b.len - 1] ^= 1;
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0),
	    TC_ERR_BAD_SIGNATURE);
	free(s);
	tc_buf_release(&b);
}

static void
test_refusals(void **state)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;
	uint32_t s[] = { 17, 5 };
	size_t i;
	unsigned x;

	(void)state;
	tc_buf_init(&b, 0);
	assert_int_equal(
	    tc_revocations_encode(&b, 1, NOW, NOW + 1, s, 2, other, NULL, 0),
	    0);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0),
	    TC_ERR_UNKNOWN_KEY);
	assert_null(rev);
	tc_buf_reset(&b);
	assert_int_equal(tc_revocations_encode(
			     &b, 1, NOW + 301, NOW + 400, s, 2, key, NULL, 0),
	    0);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0),
	    TC_ERR_NOT_YET_VALID);
	tc_buf_reset(&b);
	assert_int_equal(
	    tc_revocations_encode(&b, 1, NOW, NOW + 1, s, 2, key, NULL, 0), 0);
	for (i = 0; i < b.len; i++) {
		assert_int_not_equal(
		    tc_revocations_load(&rev, b.data, i, kr, NOW, NULL, 0), 0);
		for (x = 1; x < 256; x <<= 1) {
			b.data[i] ^= (uint8_t)x;
			assert_int_not_equal(tc_revocations_load(&rev, b.data,
						 b.len, kr, NOW, NULL, 0),
			    0);
			assert_null(rev);
			b.data[i] ^= (uint8_t)x;
		}
	}
	s[0] = 0;
	assert_int_equal(
	    tc_revocations_encode(&b, 1, NOW, NOW + 1, s, 2, key, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_revocations_encode(&b, 1, NOW, NOW - 1, NULL, 0, key, NULL, 0),
	    TC_ERR_INVALID_ARG);
	tc_buf_release(&b);
}

#define TESTS(X, XF)                                                           \
	X(test_round_trip)                                                     \
	X(test_empty_and_many)                                                 \
	X(test_large)                                                          \
	X(test_refusals)

TC_UNIT_MAIN(TESTS, setup, teardown)
