/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the supplement, reveal-id, issue and account ops of
 * tcard-issuerd's RPC (src/officerpc-office.c through tc_orpc_req_parse):
 * their key tables, the bounds of a supplement's fields and values, the
 * members an account op needs, and the fields a parsed request carries
 * to the monitor (the new passphrase wiped on release).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "fixtures-orpc.h"
#include "tcard/err.h"
#include "tcard/officerpc.h"

#define S  FX_ORPC_TOKEN
#define SU "{\"op\":\"supplement\",\"session\":\"" S "\",\"app\":4,"
#define TE "{\"op\":\"totp-enrol\",\"session\":\"" S "\","
#define PW "{\"op\":\"passphrase\",\"session\":\"" S "\","

static void
test_requests(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ SU "\"args\":{\"fields\":{\"basic.residence\":\"x\"},"
		     "\"reason\":\"r\"}}",
		    0, NULL },
		{ SU "\"csrf\":\"" S "\",\"args\":{\"fields\":{\"a.b\":\"1\","
		     "\"c.d\":\"2\"},\"reason\":\"r\"}}",
		    0, NULL },
		{ SU "\"args\":{\"fields\":{},\"reason\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "1 to 32 fields" },
		{ SU "\"args\":{\"fields\":{\"a.b\":\"x\"}}}",
		    TC_ERR_INVALID_ARG, "args.reason is missing" },
		{ SU "\"args\":{\"fields\":{\"a.b\":\"x\"},\"reason\":\"\"}}",
		    TC_ERR_INVALID_ARG, "args.reason" },
		{ SU "\"args\":{\"fields\":{\"a.b\":\"\"},\"reason\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "fields value" },
		{ SU "\"args\":{\"fields\":{\"a.b\":1},\"reason\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "fields value" },
		{ SU "\"args\":{\"fields\":{\"a.b\":\"x\\u0000y\"},"
		     "\"reason\":\"r\"}}",
		    TC_ERR_MALFORMED, "not JSON" }, /* jansson refuses NUL */
		{ SU "\"args\":{\"fields\":{\"\":\"x\"},\"reason\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "a name of 0 bytes" },
		{ SU "\"args\":{\"fields\":[],\"reason\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "args.fields must be" },
		{ SU "\"args\":{\"fields\":{\"a.b\":\"x\"},\"reason\":\"r\","
		     "\"more\":1}}",
		    TC_ERR_INVALID_ARG, "unknown member \"more\"" },
		{ "{\"op\":\"supplement\",\"session\":\"" S
		  "\",\"args\":{\"fields\":{\"a.b\":\"x\"},\"reason\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "request.app is missing" },
		{ "{\"op\":\"reveal-id\",\"session\":\"" S "\",\"app\":3}", 0,
		    NULL },
		{ "{\"op\":\"reveal-id\",\"session\":\"" S
		  "\",\"app\":3,\"args\":{}}",
		    TC_ERR_INVALID_ARG, "unknown member \"args\"" },
		{ "{\"op\":\"reveal-id\",\"app\":3}", TC_ERR_INVALID_ARG,
		    "session is missing" },
		{ "{\"op\":\"issue\",\"session\":\"" S "\",\"csrf\":\"" S
		  "\",\"app\":3}",
		    0, NULL },
		{ "{\"op\":\"issue\",\"session\":\"" S "\",\"app\":0}",
		    TC_ERR_INVALID_ARG, "app must be a positive number" },
		{ "{\"op\":\"totp-qr\",\"session\":\"" S "\"}", 0, NULL },
		{ TE "\"args\":{\"passphrase\":\"p\"}}", 0, NULL },
		{ TE "\"args\":{\"passphrase\":\"p\",\"otp\":\"123456\"}}", 0,
		    NULL },
		{ TE "\"args\":{\"passphrase\":\"\"}}", TC_ERR_INVALID_ARG,
		    "args.passphrase" },
		{ TE "\"args\":{\"otp\":\"123456\"}}", TC_ERR_INVALID_ARG,
		    "args.passphrase is missing" },
		{ TE "\"args\":{\"passphrase\":\"p\",\"otp\":"
		     "\"12345678901234567\"}}",
		    TC_ERR_INVALID_ARG, "args.otp" },
		{ "{\"op\":\"totp-enrol\",\"session\":\"" S "\"}",
		    TC_ERR_INVALID_ARG, "request.args is missing" },
		{ PW
		    "\"args\":{\"passphrase\":\"a\",\"new_passphrase\":\"b\"}}",
		    0, NULL },
		{ PW "\"args\":{\"passphrase\":\"a\",\"new_passphrase\":\"b\","
		     "\"otp\":\"1\"}}",
		    0, NULL },
		{ PW "\"args\":{\"passphrase\":\"a\"}}", TC_ERR_INVALID_ARG,
		    "args.new_passphrase is missing" },
		{ PW "\"args\":{\"passphrase\":\"a\",\"new_passphrase\":\"b\","
		     "\"new\":\"c\"}}",
		    TC_ERR_INVALID_ARG, "unknown member \"new\"" },
	};

	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
}

/* 33 fields: one more than a supplement takes. */
static void
test_too_many_fields(void **state)
{
	struct tc_orpc_req q;
	char json[4096], err[256] = "";
	size_t o;
	int i;

	(void)state;
	o = (size_t)snprintf(
	    json, sizeof(json), "%s\"args\":{\"fields\":{", SU);
	for (i = 0; i <= TC_APP_PATCH_MAX; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
		    "%s\"s.f%d\":\"v\"", i ? "," : "", i);
	snprintf(json + o, sizeof(json) - o, "},\"reason\":\"r\"}}");
	assert_int_equal(
	    tc_orpc_req_parse(json, strlen(json), &q, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "1 to 32 fields"));
}

static void
test_fields(void **state)
{
	static const char su[] =
	    SU "\"csrf\":\"" S "\",\"args\":{\"fields\":{\"basic.residence\":"
	       "\"广州市\",\"contact.phone\":\"020-1\"},\"reason\":\"核实\"}}";
	static const char pw[] = PW "\"args\":{\"passphrase\":\"old one\","
				    "\"new_passphrase\":\"new one\"}}";
	struct tc_orpc_req q;
	char err[256] = "";

	(void)state;
	assert_int_equal(
	    tc_orpc_req_parse(su, strlen(su), &q, err, sizeof(err)), 0);
	assert_int_equal(q.op, TC_ORPC_SUPPLEMENT);
	assert_int_equal(q.app, 4);
	assert_true(q.has_csrf);
	assert_int_equal(q.n_patch, 2);
	assert_string_equal(q.reason, "核实");
	assert_true((strcmp(q.patch[0].field, "basic.residence") == 0 &&
			strcmp(q.patch[0].value, "广州市") == 0) ||
	    (strcmp(q.patch[1].field, "basic.residence") == 0 &&
		strcmp(q.patch[1].value, "广州市") == 0));
	tc_orpc_req_release(&q);
	assert_int_equal(
	    tc_orpc_req_parse(pw, strlen(pw), &q, err, sizeof(err)), 0);
	assert_int_equal(q.op, TC_ORPC_PASSPHRASE);
	assert_string_equal(q.passphrase, "old one");
	assert_string_equal(q.new_passphrase, "new one");
	tc_orpc_req_release(&q);
	assert_int_equal(q.passphrase[0], 0);
	assert_int_equal(q.new_passphrase[0], 0);
	assert_string_equal(tc_orpc_op_name(TC_ORPC_REVEAL_ID), "reveal-id");
	assert_string_equal(tc_orpc_op_name(TC_ORPC_TOTP_QR), "totp-qr");
}

#define TESTS(X, XF) X(test_requests) X(test_too_many_fields) X(test_fields)

TC_UNIT_MAIN(TESTS, NULL, NULL)
