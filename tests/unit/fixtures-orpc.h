/* SPDX-License-Identifier: MIT */
/*
 * Request vectors of tcard-issuerd's RPC parser, for test-officerpc.c (the
 * top level and the review op) and test-officerpc-card.c (the card and
 * audit ops): each vector is a request's JSON, the code tc_orpc_req_parse
 * must return and, when refused, a piece of its message.
 */
#ifndef TC_FIXTURES_ORPC_H
#define TC_FIXTURES_ORPC_H

#include <stddef.h>
#include <string.h>

#include "unit.h"
#include "tcard/officerpc.h"

/* A token's text: 43 base64url characters. */
#define FX_ORPC_TOKEN "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

struct fx_orpc_vec {
	const char *json;
	int r;
	const char *msg; /* in the message when refused */
};

/*
 * Parses every vector of v (n of them) and fails naming the first that
 * gives another code, or a message without its piece.
 */
static __attribute__((unused)) void
fx_orpc_vectors(const struct fx_orpc_vec *v, size_t n)
{
	struct tc_orpc_req q;
	char err[256];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		err[0] = '\0';
		r = tc_orpc_req_parse(
		    v[i].json, strlen(v[i].json), &q, err, sizeof(err));
		if (r != v[i].r ||
		    (v[i].msg != NULL && strstr(err, v[i].msg) == NULL))
			fail_msg("vector %zu: %d (%s), wanted %d (%s)", i, r,
			    err, v[i].r, v[i].msg ? v[i].msg : "");
		tc_orpc_req_release(&q);
	}
}

/* Parses json into q (OUT; the caller releases it); fails unless accepted. */
static __attribute__((unused)) void
fx_orpc_parse_ok(const char *json, struct tc_orpc_req *q)
{
	char err[256] = "";

	if (tc_orpc_req_parse(json, strlen(json), q, err, sizeof(err)) != 0)
		fail_msg("%s: refused: %s", json, err);
}

#endif
