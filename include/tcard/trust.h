/* SPDX-License-Identifier: MIT */
/*
 * The signed trust list: what a verifier loads to know which credential
 * signers to trust. It is a COSE_Sign1 (include/tcard/cose.h) signed by the
 * issuer CA key, kid = the CA's kid, whose payload is a CBOR map with small
 * integer keys:
 *     { 1: 1 (format version), 2: issued-at (epoch seconds),
 *       3: CA certificate (DER bstr),
 *       4: [ { 1: kid (bstr 8), 2: COSE alg (int),
 *              3: signer certificate (DER bstr),
 *              4: status (0 current = signs, 1 retired = verify only) },
 *            ... ] }
 * in deterministic encoding (shortest heads, keys in ascending order, every
 * key present, definite lengths). tc_trust_load() is strict: it refuses
 * anything else, and accepts a list only when the CA signed it, every signer
 * certificate was issued by that CA and is valid at the given time, and each
 * kid and alg match the certificate's key. The byte layout and the reasons
 * are in docs/keys.md. The list is made by tc_keystore_export_trust()
 * (include/tcard/keystore.h).
 */
#ifndef TCARD_TRUST_H
#define TCARD_TRUST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "tcard/buf.h"
#include "tcard/cose.h"

#define TC_TRUST_VERSION     1		   /* payload key 1 */
#define TC_TRUST_MAX_SIGNERS 64		   /* entries in payload key 4 */
#define TC_TRUST_MAX_INPUT   (256u * 1024) /* largest signed list loaded */
#define TC_TRUST_MAX_CERT    (16u * 1024)  /* largest certificate DER */
#define TC_TRUST_FPR_LEN     32		   /* SHA-256 fingerprint */

/* Status of a signer (payload key 4, entry key 4; also keys.json). */
enum tc_signer_status {
	TC_SIGNER_CURRENT = 0, /* signs new credentials */
	TC_SIGNER_RETIRED = 1, /* no longer signs; still verifies */
};

/* One signer entry for tc_trust_encode; the certificate is borrowed. */
struct tc_trust_entry {
	uint8_t kid[TC_COSE_KID_LEN];
	int alg;	     /* TC_COSE_ALG_ES256 or _SM2_SM3 */
	const uint8_t *cert; /* DER */
	size_t certlen;
	enum tc_signer_status status;
};

/* What tc_trust_signer() tells about one loaded signer. */
struct tc_trust_signer_info {
	uint8_t kid[TC_COSE_KID_LEN];
	int alg; /* COSE alg */
	enum tc_signer_status status;
	time_t not_before; /* certificate validity */
	time_t not_after;
};

struct tc_trust;

/*
 * Appends the CBOR payload of a trust list to out: the map described in the
 * file comment with issued_at, the CA certificate (ca, calen bytes) and the
 * n entries in the order given. Checks only the limits, not the contents
 * (tc_trust_load does that). On failure out is as it was.
 * Returns 0, TC_ERR_INVALID_ARG (NULL pointer, negative issued_at, n of 0
 * or over TC_TRUST_MAX_SIGNERS, a status other than the two, an empty
 * certificate), TC_ERR_TOO_LARGE (a certificate over TC_TRUST_MAX_CERT, or
 * out's cap) or TC_ERR_NOMEM.
 */
int tc_trust_encode(struct tc_buf *out, time_t issued_at, const uint8_t *ca,
    size_t calen, const struct tc_trust_entry *e, size_t n);

/*
 * Loads an untrusted signed trust list (data, len bytes). In order: the
 * COSE_Sign1 is decoded; the payload is parsed strictly; the CA certificate
 * is parsed, compared with ca_pin when given (SHA-256 of its DER,
 * TC_TRUST_FPR_LEN bytes; NULL accepts the embedded CA: use that only when
 * the list came over a channel you already trust), and checked to be a
 * self-signed v3 CA certificate valid at now; the COSE kid must be the CA's
 * kid and the COSE signature must verify with the CA key; then every signer
 * certificate must be issued by the CA (names, authority key id, signature
 * with ecdsa-with-SHA256 or SM2-with-SM3 and the default SM2 ID), carry
 * keyUsage digitalSignature, be valid at now, and have a key whose kid and
 * COSE alg are the entry's. Kids are unique, and there is one current
 * signer per algorithm listed (one ES256, one SM2, or one of each). On success *out holds a keyring of all the signers (current and
 * retired), to be freed with tc_trust_free(); on failure *out is NULL and err
 * says what was wrong and where (payload byte offset or signer index).
 * Returns 0 or
 *   TC_ERR_INVALID_ARG    out or data is NULL;
 *   TC_ERR_TOO_LARGE      len over TC_TRUST_MAX_INPUT, more than
 *                         TC_TRUST_MAX_SIGNERS signers, a certificate over
 *                         TC_TRUST_MAX_CERT;
 *   TC_ERR_TRUNCATED, TC_ERR_MALFORMED, TC_ERR_TRAILING, TC_ERR_TOO_DEEP
 *                         the COSE or the payload is not as described;
 *   TC_ERR_UNSUPPORTED    a format version other than 1;
 *   TC_ERR_KEY_FORMAT     a certificate that cannot be parsed, is not a CA
 *                         (for the CA) or has the wrong key usage;
 *   TC_ERR_RANGE          issued-at or an alg beyond 64-bit integers;
 *   TC_ERR_UNKNOWN_KEY    the CA does not match ca_pin, the COSE kid is not
 *                         the CA's, or an entry's kid is not its
 *                         certificate key's kid;
 *   TC_ERR_UNSUPPORTED_ALG a key other than P-256 or SM2, a certificate
 *                         signature algorithm other than the CA key's, or
 *                         an entry alg that is not its key's;
 *   TC_ERR_BAD_SIGNATURE  the list or a certificate signature is bad, or a
 *                         signer certificate was not issued by the CA;
 *   TC_ERR_EXPIRED, TC_ERR_NOT_YET_VALID
 *                         a certificate outside its validity at now;
 *   TC_ERR_CONSTRAINT     a kid repeats, no current signer, or two
 *                         current signers of one algorithm;
 *   TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_trust_load(struct tc_trust **out /* OUT */, const uint8_t *data,
    size_t len, const uint8_t *ca_pin, time_t now, char *err, size_t errlen);

/* Frees t and its keyring (NULL is fine). */
void tc_trust_free(struct tc_trust *t);

/*
 * The signers' verification keys, owned by t (valid until tc_trust_free).
 * Use with tc_cose_sign1_verify_keyring().
 */
const struct tc_cose_keyring *tc_trust_keyring(const struct tc_trust *t);

/* The list's issued-at (payload key 2). */
time_t tc_trust_issued_at(const struct tc_trust *t);

/* SHA-256 of the CA certificate DER (TC_TRUST_FPR_LEN bytes, owned by t). */
const uint8_t *tc_trust_ca_fingerprint(const struct tc_trust *t);

/* Number of signers in t (1 to TC_TRUST_MAX_SIGNERS). */
size_t tc_trust_signer_count(const struct tc_trust *t);

/*
 * Fills *info for signer i (in list order). Returns 0 or TC_ERR_RANGE when i
 * is not below tc_trust_signer_count(t).
 */
int tc_trust_signer(const struct tc_trust *t, size_t i,
    struct tc_trust_signer_info *info /* OUT */);

/*
 * Checks that cert's signature was made by issuer_key, restricting the
 * signature algorithm to the one of the key (ecdsa-with-SHA256 for a P-256
 * key, SM2-with-SM3 with the default ID TC_COSE_SM2_ID for an SM2 key);
 * sets the SM2 distinguishing ID on cert for that. Used by tc_trust_load
 * and by the key store's self-checks. Returns 0, TC_ERR_UNSUPPORTED_ALG
 * (another signature algorithm or key type), TC_ERR_BAD_SIGNATURE or
 * TC_ERR_NOMEM.
 */
int tc_trust_cert_verify(X509 *cert, EVP_PKEY *issuer_key);

/*
 * Converts an ASN1_TIME to seconds since the epoch. Returns 0 or
 * TC_ERR_MALFORMED.
 */
int tc_trust_asn1_time(const ASN1_TIME *t, time_t *out /* OUT */);

#endif
