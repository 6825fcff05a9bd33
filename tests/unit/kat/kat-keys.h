/* SPDX-License-Identifier: MIT */
/*
 * The committed key pairs of the known-answer tests (tests/unit/test-kat-*.c):
 * one P-256 (ES256) and one SM2 pair, made once with `openssl genpkey` for
 * these tests. THESE ARE TEST KEYS, published here on purpose: they sign
 * nothing but the vectors of tests/unit/kat/, and no trust list may ever
 * hold them. kat_pkey() loads one into an EVP_PKEY. Included by the tests;
 * not part of libtcard.
 */
#ifndef TCARD_KAT_KEYS_H
#define TCARD_KAT_KEYS_H

#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* P-256 test key (PKCS#8) and its SubjectPublicKeyInfo. */
static const char kat_p256_priv_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXa8oeuC6/+CE754l\n"
    "TYXPuhOg79Wp0jp7fsD8uivascShRANCAATD3JUCZTPnJzJ139A9ZkooWaaO4srb\n"
    "4BkrQMbMZ9BhwrTat6O1jD8KREFMd5B7Knl+7/isMkYX8+1KRcETh9JV\n"
    "-----END PRIVATE KEY-----\n";
static const char kat_p256_pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEw9yVAmUz5ycydd/QPWZKKFmmjuLK\n"
    "2+AZK0DGzGfQYcK02rejtYw/CkRBTHeQeyp5fu/4rDJGF/PtSkXBE4fSVQ==\n"
    "-----END PUBLIC KEY-----\n";

/* SM2 test key (PKCS#8, curve SM2) and its SubjectPublicKeyInfo. */
static const char kat_sm2_priv_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgllaS/s5AgKQ8Ut92\n"
    "OHP7sfIwXkNzI2npQtusuKqUsnahRANCAAQy27roLLjNWrQojd4t9B4Rpdkc237S\n"
    "fRCAS7kVWqkqw6KCF2zr37VwgyuyxnJBGScEz6uAgwNNlhVd81N2Lf/B\n"
    "-----END PRIVATE KEY-----\n";
static const char kat_sm2_pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEMtu66Cy4zVq0KI3eLfQeEaXZHNt+\n"
    "0n0QgEu5FVqpKsOighds69+1cIMrssZyQRknBM+rgIMDTZYVXfNTdi3/wQ==\n"
    "-----END PUBLIC KEY-----\n";

/* The key in pem (private or public), or NULL. */
static EVP_PKEY *
kat_pkey(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, (int)strlen(pem));
	EVP_PKEY *k = NULL;

	if (b == NULL)
		return NULL;
	if (strstr(pem, "PRIVATE") != NULL)
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	else
		k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

#endif
