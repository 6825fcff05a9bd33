/* SPDX-License-Identifier: MIT */
/*
 * What a browser sends to tcard-issuerd's console and API, parsed: one
 * cookie out of a Cookie header (RFC 6265 section 5.4), an
 * application/x-www-form-urlencoded body, a multipart/form-data body
 * (RFC 7578, RFC 2046 section 5.1) and the session's CSRF token. These are
 * pure functions over bytes the daemon layer has already buffered (a
 * bounded tc_buf), bounded at every size, never printing, and fuzzed
 * (tests/fuzz/fuzz_cookie.c, fuzz_form.c, fuzz_multipart.c). No message
 * ever quotes a cookie or field value (it may be a session id, a
 * passphrase or an ID number): messages name the field and the byte.
 * The rules are in docs/web-input.md.
 *
 * The verifier's smaller query and form parser (tc_form_parse in
 * include/tcard/httpreq.h: 16 strict lower-case names, each once, no
 * control character at all) stays as it is; this one is for staff forms:
 * repeated names, multi-line text, larger limits, per-route limits.
 */
#ifndef TCARD_WEBFORM_H
#define TCARD_WEBFORM_H

#include <stddef.h>
#include <stdint.h>

/* Cookies. */
#define TC_COOKIE_HEADER_MAX 8192 /* longest Cookie header read */
#define TC_COOKIE_VALUE_MAX  512  /* longest cookie value returned */

/*
 * Finds the value of cookie name in a Cookie header (header is the field
 * value, NUL-terminated; NULL when the request had none). The header is
 * split at ';', each pair trimmed of spaces and tabs; a pair without '=' is
 * skipped (other applications' cookies are not ours to judge). The named
 * cookie's value may be wrapped in one pair of double quotes (removed) and
 * must be 1 or more cookie-octets (RFC 6265 section 4.1.1: visible ASCII
 * but '"', ',', ';' and '\'). Names compare exactly (case matters). Copies
 * the value, NUL-terminated, into out (outlen bytes). Returns 0 or
 *   TC_ERR_INVALID_ARG   name not a cookie name (an RFC 7230 token), out
 *                        NULL or outlen 0;
 *   TC_ERR_NOT_FOUND     no header, or no cookie of that name;
 *   TC_ERR_TOO_LARGE     a header over TC_COOKIE_HEADER_MAX bytes, a value
 *                        over TC_COOKIE_VALUE_MAX bytes or not fitting out;
 *   TC_ERR_MALFORMED     the name appears more than once (a cookie set by
 *                        a sibling site must not shadow ours: refuse both),
 *                        or its value is empty;
 *   TC_ERR_BAD_ENCODING  a byte of its value outside cookie-octet, or a
 *                        control byte anywhere in the header.
 * On failure out is "". err names the byte, never the value.
 */
int tc_cookie_get(const char *header, const char *name, char *out /* OUT */,
    size_t outlen, char *err, size_t errlen);

/* application/x-www-form-urlencoded */
#define TC_WEBFORM_FIELDS_CAP 1024 /* the largest max_fields honoured */

/* Limits of one form; 0 in a member means its default. */
struct tc_webform_limits {
	size_t max_body;   /* bytes of the encoded body; default 65536 */
	size_t max_fields; /* default 64, at most TC_WEBFORM_FIELDS_CAP */
	size_t max_name;   /* bytes of a decoded name; default 64 */
	size_t max_value;  /* bytes of a decoded value; default 8192 */
};

/* One decoded field; both strings live in the form's store. */
struct tc_webform_field {
	const char *name;  /* A-Z a-z 0-9 _ - . : [ ], NUL-terminated */
	const char *value; /* decoded UTF-8, NUL-terminated */
	size_t len;	   /* bytes of value */
};

/* A parsed form. Release with tc_webform_release. */
struct tc_webform {
	struct tc_webform_field *f; /* n fields, in body order */
	size_t n;
	char *store; /* the decoded names and values (wiped when released) */
	size_t storelen;
};

/* Empties form without freeing anything (then parse or release it). */
void tc_webform_init(struct tc_webform *form /* OUT */);

/*
 * Parses len bytes of a form body (lim NULL: the defaults): fields
 * separated by '&', each "name=value" or "name" (empty value), empty
 * fields skipped; '+' is a space and %XX a byte (hex digits of either
 * case). Names are 1 to max_name characters of A-Z a-z 0-9 _ - . : [ ]
 * after decoding; values at most max_value bytes, valid UTF-8 without NUL
 * or control characters other than tab, CR and LF (a textarea sends CR
 * LF). A name may repeat (see tc_webform_get). Fields are counted from 1
 * and bytes from 0 in messages, as in
 *     field 3 ('reason'): bad percent escape at byte 7 of the body
 * Any earlier contents of form are released first. Returns 0 or
 *   TC_ERR_INVALID_ARG   form NULL, or body NULL with len > 0;
 *   TC_ERR_NOMEM;
 *   TC_ERR_TOO_LARGE     the body, the number of fields, a name or a
 *                        value over its limit;
 *   TC_ERR_MALFORMED     a '%' not followed by two hex digits, an empty
 *                        or bad name;
 *   TC_ERR_BAD_ENCODING  a value that is not UTF-8 or holds another
 *                        control character (err gives the byte of the
 *                        decoded value).
 * On failure form is empty (n 0) and holds nothing to release.
 */
int tc_webform_parse(struct tc_webform *form /* OUT */, const uint8_t *body,
    size_t len, const struct tc_webform_limits *lim, char *err, size_t errlen);

/* Wipes and frees what form holds; form is empty again. */
void tc_webform_release(struct tc_webform *form);

/*
 * The value of field name (owned by form), its length in *len (may be
 * NULL). NULL when the field is absent or given more than once, so that a
 * second "csrf" or "action" smuggled into a body never decides: use
 * tc_webform_count to tell the two apart, tc_webform_get_all for fields
 * meant to repeat.
 */
const char *tc_webform_get(
    const struct tc_webform *form, const char *name, size_t *len /* OUT */);

/* How many fields are called name. */
size_t tc_webform_count(const struct tc_webform *form, const char *name);

/*
 * The values of every field called name, in body order: the first max of
 * them into values[] (owned by form) and lens[] (may be NULL). Returns how
 * many there are (more than max when values was too short).
 */
size_t tc_webform_get_all(const struct tc_webform *form, const char *name,
    const char **values /* OUT */, size_t *lens /* OUT */, size_t max);

/* multipart/form-data */
#define TC_MULTIPART_BOUNDARY_MAX 70   /* RFC 2046 */
#define TC_MULTIPART_NAME_MAX	  128  /* bytes of a field name */
#define TC_MULTIPART_FILENAME_MAX 255  /* bytes of a file name */
#define TC_MULTIPART_CTYPE_MAX	  127  /* bytes of a part's Content-Type */
#define TC_MULTIPART_PARTS_CAP	  1024 /* the largest max_parts honoured */

/* Limits of one body; 0 in a member means its default. */
struct tc_multipart_limits {
	size_t max_parts; /* default 32, at most TC_MULTIPART_PARTS_CAP */
	size_t max_header_bytes; /* of one part's header block; default 2048 */
	size_t max_part_size;	 /* bytes of one part's data; default 16 MiB */
	/*
	 * NULL-terminated names of the fields that may appear at most once
	 * (for example the one "photo" of a form); NULL: no such rule.
	 */
	const char *const *single;
};

/* tc_multipart_part.filename_flags */
#define TC_FILENAME_SLASH     0x01 /* holds '/' */
#define TC_FILENAME_BACKSLASH 0x02 /* holds '\' */
#define TC_FILENAME_NUL	      0x04 /* holds a NUL byte */
#define TC_FILENAME_CONTROL   0x08 /* holds another control character */
#define TC_FILENAME_NOT_UTF8  0x10 /* is not UTF-8 */
#define TC_FILENAME_DOTS      0x20 /* is "", "." or ".." */

/* One part. data points into the body given to tc_multipart_parse. */
struct tc_multipart_part {
	char name[TC_MULTIPART_NAME_MAX + 1]; /* Content-Disposition name= */
	int has_filename;		      /* filename= was given */
	/*
	 * filename= as given (no percent-decoding, no backslash escapes),
	 * filename_len bytes, NUL-terminated; it may hold NUL bytes itself.
	 * Never a path: a caller that shows it escapes it, and checks
	 * filename_flags (0: none of the TC_FILENAME_* traits).
	 */
	char filename[TC_MULTIPART_FILENAME_MAX + 1];
	size_t filename_len;
	unsigned filename_flags;
	/* Content-Type as given, trimmed; "" when absent (text/plain). */
	char ctype[TC_MULTIPART_CTYPE_MAX + 1];
	const uint8_t *data; /* borrowed from the body, not NUL-terminated */
	size_t len;
};

struct tc_multipart {
	struct tc_multipart_part *parts; /* n parts, in body order */
	size_t n;
	size_t alloc;
};

/*
 * The boundary of a Content-Type header value ("multipart/form-data;
 * boundary=..." with the media type in any case): the parameter quoted or
 * not, 1 to 70 characters of RFC 2046 bcharsnospace (A-Z a-z 0-9 and
 * ' ( ) + _ , - . / : = ?), given once. Copies it into out (outlen bytes,
 * at least TC_MULTIPART_BOUNDARY_MAX + 1; "" on failure). Returns 0 or
 *   TC_ERR_INVALID_ARG   out NULL or too small;
 *   TC_ERR_NOT_FOUND     ctype NULL;
 *   TC_ERR_TOO_LARGE     ctype over 1024 bytes;
 *   TC_ERR_UNSUPPORTED   another media type;
 *   TC_ERR_MALFORMED     no boundary, an empty, too long or repeated one,
 *                        a character outside bcharsnospace, a bad
 *                        parameter.
 */
int tc_multipart_boundary(const char *ctype, char *out /* OUT */, size_t outlen,
    char *err, size_t errlen);

void tc_multipart_init(struct tc_multipart *mp /* OUT */);

/*
 * Parses a multipart/form-data body of len bytes whose Content-Type header
 * value is ctype (lim NULL: the defaults). The body starts with the first
 * delimiter (no preamble); each part has a header block ending in CR LF
 * CR LF with exactly one Content-Disposition "form-data" holding name=
 * and maybe filename= (filename* is ignored, RFC 7578 section 4.2), at
 * most one Content-Type, no folded lines (other headers are ignored);
 * then its data up to CR LF "--" boundary; the last part is followed by
 * the close delimiter "--" boundary "--" (anything after it, the
 * epilogue, is ignored). Parts are counted from 1 in messages. Any
 * earlier contents of mp are released first. Returns 0 or
 *   TC_ERR_INVALID_ARG   mp NULL, or body NULL with len > 0;
 *   TC_ERR_NOMEM;
 *   errors of tc_multipart_boundary;
 *   TC_ERR_TOO_LARGE     more than max_parts parts, a header block over
 *                        max_header_bytes, data over max_part_size, a
 *                        name, file name or Content-Type over its maximum;
 *   TC_ERR_MALFORMED     no first delimiter, a header block without CR LF
 *                        CR LF, a header line without ':' or folded, a
 *                        missing or second Content-Disposition, not
 *                        form-data, without name=, a missing close
 *                        delimiter, a field of lim->single given twice;
 *   TC_ERR_BAD_ENCODING  a bare CR or LF in a header line, a name that is
 *                        not UTF-8 or holds a control character, a
 *                        Content-Type that is not printable ASCII (a
 *                        file name's odd bytes are flagged, not refused).
 * On failure mp is empty.
 */
int tc_multipart_parse(struct tc_multipart *mp /* OUT */, const char *ctype,
    const uint8_t *body, size_t len, const struct tc_multipart_limits *lim,
    char *err, size_t errlen);

/* Frees the parts array (the data stays the caller's body). */
void tc_multipart_release(struct tc_multipart *mp);

/* The first part called name, or NULL. */
const struct tc_multipart_part *tc_multipart_get(
    const struct tc_multipart *mp, const char *name);

/* CSRF tokens. */
#define TC_TOKEN_LEN 43 /* characters of a token: 32 bytes in base64url */

/*
 * A new token: 32 random bytes (RAND_bytes) as unpadded base64url, 43
 * characters and a NUL. Returns 0 or TC_ERR_CRYPTO (out is then "").
 */
int tc_token_new(char out[TC_TOKEN_LEN + 1] /* OUT */);

/*
 * 1 when a and b are the same non-empty string, else 0 (a NULL or empty
 * one never matches, so a session without a token accepts nothing). The
 * bytes are compared in constant time (CRYPTO_memcmp); the lengths, which
 * are public, are read up to 256 bytes and compared first.
 */
int tc_token_eq(const char *a, const char *b);

#endif
