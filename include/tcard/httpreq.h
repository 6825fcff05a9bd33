/* SPDX-License-Identifier: MIT */
/*
 * Parsers of the HTTP requests that tcard-verifierd receives: strict UTF-8
 * checking, URL query strings and application/x-www-form-urlencoded bodies
 * (one parser for both), and the JSON body of POST /v1/verify. They are
 * pure functions of their input, bounded at every size and fuzzed
 * (tests/fuzz/fuzz_query.c, fuzz_reqjson.c); the daemon turns their errors
 * into 4xx answers with a JSON error. The rules and the error answers are
 * in docs/verifierd.md.
 */
#ifndef TCARD_HTTPREQ_H
#define TCARD_HTTPREQ_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/credential.h"

#define TC_FORM_INPUT_MAX  4096 /* longest query string or form body */
#define TC_FORM_MAX_FIELDS 16	/* parameters in one query or form */
#define TC_FORM_NAME_MAX   32	/* bytes of a parameter name */

#define TC_VERIFY_REQ_MAX    8192 /* longest JSON body of /v1/verify */
#define TC_VERIFY_REQ_ID_MAX 64	  /* bytes of the "id" member */

/*
 * Checks that the len bytes at p are well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF) without control
 * characters (U+0000-001F, U+007F-009F). Returns 0, or
 * TC_ERR_BAD_ENCODING with *bad (may be NULL) set to the byte offset of the
 * first offending sequence.
 */
int tc_utf8_check(const uint8_t *p, size_t len, size_t *bad /* OUT */);

/*
 * The one decoder of application/x-www-form-urlencoded text, for the
 * verifier's tc_form_parse and tcard-issuerd's tc_webform_parse
 * (include/tcard/webform.h): decodes s[from..to) ('+' is a space, "%XX" a
 * byte) onto store at offset *w, NUL-terminates it and advances *w past
 * the NUL. store must have room for to - from + 1 more bytes (decoding
 * never lengthens). Returns 0, or TC_ERR_MALFORMED with *where the offset
 * in s of a '%' not followed by two hex digits (store then holds part).
 */
int tc_form_decode(const char *s, size_t from, size_t to, char *store,
    size_t *w /* IN/OUT */, size_t *where /* OUT */);

/* One decoded parameter; both strings live in the form's store. */
struct tc_form_field {
	const char *name;  /* [a-z0-9_-], 1 to TC_FORM_NAME_MAX bytes */
	const char *value; /* decoded, UTF-8, no control characters */
	size_t len;	   /* bytes of value */
};

/* A parsed query string or form body (caller-owned storage, no heap). */
struct tc_form {
	struct tc_form_field f[TC_FORM_MAX_FIELDS];
	size_t n;
	char store[TC_FORM_INPUT_MAX + 2];
};

/*
 * Parses a query string (without the '?') or a form body: pairs separated
 * by '&', each "name=value" or "name" (empty value), empty pairs skipped;
 * '+' is a space and %XX a byte (hex digits of either case). Names must be
 * 1 to TC_FORM_NAME_MAX characters of a-z, 0-9, '_' and '-' after
 * decoding; values must decode to UTF-8 without control characters. A name
 * may appear once. Fills *form. Returns 0 or
 *   TC_ERR_INVALID_ARG   form NULL, or s NULL with len > 0;
 *   TC_ERR_TOO_LARGE     len over TC_FORM_INPUT_MAX, more than
 *                        TC_FORM_MAX_FIELDS parameters, a name too long;
 *   TC_ERR_MALFORMED     a '%' not followed by two hex digits, a bad or
 *                        repeated name (err gives the byte offset);
 *   TC_ERR_BAD_ENCODING  a value that is not UTF-8 or holds a control
 *                        character (err names the parameter).
 * On failure form->n is 0.
 */
int tc_form_parse(struct tc_form *form /* OUT */, const char *s, size_t len,
    char *err, size_t errlen);

/*
 * The value of parameter name in form (owned by form), with its length in
 * *len (may be NULL); NULL when absent.
 */
const char *tc_form_get(
    const struct tc_form *form, const char *name, size_t *len /* OUT */);

/*
 * Fails with TC_ERR_MALFORMED ("unknown parameter 'x'") when form holds a
 * parameter whose name is not in the NULL-terminated list allowed;
 * returns 0 otherwise.
 */
int tc_form_only(const struct tc_form *form, const char *const *allowed,
    char *err, size_t errlen);

/* The body of POST /v1/verify. */
struct tc_verify_req {
	char qr[TC_CRED_TEXT_MAX + 1]; /* the QR text, NUL-terminated */
	size_t qrlen;
	char id[TC_VERIFY_REQ_ID_MAX + 1]; /* "" when absent or null */
	int has_id;
};

/*
 * Parses the JSON body {"qr": "TC1:...", "id": "..."} (len bytes): one
 * object, the member "qr" a string of 1 to TC_CRED_TEXT_MAX bytes
 * (required), "id" a string of at most TC_VERIFY_REQ_ID_MAX bytes or null
 * (optional), no other member, no repeated member, valid UTF-8 and nothing
 * after the object. Fills *out. Returns 0 or
 *   TC_ERR_INVALID_ARG   out NULL, or body NULL with len > 0;
 *   TC_ERR_TOO_LARGE     len over TC_VERIFY_REQ_MAX, "qr" or "id" too long;
 *   TC_ERR_MALFORMED     not JSON (err gives the byte offset), not an
 *                        object, a missing, unknown or mistyped member;
 *   TC_ERR_BAD_ENCODING  a string holding a control character.
 * On failure *out is zeroed. The caller wipes out->id after use.
 */
int tc_verify_req_parse(struct tc_verify_req *out /* OUT */,
    const uint8_t *body, size_t len, char *err, size_t errlen);

/* The body of POST /v1/services/{service}/redeem. */
#define TC_REDEEM_REQ_MAX   8192 /* longest JSON body */
#define TC_REDEEM_TAP_LEN   32	 /* hex digits of a tap id */
#define TC_REDEEM_PARTY_MAX 99	 /* largest party */
#define TC_REDEEM_REQID_MAX 64	 /* as TC_LEDGER_REQID_MAX */

struct tc_redeem_req {
	char qr[TC_CRED_TEXT_MAX + 1]; /* "" when the card was tapped */
	size_t qrlen;
	char tap[TC_REDEEM_TAP_LEN + 1]; /* "" when a QR text is given */
	int party;			 /* 1 when absent */
	char request_id[TC_REDEEM_REQID_MAX + 1];
};

/*
 * Parses the JSON body {"qr": "TC1:..." | "tap": "HEX32", "party": N,
 * "request_id": "..."} (len bytes): one object with exactly one of "qr"
 * (a string of 1 to TC_CRED_TEXT_MAX bytes) and "tap" (32 lower-case hex
 * digits: a tap at the window's reader), "party" optional (an integer 1 to
 * TC_REDEEM_PARTY_MAX, default 1), "request_id" required (1 to 64
 * characters of A-Z a-z 0-9 . _ : -, chosen by the client so that a retry
 * counts once), no other member, no repeated member, nothing after the
 * object. Fills *out. Returns 0 or
 *   TC_ERR_INVALID_ARG   out NULL, or body NULL with len > 0;
 *   TC_ERR_TOO_LARGE     len over TC_REDEEM_REQ_MAX, "qr" too long;
 *   TC_ERR_MALFORMED     not JSON (err gives the byte offset), not an
 *                        object, a missing, unknown, repeated or mistyped
 *                        member, both or neither of "qr" and "tap", a
 *                        party or request id out of its range;
 *   TC_ERR_BAD_ENCODING  a string holding a control character.
 * On failure *out is zeroed.
 */
int tc_redeem_req_parse(struct tc_redeem_req *out /* OUT */,
    const uint8_t *body, size_t len, char *err, size_t errlen);

/* 1 when s is a request id: 1 to 64 of A-Z a-z 0-9 . _ : - */
int tc_request_id_ok(const char *s);

/*
 * Decodes the path of a raw request target s (len bytes; it ends at the
 * first '?' or at len) into out: %XX escapes (hex digits of either case)
 * become bytes, '+' stays '+'. The decoded path is never longer than the
 * raw one, so outmax = len + 1 always suffices. A decoded path is what the
 * daemon routes on, so it must not hide anything from a C string compare:
 * an escape that decodes to NUL (%00) or to '/' inside a segment (%2F) is
 * refused, and so is any control character. Fills out (NUL-terminated)
 * and *outlen (may be NULL). Returns 0 or
 *   TC_ERR_INVALID_ARG   out NULL or outmax 0, or s NULL with len > 0;
 *   TC_ERR_TOO_LARGE     outmax too small for the decoded path;
 *   TC_ERR_MALFORMED     a '%' not followed by two hex digits, %00, %2F,
 *                        a control character (err gives the byte offset).
 * On failure out is "".
 */
int tc_url_path_decode(const char *s, size_t len, char *out /* OUT */,
    size_t outmax, size_t *outlen /* OUT */, char *err, size_t errlen);

/*
 * The message framing of an HTTP/1.1 request (RFC 9112 section 6): fed
 * every header field of a request, one at a time, before its body is read.
 */
struct tc_http_framing {
	unsigned te;	   /* Transfer-Encoding fields */
	int te_other;	   /* one of them is not exactly "chunked" */
	unsigned cl;	   /* Content-Length fields */
	int cl_differ;	   /* two Content-Length values differ */
	char cl_first[24]; /* the first Content-Length value (cut) */
};

void tc_http_framing_init(struct tc_http_framing *f /* OUT */);
/* Adds one header field (name compared without case; NULLs ignored). */
void tc_http_framing_add(
    struct tc_http_framing *f, const char *name, const char *value);

/*
 * Judges the framing gathered in f for a request of HTTP/1.0 (http10 1)
 * or HTTP/1.1. Returns 0 (at most one Content-Length, or one
 * Transfer-Encoding: chunked on HTTP/1.1, and not both) or
 *   TC_ERR_MALFORMED     both Transfer-Encoding and Content-Length, two
 *                        Content-Length fields (equal or not), two
 *                        Transfer-Encoding fields, Transfer-Encoding on
 *                        HTTP/1.0: the framing is ambiguous (answer 400
 *                        and close the connection);
 *   TC_ERR_UNSUPPORTED   a transfer coding other than "chunked" (answer
 *                        501 and close).
 * err says which.
 */
int tc_http_framing_check(
    const struct tc_http_framing *f, int http10, char *err, size_t errlen);

#endif
