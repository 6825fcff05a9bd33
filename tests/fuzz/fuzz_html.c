/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the HTML helpers of the server-rendered pages
 * (src/html.c): the input is escaped (it must come out with no '<', '>',
 * '"' or '\'' and no control byte but tab, CR and LF), query-encoded (only
 * unreserved characters and %XX), and, cut at its first NUL, checked as
 * a sign-in page's next= path: an accepted one must start with
 * "/console/" and hold no "//", backslash, ':' or control byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_buf b;
	char *s;
	size_t i;

	tc_buf_init(&b, 16 * size + 16);
	if (tc_html_put_n(&b, (const char *)data, size) != 0)
		abort();
	for (i = 0; i < b.len; i++) {
		unsigned char c = b.data[i];

		if (c == '<' || c == '>' || c == '"' || c == '\'' ||
		    (c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7f)
			abort();
	}
	tc_buf_release(&b);
	if ((s = fuzz_cstr(data, size)) == NULL)
		return 0;
	tc_buf_init(&b, 3 * size + 16);
	if (tc_html_url_put(&b, s) != 0)
		abort();
	for (i = 0; i < b.len; i++)
		if (strchr(
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%",
			(char)b.data[i]) == NULL ||
		    b.data[i] == '\0')
			abort();
	tc_buf_release(&b);
	if (tc_html_local_path_ok(s, "/console/") &&
	    (strncmp(s, "/console/", 9) != 0 || strstr(s, "//") != NULL ||
		strchr(s, '\\') != NULL || strchr(s, ':') != NULL ||
		strlen(s) > TC_HTML_NEXT_MAX))
		abort();
	for (i = 0; tc_html_local_path_ok(s, "/console/") && s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			abort();
	free(s);
	return 0;
}
