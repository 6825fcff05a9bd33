/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the card and audit ops of tcard-issuerd's RPC
 * (src/officerpc-card.c through tc_orpc_req_parse): one key table per
 * lifecycle action, the members each action needs or refuses, the card
 * as typed, the audit page's bounds, and the fields a parsed request
 * carries to the monitor.
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
#define CA "{\"op\":\"card-action\",\"session\":\"" S "\",\"card\":\"17\","
#define AU "{\"op\":\"audit\",\"session\":\"" S "\""
#define CC "{\"op\":\"card-change\",\"session\":\"" S "\",\"card\":\"17\","

static void
test_requests(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ "{\"op\":\"card\",\"session\":\"" S
		  "\",\"card\":\"4401 1100 0000 0012\"}",
		    0, NULL },
		{ "{\"op\":\"card\",\"session\":\"" S "\"}", TC_ERR_INVALID_ARG,
		    "card is missing" },
		{ "{\"op\":\"card\",\"session\":\"" S "\",\"card\":\"12a\"}",
		    TC_ERR_INVALID_ARG, "card number or serial" },
		{ "{\"op\":\"card\",\"session\":\"" S "\",\"card\":\" - \"}",
		    TC_ERR_INVALID_ARG, "card number or serial" },
		{ "{\"op\":\"card\",\"session\":\"" S
		  "\",\"card\":\"1234567890123456789012345\"}",
		    TC_ERR_INVALID_ARG, "longer than 24" },
		{ "{\"op\":\"card\",\"session\":\"" S
		  "\",\"card\":\"17\",\"args\":{}}",
		    TC_ERR_INVALID_ARG, "takes no args" },
		{ CA "\"args\":{\"action\":\"suspend\",\"reason\":\"x\"}}", 0,
		    NULL },
		{ CA "\"args\":{\"action\":\"suspend\"}}", TC_ERR_INVALID_ARG,
		    "args.reason is missing" },
		{ CA "\"args\":{\"action\":\"suspend\",\"reason\":\"\"}}",
		    TC_ERR_INVALID_ARG, "reason is empty" },
		{ CA "\"args\":{\"action\":\"suspend\",\"reason\":\"a\\nb\"}}",
		    TC_ERR_INVALID_ARG, "control character" },
		{ CA
		    "\"args\":{\"action\":\"suspend\",\"reason\":\"x\",\"note\":\"y\"}}",
		    TC_ERR_INVALID_ARG, "does not take" },
		{ CA "\"args\":{\"action\":\"reinstate\"}}", 0, NULL },
		{ CA "\"args\":{\"action\":\"reinstate\",\"note\":\"ok\"}}", 0,
		    NULL },
		{ CA
		    "\"args\":{\"action\":\"revoke\",\"reason\":\"fraud\",\"bar_employer\":true}}",
		    0, NULL },
		{ CA
		    "\"args\":{\"action\":\"revoke\",\"reason\":\"other\",\"bar_employer\":true}}",
		    TC_ERR_INVALID_ARG, "goes with the reason fraud" },
		{ CA
		    "\"args\":{\"action\":\"revoke\",\"reason\":\"fraud\",\"bar_employer\":1}}",
		    TC_ERR_INVALID_ARG, "bar_employer must be" },
		{ CA "\"args\":{\"action\":\"renew\"}}", 0, NULL },
		{ CA "\"args\":{\"action\":\"renew\",\"months\":1201}}",
		    TC_ERR_INVALID_ARG, "1 to 1200" },
		{ CA
		    "\"args\":{\"action\":\"change\",\"employer\":\"e\",\"uscc\":\"u\",\"date\":\"2026-01-01\"}}",
		    0, NULL },
		{ CA
		    "\"args\":{\"action\":\"change\",\"residence\":\"r\",\"date\":\"2026-01-01\"}}",
		    0, NULL },
		{ CA
		    "\"args\":{\"action\":\"change\",\"employer\":\"e\",\"residence\":\"r\",\"date\":\"2026-01-01\"}}",
		    TC_ERR_INVALID_ARG, "either employer or residence" },
		{ CA
		    "\"args\":{\"action\":\"change\",\"residence\":\"r\",\"uscc\":\"u\",\"date\":\"2026-01-01\"}}",
		    TC_ERR_INVALID_ARG, "uscc goes with employer" },
		{ CA "\"args\":{\"action\":\"change\",\"residence\":\"r\"}}",
		    TC_ERR_INVALID_ARG, "date is missing" },
		{ CA "\"args\":{\"action\":\"reissue\",\"reason\":\"lost\"}}",
		    0, NULL },
		{ CA "\"args\":{\"action\":\"explode\"}}", TC_ERR_INVALID_ARG,
		    "suspend, reinstate" },
		{ CA "\"args\":{\"reason\":\"x\"}}", TC_ERR_INVALID_ARG,
		    "action" },
		{ "{\"op\":\"card-action\",\"session\":\"" S
		  "\",\"card\":\"17\"}",
		    TC_ERR_INVALID_ARG, "args is missing" },
		{ CA "\"app\":1,\"args\":{\"action\":\"renew\"}}",
		    TC_ERR_INVALID_ARG, "unknown member \"app\"" },
		{ CA
		    "\"args\":{\"action\":\"subcard\",\"relation\":\"child\",\"id_type\":\"resident\",\"id_number\":\"110101201506010029\",\"name\":\"L\"}}",
		    0, NULL },
		{ CA
		    "\"args\":{\"action\":\"subcard\",\"relation\":\"child\",\"id_type\":\"resident\",\"id_number\":\"110101201506010029\"}}",
		    TC_ERR_INVALID_ARG, "args.name is missing" },
		{ CA
		    "\"args\":{\"action\":\"subcard\",\"relation\":\"child\",\"id_type\":\"resident\",\"id_number\":\"\",\"name\":\"L\"}}",
		    TC_ERR_INVALID_ARG, "may not be empty" },
		{ CA
		    "\"args\":{\"action\":\"subcard\",\"relation\":\"child\",\"id_type\":\"resident\",\"id_number\":\"1\",\"name\":\"L\",\"date\":\"2020-01-01\"}}",
		    TC_ERR_INVALID_ARG, "does not take" },
		{ AU "}", 0, NULL },
		{ AU ",\"args\":{\"after\":0,\"limit\":500}}", 0, NULL },
		{ AU ",\"args\":{\"limit\":501}}", TC_ERR_INVALID_ARG,
		    "limit must be 1 to 500" },
		{ AU ",\"args\":{\"after\":-1}}", TC_ERR_INVALID_ARG,
		    "after must be 0 or more" },
		{ AU ",\"args\":{\"from\":1}}", TC_ERR_INVALID_ARG,
		    "does not take" },
		{ AU ",\"card\":\"17\"}", TC_ERR_INVALID_ARG,
		    "unknown member \"card\"" },
		{ "{\"op\":\"audit-verify\",\"session\":\"" S "\"}", 0, NULL },
		{ "{\"op\":\"audit-verify\",\"session\":\"" S "\",\"args\":{}}",
		    TC_ERR_INVALID_ARG, "takes no such member" },
	};
	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
}

static void
test_fields(void **state)
{
	static const char change[] = CA
	    "\"csrf\":\"" S
	    "\",\"args\":{\"action\":\"change\",\"residence\":\"Huadu\",\"date\":\"2026-04-01\"}}";
	static const char revoke[] = CA
	    "\"args\":{\"action\":\"revoke\",\"reason\":\"fraud\",\"note\":\"n\",\"bar_employer\":true}}";
	static const char audit[] = AU ",\"args\":{\"after\":7,\"limit\":3}}";
	struct tc_orpc_req q;

	(void)state;
	fx_orpc_parse_ok(change, &q);
	assert_int_equal(q.op, TC_ORPC_CARD_ACTION);
	assert_int_equal(q.has_csrf, 1);
	assert_string_equal(q.card, "17");
	assert_int_equal(q.c.action, TC_ORPC_CHANGE);
	assert_int_equal(q.c.employer, 0);
	assert_string_equal(q.c.value, "Huadu");
	assert_string_equal(q.c.date, "2026-04-01");
	tc_orpc_req_release(&q);
	fx_orpc_parse_ok(revoke, &q);
	assert_int_equal(q.c.action, TC_ORPC_REVOKE);
	assert_string_equal(q.reason, "fraud");
	assert_string_equal(q.c.note, "n");
	assert_int_equal(q.c.bar_employer, 1);
	tc_orpc_req_release(&q);
	fx_orpc_parse_ok(audit, &q);
	assert_int_equal(q.op, TC_ORPC_AUDIT);
	assert_int_equal(q.c.after, 7);
	assert_int_equal(q.c.limit, 3);
	tc_orpc_req_release(&q);
	assert_string_equal(
	    tc_orpc_op_name(TC_ORPC_AUDIT_VERIFY), "audit-verify");
	assert_string_equal(
	    tc_orpc_card_action_name(TC_ORPC_REISSUE), "reissue");
	assert_string_equal(tc_orpc_card_action_name(0), "?");
}

/* card-change: an upgrade or conversion application for a card. */
static void
test_change_app(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ CC
		    "\"args\":{\"kind\":\"upgrade\",\"tier\":\"gold\",\"clause\":\"g3\"}}",
		    0, NULL },
		{ CC "\"args\":{\"kind\":\"convert\"}}", 0, NULL },
		{ CC "\"args\":{\"kind\":\"upgrade\",\"tier\":\"gold\"}}",
		    TC_ERR_INVALID_ARG, "needs args.tier and args.clause" },
		{ CC "\"args\":{\"kind\":\"renew\"}}", TC_ERR_INVALID_ARG,
		    "upgrade or convert" },
		{ CC "\"args\":{\"tier\":\"gold\"}}", TC_ERR_INVALID_ARG,
		    "args.kind is missing" },
		{ CC "\"args\":{\"kind\":\"convert\",\"action\":\"x\"}}",
		    TC_ERR_INVALID_ARG, "unknown member" },
		{ CC "\"args\":{\"kind\":\"convert\",\"draft\":1}}",
		    TC_ERR_INVALID_ARG, "draft must be" },
		{ CC "\"args\":{\"kind\":\"convert\",\"clause\":\"a\\u0001\"}}",
		    TC_ERR_INVALID_ARG, "control character" },
		{ "{\"op\":\"card-change\",\"session\":\"" S
		  "\",\"card\":\"17\"}",
		    TC_ERR_INVALID_ARG, "args is missing" },
		{ "{\"op\":\"card-change\",\"session\":\"" S
		  "\",\"card\":\"x\",\"args\":{\"kind\":\"convert\"}}",
		    TC_ERR_INVALID_ARG, "card number or serial" },
	};
	static const char up[] = CC
	    "\"csrf\":\"" S
	    "\",\"args\":{\"kind\":\"upgrade\",\"tier\":\"gold\",\"clause\":\"g3\",\"draft\":true,\"accept_pledge\":true}}";
	struct tc_orpc_req q;
	char err[256];

	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
	assert_int_equal(
	    tc_orpc_req_parse(up, strlen(up), &q, err, sizeof(err)), 0);
	assert_int_equal(q.op, TC_ORPC_CARD_CHANGE);
	assert_string_equal(tc_orpc_op_name(q.op), "card-change");
	assert_int_equal(q.c.kind, TC_APP_UPGRADE);
	assert_string_equal(q.tier, "gold");
	assert_string_equal(q.c.clause, "g3");
	assert_int_equal(q.c.draft, 1);
	assert_int_equal(q.c.pledge, 1);
	tc_orpc_req_release(&q);
}

/* The documents of a card op, and the tail that carries them. */
static void
test_docs(void **state)
{
	static const struct fx_orpc_vec v[] = {
		{ CA
		    "\"args\":{\"action\":\"reinstate\"},\"docs\":[{\"name\":\"a.pdf\",\"size\":3}]}",
		    0, NULL },
		{ CC
		    "\"args\":{\"kind\":\"convert\"},\"docs\":[{\"name\":\"a.pdf\",\"size\":4194304}]}",
		    0, NULL },
		{ CC
		    "\"args\":{\"kind\":\"convert\"},\"docs\":[{\"name\":\"a.pdf\",\"size\":4194304},{\"name\":\"b.pdf\",\"size\":1}]}",
		    TC_ERR_INVALID_ARG, "in all" },
		{ CA "\"args\":{\"action\":\"reinstate\"},\"docs\":[]}",
		    TC_ERR_INVALID_ARG, "1 to 8 documents" },
		{ CA
		    "\"args\":{\"action\":\"reinstate\"},\"docs\":[{\"name\":\"../a.pdf\",\"size\":3}]}",
		    TC_ERR_INVALID_ARG, "without '/'" },
		{ CA
		    "\"args\":{\"action\":\"reinstate\"},\"docs\":[{\"name\":\"a.pdf\",\"size\":0}]}",
		    TC_ERR_INVALID_ARG, "size of 1" },
		{ CA
		    "\"args\":{\"action\":\"reinstate\"},\"docs\":[{\"name\":\"a.pdf\"}]}",
		    TC_ERR_INVALID_ARG, "size is missing" },
		{ CA
		    "\"args\":{\"action\":\"reinstate\"},\"docs\":[{\"name\":\"a\\u0007\",\"size\":1}]}",
		    TC_ERR_INVALID_ARG, "control character" },
		{ "{\"op\":\"card\",\"session\":\"" S
		  "\",\"card\":\"17\",\"docs\":[{\"name\":\"a.pdf\",\"size\":3}]}",
		    TC_ERR_INVALID_ARG, "takes no docs" },
		{ "{\"op\":\"card-document\",\"session\":\"" S
		  "\",\"card\":\"17\",\"att\":2}",
		    0, NULL },
		{ "{\"op\":\"card-document\",\"session\":\"" S
		  "\",\"card\":\"17\"}",
		    TC_ERR_INVALID_ARG, "att is missing" },
	};
	static const char two[] = CA
	    "\"args\":{\"action\":\"reinstate\"},\"docs\":[{\"name\":\"a.pdf\",\"size\":3},{\"name\":\"b.png\",\"size\":2}]}";
	static const uint8_t tail[] = "abcde";
	struct tc_orpc_req q;
	char err[256];

	(void)state;
	fx_orpc_vectors(v, sizeof(v) / sizeof(v[0]));
	assert_int_equal(
	    tc_orpc_req_parse(two, strlen(two), &q, err, sizeof(err)), 0);
	assert_int_equal(q.n_docs, 2);
	assert_string_equal(q.docs[1].name, "b.png");
	assert_int_equal(tc_orpc_req_tail(&q, tail, 4, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_orpc_req_tail(&q, tail, 6, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_orpc_req_tail(&q, tail, 5, err, sizeof(err)), 0);
	assert_ptr_equal(q.docs[0].data, tail);
	assert_ptr_equal(q.docs[1].data, tail + 3);
	assert_int_equal(q.docs[1].size, 2);
	tc_orpc_req_release(&q);
	/* No documents: no tail. */
	assert_int_equal(
	    tc_orpc_req_parse(CA "\"args\":{\"action\":\"reinstate\"}}",
		strlen(CA "\"args\":{\"action\":\"reinstate\"}}"), &q, err,
		sizeof(err)),
	    0);
	assert_int_equal(tc_orpc_req_tail(&q, tail, 1, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_orpc_req_tail(&q, NULL, 0, err, sizeof(err)), 0);
	tc_orpc_req_release(&q);
}

#define TESTS(X, XF)                                                           \
	X(test_requests) X(test_fields) X(test_change_app) X(test_docs)

TC_UNIT_MAIN(TESTS, NULL, NULL)
