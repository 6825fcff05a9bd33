/* SPDX-License-Identifier: MIT */
/*
 * The station protocol's two messages (include/tcard/station-proto.h):
 * jansson with duplicate keys refused, each member checked against a key
 * table (tcard/json-keys.h), then its value against its bounds; written
 * back with the JSON writer of tcard/jsonw.h. The format: docs/station.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/json-keys.h"
#include "tcard/jsonw.h"
#include "tcard/station-proto.h"

static const char *const stop_names[] = { "", "sw", "removed", "reader",
	"timeout" };

#define N_STOPS (sizeof(stop_names) / sizeof(stop_names[0]))

const char *
tc_station_stop_name(int stop)
{
	return stop >= 0 && (size_t)stop < N_STOPS ? stop_names[stop] : "";
}

int
tc_station_bytes_set(struct tc_station_bytes *b, const uint8_t *p, size_t n)
{
	free(b->p);
	b->n = 0;
	if ((b->p = malloc(n > 0 ? n : 1)) == NULL)
		return TC_ERR_NOMEM;
	if (n > 0)
		memcpy(b->p, p, n);
	b->n = n;
	return 0;
}

int
tc_station_sw_allowed(const struct tc_station_cmd *cmd, uint16_t sw)
{
	size_t i;

	for (i = 0; i < cmd->n_sw; i++)
		if ((sw & cmd->sw[i].mask) == cmd->sw[i].value)
			return 1;
	return 0;
}

int
tc_station_sw_parse(struct tc_station_sw *out, const char *s)
{
	uint8_t b[2];

	if (s == NULL || strlen(s) != 4)
		return TC_ERR_MALFORMED;
	if (strcmp(s, "XXXX") == 0) {
		out->value = 0;
		out->mask = 0;
		return 0;
	}
	if (strcmp(s + 2, "XX") == 0) {
		if (tc_hex_decode(s, 2, b, 1, NULL) != 0)
			return TC_ERR_MALFORMED;
		out->value = (uint16_t)(b[0] << 8);
		out->mask = 0xFF00;
		return 0;
	}
	if (tc_hex_decode(s, 4, b, 2, NULL) != 0)
		return TC_ERR_MALFORMED;
	out->value = (uint16_t)(b[0] << 8 | b[1]);
	out->mask = 0xFFFF;
	return 0;
}

/* Loads body as one JSON object checked against keys. */
static int
load(const uint8_t *body, size_t len, const struct tc_json_key *keys,
    const char *what, json_t **root, char *err, size_t errlen)
{
	const struct tc_json_key *row;
	const char *name;
	json_error_t je;
	json_t *v;

	*root = NULL;
	if (body == NULL && len > 0)
		return TC_ERR_INVALID_ARG;
	if (len > TC_STATION_BODY_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s: %zu bytes, over the limit of %d", what, len,
		    TC_STATION_BODY_MAX);
	if ((*root = json_loadb(
		 (const char *)body, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: byte %d: not JSON: %s", what, je.position, je.text);
	switch (tc_json_keys_check(*root, keys, &name, &row)) {
	case TC_JSON_OK:
		break;
	case TC_JSON_NOT_OBJECT:
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: not a JSON object", what);
	case TC_JSON_UNKNOWN:
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: unknown member \"%.40s\"", what, name);
	case TC_JSON_BAD_TYPE:
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: \"%s\" must be %s", what, name,
		    tc_json_type_name(row->type));
	default:
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: \"%s\" is required", what, name);
	}
	v = json_object_get(*root, "v");
	if (json_integer_value(v) != TC_STATION_VERSION)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: version %lld; this side speaks %d", what,
		    (long long)json_integer_value(v), TC_STATION_VERSION);
	return 0;
}

/*
 * Loads body against keys and reads its members with fields into out;
 * what names the message in errors.
 */
static int
parse(const uint8_t *body, size_t len, const struct tc_json_key *keys,
    const char *what,
    int (*fields)(json_t *root, void *out, char *err, size_t errlen), void *out,
    char *err, size_t errlen)
{
	json_t *root = NULL;
	int r;

	if ((r = load(body, len, keys, what, &root, err, errlen)) == 0)
		r = fields(root, out, err, errlen);
	json_decref(root);
	return r;
}

/* An integer member in lo..hi, or dflt when absent. */
static int
int_in(json_t *root, const char *key, long long lo, long long hi,
    long long dflt, long long *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, key);

	*out = dflt;
	if (v == NULL)
		return 0;
	*out = json_integer_value(v);
	if (*out < lo || *out > hi)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"%s\" must be %lld..%lld", key, lo, hi);
	return 0;
}

/* A hex string of lo..hi bytes into b (owned), named what in messages. */
static int
hex_member(json_t *v, size_t lo, size_t hi, struct tc_station_bytes *b,
    const char *what, size_t i, char *err, size_t errlen)
{
	const char *s;
	size_t len, bad = 0;

	if (!json_is_string(v))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s %zu must be a hex string", what, i);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len % 2 != 0 || len / 2 < lo || len / 2 > hi)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s %zu must be %zu..%zu bytes in hex (%zu digits)", what,
		    i, lo, hi, len);
	free(b->p);
	b->n = 0;
	if ((b->p = malloc(len / 2 > 0 ? len / 2 : 1)) == NULL)
		return TC_ERR_NOMEM;
	if (tc_hex_decode(s, len, b->p, len / 2, &bad) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s %zu: digit %zu is not hex", what, i, bad);
	b->n = len / 2;
	return 0;
}

static const struct tc_json_key req_keys[] = {
	{ "v", TC_JSON_INT, 1 },
	{ "present", TC_JSON_BOOL, 1 },
	{ "insert", TC_JSON_INT, 1 },
	{ "atr", TC_JSON_STR, 0 },
	{ "batch", TC_JSON_INT, 0 },
	{ "answers", TC_JSON_ARR, 0 },
	{ "stop", TC_JSON_STR, 0 },
	{ "wait", TC_JSON_INT, 0 },
	{ NULL, 0, 0 },
};

/* The batch's answers and why they stopped. */
static int
req_answers(json_t *root, struct tc_station_req *req, char *err, size_t errlen)
{
	json_t *a = json_object_get(root, "answers"),
	       *st = json_object_get(root, "stop"), *v;
	size_t i;
	int r;

	if (req->batch == 0) {
		if (a != NULL || st != NULL)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "\"answers\" and \"stop\" come with \"batch\" only");
		return 0;
	}
	if (a == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"batch\" comes with \"answers\"");
	if (json_array_size(a) > TC_STATION_BATCH_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "more than %d answers", TC_STATION_BATCH_MAX);
	json_array_foreach(a, i, v)
	{
		if ((r = hex_member(v, 2, TC_STATION_ANS_MAX, &req->answers[i],
			 "answer", i, err, errlen)) != 0)
			return r;
		req->n_answers = i + 1;
	}
	if (st == NULL)
		return 0;
	for (i = 1; i < N_STOPS; i++)
		if (strcmp(json_string_value(st), stop_names[i]) == 0)
			req->stop = (int)i;
	if (req->stop == TC_STATION_RAN_ALL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"stop\" must be sw, removed, reader or timeout");
	if (req->stop == TC_STATION_STOP_SW && req->n_answers == 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"stop\": \"sw\" names the last answer, and there is none");
	return 0;
}

static int
req_fields(json_t *root, void *out, char *err, size_t errlen)
{
	struct tc_station_req *req = out;
	struct tc_station_bytes atr = { NULL, 0 };
	json_t *v;
	long long n;
	int r;

	req->present = json_is_true(json_object_get(root, "present"));
	if ((r = int_in(root, "insert", 0, UINT32_MAX, 0, &n, err, errlen)) !=
	    0)
		return r;
	req->insert = (uint32_t)n;
	v = json_object_get(root, "atr");
	if ((v != NULL) != req->present)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"atr\" comes with a card present, and only then");
	if (v != NULL) {
		r = hex_member(
		    v, 2, TC_STATION_ATR_MAX, &atr, "atr", 0, err, errlen);
		if (r == 0) {
			memcpy(req->atr, atr.p, atr.n);
			req->atr_len = atr.n;
		}
		free(atr.p);
		if (r != 0)
			return r;
	}
	if ((r = int_in(root, "batch", 1, INT64_MAX, 0, &n, err, errlen)) != 0)
		return r;
	req->batch = (uint64_t)n;
	if ((r = int_in(root, "wait", 0, TC_STATION_WAIT_MAX, 0, &n, err,
		 errlen)) != 0)
		return r;
	req->wait_ms = (int)n;
	return req_answers(root, req, err, errlen);
}

int
tc_station_req_parse(struct tc_station_req *req, const uint8_t *body,
    size_t len, char *err, size_t errlen)
{
	int r;

	if (req == NULL)
		return TC_ERR_INVALID_ARG;
	memset(req, 0, sizeof(*req));
	if ((r = parse(body, len, req_keys, "station request", req_fields, req,
		 err, errlen)) != 0)
		tc_station_req_free(req);
	return r;
}

void
tc_station_req_free(struct tc_station_req *req)
{
	size_t i;

	if (req == NULL)
		return;
	for (i = 0; i < TC_STATION_BATCH_MAX; i++)
		free(req->answers[i].p);
	memset(req, 0, sizeof(*req));
}

/* Writes the n bytes at p as a hex string (key NULL: an array element). */
static void
put_hex(struct tc_jw *w, const char *key, const uint8_t *p, size_t n)
{
	char *s;

	if ((s = malloc(2 * n + 1)) == NULL) {
		w->err = w->err != 0 ? w->err : TC_ERR_NOMEM;
		return;
	}
	tc_hex_encode(p, n, s);
	if (key != NULL)
		tc_jw_kstr(w, key, s);
	else
		tc_jw_str(w, s);
	free(s);
}

int
tc_station_req_write(const struct tc_station_req *req, struct tc_buf *out)
{
	struct tc_jw w;
	size_t i;

	if (req == NULL || out == NULL || req->n_answers > TC_STATION_BATCH_MAX)
		return TC_ERR_INVALID_ARG;
	tc_jw_init(&w, out);
	tc_jw_obj(&w);
	tc_jw_kint(&w, "v", TC_STATION_VERSION);
	tc_jw_kbool(&w, "present", req->present);
	tc_jw_kint(&w, "insert", req->insert);
	if (req->present)
		put_hex(&w, "atr", req->atr, req->atr_len);
	if (req->batch > 0) {
		tc_jw_kint(&w, "batch", (int64_t)req->batch);
		tc_jw_key(&w, "answers");
		tc_jw_arr(&w);
		for (i = 0; i < req->n_answers; i++)
			put_hex(&w, NULL, req->answers[i].p, req->answers[i].n);
		tc_jw_end(&w);
		if (req->stop != TC_STATION_RAN_ALL)
			tc_jw_kstr(&w, "stop", tc_station_stop_name(req->stop));
	}
	if (req->wait_ms > 0)
		tc_jw_kint(&w, "wait", req->wait_ms);
	tc_jw_end(&w);
	return tc_jw_error(&w);
}

static const struct tc_json_key resp_keys[] = {
	{ "v", TC_JSON_INT, 1 },
	{ "batch", TC_JSON_INT, 0 },
	{ "job", TC_JSON_STR, 0 },
	{ "reset", TC_JSON_BOOL, 0 },
	{ "cmds", TC_JSON_ARR, 0 },
	{ "poll", TC_JSON_INT, 0 },
	{ "print", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};

static const struct tc_json_key cmd_keys[] = {
	{ "c", TC_JSON_STR, 1 },
	{ "sw", TC_JSON_ARR, 0 },
	{ NULL, 0, 0 },
};

/* One command of the batch: {"c": HEX, "sw": [PATTERN, ...]}. */
static int
resp_cmd(
    json_t *o, size_t i, struct tc_station_cmd *cmd, char *err, size_t errlen)
{
	const struct tc_json_key *row;
	const char *name;
	json_t *sw, *v;
	size_t k;
	int r;

	if (tc_json_keys_check(o, cmd_keys, &name, &row) != TC_JSON_OK)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "command %zu: expected {\"c\": HEX, \"sw\": [PATTERN, ...]}",
		    i);
	if ((r = hex_member(json_object_get(o, "c"), 4, TC_STATION_CMD_MAX,
		 &cmd->c, "command", i, err, errlen)) != 0)
		return r;
	if ((sw = json_object_get(o, "sw")) == NULL) {
		cmd->sw[0].value = 0x9000;
		cmd->sw[0].mask = 0xFFFF;
		cmd->n_sw = 1;
		return 0;
	}
	if (json_array_size(sw) == 0 || json_array_size(sw) > TC_STATION_SW_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "command %zu: 1..%d status word patterns", i,
		    TC_STATION_SW_MAX);
	json_array_foreach(sw, k, v)
	{
		if (tc_station_sw_parse(&cmd->sw[k], json_string_value(v)) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "command %zu: status word %zu is not HHHH, HHXX or XXXX",
			    i, k);
		cmd->n_sw = k + 1;
	}
	return 0;
}

static int
job_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return i >= 1 && i <= TC_STATION_JOB_MAX;
}

static int
resp_fields(json_t *root, void *out, char *err, size_t errlen)
{
	struct tc_station_resp *resp = out;
	json_t *cmds = json_object_get(root, "cmds"),
	       *job = json_object_get(root, "job"),
	       *print = json_object_get(root, "print"), *v;
	long long n;
	size_t i;
	int r;

	if ((r = int_in(root, "batch", 1, INT64_MAX, 0, &n, err, errlen)) != 0)
		return r;
	resp->batch = (uint64_t)n;
	if ((r = int_in(root, "poll", 0, TC_STATION_POLL_MAX, 0, &n, err,
		 errlen)) != 0)
		return r;
	resp->poll_ms = (int)n;
	if (print != NULL) {
		if (!job_ok(json_string_value(print)))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "\"print\" must be 1..%d characters of A-Z, a-z, 0-9 and -",
			    TC_STATION_JOB_MAX);
		snprintf(resp->print, sizeof(resp->print), "%s",
		    json_string_value(print));
	}
	if (resp->batch == 0) {
		if (cmds != NULL || job != NULL ||
		    json_object_get(root, "reset") != NULL)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "\"cmds\", \"job\" and \"reset\" come with \"batch\" only");
		return 0;
	}
	if (job == NULL || !job_ok(json_string_value(job)))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"job\" must be 1..%d characters of A-Z, a-z, 0-9 and -",
		    TC_STATION_JOB_MAX);
	snprintf(resp->job, sizeof(resp->job), "%s", json_string_value(job));
	resp->reset = json_is_true(json_object_get(root, "reset"));
	if (json_array_size(cmds) == 0 ||
	    json_array_size(cmds) > TC_STATION_BATCH_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "\"cmds\" must hold 1..%d commands", TC_STATION_BATCH_MAX);
	json_array_foreach(cmds, i, v)
	{
		if ((r = resp_cmd(v, i, &resp->cmds[i], err, errlen)) != 0)
			return r;
		resp->n_cmds = i + 1;
	}
	return 0;
}

int
tc_station_resp_parse(struct tc_station_resp *resp, const uint8_t *body,
    size_t len, char *err, size_t errlen)
{
	int r;

	if (resp == NULL)
		return TC_ERR_INVALID_ARG;
	memset(resp, 0, sizeof(*resp));
	if ((r = parse(body, len, resp_keys, "station response", resp_fields,
		 resp, err, errlen)) != 0)
		tc_station_resp_free(resp);
	return r;
}

void
tc_station_resp_free(struct tc_station_resp *resp)
{
	size_t i;

	if (resp == NULL)
		return;
	for (i = 0; i < TC_STATION_BATCH_MAX; i++)
		free(resp->cmds[i].c.p);
	memset(resp, 0, sizeof(*resp));
}

/* The pattern p as text: "9000", "61XX". */
static void
sw_text(const struct tc_station_sw *p, char s[5])
{
	if (p->mask == 0)
		snprintf(s, 5, "XXXX");
	else if (p->mask == 0xFF00)
		snprintf(s, 5, "%02XXX", p->value >> 8);
	else
		snprintf(s, 5, "%04X", p->value);
}

int
tc_station_resp_write(const struct tc_station_resp *resp, struct tc_buf *out)
{
	const struct tc_station_cmd *c;
	struct tc_jw w;
	char s[5];
	size_t i, k;

	if (resp == NULL || out == NULL ||
	    resp->n_cmds > TC_STATION_BATCH_MAX ||
	    (resp->batch > 0) != (resp->n_cmds > 0))
		return TC_ERR_INVALID_ARG;
	tc_jw_init(&w, out);
	tc_jw_obj(&w);
	tc_jw_kint(&w, "v", TC_STATION_VERSION);
	if (resp->batch > 0) {
		tc_jw_kint(&w, "batch", (int64_t)resp->batch);
		tc_jw_kstr(&w, "job", resp->job);
		if (resp->reset)
			tc_jw_kbool(&w, "reset", 1);
		tc_jw_key(&w, "cmds");
		tc_jw_arr(&w);
		for (i = 0; i < resp->n_cmds; i++) {
			c = &resp->cmds[i];
			tc_jw_obj(&w);
			put_hex(&w, "c", c->c.p, c->c.n);
			tc_jw_key(&w, "sw");
			tc_jw_arr(&w);
			for (k = 0; k < c->n_sw; k++) {
				sw_text(&c->sw[k], s);
				tc_jw_str(&w, s);
			}
			tc_jw_end(&w);
			tc_jw_end(&w);
		}
		tc_jw_end(&w);
	}
	if (resp->poll_ms > 0)
		tc_jw_kint(&w, "poll", resp->poll_ms);
	if (resp->print[0] != '\0')
		tc_jw_kstr(&w, "print", resp->print);
	tc_jw_end(&w);
	return tc_jw_error(&w);
}
