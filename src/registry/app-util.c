/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the application, form and blacklist modules
 * (src/registry/app-int.h): text checks, column readers, audit entries with a
 * jansson detail.
 */
#include <stdlib.h>
#include <string.h>

#include "app-int.h"
#include "tcard/err.h"
#include "tcard/utf8.h"

int
tc_app_text_ok(const char *s, size_t max, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, k;
	uint32_t c;

	if (s == NULL || *s == '\0')
		return 0;
	n = strnlen(s, max + 1);
	if (n > max)
		return 0;
	while (*p != '\0') {
		if ((k = tc_utf8_next(p,
			 n - (size_t)(p - (const unsigned char *)s), &c)) == 0)
			return 0;
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
			if (!multiline || (c != '\t' && c != '\n' && c != '\r'))
				return 0;
		}
		p += k;
	}
	return 1;
}

size_t
tc_app_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
tc_app_audit(struct tc_registry *reg, time_t now, const char *op,
    const char *action, const char *subject, json_t *o, char *err,
    size_t errlen)
{
	char *text = NULL;
	int r;

	reg->dirty = 1;
	if (o != NULL &&
	    (text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		NULL) {
		json_decref(o);
		return tc_seterr(err, errlen, TC_ERR_NOMEM,
		    "formatting the audit detail failed");
	}
	json_decref(o);
	r = tc_registry_audit(reg, now, op, action, subject, text, err, errlen);
	free(text);
	return r;
}
