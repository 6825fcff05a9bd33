/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the route table of the daemon layer (daemon/route.c):
 * literal paths, {name} segments, the trailing "*", the first route
 * taken, 405 with the Allow of the path's routes (a catch-all never
 * hiding it), and the Allow and 404 texts. Linked with libtcardd.a.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "daemon.h"

static void
h(struct tc_daemon *d, struct tc_dreq *rq, struct tc_dresp *resp)
{
}

static const struct tc_droute routes[] = {
	{ TC_DM_GET, "/healthz", h, 1, 0 },
	{ TC_DM_GET | TC_DM_POST, "/lookup", h, 2, 0 },
	{ TC_DM_POST, "/v1/services/{service}/redeem", h, 3, 0 },
	{ TC_DM_GET, "/v1/services/{service}/usage", h, 4, 0 },
	{ TC_DM_ANY, "/v1/services/*", h, 5, 0 },
	{ TC_DM_GET, "/v1/applications/{n}/notes/{k}", h, 6, 4096 },
	{ TC_DM_PUT, "/v1/applications/{n}", h, 7, 0 },
	{ TC_DM_DEL, "/v1/applications/{n}", h, 8, 0 },
	{ TC_DM_GET, "/bundle/*", h, 9, 0 },
};
#define NR (sizeof(routes) / sizeof(routes[0]))

static void
test_match(void **state)
{
	static const struct {
		const char *pattern, *path;
		int m;
		size_t n;
		const char *v0, *v1, *tail;
	} v[] = {
		{ "/healthz", "/healthz", 1, 0, NULL, NULL, NULL },
		{ "/healthz", "/healthz/", 0, 0, NULL, NULL, NULL },
		{ "/healthz", "/health", 0, 0, NULL, NULL, NULL },
		{ "/healthz", "", 0, 0, NULL, NULL, NULL },
		{ "/", "/", 1, 0, NULL, NULL, NULL },
		{ "/a/{x}", "/a/b", 1, 1, "b", NULL, NULL },
		{ "/a/{x}", "/a/", 0, 0, NULL, NULL, NULL },
		{ "/a/{x}", "/a/b/c", 0, 0, NULL, NULL, NULL },
		{ "/a/{x}/c", "/a/b/c", 1, 1, "b", NULL, NULL },
		{ "/a/{x}/{y}", "/a/1/22", 1, 2, "1", "22", NULL },
		{ "/a/{x}/{y}", "/a//22", 0, 0, NULL, NULL, NULL },
		{ "/a/*", "/a/", 1, 0, NULL, NULL, "" },
		{ "/a/*", "/a/b/c", 1, 0, NULL, NULL, "b/c" },
		{ "/a/*", "/a", 0, 0, NULL, NULL, NULL },
		{ "/a/{x}/*", "/a/b/c/d", 1, 1, "b", NULL, "c/d" },
		{ "/a/{x", "/a/b", 0, 0, NULL, NULL, NULL },
	};
	const char *names[TC_DPARAMS_MAX], *tail;
	char *vals[TC_DPARAMS_MAX];
	size_t i, n;
	int m;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		m = tc_droute_match(
		    v[i].pattern, v[i].path, names, vals, &n, &tail);
		assert_int_equal(m, v[i].m);
		if (m != 1)
			continue;
		assert_int_equal(n, v[i].n);
		if (n > 0)
			assert_string_equal(vals[0], v[i].v0);
		if (n > 1)
			assert_string_equal(vals[1], v[i].v1);
		if (v[i].tail == NULL)
			assert_null(tail);
		else
			assert_string_equal(tail, v[i].tail);
		tc_droute_captures_free(vals, n);
	}
}

static void
test_too_many(void **state)
{
	const char *names[TC_DPARAMS_MAX], *tail;
	char *vals[TC_DPARAMS_MAX];
	size_t n;

	assert_int_equal(tc_droute_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5",
			     names, vals, &n, &tail),
	    -1);
	assert_int_equal(tc_droute_match("/{a}/{b}/{c}/{d}", "/1/2/3/4", names,
			     vals, &n, &tail),
	    1);
	assert_int_equal(n, 4);
	tc_droute_captures_free(vals, n);
}

/* The route of (method, path): its ep, or -1 with *allowed. */
static int
find(unsigned method, const char *path, struct tc_dreq *rq, unsigned *allowed)
{
	const struct tc_droute *r;

	memset(rq, 0, sizeof(*rq));
	r = tc_droute_find(routes, NR, method, path, rq, allowed);
	return r != NULL ? r->ep : -1;
}

static void
test_find(void **state)
{
	struct tc_dreq rq;
	unsigned allowed;

	assert_int_equal(find(TC_DM_GET, "/healthz", &rq, &allowed), 1);
	assert_int_equal(find(TC_DM_POST, "/healthz", &rq, &allowed), -1);
	assert_int_equal(allowed, TC_DM_GET);
	assert_int_equal(find(TC_DM_GET, "/nothing", &rq, &allowed), -1);
	assert_int_equal(allowed, 0);
	assert_int_equal(find(TC_DM_POST, "/lookup", &rq, &allowed), 2);

	assert_int_equal(
	    find(TC_DM_POST, "/v1/services/gym/redeem", &rq, &allowed), 3);
	assert_string_equal(tc_dreq_param(&rq, "service"), "gym");
	assert_null(tc_dreq_param(&rq, "serv"));
	assert_null(tc_dreq_param(&rq, "services"));
	tc_droute_captures_free(rq.param_val, rq.nparams);
	/* The catch-all does not hide the 405 of the redeem route. */
	assert_int_equal(
	    find(TC_DM_GET, "/v1/services/gym/redeem", &rq, &allowed), -1);
	assert_int_equal(allowed, TC_DM_POST);
	assert_int_equal(
	    find(TC_DM_GET, "/v1/services/gym/other", &rq, &allowed), 5);
	assert_string_equal(tc_dreq_tail(&rq), "gym/other");

	assert_int_equal(
	    find(TC_DM_GET, "/v1/applications/13/notes/2", &rq, &allowed), 6);
	assert_string_equal(tc_dreq_param(&rq, "n"), "13");
	assert_string_equal(tc_dreq_param(&rq, "k"), "2");
	assert_int_equal(rq.route->body_max, 4096);
	tc_droute_captures_free(rq.param_val, rq.nparams);
	assert_int_equal(
	    find(TC_DM_DEL, "/v1/applications/13", &rq, &allowed), 8);
	tc_droute_captures_free(rq.param_val, rq.nparams);
	assert_int_equal(
	    find(TC_DM_POST, "/v1/applications/13", &rq, &allowed), -1);
	assert_int_equal(allowed, TC_DM_PUT | TC_DM_DEL);
	assert_int_equal(
	    find(TC_DM_GET, "/bundle/trust.cose", &rq, &allowed), 9);
	assert_string_equal(tc_dreq_tail(&rq), "trust.cose");
}

/* tc_dreq_param_number: 1 to 15 digits, no sign, no leading zero. */
static void
test_param_number(void **state)
{
	static const struct {
		const char *path;
		int64_t n;
	} cases[] = {
		{ "/v1/applications/13", 13 },
		{ "/v1/applications/999999999999999", 999999999999999LL },
		{ "/v1/applications/1000000000000000", 0 },
		{ "/v1/applications/013", 0 },
		{ "/v1/applications/-1", 0 },
		{ "/v1/applications/12x", 0 },
	};
	struct tc_dreq rq;
	unsigned allowed;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		    find(TC_DM_DEL, cases[i].path, &rq, &allowed), 8);
		assert_int_equal(tc_dreq_param_number(&rq, "n"), cases[i].n);
		assert_int_equal(tc_dreq_param_number(&rq, "k"), 0);
		tc_droute_captures_free(rq.param_val, rq.nparams);
	}
}

static void
test_allow(void **state)
{
	char buf[64];

	assert_string_equal(
	    tc_droute_allow(TC_DM_GET, buf, sizeof(buf)), "GET, HEAD");
	assert_string_equal(
	    tc_droute_allow(TC_DM_POST, buf, sizeof(buf)), "POST");
	assert_string_equal(
	    tc_droute_allow(TC_DM_GET | TC_DM_POST, buf, sizeof(buf)),
	    "GET, HEAD, POST");
	assert_string_equal(tc_droute_allow(TC_DM_ANY, buf, sizeof(buf)),
	    "GET, HEAD, POST, PUT, DELETE");
	/* Cut short: what fits. */
	assert_string_equal(tc_droute_allow(TC_DM_ANY, buf, 12), "GET, HEAD");
}

/*
 * The 404 names each path of the routes once (not the root, not a
 * catch-all of any method).
 */
static void
test_not_found(void **state)
{
	struct tc_daemon_conf c;
	struct tc_daemon *d;
	struct tc_dresp r;

	memset(&c, 0, sizeof(c));
	c.routes = routes;
	c.nroutes = NR;
	c.results.not_found = 42;
	assert_int_equal(tc_daemon_new(&d, &c), 0);
	tc_dresp_init(d, &r);
	tc_dresp_not_found(d, &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.result, 42);
	assert_non_null(r.body.data);
	assert_string_equal((const char *)r.body.data,
	    "{\"error\":\"not-found\",\"message\":\"no such endpoint (see /healthz, /lookup, /v1/services/{service}/redeem, /v1/services/{service}/usage, /v1/applications/{n}/notes/{k}, /v1/applications/{n}, /bundle/*)\"}\n");
	tc_buf_release(&r.body);
	tc_daemon_free(d);
}

#define TESTS(X, XF)                                                           \
	X(test_match)                                                          \
	X(test_too_many)                                                       \
	X(test_find)                                                           \
	X(test_param_number)                                                   \
	X(test_allow)                                                          \
	X(test_not_found)

TC_UNIT_MAIN(TESTS, NULL, NULL)
