/* SPDX-License-Identifier: MIT */
/*
 * The perso ops of tcard-issuerd's RPC (include/tcard/officerpc.h,
 * tc_orpc_perso_top and tc_orpc_perso_args_parse): personalisation of a
 * card through a branch station (docs/station.md). perso-make and
 * perso-status run in an operator's session; the others come from the
 * web worker's job thread without one, and the monitor answers each only
 * for a job it made, bound to its station and to the chip its
 * chip-start named (office/mon-perso.c). Every value is bounded and
 * checked here; binary values are hex.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "officerpc-int.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/json-keys.h"
#include "tcard/officerpc.h"

static const struct tc_json_key top_make[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "session", TC_JSON_STR, 1 },
	{ "csrf", TC_JSON_STR, 0 },
	{ "card", TC_JSON_STR, 1 },
	{ "args", TC_JSON_OBJ, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key top_internal[] = {
	{ "op", TC_JSON_STR, 1 },
	{ "args", TC_JSON_OBJ, 1 },
	{ NULL, 0, 0 },
};

static const struct tc_json_key args_make[] = {
	{ "station", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_status[] = {
	{ "job", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_job[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_chip_start[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "uid", TC_JSON_STR, 1 },
	{ "profile", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_scp[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "uid", TC_JSON_STR, 1 },
	{ "host_challenge", TC_JSON_STR, 1 },
	{ "iu", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_uid[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "uid", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_spki[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "spki", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_done[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "uid", TC_JSON_STR, 1 },
	{ "key", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_end[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "rc", TC_JSON_INT, 1 },
	{ "step", TC_JSON_STR, 0 },
	{ "error", TC_JSON_STR, 0 },
	{ "round_trips", TC_JSON_INT, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_print[] = {
	{ "job", TC_JSON_STR, 1 },
	{ "station", TC_JSON_STR, 1 },
	{ "cups_job", TC_JSON_INT, 1 },
	{ "state", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};

static const char *const print_states[] = { "pending", "held", "processing",
	"stopped", "canceled", "aborted", "completed", "failed" };

const void *
tc_orpc_perso_top(enum tc_orpc_op op)
{
	if (op == TC_ORPC_PERSO_MAKE)
		return top_make;
	if (op == TC_ORPC_PERSO_STATUS)
		return tc_orpc_top_account;
	if (TC_ORPC_IS_PERSO_INTERNAL(op))
		return top_internal;
	return NULL;
}

static int
name_ok(const char *s, size_t max, int dot)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			(dot && (s[i] == '.' || s[i] == '_'))))
			return 0;
	return i >= 1 && i <= max;
}

int
tc_orpc_station_ok(const char *s)
{
	return s != NULL && name_ok(s, TC_ORPC_STATION_MAX, 1);
}

int
tc_orpc_job_ok(const char *s)
{
	return s != NULL && name_ok(s, TC_ORPC_JOB_MAX, 0);
}

/* Hex member name of a: min..max bytes into out. */
static int
hex(json_t *a, const char *name, uint8_t *out, size_t min, size_t max,
    size_t *len, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(a, name));
	size_t n = s != NULL ? strlen(s) : 0;

	if (s == NULL || n % 2 != 0 || n / 2 < min || n / 2 > max ||
	    tc_hex_decode(s, n, out, n / 2, NULL) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.%s must be %zu to %zu bytes of hex",
		    name, min, max);
	if (len != NULL)
		*len = n / 2;
	return 0;
}

static int
uid(json_t *a, struct tc_orpc_perso *p, char *err, size_t errlen)
{
	size_t i, n;
	int r;

	if ((r = tc_orpc_text(
		 a, "uid", p->uid, TC_ORPC_UID_MAX, err, errlen)) != 0)
		return r;
	n = strlen(p->uid);
	for (i = 0; i < n; i++)
		if (!((p->uid[i] >= '0' && p->uid[i] <= '9') ||
			(p->uid[i] >= 'a' && p->uid[i] <= 'f')))
			break;
	if (i < n || n < 8 || n % 2 != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.uid must be 4 to 16 bytes of lower-case hex");
	return 0;
}

/* The job and station every internal op names. */
static int
job_station(
    json_t *a, struct tc_orpc_perso *p, int station, char *err, size_t errlen)
{
	int r;

	if ((r = tc_orpc_text(
		 a, "job", p->job, TC_ORPC_JOB_MAX, err, errlen)) != 0)
		return r;
	if (!tc_orpc_job_ok(p->job))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.job must be 1 to %d of A-Z a-z 0-9 -",
		    TC_ORPC_JOB_MAX);
	if (!station)
		return 0;
	if ((r = tc_orpc_text(a, "station", p->station, TC_ORPC_STATION_MAX,
		 err, errlen)) != 0)
		return r;
	if (!tc_orpc_station_ok(p->station))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.station must be 1 to %d of A-Z a-z 0-9 . _ -",
		    TC_ORPC_STATION_MAX);
	return 0;
}

static int
parse_end(json_t *a, struct tc_orpc_perso *p, char *err, size_t errlen)
{
	json_int_t rc = json_integer_value(json_object_get(a, "rc"));
	json_int_t rt = json_integer_value(json_object_get(a, "round_trips"));
	int r;

	if (rc > 0 || rc < -1000)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.rc must be 0 or an error code");
	if (rt < 0 || rt > 1000000)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.round_trips must be 0 to 1000000");
	p->rc = (int)rc;
	p->round_trips = (uint32_t)rt;
	if ((r = tc_orpc_text(a, "step", p->step, TC_ORPC_PERSO_STEP_MAX, err,
		 errlen)) != 0 ||
	    (r = tc_orpc_text(a, "error", p->error, TC_ORPC_PERSO_TEXT_MAX, err,
		 errlen)) != 0)
		return r;
	return 0;
}

static int
parse_print(json_t *a, struct tc_orpc_perso *p, char *err, size_t errlen)
{
	json_int_t job = json_integer_value(json_object_get(a, "cups_job"));
	size_t i;
	int r;

	if (job < 0 || job > 2147483647)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.cups_job must be 0 to 2147483647");
	p->cups_job = job;
	if ((r = tc_orpc_text(a, "state", p->print_state,
		 TC_ORPC_PRINT_STATE_MAX, err, errlen)) != 0 ||
	    (r = tc_orpc_text(a, "reason", p->reason, TC_ORPC_PERSO_TEXT_MAX,
		 err, errlen)) != 0)
		return r;
	for (i = 0; i < sizeof(print_states) / sizeof(print_states[0]); i++)
		if (strcmp(p->print_state, print_states[i]) == 0)
			return 0;
	return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
	    "rpc request: args.state must be pending, held, processing, stopped, canceled, aborted, completed or failed");
}

/* The args table of op. */
static const struct tc_json_key *
args_table(enum tc_orpc_op op)
{
	switch (op) {
	case TC_ORPC_PERSO_MAKE:
		return args_make;
	case TC_ORPC_PERSO_STATUS:
		return args_status;
	case TC_ORPC_PERSO_CHIP_START:
		return args_chip_start;
	case TC_ORPC_PERSO_SCP_SESSION:
		return args_scp;
	case TC_ORPC_PERSO_PUT_KEY:
	case TC_ORPC_PERSO_PIV_MGMT:
		return args_uid;
	case TC_ORPC_PERSO_SIGN:
	case TC_ORPC_PERSO_CERT:
		return args_spki;
	case TC_ORPC_PERSO_CHIP_DONE:
		return args_done;
	case TC_ORPC_PERSO_END:
		return args_end;
	case TC_ORPC_PERSO_PRINT:
		return args_print;
	default:
		return args_job;
	}
}

int
tc_orpc_perso_args_parse(
    void *args, struct tc_orpc_req *q, char *err, size_t errlen)
{
	struct tc_orpc_perso *p = &q->p;
	json_t *a = args;
	int r;

	if ((r = tc_orpc_keys(a, args_table(q->op), "args", 0, err, errlen)) !=
	    0)
		return r;
	if (q->op == TC_ORPC_PERSO_MAKE) {
		if ((r = tc_orpc_text(a, "station", p->station,
			 TC_ORPC_STATION_MAX, err, errlen)) != 0)
			return r;
		if (!tc_orpc_station_ok(p->station))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.station must be 1 to %d of A-Z a-z 0-9 . _ -",
			    TC_ORPC_STATION_MAX);
		return 0;
	}
	if ((r = job_station(
		 a, p, q->op != TC_ORPC_PERSO_STATUS, err, errlen)) != 0)
		return r;
	switch (q->op) {
	case TC_ORPC_PERSO_CHIP_START:
		if ((r = uid(a, p, err, errlen)) != 0 ||
		    (r = tc_orpc_text(a, "profile", p->profile,
			 TC_ORPC_TEXT_MAX, err, errlen)) != 0)
			return r;
		if (p->profile[0] == '\0')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.profile is empty");
		return 0;
	case TC_ORPC_PERSO_SCP_SESSION:
		if ((r = uid(a, p, err, errlen)) != 0 ||
		    (r = hex(a, "host_challenge", p->challenge,
			 TC_ORPC_PERSO_CHALLENGE, TC_ORPC_PERSO_CHALLENGE, NULL,
			 err, errlen)) != 0)
			return r;
		return hex(a, "iu", p->data, 29, 29, &p->data_len, err, errlen);
	case TC_ORPC_PERSO_PUT_KEY:
	case TC_ORPC_PERSO_PIV_MGMT:
		return uid(a, p, err, errlen);
	case TC_ORPC_PERSO_SIGN:
	case TC_ORPC_PERSO_CERT:
		return hex(a, "spki", p->data, 1, TC_ORPC_PERSO_DATA_MAX,
		    &p->data_len, err, errlen);
	case TC_ORPC_PERSO_CHIP_DONE:
		if ((r = uid(a, p, err, errlen)) != 0)
			return r;
		return hex(a, "key", p->data, 1, TC_ORPC_PERSO_DATA_MAX,
		    &p->data_len, err, errlen);
	case TC_ORPC_PERSO_END:
		return parse_end(a, p, err, errlen);
	case TC_ORPC_PERSO_PRINT:
		return parse_print(a, p, err, errlen);
	default:
		return 0;
	}
}
