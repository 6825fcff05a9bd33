/* SPDX-License-Identifier: MIT */
/*
 * The tcard applet of the emulator: the card side of docs/card-tcard.md.
 * Outside the secure channel it answers SELECT, READ BINARY and INTERNAL
 * AUTHENTICATE (the last two only once locked); INITIALIZE UPDATE and
 * EXTERNAL AUTHENTICATE open the channel, inside which PUT KEY, GENERATE,
 * UPDATE BINARY and LOCK personalise the card until LOCK, one way, makes
 * it operational. Every answer inside the channel carries an R-MAC.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/tcapp.h"
#include "tcard/tlv.h"
#include "vcard.h"

int
vcard_tcard_select(struct vcard *vc, struct tc_buf *resp)
{
	struct tc_tcapp_fci f;

	memset(&f, 0, sizeof(f));
	memcpy(f.aid, vc->profile->aid, vc->profile->aid_len);
	f.aid_len = vc->profile->aid_len;
	f.version = TC_TCAPP_VERSION;
	f.state = (uint8_t)vc->st.t_state;
	memcpy(f.uid, vc->st.uid, TC_TCAPP_UID_LEN);
	f.alg = (uint8_t)(vc->st.key != NULL ? vc->st.key_alg : 0);
	f.cred_len =
	    vc->st.t_state == TC_TCAPP_STATE_OPERATIONAL ? vc->st.cred.len : 0;
	return tc_tcapp_build_fci(resp, &f);
}

/* r || s of the card's signature over TC_TAP_DOMAIN || challenge. */
static int
sign_tap(struct vcard *vc, const uint8_t *ch, size_t n, struct tc_buf *resp)
{
	uint8_t msg[TC_TAP_DOMAIN_LEN + TC_TCAPP_CHALLENGE_MAX], der[80];
	uint8_t rs[64];
	const unsigned char *p;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	size_t dl = sizeof(der);
	int ret = TC_ERR_CRYPTO;

	memcpy(msg, TC_TAP_DOMAIN, TC_TAP_DOMAIN_LEN);
	memcpy(msg + TC_TAP_DOMAIN_LEN, ch, n);
	if ((md = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (vc->st.key_alg == TC_TCAPP_ALG_SM2) {
		if ((pctx = EVP_PKEY_CTX_new_from_pkey(
			 NULL, vc->st.key, NULL)) == NULL ||
		    EVP_PKEY_CTX_set1_id(
			pctx, TC_COSE_SM2_ID, strlen(TC_COSE_SM2_ID)) != 1)
			goto out;
		EVP_MD_CTX_set_pkey_ctx(md, pctx);
		if (EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, vc->st.key) !=
		    1)
			goto out;
	} else if (EVP_DigestSignInit_ex(
		       md, NULL, "SHA256", NULL, NULL, vc->st.key, NULL) != 1)
		goto out;
	if (EVP_DigestSign(md, der, &dl, msg, TC_TAP_DOMAIN_LEN + n) != 1)
		goto out;
	p = der;
	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)dl)) == NULL)
		goto out;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, rs, 32) != 32 || BN_bn2binpad(s, rs + 32, 32) != 32)
		goto out;
	ret = tc_buf_put(resp, rs, 64);
out:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pctx);
	ERR_clear_error();
	return ret;
}

/* The commands inside the channel, on the decrypted data. */
static uint16_t
channel_command(struct vcard *vc, const struct tc_apdu *a, const uint8_t *d,
    size_t n, struct tc_buf *resp)
{
	const struct tc_profile_object *cred =
	    tc_profile_object(vc->profile, "credential");
	uint8_t kcv[TC_SCP_KCV_LEN], pt[65], hash[32];
	struct tc_scp_keys nk;
	EVP_PKEY *k = NULL;
	size_t off, m;

	switch (a->ins) {
	case TC_TCAPP_INS_PUT_KEY:
		if (a->p1 != vc->st.kvn || n != 38)
			return TC_SW_WRONG_DATA;
		memcpy(nk.enc, d, 16);
		memcpy(nk.mac, d + 16, 16);
		if (tc_scp_kcv(nk.enc, kcv) != 0 ||
		    memcmp(kcv, d + 32, 3) != 0 ||
		    tc_scp_kcv(nk.mac, kcv) != 0 || memcmp(kcv, d + 35, 3) != 0)
			return TC_SW_WRONG_DATA;
		vc->st.keys = nk;
		vc->st.kvn = a->p2;
		vc->dirty = 1;
		OPENSSL_cleanse(&nk, sizeof(nk));
		if (tc_buf_put_u8(resp, a->p2) != 0 ||
		    tc_buf_put(resp, d + 32, 6) != 0)
			return TC_SW_UNKNOWN;
		return TC_SW_OK;
	case TC_TCAPP_INS_GENERATE:
		if (a->p1 != 0 ||
		    (a->p2 != TC_TCAPP_ALG_ES256 && a->p2 != TC_TCAPP_ALG_SM2))
			return TC_SW_WRONG_P1P2;
		if (vcard_keygen(a->p2, &k) != 0 || vcard_point(k, pt) != 0) {
			EVP_PKEY_free(k);
			return TC_SW_MEMORY_FAILURE;
		}
		EVP_PKEY_free(vc->st.key);
		vc->st.key = k;
		vc->st.key_alg = a->p2;
		vc->dirty = 1;
		if (tc_tlv_begin(resp, 0x7F49, &m) != 0 ||
		    tc_tlv_put(resp, 0x86, pt, 65) != 0 ||
		    tc_tlv_end(resp, m) != 0)
			return TC_SW_UNKNOWN;
		return TC_SW_OK;
	case TC_TCAPP_INS_UPDATE:
		off = (size_t)a->p1 << 8 | a->p2;
		if (off > vc->st.cred.len || n == 0)
			return TC_SW_WRONG_P1P2;
		if (off + n > cred->max_size)
			return TC_SW_NO_SPACE;
		tc_buf_truncate(&vc->st.cred, off);
		if (tc_buf_put(&vc->st.cred, d, n) != 0)
			return TC_SW_NO_SPACE;
		vc->dirty = 1;
		return TC_SW_OK;
	case TC_TCAPP_INS_LOCK:
		if (a->p1 != 0x80 || a->p2 != 0)
			return TC_SW_WRONG_P1P2;
		if (n != TC_TCAPP_LOCK_LEN)
			return TC_SW_WRONG_LENGTH;
		if (vc->st.key == NULL || vc->st.cred.len == 0)
			return TC_SW_CONDITIONS;
		if (EVP_Digest(vc->st.cred.data, vc->st.cred.len, hash, NULL,
			EVP_sha256(), NULL) != 1)
			return TC_SW_UNKNOWN;
		if (((size_t)d[0] << 8 | d[1]) != vc->st.cred.len ||
		    memcmp(d + 2, hash, 32) != 0)
			return TC_SW_WRONG_DATA;
		vc->st.t_state = TC_TCAPP_STATE_OPERATIONAL;
		vc->dirty = 1;
		return TC_SW_OK;
	default:
		return TC_SW_INS_UNKNOWN;
	}
}

uint16_t
vcard_tcard_command(
    struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp)
{
	struct tc_buf plain, out;
	uint8_t div[TC_SCP_DIV_LEN] = { 0 };
	size_t off, n;
	uint16_t sw;
	int r;

	vc->wrapped = 0;
	switch (a->ins) {
	case TC_TCAPP_INS_READ:
		if (a->cla != 0x00)
			return TC_SW_CLA_UNKNOWN;
		if (vc->st.t_state != TC_TCAPP_STATE_OPERATIONAL)
			return TC_SW_CONDITIONS;
		off = (size_t)a->p1 << 8 | a->p2;
		if (off >= vc->st.cred.len)
			return TC_SW_WRONG_P1P2;
		n = vc->st.cred.len - off;
		if (a->ne > 0 && n > a->ne)
			n = a->ne;
		return tc_buf_put(resp, vc->st.cred.data + off, n) == 0
		    ? TC_SW_OK
		    : TC_SW_UNKNOWN;
	case TC_TCAPP_INS_INTERNAL:
		if (a->cla != 0x00)
			return TC_SW_CLA_UNKNOWN;
		if (vc->st.t_state != TC_TCAPP_STATE_OPERATIONAL ||
		    vc->st.key == NULL)
			return TC_SW_CONDITIONS;
		if (a->nc < TC_TCAPP_CHALLENGE_MIN ||
		    a->nc > TC_TCAPP_CHALLENGE_MAX)
			return TC_SW_WRONG_LENGTH;
		return sign_tap(vc, a->data, a->nc, resp) == 0 ? TC_SW_OK
							       : TC_SW_UNKNOWN;
	case TC_TCAPP_INS_INIT_UPDATE:
		tc_scp_release(&vc->scp);
		if (a->cla != 0x80)
			return TC_SW_CLA_UNKNOWN;
		if (vc->st.t_state != TC_TCAPP_STATE_PERSO)
			return TC_SW_CONDITIONS;
		if (vc->st.auth_failures >= VCARD_AUTH_TRIES)
			return TC_SW_AUTH_BLOCKED;
		if (a->nc != TC_SCP_CHALLENGE_LEN)
			return TC_SW_WRONG_LENGTH;
		if (a->p1 != 0 && a->p1 != vc->st.kvn)
			return TC_SW_REF_NOT_FOUND;
		memcpy(div, vc->st.uid, TC_TCAPP_UID_LEN);
		return tc_scp_card_begin(&vc->scp, &vc->st.keys,
			   (uint8_t)vc->st.kvn, div, a->data, resp) == 0
		    ? TC_SW_OK
		    : TC_SW_UNKNOWN;
	case TC_TCAPP_INS_EXT_AUTH:
		if (vc->st.t_state != TC_TCAPP_STATE_PERSO)
			return TC_SW_CONDITIONS;
		if (!vc->scp.pending)
			return TC_SW_CONDITIONS;
		if (tc_scp_card_authenticate(&vc->scp, a) != 0) {
			vc->st.auth_failures++;
			vc->dirty = 1;
			return TC_SW_SECURITY;
		}
		if (vc->st.auth_failures != 0) {
			vc->st.auth_failures = 0;
			vc->dirty = 1;
		}
		return TC_SW_OK;
	case TC_TCAPP_INS_PUT_KEY:
	case TC_TCAPP_INS_GENERATE:
	case TC_TCAPP_INS_UPDATE:
	case TC_TCAPP_INS_LOCK:
		break;
	default:
		return TC_SW_INS_UNKNOWN;
	}
	/* Personalisation: only inside the channel, only before the lock. */
	if (vc->st.t_state != TC_TCAPP_STATE_PERSO)
		return TC_SW_CONDITIONS;
	if (!vc->scp.open || (a->cla & 0x04) == 0)
		return TC_SW_SECURITY;
	tc_buf_init(&plain, TC_APDU_EXT_NC);
	tc_buf_init(&out, TC_APDU_RESP_MAX);
	if ((r = tc_scp_card_unwrap(&vc->scp, a, &plain)) != 0) {
		sw = r == TC_ERR_STATE ? TC_SW_SECURITY : TC_SW_SM_INCORRECT;
		goto done;
	}
	sw = channel_command(vc, a, plain.data, plain.len, &out);
	if (sw != TC_SW_OK)
		tc_buf_reset(&out);
	vc->wrapped = 1;
	if (tc_scp_card_wrap(&vc->scp, out.data, out.len, sw, resp) != 0)
		sw = TC_SW_UNKNOWN;
	if (a->ins == TC_TCAPP_INS_LOCK && sw == TC_SW_OK)
		tc_scp_release(&vc->scp); /* the channel ends with the lock */
done:
	tc_buf_release(&plain);
	tc_buf_release(&out);
	return sw;
}
