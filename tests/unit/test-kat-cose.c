/* SPDX-License-Identifier: MIT */
/*
 * Known-answer tests of COSE_Sign1 (src/cose.c, src/cose-key.c) with the
 * committed test keys of tests/unit/kat/kat-keys.h and the vectors of
 * tests/unit/kat/kat-vectors.h, for ES256 and SM2. ECDSA and SM2 signatures
 * are randomised, so what is fixed is everything else: the kid, the exact
 * protected header bytes, the Sig_structure (ToBeSigned) bytes, which a
 * fresh signature and the committed one must both verify over when checked
 * by OpenSSL directly (not through src/), and the full message, which
 * decoding the committed bytes and encoding the parts again must reproduce
 * byte for byte. A change of encoding fails here even when a round trip
 * through the same code would still pass. The vectors change only with a
 * format version (see kat-vectors.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/hex.h"

#include "kat/kat-keys.h"
#include "kat/kat-vectors.h"
#include "kat/kat-asserts.h"

/* One algorithm's public key and vectors. */
struct vec {
	const char *name;
	int alg;
	int sm2;
	const char *pub_pem;
	const char *kid, *protected_hdr, *tbs, *sig, *cose;
};

static const struct vec vecs[] = {
	{ "ES256", TC_COSE_ALG_ES256, 0, kat_p256_pub_pem, kat_es256_kid,
	    kat_es256_protected, kat_es256_tbs, kat_es256_sig, kat_es256_cose },
	{ "SM2", TC_COSE_ALG_SM2_SM3, 1, kat_sm2_pub_pem, kat_sm2_kid,
	    kat_sm2_protected, kat_sm2_tbs, kat_sm2_sig, kat_sm2_cose },
};

#define NVECS (sizeof(vecs) / sizeof(vecs[0]))

/*
 * Verifies the r || s signature sig over tbs with OpenSSL alone: SHA-256
 * ECDSA, or SM3 SM2 with the default distinguishing identifier. Returns 1
 * when it verifies.
 */
static int
evp_verify_pk(
    EVP_PKEY *pk, int sm2, const uint8_t *tbs, size_t n, const uint8_t sig[64])
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL),
	       *s = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	int derlen, ok;

	assert_true(
	    pk != NULL && m != NULL && es != NULL && r != NULL && s != NULL);
	assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
	derlen = i2d_ECDSA_SIG(es, &der);
	assert_true(derlen > 0);
	if (sm2) {
		pc = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		assert_non_null(pc);
		assert_int_equal(
		    EVP_PKEY_CTX_set1_id(pc, TC_COSE_SM2_ID, 16), 1);
		EVP_MD_CTX_set_pkey_ctx(m, pc);
	}
	assert_int_equal(EVP_DigestVerifyInit(
			     m, NULL, sm2 ? EVP_sm3() : EVP_sha256(), NULL, pk),
	    1);
	ok = EVP_DigestVerify(m, der, (size_t)derlen, tbs, n) == 1;
	ERR_clear_error();
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pc);
	return ok;
}

/* evp_verify_pk with the public key in pub_pem. */
static int
evp_verify(const char *pub_pem, int sm2, const uint8_t *tbs, size_t n,
    const uint8_t sig[64])
{
	EVP_PKEY *pk = kat_pkey(pub_pem);
	int ok;

	assert_non_null(pk);
	ok = evp_verify_pk(pk, sm2, tbs, n, sig);
	EVP_PKEY_free(pk);
	return ok;
}

/*
 * The kid is the first 8 bytes of SHA-256 over the SPKI: the committed
 * public keys give the committed kids, and a key made now gives the same
 * kid from its private and from its public half.
 */
static void
test_kid(void **state)
{
	uint8_t want[8], kid[8];
	unsigned char *spki = NULL;
	const unsigned char *p;
	EVP_PKEY *pk, *pub;
	size_t i;
	int len;

	(void)state;
	for (i = 0; i < NVECS; i++) {
		assert_int_equal(kat_unhex(vecs[i].kid, want, sizeof(want)), 8);
		pk = kat_pkey(vecs[i].pub_pem);
		assert_non_null(pk);
		assert_int_equal(tc_cose_kid_of_pkey(pk, kid), 0);
		assert_memory_equal(kid, want, sizeof(want));
		EVP_PKEY_free(pk);

		pk = kat_fresh_key(vecs[i].sm2);
		assert_non_null(pk);
		assert_true((len = i2d_PUBKEY(pk, &spki)) > 0);
		p = spki;
		assert_non_null(pub = d2i_PUBKEY(NULL, &p, len));
		assert_int_equal(tc_cose_kid_of_pkey(pk, want), 0);
		assert_int_equal(tc_cose_kid_of_pkey(pub, kid), 0);
		assert_memory_equal(kid, want, sizeof(want));
		OPENSSL_free(spki);
		spki = NULL;
		EVP_PKEY_free(pub);
		EVP_PKEY_free(pk);
	}
}

/*
 * The committed Sig_structure is the one RFC 9052 section 4.4 describes,
 * checked here piece by piece, and the committed signature verifies over it
 * with OpenSSL directly (so the vector is sound without src/).
 */
static void
test_tbs(void **state)
{
	uint8_t tbs[512], prot[64], sig[64];
	size_t i, n, plen, at;
	const size_t paylen = strlen(KAT_PAYLOAD);

	(void)state;
	for (i = 0; i < NVECS; i++) {
		n = kat_unhex(vecs[i].tbs, tbs, sizeof(tbs));
		plen = kat_unhex(vecs[i].protected_hdr, prot, sizeof(prot));
		assert_int_equal(kat_unhex(vecs[i].sig, sig, sizeof(sig)), 64);
		/* [ "Signature1", bstr protected, h'', bstr payload ] */
		assert_memory_equal(tbs, "\x84\x6aSignature1", 12);
		assert_int_equal(tbs[12], 0x40 + plen);
		assert_memory_equal(tbs + 13, prot, plen);
		at = 13 + plen;
		assert_int_equal(tbs[at], 0x40);
		assert_int_equal(tbs[at + 1], 0x58);
		assert_int_equal(tbs[at + 2], paylen);
		assert_int_equal(n, at + 3 + paylen);
		assert_memory_equal(tbs + at + 3, KAT_PAYLOAD, paylen);
		if (!evp_verify(vecs[i].pub_pem, vecs[i].sm2, tbs, n, sig))
			fail_msg("%s: the committed signature does not verify "
				 "over the committed Sig_structure",
			    vecs[i].name);
		/* And a verifier is not fooled by one bit. */
		tbs[n - 1] ^= 1;
		assert_false(
		    evp_verify(vecs[i].pub_pem, vecs[i].sm2, tbs, n, sig));
	}
}

/*
 * A message made now with a key made now: the same bytes as the committed
 * one but for the kid (its own) and the signature (the last 64 bytes), the
 * exact protected header with that kid, and a signature that OpenSSL
 * verifies over the committed Sig_structure with that kid (so src/ signs
 * exactly those bytes).
 */
static void
test_create(void **state)
{
	uint8_t want[512], prot[64], tbs[512], old[8], kid[8];
	struct tc_cose_key *k;
	EVP_PKEY *pk;
	struct tc_cose_sign1 msg;
	struct tc_buf out;
	char err[256] = "";
	size_t i, n, plen, tlen;

	(void)state;
	for (i = 0; i < NVECS; i++) {
		n = kat_unhex(vecs[i].cose, want, sizeof(want));
		plen = kat_unhex(vecs[i].protected_hdr, prot, sizeof(prot));
		tlen = kat_unhex(vecs[i].tbs, tbs, sizeof(tbs));
		assert_int_equal(kat_unhex(vecs[i].kid, old, sizeof(old)), 8);
		pk = kat_fresh_key(vecs[i].sm2);
		k = kat_key_of(pk, kid);
		assert_true(kat_swap_kid(want, n, old, kid));
		assert_true(kat_swap_kid(prot, plen, old, kid));
		assert_true(kat_swap_kid(tbs, tlen, old, kid));
		tc_buf_init(&out, 0);
		if (tc_cose_sign1_create(&out, k, (const uint8_t *)KAT_PAYLOAD,
			strlen(KAT_PAYLOAD), err, sizeof(err)) != 0)
			fail_msg("%s: %s", vecs[i].name, err);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, want, n - TC_COSE_SIG_LEN);
		tc_cose_sign1_init(&msg);
		assert_int_equal(
		    tc_cose_sign1_decode(&msg, out.data, out.len, NULL, 0), 0);
		assert_int_equal(msg.protected_hdr.len, plen);
		assert_memory_equal(msg.protected_hdr.data, prot, plen);
		assert_int_equal(msg.sig.len, TC_COSE_SIG_LEN);
		if (!evp_verify_pk(pk, vecs[i].sm2, tbs, tlen, msg.sig.data))
			fail_msg("%s: a new signature does not verify over the "
				 "committed Sig_structure",
			    vecs[i].name);
		tc_cose_sign1_release(&msg);
		tc_buf_release(&out);
		tc_cose_key_free(k);
		EVP_PKEY_free(pk);
	}
}

/*
 * The committed message decodes into the expected parts, verifies with the
 * public key read from its SPKI (and not with one bit of the signature
 * changed), and encodes back to the same bytes, both from the decoded
 * message and from the parts put together by hand.
 */
static void
test_decode_encode(void **state)
{
	uint8_t want[512], prot[64], sig[64], kid[8], spki[128], *sp = spki;
	struct tc_cose_key *pub;
	struct tc_cose_sign1 msg, parts;
	struct tc_buf out;
	EVP_PKEY *pk;
	char err[256] = "";
	size_t i, n, plen;
	int spkilen;

	(void)state;
	for (i = 0; i < NVECS; i++) {
		n = kat_unhex(vecs[i].cose, want, sizeof(want));
		plen = kat_unhex(vecs[i].protected_hdr, prot, sizeof(prot));
		assert_int_equal(kat_unhex(vecs[i].sig, sig, sizeof(sig)), 64);
		assert_int_equal(kat_unhex(vecs[i].kid, kid, sizeof(kid)), 8);
		pk = kat_pkey(vecs[i].pub_pem);
		assert_non_null(pk);
		sp = spki;
		spkilen = i2d_PUBKEY(pk, &sp);
		assert_true(spkilen > 0 && spkilen <= (int)sizeof(spki));
		EVP_PKEY_free(pk);
		assert_int_equal(tc_cose_key_from_spki(&pub, spki,
				     (size_t)spkilen, kid, 8, NULL, 0),
		    0);

		tc_cose_sign1_init(&msg);
		if (tc_cose_sign1_decode(&msg, want, n, err, sizeof(err)) != 0)
			fail_msg("%s: %s", vecs[i].name, err);
		assert_int_equal(msg.alg, vecs[i].alg);
		assert_int_equal(msg.tagged, 1);
		assert_int_equal(msg.kidlen, 8);
		assert_memory_equal(msg.kid, kid, 8);
		assert_int_equal(msg.protected_hdr.len, plen);
		assert_memory_equal(msg.protected_hdr.data, prot, plen);
		assert_int_equal(msg.payload.len, strlen(KAT_PAYLOAD));
		assert_memory_equal(
		    msg.payload.data, KAT_PAYLOAD, strlen(KAT_PAYLOAD));
		assert_int_equal(msg.sig.len, 64);
		assert_memory_equal(msg.sig.data, sig, 64);
		if (tc_cose_sign1_verify(&msg, pub, err, sizeof(err)) != 0)
			fail_msg("%s: %s", vecs[i].name, err);
		msg.sig.data[17] ^= 0x01;
		assert_int_equal(tc_cose_sign1_verify(&msg, pub, NULL, 0),
		    TC_ERR_BAD_SIGNATURE);
		msg.sig.data[17] ^= 0x01;

		tc_buf_init(&out, 0);
		assert_int_equal(tc_cose_sign1_encode(&out, &msg, NULL, 0), 0);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, want, n);

		/* The same from the parts alone. */
		tc_cose_sign1_init(&parts);
		parts.alg = vecs[i].alg;
		memcpy(parts.kid, kid, 8);
		parts.kidlen = 8;
		assert_int_equal(
		    tc_buf_put(&parts.protected_hdr, prot, plen), 0);
		assert_int_equal(tc_buf_put(&parts.payload, KAT_PAYLOAD,
				     strlen(KAT_PAYLOAD)),
		    0);
		assert_int_equal(tc_buf_put(&parts.sig, sig, 64), 0);
		tc_buf_reset(&out);
		assert_int_equal(
		    tc_cose_sign1_encode(&out, &parts, NULL, 0), 0);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, want, n);
		assert_int_equal(tc_cose_sign1_verify(&parts, pub, NULL, 0), 0);

		tc_buf_release(&out);
		tc_cose_sign1_release(&parts);
		tc_cose_sign1_release(&msg);
		tc_cose_key_free(pub);
	}
}

#define TESTS(X, XF)                                                           \
	X(test_kid)                                                            \
	X(test_tbs)                                                            \
	X(test_create)                                                         \
	X(test_decode_encode)

TC_UNIT_MAIN(TESTS, NULL, NULL)
