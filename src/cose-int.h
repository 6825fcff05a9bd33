/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between src/cose.c (the COSE_Sign1 codec) and
 * src/cose-key.c (key objects and the signature primitives). Not installed;
 * nothing outside these two files includes it. The functions carry the tc_
 * prefix only because libtcard.a exports every non-static symbol.
 */
#ifndef TCARD_COSE_INT_H
#define TCARD_COSE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/cose.h"

/* One piece of the message to sign or verify (the Sig_structure in parts). */
struct tc_cose_part {
	const uint8_t *p;
	size_t len;
};

/*
 * Signs the concatenation of the n parts with k's private key and writes the
 * signature as r || s (TC_COSE_SIG_LEN bytes; ES256 with the low s).
 * Returns 0, TC_ERR_CRYPTO (also when k has no private part) or TC_ERR_NOMEM.
 */
int tc_cose_key_sign_parts(const struct tc_cose_key *k,
    const struct tc_cose_part *parts, size_t n,
    uint8_t sig[TC_COSE_SIG_LEN] /* OUT */, char *err, size_t errlen);

/*
 * Verifies the r || s signature sig (siglen bytes) over the concatenation of
 * the n parts with k. Returns 0, TC_ERR_BAD_SIGNATURE, TC_ERR_CRYPTO or
 * TC_ERR_NOMEM.
 */
int tc_cose_key_verify_parts(const struct tc_cose_key *k,
    const struct tc_cose_part *parts, size_t n, const uint8_t *sig,
    size_t siglen, char *err, size_t errlen);

#endif
