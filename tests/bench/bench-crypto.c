/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of the signature path, as ratios to a reference measured in the
 * same run: raw OpenSSL verification of the very same signed bytes (the
 * Sig_structure and a DER signature prepared in advance) against
 * libtcard's COSE_Sign1 decode + verify, and against the whole QR text
 * path (Base45 decode, capped inflate, COSE decode, verify). Also the cost
 * of parsing a public key (d2i_PUBKEY) next to one verification, which is
 * why keys are parsed once and kept (struct tc_cose_key). ES256 and SM2.
 * Each figure is the best of 3 alternating rounds of about 0.3 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/zlib.h"

#include "synth.h"

struct fixture {
	const char *name;
	EVP_PKEY *pkey;
	const EVP_MD *md;
	struct tc_cose_key *key;
	struct tc_buf cose; /* the COSE_Sign1 */
	struct tc_buf qr;   /* "TC1:" + Base45(zlib(cose)) */
	struct tc_buf tbs;  /* the Sig_structure */
	unsigned char *der; /* DER signature */
	int derlen;
	unsigned char *spki;
	int spkilen;
	int sm2;
};

static int
die(const char *what)
{
	fprintf(stderr, "bench-crypto: %s failed\n", what);
	exit(1);
}

/* Rebuilds the Sig_structure of RFC 9052 4.4 from the decoded message. */
static void
sig_structure(struct fixture *f, const struct tc_cose_sign1 *m)
{
	struct tc_buf *b = &f->tbs;
	const char *ctx = "Signature1";

	tc_buf_init(b, 0);
	tc_buf_put_u8(b, 0x84);
	tc_buf_put_u8(b, 0x60 | (uint8_t)strlen(ctx));
	tc_buf_puts(b, ctx);
	/* bstr headers for protected (< 256 bytes) and payload (< 65536). */
	if (m->protected_hdr.len < 24) {
		tc_buf_put_u8(b, 0x40 | (uint8_t)m->protected_hdr.len);
	} else {
		tc_buf_put_u8(b, 0x58);
		tc_buf_put_u8(b, (uint8_t)m->protected_hdr.len);
	}
	tc_buf_put(b, m->protected_hdr.data, m->protected_hdr.len);
	tc_buf_put_u8(b, 0x40);
	if (m->payload.len < 24) {
		tc_buf_put_u8(b, 0x40 | (uint8_t)m->payload.len);
	} else if (m->payload.len < 256) {
		tc_buf_put_u8(b, 0x58);
		tc_buf_put_u8(b, (uint8_t)m->payload.len);
	} else {
		tc_buf_put_u8(b, 0x59);
		tc_buf_put_u16be(b, (uint16_t)m->payload.len);
	}
	tc_buf_put(b, m->payload.data, m->payload.len);
}

static void
setup(struct fixture *f, const char *name, int sm2)
{
	uint8_t kid[8], payload[140];
	struct tc_cose_sign1 m;
	struct tc_buf z;
	ECDSA_SIG *s;
	BIGNUM *r, *sv;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->sm2 = sm2;
	f->pkey = sm2 ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
		      : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (f->pkey == NULL)
		die("keygen");
	f->md = sm2 ? EVP_sm3() : EVP_sha256();
	if (tc_cose_kid_of_pkey(f->pkey, kid) != 0 ||
	    tc_cose_key_new(&f->key, f->pkey, kid, sizeof(kid), NULL, 0) != 0)
		die("key");
	/* A payload of the size of a typical credential's claims. */
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	tc_buf_init(&f->cose, 0);
	if (tc_cose_sign1_create(
		&f->cose, f->key, payload, sizeof(payload), NULL, 0) != 0)
		die("sign");
	tc_cose_sign1_init(&m);
	if (tc_cose_sign1_decode(&m, f->cose.data, f->cose.len, NULL, 0) != 0)
		die("decode");
	sig_structure(f, &m);
	s = ECDSA_SIG_new();
	r = BN_bin2bn(m.sig.data, 32, NULL);
	sv = BN_bin2bn(m.sig.data + 32, 32, NULL);
	ECDSA_SIG_set0(s, r, sv);
	f->derlen = i2d_ECDSA_SIG(s, &f->der);
	ECDSA_SIG_free(s);
	tc_cose_sign1_release(&m);
	f->spkilen = i2d_PUBKEY(f->pkey, &f->spki);

	tc_buf_init(&z, 0);
	tc_buf_init(&f->qr, 0);
	if (tc_zlib_deflate(&z, f->cose.data, f->cose.len) != 0 ||
	    tc_buf_puts(&f->qr, "TC1:") != 0 ||
	    tc_base45_encode(&f->qr, z.data, z.len) != 0)
		die("qr text");
	tc_buf_release(&z);
}

/* The reference: a fresh EVP verification of prepared bytes. */
static void
raw_verify(struct fixture *f)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;

	if (EVP_DigestVerifyInit(ctx, &pctx, f->md, NULL, f->pkey) != 1)
		die("raw init");
	if (f->sm2 &&
	    EVP_PKEY_CTX_set1_id(
		pctx, TC_COSE_SM2_ID, strlen(TC_COSE_SM2_ID)) != 1)
		die("raw sm2 id");
	if (EVP_DigestVerify(
		ctx, f->der, (size_t)f->derlen, f->tbs.data, f->tbs.len) != 1)
		die("raw verify");
	EVP_MD_CTX_free(ctx);
}

static void
cose_verify(struct fixture *f)
{
	struct tc_cose_sign1 m;

	tc_cose_sign1_init(&m);
	if (tc_cose_sign1_decode(&m, f->cose.data, f->cose.len, NULL, 0) != 0 ||
	    tc_cose_sign1_verify(&m, f->key, NULL, 0) != 0)
		die("cose verify");
	tc_cose_sign1_release(&m);
}

static void
qr_verify(struct fixture *f)
{
	struct tc_buf z, c;
	struct tc_cose_sign1 m;

	tc_buf_init(&z, 4096);
	tc_buf_init(&c, 16384);
	tc_cose_sign1_init(&m);
	if (tc_base45_decode(&z, (const char *)f->qr.data + 4, f->qr.len - 4,
		NULL, 0) != 0 ||
	    tc_zlib_inflate(&c, z.data, z.len, NULL, 0) != 0 ||
	    tc_cose_sign1_decode(&m, c.data, c.len, NULL, 0) != 0 ||
	    tc_cose_sign1_verify(&m, f->key, NULL, 0) != 0)
		die("qr verify");
	tc_cose_sign1_release(&m);
	tc_buf_release(&c);
	tc_buf_release(&z);
}

static void
parse_key(struct fixture *f)
{
	const unsigned char *p = f->spki;
	EVP_PKEY *k = d2i_PUBKEY(NULL, &p, f->spkilen);

	if (k == NULL)
		die("d2i_PUBKEY");
	EVP_PKEY_free(k);
}

/* Operations per second of fn, best of the rounds given. */
static double
rate(void (*fn)(struct fixture *), struct fixture *f)
{
	double t0 = bench_now(), t;
	long n = 0;

	do {
		fn(f);
		fn(f);
		n += 2;
	} while ((t = bench_now() - t0) < 0.3);
	return (double)n / t;
}

static void
run(struct fixture *f)
{
	double raw = 0, cose = 0, qr = 0, parse = 0, x;
	int round;

	for (round = 0; round < 3; round++) {
		if ((x = rate(raw_verify, f)) > raw)
			raw = x;
		if ((x = rate(cose_verify, f)) > cose)
			cose = x;
		if ((x = rate(qr_verify, f)) > qr)
			qr = x;
		if ((x = rate(parse_key, f)) > parse)
			parse = x;
	}
	printf("%s  raw OpenSSL verify (reference)      %8.0f /s  1.00\n",
	    f->name, raw);
	printf(
	    "%s  COSE_Sign1 decode + verify          %8.0f /s  %.2f of raw\n",
	    f->name, cose, cose / raw);
	printf(
	    "%s  QR text: Base45+inflate+COSE+verify %8.0f /s  %.2f of raw\n",
	    f->name, qr, qr / raw);
	printf(
	    "%s  d2i_PUBKEY parse                    %8.0f /s  one parse = %.2f verifications\n",
	    f->name, parse, raw / parse);
	printf(
	    "%s  QR text length %zu characters, COSE_Sign1 %zu bytes (payload 140)\n",
	    f->name, f->qr.len, f->cose.len);
}

int
main(void)
{
	struct fixture es, sm;

	setup(&es, "ES256", 0);
	setup(&sm, "SM2  ", 1);
	run(&es);
	run(&sm);
	return 0;
}
