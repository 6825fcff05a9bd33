/* SPDX-License-Identifier: MIT */
/*
 * The codec of tcard-issuerd's internal RPC (include/tcard/officerpc.h):
 * frame headers and the strict parser of a request's JSON, which the
 * monitor runs on everything the web worker sends. Every op has its own
 * key table for the top level and for "args", checked with
 * tc_json_keys_check before a value is read; sizes are bounded here, so
 * the monitor's handlers read fixed-size fields only. docs/issuerd.md
 * describes the protocol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "officerpc-int.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/json-keys.h"
#include "tcard/officerpc.h"

static const struct {
	const char *name;
	enum tc_orpc_op op;
} ops[] = {
	{ "login", TC_ORPC_LOGIN },
	{ "logout", TC_ORPC_LOGOUT },
	{ "whoami", TC_ORPC_WHOAMI },
	{ "queue", TC_ORPC_QUEUE },
	{ "app", TC_ORPC_APP },
	{ "attachment", TC_ORPC_ATTACHMENT },
	{ "review", TC_ORPC_REVIEW },
	{ "card", TC_ORPC_CARD },
	{ "card-action", TC_ORPC_CARD_ACTION },
	{ "audit", TC_ORPC_AUDIT },
	{ "audit-verify", TC_ORPC_AUDIT_VERIFY },
	{ "tls", TC_ORPC_TLS },
	{ "supplement", TC_ORPC_SUPPLEMENT },
	{ "reveal-id", TC_ORPC_REVEAL_ID },
	{ "issue", TC_ORPC_ISSUE },
	{ "totp-enrol", TC_ORPC_TOTP_ENROL },
	{ "totp-qr", TC_ORPC_TOTP_QR },
	{ "passphrase", TC_ORPC_PASSPHRASE },
	{ "card-change", TC_ORPC_CARD_CHANGE },
	{ "card-document", TC_ORPC_CARD_DOCUMENT },
	{ "pdf-pages", TC_ORPC_PDF_PAGES },
	{ "search", TC_ORPC_SEARCH },
	{ "production", TC_ORPC_PRODUCTION },
	{ "production-act", TC_ORPC_PRODUCTION_ACT },
	{ "perso-make", TC_ORPC_PERSO_MAKE },
	{ "perso-status", TC_ORPC_PERSO_STATUS },
	{ "perso-job", TC_ORPC_PERSO_JOB },
	{ "perso-chip-start", TC_ORPC_PERSO_CHIP_START },
	{ "perso-scp-session", TC_ORPC_PERSO_SCP_SESSION },
	{ "perso-put-key", TC_ORPC_PERSO_PUT_KEY },
	{ "perso-piv-mgmt", TC_ORPC_PERSO_PIV_MGMT },
	{ "perso-sign", TC_ORPC_PERSO_SIGN },
	{ "perso-cert", TC_ORPC_PERSO_CERT },
	{ "perso-chip-done", TC_ORPC_PERSO_CHIP_DONE },
	{ "perso-end", TC_ORPC_PERSO_END },
	{ "perso-face", TC_ORPC_PERSO_FACE },
	{ "perso-print", TC_ORPC_PERSO_PRINT },
	{ "portal-login", TC_ORPC_PORTAL_LOGIN },
	{ "portal-register", TC_ORPC_PORTAL_REGISTER },
	{ "portal-verify", TC_ORPC_PORTAL_VERIFY },
	{ "portal-reset-request", TC_ORPC_PORTAL_RESET_REQUEST },
	{ "portal-reset", TC_ORPC_PORTAL_RESET },
	{ "portal-logout", TC_ORPC_PORTAL_LOGOUT },
	{ "portal-whoami", TC_ORPC_PORTAL_WHOAMI },
	{ "portal-apps", TC_ORPC_PORTAL_APPS },
	{ "portal-app", TC_ORPC_PORTAL_APP },
	{ "portal-pledge", TC_ORPC_PORTAL_PLEDGE },
	{ "portal-attachment", TC_ORPC_PORTAL_ATTACHMENT },
	{ "portal-create", TC_ORPC_PORTAL_CREATE },
	{ "portal-section", TC_ORPC_PORTAL_SECTION },
	{ "portal-attach", TC_ORPC_PORTAL_ATTACH },
	{ "portal-submit", TC_ORPC_PORTAL_SUBMIT },
	{ "portal-withdraw", TC_ORPC_PORTAL_WITHDRAW },
	{ "portal-oidc-start", TC_ORPC_PORTAL_OIDC_START },
	{ "portal-oidc-finish", TC_ORPC_PORTAL_OIDC_FINISH },
	{ "portal-info", TC_ORPC_PORTAL_INFO },
	{ "portal-ecard-qr", TC_ORPC_PORTAL_ECARD_QR },
	{ "portal-ecard", TC_ORPC_PORTAL_ECARD },
};

/* The top-level tables, one per op ("op" itself in each). */
const struct tc_json_key tc_orpc_top_login[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "args", TC_JSON_OBJ, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_op[] = {
	{ "op", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
const struct tc_json_key tc_orpc_top_session[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
const struct tc_json_key tc_orpc_top_app[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "who", TC_JSON_BOOL, 0 },
	{ "app", TC_JSON_INT, 1 },
	{ NULL, 0, 0 },
};
const struct tc_json_key tc_orpc_top_att[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "app", TC_JSON_INT, 1 },
	{ "att", TC_JSON_INT, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_att_args[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "app", TC_JSON_INT, 1 },
	{ "att", TC_JSON_INT, 1 },
	{ "args", TC_JSON_OBJ, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_pages[] = {
	{ "pages", TC_JSON_INT, 1 },
	{ NULL, 0, 0 },
};
const struct tc_json_key tc_orpc_top_review[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "app", TC_JSON_INT, 1 },
	{ "args", TC_JSON_OBJ, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_card[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "card", TC_JSON_STR, 1 },
	{ "args", TC_JSON_OBJ, 0 },
	{ "docs", TC_JSON_ARR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_card_doc[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "card", TC_JSON_STR, 1 },
	{ "att", TC_JSON_INT, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_args_opt[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "who", TC_JSON_BOOL, 0 },
	{ "args", TC_JSON_OBJ, 0 },
	{ NULL, 0, 0 },
};
const struct tc_json_key tc_orpc_top_account[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "args", TC_JSON_OBJ, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_queue[] = {
	{ "limit", TC_JSON_INT, 0 },
	{ "columns", TC_JSON_STR, 0 },
	{ "after", TC_JSON_STR, 0 },
	{ "before", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_search[] = {
	{ "name", TC_JSON_STR, 1 },
	{ "limit", TC_JSON_INT, 0 },
	{ "columns", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_login[] = {
	{ "operator", TC_JSON_STR, 1 },
	{ "passphrase", TC_JSON_STR, 1 },
	{ "otp", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_review[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 0 },
	{ "tier", TC_JSON_STR, 0 },
	{ "months", TC_JSON_INT, 0 },
	{ "overrides", TC_JSON_ARR, 0 },
	{ NULL, 0, 0 },
};

const char *
tc_orpc_op_name(enum tc_orpc_op op)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "?";
}

int
tc_orpc_header_parse(const uint8_t hdr[TC_ORPC_HDR_LEN], size_t json_max,
    size_t tail_max, uint32_t *id, uint32_t *jlen, uint32_t *tlen, char *err,
    size_t errlen)
{
	uint32_t len = tc_be32_get(hdr), j = tc_be32_get(hdr + 8);

	*id = tc_be32_get(hdr + 4);
	*jlen = *tlen = 0;
	if (len < 8 || j > len - 8)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "rpc frame: length %lu shorter than its JSON (%lu bytes) and fields",
		    (unsigned long)len, (unsigned long)j);
	if (j > json_max)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "rpc frame: %lu bytes of JSON, over the limit of %zu",
		    (unsigned long)j, json_max);
	if (len - 8 - j > tail_max)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "rpc frame: a tail of %lu bytes, over the limit of %zu",
		    (unsigned long)(len - 8 - j), tail_max);
	*jlen = j;
	*tlen = len - 8 - j;
	return 0;
}

void
tc_orpc_header_put(
    uint8_t hdr[TC_ORPC_HDR_LEN], uint32_t id, uint32_t jlen, uint32_t tlen)
{
	tc_be32_put(hdr, 8 + jlen + tlen);
	tc_be32_put(hdr + 4, id);
	tc_be32_put(hdr + 8, jlen);
}

int
tc_orpc_token_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_'))
			return 0;
	return i == TC_ORPC_TOKEN_LEN;
}

void
tc_orpc_token_text(const uint8_t raw[32], char out[TC_ORPC_TOKEN_LEN + 1])
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t v;
	size_t i, o = 0;

	for (i = 0; i + 3 <= 30; i += 3) {
		v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 |
		    raw[i + 2];
		out[o++] = al[(v >> 18) & 63];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
		out[o++] = al[v & 63];
	}
	/* The last two bytes: three characters. */
	v = (uint32_t)raw[30] << 16 | (uint32_t)raw[31] << 8;
	out[o++] = al[(v >> 18) & 63];
	out[o++] = al[(v >> 12) & 63];
	out[o++] = al[(v >> 6) & 63];
	out[o] = '\0';
}

int
tc_orpc_keys(json_t *o, const struct tc_json_key *k, const char *where,
    int per_action, char *err, size_t errlen)
{
	const struct tc_json_key *row;
	const char *name;

	switch (tc_json_keys_check(o, k, &name, &row)) {
	case TC_JSON_OK:
		return 0;
	case TC_JSON_NOT_OBJECT:
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s is not an object", where);
	case TC_JSON_UNKNOWN:
		if (per_action)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args has a member \"%.64s\" this action does not take",
			    name);
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s has an unknown member \"%.64s\"", where,
		    name);
	case TC_JSON_BAD_TYPE:
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s.%s must be %s", where, row->name,
		    tc_json_type_name(row->type));
	case TC_JSON_MISSING:
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s.%s is missing", where, row->name);
	}
	return tc_seterr(err, errlen, TC_ERR_INTERNAL, "rpc request: keys");
}

/*
 * Copies the string member name of o (when there) into out (size cap + 1
 * bytes); NUL bytes inside and anything longer are refused.
 */
static int
str(json_t *o, const char *name, char *out, size_t cap, int *present, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(o, name);
	size_t n;

	out[0] = '\0';
	if (present != NULL)
		*present = v != NULL;
	if (v == NULL)
		return 0;
	/* "op" is read before its table is checked: its type too. */
	if (!json_is_string(v))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s must be a string", name);
	n = json_string_length(v);
	if (n > cap || strlen(json_string_value(v)) != n)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s is longer than %zu bytes or holds a NUL",
		    name, cap);
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

static int
token(json_t *o, const char *name, char *out, int *present, char *err,
    size_t errlen)
{
	int r, there;

	if ((r = str(o, name, out, TC_ORPC_TOKEN_LEN, &there, err, errlen)) !=
	    0)
		return r;
	if (present != NULL)
		*present = there;
	if (out[0] != '\0' && !tc_orpc_token_ok(out))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s is not a token", name);
	if (there && out[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s is empty", name);
	return 0;
}

static int
number(json_t *o, const char *name, int64_t *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, name);

	*out = 0;
	if (v == NULL)
		return 0;
	if (json_integer_value(v) < 1)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s must be a positive number", name);
	*out = json_integer_value(v);
	return 0;
}

static int
parse_review(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	char action[16];
	json_t *v, *ov;
	size_t i;
	int r;

	if ((r = tc_orpc_keys(a, args_review, "args", 0, err, errlen)) != 0 ||
	    (r = str(a, "action", action, sizeof(action) - 1, NULL, err,
		 errlen)) != 0 ||
	    (r = str(a, "reason", q->reason, TC_APP_REASON_MAX, NULL, err,
		 errlen)) != 0 ||
	    (r = str(
		 a, "tier", q->tier, TC_ORPC_TEXT_MAX, NULL, err, errlen)) != 0)
		return r;
	if (strcmp(action, "approve") == 0)
		q->decision = TC_REVIEW_APPROVE;
	else if (strcmp(action, "return") == 0)
		q->decision = TC_REVIEW_RETURN;
	else if (strcmp(action, "reject") == 0)
		q->decision = TC_REVIEW_REJECT;
	else
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.action must be approve, return or reject");
	if ((v = json_object_get(a, "months")) != NULL) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 1200)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.months must be 1 to 1200");
		q->months = (int)json_integer_value(v);
	}
	if ((ov = json_object_get(a, "overrides")) != NULL) {
		if (json_array_size(ov) > TC_ORPC_OVERRIDES)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.overrides has more than %d names",
			    TC_ORPC_OVERRIDES);
		json_array_foreach(ov, i, v)
		{
			if (!json_is_string(v) ||
			    json_string_length(v) > TC_ORPC_TEXT_MAX ||
			    json_string_length(v) == 0 ||
			    strlen(json_string_value(v)) !=
				json_string_length(v))
				return tc_seterr(err, errlen,
				    TC_ERR_INVALID_ARG,
				    "rpc request: args.overrides[%zu] must be a name of 1 to %d bytes",
				    i, TC_ORPC_TEXT_MAX);
			memcpy(q->overrides[i], json_string_value(v),
			    json_string_length(v) + 1);
			q->n_overrides++;
		}
	}
	if (q->decision != TC_REVIEW_APPROVE &&
	    (q->tier[0] != '\0' || q->months != 0 || q->n_overrides > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: tier, months and overrides go with approve");
	if (q->decision != TC_REVIEW_APPROVE && q->reason[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.reason is needed to return or reject");
	return 0;
}

/* The queue's optional args: a page size and one cursor (docs/api.md). */
static const char *const field_names[TC_ORPC_F_COUNT] = {
	"id",
	"kind",
	"programme",
	"tier",
	"route",
	"clause",
	"state",
	"step",
	"step_name",
	"role",
	"deadline",
	"applicant",
	"name",
	"employer",
	"overdue",
	"created",
	"submitted",
};

const char *
tc_orpc_field_name(enum tc_orpc_field f)
{
	return (unsigned)f < TC_ORPC_F_COUNT ? field_names[f] : "?";
}

int
tc_orpc_fields_parse(const char *s, uint32_t *mask, char *err, size_t errlen)
{
	const char *end;
	size_t n, f;

	*mask = 0;
	for (;;) {
		end = strchr(s, ',');
		n = end != NULL ? (size_t)(end - s) : strlen(s);
		for (f = 0; f < TC_ORPC_F_COUNT; f++)
			if (strlen(field_names[f]) == n &&
			    memcmp(field_names[f], s, n) == 0)
				break;
		if (f == TC_ORPC_F_COUNT || (*mask & (1u << f)))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "columns: \"%.*s\" is %s field of a summary (id, kind, programme, tier, route, clause, state, step, step_name, role, deadline, applicant, name, employer, overdue, created, submitted)",
			    (int)(n > 32 ? 32 : n), s,
			    f == TC_ORPC_F_COUNT ? "not a" : "a repeated");
		*mask |= 1u << f;
		if (end == NULL)
			return 0;
		s = end + 1;
	}
}

/* args.columns, when there, into q->columns. */
static int
parse_columns(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	char e[256];
	json_t *v = json_object_get(a, "columns");

	if (v == NULL)
		return 0;
	if (tc_orpc_fields_parse(
		json_string_value(v), &q->columns, e, sizeof(e)) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "rpc request: args.%s", e);
	return 0;
}

static int
parse_queue(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	json_t *v;
	int r;

	if (a == NULL)
		return 0;
	if ((r = tc_orpc_keys(a, args_queue, "args", 0, err, errlen)) != 0 ||
	    (r = parse_columns(a, q, err, errlen)) != 0 ||
	    (r = str(a, "after", q->after, TC_APP_CURSOR_MAX - 1, NULL, err,
		 errlen)) != 0 ||
	    (r = str(a, "before", q->before, TC_APP_CURSOR_MAX - 1, NULL, err,
		 errlen)) != 0)
		return r;
	if ((v = json_object_get(a, "limit")) != NULL) {
		if (json_integer_value(v) < 1 ||
		    json_integer_value(v) > TC_APP_QUEUE_MAX)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.limit must be 1 to %d",
			    TC_APP_QUEUE_MAX);
		q->limit = (int)json_integer_value(v);
	}
	if (q->after[0] != '\0' && q->before[0] != '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.after and args.before do not go together");
	return 0;
}

/* search's args: a name's beginning, a limit of 1 to TC_APP_FIND_MAX. */
static int
parse_search(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	json_t *v;
	int r;

	if (a == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args is missing");
	if ((r = tc_orpc_keys(a, args_search, "args", 0, err, errlen)) != 0 ||
	    (r = parse_columns(a, q, err, errlen)) != 0 ||
	    (r = str(a, "name", q->name, TC_HOLDER_NAME_MAX, NULL, err,
		 errlen)) != 0)
		return r;
	if (q->name[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.name is empty");
	if ((v = json_object_get(a, "limit")) != NULL) {
		if (json_integer_value(v) < 1 ||
		    json_integer_value(v) > TC_APP_FIND_MAX)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.limit must be 1 to %d",
			    TC_APP_FIND_MAX);
		q->limit = (int)json_integer_value(v);
	}
	return 0;
}

static int
parse_obj(json_t *o, struct tc_orpc_req *q, char *err, size_t errlen)
{
	const struct tc_json_key *top;
	char opname[24];
	json_t *a;
	size_t i;
	int r;

	if (!json_is_object(o))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "rpc request: not a JSON object");
	if ((r = str(o, "op", opname, sizeof(opname) - 1, NULL, err, errlen)) !=
	    0)
		return r;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, opname) == 0)
			q->op = ops[i].op;
	switch (q->op) {
	case TC_ORPC_LOGIN:
		top = tc_orpc_top_login;
		break;
	case TC_ORPC_LOGOUT:
	case TC_ORPC_WHOAMI:
	case TC_ORPC_TOTP_QR:
		top = tc_orpc_top_session;
		break;
	case TC_ORPC_APP:
	case TC_ORPC_REVEAL_ID:
	case TC_ORPC_ISSUE:
		top = tc_orpc_top_app;
		break;
	case TC_ORPC_ATTACHMENT:
		top = tc_orpc_top_att;
		break;
	case TC_ORPC_REVIEW:
	case TC_ORPC_SUPPLEMENT:
		top = tc_orpc_top_review;
		break;
	case TC_ORPC_CARD:
	case TC_ORPC_CARD_ACTION:
	case TC_ORPC_CARD_CHANGE:
	case TC_ORPC_PRODUCTION_ACT:
		top = top_card;
		break;
	case TC_ORPC_CARD_DOCUMENT:
		top = top_card_doc;
		break;
	case TC_ORPC_QUEUE:
	case TC_ORPC_SEARCH:
	case TC_ORPC_AUDIT:
	case TC_ORPC_AUDIT_VERIFY:
	case TC_ORPC_PRODUCTION:
		top = top_args_opt;
		break;
	case TC_ORPC_TOTP_ENROL:
	case TC_ORPC_PASSPHRASE:
		top = tc_orpc_top_account;
		break;
	case TC_ORPC_TLS:
		top = top_op;
		break;
	case TC_ORPC_PDF_PAGES:
		top = top_att_args;
		break;
	default:
		if ((top = tc_orpc_portal_top(q->op)) != NULL ||
		    (top = tc_orpc_perso_top(q->op)) != NULL)
			break;
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: op is not one of login, logout, whoami, queue, app, attachment, review, card, card-action, audit, audit-verify, tls, supplement, reveal-id, issue, totp-enrol, totp-qr, passphrase, card-change, card-document, pdf-pages, search, production, production-act, perso-*, portal-*");
	}
	if ((r = tc_orpc_keys(o, top, "request", 0, err, errlen)) != 0 ||
	    (r = token(o, "session", q->session, NULL, err, errlen)) != 0 ||
	    (r = token(o, "csrf", q->csrf, &q->has_csrf, err, errlen)) != 0 ||
	    (r = number(o, "app", &q->app, err, errlen)) != 0 ||
	    (r = number(o, "att", &q->att, err, errlen)) != 0)
		return r;
	q->who = json_is_true(json_object_get(o, "who"));
	a = json_object_get(o, "args");
	/* A portal op's table says whether it takes a session. */
	if (TC_ORPC_IS_PORTAL(q->op))
		return tc_orpc_portal_args_parse(
		    a, json_object_get(o, "docs"), q, err, errlen);
	/* The worker's own perso ops run in no session. */
	if (TC_ORPC_IS_PERSO_INTERNAL(q->op))
		return tc_orpc_perso_args_parse(a, q, err, errlen);
	/* Every op but login (and the worker's own tls) runs in a session. */
	if (q->op != TC_ORPC_LOGIN && q->op != TC_ORPC_TLS &&
	    q->session[0] == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: session is missing");
	if (q->op == TC_ORPC_LOGIN) {
		if ((r = tc_orpc_keys(a, args_login, "args", 0, err, errlen)) !=
			0 ||
		    (r = str(a, "operator", q->operator_name,
			 TC_OPERATOR_NAME_MAX, NULL, err, errlen)) != 0 ||
		    (r = str(a, "passphrase", q->passphrase, TC_ORPC_PASS_MAX,
			 NULL, err, errlen)) != 0 ||
		    (r = str(a, "otp", q->otp, TC_ORPC_OTP_MAX, NULL, err,
			 errlen)) != 0)
			return r;
		if (q->operator_name[0] == '\0')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.operator is empty");
	}
	if (q->op == TC_ORPC_QUEUE)
		return parse_queue(a, q, err, errlen);
	if (q->op == TC_ORPC_SEARCH)
		return parse_search(a, q, err, errlen);
	if (q->op == TC_ORPC_PDF_PAGES) {
		if ((r = tc_orpc_keys(a, args_pages, "args", 0, err, errlen)) !=
		    0)
			return r;
		if (json_integer_value(json_object_get(a, "pages")) < 1 ||
		    json_integer_value(json_object_get(a, "pages")) > 1000000)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.pages must be 1 to 1000000");
		q->pages =
		    (uint32_t)json_integer_value(json_object_get(a, "pages"));
		return 0;
	}
	if (q->op == TC_ORPC_REVIEW)
		return parse_review(a, q, err, errlen);
	if ((q->op >= TC_ORPC_CARD && q->op <= TC_ORPC_AUDIT_VERIFY) ||
	    q->op == TC_ORPC_CARD_CHANGE || q->op == TC_ORPC_CARD_DOCUMENT) {
		if ((r = str(o, "card", q->card, TC_ORPC_CARD_MAX, NULL, err,
			 errlen)) != 0)
			return r;
		if ((r = tc_orpc_card_docs_parse(
			 json_object_get(o, "docs"), q, err, errlen)) != 0)
			return r;
		return tc_orpc_card_args_parse(a, q, err, errlen);
	}
	if (q->op == TC_ORPC_PERSO_MAKE || q->op == TC_ORPC_PERSO_STATUS) {
		if (q->op == TC_ORPC_PERSO_MAKE &&
		    (r = str(o, "card", q->card, TC_ORPC_CARD_MAX, NULL, err,
			 errlen)) != 0)
			return r;
		return tc_orpc_perso_args_parse(a, q, err, errlen);
	}
	if (q->op == TC_ORPC_PRODUCTION_ACT &&
	    (r = str(
		 o, "card", q->card, TC_ORPC_CARD_MAX, NULL, err, errlen)) != 0)
		return r;
	if ((q->op >= TC_ORPC_SUPPLEMENT && q->op <= TC_ORPC_PASSPHRASE) ||
	    q->op == TC_ORPC_PRODUCTION || q->op == TC_ORPC_PRODUCTION_ACT)
		return tc_orpc_office_args_parse(a, q, err, errlen);
	return 0;
}

int
tc_orpc_req_parse(const char *json, size_t len, struct tc_orpc_req *out,
    char *err, size_t errlen)
{
	json_error_t je;
	json_t *o;
	int r;

	memset(out, 0, sizeof(*out));
	if (len > TC_ORPC_REQ_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "rpc request: %zu bytes, over the limit of %u", len,
		    TC_ORPC_REQ_MAX);
	/* Depth is bounded by jansson; duplicate keys are refused. */
	if ((o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "rpc request: not JSON (byte %d)", je.position);
	r = parse_obj(o, out, err, errlen);
	json_decref(o);
	if (r != 0)
		tc_orpc_req_release(out);
	return r;
}

int
tc_orpc_req_tail(struct tc_orpc_req *q, const uint8_t *tail, size_t tlen,
    char *err, size_t errlen)
{
	size_t i, off = 0;

	for (i = 0; i < q->n_docs; i++) {
		if (q->docs[i].size > tlen - off)
			break;
		q->docs[i].data = tail + off;
		off += q->docs[i].size;
	}
	if (i < q->n_docs || off != tlen)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: a tail of %zu bytes for documents of %zu",
		    tlen, off);
	return 0;
}

void
tc_orpc_req_release(struct tc_orpc_req *req)
{
	OPENSSL_cleanse(req->passphrase, sizeof(req->passphrase));
	OPENSSL_cleanse(req->session, sizeof(req->session));
	OPENSSL_cleanse(req->csrf, sizeof(req->csrf));
	OPENSSL_cleanse(req->otp, sizeof(req->otp));
	OPENSSL_cleanse(req->c.id_number, sizeof(req->c.id_number));
	OPENSSL_cleanse(req->new_passphrase, sizeof(req->new_passphrase));
	OPENSSL_cleanse(req->token, sizeof(req->token));
	OPENSSL_cleanse(req->oidc_code, sizeof(req->oidc_code));
	if (req->doc != NULL) {
		OPENSSL_cleanse(req->doc, req->doc_len);
		free(req->doc);
		req->doc = NULL;
	}
}

/*
 * Copies string member name of o, when there, into out (cap + 1 bytes):
 * no NUL inside, no control character, at most cap bytes. Missing: "".
 */
int
tc_orpc_text(json_t *o, const char *name, char *out, size_t cap, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(o, name);
	const char *s;
	size_t n, i;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.%s must be a string", name);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > cap || strlen(s) != n)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.%s is longer than %zu bytes or holds a NUL",
		    name, cap);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.%s holds a control character",
			    name);
	memcpy(out, s, n + 1);
	return 0;
}
