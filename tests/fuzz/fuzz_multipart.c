/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the multipart/form-data parser of tcard-issuerd
 * (src/webform.c, tc_multipart_boundary and tc_multipart_parse). The
 * input is a Content-Type header value, a LF, then the body; an input
 * without a LF is a body under "multipart/form-data; boundary=b". Each
 * part must lie inside the body, within the limits, with a name, and a
 * file name's flags must match its bytes. A failure leaves mp empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/webform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const single[] = { "photo", NULL };
	struct tc_multipart_limits lim = { .max_parts = 8,
		.max_header_bytes = 256,
		.max_part_size = 4096,
		.single = single };
	char ctype[512] = "multipart/form-data; boundary=b";
	char bnd[TC_MULTIPART_BOUNDARY_MAX + 1], err[256];
	const struct tc_multipart_part *p;
	const uint8_t *nl, *body = data;
	struct tc_multipart mp;
	size_t i, len = size;

	if ((nl = memchr(data, '\n', size)) != NULL &&
	    (size_t)(nl - data) < sizeof(ctype)) {
		memcpy(ctype, data, (size_t)(nl - data));
		ctype[nl - data] = '\0';
		body = nl + 1;
		len = size - (size_t)(nl - data) - 1;
	}
	if (tc_multipart_boundary(ctype, bnd, sizeof(bnd), err, sizeof(err)) ==
	    0) {
		if (strlen(bnd) == 0 || strlen(bnd) > TC_MULTIPART_BOUNDARY_MAX)
			abort();
	} else if (bnd[0] != '\0')
		abort();
	tc_multipart_init(&mp);
	if (tc_multipart_parse(&mp, ctype, body, len, &lim, err, sizeof(err)) !=
	    0) {
		if (mp.n != 0 || mp.parts != NULL)
			abort();
		return 0;
	}
	if (mp.n > lim.max_parts)
		abort();
	for (i = 0; i < mp.n; i++) {
		p = &mp.parts[i];
		if (p->data < body || p->len > lim.max_part_size ||
		    (size_t)(p->data - body) + p->len > len ||
		    p->name[0] == '\0' ||
		    strlen(p->name) > TC_MULTIPART_NAME_MAX ||
		    strlen(p->ctype) > TC_MULTIPART_CTYPE_MAX ||
		    p->filename_len > TC_MULTIPART_FILENAME_MAX)
			abort();
		if (!p->has_filename && p->filename_len != 0)
			abort();
		if (((memchr(p->filename, '/', p->filename_len) != NULL) !=
			((p->filename_flags & TC_FILENAME_SLASH) != 0)) ||
		    ((memchr(p->filename, '\0', p->filename_len) != NULL) !=
			((p->filename_flags & TC_FILENAME_NUL) != 0)))
			abort();
		if (strcmp(p->name, "photo") == 0 &&
		    tc_multipart_get(&mp, "photo") != p)
			abort();
	}
	tc_multipart_release(&mp);
	return 0;
}
