/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the station protocol's messages (src/station-proto.c):
 * both messages parsed and written back, every refusal naming what is
 * wrong, the status word patterns and their matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/station-proto.h"

static int
req(struct tc_station_req *q, const char *s, char *err, size_t errlen)
{
	return tc_station_req_parse(
	    q, (const uint8_t *)s, strlen(s), err, errlen);
}

static int
resp(struct tc_station_resp *p, const char *s, char *err, size_t errlen)
{
	return tc_station_resp_parse(
	    p, (const uint8_t *)s, strlen(s), err, errlen);
}

/* A body, and a text its refusal's message must hold. */
struct bad {
	const char *body, *says;
};

/* Parses body as a request: a refusal must keep nothing. */
static int
req_refused(const char *body, char *err, size_t errlen)
{
	struct tc_station_req q;
	int r = req(&q, body, err, errlen);

	assert_int_equal(q.n_answers, 0);
	assert_null(q.answers[0].p);
	return r;
}

/* Parses body as a response: a refusal must keep nothing. */
static int
resp_refused(const char *body, char *err, size_t errlen)
{
	struct tc_station_resp p;
	int r = resp(&p, body, err, errlen);

	assert_int_equal(p.n_cmds, 0);
	assert_null(p.cmds[0].c.p);
	return r;
}

/* Each of the n bodies is refused as malformed with its text. */
static void
all_refused(const struct bad *bad, size_t n,
    int (*parse)(const char *body, char *err, size_t errlen))
{
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		err[0] = '\0';
		assert_int_equal(
		    parse(bad[i].body, err, sizeof(err)), TC_ERR_MALFORMED);
		if (strstr(err, bad[i].says) == NULL)
			fail_msg("%s: %s (wanted %s)", bad[i].body, err,
			    bad[i].says);
	}
}

static void
test_request(void **state)
{
	struct tc_station_req q, back;
	struct tc_buf out;
	char err[256];

	(void)state;
	assert_int_equal(req(&q,
			     "{\"v\":1,\"present\":true,\"insert\":3,"
			     "\"atr\":\"3B8A80\",\"batch\":7,"
			     "\"answers\":[\"6F009000\",\"6982\"],"
			     "\"stop\":\"sw\",\"wait\":25000}",
			     err, sizeof(err)),
	    0);
	assert_true(q.present);
	assert_int_equal(q.insert, 3);
	assert_int_equal(q.atr_len, 3);
	assert_int_equal(q.atr[0], 0x3B);
	assert_int_equal(q.batch, 7);
	assert_int_equal(q.n_answers, 2);
	assert_int_equal(q.answers[0].n, 4);
	assert_int_equal(q.answers[1].p[0], 0x69);
	assert_int_equal(q.stop, TC_STATION_STOP_SW);
	assert_int_equal(q.wait_ms, 25000);
	tc_buf_init(&out, 4096);
	assert_int_equal(tc_station_req_write(&q, &out), 0);
	assert_int_equal(
	    tc_station_req_parse(&back, out.data, out.len, err, sizeof(err)),
	    0);
	assert_int_equal(back.n_answers, 2);
	assert_memory_equal(back.answers[0].p, q.answers[0].p, 4);
	assert_int_equal(back.stop, TC_STATION_STOP_SW);
	tc_buf_release(&out);
	tc_station_req_free(&q);
	tc_station_req_free(&back);
	assert_null(q.answers[0].p);
}

static void
test_request_refused(void **state)
{
	static const struct bad bad[] = {
		{ "", "not JSON" },
		{ "[]", "not a JSON object" },
		{ "{\"v\":2,\"present\":false,\"insert\":0}", "version 2" },
		{ "{\"present\":false,\"insert\":0}", "\"v\" is required" },
		{ "{\"v\":1,\"present\":0,\"insert\":0}",
		    "\"present\" must be" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"insert\":0}",
		    "duplicate" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"z\":0}",
		    "unknown member \"z\"" },
		{ "{\"v\":1,\"present\":false,\"insert\":-1}", "\"insert\"" },
		{ "{\"v\":1,\"present\":true,\"insert\":0}", "\"atr\" comes" },
		{ "{\"v\":1,\"present\":true,\"insert\":0,\"atr\":\"3B\"}",
		    "atr 0 must be 2..33" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"batch\":1}",
		    "comes with \"answers\"" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"stop\":\"sw\"}",
		    "with \"batch\" only" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"batch\":1,"
		  "\"answers\":[\"9000\"],\"stop\":\"gone\"}",
		    "\"stop\" must be" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"batch\":1,"
		  "\"answers\":[\"90\"]}",
		    "answer 0 must be 2.." },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"batch\":1,"
		  "\"answers\":[\"9000\",\"90zz\"]}",
		    "answer 1: digit 2" },
		{ "{\"v\":1,\"present\":false,\"insert\":0,\"wait\":55001}",
		    "\"wait\" must be 0..55000" },
	};
	(void)state;
	all_refused(bad, sizeof(bad) / sizeof(bad[0]), req_refused);
}

static void
test_response(void **state)
{
	struct tc_station_resp p, back;
	struct tc_buf out;
	char err[256];

	(void)state;
	assert_int_equal(resp(&p, "{\"v\":1}", err, sizeof(err)), 0);
	assert_int_equal(p.batch, 0);
	assert_int_equal(p.n_cmds, 0);
	assert_int_equal(resp(&p,
			     "{\"v\":1,\"batch\":9,\"job\":\"J-1\","
			     "\"reset\":true,\"cmds\":[{\"c\":\"00A40400\","
			     "\"sw\":[\"9000\",\"61XX\"]},{\"c\":\"80500000\"}"
			     "],\"poll\":10}",
			     err, sizeof(err)),
	    0);
	assert_int_equal(p.batch, 9);
	assert_string_equal(p.job, "J-1");
	assert_true(p.reset);
	assert_int_equal(p.n_cmds, 2);
	assert_int_equal(p.cmds[0].n_sw, 2);
	assert_true(tc_station_sw_allowed(&p.cmds[0], 0x9000));
	assert_true(tc_station_sw_allowed(&p.cmds[0], 0x6110));
	assert_false(tc_station_sw_allowed(&p.cmds[0], 0x6282));
	assert_int_equal(p.cmds[1].n_sw, 1); /* absent: 9000 only */
	assert_true(tc_station_sw_allowed(&p.cmds[1], 0x9000));
	assert_false(tc_station_sw_allowed(&p.cmds[1], 0x9001));
	assert_int_equal(p.poll_ms, 10);
	tc_buf_init(&out, 4096);
	assert_int_equal(tc_station_resp_write(&p, &out), 0);
	assert_non_null(strstr((const char *)out.data, "\"61XX\""));
	assert_int_equal(
	    tc_station_resp_parse(&back, out.data, out.len, err, sizeof(err)),
	    0);
	assert_int_equal(back.n_cmds, 2);
	assert_string_equal(back.print, "");
	assert_memory_equal(
	    back.cmds[0].sw, p.cmds[0].sw, 2 * sizeof(p.cmds[0].sw[0]));
	tc_buf_release(&out);
	tc_station_resp_free(&p);
	tc_station_resp_free(&back);

	/* A job to print, with or without a batch; it survives a write. */
	assert_int_equal(
	    resp(&p, "{\"v\":1,\"print\":\"J-7\"}", err, sizeof(err)), 0);
	assert_int_equal(p.batch, 0);
	assert_string_equal(p.print, "J-7");
	tc_buf_init(&out, 4096);
	assert_int_equal(tc_station_resp_write(&p, &out), 0);
	assert_int_equal(
	    tc_station_resp_parse(&back, out.data, out.len, err, sizeof(err)),
	    0);
	assert_string_equal(back.print, "J-7");
	tc_buf_release(&out);
	tc_station_resp_free(&p);
	tc_station_resp_free(&back);
}

static void
test_response_refused(void **state)
{
	static const struct bad bad[] = {
		{ "{\"v\":1,\"cmds\":[]}", "with \"batch\" only" },
		{ "{\"v\":1,\"batch\":1,\"cmds\":[{\"c\":\"00A40400\"}]}",
		    "\"job\" must be" },
		{ "{\"v\":1,\"batch\":1,\"job\":\"a b\",\"cmds\":[]}",
		    "\"job\" must be" },
		{ "{\"v\":1,\"batch\":1,\"job\":\"J\",\"cmds\":[]}",
		    "1..64 commands" },
		{ "{\"v\":1,\"batch\":1,\"job\":\"J\",\"cmds\":[{\"c\":\"00\"}]}",
		    "command 0 must be 4.." },
		{ "{\"v\":1,\"batch\":1,\"job\":\"J\",\"cmds\":[{\"c\":"
		  "\"00A40400\",\"sw\":[]}]}",
		    "1..4 status word" },
		{ "{\"v\":1,\"batch\":1,\"job\":\"J\",\"cmds\":[{\"c\":"
		  "\"00A40400\",\"sw\":[\"9X00\"]}]}",
		    "status word 0" },
		{ "{\"v\":1,\"batch\":1,\"job\":\"J\",\"cmds\":[{\"c\":"
		  "\"00A40400\",\"le\":1}]}",
		    "command 0: expected" },
		{ "{\"v\":1,\"poll\":60001}", "\"poll\" must be" },
		{ "{\"v\":1,\"print\":\"J 1\"}", "\"print\" must be" },
		{ "{\"v\":1,\"print\":\"\"}", "\"print\" must be" },
	};
	(void)state;
	all_refused(bad, sizeof(bad) / sizeof(bad[0]), resp_refused);
}

static void
test_limits(void **state)
{
	struct tc_station_sw sw;
	struct tc_station_resp p;
	uint8_t *big;
	char err[256];

	(void)state;
	assert_int_equal(tc_station_sw_parse(&sw, "6cXX"), 0);
	assert_int_equal(sw.value, 0x6C00);
	assert_int_equal(sw.mask, 0xFF00);
	assert_int_equal(tc_station_sw_parse(&sw, "61X0"), TC_ERR_MALFORMED);
	assert_int_equal(tc_station_sw_parse(&sw, "900"), TC_ERR_MALFORMED);
	assert_string_equal(
	    tc_station_stop_name(TC_STATION_STOP_TIMEOUT), "timeout");
	assert_string_equal(tc_station_stop_name(99), "");
	/* A body over the limit is refused before it is parsed. */
	assert_non_null(big = malloc(TC_STATION_BODY_MAX + 1));
	memset(big, ' ', TC_STATION_BODY_MAX + 1);
	assert_int_equal(tc_station_resp_parse(&p, big, TC_STATION_BODY_MAX + 1,
			     err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	free(big);
}

#define TESTS(X, XF)                                                           \
	X(test_request)                                                        \
	X(test_request_refused)                                                \
	X(test_response)                                                       \
	X(test_response_refused)                                               \
	X(test_limits)

TC_UNIT_MAIN(TESTS, NULL, NULL)
