/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the tcard secure channel (src/card/scp.c): the KDF's byte
 * layout against SP 800-108 computed by hand with AES-CMAC (itself checked
 * against RFC 4493), diversification, a whole session between the host and
 * the card sides (INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, wrapped
 * commands with data of every padding length, R-MACs), and every kind of
 * tampering: wrong keys, a changed cryptogram, MAC, header, data or
 * status word, a replayed command, a command outside the session.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "unit.h"
#include "tcard/apdu.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/scp.h"

static void
cmac(const uint8_t key[16], const uint8_t *m, size_t n, uint8_t out[16])
{
	OSSL_PARAM p[2];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
	size_t ol = 0;

	p[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0);
	p[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_MAC_init(c, key, 16, p), 1);
	assert_int_equal(EVP_MAC_update(c, m, n), 1);
	assert_int_equal(EVP_MAC_final(c, out, &ol, 16), 1);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
}

static void
test_cmac_rfc4493(void **state)
{
	static const uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae,
		0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
	static const uint8_t msg[16] = { 0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40,
		0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a };
	static const uint8_t want0[16] = { 0xbb, 0x1d, 0x69, 0x29, 0xe9, 0x59,
		0x37, 0x28, 0x7f, 0xa3, 0x7d, 0x12, 0x9b, 0x75, 0x67, 0x46 };
	static const uint8_t want16[16] = { 0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d,
		0x41, 0x44, 0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c };
	uint8_t out[16];

	(void)state;
	cmac(key, msg, 0, out);
	assert_memory_equal(out, want0, 16);
	cmac(key, msg, 16, out);
	assert_memory_equal(out, want16, 16);
}

/* SP 800-108 counter mode: PRF(K, [i]_32 || label || 00 || ctx || [L]_32). */
static void
kdf_by_hand(const uint8_t key[16], const char *label, const uint8_t *ctx,
    size_t ctxlen, uint8_t *out, size_t outlen)
{
	uint8_t in[256], block[16];
	size_t n, l = strlen(label), done = 0;
	uint32_t i, bits = (uint32_t)outlen * 8;

	for (i = 1; done < outlen; i++) {
		n = 0;
		in[n++] = (uint8_t)(i >> 24);
		in[n++] = (uint8_t)(i >> 16);
		in[n++] = (uint8_t)(i >> 8);
		in[n++] = (uint8_t)i;
		memcpy(in + n, label, l);
		n += l;
		in[n++] = 0x00;
		memcpy(in + n, ctx, ctxlen);
		n += ctxlen;
		in[n++] = (uint8_t)(bits >> 24);
		in[n++] = (uint8_t)(bits >> 16);
		in[n++] = (uint8_t)(bits >> 8);
		in[n++] = (uint8_t)bits;
		cmac(key, in, n, block);
		memcpy(
		    out + done, block, outlen - done < 16 ? outlen - done : 16);
		done += 16;
	}
}

static void
test_kdf_layout(void **state)
{
	static const uint8_t ctx[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint8_t key[16], a[40], b[40];
	size_t lens[] = { 8, 16, 24, 40 }, i;

	(void)state;
	memset(key, 0x4d, sizeof(key));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		assert_int_equal(tc_scp_kdf(key, "talentcard-scp K-ENC", ctx,
				     sizeof(ctx), a, lens[i]),
		    0);
		kdf_by_hand(
		    key, "talentcard-scp K-ENC", ctx, sizeof(ctx), b, lens[i]);
		assert_memory_equal(a, b, lens[i]);
	}
	assert_int_equal(
	    tc_scp_kdf(key, "x", NULL, 0, a, 0), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_scp_kdf(key, "x", NULL, 0, a, 65), TC_ERR_INVALID_ARG);
}

static void
test_diversify(void **state)
{
	uint8_t master[16], uid1[8], uid2[8];
	struct tc_scp_keys k1, k1b, k2, f;
	uint8_t e[16], m[16];

	(void)state;
	memset(master, 0x17, sizeof(master));
	memset(uid1, 0x01, sizeof(uid1));
	memcpy(uid2, uid1, sizeof(uid2));
	uid2[7] = 0x02;
	assert_int_equal(tc_scp_diversify(master, uid1, 8, &k1), 0);
	assert_int_equal(tc_scp_diversify(master, uid1, 8, &k1b), 0);
	assert_int_equal(tc_scp_diversify(master, uid2, 8, &k2), 0);
	assert_memory_equal(&k1, &k1b, sizeof(k1));
	assert_memory_not_equal(k1.enc, k2.enc, 16);
	assert_memory_not_equal(k1.enc, k1.mac, 16);
	kdf_by_hand(master, "talentcard-scp K-ENC", uid1, 8, e, 16);
	kdf_by_hand(master, "talentcard-scp K-MAC", uid1, 8, m, 16);
	assert_memory_equal(k1.enc, e, 16);
	assert_memory_equal(k1.mac, m, 16);
	assert_int_equal(
	    tc_scp_diversify(master, uid1, 0, &k1), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_scp_diversify(master, uid1, 17, &k1), TC_ERR_INVALID_ARG);
	tc_scp_factory_keys(&f);
	assert_int_equal(f.enc[0], 0x40);
	assert_int_equal(f.mac[15], 0x4F);
}

struct pair {
	struct tc_scp host, card;
	struct tc_scp_keys keys;
	uint8_t div[TC_SCP_DIV_LEN];
};

/* A whole mutual authentication; returns the card's EA result. */
static int
open_pair(struct pair *p, const struct tc_scp_keys *host_keys)
{
	struct tc_buf iu, eab;
	struct tc_scp_iu piu;
	struct tc_apdu ea;
	uint8_t hc[8];
	char err[256];
	int r;

	memset(p->div, 0x33, sizeof(p->div));
	memset(&p->host, 0, sizeof(p->host));
	memset(&p->card, 0, sizeof(p->card));
	tc_buf_init(&iu, 64);
	tc_buf_init(&eab, 64);
	assert_int_equal(tc_scp_host_begin(&p->host, hc), 0);
	assert_int_equal(
	    tc_scp_card_begin(&p->card, &p->keys, 0x01, p->div, hc, &iu), 0);
	assert_int_equal(iu.len, TC_SCP_IU_LEN);
	assert_int_equal(
	    tc_scp_parse_iu(&piu, iu.data, iu.len, err, sizeof(err)), 0);
	assert_int_equal(piu.kvn, 0x01);
	assert_memory_equal(piu.div, p->div, TC_SCP_DIV_LEN);
	r = tc_scp_host_authenticate(
	    &p->host, host_keys, &piu, &ea, &eab, err, sizeof(err));
	if (r != 0) {
		assert_int_equal(r, TC_ERR_SECURE_CHANNEL);
		assert_non_null(strstr(err, "cryptogram"));
		tc_buf_release(&iu);
		tc_buf_release(&eab);
		return r;
	}
	assert_int_equal(ea.cla, 0x84);
	assert_int_equal(ea.ins, 0x82);
	assert_int_equal(ea.p1, TC_SCP_LEVEL);
	assert_int_equal(ea.nc, 16);
	r = tc_scp_card_authenticate(&p->card, &ea);
	if (r == 0)
		tc_scp_host_opened(&p->host);
	tc_buf_release(&iu);
	tc_buf_release(&eab);
	return r;
}

/* One command host -> card -> host; returns the host's unwrap result. */
static int
round_trip(struct pair *p, const uint8_t *data, size_t n, int tamper)
{
	struct tc_apdu plain = { 0x80, 0xD6, 0x00, 0x10, data, n, 256, 0 };
	struct tc_apdu w;
	struct tc_buf wb, got, resp, back;
	uint8_t copy[512];
	char err[256];
	uint16_t sw = TC_SW_OK;
	int r;

	tc_buf_init(&wb, 512);
	tc_buf_init(&got, 512);
	tc_buf_init(&resp, 512);
	tc_buf_init(&back, 512);
	assert_int_equal(tc_scp_wrap(&p->host, &plain, &w, &wb), 0);
	assert_int_equal(w.cla, 0x84);
	assert_int_equal(w.nc % 16, n > 0 ? 8 : 8);
	if (n > 0)
		assert_memory_not_equal(w.data, data, n < 8 ? n : 8);
	memcpy(copy, w.data, w.nc);
	if (tamper == 1)
		copy[0] ^= 1; /* data */
	if (tamper == 2)
		copy[w.nc - 1] ^= 1; /* MAC */
	if (tamper == 3)
		w.p2 ^= 1; /* header */
	w.data = copy;
	r = tc_scp_card_unwrap(&p->card, &w, &got);
	if (tamper >= 1 && tamper <= 3) {
		assert_int_equal(r, TC_ERR_SECURE_CHANNEL);
		assert_false(p->card.open);
		r = TC_ERR_SECURE_CHANNEL;
		goto out;
	}
	assert_int_equal(r, 0);
	assert_int_equal(got.len, n);
	if (n > 0)
		assert_memory_equal(got.data, data, n);
	assert_int_equal(
	    tc_scp_card_wrap(&p->card, got.data, got.len, TC_SW_OK, &resp), 0);
	if (tamper == 4)
		resp.data[0] ^= 1;
	if (tamper == 5)
		sw = 0x6A80;
	r = tc_scp_unwrap(
	    &p->host, resp.data, resp.len, sw, &back, err, sizeof(err));
	if (r == 0) {
		assert_int_equal(back.len, n);
		if (n > 0)
			assert_memory_equal(back.data, data, n);
	}
out:
	tc_buf_release(&wb);
	tc_buf_release(&got);
	tc_buf_release(&resp);
	tc_buf_release(&back);
	return r;
}

static void
test_session(void **state)
{
	struct pair p;
	uint8_t data[300];
	size_t n;

	(void)state;
	memset(p.keys.enc, 0x41, 16);
	memset(p.keys.mac, 0x42, 16);
	for (n = 0; n < sizeof(data); n++)
		data[n] = (uint8_t)(n * 7);
	assert_int_equal(open_pair(&p, &p.keys), 0);
	/* Every padding length, counters and MAC chaining in step. */
	for (n = 0; n <= 40; n++)
		assert_int_equal(round_trip(&p, data, n, 0), 0);
	assert_int_equal(round_trip(&p, data, 239, 0), 0);
	assert_int_equal(round_trip(&p, data, 300, 0), 0);
	assert_int_equal(p.host.counter, p.card.counter);
	tc_scp_release(&p.host);
	tc_scp_release(&p.card);
}

static void
test_tamper(void **state)
{
	struct pair p;
	struct tc_scp_keys wrong;
	uint8_t data[20] = { 1, 2, 3 };
	int t;

	(void)state;
	memset(p.keys.enc, 0x41, 16);
	memset(p.keys.mac, 0x42, 16);
	wrong = p.keys;
	wrong.mac[3] ^= 1;
	assert_int_equal(open_pair(&p, &wrong), TC_ERR_SECURE_CHANNEL);
	for (t = 1; t <= 5; t++) {
		assert_int_equal(open_pair(&p, &p.keys), 0);
		assert_int_equal(round_trip(&p, data, sizeof(data), t),
		    TC_ERR_SECURE_CHANNEL);
		assert_false(p.host.open && t >= 4);
	}
}

static void
test_ext_auth_tamper(void **state)
{
	struct tc_scp host, card;
	struct tc_scp_keys keys;
	struct tc_scp_iu iu;
	struct tc_buf b, eab;
	struct tc_apdu ea;
	uint8_t hc[8], div[10] = { 0 }, copy[16];
	int i;

	(void)state;
	memset(keys.enc, 1, 16);
	memset(keys.mac, 2, 16);
	for (i = 0; i < 17; i++) {
		memset(&host, 0, sizeof(host));
		memset(&card, 0, sizeof(card));
		tc_buf_init(&b, 64);
		tc_buf_init(&eab, 64);
		assert_int_equal(tc_scp_host_begin(&host, hc), 0);
		assert_int_equal(
		    tc_scp_card_begin(&card, &keys, 1, div, hc, &b), 0);
		assert_int_equal(
		    tc_scp_parse_iu(&iu, b.data, b.len, NULL, 0), 0);
		assert_int_equal(tc_scp_host_authenticate(
				     &host, &keys, &iu, &ea, &eab, NULL, 0),
		    0);
		memcpy(copy, ea.data, 16);
		if (i < 16)
			copy[i] ^= 0x80; /* cryptogram or MAC */
		else
			ea.p1 = 0x03; /* another security level */
		ea.data = copy;
		assert_int_equal(tc_scp_card_authenticate(&card, &ea),
		    TC_ERR_SECURE_CHANNEL);
		assert_false(card.open);
		tc_buf_release(&b);
		tc_buf_release(&eab);
	}
	/* No session: EXTERNAL AUTHENTICATE and wrapped commands refused. */
	memset(&card, 0, sizeof(card));
	assert_int_equal(tc_scp_card_authenticate(&card, &ea), TC_ERR_STATE);
	tc_buf_init(&b, 64);
	assert_int_equal(tc_scp_card_unwrap(&card, &ea, &b), TC_ERR_STATE);
	tc_buf_release(&b);
}

static void
test_replay(void **state)
{
	struct pair p;
	struct tc_apdu plain = { 0x80, 0xF0, 0x80, 0, (const uint8_t *)"x", 1,
		0, 0 };
	struct tc_apdu w;
	struct tc_buf wb, got;

	(void)state;
	memset(p.keys.enc, 0x51, 16);
	memset(p.keys.mac, 0x52, 16);
	assert_int_equal(open_pair(&p, &p.keys), 0);
	tc_buf_init(&wb, 64);
	tc_buf_init(&got, 64);
	assert_int_equal(tc_scp_wrap(&p.host, &plain, &w, &wb), 0);
	assert_int_equal(tc_scp_card_unwrap(&p.card, &w, &got), 0);
	/* The same command again: the chaining value moved on. */
	assert_int_equal(
	    tc_scp_card_unwrap(&p.card, &w, &got), TC_ERR_SECURE_CHANNEL);
	tc_buf_release(&wb);
	tc_buf_release(&got);
}

/*
 * The two halves of tc_scp_host_authenticate, as a key provider and a
 * host that holds no static key use them: the provider derives session
 * keys only for a card cryptogram made with its keys, the host opens with
 * them, and session keys of other keys are refused by the host.
 */
static void
test_provider_halves(void **state)
{
	struct tc_scp host, card;
	struct tc_scp_keys keys, other;
	struct tc_scp_session sk, wrong;
	struct tc_scp_iu iu, bad;
	struct tc_buf b, eab;
	struct tc_apdu ea;
	uint8_t hc[8], div[10] = { 7 };
	char err[256];

	(void)state;
	memset(keys.enc, 0x61, 16);
	memset(keys.mac, 0x62, 16);
	other = keys;
	other.mac[0] ^= 1;
	memset(&host, 0, sizeof(host));
	memset(&card, 0, sizeof(card));
	tc_buf_init(&b, 64);
	tc_buf_init(&eab, 64);
	assert_int_equal(tc_scp_host_begin(&host, hc), 0);
	assert_int_equal(tc_scp_card_begin(&card, &keys, 1, div, hc, &b), 0);
	assert_int_equal(tc_scp_parse_iu(&iu, b.data, b.len, NULL, 0), 0);

	/* The provider: a tampered card cryptogram gets no keys. */
	bad = iu;
	bad.card_cryptogram[0] ^= 1;
	assert_int_equal(
	    tc_scp_session_keys(&keys, hc, &bad, &sk, err, sizeof(err)),
	    TC_ERR_SECURE_CHANNEL);
	assert_non_null(strstr(err, "cryptogram"));
	/* Keys of other static keys do not open the host's session. */
	assert_int_equal(tc_scp_session_keys(&other, hc, &iu, &wrong, NULL, 0),
	    TC_ERR_SECURE_CHANNEL);
	memset(&wrong, 0x5A, sizeof(wrong));
	assert_int_equal(
	    tc_scp_host_open(&host, &wrong, &iu, &ea, &eab, err, sizeof(err)),
	    TC_ERR_SECURE_CHANNEL);
	assert_false(host.pending);

	/* Again with the right keys: the card accepts the host. */
	assert_int_equal(tc_scp_host_begin(&host, hc), 0);
	tc_buf_reset(&b);
	assert_int_equal(tc_scp_card_begin(&card, &keys, 1, div, hc, &b), 0);
	assert_int_equal(tc_scp_parse_iu(&iu, b.data, b.len, NULL, 0), 0);
	assert_int_equal(
	    tc_scp_session_keys(&keys, hc, &iu, &sk, err, sizeof(err)), 0);
	assert_int_equal(
	    tc_scp_host_open(&host, &sk, &iu, &ea, &eab, err, sizeof(err)), 0);
	assert_int_equal(tc_scp_card_authenticate(&card, &ea), 0);
	assert_memory_equal(host.s_mac, card.s_mac, 16);
	assert_memory_equal(host.s_enc, card.s_enc, 16);
	assert_memory_equal(host.s_rmac, card.s_rmac, 16);
	tc_buf_release(&b);
	tc_buf_release(&eab);
}

static void
test_parse_iu(void **state)
{
	uint8_t b[TC_SCP_IU_LEN];
	struct tc_scp_iu iu;
	char err[128];

	(void)state;
	memset(b, 0, sizeof(b));
	b[11] = TC_SCP_ID;
	assert_int_equal(
	    tc_scp_parse_iu(&iu, b, sizeof(b), err, sizeof(err)), 0);
	assert_int_equal(
	    tc_scp_parse_iu(&iu, b, 28, err, sizeof(err)), TC_ERR_MALFORMED);
	b[11] = 0x02;
	assert_int_equal(tc_scp_parse_iu(&iu, b, sizeof(b), err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "protocol 02"));
}

#define TESTS(X, XF)                                                           \
	X(test_cmac_rfc4493)                                                   \
	X(test_kdf_layout)                                                     \
	X(test_diversify)                                                      \
	X(test_session)                                                        \
	X(test_tamper)                                                         \
	X(test_ext_auth_tamper)                                                \
	X(test_replay)                                                         \
	X(test_provider_halves)                                                \
	X(test_parse_iu)

TC_UNIT_MAIN(TESTS, NULL, NULL)
