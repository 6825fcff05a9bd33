/* SPDX-License-Identifier: MIT */
/*
 * The tcard secure channel (include/tcard/scp.h): SP 800-108 KDF with
 * AES-CMAC through OpenSSL's KBKDF, session keys and cryptograms, C-MAC,
 * C-ENC and R-MAC for both sides. The byte layout is in
 * docs/card-tcard.md, section "Secure channel".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "tcard/err.h"
#include "tcard/scp.h"

#define LABEL_K_ENC	 "talentcard-scp K-ENC"
#define LABEL_K_MAC	 "talentcard-scp K-MAC"
#define LABEL_S_ENC	 "talentcard-scp S-ENC"
#define LABEL_S_MAC	 "talentcard-scp S-MAC"
#define LABEL_S_RMAC	 "talentcard-scp S-RMAC"
#define LABEL_CARD_CRYPT "talentcard-scp card cryptogram"
#define LABEL_HOST_CRYPT "talentcard-scp host cryptogram"

void
tc_scp_release(struct tc_scp *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, sizeof(*s));
}

int
tc_scp_kdf(const uint8_t key[TC_SCP_KEY_LEN], const char *label,
    const uint8_t *context, size_t ctxlen, uint8_t *out, size_t outlen)
{
	OSSL_PARAM params[7], *p = params;
	EVP_KDF_CTX *kctx = NULL;
	EVP_KDF *kdf = NULL;
	int r = TC_ERR_CRYPTO;

	if (key == NULL || label == NULL || out == NULL || outlen == 0 ||
	    outlen > 64 || (context == NULL && ctxlen > 0))
		return TC_ERR_INVALID_ARG;
	if ((kdf = EVP_KDF_fetch(NULL, "KBKDF", NULL)) == NULL ||
	    (kctx = EVP_KDF_CTX_new(kdf)) == NULL)
		goto out;
	*p++ =
	    OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, "COUNTER", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, "CMAC", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(
	    OSSL_KDF_PARAM_CIPHER, "AES-128-CBC", 0);
	*p++ = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)key, TC_SCP_KEY_LEN);
	*p++ = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_SALT, (void *)(uintptr_t)label, strlen(label));
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)(context != NULL ? context
						: (const uint8_t *)""),
	    ctxlen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, outlen, params) != 1)
		goto out;
	r = 0;
out:
	ERR_clear_error();
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return r;
}

int
tc_scp_diversify(const uint8_t master[TC_SCP_KEY_LEN], const uint8_t *uid,
    size_t uidlen, struct tc_scp_keys *out)
{
	int r;

	if (out == NULL || uid == NULL || uidlen == 0 ||
	    uidlen > TC_SCP_UID_MAX)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_scp_kdf(master, LABEL_K_ENC, uid, uidlen, out->enc,
		 TC_SCP_KEY_LEN)) != 0 ||
	    (r = tc_scp_kdf(master, LABEL_K_MAC, uid, uidlen, out->mac,
		 TC_SCP_KEY_LEN)) != 0)
		OPENSSL_cleanse(out, sizeof(*out));
	return r;
}

void
tc_scp_factory_keys(struct tc_scp_keys *out)
{
	int i;

	for (i = 0; i < TC_SCP_KEY_LEN; i++)
		out->enc[i] = out->mac[i] = (uint8_t)(0x40 + i);
}

/* AES-128 of len bytes (a multiple of 16) in CBC (iv) or ECB (iv NULL). */
static int
aes(const uint8_t key[16], const uint8_t *iv, int enc, const uint8_t *in,
    size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *c;
	int n1 = 0, n2 = 0, ok;

	if (len % 16 != 0 || len > 0x7fffffff)
		return TC_ERR_INVALID_ARG;
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return TC_ERR_NOMEM;
	ok = EVP_CipherInit_ex(c,
		 iv != NULL ? EVP_aes_128_cbc() : EVP_aes_128_ecb(), NULL, key,
		 iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_CipherUpdate(c, out, &n1, in, (int)len) == 1 &&
	    EVP_CipherFinal_ex(c, out + n1, &n2) == 1 &&
	    (size_t)(n1 + n2) == len;
	EVP_CIPHER_CTX_free(c);
	ERR_clear_error();
	return ok ? 0 : TC_ERR_CRYPTO;
}

int
tc_scp_kcv(const uint8_t key[TC_SCP_KEY_LEN], uint8_t kcv[TC_SCP_KCV_LEN])
{
	uint8_t ones[16], out[16];
	int r;

	memset(ones, 0x01, sizeof(ones));
	if ((r = aes(key, NULL, 1, ones, 16, out)) != 0)
		return r;
	memcpy(kcv, out, TC_SCP_KCV_LEN);
	return 0;
}

/* AES-CMAC of the concatenation of up to three parts. */
static int
cmac(const uint8_t key[16], const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, const uint8_t *c, size_t clen, uint8_t out[16])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac = NULL;
	size_t outl = 0;
	int r = TC_ERR_CRYPTO;

	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "CMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(ctx, key, 16, params) != 1 ||
	    (alen > 0 && EVP_MAC_update(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_MAC_update(ctx, b, blen) != 1) ||
	    (clen > 0 && EVP_MAC_update(ctx, c, clen) != 1) ||
	    EVP_MAC_final(ctx, out, &outl, 16) != 1 || outl != 16)
		goto out;
	r = 0;
out:
	ERR_clear_error();
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

/* The derivation context: host challenge || card challenge. */
static void
challenges(const struct tc_scp *s, uint8_t ctx[2 * TC_SCP_CHALLENGE_LEN])
{
	memcpy(ctx, s->host_challenge, TC_SCP_CHALLENGE_LEN);
	memcpy(ctx + TC_SCP_CHALLENGE_LEN, s->card_challenge,
	    TC_SCP_CHALLENGE_LEN);
}

/* Both cryptograms from S-MAC and the challenges. */
static int
cryptograms(struct tc_scp *s, uint8_t card_crypt[8], uint8_t host_crypt[8])
{
	uint8_t ctx[2 * TC_SCP_CHALLENGE_LEN];
	int r;

	challenges(s, ctx);
	if ((r = tc_scp_kdf(s->s_mac, LABEL_CARD_CRYPT, ctx, sizeof(ctx),
		 card_crypt, 8)) != 0)
		return r;
	return tc_scp_kdf(
	    s->s_mac, LABEL_HOST_CRYPT, ctx, sizeof(ctx), host_crypt, 8);
}

/* Session keys and both cryptograms from the static keys and challenges. */
static int
derive(struct tc_scp *s, const struct tc_scp_keys *keys, uint8_t card_crypt[8],
    uint8_t host_crypt[8])
{
	uint8_t ctx[2 * TC_SCP_CHALLENGE_LEN];
	int r;

	challenges(s, ctx);
	if ((r = tc_scp_kdf(keys->enc, LABEL_S_ENC, ctx, sizeof(ctx), s->s_enc,
		 16)) != 0 ||
	    (r = tc_scp_kdf(keys->mac, LABEL_S_MAC, ctx, sizeof(ctx), s->s_mac,
		 16)) != 0 ||
	    (r = tc_scp_kdf(keys->mac, LABEL_S_RMAC, ctx, sizeof(ctx),
		 s->s_rmac, 16)) != 0)
		return r;
	return cryptograms(s, card_crypt, host_crypt);
}

/*
 * The C-MAC of a command: CMAC(S-MAC, MCV || CLA INS P1 P2 || Lc as two
 * bytes || data), which becomes the new MCV; its first 8 bytes go to mac.
 */
static int
command_mac(struct tc_scp *s, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
    const uint8_t *data, size_t n, uint8_t mac[TC_SCP_MAC_LEN])
{
	uint8_t hdr[6], full[16];
	int r;

	hdr[0] = cla;
	hdr[1] = ins;
	hdr[2] = p1;
	hdr[3] = p2;
	hdr[4] = (uint8_t)((n + TC_SCP_MAC_LEN) >> 8);
	hdr[5] = (uint8_t)(n + TC_SCP_MAC_LEN);
	if ((r = cmac(s->s_mac, s->mcv, 16, hdr, 6, data, n, full)) != 0)
		return r;
	memcpy(s->mcv, full, 16);
	memcpy(mac, full, TC_SCP_MAC_LEN);
	return 0;
}

/* The R-MAC: CMAC(S-RMAC, MCV || data || SW1 SW2), first 8 bytes. */
static int
response_mac(struct tc_scp *s, const uint8_t *data, size_t n, uint16_t sw,
    uint8_t mac[TC_SCP_MAC_LEN])
{
	uint8_t swb[2] = { (uint8_t)(sw >> 8), (uint8_t)sw }, full[16];
	int r;

	if ((r = cmac(s->s_rmac, s->mcv, 16, data, n, swb, 2, full)) != 0)
		return r;
	memcpy(mac, full, TC_SCP_MAC_LEN);
	return 0;
}

/* The ICV of command counter: AES-ECB(S-ENC, counter as 16 bytes). */
static int
icv_of(struct tc_scp *s, uint8_t icv[16])
{
	uint8_t block[16] = { 0 };

	block[12] = (uint8_t)(s->counter >> 24);
	block[13] = (uint8_t)(s->counter >> 16);
	block[14] = (uint8_t)(s->counter >> 8);
	block[15] = (uint8_t)s->counter;
	return aes(s->s_enc, NULL, 1, block, 16, icv);
}

int
tc_scp_host_begin(struct tc_scp *s, uint8_t host_challenge[8])
{
	if (s == NULL || host_challenge == NULL)
		return TC_ERR_INVALID_ARG;
	tc_scp_release(s);
	if (RAND_bytes(s->host_challenge, TC_SCP_CHALLENGE_LEN) != 1) {
		ERR_clear_error();
		return TC_ERR_CRYPTO;
	}
	memcpy(host_challenge, s->host_challenge, TC_SCP_CHALLENGE_LEN);
	s->pending = 1;
	return 0;
}

int
tc_scp_parse_iu(struct tc_scp_iu *iu, const uint8_t *p, size_t len, char *err,
    size_t errlen)
{
	if (iu == NULL)
		return TC_ERR_INVALID_ARG;
	memset(iu, 0, sizeof(*iu));
	if (p == NULL || len != TC_SCP_IU_LEN)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "INITIALIZE UPDATE answer of %zu bytes, expected %d", len,
		    TC_SCP_IU_LEN);
	memcpy(iu->div, p, TC_SCP_DIV_LEN);
	iu->kvn = p[10];
	iu->scp_id = p[11];
	iu->i_param = p[12];
	memcpy(iu->card_challenge, p + 13, TC_SCP_CHALLENGE_LEN);
	memcpy(iu->card_cryptogram, p + 21, TC_SCP_CRYPTO_LEN);
	if (iu->scp_id != TC_SCP_ID)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "INITIALIZE UPDATE answer byte 11: secure channel protocol %02X, expected %02X",
		    iu->scp_id, TC_SCP_ID);
	return 0;
}

int
tc_scp_session_keys(const struct tc_scp_keys *keys,
    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN],
    const struct tc_scp_iu *iu, struct tc_scp_session *out, char *err,
    size_t errlen)
{
	struct tc_scp s;
	uint8_t card_crypt[8], host_crypt[8];
	int r;

	if (keys == NULL || host_challenge == NULL || iu == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(&s, 0, sizeof(s));
	memcpy(s.host_challenge, host_challenge, TC_SCP_CHALLENGE_LEN);
	memcpy(s.card_challenge, iu->card_challenge, TC_SCP_CHALLENGE_LEN);
	if ((r = derive(&s, keys, card_crypt, host_crypt)) != 0)
		goto out;
	if (tc_memeq_ct(card_crypt, iu->card_cryptogram, 8) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "the card cryptogram is wrong: the card does not hold the keys of version %02X",
		    iu->kvn);
		goto out;
	}
	memcpy(out->s_enc, s.s_enc, TC_SCP_KEY_LEN);
	memcpy(out->s_mac, s.s_mac, TC_SCP_KEY_LEN);
	memcpy(out->s_rmac, s.s_rmac, TC_SCP_KEY_LEN);
out:
	tc_scp_release(&s);
	OPENSSL_cleanse(card_crypt, sizeof(card_crypt));
	OPENSSL_cleanse(host_crypt, sizeof(host_crypt));
	return r;
}

int
tc_scp_host_open(struct tc_scp *s, const struct tc_scp_session *sk,
    const struct tc_scp_iu *iu, struct tc_apdu *ea, struct tc_buf *buf,
    char *err, size_t errlen)
{
	uint8_t card_crypt[8], host_crypt[8], mac[TC_SCP_MAC_LEN];
	int r;

	if (s == NULL || sk == NULL || iu == NULL || ea == NULL || buf == NULL)
		return TC_ERR_INVALID_ARG;
	if (!s->pending)
		return TC_ERR_STATE;
	memcpy(s->card_challenge, iu->card_challenge, TC_SCP_CHALLENGE_LEN);
	memset(s->mcv, 0, sizeof(s->mcv));
	memcpy(s->s_enc, sk->s_enc, TC_SCP_KEY_LEN);
	memcpy(s->s_mac, sk->s_mac, TC_SCP_KEY_LEN);
	memcpy(s->s_rmac, sk->s_rmac, TC_SCP_KEY_LEN);
	if ((r = cryptograms(s, card_crypt, host_crypt)) != 0)
		goto out;
	if (tc_memeq_ct(card_crypt, iu->card_cryptogram, 8) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "the card cryptogram is wrong: the session keys are not those of this card's keys of version %02X",
		    iu->kvn);
		tc_scp_release(s);
		goto out;
	}
	if ((r = command_mac(
		 s, 0x84, 0x82, TC_SCP_LEVEL, 0x00, host_crypt, 8, mac)) != 0)
		goto out;
	tc_buf_reset(buf);
	if ((r = tc_buf_put(buf, host_crypt, 8)) != 0 ||
	    (r = tc_buf_put(buf, mac, TC_SCP_MAC_LEN)) != 0)
		goto out;
	memset(ea, 0, sizeof(*ea));
	ea->cla = 0x84;
	ea->ins = 0x82;
	ea->p1 = TC_SCP_LEVEL;
	ea->p2 = 0x00;
	ea->data = buf->data;
	ea->nc = buf->len;
	s->level = TC_SCP_LEVEL;
	s->counter = 0;
	r = 0;
out:
	OPENSSL_cleanse(card_crypt, sizeof(card_crypt));
	OPENSSL_cleanse(host_crypt, sizeof(host_crypt));
	return r;
}

int
tc_scp_host_authenticate(struct tc_scp *s, const struct tc_scp_keys *keys,
    const struct tc_scp_iu *iu, struct tc_apdu *ea, struct tc_buf *buf,
    char *err, size_t errlen)
{
	struct tc_scp_session sk;
	int r;

	if (s == NULL || keys == NULL || iu == NULL || ea == NULL ||
	    buf == NULL)
		return TC_ERR_INVALID_ARG;
	if (!s->pending)
		return TC_ERR_STATE;
	if ((r = tc_scp_session_keys(
		 keys, s->host_challenge, iu, &sk, err, errlen)) != 0)
		tc_scp_release(s);
	else
		r = tc_scp_host_open(s, &sk, iu, ea, buf, err, errlen);
	OPENSSL_cleanse(&sk, sizeof(sk));
	return r;
}

void
tc_scp_host_opened(struct tc_scp *s)
{
	s->pending = 0;
	s->open = 1;
}

int
tc_scp_wrap(struct tc_scp *s, const struct tc_apdu *plain, struct tc_apdu *out,
    struct tc_buf *buf)
{
	uint8_t icv[16], mac[TC_SCP_MAC_LEN], *tmp = NULL;
	size_t padded = 0;
	int r;

	if (s == NULL || plain == NULL || out == NULL || buf == NULL)
		return TC_ERR_INVALID_ARG;
	if (!s->open)
		return TC_ERR_STATE;
	if (plain->nc > TC_APDU_EXT_NC - 16 - TC_SCP_MAC_LEN)
		return TC_ERR_TOO_LARGE;
	tc_buf_reset(buf);
	s->counter++;
	if (plain->nc > 0) {
		padded = (plain->nc / 16 + 1) * 16;
		if ((tmp = calloc(1, padded)) == NULL)
			return TC_ERR_NOMEM;
		memcpy(tmp, plain->data, plain->nc);
		tmp[plain->nc] = 0x80;
		if ((r = icv_of(s, icv)) != 0 ||
		    (r = aes(s->s_enc, icv, 1, tmp, padded, tmp)) != 0 ||
		    (r = tc_buf_put(buf, tmp, padded)) != 0)
			goto out;
	}
	if ((r = command_mac(s, (uint8_t)(plain->cla | 0x04), plain->ins,
		 plain->p1, plain->p2, buf->data, buf->len, mac)) != 0 ||
	    (r = tc_buf_put(buf, mac, TC_SCP_MAC_LEN)) != 0)
		goto out;
	*out = *plain;
	out->cla = (uint8_t)(plain->cla | 0x04);
	out->data = buf->data;
	out->nc = buf->len;
	out->ne = plain->ne + TC_SCP_MAC_LEN;
	if (plain->ne <= TC_APDU_SHORT_NE && out->ne > TC_APDU_SHORT_NE)
		out->ne = TC_APDU_SHORT_NE;
	if (out->ne > TC_APDU_EXT_NE)
		out->ne = TC_APDU_EXT_NE;
	r = 0;
out:
	if (tmp != NULL)
		OPENSSL_cleanse(tmp, padded);
	free(tmp);
	return r;
}

int
tc_scp_unwrap(struct tc_scp *s, const uint8_t *data, size_t len, uint16_t sw,
    struct tc_buf *plain, char *err, size_t errlen)
{
	uint8_t mac[TC_SCP_MAC_LEN];
	int r;

	if (s == NULL || plain == NULL || (data == NULL && len > 0))
		return TC_ERR_INVALID_ARG;
	if (!s->open)
		return TC_ERR_STATE;
	if (sw == TC_SW_SECURITY || sw == TC_SW_SM_MISSING ||
	    sw == TC_SW_SM_INCORRECT) {
		tc_scp_release(s);
		return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "the card closed the secure channel: %04X %s", sw,
		    tc_sw_text(sw));
	}
	if (len < TC_SCP_MAC_LEN) {
		tc_scp_release(s);
		return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "an answer of %zu bytes has no R-MAC (status %04X)", len,
		    sw);
	}
	if ((r = response_mac(s, data, len - TC_SCP_MAC_LEN, sw, mac)) != 0)
		return r;
	if (tc_memeq_ct(mac, data + len - TC_SCP_MAC_LEN, TC_SCP_MAC_LEN) !=
	    0) {
		tc_scp_release(s);
		return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "the R-MAC of the card's answer is wrong: the answer was altered or does not come from the card");
	}
	return tc_buf_put(plain, data, len - TC_SCP_MAC_LEN);
}

int
tc_scp_card_begin(struct tc_scp *s, const struct tc_scp_keys *keys, uint8_t kvn,
    const uint8_t div[TC_SCP_DIV_LEN],
    const uint8_t host_challenge[TC_SCP_CHALLENGE_LEN], struct tc_buf *resp)
{
	uint8_t card_crypt[8], host_crypt[8], ki[3];
	int r;

	if (s == NULL || keys == NULL || div == NULL ||
	    host_challenge == NULL || resp == NULL)
		return TC_ERR_INVALID_ARG;
	tc_scp_release(s);
	memcpy(s->host_challenge, host_challenge, TC_SCP_CHALLENGE_LEN);
	if (RAND_bytes(s->card_challenge, TC_SCP_CHALLENGE_LEN) != 1) {
		ERR_clear_error();
		return TC_ERR_CRYPTO;
	}
	if ((r = derive(s, keys, card_crypt, host_crypt)) != 0)
		goto out;
	ki[0] = kvn;
	ki[1] = TC_SCP_ID;
	ki[2] = TC_SCP_I_PARAM;
	if ((r = tc_buf_put(resp, div, TC_SCP_DIV_LEN)) != 0 ||
	    (r = tc_buf_put(resp, ki, 3)) != 0 ||
	    (r = tc_buf_put(resp, s->card_challenge, TC_SCP_CHALLENGE_LEN)) !=
		0 ||
	    (r = tc_buf_put(resp, card_crypt, 8)) != 0)
		goto out;
	s->pending = 1;
	r = 0;
out:
	OPENSSL_cleanse(card_crypt, sizeof(card_crypt));
	OPENSSL_cleanse(host_crypt, sizeof(host_crypt));
	if (r != 0)
		tc_scp_release(s);
	return r;
}

int
tc_scp_card_authenticate(struct tc_scp *s, const struct tc_apdu *cmd)
{
	uint8_t card_crypt[8], host_crypt[8], mac[TC_SCP_MAC_LEN];
	int r = TC_ERR_SECURE_CHANNEL;

	if (s == NULL || cmd == NULL)
		return TC_ERR_INVALID_ARG;
	if (!s->pending)
		return TC_ERR_STATE;
	if (cmd->cla != 0x84 || cmd->p1 != TC_SCP_LEVEL || cmd->p2 != 0 ||
	    cmd->nc != 8 + TC_SCP_MAC_LEN)
		goto out;
	if (cryptograms(s, card_crypt, host_crypt) != 0)
		goto out;
	memset(s->mcv, 0, sizeof(s->mcv));
	if (command_mac(s, cmd->cla, cmd->ins, cmd->p1, cmd->p2, cmd->data, 8,
		mac) != 0 ||
	    tc_memeq_ct(mac, cmd->data + 8, TC_SCP_MAC_LEN) != 0 ||
	    tc_memeq_ct(host_crypt, cmd->data, 8) != 0)
		goto out;
	s->pending = 0;
	s->open = 1;
	s->level = TC_SCP_LEVEL;
	s->counter = 0;
	r = 0;
out:
	OPENSSL_cleanse(card_crypt, sizeof(card_crypt));
	OPENSSL_cleanse(host_crypt, sizeof(host_crypt));
	if (r != 0)
		tc_scp_release(s);
	return r;
}

int
tc_scp_card_unwrap(
    struct tc_scp *s, const struct tc_apdu *cmd, struct tc_buf *plain)
{
	uint8_t icv[16], mac[TC_SCP_MAC_LEN], *tmp = NULL;
	size_t enclen, n;
	int r = TC_ERR_SECURE_CHANNEL;

	if (s == NULL || cmd == NULL || plain == NULL)
		return TC_ERR_INVALID_ARG;
	if (!s->open)
		return TC_ERR_STATE;
	tc_buf_reset(plain);
	if ((cmd->cla & 0x04) == 0 || cmd->nc < TC_SCP_MAC_LEN)
		goto fail;
	enclen = cmd->nc - TC_SCP_MAC_LEN;
	if (enclen % 16 != 0)
		goto fail;
	s->counter++;
	if (command_mac(s, cmd->cla, cmd->ins, cmd->p1, cmd->p2, cmd->data,
		enclen, mac) != 0 ||
	    tc_memeq_ct(mac, cmd->data + enclen, TC_SCP_MAC_LEN) != 0)
		goto fail;
	if (enclen == 0)
		return 0;
	if ((tmp = malloc(enclen)) == NULL) {
		r = TC_ERR_NOMEM;
		goto fail;
	}
	if (icv_of(s, icv) != 0 ||
	    aes(s->s_enc, icv, 0, cmd->data, enclen, tmp) != 0)
		goto fail;
	/* ISO/IEC 9797-1 method 2: 80 then zeros, within the last block. */
	for (n = enclen; n > enclen - 16 && tmp[n - 1] == 0x00; n--)
		;
	if (n <= enclen - 16 || tmp[n - 1] != 0x80)
		goto fail;
	if ((r = tc_buf_put(plain, tmp, n - 1)) != 0)
		goto fail;
	OPENSSL_cleanse(tmp, enclen);
	free(tmp);
	return 0;
fail:
	if (tmp != NULL)
		OPENSSL_cleanse(tmp, enclen);
	free(tmp);
	tc_buf_reset(plain);
	tc_scp_release(s);
	return r;
}

int
tc_scp_card_wrap(struct tc_scp *s, const uint8_t *data, size_t n, uint16_t sw,
    struct tc_buf *out)
{
	uint8_t mac[TC_SCP_MAC_LEN];
	int r;

	if (s == NULL || out == NULL || (data == NULL && n > 0))
		return TC_ERR_INVALID_ARG;
	if (!s->open)
		return TC_ERR_STATE;
	if ((r = response_mac(s, data, n, sw, mac)) != 0)
		return r;
	if ((r = tc_buf_put(out, data, n)) != 0 ||
	    (r = tc_buf_put(out, mac, TC_SCP_MAC_LEN)) != 0)
		return r;
	return 0;
}
