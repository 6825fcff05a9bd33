/* SPDX-License-Identifier: MIT */
/*
 * The portal's ops of tcard-issuerd's RPC (include/tcard/officerpc.h,
 * tc_orpc_portal_top and tc_orpc_portal_args_parse): strict key tables
 * for the top level and the args of each, values bounded here. What a
 * value may be (a login, a password long enough, an application file)
 * is the library's to say when the monitor calls it; an application
 * file or a section's value is passed on as JSON text for the library's
 * form parser (tc_app_form_parse, fuzzed). docs/portal.md lists the ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "officerpc-int.h"
#include "tcard/err.h"
#include "tcard/json-keys.h"
#include "tcard/officerpc.h"

/*
 * The top levels are src/officerpc.c's but an upload's and the op alone
 * (portal-oidc-start).
 */
static const struct tc_json_key top_op[] = {
	{ "op", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_attach[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "app", TC_JSON_INT, 1 },
	{ "args", TC_JSON_OBJ, 1 },
	{ "docs", TC_JSON_ARR, 1 },
	{ NULL, 0, 0 },
};

static const struct tc_json_key args_login[] = {
	{ "login", TC_JSON_STR, 1 },
	{ "password", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_register[] = {
	{ "login", TC_JSON_STR, 1 },
	{ "password", TC_JSON_STR, 1 },
	{ "name", TC_JSON_STR, 0 },
	{ "language", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_token[] = {
	{ "token", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_reset_request[] = {
	{ "login", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_reset[] = {
	{ "token", TC_JSON_STR, 1 },
	{ "password", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_section[] = {
	{ "section", TC_JSON_STR, 1 },
	{ "value", TC_JSON_CONT, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_attach[] = {
	{ "kind", TC_JSON_STR, 0 },
	{ "material", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_submit[] = {
	{ "pledge", TC_JSON_BOOL, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_oidc_finish[] = {
	{ "code", TC_JSON_STR, 1 },
	{ "state", TC_JSON_STR, 1 },
	{ "cookie_state", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_info[] = {
	{ "programme", TC_JSON_STR, 0 },
	{ "unit", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_withdraw[] = {
	{ "reason", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};

/* Each portal op: its top-level table, its args' table (NULL: none). */
static const struct {
	enum tc_orpc_op op;
	const struct tc_json_key *top, *args;
} tables[] = {
	{ TC_ORPC_PORTAL_LOGIN, tc_orpc_top_login, args_login },
	{ TC_ORPC_PORTAL_REGISTER, tc_orpc_top_login, args_register },
	{ TC_ORPC_PORTAL_VERIFY, tc_orpc_top_login, args_token },
	{ TC_ORPC_PORTAL_RESET_REQUEST, tc_orpc_top_login, args_reset_request },
	{ TC_ORPC_PORTAL_RESET, tc_orpc_top_login, args_reset },
	{ TC_ORPC_PORTAL_LOGOUT, tc_orpc_top_session, NULL },
	{ TC_ORPC_PORTAL_WHOAMI, tc_orpc_top_session, NULL },
	{ TC_ORPC_PORTAL_APPS, tc_orpc_top_session, NULL },
	{ TC_ORPC_PORTAL_APP, tc_orpc_top_app, NULL },
	{ TC_ORPC_PORTAL_PLEDGE, tc_orpc_top_app, NULL },
	{ TC_ORPC_PORTAL_ATTACHMENT, tc_orpc_top_att, NULL },
	{ TC_ORPC_PORTAL_CREATE, tc_orpc_top_account, NULL },
	{ TC_ORPC_PORTAL_SECTION, tc_orpc_top_review, args_section },
	{ TC_ORPC_PORTAL_ATTACH, top_attach, args_attach },
	{ TC_ORPC_PORTAL_SUBMIT, tc_orpc_top_review, args_submit },
	{ TC_ORPC_PORTAL_WITHDRAW, tc_orpc_top_review, args_withdraw },
	{ TC_ORPC_PORTAL_OIDC_START, top_op, NULL },
	{ TC_ORPC_PORTAL_OIDC_FINISH, tc_orpc_top_login, args_oidc_finish },
	{ TC_ORPC_PORTAL_INFO, tc_orpc_top_login, args_info },
	{ TC_ORPC_PORTAL_ECARD_QR, tc_orpc_top_app, NULL },
	{ TC_ORPC_PORTAL_ECARD, tc_orpc_top_app, NULL },
};

static size_t
find(enum tc_orpc_op op)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (tables[i].op == op)
			return i;
	return i;
}

const void *
tc_orpc_portal_top(enum tc_orpc_op op)
{
	size_t i = find(op);

	return i < sizeof(tables) / sizeof(tables[0]) ? tables[i].top : NULL;
}

/*
 * Copies string member name of a (when there) into out (cap + 1 bytes):
 * 1 to cap bytes (0 to cap when empty_ok), no NUL inside.
 */
static int
copy(json_t *a, const char *name, char *out, size_t cap, int empty_ok,
    char *err, size_t errlen)
{
	json_t *v = json_object_get(a, name);
	size_t n;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	n = json_string_length(v);
	if (n > cap || strlen(json_string_value(v)) != n ||
	    (n == 0 && !empty_ok))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.%s must be a string of %d to %zu bytes without NUL",
		    name, empty_ok ? 0 : 1, cap);
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

/* v (an object, or an array when arr_ok) as compact text into q->doc. */
static int
keep_doc(json_t *v, int arr_ok, const char *name, struct tc_orpc_req *q,
    char *err, size_t errlen)
{
	if (!json_is_object(v) && !(arr_ok && json_is_array(v)))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s must be an object%s", name,
		    arr_ok ? " or an array" : "");
	if ((q->doc = json_dumps(v, JSON_COMPACT)) == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "rpc request: out of memory");
	q->doc_len = strlen(q->doc);
	return 0;
}

int
tc_orpc_portal_args_parse(
    void *args, void *docs, struct tc_orpc_req *q, char *err, size_t errlen)
{
	json_t *a = args;
	size_t i = find(q->op);
	int r;

	if (i == sizeof(tables) / sizeof(tables[0]))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: not a portal op");
	if (tables[i].top != tc_orpc_top_login && tables[i].top != top_op &&
	    q->session[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: session is missing");
	if (q->op == TC_ORPC_PORTAL_CREATE)
		return keep_doc(a, 0, "args", q, err, errlen);
	if (tables[i].args == NULL)
		return 0;
	if ((r = tc_orpc_keys(a, tables[i].args, "args", 0, err, errlen)) !=
		0 ||
	    (r = copy(a, "login", q->login, TC_ORPC_LOGIN_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "password", q->passphrase, TC_ORPC_PASS_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "token", q->token, TC_ORPC_TOKEN_LEN, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "name", q->name, TC_HOLDER_NAME_MAX, 1, err,
		 errlen)) != 0 ||
	    (r = copy(a, "language", q->language, 2, 0, err, errlen)) != 0 ||
	    (r = copy(a, "section", q->section, TC_ORPC_TEXT_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "kind", q->kind, TC_ORPC_TEXT_MAX, 0, err, errlen)) !=
		0 ||
	    (r = copy(a, "material", q->material, TC_ORPC_TEXT_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "reason", q->reason, TC_APP_REASON_MAX, 1, err,
		 errlen)) != 0 ||
	    (r = copy(a, "code", q->oidc_code, TC_ORPC_OIDC_CODE_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "state", q->oidc_state, TC_ORPC_TOKEN_LEN, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "cookie_state", q->cookie_state, TC_ORPC_TOKEN_LEN, 0,
		 err, errlen)) != 0 ||
	    (r = copy(a, "programme", q->programme, TC_ORPC_TEXT_MAX, 0, err,
		 errlen)) != 0 ||
	    (r = copy(a, "unit", q->unit, TC_ORG_NAME_MAX, 0, err, errlen)) !=
		0)
		return r;
	if ((q->oidc_state[0] != '\0' && !tc_orpc_token_ok(q->oidc_state)) ||
	    (q->cookie_state[0] != '\0' && !tc_orpc_token_ok(q->cookie_state)))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.state and args.cookie_state are a login's state (43 base64url characters)");
	if (q->token[0] != '\0' && !tc_orpc_token_ok(q->token))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.token is not a token");
	if (q->language[0] != '\0' && strcmp(q->language, "zh") != 0 &&
	    strcmp(q->language, "en") != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.language must be zh or en");
	q->pledge = json_is_true(json_object_get(a, "pledge"));
	if (q->op == TC_ORPC_PORTAL_SECTION)
		return keep_doc(json_object_get(a, "value"), 1, "args.value", q,
		    err, errlen);
	if (q->op == TC_ORPC_PORTAL_ATTACH) {
		if ((r = tc_orpc_card_docs_parse(docs, q, err, errlen)) != 0)
			return r;
		if (q->n_docs != 1)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: portal-attach takes one document");
	}
	return 0;
}
