/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of calendar days in Asia/Shanghai and working days with a
 * holidays file (src/workday.c). The day numbers and weekdays were
 * computed independently with Python's datetime. The holidays are those of
 * the National Day week of 2025 (国办发明电〔2024〕12号): 1-8 October off,
 * Sunday 28 September and Saturday 11 October worked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/workday.h"

static const char holidays_2025_10[] =
    "# National Day and Mid-Autumn Festival 2025\n"
    "2025-09-28 workday\n"
    "2025-10-01 holiday\n"
    "2025-10-02 holiday\r\n"
    "2025-10-03\tholiday   \n"
    "\n"
    "   # indented comment\n"
    "2025-10-06 holiday\n"
    "2025-10-07 holiday\n"
    "2025-10-08 holiday\n"
    "2025-10-11 workday";

static int64_t
day(const char *s)
{
	int64_t d = 0;

	assert_int_equal(tc_date_parse(s, &d, NULL, 0), 0);
	return d;
}

/* The date is day number n (0: 1970-01-01), of that weekday (1: Monday). */
static void
civil(const char *date, int64_t n, int weekday)
{
	char out[TC_DATE_TEXT];

	assert_int_equal(day(date), n);
	assert_int_equal(tc_weekday(n), weekday);
	tc_date_format(n, out);
	assert_string_equal(out, date);
}

static void
test_civil(void **state)
{
	size_t i;

	civil("1970-01-01", 0, 4);
	civil("1969-12-31", -1, 3);
	civil("2000-03-01", 11017, 3);
	civil("2024-02-29", 19782, 4);
	civil("1900-01-01", -25567, 1);
	civil("2026-03-01", 20513, 7);
	civil("2026-03-02", 20514, 1);
	civil("2025-10-01", 20362, 3);
	/* Every day of 1899-2101 round-trips. */
	for (i = 0; i < 73000; i++) {
		int y, m, d;
		int64_t n = -25933 + (int64_t)i;

		tc_civil_from_day(n, &y, &m, &d);
		assert_int_equal(tc_day_from_civil(y, m, d), n);
	}
}

static void
test_shanghai(void **state)
{
	/* 2026-03-01T15:59:59Z is 23:59:59 in Shanghai; a second later
	 * it is 2 March there. */
	assert_int_equal(tc_day_of_time(1772380799), 20513);
	assert_int_equal(tc_day_of_time(1772380800), 20514);
	assert_int_equal(tc_time_of_day(20514), 1772380800);
	assert_int_equal(tc_day_of_time(tc_time_of_day(20514)), 20514);
	assert_int_equal(tc_day_of_time(-1), 0); /* 07:59:59 on 1 Jan 1970 */
	assert_int_equal(tc_day_of_time(-8 * 3600 - 1), -1);
}

static void
test_parse_dates(void **state)
{
	static const char *const bad[] = { "2025-02-29", "2025-13-01",
		"2025-00-10", "2025-1-01", "25-01-01", "2025/01/01",
		"2025-01-01x", "0999-12-31", "", "２０２５-01-01",
		"2025-04-31" };
	char msg[128];
	int64_t d = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tc_date_parse(bad[i], &d, msg, sizeof(msg)),
		    TC_ERR_BAD_DATE);
		assert_int_equal(d, 7);
	}
	assert_int_equal(tc_date_parse(NULL, &d, NULL, 0), TC_ERR_BAD_DATE);
	assert_int_equal(day("2000-02-29"), 11016);
}

/* tc_date_scan: the shape only, not whether the date is real. */
static void
test_scan_dates(void **state)
{
	static const char *const bad[] = { "2025-1-01", "25-01-01",
		"2025/01/01", "2025-01-01x", "", "２０２５-01-01", "+025-01-01",
		" 2025-01-0", "2025-01- 1", "-999-01-01" };
	int y = 7, m = 7, d = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tc_date_scan(bad[i], &y, &m, &d), 0);
		assert_int_equal(y + m + d, 21);
	}
	assert_int_equal(tc_date_scan(NULL, &y, &m, &d), 0);
	assert_int_equal(tc_date_scan("2025-02-30", &y, &m, &d), 1);
	assert_int_equal(y, 2025);
	assert_int_equal(m, 2);
	assert_int_equal(d, 30);
	assert_int_equal(tc_date_scan("0000-00-00", &y, &m, &d), 1);
	assert_int_equal(y + m + d, 0);
}

/* Adding months to the date from gives the date want. */
static void
months_added(const char *from, int months, const char *want)
{
	char out[TC_DATE_TEXT];

	tc_date_format(tc_day_add_months(day(from), months), out);
	assert_string_equal(out, want);
}

static void
test_add_months(void **state)
{
	months_added("2024-02-29", 12, "2025-02-28");
	months_added("2024-02-29", 48, "2028-02-29");
	months_added("2025-01-31", 1, "2025-02-28");
	months_added("2025-03-31", -1, "2025-02-28");
	months_added("2026-03-15", 60, "2031-03-15");
	months_added("2025-12-15", 1, "2026-01-15");
	months_added("2025-01-15", -1, "2024-12-15");
}

/* Adding n working days to the date from (wd: NULL, weekends only). */
static void
added(const struct tc_workdays *wd, const char *from, int n, const char *want)
{
	assert_int_equal(tc_workday_add(wd, day(from), n), day(want));
}

static void
test_weekends_only(void **state)
{
	/* Friday 2026-03-06 + 1 working day is Monday 2026-03-09. */
	added(NULL, "2026-03-06", 1, "2026-03-09");
	/* Saturday + 1 is Monday; + 0 is itself. */
	added(NULL, "2026-03-07", 1, "2026-03-09");
	added(NULL, "2026-03-07", 0, "2026-03-07");
	/* Monday + 5 is the next Monday. */
	added(NULL, "2026-03-02", 5, "2026-03-09");
	assert_int_equal(
	    tc_workday_count(NULL, day("2026-03-02"), day("2026-03-09")), 5);
	assert_int_equal(
	    tc_workday_count(NULL, day("2026-03-09"), day("2026-03-02")), 0);
	assert_true(tc_workday_is(NULL, day("2026-03-02")));
	assert_false(tc_workday_is(NULL, day("2026-03-01")));
}

static void
test_holidays(void **state)
{
	struct tc_workdays *wd = NULL;
	char msg[256];

	assert_int_equal(
	    tc_workdays_parse(&wd, holidays_2025_10, strlen(holidays_2025_10),
		"h.txt", msg, sizeof(msg)),
	    0);
	assert_int_equal(tc_workdays_count(wd), 8);
	assert_false(tc_workday_is(wd, day("2025-10-01")));
	assert_false(tc_workday_is(wd, day("2025-10-04")));
	assert_true(tc_workday_is(wd, day("2025-09-28")));
	assert_true(tc_workday_is(wd, day("2025-10-11")));
	assert_true(tc_workday_is(wd, day("2025-10-09")));
	/* Tuesday 30 September + 1 working day is Thursday 9 October. */
	added(wd, "2025-09-30", 1, "2025-10-09");
	/* Friday 26 September + 1 is the make-up Sunday. */
	added(wd, "2025-09-26", 1, "2025-09-28");
	/* 9 October + 5: 10, 11 (Saturday worked), 13, 14, 15. */
	added(wd, "2025-10-09", 5, "2025-10-15");
	assert_int_equal(
	    tc_workday_count(wd, day("2025-09-26"), day("2025-10-15")), 9);
	tc_workdays_free(wd);
}

static void
test_holiday_refusals(void **state)
{
	static const struct fx_refusal v[] = {
		{ "2025-10-01 holiday\n2025-10-01 holiday\n", TC_ERR_EXISTS,
		    "h: lines 1 and 2 both list 2025-10-01" },
		{ "2025-09-28 workday\n# x\n2025-09-28 workday\n",
		    TC_ERR_EXISTS, "h: lines 1 and 3" },
		{ "2025-10-01 holidays\n", TC_ERR_MALFORMED, "h: line 1:" },
		{ "2025-10-01\n", TC_ERR_MALFORMED, "h: line 1:" },
		{ "2025-10-01holiday\n", TC_ERR_MALFORMED, "h: line 1:" },
		{ "\n2025-02-30 holiday\n", TC_ERR_BAD_DATE, "h: line 2:" },
		{ "2025-10-04 holiday\n", TC_ERR_RANGE, "Saturday or Sunday" },
		{ "2025-10-09 workday\n", TC_ERR_RANGE, "is a weekday" },
		{ "2025-10-01 holiday x\n", TC_ERR_MALFORMED, "h: line 1:" },
		{ "2025-10-01 \001holiday\n", TC_ERR_MALFORMED, "control" },
		{ "HOLIDAY 2025-10-01\n", TC_ERR_BAD_DATE, "h: line 1:" },
	};
	struct tc_workdays *wd = (struct tc_workdays *)&wd;
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		wd = (struct tc_workdays *)&wd;
		assert_int_equal(tc_workdays_parse(&wd, v[i].in,
				     strlen(v[i].in), "h", msg, sizeof(msg)),
		    v[i].code);
		assert_null(wd);
		fx_msg_has(i, msg, v[i].msg);
	}
	/* A NUL inside the text. */
	assert_int_equal(tc_workdays_parse(&wd, "2025-10-01 holiday\n\0x", 21,
			     "h", msg, sizeof(msg)),
	    TC_ERR_MALFORMED);
	/* Empty and comment-only files are fine. */
	assert_int_equal(
	    tc_workdays_parse(&wd, "", 0, "h", msg, sizeof(msg)), 0);
	assert_int_equal(tc_workdays_count(wd), 0);
	tc_workdays_free(wd);
	assert_int_equal(
	    tc_workdays_parse(&wd, "# x\n\n", 5, NULL, msg, sizeof(msg)), 0);
	tc_workdays_free(wd);
	/* Too large. */
	assert_int_equal(tc_workdays_parse(&wd, "", TC_WORKDAYS_FILE_MAX + 1,
			     "h", msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
}

/*
 * Writes "DATE holiday" lines for the first n weekdays from the date d on
 * into text; returns the length.
 */
static size_t
weekday_holidays(char *text, int64_t d, size_t n)
{
	char date[TC_DATE_TEXT];
	size_t i, len = 0;

	for (i = 0; i < n; d++) {
		if (tc_weekday(d) > 5)
			continue;
		tc_date_format(d, date);
		len += (size_t)snprintf(text + len, 32, "%s holiday\n", date);
		i++;
	}
	return len;
}

static void
test_too_many(void **state)
{
	struct tc_workdays *wd = NULL;
	char msg[256], *text;
	size_t len;

	text = malloc(TC_WORKDAYS_FILE_MAX);
	assert_non_null(text);
	len = weekday_holidays(text, day("2000-01-03"), TC_WORKDAYS_MAX + 1);
	assert_int_equal(
	    tc_workdays_parse(&wd, text, len, "h", msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	assert_non_null(strstr(msg, "more than 4096"));
	/* With every weekday a holiday, adding still ends. */
	len = weekday_holidays(text, day("2000-01-03"), 600);
	assert_int_equal(
	    tc_workdays_parse(&wd, text, len, "h", msg, sizeof(msg)), 0);
	assert_true(
	    tc_workday_add(wd, day("2000-01-02"), 1) > day("2000-01-02"));
	tc_workdays_free(wd);
	free(text);
}

static void
test_load(void **state)
{
	struct tc_workdays *wd = (struct tc_workdays *)&wd;
	char path[] = "/tmp/tc-workday-XXXXXX", msg[256];
	FILE *f;
	int fd;

	assert_int_equal(tc_workdays_load(&wd, "/nonexistent/holidays.txt", msg,
			     sizeof(msg)),
	    0);
	assert_null(wd);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(holidays_2025_10, f);
	fclose(f);
	assert_int_equal(tc_workdays_load(&wd, path, msg, sizeof(msg)), 0);
	assert_int_equal(tc_workdays_count(wd), 8);
	tc_workdays_free(wd);
	unlink(path);
	assert_int_equal(
	    tc_workdays_load(&wd, "/tmp", msg, sizeof(msg)), TC_ERR_IO);
}

#define TESTS(X, XF)                                                           \
	X(test_civil)                                                          \
	X(test_shanghai)                                                       \
	X(test_parse_dates)                                                    \
	X(test_scan_dates)                                                     \
	X(test_add_months)                                                     \
	X(test_weekends_only)                                                  \
	X(test_holidays)                                                       \
	X(test_holiday_refusals)                                               \
	X(test_too_many)                                                       \
	X(test_load)

TC_UNIT_MAIN(TESTS, NULL, NULL)
