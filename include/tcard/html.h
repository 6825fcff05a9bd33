/* SPDX-License-Identifier: MIT */
/*
 * HTML output for the server-rendered pages of the daemons (the staff
 * console of tcard-issuerd, office/web-console.c; the verifier's lookup
 * page, verifier/vd-page.c, is to use it too): text and attribute
 * escaping into a tc_buf, a query-value encoder, and the check of a
 * "next" path a sign-in page redirects to. Nothing here allocates beyond
 * the caller's buffer, prints or exits.
 */
#ifndef TCARD_HTML_H
#define TCARD_HTML_H

#include <stddef.h>

#include "tcard/buf.h"

/*
 * Appends s (NUL-terminated; NULL appends nothing) to b with the five
 * characters that matter in HTML text and in quoted attribute values
 * escaped: & < > " ' become &amp; &lt; &gt; &quot; &#39;. Every other
 * byte is copied as it is (the caller's text is UTF-8; a control byte
 * other than tab, CR and LF becomes U+FFFD so that no byte can end an
 * element early in a parser that is not the browser's). Safe for element
 * content and for attribute values in double or single quotes; never for
 * unquoted attributes, URLs in href/src (use tc_html_url_put), script or
 * style. Returns 0 or the buffer's error (tc_buf_put).
 */
int tc_html_put(struct tc_buf *b, const char *s);

/* As tc_html_put for len bytes of s (NUL bytes become U+FFFD). */
int tc_html_put_n(struct tc_buf *b, const char *s, size_t len);

/*
 * Appends s percent-encoded for a query value or a path segment: every
 * byte but A-Z a-z 0-9 - . _ ~ becomes %XX (so '/' too). The result
 * holds no character that needs HTML escaping. Returns 0 or the buffer's
 * error.
 */
int tc_html_url_put(struct tc_buf *b, const char *s);

#define TC_HTML_NEXT_MAX 256 /* longest "next" path accepted */

/*
 * 1 when s is a local path that a sign-in may redirect to: it starts with
 * prefix (which itself starts with '/', e.g. "/console/"), is at most
 * TC_HTML_NEXT_MAX bytes, and holds only A-Z a-z 0-9 and / - . _ ~ ? = &
 * % (so no backslash, no scheme's ':', no '#', no control or space, no
 * "//" anywhere and no "/../" or "/./" segment). Anything else, including
 * "//host", "/\host", "https://host" and NULL, gives 0: the caller then
 * uses its default page.
 */
int tc_html_local_path_ok(const char *s, const char *prefix);

#endif
