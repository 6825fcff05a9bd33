/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the query-string and form-body parser of tcard-verifierd
 * (src/httpreq.c, tc_form_parse): any bytes are parsed; a parsed form must
 * hold at most TC_FORM_MAX_FIELDS parameters whose names are short and
 * whose values are UTF-8 without control characters and no longer than
 * the input, and every name must be found again by tc_form_get.
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
	static const char *const allowed[] = { "card", "name", "id", NULL };
	static struct tc_form form;
	const char *v;
	char err[256];
	size_t i, len;

	if (tc_form_parse(&form, (const char *)data, size, err, sizeof(err)) !=
	    0) {
		if (form.n != 0)
			abort();
		return 0;
	}
	if (form.n > TC_FORM_MAX_FIELDS)
		abort();
	for (i = 0; i < form.n; i++) {
		if (strlen(form.f[i].name) == 0 ||
		    strlen(form.f[i].name) > TC_FORM_NAME_MAX ||
		    form.f[i].len > size ||
		    strlen(form.f[i].value) != form.f[i].len)
			abort();
		if (tc_utf8_check((const uint8_t *)form.f[i].value,
			form.f[i].len, NULL) != 0)
			abort();
		v = tc_form_get(&form, form.f[i].name, &len);
		if (v != form.f[i].value || len != form.f[i].len)
			abort();
	}
	(void)tc_form_only(&form, allowed, err, sizeof(err));
	return 0;
}
