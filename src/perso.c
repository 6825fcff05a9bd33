/* SPDX-License-Identifier: MIT */
/*
 * Chip personalisation (include/tcard/perso.h): the driver, the profile's
 * steps between the registry brackets, all through the callbacks of a
 * struct tc_perso_env. The order of the registry writes is what makes a
 * pulled card safe: "incomplete" is committed before the chip is touched,
 * "done" only after the chip passed a tap verification. What needs the
 * registry or the key store (tc_personalise, the signature and the
 * certificate) is src/perso-local.c, so that a process that drives a card
 * for another (tcard-issuerd's web worker) links none of it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "tcard/cardapp.h"
#include "tcard/cardops.h"
#include "tcard/chip.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/perso.h"
#include "tcard/tap.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int
tc_perso_signer_ring(
    const struct tc_cose_key *signer, struct tc_cose_keyring **out)
{
	struct tc_cose_key *k = NULL;
	const uint8_t *kid;
	size_t kidlen;
	int r;

	*out = NULL;
	kid = tc_cose_key_kid(signer, &kidlen);
	if ((r = tc_cose_keyring_new(out)) != 0 ||
	    (r = tc_cose_key_new(
		 &k, tc_cose_key_pkey(signer), kid, kidlen, NULL, 0)) != 0 ||
	    (r = tc_cose_keyring_add(*out, k)) != 0) {
		tc_cose_keyring_free(*out);
		*out = NULL;
	}
	return r;
}

/*
 * Checks the chip as a service window would; 0 only when it is VALID for
 * card_no and signed the challenge. The verdict's reason goes to err.
 */
static int
check_chip(struct tc_icc *icc, const struct tc_profile_set *profiles,
    const char *profile, const struct tc_cose_keyring *ring, time_t now,
    const char *card_no, uint8_t *key, size_t *keylen, char *err, size_t errlen)
{
	struct tc_tap_result tr;
	int r;

	if ((r = tc_tap_verify(icc, profiles, profile, ring, NULL, now, &tr,
		 err, errlen)) != 0)
		return r;
	if (!tr.v.valid || !tr.card_checked)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "the chip fails verification: %s: %s",
		    tr.v.reason ? tr.v.reason : "?", tr.v.message);
	if (strcmp(tr.v.claims.card_no, card_no) != 0)
		return tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "the chip carries card %s, not %s", tr.v.claims.card_no,
		    card_no);
	if (key != NULL) {
		memcpy(key, tr.v.claims.card_key, tr.v.claims.card_key_len);
		*keylen = tr.v.claims.card_key_len;
	}
	return 0;
}

/* The steps of the profile after the selection (step 4 and 5). */
static int
drive_steps(struct tc_cardapp *app, const struct tc_profile_set *profiles,
    const struct tc_perso_job *job, const struct tc_perso_env *env, int attempt,
    struct tc_perso_result *res, uint8_t *key, size_t *keylen, char *err,
    size_t errlen)
{
	struct tc_buf cose, der;
	size_t i;
	int r = 0;

	tc_buf_init(&cose, TC_CARDAPP_CRED_MAX);
	tc_buf_init(&der, 8192);
	for (i = 1; i < app->profile->n_steps && r == 0; i++) {
		res->step = tc_profile_step_name(app->profile->steps[i]);
		switch (app->profile->steps[i]) {
		case TC_PSTEP_AUTHENTICATE:
			r = tc_cardapp_authenticate(
			    app, env->card_keys, attempt > 1, err, errlen);
			break;
		case TC_PSTEP_ROTATE_KEYS:
			r = tc_cardapp_rotate_keys(
			    app, env->card_keys, err, errlen);
			break;
		case TC_PSTEP_GENERATE_KEY:
			r = tc_cardapp_generate_key(
			    app, job->cose_alg, err, errlen);
			if (r != 0)
				break;
			tc_buf_reset(&cose);
			r = env->sign_credential(env->ctx, app->card_key,
			    app->card_key_len, &cose, err, errlen);
			break;
		case TC_PSTEP_WRITE_CERTIFICATE:
			tc_buf_reset(&der);
			if ((r = env->card_cert(env->ctx, app->card_key,
				 app->card_key_len, &der, err, errlen)) == 0)
				r = tc_cardapp_write_certificate(
				    app, der.data, der.len, err, errlen);
			break;
		case TC_PSTEP_WRITE_CREDENTIAL:
			r = tc_cardapp_write_credential(
			    app, cose.data, cose.len, err, errlen);
			break;
		case TC_PSTEP_LOCK:
			r = tc_cardapp_lock(
			    app, cose.data, cose.len, err, errlen);
			break;
		case TC_PSTEP_CHECK:
			r = check_chip(app->icc, profiles, app->profile->name,
			    env->ring, env->now, job->card_no, key, keylen, err,
			    errlen);
			break;
		default:
			r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
			    "step %s out of place", res->step);
			break;
		}
	}
	tc_buf_release(&cose);
	tc_buf_release(&der);
	return r;
}

int
tc_perso_drive(struct tc_icc *icc, const struct tc_profile_set *profiles,
    const char *profile, const struct tc_perso_job *job,
    const struct tc_perso_env *env, struct tc_perso_result *res, char *err,
    size_t errlen)
{
	struct tc_cardapp app;
	uint8_t key[TC_CHIP_KEY_MAX];
	size_t keylen = 0;
	unsigned c0;
	double t0;
	int r, attempt = 0, locks;

	if (res == NULL)
		return TC_ERR_INVALID_ARG;
	memset(res, 0, sizeof(*res));
	memset(&app, 0, sizeof(app));
	if (icc == NULL || profiles == NULL || job == NULL || env == NULL ||
	    env->card_keys == NULL || env->ring == NULL ||
	    env->chip_start == NULL || env->chip_done == NULL ||
	    env->sign_credential == NULL || env->card_cert == NULL)
		return TC_ERR_INVALID_ARG;
	snprintf(res->card_no, sizeof(res->card_no), "%s", job->card_no);
	t0 = now_ms();
	c0 = tc_icc_count(icc);
	res->step = "select";
	if ((r = tc_cardapp_open(
		 &app, icc, profiles, profile, 1, err, errlen)) != 0)
		goto out;
	snprintf(res->uid, sizeof(res->uid), "%s", app.uid_hex);
	snprintf(res->profile, sizeof(res->profile), "%s", app.profile->name);
	if (job->chip_known && job->chip_done) {
		/* Done before: the same chip is only checked again. */
		res->step = "check";
		if (strcmp(job->chip_uid, app.uid_hex) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_STATE,
			    "card %s is personalised on chip %s already; this is chip %s",
			    job->card_no, job->chip_uid, app.uid_hex);
			goto out;
		}
		res->was_complete = 1;
		res->attempt = job->chip_attempts;
		r = check_chip(icc, profiles, app.profile->name, env->ring,
		    env->now, job->card_no, NULL, NULL, err, errlen);
		goto out;
	}

	/* 3: "incomplete" before the chip is changed. */
	res->step = "registry";
	if ((r = env->chip_start(env->ctx, app.uid_hex, app.profile->name,
		 &attempt, err, errlen)) != 0)
		goto out;
	res->attempt = attempt;

	/* A chip complete already (its last answer was lost): check only. */
	locks = (app.ops->flags & TC_CARD_LOCKS) != 0;
	if (attempt > 1 && (!locks || app.operational)) {
		res->step = "check";
		r = check_chip(icc, profiles, app.profile->name, env->ring,
		    env->now, job->card_no, key, &keylen, NULL, 0);
		if (r == 0) {
			res->was_complete = 1;
			goto record;
		}
		if (locks) {
			r = tc_seterr(err, errlen, TC_ERR_CARD,
			    "the chip is locked but does not verify as card %s: it cannot be personalised again",
			    job->card_no);
			goto out;
		}
		/* No lock (PIV): start over; the check selected the application. */
		tc_cardapp_release(&app);
		if ((r = tc_cardapp_open(&app, icc, profiles, app.profile->name,
			 1, err, errlen)) != 0)
			goto out;
	} else if (app.operational && locks) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "chip %s is locked already (personalised elsewhere)",
		    app.uid_hex);
		goto out;
	}

	if ((r = drive_steps(&app, profiles, job, env, attempt, res, key,
		 &keylen, err, errlen)) != 0)
		goto out;
	if (keylen == 0) {
		/* A profile without the check step: the generated key. */
		memcpy(key, app.card_key, app.card_key_len);
		keylen = app.card_key_len;
	}
	/*
	 * Commands still queued by a transport that batches (the station
	 * relay) reach the card before the registry hears "done".
	 */
	if ((r = tc_icc_flush(icc, err, errlen)) != 0)
		goto out;
record:
	res->step = "registry";
	r = env->chip_done(env->ctx, app.uid_hex, key, keylen, err, errlen);
out:
	if (r == 0)
		res->step = NULL;
	res->apdus = tc_icc_count(icc) - c0;
	res->ms = now_ms() - t0;
	tc_cardapp_release(&app);
	return r;
}
