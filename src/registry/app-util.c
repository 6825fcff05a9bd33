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

/* Length of the UTF-8 sequence at s, or 0 when invalid; *cp its value. */
static size_t
utf8_seq(const unsigned char *s, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

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
		if ((k = utf8_seq(p, &c)) == 0)
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
