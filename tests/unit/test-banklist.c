/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the bank's production results (src/banklist.c): a good
 * file, a byte order mark and CRLF, and each refusal naming its line and
 * field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/banklist.h"
#include "tcard/err.h"

static int
parse(const char *text, struct tc_banklist_result **res, size_t *n, char *err,
    size_t errlen)
{
	return tc_banklist_parse(text, strlen(text), res, n, err, errlen);
}

static void
test_good(void **state)
{
	struct tc_banklist_result *res;
	char err[256];
	size_t n;

	(void)state;
	assert_int_equal(parse("card_no,result,reason\n"
			       "5323010000000172,made,\n"
			       "5323010000000255,failed,芯片损坏\n",
			     &res, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 2);
	assert_string_equal(res[0].card_no, "5323010000000172");
	assert_int_equal(res[0].made, 1);
	assert_int_equal(res[0].line, 2);
	assert_string_equal(res[1].reason, "芯片损坏");
	assert_int_equal(res[1].made, 0);
	free(res);
	assert_int_equal(parse("\xef\xbb\xbf"
			       "card_no,result,reason\r\n"
			       "5323010000000339,failed,jam",
			     &res, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(res[0].reason, "jam");
	free(res);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *text, *says;
		int code;
	} bad[] = {
		{ "card_no,result\n5323010000000172,made\n", "line 1",
		    TC_ERR_MALFORMED },
		{ "card_no,result,reason\n", "no card", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000173,made,\n",
		    "line 2, field card_no", TC_ERR_BAD_CHECK },
		{ "card_no,result,reason\n53230100000001,made,\n",
		    "line 2, field card_no", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000172,lost,\n",
		    "line 2, field result", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000172,made,x\n",
		    "line 2, field reason", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000255,failed,\n",
		    "line 2, field reason", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000172,made,,\n",
		    "more than 3", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000172,made\n", "2 fields",
		    TC_ERR_MALFORMED },
		{ "card_no,result,reason\n\"5323010000000172\",made,\n",
		    "quote", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n\n5323010000000172,made,\n",
		    "line 2: an empty line", TC_ERR_MALFORMED },
		{ "card_no,result,reason\n5323010000000255,failed,a\tb\n",
		    "line 2, byte", TC_ERR_BAD_ENCODING },
		{ "card_no,result,reason\n5323010000000172,made,\n"
		  "5323010000000172,failed,x\n",
		    "line 3, field card_no: card 5323010000000172 is on line 2",
		    TC_ERR_MALFORMED },
	};
	struct tc_banklist_result *res;
	char err[256];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i].text, &res, &n, err, sizeof(err)),
		    bad[i].code);
		assert_null(res);
		assert_int_equal(n, 0);
		if (strstr(err, bad[i].says) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, err,
			    bad[i].says);
	}
}

#define TESTS(X, XF)                                                           \
	X(test_good)                                                           \
	X(test_refused)

TC_UNIT_MAIN(TESTS, NULL, NULL)
