/* SPDX-License-Identifier: MIT */
/*
 * Keyed MACs of ID numbers and names and AES-256-GCM sealing of personal
 * data at rest (include/tcard/pii.h). The layouts are pinned in
 * docs/registry.md. Plaintext that passes through here lives only in
 * caller buffers and OpenSSL contexts, which are wiped and freed.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/pii.h"

#define ID_LABEL   "talentcard-id-v1"
#define NAME_LABEL "talentcard-name-v1"

/*
 * HMAC-SHA256(key, label || 0x00 || value). The value is fed to the MAC
 * directly rather than copied into a joined buffer, so no extra copy of an
 * ID number is made.
 */
static int
labelled_mac(const uint8_t key[TC_PII_KEY_LEN], const char *label,
    const char *value, uint8_t out[TC_PII_MAC_LEN])
{
	static const uint8_t zero = 0;
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	char digest[] = "SHA256";
	size_t outlen = 0;
	int r = TC_ERR_CRYPTO;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	memset(out, 0, TC_PII_MAC_LEN);
	if (key == NULL || value == NULL || *value == '\0')
		return TC_ERR_INVALID_ARG;
	params[0] =
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(ctx, key, TC_PII_KEY_LEN, params) ||
	    !EVP_MAC_update(ctx, (const uint8_t *)label, strlen(label)) ||
	    !EVP_MAC_update(ctx, &zero, 1) ||
	    !EVP_MAC_update(ctx, (const uint8_t *)value, strlen(value)) ||
	    !EVP_MAC_final(ctx, out, &outlen, TC_PII_MAC_LEN) ||
	    outlen != TC_PII_MAC_LEN)
		goto out;
	r = 0;
out:
	if (r != 0)
		memset(out, 0, TC_PII_MAC_LEN);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

int
tc_pii_id_mac(const uint8_t pepper[TC_PII_KEY_LEN], const char *normalised_id,
    uint8_t out[TC_PII_MAC_LEN])
{
	return labelled_mac(pepper, ID_LABEL, normalised_id, out);
}

int
tc_pii_name_mac(const uint8_t pepper[TC_PII_KEY_LEN],
    const char *normalised_name, uint8_t out[TC_PII_MAC_LEN])
{
	return labelled_mac(pepper, NAME_LABEL, normalised_name, out);
}

int
tc_pii_seal(const uint8_t key[TC_PII_KEY_LEN], const char *aad,
    const uint8_t *pt, size_t len, struct tc_buf *out)
{
	const uint8_t version = TC_PII_SEAL_VERSION;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t start;
	uint8_t *p;
	int n, r = TC_ERR_INTERNAL;

	if (key == NULL || out == NULL || (pt == NULL && len != 0))
		return TC_ERR_INVALID_ARG;
	if (len > TC_PII_SEAL_MAX)
		return TC_ERR_TOO_LARGE;
	if (aad == NULL)
		aad = "";
	if (strlen(aad) > TC_PII_AAD_MAX)
		return TC_ERR_INVALID_ARG;
	start = out->len;
	if ((r = tc_buf_reserve(out, len + TC_PII_SEAL_OVERHEAD)) != 0)
		return r;
	p = out->data + start;
	p[0] = version;
	r = TC_ERR_CRYPTO;
	if (RAND_bytes(p + 1, TC_PII_NONCE_LEN) != 1)
		goto out;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(
		ctx, EVP_CTRL_GCM_SET_IVLEN, TC_PII_NONCE_LEN, NULL) ||
	    !EVP_EncryptInit_ex(ctx, NULL, NULL, key, p + 1) ||
	    !EVP_EncryptUpdate(ctx, NULL, &n, &version, 1) ||
	    (*aad != '\0' &&
		!EVP_EncryptUpdate(
		    ctx, NULL, &n, (const uint8_t *)aad, (int)strlen(aad))))
		goto out;
	if (len > 0 &&
	    (!EVP_EncryptUpdate(
		 ctx, p + 1 + TC_PII_NONCE_LEN, &n, pt, (int)len) ||
		(size_t)n != len))
		goto out;
	if (!EVP_EncryptFinal_ex(ctx, p + 1 + TC_PII_NONCE_LEN + len, &n) ||
	    n != 0 ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TC_PII_TAG_LEN,
		p + 1 + TC_PII_NONCE_LEN + len))
		goto out;
	out->len = start + len + TC_PII_SEAL_OVERHEAD;
	out->data[out->len] = '\0';
	r = 0;
out:
	if (r != 0)
		OPENSSL_cleanse(p, len + TC_PII_SEAL_OVERHEAD);
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
tc_pii_open(const uint8_t key[TC_PII_KEY_LEN], const char *aad,
    const uint8_t *in, size_t len, struct tc_buf *out, char *err, size_t errlen)
{
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t tag[TC_PII_TAG_LEN];
	const uint8_t *nonce, *ct;
	size_t start, ctlen;
	uint8_t *p;
	int n, r = TC_ERR_INTERNAL;

	if (key == NULL || in == NULL || out == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "key, input or output missing");
	if (len < TC_PII_SEAL_OVERHEAD)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "sealed value of %zu bytes is shorter than the %d bytes of version, nonce and tag",
		    len, TC_PII_SEAL_OVERHEAD);
	if (in[0] != TC_PII_SEAL_VERSION)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte 0: sealed value version %u, expected %u", in[0],
		    TC_PII_SEAL_VERSION);
	if (aad == NULL)
		aad = "";
	if (strlen(aad) > TC_PII_AAD_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "context string over %d bytes", TC_PII_AAD_MAX);
	nonce = in + 1;
	ct = nonce + TC_PII_NONCE_LEN;
	ctlen = len - TC_PII_SEAL_OVERHEAD;
	if (ctlen > TC_PII_SEAL_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "sealed value of %zu bytes is over the limit", len);
	memcpy(tag, ct + ctlen, TC_PII_TAG_LEN);
	start = out->len;
	if ((r = tc_buf_reserve(out, ctlen)) != 0)
		return tc_seterr(err, errlen, r,
		    "no room for %zu bytes of plaintext", ctlen);
	p = out->data + start;
	r = TC_ERR_CRYPTO;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(
		ctx, EVP_CTRL_GCM_SET_IVLEN, TC_PII_NONCE_LEN, NULL) ||
	    !EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) ||
	    !EVP_DecryptUpdate(ctx, NULL, &n, in, 1) ||
	    (*aad != '\0' &&
		!EVP_DecryptUpdate(
		    ctx, NULL, &n, (const uint8_t *)aad, (int)strlen(aad))) ||
	    (ctlen > 0 &&
		(!EVP_DecryptUpdate(ctx, p, &n, ct, (int)ctlen) ||
		    (size_t)n != ctlen)) ||
	    !EVP_CIPHER_CTX_ctrl(
		ctx, EVP_CTRL_GCM_SET_TAG, TC_PII_TAG_LEN, tag)) {
		tc_seterr(err, errlen, r, "AES-GCM setup failed");
		goto out;
	}
	if (EVP_DecryptFinal_ex(ctx, p + ctlen, &n) != 1) {
		r = tc_seterr(err, errlen, TC_ERR_DECRYPT,
		    "sealed value does not authenticate (altered, or another key or context)");
		goto out;
	}
	out->len = start + ctlen;
	out->data[out->len] = '\0';
	r = 0;
out:
	if (r != 0) {
		/* Never leave unauthenticated plaintext behind. */
		OPENSSL_cleanse(p, ctlen);
		out->data[start] = '\0';
	}
	OPENSSL_cleanse(tag, sizeof(tag));
	EVP_CIPHER_CTX_free(ctx);
	return r;
}
