/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of QR e-cards, in one run on one core: verification of a
 * typical card's QR text by tc_credential_verify (prefix, Base45, inflate,
 * COSE and claims decode, key lookup, ES256 verify, dates) against raw
 * ECDSA P-256 verification by OpenSSL of the very same signed bytes (the
 * Sig_structure and a DER signature prepared in advance); e-cards signed
 * and rendered per second (claims encode + sign + Base45 text, QR at level
 * Q, PNG at 8 pixels per module), with and without the holder binding's
 * scrypt; and the text length and QR version of that card, signed with
 * ES256 and with SM2 (whose COSE alg takes 4 bytes more), and the longest
 * Chinese name that still fits QR version 10. The card is like the demo's:
 * 16-digit number, programme code, tier "silver", a three-character
 * Chinese name. Each rate is the best of 3 rounds of about 0.3 s. Made-up
 * data only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/qr.h"

#include "synth.h"

#define NOW 1795233600 /* 2026-11-21T04:00:00Z */

static struct {
	EVP_PKEY *pkey;
	struct tc_cose_key *key;
	struct tc_cose_keyring *ring;
	struct tc_claims claims;
	struct tc_buf text;
	struct tc_buf tbs;
	unsigned char *der;
	int derlen;
} fx;

static void
die(const char *what)
{
	fprintf(stderr, "bench-ecard: %s failed\n", what);
	exit(1);
}

static void
put_bstr_head(struct tc_buf *b, size_t len)
{
	if (len < 24)
		tc_buf_put_u8(b, (uint8_t)(0x40 | len));
	else if (len < 256) {
		tc_buf_put_u8(b, 0x58);
		tc_buf_put_u8(b, (uint8_t)len);
	} else {
		tc_buf_put_u8(b, 0x59);
		tc_buf_put_u16be(b, (uint16_t)len);
	}
}

static void
setup(void)
{
	struct tc_cose_sign1 m;
	struct tc_cose_key *pub;
	struct tc_buf cose;
	ECDSA_SIG *s;
	uint8_t kid[TC_COSE_KID_LEN];

	if ((fx.pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    tc_cose_kid_of_pkey(fx.pkey, kid) != 0 ||
	    tc_cose_key_new(&fx.key, fx.pkey, kid, sizeof(kid), NULL, 0) != 0 ||
	    tc_cose_key_new(&pub, fx.pkey, kid, sizeof(kid), NULL, 0) != 0 ||
	    tc_cose_keyring_new(&fx.ring) != 0 ||
	    tc_cose_keyring_add(fx.ring, pub) != 0)
		die("keys");
	memcpy(fx.claims.card_no, "4401000000000114", 17);
	fx.claims.programme_code = 2;
	snprintf(fx.claims.tier, sizeof(fx.claims.tier), "silver");
	snprintf(fx.claims.name, sizeof(fx.claims.name), "%s",
	    "\xe6\x9e\x97\xe6\x85\xa7\xe6\x95\x8f");
	fx.claims.issued_at = NOW - 86400;
	fx.claims.expires_at = NOW + 5 * 365 * 86400LL;
	if (tc_claims_bind(&fx.claims, "330106198612206509", NULL, 0) != 0)
		die("bind");
	tc_buf_init(&fx.text, TC_CRED_TEXT_MAX);
	if (tc_credential_encode(&fx.text, &fx.claims, fx.key, NULL, 0) != 0)
		die("encode");
	/* The reference's bytes: Sig_structure and DER signature. */
	tc_buf_init(&cose, TC_CRED_INFLATE_MAX);
	tc_cose_sign1_init(&m);
	if (tc_credential_unwrap(&cose, (const char *)fx.text.data, fx.text.len,
		NULL, NULL, 0) != 0 ||
	    tc_cose_sign1_decode(&m, cose.data, cose.len, NULL, 0) != 0)
		die("decode");
	tc_buf_init(&fx.tbs, 0);
	tc_buf_put_u8(&fx.tbs, 0x84);
	tc_buf_put_u8(&fx.tbs, 0x6a);
	tc_buf_puts(&fx.tbs, "Signature1");
	put_bstr_head(&fx.tbs, m.protected_hdr.len);
	tc_buf_put(&fx.tbs, m.protected_hdr.data, m.protected_hdr.len);
	tc_buf_put_u8(&fx.tbs, 0x40);
	put_bstr_head(&fx.tbs, m.payload.len);
	tc_buf_put(&fx.tbs, m.payload.data, m.payload.len);
	s = ECDSA_SIG_new();
	ECDSA_SIG_set0(s, BN_bin2bn(m.sig.data, 32, NULL),
	    BN_bin2bn(m.sig.data + 32, 32, NULL));
	fx.derlen = i2d_ECDSA_SIG(s, &fx.der);
	ECDSA_SIG_free(s);
	tc_cose_sign1_release(&m);
	tc_buf_release(&cose);
}

static void
raw_verify(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, fx.pkey) != 1 ||
	    EVP_DigestVerify(
		ctx, fx.der, (size_t)fx.derlen, fx.tbs.data, fx.tbs.len) != 1)
		die("raw verify");
	EVP_MD_CTX_free(ctx);
}

static void
qr_verify(void)
{
	struct tc_verdict v;

	if (tc_credential_verify((const char *)fx.text.data, fx.text.len,
		fx.ring, NULL, NOW, NULL, &v) != 0 ||
	    !v.valid)
		die("tc_credential_verify");
}

static void
sign_render(void)
{
	struct tc_buf t, png;
	struct tc_qr qr;

	tc_buf_init(&t, TC_CRED_TEXT_MAX);
	tc_buf_init(&png, 0);
	if (tc_credential_encode(&t, &fx.claims, fx.key, NULL, 0) != 0 ||
	    tc_qr_encode(&qr, (const char *)t.data, NULL, 0) != 0 ||
	    tc_qr_png(&png, &qr, TC_QR_DEFAULT_PX, NULL, 0) != 0)
		die("sign and render");
	tc_qr_release(&qr);
	tc_buf_release(&png);
	tc_buf_release(&t);
}

static void
bind_only(void)
{
	struct tc_claims c = fx.claims;

	if (tc_claims_bind(&c, "330106198612206509", NULL, 0) != 0)
		die("bind");
}

/*
 * The text length and QR version of the card signed with key, with a name
 * of nchars Chinese characters (0: the fixture's name); *version -1 when
 * the text does not fit any version.
 */
static size_t
size_with(struct tc_cose_key *key, int nchars, int *version)
{
	struct tc_claims c = fx.claims;
	struct tc_buf t;
	struct tc_qr qr;
	size_t len;
	int i;

	if (nchars > 0) {
		c.name[0] = '\0';
		for (i = 0; i < nchars && i < 80; i++)
			strcat(c.name, "\xe6\x9e\x97"); /* U+6797 */
	}
	tc_buf_init(&t, TC_CRED_TEXT_MAX);
	if (tc_credential_encode(&t, &c, key, NULL, 0) != 0)
		die("encode");
	len = t.len;
	*version = -1;
	if (tc_qr_encode(&qr, (const char *)t.data, NULL, 0) == 0) {
		*version = qr.version;
		tc_qr_release(&qr);
	}
	tc_buf_release(&t);
	return len;
}

/* The longest name in Chinese characters whose card fits version 10. */
static int
longest_v10(struct tc_cose_key *key)
{
	int n, v;

	for (n = 1; n < 80; n++)
		if (size_with(key, n, &v), v < 0 || v > 10)
			return n - 1;
	return n;
}

int
main(void)
{
	struct tc_qr qr;
	struct tc_cose_key *sm2;
	EVP_PKEY *sm2_pkey;
	uint8_t kid[TC_COSE_KID_LEN];
	double raw, ver, sr, bind;
	size_t len;
	int v;

	setup();
	if ((sm2_pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2")) == NULL ||
	    tc_cose_kid_of_pkey(sm2_pkey, kid) != 0 ||
	    tc_cose_key_new(&sm2, sm2_pkey, kid, sizeof(kid), NULL, 0) != 0)
		die("SM2 key");
	raw = bench_best(raw_verify, 0.3, NULL);
	ver = bench_best(qr_verify, 0.3, NULL);
	raw = raw > bench_best(raw_verify, 0.3, NULL)
	    ? raw
	    : bench_best(raw_verify, 0.3, NULL);
	sr = bench_best(sign_render, 0.3, NULL);
	bind = bench_best(bind_only, 0.3, NULL);
	if (tc_qr_encode(&qr, (const char *)fx.text.data, NULL, 0) != 0)
		die("qr");
	printf("ES256  raw OpenSSL P-256 verify (reference)  %8.0f /s  1.00\n",
	    raw);
	printf(
	    "ES256  tc_credential_verify of the QR text   %8.0f /s  %.2f of raw (goal 0.90)\n",
	    ver, ver / raw);
	printf(
	    "ES256  e-cards signed + QR + PNG (8 px)      %8.0f /s  (binding computed once)\n",
	    sr);
	printf("       holder binding (scrypt N=2^14)        %8.1f /s\n", bind);
	printf("       e-cards with a fresh binding each     %8.1f /s\n",
	    1.0 / (1.0 / sr + 1.0 / bind));
	printf(
	    "typical card: text %zu characters (prefix %.*s), QR version %d (%dx%d modules) at level Q; version 10 holds %d\n",
	    fx.text.len, fx.text.data[3] == ':' ? 4 : 5,
	    (const char *)fx.text.data, qr.version, qr.size, qr.size,
	    TC_QR_V10Q_ALNUM);
	printf(
	    "                                    longest name at version 10: %d Chinese characters\n",
	    longest_v10(fx.key));
	len = size_with(sm2, 0, &v);
	printf(
	    "typical card, SM2: text %zu characters, QR version %d at level Q; longest name at version 10: %d Chinese characters\n",
	    len, v, longest_v10(sm2));
	tc_qr_release(&qr);
	tc_cose_key_free(sm2);
	EVP_PKEY_free(sm2_pkey);
	return 0;
}
