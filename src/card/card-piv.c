/* SPDX-License-Identifier: MIT */
/*
 * The PIV platform (NIST SP 800-73-4, docs/card-piv.md): the ISO 7816
 * table of src/card/card-iso.c with the SELECT answer (template 61, the GUID of
 * the CHUID as uid), the credential in its own data object (GET / PUT
 * DATA), GENERAL AUTHENTICATE with key 9E for the challenge, mutual
 * authentication with the management key 9B and its replacement by the
 * card's diversified key, key generation and the certificate of 9E
 * overridden. A PIV card has no lock: it is usable as soon as it is
 * written.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "card-int.h"
#include "tcard/err.h"
#include "tcard/piv.h"
#include "tcard/scp.h"
#include "tcard/tcapp.h"
#include "tcard/tlv.h"

#define PIV_MGMT_LABEL "talentcard-piv 9B"

static const uint8_t chuid_q[5] = { 0x5C, 0x03, 0x5F, 0xC1, 0x02 };
static const struct tc_apdu chuid_get = { 0x00, TC_PIV_INS_GET_DATA, 0x3F, 0xFF,
	chuid_q, 5, TC_APDU_SHORT_NE, 0 };

/* The GUID of the CHUID in d (the answer to GET DATA 5FC102). */
static int
piv_guid_of(struct tc_cardapp *app, const uint8_t *d, size_t len, char *err,
    size_t errlen)
{
	char perr[160];

	if (tc_piv_chuid_guid(d, len, app->uid, perr, sizeof(perr)) != 0)
		return tc_seterr(err, errlen, TC_ERR_CARD, "%s: %s",
		    tc_icc_name(app->icc), perr);
	app->uid_len = TC_PIV_GUID_LEN;
	return 0;
}

static int
piv_read_guid(struct tc_cardapp *app, char *err, size_t errlen)
{
	struct tc_buf d;
	int r;

	tc_buf_init(&d, 4096);
	if ((r = tc_card_expect_ok(
		 app->icc, &chuid_get, &d, "GET DATA CHUID", err, errlen)) == 0)
		r = piv_guid_of(app, d.data, d.len, err, errlen);
	tc_buf_release(&d);
	return r;
}

/*
 * GET DATA CHUID after a SELECT queued (tc_cardapp_open on a transport
 * that batches): any status word goes on, as the SELECT may have found
 * no PIV application.
 */
static int
piv_uid_later(struct tc_cardapp *app, int *slot, char *err, size_t errlen)
{
	static const struct tc_icc_sw any = { 0, 0 };

	return tc_icc_apdu_later(
	    app->icc, &chuid_get, &any, 1, 0, slot, err, errlen);
}

static int
piv_uid_answer(struct tc_cardapp *app, const uint8_t *d, size_t len,
    uint16_t sw, char *err, size_t errlen)
{
	if (sw != TC_SW_OK)
		return tc_seterr(err, errlen,
		    sw == TC_SW_NOT_FOUND || sw == TC_SW_REF_NOT_FOUND
			? TC_ERR_NOT_FOUND
			: TC_ERR_BAD_SW,
		    "%s: GET DATA CHUID: the card answered %04X (%s)",
		    tc_icc_name(app->icc), sw, tc_sw_text(sw));
	return piv_guid_of(app, d, len, err, errlen);
}

static int
piv_opened(struct tc_cardapp *app, const uint8_t *resp, size_t len,
    int need_uid, char *err, size_t errlen)
{
	char perr[160];

	/* The application property template 61 (SP 800-73-4 3.1.1). */
	if (len > 0 &&
	    (tc_tlv_check(resp, len, perr, sizeof(perr)) != 0 ||
		resp[0] != 0x61))
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: the PIV SELECT answer is not a template 61",
		    tc_icc_name(app->icc));
	app->operational = 1;
	if (need_uid)
		return piv_read_guid(app, err, errlen);
	return 0;
}

/* GET DATA of the credential object 5FFF20 (docs/card-piv.md). */
static void
piv_read_apdu(struct tc_apdu *a, const uint8_t q[5])
{
	memset(a, 0, sizeof(*a));
	a->ins = TC_PIV_INS_GET_DATA;
	a->p1 = 0x3F;
	a->p2 = 0xFF;
	a->data = q;
	a->nc = 5;
	a->ne = TC_APDU_SHORT_NE;
}

/* The credential in the answer d to GET DATA 5FFF20. */
static int
piv_read_answer(struct tc_cardapp *app, const uint8_t *d, size_t len,
    struct tc_buf *cose, char *err, size_t errlen)
{
	const uint8_t *v;
	char perr[160];
	size_t vlen;
	int r;

	if ((r = tc_piv_container_data(
		 d, len, &v, &vlen, perr, sizeof(perr))) != 0)
		return tc_seterr(err, errlen,
		    r == TC_ERR_NOT_FOUND ? TC_ERR_NOT_FOUND : TC_ERR_CARD,
		    "%s: credential object: %s", tc_icc_name(app->icc), perr);
	if (vlen == 0)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: the credential object is empty",
		    tc_icc_name(app->icc));
	return tc_buf_put(cose, v, vlen);
}

static int
piv_read_credential(
    struct tc_cardapp *app, struct tc_buf *cose, char *err, size_t errlen)
{
	static const uint8_t q[5] = { 0x5C, 0x03, 0x5F, 0xFF, 0x20 };
	struct tc_apdu a;
	struct tc_buf d;
	size_t mark = cose->len;
	int r;

	piv_read_apdu(&a, q);
	tc_buf_init(&d, TC_CARDAPP_CRED_MAX + 64);
	r = tc_card_expect_ok(
	    app->icc, &a, &d, "GET DATA credential", err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		r = tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%s: the card holds no talentcard credential (object 5FFF20)",
		    tc_icc_name(app->icc));
	if (r == 0)
		r = piv_read_answer(app, d.data, d.len, cose, err, errlen);
	tc_buf_release(&d);
	if (r != 0)
		tc_buf_truncate(cose, mark);
	return r;
}

/* The final check's GET DATA of a credential of n bytes (one container). */
static int
piv_read_later(
    struct tc_cardapp *app, size_t n, int *slot, char *err, size_t errlen)
{
	static const uint8_t q[5] = { 0x5C, 0x03, 0x5F, 0xFF, 0x20 };
	static const uint8_t zero[TC_CARDAPP_CRED_MAX];
	struct tc_apdu a;
	struct tc_buf c;
	size_t want;
	int r;

	if (n == 0 || n > TC_CARDAPP_CRED_MAX)
		return TC_ERR_INVALID_ARG;
	/* The container's size depends on n only. */
	tc_buf_init(&c, TC_CARDAPP_CRED_MAX + 64);
	r = tc_piv_build_container(&c, zero, n);
	want = c.len;
	tc_buf_release(&c);
	if (r != 0)
		return r;
	piv_read_apdu(&a, q);
	return tc_icc_apdu_later(
	    app->icc, &a, tc_card_sw_ok, 1, want, slot, err, errlen);
}

/*
 * GENERAL AUTHENTICATE 9E of SHA-256(domain || challenge): the command
 * in a, its data in cmd.
 */
static int
piv_sign_apdu(
    struct tc_apdu *a, struct tc_buf *cmd, const uint8_t *challenge, size_t n)
{
	uint8_t hash[32], msg[TC_TAP_DOMAIN_LEN + TC_TCAPP_CHALLENGE_MAX];
	size_t m;
	int r;

	if (n > TC_TCAPP_CHALLENGE_MAX)
		return TC_ERR_INVALID_ARG;
	memcpy(msg, TC_TAP_DOMAIN, TC_TAP_DOMAIN_LEN);
	memcpy(msg + TC_TAP_DOMAIN_LEN, challenge, n);
	if (EVP_Digest(msg, TC_TAP_DOMAIN_LEN + n, hash, NULL, EVP_sha256(),
		NULL) != 1) {
		ERR_clear_error();
		return TC_ERR_CRYPTO;
	}
	if ((r = tc_tlv_begin(cmd, 0x7C, &m)) != 0 ||
	    (r = tc_tlv_put(cmd, 0x82, NULL, 0)) != 0 ||
	    (r = tc_tlv_put(cmd, 0x81, hash, 32)) != 0 ||
	    (r = tc_tlv_end(cmd, m)) != 0)
		return r;
	memset(a, 0, sizeof(*a));
	a->ins = TC_PIV_INS_GEN_AUTH;
	a->p1 = TC_PIV_ALG_P256;
	a->p2 = TC_PIV_KEY_CARD_AUTH;
	a->data = cmd->data;
	a->nc = cmd->len;
	a->ne = TC_APDU_SHORT_NE;
	return 0;
}

/* The signature in the answer d to GENERAL AUTHENTICATE 9E. */
static int
piv_sign_answer(struct tc_cardapp *app, const uint8_t *d, size_t len,
    struct tc_buf *sig, char *err, size_t errlen)
{
	const uint8_t *v;
	char perr[160];
	size_t vlen;

	if (tc_piv_7c_get(d, len, 0x82, &v, &vlen, perr, sizeof(perr)) != 0 ||
	    vlen == 0 || vlen > 80)
		return tc_seterr(err, errlen, TC_ERR_CARD,
		    "%s: GENERAL AUTHENTICATE 9E: no signature in the answer",
		    tc_icc_name(app->icc));
	return tc_buf_put(sig, v, vlen);
}

static int
piv_sign(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    struct tc_buf *sig, char *err, size_t errlen)
{
	struct tc_apdu a;
	struct tc_buf d, cmd;
	int r;

	tc_buf_init(&d, 1024);
	tc_buf_init(&cmd, 256);
	if ((r = piv_sign_apdu(&a, &cmd, challenge, n)) == 0 &&
	    (r = tc_card_expect_ok(app->icc, &a, &d, "GENERAL AUTHENTICATE 9E",
		 err, errlen)) == 0)
		r = piv_sign_answer(app, d.data, d.len, sig, err, errlen);
	tc_buf_release(&d);
	tc_buf_release(&cmd);
	return r;
}

static int
piv_sign_later(struct tc_cardapp *app, const uint8_t *challenge, size_t n,
    int *slot, char *err, size_t errlen)
{
	struct tc_apdu a;
	struct tc_buf cmd;
	int r;

	tc_buf_init(&cmd, 256);
	if ((r = piv_sign_apdu(&a, &cmd, challenge, n)) == 0)
		r = tc_icc_apdu_later(
		    app->icc, &a, tc_card_sw_ok, 1, 0, slot, err, errlen);
	tc_buf_release(&cmd);
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
 * The card's answer to the host's challenge, wanted later: the challenge
 * encrypted with the key (p->expect).
 */
static int
piv_auth_check(struct tc_cardapp *app, const uint8_t *d, size_t len,
    uint16_t sw, const struct tc_cardapp_pending *p, char *err, size_t errlen)
{
	const uint8_t *v;
	char perr[160];
	size_t vlen;

	if (sw != TC_SW_OK)
		return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: management key: the card refused the host's answer: %04X (%s)",
		    tc_icc_name(app->icc), sw, tc_sw_text(sw));
	if (tc_piv_7c_get(d, len, 0x82, &v, &vlen, perr, sizeof(perr)) != 0 ||
	    vlen != p->n || tc_memeq_ct(v, p->expect, p->n) != 0)
		return tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: management key: the card's answer to our challenge is wrong",
		    tc_icc_name(app->icc));
	return 0;
}

/*
 * The second half of a mutual authentication on a transport that
 * batches: the host's answer is queued and the card's answer checked by
 * tc_cardapp_settle.
 */
static int
piv_auth_later(struct tc_cardapp *app, const struct tc_apdu *a,
    const uint8_t *enc, size_t bl, char *err, size_t errlen)
{
	struct tc_cardapp_pending *p;
	int r;

	if (app->n_pending == sizeof(app->pending) / sizeof(app->pending[0]) &&
	    (r = tc_cardapp_settle(app, 1, err, errlen)) != 0)
		return r;
	p = &app->pending[app->n_pending];
	if ((r = tc_icc_apdu_later(
		 app->icc, a, tc_card_sw_ok, 1, 0, &p->slot, err, errlen)) != 0)
		return r;
	memcpy(p->expect, enc, bl);
	p->n = bl;
	p->check = piv_auth_check;
	app->n_pending++;
	return 0;
}

/*
 * SP 800-73-4 mutual authentication with the management key: the card
 * sends an encrypted witness, the host returns it decrypted with its own
 * challenge, the card returns the challenge encrypted. With later on a
 * transport that batches, the card's answer is checked later
 * (piv_auth_later). Returns 0, TC_ERR_SECURE_CHANNEL (the card refused:
 * not its key) or an error.
 */
static int
piv_mutual_auth(struct tc_cardapp *app, unsigned alg, const uint8_t *key,
    int later, char *err, size_t errlen)
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
	if ((r = block_cipher(alg, key, 1, chal, bl, enc)) != 0)
		goto out;
	if (later && tc_icc_batches(app->icc)) {
		r = piv_auth_later(app, &a, enc, bl, err, errlen);
		goto out;
	}
	if ((r = tc_card_auth_ok(
		 app->icc, &a, &d, "management key", err, errlen)) != 0)
		goto out;
	if (tc_piv_7c_get(d.data, d.len, 0x82, &v, &vlen, perr, sizeof(perr)) !=
		0 ||
	    vlen != bl || tc_memeq_ct(v, enc, bl) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_SECURE_CHANNEL,
		    "%s: management key: the card's answer to our challenge is wrong",
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

/* The card's own management key, from the key provider. */
static int
piv_personal_key(struct tc_cardapp *app, const struct tc_card_keys *keys,
    uint8_t key[16], char *err, size_t errlen)
{
	if (keys->piv_mgmt_key == NULL)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s: the key provider has no management keys",
		    tc_icc_name(app->icc));
	return keys->piv_mgmt_key(keys->ctx, app, key, err, errlen);
}

static int
piv_authenticate(struct tc_cardapp *app, const struct tc_card_keys *keys,
    int prefer_personal, char *err, size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "management");
	uint8_t personal[16];
	char first[256] = "";
	int r, i, personal_try, later;

	if (app->uid_len == 0 && (r = piv_read_guid(app, err, errlen)) != 0)
		return r;
	if ((r = piv_personal_key(app, keys, personal, err, errlen)) != 0)
		return r;
	for (i = 0; i < 2; i++) {
		personal_try = (i == 0) == (prefer_personal != 0);
		/*
		 * The card's answer is checked later except when a refusal
		 * must lead to the other key: the card's own key tried first
		 * on a chip started before, which may still have the factory
		 * key. Tried first on a new chip the factory key is its key.
		 */
		later = i == 1 || !prefer_personal;
		r = personal_try ? piv_mutual_auth(app, k->personal_alg,
				       personal, later, err, errlen)
				 : piv_mutual_auth(app, k->factory_alg,
				       k->factory_key, later, err, errlen);
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
		    "%s: neither the factory management key nor this card's own key is accepted (%s)",
		    tc_icc_name(app->icc), first);
	return r;
}

static int
piv_rotate(struct tc_cardapp *app, const struct tc_card_keys *keys, char *err,
    size_t errlen)
{
	const struct tc_profile_key *k =
	    tc_profile_key(app->profile, "management");
	uint8_t data[3 + 16];
	struct tc_apdu a;
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
	if ((r = piv_personal_key(app, keys, data + 3, err, errlen)) != 0)
		return r;
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_SET_MGMT;
	a.p1 = 0xFF;
	a.p2 = 0xFF;
	a.data = data;
	a.nc = sizeof(data);
	r = tc_card_expect_ok_later(
	    app->icc, &a, "SET MANAGEMENT KEY", err, errlen);
	/*
	 * Authenticate again with the new key: cards differ on whether the
	 * old authentication survives a key change, and this proves the key
	 * was stored right before anything else is written.
	 */
	app->authenticated = 0;
	if (r == 0 &&
	    (r = piv_mutual_auth(
		 app, k->personal_alg, data + 3, 1, err, errlen)) == 0) {
		app->mgmt_personal = 1;
		app->authenticated = 1;
	}
	OPENSSL_cleanse(data, sizeof(data));
	return r;
}

/* GENERATE ASYMMETRIC KEY PAIR 9E: always P-256. */
static int
piv_generate_key(struct tc_cardapp *app, int cose_alg, struct tc_buf *answer,
    int *sm2, char *err, size_t errlen)
{
	static const uint8_t gen9e[5] = { 0xAC, 0x03, 0x80, 0x01,
		TC_PIV_ALG_P256 };
	struct tc_apdu a;
	int r;

	*sm2 = 0;
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_GENERATE;
	a.p2 = TC_PIV_KEY_CARD_AUTH;
	a.data = gen9e;
	a.nc = sizeof(gen9e);
	a.ne = TC_APDU_SHORT_NE;
	if (tc_icc_batches(app->icc)) {
		/* Read when the key is needed (tc_cardapp_settle). */
		if ((r = tc_icc_apdu_later(app->icc, &a, tc_card_sw_ok, 1, 0,
			 &app->gen_slot, err, errlen)) != 0)
			return r;
		app->gen_pending = 1;
		app->gen_sm2 = 0;
		return 0;
	}
	return tc_card_expect_ok(app->icc, &a, answer,
	    "GENERATE ASYMMETRIC KEY PAIR 9E", err, errlen);
}

/* PIV PUT DATA of tag with a container 53 { 70 data, 71 00, FE 00 }. */
static int
piv_put(struct tc_cardapp *app, uint32_t tag, const uint8_t *data, size_t n,
    const char *what, char *err, size_t errlen)
{
	uint8_t t[3] = { (uint8_t)(tag >> 16), (uint8_t)(tag >> 8),
		(uint8_t)tag };
	struct tc_apdu a;
	struct tc_buf cmd;
	int r;

	tc_buf_init(&cmd, TC_ICC_CHAIN_MAX_DATA);
	if ((r = tc_tlv_put(&cmd, 0x5C, t, 3)) != 0 ||
	    (r = tc_piv_build_container(&cmd, data, n)) != 0)
		goto out;
	memset(&a, 0, sizeof(a));
	a.ins = TC_PIV_INS_PUT_DATA;
	a.p1 = 0x3F;
	a.p2 = 0xFF;
	a.data = cmd.data;
	a.nc = cmd.len;
	r = tc_card_expect_ok_later(app->icc, &a, what, err, errlen);
out:
	tc_buf_release(&cmd);
	return r;
}

static int
piv_write_certificate(struct tc_cardapp *app, const uint8_t *der, size_t n,
    char *err, size_t errlen)
{
	const struct tc_profile_object *o =
	    tc_profile_object(app->profile, "certificate");

	if (n + 16 > o->max_size)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the certificate of %zu bytes does not fit the card's %zu",
		    n, o->max_size);
	return piv_put(
	    app, o->tag, der, n, "PUT DATA certificate 9E", err, errlen);
}

static int
piv_write_credential(struct tc_cardapp *app, const uint8_t *cose, size_t n,
    char *err, size_t errlen)
{
	const struct tc_profile_object *o =
	    tc_profile_object(app->profile, "credential");

	return piv_put(
	    app, o->tag, cose, n, "PUT DATA credential", err, errlen);
}

/* The PIV rules between the parts of a profile (src/card/profile.c). */
static int
piv_check_profile(const struct tc_profile *p, char *msg, size_t msglen)
{
	const struct tc_profile_object *cred =
	    tc_profile_object(p, "credential");
	const struct tc_profile_object *cert =
	    tc_profile_object(p, "certificate");
	const struct tc_profile_key *auth = tc_profile_key(p, "card-auth");
	const struct tc_profile_key *sec = tc_profile_key(p, "management");
	struct tc_profile_order o;

	tc_profile_order(p, &o);
	if (o.lock >= 0 || o.credential != o.last ||
	    o.certificate < o.generate || o.rotate > o.credential)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "piv: no lock; write-certificate after generate-key, and write-credential must be the last step that changes the card, after rotate-keys");
	if (sec == NULL || sec->ref != 0x9B || sec->factory_key_len == 0 ||
	    sec->personal_alg == 0)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "piv: key \"management\" (9B) needs factory_key, factory_algorithm and personal_algorithm");
	if (cert == NULL || cert->tag == 0 || cred->tag == 0 ||
	    tc_profile_object(p, "chuid") == NULL)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "piv: objects \"credential\", \"certificate\" and \"chuid\" with tags are needed");
	if (auth->algs != TC_PALG_ES256)
		return tc_seterr(msg, msglen, TC_ERR_MALFORMED,
		    "piv: key \"card-auth\" is ES256 (P-256)");
	return 0;
}

void
tc_card_piv_init(struct tc_card_ops *ops)
{
	*ops = *tc_card_iso_ops();
	ops->platform = TC_PLATFORM_PIV;
	ops->name = "piv";
	ops->flags = 0;
	ops->check_profile = piv_check_profile;
	ops->opened = piv_opened;
	ops->read_credential = piv_read_credential;
	ops->sign = piv_sign;
	ops->authenticate = piv_authenticate;
	ops->rotate_keys = piv_rotate;
	ops->generate_key = piv_generate_key;
	ops->write_certificate = piv_write_certificate;
	ops->write_credential = piv_write_credential;
	ops->uid_later = piv_uid_later;
	ops->uid_answer = piv_uid_answer;
	ops->read_later = piv_read_later;
	ops->read_answer = piv_read_answer;
	ops->sign_later = piv_sign_later;
	ops->sign_answer = piv_sign_answer;
}
