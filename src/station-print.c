/* SPDX-License-Identifier: MIT */
/*
 * The station's print report (include/tcard/station-print.h): jansson
 * with duplicate keys refused, the members checked against a key table
 * (tcard/json-keys.h), then each value against its bounds; written back
 * with tcard/jsonw.h. docs/station.md, "Printing the face".
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "tcard/err.h"
#include "tcard/json-keys.h"
#include "tcard/jsonw.h"
#include "tcard/station-print.h"
#include "tcard/utf8.h"

static const char *const state_names[] = { "", "pending", "held", "processing",
	"stopped", "canceled", "aborted", "completed", "failed" };

#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

const char *
tc_station_print_state_name(int state)
{
	return state > 0 && (size_t)state < N_STATES ? state_names[state] : "";
}

int
tc_station_print_final(int state)
{
	return state == TC_PRINT_COMPLETED || state == TC_PRINT_CANCELED ||
	    state == TC_PRINT_ABORTED || state == TC_PRINT_FAILED;
}

static const struct tc_json_key keys[] = {
	{ "cups_job", TC_JSON_INT, 1 },
	{ "state", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};

/* 1 when s (n bytes) is UTF-8 without control characters. */
static int
plain_text(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((k = tc_utf8_next(p + i, n - i, &cp)) == 0 || cp < 0x20 ||
		    (cp >= 0x7f && cp < 0xa0))
			return 0;
		i += k;
	}
	return 1;
}

static int
fields(json_t *root, struct tc_station_print *out, char *err, size_t errlen)
{
	json_int_t job = json_integer_value(json_object_get(root, "cups_job"));
	json_t *st = json_object_get(root, "state");
	json_t *re = json_object_get(root, "reason");
	size_t i;

	out->state = 0;
	for (i = 1; i < N_STATES; i++)
		if (strcmp(json_string_value(st), state_names[i]) == 0 &&
		    json_string_length(st) == strlen(state_names[i]))
			out->state = (int)i;
	if (out->state == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"state\" must be pending, held, processing, stopped, canceled, aborted, completed or failed");
	if (job < 0 || job > INT32_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"cups_job\" must be 0..%d", INT32_MAX);
	if ((job == 0) != (out->state == TC_PRINT_FAILED))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"cups_job\" is 0 with the state \"failed\" only, and only then");
	out->cups_job = (uint32_t)job;
	if (re == NULL)
		return 0;
	if (json_string_length(re) > TC_STATION_REASON_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"reason\" is over %d bytes",
		    TC_STATION_REASON_MAX);
	if (!plain_text(json_string_value(re), json_string_length(re)))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"reason\" has a control character or a NUL");
	memcpy(out->reason, json_string_value(re), json_string_length(re));
	out->reason[json_string_length(re)] = '\0';
	return 0;
}

int
tc_station_print_parse(struct tc_station_print *out, const uint8_t *body,
    size_t len, char *err, size_t errlen)
{
	const struct tc_json_key *row;
	const char *name;
	json_error_t je;
	json_t *root;
	int r;

	if (out == NULL || (body == NULL && len > 0))
		return TC_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (len > TC_STATION_PRINT_BODY_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "print report: %zu bytes, over the limit of %d", len,
		    TC_STATION_PRINT_BODY_MAX);
	if ((root = json_loadb(
		 (const char *)body, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: byte %d: not JSON: %s", je.position,
		    je.text);
	switch (tc_json_keys_check(root, keys, &name, &row)) {
	case TC_JSON_OK:
		r = fields(root, out, err, errlen);
		break;
	case TC_JSON_NOT_OBJECT:
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED, "%s",
		    "print report: not a JSON object");
		break;
	case TC_JSON_UNKNOWN:
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: unknown member \"%.40s\"", name);
		break;
	case TC_JSON_BAD_TYPE:
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"%s\" must be %s", name,
		    tc_json_type_name(row->type));
		break;
	default:
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "print report: \"%s\" is required", name);
		break;
	}
	json_decref(root);
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

int
tc_station_print_write(const struct tc_station_print *p, struct tc_buf *out)
{
	struct tc_jw w;

	if (p == NULL || out == NULL ||
	    tc_station_print_state_name(p->state)[0] == '\0')
		return TC_ERR_INVALID_ARG;
	tc_jw_init(&w, out);
	tc_jw_obj(&w);
	tc_jw_kint(&w, "cups_job", p->cups_job);
	tc_jw_kstr(&w, "state", tc_station_print_state_name(p->state));
	tc_jw_kstr(&w, "reason", p->reason);
	tc_jw_end(&w);
	return tc_jw_error(&w);
}
