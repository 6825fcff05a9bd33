/* SPDX-License-Identifier: MIT */
/*
 * COSE_Sign1 (RFC 9052) for talentcard credentials: creating, strictly
 * decoding and verifying single-signer messages with ES256 (ECDSA P-256 with
 * SHA-256) or SM2 with SM3 (GB/T 32918, private-use algorithm value -65537).
 * The protected header holds exactly {1: alg, 4: kid}; nothing is ever put in
 * the unprotected header, and a received message must carry alg and kid in
 * its protected header. Keys are parsed once into struct tc_cose_key, which
 * also keeps the prepared OpenSSL contexts that each signature starts from;
 * a key and a keyring may be used from several threads at once. The exact
 * layout, the limits and the decisions are in docs/cose.md.
 */
#ifndef TCARD_COSE_H
#define TCARD_COSE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "tcard/buf.h"

/* COSE algorithm values (RFC 9053; -65537 is from the private-use range). */
#define TC_COSE_ALG_ES256   (-7)
#define TC_COSE_ALG_SM2_SM3 (-65537)

/* The GB/T 32918 / GM/T 0009 default distinguishing identifier used in Z. */
#define TC_COSE_SM2_ID "1234567812345678"

#define TC_COSE_TAG_SIGN1   18		/* CBOR tag of COSE_Sign1 */
#define TC_COSE_KID_MAX	    32		/* longest kid accepted */
#define TC_COSE_KID_LEN	    8		/* length of the project's own kids */
#define TC_COSE_SIG_LEN	    64		/* r || s, 32 bytes each */
#define TC_COSE_MAX_INPUT   (16 * 1024) /* largest message decoded or made */
#define TC_COSE_MAX_HEADERS 16		/* entries per header map */
#define TC_COSE_MAX_DEPTH   8		/* nesting of arrays, maps, tags */

struct tc_cose_key;
struct tc_cose_keyring;

/*
 * Makes a key object from pkey: a P-256 EC key gives ES256, an SM2 key (an
 * "SM2" EVP_PKEY, or an "EC" one on the SM2 curve, which is converted) gives
 * SM2 with SM3. pkey may be private (sign and verify) or public (verify). The
 * key object takes its own reference to pkey (or holds a converted copy); the
 * caller keeps its own and frees it as usual. kid (1..TC_COSE_KID_MAX bytes)
 * is copied. On success *out is the new key, to be freed with
 * tc_cose_key_free(); on failure *out is NULL.
 * Returns 0, TC_ERR_INVALID_ARG (NULL pkey or bad kid length),
 * TC_ERR_UNSUPPORTED_ALG (any other key type or curve), TC_ERR_CRYPTO
 * (OpenSSL could not prepare the key) or TC_ERR_NOMEM.
 */
int tc_cose_key_new(struct tc_cose_key **out /* OUT */, EVP_PKEY *pkey,
    const uint8_t *kid, size_t kidlen, char *err, size_t errlen);

/*
 * As tc_cose_key_new for the public key in a DER SubjectPublicKeyInfo
 * (der, len bytes, nothing after it). Returns as tc_cose_key_new, and
 * TC_ERR_KEY_FORMAT when der is empty or over 4 KiB, is not a
 * SubjectPublicKeyInfo OpenSSL can parse, or has bytes after it.
 */
int tc_cose_key_from_spki(struct tc_cose_key **out /* OUT */,
    const uint8_t *der, size_t len, const uint8_t *kid, size_t kidlen,
    char *err, size_t errlen);

/* Frees k and its reference to the EVP_PKEY (NULL is fine). */
void tc_cose_key_free(struct tc_cose_key *k);

/* Returns the key's COSE algorithm, TC_COSE_ALG_ES256 or _SM2_SM3. */
int tc_cose_key_alg(const struct tc_cose_key *k);

/* Returns the key's kid (owned by k) and sets *len to its length. */
const uint8_t *tc_cose_key_kid(
    const struct tc_cose_key *k, size_t *len /* OUT */);

/*
 * A digest context for signing (sign != 0) or verifying with pkey under
 * alg: SHA-256 for TC_COSE_ALG_ES256; for TC_COSE_ALG_SM2_SM3, SM3 over Z
 * with the SM2 ID TC_COSE_SM2_ID, which OpenSSL takes only from a pkey
 * context attached before the init: that is *pout (NULL for ES256), which
 * *mout only borrows, so free *mout first. Nothing is hashed yet. Returns
 * 0, TC_ERR_NOMEM or TC_ERR_CRYPTO (*mout and *pout NULL).
 */
int tc_cose_md_init(EVP_PKEY *pkey, int alg, int sign,
    EVP_MD_CTX **mout /* OUT */, EVP_PKEY_CTX **pout /* OUT */);

/* Returns the key's EVP_PKEY, owned by k (up_ref it to keep it longer). */
EVP_PKEY *tc_cose_key_pkey(const struct tc_cose_key *k);

/*
 * Computes the project's key id of pkey: the first TC_COSE_KID_LEN (8) bytes
 * of SHA-256 over its DER SubjectPublicKeyInfo. An SM2 key gives the same kid
 * whether OpenSSL holds it as "SM2" or as "EC" on the SM2 curve.
 * Returns 0, TC_ERR_INVALID_ARG (NULL pkey) or TC_ERR_CRYPTO.
 */
int tc_cose_kid_of_pkey(EVP_PKEY *pkey, uint8_t kid[8] /* OUT */);

/*
 * A decoded COSE_Sign1. Every byte is owned by the structure: alg and kid come
 * from the protected header; protected_hdr holds the contents of the
 * protected bstr exactly as received (the Sig_structure is rebuilt from it);
 * payload and sig are the contents of their bstrs. Headers in the unprotected
 * map are checked but not kept.
 */
struct tc_cose_sign1 {
	int alg;
	uint8_t kid[TC_COSE_KID_MAX];
	size_t kidlen;
	int tagged; /* 1 when the input had tag 18 */
	struct tc_buf protected_hdr;
	struct tc_buf payload;
	struct tc_buf sig;
};

/* Initialises msg empty. */
void tc_cose_sign1_init(struct tc_cose_sign1 *msg);

/* Wipes and frees what msg holds; msg is empty again and may be reused. */
void tc_cose_sign1_release(struct tc_cose_sign1 *msg);

/*
 * Signs payload (len bytes) with signer, which must hold a private key, and
 * appends the tagged COSE_Sign1 to out: tag 18, [ protected bstr of
 * {1: alg, 4: kid}, {}, payload bstr, r || s bstr ], all in deterministic
 * CBOR. ES256 signatures are emitted with the low s (s <= n/2).
 * On failure out is as it was.
 * Returns 0, TC_ERR_INVALID_ARG (NULL argument), TC_ERR_TOO_LARGE (the
 * message would exceed TC_COSE_MAX_INPUT, or out's cap), TC_ERR_CRYPTO
 * (also when the key has no private part) or TC_ERR_NOMEM.
 */
int tc_cose_sign1_create(struct tc_buf *out, const struct tc_cose_key *signer,
    const uint8_t *payload, size_t len, char *err, size_t errlen);

/*
 * As tc_cose_sign1_create with a cap of max bytes on the message instead
 * of TC_COSE_MAX_INPUT (a smaller max counts as TC_COSE_MAX_INPUT).
 */
int tc_cose_sign1_create_max(struct tc_buf *out,
    const struct tc_cose_key *signer, const uint8_t *payload, size_t len,
    size_t max, char *err, size_t errlen);

/*
 * Decodes an untrusted COSE_Sign1 (in, len bytes) into msg, which must have
 * been initialised (what it held is released first). The rules: optional tag
 * 18 and no other tag; an array of exactly 4; a protected bstr holding one
 * map and nothing after it (a zero-length bstr is an empty map); an
 * unprotected map; a payload bstr; a signature bstr; nothing after the
 * array. Only definite lengths and shortest-form heads are accepted. alg
 * (ES256 or SM2_SM3) and kid (a bstr of 1..32 bytes) must be in the
 * protected header; alg, kid and crit must not be in the unprotected one; a
 * crit header may only list labels 1 and 4; no label may repeat, within a
 * map or across the two; at most TC_COSE_MAX_HEADERS entries per map and
 * TC_COSE_MAX_DEPTH levels of nesting; other header labels are skipped.
 * Decoding does not check the signature: call tc_cose_sign1_verify.
 * On failure msg is empty and err says what was wrong at which byte offset.
 * Returns 0, TC_ERR_INVALID_ARG (NULL argument), TC_ERR_TOO_LARGE (input over
 * TC_COSE_MAX_INPUT or a header map over TC_COSE_MAX_HEADERS entries),
 * TC_ERR_TRUNCATED (input ends inside an item), TC_ERR_MALFORMED (not the
 * structure above), TC_ERR_TOO_DEEP, TC_ERR_TRAILING (bytes after the message
 * or after the protected map), TC_ERR_UNSUPPORTED (nil, i.e. detached,
 * payload), TC_ERR_UNSUPPORTED_ALG (another alg), TC_ERR_CRIT_HEADER (crit
 * lists a label this code does not understand) or TC_ERR_NOMEM.
 */
int tc_cose_sign1_decode(struct tc_cose_sign1 *msg, const uint8_t *in,
    size_t len, char *err, size_t errlen);

/*
 * As tc_cose_sign1_decode with a cap of max bytes instead of
 * TC_COSE_MAX_INPUT (a smaller max counts as TC_COSE_MAX_INPUT), for signed
 * objects that may be larger than a credential, such as revocation lists.
 * msg's buffers then accept up to max bytes.
 */
int tc_cose_sign1_decode_max(struct tc_cose_sign1 *msg, const uint8_t *in,
    size_t len, size_t max, char *err, size_t errlen);

/*
 * Appends msg encoded again to out: tag 18, its protected bytes as received,
 * an empty unprotected map, its payload and signature. Decoding the result
 * gives the same alg, kid, protected bytes, payload and signature, so it
 * verifies exactly when msg does. On failure out is as it was.
 * Returns 0, TC_ERR_INVALID_ARG (NULL argument), TC_ERR_TOO_LARGE or
 * TC_ERR_NOMEM.
 */
int tc_cose_sign1_encode(struct tc_buf *out, const struct tc_cose_sign1 *msg,
    char *err, size_t errlen);

/*
 * Verifies the signature of a decoded msg with key over the Sig_structure
 * ["Signature1", protected bytes as received, h'', payload] (RFC 9052
 * section 4.4). Thread-safe for a shared key.
 * Returns 0 when the signature is good, TC_ERR_INVALID_ARG (NULL argument),
 * TC_ERR_UNSUPPORTED_ALG (msg's alg is not the key's), TC_ERR_UNKNOWN_KEY
 * (msg's kid is not the key's), TC_ERR_BAD_SIGNATURE (not 64 bytes, r or s
 * zero or not below the group order, or the signature does not verify),
 * TC_ERR_CRYPTO or TC_ERR_NOMEM.
 */
int tc_cose_sign1_verify(const struct tc_cose_sign1 *msg,
    const struct tc_cose_key *key, char *err, size_t errlen);

/*
 * A set of verification keys looked up by kid. Build it once, then share it
 * read-only between threads. tc_cose_keyring_new returns 0, TC_ERR_INVALID_ARG
 * (out is NULL) or TC_ERR_NOMEM and sets *out to an empty keyring (NULL on
 * failure).
 */
int tc_cose_keyring_new(struct tc_cose_keyring **out /* OUT */);

/*
 * Adds k to kr. The keyring takes ownership of k in every case: on failure k
 * has been freed. Returns 0, TC_ERR_INVALID_ARG (NULL argument), TC_ERR_EXISTS
 * (a key with the same kid is already there, whatever its algorithm) or
 * TC_ERR_NOMEM.
 */
int tc_cose_keyring_add(struct tc_cose_keyring *kr, struct tc_cose_key *k);

/* Returns the key with this kid (owned by kr), or NULL. */
const struct tc_cose_key *tc_cose_keyring_find(
    const struct tc_cose_keyring *kr, const uint8_t *kid, size_t kidlen);

/* Returns the number of keys in kr. */
size_t tc_cose_keyring_count(const struct tc_cose_keyring *kr);

/* Frees kr and every key in it (NULL is fine). */
void tc_cose_keyring_free(struct tc_cose_keyring *kr);

/*
 * Verifies msg with the key of its kid in kr; *used (may be NULL) is set to
 * that key (owned by kr) on success and to NULL on failure.
 * Returns as tc_cose_sign1_verify, and TC_ERR_UNKNOWN_KEY when kr has no key
 * with msg's kid.
 */
int tc_cose_sign1_verify_keyring(const struct tc_cose_sign1 *msg,
    const struct tc_cose_keyring *kr, const struct tc_cose_key **used /* OUT */,
    char *err, size_t errlen);

/*
 * The first step of every signed-file reader (revocation lists and deltas,
 * lookup headers, audit heads): refuses more than max bytes with
 * TC_ERR_TOO_LARGE ("WHAT of N bytes; at most MAX accepted", what naming
 * the file), then decodes in as tc_cose_sign1_decode_max and verifies it
 * with a key of kr, so that no payload byte is read before the signature
 * verifies. Returns 0 or the error of the step that failed. msg is
 * initialised and released by the caller, whatever this returns.
 */
int tc_cose_sign1_open(struct tc_cose_sign1 *msg, const uint8_t *in, size_t len,
    size_t max, const struct tc_cose_keyring *kr, const char *what, char *err,
    size_t errlen);

#endif
