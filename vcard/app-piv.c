/* SPDX-License-Identifier: MIT */
/*
 * The PIV applet of the emulator: the subset of NIST SP 800-73-4 that
 * talentcard and OpenSC's PIV driver use (docs/card-piv.md): SELECT with
 * its application property template, GET DATA of the discovery object,
 * CHUID, CCC, certificate 9E and the talentcard credential, PUT DATA and
 * GENERATE ASYMMETRIC KEY PAIR after management-key authentication,
 * GENERAL AUTHENTICATE for the management key (mutual, 3DES or AES-128)
 * and for key 9E (ECDSA P-256, no PIN), VERIFY for the PIN status, and
 * Yubico's SET MANAGEMENT KEY. Command chaining is handled here; response
 * chaining (61XX) in card.c and main.c (GET RESPONSE).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tcard/err.h"
#include "tcard/piv.h"
#include "tcard/tlv.h"
#include "vcard.h"

#define PIV_PIN "123456\xff\xff"

int
vcard_piv_select(struct vcard *vc, struct tc_buf *resp)
{
	static const uint8_t pix[6] = { 0x00, 0x00, 0x10, 0x00, 0x01, 0x00 };
	static const uint8_t rid[5] = { 0xA0, 0x00, 0x00, 0x03, 0x08 };
	static const char label[] = "talentcard vcard PIV";
	static const uint8_t a3 = TC_PIV_ALG_3DES, a8 = TC_PIV_ALG_AES128,
			     a11 = TC_PIV_ALG_P256, none = 0;
	size_t m, m79, mac;
	int r;

	(void)vc;
	if ((r = tc_tlv_begin(resp, 0x61, &m)) != 0 ||
	    (r = tc_tlv_put(resp, 0x4F, pix, sizeof(pix))) != 0 ||
	    (r = tc_tlv_begin(resp, 0x79, &m79)) != 0 ||
	    (r = tc_tlv_put(resp, 0x4F, rid, sizeof(rid))) != 0 ||
	    (r = tc_tlv_end(resp, m79)) != 0 ||
	    (r = tc_tlv_put(
		 resp, 0x50, (const uint8_t *)label, sizeof(label) - 1)) != 0 ||
	    (r = tc_tlv_begin(resp, 0xAC, &mac)) != 0 ||
	    (r = tc_tlv_put(resp, 0x80, &a3, 1)) != 0 ||
	    (r = tc_tlv_put(resp, 0x80, &a8, 1)) != 0 ||
	    (r = tc_tlv_put(resp, 0x80, &a11, 1)) != 0 ||
	    (r = tc_tlv_put(resp, 0x06, &none, 1)) != 0 ||
	    (r = tc_tlv_end(resp, mac)) != 0 || (r = tc_tlv_end(resp, m)) != 0)
		return r;
	return 0;
}

static size_t
block_len(unsigned alg)
{
	return alg == TC_PALG_3DES ? 8 : 16;
}

static int
cipher(struct vcard *vc, int enc, const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *c;
	int l1 = 0, l2 = 0, ok;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(c,
		 vc->st.mgmt_alg == TC_PALG_3DES ? EVP_des_ede3_ecb()
						 : EVP_aes_128_ecb(),
		 NULL, vc->st.mgmt_key, NULL, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_CipherUpdate(c, out, &l1, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(c, out + l1, &l2) == 1;
	EVP_CIPHER_CTX_free(c);
	ERR_clear_error();
	return ok ? 0 : -1;
}

/* The tag of the 5C object that starts the data of GET/PUT DATA. */
static int
data_tag(const uint8_t *p, size_t n, uint32_t *tag, size_t *used)
{
	size_t i;

	if (n < 2 || p[0] != 0x5C || p[1] < 1 || p[1] > 3 ||
	    (size_t)p[1] + 2 > n)
		return -1;
	*tag = 0;
	for (i = 0; i < p[1]; i++)
		*tag = *tag << 8 | p[2 + i];
	*used = 2 + (size_t)p[1];
	return 0;
}

static const struct tc_profile_object *
object_of(struct vcard *vc, uint32_t tag)
{
	size_t i;

	for (i = 0; i < vc->profile->n_objects; i++)
		if (vc->profile->objects[i].tag == tag)
			return &vc->profile->objects[i];
	return NULL;
}

static uint16_t
get_data(struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp)
{
	struct vcard_object *o;
	uint32_t tag;
	size_t used;

	if (a->p1 != 0x3F || a->p2 != 0xFF)
		return TC_SW_WRONG_P1P2;
	if (data_tag(a->data, a->nc, &tag, &used) != 0 || used != a->nc)
		return TC_SW_WRONG_DATA;
	if (tag == TC_PIV_TAG_DISCOVERY)
		return tc_piv_build_discovery(
			   resp, vc->profile->aid, vc->profile->aid_len) == 0
		    ? TC_SW_OK
		    : TC_SW_UNKNOWN;
	if ((o = vcard_object(&vc->st, tag)) == NULL || o->data.len == 0)
		return TC_SW_NOT_FOUND;
	return tc_buf_put(resp, o->data.data, o->data.len) == 0 ? TC_SW_OK
								: TC_SW_UNKNOWN;
}

static uint16_t
put_data(struct vcard *vc, const uint8_t *d, size_t n)
{
	const struct tc_profile_object *po;
	struct tc_cursor c;
	struct tc_tlv t;
	uint32_t tag;
	size_t used;

	if (!vc->mgmt_ok)
		return TC_SW_SECURITY;
	if (data_tag(d, n, &tag, &used) != 0)
		return TC_SW_WRONG_DATA;
	if ((po = object_of(vc, tag)) == NULL ||
	    po->write != TC_ACCESS_MANAGEMENT_KEY)
		return TC_SW_NOT_FOUND;
	tc_cursor_init(&c, d + used, n - used);
	if (tc_tlv_next(&c, &t, NULL, 0) != 0 || t.tag != 0x53 ||
	    tc_cursor_left(&c) != 0)
		return TC_SW_WRONG_DATA;
	if (n - used > po->max_size)
		return TC_SW_NO_SPACE;
	if (vcard_object_set(&vc->st, tag, d + used, n - used) != 0)
		return TC_SW_NO_SPACE;
	vc->dirty = 1;
	return TC_SW_OK;
}

static uint16_t
mgmt_auth(struct vcard *vc, const struct tc_apdu *a, const uint8_t *v80,
    size_t l80, const uint8_t *v81, size_t l81, int has81, struct tc_buf *resp)
{
	uint8_t enc[16];
	size_t bl = block_len(vc->st.mgmt_alg), m;
	unsigned want = a->p1 == TC_PIV_ALG_3DES ? TC_PALG_3DES
	    : a->p1 == TC_PIV_ALG_AES128	 ? TC_PALG_AES128
						 : 0;

	if (want == 0 || want != vc->st.mgmt_alg)
		return TC_SW_WRONG_P1P2;
	vc->mgmt_ok = 0;
	if (l80 == 0 && !has81) {
		/* Step 1: the card's witness, encrypted. */
		if (RAND_bytes(vc->witness, (int)bl) != 1 ||
		    cipher(vc, 1, vc->witness, bl, enc) != 0)
			return TC_SW_UNKNOWN;
		vc->witness_len = (int)bl;
		if (tc_tlv_begin(resp, 0x7C, &m) != 0 ||
		    tc_tlv_put(resp, 0x80, enc, bl) != 0 ||
		    tc_tlv_end(resp, m) != 0)
			return TC_SW_UNKNOWN;
		return TC_SW_OK;
	}
	/* Step 2: the witness decrypted, and the host's challenge. */
	if (vc->witness_len != (int)bl || l80 != bl || !has81 || l81 != bl) {
		vc->witness_len = 0;
		return TC_SW_WRONG_DATA;
	}
	if (CRYPTO_memcmp(v80, vc->witness, bl) != 0) {
		vc->witness_len = 0;
		return TC_SW_SECURITY;
	}
	vc->witness_len = 0;
	if (cipher(vc, 1, v81, bl, enc) != 0)
		return TC_SW_UNKNOWN;
	if (tc_tlv_begin(resp, 0x7C, &m) != 0 ||
	    tc_tlv_put(resp, 0x82, enc, bl) != 0 || tc_tlv_end(resp, m) != 0)
		return TC_SW_UNKNOWN;
	vc->mgmt_ok = 1;
	return TC_SW_OK;
}

static uint16_t
sign_9e(struct vcard *vc, const uint8_t *hash, size_t n, struct tc_buf *resp)
{
	EVP_PKEY_CTX *c = NULL;
	uint8_t sig[80];
	size_t sl = sizeof(sig), m;
	uint16_t sw = TC_SW_UNKNOWN;

	if (vc->st.key == NULL)
		return TC_SW_REF_NOT_FOUND;
	if (n == 0 || n > 32)
		return TC_SW_WRONG_DATA;
	if ((c = EVP_PKEY_CTX_new_from_pkey(NULL, vc->st.key, NULL)) == NULL ||
	    EVP_PKEY_sign_init(c) != 1 ||
	    EVP_PKEY_sign(c, sig, &sl, hash, n) != 1)
		goto out;
	if (tc_tlv_begin(resp, 0x7C, &m) != 0 ||
	    tc_tlv_put(resp, 0x82, sig, sl) != 0 || tc_tlv_end(resp, m) != 0)
		goto out;
	sw = TC_SW_OK;
out:
	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
	return sw;
}

static uint16_t
general_auth(struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp)
{
	struct tc_cursor c;
	struct tc_tlv t, in;
	const uint8_t *v80 = NULL, *v81 = NULL;
	size_t l80 = 0, l81 = 0;
	int has80 = 0, has81 = 0, has82 = 0;

	tc_cursor_init(&c, a->data, a->nc);
	if (tc_tlv_next(&c, &t, NULL, 0) != 0 || t.tag != 0x7C ||
	    tc_cursor_left(&c) != 0)
		return TC_SW_WRONG_DATA;
	tc_cursor_init(&c, t.value, t.len);
	while (tc_tlv_next(&c, &in, NULL, 0) == 0) {
		if (in.tag == 0x80) {
			has80 = 1;
			v80 = in.value;
			l80 = in.len;
		} else if (in.tag == 0x81) {
			has81 = 1;
			v81 = in.value;
			l81 = in.len;
		} else if (in.tag == 0x82)
			has82 = 1;
	}
	if (tc_cursor_left(&c) != 0)
		return TC_SW_WRONG_DATA;
	if (a->p2 == TC_PIV_KEY_MGMT && has80)
		return mgmt_auth(vc, a, v80, l80, v81, l81, has81, resp);
	if (a->p2 == TC_PIV_KEY_CARD_AUTH) {
		if (a->p1 != TC_PIV_ALG_P256)
			return TC_SW_WRONG_P1P2;
		if (!has82 || !has81)
			return TC_SW_WRONG_DATA;
		return sign_9e(vc, v81, l81, resp);
	}
	return TC_SW_REF_NOT_FOUND;
}

static uint16_t
generate(struct vcard *vc, const struct tc_apdu *a, struct tc_buf *resp)
{
	static const uint8_t want[5] = { 0xAC, 0x03, 0x80, 0x01,
		TC_PIV_ALG_P256 };
	EVP_PKEY *k = NULL;
	uint8_t pt[65];
	size_t m;

	if (!vc->mgmt_ok)
		return TC_SW_SECURITY;
	if (a->p1 != 0 || a->p2 != TC_PIV_KEY_CARD_AUTH)
		return TC_SW_REF_NOT_FOUND;
	if (a->nc < 5 || memcmp(a->data, want, 5) != 0)
		return TC_SW_WRONG_DATA;
	if (vcard_keygen(1, &k) != 0 || vcard_point(k, pt) != 0) {
		EVP_PKEY_free(k);
		return TC_SW_MEMORY_FAILURE;
	}
	EVP_PKEY_free(vc->st.key);
	vc->st.key = k;
	vc->dirty = 1;
	if (tc_tlv_begin(resp, 0x7F49, &m) != 0 ||
	    tc_tlv_put(resp, 0x86, pt, 65) != 0 || tc_tlv_end(resp, m) != 0)
		return TC_SW_UNKNOWN;
	return TC_SW_OK;
}

static uint16_t
set_mgmt(struct vcard *vc, const struct tc_apdu *a)
{
	size_t len;

	if (!vc->mgmt_ok)
		return TC_SW_SECURITY;
	if (a->p1 != 0xFF || (a->p2 != 0xFF && a->p2 != 0xFE))
		return TC_SW_WRONG_P1P2;
	if (a->nc < 3 || a->data[1] != TC_PIV_KEY_MGMT)
		return TC_SW_WRONG_DATA;
	len = a->data[2];
	if (a->nc != 3 + len ||
	    !((a->data[0] == TC_PIV_ALG_3DES && len == 24) ||
		(a->data[0] == TC_PIV_ALG_AES128 && len == 16)))
		return TC_SW_WRONG_DATA;
	vc->st.mgmt_alg =
	    a->data[0] == TC_PIV_ALG_3DES ? TC_PALG_3DES : TC_PALG_AES128;
	memcpy(vc->st.mgmt_key, a->data + 3, len);
	vc->st.mgmt_len = len;
	vc->dirty = 1;
	vc->mgmt_ok = 0;
	return TC_SW_OK;
}

uint16_t
vcard_piv_command(
    struct vcard *vc, const struct tc_apdu *a0, struct tc_buf *resp)
{
	struct tc_apdu a = *a0;
	uint16_t sw;

	/* Command chaining (ISO/IEC 7816-4 5.1.1.1). */
	if (a.cla & 0x10) {
		if (!vc->chaining) {
			tc_buf_reset(&vc->chain);
			memcpy(vc->chain_hdr, &a.ins, 1);
			vc->chain_hdr[1] = a.p1;
			vc->chain_hdr[2] = a.p2;
			vc->chaining = 1;
		} else if (vc->chain_hdr[0] != a.ins ||
		    vc->chain_hdr[1] != a.p1 || vc->chain_hdr[2] != a.p2) {
			vc->chaining = 0;
			return TC_SW_CHAINING;
		}
		if (tc_buf_put(&vc->chain, a.data, a.nc) != 0) {
			vc->chaining = 0;
			return TC_SW_NO_SPACE;
		}
		return TC_SW_OK;
	}
	if (vc->chaining) {
		vc->chaining = 0;
		if (vc->chain_hdr[0] != a.ins || vc->chain_hdr[1] != a.p1 ||
		    vc->chain_hdr[2] != a.p2)
			return TC_SW_CHAINING;
		if (tc_buf_put(&vc->chain, a.data, a.nc) != 0)
			return TC_SW_NO_SPACE;
		a.data = vc->chain.data;
		a.nc = vc->chain.len;
	}
	if (a.cla != 0x00)
		return TC_SW_CLA_UNKNOWN;
	switch (a.ins) {
	case TC_PIV_INS_GET_DATA:
		sw = get_data(vc, &a, resp);
		break;
	case TC_PIV_INS_PUT_DATA:
		if (a.p1 != 0x3F || a.p2 != 0xFF)
			return TC_SW_WRONG_P1P2;
		sw = put_data(vc, a.data, a.nc);
		break;
	case TC_PIV_INS_GEN_AUTH:
		sw = general_auth(vc, &a, resp);
		break;
	case TC_PIV_INS_GENERATE:
		sw = generate(vc, &a, resp);
		break;
	case TC_PIV_INS_SET_MGMT:
		sw = set_mgmt(vc, &a);
		break;
	case TC_PIV_INS_VERIFY:
		if (a.p2 != 0x80)
			return TC_SW_REF_NOT_FOUND;
		if (a.nc == 0)
			return 0x63C3; /* PIN not verified, 3 tries */
		return a.nc == 8 && memcmp(a.data, PIV_PIN, 8) == 0 ? TC_SW_OK
								    : 0x63C2;
	default:
		sw = TC_SW_INS_UNKNOWN;
		break;
	}
	return sw;
}
