/* SPDX-License-Identifier: MIT */
/* The JSON key-table checker (include/tcard/json-keys.h). */
#include <string.h>

#include "tcard/json-keys.h"

const char *
tc_json_type_name(int type)
{
	switch (type) {
	case TC_JSON_STR:
		return "a string";
	case TC_JSON_INT:
		return "an integer";
	case TC_JSON_BOOL:
		return "true or false";
	case TC_JSON_OBJ:
		return "an object";
	case TC_JSON_ARR:
		return "an array";
	case TC_JSON_NUM:
		return "a number";
	case TC_JSON_CONT:
		return "an object or an array";
	}
	return "?";
}

static int
type_ok(json_t *v, int type)
{
	switch (type) {
	case TC_JSON_STR:
		return json_is_string(v);
	case TC_JSON_INT:
		return json_is_integer(v);
	case TC_JSON_BOOL:
		return json_is_boolean(v);
	case TC_JSON_OBJ:
		return json_is_object(v);
	case TC_JSON_ARR:
		return json_is_array(v);
	case TC_JSON_NUM:
		return json_is_number(v);
	case TC_JSON_CONT:
		return json_is_object(v) || json_is_array(v);
	}
	return 0;
}

enum tc_json_fault
tc_json_keys_check(json_t *o, const struct tc_json_key *keys, const char **name,
    const struct tc_json_key **row)
{
	const struct tc_json_key *k;
	const char *n;
	void *it;

	*name = NULL;
	*row = NULL;
	if (!json_is_object(o))
		return TC_JSON_NOT_OBJECT;
	for (it = json_object_iter(o); it != NULL;
	     it = json_object_iter_next(o, it)) {
		n = json_object_iter_key(it);
		for (k = keys; k->name != NULL; k++)
			if (strcmp(k->name, n) == 0)
				break;
		*name = n;
		if (k->name == NULL)
			return TC_JSON_UNKNOWN;
		if (!type_ok(json_object_iter_value(it), k->type)) {
			*row = k;
			return TC_JSON_BAD_TYPE;
		}
	}
	for (k = keys; k->name != NULL; k++) {
		if (k->required && json_object_get(o, k->name) == NULL) {
			*name = k->name;
			*row = k;
			return TC_JSON_MISSING;
		}
	}
	*name = NULL;
	return TC_JSON_OK;
}
