/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the revocation delta parser (src/revocation.c): each
 * input is checked with tc_revocations_delta_peek against a keyring of two
 * fixed keys (ES256 and SM2 from fixed private scalars, so the seed corpus
 * in tests/fuzz/corpus/revdelta/ carries real signatures) at a fixed time;
 * one that parses is applied to a fixed list (sequence number 5). Whatever
 * the input, a failed apply must leave the list untouched, and a
 * successful one must give the delta's sequence number and a list that
 * never holds serial 0. Seeds: `fuzz_revdelta --write-seeds DIR` (the
 * gcc build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/revocation.h"

#include "fixed-key.h"

#define BASE_SEQ 5

static const uint32_t base_serials[] = { 3, 10, 11, 70000, 999999999 };

static struct tc_cose_keyring *ring;
static const struct tc_cose_key *es256, *sm2;
static struct tc_buf base; /* the signed list of sequence number 5 */

static void
init(void)
{
	fixed_ring_new(&ring, &es256, &sm2);
	tc_buf_init(&base, TC_REV_MAX_INPUT);
	if (tc_revocations_encode(&base, BASE_SEQ, FUZZ_NOW - 1000,
		FUZZ_NOW + 86400, base_serials, 5, es256, NULL, 0) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_revocations_delta_info info;
	struct tc_revocations *rev = NULL, *keep;
	char err[256];
	int r;

	if (!ready) {
		init();
		ready = 1;
	}
	if (tc_revocations_delta_peek(
		data, size, ring, FUZZ_NOW, &info, err, sizeof(err)) != 0)
		return 0;
	if (info.to_seq <= info.from_seq)
		abort();
	if (tc_revocations_load(
		&rev, base.data, base.len, ring, FUZZ_NOW, NULL, 0) != 0)
		abort();
	keep = rev;
	r = tc_revocations_apply_delta(
	    &rev, data, size, ring, FUZZ_NOW, err, sizeof(err));
	if (r != 0) {
		if (rev != keep || tc_revocations_seq(rev) != BASE_SEQ ||
		    tc_revocations_count(rev) != 5)
			abort();
	} else {
		if (tc_revocations_seq(rev) != info.to_seq ||
		    tc_revocations_has(rev, 0) ||
		    tc_revocations_count(rev) !=
			5 + info.nadded - info.nremoved)
			abort();
	}
	tc_revocations_free(rev);
	return 0;
}

#ifndef TC_FUZZING
static void
put_file(const char *dir, const char *name, const struct tc_buf *b)
{
	fuzz_put_seed(dir, name, NULL, 0, b->data, b->len);
}

static void
delta(const char *dir, const char *name, uint64_t from, uint64_t to, time_t at,
    const uint32_t *add, size_t nadd, const uint32_t *del, size_t ndel,
    const struct tc_cose_key *k)
{
	struct tc_buf b;

	tc_buf_init(&b, TC_REV_MAX_INPUT);
	if (tc_revocations_delta_encode(&b, from, to, at, at + 3600, add, nadd,
		del, ndel, k, NULL, 0) != 0)
		abort();
	put_file(dir, name, &b);
	tc_buf_release(&b);
}

int
tc_fuzz_write_seeds(const char *dir)
{
	static const uint32_t add[] = { 1, 2, 4, 65536, 65537, 131072,
		500000000 },
			      del[] = { 3, 70000 }, present[] = { 10 },
			      absent[] = { 12 };
	uint32_t many[3000];
	struct tc_buf b;
	size_t i;

	init();
	delta(dir, "valid-es256", 5, 6, FUZZ_NOW, add, 7, del, 2, es256);
	delta(dir, "valid-sm2", 5, 9, FUZZ_NOW - 10, add, 2, NULL, 0, sm2);
	delta(dir, "valid-empty", 5, 6, FUZZ_NOW, NULL, 0, NULL, 0, es256);
	for (i = 0; i < 3000; i++)
		many[i] = (uint32_t)(100 + i * 3);
	delta(dir, "valid-many", 5, 7, FUZZ_NOW, many, 3000, NULL, 0, es256);
	delta(dir, "gap", 4, 6, FUZZ_NOW, add, 1, NULL, 0, es256);
	delta(dir, "future", 5, 6, FUZZ_NOW + 3600, add, 1, NULL, 0, es256);
	delta(dir, "stale", 5, 6, FUZZ_NOW - 2000, add, 1, NULL, 0, es256);
	delta(dir, "adds-present", 5, 6, FUZZ_NOW, present, 1, NULL, 0, es256);
	delta(dir, "removes-absent", 5, 6, FUZZ_NOW, NULL, 0, absent, 1, es256);
	put_file(dir, "full-list", &base);
	tc_buf_init(&b, TC_REV_MAX_INPUT);
	if (tc_revocations_delta_encode(&b, 5, 6, FUZZ_NOW, FUZZ_NOW, add, 3,
		NULL, 0, es256, NULL, 0) != 0)
		abort();
	b.data[b.len - 1] ^= 0x01;
	put_file(dir, "bad-signature", &b);
	b.len /= 2;
	put_file(dir, "truncated", &b);
	tc_buf_release(&b);
	return 0;
}
#endif
