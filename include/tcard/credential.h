/* SPDX-License-Identifier: MIT */
/*
 * The signed credential of a talent card: its claims as a deterministic CBOR
 * map with small integer keys, signed as a COSE_Sign1 (include/tcard/cose.h)
 * and, for the QR e-card, turned into text as "TC1:" + Base45 of the
 * zlib-compressed COSE bytes (or "TC1N:" + Base45 of the COSE bytes when
 * compression does not make them smaller). The credential carries no ID
 * number: a holder binding (an 8-byte scrypt tag of the normalised ID
 * number, salted with the card number) lets a verifier handed the holder's
 * ID document confirm that it belongs to the holder. The programme is a
 * small integer code (the programme file's "code"); tc_programme_set_find_code
 * turns it back into the programme. Decoding is strict and
 * bounded at every layer; tc_credential_verify() runs every check in a
 * fixed order and says why a credential is refused with one of seven reason
 * codes. The exact bytes and what the binding reveals: docs/formats.md,
 * section "Credential and QR e-card".
 */
#ifndef TCARD_CREDENTIAL_H
#define TCARD_CREDENTIAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/status.h"

struct tc_revocations; /* include/tcard/revocation.h */

#define TC_CRED_VERSION	     1	     /* the "1" of the prefixes */
#define TC_CRED_PREFIX	     "TC1:"  /* zlib-compressed */
#define TC_CRED_PREFIX_PLAIN "TC1N:" /* not compressed */
#define TC_CRED_TEXT_MAX     1024    /* longest QR text decoded */
#define TC_CRED_INFLATE_MAX  4096    /* largest inflated COSE */
#define TC_CRED_SKEW	     300     /* seconds of clock skew allowed */
#define TC_CRED_BINDING_LEN  8	     /* scrypt tag */
#define TC_CRED_DAY_MAX	     2932896 /* day number of 9999-12-31 */
#define TC_CRED_SALT_PREFIX  "talentcard-binding-v1:" /* + card number */
#define TC_CRED_SCRYPT_LN    14 /* N = 2^14, r = 8, p = 1 */
#define TC_CRED_CARD_KEY_MAX 128

/* Claims sizes, NUL included. */
#define TC_CRED_PROGRAMME_MAX	   33
#define TC_CRED_PROGRAMME_MAX_CODE 65535
#define TC_CRED_TIER_MAX	   33
#define TC_CRED_NAME_MAX	   257
#define TC_CRED_RELATION_MAX	   16

/*
 * The claims of a credential. Strings are NUL-terminated UTF-8 and must not
 * be longer than their arrays allow; an empty principal and relation mean a
 * main card, card_key_len 0 a QR e-card.
 */
struct tc_claims {
	char card_no[17];		       /* 16 digits */
	uint32_t programme_code;	       /* claim 2: programme "code" */
	char programme[TC_CRED_PROGRAMME_MAX]; /* its id, "" until resolved */
	char tier[TC_CRED_TIER_MAX];	       /* tier id */
	char name[TC_CRED_NAME_MAX];	       /* holder's name */
	uint8_t binding[TC_CRED_BINDING_LEN];  /* scrypt tag */
	int64_t issued_at; /* epoch s; carried as its Asia/Shanghai day */
	int64_t expires_at; /* epoch s, exclusive; carried as a day, rounded up */
	char principal[17];		     /* sub-cards: main card, else "" */
	char relation[TC_CRED_RELATION_MAX]; /* sub-cards, else "" */
	uint8_t card_key[TC_CRED_CARD_KEY_MAX]; /* chip: DER SPKI */
	size_t card_key_len;			/* 0 for QR e-cards */
};

/*
 * Reason codes of a refused credential (struct tc_verdict.reason), stable
 * strings for scripts and JSON.
 */
#define TC_REASON_BAD_SIGNATURE "bad-signature"
#define TC_REASON_UNKNOWN_KEY	"unknown-key"
#define TC_REASON_EXPIRED	"expired"
#define TC_REASON_NOT_YET_VALID "not-yet-valid"
#define TC_REASON_REVOKED	"revoked"
#define TC_REASON_MALFORMED	"malformed"
#define TC_REASON_ID_MISMATCH	"id-mismatch"
/* Set by tc_status_apply (include/tcard/status.h) from the status data. */
#define TC_REASON_SUSPENDED	    "suspended"		/* SUSPENDED */
#define TC_REASON_NO_REVOCATIONS    "no-revocations"	/* UNKNOWN-STATUS */
#define TC_REASON_STALE_REVOCATIONS "stale-revocations" /* UNKNOWN-STATUS */

/*
 * What tc_credential_verify found. reason and detail point to static
 * strings. detail is finer than reason: for malformed, one of "oversized",
 * "bad-prefix", "bad-base45", "zlib-bomb", "bad-zlib", "truncated",
 * "trailing-data", "alg-unprotected", "unsupported-alg", "critical-header",
 * "bad-cose", "bad-claims"; for the other reasons the reason itself.
 * claims is filled whenever the claims could be decoded (even when the
 * verdict is invalid, so a refusal can show whose card it was; they are
 * genuine only when authentic is 1, i.e. the signature verified); kid and
 * alg whenever the COSE could be decoded. message is for a person.
 */
struct tc_verdict {
	int valid;	    /* 1 only when every check passed */
	const char *reason; /* NULL when valid */
	const char *detail; /* NULL when valid */
	int have_claims;    /* claims below are filled */
	int authentic;	    /* the signature verified: the claims are genuine */
	struct tc_claims claims;
	uint8_t kid[TC_COSE_KID_LEN]; /* first 8 bytes of the kid */
	int alg;		      /* COSE alg, 0 when not decoded */
	char message[256];
	/* The card's status and its basis (tc_status_apply; zero, "not
	 * checked", after tc_credential_verify). */
	struct tc_status_answer status;
};

/*
 * Fills c->binding for the holder whose normalised ID number (as
 * tc_id_normalise writes it) is normalised_id: the first 8 bytes of
 * scrypt(normalised_id, TC_CRED_SALT_PREFIX || c->card_no, N = 2^14, r = 8,
 * p = 1). c->card_no must be set first. Returns 0, TC_ERR_INVALID_ARG (NULL
 * or empty id, an id longer than 23 characters, no valid card number),
 * TC_ERR_CRYPTO.
 */
int tc_claims_bind(
    struct tc_claims *c, const char *normalised_id, char *err, size_t errlen);

/*
 * Checks that typed_id (as a person typed it: spaces, full-width characters
 * and lower case are normalised here; the document type is not needed) is
 * the holder's ID number. The comparison takes constant time. Returns 0 on
 * a match, TC_ERR_POLICY when it does not match (or cannot be a number at
 * all), TC_ERR_INVALID_ARG (NULL), TC_ERR_CRYPTO.
 */
int tc_claims_check_id(
    const struct tc_claims *c, const char *typed_id, char *err, size_t errlen);

/*
 * Appends the CBOR claims map of c (deterministic encoding, keys 1..10 as in
 * docs/formats.md) to out. Returns 0, TC_ERR_INVALID_ARG (a claim that does
 * not follow its format: card number not 16 digits with a good Luhn digit,
 * empty programme, tier or name, negative dates, expiry not after issue,
 * principal given without relation or the reverse), TC_ERR_TOO_LARGE or
 * TC_ERR_NOMEM. On failure out is as it was.
 */
int tc_claims_encode(
    struct tc_buf *out, const struct tc_claims *c, char *err, size_t errlen);

/*
 * Decodes a claims map (p, len bytes) strictly: a definite map of keys in
 * ascending order, shortest heads, the required keys 1-7 present, the
 * optional 8-10 well-formed, unknown keys (0 and 11 up) refused,
 * nothing after the map. On failure *c is zeroed. Returns 0,
 * TC_ERR_TRUNCATED, TC_ERR_MALFORMED, TC_ERR_TRAILING, TC_ERR_UNSUPPORTED
 * (another version), TC_ERR_TOO_LARGE (a string over its array), or
 * TC_ERR_RANGE.
 */
int tc_claims_decode(struct tc_claims *c /* OUT */, const uint8_t *p,
    size_t len, char *err, size_t errlen);

/*
 * Signs the claims c with signer (a private key) and appends the QR text to
 * text: "TC1:" + Base45(zlib(COSE_Sign1)) when deflate makes the bytes
 * smaller, otherwise "TC1N:" + Base45(COSE_Sign1). The text is at most
 * TC_CRED_TEXT_MAX characters (TC_ERR_TOO_LARGE otherwise). On failure text
 * is as it was. Returns 0 or the errors of tc_claims_encode and
 * tc_cose_sign1_create.
 */
int tc_credential_encode(struct tc_buf *text /* OUT, appended */,
    const struct tc_claims *c, const struct tc_cose_key *signer, char *err,
    size_t errlen);

/*
 * Decodes the QR text (len bytes, no NUL needed) down to the COSE bytes
 * (appended to cose, whose cap should be at least TC_CRED_INFLATE_MAX), no
 * signature check. Returns 0 or a TC_ERR_* code; *detail (may be NULL) gets
 * the detail string of struct tc_verdict.
 */
int tc_credential_unwrap(struct tc_buf *cose /* OUT */, const char *text,
    size_t len, const char **detail /* OUT */, char *err, size_t errlen);

/*
 * Verifies a QR text (len bytes) fully, in this order: decode (text at most
 * TC_CRED_TEXT_MAX, prefix, Base45, inflate into TC_CRED_INFLATE_MAX,
 * COSE, claims: malformed); the kid must be in trust (unknown-key); the
 * message alg must be the key's (malformed, detail unsupported-alg); the
 * signature (bad-signature); the dates: issued_at > now + TC_CRED_SKEW is
 * not-yet-valid, now >= expires_at is expired; when rev is given, the serial
 * (digits 7-15 of the card number) must not be in it (revoked); when id is
 * given, the holder binding (id-mismatch). Fills *v. Returns 0 when the
 * checks ran (v->valid says the outcome), TC_ERR_INVALID_ARG (NULL text,
 * trust or v) or TC_ERR_NOMEM / TC_ERR_CRYPTO / TC_ERR_INTERNAL when
 * they could not run.
 */
int tc_credential_verify(const char *text, size_t len,
    const struct tc_cose_keyring *trust, const struct tc_revocations *rev,
    time_t now, const char *id, struct tc_verdict *v /* OUT */);

/*
 * The serial (digits 7-15) of a 16-digit card number, or 0 when card_no is
 * not 16 digits.
 */
uint64_t tc_claims_serial(const struct tc_claims *c);

#endif
