/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of tcard-issuerd's RPC codec (src/officerpc.c): frame
 * headers (lengths, caps), the request parser's key tables per op, token
 * checks, review rules, and the base64url token text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "fixtures-orpc.h"
#include "unit.h"
#include "tcard/err.h"
#include "tcard/officerpc.h"

#define S FX_ORPC_TOKEN
#define C "Bb-_0123456789aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void
test_header(void **state)
{
	uint8_t h[TC_ORPC_HDR_LEN];
	uint32_t id, j, t;
	char err[256];

	(void)state;
	tc_orpc_header_put(h, 7, 100, 5);
	assert_int_equal(
	    tc_orpc_header_parse(h, 1000, 10, &id, &j, &t, err, sizeof(err)),
	    0);
	assert_int_equal(id, 7);
	assert_int_equal(j, 100);
	assert_int_equal(t, 5);
	/* A request has no tail; JSON over the cap. */
	assert_int_equal(
	    tc_orpc_header_parse(h, 1000, 0, &id, &j, &t, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(
	    tc_orpc_header_parse(h, 99, 10, &id, &j, &t, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	/* A length shorter than its fields. */
	memcpy(h, "\x00\x00\x00\x04", 4);
	assert_int_equal(
	    tc_orpc_header_parse(h, 1000, 10, &id, &j, &t, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	memcpy(h, "\x00\x00\x00\x10\x00\x00\x00\x01\x00\x00\x00\x08", 12);
	assert_int_equal(
	    tc_orpc_header_parse(h, 1000, 10, &id, &j, &t, err, sizeof(err)),
	    0);
	assert_int_equal(t, 0);
	/* JSON longer than the frame. */
	memcpy(h, "\x00\x00\x00\x10\x00\x00\x00\x01\x00\x00\x00\x09", 12);
	assert_int_equal(
	    tc_orpc_header_parse(h, 1000, 10, &id, &j, &t, err, sizeof(err)),
	    TC_ERR_MALFORMED);
}

static void
test_requests(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ "{\"op\":\"login\",\"args\":{\"operator\":\"a\",\"passphrase\":\"p\"}}",
		    0, NULL },
		{ "{\"op\":\"login\",\"args\":{\"operator\":\"a\",\"passphrase\":\"p\",\"otp\":\"123456\"}}",
		    0, NULL },
		{ "{\"op\":\"login\",\"args\":{\"operator\":\"\",\"passphrase\":\"p\"}}",
		    TC_ERR_INVALID_ARG, "operator is empty" },
		{ "{\"op\":\"login\",\"args\":{\"operator\":\"a\"}}",
		    TC_ERR_INVALID_ARG, "passphrase is missing" },
		{ "{\"op\":\"login\",\"session\":\"" S
		  "\",\"args\":{\"operator\":\"a\",\"passphrase\":\"p\"}}",
		    TC_ERR_INVALID_ARG, "unknown member \"session\"" },
		{ "{\"op\":\"queue\",\"session\":\"" S "\"}", 0, NULL },
		{ "{\"op\":\"queue\"}", TC_ERR_INVALID_ARG,
		    "session is missing" },
		{ "{\"op\":\"queue\",\"session\":\"abc\"}", TC_ERR_INVALID_ARG,
		    "not a token" },
		{ "{\"op\":\"queue\",\"session\":\"" S "\",\"app\":1}",
		    TC_ERR_INVALID_ARG, "unknown member \"app\"" },
		{ "{\"op\":\"app\",\"session\":\"" S "\",\"app\":0}",
		    TC_ERR_INVALID_ARG, "positive" },
		{ "{\"op\":\"app\",\"session\":\"" S "\",\"app\":\"1\"}",
		    TC_ERR_INVALID_ARG, "app must be an integer" },
		{ "{\"op\":\"attachment\",\"session\":\"" S
		  "\",\"app\":1,\"att\":2}",
		    0, NULL },
		{ "{\"op\":\"review\",\"session\":\"" S "\",\"csrf\":\"" C
		  "\",\"app\":1,\"args\":{\"action\":\"approve\"}}",
		    0, NULL },
		{ "{\"op\":\"review\",\"session\":\"" S
		  "\",\"app\":1,\"args\":{\"action\":\"return\"}}",
		    TC_ERR_INVALID_ARG, "reason is needed" },
		{ "{\"op\":\"review\",\"session\":\"" S
		  "\",\"app\":1,\"args\":{\"action\":\"reject\",\"reason\":\"x\",\"tier\":\"a\"}}",
		    TC_ERR_INVALID_ARG, "go with approve" },
		{ "{\"op\":\"review\",\"session\":\"" S
		  "\",\"app\":1,\"args\":{\"action\":\"maybe\"}}",
		    TC_ERR_INVALID_ARG, "approve, return or reject" },
		{ "{\"op\":\"review\",\"session\":\"" S
		  "\",\"app\":1,\"args\":{\"action\":\"approve\",\"months\":0}}",
		    TC_ERR_INVALID_ARG, "months" },
		{ "{\"op\":\"review\",\"session\":\"" S
		  "\",\"app\":1,\"args\":{\"action\":\"approve\",\"overrides\":[1]}}",
		    TC_ERR_INVALID_ARG, "overrides[0]" },
		{ "{\"op\":\"drop-tables\"}", TC_ERR_INVALID_ARG, "op is not" },
		{ "{\"op\":\"queue\",\"op\":\"queue\"}", TC_ERR_MALFORMED,
		    "not JSON" },
		{ "[1]", TC_ERR_MALFORMED, "not a JSON object" },
		{ "{\"op\":13}", TC_ERR_INVALID_ARG, "op must be a string" },
		{ "{\"op\":\"login\",\"args\":{\"operator\":\"a\\u0000b\",\"passphrase\":\"p\"}}",
		    TC_ERR_MALFORMED, "not JSON" },
	};
	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
}

static void
test_review_fields(void **state)
{
	static const char j[] =
	    "{\"op\":\"review\",\"session\":\"" S "\",\"csrf\":\"" C
	    "\",\"app\":9,\"args\":{\"action\":\"approve\",\"tier\":\"b\",\"months\":36,\"overrides\":[\"g1\",\"g2\"]}}";
	struct tc_orpc_req q;

	(void)state;
	fx_orpc_parse_ok(j, &q);
	assert_int_equal(q.op, TC_ORPC_REVIEW);
	assert_int_equal(q.app, 9);
	assert_int_equal(q.has_csrf, 1);
	assert_string_equal(q.csrf, C);
	assert_int_equal(q.decision, TC_REVIEW_APPROVE);
	assert_string_equal(q.tier, "b");
	assert_int_equal(q.months, 36);
	assert_int_equal(q.n_overrides, 2);
	assert_string_equal(q.overrides[1], "g2");
	tc_orpc_req_release(&q);
}

/*
 * A list's columns and whoami beside the op: the fields asked for as a
 * mask, the refusals naming the field, and "who" on the ops that take it.
 */
static void
test_columns_who(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ "{\"op\":\"queue\",\"session\":\"" S
		  "\",\"args\":{\"columns\":\"id,name\"}}",
		    0, NULL },
		{ "{\"op\":\"queue\",\"session\":\"" S
		  "\",\"args\":{\"columns\":\"id,nam\"}}",
		    TC_ERR_INVALID_ARG, "\"nam\" is not a field" },
		{ "{\"op\":\"queue\",\"session\":\"" S
		  "\",\"args\":{\"columns\":\"name,id,name\"}}",
		    TC_ERR_INVALID_ARG, "\"name\" is a repeated field" },
		{ "{\"op\":\"queue\",\"session\":\"" S
		  "\",\"args\":{\"columns\":\"\"}}",
		    TC_ERR_INVALID_ARG, "\"\" is not a field" },
		{ "{\"op\":\"queue\",\"session\":\"" S
		  "\",\"args\":{\"columns\":[\"id\"]}}",
		    TC_ERR_INVALID_ARG, "columns" },
		{ "{\"op\":\"search\",\"session\":\"" S
		  "\",\"args\":{\"name\":\"x\",\"columns\":\"id,\"}}",
		    TC_ERR_INVALID_ARG, "\"\" is not a field" },
		{ "{\"op\":\"app\",\"session\":\"" S
		  "\",\"app\":1,\"who\":true}",
		    0, NULL },
		{ "{\"op\":\"app\",\"session\":\"" S "\",\"app\":1,\"who\":1}",
		    TC_ERR_INVALID_ARG, "who" },
		{ "{\"op\":\"review\",\"session\":\"" S
		  "\",\"app\":1,\"who\":true,\"args\":{\"action\":\"approve\"}}",
		    TC_ERR_INVALID_ARG, "who" },
	};
	struct tc_orpc_req q;
	uint32_t mask;
	char err[256];

	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
	fx_orpc_parse_ok(
	    "{\"op\":\"search\",\"session\":\"" S
	    "\",\"who\":true,\"args\":{\"name\":\"x\",\"columns\":\"submitted,id,overdue\"}}",
	    &q);
	assert_int_equal(q.who, 1);
	assert_int_equal(q.columns,
	    (1u << TC_ORPC_F_ID) | (1u << TC_ORPC_F_OVERDUE) |
		(1u << TC_ORPC_F_SUBMITTED));
	tc_orpc_req_release(&q);
	fx_orpc_parse_ok("{\"op\":\"queue\",\"session\":\"" S "\"}", &q);
	assert_int_equal(q.who, 0);
	assert_int_equal(q.columns, 0);
	tc_orpc_req_release(&q);
	/* Every field by its name, and the names in order. */
	assert_int_equal(
	    tc_orpc_fields_parse(
		"id,kind,programme,tier,route,clause,state,step,step_name,role,deadline,applicant,name,employer,overdue,created,submitted",
		&mask, err, sizeof(err)),
	    0);
	assert_int_equal(mask, (1u << TC_ORPC_F_COUNT) - 1);
	assert_string_equal(
	    tc_orpc_field_name(TC_ORPC_F_STEP_NAME), "step_name");
	assert_string_equal(tc_orpc_field_name(TC_ORPC_F_COUNT), "?");
}

static void
test_token(void **state)
{
	uint8_t raw[32];
	char t[TC_ORPC_TOKEN_LEN + 1];

	(void)state;
	memset(raw, 0xff, sizeof(raw));
	tc_orpc_token_text(raw, t);
	assert_int_equal(strlen(t), TC_ORPC_TOKEN_LEN);
	assert_string_equal(t, "__________________________________________8");
	memset(raw, 0, sizeof(raw));
	tc_orpc_token_text(raw, t);
	assert_string_equal(t, S);
	assert_int_equal(tc_orpc_token_ok(t), 1);
	assert_int_equal(tc_orpc_token_ok(C), 1);
	assert_int_equal(tc_orpc_token_ok("AAAA"), 0);
	assert_int_equal(tc_orpc_token_ok(S "A"), 0);
	assert_int_equal(
	    tc_orpc_token_ok("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 0);
}

/* The perso ops (src/officerpc-perso.c): sessions, jobs, hex values. */
#define JS "\"job\":\"J-1-0a\",\"station\":\"bank-1.r_2\""
static void
test_perso(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ "{\"op\":\"perso-make\",\"session\":\"" S "\",\"csrf\":\"" C
		  "\",\"card\":\"114\",\"args\":{\"station\":\"bank-1.r_2\"}}",
		    0, NULL },
		{ "{\"op\":\"perso-make\",\"session\":\"" S
		  "\",\"card\":\"114\",\"args\":{\"station\":\"bank 1\"}}",
		    TC_ERR_INVALID_ARG, "args.station must be" },
		{ "{\"op\":\"perso-make\",\"card\":\"114\",\"args\":{\"station\":\"b\"}}",
		    TC_ERR_INVALID_ARG, "session is missing" },
		{ "{\"op\":\"perso-status\",\"session\":\"" S
		  "\",\"args\":{\"job\":\"J-1\"}}",
		    0, NULL },
		{ "{\"op\":\"perso-status\",\"session\":\"" S
		  "\",\"args\":{\"job\":\"J.1\"}}",
		    TC_ERR_INVALID_ARG, "args.job must be" },
		{ "{\"op\":\"perso-job\",\"args\":{" JS "}}", 0, NULL },
		{ "{\"op\":\"perso-job\",\"session\":\"" S "\",\"args\":{" JS
		  "}}",
		    TC_ERR_INVALID_ARG, "unknown member \"session\"" },
		{ "{\"op\":\"perso-job\",\"args\":{\"job\":\"J-1\"}}",
		    TC_ERR_INVALID_ARG, "args.station is missing" },
		{ "{\"op\":\"perso-job\",\"args\":{\"job\":\"J-1234567890123456789012345678901\",\"station\":\"s\"}}",
		    TC_ERR_INVALID_ARG, "args.job" },
		{ "{\"op\":\"perso-chip-start\",\"args\":{" JS
		  ",\"uid\":\"0102030405060708\",\"profile\":\"tcard\"}}",
		    0, NULL },
		{ "{\"op\":\"perso-chip-start\",\"args\":{" JS
		  ",\"uid\":\"0102030405060708\",\"profile\":\"\"}}",
		    TC_ERR_INVALID_ARG, "profile is empty" },
		{ "{\"op\":\"perso-chip-start\",\"args\":{" JS
		  ",\"uid\":\"01020304050607AB\",\"profile\":\"tcard\"}}",
		    TC_ERR_INVALID_ARG, "lower-case hex" },
		{ "{\"op\":\"perso-put-key\",\"args\":{" JS
		  ",\"uid\":\"010203\"}}",
		    TC_ERR_INVALID_ARG, "args.uid" },
		{ "{\"op\":\"perso-scp-session\",\"args\":{" JS
		  ",\"uid\":\"01020304\",\"host_challenge\":\"0001020304050607\",\"iu\":\"000102030405060708090103000102030405060708090a0b0c0d0e0f10\"}}",
		    0, NULL },
		{ "{\"op\":\"perso-scp-session\",\"args\":{" JS
		  ",\"uid\":\"01020304\",\"host_challenge\":\"00010203040506\",\"iu\":\"000102030405060708090103000102030405060708090a0b0c0d0e0f10\"}}",
		    TC_ERR_INVALID_ARG, "args.host_challenge must be 8 to 8" },
		{ "{\"op\":\"perso-sign\",\"args\":{" JS ",\"spki\":\"3g\"}}",
		    TC_ERR_INVALID_ARG, "args.spki" },
		{ "{\"op\":\"perso-end\",\"args\":{" JS
		  ",\"rc\":-202,\"step\":\"lock\",\"error\":\"gone\",\"round_trips\":4}}",
		    0, NULL },
		{ "{\"op\":\"perso-end\",\"args\":{" JS
		  ",\"rc\":1,\"round_trips\":4}}",
		    TC_ERR_INVALID_ARG, "args.rc" },
		{ "{\"op\":\"perso-end\",\"args\":{" JS
		  ",\"rc\":0,\"error\":\"a\\nb\",\"round_trips\":4}}",
		    TC_ERR_INVALID_ARG, "control character" },
		{ "{\"op\":\"perso-print\",\"args\":{" JS
		  ",\"cups_job\":7,\"state\":\"completed\"}}",
		    0, NULL },
		{ "{\"op\":\"perso-print\",\"args\":{" JS
		  ",\"cups_job\":7,\"state\":\"printing\"}}",
		    TC_ERR_INVALID_ARG, "args.state must be" },
		{ "{\"op\":\"perso-print\",\"args\":{" JS
		  ",\"cups_job\":-1,\"state\":\"failed\"}}",
		    TC_ERR_INVALID_ARG, "args.cups_job" },
	};
	struct tc_orpc_req q;
	char err[256];

	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
	/* What a parsed op holds. */
	assert_int_equal(tc_orpc_req_parse(v[13].json, strlen(v[13].json), &q,
			     err, sizeof(err)),
	    0);
	assert_int_equal(q.op, TC_ORPC_PERSO_SCP_SESSION);
	assert_true(TC_ORPC_IS_PERSO_INTERNAL(q.op));
	assert_false(TC_ORPC_IS_PORTAL(q.op));
	assert_string_equal(q.p.job, "J-1-0a");
	assert_string_equal(q.p.station, "bank-1.r_2");
	assert_string_equal(q.p.uid, "01020304");
	assert_int_equal(q.p.data_len, 29);
	assert_int_equal(q.p.data[28], 0x10);
	assert_int_equal(q.p.challenge[7], 7);
	tc_orpc_req_release(&q);
	assert_int_equal(tc_orpc_req_parse(v[0].json, strlen(v[0].json), &q,
			     err, sizeof(err)),
	    0);
	assert_int_equal(q.op, TC_ORPC_PERSO_MAKE);
	assert_false(TC_ORPC_IS_PERSO_INTERNAL(q.op));
	assert_string_equal(q.card, "114");
	tc_orpc_req_release(&q);
}

#define TESTS(X, XF)                                                           \
	X(test_perso)                                                          \
	X(test_header)                                                         \
	X(test_requests)                                                       \
	X(test_review_fields)                                                  \
	X(test_columns_who)                                                    \
	X(test_token)

TC_UNIT_MAIN(TESTS, NULL, NULL)
