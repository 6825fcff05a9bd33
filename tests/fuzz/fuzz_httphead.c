/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the request-head checks of tcard-verifierd
 * (src/httpreq.c): the first line of the input is a raw request target,
 * decoded by tc_url_path_decode; every further line is a header field
 * "name: value" fed to tc_http_framing_add, then judged by
 * tc_http_framing_check for HTTP/1.0 and 1.1. A decoded path must be a C
 * string of the length returned, no longer than the raw path, without a
 * control character; a framing verdict must be one of the three codes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_http_framing f;
	char *copy, *line, *next, *colon, *out, err[256];
	size_t n, i, rawlen;
	int r;

	if ((copy = fuzz_cstr(data, size)) == NULL)
		return 0;
	next = strchr(copy, '\n');
	if (next != NULL)
		*next++ = '\0';
	rawlen = strlen(copy);
	if ((out = malloc(rawlen + 1)) == NULL) {
		free(copy);
		return 0;
	}
	r = tc_url_path_decode(
	    copy, rawlen, out, rawlen + 1, &n, err, sizeof(err));
	if (r == 0) {
		if (strlen(out) != n || n > rawlen)
			abort();
		for (i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				abort();
	} else if (r != TC_ERR_MALFORMED || out[0] != '\0')
		abort();
	tc_http_framing_init(&f);
	for (line = next; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		tc_http_framing_add(&f, line, colon + 1);
	}
	for (i = 0; i < 2; i++) {
		r = tc_http_framing_check(&f, (int)i, err, sizeof(err));
		if (r != 0 && r != TC_ERR_MALFORMED && r != TC_ERR_UNSUPPORTED)
			abort();
		if (r == 0 && (f.cl > 1 || f.te > 1 || (f.te && f.cl)))
			abort();
	}
	free(out);
	free(copy);
	return 0;
}
