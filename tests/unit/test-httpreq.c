/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the request parsers of tcard-verifierd (src/httpreq.c):
 * UTF-8 vectors (RFC 3629 and the Markus Kuhn stress cases: overlong
 * forms, surrogates, beyond U+10FFFF, truncated sequences, controls), query
 * strings and form bodies (escapes, '+', empty pairs, repeats, limits) and
 * the JSON bodies of /v1/verify and of a redeem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"

static void
test_utf8(void **state)
{
	static const struct {
		const char *s;
		int ok;
		size_t bad;
	} v[] = {
		{ "", 1, 0 }, { "plain ASCII", 1, 0 }, { "李志明", 1, 0 },
		{ "Ünïcödé · 中文 \xf0\x9f\x98\x80", 1, 0 },
		{ "\xef\xbf\xbf", 1, 0 },	  /* U+FFFF */
		{ "\xf4\x8f\xbf\xbf", 1, 0 },	  /* U+10FFFF */
		{ "a\x80", 0, 1 },		  /* lone continuation */
		{ "ab\xc0\xaf", 0, 2 },		  /* overlong '/' */
		{ "\xe0\x80\xaf", 0, 0 },	  /* overlong, 3 bytes */
		{ "\xf0\x80\x80\xaf", 0, 0 },	  /* overlong, 4 bytes */
		{ "\xed\xa0\x80", 0, 0 },	  /* U+D800 surrogate */
		{ "\xed\xbf\xbf", 0, 0 },	  /* U+DFFF surrogate */
		{ "\xf4\x90\x80\x80", 0, 0 },	  /* U+110000 */
		{ "\xf8\x88\x80\x80\x80", 0, 0 }, /* 5-byte form */
		{ "abc\xe4\xb8", 0, 3 },	  /* truncated */
		{ "x\x01y", 0, 1 },		  /* C0 control */
		{ "tab\there", 0, 3 },		  /* tab is a control */
		{ "del\x7f", 0, 3 },		  /* DEL */
		{ "c1\xc2\x85", 0, 2 },		  /* U+0085, C1 control */
		{ "\xc2\xa0nbsp", 1, 0 },	  /* U+00A0 is fine */
	};
	size_t i, bad;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		bad = 999;
		if (v[i].ok)
			assert_int_equal(tc_utf8_check((const uint8_t *)v[i].s,
					     strlen(v[i].s), &bad),
			    0);
		else {
			assert_int_equal(tc_utf8_check((const uint8_t *)v[i].s,
					     strlen(v[i].s), &bad),
			    TC_ERR_BAD_ENCODING);
			assert_int_equal(bad, v[i].bad);
		}
	}
	/* An embedded NUL is a control character. */
	assert_int_equal(tc_utf8_check((const uint8_t *)"a\0b", 3, NULL),
	    TC_ERR_BAD_ENCODING);
}

static void
test_form_decode(void **state)
{
	struct tc_form *f = malloc(sizeof(*f));
	const char *q =
	    "card=4401+1100+0000+0012&name=%E6%9D%8E%e5%bf%97%E6%98%8E&&id=c11u54z53&empty=&flag";
	size_t len;

	assert_non_null(f);
	assert_int_equal(tc_form_parse(f, q, strlen(q), NULL, 0), 0);
	assert_int_equal(f->n, 5);
	assert_string_equal(
	    tc_form_get(f, "card", &len), "4401 1100 0000 0012");
	assert_int_equal(len, 19);
	assert_string_equal(tc_form_get(f, "name", NULL), "李志明");
	assert_string_equal(tc_form_get(f, "id", NULL), "c11u54z53");
	assert_string_equal(tc_form_get(f, "empty", &len), "");
	assert_int_equal(len, 0);
	assert_string_equal(tc_form_get(f, "flag", NULL), "");
	assert_null(tc_form_get(f, "other", &len));
	assert_int_equal(len, 0);
	/* An escaped '=' and '&' stay in the value. */
	q = "a=x%3Dy%26z";
	assert_int_equal(tc_form_parse(f, q, strlen(q), NULL, 0), 0);
	assert_string_equal(tc_form_get(f, "a", NULL), "x=y&z");
	/* Nothing at all is an empty form. */
	assert_int_equal(tc_form_parse(f, NULL, 0, NULL, 0), 0);
	assert_int_equal(f->n, 0);
	assert_int_equal(tc_form_parse(f, "&&&", 3, NULL, 0), 0);
	assert_int_equal(f->n, 0);
	free(f);
}

static void
test_form_refusals(void **state)
{
	static const struct fx_refusal v[] = {
		{ "a=%4", TC_ERR_MALFORMED, "byte 2" },
		{ "a=%zz", TC_ERR_MALFORMED, "two hex digits" },
		{ "a=1&b=%", TC_ERR_MALFORMED, "byte 6" },
		{ "a=1&a=2", TC_ERR_MALFORMED, "'a' repeated" },
		{ "A=1", TC_ERR_MALFORMED, "parameter name" },
		{ "=1", TC_ERR_MALFORMED, "parameter name" },
		{ "a%20b=1", TC_ERR_MALFORMED, "parameter name" },
		{ "name=%FF", TC_ERR_BAD_ENCODING, "'name'" },
		{ "name=%C0%AF", TC_ERR_BAD_ENCODING, "'name'" },
		{ "name=a%00b", TC_ERR_BAD_ENCODING, "byte 1" },
		{ "name=a%0Ab", TC_ERR_BAD_ENCODING, "byte 1" },
		{ "abcdefghijabcdefghijabcdefghijabc=1", TC_ERR_TOO_LARGE,
		    "longer than 32" },
		{ "a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1&l=1&m=1&n=1&o=1&p=1&q=1",
		    TC_ERR_TOO_LARGE, "more than 16" },
	};
	struct tc_form *f = malloc(sizeof(*f));
	char err[256], *big;
	size_t i;

	assert_non_null(f);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		assert_int_equal(tc_form_parse(f, v[i].in, strlen(v[i].in), err,
				     sizeof(err)),
		    v[i].code);
		assert_non_null(strstr(err, v[i].msg));
		assert_int_equal(f->n, 0);
	}
	/* Exactly the limit is fine; one byte more is not. */
	big = malloc(TC_FORM_INPUT_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', TC_FORM_INPUT_MAX + 1);
	memcpy(big, "a=", 2);
	assert_int_equal(tc_form_parse(f, big, TC_FORM_INPUT_MAX, NULL, 0), 0);
	assert_int_equal(tc_form_get(f, "a", NULL)[TC_FORM_INPUT_MAX - 3], 'x');
	assert_int_equal(
	    tc_form_parse(f, big, TC_FORM_INPUT_MAX + 1, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	free(big);
	assert_int_equal(
	    tc_form_parse(NULL, "a", 1, NULL, 0), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_form_parse(f, NULL, 1, NULL, 0), TC_ERR_INVALID_ARG);
	free(f);
}

static void
test_form_only(void **state)
{
	static const char *const allowed[] = { "card", "name", "id", NULL };
	struct tc_form *f = malloc(sizeof(*f));
	char err[128];

	assert_non_null(f);
	assert_int_equal(tc_form_parse(f, "card=1&id=2", 11, NULL, 0), 0);
	assert_int_equal(tc_form_only(f, allowed, err, sizeof(err)), 0);
	assert_int_equal(tc_form_parse(f, "card=1&x=2", 10, NULL, 0), 0);
	assert_int_equal(
	    tc_form_only(f, allowed, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_string_equal(err, "unknown parameter 'x'");
	free(f);
}

static void
test_verify_req(void **state)
{
	static const struct fx_refusal bad[] = {
		{ "", TC_ERR_MALFORMED, "empty body" },
		{ "{", TC_ERR_MALFORMED, "not JSON" },
		{ "[]", TC_ERR_MALFORMED, "a JSON object" },
		{ "\"TC1:\"", TC_ERR_MALFORMED, "not JSON" },
		{ "{}", TC_ERR_MALFORMED, "\"qr\" is required" },
		{ "{\"qr\":\"\"}", TC_ERR_MALFORMED, "\"qr\" is required" },
		{ "{\"qr\":1}", TC_ERR_MALFORMED, "must be a string" },
		{ "{\"qr\":\"a\",\"id\":5}", TC_ERR_MALFORMED,
		    "string or null" },
		{ "{\"qr\":\"a\",\"x\":1}", TC_ERR_MALFORMED,
		    "unknown member" },
		{ "{\"qr\":\"a\",\"qr\":\"b\"}", TC_ERR_MALFORMED, "not JSON" },
		{ "{\"qr\":\"a\"} x", TC_ERR_MALFORMED, "not JSON" },
		{ "{\"qr\":\"a\\u0000b\"}", TC_ERR_MALFORMED, "not JSON" },
		{ "{\"qr\":\"a\\nb\"}", TC_ERR_BAD_ENCODING, "control" },
		{ "{\"qr\":\"\xff\"}", TC_ERR_MALFORMED, "not JSON" },
		{ "{\"qr\":\"a\",\"id\":\"012345678901234567890123456789012345678901234567890123456789012345\"}",
		    TC_ERR_TOO_LARGE, "\"id\"" },
	};
	struct tc_verify_req *r = malloc(sizeof(*r));
	struct tc_buf b;
	const char *body;
	char err[256];
	size_t i;

	assert_non_null(r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    tc_verify_req_parse(r, (const uint8_t *)bad[i].in,
			strlen(bad[i].in), err, sizeof(err)),
		    bad[i].code);
		fx_msg_has(i, err, bad[i].msg);
		assert_int_equal(r->qrlen, 0);
	}
	assert_int_equal(
	    tc_verify_req_parse(
		r, (const uint8_t *)"{\"qr\":\"TC1:ABC\"}", 16, NULL, 0),
	    0);
	assert_string_equal(r->qr, "TC1:ABC");
	assert_int_equal(r->qrlen, 7);
	assert_int_equal(r->has_id, 0);
	body = " {\"id\": \"11 01\", \"qr\": \"TC1N:X\"} ";
	assert_int_equal(tc_verify_req_parse(
			     r, (const uint8_t *)body, strlen(body), NULL, 0),
	    0);
	assert_string_equal(r->qr, "TC1N:X");
	assert_string_equal(r->id, "11 01");
	assert_int_equal(r->has_id, 1);
	assert_int_equal(
	    tc_verify_req_parse(
		r, (const uint8_t *)"{\"qr\":\"a\",\"id\":null}", 20, NULL, 0),
	    0);
	assert_int_equal(r->has_id, 0);
	/* The QR text: exactly TC_CRED_TEXT_MAX bytes, then one more. */
	tc_buf_init(&b, 0);
	tc_buf_puts(&b, "{\"qr\":\"");
	for (i = 0; i < TC_CRED_TEXT_MAX; i++)
		tc_buf_put_u8(&b, 'A');
	tc_buf_puts(&b, "\"}");
	assert_int_equal(tc_verify_req_parse(r, b.data, b.len, NULL, 0), 0);
	assert_int_equal(r->qrlen, TC_CRED_TEXT_MAX);
	tc_buf_reset(&b);
	tc_buf_puts(&b, "{\"qr\":\"");
	for (i = 0; i <= TC_CRED_TEXT_MAX; i++)
		tc_buf_put_u8(&b, 'A');
	tc_buf_puts(&b, "\"}");
	assert_int_equal(
	    tc_verify_req_parse(r, b.data, b.len, NULL, 0), TC_ERR_TOO_LARGE);
	tc_buf_release(&b);
	assert_int_equal(tc_verify_req_parse(r, (const uint8_t *)"{}",
			     TC_VERIFY_REQ_MAX + 1, NULL, 0),
	    TC_ERR_TOO_LARGE);
	free(r);
}

static void
test_redeem_req(void **state)
{
	/* msg NULL: any message. */
	static const struct fx_refusal bad[] = {
		{ "", TC_ERR_MALFORMED, "empty" },
		{ "[]", TC_ERR_MALFORMED, "object" },
		{ "{\"request_id\":\"a\"}", TC_ERR_MALFORMED, "\"qr\"" },
		{ "{\"qr\":\"TC1:X\"}", TC_ERR_MALFORMED, "request_id" },
		{ "{\"qr\":\"TC1:X\",\"tap\":\"00112233445566778899aabbccddeeff\",\"request_id\":\"a\"}",
		    TC_ERR_MALFORMED, "not both" },
		{ "{\"tap\":\"00112233445566778899AABBCCDDEEFF\",\"request_id\":\"a\"}",
		    TC_ERR_MALFORMED, "character 21" },
		{ "{\"tap\":\"0011\",\"request_id\":\"a\"}", TC_ERR_MALFORMED,
		    "32 hex" },
		{ "{\"qr\":\"x\",\"party\":0,\"request_id\":\"a\"}",
		    TC_ERR_MALFORMED, "party" },
		{ "{\"qr\":\"x\",\"party\":100,\"request_id\":\"a\"}",
		    TC_ERR_MALFORMED, "1 to 99" },
		{ "{\"qr\":\"x\",\"party\":2.5,\"request_id\":\"a\"}",
		    TC_ERR_MALFORMED, "integer" },
		{ "{\"qr\":\"x\",\"party\":\"2\",\"request_id\":\"a\"}",
		    TC_ERR_MALFORMED, "integer" },
		{ "{\"qr\":\"x\",\"request_id\":\"has space\"}",
		    TC_ERR_MALFORMED, "request_id" },
		{ "{\"qr\":\"x\",\"request_id\":\"\"}", TC_ERR_MALFORMED,
		    "request_id" },
		{ "{\"qr\":\"x\",\"request_id\":\"a\\u0000b\"}",
		    TC_ERR_MALFORMED, "not JSON" },
		{ "{\"qr\":\"x\",\"request_id\":\"a\",\"request_id\":\"b\"}",
		    TC_ERR_MALFORMED, "byte" },
		{ "{\"qr\":\"x\",\"request_id\":\"a\",\"id\":\"1\"}",
		    TC_ERR_MALFORMED, "unknown member" },
		{ "{\"qr\":\"x\",\"request_id\":\"a\"} x", TC_ERR_MALFORMED,
		    "byte" },
		{ "{\"qr\":\"a\\u0001\",\"request_id\":\"a\"}",
		    TC_ERR_BAD_ENCODING, "control" },
	};
	struct tc_redeem_req req;
	char err[512], rid[80], big[TC_REDEEM_REQ_MAX + 16];
	size_t i;

	(void)state;
	snprintf(big, sizeof(big), "%s",
	    "{\"qr\":\"TC1:ABC\",\"request_id\":\"w1:2026-11.a_b\"}");
	assert_int_equal(tc_redeem_req_parse(&req, (const uint8_t *)big,
			     strlen(big), err, sizeof(err)),
	    0);
	assert_string_equal(req.qr, "TC1:ABC");
	assert_int_equal(req.qrlen, 7);
	assert_string_equal(req.tap, "");
	assert_int_equal(req.party, 1);
	assert_string_equal(req.request_id, "w1:2026-11.a_b");
	snprintf(big, sizeof(big), "%s",
	    "{\"tap\":\"00112233445566778899aabbccddeeff\",\"party\":3,\"request_id\":\"r\"}");
	assert_int_equal(tc_redeem_req_parse(&req, (const uint8_t *)big,
			     strlen(big), err, sizeof(err)),
	    0);
	assert_string_equal(req.tap, "00112233445566778899aabbccddeeff");
	assert_int_equal(req.qrlen, 0);
	assert_int_equal(req.party, 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (tc_redeem_req_parse(&req, (const uint8_t *)bad[i].in,
			strlen(bad[i].in), err, sizeof(err)) != bad[i].code)
			fail_msg("%s: expected %d (%s)", bad[i].in, bad[i].code,
			    err);
		if (bad[i].msg != NULL && strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", bad[i].in, err,
			    bad[i].msg);
		assert_int_equal(req.qrlen, 0);
		assert_int_equal(req.party, 0);
		assert_string_equal(req.request_id, "");
	}
	/* A request id of 64 characters is the longest. */
	memset(rid, 'a', 65);
	rid[64] = '\0';
	snprintf(big, sizeof(big), "{\"qr\":\"x\",\"request_id\":\"%s\"}", rid);
	assert_int_equal(tc_redeem_req_parse(&req, (const uint8_t *)big,
			     strlen(big), err, sizeof(err)),
	    0);
	rid[64] = 'a';
	rid[65] = '\0';
	snprintf(big, sizeof(big), "{\"qr\":\"x\",\"request_id\":\"%s\"}", rid);
	assert_int_equal(tc_redeem_req_parse(&req, (const uint8_t *)big,
			     strlen(big), err, sizeof(err)),
	    TC_ERR_MALFORMED);
	memset(big, ' ', sizeof(big));
	assert_int_equal(tc_redeem_req_parse(&req, (const uint8_t *)big,
			     TC_REDEEM_REQ_MAX + 1, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_true(tc_request_id_ok("A-z.0_9:x"));
	assert_false(tc_request_id_ok(""));
	assert_false(tc_request_id_ok("a/b"));
	assert_false(tc_request_id_ok(NULL));
}

static void
test_url_path(void **state)
{
	/* Paths that decode, and what to. */
	static const struct fx_in_out good[] = {
		{ "/healthz", "/healthz" },
		{ "/v1/lookup?card=1%00&x", "/v1/lookup" },
		{ "/bundle/trust%2ecose", "/bundle/trust.cose" },
		{ "/a+b%41%e4%b8%ad", "/a+bA\xe4\xb8\xad" },
		{ "", "" },
	};
	/* Paths refused (TC_ERR_MALFORMED) with nothing decoded. */
	static const char *const bad[] = {
		"/bundle/trust.cose%00x",
		"/bundle/programmes%2Fx.json",
		"/bundle/programmes%2fx.json",
		"/x%0a",
		"/x%7F",
		"/x%",
		"/x%4",
		"/x%zz",
	};
	char out[64], err[128];
	size_t i, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = 99;
		assert_int_equal(
		    tc_url_path_decode(good[i].in, strlen(good[i].in), out,
			sizeof(out), &n, err, sizeof(err)),
		    0);
		assert_string_equal(out, good[i].out);
		assert_int_equal(n, strlen(good[i].out));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tc_url_path_decode(bad[i], strlen(bad[i]), out,
				     sizeof(out), &n, err, sizeof(err)),
		    TC_ERR_MALFORMED);
		assert_string_equal(out, "");
	}
	/* The message names the escape and where it is. */
	assert_int_equal(tc_url_path_decode("/b/x%00y", 8, out, sizeof(out),
			     NULL, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "byte 4"));
	assert_non_null(strstr(err, "NUL"));
	/* The raw length plus one always suffices; less does not. */
	assert_int_equal(
	    tc_url_path_decode("/abc", 4, out, 5, NULL, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_url_path_decode("/abc", 4, out, 4, NULL, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(
	    tc_url_path_decode("/a", 2, NULL, 4, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

static void
test_framing(void **state)
{
	static const struct {
		const char *h[4][2];
		int http10, r;
	} v[] = {
		{ { { "Host", "x" } }, 0, 0 },
		{ { { "Content-Length", "5" } }, 0, 0 },
		{ { { "transfer-encoding", " Chunked " } }, 0, 0 },
		{ { { "Transfer-Encoding", "chunked" } }, 1, TC_ERR_MALFORMED },
		{ { { "Transfer-Encoding", "chunked" },
		      { "Content-Length", "5" } },
		    0, TC_ERR_MALFORMED },
		{ { { "Content-Length", "0" }, { "Content-Length", "40" } }, 0,
		    TC_ERR_MALFORMED },
		{ { { "Content-Length", "5" }, { "content-length", "5" } }, 0,
		    TC_ERR_MALFORMED },
		{ { { "Transfer-Encoding", "chunked" },
		      { "Transfer-Encoding", "chunked" } },
		    0, TC_ERR_MALFORMED },
		{ { { "Transfer-Encoding", "gzip" } }, 0, TC_ERR_UNSUPPORTED },
		{ { { "Transfer-Encoding", "gzip, chunked" } }, 0,
		    TC_ERR_UNSUPPORTED },
		{ { { "Transfer-Encoding", "chunked, chunked" } }, 0,
		    TC_ERR_UNSUPPORTED },
		{ { { "Transfer-Encoding", "" } }, 0, TC_ERR_UNSUPPORTED },
	};
	struct tc_http_framing f;
	char err[128];
	size_t i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_http_framing_init(&f);
		for (k = 0; k < 4 && v[i].h[k][0] != NULL; k++)
			tc_http_framing_add(&f, v[i].h[k][0], v[i].h[k][1]);
		assert_int_equal(
		    tc_http_framing_check(&f, v[i].http10, err, sizeof(err)),
		    v[i].r);
	}
	tc_http_framing_init(&f);
	tc_http_framing_add(&f, "Content-Length", "0");
	tc_http_framing_add(&f, "Content-Length", "40");
	tc_http_framing_check(&f, 0, err, sizeof(err));
	assert_non_null(strstr(err, "different values"));
}

#define TESTS(X, XF)                                                           \
	X(test_utf8)                                                           \
	X(test_form_decode)                                                    \
	X(test_form_refusals)                                                  \
	X(test_form_only)                                                      \
	X(test_verify_req)                                                     \
	X(test_redeem_req)                                                     \
	X(test_url_path)                                                       \
	X(test_framing)

TC_UNIT_MAIN(TESTS, NULL, NULL)
