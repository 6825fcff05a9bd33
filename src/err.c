/* SPDX-License-Identifier: MIT */
/*
 * Error code descriptions (include/tcard/err.h). One table maps each code to
 * its symbolic name and description; keep it in the header's order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "tcard/err.h"

static const struct {
	int code;
	const char *name;
	const char *text;
} errtab[] = {
	{ TC_OK, "ok", "success" },
	{ TC_ERR_INTERNAL, "internal", "internal error" },
	{ TC_ERR_NOMEM, "no-memory", "out of memory" },
	{ TC_ERR_INVALID_ARG, "invalid-argument", "invalid argument" },
	{ TC_ERR_TOO_LARGE, "too-large", "input or output too large" },
	{ TC_ERR_TRUNCATED, "truncated", "input truncated" },
	{ TC_ERR_MALFORMED, "malformed", "malformed input" },
	{ TC_ERR_BAD_ENCODING, "bad-encoding",
	    "invalid character in encoding" },
	{ TC_ERR_BAD_CHECK, "bad-check", "check digit or character is wrong" },
	{ TC_ERR_TOO_DEEP, "too-deep", "nesting too deep" },
	{ TC_ERR_RANGE, "out-of-range", "value out of range" },
	{ TC_ERR_BAD_DATE, "bad-date", "invalid date" },
	{ TC_ERR_IO, "io", "input/output error" },
	{ TC_ERR_NOT_FOUND, "not-found", "not found" },
	{ TC_ERR_EXISTS, "exists", "already exists" },
	{ TC_ERR_PERM, "bad-permissions",
	    "insecure or insufficient permissions" },
	{ TC_ERR_UNSUPPORTED, "unsupported", "unsupported feature" },
	{ TC_ERR_TRAILING, "trailing-data", "trailing data after the end" },
	{ TC_ERR_CRYPTO, "crypto", "cryptographic library failure" },
	{ TC_ERR_BAD_SIGNATURE, "bad-signature", "signature does not verify" },
	{ TC_ERR_UNKNOWN_KEY, "unknown-key",
	    "no trusted key with this key id" },
	{ TC_ERR_UNSUPPORTED_ALG, "unsupported-alg",
	    "algorithm not supported" },
	{ TC_ERR_CRIT_HEADER, "critical-header", "unknown critical header" },
	{ TC_ERR_KEY_FORMAT, "bad-key", "key or certificate cannot be parsed" },
	{ TC_ERR_DECRYPT, "decrypt-failed", "authenticated decryption failed" },
	{ TC_ERR_CARD, "card-error", "unexpected answer from the card" },
	{ TC_ERR_NO_READER, "no-reader", "reader not found" },
	{ TC_ERR_CARD_REMOVED, "card-removed", "card removed" },
	{ TC_ERR_CARD_TIMEOUT, "card-timeout", "card did not answer in time" },
	{ TC_ERR_BAD_SW, "bad-status-word", "card returned an error status" },
	{ TC_ERR_NO_SERVICE, "no-pcscd", "PC/SC service not running" },
	{ TC_ERR_SHARING, "sharing-violation",
	    "card in use by another program" },
	{ TC_ERR_SECURE_CHANNEL, "secure-channel", "secure channel failure" },
	{ TC_ERR_DB, "database", "database error" },
	{ TC_ERR_DB_BUSY, "database-busy", "database is locked" },
	{ TC_ERR_DB_DOWN, "database-down",
	    "database server cannot be reached" },
	{ TC_ERR_DB_SCHEMA, "schema-too-new",
	    "database schema is newer than this program" },
	{ TC_ERR_AUDIT_BROKEN, "audit-broken", "audit log hash chain broken" },
	{ TC_ERR_CONSTRAINT, "constraint", "constraint violated" },
	{ TC_ERR_POLICY, "refused", "refused by policy" },
	{ TC_ERR_STATE, "bad-state", "not allowed in the current state" },
	{ TC_ERR_FORBIDDEN, "forbidden", "role not permitted" },
	{ TC_ERR_FOUR_EYES, "four-eyes", "same operator may not act twice" },
	{ TC_ERR_EXPIRED, "expired", "expired" },
	{ TC_ERR_NOT_YET_VALID, "not-yet-valid", "not yet valid" },
	{ TC_ERR_REVOKED, "revoked", "revoked" },
	{ TC_ERR_BLACKLISTED, "blacklisted", "person or employer barred" },
	{ TC_ERR_QUOTA, "quota-exhausted", "no uses left" },
	{ TC_ERR_AUTH, "auth-failed", "authentication failed" },
	{ TC_ERR_STALE, "stale", "not newer than the one held" },
};

static int
lookup(int code)
{
	size_t i;

	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].code == code)
			return (int)i;
	return -1;
}

const char *
tc_strerror(int code)
{
	int i = lookup(code);

	return i < 0 ? "unknown error" : errtab[i].text;
}

const char *
tc_errname(int code)
{
	int i = lookup(code);

	return i < 0 ? "unknown" : errtab[i].name;
}

int
tc_seterr(char *msg, size_t msglen, int code, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || msglen == 0)
		return code;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return code;
}
