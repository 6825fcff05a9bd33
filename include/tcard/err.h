/* SPDX-License-Identifier: MIT */
/*
 * Error codes of libtcard. A fallible function returns 0 on success or one of
 * the negative TC_ERR_* values below. The codes are grouped in ranges (input,
 * crypto, card/reader, registry, policy) and are never renumbered: they reach
 * logs, JSON answers and exit statuses. tc_strerror() gives a short English
 * description; tc_errname() the stable symbolic name without the prefix
 * ("bad-signature") that JSON answers and scripts use.
 */
#ifndef TCARD_ERR_H
#define TCARD_ERR_H

/* 0: success. */
#define TC_OK 0

/* -1 .. -99: general and input errors. */
#define TC_ERR_INTERNAL	    -1	/* a bug or an unexpected library failure */
#define TC_ERR_NOMEM	    -2	/* allocation failed */
#define TC_ERR_INVALID_ARG  -3	/* a caller passed a bad argument */
#define TC_ERR_TOO_LARGE    -4	/* input or output over its size cap */
#define TC_ERR_TRUNCATED    -5	/* input ends before a complete item */
#define TC_ERR_MALFORMED    -6	/* input does not follow its format */
#define TC_ERR_BAD_ENCODING -7	/* a character outside the alphabet */
#define TC_ERR_BAD_CHECK    -8	/* a check digit or character is wrong */
#define TC_ERR_TOO_DEEP	    -9	/* nesting deeper than allowed */
#define TC_ERR_RANGE	    -10 /* a value outside its allowed range */
#define TC_ERR_BAD_DATE	    -11 /* not a real date, or in the future */
#define TC_ERR_IO	    -12 /* reading or writing a file failed */
#define TC_ERR_NOT_FOUND    -13 /* the named thing does not exist */
#define TC_ERR_EXISTS	    -14 /* the thing exists and may not be overwritten */
#define TC_ERR_PERM	    -15 /* insecure or insufficient file permissions */
#define TC_ERR_UNSUPPORTED  -16 /* a valid but unsupported feature */
#define TC_ERR_TRAILING	    -17 /* bytes left after a complete item */

/* -100 .. -199: cryptography. */
#define TC_ERR_CRYPTO	       -100 /* the crypto library failed */
#define TC_ERR_BAD_SIGNATURE   -101 /* the signature does not verify */
#define TC_ERR_UNKNOWN_KEY     -102 /* no trusted key with this key id */
#define TC_ERR_UNSUPPORTED_ALG -103 /* algorithm not allowed or not known */
#define TC_ERR_CRIT_HEADER     -104 /* an unknown critical header */
#define TC_ERR_KEY_FORMAT      -105 /* a key or certificate cannot be parsed */
#define TC_ERR_DECRYPT	       -106 /* authenticated decryption failed */

/* -200 .. -299: card and reader. */
#define TC_ERR_CARD	      -200 /* the card answered something unexpected */
#define TC_ERR_NO_READER      -201 /* the named reader is not present */
#define TC_ERR_CARD_REMOVED   -202 /* the card went away */
#define TC_ERR_CARD_TIMEOUT   -203 /* the card did not answer in time */
#define TC_ERR_BAD_SW	      -204 /* an error status word */
#define TC_ERR_NO_SERVICE     -205 /* pcscd is not running */
#define TC_ERR_SHARING	      -206 /* another program holds the card */
#define TC_ERR_SECURE_CHANNEL -207 /* secure channel authentication or MAC */

/* -300 .. -399: registry. */
#define TC_ERR_DB	    -300 /* SQLite reported an error */
#define TC_ERR_DB_BUSY	    -301 /* the database stayed locked */
#define TC_ERR_DB_SCHEMA    -302 /* schema version newer than this program */
#define TC_ERR_DB_DOWN	    -303 /* the database server cannot be reached */
#define TC_ERR_AUDIT_BROKEN -303 /* the audit hash chain does not verify */
#define TC_ERR_CONSTRAINT   -304 /* a uniqueness or reference constraint */

/* -400 .. -499: policy. */
#define TC_ERR_POLICY	     -400 /* refused by a rule */
#define TC_ERR_STATE	     -401 /* not allowed in the current state */
#define TC_ERR_FORBIDDEN     -402 /* the operator's role may not do this */
#define TC_ERR_FOUR_EYES     -403 /* same operator on two steps */
#define TC_ERR_EXPIRED	     -404 /* past its validity */
#define TC_ERR_NOT_YET_VALID -405 /* before its validity */
#define TC_ERR_REVOKED	     -406 /* revoked */
#define TC_ERR_BLACKLISTED   -407 /* person or employer barred */
#define TC_ERR_QUOTA	     -408 /* no uses left */
#define TC_ERR_AUTH	     -409 /* wrong passphrase or disabled operator */
#define TC_ERR_STALE	     -410 /* not newer than what is held */

/*
 * Returns a static English description of code (never NULL; unknown codes
 * give "unknown error").
 */
const char *tc_strerror(int code);

/*
 * Returns the stable lower-case symbolic name of code, for example
 * "bad-signature" for TC_ERR_BAD_SIGNATURE (never NULL; "unknown").
 */
const char *tc_errname(int code);

/*
 * Formats a message into msg (size msglen, may be NULL or 0, then nothing is
 * written) and returns code, so a failure path reads
 *     return tc_seterr(err, errlen, TC_ERR_MALFORMED, "byte %zu: ...", off);
 * The message is for a person: what was wrong and where.
 */
int tc_seterr(char *msg, size_t msglen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
