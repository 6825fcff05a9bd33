/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of printing through CUPS (src/printjob.c) that need no
 * server: the reader of a station's printer settings (host names, IPv4
 * and IPv6 addresses, ports, local sockets, queue names; what is refused
 * and how), the server written back, the state names, and the checks
 * tc_printjob_submit makes before it connects (not a PDF, a bad card
 * number). tests/integration/192-cups-print.sh runs the rest on a real
 * cupsd.
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
#include "tcard/printjob.h"

struct server_case {
	const char *in;
	int r;
	const char *host; /* when accepted */
	int port;
	const char *back; /* tc_printq_server */
};

static const struct server_case server_cases[] = {
	{ "127.0.0.1", 0, "127.0.0.1", 631, "127.0.0.1:631" },
	{ "127.0.0.1:8631", 0, "127.0.0.1", 8631, "127.0.0.1:8631" },
	{ "localhost:1", 0, "localhost", 1, "localhost:1" },
	{ "print-1.branch_7.example:65535", 0, "print-1.branch_7.example",
	    65535, "print-1.branch_7.example:65535" },
	{ "[::1]", 0, "::1", 631, "[::1]:631" },
	{ "[::1]:8631", 0, "::1", 8631, "[::1]:8631" },
	{ "[fe80::1:2.3.4.5]:9", 0, "fe80::1:2.3.4.5", 9,
	    "[fe80::1:2.3.4.5]:9" },
	{ "/run/cups/cups.sock", 0, "/run/cups/cups.sock", 0,
	    "/run/cups/cups.sock" },
	{ "", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ ":631", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:0", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:0631", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:65536", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:123456", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:+1", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host:80:81", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "host name", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "user@host", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "ipp://host/printers/x", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "::1", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "[::1", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "[]", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "[1.2.3.4]", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "[::g]", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "[::1]x", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "/run/cups/my socket", TC_ERR_MALFORMED, NULL, 0, NULL },
	{ "h\xc3\xa9te", TC_ERR_MALFORMED, NULL, 0, NULL },
};

static void
test_server(void **state)
{
	struct tc_printq q;
	char err[160], back[300];
	size_t i;

	for (i = 0; i < sizeof(server_cases) / sizeof(server_cases[0]); i++) {
		const struct server_case *c = &server_cases[i];

		err[0] = '\0';
		assert_int_equal(
		    tc_printq_parse(&q, c->in, "card", err, sizeof(err)), c->r);
		if (c->r != 0) {
			assert_true(strncmp(err, "server: ", 8) == 0);
			assert_string_equal(q.host, "");
			assert_string_equal(q.queue, "");
			continue;
		}
		assert_string_equal(q.host, c->host);
		assert_int_equal(q.port, c->port);
		assert_string_equal(q.queue, "card");
		assert_int_equal(q.timeout_ms, 30000);
		tc_printq_server(&q, back, sizeof(back));
		assert_string_equal(back, c->back);
	}
}

static void
test_server_sizes(void **state)
{
	char in[400], err[160];
	struct tc_printq q;

	memset(in, 'a', sizeof(in));
	in[TC_PRINTQ_HOST_MAX - 1] = '\0';
	assert_int_equal(tc_printq_parse(&q, in, "card", err, sizeof(err)), 0);
	in[TC_PRINTQ_HOST_MAX - 1] = 'a';
	in[TC_PRINTQ_HOST_MAX] = '\0';
	assert_int_equal(tc_printq_parse(&q, in, "card", err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	in[0] = '/';
	in[108] = '\0';
	assert_int_equal(tc_printq_parse(&q, in, "card", err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	in[107] = '\0';
	assert_int_equal(tc_printq_parse(&q, in, "card", err, sizeof(err)), 0);
	assert_int_equal(q.port, 0);
	assert_int_equal(tc_printq_parse(&q, NULL, "card", err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_printq_parse(&q, "localhost", NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_printq_parse(NULL, "localhost", "card", err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
}

static void
test_queue(void **state)
{
	static const char *const good[] = { "card", "Card_Printer-2",
		"branch.7+front", "a" };
	static const char *const bad[] = { "", "card printer", "a/b", "a\\b",
		"a?b", "a#b", "a'b", "a\"b", "a\tb", "caf\xc3\xa9" };
	char err[160], name[200];
	struct tc_printq q;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
		    tc_printq_parse(&q, "localhost", good[i], err, sizeof(err)),
		    0);
		assert_string_equal(q.queue, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    tc_printq_parse(&q, "localhost", bad[i], err, sizeof(err)),
		    TC_ERR_MALFORMED);
		assert_true(strncmp(err, "queue: ", 7) == 0);
	}
	memset(name, 'q', sizeof(name));
	name[TC_PRINTQ_QUEUE_MAX - 1] = '\0';
	assert_int_equal(
	    tc_printq_parse(&q, "localhost", name, err, sizeof(err)), 0);
	name[TC_PRINTQ_QUEUE_MAX - 1] = 'q';
	name[TC_PRINTQ_QUEUE_MAX] = '\0';
	assert_int_equal(
	    tc_printq_parse(&q, "localhost", name, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
}

static void
test_state_names(void **state)
{
	static const char *const jobs[] = { "pending", "held", "processing",
		"stopped", "canceled", "aborted", "completed" };
	int s;

	for (s = TC_PRINTJOB_PENDING; s <= TC_PRINTJOB_COMPLETED; s++)
		assert_string_equal(
		    tc_printjob_state_name(s), jobs[s - TC_PRINTJOB_PENDING]);
	assert_string_equal(tc_printjob_state_name(2), "unknown");
	assert_string_equal(tc_printjob_state_name(10), "unknown");
	assert_string_equal(tc_printq_state_name(TC_PRINTQ_IDLE), "idle");
	assert_string_equal(
	    tc_printq_state_name(TC_PRINTQ_PROCESSING), "processing");
	assert_string_equal(tc_printq_state_name(TC_PRINTQ_STOPPED), "stopped");
	assert_string_equal(tc_printq_state_name(0), "unknown");
}

/* What tc_printjob_submit refuses before it connects (port 1: nothing). */
static void
test_submit_checks(void **state)
{
	static const uint8_t pdf[] = "%PDF-1.7\n%%EOF\n";
	struct tc_printq q;
	char err[200];
	int job = 7;

	assert_int_equal(
	    tc_printq_parse(&q, "127.0.0.1:1", "card", err, sizeof(err)), 0);
	assert_int_equal(
	    tc_printjob_submit(&q, "4401110000000012",
		(const uint8_t *)"GIF89a", 6, &job, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(job, 0);
	assert_non_null(strstr(err, "not a PDF"));
	assert_int_equal(tc_printjob_submit(&q, "4401110000000012", pdf, 0,
			     &job, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_printjob_submit(&q, "4401110000000017", pdf,
			     sizeof(pdf) - 1, &job, err, sizeof(err)),
	    TC_ERR_BAD_CHECK);
	assert_int_equal(tc_printjob_submit(&q, "Zhang San", pdf,
			     sizeof(pdf) - 1, &job, err, sizeof(err)),
	    TC_ERR_BAD_ENCODING);
	assert_int_equal(tc_printjob_submit(&q, "4401110000000012", pdf,
			     TC_PRINTJOB_PDF_MAX + 1, &job, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(tc_printjob_submit(&q, "4401110000000012", pdf,
			     sizeof(pdf) - 1, &job, err, sizeof(err)),
	    TC_ERR_IO);
	assert_non_null(
	    strstr(err, "cannot reach the CUPS server 127.0.0.1:1"));
	assert_int_equal(job, 0);
}

#define TESTS(X, XF)                                                           \
	X(test_server)                                                         \
	X(test_server_sizes)                                                   \
	X(test_queue) X(test_state_names) X(test_submit_checks)

TC_UNIT_MAIN(TESTS, NULL, NULL)
