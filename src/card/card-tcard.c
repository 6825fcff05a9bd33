/* SPDX-License-Identifier: MIT */
/*
 * The tcard platform (talentcard's own applet, docs/card-tcard.md): the
 * ISO 7816 table of src/card/card-iso.c with the SELECT answer (an FCI with the
 * uid, the life-cycle state and the credential's length), an SCP03-style
 * secure channel (src/card/scp.c) for everything that changes the card, key
 * generation and the one-way LOCK overridden. Reading and signing are the
 * ISO commands, refused before the card is locked.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "card-int.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/scp.h"
#include "tcard/tcapp.h"

/*
 * tcard: one command inside the secure channel. With queued not NULL the
 * command may be deferred (its answer is not needed by the next one): on
 * a transport that batches, *queued is 1 and its R-MAC and status word
 * are checked by the transport against 9000 when the batch returns (the
 * R-MAC chains on the command's own MAC, never on an earlier answer, so
 * the commands after it are wrapped without it).
 */
static int
sc_apdu(struct tc_cardapp *app, const struct tc_apdu *plain, struct tc_buf *out,
    uint16_t *sw, int *queued, const char *what, char *err, size_t errlen)
{
	struct tc_apdu w;
	struct tc_buf buf, resp;
	char serr[160];
	int r, q = 0;

	tc_buf_init(&buf, TC_APDU_MAX);
	tc_buf_init(&resp, TC_APDU_RESP_MAX);
	if ((r = tc_scp_wrap(&app->scp, plain, &w, &buf)) != 0) {
		r = tc_seterr(err, errlen, r, "%s: %s: cannot wrap the command",
		    tc_icc_name(app->icc), what);
		goto out;
	}
	r = queued != NULL ? tc_icc_apdu_deferred(app->icc, &w, tc_card_sw_ok,
				 1, &resp, sw, &q, err, errlen)
			   : tc_icc_apdu(app->icc, &w, &resp, sw, err, errlen);
	if (queued != NULL)
		*queued = q;
	if (r != 0 || q)
		goto out;
	if ((r = tc_scp_unwrap(&app->scp, resp.data, resp.len, *sw, out, serr,
		 sizeof(serr))) != 0) {
		app->authenticated = 0;
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL, "%s: %s: %s",
		    tc_icc_name(app->icc), what, serr);
		goto out;
	}
	if (*sw != TC_SW_OK)
		r = tc_seterr(err, errlen, TC_ERR_BAD_SW,
		    "%s: %s: the card answered %04X (%s)",
		    tc_icc_name(app->icc), what, *sw, tc_sw_text(*sw));
out:
	tc_buf_release(&buf);
	tc_buf_release(&resp);
	return r;
}

static int
tcard_opened(struct tc_cardapp *app, const uint8_t *resp, size_t len,
    int need_uid, char *err, size_t errlen)
{
	char perr[160];

	if (tc_tcapp_parse_fci(&app->fci, resp, len, perr, sizeof(perr)) != 0)
		return tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
		    tc_icc_name(app->icc), perr);
	memcpy(app->uid, app->fci.uid, TC_TCAPP_UID_LEN);
	app->uid_len = TC_TCAPP_UID_LEN;
	app->operational = app->fci.state == TC_TCAPP_STATE_OPERATIONAL;
	app->cred_len = app->fci.cred_len;
	return 0;
}

static int
not_locked(struct tc_cardapp *app, char *err, size_t errlen)
{
	return tc_seterr(err, errlen, TC_ERR_STATE,
	    "%s: the card is not personalised (not locked)",
	    tc_icc_name(app->icc));
}

/* The credential is readable only once the card is locked. */
static int
tcard_read_credential(
    struct tc_cardapp *app, struct tc_buf *cose, char *err, size_t errlen)
{
	if (!app->operational)
		return not_locked(app, err, errlen);
	return tc_card_iso_ops()->read_credential(app, cose, err, errlen);
}

/* The card-authentication key signs only once the card is locked. */
static int
tcard_sign(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    struct tc_buf *sig, char *err, size_t errlen)
{
	if (!app->operational)
		return not_locked(app, err, errlen);
	return tc_card_iso_ops()->sign(app, challenge, n, sig, err, errlen);
}

/*
 * The session keys for the keys of version iu->kvn: the profile's factory
 * keys here, the card's own from the key provider.
 */
static int
tcard_session(struct tc_cardapp *app, const struct tc_card_keys *keys,
    const uint8_t hc[TC_SCP_CHALLENGE_LEN], const struct tc_scp_iu *iu,
    struct tc_scp_session *sk, char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "secure-channel");
	struct tc_scp_keys fk;
	char serr[160];
	int r;

	if (iu->kvn == k->factory_version) {
		memcpy(fk.enc, k->factory_key, 16);
		memcpy(fk.mac, k->factory_key, 16);
		r = tc_scp_session_keys(&fk, hc, iu, sk, serr, sizeof(serr));
		OPENSSL_cleanse(&fk, sizeof(fk));
	} else if (iu->kvn == k->personal_version) {
		if (keys->scp_session == NULL)
			return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
			    "%s: the key provider has no secure channel",
			    tc_icc_name(app->icc));
		r = keys->scp_session(
		    keys->ctx, app, hc, iu, sk, serr, sizeof(serr));
	} else
		return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: the card uses key version %02X, which this profile does not know",
		    tc_icc_name(app->icc), iu->kvn);
	if (r != 0)
		return tc_seterr(
		    err, errlen, r, "%s: %s", tc_icc_name(app->icc), serr);
	return 0;
}

static int
tcard_open_channel(struct tc_cardapp *app, const struct tc_card_keys *keys,
    char *err, size_t errlen)
{
	struct tc_scp_session sk;
	struct tc_scp_iu iu;
	struct tc_apdu a, ea;
	struct tc_buf d, eab;
	uint8_t hc[TC_SCP_CHALLENGE_LEN];
	char serr[160];
	int r;

	app->authenticated = 0;
	memset(&sk, 0, sizeof(sk));
	tc_buf_init(&d, 256);
	tc_buf_init(&eab, 64);
	if ((r = tc_scp_host_begin(&app->scp, hc)) != 0)
		goto out;
	memset(&a, 0, sizeof(a));
	a.cla = 0x80;
	a.ins = TC_TCAPP_INS_INIT_UPDATE;
	a.data = hc;
	a.nc = sizeof(hc);
	a.ne = TC_APDU_SHORT_NE;
	if ((r = tc_card_expect_ok(
		 app->icc, &a, &d, "INITIALIZE UPDATE", err, errlen)) != 0)
		goto out;
	if (tc_scp_parse_iu(&iu, d.data, d.len, serr, sizeof(serr)) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
		    tc_icc_name(app->icc), serr);
		goto out;
	}
	if (memcmp(iu.div, app->uid, TC_TCAPP_UID_LEN) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: INITIALIZE UPDATE names another card than SELECT",
		    tc_icc_name(app->icc));
		goto out;
	}
	if ((r = tcard_session(app, keys, hc, &iu, &sk, err, errlen)) != 0)
		goto out;
	if ((r = tc_scp_host_open(
		 &app->scp, &sk, &iu, &ea, &eab, serr, sizeof(serr))) != 0) {
		r = tc_seterr(
		    err, errlen, r, "%s: %s", tc_icc_name(app->icc), serr);
		goto out;
	}
	tc_buf_reset(&d);
	if ((r = tc_card_auth_ok_later(
		 app->icc, &ea, "EXTERNAL AUTHENTICATE", err, errlen)) != 0)
		goto out;
	tc_scp_host_opened(&app->scp);
	app->kvn = iu.kvn;
	app->authenticated = 1;
out:
	OPENSSL_cleanse(&sk, sizeof(sk));
	if (r != 0)
		tc_scp_release(&app->scp);
	tc_buf_release(&d);
	tc_buf_release(&eab);
	return r;
}

static int
tcard_rotate(struct tc_cardapp *app, const struct tc_card_keys *keys, char *err,
    size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "secure-channel");
	struct tc_apdu a;
	struct tc_buf d;
	uint8_t data[TC_CARD_PUT_KEY_LEN], want[1 + 2 * TC_SCP_KCV_LEN];
	uint16_t sw;
	int r, queued = 0;

	if (app->kvn == k->personal_version)
		return 0;
	if (keys->scp_put_key == NULL)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s: the key provider has no card keys",
		    tc_icc_name(app->icc));
	if ((r = keys->scp_put_key(keys->ctx, app, data, err, errlen)) != 0)
		goto out;
	want[0] = (uint8_t)k->personal_version;
	memcpy(want + 1, data + 2 * TC_SCP_KEY_LEN, 2 * TC_SCP_KCV_LEN);
	memset(&a, 0, sizeof(a));
	a.cla = 0x80;
	a.ins = TC_TCAPP_INS_PUT_KEY;
	a.p1 = (uint8_t)app->kvn;
	a.p2 = (uint8_t)k->personal_version;
	a.data = data;
	a.nc = sizeof(data);
	a.ne = TC_APDU_SHORT_NE;
	tc_buf_init(&d, 64);
	r = sc_apdu(app, &a, &d, &sw, &queued, "PUT KEY", err, errlen);
	if (r == 0 && !queued &&
	    (d.len != sizeof(want) || memcmp(d.data, want, sizeof(want)) != 0))
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: PUT KEY: the card confirms other keys",
		    tc_icc_name(app->icc));
	tc_buf_release(&d);
	if (r != 0)
		goto out;
	if (queued) {
		/*
		 * Queued on a transport that batches (the station relay): the
		 * session goes on under the keys it was opened with, as
		 * GlobalPlatform's does after PUT KEY, and the batch's
		 * 9000 is the card's word that the key check values it
		 * verified match; the next run's INITIALIZE UPDATE (a resumed
		 * job) opens under the card's own keys. This saves the
		 * round trip of a second INITIALIZE UPDATE.
		 */
		app->kvn = k->personal_version;
		goto out;
	}
	/* A new session under the card's own keys. */
	r = tcard_open_channel(app, keys, err, errlen);
	if (r == 0 && app->kvn != k->personal_version)
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: the card still uses key version %02X after PUT KEY",
		    tc_icc_name(app->icc), app->kvn);
out:
	OPENSSL_cleanse(data, sizeof(data));
	return r;
}

static int
tcard_authenticate(struct tc_cardapp *app, const struct tc_card_keys *keys,
    int prefer_personal, char *err, size_t errlen)
{
	return tcard_open_channel(app, keys, err, errlen);
}

/* GENERATE KEY in the secure channel: ES256, or SM2 when asked. */
static int
tcard_generate_key(struct tc_cardapp *app, int cose_alg, struct tc_buf *answer,
    int *sm2, char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "card-auth");
	struct tc_apdu a;
	uint16_t sw;

	*sm2 = cose_alg == TC_COSE_ALG_SM2_SM3;
	if (!(k->algs & (*sm2 ? TC_PALG_SM2 : TC_PALG_ES256)))
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "profile %s: no %s card key", app->profile->name,
		    *sm2 ? "SM2" : "ES256");
	memset(&a, 0, sizeof(a));
	a.cla = 0x80;
	a.ins = TC_TCAPP_INS_GENERATE;
	a.p2 = *sm2 ? TC_TCAPP_ALG_SM2 : TC_TCAPP_ALG_ES256;
	a.ne = TC_APDU_SHORT_NE;
	return sc_apdu(app, &a, answer, &sw, NULL, "GENERATE KEY", err, errlen);
}

/*
 * UPDATE BINARY in the secure channel, in chunks that fit once padded and
 * MACed.
 */
static int
tcard_write_credential(struct tc_cardapp *app, const uint8_t *cose, size_t n,
    char *err, size_t errlen)
{
	struct tc_apdu a;
	struct tc_buf d;
	size_t off, chunk, maxnc;
	uint16_t sw;
	int r = 0, queued;

	maxnc = tc_icc_extended(app->icc) ? app->profile->max_extended_data
					  : app->profile->max_command_data;
	chunk = (maxnc - TC_SCP_MAC_LEN) / 16 * 16 - 1;
	tc_buf_init(&d, 64);
	for (off = 0; off < n && r == 0; off += chunk) {
		memset(&a, 0, sizeof(a));
		a.cla = 0x80;
		a.ins = TC_TCAPP_INS_UPDATE;
		a.p1 = (uint8_t)(off >> 8);
		a.p2 = (uint8_t)off;
		a.data = cose + off;
		a.nc = n - off < chunk ? n - off : chunk;
		a.ne = TC_APDU_SHORT_NE;
		tc_buf_reset(&d);
		r = sc_apdu(
		    app, &a, &d, &sw, &queued, "UPDATE BINARY", err, errlen);
	}
	tc_buf_release(&d);
	return r;
}

/* LOCK: the card checks the credential's length and SHA-256 first. */
static int
tcard_lock(struct tc_cardapp *app, const uint8_t *cose, size_t n, char *err,
    size_t errlen)
{
	uint8_t data[TC_TCAPP_LOCK_LEN];
	struct tc_apdu a;
	struct tc_buf d;
	uint16_t sw;
	int r, queued;

	data[0] = (uint8_t)(n >> 8);
	data[1] = (uint8_t)n;
	if (EVP_Digest(cose, n, data + 2, NULL, EVP_sha256(), NULL) != 1)
		return TC_ERR_CRYPTO;
	memset(&a, 0, sizeof(a));
	a.cla = 0x80;
	a.ins = TC_TCAPP_INS_LOCK;
	a.p1 = 0x80;
	a.data = data;
	a.nc = sizeof(data);
	a.ne = TC_APDU_SHORT_NE;
	tc_buf_init(&d, 64);
	r = sc_apdu(app, &a, &d, &sw, &queued, "LOCK", err, errlen);
	tc_buf_release(&d);
	if (r == 0) {
		app->operational = 1;
		tc_scp_release(&app->scp);
		app->authenticated = 0;
	}
	return r;
}

/* The tcard rules between the parts of a profile (src/card/profile.c). */
static int
tcard_check_profile(const struct tc_profile *p, char *msg, size_t msglen)
{
	const struct tc_profile_object *cred =
	    tc_profile_object(p, "credential");
	const struct tc_profile_key *sec = tc_profile_key(p, "secure-channel");
	struct tc_profile_order o;

	tc_profile_order(p, &o);
	if (o.certificate >= 0 || o.lock != o.last || o.lock < o.credential ||
	    o.rotate > o.generate)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "tcard: rotate-keys before generate-key, no write-certificate, and lock must be the last step that changes the card");
	if (sec == NULL || sec->algs != TC_PALG_AES128 ||
	    sec->factory_key_len != 16 || sec->factory_version < 0 ||
	    sec->personal_version < 0)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "tcard: key \"secure-channel\" must be AES-128 with factory_key, factory_version and personal_version");
	if (cred->read != TC_ACCESS_OPERATIONAL ||
	    cred->write != TC_ACCESS_SECURE_CHANNEL)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "tcard: the credential is read when operational and written in the secure channel");
	return 0;
}

void
tc_card_tcard_init(struct tc_card_ops *ops)
{
	*ops = *tc_card_iso_ops();
	ops->platform = TC_PLATFORM_TCARD;
	ops->name = "tcard";
	ops->flags = TC_CARD_LOCKS;
	ops->check_profile = tcard_check_profile;
	ops->opened = tcard_opened;
	ops->read_credential = tcard_read_credential;
	ops->sign = tcard_sign;
	ops->authenticate = tcard_authenticate;
	ops->rotate_keys = tcard_rotate;
	ops->generate_key = tcard_generate_key;
	ops->write_credential = tcard_write_credential;
	ops->lock = tcard_lock;
}
