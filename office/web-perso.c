/* SPDX-License-Identifier: MIT */
/*
 * The web worker's side of a personalisation job (office/web.h,
 * web_perso_*; docs/station.md): the driver's callbacks (struct
 * tc_perso_env) and its key provider (struct tc_card_keys), each one RPC
 * to the monitor (office/mon-perso.c), which answers only for the job's
 * station and the chip the job started. The worker holds what the
 * monitor hands it for the one card it drives: the session keys of its
 * secure channel, its PUT KEY data or PIV management key; never the
 * master key, a signer or the CA. The card profiles and the signer's
 * public key (for the final tap verification) come in perso-job's
 * answer: the worker reads no file.
 *
 * web_call is safe from any thread (the channel's calls are pipelined
 * under its own locks, office/web-rpc.c; the log takes its own): a job
 * thread calls it with a response of its own that nothing sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "tcard/cardapp.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/perso.h"
#include "tcard/profile.h"
#include "tcard/scp.h"
#include "web.h"

struct web_perso {
	struct web *w;
	char job_id[TC_ORPC_JOB_MAX + 1];
	char station[TC_ORPC_STATION_MAX + 1];
	struct tc_perso_job job;
	struct tc_perso_env env;
	struct tc_card_keys keys;
	struct tc_cose_keyring *ring;
	struct tc_profile_set profiles;
};

/* The library's error for a monitor's answer of status and code. */
static int
status_err(unsigned status, const char *code)
{
	if (code != NULL && strcmp(code, "secure-channel") == 0)
		return TC_ERR_SECURE_CHANNEL;
	switch (status) {
	case 400:
		return TC_ERR_INVALID_ARG;
	case 403:
		return TC_ERR_FORBIDDEN;
	case 404:
		return TC_ERR_NOT_FOUND;
	case 409:
		return TC_ERR_STATE;
	case 503:
		return TC_ERR_NOT_FOUND;
	}
	return TC_ERR_INTERNAL;
}

/*
 * One op of the job: args (consumed; job and station added) out, the
 * answer's body (a new reference) into *body. Returns 0, or TC_ERR_* with
 * err saying what the monitor said.
 */
static int
call(struct web_perso *p, const char *op, json_t *args, json_t **body,
    char *err, size_t errlen)
{
	struct web_answer an;
	struct tc_dresp resp;
	json_t *req;
	int r;

	*body = NULL;
	if (args == NULL ||
	    json_object_set_new(args, "job", json_string(p->job_id)) != 0 ||
	    json_object_set_new(args, "station", json_string(p->station)) !=
		0 ||
	    (req = json_pack("{s:s, s:o}", "op", op, "args", args)) == NULL) {
		json_decref(args);
		return tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "%s: out of memory", op);
	}
	memset(&resp, 0, sizeof(resp));
	resp.fd = -1;
	tc_buf_init(&resp.body, 4096);
	if (web_call(p->w, req, &an, &resp) != 0) {
		tc_buf_release(&resp.body);
		return tc_seterr(err, errlen, TC_ERR_IO,
		    "%s: the office's monitor process is not answering", op);
	}
	tc_buf_release(&resp.body);
	if (an.status != 200 && an.status != 201) {
		r = tc_seterr(err, errlen, status_err(an.status, an.error),
		    "%s: %u %s", op, an.status,
		    an.message != NULL ? an.message : "");
	} else if (!json_is_object(an.body)) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: the monitor's answer has no body", op);
	} else {
		*body = json_incref(an.body);
		r = 0;
	}
	web_answer_free(&an);
	return r;
}

/* Hex member name of body: exactly n bytes (max: at most n) into out. */
static int
hex_member(json_t *body, const char *op, const char *name, uint8_t *out,
    size_t n, int max, size_t *got, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(body, name));
	size_t len = s != NULL ? strlen(s) : 0;

	if (s == NULL || len % 2 != 0 || (max ? len / 2 > n : len / 2 != n) ||
	    tc_hex_decode(s, len, out, len / 2, NULL) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: the monitor's %s is not %s%zu bytes of hex", op, name,
		    max ? "at most " : "", n);
	if (got != NULL)
		*got = len / 2;
	return 0;
}

/* A hex member of any length appended to out. */
static int
hex_append(json_t *body, const char *op, const char *name, struct tc_buf *out,
    char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(body, name));
	size_t len = s != NULL ? strlen(s) : 0;
	uint8_t *b;
	int r;

	if (s == NULL || len == 0 || len % 2 != 0 ||
	    (b = malloc(len / 2)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: the monitor's %s is not hex", op, name);
	if ((r = tc_hex_decode(s, len, b, len / 2, NULL)) == 0 &&
	    (r = tc_buf_put(out, b, len / 2)) != 0)
		r = tc_seterr(
		    err, errlen, r, "%s: %s of %zu bytes", op, name, len / 2);
	else if (r != 0)
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: the monitor's %s is not hex", op, name);
	free(b);
	return r;
}

static json_t *
hex_json(const uint8_t *b, size_t n)
{
	char *s;
	json_t *v;

	if ((s = malloc(2 * n + 1)) == NULL)
		return NULL;
	tc_hex_encode(b, n, s);
	v = json_string(s);
	free(s);
	return v;
}

/* ---- the driver's callbacks (struct tc_perso_env) ---- */

static int
cb_chip_start(void *ctx, const char *uid, const char *profile, int *attempt,
    char *err, size_t errlen)
{
	json_t *body;
	int r;

	if ((r = call(ctx, "perso-chip-start",
		 json_pack("{s:s, s:s}", "uid", uid, "profile", profile), &body,
		 err, errlen)) != 0)
		return r;
	*attempt = (int)json_integer_value(json_object_get(body, "attempt"));
	json_decref(body);
	if (*attempt < 1)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "perso-chip-start: no attempt in the monitor's answer");
	return 0;
}

static int
cb_chip_done(void *ctx, const char *uid, const uint8_t *key, size_t keylen,
    char *err, size_t errlen)
{
	json_t *body;
	int r;

	if ((r = call(ctx, "perso-chip-done",
		 json_pack(
		     "{s:s, s:o}", "uid", uid, "key", hex_json(key, keylen)),
		 &body, err, errlen)) != 0)
		return r;
	json_decref(body);
	return 0;
}

static int
cb_sign(void *ctx, const uint8_t *spki, size_t n, struct tc_buf *cose,
    char *err, size_t errlen)
{
	json_t *body;
	int r;

	if ((r = call(ctx, "perso-sign",
		 json_pack("{s:o}", "spki", hex_json(spki, n)), &body, err,
		 errlen)) != 0)
		return r;
	r = hex_append(body, "perso-sign", "cose", cose, err, errlen);
	json_decref(body);
	return r;
}

static int
cb_cert(void *ctx, const uint8_t *spki, size_t n, struct tc_buf *der, char *err,
    size_t errlen)
{
	json_t *body;
	int r;

	if ((r = call(ctx, "perso-cert",
		 json_pack("{s:o}", "spki", hex_json(spki, n)), &body, err,
		 errlen)) != 0)
		return r;
	r = hex_append(body, "perso-cert", "der", der, err, errlen);
	json_decref(body);
	return r;
}

/* ---- the key provider (struct tc_card_keys) ---- */

static int
kp_scp_session(void *ctx, const struct tc_cardapp *app,
    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN],
    const struct tc_scp_iu *iu, struct tc_scp_session *out, char *err,
    size_t errlen)
{
	uint8_t b[TC_SCP_IU_LEN];
	json_t *body;
	int r;

	/* The answer as the card gave it (tc_scp_parse_iu's layout). */
	memcpy(b, iu->div, TC_SCP_DIV_LEN);
	b[10] = iu->kvn;
	b[11] = iu->scp_id;
	b[12] = iu->i_param;
	memcpy(b + 13, iu->card_challenge, TC_SCP_CHALLENGE_LEN);
	memcpy(b + 21, iu->card_cryptogram, TC_SCP_CRYPTO_LEN);
	if ((r = call(ctx, "perso-scp-session",
		 json_pack("{s:s, s:o, s:o}", "uid", app->uid_hex,
		     "host_challenge",
		     hex_json(host_challenge, TC_SCP_CHALLENGE_LEN), "iu",
		     hex_json(b, sizeof(b))),
		 &body, err, errlen)) != 0)
		return r;
	if ((r = hex_member(body, "perso-scp-session", "s_enc", out->s_enc,
		 TC_SCP_KEY_LEN, 0, NULL, err, errlen)) == 0 &&
	    (r = hex_member(body, "perso-scp-session", "s_mac", out->s_mac,
		 TC_SCP_KEY_LEN, 0, NULL, err, errlen)) == 0)
		r = hex_member(body, "perso-scp-session", "s_rmac", out->s_rmac,
		    TC_SCP_KEY_LEN, 0, NULL, err, errlen);
	json_decref(body);
	if (r != 0)
		OPENSSL_cleanse(out, sizeof(*out));
	return r;
}

static int
kp_put_key(void *ctx, const struct tc_cardapp *app,
    uint8_t data[TC_CARD_PUT_KEY_LEN], char *err, size_t errlen)
{
	json_t *body;
	int r;

	if ((r = call(ctx, "perso-put-key",
		 json_pack("{s:s}", "uid", app->uid_hex), &body, err,
		 errlen)) != 0)
		return r;
	r = hex_member(body, "perso-put-key", "data", data, TC_CARD_PUT_KEY_LEN,
	    0, NULL, err, errlen);
	json_decref(body);
	return r;
}

static int
kp_piv_mgmt(void *ctx, const struct tc_cardapp *app, uint8_t key[16], char *err,
    size_t errlen)
{
	json_t *body;
	int r;

	if ((r = call(ctx, "perso-piv-mgmt",
		 json_pack("{s:s}", "uid", app->uid_hex), &body, err,
		 errlen)) != 0)
		return r;
	r = hex_member(
	    body, "perso-piv-mgmt", "key", key, 16, 0, NULL, err, errlen);
	json_decref(body);
	return r;
}

/* ---- the job ---- */

/* perso-job's answer into p: the job, the signer's ring, the profiles. */
static int
job_from(struct web_perso *p, json_t *b, char *err, size_t errlen)
{
	struct tc_cose_key *k = NULL;
	uint8_t kid[TC_COSE_KID_MAX], spki[1024];
	size_t kidlen, spkilen, i;
	const char *card = json_string_value(json_object_get(b, "card"));
	const char *uid = json_string_value(json_object_get(b, "chip_uid"));
	json_t *texts = json_object_get(b, "profiles"), *v;
	int r;

	if (card == NULL || strlen(card) != 16 || uid == NULL ||
	    strlen(uid) >= sizeof(p->job.chip_uid) || !json_is_array(texts) ||
	    json_array_size(texts) > TC_PROFILE_SET_MAX)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "perso-job: the monitor's answer is not a job's");
	memcpy(p->job.card_no, card, 17);
	p->job.cose_alg =
	    (int)json_integer_value(json_object_get(b, "cose_alg"));
	p->job.chip_known = json_is_true(json_object_get(b, "chip_known"));
	p->job.chip_done = json_is_true(json_object_get(b, "chip_done"));
	snprintf(p->job.chip_uid, sizeof(p->job.chip_uid), "%s", uid);
	p->job.chip_attempts =
	    (int)json_integer_value(json_object_get(b, "chip_attempts"));
	p->env.now = (time_t)json_integer_value(json_object_get(b, "now"));
	if ((r = hex_member(b, "perso-job", "signer_kid", kid, sizeof(kid), 1,
		 &kidlen, err, errlen)) != 0 ||
	    (r = hex_member(b, "perso-job", "signer_spki", spki, sizeof(spki),
		 1, &spkilen, err, errlen)) != 0)
		return r;
	if ((r = tc_cose_key_from_spki(
		 &k, spki, spkilen, kid, kidlen, err, errlen)) != 0)
		return r;
	r = tc_perso_signer_ring(k, &p->ring);
	tc_cose_key_free(k);
	if (r != 0)
		return tc_seterr(
		    err, errlen, r, "perso-job: the signer's ring");
	json_array_foreach(texts, i, v)
	{
		if (!json_is_string(v))
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "perso-job: profiles[%zu] is not text", i);
		if ((r = tc_profile_parse(&p->profiles.v[p->profiles.n],
			 json_string_value(v), json_string_length(v), "profile",
			 err, errlen)) != 0)
			return r;
		p->profiles.n++;
	}
	return 0;
}

int
web_perso_open(struct web *w, const char *job, const char *station,
    struct web_perso **out, char *err, size_t errlen)
{
	struct web_perso *p;
	json_t *body;
	int r;

	*out = NULL;
	if (w == NULL || !tc_orpc_job_ok(job) || !tc_orpc_station_ok(station))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "perso-job: a job of 1 to %d of A-Z a-z 0-9 - and a station of 1 to %d of A-Z a-z 0-9 . _ -",
		    TC_ORPC_JOB_MAX, TC_ORPC_STATION_MAX);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_NOMEM, "perso-job: out of memory");
	p->w = w;
	snprintf(p->job_id, sizeof(p->job_id), "%s", job);
	snprintf(p->station, sizeof(p->station), "%s", station);
	if ((r = call(p, "perso-job", json_object(), &body, err, errlen)) ==
	    0) {
		r = job_from(p, body, err, errlen);
		json_decref(body);
	}
	if (r != 0) {
		tc_cose_keyring_free(p->ring);
		tc_profile_set_release(&p->profiles);
		free(p);
		return r;
	}
	p->keys.ctx = p;
	p->keys.scp_session = kp_scp_session;
	p->keys.scp_put_key = kp_put_key;
	p->keys.piv_mgmt_key = kp_piv_mgmt;
	p->env.ctx = p;
	p->env.card_keys = &p->keys;
	p->env.ring = p->ring;
	p->env.chip_start = cb_chip_start;
	p->env.chip_done = cb_chip_done;
	p->env.sign_credential = cb_sign;
	p->env.card_cert = cb_cert;
	*out = p;
	return 0;
}

const struct tc_perso_job *
web_perso_job(const struct web_perso *p)
{
	return &p->job;
}

const struct tc_perso_env *
web_perso_env(const struct web_perso *p)
{
	return &p->env;
}

const struct tc_profile_set *
web_perso_profiles(const struct web_perso *p)
{
	return &p->profiles;
}

void
web_perso_close(struct web_perso *p, int rc, const struct tc_perso_result *res,
    const char *err, unsigned round_trips)
{
	char e[TC_ORPC_PERSO_TEXT_MAX + 1] = "", cerr[512] = "";
	const char *step = res != NULL && res->step != NULL ? res->step : "";
	json_t *body;
	size_t i;

	if (p == NULL)
		return;
	/* One line of text: control characters become spaces. */
	snprintf(e, sizeof(e), "%s", err != NULL ? err : "");
	if (err != NULL && strlen(err) >= sizeof(e)) {
		/* Cut: no part of a character is left at the end. */
		i = strlen(e);
		while (i > 0 && ((unsigned char)e[i - 1] & 0xC0) == 0x80)
			i--;
		if (i > 0 && (unsigned char)e[i - 1] >= 0xC0)
			i--;
		e[i] = '\0';
	}
	for (i = 0; e[i] != '\0'; i++)
		if ((unsigned char)e[i] < 0x20 || e[i] == 0x7f)
			e[i] = ' ';
	if (rc > 0 || rc < -1000)
		rc = TC_ERR_INTERNAL;
	if (call(p, "perso-end",
		json_pack("{s:i, s:s, s:s, s:I}", "rc", rc, "step",
		    strlen(step) <= TC_ORPC_PERSO_STEP_MAX ? step : "", "error",
		    rc != 0 ? e : "", "round_trips", (json_int_t)round_trips),
		&body, cerr, sizeof(cerr)) == 0)
		json_decref(body);
	else
		tc_dlog_event(p->w->log, "perso", "warning",
		    "job %s: the monitor did not take its end: %s", p->job_id,
		    cerr);
	tc_cose_keyring_free(p->ring);
	tc_profile_set_release(&p->profiles);
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
}
