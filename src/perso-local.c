/* SPDX-License-Identifier: MIT */
/*
 * The key provider's side of personalisation (include/tcard/perso.h):
 * the credential's signature and the PIV certificate, and
 * tc_personalise(), the driver of src/perso.c with the local callbacks
 * over the registry and the key store. tcard-issuer personalise and
 * tcard-issuerd's monitor link this file; the web worker, which drives
 * cards through the station relay and holds no key, links only
 * src/perso.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "tcard/cardapp.h"
#include "tcard/chip.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/ecard.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/perso.h"

int
tc_perso_sign_claims(const struct tc_claims *c,
    const struct tc_cose_key *signer, struct tc_buf *cose, char *err,
    size_t errlen)
{
	struct tc_buf payload;
	int r;

	tc_buf_init(&payload, TC_CRED_INFLATE_MAX);
	if ((r = tc_claims_encode(&payload, c, err, errlen)) == 0)
		r = tc_cose_sign1_create(
		    cose, signer, payload.data, payload.len, err, errlen);
	tc_buf_release(&payload);
	return r;
}

int
tc_perso_card_cert(struct tc_keystore *ks, const uint8_t *spki, size_t spki_len,
    const struct tc_claims *c, time_t now, struct tc_buf *der, char *err,
    size_t errlen)
{
	const unsigned char *p = spki;
	EVP_PKEY *pub;
	int r;

	if ((pub = d2i_PUBKEY(NULL, &p, (long)spki_len)) == NULL) {
		ERR_clear_error();
		return TC_ERR_KEY_FORMAT;
	}
	r = tc_keystore_card_cert(
	    ks, pub, c->card_no, now, (time_t)c->expires_at, der, err, errlen);
	EVP_PKEY_free(pub);
	return r;
}

/* The local callbacks: the registry and the key store at hand. */
struct local {
	struct tc_registry *reg;
	struct tc_keystore *ks;
	int64_t serial;
	const char *operator_name;
	time_t now;
	struct tc_claims c;
	const struct tc_cose_key *signer;
};

static int
local_chip_start(void *ctx, const char *uid, const char *profile, int *attempt,
    char *err, size_t errlen)
{
	struct local *l = ctx;
	int r;

	if ((r = tc_registry_begin(l->reg, err, errlen)) != 0)
		return r;
	if ((r = tc_chip_start(l->reg, l->serial, uid, profile, l->now,
		 l->operator_name, attempt, err, errlen)) != 0 ||
	    (r = tc_registry_commit(l->reg, err, errlen)) != 0)
		tc_registry_rollback(l->reg);
	return r;
}

static int
local_chip_done(void *ctx, const char *uid, const uint8_t *key, size_t keylen,
    char *err, size_t errlen)
{
	struct local *l = ctx;
	int r;

	if ((r = tc_registry_begin(l->reg, err, errlen)) != 0)
		return r;
	if ((r = tc_chip_done(l->reg, l->serial, uid, key, keylen, l->now,
		 l->operator_name, err, errlen)) != 0 ||
	    (r = tc_registry_commit(l->reg, err, errlen)) != 0)
		tc_registry_rollback(l->reg);
	return r;
}

static int
local_sign_credential(void *ctx, const uint8_t *spki, size_t n,
    struct tc_buf *cose, char *err, size_t errlen)
{
	struct local *l = ctx;

	if (n > sizeof(l->c.card_key))
		return TC_ERR_TOO_LARGE;
	memcpy(l->c.card_key, spki, n);
	l->c.card_key_len = n;
	return tc_perso_sign_claims(&l->c, l->signer, cose, err, errlen);
}

static int
local_card_cert(void *ctx, const uint8_t *spki, size_t n, struct tc_buf *der,
    char *err, size_t errlen)
{
	struct local *l = ctx;

	return tc_perso_card_cert(
	    l->ks, spki, n, &l->c, l->now, der, err, errlen);
}

int
tc_personalise(struct tc_registry *reg, struct tc_keystore *ks,
    const struct tc_programme_set *progs, const struct tc_profile_set *profiles,
    int64_t serial, const struct tc_perso_opts *o, struct tc_perso_result *res,
    char *err, size_t errlen)
{
	const struct tc_programme *prog;
	struct tc_card_state st;
	struct tc_icc_opts io;
	struct tc_icc *icc = NULL;
	struct tc_cose_key *signer = NULL;
	struct tc_cose_keyring *ring = NULL;
	struct tc_card_keys_master km;
	struct tc_perso_job job;
	struct tc_perso_env env;
	struct tc_chip chip;
	struct local l;
	uint8_t master[TC_SCP_KEY_LEN];
	int r;

	if (res == NULL)
		return TC_ERR_INVALID_ARG;
	memset(res, 0, sizeof(*res));
	memset(&l, 0, sizeof(l));
	memset(&job, 0, sizeof(job));
	memset(&km, 0, sizeof(km));
	if (reg == NULL || ks == NULL || progs == NULL || profiles == NULL ||
	    o == NULL || o->reader == NULL || o->operator_name == NULL)
		return TC_ERR_INVALID_ARG;
	res->step = "card";
	if ((r = tc_lifecycle_card_get(reg, serial, &st, err, errlen)) != 0)
		goto out;
	memcpy(res->card_no, st.card.card_no, sizeof(res->card_no));
	if ((prog = tc_programme_set_find(progs, st.card.programme)) == NULL) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "card %s: programme %s is not loaded", st.card.card_no,
		    st.card.programme);
		goto out;
	}
	/* The claims first: a card that is not live stops here. */
	if ((r = tc_ecard_claims(reg, serial, o->now, &l.c, err, errlen)) != 0)
		goto out;
	if (l.c.programme_code == 0)
		l.c.programme_code = (uint32_t)prog->code;
	res->step = "keys";
	if ((r = tc_keystore_secret(ks, TC_SECRET_MASTER_KEY, master,
		 sizeof(master), err, errlen)) != 0 ||
	    (r = tc_keystore_signer_alg(ks, prog->alg, &signer, err, errlen)) !=
		0 ||
	    (r = tc_perso_signer_ring(signer, &ring)) != 0)
		goto out;
	r = tc_chip_get(reg, serial, &chip, err, errlen);
	if (r != 0 && r != TC_ERR_NOT_FOUND)
		goto out;
	memcpy(job.card_no, st.card.card_no, sizeof(job.card_no));
	job.cose_alg = prog->alg;
	if (r == 0) {
		job.chip_known = 1;
		job.chip_done = chip.state == TC_CHIP_DONE;
		snprintf(job.chip_uid, sizeof(job.chip_uid), "%s", chip.uid);
		job.chip_attempts = chip.attempts;
	}

	res->step = "select";
	io = o->icc;
	io.exclusive = 1;
	if ((r = tc_icc_open_pcsc(&icc, o->reader, &io, err, errlen)) != 0)
		goto out;
	l.reg = reg;
	l.ks = ks;
	l.serial = serial;
	l.operator_name = o->operator_name;
	l.now = o->now;
	l.signer = signer;
	memset(&env, 0, sizeof(env));
	env.ctx = &l;
	env.card_keys = tc_card_keys_master(&km, master);
	env.ring = ring;
	env.now = o->now;
	env.chip_start = local_chip_start;
	env.chip_done = local_chip_done;
	env.sign_credential = local_sign_credential;
	env.card_cert = local_card_cert;
	r = tc_perso_drive(
	    icc, profiles, o->profile, &job, &env, res, err, errlen);
out:
	tc_icc_close(icc);
	tc_cose_keyring_free(ring);
	tc_cose_key_free(signer);
	tc_card_keys_master_release(&km);
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(&l.c, sizeof(l.c));
	return r;
}
