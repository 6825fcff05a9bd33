/* SPDX-License-Identifier: MIT */
/*
 * The public keys of the known-answer tests (tests/unit/test-kat-*.c): one
 * P-256 (ES256) and one SM2 key, whose private halves signed the committed
 * vectors once and were then thrown away, so no private key is in the tree.
 * The vectors are checked with these public keys; what the tests sign now
 * is signed with a key made at run time (kat_fresh_key), and compared with
 * the committed bytes once its kid is put in place of the committed one
 * (kat_swap_kid). kat_pkey() loads a public key into an EVP_PKEY. Included
 * by the tests; not part of libtcard.
 */
#ifndef TCARD_KAT_KEYS_H
#define TCARD_KAT_KEYS_H

#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* The P-256 test key's SubjectPublicKeyInfo. */
static const char kat_p256_pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEw9yVAmUz5ycydd/QPWZKKFmmjuLK\n"
    "2+AZK0DGzGfQYcK02rejtYw/CkRBTHeQeyp5fu/4rDJGF/PtSkXBE4fSVQ==\n"
    "-----END PUBLIC KEY-----\n";

/* The SM2 test key's SubjectPublicKeyInfo. */
static const char kat_sm2_pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEMtu66Cy4zVq0KI3eLfQeEaXZHNt+\n"
    "0n0QgEu5FVqpKsOighds69+1cIMrssZyQRknBM+rgIMDTZYVXfNTdi3/wQ==\n"
    "-----END PUBLIC KEY-----\n";

/* The public key in pem, or NULL. */
static EVP_PKEY *
kat_pkey(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, (int)strlen(pem));
	EVP_PKEY *k = NULL;

	if (b == NULL)
		return NULL;
	k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

/* A key pair made now: P-256, or SM2 when sm2; NULL on failure. */
static EVP_PKEY *
kat_fresh_key(int sm2)
{
	return sm2 ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
		   : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/*
 * Puts kid to in place of kid from in the n bytes of buf, where from must
 * stand exactly once (the protected header's kid). Returns 1 when it did.
 */
static int
kat_swap_kid(uint8_t *buf, size_t n, const uint8_t from[8], const uint8_t to[8])
{
	size_t i, at = 0, found = 0;

	for (i = 0; i + 8 <= n; i++)
		if (memcmp(buf + i, from, 8) == 0) {
			at = i;
			found++;
		}
	if (found != 1)
		return 0;
	memcpy(buf + at, to, 8);
	return 1;
}

#endif
