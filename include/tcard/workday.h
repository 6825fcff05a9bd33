/* SPDX-License-Identifier: MIT */
/*
 * Calendar days and working days for deadlines. A day is an integer count
 * of days since 1970-01-01 (negative before). The calendar day of an
 * instant is taken in Asia/Shanghai, which is UTC+8 all year (China has
 * kept no daylight saving time since 1991), so every deadline is a date
 * as the offices in China see it.
 *
 * Working days are Monday to Friday, minus public holidays, plus the
 * make-up working days (调休) on which a weekend day is worked. The
 * State Council announces both each year; they are read from a text file
 * (HOME/holidays.txt for tcard-issuer) with one line per date:
 *
 *     # comments and blank lines are ignored
 *     2025-10-01 holiday
 *     2025-10-11 workday
 *
 * Without the file only weekends are days off. The format, the counting
 * rule and the reasons are in docs/workflow.md.
 */
#ifndef TCARD_WORKDAY_H
#define TCARD_WORKDAY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Seconds east of UTC of Asia/Shanghai. */
#define TC_SHANGHAI_OFFSET (8 * 3600)
/* Bytes of "YYYY-MM-DD" with its NUL. */
#define TC_DATE_TEXT 11
/* Largest holidays file, and most dates it may list. */
#define TC_WORKDAYS_FILE_MAX (256 * 1024)
#define TC_WORKDAYS_MAX	     4096

/*
 * The day number of y-m-d (proleptic Gregorian). The caller passes a real
 * date (tc_date_valid); others give an unspecified number.
 */
int64_t tc_day_from_civil(int y, int m, int d);

/* The date of day number day. */
void tc_civil_from_day(
    int64_t day, int *y /* OUT */, int *m /* OUT */, int *d /* OUT */);

/* The Asia/Shanghai calendar day of instant t. */
int64_t tc_day_of_time(time_t t);

/* The instant 00:00 Asia/Shanghai of day. */
time_t tc_time_of_day(int64_t day);

/* The ISO weekday of day: 1 Monday ... 7 Sunday. */
int tc_weekday(int64_t day);

/*
 * The one reader of "YYYY-MM-DD" text in the library: every date parser
 * (tc_date_parse, tc_lifecycle_date_parse, the programme and application
 * readers) starts here. Returns 1 when s is exactly ten characters, four
 * digits, '-', two digits, '-', two digits, and sets *y, *m, *d; returns 0
 * (outputs untouched) otherwise, and for s NULL. Whether the date is real
 * is the caller's check (tc_date_valid), as is any year range.
 */
int tc_date_scan(
    const char *s, int *y /* OUT */, int *m /* OUT */, int *d /* OUT */);

/*
 * Parses exactly "YYYY-MM-DD" (a real date, years 1000-9999) into *day.
 * Returns 0, or TC_ERR_BAD_DATE (*day untouched) with a message naming
 * what is wrong.
 */
int tc_date_parse(
    const char *s, int64_t *day /* OUT */, char *err, size_t errlen);

/* Writes day as "YYYY-MM-DD" (years outside 0-9999 give question marks). */
void tc_date_format(int64_t day, char out[TC_DATE_TEXT] /* OUT */);

/*
 * The day months calendar months after day (before, when negative), with
 * the day of the month kept, or the last day of the month when that month
 * is shorter (2024-02-29 + 12 months = 2025-02-28; 2025-01-31 + 1 month =
 * 2025-02-28).
 */
int64_t tc_day_add_months(int64_t day, int months);

/* A set of holidays and make-up working days (opaque). */
struct tc_workdays;

/*
 * Parses the text of a holidays file (len bytes, need not be
 * NUL-terminated): lines "YYYY-MM-DD holiday" or "YYYY-MM-DD workday"
 * (one or more spaces or tabs between, trailing white space allowed),
 * blank lines and lines starting with '#'. LF or CRLF line ends. A date
 * given twice is refused, also with the same meaning; a "holiday" on a
 * weekend day and a "workday" on a weekday are refused as well, since they
 * change nothing and are most likely typing mistakes. source_name (may be
 * NULL) names the input in messages. Returns
 *   0 and *out (free with tc_workdays_free);
 *   TC_ERR_TOO_LARGE   more than TC_WORKDAYS_FILE_MAX bytes or
 *                      TC_WORKDAYS_MAX dates;
 *   TC_ERR_MALFORMED   a line of another shape, a word other than
 *                      holiday/workday, a NUL or control character;
 *   TC_ERR_BAD_DATE    not a real date;
 *   TC_ERR_EXISTS      a date listed twice;
 *   TC_ERR_RANGE       a holiday on a weekend or a workday on a weekday;
 *   TC_ERR_INVALID_ARG, TC_ERR_NOMEM.
 * err says "SOURCE_NAME: line N: reason".
 */
int tc_workdays_parse(struct tc_workdays **out /* OUT */, const char *text,
    size_t len, const char *source_name, char *err, size_t errlen);

/*
 * Reads and parses the file at path. A missing file is not an error: *out
 * is then NULL (weekends only) and the return 0. Returns as
 * tc_workdays_parse, and the other errors of tc_file_read (tcard/file.h)
 * when the file exists but cannot be read, is not a regular file or is
 * over TC_WORKDAYS_FILE_MAX bytes.
 */
int tc_workdays_load(struct tc_workdays **out /* OUT */, const char *path,
    char *err, size_t errlen);

void tc_workdays_free(struct tc_workdays *wd);

/* Number of dates in wd (0 for NULL). */
size_t tc_workdays_count(const struct tc_workdays *wd);

/* 1 when day is a working day under wd (NULL: Monday to Friday). */
int tc_workday_is(const struct tc_workdays *wd, int64_t day);

/*
 * The n-th working day after day, for n >= 1; day itself is not counted
 * (the period starts the next day, as the civil code counts periods). For
 * n <= 0 returns day. Never loops forever: a run of more than 366 days off
 * in a row is taken as working days (no real calendar has one).
 */
int64_t tc_workday_add(const struct tc_workdays *wd, int64_t day, int n);

/*
 * The number of working days d with from < d <= to (0 when to <= from).
 */
int tc_workday_count(const struct tc_workdays *wd, int64_t from, int64_t to);

#endif
