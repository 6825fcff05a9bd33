/* SPDX-License-Identifier: MIT */
/*
 * The fixed key pairs of the fuzz targets that verify signatures (COSE,
 * credentials, revocation lists): made from a private scalar, so a run is
 * reproducible and the seed corpora can carry valid signatures. Included by
 * the targets; not part of libtcard.
 */
#ifndef TCARD_FUZZ_FIXED_KEY_H
#define TCARD_FUZZ_FIXED_KEY_H

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

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

#endif
