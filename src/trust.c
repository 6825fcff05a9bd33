/* SPDX-License-Identifier: MIT */
/*
 * The signed trust list (include/tcard/trust.h): its CBOR payload written
 * with libcbor's encoders, and a strict loader for verifiers. The payload is
 * read with the small strict reader of CBOR heads of src/cbor-read.c rather
 * than with cbor_load(): the payload must be read before its signature can be
 * checked (the key is inside it), the schema is fixed and flat, and
 * cbor_load() has no nesting limit, allocates whatever a length claims and
 * frees recursively. The reader accepts only the shapes the schema has,
 * definite lengths and shortest-form heads, so every accepted payload is
 * the one encoding of its contents. Certificates are checked with OpenSSL;
 * the format and the reasons are in docs/keys.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cbor-read.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/trust.h"

struct tc_trust {
	time_t issued_at;
	uint8_t ca_fpr[TC_TRUST_FPR_LEN];
	struct tc_cose_keyring *kr;
	size_t n;
	struct tc_trust_signer_info info[TC_TRUST_MAX_SIGNERS];
};

/* One entry of a parsed payload, with the byte offset it starts at. */
struct entry {
	struct tc_trust_entry e;
	size_t off;
};

struct payload {
	uint64_t issued_at;
	const uint8_t *ca;
	size_t calen;
	size_t n;
	struct entry ent[TC_TRUST_MAX_SIGNERS];
};

/*
 * Encoding: the helpers of src/cbor-read.c write the shortest head for a
 * value (cbor_encode_*), which makes the output deterministic.
 */
int
tc_trust_encode(struct tc_buf *out, time_t issued_at, const uint8_t *ca,
    size_t calen, const struct tc_trust_entry *e, size_t n)
{
	size_t start, i;
	int r = TC_ERR_INTERNAL;

	if (out == NULL || ca == NULL || calen == 0 || e == NULL || n == 0 ||
	    n > TC_TRUST_MAX_SIGNERS || issued_at < 0)
		return TC_ERR_INVALID_ARG;
	if (calen > TC_TRUST_MAX_CERT)
		return TC_ERR_TOO_LARGE;
	for (i = 0; i < n; i++) {
		if (e[i].cert == NULL || e[i].certlen == 0 ||
		    (e[i].status != TC_SIGNER_CURRENT &&
			e[i].status != TC_SIGNER_RETIRED))
			return TC_ERR_INVALID_ARG;
		if (e[i].certlen > TC_TRUST_MAX_CERT)
			return TC_ERR_TOO_LARGE;
	}
	start = out->len;
	if ((r = tc_cbor_put_head(out, TC_CBOR_MAP, 4)) != 0 ||
	    (r = tc_cbor_put_kv_int(out, 1, TC_TRUST_VERSION)) != 0 ||
	    (r = tc_cbor_put_kv_int(out, 2, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_kv_str(out, 3, TC_CBOR_BSTR, ca, calen)) != 0 ||
	    (r = tc_cbor_put_int(out, 4)) != 0 ||
	    (r = tc_cbor_put_head(out, TC_CBOR_ARRAY, n)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = tc_cbor_put_head(out, TC_CBOR_MAP, 4)) != 0 ||
		    (r = tc_cbor_put_kv_str(out, 1, TC_CBOR_BSTR, e[i].kid,
			 sizeof(e[i].kid))) != 0 ||
		    (r = tc_cbor_put_kv_int(out, 2, e[i].alg)) != 0 ||
		    (r = tc_cbor_put_kv_str(
			 out, 3, TC_CBOR_BSTR, e[i].cert, e[i].certlen)) != 0 ||
		    (r = tc_cbor_put_kv_int(out, 4, (int64_t)e[i].status)) != 0)
			goto out;
	}
	r = 0;
out:
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}

/*
 * Decoding, with the strict head reader of src/cbor-read.c (context
 * "payload", so messages read "payload byte N: ...").
 */

/* The next map key, which must be key: keys come in ascending order. */
static int
get_key(struct tc_cbor_rd *r, uint64_t key, const char *what)
{
	uint64_t v;
	size_t at;
	int major, e;

	if ((e = tc_cbor_get_head(r, &major, &v, &at)) != 0)
		return e;
	if (major != TC_CBOR_UINT || v != key)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "payload byte %zu: %s: expected key %llu", at, what,
		    (unsigned long long)key);
	return 0;
}

/* An integer of either sign that fits in int64_t. */
static int
get_int(struct tc_cbor_rd *r, const char *what, int64_t *v)
{
	uint64_t u;
	size_t at;
	int major, e;

	if ((e = tc_cbor_get_head(r, &major, &u, &at)) != 0)
		return e;
	if (major != TC_CBOR_UINT && major != TC_CBOR_NEGINT)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "payload byte %zu: %s: expected an integer, got %s", at,
		    what, tc_cbor_major_name(major));
	if (u > INT64_MAX)
		return tc_seterr(r->err, r->errlen, TC_ERR_RANGE,
		    "payload byte %zu: %s: integer out of range", at, what);
	*v = major == TC_CBOR_UINT ? (int64_t)u : -1 - (int64_t)u;
	return 0;
}

static int
parse_entry(struct tc_cbor_rd *r, size_t i, struct entry *ent)
{
	char what[48];
	const uint8_t *p;
	uint64_t status = 0;
	int64_t alg = 0;
	size_t n;
	int e;

	ent->off = r->c.off;
	snprintf(what, sizeof(what), "signer %zu", i);
	if ((e = tc_cbor_expect_map(r, what, 4)) != 0)
		return e;
	snprintf(what, sizeof(what), "signer %zu kid (key 1)", i);
	if ((e = get_key(r, 1, what)) != 0 ||
	    (e = tc_cbor_get_str(
		 r, TC_CBOR_BSTR, what, TC_COSE_KID_LEN, &p, &n)) != 0)
		return e;
	if (n != TC_COSE_KID_LEN)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "payload byte %zu: %s: %zu bytes, expected %d",
		    r->c.off - n, what, n, TC_COSE_KID_LEN);
	memcpy(ent->e.kid, p, n);
	snprintf(what, sizeof(what), "signer %zu alg (key 2)", i);
	if ((e = get_key(r, 2, what)) != 0 || (e = get_int(r, what, &alg)) != 0)
		return e;
	if (alg != TC_COSE_ALG_ES256 && alg != TC_COSE_ALG_SM2_SM3)
		return tc_seterr(r->err, r->errlen, TC_ERR_UNSUPPORTED_ALG,
		    "signer %zu: COSE alg %lld is neither ES256 (%d) nor SM2 (%d)",
		    i, (long long)alg, TC_COSE_ALG_ES256, TC_COSE_ALG_SM2_SM3);
	ent->e.alg = (int)alg;
	snprintf(what, sizeof(what), "signer %zu certificate (key 3)", i);
	if ((e = get_key(r, 3, what)) != 0 ||
	    (e = tc_cbor_get_str(r, TC_CBOR_BSTR, what, TC_TRUST_MAX_CERT,
		 &ent->e.cert, &ent->e.certlen)) != 0)
		return e;
	snprintf(what, sizeof(what), "signer %zu status (key 4)", i);
	if ((e = get_key(r, 4, what)) != 0 ||
	    (e = tc_cbor_get_uint(r, what, &status)) != 0)
		return e;
	if (status != TC_SIGNER_CURRENT && status != TC_SIGNER_RETIRED)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "signer %zu: status %llu is neither 0 (current) nor 1 (retired)",
		    i, (unsigned long long)status);
	ent->e.status = (enum tc_signer_status)status;
	return 0;
}

static int
parse_payload(
    const uint8_t *p, size_t len, struct payload *pl, char *err, size_t errlen)
{
	struct tc_cbor_rd r;
	uint64_t version = 0, n = 0;
	size_t i, j, at, current = 0, cur_es = 0, cur_sm2 = 0;
	int e;

	tc_cbor_rd_init(&r, p, len, "payload", err, errlen);
	if ((e = tc_cbor_expect_map(&r, "trust list", 4)) != 0 ||
	    (e = get_key(&r, 1, "format version (key 1)")) != 0 ||
	    (e = tc_cbor_get_uint(&r, "format version (key 1)", &version)) != 0)
		return e;
	if (version != TC_TRUST_VERSION)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "trust list format version %llu; this program reads version %d",
		    (unsigned long long)version, TC_TRUST_VERSION);
	if ((e = get_key(&r, 2, "issued-at (key 2)")) != 0 ||
	    (e = tc_cbor_get_uint(&r, "issued-at (key 2)", &pl->issued_at)) !=
		0)
		return e;
	if (pl->issued_at > INT64_MAX)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "issued-at %llu is out of range",
		    (unsigned long long)pl->issued_at);
	if ((e = get_key(&r, 3, "CA certificate (key 3)")) != 0 ||
	    (e = tc_cbor_get_str(&r, TC_CBOR_BSTR, "CA certificate (key 3)",
		 TC_TRUST_MAX_CERT, &pl->ca, &pl->calen)) != 0 ||
	    (e = get_key(&r, 4, "signers (key 4)")) != 0 ||
	    (e = tc_cbor_expect(
		 &r, TC_CBOR_ARRAY, "signers (key 4)", &n, &at)) != 0)
		return e;
	if (n == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "payload byte %zu: the list has no signer", at);
	if (n > TC_TRUST_MAX_SIGNERS)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "payload byte %zu: %llu signers, at most %d allowed", at,
		    (unsigned long long)n, TC_TRUST_MAX_SIGNERS);
	pl->n = (size_t)n;
	for (i = 0; i < pl->n; i++) {
		if ((e = parse_entry(&r, i, &pl->ent[i])) != 0)
			return e;
		for (j = 0; j < i; j++)
			if (memcmp(pl->ent[j].e.kid, pl->ent[i].e.kid,
				TC_COSE_KID_LEN) == 0)
				return tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
				    "signer %zu: kid repeats signer %zu", i, j);
		if (pl->ent[i].e.status == TC_SIGNER_CURRENT) {
			current++;
			if (pl->ent[i].e.alg == TC_COSE_ALG_SM2_SM3)
				cur_sm2++;
			else
				cur_es++;
		}
	}
	if (tc_cursor_left(&r.c) != 0)
		return tc_seterr(err, errlen, TC_ERR_TRAILING,
		    "payload byte %zu: %zu bytes after the trust list", r.c.off,
		    tc_cursor_left(&r.c));
	/* One current signer per algorithm (ES256, SM2), at least one. */
	if (current == 0 || cur_es > 1 || cur_sm2 > 1)
		return tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
		    "%zu current signers (%zu ES256, %zu SM2); exactly one per algorithm expected",
		    current, cur_es, cur_sm2);
	return 0;
}

/*
 * Certificates.
 */
int
tc_trust_asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;
	time_t v;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return TC_ERR_MALFORMED;
	if ((v = timegm(&tm)) == (time_t)-1)
		return TC_ERR_MALFORMED;
	*out = v;
	return 0;
}

static void
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* Is k an SM2 key (as "SM2", or as "EC" on the SM2 curve)? P-256? */
static int
key_kind(EVP_PKEY *k)
{
	char group[64];

	if (EVP_PKEY_is_a(k, "SM2"))
		return TC_COSE_ALG_SM2_SM3;
	if (!EVP_PKEY_is_a(k, "EC") ||
	    EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) != 1)
		return 0;
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		return TC_COSE_ALG_ES256;
	return 0;
}

int
tc_trust_cert_verify(X509 *cert, EVP_PKEY *issuer_key)
{
	ASN1_OCTET_STRING *id = NULL;
	int nid, kind;

	if (cert == NULL || issuer_key == NULL)
		return TC_ERR_INVALID_ARG;
	kind = key_kind(issuer_key);
	nid = X509_get_signature_nid(cert);
	if (kind == TC_COSE_ALG_ES256) {
		if (nid != NID_ecdsa_with_SHA256)
			return TC_ERR_UNSUPPORTED_ALG;
	} else if (kind == TC_COSE_ALG_SM2_SM3 &&
	    EVP_PKEY_is_a(issuer_key, "SM2")) {
		if (nid != NID_SM2_with_SM3)
			return TC_ERR_UNSUPPORTED_ALG;
		/*
		 * OpenSSL 3.0 verifies SM2 certificate signatures with the
		 * ID set on the certificate, and with none when none is set.
		 */
		if ((id = ASN1_OCTET_STRING_new()) == NULL)
			return TC_ERR_NOMEM;
		if (ASN1_OCTET_STRING_set(id,
			(const unsigned char *)TC_COSE_SM2_ID,
			(int)strlen(TC_COSE_SM2_ID)) != 1) {
			ASN1_OCTET_STRING_free(id);
			return TC_ERR_NOMEM;
		}
		X509_set0_distinguishing_id(cert, id);
	} else
		return TC_ERR_UNSUPPORTED_ALG;
	if (X509_verify(cert, issuer_key) != 1) {
		ERR_clear_error();
		return TC_ERR_BAD_SIGNATURE;
	}
	return 0;
}

/* Parses a DER certificate that must fill the byte string exactly. */
static int
parse_cert(const uint8_t *der, size_t len, X509 **out, const char *what,
    char *err, size_t errlen)
{
	const unsigned char *p = der;
	X509 *x;
	uint32_t flags;

	*out = NULL;
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "%s: not a DER X.509 certificate", what);
	}
	if (p != der + len) {
		X509_free(x);
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "%s: %zu bytes after the certificate", what,
		    (size_t)(der + len - p));
	}
	flags = X509_get_extension_flags(x);
	if (X509_get_version(x) != X509_VERSION_3 ||
	    (flags & EXFLAG_INVALID) != 0) {
		X509_free(x);
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "%s: not a valid X.509 v3 certificate", what);
	}
	*out = x;
	return 0;
}

static int
check_validity(X509 *x, time_t now, const char *what, time_t *nb, time_t *na,
    char *err, size_t errlen)
{
	char when[32];

	if (tc_trust_asn1_time(X509_get0_notBefore(x), nb) != 0 ||
	    tc_trust_asn1_time(X509_get0_notAfter(x), na) != 0)
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "%s: unreadable validity dates", what);
	if (now < *nb) {
		fmt_time(*nb, when, sizeof(when));
		return tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "%s: not valid before %s", what, when);
	}
	if (now > *na) {
		fmt_time(*na, when, sizeof(when));
		return tc_seterr(err, errlen, TC_ERR_EXPIRED,
		    "%s: expired on %s", what, when);
	}
	return 0;
}

/* Checks the CA certificate and makes its COSE key. */
static int
load_ca(
    X509 *ca, time_t now, struct tc_cose_key **key, char *err, size_t errlen)
{
	uint8_t kid[TC_COSE_KID_LEN];
	uint32_t flags;
	EVP_PKEY *pk;
	time_t nb, na;
	int e;

	*key = NULL;
	flags = X509_get_extension_flags(ca);
	if ((flags & EXFLAG_BCONS) == 0 || (flags & EXFLAG_CA) == 0 ||
	    (flags & EXFLAG_KUSAGE) == 0 ||
	    (X509_get_key_usage(ca) & KU_KEY_CERT_SIGN) == 0)
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "CA certificate: not a CA (basicConstraints CA:TRUE and keyUsage keyCertSign required)");
	if ((pk = X509_get0_pubkey(ca)) == NULL) {
		ERR_clear_error();
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "CA certificate: unreadable public key");
	}
	if ((e = tc_cose_kid_of_pkey(pk, kid)) != 0)
		return tc_seterr(err, errlen, e,
		    "CA certificate: cannot compute the key id");
	if ((e = tc_cose_key_new(key, pk, kid, sizeof(kid), err, errlen)) != 0)
		return e;
	if (X509_check_issued(ca, ca) != X509_V_OK)
		return tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "CA certificate: not self-issued");
	e = tc_trust_cert_verify(ca, tc_cose_key_pkey(*key));
	if (e == TC_ERR_UNSUPPORTED_ALG)
		return tc_seterr(err, errlen, e,
		    "CA certificate: signature algorithm does not match its key");
	if (e != 0)
		return tc_seterr(
		    err, errlen, e, "CA certificate: bad self-signature");
	return check_validity(ca, now, "CA certificate", &nb, &na, err, errlen);
}

/* Checks signer i against the CA and adds its key to the keyring. */
static int
load_signer(struct tc_trust *t, size_t i, const struct entry *ent, X509 *ca,
    const struct tc_cose_key *cakey, time_t now, char *err, size_t errlen)
{
	struct tc_trust_signer_info *info = &t->info[i];
	struct tc_cose_key *k = NULL;
	uint8_t kid[TC_COSE_KID_LEN];
	char what[64], kidhex[2 * TC_COSE_KID_LEN + 1];
	X509 *x = NULL;
	EVP_PKEY *pk;
	uint32_t flags;
	int e = TC_ERR_INTERNAL, v;

	tc_hex_encode(ent->e.kid, sizeof(ent->e.kid), kidhex);
	snprintf(what, sizeof(what), "signer %zu (kid %s)", i, kidhex);
	if ((e = parse_cert(
		 ent->e.cert, ent->e.certlen, &x, what, err, errlen)) != 0)
		goto out;
	flags = X509_get_extension_flags(x);
	if ((flags & EXFLAG_CA) != 0 || (flags & EXFLAG_KUSAGE) == 0 ||
	    (X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE) == 0) {
		e = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "%s: not a signer certificate (keyUsage digitalSignature, not a CA)",
		    what);
		goto out;
	}
	if ((v = X509_check_issued(ca, x)) != X509_V_OK) {
		e = tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "%s: not issued by the CA (%s)", what,
		    X509_verify_cert_error_string(v));
		goto out;
	}
	if ((e = tc_trust_cert_verify(x, tc_cose_key_pkey(cakey))) != 0) {
		e = tc_seterr(err, errlen, e, "%s: %s", what,
		    e == TC_ERR_UNSUPPORTED_ALG
			? "signature algorithm does not match the CA key"
			: "bad CA signature");
		goto out;
	}
	if ((e = check_validity(x, now, what, &info->not_before,
		 &info->not_after, err, errlen)) != 0)
		goto out;
	if ((pk = X509_get0_pubkey(x)) == NULL) {
		ERR_clear_error();
		e = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "%s: unreadable public key", what);
		goto out;
	}
	if ((e = tc_cose_kid_of_pkey(pk, kid)) != 0) {
		e = tc_seterr(
		    err, errlen, e, "%s: cannot compute the key id", what);
		goto out;
	}
	if (memcmp(kid, ent->e.kid, sizeof(kid)) != 0) {
		e = tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
		    "%s: the certificate's key has another kid", what);
		goto out;
	}
	if ((e = tc_cose_key_new(&k, pk, kid, sizeof(kid), err, errlen)) != 0)
		goto out;
	if (tc_cose_key_alg(k) != ent->e.alg) {
		e = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "%s: alg %d does not match the certificate's key (%d)",
		    what, ent->e.alg, tc_cose_key_alg(k));
		goto out;
	}
	memcpy(info->kid, kid, sizeof(kid));
	info->alg = ent->e.alg;
	info->status = ent->e.status;
	e = tc_cose_keyring_add(t->kr, k);
	k = NULL; /* the keyring owns it, even on failure */
	if (e == TC_ERR_EXISTS)
		e = tc_seterr(
		    err, errlen, TC_ERR_CONSTRAINT, "%s: kid repeats", what);
out:
	tc_cose_key_free(k);
	X509_free(x);
	return e;
}

int
tc_trust_load(struct tc_trust **out, const uint8_t *data, size_t len,
    const uint8_t *ca_pin, time_t now, char *err, size_t errlen)
{
	struct tc_cose_sign1 msg;
	struct tc_trust *t = NULL;
	struct tc_cose_key *cakey = NULL;
	struct payload *pl = NULL;
	const uint8_t *cakid;
	size_t i, cakidlen;
	X509 *ca = NULL;
	int r = TC_ERR_INTERNAL;

	tc_cose_sign1_init(&msg);
	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (len == 0)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED,
		    "the trust list is empty (0 bytes)");
	if (data == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_trust_load: NULL data");
	if (len > TC_TRUST_MAX_INPUT)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "trust list of %zu bytes; at most %u accepted", len,
		    TC_TRUST_MAX_INPUT);
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (pl = calloc(1, sizeof(*pl))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if ((r = tc_cose_sign1_decode(&msg, data, len, err, errlen)) != 0 ||
	    (r = parse_payload(
		 msg.payload.data, msg.payload.len, pl, err, errlen)) != 0 ||
	    (r = parse_cert(
		 pl->ca, pl->calen, &ca, "CA certificate", err, errlen)) != 0)
		goto out;
	SHA256(pl->ca, pl->calen, t->ca_fpr);
	if (ca_pin != NULL &&
	    tc_memeq_ct(ca_pin, t->ca_fpr, TC_TRUST_FPR_LEN) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
		    "the CA certificate in the list is not the pinned CA");
		goto out;
	}
	if ((r = load_ca(ca, now, &cakey, err, errlen)) != 0)
		goto out;
	cakid = tc_cose_key_kid(cakey, &cakidlen);
	if (msg.kidlen != cakidlen || memcmp(msg.kid, cakid, cakidlen) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
		    "the list's kid is not the CA's kid");
		goto out;
	}
	if ((r = tc_cose_sign1_verify(&msg, cakey, err, errlen)) != 0)
		goto out;
	if ((r = tc_cose_keyring_new(&t->kr)) != 0)
		goto out;
	for (i = 0; i < pl->n; i++)
		if ((r = load_signer(
			 t, i, &pl->ent[i], ca, cakey, now, err, errlen)) != 0)
			goto out;
	t->n = pl->n;
	t->issued_at = (time_t)pl->issued_at;
	*out = t;
	t = NULL; /* transferred */
	r = 0;
out:
	tc_cose_sign1_release(&msg);
	tc_cose_key_free(cakey);
	X509_free(ca);
	free(pl);
	tc_trust_free(t);
	return r;
}

void
tc_trust_free(struct tc_trust *t)
{
	if (t == NULL)
		return;
	tc_cose_keyring_free(t->kr);
	free(t);
}

const struct tc_cose_keyring *
tc_trust_keyring(const struct tc_trust *t)
{
	return t->kr;
}

time_t
tc_trust_issued_at(const struct tc_trust *t)
{
	return t->issued_at;
}

const uint8_t *
tc_trust_ca_fingerprint(const struct tc_trust *t)
{
	return t->ca_fpr;
}

size_t
tc_trust_signer_count(const struct tc_trust *t)
{
	return t->n;
}

int
tc_trust_signer(
    const struct tc_trust *t, size_t i, struct tc_trust_signer_info *info)
{
	if (i >= t->n)
		return TC_ERR_RANGE;
	*info = t->info[i];
	return 0;
}
