/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target of the trust list loader (src/trust.c): the input is a signed
 * trust list as a verifier would download it. Loaded without a pin (so the
 * embedded CA and its self-signature are exercised) at a fixed time inside
 * the validity of the seed corpus, which holds real lists for ES256 and SM2
 * made by tcard-keys and damaged variants.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/trust.h"

#define FUZZ_NOW ((time_t)1780272000) /* 2026-06-01T00:00:00Z */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_trust_signer_info info;
	struct tc_trust *t = NULL;
	char err[256] = "";
	size_t i, n;

	if (tc_trust_load(&t, data, size, NULL, FUZZ_NOW, err, sizeof(err)) !=
	    0) {
		/* The message is always a terminated string. */
		if (memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		return 0;
	}
	n = tc_trust_signer_count(t);
	if (n == 0 || n > TC_TRUST_MAX_SIGNERS ||
	    tc_cose_keyring_count(tc_trust_keyring(t)) != n)
		__builtin_trap();
	for (i = 0; i < n; i++)
		if (tc_trust_signer(t, i, &info) != 0 ||
		    tc_cose_keyring_find(tc_trust_keyring(t), info.kid,
			sizeof(info.kid)) == NULL)
			__builtin_trap();
	(void)tc_trust_issued_at(t);
	(void)tc_trust_ca_fingerprint(t);
	tc_trust_free(t);
	return 0;
}
