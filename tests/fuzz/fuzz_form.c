/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the urlencoded form parser of tcard-issuerd
 * (src/webform.c, tc_webform_parse), with the default limits and with
 * small ones: a parsed form must hold no more fields than allowed, names
 * of the allowed characters, values no longer than the limit that are
 * UTF-8 without controls but tab, CR and LF, and the lookups must agree
 * with the fields. A failure leaves the form empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/utf8.h"
#include "tcard/webform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct tc_webform *f, size_t max_fields, size_t max_name,
    size_t max_value)
{
	const char *vals[4];
	size_t i, k, n, c;
	uint32_t cp;

	if (f->n > max_fields)
		abort();
	for (i = 0; i < f->n; i++) {
		n = strlen(f->f[i].name);
		if (n == 0 || n > max_name || f->f[i].len > max_value ||
		    strlen(f->f[i].value) != f->f[i].len)
			abort();
		if (strspn(f->f[i].name,
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:[]") !=
		    n)
			abort();
		for (k = 0; k < f->f[i].len; k += c) {
			c = tc_utf8_next((const uint8_t *)f->f[i].value + k,
			    f->f[i].len - k, &cp);
			if (c == 0 ||
			    ((cp < 0x20 || cp == 0x7f) && cp != '\t' &&
				cp != '\r' && cp != '\n'))
				abort();
		}
		c = tc_webform_count(f, f->f[i].name);
		if (c == 0 ||
		    tc_webform_get_all(f, f->f[i].name, vals, NULL, 4) != c ||
		    (c == 1) != (tc_webform_get(f, f->f[i].name, NULL) != NULL))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_webform_limits small = {
		.max_body = 256, .max_fields = 4, .max_name = 8, .max_value = 16
	};
	struct tc_webform f;
	char err[256];

	tc_webform_init(&f);
	if (tc_webform_parse(&f, data, size, NULL, err, sizeof(err)) == 0)
		check(&f, 64, 64, 8192);
	else if (f.n != 0 || f.store != NULL)
		abort();
	if (tc_webform_parse(&f, data, size, &small, err, sizeof(err)) == 0)
		check(&f, 4, 8, 16);
	else if (f.n != 0 || f.store != NULL)
		abort();
	tc_webform_release(&f);
	return 0;
}
