/* SPDX-License-Identifier: MIT */
/*
 * JSON text writer (include/tcard/jsonw.h).
 */
#include <stdio.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/jsonw.h"
#include "tcard/utf8.h"

void
tc_jw_init(struct tc_jw *w, struct tc_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static void
fail(struct tc_jw *w, int code)
{
	if (w->err == 0)
		w->err = code;
}

/* Before a value: the comma, and checks that a value may come here. */
static int
value_begin(struct tc_jw *w)
{
	if (w->err != 0)
		return -1;
	if (w->after_key) {
		w->after_key = 0;
		return 0;
	}
	/* In an object, a value needs its key first. */
	if (w->depth > 0 && w->more[w->depth - 1] & 2) {
		fail(w, TC_ERR_INVALID_ARG);
		return -1;
	}
	if (w->depth > 0 && (w->more[w->depth - 1] & 1))
		tc_buf_put(w->b, ",", 1);
	if (w->depth > 0)
		w->more[w->depth - 1] |= 1;
	return 0;
}

static void
check(struct tc_jw *w)
{
	if (w->err == 0 && tc_buf_error(w->b) != 0)
		w->err = TC_ERR_NOMEM;
}

/* Opens an object (obj 2) or an array (0). */
static void
begin(struct tc_jw *w, int obj)
{
	if (value_begin(w) != 0)
		return;
	if (w->depth == TC_JW_DEPTH) {
		fail(w, TC_ERR_INVALID_ARG);
		return;
	}
	w->more[w->depth++] = (unsigned char)obj;
	tc_buf_put(w->b, obj ? "{" : "[", 1);
	check(w);
}

void
tc_jw_obj(struct tc_jw *w)
{
	begin(w, 2);
}

void
tc_jw_arr(struct tc_jw *w)
{
	begin(w, 0);
}

void
tc_jw_end(struct tc_jw *w)
{
	if (w->err != 0)
		return;
	if (w->depth == 0 || w->after_key) {
		fail(w, TC_ERR_INVALID_ARG);
		return;
	}
	w->depth--;
	tc_buf_put(w->b, (w->more[w->depth] & 2) ? "}" : "]", 1);
	check(w);
}

/*
 * s as a JSON string, with the byte pre before it and post after it when
 * not 0 (a comma, a colon): one pass checks the UTF-8 and counts the
 * escapes, one reservation, one pass copies. Invalid UTF-8 fails.
 */
static void
string(struct tc_jw *w, const char *s, char pre, char post)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i, k, extra = 0;
	uint32_t cp;
	uint8_t *o;

	for (i = 0; i < n; i += k) {
		k = 1;
		if (p[i] < 0x20)
			extra += 5; /* \u00XX */
		else if (p[i] == '"' || p[i] == '\\')
			extra += 1;
		else if (p[i] >= 0x80 &&
		    (k = tc_utf8_next(p + i, n - i, &cp)) == 0) {
			fail(w, TC_ERR_INVALID_ARG);
			return;
		}
	}
	if (tc_buf_reserve(w->b, n + extra + 4) != 0) {
		fail(w, TC_ERR_NOMEM);
		return;
	}
	o = w->b->data + w->b->len;
	if (pre != 0)
		*o++ = (uint8_t)pre;
	*o++ = '"';
	if (extra == 0) {
		memcpy(o, p, n);
		o += n;
	} else {
		for (i = 0; i < n; i++) {
			if (p[i] == '"' || p[i] == '\\') {
				*o++ = '\\';
				*o++ = p[i];
			} else if (p[i] < 0x20) {
				memcpy(o, "\\u00", 4);
				o[4] = (uint8_t)hex[p[i] >> 4];
				o[5] = (uint8_t)hex[p[i] & 15];
				o += 6;
			} else {
				*o++ = p[i];
			}
		}
	}
	*o++ = '"';
	if (post != 0)
		*o++ = (uint8_t)post;
	w->b->len = (size_t)(o - w->b->data);
	*o = '\0';
}

void
tc_jw_key(struct tc_jw *w, const char *key)
{
	if (w->err != 0)
		return;
	if (w->depth == 0 || !(w->more[w->depth - 1] & 2) || w->after_key) {
		fail(w, TC_ERR_INVALID_ARG);
		return;
	}
	string(w, key, (w->more[w->depth - 1] & 1) ? ',' : 0, ':');
	w->more[w->depth - 1] |= 1;
	w->after_key = 1;
}

void
tc_jw_str(struct tc_jw *w, const char *s)
{
	if (s == NULL) {
		tc_jw_null(w);
		return;
	}
	if (value_begin(w) == 0)
		string(w, s, 0, 0);
}

void
tc_jw_int(struct tc_jw *w, int64_t v)
{
	char t[24];

	if (value_begin(w) != 0)
		return;
	tc_buf_put(
	    w->b, t, (size_t)snprintf(t, sizeof(t), "%lld", (long long)v));
	check(w);
}

static void
word(struct tc_jw *w, const char *s)
{
	if (value_begin(w) != 0)
		return;
	tc_buf_puts(w->b, s);
	check(w);
}

void
tc_jw_bool(struct tc_jw *w, int v)
{
	word(w, v ? "true" : "false");
}

void
tc_jw_null(struct tc_jw *w)
{
	word(w, "null");
}

void
tc_jw_kstr(struct tc_jw *w, const char *key, const char *s)
{
	tc_jw_key(w, key);
	tc_jw_str(w, s);
}

void
tc_jw_kint(struct tc_jw *w, const char *key, int64_t v)
{
	tc_jw_key(w, key);
	tc_jw_int(w, v);
}

void
tc_jw_kbool(struct tc_jw *w, const char *key, int v)
{
	tc_jw_key(w, key);
	tc_jw_bool(w, v);
}

int
tc_jw_error(const struct tc_jw *w)
{
	if (w->err != 0)
		return w->err;
	if (tc_buf_error(w->b) != 0)
		return TC_ERR_NOMEM;
	return w->depth != 0 || w->after_key ? TC_ERR_INVALID_ARG : 0;
}
