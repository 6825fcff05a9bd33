/* SPDX-License-Identifier: MIT */
/*
 * COSE signing keys and keyrings (include/tcard/cose.h) and the two signature
 * primitives the COSE_Sign1 codec in src/cose.c builds on (src/cose-int.h).
 * A key is parsed and prepared once: besides the EVP_PKEY it keeps an
 * EVP_MD_CTX already set up for DigestVerify (and one for DigestSign), with
 * the SM2 distinguishing identifier set and, for SM2, the Z value of
 * GB/T 32918 already hashed in. Each signature starts from a copy of that
 * context (EVP_MD_CTX_copy_ex, well under a microsecond) instead of fetching
 * algorithms and creating contexts again; copying only reads the prototype,
 * so a key needs no lock to be shared between threads. The COSE signature
 * form r || s is converted to and from DER with ECDSA_SIG. Decisions are in
 * docs/cose.md.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "tcard/cose.h"
#include "tcard/err.h"
#include "cose-int.h"

#define HALF (TC_COSE_SIG_LEN / 2)
/* DER of SEQUENCE { INTEGER r, INTEGER s } for 256-bit r and s: at most 72. */
#define DER_SIG_MAX 80

struct tc_cose_key {
	EVP_PKEY *pkey; /* our own reference */
	int alg;
	uint8_t kid[TC_COSE_KID_MAX];
	size_t kidlen;
	uint8_t order[HALF]; /* group order n, big-endian */
	EVP_MD_CTX *vproto;  /* set up for DigestVerify; copied */
	EVP_PKEY_CTX *vpctx; /* SM2: pkey ctx vproto borrows */
	EVP_MD_CTX *sproto;  /* DigestSign set up, or NULL */
	EVP_PKEY_CTX *spctx;
};

struct tc_cose_keyring {
	struct tc_cose_key **keys;
	size_t n;
	size_t alloc;
};

/*
 * Puts the reason of the most recent OpenSSL error into the message and
 * empties the thread's error queue, so failures do not pile up in it.
 */
static int
sslerr(char *err, size_t errlen, int code, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[160];

	if (e != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		strcpy(reason, "no detail");
	ERR_clear_error();
	return tc_seterr(err, errlen, code, "%s: %s", what, reason);
}

/* Returns the NID of pkey's EC group, or NID_undef. */
static int
group_nid(EVP_PKEY *pkey)
{
	char name[64];
	size_t len;
	int nid;

	if (EVP_PKEY_get_group_name(pkey, name, sizeof(name), &len) != 1) {
		ERR_clear_error();
		return NID_undef;
	}
	if ((nid = OBJ_sn2nid(name)) == NID_undef)
		nid = EC_curve_nist2nid(name);
	return nid;
}

/*
 * Frees an exported parameter array after wiping every value: it holds the
 * private scalar (OSSL_PARAM_clear_free arrived only after OpenSSL 3.0).
 */
static void
wipe_params(OSSL_PARAM *params)
{
	OSSL_PARAM *p;

	if (params == NULL)
		return;
	for (p = params; p->key != NULL; p++)
		if (p->data != NULL)
			OPENSSL_cleanse(p->data, p->data_size);
	OSSL_PARAM_free(params);
}

/*
 * OpenSSL 3.0 may hold an SM2 key as an "EC" key on the SM2 curve (for one
 * made with EVP_PKEY_Q_keygen(..., "EC", "SM2") or through the EC_KEY API).
 * Such a key would sign with ECDSA, not SM2, because the signature algorithm
 * follows the key manager; so it is exported and imported again under the
 * "SM2" key manager, private part included when there is one.
 */
static int
to_sm2(EVP_PKEY *in, EVP_PKEY **out, char *err, size_t errlen)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *c = NULL;
	int r = TC_ERR_INTERNAL;

	*out = NULL;
	if (EVP_PKEY_todata(in, EVP_PKEY_KEYPAIR, &params) != 1 ||
	    (c = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, out, EVP_PKEY_KEYPAIR, params) != 1) {
		r = sslerr(err, errlen, TC_ERR_CRYPTO,
		    "converting an EC key on the SM2 curve to an SM2 key");
		goto out;
	}
	r = 0;
out:
	wipe_params(params);
	EVP_PKEY_CTX_free(c);
	return r;
}

/* Writes the order of the curve nid as HALF big-endian bytes. */
static int
group_order(int nid, uint8_t order[HALF], char *err, size_t errlen)
{
	EC_GROUP *g;
	int r = 0;

	if ((g = EC_GROUP_new_by_curve_name(nid)) == NULL ||
	    BN_bn2binpad(EC_GROUP_get0_order(g), order, HALF) != HALF)
		r = sslerr(err, errlen, TC_ERR_CRYPTO, "group order");
	EC_GROUP_free(g);
	return r;
}

int
tc_cose_md_init(
    EVP_PKEY *pkey, int alg, int sign, EVP_MD_CTX **mout, EVP_PKEY_CTX **pout)
{
	const EVP_MD *md =
	    alg == TC_COSE_ALG_SM2_SM3 ? EVP_sm3() : EVP_sha256();
	EVP_MD_CTX *m = NULL;
	EVP_PKEY_CTX *pc = NULL;
	int ok;

	*mout = NULL;
	*pout = NULL;
	if ((m = EVP_MD_CTX_new()) == NULL)
		return TC_ERR_NOMEM;
	if (alg == TC_COSE_ALG_SM2_SM3) {
		if ((pc = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) ==
			NULL ||
		    EVP_PKEY_CTX_set1_id(
			pc, TC_COSE_SM2_ID, sizeof(TC_COSE_SM2_ID) - 1) != 1)
			goto fail;
		EVP_MD_CTX_set_pkey_ctx(m, pc);
	}
	ok = sign ? EVP_DigestSignInit(m, NULL, md, NULL, pkey) == 1
		  : EVP_DigestVerifyInit(m, NULL, md, NULL, pkey) == 1;
	if (!ok)
		goto fail;
	*mout = m;
	*pout = pc;
	return 0;
fail:
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pc);
	return TC_ERR_CRYPTO;
}

/*
 * Sets up the prototype context of one direction (tc_cose_md_init). An
 * update with no data makes OpenSSL hash Z into the SM2 prototype now,
 * once, instead of in every copy; for ECDSA it does nothing.
 */
static int
make_proto(
    EVP_PKEY *pkey, int alg, int sign, EVP_MD_CTX **mout, EVP_PKEY_CTX **pout)
{
	static const uint8_t nothing[1];
	int r;

	if ((r = tc_cose_md_init(pkey, alg, sign, mout, pout)) != 0)
		return r;
	if ((sign ? EVP_DigestSignUpdate(*mout, nothing, 0)
		  : EVP_DigestVerifyUpdate(*mout, nothing, 0)) == 1)
		return 0;
	EVP_MD_CTX_free(*mout);
	EVP_PKEY_CTX_free(*pout);
	*mout = NULL;
	*pout = NULL;
	return TC_ERR_CRYPTO;
}

int
tc_cose_key_new(struct tc_cose_key **out, EVP_PKEY *pkey, const uint8_t *kid,
    size_t kidlen, char *err, size_t errlen)
{
	struct tc_cose_key *k = NULL;
	EVP_PKEY *conv = NULL;
	const char *tname;
	int r = TC_ERR_INTERNAL, nid, alg;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || pkey == NULL || kid == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_key_new: NULL argument");
	if (kidlen < 1 || kidlen > TC_COSE_KID_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "kid of %zu bytes (1..%d allowed)", kidlen,
		    TC_COSE_KID_MAX);
	nid = group_nid(pkey);
	if (EVP_PKEY_is_a(pkey, "SM2") && nid == NID_sm2)
		alg = TC_COSE_ALG_SM2_SM3;
	else if (EVP_PKEY_is_a(pkey, "EC") && nid == NID_sm2) {
		alg = TC_COSE_ALG_SM2_SM3;
		if ((r = to_sm2(pkey, &conv, err, errlen)) != 0)
			goto out;
	} else if (EVP_PKEY_is_a(pkey, "EC") && nid == NID_X9_62_prime256v1)
		alg = TC_COSE_ALG_ES256;
	else {
		if ((tname = EVP_PKEY_get0_type_name(pkey)) == NULL)
			tname = "?";
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "key type %s%s%s is not supported (P-256 EC or SM2 only)",
		    tname, nid != NID_undef ? " on curve " : "",
		    nid != NID_undef ? OBJ_nid2sn(nid) : "");
		goto out;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (conv != NULL) {
		k->pkey = conv;
		conv = NULL; /* transferred */
	} else {
		if (EVP_PKEY_up_ref(pkey) != 1) {
			r = sslerr(err, errlen, TC_ERR_CRYPTO, "up_ref");
			goto out;
		}
		k->pkey = pkey;
	}
	k->alg = alg;
	memcpy(k->kid, kid, kidlen);
	k->kidlen = kidlen;
	if ((r = group_order(nid, k->order, err, errlen)) != 0)
		goto out;
	if ((r = make_proto(k->pkey, alg, 0, &k->vproto, &k->vpctx)) != 0) {
		if (r == TC_ERR_CRYPTO)
			r = sslerr(err, errlen, r, "preparing verification");
		else
			r = tc_seterr(err, errlen, r, "out of memory");
		goto out;
	}
	/*
	 * A key that cannot even start signing is a verification key; one
	 * that starts but has no private part fails when it signs.
	 */
	if (make_proto(k->pkey, alg, 1, &k->sproto, &k->spctx) != 0)
		ERR_clear_error();
	*out = k;
	k = NULL; /* transferred */
	r = 0;
out:
	tc_cose_key_free(k);
	EVP_PKEY_free(conv);
	return r;
}

int
tc_cose_key_from_spki(struct tc_cose_key **out, const uint8_t *der, size_t len,
    const uint8_t *kid, size_t kidlen, char *err, size_t errlen)
{
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = der;
	int r;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || der == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_key_from_spki: NULL argument");
	if (len == 0 || len > 4096)
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "SubjectPublicKeyInfo of %zu bytes", len);
	if ((pkey = d2i_PUBKEY(NULL, &p, (long)len)) == NULL)
		return sslerr(err, errlen, TC_ERR_KEY_FORMAT,
		    "not a SubjectPublicKeyInfo");
	if (p != der + len) {
		EVP_PKEY_free(pkey);
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "byte %zu: %zu bytes after the SubjectPublicKeyInfo",
		    (size_t)(p - der), len - (size_t)(p - der));
	}
	r = tc_cose_key_new(out, pkey, kid, kidlen, err, errlen);
	EVP_PKEY_free(pkey);
	return r;
}

void
tc_cose_key_free(struct tc_cose_key *k)
{
	if (k == NULL)
		return;
	/* The MD contexts borrow the pkey contexts: free them first. */
	EVP_MD_CTX_free(k->vproto);
	EVP_PKEY_CTX_free(k->vpctx);
	EVP_MD_CTX_free(k->sproto);
	EVP_PKEY_CTX_free(k->spctx);
	EVP_PKEY_free(k->pkey);
	free(k);
}

int
tc_cose_key_alg(const struct tc_cose_key *k)
{
	return k->alg;
}

const uint8_t *
tc_cose_key_kid(const struct tc_cose_key *k, size_t *len)
{
	if (len != NULL)
		*len = k->kidlen;
	return k->kid;
}

EVP_PKEY *
tc_cose_key_pkey(const struct tc_cose_key *k)
{
	return k->pkey;
}

int
tc_cose_kid_of_pkey(EVP_PKEY *pkey, uint8_t kid[8])
{
	unsigned char *der = NULL;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	int n, r = TC_ERR_CRYPTO;

	if (pkey == NULL)
		return TC_ERR_INVALID_ARG;
	if ((n = i2d_PUBKEY(pkey, &der)) <= 0)
		goto out;
	if (EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) != 1)
		goto out;
	memcpy(kid, md, TC_COSE_KID_LEN);
	r = 0;
out:
	if (r != 0)
		ERR_clear_error();
	OPENSSL_free(der);
	return r;
}

/*
 * Starts one signature or verification from a prototype. FINALISE lets the
 * final call finish this copy in place rather than duplicate it again.
 */
static int
start(const EVP_MD_CTX *proto, EVP_MD_CTX **out, char *err, size_t errlen)
{
	EVP_MD_CTX *m;

	if ((*out = m = EVP_MD_CTX_new()) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if (EVP_MD_CTX_copy_ex(m, proto) != 1)
		return sslerr(err, errlen, TC_ERR_CRYPTO, "EVP_MD_CTX_copy_ex");
	EVP_MD_CTX_set_flags(m, EVP_MD_CTX_FLAG_FINALISE);
	return 0;
}

int
tc_cose_key_sign_parts(const struct tc_cose_key *k,
    const struct tc_cose_part *parts, size_t n, uint8_t sig[TC_COSE_SIG_LEN],
    char *err, size_t errlen)
{
	EVP_MD_CTX *m = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *order = NULL, *half = NULL, *lows = NULL;
	const BIGNUM *br, *bs;
	uint8_t der[DER_SIG_MAX];
	const uint8_t *dp = der;
	size_t derlen = sizeof(der), i;
	int r = TC_ERR_INTERNAL;

	if (k->sproto == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_CRYPTO, "this key cannot sign");
	if ((r = start(k->sproto, &m, err, errlen)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (EVP_DigestSignUpdate(m, parts[i].p, parts[i].len) != 1) {
			r = sslerr(err, errlen, TC_ERR_CRYPTO, "signing");
			goto out;
		}
	}
	if (EVP_DigestSignFinal(m, der, &derlen) != 1) {
		r = sslerr(err, errlen, TC_ERR_CRYPTO,
		    "signing (has the key a private part?)");
		goto out;
	}
	if ((es = d2i_ECDSA_SIG(NULL, &dp, (long)derlen)) == NULL ||
	    dp != der + derlen) {
		r = sslerr(err, errlen, TC_ERR_CRYPTO,
		    "OpenSSL made a signature that is not DER");
		goto out;
	}
	ECDSA_SIG_get0(es, &br, &bs);
	/*
	 * (r, n - s) verifies as well as (r, s) for ECDSA; emitting the low
	 * one keeps this signer's output canonical. SM2 has no such twin.
	 */
	if (k->alg == TC_COSE_ALG_ES256) {
		if ((order = BN_bin2bn(k->order, HALF, NULL)) == NULL ||
		    (half = BN_new()) == NULL || BN_rshift1(half, order) != 1) {
			r = sslerr(err, errlen, TC_ERR_NOMEM, "low s");
			goto out;
		}
		if (BN_cmp(bs, half) > 0) {
			if ((lows = BN_new()) == NULL ||
			    BN_sub(lows, order, bs) != 1) {
				r = sslerr(err, errlen, TC_ERR_NOMEM, "low s");
				goto out;
			}
			bs = lows;
		}
	}
	if (BN_bn2binpad(br, sig, HALF) != HALF ||
	    BN_bn2binpad(bs, sig + HALF, HALF) != HALF) {
		r = tc_seterr(err, errlen, TC_ERR_CRYPTO,
		    "r or s longer than %d bytes", HALF);
		goto out;
	}
	r = 0;
out:
	EVP_MD_CTX_free(m);
	ECDSA_SIG_free(es);
	BN_free(order);
	BN_free(half);
	BN_free(lows);
	return r;
}

/* Is v (HALF big-endian bytes) in [1, order - 1]? */
static int
in_range(const uint8_t *v, const uint8_t *order)
{
	size_t i;
	uint8_t any = 0;

	for (i = 0; i < HALF; i++)
		any |= v[i];
	return any != 0 && memcmp(v, order, HALF) < 0;
}

int
tc_cose_key_verify_parts(const struct tc_cose_key *k,
    const struct tc_cose_part *parts, size_t n, const uint8_t *sig,
    size_t siglen, char *err, size_t errlen)
{
	EVP_MD_CTX *m = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	uint8_t der[DER_SIG_MAX], *dp = der;
	size_t i;
	int r = TC_ERR_INTERNAL, derlen, v;

	if (siglen != TC_COSE_SIG_LEN)
		return tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "signature of %zu bytes, not %d", siglen, TC_COSE_SIG_LEN);
	if (!in_range(sig, k->order))
		return tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "signature r is zero or not below the group order");
	if (!in_range(sig + HALF, k->order))
		return tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "signature s is zero or not below the group order");
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (br = BN_bin2bn(sig, HALF, NULL)) == NULL ||
	    (bs = BN_bin2bn(sig + HALF, HALF, NULL)) == NULL ||
	    ECDSA_SIG_set0(es, br, bs) != 1) {
		r = sslerr(err, errlen, TC_ERR_NOMEM, "ECDSA_SIG");
		goto out;
	}
	br = bs = NULL; /* transferred */
	if ((derlen = i2d_ECDSA_SIG(es, NULL)) <= 0 ||
	    (size_t)derlen > sizeof(der) || i2d_ECDSA_SIG(es, &dp) != derlen) {
		r = sslerr(err, errlen, TC_ERR_CRYPTO, "i2d_ECDSA_SIG");
		goto out;
	}
	if ((r = start(k->vproto, &m, err, errlen)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (EVP_DigestVerifyUpdate(m, parts[i].p, parts[i].len) != 1) {
			r = sslerr(err, errlen, TC_ERR_CRYPTO, "verifying");
			goto out;
		}
	}
	v = EVP_DigestVerifyFinal(m, der, (size_t)derlen);
	if (v == 1)
		r = 0;
	else if (v == 0) {
		ERR_clear_error();
		r = tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "the signature does not verify");
	} else
		r = sslerr(err, errlen, TC_ERR_CRYPTO, "verifying");
out:
	EVP_MD_CTX_free(m);
	ECDSA_SIG_free(es);
	BN_free(br);
	BN_free(bs);
	return r;
}

int
tc_cose_keyring_new(struct tc_cose_keyring **out)
{
	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return TC_ERR_NOMEM;
	return 0;
}

int
tc_cose_keyring_add(struct tc_cose_keyring *kr, struct tc_cose_key *k)
{
	struct tc_cose_key **nk;
	size_t nalloc;
	int r = TC_ERR_INTERNAL;

	if (kr == NULL || k == NULL) {
		r = TC_ERR_INVALID_ARG;
		goto out;
	}
	if (tc_cose_keyring_find(kr, k->kid, k->kidlen) != NULL) {
		r = TC_ERR_EXISTS;
		goto out;
	}
	if (kr->n == kr->alloc) {
		nalloc = kr->alloc ? kr->alloc * 2 : 8;
		if ((nk = reallocarray(kr->keys, nalloc, sizeof(*nk))) ==
		    NULL) {
			r = TC_ERR_NOMEM;
			goto out;
		}
		kr->keys = nk;
		kr->alloc = nalloc;
	}
	kr->keys[kr->n++] = k;
	k = NULL; /* transferred */
	r = 0;
out:
	tc_cose_key_free(k);
	return r;
}

const struct tc_cose_key *
tc_cose_keyring_find(
    const struct tc_cose_keyring *kr, const uint8_t *kid, size_t kidlen)
{
	size_t i;

	if (kr == NULL || kid == NULL)
		return NULL;
	for (i = 0; i < kr->n; i++)
		if (kr->keys[i]->kidlen == kidlen &&
		    memcmp(kr->keys[i]->kid, kid, kidlen) == 0)
			return kr->keys[i];
	return NULL;
}

size_t
tc_cose_keyring_count(const struct tc_cose_keyring *kr)
{
	return kr != NULL ? kr->n : 0;
}

void
tc_cose_keyring_free(struct tc_cose_keyring *kr)
{
	size_t i;

	if (kr == NULL)
		return;
	for (i = 0; i < kr->n; i++)
		tc_cose_key_free(kr->keys[i]);
	free(kr->keys);
	free(kr);
}
