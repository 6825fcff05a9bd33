/* SPDX-License-Identifier: MIT */
/*
 * JSON text written straight into a tc_buf (RFC 8259): objects, arrays,
 * strings, integers, booleans and null, with commas placed by the
 * writer. For answers built in bulk (the office's work queue: 50
 * summaries a page), where building a jansson tree and dumping it was two
 * fifths of the monitor's time per page (docs/performance.md). Strings
 * must be valid UTF-8; they are written with '"', '\' and the control
 * characters escaped, the rest as it is (as jansson's json_dumps does).
 * The first failure (invalid UTF-8, too deep, the buffer's cap) sticks:
 * later calls do nothing and tc_jw_error reports it.
 */
#ifndef TCARD_JSONW_H
#define TCARD_JSONW_H

#include <stdint.h>

#include "tcard/buf.h"

#define TC_JW_DEPTH 16

struct tc_jw {
	struct tc_buf *b;
	int depth;
	unsigned char more[TC_JW_DEPTH]; /* a value written at this depth */
	int after_key;			 /* a key waits for its value */
	int err;			 /* 0, or the first TC_ERR_* */
};

/* Starts writing into b (appended to what b holds). */
void tc_jw_init(struct tc_jw *w, struct tc_buf *b);

void tc_jw_obj(struct tc_jw *w); /* { */
void tc_jw_arr(struct tc_jw *w); /* [ */
void tc_jw_end(struct tc_jw *w); /* } or ], whichever is open */
void tc_jw_key(struct tc_jw *w, const char *key);
void tc_jw_str(struct tc_jw *w, const char *s); /* NULL: null */
void tc_jw_int(struct tc_jw *w, int64_t v);
void tc_jw_bool(struct tc_jw *w, int v);
void tc_jw_null(struct tc_jw *w);

/* A member: the key, then the value. */
void tc_jw_kstr(struct tc_jw *w, const char *key, const char *s);
void tc_jw_kint(struct tc_jw *w, const char *key, int64_t v);
void tc_jw_kbool(struct tc_jw *w, const char *key, int v);

/*
 * 0 when everything written so far is sound and every object and array
 * is closed; else TC_ERR_INVALID_ARG (invalid UTF-8, a value where a key
 * belongs, an unbalanced end, too deep) or TC_ERR_NOMEM (the buffer).
 */
int tc_jw_error(const struct tc_jw *w);

#endif
