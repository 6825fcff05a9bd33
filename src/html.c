/* SPDX-License-Identifier: MIT */
/*
 * HTML escaping, query encoding and the local-path check of the
 * server-rendered pages (include/tcard/html.h). One escaper for every
 * page, so that applicant-supplied names, reasons and file names are
 * escaped the same way wherever they are shown.
 */
#include <string.h>

#include "tcard/html.h"

int
tc_html_put_n(struct tc_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;
	int bad = 0;

	/* Copies runs of plain bytes at once; escapes the rest. */
	for (i = 0; s != NULL && i < len && bad == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
			    c == 0x7f)
				rep = "\xef\xbf\xbd";
		}
		if (rep == NULL) {
			run++;
			continue;
		}
		if (run > 0)
			bad |= tc_buf_put(b, s + i - run, run);
		run = 0;
		bad |= tc_buf_puts(b, rep);
	}
	if (bad == 0 && run > 0)
		bad |= tc_buf_put(b, s + i - run, run);
	return bad;
}

int
tc_html_put(struct tc_buf *b, const char *s)
{
	return s == NULL ? 0 : tc_html_put_n(b, s, strlen(s));
}

int
tc_html_url_put(struct tc_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int bad = 0;

	for (; s != NULL && *s != '\0' && bad == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			bad |= tc_buf_put_u8(b, c);
		} else {
			bad |= tc_buf_put_u8(b, '%');
			bad |= tc_buf_put_u8(b, (unsigned char)hex[c >> 4]);
			bad |= tc_buf_put_u8(b, (unsigned char)hex[c & 15]);
		}
	}
	return bad;
}

int
tc_html_local_path_ok(const char *s, const char *prefix)
{
	size_t i, n;

	if (s == NULL || prefix == NULL || prefix[0] != '/' ||
	    strncmp(s, prefix, strlen(prefix)) != 0)
		return 0;
	if ((n = strlen(s)) > TC_HTML_NEXT_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') ||
			strchr("/-._~?=&%", c) != NULL))
			return 0;
	}
	if (strstr(s, "//") != NULL || strstr(s, "/../") != NULL ||
	    strstr(s, "/./") != NULL ||
	    (n >= 3 && strcmp(s + n - 3, "/..") == 0) ||
	    (n >= 2 && strcmp(s + n - 2, "/.") == 0))
		return 0;
	/* %2F, %5C and %2E could be decoded into the above by a proxy. */
	for (i = 0; i + 2 < n; i++)
		if (s[i] == '%' &&
		    (strncmp(s + i + 1, "2F", 2) == 0 ||
			strncmp(s + i + 1, "2f", 2) == 0 ||
			strncmp(s + i + 1, "5C", 2) == 0 ||
			strncmp(s + i + 1, "5c", 2) == 0 ||
			strncmp(s + i + 1, "2E", 2) == 0 ||
			strncmp(s + i + 1, "2e", 2) == 0))
			return 0;
	return 1;
}
