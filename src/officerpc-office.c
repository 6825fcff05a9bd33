/* SPDX-License-Identifier: MIT */
/*
 * The "args" of tcard-issuerd's supplement, reveal-id, issue, account and
 * production ops (include/tcard/officerpc.h, tc_orpc_office_args_parse), checked with
 * strict key tables as src/officerpc-card.c checks the card ops'. The
 * values are bounded here, so the monitor reads fixed-size fields only;
 * what a value may be (a field the unit may change, a passphrase long
 * enough) is the library's to say when the monitor calls it.
 * docs/issuerd.md lists the ops.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "officerpc-int.h"
#include "tcard/err.h"
#include "tcard/json-keys.h"
#include "tcard/officerpc.h"

static const struct tc_json_key args_supplement[] = {
	{ "fields", TC_JSON_OBJ, 1 },
	{ "reason", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_enrol[] = {
	{ "passphrase", TC_JSON_STR, 1 },
	{ "otp", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_production[] = {
	{ "state", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_production_act[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 0 },
	{ "id_number", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_pass[] = {
	{ "passphrase", TC_JSON_STR, 1 },
	{ "new_passphrase", TC_JSON_STR, 1 },
	{ "otp", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};

/*
 * Copies string v (of member name) into out (cap + 1 bytes): 1 to cap
 * bytes (0 to cap when empty_ok), no NUL inside.
 */
static int
copy(json_t *v, const char *name, char *out, size_t cap, int empty_ok,
    char *err, size_t errlen)
{
	size_t n;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	n = json_string_length(v);
	if (!json_is_string(v) || n > cap ||
	    strlen(json_string_value(v)) != n || (n == 0 && !empty_ok))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.%s must be a string of 1 to %zu bytes without NUL",
		    name, cap);
	memcpy(out, json_string_value(v), n + 1);
	return 0;
}

static int
parse_supplement(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	const char *key;
	json_t *fields, *v;
	size_t n;
	int r;

	if ((r = tc_orpc_keys(a, args_supplement, "args", 0, err, errlen)) !=
		0 ||
	    (r = copy(json_object_get(a, "reason"), "reason", q->reason,
		 TC_APP_REASON_MAX, 0, err, errlen)) != 0)
		return r;
	fields = json_object_get(a, "fields");
	n = json_object_size(fields);
	if (n == 0 || n > TC_APP_PATCH_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.fields must name 1 to %d fields",
		    TC_APP_PATCH_MAX);
	json_object_foreach(fields, key, v)
	{
		struct tc_orpc_patch *p = &q->patch[q->n_patch];
		size_t klen = strlen(key);

		if (klen == 0 || klen > TC_ORPC_FIELD_MAX)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.fields has a name of %zu bytes (1 to %d)",
			    klen, TC_ORPC_FIELD_MAX);
		memcpy(p->field, key, klen + 1);
		if ((r = copy(v, "fields value", p->value,
			 TC_ORPC_FIELD_VALUE_MAX, 0, err, errlen)) != 0)
			return r;
		q->n_patch++;
	}
	return 0;
}

int
tc_orpc_office_args_parse(
    void *args, struct tc_orpc_req *q, char *err, size_t errlen)
{
	json_t *a = args;
	int r;

	switch (q->op) {
	case TC_ORPC_SUPPLEMENT:
		return parse_supplement(a, q, err, errlen);
	case TC_ORPC_TOTP_ENROL:
		if ((r = tc_orpc_keys(a, args_enrol, "args", 0, err, errlen)) !=
			0 ||
		    (r = copy(json_object_get(a, "passphrase"), "passphrase",
			 q->passphrase, TC_ORPC_PASS_MAX, 0, err, errlen)) != 0)
			return r;
		return copy(json_object_get(a, "otp"), "otp", q->otp,
		    TC_ORPC_OTP_MAX, 1, err, errlen);
	case TC_ORPC_PASSPHRASE:
		if ((r = tc_orpc_keys(a, args_pass, "args", 0, err, errlen)) !=
			0 ||
		    (r = copy(json_object_get(a, "passphrase"), "passphrase",
			 q->passphrase, TC_ORPC_PASS_MAX, 0, err, errlen)) != 0)
			return r;
		if ((r = copy(json_object_get(a, "new_passphrase"),
			 "new_passphrase", q->new_passphrase, TC_ORPC_PASS_MAX,
			 0, err, errlen)) != 0)
			return r;
		return copy(json_object_get(a, "otp"), "otp", q->otp,
		    TC_ORPC_OTP_MAX, 1, err, errlen);
	case TC_ORPC_PRODUCTION:
		if (a == NULL)
			return 0;
		if ((r = tc_orpc_keys(
			 a, args_production, "args", 0, err, errlen)) != 0)
			return r;
		return copy(json_object_get(a, "state"), "state", q->prod_state,
		    TC_ORPC_TEXT_MAX, 0, err, errlen);
	case TC_ORPC_PRODUCTION_ACT:
		if (a == NULL)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.action is missing");
		if ((r = tc_orpc_keys(a, args_production_act, "args", 0, err,
			 errlen)) != 0 ||
		    (r = copy(json_object_get(a, "action"), "action",
			 q->prod_action, TC_ORPC_TEXT_MAX, 0, err, errlen)) !=
			0 ||
		    (r = copy(json_object_get(a, "reason"), "reason", q->reason,
			 TC_APP_REASON_MAX, 0, err, errlen)) != 0)
			return r;
		return copy(json_object_get(a, "id_number"), "id_number",
		    q->c.id_number, TC_ORPC_ID_NUMBER_MAX, 0, err, errlen);
	case TC_ORPC_REVEAL_ID:
	case TC_ORPC_ISSUE:
	case TC_ORPC_TOTP_QR:
		return 0; /* their tables have no args */
	default:
		return tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "rpc request: not an op here");
	}
}
