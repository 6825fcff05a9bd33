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

/* s as a JSON string; invalid UTF-8 fails. */
static void
string(struct tc_jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s, *run;
	size_t n = strlen(s), k;
	uint32_t cp;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	tc_buf_put(w->b, "\"", 1);
	while (n > 0) {
		/* The longest run that needs no escape, written at once. */
		for (run = p; n > 0 && *p >= 0x20 && *p != '"' && *p != '\\';) {
			if (*p < 0x80) {
				p++;
				n--;
				continue;
			}
			if ((k = tc_utf8_next(p, n, &cp)) == 0) {
				fail(w, TC_ERR_INVALID_ARG);
				return;
			}
			p += k;
			n -= k;
		}
		tc_buf_put(w->b, run, (size_t)(p - run));
		if (n == 0)
			break;
		if (*p == '"' || *p == '\\') {
			esc[1] = (char)*p;
			tc_buf_put(w->b, esc, 2);
		} else {
			esc[1] = 'u';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			tc_buf_put(w->b, esc, 6);
		}
		p++;
		n--;
	}
	tc_buf_put(w->b, "\"", 1);
	check(w);
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
	if (w->more[w->depth - 1] & 1)
		tc_buf_put(w->b, ",", 1);
	w->more[w->depth - 1] |= 1;
	string(w, key);
	tc_buf_put(w->b, ":", 1);
	check(w);
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
		string(w, s);
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
