/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the rollback floor file (src/vdfloor.c): the file name, a
 * round trip through the writer and the parser, and a table of damaged
 * files, each refused with its code and a message naming what is wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/vdfloor.h"

#define CA_HEX "3f2a000000000000000000000000000000000000000000000000000000e1"
#define CA64   CA_HEX "0011"

static void
test_name(void **state)
{
	uint8_t ca[32];
	char name[TC_VDFLOOR_NAME_MAX];

	memset(ca, 0xab, sizeof(ca));
	tc_vdfloor_name(ca, name);
	assert_int_equal(strlen(name), strlen("rollback-floor-") + 32);
	assert_int_equal(strncmp(name, "rollback-floor-abababab", 23), 0);
}

static void
test_round_trip(void **state)
{
	struct tc_vdfloor f = { .revocations = 12,
		.lookup = 11,
		.trust_issued_at = 1765432100 },
			  g;
	char text[TC_VDFLOOR_TEXT_MAX], err[256];
	size_t i;

	for (i = 0; i < sizeof(f.ca); i++)
		f.ca[i] = (uint8_t)i;
	assert_int_equal(tc_vdfloor_format(&f, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "\nrevocations 12\n"));
	assert_int_equal(
	    tc_vdfloor_parse(&g, text, strlen(text), err, sizeof(err)), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	/* The largest values fit in TC_VDFLOOR_TEXT_MAX. */
	f.revocations = f.lookup = (uint64_t)INT64_MAX;
	f.trust_issued_at = INT64_MAX;
	assert_int_equal(tc_vdfloor_format(&f, text, sizeof(text)), 0);
	assert_int_equal(
	    tc_vdfloor_parse(&g, text, strlen(text), err, sizeof(err)), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	assert_int_equal(tc_vdfloor_format(&f, text, 40), TC_ERR_TOO_LARGE);
	f.trust_issued_at = -1;
	assert_int_equal(
	    tc_vdfloor_format(&f, text, sizeof(text)), TC_ERR_INVALID_ARG);
}

static void
test_refusals(void **state)
{
	static const struct fx_refusal v[] = {
		{ "", TC_ERR_TRUNCATED, "empty" },
		{ "format 1\nca " CA64 "\nrevocations 3\nlookup 3\n"
		  "trust-issued-at 5",
		    TC_ERR_TRUNCATED, "line 5: no newline at its end" },
		{ "format 1\n\x01garbage", TC_ERR_BAD_ENCODING,
		    "line 2: byte 1 is not printable" },
		{ "format 1\nca " CA64 "\nrevocations 3\nlookup 3\n",
		    TC_ERR_TRUNCATED, "'trust-issued-at' is missing" },
		{ "format 2\n", TC_ERR_UNSUPPORTED, "line 1: format 2" },
		{ "# c\nformat 1\nca 12\n", TC_ERR_MALFORMED,
		    "line 3: ca: expected 64 hex digits" },
		{ "format 1\nformat 1\n", TC_ERR_MALFORMED,
		    "line 2: 'format' given twice" },
		{ "colour blue\n", TC_ERR_MALFORMED, "unknown key 'colour'" },
		{ "revocations\n", TC_ERR_MALFORMED, "has no value" },
		{ "revocations -3\n", TC_ERR_MALFORMED, "not a decimal" },
		{ "revocations 03\n", TC_ERR_MALFORMED, "not a decimal" },
		{ "revocations 3 \n", TC_ERR_MALFORMED, "not a decimal" },
		{ "lookup 9223372036854775808\n", TC_ERR_RANGE, "below 2^63" },
		{ "lookup 3\r\n", TC_ERR_BAD_ENCODING, "line 1: byte 9" },
		{ "\x01\x02garbage\n", TC_ERR_BAD_ENCODING, "printable" },
	};
	struct tc_vdfloor f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(&f, 0x55, sizeof(f));
		err[0] = '\0';
		assert_int_equal(tc_vdfloor_parse(&f, v[i].in, strlen(v[i].in),
				     err, sizeof(err)),
		    v[i].code);
		fx_msg_has(i, err, v[i].msg);
		assert_int_equal(f.revocations, 0);
	}
	/* A byte 0 in the middle is not read as the end. */
	assert_int_equal(
	    tc_vdfloor_parse(&f, "format 1\n\0\n", 11, err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	memset(err, 'x', sizeof(err));
	assert_int_equal(tc_vdfloor_parse(NULL, "x\n", 2, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

#define TESTS(X, XF)                                                           \
	X(test_name)                                                           \
	X(test_round_trip)                                                     \
	X(test_refusals)

TC_UNIT_MAIN(TESTS, NULL, NULL)
