/* SPDX-License-Identifier: MIT */
/*
 * Card applications (include/tcard/cardapp.h): the platform-independent
 * entry points. Each checks its arguments and the order of the steps,
 * then calls the card's table of operations (include/tcard/cardops.h),
 * which tc_cardapp_open takes from tc_card_ops_lookup() by the profile's
 * platform: src/card/card-iso.c holds the ISO 7816 defaults, src/card/card-tcard.c
 * and src/card/card-piv.c the platforms. Every answer is parsed with bounds
 * (src/card/tcapp.c, src/card/piv.c, src/card/scp.c) before use. The commands and their
 * order are described in docs/card-tcard.md and docs/card-piv.md.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "tcard/cardapp.h"
#include "tcard/cardops.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/piv.h"

/* Any status word: the caller judges it. */
static const struct tc_icc_sw any_sw = { 0, 0 };

/* What an operation the card's platform does not have answers. */
static int
unsupported(struct tc_cardapp *app, const char *what, char *err, size_t errlen)
{
	return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
	    "%s: platform %s has no %s", tc_icc_name(app->icc), app->ops->name,
	    what);
}

/* The table of p's platform; a profile is parsed only for a known one. */
static int
ops_of(const struct tc_profile *p, const struct tc_card_ops **ops, char *err,
    size_t errlen)
{
	if ((*ops = tc_card_ops_lookup(p->platform)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "profile %s: its platform has no table of operations",
		    p->name);
	return 0;
}

/*
 * tc_cardapp_open's SELECT of p on a transport that batches, with the
 * uid's command after it when the platform has one: *sw is the SELECT's
 * status word; with 9000 app is opened on p (uid read).
 */
static int
open_batched(struct tc_cardapp *app, const struct tc_profile *p,
    const struct tc_card_ops *ops, struct tc_buf *resp, uint16_t *sw, char *err,
    size_t errlen)
{
	struct tc_apdu sel;
	struct tc_buf d;
	uint16_t usw;
	int r, s, us = -1;

	memset(&sel, 0, sizeof(sel));
	sel.ins = 0xA4;
	sel.p1 = 0x04;
	sel.data = p->aid;
	sel.nc = p->aid_len;
	sel.ne = TC_APDU_SHORT_NE;
	app->profile = p;
	app->ops = ops;
	tc_icc_set_extended(app->icc, p->extended);
	tc_buf_init(&d, 4096);
	if ((r = tc_icc_apdu_later(
		 app->icc, &sel, &any_sw, 1, 0, &s, err, errlen)) != 0)
		goto out;
	if ((r = ops->uid_later(app, &us, err, errlen)) != 0) {
		(void)tc_icc_answer(app->icc, s, resp, sw, NULL, 0);
		goto out;
	}
	tc_buf_reset(resp);
	if ((r = tc_icc_answer(app->icc, s, resp, sw, err, errlen)) != 0)
		goto out;
	r = tc_icc_answer(app->icc, us, &d, &usw, err, errlen);
	us = -1;
	if (r != 0 || *sw != TC_SW_OK)
		goto out;
	if ((r = ops->opened(app, resp->data, resp->len, 0, err, errlen)) == 0)
		r = ops->uid_answer(app, d.data, d.len, usw, err, errlen);
out:
	if (us >= 0)
		(void)tc_icc_answer(app->icc, us, &d, &usw, NULL, 0);
	if (r != 0 || *sw != TC_SW_OK) {
		app->profile = NULL;
		app->ops = NULL;
	}
	tc_buf_release(&d);
	return r;
}

int
tc_cardapp_open(struct tc_cardapp *app, struct tc_icc *icc,
    const struct tc_profile_set *set, const char *name, int need_uid, char *err,
    size_t errlen)
{
	const struct tc_profile *order[TC_PROFILE_SET_MAX], *p = NULL;
	const struct tc_card_ops *ops = NULL;
	struct tc_buf resp;
	const uint8_t *atr;
	char atrhex[2 * TC_ICC_ATR_MAX + 1];
	size_t atrlen, n = 0, i;
	uint16_t sw = 0;
	int r = 0, pass;

	if (app == NULL || icc == NULL || set == NULL)
		return TC_ERR_INVALID_ARG;
	memset(app, 0, sizeof(*app));
	app->icc = icc;
	app->kvn = -1;
	atr = tc_icc_atr(icc, &atrlen);
	if (name != NULL && strcmp(name, "auto") != 0) {
		if ((p = tc_profile_set_find(set, name)) == NULL)
			return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "no card profile '%s'", name);
		order[n++] = p;
	} else
		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < set->n; i++)
				if (tc_profile_match_atr(
					set->v[i], atr, atrlen) == (pass == 0))
					order[n++] = set->v[i];
	tc_buf_init(&resp, 4096);
	i = 0;
	p = NULL;
	if (need_uid && n > 0 && tc_icc_batches(icc) &&
	    ops_of(order[0], &ops, NULL, 0) == 0 && ops->uid_later != NULL &&
	    ops->uid_answer != NULL) {
		/* The first candidate's SELECT and uid in one batch. */
		if ((r = open_batched(
			 app, order[0], ops, &resp, &sw, err, errlen)) != 0)
			goto out;
		if (sw == TC_SW_OK)
			goto opened;
		i = 1;
	}
	for (; i < n; i++) {
		if ((r = ops_of(order[i], &ops, err, errlen)) != 0 ||
		    (r = ops->select(icc, order[i], &resp, &sw, err, errlen)) !=
			0)
			goto out;
		if (sw == TC_SW_OK) {
			p = order[i];
			break;
		}
	}
	if (p == NULL) {
		tc_hex_encode(atr, atrlen, atrhex);
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: %s (ATR %s; last answer %04X)", tc_icc_name(icc),
		    n == 1 ? "the card has no such application"
			   : "no card profile fits this card",
		    atrhex, sw);
		goto out;
	}
	app->profile = p;
	tc_icc_set_extended(icc, p->extended);
	app->ops = ops;
	if ((r = ops->opened(
		 app, resp.data, resp.len, need_uid, err, errlen)) != 0)
		goto out;
opened:
	if (app->uid_len > 0)
		tc_hex_encode(app->uid, app->uid_len, app->uid_hex);
	r = 0;
out:
	tc_buf_release(&resp);
	return r;
}

void
tc_cardapp_release(struct tc_cardapp *app)
{
	if (app == NULL)
		return;
	tc_scp_release(&app->scp);
	app->authenticated = 0;
}

int
tc_cardapp_point_spki(const uint8_t pt[65], int sm2, struct tc_buf *spki,
    char *err, size_t errlen)
{
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *c = NULL, *chk = NULL;
	EVP_PKEY *k = NULL;
	unsigned char *der = NULL;
	int n, r = TC_ERR_KEY_FORMAT;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)(uintptr_t)(sm2 ? "SM2" : "prime256v1"), 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, (void *)(uintptr_t)pt, 65);
	params[2] = OSSL_PARAM_construct_end();
	if ((c = EVP_PKEY_CTX_new_from_name(NULL, sm2 ? "SM2" : "EC", NULL)) ==
		NULL ||
	    EVP_PKEY_fromdata_init(c) != 1 ||
	    EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, params) != 1 ||
	    (chk = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) == NULL ||
	    EVP_PKEY_public_check(chk) != 1) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "the card's public key is not a point on the %s curve",
		    sm2 ? "SM2" : "P-256");
		goto out;
	}
	if ((n = i2d_PUBKEY(k, &der)) <= 0) {
		r = TC_ERR_CRYPTO;
		goto out;
	}
	if ((size_t)n > TC_CARDAPP_KEY_MAX) {
		r = TC_ERR_TOO_LARGE;
		goto out;
	}
	r = tc_buf_put(spki, der, (size_t)n);
out:
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_CTX_free(chk);
	ERR_clear_error();
	return r;
}

int
tc_cardapp_check_signature(const uint8_t *spki, size_t spki_len,
    const uint8_t *challenge, size_t n, const uint8_t *sig, size_t siglen,
    char *err, size_t errlen)
{
	const unsigned char *p = spki;
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *md = NULL;
	uint8_t msg[TC_TAP_DOMAIN_LEN + TC_TCAPP_CHALLENGE_MAX];
	int r = TC_ERR_CRYPTO, sm2, ok;

	if (spki == NULL || challenge == NULL || sig == NULL ||
	    n > TC_TCAPP_CHALLENGE_MAX || spki_len > TC_CARDAPP_KEY_MAX)
		return TC_ERR_INVALID_ARG;
	if ((k = d2i_PUBKEY(NULL, &p, (long)spki_len)) == NULL ||
	    p != spki + spki_len) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "the card key in the credential cannot be parsed");
		goto out;
	}
	sm2 = EVP_PKEY_is_a(k, "SM2");
	memcpy(msg, TC_TAP_DOMAIN, TC_TAP_DOMAIN_LEN);
	memcpy(msg + TC_TAP_DOMAIN_LEN, challenge, n);
	if ((md = EVP_MD_CTX_new()) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if (sm2) {
		if ((pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) ==
			NULL ||
		    EVP_PKEY_CTX_set1_id(
			pctx, TC_COSE_SM2_ID, strlen(TC_COSE_SM2_ID)) != 1)
			goto out;
		EVP_MD_CTX_set_pkey_ctx(md, pctx);
		if (EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, k) != 1)
			goto out;
	} else if (!EVP_PKEY_is_a(k, "EC") ||
	    EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, k, NULL) !=
		1) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "the card key is neither P-256 nor SM2");
		goto out;
	}
	ok = EVP_DigestVerify(md, sig, siglen, msg, TC_TAP_DOMAIN_LEN + n);
	r = ok == 1
	    ? 0
	    : tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		  "the card's answer to the challenge is not a signature by the key of its credential");
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return r;
}

int
tc_cardapp_read_credential(
    struct tc_cardapp *app, struct tc_buf *cose, char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || cose == NULL)
		return TC_ERR_INVALID_ARG;
	if (app->ops->read_credential == NULL)
		return unsupported(app, "credential to read", err, errlen);
	return app->ops->read_credential(app, cose, err, errlen);
}

int
tc_cardapp_sign(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    struct tc_buf *sig, char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || challenge == NULL ||
	    sig == NULL || n < TC_TCAPP_CHALLENGE_MIN ||
	    n > TC_TCAPP_CHALLENGE_MAX)
		return TC_ERR_INVALID_ARG;
	if (app->ops->sign == NULL)
		return unsupported(app, "card-authentication key", err, errlen);
	return app->ops->sign(app, challenge, n, sig, err, errlen);
}

int
tc_cardapp_authenticate(struct tc_cardapp *app, const struct tc_card_keys *keys,
    int prefer_personal, char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || keys == NULL)
		return TC_ERR_INVALID_ARG;
	if (app->ops->authenticate == NULL)
		return unsupported(app, "authentication", err, errlen);
	return app->ops->authenticate(app, keys, prefer_personal, err, errlen);
}

int
tc_cardapp_rotate_keys(struct tc_cardapp *app, const struct tc_card_keys *keys,
    char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || keys == NULL)
		return TC_ERR_INVALID_ARG;
	if (!app->authenticated)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "rotate-keys needs authenticate first");
	if (app->ops->rotate_keys == NULL)
		return unsupported(app, "key rotation", err, errlen);
	return app->ops->rotate_keys(app, keys, err, errlen);
}

/* The card key in the answer d to key generation: app->card_key. */
static int
gen_answer(struct tc_cardapp *app, const uint8_t *d, size_t len, int sm2,
    char *err, size_t errlen)
{
	struct tc_buf spki;
	const uint8_t *pt;
	char perr[160];
	int r;

	if (tc_piv_7f49_point(d, len, &pt, perr, sizeof(perr)) != 0)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: key generation: %s", tc_icc_name(app->icc), perr);
	tc_buf_init(&spki, TC_CARDAPP_KEY_MAX);
	if ((r = tc_cardapp_point_spki(pt, sm2, &spki, perr, sizeof(perr))) !=
	    0)
		r = tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
		    tc_icc_name(app->icc), perr);
	else {
		memcpy(app->card_key, spki.data, spki.len);
		app->card_key_len = spki.len;
	}
	tc_buf_release(&spki);
	return r;
}

int
tc_cardapp_generate_key(
    struct tc_cardapp *app, int cose_alg, char *err, size_t errlen)
{
	struct tc_buf d;
	int r, sm2 = 0;

	if (app == NULL || app->profile == NULL)
		return TC_ERR_INVALID_ARG;
	if (!app->authenticated)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "generate-key needs authenticate first");
	if (app->ops->generate_key == NULL)
		return unsupported(app, "key generation", err, errlen);
	tc_buf_init(&d, 512);
	app->card_key_len = 0;
	app->gen_pending = 0;
	if ((r = app->ops->generate_key(
		 app, cose_alg, &d, &sm2, err, errlen)) == 0 &&
	    !app->gen_pending)
		r = gen_answer(app, d.data, d.len, sm2, err, errlen);
	tc_buf_release(&d);
	return r;
}

/* A pending check's answer, read and judged. */
static int
settle_one(struct tc_cardapp *app, const struct tc_cardapp_pending *p,
    char *err, size_t errlen)
{
	struct tc_buf d;
	uint16_t sw;
	int r;

	tc_buf_init(&d, TC_APDU_RESP_MAX);
	if ((r = tc_icc_answer(app->icc, p->slot, &d, &sw, err, errlen)) == 0)
		r = p->check(app, d.data, d.len, sw, p, err, errlen);
	tc_buf_release(&d);
	return r;
}

int
tc_cardapp_settle(struct tc_cardapp *app, int all, char *err, size_t errlen)
{
	struct tc_buf d;
	uint16_t sw;
	size_t i, kept = 0;
	int r = 0, r2;

	if (app == NULL)
		return TC_ERR_INVALID_ARG;
	/* The checks first (each frees its slot), the first failure kept. */
	for (i = 0; i < app->n_pending; i++) {
		if (!all && !tc_icc_answered(app->icc, app->pending[i].slot)) {
			app->pending[kept++] = app->pending[i];
			continue;
		}
		r2 = settle_one(
		    app, &app->pending[i], r == 0 ? err : NULL, errlen);
		if (r == 0 && r2 != 0)
			r = r2;
	}
	app->n_pending = kept;
	OPENSSL_cleanse(app->pending + kept,
	    sizeof(app->pending) - kept * sizeof(app->pending[0]));
	if (r != 0)
		app->authenticated = 0;
	if (!app->gen_pending)
		return r;
	app->gen_pending = 0;
	tc_buf_init(&d, 512);
	r2 = tc_icc_answer(
	    app->icc, app->gen_slot, &d, &sw, r == 0 ? err : NULL, errlen);
	if (r == 0 && r2 == 0 && sw != TC_SW_OK)
		r2 = tc_seterr(err, errlen,
		    sw == TC_SW_NOT_FOUND || sw == TC_SW_REF_NOT_FOUND
			? TC_ERR_NOT_FOUND
			: TC_ERR_BAD_SW,
		    "%s: key generation: the card answered %04X (%s)",
		    tc_icc_name(app->icc), sw, tc_sw_text(sw));
	if (r == 0 && r2 == 0)
		r2 = gen_answer(app, d.data, d.len, app->gen_sm2, err, errlen);
	tc_buf_release(&d);
	return r != 0 ? r : r2;
}

int
tc_cardapp_write_certificate(struct tc_cardapp *app, const uint8_t *der,
    size_t n, char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || der == NULL)
		return TC_ERR_INVALID_ARG;
	if (app->ops->write_certificate == NULL)
		return unsupported(app, "certificate object", err, errlen);
	return app->ops->write_certificate(app, der, n, err, errlen);
}

int
tc_cardapp_write_credential(struct tc_cardapp *app, const uint8_t *cose,
    size_t n, char *err, size_t errlen)
{
	const struct tc_profile_object *o;

	if (app == NULL || app->profile == NULL || cose == NULL || n == 0)
		return TC_ERR_INVALID_ARG;
	o = tc_profile_object(app->profile, "credential");
	if (n > o->max_size)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the credential of %zu bytes does not fit the card's %zu",
		    n, o->max_size);
	if (app->ops->write_credential == NULL)
		return unsupported(app, "credential to write", err, errlen);
	return app->ops->write_credential(app, cose, n, err, errlen);
}

int
tc_cardapp_lock(struct tc_cardapp *app, const uint8_t *cose, size_t n,
    char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || cose == NULL || n == 0 ||
	    n > 0xffff)
		return TC_ERR_INVALID_ARG;
	if (app->ops->lock == NULL)
		return unsupported(app, "lock", err, errlen);
	return app->ops->lock(app, cose, n, err, errlen);
}

static const struct tc_icc_sw ok9000 = { TC_SW_OK, 0xFFFF };

int
tc_cardapp_check_begin(struct tc_cardapp *app, size_t cred_len,
    struct tc_cardapp_check *c, char *err, size_t errlen)
{
	struct tc_apdu sel;
	int r;

	if (c != NULL) {
		memset(c, 0, sizeof(*c));
		c->sel = c->cred = c->sig = -1;
	}
	if (app == NULL || app->ops == NULL || c == NULL)
		return TC_ERR_INVALID_ARG;
	if (app->ops->read_later == NULL || app->ops->read_answer == NULL ||
	    app->ops->sign_later == NULL || app->ops->sign_answer == NULL)
		return unsupported(
		    app, "final check inside a batch", err, errlen);
	if (RAND_bytes(c->challenge, sizeof(c->challenge)) != 1) {
		ERR_clear_error();
		return TC_ERR_CRYPTO;
	}
	c->cred_len = cred_len;
	memset(&sel, 0, sizeof(sel));
	sel.ins = 0xA4;
	sel.p1 = 0x04;
	sel.data = app->profile->aid;
	sel.nc = app->profile->aid_len;
	sel.ne = TC_APDU_SHORT_NE;
	if ((r = tc_icc_apdu_later(
		 app->icc, &sel, &ok9000, 1, 0, &c->sel, err, errlen)) != 0 ||
	    (r = app->ops->read_later(app, cred_len, &c->cred, err, errlen)) !=
		0 ||
	    (r = app->ops->sign_later(app, c->challenge, sizeof(c->challenge),
		 &c->sig, err, errlen)) != 0)
		return r;
	return 0;
}

/* The answer of slot *slot, which must be 9000, into d. */
static int
check_answer(struct tc_cardapp *app, int *slot, struct tc_buf *d,
    const char *what, char *err, size_t errlen)
{
	uint16_t sw;
	int r, s = *slot;

	*slot = -1;
	tc_buf_reset(d);
	if ((r = tc_icc_answer(app->icc, s, d, &sw, err, errlen)) != 0)
		return r;
	if (sw != TC_SW_OK)
		return tc_seterr(err, errlen, TC_ERR_BAD_SW,
		    "%s: final check: %s: the card answered %04X (%s)",
		    tc_icc_name(app->icc), what, sw, tc_sw_text(sw));
	return 0;
}

int
tc_cardapp_check_end(struct tc_cardapp *app, struct tc_cardapp_check *c,
    struct tc_buf *cose, struct tc_buf *sig, char *err, size_t errlen)
{
	struct tc_cardapp again;
	struct tc_buf d;
	int r;

	if (app == NULL || c == NULL || cose == NULL || sig == NULL ||
	    c->sel < 0 || c->cred < 0 || c->sig < 0)
		return TC_ERR_INVALID_ARG;
	tc_buf_init(&d, TC_APDU_RESP_MAX);
	/* The SELECT answer, read as tc_cardapp_open does, on a copy. */
	again = *app;
	memset(&again.scp, 0, sizeof(again.scp));
	again.uid_len = 0;
	if ((r = check_answer(app, &c->sel, &d, "SELECT", err, errlen)) != 0 ||
	    (r = app->ops->opened(&again, d.data, d.len, 0, err, errlen)) != 0)
		goto out;
	if (again.uid_len > 0 &&
	    (again.uid_len != app->uid_len ||
		memcmp(again.uid, app->uid, app->uid_len) != 0)) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: final check: the card names another uid than %s",
		    tc_icc_name(app->icc), app->uid_hex);
		goto out;
	}
	if (again.cred_len != 0 && again.cred_len != c->cred_len) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: final check: the card announces a credential of %zu bytes, %zu were written",
		    tc_icc_name(app->icc), again.cred_len, c->cred_len);
		goto out;
	}
	if (!again.operational) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "%s: final check: the card is not personalised (not locked)",
		    tc_icc_name(app->icc));
		goto out;
	}
	if ((r = check_answer(app, &c->cred, &d, "reading the credential", err,
		 errlen)) != 0 ||
	    (r = app->ops->read_answer(
		 app, d.data, d.len, cose, err, errlen)) != 0 ||
	    (r = check_answer(
		 app, &c->sig, &d, "signing the challenge", err, errlen)) != 0)
		goto out;
	r = app->ops->sign_answer(app, d.data, d.len, sig, err, errlen);
out:
	/* Slots not read yet are read now, so that none stays held. */
	if (c->cred >= 0)
		(void)check_answer(app, &c->cred, &d, "", NULL, 0);
	if (c->sig >= 0)
		(void)check_answer(app, &c->sig, &d, "", NULL, 0);
	OPENSSL_cleanse(&again, sizeof(again));
	tc_buf_release(&d);
	return r;
}
