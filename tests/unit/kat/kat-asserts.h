/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the known-answer tests (tests/unit/test-kat-*.c) that fail the
 * test when a step fails: a committed hex vector decoded, and a COSE key
 * made for a public or private key with its own kid.
 */
#ifndef TCARD_KAT_ASSERTS_H
#define TCARD_KAT_ASSERTS_H

#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "../unit.h"
#include "tcard/cose.h"
#include "tcard/hex.h"

/* Decodes the hex vector hex into out (max bytes); returns its length. */
static __attribute__((unused)) size_t
kat_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex) / 2;

	assert_true(n <= max);
	assert_int_equal(tc_hex_decode(hex, strlen(hex), out, n, NULL), 0);
	return n;
}

/* A COSE key for pk with its own kid (kid, OUT); pk stays the caller's. */
static __attribute__((unused)) struct tc_cose_key *
kat_key_of(EVP_PKEY *pk, uint8_t kid[TC_COSE_KID_LEN])
{
	struct tc_cose_key *k = NULL;

	assert_non_null(pk);
	assert_int_equal(tc_cose_kid_of_pkey(pk, kid), 0);
	assert_int_equal(
	    tc_cose_key_new(&k, pk, kid, TC_COSE_KID_LEN, NULL, 0), 0);
	return k;
}

#endif
