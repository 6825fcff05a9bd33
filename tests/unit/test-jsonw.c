/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the JSON text writer (src/jsonw.c): what it writes is
 * what jansson reads back, escapes, commas, nesting, and the refusals
 * (invalid UTF-8, a value without its key, unbalanced ends, depth, the
 * buffer's cap).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/jsonw.h"

/* b's text as a NUL-terminated string (b holds no NUL). */
static const char *
text(struct tc_buf *b)
{
	tc_buf_put(b, "", 1);
	b->len--;
	return (const char *)b->data;
}

static void
test_summary_shape(void **state)
{
	struct tc_buf b;
	struct tc_jw w;
	json_t *o, *want;

	(void)state;
	tc_buf_init(&b, 0);
	tc_jw_init(&w, &b);
	tc_jw_obj(&w);
	tc_jw_key(&w, "items");
	tc_jw_arr(&w);
	tc_jw_obj(&w);
	tc_jw_kint(&w, "id", 42);
	tc_jw_kstr(&w, "name", "王小明 \"Ming\" \\ \n\t\x01\x1f");
	tc_jw_kstr(&w, "tier", NULL);
	tc_jw_kbool(&w, "overdue", 1);
	tc_jw_kint(&w, "neg", -9007199254740993LL);
	tc_jw_end(&w);
	tc_jw_obj(&w);
	tc_jw_end(&w);
	tc_jw_end(&w);
	tc_jw_kstr(&w, "next", "2026-12-07.42");
	tc_jw_key(&w, "prev");
	tc_jw_null(&w);
	tc_jw_kbool(&w, "more", 0);
	tc_jw_end(&w);
	assert_int_equal(tc_jw_error(&w), 0);
	assert_string_equal(text(&b),
	    "{\"items\":[{\"id\":42,\"name\":\"王小明 \\\"Ming\\\" \\\\ "
	    "\\u000a\\u0009\\u0001\\u001f\",\"tier\":null,\"overdue\":true,"
	    "\"neg\":-9007199254740993},{}],\"next\":\"2026-12-07.42\","
	    "\"prev\":null,\"more\":false}");
	o = json_loadb((const char *)b.data, b.len, 0, NULL);
	assert_non_null(o);
	want = json_pack("{s:[{s:I, s:s, s:n, s:b, s:I}, {}], s:s, s:n, s:b}",
	    "items", "id", (json_int_t)42, "name",
	    "王小明 \"Ming\" \\ \n\t\x01\x1f", "tier", "overdue", 1, "neg",
	    (json_int_t)-9007199254740993LL, "next", "2026-12-07.42", "prev",
	    "more", 0);
	assert_true(json_equal(o, want));
	json_decref(o);
	json_decref(want);
	tc_buf_release(&b);
}

/* One writer run of fn must fail with code, whatever it wrote. */
static void
refuses(void (*fn)(struct tc_jw *w), size_t cap, int code)
{
	struct tc_buf b;
	struct tc_jw w;

	tc_buf_init(&b, cap);
	tc_jw_init(&w, &b);
	fn(&w);
	assert_int_equal(tc_jw_error(&w), code);
	tc_buf_release(&b);
}

static void
bad_utf8(struct tc_jw *w)
{
	tc_jw_arr(w);
	tc_jw_str(w, "ok \xc0\x80 overlong NUL");
	tc_jw_end(w);
}

static void
cut_utf8(struct tc_jw *w)
{
	tc_jw_arr(w);
	tc_jw_str(w, "\xe4\xba");
	tc_jw_end(w);
}

static void
value_without_key(struct tc_jw *w)
{
	tc_jw_obj(w);
	tc_jw_int(w, 1);
	tc_jw_end(w);
}

static void
key_in_array(struct tc_jw *w)
{
	tc_jw_arr(w);
	tc_jw_key(w, "k");
	tc_jw_end(w);
}

static void
unclosed(struct tc_jw *w)
{
	tc_jw_obj(w);
	tc_jw_kint(w, "a", 1);
}

static void
key_without_value(struct tc_jw *w)
{
	tc_jw_obj(w);
	tc_jw_key(w, "a");
	tc_jw_end(w);
}

static void
too_many_ends(struct tc_jw *w)
{
	tc_jw_arr(w);
	tc_jw_end(w);
	tc_jw_end(w);
}

static void
too_deep(struct tc_jw *w)
{
	int i;

	for (i = 0; i <= TC_JW_DEPTH; i++)
		tc_jw_arr(w);
	for (i = 0; i <= TC_JW_DEPTH; i++)
		tc_jw_end(w);
}

static void
long_string(struct tc_jw *w)
{
	char s[300];

	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	tc_jw_arr(w);
	tc_jw_str(w, s);
	tc_jw_end(w);
}

static void
test_refusals(void **state)
{
	(void)state;
	refuses(bad_utf8, 0, TC_ERR_INVALID_ARG);
	refuses(cut_utf8, 0, TC_ERR_INVALID_ARG);
	refuses(value_without_key, 0, TC_ERR_INVALID_ARG);
	refuses(key_in_array, 0, TC_ERR_INVALID_ARG);
	refuses(unclosed, 0, TC_ERR_INVALID_ARG);
	refuses(key_without_value, 0, TC_ERR_INVALID_ARG);
	refuses(too_many_ends, 0, TC_ERR_INVALID_ARG);
	refuses(too_deep, 0, TC_ERR_INVALID_ARG);
	refuses(long_string, 100, TC_ERR_NOMEM);
	/* The same string fits a larger buffer. */
	refuses(long_string, 1000, 0);
}

/* Every kind of value in an array, with commas between them. */
static void
test_values(void **state)
{
	struct tc_buf b;
	struct tc_jw w;

	(void)state;
	tc_buf_init(&b, 0);
	tc_jw_init(&w, &b);
	tc_jw_arr(&w);
	tc_jw_int(&w, 0);
	tc_jw_bool(&w, 0);
	tc_jw_null(&w);
	tc_jw_str(&w, "");
	tc_jw_arr(&w);
	tc_jw_end(&w);
	tc_jw_end(&w);
	assert_int_equal(tc_jw_error(&w), 0);
	assert_string_equal(text(&b), "[0,false,null,\"\",[]]");
	tc_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_shape),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
