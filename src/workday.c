/* SPDX-License-Identifier: MIT */
/*
 * Calendar days in Asia/Shanghai and working days with a holidays file
 * (include/tcard/workday.h). Day numbers use Howard Hinnant's
 * days_from_civil / civil_from_days algorithms (public domain), which are
 * exact for the proleptic Gregorian calendar without tables. The holidays
 * are kept as a sorted array of day numbers with a flag, searched by
 * bisection. docs/workflow.md describes the file and the counting rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/id.h"
#include "tcard/workday.h"

struct exception {
	int64_t day;
	int workday; /* 1: a make-up working day; 0: a holiday */
	size_t line; /* where it was read, for messages */
};

struct tc_workdays {
	struct exception *v;
	size_t n;
};

/* Floor division, for days before 1970 and instants before the epoch. */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t
tc_day_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floordiv(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
tc_civil_from_day(int64_t day, int *y, int *m, int *d)
{
	int64_t z = day + 719468;
	int64_t era = floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int64_t
tc_day_of_time(time_t t)
{
	return floordiv((int64_t)t + TC_SHANGHAI_OFFSET, 86400);
}

time_t
tc_time_of_day(int64_t day)
{
	return (time_t)(day * 86400 - TC_SHANGHAI_OFFSET);
}

int
tc_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t w = (day + 3) % 7;

	if (w < 0)
		w += 7;
	return (int)w + 1;
}

static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
tc_date_scan(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (s == NULL || strnlen(s, 11) != 10 || s[4] != '-' || s[7] != '-' ||
	    (yy = digits(s, 4)) < 0 || (mm = digits(s + 5, 2)) < 0 ||
	    (dd = digits(s + 8, 2)) < 0)
		return 0;
	*y = yy;
	*m = mm;
	*d = dd;
	return 1;
}

int
tc_date_parse(const char *s, int64_t *day, char *err, size_t errlen)
{
	int y, m, d;

	if (s == NULL || day == NULL)
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE, "no date");
	if (!tc_date_scan(s, &y, &m, &d))
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "a date is written YYYY-MM-DD");
	if (y < 1000 || !tc_date_valid(y, m, d))
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "%.10s is not a real date", s);
	*day = tc_day_from_civil(y, m, d);
	return 0;
}

void
tc_date_format(int64_t day, char out[TC_DATE_TEXT])
{
	int y, m, d;

	tc_civil_from_day(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		snprintf(out, TC_DATE_TEXT, "?\?\?\?-?\?-?\?");
	else
		snprintf(out, TC_DATE_TEXT, "%04d-%02d-%02d", y, m, d);
}

static int
month_days(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

int64_t
tc_day_add_months(int64_t day, int months)
{
	int y, m, d;
	int64_t total;

	tc_civil_from_day(day, &y, &m, &d);
	total = (int64_t)y * 12 + (m - 1) + months;
	y = (int)floordiv(total, 12);
	m = (int)(total - (int64_t)y * 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return tc_day_from_civil(y, m, d);
}

void
tc_workdays_free(struct tc_workdays *wd)
{
	if (wd == NULL)
		return;
	free(wd->v);
	free(wd);
}

size_t
tc_workdays_count(const struct tc_workdays *wd)
{
	return wd != NULL ? wd->n : 0;
}

static int
cmp_exception(const void *a, const void *b)
{
	const struct exception *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

/* Finds day in the sorted array; NULL when absent. */
static const struct exception *
lookup(const struct tc_workdays *wd, int64_t day)
{
	size_t lo = 0, hi, mid;

	if (wd == NULL)
		return NULL;
	hi = wd->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (wd->v[mid].day == day)
			return &wd->v[mid];
		if (wd->v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One line of the file, without its end. Returns 0 or an error code. */
static int
parse_line(const char *s, size_t n, struct exception *e, int *empty, char *msg,
    size_t msglen)
{
	char date[TC_DATE_TEXT];
	size_t i = 0, j, wlen;
	const char *word;
	int64_t day;
	int r;

	*empty = 0;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (j = 0; j < n; j++)
		if ((unsigned char)s[j] < 0x20 && s[j] != '\t')
			return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
			    "a control character at column %zu", j + 1);
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#') {
		*empty = 1;
		return 0;
	}
	if (n - i < 10)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "expected 'YYYY-MM-DD holiday' or 'YYYY-MM-DD workday'");
	memcpy(date, s + i, 10);
	date[10] = '\0';
	if ((r = tc_date_parse(date, &day, msg, msglen)) != 0)
		return r;
	i += 10;
	if (i == n || (s[i] != ' ' && s[i] != '\t'))
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "expected a space and 'holiday' or 'workday' after the date");
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	word = s + i;
	wlen = n - i;
	if (wlen == 7 && memcmp(word, "holiday", 7) == 0)
		e->workday = 0;
	else if (wlen == 7 && memcmp(word, "workday", 7) == 0)
		e->workday = 1;
	else
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "the word after the date must be 'holiday' or 'workday'");
	if (e->workday && tc_weekday(day) <= 5)
		return tc_seterr(msg, msglen, TC_ERR_RANGE,
		    "%s is a weekday; only a Saturday or Sunday can be a make-up working day",
		    date);
	if (!e->workday && tc_weekday(day) > 5)
		return tc_seterr(msg, msglen, TC_ERR_RANGE,
		    "%s is a Saturday or Sunday, a day off anyway; list only weekday holidays",
		    date);
	e->day = day;
	return 0;
}

int
tc_workdays_parse(struct tc_workdays **out, const char *text, size_t len,
    const char *source_name, char *err, size_t errlen)
{
	struct tc_workdays *wd = NULL;
	struct exception e;
	const char *name = source_name != NULL ? source_name : "holidays";
	char msg[256], d1[TC_DATE_TEXT];
	size_t pos = 0, end, line = 0, i, cap = 0;
	int empty, r;
	void *p;

	if (out == NULL || (text == NULL && len > 0))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	*out = NULL;
	if (len > TC_WORKDAYS_FILE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: larger than %d bytes", name, TC_WORKDAYS_FILE_MAX);
	if ((wd = calloc(1, sizeof(*wd))) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	while (pos < len) {
		line++;
		for (end = pos; end < len && text[end] != '\n'; end++)
			if (text[end] == '\0') {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "%s: line %zu: a NUL byte", name, line);
				goto fail;
			}
		i = end;
		if (i > pos && text[i - 1] == '\r')
			i--;
		if ((r = parse_line(text + pos, i - pos, &e, &empty, msg,
			 sizeof(msg))) != 0) {
			tc_seterr(err, errlen, r, "%s: line %zu: %s", name,
			    line, msg);
			goto fail;
		}
		pos = end < len ? end + 1 : end;
		if (empty)
			continue;
		if (wd->n == TC_WORKDAYS_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "%s: line %zu: more than %d dates", name, line,
			    TC_WORKDAYS_MAX);
			goto fail;
		}
		if (wd->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((p = realloc(wd->v, cap * sizeof(*wd->v))) ==
			    NULL) {
				r = tc_seterr(
				    err, errlen, TC_ERR_NOMEM, "out of memory");
				goto fail;
			}
			wd->v = p;
		}
		/* Duplicates are found after sorting. */
		e.line = line;
		wd->v[wd->n++] = e;
	}
	if (wd->n > 0)
		qsort(wd->v, wd->n, sizeof(*wd->v), cmp_exception);
	for (i = 1; i < wd->n; i++) {
		if (wd->v[i].day == wd->v[i - 1].day) {
			tc_date_format(wd->v[i].day, d1);
			r = tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "%s: lines %zu and %zu both list %s", name,
			    wd->v[i - 1].line < wd->v[i].line
				? wd->v[i - 1].line
				: wd->v[i].line,
			    wd->v[i - 1].line < wd->v[i].line
				? wd->v[i].line
				: wd->v[i - 1].line,
			    d1);
			goto fail;
		}
	}
	*out = wd;
	return 0;
fail:
	tc_workdays_free(wd);
	return r;
}

int
tc_workdays_load(
    struct tc_workdays **out, const char *path, char *err, size_t errlen)
{
	struct tc_buf b;
	int r;

	if (out == NULL || path == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "missing argument");
	*out = NULL;
	tc_buf_init(&b, TC_WORKDAYS_FILE_MAX);
	r = tc_file_read(path, NULL, TC_WORKDAYS_FILE_MAX, 0, &b, err, errlen);
	if (r == 0)
		r = tc_workdays_parse(
		    out, (const char *)b.data, b.len, path, err, errlen);
	else if (r == TC_ERR_NOT_FOUND)
		r = 0; /* no holidays file: weekends only */
	tc_buf_release(&b);
	return r;
}

int
tc_workday_is(const struct tc_workdays *wd, int64_t day)
{
	const struct exception *e = lookup(wd, day);

	if (e != NULL)
		return e->workday;
	return tc_weekday(day) <= 5;
}

int64_t
tc_workday_add(const struct tc_workdays *wd, int64_t day, int n)
{
	int run = 0;

	while (n > 0) {
		day++;
		if (tc_workday_is(wd, day) || ++run > 366) {
			n--;
			run = 0;
		}
	}
	return day;
}

int
tc_workday_count(const struct tc_workdays *wd, int64_t from, int64_t to)
{
	int n = 0;

	if (to - from > 100000)
		to = from + 100000;
	while (from < to) {
		from++;
		n += tc_workday_is(wd, from);
	}
	return n;
}
