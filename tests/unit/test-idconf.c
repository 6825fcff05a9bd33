/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the tcard-issuerd settings (office/mon-conf.c on
 * daemon/conf.c): defaults, every key of the table with good and bad
 * values, the file syntax (comments, line numbers in messages, repeats,
 * unknown keys), and the checks across settings.
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
#include "tcard/idconf.h"

static void
test_defaults(void **state)
{
	struct tc_idconf c;
	char err[256];

	tc_idconf_init(&c);
	assert_string_equal(c.user, "nobody");
	assert_int_equal(c.idle_timeout, 900);
	assert_int_equal(c.session_lifetime, 28800);
	assert_string_equal(c.home, "");
	assert_string_equal(c.tls_cert, "");
	assert_int_equal(
	    tc_idconf_check(&c, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "home and listen are required"));
	assert_int_equal(tc_idconf_set(&c, "home", "/srv/office", NULL, 0), 0);
	assert_int_equal(
	    tc_idconf_set(&c, "listen", "127.0.0.1:8081", NULL, 0), 0);
	assert_int_equal(tc_idconf_check(&c, NULL, 0), 0);
	/* Every key of the table has a name the table finds. */
	assert_string_equal(tc_idconf_key(0), "home");
	assert_null(tc_idconf_key(tc_idconf_table.n));
}

static void
test_values(void **state)
{
	static const struct {
		const char *key, *value;
		int code;
	} v[] = {
		{ "listen", "127.0.0.1:8081", 0 },
		{ "listen", "[::1]:0", 0 },
		{ "listen", "*:443", 0 },
		{ "listen", "localhost:8081", TC_ERR_MALFORMED },
		{ "listen", "127.0.0.1", TC_ERR_MALFORMED },
		{ "listen", "127.0.0.1:65536", TC_ERR_MALFORMED },
		{ "idle-timeout", "900", 0 },
		{ "idle-timeout", "15m", 0 },
		{ "idle-timeout", "7d", 0 },
		{ "idle-timeout", "8d", TC_ERR_RANGE },
		{ "idle-timeout", "0", TC_ERR_RANGE },
		{ "idle-timeout", "-5", TC_ERR_MALFORMED },
		{ "session-lifetime", "8h", 0 },
		{ "session-lifetime", "soon", TC_ERR_MALFORMED },
		{ "user", "nobody", 0 },
		{ "user", "tcard-web", 0 },
		{ "user", "_tc.web", 0 },
		{ "user", "-x", TC_ERR_MALFORMED },
		{ "user", "a b", TC_ERR_MALFORMED },
		{ "user", "root;", TC_ERR_MALFORMED },
		{ "home", "/srv/office", 0 },
		{ "port-file", "/run/tcard/port", 0 },
		{ "tls-cert", "/etc/tcard/office.crt", 0 },
		{ "tls-key", "/etc/tcard/office.key", 0 },
		{ "max-body", "4k", TC_ERR_NOT_FOUND },
	};
	struct tc_idconf c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_idconf_init(&c);
		err[0] = '\0';
		assert_int_equal(
		    tc_idconf_set(&c, v[i].key, v[i].value, err, sizeof(err)),
		    v[i].code);
		if (v[i].code != 0)
			assert_non_null(strstr(err, v[i].key));
	}
	tc_idconf_init(&c);
	assert_int_equal(tc_idconf_set(&c, "idle-timeout", "15m", NULL, 0), 0);
	assert_int_equal(c.idle_timeout, 900);
	assert_int_equal(
	    tc_idconf_set(&c, "session-lifetime", "2h", NULL, 0), 0);
	assert_int_equal(c.session_lifetime, 7200);
	/* A refused value leaves the setting as it was. */
	assert_int_equal(
	    tc_idconf_set(&c, "user", "a b", NULL, 0), TC_ERR_MALFORMED);
	assert_string_equal(c.user, "nobody");
}

static void
test_file(void **state)
{
	static const char text[] = "# tcard-issuerd\n"
				   "home   /srv/office\n"
				   "\n"
				   "listen\t127.0.0.1:8081\n"
				   "   # an indented comment\n"
				   "tls-cert /etc/tcard/office.crt\r\n"
				   "tls-key /etc/tcard/office.key\n"
				   "user tcard-web\n"
				   "idle-timeout 10m\n"
				   "session-lifetime 4h\n"
				   "port-file /run/tcard/issuerd.port";
	struct tc_idconf c;
	char err[256];

	tc_idconf_init(&c);
	assert_int_equal(
	    tc_idconf_parse(&c, text, strlen(text), err, sizeof(err)), 0);
	assert_string_equal(c.home, "/srv/office");
	assert_string_equal(c.listen, "127.0.0.1:8081");
	assert_string_equal(c.tls_cert, "/etc/tcard/office.crt");
	assert_string_equal(c.tls_key, "/etc/tcard/office.key");
	assert_string_equal(c.user, "tcard-web");
	assert_int_equal(c.idle_timeout, 600);
	assert_int_equal(c.session_lifetime, 14400);
	assert_string_equal(c.port_file, "/run/tcard/issuerd.port");
	assert_int_equal(tc_idconf_check(&c, err, sizeof(err)), 0);
	/* An option given after the file overrides it. */
	assert_int_equal(tc_idconf_set(&c, "user", "nobody", NULL, 0), 0);
	assert_string_equal(c.user, "nobody");
}

static void
test_file_refusals(void **state)
{
	static const struct fx_refusal v[] = {
		{ "home /a\nhome /b\n", TC_ERR_MALFORMED, "line 2: " },
		{ "home /a\nlisten\n", TC_ERR_MALFORMED, "line 2: " },
		{ "# x\n\nbogus 1\n", TC_ERR_NOT_FOUND, "line 3: " },
		{ "idle-timeout 9d\n", TC_ERR_RANGE, "line 1: idle-timeout" },
		{ "user r\x01oot\n", TC_ERR_BAD_ENCODING, "line 1" },
		{ "home /\xff\n", TC_ERR_BAD_ENCODING, "line 1" },
	};
	struct tc_idconf c;
	char err[256], *big;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_idconf_init(&c);
		err[0] = '\0';
		assert_int_equal(tc_idconf_parse(&c, v[i].in, strlen(v[i].in),
				     err, sizeof(err)),
		    v[i].code);
		fx_msg_has(i, err, v[i].msg);
	}
	/* A path as long as the field is refused, not cut. */
	big = malloc(TC_IDCONF_PATH_MAX + 16);
	assert_non_null(big);
	memcpy(big, "home ", 5);
	memset(big + 5, 'a', TC_IDCONF_PATH_MAX);
	tc_idconf_init(&c);
	assert_int_equal(
	    tc_idconf_parse(&c, big, 5 + TC_IDCONF_PATH_MAX, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	free(big);
	/* Across settings: the TLS pair goes together. */
	tc_idconf_init(&c);
	assert_int_equal(
	    tc_idconf_parse(&c, "home /a\nlisten 127.0.0.1:0\ntls-cert /c\n",
		38, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_idconf_check(&c, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "tls-cert and tls-key go together"));
}

#define TESTS(X, XF)                                                           \
	X(test_defaults)                                                       \
	X(test_values)                                                         \
	X(test_file)                                                           \
	X(test_file_refusals)

TC_UNIT_MAIN(TESTS, NULL, NULL)
