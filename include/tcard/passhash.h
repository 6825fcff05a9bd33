/* SPDX-License-Identifier: MIT */
/*
 * Salted, slow hashing of operator passphrases with scrypt (RFC 7914,
 * through OpenSSL 3's EVP_KDF "SCRYPT"), stored as a PHC-style string
 *     $scrypt$ln=15,r=8,p=1$<salt>$<hash>
 * where N = 2^ln and salt and hash are unpadded standard base64 (16 random
 * bytes, 32 bytes). A passphrase is UTF-8, normalised to NFKC before it is
 * hashed (NIST SP 800-63B 5.1.1.2: full-width and half-width forms, or
 * composed and decomposed accents, typed on different machines give the
 * same hash), and must have at least TC_PASSHASH_MIN_CHARS code points.
 * Parameters read back from a stored string are bounded so that an altered
 * row cannot make a check take minutes or gigabytes. Format, limits and
 * reasons: docs/operators.md.
 */
#ifndef TCARD_PASSHASH_H
#define TCARD_PASSHASH_H

#include <stddef.h>
#include <stdint.h>

/* What tc_passhash_make writes. */
#define TC_PASSHASH_LN_DEFAULT 15 /* N = 32768: ~32 MiB, ~0.1 s here */
#define TC_PASSHASH_R	       8
#define TC_PASSHASH_P	       1
#define TC_PASSHASH_SALT_LEN   16
#define TC_PASSHASH_HASH_LEN   32

/* tc_passhash_set_cost accepts ln in this range. */
#define TC_PASSHASH_LN_MIN 4
#define TC_PASSHASH_LN_MAX 20

/* Bounds on a stored string's parameters (tc_passhash_check). */
#define TC_PASSHASH_R_MAX    32
#define TC_PASSHASH_P_MAX    16
#define TC_PASSHASH_MEM_MAX  (1024ull * 1024 * 1024) /* 128 * r * N bytes */
#define TC_PASSHASH_WORK_MAX (1ull << 23)	     /* N * r * p */
#define TC_PASSHASH_SALT_MIN 4
#define TC_PASSHASH_SALT_MAX 64
#define TC_PASSHASH_OUT_MIN  16
#define TC_PASSHASH_OUT_MAX  64

/* Passphrase rules. */
#define TC_PASSHASH_MIN_CHARS 12   /* code points, after NFKC */
#define TC_PASSHASH_MAX_BYTES 1024 /* UTF-8 bytes, as given */

/*
 * Longest stored string tc_passhash_check accepts, NUL included. What
 * tc_passhash_make writes (about 90 bytes) always fits in
 * TC_PASSHASH_TEXT_MAX.
 */
#define TC_PASSHASH_STORED_MAX 256
#define TC_PASSHASH_TEXT_MAX   128

/*
 * Sets the cost (ln, N = 2^ln) of the hashes tc_passhash_make writes from
 * now on, for the whole process. The default is TC_PASSHASH_LN_DEFAULT;
 * lower values are for tests and demonstrations only (the programs honour
 * $TCARD_SCRYPT_LN and warn below the default). Returns 0, or
 * TC_ERR_RANGE outside TC_PASSHASH_LN_MIN..TC_PASSHASH_LN_MAX (the cost is
 * then unchanged).
 */
int tc_passhash_set_cost(int ln);

/* The current cost (ln). */
int tc_passhash_cost(void);

/*
 * Checks a new passphrase against the rules: valid UTF-8, no control
 * characters, at most TC_PASSHASH_MAX_BYTES bytes, at least
 * TC_PASSHASH_MIN_CHARS code points after NFKC normalisation. Returns 0;
 * TC_ERR_INVALID_ARG (NULL); TC_ERR_BAD_ENCODING (not UTF-8, or a control
 * character; err gives the byte offset); TC_ERR_TOO_LARGE; TC_ERR_POLICY
 * (too short: err says how many characters it has and how many are
 * needed); TC_ERR_NOMEM. err never contains the passphrase.
 */
int tc_passhash_policy(const char *pass, char *err, size_t errlen);

/*
 * Hashes a new passphrase: checks it with tc_passhash_policy, draws a
 * random salt and writes the stored string, NUL-terminated, to out (outlen
 * bytes; TC_PASSHASH_TEXT_MAX suffices) at the current cost. Returns 0,
 * the errors of tc_passhash_policy, TC_ERR_TOO_LARGE when outlen is too
 * small, TC_ERR_CRYPTO or TC_ERR_NOMEM. On failure out is "" (when outlen
 * > 0). The normalised copy of the passphrase is wiped before returning.
 */
int tc_passhash_make(const char *pass, char *out /* OUT */, size_t outlen,
    char *err, size_t errlen);

/*
 * Checks pass against a stored string. The stored parameters must be
 * within the bounds above. The comparison takes constant time. Returns
 *   0                  the passphrase matches;
 *   TC_ERR_AUTH        it does not (also for a passphrase that is not
 *                      UTF-8 or longer than TC_PASSHASH_MAX_BYTES, which
 *                      tc_passhash_make would never have hashed);
 *   TC_ERR_MALFORMED   stored is not a string of this format, or its
 *                      parameters are out of bounds (err says which part);
 *   TC_ERR_INVALID_ARG a NULL argument;
 *   TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_passhash_check(
    const char *pass, const char *stored, char *err, size_t errlen);

/*
 * Does the work of one check at the current cost and discards it, so that
 * a caller refusing an unknown name takes as long as one refusing a wrong
 * passphrase. Always returns TC_ERR_AUTH.
 */
int tc_passhash_dummy(const char *pass);

/*
 * Says whether a stored string should be replaced by a new hash of the
 * same passphrase: 1 when it is weaker than what tc_passhash_make writes
 * now (a lower ln than the current cost, other r or p, other salt or hash
 * lengths), 0 when not, TC_ERR_MALFORMED when it does not parse.
 */
int tc_passhash_needs_rehash(const char *stored);

/*
 * Checks the format and bounds of a stored string without hashing.
 * Returns 0 or TC_ERR_MALFORMED (err says which part).
 */
int tc_passhash_valid(const char *stored, char *err, size_t errlen);

/*
 * Raw scrypt (RFC 7914) of passlen bytes at pass with the given salt and
 * parameters (N = 2^ln), into outlen bytes at out, within the bounds above
 * (TC_ERR_RANGE otherwise). No normalisation: for known-answer tests.
 * Returns 0, TC_ERR_RANGE, TC_ERR_INVALID_ARG or TC_ERR_CRYPTO.
 */
int tc_passhash_scrypt(const uint8_t *pass, size_t passlen, const uint8_t *salt,
    size_t saltlen, unsigned ln, unsigned r, unsigned p, uint8_t *out /* OUT */,
    size_t outlen);

#endif
