/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the card connection layer without a reader: the APDU codec
 * (src/card/apdu.c, every case of ISO/IEC 7816-4 and the refusals), the ATR
 * parser (src/card/atr.c), the exchange logic of src/card/pcsc.c over the replay
 * transport (61XX GET RESPONSE chains, 6CXX resends, their bounds, answers
 * of fewer than 2 bytes, over-long answers, removal) and over a recording
 * transport (command chaining), and tap verification (src/card/tap.c,
 * src/card/cardapp.c) against an in-process tcard that signs with real keys:
 * VALID, a clone, a blank card, a credential without a card key, and a
 * credential from an unknown signer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "unit.h"
#include "tcard/apdu.h"
#include "tcard/atr.h"
#include "tcard/buf.h"
#include "tcard/cardapp.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/pcsc.h"
#include "tcard/profile.h"
#include "tcard/tap.h"
#include "tcard/tcapp.h"

#define NOW 1790000000

static size_t
unhex(const char *h, uint8_t *out)
{
	unsigned v;
	size_t n = 0;

	while (*h != '\0') {
		if (*h == ' ') {
			h++;
			continue;
		}
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

static void
test_apdu_cases(void **state)
{
	static const struct {
		const char *hex;
		size_t nc, ne;
		int ext;
	} ok[] = {
		{ "00A40400", 0, 0, 0 },
		{ "00B00000 00", 0, 256, 0 },
		{ "00B00000 10", 0, 16, 0 },
		{ "00A40400 03 AABBCC", 3, 0, 0 },
		{ "00A40400 03 AABBCC 00", 3, 256, 0 },
		{ "00B00000 00 0000", 0, 65536, 1 },
		{ "00B00000 00 0123", 0, 0x123, 1 },
		{ "00DB3FFF 00 0002 AABB", 2, 0, 1 },
		{ "00DB3FFF 00 0002 AABB 0000", 2, 65536, 1 },
	};
	static const char *bad[] = {
		"00A404",		    /* short header */
		"00A40400 03 AABB",	    /* Lc longer than the data */
		"00A40400 02 AABBCC 00 00", /* bytes left over */
		"00B00000 00 00",	    /* a 2-byte extended length */
		"00DB3FFF 00 0000 AA",	    /* extended Lc 0000 */
		"00DB3FFF 00 0003 AABB",
	};
	struct tc_apdu a;
	struct tc_buf b;
	uint8_t p[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = unhex(ok[i].hex, p);
		assert_int_equal(tc_apdu_parse(&a, p, n, NULL, 0), 0);
		assert_int_equal(a.nc, ok[i].nc);
		assert_int_equal(a.ne, ok[i].ne);
		assert_int_equal(a.extended, ok[i].ext);
		tc_buf_init(&b, 0);
		assert_int_equal(tc_apdu_encode(&b, &a, 1), 0);
		/* The encoder uses the short form whenever it fits. */
		if (!a.extended || a.nc > 255 || a.ne > 256) {
			assert_int_equal(b.len, n);
			assert_memory_equal(b.data, p, n);
		}
		tc_buf_release(&b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[128] = "";

		n = unhex(bad[i], p);
		assert_int_not_equal(
		    tc_apdu_parse(&a, p, n, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "byte"));
	}
	/* The extended form only when allowed. */
	a.cla = 0;
	a.ins = 0xB0;
	a.p1 = a.p2 = 0;
	a.data = NULL;
	a.nc = 0;
	a.ne = 300;
	tc_buf_init(&b, 0);
	assert_int_equal(tc_apdu_encode(&b, &a, 0), TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 0);
	a.ne = 65537;
	assert_int_equal(tc_apdu_encode(&b, &a, 1), TC_ERR_INVALID_ARG);
	tc_buf_release(&b);
	assert_string_equal(
	    tc_sw_text(0x6A82), "file or application not found");
	assert_string_equal(
	    tc_sw_text(0x6105), "more response bytes available");
	assert_true(tc_sw_ok(0x9000) && tc_sw_ok(0x61FF) && !tc_sw_ok(0x6982));
}

static void
test_atr(void **state)
{
	static const char *ok[] = {
		"3B8A8001544341524420544330317D", "3B88800154432D50495630317D",
		"3BFD1300008131FE158073C021C057597562694B657940",
		"3B00",	       /* T=0 only, no TCK */
		"3F 02 14 42", /* TA1, inverse convention */
	};
	struct tc_atr a;
	uint8_t p[40];
	char err[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = unhex(ok[i], p);
		assert_int_equal(tc_atr_parse(&a, p, n, err, sizeof(err)), 0);
	}
	n = unhex("3B8A8001544341524420544330317D", p);
	assert_int_equal(tc_atr_parse(&a, p, n, NULL, 0), 0);
	assert_int_equal(a.nhist, 10);
	assert_memory_equal(a.hist, "TCARD TC01", 10);
	assert_true(a.protocols & 2);
	p[n - 1] ^= 1;
	assert_int_equal(
	    tc_atr_parse(&a, p, n, err, sizeof(err)), TC_ERR_BAD_CHECK);
	assert_int_equal(
	    tc_atr_parse(&a, p, n - 1, err, sizeof(err)), TC_ERR_TRUNCATED);
	assert_int_equal(
	    tc_atr_parse(&a, p, n - 3, err, sizeof(err)), TC_ERR_TRUNCATED);
	p[0] = 0x3C;
	assert_int_equal(
	    tc_atr_parse(&a, p, n, err, sizeof(err)), TC_ERR_MALFORMED);
	n = unhex("3B00 00", p);
	assert_int_equal(
	    tc_atr_parse(&a, p, n, err, sizeof(err)), TC_ERR_MALFORMED);
	memset(p, 0, sizeof(p));
	p[0] = 0x3B;
	assert_int_equal(
	    tc_atr_parse(&a, p, 34, err, sizeof(err)), TC_ERR_TOO_LARGE);
	/* Matching with a mask. */
	n = unhex("3B8A8001544341524420544330317D", p);
	{
		uint8_t v[15], m[15];

		unhex("3B8A80015443415244205443303100", v);
		unhex("FFFFFFFFFFFFFFFFFFFFFFFF000000", m);
		assert_true(tc_atr_match(p, n, v, m, 15));
		assert_false(tc_atr_match(p, n - 1, v, m, 15));
		v[4] = 0;
		assert_false(tc_atr_match(p, n, v, m, 15));
	}
}

/* A replay of answers (each given in hex, SW included). */
static struct tc_icc *
replay(const char *const *answers, size_t n)
{
	static const uint8_t atr[] = { 0x3B, 0x00 };
	struct tc_icc *icc = NULL;
	struct tc_buf b;
	uint8_t p[600];
	size_t i, l;

	tc_buf_init(&b, 0);
	assert_int_equal(tc_buf_put_u8(&b, sizeof(atr)), 0);
	assert_int_equal(tc_buf_put(&b, atr, sizeof(atr)), 0);
	for (i = 0; i < n; i++) {
		l = unhex(answers[i], p);
		if (l >= 0xff) {
			assert_int_equal(tc_buf_put_u8(&b, 0xff), 0);
			assert_int_equal(tc_buf_put_u16be(&b, (uint16_t)l), 0);
		} else
			assert_int_equal(tc_buf_put_u8(&b, (uint8_t)l), 0);
		assert_int_equal(tc_buf_put(&b, p, l), 0);
	}
	assert_int_equal(tc_icc_open_replay(&icc, b.data, b.len, NULL, 0), 0);
	tc_buf_release(&b);
	return icc;
}

static int
send_read(struct tc_icc *icc, size_t ne, struct tc_buf *d, uint16_t *sw,
    char *err, size_t errlen)
{
	struct tc_apdu a = { 0x00, 0xB0, 0, 0, NULL, 0, ne, 0 };

	tc_buf_reset(d);
	return tc_icc_apdu(icc, &a, d, sw, err, errlen);
}

static void
test_exchange(void **state)
{
	const char *chain[] = { "0102 6103", "030405 9000" };
	const char *resend[] = { "6C02", "AABB 9000" };
	const char *short1[] = { "90" };
	const char *longer[] = { "010203 9000" };
	const char *loop6c[] = { "6C01", "6C01", "6C01", "6C01" };
	const char *loop61[70];
	struct tc_icc *icc;
	struct tc_buf d;
	char err[256];
	uint16_t sw;
	size_t i;

	(void)state;
	tc_buf_init(&d, 4096);
	icc = replay(chain, 2);
	assert_int_equal(send_read(icc, 2, &d, &sw, err, sizeof(err)), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_int_equal(d.len, 5);
	assert_int_equal(d.data[4], 5);
	assert_int_equal(tc_icc_count(icc), 2);
	tc_icc_close(icc);

	icc = replay(resend, 2);
	assert_int_equal(send_read(icc, 16, &d, &sw, err, sizeof(err)), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_int_equal(d.len, 2);
	tc_icc_close(icc);

	icc = replay(short1, 1);
	assert_int_equal(
	    send_read(icc, 16, &d, &sw, err, sizeof(err)), TC_ERR_CARD);
	assert_non_null(strstr(err, "fewer than a status word"));
	tc_icc_close(icc);

	icc = replay(longer, 1);
	assert_int_equal(
	    send_read(icc, 2, &d, &sw, err, sizeof(err)), TC_ERR_CARD);
	assert_non_null(strstr(err, "more than the 2 asked for"));
	tc_icc_close(icc);

	icc = replay(loop6c, 4);
	assert_int_equal(
	    send_read(icc, 2, &d, &sw, err, sizeof(err)), TC_ERR_CARD);
	assert_int_equal(tc_icc_count(icc), 1 + TC_ICC_MAX_RESEND);
	tc_icc_close(icc);

	for (i = 0; i < 70; i++)
		loop61[i] = "00 6101";
	icc = replay(loop61, 70);
	assert_int_equal(
	    send_read(icc, 1, &d, &sw, err, sizeof(err)), TC_ERR_CARD);
	assert_non_null(strstr(err, "kept answering 61XX"));
	assert_int_equal(tc_icc_count(icc), 1 + TC_ICC_MAX_GETRESP);
	tc_icc_close(icc);

	/* The card is gone after the recorded answers. */
	icc = replay(chain, 1);
	assert_int_equal(
	    send_read(icc, 2, &d, &sw, err, sizeof(err)), TC_ERR_CARD_REMOVED);
	tc_icc_close(icc);

	/* The answer cap bounds a long chain. */
	tc_buf_release(&d);
	tc_buf_init(&d, 3);
	icc = replay(chain, 2);
	assert_int_equal(
	    send_read(icc, 2, &d, &sw, err, sizeof(err)), TC_ERR_TOO_LARGE);
	tc_icc_close(icc);
	tc_buf_release(&d);

	/* No complete ATR. */
	{
		static const uint8_t b1[] = { 5, 0x3B };

		assert_int_equal(
		    tc_icc_open_replay(&icc, b1, sizeof(b1), err, sizeof(err)),
		    TC_ERR_TRUNCATED);
		assert_null(icc);
	}
}

/* A transport that records the commands and answers 9000. */
struct rec {
	size_t n;
	uint8_t cla[8];
	size_t len[8];
};

static int
rec_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct rec *r = impl;

	(void)cap;
	(void)timeout_ms;
	(void)err;
	(void)errlen;
	if (r->n < 8) {
		r->cla[r->n] = cmd[0];
		r->len[r->n] = n;
	}
	r->n++;
	resp[0] = 0x90;
	resp[1] = 0x00;
	*rlen = 2;
	return 0;
}

static void
test_chaining(void **state)
{
	static const struct tc_icc_ops ops = { .exchange = rec_exchange };
	struct rec r;
	struct tc_icc *icc;
	struct tc_buf d;
	uint8_t data[600];
	struct tc_apdu a = { 0x00, 0xDB, 0x3F, 0xFF, data, sizeof(data), 0, 0 };
	uint16_t sw;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(data, 0x5a, sizeof(data));
	assert_int_equal(tc_icc_new(&icc, &ops, &r, NULL, 0, "rec"), 0);
	tc_buf_init(&d, 64);
	assert_int_equal(tc_icc_apdu(icc, &a, &d, &sw, NULL, 0), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.cla[0], 0x10);
	assert_int_equal(r.cla[1], 0x10);
	assert_int_equal(r.cla[2], 0x00);
	assert_int_equal(r.len[0], 5 + 255);
	assert_int_equal(r.len[2], 5 + 600 - 510);
	/* With the extended form: one command. */
	tc_icc_set_extended(icc, 1);
	assert_int_equal(tc_icc_apdu(icc, &a, &d, &sw, NULL, 0), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.len[3], 7 + 600);
	tc_buf_release(&d);
	tc_icc_close(icc);
}

/* An in-process tcard: answers SELECT, READ BINARY, INTERNAL AUTHENTICATE. */
struct fake {
	const struct tc_profile *p;
	int state;
	EVP_PKEY *key;
	uint8_t cred[1024];
	size_t cred_len;
};

static int
fake_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct fake *f = impl;
	struct tc_apdu a;
	struct tc_buf out;
	uint16_t sw = TC_SW_OK;

	(void)timeout_ms;
	(void)err;
	(void)errlen;
	tc_buf_init(&out, cap);
	assert_int_equal(tc_apdu_parse(&a, cmd, n, NULL, 0), 0);
	if (a.ins == 0xA4) {
		struct tc_tcapp_fci fci;

		memset(&fci, 0, sizeof(fci));
		memcpy(fci.aid, f->p->aid, f->p->aid_len);
		fci.aid_len = f->p->aid_len;
		fci.version = TC_TCAPP_VERSION;
		fci.state = (uint8_t)f->state;
		memset(fci.uid, 0x99, 8);
		fci.alg = TC_TCAPP_ALG_ES256;
		fci.cred_len = f->state == 2 ? f->cred_len : 0;
		if (a.nc != f->p->aid_len ||
		    memcmp(a.data, f->p->aid, a.nc) != 0)
			sw = TC_SW_NOT_FOUND;
		else
			assert_int_equal(tc_tcapp_build_fci(&out, &fci), 0);
	} else if (a.ins == TC_TCAPP_INS_READ) {
		assert_int_equal(tc_buf_put(&out, f->cred, f->cred_len), 0);
	} else if (a.ins == TC_TCAPP_INS_INTERNAL) {
		uint8_t msg[100], der[80], rs[64];
		const unsigned char *q = der;
		size_t dl = sizeof(der);
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		ECDSA_SIG *sig;
		const BIGNUM *r, *s;

		memcpy(msg, TC_TAP_DOMAIN, TC_TAP_DOMAIN_LEN);
		memcpy(msg + TC_TAP_DOMAIN_LEN, a.data, a.nc);
		assert_int_equal(EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL,
				     NULL, f->key, NULL),
		    1);
		assert_int_equal(
		    EVP_DigestSign(md, der, &dl, msg, TC_TAP_DOMAIN_LEN + a.nc),
		    1);
		sig = d2i_ECDSA_SIG(NULL, &q, (long)dl);
		ECDSA_SIG_get0(sig, &r, &s);
		BN_bn2binpad(r, rs, 32);
		BN_bn2binpad(s, rs + 32, 32);
		assert_int_equal(tc_buf_put(&out, rs, 64), 0);
		ECDSA_SIG_free(sig);
		EVP_MD_CTX_free(md);
	} else
		sw = TC_SW_INS_UNKNOWN;
	memcpy(resp, out.data, out.len);
	resp[out.len] = (uint8_t)(sw >> 8);
	resp[out.len + 1] = (uint8_t)sw;
	*rlen = out.len + 2;
	tc_buf_release(&out);
	return 0;
}

struct tapfx {
	struct tc_profile_set set;
	struct tc_cose_keyring *ring;
	struct tc_cose_key *signer, *stranger;
	EVP_PKEY *card_key, *other_key;
};

static int
tap_setup(void **state)
{
	struct tapfx *fx = calloc(1, sizeof(*fx));
	struct tc_cose_key *k;
	EVP_PKEY *sk, *xk;
	uint8_t kid[8];

	assert_int_equal(
	    tc_profile_set_load(&fx->set, tc_profile_dir(NULL), NULL, 0), 0);
	sk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	xk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	fx->card_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	fx->other_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_int_equal(tc_cose_kid_of_pkey(sk, kid), 0);
	assert_int_equal(tc_cose_key_new(&fx->signer, sk, kid, 8, NULL, 0), 0);
	assert_int_equal(tc_cose_key_new(&k, sk, kid, 8, NULL, 0), 0);
	assert_int_equal(tc_cose_keyring_new(&fx->ring), 0);
	assert_int_equal(tc_cose_keyring_add(fx->ring, k), 0);
	assert_int_equal(tc_cose_kid_of_pkey(xk, kid), 0);
	assert_int_equal(
	    tc_cose_key_new(&fx->stranger, xk, kid, 8, NULL, 0), 0);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(xk);
	*state = fx;
	return 0;
}

static int
tap_teardown(void **state)
{
	struct tapfx *fx = *state;

	tc_profile_set_release(&fx->set);
	tc_cose_keyring_free(fx->ring);
	tc_cose_key_free(fx->signer);
	tc_cose_key_free(fx->stranger);
	EVP_PKEY_free(fx->card_key);
	EVP_PKEY_free(fx->other_key);
	free(fx);
	return 0;
}

/* A credential for card_key (NULL: none) signed by signer. */
static void
credential(struct fake *f, EVP_PKEY *card_key, const struct tc_cose_key *by)
{
	struct tc_claims c;
	struct tc_buf payload, cose;
	unsigned char *der = NULL;
	int n;

	memset(&c, 0, sizeof(c));
	assert_int_equal(tc_cardno_make("440111", 77, c.card_no), 0);
	c.programme_code = 1;
	strcpy(c.tier, "gold");
	strcpy(c.name, "Test Holder");
	c.issued_at = NOW - 86400;
	c.expires_at = NOW + 86400 * 365;
	assert_int_equal(tc_claims_bind(&c, "11010519491231002X", NULL, 0), 0);
	if (card_key != NULL) {
		n = i2d_PUBKEY(card_key, &der);
		memcpy(c.card_key, der, (size_t)n);
		c.card_key_len = (size_t)n;
		OPENSSL_free(der);
	}
	tc_buf_init(&payload, 0);
	tc_buf_init(&cose, 0);
	assert_int_equal(tc_claims_encode(&payload, &c, NULL, 0), 0);
	assert_int_equal(
	    tc_cose_sign1_create(&cose, by, payload.data, payload.len, NULL, 0),
	    0);
	memcpy(f->cred, cose.data, cose.len);
	f->cred_len = cose.len;
	tc_buf_release(&payload);
	tc_buf_release(&cose);
}

static void
run_tap(struct tapfx *fx, struct fake *f, struct tc_tap_result *tr, int want_r)
{
	static const struct tc_icc_ops ops = { .exchange = fake_exchange };
	struct tc_icc *icc;
	char err[256];

	f->p = tc_profile_set_find(&fx->set, "tcard");
	assert_non_null(f->p);
	assert_int_equal(
	    tc_icc_new(&icc, &ops, f, f->p->atr, f->p->atr_len, "fake"), 0);
	assert_int_equal(tc_tap_verify(icc, &fx->set, NULL, fx->ring, NULL, NOW,
			     tr, err, sizeof(err)),
	    want_r);
	tc_icc_close(icc);
}

static void
test_tap(void **state)
{
	struct tapfx *fx = *state;
	struct tc_tap_result tr;
	struct fake f;

	memset(&f, 0, sizeof(f));
	f.state = 2;
	f.key = fx->card_key;
	credential(&f, fx->card_key, fx->signer);
	run_tap(fx, &f, &tr, 0);
	assert_true(tr.v.valid);
	assert_true(tr.card_checked);
	assert_int_equal(tr.apdus, 3);
	assert_string_equal(tr.profile, "tcard");

	/* The same data on a chip with another key: a clone. */
	f.key = fx->other_key;
	run_tap(fx, &f, &tr, 0);
	assert_false(tr.v.valid);
	assert_string_equal(tr.v.reason, TC_REASON_CLONE);
	assert_true(tr.v.authentic);

	/* A blank card. */
	f.state = 1;
	run_tap(fx, &f, &tr, 0);
	assert_false(tr.v.valid);
	assert_string_equal(tr.v.reason, TC_REASON_NOT_PERSONALISED);
	assert_int_equal(tr.apdus, 1);

	/* A QR credential (no card key) on a chip. */
	f.state = 2;
	f.key = fx->card_key;
	credential(&f, NULL, fx->signer);
	run_tap(fx, &f, &tr, 0);
	assert_false(tr.v.valid);
	assert_string_equal(tr.v.reason, TC_REASON_NO_CARD_KEY);

	/* Signed by a key the trust list does not hold. */
	credential(&f, fx->card_key, fx->stranger);
	run_tap(fx, &f, &tr, 0);
	assert_false(tr.v.valid);
	assert_string_equal(tr.v.reason, TC_REASON_UNKNOWN_KEY);
	assert_false(tr.card_checked);
}

#define TESTS(X, XF)                                                           \
	X(test_apdu_cases)                                                     \
	X(test_atr)                                                            \
	X(test_exchange)                                                       \
	X(test_chaining)                                                       \
	XF(test_tap, tap_setup, tap_teardown)

TC_UNIT_MAIN(TESTS, NULL, NULL)
