/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the COSE_Sign1 decoder (src/cose.c). Each input is
 * decoded; when that succeeds it is verified against two fixed public keys
 * (ES256 and SM2, made once from fixed private scalars, so runs reproduce
 * and the seed corpus in tests/fuzz/corpus/cose/ can carry real signatures
 * by these keys), through a keyring and key by key, then encoded again. The
 * re-encoding must decode to the same fields and verify with the same
 * result; anything else is a bug and aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"

#include "fixed-key.h"

static struct tc_cose_keyring *ring;
static const struct tc_cose_key *es256, *sm2;

static int
same(const struct tc_buf *a, const struct tc_buf *b)
{
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_cose_sign1 msg, again;
	const struct tc_cose_key *used;
	struct tc_buf enc;
	char err[256];
	int r, r2;

	if (!ready) {
		fixed_ring_new(&ring, &es256, &sm2);
		ready = 1;
	}
	tc_cose_sign1_init(&msg);
	tc_cose_sign1_init(&again);
	tc_buf_init(&enc, 0);
	if (tc_cose_sign1_decode(&msg, data, size, err, sizeof(err)) != 0)
		goto out;
	r = tc_cose_sign1_verify_keyring(&msg, ring, &used, err, sizeof(err));
	if ((r == 0) != (used != NULL))
		abort();
	(void)tc_cose_sign1_verify(&msg, es256, err, sizeof(err));
	(void)tc_cose_sign1_verify(&msg, sm2, err, sizeof(err));

	/* Encoding again keeps every signed byte, so nothing changes. */
	if (tc_cose_sign1_encode(&enc, &msg, err, sizeof(err)) != 0)
		goto out;
	if (tc_cose_sign1_decode(&again, enc.data, enc.len, err, sizeof(err)) !=
	    0)
		abort();
	if (again.alg != msg.alg || again.kidlen != msg.kidlen ||
	    memcmp(again.kid, msg.kid, msg.kidlen) != 0 || !again.tagged ||
	    !same(&again.protected_hdr, &msg.protected_hdr) ||
	    !same(&again.payload, &msg.payload) || !same(&again.sig, &msg.sig))
		abort();
	r2 = tc_cose_sign1_verify_keyring(&again, ring, NULL, err, sizeof(err));
	if (r2 != r)
		abort();
out:
	tc_buf_release(&enc);
	tc_cose_sign1_release(&again);
	tc_cose_sign1_release(&msg);
	return 0;
}
