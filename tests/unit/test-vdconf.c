/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the tcard-verifierd settings (verifier/vd-conf.c on
 * daemon/conf.c): defaults, every kind of value (durations, rates,
 * sizes, addresses, the CA pin, the stale policy), the file syntax
 * (comments, blanks, CRLF, repeats, line numbers in messages), the checks
 * across settings, and the staff tokens file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/vdconf.h"

static void
test_defaults(void **state)
{
	struct tc_vdconf c;
	char err[256];

	tc_vdconf_init(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.pull_interval, 60);
	assert_int_equal(c.stale_policy, TC_STALE_FAIL);
	assert_int_equal(c.stale_grace, 3600);
	assert_int_equal(c.client_rate.count, 20);
	assert_int_equal(c.client_rate.period, 60);
	assert_int_equal(c.card_rate.period, 3600);
	assert_string_equal(c.access_log, "-");
	assert_int_equal(c.have_ca_pin, 0);
	assert_string_equal(c.reader, "");
	assert_string_equal(c.reader_profile, "auto");
	assert_int_equal(c.reader_timeout, 5000);
	assert_int_equal(c.tap_max_age, 120);
	assert_int_equal(c.binding_concurrency, 0);
	assert_int_equal(c.binding_wait, 250);
	assert_string_equal(c.lookup_guard, "");
	/* One address cannot take every connection by default. */
	assert_int_equal(c.max_connections, 1024);
	assert_int_equal(c.per_ip_connections, 64);
	/* A bundle is the one thing required. */
	assert_int_equal(
	    tc_vdconf_check(&c, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "bundle is required"));
	assert_int_equal(tc_vdconf_set(&c, "bundle", "/srv/b", NULL, 0), 0);
	assert_int_equal(tc_vdconf_check(&c, NULL, 0), 0);
	assert_int_equal(tc_vdconf_bundle_is_url(&c), 0);
}

static void
test_values(void **state)
{
	static const struct {
		const char *key, *value;
		int code;
	} v[] = {
		{ "pull-interval", "90", 0 },
		{ "pull-interval", "15m", 0 },
		{ "pull-interval", "2h", 0 },
		{ "pull-interval", "1d", 0 },
		{ "pull-interval", "2d", TC_ERR_RANGE },
		{ "pull-interval", "0", TC_ERR_RANGE },
		{ "pull-interval", "5y", TC_ERR_MALFORMED },
		{ "pull-interval", "-1", TC_ERR_MALFORMED },
		{ "pull-interval", "99999999999", TC_ERR_MALFORMED },
		{ "threads", "4", 0 },
		{ "threads", "4s", TC_ERR_MALFORMED },
		{ "threads", "257", TC_ERR_RANGE },
		{ "max-body", "4k", 0 },
		{ "max-body", "9k", TC_ERR_RANGE },
		{ "max-body", "10", TC_ERR_RANGE },
		{ "lookup-client-rate", "20/min", 0 },
		{ "lookup-client-rate", "5/10min", 0 },
		{ "lookup-client-rate", "1/d", 0 },
		{ "lookup-client-rate", "0/min", TC_ERR_MALFORMED },
		{ "lookup-client-rate", "20", TC_ERR_MALFORMED },
		{ "lookup-client-rate", "20/week", TC_ERR_MALFORMED },
		{ "lookup-client-rate", "1/31d", TC_ERR_RANGE },
		{ "stale-policy", "warn", 0 },
		{ "stale-policy", "fail", 0 },
		{ "stale-policy", "ignore", TC_ERR_MALFORMED },
		{ "listen", "0.0.0.0:443", 0 },
		{ "listen", "[::1]:8080", 0 },
		{ "listen", ":8080", 0 },
		{ "listen", "127.0.0.1:0", 0 },
		{ "listen", "localhost:8080", TC_ERR_MALFORMED },
		{ "listen", "127.0.0.1", TC_ERR_MALFORMED },
		{ "listen", "127.0.0.1:65536", TC_ERR_MALFORMED },
		{ "listen", "::1:8080", TC_ERR_MALFORMED },
		{ "ca-pin",
		    "25c7d1424844ca3b6e985e61f9ea64e3c6bb3970aa26b22b8fb8ae096bfef1b6",
		    0 },
		{ "ca-pin", "25c7", TC_ERR_MALFORMED },
		{ "reader", "Virtual PCD 00 00", 0 },
		{ "reader", "PCD 00 01", 0 },
		{ "reader", "", 0 },
		{ "reader", "bad\x01name", TC_ERR_MALFORMED },
		{ "reader-profile", "auto", 0 },
		{ "reader-profile", "piv", 0 },
		{ "reader-profile", "tcard", 0 },
		{ "reader-profile", "PIV", TC_ERR_MALFORMED },
		{ "reader-profile", "", TC_ERR_MALFORMED },
		{ "reader-timeout", "500ms", 0 },
		{ "reader-timeout", "5", 0 },
		{ "reader-timeout", "5s", 0 },
		{ "reader-timeout", "60", 0 },
		{ "reader-timeout", "61", TC_ERR_RANGE },
		{ "reader-timeout", "99ms", TC_ERR_RANGE },
		{ "reader-timeout", "0", TC_ERR_RANGE },
		{ "reader-timeout", "5m", TC_ERR_MALFORMED },
		{ "reader-timeout", "ms", TC_ERR_MALFORMED },
		{ "tap-max-age", "120", 0 },
		{ "tap-max-age", "2m", 0 },
		{ "tap-max-age", "1h", 0 },
		{ "tap-max-age", "0", TC_ERR_RANGE },
		{ "tap-max-age", "2h", TC_ERR_RANGE },
		{ "no-such-key", "1", TC_ERR_NOT_FOUND },
	};
	struct tc_vdconf c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_vdconf_init(&c);
		if (tc_vdconf_set(&c, v[i].key, v[i].value, err, sizeof(err)) !=
		    v[i].code)
			fail_msg("%s %s: expected %d (%s)", v[i].key,
			    v[i].value, v[i].code, err);
	}
	tc_vdconf_init(&c);
	assert_int_equal(tc_vdconf_set(&c, "pull-interval", "15m", NULL, 0), 0);
	assert_int_equal(c.pull_interval, 900);
	assert_int_equal(
	    tc_vdconf_set(&c, "lookup-card-rate", "5/10min", NULL, 0), 0);
	assert_int_equal(c.card_rate.count, 5);
	assert_int_equal(c.card_rate.period, 600);
	assert_int_equal(tc_vdconf_set(&c, "max-body", "4k", NULL, 0), 0);
	assert_int_equal(c.max_body, 4096);
	assert_int_equal(
	    tc_vdconf_set(&c, "ca-pin",
		"25C7D1424844CA3B6E985E61F9EA64E3C6BB3970AA26B22B8FB8AE096BFEF1B6",
		NULL, 0),
	    0);
	assert_int_equal(c.have_ca_pin, 1);
	assert_int_equal(c.ca_pin[0], 0x25);
	assert_int_equal(c.ca_pin[31], 0xb6);
	assert_int_equal(
	    tc_vdconf_set(&c, "reader-timeout", "250ms", NULL, 0), 0);
	assert_int_equal(c.reader_timeout, 250);
	assert_int_equal(tc_vdconf_set(&c, "reader-timeout", "7", NULL, 0), 0);
	assert_int_equal(c.reader_timeout, 7000);
	assert_int_equal(tc_vdconf_set(&c, "tap-max-age", "2m", NULL, 0), 0);
	assert_int_equal(c.tap_max_age, 120);
	assert_int_equal(
	    tc_vdconf_set(&c, "reader-profile", "piv", NULL, 0), 0);
	assert_string_equal(c.reader_profile, "piv");
	assert_int_equal(
	    tc_vdconf_set(&c, "binding-concurrency", "3", NULL, 0), 0);
	assert_int_equal(c.binding_concurrency, 3);
	assert_int_equal(
	    tc_vdconf_set(&c, "binding-concurrency", "257", NULL, 0),
	    TC_ERR_RANGE);
	assert_int_equal(tc_vdconf_set(&c, "binding-wait", "0", NULL, 0), 0);
	assert_int_equal(c.binding_wait, 0);
	assert_int_equal(
	    tc_vdconf_set(&c, "binding-wait", "800ms", NULL, 0), 0);
	assert_int_equal(c.binding_wait, 800);
	assert_int_equal(
	    tc_vdconf_set(&c, "binding-wait", "11", NULL, 0), TC_ERR_RANGE);
	assert_int_equal(tc_vdconf_set(&c, "lookup-guard",
			     "/var/lib/tcard/guard.db", NULL, 0),
	    0);
	assert_string_equal(c.lookup_guard, "/var/lib/tcard/guard.db");
	/* The window page's sessions: 30 minutes idle, 12 hours at most. */
	tc_vdconf_init(&c);
	assert_int_equal(c.window_idle, 1800);
	assert_int_equal(c.window_lifetime, 43200);
	assert_int_equal(tc_vdconf_set(&c, "window-idle", "15m", NULL, 0), 0);
	assert_int_equal(c.window_idle, 900);
	assert_int_equal(
	    tc_vdconf_set(&c, "window-idle", "0", NULL, 0), TC_ERR_RANGE);
	assert_int_equal(
	    tc_vdconf_set(&c, "window-lifetime", "8h", NULL, 0), 0);
	assert_int_equal(c.window_lifetime, 28800);
	assert_int_equal(
	    tc_vdconf_set(&c, "window-lifetime", "8d", NULL, 0), TC_ERR_RANGE);
}

static void
test_reader(void **state)
{
	static const char text[] = "bundle /srv/b\n"
				   "reader   Virtual PCD 00 00  \n"
				   "reader-profile tcard\n"
				   "reader-timeout 2s\n"
				   "tap-max-age 90\n";
	struct tc_vdconf c;
	char err[256], longname[TC_VDCONF_READER_MAX + 1];

	tc_vdconf_init(&c);
	assert_int_equal(
	    tc_vdconf_parse(&c, text, strlen(text), err, sizeof(err)), 0);
	/* The name keeps its inner spaces, not the outer ones. */
	assert_string_equal(c.reader, "Virtual PCD 00 00");
	assert_string_equal(c.reader_profile, "tcard");
	assert_int_equal(c.reader_timeout, 2000);
	assert_int_equal(c.tap_max_age, 90);
	memset(longname, 'r', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(
	    tc_vdconf_set(&c, "reader", longname, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	longname[TC_VDCONF_READER_MAX - 1] = '\0';
	assert_int_equal(
	    tc_vdconf_set(&c, "reader", longname, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.reader), TC_VDCONF_READER_MAX - 1);
	assert_int_equal(
	    tc_vdconf_set(&c, "reader-profile", "emv", err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "auto, piv or tcard"));
	assert_string_equal(c.reader_profile, "tcard");
}

static void
test_listen_addr(void **state)
{
	struct sockaddr_storage sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
	struct tc_vdconf c;
	socklen_t len;

	tc_vdconf_init(&c);
	assert_int_equal(tc_vdconf_listen_addr(&c, &sa, &len), 0);
	assert_int_equal(sa.ss_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 8080);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(len, sizeof(*s4));
	assert_int_equal(tc_vdconf_set(&c, "listen", "[::1]:9", NULL, 0), 0);
	assert_int_equal(tc_vdconf_listen_addr(&c, &sa, &len), 0);
	assert_int_equal(sa.ss_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 9);
	assert_true(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
	assert_int_equal(tc_vdconf_set(&c, "listen", "*:80", NULL, 0), 0);
	assert_int_equal(tc_vdconf_listen_addr(&c, &sa, &len), 0);
	assert_int_equal(s4->sin_addr.s_addr, 0);
}

static void
test_file(void **state)
{
	static const char good[] =
	    "# tcard-verifierd\r\n"
	    "\n"
	    "   listen   0.0.0.0:8443  \r\n"
	    "bundle https://cards.example.gov.cn/bundle/\n"
	    "\tcache-dir\t/var/cache/tcard verifier\n"
	    "ca-pin 25c7d1424844ca3b6e985e61f9ea64e3c6bb3970aa26b22b8fb8ae096bfef1b6\n"
	    "stale-policy warn";
	struct tc_vdconf c;
	char err[256];

	tc_vdconf_init(&c);
	assert_int_equal(
	    tc_vdconf_parse(&c, good, strlen(good), err, sizeof(err)), 0);
	assert_string_equal(c.listen, "0.0.0.0:8443");
	assert_string_equal(c.cache_dir, "/var/cache/tcard verifier");
	assert_int_equal(c.stale_policy, TC_STALE_WARN);
	assert_int_equal(tc_vdconf_bundle_is_url(&c), 1);
	assert_int_equal(tc_vdconf_check(&c, err, sizeof(err)), 0);
	/* A URL needs a cache directory and a pin. */
	c.have_ca_pin = 0;
	assert_int_equal(
	    tc_vdconf_check(&c, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "ca-pin"));
	c.cache_dir[0] = '\0';
	assert_int_equal(
	    tc_vdconf_check(&c, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "cache-dir"));
	tc_vdconf_init(&c);
	assert_int_equal(tc_vdconf_parse(&c, "bundle b\ntls-cert c.pem\n", 24,
			     err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_vdconf_check(&c, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_non_null(strstr(err, "tls-key"));
}

static void
test_file_refusals(void **state)
{
	static const struct fx_refusal v[] = {
		{ "bundle /a\nlisten\n", TC_ERR_MALFORMED,
		    "line 2: 'listen' has no value" },
		{ "bundle /a\nbundle /b\n", TC_ERR_MALFORMED,
		    "already set on line 1" },
		{ "# x\nthreads many\n", TC_ERR_MALFORMED, "line 2: threads" },
		{ "colour blue\n", TC_ERR_NOT_FOUND,
		    "line 1: unknown setting" },
		{ "bundle /a\x01\n", TC_ERR_BAD_ENCODING, "line 1: byte 10" },
		{ "bundle /\xff\n", TC_ERR_BAD_ENCODING, "line 1: byte 9" },
	};
	struct tc_vdconf c;
	char err[256], *big;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tc_vdconf_init(&c);
		err[0] = '\0';
		assert_int_equal(tc_vdconf_parse(&c, v[i].in, strlen(v[i].in),
				     err, sizeof(err)),
		    v[i].code);
		fx_msg_has(i, err, v[i].msg);
	}
	big = malloc(TC_VDCONF_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '#', TC_VDCONF_FILE_MAX + 1);
	tc_vdconf_init(&c);
	assert_int_equal(
	    tc_vdconf_parse(&c, big, TC_VDCONF_FILE_MAX + 1, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(
	    tc_vdconf_parse(&c, big, TC_VDCONF_LINE_MAX + 1, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_non_null(strstr(err, "line 1: longer than"));
	assert_int_equal(
	    tc_vdconf_parse(&c, big, TC_VDCONF_LINE_MAX, err, sizeof(err)), 0);
	free(big);
}

#define GYM "gym-token-0123456789abcdefghijklmnopq"

static void
test_staff_tokens(void **state)
{
	static const char good[] =
	    "# windows of the hospital\n"
	    "\n"
	    "gym-desk-1   gym-token-0123456789abcdefghijklmnopq\r\n"
	    "\tairport.vip sha256:5f2d8d2e7c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817\n";
	static const struct fx_refusal bad[] = {
		{ "desk\n", TC_ERR_MALFORMED, "line 1: window 'desk' has no" },
		{ "desk short\n", TC_ERR_MALFORMED, "32 to 256" },
		{ "de/sk 0123456789abcdef0123456789abcdef\n", TC_ERR_MALFORMED,
		    "byte 3" },
		{ "a 0123456789abcdef0123456789abcdef\n"
		  "a 0123456789abcdef0123456789abcdeX\n",
		    TC_ERR_MALFORMED, "line 2: window 'a' is listed twice" },
		{ "a 0123456789abcdef0123456789abcdef\n"
		  "b 0123456789abcdef0123456789abcdef\n",
		    TC_ERR_MALFORMED, "has the token of window 'a'" },
		{ "a sha256:00\n", TC_ERR_MALFORMED, "64 hex" },
		{ "a 0123456789abcdef0123456789abcdef extra\n",
		    TC_ERR_MALFORMED, "scope word 1 of window 'a'" },
		{ "a 0123456789abcdef0123456789abcdef baiyun:gym Baiyun:gym\n",
		    TC_ERR_MALFORMED, "scope word 2 of window 'a'" },
		{ "a 0123456789abcdef0123456789abcdef baiyun:\n",
		    TC_ERR_MALFORMED, "scope word 1" },
		{ "a 0123456789abcdef0123456789abcdef :gym\n", TC_ERR_MALFORMED,
		    "scope word 1" },
		{ "a 0123456789abcdef0123456789abcdef x:y:z\n",
		    TC_ERR_MALFORMED, "scope word 1" },
		{ "a 0123456789abcdef0123456789abcd\x01f\n",
		    TC_ERR_BAD_ENCODING, "control" },
		{ "a 0123456789abcdef0123456789abcdé€\n", TC_ERR_MALFORMED,
		    "printable ASCII" },
	};
	struct tc_staff_tokens *t = malloc(sizeof(*t));
	char err[512], many[TC_VDCONF_FILE_MAX];
	size_t i, n = 0;

	(void)state;
	assert_non_null(t);
	assert_int_equal(
	    tc_staff_tokens_parse(t, good, strlen(good), err, sizeof(err)), 0);
	assert_int_equal(t->n, 2);
	assert_string_equal(
	    tc_staff_tokens_find(t, GYM, strlen(GYM)), "gym-desk-1");
	assert_null(tc_staff_tokens_find(t, GYM, strlen(GYM) - 1));
	assert_null(tc_staff_tokens_find(
	    t, "gym-token-0123456789abcdefghijklmnopQ", strlen(GYM)));
	assert_null(tc_staff_tokens_find(t, "gym-token", 9));
	assert_null(tc_staff_tokens_find(t, "", 0));
	/* The file holds only the hash of the airport's token. */
	assert_string_equal(t->t[1].window, "airport.vip");
	assert_int_equal(t->t[1].sha256[0], 0x5f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (tc_staff_tokens_parse(t, bad[i].in, strlen(bad[i].in), err,
			sizeof(err)) != bad[i].code)
			fail_msg("%s: expected %d (%s)", bad[i].in, bad[i].code,
			    err);
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", bad[i].in, err,
			    bad[i].msg);
		assert_int_equal(t->n, 0);
		/* A message never repeats a token. */
		assert_null(strstr(err, "0123456789abcdef"));
	}
	/* Scopes. */
	{
		static const char scoped[] =
		    "gym-a gym-token-0123456789abcdefghijklmnopq baiyun-yunju:culture-sports\n"
		    "desk-b desk-token-0123456789abcdefghijklmnop *:health-check chuxiong-xingchu:*\n"
		    "all-c all-token-0123456789abcdefghijklmnopqr *\n"
		    "old-d old-token-0123456789abcdefghijklmnopqr\n";
		const struct tc_staff_token *w;
		char buf[80];

		assert_int_equal(tc_staff_tokens_parse(t, scoped,
				     strlen(scoped), err, sizeof(err)),
		    0);
		assert_int_equal(t->n, 4);
		w = tc_staff_tokens_lookup(t, GYM, strlen(GYM));
		assert_ptr_equal(w, &t->t[0]);
		assert_true(w->scoped);
		assert_string_equal(w->scope, "baiyun-yunju:culture-sports");
		assert_true(
		    tc_staff_allows(w, "baiyun-yunju", "culture-sports"));
		assert_true(
		    tc_staff_allows(w, "baiyun-yunju", "culture-sports.gym"));
		assert_true(tc_staff_allows(w, NULL, "culture-sports.gym"));
		assert_false(tc_staff_allows(w, "baiyun-yunju", "airport-vip"));
		assert_false(tc_staff_allows(w, NULL, "airport-vip"));
		assert_false(
		    tc_staff_allows(w, "guangzhou-green", "culture-sports"));
		assert_false(tc_staff_allows(w, "*", "culture-sports"));
		assert_false(tc_staff_allows(w, "baiyun-yunju", "culture"));
		assert_string_equal(tc_staff_only_programme(
					w, "culture-sports", buf, sizeof(buf)),
		    "baiyun-yunju");
		w = &t->t[1];
		assert_true(tc_staff_allows(w, "baiyun-yunju", "health-check"));
		assert_true(tc_staff_allows(w, "*", "health-check"));
		assert_true(tc_staff_allows(w, "chuxiong-xingchu", "finance"));
		assert_false(tc_staff_allows(w, "baiyun-yunju", "finance"));
		assert_null(tc_staff_only_programme(
		    w, "health-check", buf, sizeof(buf)));
		assert_string_equal(
		    tc_staff_only_programme(w, "finance", buf, sizeof(buf)),
		    "chuxiong-xingchu");
		w = &t->t[2];
		assert_true(tc_staff_allows(w, "any", "thing"));
		assert_true(tc_staff_allows(w, "*", "thing"));
		w = &t->t[3];
		assert_false(w->scoped);
		assert_true(tc_staff_allows(w, "any", "thing"));
		assert_null(
		    tc_staff_only_programme(w, "thing", buf, sizeof(buf)));
	}
	/* At most TC_STAFF_MAX windows. */
	for (i = 0; i <= TC_STAFF_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
		    "w%zu token-%zu-0123456789abcdefghijklmnopqrstu\n", i, i);
	assert_int_equal(tc_staff_tokens_parse(t, many, n, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_non_null(strstr(err, "more than 256 windows"));
	tc_staff_tokens_release(t);
	free(t);
}

#define TESTS(X, XF)                                                           \
	X(test_defaults)                                                       \
	X(test_values)                                                         \
	X(test_listen_addr)                                                    \
	X(test_file)                                                           \
	X(test_file_refusals)                                                  \
	X(test_staff_tokens)                                                   \
	X(test_reader)

TC_UNIT_MAIN(TESTS, NULL, NULL)
