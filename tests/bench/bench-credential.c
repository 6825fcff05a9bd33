/* SPDX-License-Identifier: MIT */
/*
 * Benchmark of tc_credential_verify() on a QR e-card text (prefix, Base45,
 * capped inflate when compressed, COSE and claims decode, key lookup by
 * kid, signature, dates), as a ratio to raw OpenSSL verification of the
 * very same signed bytes with a prepared DER signature and the same parsed
 * key (a fresh EVP_DigestVerifyInit per verification, as a plain caller
 * does; libtcard copies a prepared context instead, which is why the ratio
 * can exceed 1), measured in the same run. Also the holder binding check (one
 * scrypt). ES256 and SM2. Best of 3 alternating rounds of about 0.3 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"

#include "synth.h"

#define NOW 1790000000

static void
die(const char *what)
{
	fprintf(stderr, "bench-credential: %s failed\n", what);
	exit(1);
}

struct fx {
	const char *name;
	EVP_PKEY *pkey;
	const EVP_MD *md;
	int sm2;
	struct tc_cose_keyring *kr;
	struct tc_buf text;
	struct tc_buf tbs;
	unsigned char *der;
	int derlen;
};

/* The Sig_structure of RFC 9052 4.4 and a DER signature for raw verify. */
static void
prepare(struct fx *f)
{
	struct tc_cose_sign1 m;
	struct tc_buf cose;
	ECDSA_SIG *s;
	BIGNUM *r, *ss;
	uint8_t h[9];
	size_t n;

	tc_cose_sign1_init(&m);
	tc_buf_init(&cose, 0);
	if (tc_credential_unwrap(
		&cose, (char *)f->text.data, f->text.len, NULL, NULL, 0) != 0 ||
	    tc_cose_sign1_decode(&m, cose.data, cose.len, NULL, 0) != 0)
		die("decode");
	tc_buf_init(&f->tbs, 0);
	tc_buf_put(&f->tbs, "\x84\x6aSignature1", 12);
	n = m.protected_hdr.len;
	h[0] = 0x40 | (uint8_t)n;
	tc_buf_put(&f->tbs, h, 1);
	tc_buf_put(&f->tbs, m.protected_hdr.data, n);
	tc_buf_put(&f->tbs, "\x40", 1);
	n = m.payload.len;
	if (n < 24) {
		h[0] = 0x40 | (uint8_t)n;
		tc_buf_put(&f->tbs, h, 1);
	} else if (n < 256) {
		h[0] = 0x58;
		h[1] = (uint8_t)n;
		tc_buf_put(&f->tbs, h, 2);
	} else {
		h[0] = 0x59;
		h[1] = (uint8_t)(n >> 8);
		h[2] = (uint8_t)n;
		tc_buf_put(&f->tbs, h, 3);
	}
	tc_buf_put(&f->tbs, m.payload.data, n);
	r = BN_bin2bn(m.sig.data, 32, NULL);
	ss = BN_bin2bn(m.sig.data + 32, 32, NULL);
	s = ECDSA_SIG_new();
	ECDSA_SIG_set0(s, r, ss);
	f->der = NULL;
	f->derlen = i2d_ECDSA_SIG(s, &f->der);
	ECDSA_SIG_free(s);
	tc_cose_sign1_release(&m);
	tc_buf_release(&cose);
}

static int
raw_once(struct fx *f)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok;

	if (f->sm2) {
		pc = EVP_PKEY_CTX_new(f->pkey, NULL);
		EVP_PKEY_CTX_set1_id(pc, TC_COSE_SM2_ID, 16);
		EVP_MD_CTX_set_pkey_ctx(c, pc);
	}
	ok = EVP_DigestVerifyInit(c, NULL, f->md, NULL, f->pkey) == 1 &&
	    EVP_DigestVerify(
		c, f->der, (size_t)f->derlen, f->tbs.data, f->tbs.len) == 1;
	EVP_MD_CTX_free(c);
	EVP_PKEY_CTX_free(pc);
	return ok;
}

static int
cred_once(struct fx *f)
{
	struct tc_verdict v;

	return tc_credential_verify((char *)f->text.data, f->text.len, f->kr,
		   NULL, NOW, NULL, &v) == 0 &&
	    v.valid;
}

static double
rate(int (*fn)(struct fx *), struct fx *f)
{
	double t0 = bench_now(), t;
	long n = 0;

	do {
		if (!fn(f))
			die(f->name);
		n++;
	} while ((t = bench_now() - t0) < 0.3);
	return (double)n / t;
}

static void
run(struct fx *f)
{
	double raw = 0, cred = 0, x;
	int i;

	prepare(f);
	for (i = 0; i < 3; i++) {
		if ((x = rate(raw_once, f)) > raw)
			raw = x;
		if ((x = rate(cred_once, f)) > cred)
			cred = x;
	}
	printf(
	    "%-6s raw verify %8.0f/s   tc_credential_verify %8.0f/s   ratio %.2f   (%zu characters)\n",
	    f->name, raw, cred, cred / raw, f->text.len);
}

static void
setup(struct fx *f, const char *name, EVP_PKEY *pk, int sm2)
{
	struct tc_cose_key *k, *ring_k;
	struct tc_claims c;
	uint8_t kid[8];

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->pkey = pk;
	f->sm2 = sm2;
	f->md = sm2 ? EVP_sm3() : EVP_sha256();
	if (pk == NULL || tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    tc_cose_key_new(&k, pk, kid, 8, NULL, 0) != 0 ||
	    tc_cose_key_new(&ring_k, pk, kid, 8, NULL, 0) != 0 ||
	    tc_cose_keyring_new(&f->kr) != 0 ||
	    tc_cose_keyring_add(f->kr, ring_k) != 0)
		die("keys");
	memset(&c, 0, sizeof(c));
	tc_cardno_make("440111", 17, c.card_no);
	c.programme_code = 1;
	strcpy(c.tier, "gold");
	strcpy(c.name, "Made-up Holder");
	c.issued_at = NOW - 86400;
	c.expires_at = NOW + 86400 * 365;
	if (tc_claims_bind(&c, "11010519491231002X", NULL, 0) != 0)
		die("bind");
	tc_buf_init(&f->text, 0);
	if (tc_credential_encode(&f->text, &c, k, NULL, 0) != 0)
		die("encode");
	tc_cose_key_free(k);
}

int
main(void)
{
	struct fx es, sm;
	struct tc_claims c;
	double t0;
	int i;

	setup(&es, "ES256", EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), 0);
	setup(&sm, "SM2", EVP_PKEY_Q_keygen(NULL, NULL, "SM2"), 1);
	run(&es);
	run(&sm);
	memset(&c, 0, sizeof(c));
	/* The binding is salted with the card number (decisions 20). */
	tc_cardno_make("440111", 17, c.card_no);
	if (tc_claims_bind(&c, "11010519491231002X", NULL, 0) != 0)
		die("bind");
	t0 = bench_now();
	for (i = 0; i < 20; i++)
		if (tc_claims_check_id(&c, "11010519491231002X", NULL, 0) != 0)
			die("check_id");
	printf("holder binding check (scrypt N=2^14, r=8, p=1): %.1f ms\n",
	    (bench_now() - t0) / 20 * 1e3);
	return 0;
}
