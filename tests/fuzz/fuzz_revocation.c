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

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/revocation.h"

#include "fixed-key.h"

static struct tc_cose_keyring *ring;
/* The keys in ring, also signers for making the corpus. */
static const struct tc_cose_key *es256, *sm2;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_revocations *rev = NULL;
	char err[256];
	uint64_t i;

	if (!ready) {
		fixed_ring_new(&ring, &es256, &sm2);
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
