/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the statutory retirement age (src/retire.c) against the
 * table annexed to the NPC Standing Committee decision of 13 September
 * 2024, at the edges of each group: the last month unaffected, the first
 * months of the first steps, the months around the cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/retire.h"
#include "tcard/workday.h"

static void
test_table(void **state)
{
	static const struct {
		int base, y, m, years, months;
	} v[] = {
		/* Men, from 60: +1 month per 4 months of birth from 1965. */
		{ 60, 1950, 6, 60, 0 },
		{ 60, 1964, 12, 60, 0 },
		{ 60, 1965, 1, 60, 1 },
		{ 60, 1965, 4, 60, 1 },
		{ 60, 1965, 5, 60, 2 },
		{ 60, 1965, 12, 60, 3 },
		{ 60, 1966, 1, 60, 4 },
		{ 60, 1971, 1, 61, 7 },
		{ 60, 1976, 5, 62, 11 },
		{ 60, 1976, 8, 62, 11 },
		{ 60, 1976, 9, 63, 0 },
		{ 60, 1990, 1, 63, 0 },
		/* Women from 55: the same steps from 1970. */
		{ 55, 1969, 12, 55, 0 },
		{ 55, 1970, 1, 55, 1 },
		{ 55, 1970, 5, 55, 2 },
		{ 55, 1981, 8, 57, 11 },
		{ 55, 1981, 9, 58, 0 },
		{ 55, 2001, 1, 58, 0 },
		/* Women from 50: +1 month per 2 months of birth from 1975. */
		{ 50, 1974, 12, 50, 0 },
		{ 50, 1975, 1, 50, 1 },
		{ 50, 1975, 2, 50, 1 },
		{ 50, 1975, 3, 50, 2 },
		{ 50, 1980, 1, 52, 7 },
		{ 50, 1984, 9, 54, 11 },
		{ 50, 1984, 10, 54, 11 },
		{ 50, 1984, 11, 55, 0 },
		{ 50, 1999, 12, 55, 0 },
	};
	size_t i;
	int months;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		months = -1;
		assert_int_equal(
		    tc_retire_age_months(v[i].base, v[i].y, v[i].m, &months),
		    0);
		if (months != v[i].years * 12 + v[i].months)
			fail_msg(
			    "base %d born %d-%02d: %d months, expected %d years %d months",
			    v[i].base, v[i].y, v[i].m, months, v[i].years,
			    v[i].months);
	}
}

static void
test_days(void **state)
{
	static const struct {
		int base, y, m, d;
		const char *want;
	} v[] = {
		/* A man born 15 March 1965 retires at 60 years 1 month. */
		{ 60, 1965, 3, 15, "2025-04-15" },
		/* A woman (55) born 31 January 1970: 55 years 1 month, clamped. */
		{ 55, 1970, 1, 31, "2025-02-28" },
		/* A woman (50) born 29 February 1976: +7 months, 50 years 7 months. */
		{ 50, 1976, 2, 29, "2026-09-29" },
		/* A man born 1 September 1976 retires at 63. */
		{ 60, 1976, 9, 1, "2039-09-01" },
	};
	char out[TC_DATE_TEXT];
	int64_t d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(
		    tc_retire_day(v[i].base, v[i].y, v[i].m, v[i].d, &d), 0);
		tc_date_format(d, out);
		if (strcmp(out, v[i].want) != 0)
			fail_msg(
			    "base %d born %d-%02d-%02d: retires %s, expected %s",
			    v[i].base, v[i].y, v[i].m, v[i].d, out, v[i].want);
	}
}

static void
test_refusals(void **state)
{
	int months = 7;
	int64_t d = 7;

	assert_int_equal(
	    tc_retire_age_months(45, 1970, 1, &months), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_retire_age_months(60, 1970, 13, &months), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_retire_age_months(60, 1970, 0, &months), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_retire_age_months(60, 1899, 1, &months), TC_ERR_INVALID_ARG);
	assert_int_equal(months, 7);
	assert_int_equal(
	    tc_retire_age_months(60, 1970, 1, NULL), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_retire_day(60, 1970, 2, 30, &d), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_retire_day(61, 1970, 2, 3, &d), TC_ERR_INVALID_ARG);
	assert_int_equal(d, 7);
}

#define TESTS(X, XF)                                                           \
	X(test_table)                                                          \
	X(test_days)                                                           \
	X(test_refusals)

TC_UNIT_MAIN(TESTS, NULL, NULL)
