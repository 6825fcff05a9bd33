/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the HTML helpers (src/html.c): the escaper on hostile
 * applicant strings (a script element, an attribute break-out, quotes of
 * both kinds, control bytes, UTF-8 kept), the query encoder, and the
 * "next" path check refusing absolute and scheme-relative URLs,
 * backslashes and dot segments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/html.h"

static void
test_escape(void **state)
{
	static const struct fx_in_out v[] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "<script>alert(1)</script>",
		    "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\"><img src=x onerror=alert(1)>",
		    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
		{ "O'Brien & Sons", "O&#39;Brien &amp; Sons" },
		{ "&amp;", "&amp;amp;" },
		{ "王晓明 · Wáng", "王晓明 · Wáng" },
		{ "a\tb\r\nc", "a\tb\r\nc" },
		{ "a\x01z\x7f", "a\xef\xbf\xbdz\xef\xbf\xbd" },
	};
	struct tc_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_buf_init(&b, 1024);
		assert_int_equal(tc_html_put(&b, v[i].in), 0);
		assert_int_equal(b.len, strlen(v[i].out));
		assert_memory_equal(b.data != NULL ? (const char *)b.data : "",
		    v[i].out, b.len);
		tc_buf_release(&b);
	}
	tc_buf_init(&b, 64);
	assert_int_equal(tc_html_put(&b, NULL), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(tc_html_put_n(&b, "a\0<", 3), 0);
	assert_memory_equal(b.data, "a\xef\xbf\xbd&lt;", b.len);
	tc_buf_release(&b);
	/* A full buffer is an error, never a truncated escape. */
	tc_buf_init(&b, 4);
	assert_int_not_equal(tc_html_put(&b, "<<<<"), 0);
	tc_buf_release(&b);
}

static void
test_url(void **state)
{
	struct tc_buf b;

	(void)state;
	tc_buf_init(&b, 256);
	assert_int_equal(
	    tc_html_url_put(&b, "/console/applications/7?x=<a b>&'\""), 0);
	assert_string_equal((const char *)b.data,
	    "%2Fconsole%2Fapplications%2F7%3Fx%3D%3Ca%20b%3E%26%27%22");
	tc_buf_release(&b);
}

static void
test_local_path(void **state)
{
	/* Paths the console may send a browser back to, and others. */
	static const char *const good[] = {
		"/console/queue",
		"/console/applications/12",
		"/console/queue?done=approved&lang=en",
		"/console/",
	};
	static const char *const bad[] = {
		"/console",
		"//evil.example/console/",
		"/console//evil.example",
		"https://evil.example/console/",
		"/console/\\evil.example",
		"/\\evil.example",
		"/console/../v1/queue",
		"/console/./x",
		"/console/..",
		"/console/%2F%2Fevil",
		"/console/%5cevil",
		"/console/%2e%2e/x",
		"/console/a b",
		"/console/a\r\nLocation: x",
		"/console/#x",
		"/console/javascript:alert(1)",
		"",
		NULL,
	};
	char longp[TC_HTML_NEXT_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(
		    tc_html_local_path_ok(good[i], "/console/"), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tc_html_local_path_ok(bad[i], "/console/"), 0);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	memcpy(longp, "/console/", 9);
	assert_int_equal(tc_html_local_path_ok(longp, "/console/"), 0);
	longp[TC_HTML_NEXT_MAX] = '\0';
	assert_int_equal(tc_html_local_path_ok(longp, "/console/"), 1);
	assert_int_equal(tc_html_local_path_ok("/console/x", "console/"), 0);
}

#define TESTS(X, XF)                                                           \
	X(test_escape)                                                         \
	X(test_url)                                                            \
	X(test_local_path)

TC_UNIT_MAIN(TESTS, NULL, NULL)
