/* SPDX-License-Identifier: MIT */
/*
 * Card applications (include/tcard/cardapp.h): the profile-independent
 * entry points and, behind them, the tcard and PIV implementations. Every
 * answer is parsed with bounds (src/tcapp.c, src/piv.c, src/scp.c) before
 * use. The commands and their order are described in docs/card-tcard.md
 * and docs/card-piv.md.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "tcard/cardapp.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/piv.h"
#include "tcard/tlv.h"

#define PIV_MGMT_LABEL "talentcard-piv 9B"

/* Sends a and demands 9000; the answer data is appended to data. */
static int
expect_ok(struct tc_icc *icc, const struct tc_apdu *a, struct tc_buf *data,
    const char *what, char *err, size_t errlen)
{
	uint16_t sw;
	int r;

	if ((r = tc_icc_apdu(icc, a, data, &sw, err, errlen)) != 0)
		return r;
	if (sw != TC_SW_OK)
		return tc_seterr(err, errlen,
		    sw == TC_SW_NOT_FOUND || sw == TC_SW_REF_NOT_FOUND
			? TC_ERR_NOT_FOUND
			: TC_ERR_BAD_SW,
		    "%s: %s: the card answered %04X (%s)", tc_icc_name(icc),
		    what, sw, tc_sw_text(sw));
	return 0;
}

static int
select_aid(struct tc_icc *icc, const struct tc_profile *p, struct tc_buf *resp,
    uint16_t *sw, char *err, size_t errlen)
{
	struct tc_apdu a = { 0x00, 0xA4, 0x04, 0x00, p->aid, p->aid_len,
		TC_APDU_SHORT_NE, 0 };

	tc_buf_reset(resp);
	return tc_icc_apdu(icc, &a, resp, sw, err, errlen);
}

static int
piv_read_guid(struct tc_cardapp *app, char *err, size_t errlen)
{
	static const uint8_t q[5] = { 0x5C, 0x03, 0x5F, 0xC1, 0x02 };
	struct tc_apdu a = { 0x00, TC_PIV_INS_GET_DATA, 0x3F, 0xFF, q, 5,
		TC_APDU_SHORT_NE, 0 };
	struct tc_buf d;
	char perr[160];
	int r;

	tc_buf_init(&d, 4096);
	if ((r = expect_ok(app->icc, &a, &d, "GET DATA CHUID", err, errlen)) !=
	    0)
		goto out;
	if (tc_piv_chuid_guid(d.data, d.len, app->uid, perr, sizeof(perr)) !=
	    0) {
		r = tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
		    tc_icc_name(app->icc), perr);
		goto out;
	}
	app->uid_len = TC_PIV_GUID_LEN;
	r = 0;
out:
	tc_buf_release(&d);
	return r;
}

int
tc_cardapp_open(struct tc_cardapp *app, struct tc_icc *icc,
    const struct tc_profile_set *set, const char *name, int need_uid, char *err,
    size_t errlen)
{
	const struct tc_profile *order[TC_PROFILE_SET_MAX], *p = NULL;
	struct tc_buf resp;
	const uint8_t *atr;
	char atrhex[2 * TC_ICC_ATR_MAX + 1], perr[160];
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
	for (i = 0, p = NULL; i < n; i++) {
		if ((r = select_aid(icc, order[i], &resp, &sw, err, errlen)) !=
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
	if (p->platform == TC_PLATFORM_TCARD) {
		if (tc_tcapp_parse_fci(&app->fci, resp.data, resp.len, perr,
			sizeof(perr)) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
			    tc_icc_name(icc), perr);
			goto out;
		}
		memcpy(app->uid, app->fci.uid, TC_TCAPP_UID_LEN);
		app->uid_len = TC_TCAPP_UID_LEN;
		app->operational = app->fci.state == TC_TCAPP_STATE_OPERATIONAL;
	} else {
		/* The application property template 61 (SP 800-73-4 3.1.1). */
		if (resp.len > 0 &&
		    (tc_tlv_check(resp.data, resp.len, perr, sizeof(perr)) !=
			    0 ||
			resp.data[0] != 0x61)) {
			r = tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: the PIV SELECT answer is not a template 61",
			    tc_icc_name(icc));
			goto out;
		}
		app->operational = 1;
		if (need_uid && (r = piv_read_guid(app, err, errlen)) != 0)
			goto out;
	}
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

/* DER ECDSA-Sig-Value from 64 bytes r || s. */
static int
rs_to_der(const uint8_t rs[64], struct tc_buf *out)
{
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int n, ret = TC_ERR_CRYPTO;

	if ((sig = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(rs, 32, NULL)) == NULL ||
	    (s = BN_bin2bn(rs + 32, 32, NULL)) == NULL)
		goto out;
	if (ECDSA_SIG_set0(sig, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by sig */
	if ((n = i2d_ECDSA_SIG(sig, &der)) <= 0)
		goto out;
	ret = tc_buf_put(out, der, (size_t)n);
out:
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return ret;
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
	r = ok == 1 ? 0
		    : tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
			  "the card's answer to the challenge is not a "
			  "signature by the key of its credential");
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return r;
}

/* tcard: one command inside the secure channel. */
static int
sc_apdu(struct tc_cardapp *app, const struct tc_apdu *plain, struct tc_buf *out,
    uint16_t *sw, const char *what, char *err, size_t errlen)
{
	struct tc_apdu w;
	struct tc_buf buf, resp;
	char serr[160];
	int r;

	tc_buf_init(&buf, TC_APDU_MAX);
	tc_buf_init(&resp, TC_APDU_RESP_MAX);
	if ((r = tc_scp_wrap(&app->scp, plain, &w, &buf)) != 0) {
		r = tc_seterr(err, errlen, r, "%s: %s: cannot wrap the command",
		    tc_icc_name(app->icc), what);
		goto out;
	}
	if ((r = tc_icc_apdu(app->icc, &w, &resp, sw, err, errlen)) != 0)
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

int
tc_cardapp_read_credential(
    struct tc_cardapp *app, struct tc_buf *cose, char *err, size_t errlen)
{
	static const uint8_t q[5] = { 0x5C, 0x03, 0x5F, 0xFF, 0x20 };
	struct tc_apdu a;
	struct tc_buf d;
	const uint8_t *v;
	char perr[160];
	size_t off, want, vlen, mark;
	int r;

	if (app == NULL || app->profile == NULL || cose == NULL)
		return TC_ERR_INVALID_ARG;
	mark = cose->len;
	if (app->profile->platform == TC_PLATFORM_TCARD) {
		if (!app->operational)
			return tc_seterr(err, errlen, TC_ERR_STATE,
			    "%s: the card is not personalised (not locked)",
			    tc_icc_name(app->icc));
		if (app->fci.cred_len == 0 ||
		    app->fci.cred_len > TC_CARDAPP_CRED_MAX)
			return tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: the card announces a credential of %zu "
			    "bytes",
			    tc_icc_name(app->icc), app->fci.cred_len);
		for (off = 0; off < app->fci.cred_len; off += want) {
			want = app->fci.cred_len - off;
			if (!tc_icc_extended(app->icc) &&
			    want > TC_APDU_SHORT_NE)
				want = TC_APDU_SHORT_NE;
			memset(&a, 0, sizeof(a));
			a.ins = TC_TCAPP_INS_READ;
			a.p1 = (uint8_t)(off >> 8);
			a.p2 = (uint8_t)off;
			a.ne = want;
			if ((r = expect_ok(app->icc, &a, cose, "READ BINARY",
				 err, errlen)) != 0)
				goto fail;
			if (cose->len - mark != off + want) {
				r = tc_seterr(err, errlen, TC_ERR_CARD,
				    "%s: READ BINARY at %zu gave %zu bytes, "
				    "expected %zu",
				    tc_icc_name(app->icc), off,
				    cose->len - mark - off, want);
				goto fail;
			}
		}
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_GET_DATA;
	a.p1 = 0x3F;
	a.p2 = 0xFF;
	a.data = q;
	a.nc = 5;
	a.ne = TC_APDU_SHORT_NE;
	tc_buf_init(&d, TC_CARDAPP_CRED_MAX + 64);
	r = expect_ok(app->icc, &a, &d, "GET DATA credential", err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: the card holds no talentcard credential (object "
		    "5FFF20)",
		    tc_icc_name(app->icc));
	if (r == 0 &&
	    (r = tc_piv_container_data(
		 d.data, d.len, &v, &vlen, perr, sizeof(perr))) != 0)
		r = tc_seterr(err, errlen,
		    r == TC_ERR_NOT_FOUND ? TC_ERR_NOT_FOUND : TC_ERR_CARD,
		    "%s: credential object: %s", tc_icc_name(app->icc), perr);
	if (r == 0 && vlen == 0)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: the credential object is empty",
		    tc_icc_name(app->icc));
	if (r == 0)
		r = tc_buf_put(cose, v, vlen);
	tc_buf_release(&d);
	if (r != 0)
		goto fail;
	return 0;
fail:
	tc_buf_truncate(cose, mark);
	return r;
}

int
tc_cardapp_sign(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    struct tc_buf *sig, char *err, size_t errlen)
{
	uint8_t hash[32], msg[TC_TAP_DOMAIN_LEN + TC_TCAPP_CHALLENGE_MAX];
	struct tc_apdu a;
	struct tc_buf d, cmd;
	const uint8_t *v;
	char perr[160];
	size_t vlen, m;
	int r;

	if (app == NULL || app->profile == NULL || challenge == NULL ||
	    sig == NULL || n < TC_TCAPP_CHALLENGE_MIN ||
	    n > TC_TCAPP_CHALLENGE_MAX)
		return TC_ERR_INVALID_ARG;
	tc_buf_init(&d, 1024);
	tc_buf_init(&cmd, 256);
	memset(&a, 0, sizeof(a));
	if (app->profile->platform == TC_PLATFORM_TCARD) {
		if (!app->operational) {
			r = tc_seterr(err, errlen, TC_ERR_STATE,
			    "%s: the card is not personalised (not locked)",
			    tc_icc_name(app->icc));
			goto out;
		}
		a.ins = TC_TCAPP_INS_INTERNAL;
		a.data = challenge;
		a.nc = n;
		a.ne = TC_APDU_SHORT_NE;
		if ((r = expect_ok(app->icc, &a, &d, "INTERNAL AUTHENTICATE",
			 err, errlen)) != 0)
			goto out;
		if (d.len != TC_TCAPP_SIG_LEN) {
			r = tc_seterr(err, errlen, TC_ERR_CARD,
			    "%s: INTERNAL AUTHENTICATE gave %zu bytes, not "
			    "r || s",
			    tc_icc_name(app->icc), d.len);
			goto out;
		}
		r = rs_to_der(d.data, sig);
		goto out;
	}
	/* PIV: the card signs SHA-256(domain || challenge) with key 9E. */
	memcpy(msg, TC_TAP_DOMAIN, TC_TAP_DOMAIN_LEN);
	memcpy(msg + TC_TAP_DOMAIN_LEN, challenge, n);
	if (EVP_Digest(msg, TC_TAP_DOMAIN_LEN + n, hash, NULL, EVP_sha256(),
		NULL) != 1) {
		r = TC_ERR_CRYPTO;
		goto out;
	}
	if ((r = tc_tlv_begin(&cmd, 0x7C, &m)) != 0 ||
	    (r = tc_tlv_put(&cmd, 0x82, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(&cmd, 0x81, hash, 32)) != 0 ||
	    (r = tc_tlv_end(&cmd, m)) != 0)
		goto out;
	a.ins = TC_PIV_INS_GEN_AUTH;
	a.p1 = TC_PIV_ALG_P256;
	a.p2 = TC_PIV_KEY_CARD_AUTH;
	a.data = cmd.data;
	a.nc = cmd.len;
	a.ne = TC_APDU_SHORT_NE;
	if ((r = expect_ok(app->icc, &a, &d, "GENERAL AUTHENTICATE 9E", err,
		 errlen)) != 0)
		goto out;
	if (tc_piv_7c_get(d.data, d.len, 0x82, &v, &vlen, perr, sizeof(perr)) !=
		0 ||
	    vlen == 0 || vlen > 80) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: GENERAL AUTHENTICATE 9E: no signature in the answer",
		    tc_icc_name(app->icc));
		goto out;
	}
	r = tc_buf_put(sig, v, vlen);
out:
	tc_buf_release(&d);
	tc_buf_release(&cmd);
	return r;
}

/* Personalisation: tcard. */

static int
tcard_keys_for(struct tc_cardapp *app, const uint8_t master[16], int kvn,
    struct tc_scp_keys *keys, char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "secure-channel");

	if (kvn == k->factory_version) {
		memcpy(keys->enc, k->factory_key, 16);
		memcpy(keys->mac, k->factory_key, 16);
		return 0;
	}
	if (kvn == k->personal_version)
		return tc_scp_diversify(master, app->uid, app->uid_len, keys);
	return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
	    "%s: the card uses key version %02X, which this profile does not "
	    "know",
	    tc_icc_name(app->icc), kvn);
}

static int
tcard_open_channel(
    struct tc_cardapp *app, const uint8_t master[16], char *err, size_t errlen)
{
	struct tc_scp_keys keys;
	struct tc_scp_iu iu;
	struct tc_apdu a, ea;
	struct tc_buf d, eab;
	uint8_t hc[TC_SCP_CHALLENGE_LEN];
	char serr[160];
	uint16_t sw;
	int r;

	app->authenticated = 0;
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
	if ((r = expect_ok(
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
	if ((r = tcard_keys_for(app, master, iu.kvn, &keys, err, errlen)) != 0)
		goto out;
	if ((r = tc_scp_host_authenticate(
		 &app->scp, &keys, &iu, &ea, &eab, serr, sizeof(serr))) != 0) {
		r = tc_seterr(
		    err, errlen, r, "%s: %s", tc_icc_name(app->icc), serr);
		goto out;
	}
	tc_buf_reset(&d);
	if ((r = tc_icc_apdu(app->icc, &ea, &d, &sw, err, errlen)) != 0)
		goto out;
	if (sw != TC_SW_OK) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: EXTERNAL AUTHENTICATE refused: %04X (%s)",
		    tc_icc_name(app->icc), sw, tc_sw_text(sw));
		goto out;
	}
	tc_scp_host_opened(&app->scp);
	app->kvn = iu.kvn;
	app->authenticated = 1;
out:
	OPENSSL_cleanse(&keys, sizeof(keys));
	if (r != 0)
		tc_scp_release(&app->scp);
	tc_buf_release(&d);
	tc_buf_release(&eab);
	return r;
}

static int
tcard_rotate(
    struct tc_cardapp *app, const uint8_t master[16], char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "secure-channel");
	struct tc_scp_keys keys;
	struct tc_apdu a;
	struct tc_buf d;
	uint8_t data[2 * 16 + 2 * TC_SCP_KCV_LEN], want[1 + 2 * 3];
	uint16_t sw;
	int r;

	if (app->kvn == k->personal_version)
		return 0;
	if ((r = tc_scp_diversify(master, app->uid, app->uid_len, &keys)) !=
		0 ||
	    (r = tc_scp_kcv(keys.enc, data + 32)) != 0 ||
	    (r = tc_scp_kcv(keys.mac, data + 35)) != 0)
		goto out;
	memcpy(data, keys.enc, 16);
	memcpy(data + 16, keys.mac, 16);
	want[0] = (uint8_t)k->personal_version;
	memcpy(want + 1, data + 32, 6);
	memset(&a, 0, sizeof(a));
	a.cla = 0x80;
	a.ins = TC_TCAPP_INS_PUT_KEY;
	a.p1 = (uint8_t)app->kvn;
	a.p2 = (uint8_t)k->personal_version;
	a.data = data;
	a.nc = sizeof(data);
	a.ne = TC_APDU_SHORT_NE;
	tc_buf_init(&d, 64);
	r = sc_apdu(app, &a, &d, &sw, "PUT KEY", err, errlen);
	if (r == 0 && (d.len != sizeof(want) || memcmp(d.data, want, 7) != 0))
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: PUT KEY: the card confirms other keys",
		    tc_icc_name(app->icc));
	tc_buf_release(&d);
	if (r != 0)
		goto out;
	/* A new session under the card's own keys. */
	r = tcard_open_channel(app, master, err, errlen);
	if (r == 0 && app->kvn != k->personal_version)
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: the card still uses key version %02X after PUT KEY",
		    tc_icc_name(app->icc), app->kvn);
out:
	OPENSSL_cleanse(&keys, sizeof(keys));
	OPENSSL_cleanse(data, sizeof(data));
	return r;
}

/* Personalisation: PIV management key. */

static int
block_cipher(unsigned alg, const uint8_t *key, int enc, const uint8_t *in,
    size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *c;
	int l1 = 0, l2 = 0, ok;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return TC_ERR_NOMEM;
	ok = EVP_CipherInit_ex(c,
		 alg == TC_PALG_3DES ? EVP_des_ede3_ecb() : EVP_aes_128_ecb(),
		 NULL, key, NULL, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_CipherUpdate(c, out, &l1, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(c, out + l1, &l2) == 1 && (size_t)(l1 + l2) == n;
	EVP_CIPHER_CTX_free(c);
	ERR_clear_error();
	return ok ? 0 : TC_ERR_CRYPTO;
}

int
tc_cardapp_piv_mgmt_key(const uint8_t master[16], const uint8_t *guid,
    size_t guid_len, uint8_t key[16])
{
	return tc_scp_kdf(master, PIV_MGMT_LABEL, guid, guid_len, key, 16);
}

/*
 * SP 800-73-4 mutual authentication with the management key: the card
 * sends an encrypted witness, the host returns it decrypted with its own
 * challenge, the card returns the challenge encrypted. Returns 0,
 * TC_ERR_SECURE_CHANNEL (the card refused: not its key) or an error.
 */
static int
piv_mutual_auth(struct tc_cardapp *app, unsigned alg, const uint8_t *key,
    char *err, size_t errlen)
{
	static const uint8_t step1[4] = { 0x7C, 0x02, 0x80, 0x00 };
	uint8_t wit[16], chal[16], enc[16];
	struct tc_apdu a;
	struct tc_buf d, cmd;
	const uint8_t *v;
	char perr[160];
	size_t bl = alg == TC_PALG_3DES ? 8 : 16, vlen, m;
	uint16_t sw;
	int r;

	tc_buf_init(&d, 256);
	tc_buf_init(&cmd, 256);
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_GEN_AUTH;
	a.p1 = alg == TC_PALG_3DES ? TC_PIV_ALG_3DES : TC_PIV_ALG_AES128;
	a.p2 = TC_PIV_KEY_MGMT;
	a.data = step1;
	a.nc = sizeof(step1);
	a.ne = TC_APDU_SHORT_NE;
	if ((r = tc_icc_apdu(app->icc, &a, &d, &sw, err, errlen)) != 0)
		goto out;
	if (sw != TC_SW_OK) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: management key: the card refused %s: %04X (%s)",
		    tc_icc_name(app->icc),
		    alg == TC_PALG_3DES ? "3DES" : "AES-128", sw,
		    tc_sw_text(sw));
		goto out;
	}
	if (tc_piv_7c_get(d.data, d.len, 0x80, &v, &vlen, perr, sizeof(perr)) !=
		0 ||
	    vlen != bl) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: management key: no witness of %zu bytes in the answer",
		    tc_icc_name(app->icc), bl);
		goto out;
	}
	if ((r = block_cipher(alg, key, 0, v, bl, wit)) != 0)
		goto out;
	if (RAND_bytes(chal, (int)bl) != 1) {
		r = TC_ERR_CRYPTO;
		goto out;
	}
	if ((r = tc_tlv_begin(&cmd, 0x7C, &m)) != 0 ||
	    (r = tc_tlv_put(&cmd, 0x80, wit, bl)) != 0 ||
	    (r = tc_tlv_put(&cmd, 0x81, chal, bl)) != 0 ||
	    (r = tc_tlv_end(&cmd, m)) != 0)
		goto out;
	a.data = cmd.data;
	a.nc = cmd.len;
	tc_buf_reset(&d);
	if ((r = tc_icc_apdu(app->icc, &a, &d, &sw, err, errlen)) != 0)
		goto out;
	if (sw != TC_SW_OK) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: management key refused: %04X (%s)",
		    tc_icc_name(app->icc), sw, tc_sw_text(sw));
		goto out;
	}
	if ((r = block_cipher(alg, key, 1, chal, bl, enc)) != 0)
		goto out;
	if (tc_piv_7c_get(d.data, d.len, 0x82, &v, &vlen, perr, sizeof(perr)) !=
		0 ||
	    vlen != bl || tc_memeq_ct(v, enc, bl) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: management key: the card's answer to our challenge "
		    "is wrong",
		    tc_icc_name(app->icc));
		goto out;
	}
	r = 0;
out:
	OPENSSL_cleanse(wit, sizeof(wit));
	tc_buf_release(&d);
	tc_buf_release(&cmd);
	return r;
}

static int
piv_authenticate(struct tc_cardapp *app, const uint8_t master[16],
    int prefer_personal, char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "management");
	uint8_t personal[16];
	char first[256] = "";
	int r, i, personal_try;

	if (app->uid_len == 0 && (r = piv_read_guid(app, err, errlen)) != 0)
		return r;
	if ((r = tc_cardapp_piv_mgmt_key(
		 master, app->uid, app->uid_len, personal)) != 0)
		return r;
	for (i = 0; i < 2; i++) {
		personal_try = (i == 0) == (prefer_personal != 0);
		r = personal_try ? piv_mutual_auth(app, k->personal_alg,
				       personal, err, errlen)
				 : piv_mutual_auth(app, k->factory_alg,
				       k->factory_key, err, errlen);
		if (r == 0) {
			app->mgmt_personal = personal_try;
			app->authenticated = 1;
			break;
		}
		if (r != TC_ERR_SECURE_CHANNEL)
			break;
		if (i == 0 && err != NULL)
			snprintf(first, sizeof(first), "%s", err);
	}
	OPENSSL_cleanse(personal, sizeof(personal));
	if (r == TC_ERR_SECURE_CHANNEL)
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: neither the factory management key nor this card's "
		    "own key is accepted (%s)",
		    tc_icc_name(app->icc), first);
	return r;
}

static int
piv_rotate(
    struct tc_cardapp *app, const uint8_t master[16], char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "management");
	uint8_t data[3 + 16];
	struct tc_apdu a;
	struct tc_buf d;
	int r;

	if (app->mgmt_personal)
		return 0;
	data[0] = k->personal_alg == TC_PALG_3DES ? TC_PIV_ALG_3DES
						  : TC_PIV_ALG_AES128;
	data[1] = TC_PIV_KEY_MGMT;
	data[2] = 16;
	if (k->personal_alg != TC_PALG_AES128)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "piv: only an AES-128 management key is diversified");
	if ((r = tc_cardapp_piv_mgmt_key(
		 master, app->uid, app->uid_len, data + 3)) != 0)
		return r;
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_SET_MGMT;
	a.p1 = 0xFF;
	a.p2 = 0xFF;
	a.data = data;
	a.nc = sizeof(data);
	tc_buf_init(&d, 64);
	r = expect_ok(app->icc, &a, &d, "SET MANAGEMENT KEY", err, errlen);
	tc_buf_release(&d);
	/*
	 * Authenticate again with the new key: cards differ on whether the
	 * old authentication survives a key change, and this proves the key
	 * was stored right before anything else is written.
	 */
	app->authenticated = 0;
	if (r == 0 &&
	    (r = piv_mutual_auth(
		 app, k->personal_alg, data + 3, err, errlen)) == 0) {
		app->mgmt_personal = 1;
		app->authenticated = 1;
	}
	OPENSSL_cleanse(data, sizeof(data));
	return r;
}

int
tc_cardapp_authenticate(struct tc_cardapp *app, const uint8_t master[16],
    int prefer_personal, char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || master == NULL)
		return TC_ERR_INVALID_ARG;
	if (app->profile->platform == TC_PLATFORM_TCARD)
		return tcard_open_channel(app, master, err, errlen);
	return piv_authenticate(app, master, prefer_personal, err, errlen);
}

int
tc_cardapp_rotate_keys(
    struct tc_cardapp *app, const uint8_t master[16], char *err, size_t errlen)
{
	if (app == NULL || app->profile == NULL || master == NULL)
		return TC_ERR_INVALID_ARG;
	if (!app->authenticated)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "rotate-keys needs authenticate first");
	if (app->profile->platform == TC_PLATFORM_TCARD)
		return tcard_rotate(app, master, err, errlen);
	return piv_rotate(app, master, err, errlen);
}

int
tc_cardapp_generate_key(
    struct tc_cardapp *app, int cose_alg, char *err, size_t errlen)
{
	static const uint8_t gen9e[5] = { 0xAC, 0x03, 0x80, 0x01,
		TC_PIV_ALG_P256 };
	struct tc_apdu a;
	struct tc_buf d, spki;
	const uint8_t *pt;
	char perr[160];
	uint16_t sw;
	int r, sm2 = 0;

	if (app == NULL || app->profile == NULL)
		return TC_ERR_INVALID_ARG;
	if (!app->authenticated)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "generate-key needs authenticate first");
	memset(&a, 0, sizeof(a));
	tc_buf_init(&d, 512);
	tc_buf_init(&spki, TC_CARDAPP_KEY_MAX);
	if (app->profile->platform == TC_PLATFORM_TCARD) {
		const struct tc_profile_key *k =
		    tc_profile_key(app->profile, "card-auth");

		sm2 = cose_alg == TC_COSE_ALG_SM2_SM3;
		if (!(k->algs & (sm2 ? TC_PALG_SM2 : TC_PALG_ES256))) {
			r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
			    "profile %s: no %s card key", app->profile->name,
			    sm2 ? "SM2" : "ES256");
			goto out;
		}
		a.cla = 0x80;
		a.ins = TC_TCAPP_INS_GENERATE;
		a.p2 = sm2 ? TC_TCAPP_ALG_SM2 : TC_TCAPP_ALG_ES256;
		a.ne = TC_APDU_SHORT_NE;
		if ((r = sc_apdu(
			 app, &a, &d, &sw, "GENERATE KEY", err, errlen)) != 0)
			goto out;
	} else {
		a.ins = TC_PIV_INS_GENERATE;
		a.p2 = TC_PIV_KEY_CARD_AUTH;
		a.data = gen9e;
		a.nc = sizeof(gen9e);
		a.ne = TC_APDU_SHORT_NE;
		if ((r = expect_ok(app->icc, &a, &d,
			 "GENERATE ASYMMETRIC KEY PAIR 9E", err, errlen)) != 0)
			goto out;
	}
	if (tc_piv_7f49_point(d.data, d.len, &pt, perr, sizeof(perr)) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: key generation: %s", tc_icc_name(app->icc), perr);
		goto out;
	}
	if ((r = tc_cardapp_point_spki(pt, sm2, &spki, perr, sizeof(perr))) !=
	    0) {
		r = tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
		    tc_icc_name(app->icc), perr);
		goto out;
	}
	memcpy(app->card_key, spki.data, spki.len);
	app->card_key_len = spki.len;
out:
	tc_buf_release(&d);
	tc_buf_release(&spki);
	return r;
}

/* PIV PUT DATA of tag with a container 53 { 70 data, 71 00, FE 00 }. */
static int
piv_put(struct tc_cardapp *app, uint32_t tag, const uint8_t *data, size_t n,
    const char *what, char *err, size_t errlen)
{
	uint8_t t[3] = { (uint8_t)(tag >> 16), (uint8_t)(tag >> 8),
		(uint8_t)tag };
	struct tc_apdu a;
	struct tc_buf cmd, d;
	int r;

	tc_buf_init(&cmd, TC_ICC_CHAIN_MAX_DATA);
	tc_buf_init(&d, 64);
	if ((r = tc_tlv_put(&cmd, 0x5C, t, 3)) != 0 ||
	    (r = tc_piv_build_container(&cmd, data, n)) != 0)
		goto out;
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_PUT_DATA;
	a.p1 = 0x3F;
	a.p2 = 0xFF;
	a.data = cmd.data;
	a.nc = cmd.len;
	r = expect_ok(app->icc, &a, &d, what, err, errlen);
out:
	tc_buf_release(&cmd);
	tc_buf_release(&d);
	return r;
}

int
tc_cardapp_write_certificate(struct tc_cardapp *app, const uint8_t *der,
    size_t n, char *err, size_t errlen)
{
	const struct tc_profile_object *o;

	if (app == NULL || app->profile == NULL || der == NULL)
		return TC_ERR_INVALID_ARG;
	if (app->profile->platform != TC_PLATFORM_PIV)
		return TC_ERR_UNSUPPORTED;
	o = tc_profile_object(app->profile, "certificate");
	if (n + 16 > o->max_size)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the certificate of %zu bytes does not fit the card's "
		    "%zu",
		    n, o->max_size);
	return piv_put(
	    app, o->tag, der, n, "PUT DATA certificate 9E", err, errlen);
}

int
tc_cardapp_write_credential(struct tc_cardapp *app, const uint8_t *cose,
    size_t n, char *err, size_t errlen)
{
	const struct tc_profile_object *o;
	struct tc_apdu a;
	struct tc_buf d;
	size_t off, chunk, maxnc;
	uint16_t sw;
	int r = 0;

	if (app == NULL || app->profile == NULL || cose == NULL || n == 0)
		return TC_ERR_INVALID_ARG;
	o = tc_profile_object(app->profile, "credential");
	if (n > o->max_size)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the credential of %zu bytes does not fit the card's %zu",
		    n, o->max_size);
	if (app->profile->platform == TC_PLATFORM_PIV)
		return piv_put(
		    app, o->tag, cose, n, "PUT DATA credential", err, errlen);
	/* tcard: UPDATE BINARY in chunks that fit once padded and MACed. */
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
		r = sc_apdu(app, &a, &d, &sw, "UPDATE BINARY", err, errlen);
	}
	tc_buf_release(&d);
	return r;
}

int
tc_cardapp_lock(struct tc_cardapp *app, const uint8_t *cose, size_t n,
    char *err, size_t errlen)
{
	uint8_t data[TC_TCAPP_LOCK_LEN];
	struct tc_apdu a;
	struct tc_buf d;
	uint16_t sw;
	int r;

	if (app == NULL || app->profile == NULL || cose == NULL || n == 0 ||
	    n > 0xffff)
		return TC_ERR_INVALID_ARG;
	if (app->profile->platform != TC_PLATFORM_TCARD)
		return TC_ERR_UNSUPPORTED;
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
	r = sc_apdu(app, &a, &d, &sw, "LOCK", err, errlen);
	tc_buf_release(&d);
	if (r == 0) {
		app->operational = 1;
		tc_scp_release(&app->scp);
		app->authenticated = 0;
	}
	return r;
}
