/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the revocation list loader (src/revocation.c): each input
 * is loaded against a keyring of two fixed keys (ES256 and SM2 from fixed
 * private scalars, so the seed corpus in tests/fuzz/corpus/revocation/
 * carries real signatures) at a fixed time. A loaded list must answer
 * membership queries without fault, and never report serial 0 revoked.
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
#include "tcard/err.h"
#include "tcard/revocation.h"

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_revocations *rev = NULL;
	char err[256];
	uint64_t i;

	if (!ready) {
		init();
		ready = 1;
	}
	if (tc_revocations_load(
		&rev, data, size, ring, FUZZ_NOW, err, sizeof(err)) != 0) {
		if (rev != NULL)
			abort();
		return 0;
	}
	if (tc_revocations_has(rev, 0))
		abort();
	for (i = 1; i < 64; i++)
		(void)tc_revocations_has(rev, i);
	(void)tc_revocations_count(rev);
	tc_revocations_free(rev);
	return 0;
}
