/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the lookup snapshot loader and its queries
 * (src/lookup.c). Keys are fixed (ES256 and SM2 from fixed private
 * scalars, tests/fuzz/fixed-key.h) and so is the pepper, so the seed corpus
 * in tests/fuzz/corpus/lookup/ carries real signatures. The first byte of
 * an input picks what the rest is:
 *   0  a 2-byte big-endian length L, L bytes of lookup.cose, then the data
 *      file: both untrusted, as a verifier receives them;
 *   1  a data file only: the target signs a header that matches it (count
 *      from its length, its SHA-256, three programmes and four tiers), so
 *      the record checks and the queries see arbitrary records;
 *   2  a header payload only (CBOR): the target signs it, so the header
 *      parser sees arbitrary CBOR behind a valid signature.
 * A loaded snapshot answers a few fixed queries (a matching card, a wrong
 * name, a bad check digit, a Latin name with full-width letters) and the
 * answers must be consistent: no-match answers are all zero, matches only
 * come with a record's programme and tier. Seeds:
 * `fuzz_lookup --write-seeds DIR` (the gcc build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/name.h"
#include "tcard/pii.h"
#include "tcard/registry.h"

#include "../../src/cbor-read.h"
#include "fixed-key.h"

static const uint8_t pepper[TC_PII_KEY_LEN] = "fuzz-pepper-0123456789abcdefghi";

static struct tc_cose_keyring *ring;
static const struct tc_cose_key *es256, *sm2;
static struct tc_lookup_key *lkey;

/* Made-up holders of the seed snapshot: card serial, name, ID number. */
static const struct {
	uint32_t serial;
	const char *name, *id;
	enum tc_card_status status;
} holders[] = {
	{ 17, "\xe5\xbc\xa0\xe4\xb8\x89", "11010519491231002X",
	    TC_CARD_ISSUED },
	{ 18, "Anna Schneider", "C11U54Z53", TC_CARD_SUSPENDED },
	{ 400, "John Smith", "USA123456789012", TC_CARD_REVOKED },
	{ 65536, "Li Si", "E12345678", TC_CARD_EXPIRED },
};

static void
init(void)
{
	fixed_ring_new(&ring, &es256, &sm2);
	if (tc_lookup_key_new(&lkey, pepper) != 0)
		abort();
}

static void
check_answer(const struct tc_lookup_answer *a)
{
	static const struct tc_lookup_answer zero;

	if (a->result == TC_LOOKUP_NO_MATCH) {
		if (memcmp(a, &zero, sizeof(zero)) != 0)
			abort();
		return;
	}
	if (a->result > TC_LOOKUP_SUSPENDED || a->programme[0] == '\0' ||
	    a->tier[0] == '\0' || a->serial == 0 ||
	    strlen(a->card_no) != TC_CARDNO_LEN)
		abort();
}

static void
queries(const struct tc_lookup *lk)
{
	struct tc_lookup_answer a;
	char card[17];
	size_t i;

	for (i = 0; i < sizeof(holders) / sizeof(holders[0]); i++) {
		if (tc_cardno_make("440111", holders[i].serial, card) != 0)
			abort();
		if (tc_lookup_query_key(lk, lkey, card, holders[i].name,
			holders[i].id, NULL, FUZZ_NOW, &a, NULL, 0) != 0)
			abort();
		check_answer(&a);
		if (tc_lookup_query_key(lk, lkey, card, "Somebody",
			holders[i].id, NULL, FUZZ_NOW, &a, NULL, 0) != 0)
			abort();
		check_answer(&a);
		if (a.result != TC_LOOKUP_NO_MATCH)
			abort();
	}
	if (tc_lookup_query_key(lk, lkey, "4401110000000172", "x", "E12345678",
		NULL, FUZZ_NOW, &a, NULL, 0) != TC_ERR_INVALID_ARG)
		abort();
	check_answer(&a);
	(void)tc_lookup_query_key(lk, lkey, "4401 1100 0000 0171",
	    "\xef\xbc\xaa\xef\xbd\x8f\xef\xbd\x88\xef\xbd\x8e Smith",
	    "usa 1234 5678 9012", NULL, FUZZ_NOW, &a, NULL, 0);
	check_answer(&a);
	(void)tc_lookup_count(lk);
	(void)tc_lookup_seq(lk);
	for (i = 0; i < tc_lookup_file_count(lk); i++) {
		const char *name;
		const uint8_t *sha;

		if (tc_lookup_file(lk, i, &name, &sha) != 0 ||
		    strncmp(name, "programmes/", 11) != 0 ||
		    strstr(name, "..") != NULL ||
		    tc_lookup_file_check(lk, name, (const uint8_t *)"{}", 2,
			NULL, 0) == TC_ERR_NOT_FOUND)
			abort();
	}
}

/* A signed header for data (mode 1), or over payload as given (mode 2). */
static int
sign_header(struct tc_buf *sig, const uint8_t *data, size_t len)
{
	static const char *const progs[] = { "baiyun-yunju", "guangzhou-green",
		"p3" };
	static const char *const tiers[] = { "a", "b", "gold", "a-spouse" };
	struct tc_buf pl;
	uint8_t sha[32];
	unsigned int shalen;
	uint64_t count;
	size_t i;
	int r;

	count = len >= TC_LOOKUP_HEADER_LEN
	    ? (len - TC_LOOKUP_HEADER_LEN) / TC_LOOKUP_RECORD_LEN
	    : 0;
	if (EVP_Digest(data, len, sha, &shalen, EVP_sha256(), NULL) != 1)
		abort();
	tc_buf_init(&pl, TC_LOOKUP_SIG_MAX);
	r = tc_cbor_put_head(&pl, TC_CBOR_MAP, 11) != 0 ||
	    tc_cbor_put_int(&pl, 1) != 0 || tc_cbor_put_int(&pl, 1) != 0 ||
	    tc_cbor_put_int(&pl, 2) != 0 || tc_cbor_put_int(&pl, 3) != 0 ||
	    tc_cbor_put_int(&pl, 3) != 0 ||
	    tc_cbor_put_int(&pl, FUZZ_NOW) != 0 ||
	    tc_cbor_put_int(&pl, 4) != 0 ||
	    tc_cbor_put_head(&pl, TC_CBOR_UINT, count) != 0 ||
	    tc_cbor_put_int(&pl, 5) != 0 ||
	    tc_cbor_put_str(&pl, TC_CBOR_TSTR, "lookup-3.bin", 12) != 0 ||
	    tc_cbor_put_int(&pl, 6) != 0 ||
	    tc_cbor_put_head(&pl, TC_CBOR_UINT, len) != 0 ||
	    tc_cbor_put_int(&pl, 7) != 0 ||
	    tc_cbor_put_str(&pl, TC_CBOR_BSTR, sha, 32) != 0 ||
	    tc_cbor_put_int(&pl, 8) != 0 ||
	    tc_cbor_put_head(&pl, TC_CBOR_ARRAY, 3) != 0;
	for (i = 0; i < 3 && r == 0; i++)
		r = tc_cbor_put_str(
		    &pl, TC_CBOR_TSTR, progs[i], strlen(progs[i]));
	r = r || tc_cbor_put_int(&pl, 9) != 0 ||
	    tc_cbor_put_head(&pl, TC_CBOR_ARRAY, 4) != 0;
	for (i = 0; i < 4 && r == 0; i++)
		r = tc_cbor_put_str(
		    &pl, TC_CBOR_TSTR, tiers[i], strlen(tiers[i]));
	r = r || tc_cbor_put_int(&pl, 10) != 0 ||
	    tc_cbor_put_int(&pl, TC_NAME_NORM_VERSION) != 0 ||
	    tc_cbor_put_int(&pl, 11) != 0 ||
	    tc_cbor_put_head(&pl, TC_CBOR_ARRAY, 1) != 0 ||
	    tc_cbor_put_head(&pl, TC_CBOR_ARRAY, 2) != 0 ||
	    tc_cbor_put_str(&pl, TC_CBOR_TSTR, "programmes/p3.json", 18) != 0 ||
	    tc_cbor_put_str(&pl, TC_CBOR_BSTR, sha, 32) != 0;
	if (r != 0 ||
	    tc_cose_sign1_create_max(
		sig, es256, pl.data, pl.len, TC_LOOKUP_SIG_MAX, NULL, 0) != 0)
		abort();
	tc_buf_release(&pl);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_lookup *lk = NULL;
	struct tc_lookup_info info;
	struct tc_buf sig;
	size_t siglen;
	char err[256];

	if (!ready) {
		init();
		ready = 1;
	}
	if (size < 1)
		return 0;
	tc_buf_init(&sig, TC_LOOKUP_SIG_MAX);
	switch (data[0]) {
	case 0:
		if (size < 3)
			break;
		siglen = (size_t)data[1] << 8 | data[2];
		if (siglen > size - 3)
			break;
		if (tc_lookup_peek(data + 3, siglen, ring, FUZZ_NOW, &info, err,
			sizeof(err)) == 0 &&
		    info.data_len !=
			TC_LOOKUP_HEADER_LEN +
			    info.count * TC_LOOKUP_RECORD_LEN)
			abort();
		(void)tc_lookup_load(&lk, data + 3, siglen, data + 3 + siglen,
		    size - 3 - siglen, ring, FUZZ_NOW, err, sizeof(err));
		break;
	case 1:
		if (size - 1 > 4u * 1024 * 1024)
			break;
		sign_header(&sig, data + 1, size - 1);
		(void)tc_lookup_load(&lk, sig.data, sig.len, data + 1, size - 1,
		    ring, FUZZ_NOW, err, sizeof(err));
		break;
	case 2:
		if (size - 1 > TC_LOOKUP_SIG_MAX - 200)
			break;
		if (tc_cose_sign1_create_max(&sig, es256, data + 1, size - 1,
			TC_LOOKUP_SIG_MAX, NULL, 0) != 0)
			abort();
		(void)tc_lookup_load(&lk, sig.data, sig.len, NULL, 0, ring,
		    FUZZ_NOW, err, sizeof(err));
		break;
	}
	if (lk != NULL) {
		queries(lk);
		tc_lookup_free(lk);
	}
	tc_buf_release(&sig);
	return 0;
}

#ifndef TC_FUZZING
static void
put_file(const char *dir, const char *name, uint8_t mode,
    const struct tc_buf *a, const struct tc_buf *b)
{
	char path[4096];
	FILE *f;
	uint8_t head[3] = { mode, 0, 0 };

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(head, 1, 1, f) != 1)
		abort();
	if (mode == 0) {
		head[1] = (uint8_t)(a->len >> 8);
		head[2] = (uint8_t)a->len;
		if (fwrite(head + 1, 1, 2, f) != 2)
			abort();
	}
	if ((a != NULL && a->len > 0 &&
		fwrite(a->data, 1, a->len, f) != a->len) ||
	    (b != NULL && b->len > 0 &&
		fwrite(b->data, 1, b->len, f) != b->len) ||
	    fclose(f) != 0)
		abort();
}

/* A snapshot of the made-up holders, signed by k. */
static void
snapshot(const struct tc_cose_key *k, struct tc_buf *data, struct tc_buf *sig)
{
	struct tc_lookup_builder *b = NULL;
	struct tc_lookup_entry e;
	struct tc_buf nn;
	char card[17];
	size_t i;

	tc_buf_init(&nn, 1024);
	if (tc_lookup_builder_new(&b, lkey, 0) != 0)
		abort();
	for (i = 0; i < sizeof(holders) / sizeof(holders[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (tc_cardno_make("440111", holders[i].serial, card) != 0)
			abort();
		tc_buf_reset(&nn);
		if (tc_name_normalise(holders[i].name, strlen(holders[i].name),
			&nn, NULL, 0) != 0 ||
		    tc_lookup_key_name_mac(
			lkey, (const char *)nn.data, e.name_mac) != 0 ||
		    tc_lookup_key_id_mac(lkey, holders[i].id, e.id_mac) != 0)
			abort();
		e.card_no = card;
		e.status = holders[i].status;
		e.programme = i % 2 ? "guangzhou-green" : "baiyun-yunju";
		e.tier = i % 3 ? "a" : "gold";
		e.expires_at = FUZZ_NOW + 86400 * (time_t)(i + 1);
		if (tc_lookup_builder_add(b, &e, NULL, 0) != 0)
			abort();
	}
	if (tc_lookup_builder_add_file(b, "programmes/baiyun-yunju.json",
		(const uint8_t *)"{}", 2, NULL, 0) != 0 ||
	    tc_lookup_builder_add_file(b, "programmes/guangzhou-green.json",
		(const uint8_t *)"{ }", 3, NULL, 0) != 0)
		abort();
	if (tc_lookup_builder_finish(
		b, 3, FUZZ_NOW - 60, k, data, sig, NULL, 0) != 0)
		abort();
	tc_lookup_builder_free(b);
	tc_buf_release(&nn);
}

int
tc_fuzz_write_seeds(const char *dir)
{
	struct tc_buf data, sig, pl;
	struct tc_cose_sign1 msg;

	init();
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	tc_buf_init(&pl, TC_LOOKUP_SIG_MAX);
	snapshot(es256, &data, &sig);
	put_file(dir, "valid-es256", 0, &sig, &data);
	put_file(dir, "data-only", 1, &data, NULL);
	/* The header payload alone, for mode 2. */
	tc_cose_sign1_init(&msg);
	if (tc_cose_sign1_decode_max(
		&msg, sig.data, sig.len, TC_LOOKUP_SIG_MAX, NULL, 0) != 0 ||
	    tc_buf_put(&pl, msg.payload.data, msg.payload.len) != 0)
		abort();
	tc_cose_sign1_release(&msg);
	put_file(dir, "header-only", 2, &pl, NULL);
	data.data[TC_LOOKUP_HEADER_LEN + 4] = 9; /* a bad status */
	put_file(dir, "bad-record", 1, &data, NULL);
	put_file(dir, "tampered-data", 0, &sig, &data);
	data.len -= 7;
	put_file(dir, "truncated-data", 0, &sig, &data);
	snapshot(sm2, &data, &sig);
	put_file(dir, "valid-sm2", 0, &sig, &data);
	sig.data[sig.len - 1] ^= 1;
	put_file(dir, "bad-signature", 0, &sig, &data);
	tc_buf_release(&data);
	tc_buf_release(&sig);
	tc_buf_release(&pl);
	return 0;
}
#endif
