/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the JSON key-table checker (src/json-keys.c): each fault,
 * in the order it is found, and the type names used in messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "tcard/json-keys.h"

static const struct tc_json_key keys[] = {
	{ "id", TC_JSON_STR, 1 },
	{ "n", TC_JSON_INT, 0 },
	{ "on", TC_JSON_BOOL, 0 },
	{ "sub", TC_JSON_OBJ, 0 },
	{ "list", TC_JSON_ARR, 0 },
	{ "x", TC_JSON_NUM, 1 },
	{ NULL, 0, 0 },
};

static enum tc_json_fault
check(const char *text, const char **name, const struct tc_json_key **row)
{
	json_error_t e;
	json_t *o = json_loads(text, JSON_DECODE_ANY, &e);
	enum tc_json_fault f;
	static char saved[32];

	assert_non_null(o);
	f = tc_json_keys_check(o, keys, name, row);
	/* name may point into o: keep a copy past json_decref. */
	if (*name != NULL) {
		snprintf(saved, sizeof(saved), "%s", *name);
		*name = saved;
	}
	json_decref(o);
	return f;
}

static void
test_faults(void **state)
{
	const struct tc_json_key *row;
	const char *name;

	(void)state;
	assert_int_equal(
	    check(
		"{\"id\": \"a\", \"n\": 1, \"on\": true, \"sub\": {}, \"list\": [], \"x\": 1.5}",
		&name, &row),
	    TC_JSON_OK);
	assert_null(name);
	assert_int_equal(
	    check("{\"id\": \"a\", \"x\": 2}", &name, &row), TC_JSON_OK);
	assert_int_equal(check("[1]", &name, &row), TC_JSON_NOT_OBJECT);
	assert_null(name);
	assert_null(row);
	assert_int_equal(
	    check("{\"id\": \"a\", \"y\": 1}", &name, &row), TC_JSON_UNKNOWN);
	assert_string_equal(name, "y");
	assert_null(row);
	assert_int_equal(
	    check("{\"id\": \"a\", \"n\": 1.5, \"x\": 1}", &name, &row),
	    TC_JSON_BAD_TYPE);
	assert_string_equal(name, "n");
	assert_string_equal(row->name, "n");
	/* Members first, in the object's order, then what is missing. */
	assert_int_equal(
	    check("{\"on\": 1, \"zz\": 0}", &name, &row), TC_JSON_BAD_TYPE);
	assert_string_equal(name, "on");
	assert_int_equal(check("{\"n\": 1}", &name, &row), TC_JSON_MISSING);
	assert_string_equal(name, "id");
	assert_int_equal(
	    check("{\"id\": \"a\"}", &name, &row), TC_JSON_MISSING);
	assert_string_equal(row->name, "x");
}

static void
test_type_names(void **state)
{
	(void)state;
	assert_string_equal(tc_json_type_name(TC_JSON_STR), "a string");
	assert_string_equal(tc_json_type_name(TC_JSON_INT), "an integer");
	assert_string_equal(tc_json_type_name(TC_JSON_BOOL), "true or false");
	assert_string_equal(tc_json_type_name(TC_JSON_OBJ), "an object");
	assert_string_equal(tc_json_type_name(TC_JSON_ARR), "an array");
	assert_string_equal(tc_json_type_name(TC_JSON_NUM), "a number");
	assert_string_equal(tc_json_type_name(0), "?");
}

#define TESTS(X, XF)                                                           \
	X(test_faults)                                                         \
	X(test_type_names)

TC_UNIT_MAIN(TESTS, NULL, NULL)
