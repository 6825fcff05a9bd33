/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the whole QR decode path of the credential
 * (src/credential.c): text -> prefix -> Base45 -> zlib -> COSE_Sign1 ->
 * claims -> signature, dates and revocation checks, against a keyring of two
 * fixed keys (ES256 and SM2, made from fixed private scalars so the seed
 * corpus in tests/fuzz/corpus/credential/ carries real signatures by them)
 * at a fixed time. The input is also given to the claims decoder directly.
 * Invariants: a valid verdict has no reason and decoded claims; decoded
 * claims encode again to bytes that decode to the same claims. The signed
 * seeds are written by `build/tests/fuzz/fuzz_credential --write-seeds
 * tests/fuzz/corpus/credential` (tc_fuzz_write_seeds below).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <zlib.h>

#include "fuzz.h"
#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"

#include "fixed-key.h"

static struct tc_cose_keyring *ring;
/* The keys in ring, also signers for making the corpus. */
static const struct tc_cose_key *es256, *sm2;

static void
claims_again(const struct tc_claims *c)
{
	struct tc_claims d;
	struct tc_buf b;

	tc_buf_init(&b, 0);
	if (tc_claims_encode(&b, c, NULL, 0) != 0 ||
	    tc_claims_decode(&d, b.data, b.len, NULL, 0) != 0 ||
	    memcmp(c, &d, sizeof(d)) != 0)
		abort();
	tc_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_verdict v;
	struct tc_claims c;

	if (!ready) {
		fixed_ring_new(&ring, &es256, &sm2);
		ready = 1;
	}
	if (tc_claims_decode(&c, data, size, NULL, 0) == 0)
		claims_again(&c);
	if (tc_credential_verify(
		(const char *)data, size, ring, NULL, FUZZ_NOW, NULL, &v) != 0)
		return 0;
	if (v.valid && (v.reason != NULL || !v.have_claims))
		abort();
	if (!v.valid && v.reason == NULL)
		abort();
	if (v.have_claims)
		claims_again(&v.claims);
	return 0;
}

#ifndef TC_FUZZING
static void
put_file(const char *dir, const char *name, const void *p, size_t n)
{
	fuzz_put_seed(dir, name, NULL, 0, p, n);
}

/* "TC1N:" + Base45 of n bytes of cose, written as name. */
static void
put_plain(const char *dir, const char *name, const uint8_t *cose, size_t n)
{
	struct tc_buf t;

	tc_buf_init(&t, 0);
	if (tc_buf_puts(&t, TC_CRED_PREFIX_PLAIN) != 0 ||
	    tc_base45_encode(&t, cose, n) != 0)
		abort();
	put_file(dir, name, t.data, t.len);
	tc_buf_release(&t);
}

static void
seed_claims(struct tc_claims *c)
{
	memset(c, 0, sizeof(*c));
	if (tc_cardno_make("440111", 4242, c->card_no) != 0)
		abort();
	c->programme_code = 1;
	strcpy(c->tier, "gold");
	strcpy(c->name, "\xe6\xb5\x8b\xe8\xaf\x95\xe4\xba\xba"); /* made up */
	c->issued_at = FUZZ_NOW - 86400 * 30;
	c->expires_at = FUZZ_NOW + 86400 * 365;
	if (tc_claims_bind(c, "11010519491231002X", NULL, 0) != 0)
		abort();
}

int
tc_fuzz_write_seeds(const char *dir)
{
	struct tc_claims c;
	struct tc_buf t, cose, z;
	uLongf zn;
	static const uint8_t spki_prefix[] = { 0x30, 0x59, 0x30, 0x13 };

	fixed_ring_new(&ring, &es256, &sm2);
	tc_buf_init(&t, 0);
	tc_buf_init(&cose, 0);
	tc_buf_init(&z, 0);
	seed_claims(&c);
	if (tc_credential_encode(&t, &c, es256, NULL, 0) != 0)
		abort();
	put_file(dir, "valid-es256", t.data, t.len);
	if (tc_credential_unwrap(
		&cose, (const char *)t.data, t.len, NULL, NULL, 0) != 0)
		abort();
	/* The same COSE, zlib-compressed: the "TC1:" form. */
	zn = compressBound(cose.len);
	if (tc_buf_reserve(&z, zn) != 0 ||
	    compress2(z.data, &zn, cose.data, cose.len, 9) != Z_OK)
		abort();
	tc_buf_reset(&t);
	if (tc_buf_puts(&t, TC_CRED_PREFIX) != 0 ||
	    tc_base45_encode(&t, z.data, zn) != 0)
		abort();
	put_file(dir, "valid-zlib", t.data, t.len);
	/* Truncated COSE and a flipped signature byte. */
	put_plain(dir, "truncated-cose", cose.data, cose.len - 10);
	cose.data[cose.len - 1] ^= 0x01;
	put_plain(dir, "bad-signature", cose.data, cose.len);
	/* The raw claims, for tc_claims_decode. */
	tc_buf_reset(&z);
	if (tc_claims_encode(&z, &c, NULL, 0) != 0)
		abort();
	put_file(dir, "claims-raw", z.data, z.len);
	/* SM2. */
	tc_buf_reset(&t);
	if (tc_credential_encode(&t, &c, sm2, NULL, 0) != 0)
		abort();
	put_file(dir, "valid-sm2", t.data, t.len);
	/* Expired. */
	c.issued_at = FUZZ_NOW - 86400 * 400;
	c.expires_at = FUZZ_NOW - 86400 * 2;
	tc_buf_reset(&t);
	if (tc_credential_encode(&t, &c, es256, NULL, 0) != 0)
		abort();
	put_file(dir, "expired", t.data, t.len);
	/* A sub-card with a (made-up) chip key. */
	seed_claims(&c);
	memcpy(c.principal, c.card_no, sizeof(c.principal));
	if (tc_cardno_make("440111", 4243, c.card_no) != 0 ||
	    tc_claims_bind(&c, "11010519491231002X", NULL, 0) != 0)
		abort();
	strcpy(c.relation, "spouse");
	memcpy(c.card_key, spki_prefix, sizeof(spki_prefix));
	memset(
	    c.card_key + sizeof(spki_prefix), 0x5a, 91 - sizeof(spki_prefix));
	c.card_key_len = 91;
	tc_buf_reset(&t);
	if (tc_credential_encode(&t, &c, es256, NULL, 0) != 0)
		abort();
	put_file(dir, "valid-subcard-chip", t.data, t.len);
	tc_buf_release(&t);
	tc_buf_release(&cose);
	tc_buf_release(&z);
	return 0;
}
#endif
