/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the browser input parsers of tcard-issuerd (src/webform.c):
 * the Cookie header (RFC 6265 section 5.4 examples, duplicates, bad
 * octets, limits), urlencoded bodies (escapes, '+', repeats, text rules,
 * limits, every message), multipart bodies (the RFC 7578 example and
 * Chromium- and curl-shaped bodies, the boundary rules of RFC 2046, each
 * refusal with its message) and the CSRF token helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/webform.h"

static void
test_cookie(void **state)
{
	static const struct {
		const char *h;
		int r;
		const char *v;	 /* value on success */
		const char *msg; /* message on failure */
	} v[] = {
		{ "tcard_session=abc123", 0, "abc123", NULL },
		{ "SID=31d4d96e407aad42; tcard_session=x-Y_z.9", 0, "x-Y_z.9",
		    NULL },
		{ "  a=1 ;tcard_session = v ; b=2", 0, "v", NULL },
		{ "tcard_session=\"quoted\"", 0, "quoted", NULL },
		{ "lang; tcard_session=v", 0, "v", NULL },
		{ "TCARD_SESSION=v", TC_ERR_NOT_FOUND, NULL,
		    "no cookie 'tcard_session'" },
		{ "a=1; b=2", TC_ERR_NOT_FOUND, NULL,
		    "no cookie 'tcard_session'" },
		{ "tcard_session=a; tcard_session=b", TC_ERR_MALFORMED, NULL,
		    "Cookie header: cookie 'tcard_session' given more than once (byte 17)" },
		{ "tcard_session=", TC_ERR_MALFORMED, NULL,
		    "cookie 'tcard_session': empty value" },
		{ "tcard_session=a,b", TC_ERR_BAD_ENCODING, NULL,
		    "cookie 'tcard_session': byte 15 of the header is not allowed in a cookie value" },
		{ "tcard_session=a b", TC_ERR_BAD_ENCODING, NULL,
		    "cookie 'tcard_session': byte 15 of the header is not allowed in a cookie value" },
		{ "tcard_session=\xc3\xa9", TC_ERR_BAD_ENCODING, NULL,
		    "cookie 'tcard_session': byte 14 of the header is not allowed in a cookie value" },
		{ "x=\x01; tcard_session=v", TC_ERR_BAD_ENCODING, NULL,
		    "Cookie header: a control character at byte 2" },
		/* Another site's odd cookie is not ours to judge. */
		{ "other=a b,c; tcard_session=ok", 0, "ok", NULL },
	};
	char out[64], err[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		assert_int_equal(tc_cookie_get(v[i].h, "tcard_session", out,
				     sizeof(out), err, sizeof(err)),
		    v[i].r);
		if (v[i].r == 0)
			assert_string_equal(out, v[i].v);
		else {
			assert_string_equal(out, "");
			assert_string_equal(err, v[i].msg);
		}
	}
	assert_int_equal(tc_cookie_get(NULL, "tcard_session", out, sizeof(out),
			     err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_string_equal(err, "no Cookie header");
	assert_int_equal(tc_cookie_get("a=b", "bad name", out, sizeof(out), err,
			     sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(
	    err, "cookie name: byte 3 is not a token character");
	/* A value longer than out. */
	assert_int_equal(tc_cookie_get("tcard_session=0123456789",
			     "tcard_session", out, 8, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(
	    err, "cookie 'tcard_session': 10 bytes, over the limit of 7");
}

static void
test_cookie_limits(void **state)
{
	char *h = malloc(TC_COOKIE_HEADER_MAX + 2), out[1024], err[256];

	assert_non_null(h);
	memcpy(h, "tcard_session=", 14);
	memset(h + 14, 'a', TC_COOKIE_VALUE_MAX + 1);
	h[14 + TC_COOKIE_VALUE_MAX + 1] = '\0';
	assert_int_equal(tc_cookie_get(h, "tcard_session", out, sizeof(out),
			     err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(
	    err, "cookie 'tcard_session': 513 bytes, over the limit of 512");
	h[14 + TC_COOKIE_VALUE_MAX] = '\0';
	assert_int_equal(tc_cookie_get(h, "tcard_session", out, sizeof(out),
			     err, sizeof(err)),
	    0);
	assert_int_equal(strlen(out), TC_COOKIE_VALUE_MAX);
	memset(h, 'x', TC_COOKIE_HEADER_MAX + 1);
	h[TC_COOKIE_HEADER_MAX + 1] = '\0';
	assert_int_equal(tc_cookie_get(h, "tcard_session", out, sizeof(out),
			     err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "Cookie header: over the limit of 8192 bytes");
	free(h);
}

static int
form_parse(struct tc_webform *f, const char *s,
    const struct tc_webform_limits *lim, char *err, size_t errlen)
{
	return tc_webform_parse(
	    f, (const uint8_t *)s, strlen(s), lim, err, errlen);
}

static void
test_form_good(void **state)
{
	struct tc_webform f;
	const char *vals[4];
	size_t lens[4], len;
	char err[256];
	const char *b =
	    "csrf=Ab-_9&action=return&reason=%E6%9D%90%E6%96%99%E4%B8%8D%E5%85%A8+missing%0D%0Apage+2%09ok&&override%5B%5D=age&override[]=quota&flag";

	tc_webform_init(&f);
	assert_int_equal(form_parse(&f, b, NULL, err, sizeof(err)), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(tc_webform_get(&f, "csrf", &len), "Ab-_9");
	assert_int_equal(len, 5);
	assert_string_equal(tc_webform_get(&f, "reason", &len),
	    "材料不全 missing\r\npage 2\tok");
	assert_string_equal(tc_webform_get(&f, "flag", &len), "");
	assert_int_equal(len, 0);
	assert_null(tc_webform_get(&f, "absent", &len));
	/* A repeated field is not a single value. */
	assert_null(tc_webform_get(&f, "override[]", &len));
	assert_int_equal(tc_webform_count(&f, "override[]"), 2);
	assert_int_equal(
	    tc_webform_get_all(&f, "override[]", vals, lens, 4), 2);
	assert_string_equal(vals[0], "age");
	assert_string_equal(vals[1], "quota");
	assert_int_equal(lens[1], 5);
	assert_int_equal(
	    tc_webform_get_all(&f, "override[]", vals, lens, 1), 2);
	tc_webform_release(&f);
	assert_int_equal(f.n, 0);
	/* An empty body, and a second parse over a first. */
	assert_int_equal(form_parse(&f, "", NULL, err, sizeof(err)), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(form_parse(&f, "a=1", NULL, err, sizeof(err)), 0);
	assert_int_equal(form_parse(&f, "b=2&b=3", NULL, err, sizeof(err)), 0);
	assert_null(tc_webform_get(&f, "b", NULL));
	assert_int_equal(tc_webform_count(&f, "b"), 2);
	tc_webform_release(&f);
}

static void
test_form_bad(void **state)
{
	static const struct fx_refusal v[] = {
		{ "csrf=x&action=return&reason=ab%zz", TC_ERR_MALFORMED,
		    "field 3 ('reason'): bad percent escape at byte 30 of the body" },
		{ "reason=a%4", TC_ERR_MALFORMED,
		    "field 1 ('reason'): bad percent escape at byte 8 of the body" },
		{ "a=1&n%g=2", TC_ERR_MALFORMED,
		    "field 2: bad percent escape in its name at byte 5 of the body" },
		{ "a=1&=2", TC_ERR_MALFORMED,
		    "field 2: empty name at byte 4 of the body" },
		{ "a b=1", TC_ERR_MALFORMED,
		    "field 1: a name is made of A-Z, a-z, 0-9 and _ - . : [ ] (byte 0 of the body)" },
		{ "a%00b=1", TC_ERR_MALFORMED,
		    "field 1: a name is made of A-Z, a-z, 0-9 and _ - . : [ ] (byte 0 of the body)" },
		{ "name=%E6%9D", TC_ERR_BAD_ENCODING,
		    "field 1 ('name'): byte 0 of the decoded value is not UTF-8 text (or a control character)" },
		{ "name=ab%00", TC_ERR_BAD_ENCODING,
		    "field 1 ('name'): byte 2 of the decoded value is not UTF-8 text (or a control character)" },
		{ "x=1&name=a%1Bb", TC_ERR_BAD_ENCODING,
		    "field 2 ('name'): byte 1 of the decoded value is not UTF-8 text (or a control character)" },
		{ "name=%C0%AF", TC_ERR_BAD_ENCODING,
		    "field 1 ('name'): byte 0 of the decoded value is not UTF-8 text (or a control character)" },
		{ "name=a%7F", TC_ERR_BAD_ENCODING,
		    "field 1 ('name'): byte 1 of the decoded value is not UTF-8 text (or a control character)" },
	};
	struct tc_webform f;
	char err[256];
	size_t i;

	tc_webform_init(&f);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    form_parse(&f, v[i].in, NULL, err, sizeof(err)), v[i].code);
		assert_string_equal(err, v[i].msg);
		assert_int_equal(f.n, 0);
		assert_null(f.store);
	}
	assert_int_equal(
	    tc_webform_parse(NULL, NULL, 0, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

static void
test_form_limits(void **state)
{
	struct tc_webform_limits lim = {
		.max_body = 40, .max_fields = 3, .max_name = 4, .max_value = 5
	};
	struct tc_webform f;
	char err[256];

	tc_webform_init(&f);
	assert_int_equal(
	    form_parse(&f, "abcd=12345&b=&c", &lim, err, sizeof(err)), 0);
	assert_int_equal(
	    form_parse(&f, "a=1&b=2&c=3&d=4", &lim, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "more than 3 fields (byte 12 of the body)");
	assert_int_equal(form_parse(&f, "abcde=1", &lim, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(
	    err, "field 1: name longer than 4 bytes at byte 0 of the body");
	assert_int_equal(
	    form_parse(&f, "a=1&b=%41%42%43%44%45%46", &lim, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(
	    err, "field 2 ('b'): value of 6 bytes, over the limit of 5");
	assert_int_equal(
	    form_parse(&f, "a=12345&b=12345&c=12345&&&&&&&&&&&&&&&&&&&", &lim,
		err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "form body of 42 bytes, over the limit of 40");
	assert_int_equal(f.n, 0);
}

static const char rfc7578[] =
    "--AaB03x\r\n"
    "Content-Disposition: form-data; name=\"_charset_\"\r\n"
    "\r\n"
    "UTF-8\r\n"
    "--AaB03x\r\n"
    "content-disposition: form-data; name=\"field1\"\r\n"
    "content-type: text/plain;charset=UTF-8\r\n"
    "content-transfer-encoding: quoted-printable\r\n"
    "\r\n"
    "Joe owes =E2=82=AC100.\r\n"
    "--AaB03x--\r\n";

static const char chromium[] =
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"csrf\"\r\n"
    "\r\n"
    "Ab-_9\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"reason\"\r\n"
    "\r\n"
    "材料不全\r\n第二行\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"photo\"; filename=\"证件照.png\"\r\n"
    "Content-Type: image/png\r\n"
    "\r\n"
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-the-boundary\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\r\n"
    "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";

static void
test_boundary(void **state)
{
	static const struct {
		const char *ct;
		int r;
		const char *out; /* the boundary, or the message */
	} v[] = {
		{ "multipart/form-data; boundary=AaB03x", 0, "AaB03x" },
		{ "Multipart/Form-Data;boundary=\"a:b=c?(d)\"; charset=utf-8",
		    0, "a:b=c?(d)" },
		{ "multipart/form-data; charset=utf-8; BOUNDARY=x", 0, "x" },
		{ "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
		    0, "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
		{ "text/plain; boundary=x", TC_ERR_UNSUPPORTED,
		    "Content-Type: expected multipart/form-data" },
		{ "multipart/form-dataX; boundary=x", TC_ERR_UNSUPPORTED,
		    "Content-Type: expected multipart/form-data" },
		{ "multipart/form-data", TC_ERR_MALFORMED,
		    "Content-Type: no boundary" },
		{ "multipart/form-data; boundary=\"\"", TC_ERR_MALFORMED,
		    "Content-Type: the boundary is 0 characters, not 1 to 70" },
		{ "multipart/form-data; boundary=a; boundary=b",
		    TC_ERR_MALFORMED, "Content-Type: boundary given twice" },
		{ "multipart/form-data; boundary=\"a b\"", TC_ERR_MALFORMED,
		    "Content-Type: byte 1 of the boundary is not one of A-Z a-z 0-9 ' ( ) + _ , - . / : = ?" },
		{ "multipart/form-data; boundary=\"abc", TC_ERR_MALFORMED,
		    "Content-Type: a bad parameter at byte 19" },
		{ "multipart/form-data; boundary=multipart/form-data; boundary=b",
		    TC_ERR_MALFORMED, "Content-Type: boundary given twice" },
		{ "multipart/form-data; =x", TC_ERR_MALFORMED,
		    "Content-Type: a bad parameter at byte 19" },
		{ "multipart/form-data; "
		  "boundary=12345678901234567890123456789012345678901234567890123456789012345678901",
		    TC_ERR_MALFORMED,
		    "Content-Type: the boundary is 71 characters, not 1 to 70" },
	};
	char out[TC_MULTIPART_BOUNDARY_MAX + 1], err[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		assert_int_equal(tc_multipart_boundary(v[i].ct, out,
				     sizeof(out), err, sizeof(err)),
		    v[i].r);
		if (v[i].r == 0)
			assert_string_equal(out, v[i].out);
		else {
			assert_string_equal(out, "");
			assert_string_equal(err, v[i].out);
		}
	}
	assert_int_equal(
	    tc_multipart_boundary(NULL, out, sizeof(out), err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
}

static void
test_multipart_good(void **state)
{
	static const char *const single[] = { "photo", NULL };
	struct tc_multipart_limits lim = { .single = single };
	const struct tc_multipart_part *p;
	struct tc_multipart mp;
	char err[256];

	tc_multipart_init(&mp);
	assert_int_equal(
	    tc_multipart_parse(&mp, "multipart/form-data; boundary=AaB03x",
		(const uint8_t *)rfc7578, strlen(rfc7578), NULL, err,
		sizeof(err)),
	    0);
	assert_int_equal(mp.n, 2);
	assert_string_equal(mp.parts[0].name, "_charset_");
	assert_int_equal(mp.parts[0].len, 5);
	assert_memory_equal(mp.parts[0].data, "UTF-8", 5);
	assert_string_equal(mp.parts[0].ctype, "");
	assert_int_equal(mp.parts[0].has_filename, 0);
	p = tc_multipart_get(&mp, "field1");
	assert_non_null(p);
	assert_string_equal(p->ctype, "text/plain;charset=UTF-8");
	assert_int_equal(p->len, 22);
	assert_true(p->data > (const uint8_t *)rfc7578 &&
	    p->data < (const uint8_t *)rfc7578 + sizeof(rfc7578));

	assert_int_equal(
	    tc_multipart_parse(&mp,
		"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
		(const uint8_t *)chromium, sizeof(chromium) - 1, &lim, err,
		sizeof(err)),
	    0);
	assert_int_equal(mp.n, 4);
	p = tc_multipart_get(&mp, "reason");
	assert_int_equal(p->len, strlen("材料不全\r\n第二行"));
	assert_memory_equal(p->data, "材料不全\r\n第二行", p->len);
	p = tc_multipart_get(&mp, "photo");
	assert_int_equal(p->has_filename, 1);
	assert_string_equal(p->filename, "证件照.png");
	assert_int_equal(p->filename_flags, 0);
	assert_string_equal(p->ctype, "image/png");
	assert_int_equal(p->len, 36);
	assert_memory_equal(p->data, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	p = tc_multipart_get(&mp, "empty");
	assert_int_equal(p->has_filename, 1);
	assert_int_equal(p->filename_len, 0);
	assert_int_equal(p->filename_flags, TC_FILENAME_DOTS);
	assert_int_equal(p->len, 0);
	tc_multipart_release(&mp);
	assert_int_equal(mp.n, 0);
}

/* Builds a body of boundary "b" around the given parts text. */
static int
mp_try(struct tc_multipart *mp, const char *body,
    const struct tc_multipart_limits *lim, char *err, size_t errlen)
{
	return tc_multipart_parse(mp, "multipart/form-data; boundary=b",
	    (const uint8_t *)body, strlen(body), lim, err, errlen);
}

static void
test_multipart_filenames(void **state)
{
	static const struct {
		const char *fn;
		unsigned flags;
	} v[] = {
		{ "a.pdf", 0 },
		{ "../../etc/passwd", TC_FILENAME_SLASH },
		{ "C:\\Users\\li\\a.pdf", TC_FILENAME_BACKSLASH },
		{ "..", TC_FILENAME_DOTS },
		{ ".", TC_FILENAME_DOTS },
		{ "a\x01.pdf", TC_FILENAME_CONTROL },
		{ "a\xff.pdf", TC_FILENAME_NOT_UTF8 },
		{ "<img src=x onerror=alert(1)>.png", 0 },
	};
	struct tc_multipart mp;
	char body[512], err[256];
	size_t i;

	tc_multipart_init(&mp);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(body, sizeof(body),
		    "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"%s\"\r\n\r\nX\r\n--b--",
		    v[i].fn);
		assert_int_equal(mp_try(&mp, body, NULL, err, sizeof(err)), 0);
		assert_string_equal(mp.parts[0].filename, v[i].fn);
		assert_int_equal(mp.parts[0].filename_flags, v[i].flags);
	}
	/* A NUL inside the quoted file name. */
	memcpy(body,
	    "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\0b\"\r\n\r\nX\r\n--b--",
	    73);
	assert_int_equal(
	    tc_multipart_parse(&mp, "multipart/form-data; boundary=b",
		(const uint8_t *)body, 73, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(mp.parts[0].filename_len, 3);
	assert_int_equal(mp.parts[0].filename_flags, TC_FILENAME_NUL);
	tc_multipart_release(&mp);
}

static void
test_multipart_bad(void **state)
{
	static const char *const single[] = { "photo", NULL };
	static const struct fx_refusal v[] = {
		{ "preamble\r\n--b\r\n", TC_ERR_MALFORMED,
		    "the body does not start with the boundary" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nX",
		    TC_ERR_MALFORMED,
		    "part 1 ('a'): no delimiter after its data (is the close delimiter missing?)" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nX\r\n--b",
		    TC_ERR_MALFORMED,
		    "byte 55: a delimiter not followed by CR LF or --" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 1: headers not ended by CR LF CR LF" },
		{ "--bX\r\n", TC_ERR_MALFORMED,
		    "byte 3: a delimiter not followed by CR LF or --" },
		{ "--b\r\n\r\nX\r\n--b--", TC_ERR_MALFORMED,
		    "part 1: no Content-Disposition" },
		{ "--b\r\nContent-Type: text/plain\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED, "part 1: no Content-Disposition" },
		{ "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 1: Content-Disposition is not form-data" },
		{ "--b\r\nContent-Disposition: form-data\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 1: Content-Disposition without name=" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED, "part 1: name= given twice" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 1: Content-Disposition: a bad parameter at byte 9" },
		{ "--b\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nX\r\n--b--",
		    TC_ERR_BAD_ENCODING,
		    "part 1: the name is empty, not UTF-8 or holds a control character" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 1: Content-Disposition given twice" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED, "part 1: Content-Type given twice" },
		{ "--b\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED, "part 1: a folded header line" },
		{ "--b\r\nContent-Disposition form-data; name=\"a\"\r\n\r\nX\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 1: a header line without a name and ':'" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\nX\r\n--b--",
		    TC_ERR_BAD_ENCODING,
		    "part 1: the name is empty, not UTF-8 or holds a control character" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: text/\x1bplain\r\n\r\nX\r\n--b--",
		    TC_ERR_BAD_ENCODING,
		    "part 1: Content-Type is not printable ASCII" },
		{ "--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x\ry\"\r\n\r\nX\r\n--b--",
		    TC_ERR_BAD_ENCODING,
		    "part 1: a bare CR or LF in a header line" },
		{ "--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n\r\nX\r\n"
		  "--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"b.png\"\r\n\r\nY\r\n--b--",
		    TC_ERR_MALFORMED,
		    "part 2: field 'photo' given more than once" },
	};
	struct tc_multipart_limits lim = { .single = single };
	struct tc_multipart mp;
	char err[256];
	size_t i;

	tc_multipart_init(&mp);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    mp_try(&mp, v[i].in, &lim, err, sizeof(err)), v[i].code);
		assert_string_equal(err, v[i].msg);
		assert_int_equal(mp.n, 0);
		assert_null(mp.parts);
	}
	/* Without the single rule, a repeated field is fine. */
	assert_int_equal(mp_try(&mp, v[sizeof(v) / sizeof(v[0]) - 1].in, NULL,
			     err, sizeof(err)),
	    0);
	assert_int_equal(mp.n, 2);
	tc_multipart_release(&mp);
}

static void
test_multipart_limits(void **state)
{
	struct tc_multipart_limits lim = {
		.max_parts = 2, .max_header_bytes = 60, .max_part_size = 4
	};
	struct tc_multipart mp;
	char err[256];

	tc_multipart_init(&mp);
	assert_int_equal(
	    mp_try(&mp,
		"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1234\r\n--b--",
		&lim, err, sizeof(err)),
	    0);
	assert_int_equal(
	    mp_try(&mp,
		"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n--b--",
		&lim, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "part 1 ('a'): 5 bytes, over the limit of 4");
	assert_int_equal(
	    mp_try(&mp,
		"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--",
		&lim, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "more than 2 parts");
	assert_int_equal(
	    mp_try(&mp,
		"--b\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Pad: 0123456789012345678901234567890123456789\r\n\r\n1\r\n--b--",
		&lim, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "part 1: headers over 60 bytes");
	assert_int_equal(mp.n, 0);
}

static void
test_multipart_long_names(void **state)
{
	struct tc_multipart mp;
	char body[1024], ct[1100], err[256], fn[300];

	tc_multipart_init(&mp);
	memset(fn, 'a', 256);
	fn[256] = '\0';
	snprintf(body, sizeof(body),
	    "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"%s\"\r\n\r\nX\r\n--b--",
	    fn);
	assert_int_equal(
	    mp_try(&mp, body, NULL, err, sizeof(err)), TC_ERR_TOO_LARGE);
	assert_string_equal(
	    err, "part 1: a file name of 256 bytes, over the limit of 255");
	fn[255] = '\0';
	snprintf(body, sizeof(body),
	    "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"%s\"\r\n\r\nX\r\n--b--",
	    fn);
	assert_int_equal(mp_try(&mp, body, NULL, err, sizeof(err)), 0);
	assert_int_equal(mp.parts[0].filename_len, 255);
	fn[129] = '\0';
	snprintf(body, sizeof(body),
	    "--b\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nX\r\n--b--",
	    fn);
	assert_int_equal(
	    mp_try(&mp, body, NULL, err, sizeof(err)), TC_ERR_TOO_LARGE);
	assert_string_equal(
	    err, "part 1: a name of 129 bytes, over the limit of 128");
	memset(ct, ' ', sizeof(ct) - 1);
	ct[sizeof(ct) - 1] = '\0';
	memcpy(ct, "multipart/form-data; boundary=b", 31);
	assert_int_equal(tc_multipart_parse(&mp, ct, (const uint8_t *)"", 0,
			     NULL, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "Content-Type: over 1024 bytes");
	tc_multipart_release(&mp);
}

static void
test_token(void **state)
{
	char a[TC_TOKEN_LEN + 1], b[TC_TOKEN_LEN + 1];
	size_t i;

	assert_int_equal(tc_token_new(a), 0);
	assert_int_equal(tc_token_new(b), 0);
	assert_int_equal(strlen(a), TC_TOKEN_LEN);
	for (i = 0; i < TC_TOKEN_LEN; i++)
		assert_non_null(strchr(
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
		    a[i]));
	assert_string_not_equal(a, b);
	assert_true(tc_token_eq(a, a));
	assert_false(tc_token_eq(a, b));
	assert_true(tc_token_eq("abc", "abc"));
	assert_false(tc_token_eq("abc", "abcd"));
	assert_false(tc_token_eq("abc", "abd"));
	assert_false(tc_token_eq("", ""));
	assert_false(tc_token_eq(NULL, a));
	assert_false(tc_token_eq(a, NULL));
}

#define TESTS(X, XF)                                                           \
	X(test_cookie)                                                         \
	X(test_cookie_limits)                                                  \
	X(test_form_good)                                                      \
	X(test_form_bad)                                                       \
	X(test_form_limits)                                                    \
	X(test_boundary)                                                       \
	X(test_multipart_good)                                                 \
	X(test_multipart_filenames)                                            \
	X(test_multipart_bad)                                                  \
	X(test_multipart_limits)                                               \
	X(test_multipart_long_names)                                           \
	X(test_token)

TC_UNIT_MAIN(TESTS, NULL, NULL)
