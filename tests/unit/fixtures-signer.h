/* SPDX-License-Identifier: MIT */
/*
 * The signing keys of the unit tests that sign and verify COSE objects
 * (test-bundle.c, test-revocation.c, test-credential.c): a COSE key made
 * from an OpenSSL key with its derived 8-byte kid, and the usual pair of
 * fresh P-256 keys, one trusted (in a keyring of its own) and one not.
 */
#ifndef TC_FIXTURES_SIGNER_H
#define TC_FIXTURES_SIGNER_H

#include <stdint.h>

#include <openssl/evp.h>

#include "tcard/cose.h"

/*
 * Sets *k (OUT, the caller frees it) to a COSE key for p with the kid
 * tc_cose_kid_of_pkey derives. Returns 0, or -1 / a TC_ERR_* code.
 */
static __attribute__((unused)) int
fx_cose_key(EVP_PKEY *p, struct tc_cose_key **k)
{
	uint8_t kid[8];

	if (p == NULL || tc_cose_kid_of_pkey(p, kid) != 0)
		return -1;
	return tc_cose_key_new(k, p, kid, 8, NULL, 0);
}

/*
 * Makes two P-256 keys (OUT): *pk with its COSE key *key, trusted by the
 * keyring *kr (which holds a second COSE key of pk), and *other_pk with
 * *other, trusted by nothing. Returns 0 or -1; fx_signers_free releases
 * them.
 */
static __attribute__((unused)) int
fx_signers_new(EVP_PKEY **pk, EVP_PKEY **other_pk, struct tc_cose_key **key,
    struct tc_cose_key **other, struct tc_cose_keyring **kr)
{
	struct tc_cose_key *k;

	*pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	*other_pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (fx_cose_key(*pk, key) != 0 || fx_cose_key(*other_pk, other) != 0 ||
	    fx_cose_key(*pk, &k) != 0)
		return -1;
	if (tc_cose_keyring_new(kr) != 0 || tc_cose_keyring_add(*kr, k) != 0)
		return -1;
	return 0;
}

/* Frees what fx_signers_new made. */
static __attribute__((unused)) void
fx_signers_free(EVP_PKEY *pk, EVP_PKEY *other_pk, struct tc_cose_key *key,
    struct tc_cose_key *other, struct tc_cose_keyring *kr)
{
	tc_cose_keyring_free(kr);
	tc_cose_key_free(key);
	tc_cose_key_free(other);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(other_pk);
}

#endif
