/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the RPC op "tls" of tcard-issuerd (src/officerpc.c): the
 * web worker's request for the TLS pair the monitor read takes no member
 * but "op", no session, and is named "tls" in the monitor's log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/officerpc.h"

#define S "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void
test_tls_op(void **state)
{
	static const struct fx_refusal v[] = {
		{ "{\"op\":\"tls\"}", 0, NULL },
		{ "{\"op\":\"tls\",\"session\":\"" S "\"}", TC_ERR_MALFORMED,
		    "session" },
		{ "{\"op\":\"tls\",\"args\":{}}", TC_ERR_MALFORMED, "args" },
		{ "{\"op\":\"tls\",\"app\":1}", TC_ERR_MALFORMED, "app" },
		{ "{\"op\":\"tlsx\"}", TC_ERR_INVALID_ARG, "tls" },
	};
	struct tc_orpc_req q;
	char err[512];
	size_t i;
	int r;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		r = tc_orpc_req_parse(
		    v[i].in, strlen(v[i].in), &q, err, sizeof(err));
		if (r == 0 && v[i].code == 0) {
			assert_int_equal(q.op, TC_ORPC_TLS);
			assert_string_equal(q.session, "");
		} else {
			assert_int_not_equal(r, 0);
			assert_non_null(strstr(err, v[i].msg));
		}
		tc_orpc_req_release(&q);
	}
	assert_string_equal(tc_orpc_op_name(TC_ORPC_TLS), "tls");
	/* Every op up to the last has a name: none was left out. */
	for (i = TC_ORPC_LOGIN; i <= TC_ORPC_OP_LAST; i++)
		assert_string_not_equal(
		    tc_orpc_op_name((enum tc_orpc_op)i), "?");
	assert_string_equal(tc_orpc_op_name(TC_ORPC_OP_LAST + 1), "?");
}

#define TESTS(X, XF) X(test_tls_op)

TC_UNIT_MAIN(TESTS, NULL, NULL)
