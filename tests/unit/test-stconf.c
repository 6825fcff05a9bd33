/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of tcard-station's settings (station/st-conf.c on
 * daemon/conf.c): defaults, a full file, the office URL's form, the wait's
 * range, what must be set, the printer's keys together and parsed, and
 * that every error names the line and the setting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"

#include "station.h"

#define BASE                                                                   \
	"office https://127.0.0.1:8443\n"                                      \
	"office-ca /etc/tcard/office-ca.crt\n"                                 \
	"cert /etc/tcard/station.crt\n"                                        \
	"key /etc/tcard/station.key\n"                                         \
	"reader Virtual PCD 00 00\n"

static int
parse(struct st_conf *c, const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	return st_conf_parse(c, text, strlen(text), err, errlen);
}

static void
test_minimal(void **state)
{
	static struct st_conf c;
	char err[256];

	assert_int_equal(parse(&c, BASE, err, sizeof(err)), 0);
	assert_string_equal(c.office, "https://127.0.0.1:8443");
	assert_string_equal(c.reader, "Virtual PCD 00 00");
	assert_int_equal(c.wait_ms, 25000);
	assert_int_equal(c.have_printer, 0);
	assert_string_equal(c.log, "");
}

static void
test_full(void **state)
{
	static struct st_conf c;
	char err[256];

	assert_int_equal(parse(&c,
			     "# a branch station\n" BASE
			     "  printer-server  /run/cups/cups.sock \n"
			     "printer-queue\tcard-printer\n"
			     "wait 500ms\n"
			     "log /var/log/tcard-station.log\n"
			     "\n",
			     err, sizeof(err)),
	    0);
	assert_int_equal(c.have_printer, 1);
	assert_string_equal(c.printq.host, "/run/cups/cups.sock");
	assert_int_equal(c.printq.port, 0);
	assert_string_equal(c.printq.queue, "card-printer");
	assert_int_equal(c.wait_ms, 500);
	assert_string_equal(c.log, "/var/log/tcard-station.log");

	assert_int_equal(
	    parse(&c,
		BASE "wait 0\nprinter-server 127.0.0.1:8631\nprinter-queue q\n",
		err, sizeof(err)),
	    0);
	assert_int_equal(c.wait_ms, 0);
	assert_int_equal(c.printq.port, 8631);
}

static void
test_office(void **state)
{
	static const char *good[] = {
		"https://office.example.org",
		"https://[::1]:8443/",
		"https://a_b.c-d:1/talentcard",
		"https://10.0.0.1:65535",
	};
	static const char *bad[] = {
		"http://127.0.0.1:8443",
		"https://",
		"https://:8443",
		"https://h:0",
		"https://h:65536",
		"https://h:08443",
		"https://h:",
		"https://h x",
		"https://h/a b",
		"https://h/?q",
		"https://[zz]",
		"https://[]",
		"https://h@evil",
		"ftp://h",
	};
	static struct st_conf c;
	char text[512], err[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
		    "office %s\noffice-ca a\ncert b\nkey c\nreader r\n",
		    good[i]);
		assert_int_equal(parse(&c, text, err, sizeof(err)), 0);
	}
	assert_int_equal(
	    parse(&c,
		"office https://[::1]:8443/\noffice-ca a\ncert b\nkey c\nreader r\n",
		err, sizeof(err)),
	    0);
	assert_string_equal(c.office, "https://[::1]:8443");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "reader r\noffice %s\n", bad[i]);
		assert_int_not_equal(parse(&c, text, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "line 2: office: "));
		/* Nothing of a refused file is kept. */
		assert_string_equal(c.reader, "");
	}
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text, *want;
		int code;
	} cases[] = {
		{ BASE "wait 56s\n", "line 6: wait: ", TC_ERR_RANGE },
		{ BASE "wait 25000\n", "line 6: wait: ", TC_ERR_RANGE },
		{ BASE "wait soon\n", "line 6: wait: ", TC_ERR_MALFORMED },
		{ BASE "colour blue\n", "line 6: ", TC_ERR_NOT_FOUND },
		{ BASE "reader again\n", "line 6: ", TC_ERR_MALFORMED },
		{ BASE "log\n", "line 6: ", TC_ERR_MALFORMED },
		{ "office https://h\noffice-ca a\ncert b\nkey c\n",
		    "reader is not set", TC_ERR_MALFORMED },
		{ "office-ca a\ncert b\nkey c\nreader r\n", "office is not set",
		    TC_ERR_MALFORMED },
		{ "office https://h\ncert b\nkey c\nreader r\n",
		    "office-ca is not set", TC_ERR_MALFORMED },
		{ "office https://h\noffice-ca a\ncert b\nreader r\n",
		    "key is not set", TC_ERR_MALFORMED },
		{ BASE "printer-queue q\n", "printer-server is not set",
		    TC_ERR_MALFORMED },
		{ BASE "printer-server localhost\n", "printer-queue is not set",
		    TC_ERR_MALFORMED },
		{ BASE "printer-server localhost:0\nprinter-queue q\n",
		    "printer-server, printer-queue: ", TC_ERR_MALFORMED },
		{ BASE "printer-server localhost\nprinter-queue a/b\n",
		    "printer-server, printer-queue: ", TC_ERR_MALFORMED },
		{ BASE "reader \x01\n", "line 6", TC_ERR_BAD_ENCODING },
	};
	static struct st_conf c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		    parse(&c, cases[i].text, err, sizeof(err)), cases[i].code);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg(
			    "case %zu: '%s' lacks '%s'", i, err, cases[i].want);
		assert_int_equal(c.have_printer, 0);
		assert_string_equal(c.office, "");
	}
	/* A reader name too long for its field. */
	{
		char text[600];

		memset(text, 'r', sizeof(text));
		memcpy(text, "reader ", 7);
		text[sizeof(text) - 2] = '\n';
		text[sizeof(text) - 1] = '\0';
		assert_int_equal(
		    parse(&c, text, err, sizeof(err)), TC_ERR_TOO_LARGE);
		assert_non_null(strstr(err, "line 1: reader: "));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_office),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
