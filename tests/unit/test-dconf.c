/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the configuration reader of the daemon layer
 * (daemon/conf.c) with a table of keys such as a second daemon would
 * declare: every generic kind and a setter of the daemon's own, the file
 * syntax (comments, blanks, tabs, CRLF, line numbers, a key set twice),
 * the line reader's limits, and the long-option table made from the keys.
 * The verifier's own table is tested in test-vdconf.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "unit.h"
#include "dconf.h"
#include "tcard/err.h"

/* The settings of a made-up daemon. */
struct xconf {
	char home[16];
	unsigned workers;
	unsigned idle;	  /* seconds */
	unsigned body;	  /* bytes */
	unsigned wait_ms; /* milliseconds */
	struct tc_rate rate;
	int colour; /* set by its own setter */
};

static int
set_colour(void *conf, const struct tc_dconf_key *k, const char *value,
    char *err, size_t errlen)
{
	struct xconf *c = conf;

	if (strcmp(value, "red") == 0)
		c->colour = 1;
	else if (strcmp(value, "blue") == 0)
		c->colour = 2;
	else
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: expected red or blue", k->name);
	return 0;
}

static const struct tc_dconf_key xkeys[] = {
	{ "home", TC_DCONF_STR, offsetof(struct xconf, home),
	    sizeof(((struct xconf *)0)->home), 0, 0, NULL },
	{ "workers", TC_DCONF_UINT, offsetof(struct xconf, workers), 0, 1, 64,
	    NULL },
	{ "idle", TC_DCONF_DUR, offsetof(struct xconf, idle), 0, 1, 86400,
	    NULL },
	{ "body", TC_DCONF_SIZE, offsetof(struct xconf, body), 0, 64, 65536,
	    NULL },
	{ "wait", TC_DCONF_MSEC, offsetof(struct xconf, wait_ms), 0, 0, 10000,
	    NULL },
	{ "rate", TC_DCONF_RATE, offsetof(struct xconf, rate), 0, 0, 0, NULL },
	{ "colour", TC_DCONF_FUNC, offsetof(struct xconf, colour), 0, 0, 0,
	    set_colour },
};

static const struct tc_dconf xtable = { xkeys,
	sizeof(xkeys) / sizeof(xkeys[0]) };

/* Sets key to value in c through xtable; the message in err (256 bytes). */
static int
xset(struct xconf *c, const char *key, const char *value, char *err)
{
	return tc_dconf_set(&xtable, c, key, value, err, 256);
}

static void
test_kinds(void **state)
{
	struct xconf c;
	char err[256];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(xset(&c, "home", "/srv/x", err), 0);
	assert_string_equal(c.home, "/srv/x");
	assert_int_equal(
	    xset(&c, "home", "/a/path/too/long/for/it", err), TC_ERR_TOO_LARGE);
	assert_string_equal(err, "home: longer than 15 bytes");
	assert_string_equal(c.home, "/srv/x");
	assert_int_equal(xset(&c, "workers", "8", err), 0);
	assert_int_equal(c.workers, 8);
	assert_int_equal(xset(&c, "workers", "65", err), TC_ERR_RANGE);
	assert_string_equal(err, "workers: 65 is outside 1 to 64");
	assert_int_equal(xset(&c, "idle", "2h", err), 0);
	assert_int_equal(c.idle, 7200);
	assert_int_equal(xset(&c, "body", "4k", err), 0);
	assert_int_equal(c.body, 4096);
	assert_int_equal(xset(&c, "wait", "250ms", err), 0);
	assert_int_equal(c.wait_ms, 250);
	assert_int_equal(xset(&c, "wait", "2", err), 0);
	assert_int_equal(c.wait_ms, 2000);
	assert_int_equal(xset(&c, "rate", "5/10min", err), 0);
	assert_int_equal(c.rate.count, 5);
	assert_int_equal(c.rate.period, 600);
	assert_int_equal(xset(&c, "colour", "blue", err), 0);
	assert_int_equal(c.colour, 2);
	assert_int_equal(xset(&c, "colour", "green", err), TC_ERR_MALFORMED);
	assert_string_equal(err, "colour: expected red or blue");
	assert_int_equal(xset(&c, "nope", "1", err), TC_ERR_NOT_FOUND);
	assert_string_equal(err, "unknown setting 'nope'");
	assert_int_equal(xset(&c, "home", NULL, err), TC_ERR_INVALID_ARG);
}

static void
test_file(void **state)
{
	static const char text[] = "# a comment\r\n"
				   "\n"
				   "  home\t/srv/x  \r\n"
				   "workers 4\n"
				   "\t# indented comment\n"
				   "colour red";
	struct xconf c;
	char err[256];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(
	    tc_dconf_parse(&xtable, &c, text, strlen(text), err, sizeof(err)),
	    0);
	assert_string_equal(c.home, "/srv/x");
	assert_int_equal(c.workers, 4);
	assert_int_equal(c.colour, 1);

	memset(&c, 0, sizeof(c));
	assert_int_equal(tc_dconf_parse(&xtable, &c, "workers 2\n\nworkers 3\n",
			     21, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_string_equal(err, "line 3: 'workers' was already set on line 1");
	assert_int_equal(
	    tc_dconf_parse(&xtable, &c, "idle 1\nidle\n", 12, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_string_equal(err, "line 2: 'idle' has no value");
	assert_int_equal(
	    tc_dconf_parse(&xtable, &c, "\n\nbody 1\n", 9, err, sizeof(err)),
	    TC_ERR_RANGE);
	assert_string_equal(err, "line 3: body: 1 is outside 64 to 65536");
	assert_int_equal(
	    tc_dconf_parse(&xtable, &c, "home a\x01z\n", 9, err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	assert_string_equal(
	    err, "line 1: byte 7: not UTF-8 text, or a control character");
}

/* Counts the lines handed over, to see what the line reader skips. */
static int
count_line(void *arg, char *line, size_t lineno, char *err, size_t errlen)
{
	size_t *n = arg;

	(void)err;
	(void)errlen;
	assert_true(line[0] != ' ' && line[0] != '#');
	*n += lineno;
	return 0;
}

static void
test_lines(void **state)
{
	char err[256], *big;
	size_t n = 0;

	(void)state;
	assert_int_equal(tc_dconf_lines("a\n # b\n\n\tc\n", 11, count_line, &n,
			     err, sizeof(err)),
	    0);
	assert_int_equal(n, 1 + 4);
	big = malloc(TC_DCONF_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, 'a', TC_DCONF_FILE_MAX + 1);
	assert_int_equal(tc_dconf_lines(big, TC_DCONF_FILE_MAX + 1, count_line,
			     &n, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(tc_dconf_lines(big, TC_DCONF_LINE_MAX + 1, count_line,
			     &n, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "line 1: longer than 4096 bytes");
	free(big);
}

static void
test_options(void **state)
{
	static const struct option fixed[] = {
		{ "config", required_argument, NULL, 1000 },
		{ "help", no_argument, NULL, 1001 },
	};
	struct option *o;
	size_t i;

	(void)state;
	o = tc_dconf_options(&xtable, fixed, 2);
	assert_non_null(o);
	assert_string_equal(o[0].name, "config");
	assert_int_equal(o[1].val, 1001);
	for (i = 0; i < xtable.n; i++) {
		assert_string_equal(o[2 + i].name, xkeys[i].name);
		assert_int_equal(o[2 + i].has_arg, required_argument);
		assert_int_equal(o[2 + i].val, (int)i);
	}
	assert_null(o[2 + xtable.n].name);
	free(o);
	assert_ptr_equal(tc_dconf_find(&xtable, "rate"), &xkeys[5]);
	assert_null(tc_dconf_find(&xtable, "rates"));
}

#define TESTS(X, XF)                                                           \
	X(test_kinds)                                                          \
	X(test_file)                                                           \
	X(test_lines)                                                          \
	X(test_options)

TC_UNIT_MAIN(TESTS, NULL, NULL)
