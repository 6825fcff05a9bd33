/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the whole QR decode path of the credential
 * (src/credential.c): text -> prefix -> Base45 -> zlib -> COSE_Sign1 ->
 * claims -> signature, dates and revocation checks, against a keyring of two
 * fixed keys (ES256 and SM2, made from fixed private scalars so the seed
 * corpus in tests/fuzz/corpus/credential/ carries real signatures by them)
 * at a fixed time. The input is also given to the claims decoder directly.
 * Invariants: a valid verdict has no reason and decoded claims; decoded
 * claims encode again to bytes that decode to the same claims.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"

#include "fixed-key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW 1790000000 /* 2026-09-21 */

/* Made-up private scalars, for this fuzz target and its corpus only. */
static const char fuzz_es256_priv[] =
    "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988";
static const char fuzz_sm2_priv[] =
    "2a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8091";

/* fixed_key(): fixed-key.h */

static struct tc_cose_keyring *ring;
/* The keys in ring, also signers for making the corpus. */
static const struct tc_cose_key *es256, *sm2;

static struct tc_cose_key *
fixed_cose_key(int which)
{
	EVP_PKEY *pk;
	struct tc_cose_key *k;
	uint8_t kid[TC_COSE_KID_LEN];

	pk = which == 0 ? fixed_key("EC", NID_X9_62_prime256v1, "prime256v1",
			      fuzz_es256_priv)
			: fixed_key("SM2", NID_sm2, "SM2", fuzz_sm2_priv);
	if (tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    tc_cose_key_new(&k, pk, kid, sizeof(kid), NULL, 0) != 0)
		abort();
	EVP_PKEY_free(pk);
	return k;
}

static void
init(void)
{
	struct tc_cose_key *k;

	if (tc_cose_keyring_new(&ring) != 0)
		abort();
	es256 = k = fixed_cose_key(0);
	if (tc_cose_keyring_add(ring, k) != 0)
		abort();
	sm2 = k = fixed_cose_key(1);
	if (tc_cose_keyring_add(ring, k) != 0)
		abort();
}

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
		init();
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
