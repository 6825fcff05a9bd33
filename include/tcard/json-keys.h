/* SPDX-License-Identifier: MIT */
/*
 * The one JSON key-table checker of libtcard (a public header because the
 * card stack in src/card/ uses it as well as the core): an object's members are checked against a table of names, JSON types and
 * whether each is required, so that the code after it reads values without
 * checking their types again. The programme files (src/programme.c) and
 * the card profiles (src/card/profile.c) use it; each names the faulty member in
 * its own path notation, so the checker reports what is wrong and where,
 * and writes no message itself.
 */
#ifndef TCARD_JSON_KEYS_H
#define TCARD_JSON_KEYS_H

#include <jansson.h>

enum tc_json_type {
	TC_JSON_STR = 1,
	TC_JSON_INT,
	TC_JSON_BOOL,
	TC_JSON_OBJ,
	TC_JSON_ARR,
	TC_JSON_NUM,  /* an integer or a real */
	TC_JSON_CONT, /* an object or an array */
};

/* One row of a key table; a table ends with a row whose name is NULL. */
struct tc_json_key {
	const char *name;
	int type; /* enum tc_json_type */
	int required;
};

enum tc_json_fault {
	TC_JSON_OK,
	TC_JSON_NOT_OBJECT, /* o is not an object */
	TC_JSON_UNKNOWN,    /* a member not in the table */
	TC_JSON_BAD_TYPE,   /* a member of another type than its row's */
	TC_JSON_MISSING,    /* a required member absent */
};

/*
 * Checks o against keys: first every member in the object's order (an
 * unknown member, or one of the wrong type), then every required row in the
 * table's order. Returns the first fault, TC_JSON_OK (0) when there is
 * none. *name is the faulty member's name (NULL for TC_JSON_NOT_OBJECT) and
 * *row its table row (NULL unless TC_JSON_BAD_TYPE or TC_JSON_MISSING);
 * both point into o or keys.
 */
enum tc_json_fault tc_json_keys_check(json_t *o, const struct tc_json_key *keys,
    const char **name /* OUT */, const struct tc_json_key **row /* OUT */);

/* "a string", "an integer", "true or false", ... for messages. */
const char *tc_json_type_name(int type);

#endif
