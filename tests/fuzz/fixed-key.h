/* SPDX-License-Identifier: MIT */
/*
 * The fixed key pairs of the fuzz targets that verify signatures (COSE,
 * credentials, revocation lists, audit heads, lookup snapshots): made from a
 * private scalar, so a run is reproducible and the seed corpora can carry
 * valid signatures. fixed_ring_new() makes the keyring of the two signers
 * most targets share (ES256 and SM2). Included by the targets; not part of
 * libtcard.
 */
#ifndef TCARD_FUZZ_FIXED_KEY_H
#define TCARD_FUZZ_FIXED_KEY_H

#include <stdint.h>
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "tcard/cose.h"

/* The time of the signing targets: their seeds are valid then. */
#define FUZZ_NOW 1790000000 /* 2026-09-21 */

/* Made-up private scalars, for the fuzz targets and their corpora only. */
#define FIXED_ES256_PRIV                                                       \
	"1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988"
#define FIXED_SM2_PRIV                                                         \
	"2a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8091"

/*
 * The key pair with private scalar hex on curve nid, made under the key
 * manager keytype ("EC" or "SM2"). The public point is computed here because
 * EVP_PKEY_fromdata does not derive it.
 */
static EVP_PKEY *
fixed_key(const char *keytype, int nid, const char *group, const char *hex)
{
	EC_GROUP *g = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *priv = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t pub[65];

	if (BN_hex2bn(&priv, hex) == 0 ||
	    (g = EC_GROUP_new_by_curve_name(nid)) == NULL ||
	    (pt = EC_POINT_new(g)) == NULL ||
	    EC_POINT_mul(g, pt, priv, NULL, NULL, NULL) != 1 ||
	    EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub,
		sizeof(pub), NULL) != sizeof(pub) ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(
		bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(
		bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (c = EVP_PKEY_CTX_new_from_name(NULL, keytype, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		abort();
	EVP_PKEY_CTX_free(c);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(priv);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return pkey;
}

/*
 * The COSE key of pk, with its key id, owning a reference of its own; pk is
 * freed. Inline, like fixed_ring_new(), so a target that uses neither is not
 * warned of an unused function.
 */
static inline struct tc_cose_key *
fixed_cose_key(EVP_PKEY *pk)
{
	struct tc_cose_key *k;
	uint8_t kid[TC_COSE_KID_LEN];

	if (tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    tc_cose_key_new(&k, pk, kid, sizeof(kid), NULL, 0) != 0)
		abort();
	EVP_PKEY_free(pk);
	return k;
}

/*
 * Makes *ring (OUT) holding the two fixed signers, ES256 (FIXED_ES256_PRIV)
 * then SM2 (FIXED_SM2_PRIV), and points *es256 and *sm2 (OUT) at them, the
 * signers of the seed corpora. The ring owns the keys; it lives as long as
 * the target. Aborts on any failure.
 */
static inline void
fixed_ring_new(struct tc_cose_keyring **ring, const struct tc_cose_key **es256,
    const struct tc_cose_key **sm2)
{
	struct tc_cose_key *k;

	if (tc_cose_keyring_new(ring) != 0)
		abort();
	*es256 = k = fixed_cose_key(fixed_key(
	    "EC", NID_X9_62_prime256v1, "prime256v1", FIXED_ES256_PRIV));
	if (tc_cose_keyring_add(*ring, k) != 0)
		abort();
	*sm2 = k =
	    fixed_cose_key(fixed_key("SM2", NID_sm2, "SM2", FIXED_SM2_PRIV));
	if (tc_cose_keyring_add(*ring, k) != 0)
		abort();
}

#endif
