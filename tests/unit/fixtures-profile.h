/* SPDX-License-Identifier: MIT */
/*
 * The shipped card profiles as text, for the unit tests that load them or
 * edit them into other profiles (test-profile.c, test-cardops.c).
 */
#ifndef TC_FIXTURES_PROFILE_H
#define TC_FIXTURES_PROFILE_H

#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include "tcard/profile.h"

/*
 * The text of the shipped profile name ("tcard.json") in tc_profile_dir(),
 * NUL-terminated; the caller frees it. Fails the test when it cannot be
 * read.
 */
static __attribute__((unused)) char *
fx_profile_text(const char *name)
{
	char path[4096], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", tc_profile_dir(NULL), name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	assert_non_null(buf = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

#endif
