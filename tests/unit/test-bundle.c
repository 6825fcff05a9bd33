/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the signed bundle: revocation deltas (src/revocation.c:
 * round trip, rollback, issued-at in the future, bad signature with the
 * old list kept, gaps, deltas that do not fit, a full list taken for a
 * delta and the reverse) and the lookup snapshot (src/lookup.c: every
 * result, identical no-match answers for an unknown card, a wrong name and
 * a wrong ID number, the Luhn check first, full-width and spacing variants,
 * the ID number of every type normalised without its type to the bytes the
 * registry MACs, tampered and truncated files refused, loading from a
 * directory) and the signed audit head (src/bundle.c: the exact payload,
 * round trip, every byte flipped, another signer, each field out of
 * format). And the publish (tc_bundle_publish): a small registry and a
 * key store made in a temporary home, published three times into a
 * temporary directory (the files, the snapshot and the audit head read
 * back, the sequence number taken from the hooks and the directory, a
 * damaged earlier list skipped with a warning, deltas kept and pruned),
 * every refusal writing nothing, and the directory lock. Keys are made
 * fresh on every run; the people are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/keystore.h"
#include "tcard/name.h"
#include "tcard/pii.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/revocation.h"
#include "sample.h"
#include "tcard/serial.h"
#include "tcard/trust.h"

#include "fixtures-signer.h"

#ifndef TC_PROGRAMMES_DIR
#define TC_PROGRAMMES_DIR "programmes"
#endif

#define NOW  1790000000
#define YEAR (365 * 86400)

static EVP_PKEY *pk, *other_pk;
static struct tc_cose_key *key, *other;
static struct tc_cose_keyring *kr;
static const uint8_t pepper[32] = { 0x70, 0x65, 0x70, 0x70, 0x65, 0x72, 1, 2, 3,
	4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
	23, 24, 25, 26 };
static struct tc_lookup_key *lkey;

static int
setup(void **state)
{
	(void)state;
	if (fx_signers_new(&pk, &other_pk, &key, &other, &kr) != 0)
		return -1;
	if (tc_lookup_key_new(&lkey, pepper) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tc_lookup_key_free(lkey);
	fx_signers_free(pk, other_pk, key, other, kr);
	return 0;
}

/* Revocation deltas. */

static struct tc_revocations *
list(uint64_t seq, time_t at, const uint32_t *s, size_t n)
{
	struct tc_buf b;
	struct tc_revocations *rev = NULL;

	tc_buf_init(&b, TC_REV_MAX_INPUT);
	assert_int_equal(
	    tc_revocations_encode(&b, seq, at, at + 3600, s, n, key, NULL, 0),
	    0);
	assert_int_equal(
	    tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0), 0);
	tc_buf_release(&b);
	return rev;
}

static void
test_delta_round_trip(void **state)
{
	static const uint32_t a[] = { 5, 17, 1000 },
			      b[] = { 17, 99, 1000, 999999999 };
	struct tc_revocations *ra = list(1, NOW - 200, a, 3);
	struct tc_revocations *rb = list(2, NOW - 100, b, 4), *keep;
	struct tc_revocations_delta_info info;
	struct tc_buf d;
	uint32_t *s;
	size_t n;
	char err[256];

	(void)state;
	tc_buf_init(&d, TC_REV_MAX_INPUT);
	assert_int_equal(
	    tc_revocations_delta_make(&d, ra, rb, key, err, sizeof(err)), 0);
	assert_int_equal(tc_revocations_delta_peek(
			     d.data, d.len, kr, NOW, &info, err, sizeof(err)),
	    0);
	assert_int_equal(info.from_seq, 1);
	assert_int_equal(info.to_seq, 2);
	assert_int_equal(info.nadded, 2);   /* 99, 999999999 */
	assert_int_equal(info.nremoved, 1); /* 5 */
	keep = ra;
	assert_int_equal(tc_revocations_apply_delta(
			     &ra, d.data, d.len, kr, NOW, err, sizeof(err)),
	    0);
	assert_ptr_not_equal(ra, keep);
	assert_int_equal(tc_revocations_seq(ra), 2);
	assert_int_equal(tc_revocations_issued_at(ra), NOW - 100);
	assert_int_equal(tc_revocations_next_update(ra), NOW - 100 + 3600);
	assert_int_equal(tc_revocations_equal(ra, rb), 1);
	assert_int_equal(tc_revocations_has(ra, 5), 0);
	assert_int_equal(tc_revocations_has(ra, 99), 1);
	assert_int_equal(tc_revocations_serials(ra, &s, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(s, b, sizeof(b));
	free(s);
	/* The same delta again: the list is now at 2, the delta from 1. */
	assert_int_equal(tc_revocations_apply_delta(
			     &ra, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_int_equal(tc_revocations_seq(ra), 2);
	tc_revocations_free(ra);
	tc_revocations_free(rb);
	tc_buf_release(&d);
}

static void
test_delta_encode_explicit(void **state)
{
	static const uint32_t a[] = { 5, 17 }, add[] = { 40, 41, 40 },
			      del[] = { 5 }, both[] = { 17 };
	struct tc_revocations *r = list(7, NOW - 50, a, 2);
	struct tc_buf d;
	char err[256];

	(void)state;
	tc_buf_init(&d, TC_REV_MAX_INPUT);
	assert_int_equal(tc_revocations_delta_encode(&d, 7, 9, NOW, NOW + 60,
			     add, 3, del, 1, key, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_seq(r), 9);
	assert_int_equal(tc_revocations_count(r), 3); /* 17, 40, 41 */
	tc_buf_reset(&d);
	/* Bad arguments. */
	assert_int_equal(tc_revocations_delta_encode(&d, 9, 9, NOW, NOW, NULL,
			     0, NULL, 0, key, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_revocations_delta_encode(&d, 9, 10, NOW, NOW, both,
			     1, both, 1, key, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_revocations_delta_encode(&d, 9, 10, NOW, NOW - 1,
			     NULL, 0, NULL, 0, key, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(d.len, 0);
	/* A delta that does not fit: removes 5, which is no longer listed. */
	assert_int_equal(tc_revocations_delta_encode(&d, 9, 10, NOW, NOW, NULL,
			     0, del, 1, key, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	tc_buf_reset(&d);
	/* ... or adds 17, which is. */
	assert_int_equal(tc_revocations_delta_encode(&d, 9, 10, NOW, NOW, both,
			     1, NULL, 0, key, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_int_equal(tc_revocations_seq(r), 9);
	tc_revocations_free(r);
	tc_buf_release(&d);
}

static void
test_delta_refusals(void **state)
{
	static const uint32_t a[] = { 5 }, add[] = { 6 };
	struct tc_revocations *r = list(3, NOW - 50, a, 1), *keep = r;
	struct tc_buf d, full;
	size_t i;
	char err[256];

	(void)state;
	tc_buf_init(&d, TC_REV_MAX_INPUT);
	tc_buf_init(&full, TC_REV_MAX_INPUT);
	/* Issued in the future (beyond the 300 s of skew). */
	assert_int_equal(tc_revocations_delta_encode(&d, 3, 4, NOW + 301,
			     NOW + 400, add, 1, NULL, 0, key, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_NOT_YET_VALID);
	assert_ptr_equal(r, keep);
	tc_buf_reset(&d);
	/* Issued before the list held. */
	assert_int_equal(tc_revocations_delta_encode(&d, 3, 4, NOW - 51,
			     NOW + 400, add, 1, NULL, 0, key, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_STALE);
	tc_buf_reset(&d);
	/* Signed by a key the trust list does not hold. */
	assert_int_equal(tc_revocations_delta_encode(&d, 3, 4, NOW, NOW + 400,
			     add, 1, NULL, 0, other, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_UNKNOWN_KEY);
	tc_buf_reset(&d);
	/* A good delta with any single byte changed. */
	assert_int_equal(tc_revocations_delta_encode(&d, 3, 4, NOW, NOW + 400,
			     add, 1, NULL, 0, key, NULL, 0),
	    0);
	for (i = 0; i < d.len; i++) {
		d.data[i] ^= 0x01;
		assert_int_not_equal(tc_revocations_apply_delta(&r, d.data,
					 d.len, kr, NOW, err, sizeof(err)),
		    0);
		d.data[i] ^= 0x01;
		assert_ptr_equal(r, keep);
	}
	/* Every truncation. */
	for (i = 0; i < d.len; i++)
		assert_int_not_equal(
		    tc_revocations_apply_delta(&r, d.data, i, kr, NOW, NULL, 0),
		    0);
	assert_ptr_equal(r, keep);
	assert_int_equal(tc_revocations_seq(r), 3);
	assert_int_equal(tc_revocations_has(r, 6), 0);
	/* A gap: a delta from 4 to 5 on list 3. */
	tc_buf_reset(&d);
	assert_int_equal(tc_revocations_delta_encode(&d, 4, 5, NOW, NOW + 400,
			     add, 1, NULL, 0, key, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(
			     &r, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_STATE);
	assert_non_null(strstr(err, "list held is 3"));
	/* A delta is not a full list, nor the reverse. */
	struct tc_revocations *x = NULL;
	assert_int_equal(
	    tc_revocations_load(&x, d.data, d.len, kr, NOW, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_null(x);
	assert_int_equal(
	    tc_revocations_encode(&full, 4, NOW, NOW + 1, add, 1, key, NULL, 0),
	    0);
	assert_int_equal(tc_revocations_apply_delta(&r, full.data, full.len, kr,
			     NOW, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_ptr_equal(r, keep);
	tc_revocations_free(r);
	tc_buf_release(&d);
	tc_buf_release(&full);
}

static void
test_newer(void **state)
{
	static const uint32_t a[] = { 5 };
	struct tc_revocations *r1 = list(1, NOW, a, 1),
			      *r2 = list(2, NOW, a, 1);
	struct tc_revocations *r2b = list(2, NOW, NULL, 0);
	char err[256];

	(void)state;
	assert_int_equal(tc_revocations_newer(NULL, r1, NULL, 0), 0);
	assert_int_equal(tc_revocations_newer(r1, r2, NULL, 0), 0);
	assert_int_equal(
	    tc_revocations_newer(r2, r1, err, sizeof(err)), TC_ERR_STALE);
	assert_non_null(strstr(err, "1 is not newer"));
	assert_int_equal(tc_revocations_newer(r2, r2b, NULL, 0), TC_ERR_STALE);
	assert_string_equal(tc_errname(TC_ERR_STALE), "stale");
	assert_int_equal(tc_revocations_equal(r1, r2), 1);
	assert_int_equal(tc_revocations_equal(r1, r2b), 0);
	tc_revocations_free(r1);
	tc_revocations_free(r2);
	tc_revocations_free(r2b);
}

static int
count_cb(uint32_t s, void *arg)
{
	size_t *n = arg;

	(void)s;
	return ++*n == 2 ? 42 : 0;
}

static void
test_foreach(void **state)
{
	static const uint32_t a[] = { 9, 3, 7 };
	struct tc_revocations *r = list(1, NOW, a, 3);
	size_t n = 0;

	(void)state;
	assert_int_equal(tc_revocations_foreach(r, count_cb, &n), 42);
	assert_int_equal(n, 2);
	tc_revocations_free(r);
}

/* The lookup snapshot. */

struct person {
	const char *card; /* made with tc_cardno_make */
	enum tc_id_type type;
	const char *id;	  /* normalised */
	const char *name; /* as the registry holds it */
	enum tc_card_status status;
	time_t expires;
};

static char cards[8][17];
static struct person people[8];

static void
make_people(void)
{
	static const uint64_t serials[8] = { 17, 42, 43, 100, 7, 999999999, 500,
		501 };
	size_t i;

	for (i = 0; i < 8; i++) {
		assert_int_equal(
		    tc_cardno_make("440111", serials[i], cards[i]), 0);
		people[i].card = cards[i];
	}
	/* Made-up people; the resident number has a valid check X. */
	people[0] = (struct person){ cards[0], TC_ID_RESIDENT,
		"11010519491231002X", "张三", TC_CARD_ISSUED, NOW + YEAR };
	people[1] = (struct person){ cards[1], TC_ID_PASSPORT, "E12345678",
		"Anna-Lena Müller", TC_CARD_ISSUED, NOW - 1 };
	people[2] = (struct person){ cards[2], TC_ID_HKMO_PERMIT, "H12345678",
		"陳大文", TC_CARD_REVOKED, NOW + YEAR };
	people[3] = (struct person){ cards[3], TC_ID_TW_PERMIT, "12345678",
		"林小美", TC_CARD_SUSPENDED, NOW + YEAR };
	people[4] = (struct person){ cards[4], TC_ID_RESIDENT,
		"11010519491231002X", "张三", TC_CARD_EXPIRED, NOW + YEAR };
	people[5] = (struct person){ cards[5], TC_ID_FOREIGN_PR,
		"USA123456789012", "John Smith", TC_CARD_ISSUED, NOW + YEAR };
	people[6] = (struct person){ cards[6], TC_ID_PASSPORT, "G1234567",
		"Li Si", TC_CARD_SUSPENDED, NOW - 10 };
	people[7] = (struct person){ cards[7], TC_ID_PASSPORT, "P7654321",
		"Wang Wu", TC_CARD_ISSUED, NOW + YEAR };
}

/* The snapshot of people[0..n), as data and sig. */
static void
build(struct tc_buf *data, struct tc_buf *sig, size_t n, time_t issued_at)
{
	struct tc_lookup_builder *b = NULL;
	struct tc_lookup_entry e;
	struct tc_buf nn;
	size_t i;
	char err[256];

	tc_buf_init(&nn, 1024);
	assert_int_equal(tc_lookup_builder_new(&b, lkey, 0), 0);
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.card_no = people[i].card;
		assert_int_equal(
		    tc_pii_id_mac(pepper, people[i].id, e.id_mac), 0);
		tc_buf_reset(&nn);
		assert_int_equal(tc_name_normalise(people[i].name,
				     strlen(people[i].name), &nn, NULL, 0),
		    0);
		assert_int_equal(
		    tc_pii_name_mac(pepper, (char *)nn.data, e.name_mac), 0);
		e.status = people[i].status;
		e.programme = i % 2 ? "guangzhou-green" : "baiyun-yunju";
		e.tier = i % 3 ? "A" : "B";
		e.expires_at = people[i].expires;
		assert_int_equal(
		    tc_lookup_builder_add(b, &e, err, sizeof(err)), 0);
	}
	assert_int_equal(tc_lookup_builder_finish(b, 12, issued_at, key, data,
			     sig, err, sizeof(err)),
	    0);
	tc_lookup_builder_free(b);
	tc_buf_release(&nn);
}

static struct tc_lookup *
snapshot(void)
{
	struct tc_buf data, sig;
	struct tc_lookup *lk = NULL;
	char err[256];

	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	build(&data, &sig, 8, NOW - 60);
	assert_int_equal(tc_lookup_load(&lk, sig.data, sig.len, data.data,
			     data.len, kr, NOW, err, sizeof(err)),
	    0);
	tc_buf_release(&data);
	tc_buf_release(&sig);
	return lk;
}

static enum tc_lookup_result
q(const struct tc_lookup *lk, const char *card, const char *name,
    const char *id, const struct tc_revocations *rev,
    struct tc_lookup_answer *ans)
{
	char err[256];

	assert_int_equal(tc_lookup_query_key(lk, lkey, card, name, id, rev, NOW,
			     ans, err, sizeof(err)),
	    0);
	return ans->result;
}

static void
test_lookup_results(void **state)
{
	struct tc_lookup *lk;
	struct tc_lookup_answer a, b;
	struct tc_revocations *rev;
	uint32_t s = 501;
	char err[256];

	(void)state;
	make_people();
	lk = snapshot();
	assert_int_equal(tc_lookup_count(lk), 8);
	assert_int_equal(tc_lookup_seq(lk), 12);
	assert_int_equal(tc_lookup_issued_at(lk), NOW - 60);
	assert_int_equal(
	    q(lk, cards[0], "张三", "11010519491231002X", NULL, &a),
	    TC_LOOKUP_VALID);
	assert_string_equal(a.programme, "baiyun-yunju");
	assert_string_equal(a.tier, "B");
	assert_int_equal(a.expires_at, NOW + YEAR);
	assert_int_equal(a.serial, 17);
	assert_string_equal(a.card_no, cards[0]);
	assert_int_equal(
	    q(lk, cards[1], "Anna-Lena Müller", "E12345678", NULL, &a),
	    TC_LOOKUP_EXPIRED);
	assert_string_equal(a.programme, "guangzhou-green");
	assert_int_equal(q(lk, cards[2], "陳大文", "H12345678", NULL, &a),
	    TC_LOOKUP_REVOKED);
	assert_int_equal(q(lk, cards[3], "林小美", "12345678", NULL, &a),
	    TC_LOOKUP_SUSPENDED);
	assert_int_equal(
	    q(lk, cards[4], "张三", "11010519491231002X", NULL, &a),
	    TC_LOOKUP_EXPIRED);
	assert_int_equal(
	    q(lk, cards[5], "John Smith", "USA123456789012", NULL, &a),
	    TC_LOOKUP_VALID);
	/* Suspended and past its expiry: expired wins. */
	assert_int_equal(
	    q(lk, cards[6], "Li Si", "G1234567", NULL, &a), TC_LOOKUP_EXPIRED);
	/* Valid in the snapshot, revoked by the newer revocation list. */
	assert_int_equal(
	    q(lk, cards[7], "Wang Wu", "P7654321", NULL, &a), TC_LOOKUP_VALID);
	rev = list(13, NOW, &s, 1);
	assert_int_equal(
	    q(lk, cards[7], "Wang Wu", "P7654321", rev, &b), TC_LOOKUP_REVOKED);
	assert_string_equal(b.tier, a.tier);
	tc_revocations_free(rev);
	/* tc_lookup_query keys the pepper itself: the same answer. */
	assert_int_equal(
	    tc_lookup_query(lk, pepper, cards[0], "张三", "11010519491231002X",
		NULL, NOW, &b, err, sizeof(err)),
	    0);
	q(lk, cards[0], "张三", "11010519491231002X", NULL, &a);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_string_equal(
	    tc_lookup_result_name(TC_LOOKUP_NO_MATCH), "no-match");
	assert_string_equal(
	    tc_lookup_result_name(TC_LOOKUP_SUSPENDED), "suspended");
	tc_lookup_free(lk);
}

/* tc_lookup_card: the status by card number alone (service windows). */
static void
test_lookup_card(void **state)
{
	static const enum tc_lookup_result want[8] = { TC_LOOKUP_VALID,
		TC_LOOKUP_EXPIRED, TC_LOOKUP_REVOKED, TC_LOOKUP_SUSPENDED,
		TC_LOOKUP_EXPIRED, TC_LOOKUP_VALID, TC_LOOKUP_EXPIRED,
		TC_LOOKUP_VALID };
	struct tc_lookup *lk;
	struct tc_lookup_answer a, b;
	struct tc_revocations *rev;
	uint32_t s = 501;
	char unknown[17];
	size_t i;

	(void)state;
	make_people();
	lk = snapshot();
	for (i = 0; i < 8; i++) {
		assert_int_equal(
		    tc_lookup_card(lk, cards[i], NULL, NOW, &a), 0);
		assert_int_equal(a.result, want[i]);
		assert_string_equal(a.card_no, cards[i]);
	}
	/* The same record as a full lookup finds. */
	assert_int_equal(tc_lookup_card(lk, cards[0], NULL, NOW, &a), 0);
	q(lk, cards[0], "张三", "11010519491231002X", NULL, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	/* The revocation list is applied. */
	rev = list(13, NOW, &s, 1);
	assert_int_equal(tc_lookup_card(lk, cards[7], rev, NOW, &a), 0);
	assert_int_equal(a.result, TC_LOOKUP_REVOKED);
	tc_revocations_free(rev);
	/* A card the snapshot does not hold, a bad number. */
	assert_int_equal(tc_cardno_make("440111", 18, unknown), 0);
	assert_int_equal(tc_lookup_card(lk, unknown, NULL, NOW, &a), 0);
	assert_int_equal(a.result, TC_LOOKUP_NO_MATCH);
	assert_string_equal(a.card_no, "");
	unknown[15] = unknown[15] == '0' ? '1' : '0';
	assert_int_equal(
	    tc_lookup_card(lk, unknown, NULL, NOW, &a), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_lookup_card(NULL, cards[0], NULL, NOW, &a), TC_ERR_INVALID_ARG);
	tc_lookup_free(lk);
}

static void
test_lookup_no_match_identical(void **state)
{
	struct tc_lookup *lk;
	struct tc_lookup_answer zero, a;
	char unknown[17], region[17], err[256];

	(void)state;
	make_people();
	lk = snapshot();
	memset(&zero, 0, sizeof(zero));
	zero.result = TC_LOOKUP_NO_MATCH;
	/* An unknown card (serial 18 is not in the snapshot). */
	assert_int_equal(tc_cardno_make("440111", 18, unknown), 0);
	memset(&a, 0xa5, sizeof(a));
	q(lk, unknown, "张三", "11010519491231002X", NULL, &a);
	assert_memory_equal(&a, &zero, sizeof(a));
	/* Beyond the last and before the first serial. */
	assert_int_equal(tc_cardno_make("440111", 1, unknown), 0);
	q(lk, unknown, "张三", "11010519491231002X", NULL, &a);
	assert_memory_equal(&a, &zero, sizeof(a));
	/* The right serial under another region. */
	assert_int_equal(tc_cardno_make("110101", 17, region), 0);
	q(lk, region, "张三", "11010519491231002X", NULL, &a);
	assert_memory_equal(&a, &zero, sizeof(a));
	/* A wrong name. */
	memset(&a, 0xa5, sizeof(a));
	q(lk, cards[0], "张四", "11010519491231002X", NULL, &a);
	assert_memory_equal(&a, &zero, sizeof(a));
	/* A wrong ID number (another valid one). */
	memset(&a, 0xa5, sizeof(a));
	q(lk, cards[0], "张三", "110105194912310037", NULL, &a);
	assert_memory_equal(&a, &zero, sizeof(a));
	/* Another holder's name and ID on this card. */
	q(lk, cards[0], "John Smith", "USA123456789012", NULL, &a);
	assert_memory_equal(&a, &zero, sizeof(a));
	/* The same holder's other card is not this one's. */
	q(lk, cards[4], "张三", "11010519491231002X", NULL, &a);
	assert_int_equal(a.result, TC_LOOKUP_EXPIRED);
	/* The raw-pepper path with a wrong pepper finds nothing. */
	uint8_t bad[32];
	memcpy(bad, pepper, 32);
	bad[31] ^= 1;
	assert_int_equal(
	    tc_lookup_query(lk, bad, cards[0], "张三", "11010519491231002X",
		NULL, NOW, &a, err, sizeof(err)),
	    0);
	assert_memory_equal(&a, &zero, sizeof(a));
	tc_lookup_free(lk);
}

static void
test_lookup_bad_input(void **state)
{
	struct tc_lookup *lk;
	struct tc_lookup_answer a, zero;
	char card[17], err[256], longer[400];

	(void)state;
	make_people();
	lk = snapshot();
	memset(&zero, 0, sizeof(zero));
	/* Luhn: the last digit changed. */
	memcpy(card, cards[0], 17);
	card[15] = card[15] == '9' ? '0' : (char)(card[15] + 1);
	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(
	    tc_lookup_query_key(lk, lkey, card, "张三", "11010519491231002X",
		NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_memory_equal(&a, &zero, sizeof(a));
	assert_true(strncmp(err, "card: bad check digit", 21) == 0);
	assert_int_equal(
	    tc_lookup_query_key(lk, lkey, "4401", "张三", "11010519491231002X",
		NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_true(strncmp(err, "card: ", 6) == 0);
	/* Each field is required. */
	assert_int_equal(
	    tc_lookup_query_key(lk, lkey, cards[0], "", "11010519491231002X",
		NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(err, "name: required");
	assert_int_equal(tc_lookup_query_key(lk, lkey, cards[0], "张三", NULL,
			     NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(err, "id: required");
	assert_int_equal(tc_lookup_query_key(lk, lkey, NULL, "张三", "x", NULL,
			     NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(err, "card: required");
	/* Over-long fields. */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(tc_lookup_query_key(lk, lkey, cards[0], longer,
			     "E12345678", NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_true(strncmp(err, "name: ", 6) == 0);
	assert_int_equal(tc_lookup_query_key(lk, lkey, cards[0], "x", longer,
			     NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_true(strncmp(err, "id: ", 4) == 0);
	/* An ID number that no type accepts: the message keeps it out. */
	assert_int_equal(tc_lookup_query_key(lk, lkey, cards[0], "张三",
			     "1101-0519", NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_true(strncmp(err, "id: ", 4) == 0);
	assert_null(strstr(err, "1101"));
	/* A name that is not UTF-8. */
	assert_int_equal(tc_lookup_query_key(lk, lkey, cards[0], "\xff\xfe",
			     "E12345678", NULL, NOW, &a, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_true(strncmp(err, "name: ", 6) == 0);
	assert_memory_equal(&a, &zero, sizeof(a));
	tc_lookup_free(lk);
}

static void
test_lookup_variants(void **state)
{
	struct tc_lookup *lk;
	struct tc_lookup_answer a;
	char grouped[20];

	(void)state;
	make_people();
	lk = snapshot();
	tc_cardno_group(cards[0], grouped);
	/* Grouped card number, ID with a lower-case x and spaces. */
	assert_int_equal(
	    q(lk, grouped, "张三", "110105 19491231 002x", NULL, &a),
	    TC_LOOKUP_VALID);
	/* Full-width digits and X, ideographic spaces, a space in the name. */
	assert_int_equal(
	    q(lk, grouped, " 张 三 ", "１１０１０５　１９４９１２３１００２Ｘ",
		NULL, &a),
	    TC_LOOKUP_VALID);
	/* Latin name: case, extra spaces, full-width letters. */
	assert_int_equal(
	    q(lk, cards[5], "  JOHN   smith ", "usa 1234 5678 9012", NULL, &a),
	    TC_LOOKUP_VALID);
	assert_int_equal(q(lk, cards[5], "Ｊｏｈｎ Ｓｍｉｔｈ",
			     "ＵＳＡ１２３４５６７８９０１２", NULL, &a),
	    TC_LOOKUP_VALID);
	/* The card number with hyphens and full-width digits. */
	char fw[80];
	size_t i, o = 0;
	for (i = 0; i < 16; i++) {
		fw[o++] = (char)0xef;
		fw[o++] = (char)0xbc;
		fw[o++] = (char)(0x90 + (cards[5][i] - '0'));
		if (i == 5)
			fw[o++] = '-';
	}
	fw[o] = '\0';
	assert_int_equal(q(lk, fw, "John Smith", "USA123456789012", NULL, &a),
	    TC_LOOKUP_VALID);
	tc_lookup_free(lk);
}

/*
 * For every ID type, made-up valid numbers as a person would type them
 * normalise without the type to the string the registry MACs with it.
 */
static void
test_id_without_type(void **state)
{
	static const enum tc_id_type types[] = { TC_ID_RESIDENT,
		TC_ID_HKMO_RESIDENCE, TC_ID_TW_RESIDENCE, TC_ID_HKMO_PERMIT,
		TC_ID_TW_PERMIT, TC_ID_FOREIGN_PR, TC_ID_PASSPORT };
	static const char *const extra[][2] = {
		{ "resident", "11010519491231002x" },
		{ "hkmo-residence", "810000199001011234" },
		{ "tw-residence", "830000199001011234" },
		{ "hkmo-permit", "m1234567890" },
		{ "tw-permit", "1234567890" },
		{ "foreign-pr", "usa123456789012" },
		{ "passport", "e 1234 5678" },
	};
	struct tc_sample_person sp;
	enum tc_id_type t;
	char with[TC_ID_MAX], without[TC_ID_MAX], typed[80];
	uint8_t m1[32], m2[32];
	size_t i, j, made;
	uint32_t seed;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		made = 0;
		for (seed = 1; seed < 40; seed++) {
			if (tc_sample_person(
				NULL, types[i], seed, NOW, &sp, NULL, 0) != 0)
				continue;
			if (sp.id_type != types[i])
				continue;
			/* As typed: lower case, a space every 4. */
			size_t o = 0;
			for (j = 0; sp.id[j] != '\0'; j++) {
				char c = sp.id[j];
				if (j > 0 && j % 4 == 0)
					typed[o++] = ' ';
				typed[o++] = c >= 'A' && c <= 'Z'
				    ? (char)(c - 'A' + 'a')
				    : c;
			}
			typed[o] = '\0';
			assert_int_equal(tc_id_normalise(sp.id_type, typed, NOW,
					     with, NULL, 0),
			    0);
			assert_int_equal(tc_id_normalise(TC_ID_PASSPORT, typed,
					     NOW, without, NULL, 0),
			    0);
			assert_string_equal(with, without);
			assert_string_equal(with, sp.id);
			assert_int_equal(tc_pii_id_mac(pepper, with, m1), 0);
			assert_int_equal(
			    tc_lookup_key_id_mac(lkey, without, m2), 0);
			assert_memory_equal(m1, m2, 32);
			made++;
		}
		/* The sample module makes numbers of every type. */
		assert_true(made >= 3);
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		assert_int_equal(tc_id_type_parse(extra[i][0], &t), 0);
		if (tc_id_normalise(t, extra[i][1], NOW, with, NULL, 0) != 0)
			continue; /* not valid for its type: nothing to MAC */
		assert_int_equal(tc_id_normalise(TC_ID_PASSPORT, extra[i][1],
				     NOW, without, NULL, 0),
		    0);
		assert_string_equal(with, without);
	}
}

static void
test_macs_match_pii(void **state)
{
	static const char *const v[] = { "张三", "anna-lena müller", "X",
		"11010519491231002X" };
	uint8_t a[32], b[32];
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(tc_pii_name_mac(pepper, v[i], a), 0);
		assert_int_equal(tc_lookup_key_name_mac(lkey, v[i], b), 0);
		assert_memory_equal(a, b, 32);
		assert_int_equal(tc_pii_id_mac(pepper, v[i], a), 0);
		assert_int_equal(tc_lookup_key_id_mac(lkey, v[i], b), 0);
		assert_memory_equal(a, b, 32);
	}
	assert_int_equal(tc_lookup_key_id_mac(lkey, "", b), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_lookup_tag(lkey, "123", a, b, a), TC_ERR_INVALID_ARG);
}

static void
test_lookup_tampered(void **state)
{
	struct tc_buf data, sig;
	struct tc_lookup *lk = NULL;
	struct tc_lookup_info info;
	size_t i;
	char err[256];

	(void)state;
	make_people();
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	build(&data, &sig, 8, NOW - 60);
	assert_int_equal(
	    tc_lookup_peek(sig.data, sig.len, kr, NOW, &info, err, sizeof(err)),
	    0);
	assert_int_equal(info.count, 8);
	assert_int_equal(info.data_len, data.len);
	assert_string_equal(info.data_name, "lookup-12.bin");
	/* Any changed byte of the data file: refused by its hash. */
	for (i = 0; i < data.len; i++) {
		data.data[i] ^= 0x80;
		assert_int_equal(
		    tc_lookup_load(&lk, sig.data, sig.len, data.data, data.len,
			kr, NOW, err, sizeof(err)),
		    TC_ERR_BAD_SIGNATURE);
		assert_null(lk);
		data.data[i] ^= 0x80;
	}
	assert_int_equal(tc_lookup_load(&lk, sig.data, sig.len, data.data,
			     data.len - 1, kr, NOW, err, sizeof(err)),
	    TC_ERR_TRUNCATED);
	/* Any changed byte of the signed header. */
	for (i = 0; i < sig.len; i++) {
		sig.data[i] ^= 0x01;
		assert_int_not_equal(tc_lookup_load(&lk, sig.data, sig.len,
					 data.data, data.len, kr, NOW, NULL, 0),
		    0);
		assert_null(lk);
		sig.data[i] ^= 0x01;
	}
	for (i = 0; i < sig.len; i++)
		assert_int_not_equal(tc_lookup_load(&lk, sig.data, i, data.data,
					 data.len, kr, NOW, NULL, 0),
		    0);
	/* Issued in the future. */
	assert_int_equal(tc_lookup_load(&lk, sig.data, sig.len, data.data,
			     data.len, kr, NOW - 361, err, sizeof(err)),
	    TC_ERR_NOT_YET_VALID);
	/* An empty snapshot loads and answers no-match. */
	build(&data, &sig, 0, NOW);
	assert_int_equal(tc_lookup_load(&lk, sig.data, sig.len, data.data,
			     data.len, kr, NOW, err, sizeof(err)),
	    0);
	struct tc_lookup_answer a;
	assert_int_equal(
	    q(lk, cards[0], "张三", "11010519491231002X", NULL, &a),
	    TC_LOOKUP_NO_MATCH);
	tc_lookup_free(lk);
	tc_buf_release(&data);
	tc_buf_release(&sig);
}

static void
test_listed_files(void **state)
{
	static const char json[] = "{\"format\": 1}";
	struct tc_lookup_builder *b = NULL;
	struct tc_lookup *lk = NULL;
	struct tc_buf data, sig;
	const char *name;
	const uint8_t *sha;
	char err[256];

	(void)state;
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	assert_int_equal(tc_lookup_builder_new(&b, lkey, 0), 0);
	assert_int_equal(
	    tc_lookup_builder_add_file(b, "programmes/guangzhou-green.json",
		(const uint8_t *)json, strlen(json), err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_lookup_builder_add_file(b, "programmes/guangzhou-green.json",
		(const uint8_t *)json, 1, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_int_equal(tc_lookup_builder_add_file(b, "programmes/../x.json",
			     (const uint8_t *)json, 1, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_lookup_builder_add_file(b, "trust.cose",
			     (const uint8_t *)json, 1, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_lookup_builder_add_file(b, "programmes/Upper.json",
			     (const uint8_t *)json, 1, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_lookup_builder_finish(
			     b, 4, NOW, key, &data, &sig, err, sizeof(err)),
	    0);
	tc_lookup_builder_free(b);
	assert_int_equal(tc_lookup_load(&lk, sig.data, sig.len, data.data,
			     data.len, kr, NOW, err, sizeof(err)),
	    0);
	assert_int_equal(tc_lookup_file_count(lk), 1);
	assert_int_equal(tc_lookup_file(lk, 0, &name, &sha), 0);
	assert_string_equal(name, "programmes/guangzhou-green.json");
	assert_int_equal(tc_lookup_file(lk, 1, &name, &sha), TC_ERR_RANGE);
	assert_int_equal(tc_lookup_file_check(lk, name, (const uint8_t *)json,
			     strlen(json), err, sizeof(err)),
	    0);
	assert_int_equal(tc_lookup_file_check(lk, name, (const uint8_t *)json,
			     strlen(json) - 1, err, sizeof(err)),
	    TC_ERR_BAD_SIGNATURE);
	assert_int_equal(
	    tc_lookup_file_check(lk, "programmes/other.json",
		(const uint8_t *)json, strlen(json), err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	tc_lookup_free(lk);
	tc_buf_release(&data);
	tc_buf_release(&sig);
}

static void
test_builder_refusals(void **state)
{
	struct tc_lookup_builder *b = NULL;
	struct tc_lookup_entry e;
	struct tc_buf data, sig;
	char err[256];

	(void)state;
	make_people();
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	assert_int_equal(tc_lookup_builder_new(&b, lkey, 4), 0);
	memset(&e, 0, sizeof(e));
	e.card_no = cards[0];
	e.status = TC_CARD_ISSUED;
	e.programme = "p";
	e.tier = "t";
	e.expires_at = NOW;
	assert_int_equal(tc_lookup_builder_add(b, &e, err, sizeof(err)), 0);
	e.tier = "bad tier";
	assert_int_equal(
	    tc_lookup_builder_add(b, &e, err, sizeof(err)), TC_ERR_INVALID_ARG);
	e.tier = "t";
	e.card_no = "4401110000000171";
	assert_int_equal(tc_lookup_builder_add(b, &e, err, sizeof(err)),
	    tc_cardno_parse(e.card_no, NULL, NULL, NULL, NULL, 0) == 0
		? 0
		: TC_ERR_INVALID_ARG);
	e.card_no = cards[0];
	e.status = 9;
	assert_int_equal(
	    tc_lookup_builder_add(b, &e, err, sizeof(err)), TC_ERR_INVALID_ARG);
	e.status = TC_CARD_ISSUED;
	/* The same serial twice. */
	assert_int_equal(tc_lookup_builder_add(b, &e, err, sizeof(err)), 0);
	assert_int_equal(tc_lookup_builder_finish(
			     b, 1, NOW, key, &data, &sig, err, sizeof(err)),
	    TC_ERR_CONSTRAINT);
	tc_lookup_builder_free(b);
	tc_buf_release(&data);
	tc_buf_release(&sig);
}

static void
test_lookup_open_dir(void **state)
{
	struct tc_buf data, sig, back;
	struct tc_lookup *lk = NULL;
	struct tc_lookup_answer a;
	char dir[] = "/tmp/tc-test-bundle-XXXXXX", path[300], err[256];

	(void)state;
	make_people();
	assert_non_null(mkdtemp(dir));
	tc_buf_init(&data, 0);
	tc_buf_init(&sig, 0);
	tc_buf_init(&back, 0);
	build(&data, &sig, 8, NOW);
	assert_int_equal(tc_lookup_open(&lk, dir, kr, NOW, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_int_equal(tc_bundle_write_file(dir, TC_BUNDLE_LOOKUP_SIG,
			     sig.data, sig.len, err, sizeof(err)),
	    0);
	assert_int_equal(tc_lookup_open(&lk, dir, kr, NOW, err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "lookup-12.bin"));
	assert_int_equal(tc_bundle_write_file(dir, "lookup-12.bin", data.data,
			     data.len - 32, err, sizeof(err)),
	    0);
	assert_int_equal(tc_lookup_open(&lk, dir, kr, NOW, err, sizeof(err)),
	    TC_ERR_TRUNCATED);
	assert_int_equal(tc_bundle_write_file(dir, "lookup-12.bin", data.data,
			     data.len, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_lookup_open(&lk, dir, kr, NOW, err, sizeof(err)), 0);
	assert_int_equal(q(lk, cards[3], "林小美", "12345678", NULL, &a),
	    TC_LOOKUP_SUSPENDED);
	tc_lookup_free(lk);
	/* Reading back, with a cap. */
	assert_int_equal(tc_bundle_read_file(dir, "lookup-12.bin", data.len,
			     &back, err, sizeof(err)),
	    0);
	assert_int_equal(back.len, data.len);
	assert_memory_equal(back.data, data.data, data.len);
	tc_buf_reset(&back);
	assert_int_equal(tc_bundle_read_file(dir, "lookup-12.bin", 100, &back,
			     err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(back.len, 0);
	assert_int_equal(tc_bundle_write_file(dir, "../x", "", 0, NULL, 0),
	    TC_ERR_INVALID_ARG);
	snprintf(path, sizeof(path), "%s/lookup-12.bin", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", dir, TC_BUNDLE_LOOKUP_SIG);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	tc_buf_release(&data);
	tc_buf_release(&sig);
	tc_buf_release(&back);
}

/* The signed audit head (audit-head.cose). */

static const struct tc_audit_head the_head = { 218,
	{ 0x83, 0x7c, 0x53, 0x01, 0x9f, 0x7a, 0x1a, 0xda, 0x6c, 0x0e, 0x68,
	    0x32, 0xab, 0x45, 0xa0, 0x5d, 0x43, 0x78, 0xd5, 0xb0, 0x93, 0x01,
	    0xb4, 0x52, 0xb6, 0x34, 0x38, 0x0f, 0xc5, 0x06, 0xa0, 0x05 } };

/*
 * The payload tc_audit_head_encode makes for the_head, issued at NOW,
 * publish 7, written out by hand: the format of docs/bundle.md.
 */
static const uint8_t head_payload[] = { 0xa6, 0x01, 0x01, 0x02, 0x18, 0xda,
	0x03, 0x58, 0x20, 0x83, 0x7c, 0x53, 0x01, 0x9f, 0x7a, 0x1a, 0xda, 0x6c,
	0x0e, 0x68, 0x32, 0xab, 0x45, 0xa0, 0x5d, 0x43, 0x78, 0xd5, 0xb0, 0x93,
	0x01, 0xb4, 0x52, 0xb6, 0x34, 0x38, 0x0f, 0xc5, 0x06, 0xa0, 0x05, 0x04,
	0x1a, 0x6a, 0xb1, 0x3b, 0x80, 0x05, 0x07, 0x06, 0x75, 't', 'a', 'l',
	'e', 'n', 't', 'c', 'a', 'r', 'd', ' ', 'a', 'u', 'd', 'i', 't', ' ',
	'h', 'e', 'a', 'd' };

/* Signs payload (n bytes) with k into b and decodes it against kr. */
static int
signed_head(struct tc_buf *b, const struct tc_cose_key *k, const uint8_t *pl,
    size_t n, struct tc_audit_head_info *info, char *err, size_t errlen)
{
	tc_buf_reset(b);
	assert_int_equal(tc_cose_sign1_create(b, k, pl, n, NULL, 0), 0);
	return tc_audit_head_decode(
	    b->data, b->len, kr, NOW, info, err, errlen);
}

static void
test_audit_head_round_trip(void **state)
{
	struct tc_audit_head_info info;
	struct tc_cose_sign1 msg;
	struct tc_buf b;
	char err[256] = "";

	(void)state;
	tc_buf_init(&b, TC_AUDIT_HEAD_SIG_MAX);
	assert_int_equal(
	    tc_audit_head_encode(&b, &the_head, NOW, 7, key, err, sizeof(err)),
	    0);
	assert_true(b.len <= TC_AUDIT_HEAD_SIG_MAX);
	/* The payload is exactly the documented bytes. */
	tc_cose_sign1_init(&msg);
	assert_int_equal(tc_cose_sign1_decode(&msg, b.data, b.len, NULL, 0), 0);
	assert_int_equal(msg.payload.len, sizeof(head_payload));
	assert_memory_equal(
	    msg.payload.data, head_payload, sizeof(head_payload));
	tc_cose_sign1_release(&msg);
	assert_int_equal(tc_audit_head_decode(
			     b.data, b.len, kr, NOW, &info, err, sizeof(err)),
	    0);
	assert_int_equal(info.head.seq, 218);
	assert_memory_equal(info.head.mac, the_head.mac, TC_AUDIT_MAC_LEN);
	assert_int_equal(info.issued_at, NOW);
	assert_int_equal(info.publish_seq, 7);
	assert_int_equal(info.kidlen, TC_COSE_KID_LEN);
	/* Issued a little ahead (clock skew) is fine; far ahead is not. */
	assert_int_equal(tc_audit_head_decode(b.data, b.len, kr, NOW - 300,
			     &info, err, sizeof(err)),
	    0);
	assert_int_equal(tc_audit_head_decode(b.data, b.len, kr, NOW - 301,
			     &info, err, sizeof(err)),
	    TC_ERR_NOT_YET_VALID);
	assert_int_equal(info.head.seq, 0); /* zeroed on failure */
	tc_buf_release(&b);
}

static void
test_audit_head_refusals(void **state)
{
	struct tc_audit_head_info info;
	struct tc_audit_head zero = { 0, { 0 } };
	struct tc_buf b, big;
	uint8_t pl[sizeof(head_payload) + 1];
	size_t i;
	char err[256] = "";

	(void)state;
	tc_buf_init(&b, TC_COSE_MAX_INPUT);
	/* Encoding: no head of an empty log, no publish 0. */
	assert_int_equal(
	    tc_audit_head_encode(&b, &zero, NOW, 7, key, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_audit_head_encode(&b, &the_head, NOW, 0, key, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_not_equal(
	    tc_audit_head_decode(NULL, 0, kr, NOW, &info, err, sizeof(err)), 0);
	/* Each byte flipped in turn: refused, never accepted. */
	assert_int_equal(
	    tc_audit_head_encode(&b, &the_head, NOW, 7, key, err, sizeof(err)),
	    0);
	for (i = 0; i < b.len; i++) {
		b.data[i] ^= 0x01;
		assert_int_not_equal(tc_audit_head_decode(b.data, b.len, kr,
					 NOW, &info, err, sizeof(err)),
		    0);
		b.data[i] ^= 0x01;
	}
	/* The last byte is in the signature. */
	b.data[b.len - 1] ^= 0x01;
	assert_int_equal(tc_audit_head_decode(
			     b.data, b.len, kr, NOW, &info, err, sizeof(err)),
	    TC_ERR_BAD_SIGNATURE);
	b.data[b.len - 1] ^= 0x01;
	/* Cut short. */
	assert_int_not_equal(tc_audit_head_decode(b.data, b.len - 1, kr, NOW,
				 &info, err, sizeof(err)),
	    0);
	/* Another authority's signer. */
	tc_buf_reset(&b);
	assert_int_equal(tc_audit_head_encode(
			     &b, &the_head, NOW, 7, other, err, sizeof(err)),
	    0);
	assert_int_equal(tc_audit_head_decode(
			     b.data, b.len, kr, NOW, &info, err, sizeof(err)),
	    TC_ERR_UNKNOWN_KEY);
	/* Too large to be one, before anything is decoded. */
	tc_buf_init(&big, TC_AUDIT_HEAD_SIG_MAX + 2);
	assert_int_equal(tc_buf_reserve(&big, TC_AUDIT_HEAD_SIG_MAX + 1), 0);
	memset(big.data, 0, TC_AUDIT_HEAD_SIG_MAX + 1);
	assert_int_equal(
	    tc_audit_head_decode(big.data, TC_AUDIT_HEAD_SIG_MAX + 1, kr, NOW,
		&info, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	tc_buf_release(&big);

	/* Signed payloads that are not the format, each with its reason. */
	assert_int_equal(signed_head(&b, key, head_payload,
			     sizeof(head_payload), &info, err, sizeof(err)),
	    0);
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[2] = 0x02; /* version 2 */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload), &info,
			     err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[0] = 0xa5; /* five entries: the revocation list's shape */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload), &info,
			     err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "a map of 5 entries (6 expected)"));
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[3] = 0x03; /* key 3 where 2 belongs */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload), &info,
			     err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "key 3 where key 2 was expected"));
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[4] = 0x00; /* audit seq 0, in a one-byte head */
	memmove(pl + 5, pl + 6, sizeof(head_payload) - 6);
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload) - 1,
			     &info, err, sizeof(err)),
	    TC_ERR_RANGE);
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[8] = 0x1f; /* a MAC of 31 bytes */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload) - 1,
			     &info, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "31 bytes (32 expected)"));
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[48] = 0x00; /* publish 0 */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload), &info,
			     err, sizeof(err)),
	    TC_ERR_RANGE);
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[sizeof(head_payload) - 1] = 'D'; /* another kind */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload), &info,
			     err, sizeof(err)),
	    TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "kind"));
	memcpy(pl, head_payload, sizeof(head_payload));
	pl[sizeof(head_payload)] = 0x00; /* a byte after the map */
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload) + 1,
			     &info, err, sizeof(err)),
	    TC_ERR_TRAILING);
	/* seq 218 in a two-byte head: not the shortest form. */
	memcpy(pl, head_payload, 4);
	pl[4] = 0x19;
	pl[5] = 0x00;
	memcpy(pl + 6, head_payload + 5, sizeof(head_payload) - 5);
	assert_int_equal(signed_head(&b, key, pl, sizeof(head_payload) + 1,
			     &info, err, sizeof(err)),
	    TC_ERR_MALFORMED);
	tc_buf_release(&b);
}

/* Publishing (tc_bundle_publish) from a small registry. */

struct home {
	char dir[64], out[96];
	struct tc_keystore *ks;
	struct tc_registry *reg;
	struct tc_programme_set *progs;
	/* What the hooks saw and say. */
	uint64_t last, recorded;
	int nrecorded, nchecked, nwarned, have_prev, check_fails, record_fails;
	int files_at_record; /* in the directory when the hook ran */
	struct tc_audit_head_info prev;
	char warned[512];
};

static int
rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
exists(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* The entries of dir, "." and ".." aside. */
static int
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static int
hook_check(void *arg, const struct tc_audit_head_info *prev,
    struct tc_audit_head *head, const char **what, char *err, size_t errlen)
{
	struct home *h = arg;
	struct tc_audit_report rep;
	int r;

	(void)what;
	h->nchecked++;
	h->have_prev = prev != NULL;
	if (prev != NULL)
		h->prev = *prev;
	if (h->check_fails)
		return tc_seterr(
		    err, errlen, TC_ERR_AUDIT_BROKEN, "refused by the test");
	if ((r = tc_registry_audit_verify(h->reg,
		 prev != NULL ? &prev->head : NULL, &rep, err, errlen)) != 0)
		return r;
	*head = rep.head;
	return 0;
}

static int
hook_last(void *arg, uint64_t *seq, const char **what, char *err, size_t errlen)
{
	struct home *h = arg;

	(void)what;
	(void)err;
	(void)errlen;
	*seq = h->last;
	return 0;
}

static int
hook_record(
    void *arg, uint64_t seq, const char **what, char *err, size_t errlen)
{
	struct home *h = arg;

	*what = "the test's sequence";
	h->files_at_record = files_in(h->out);
	if (h->record_fails)
		return tc_seterr(err, errlen, TC_ERR_IO, "refused by the test");
	h->recorded = seq;
	h->nrecorded++;
	return 0;
}

static void
hook_warn(void *arg, const char *msg)
{
	struct home *h = arg;

	h->nwarned++;
	snprintf(h->warned, sizeof(h->warned), "%s", msg);
}

/* Adds a holder and a card of the green card's tier a, with status. */
static void
add_card(struct home *h, int n, enum tc_card_status status)
{
	const struct tc_programme *p =
	    tc_programme_set_find(h->progs, "guangzhou-green");
	struct tc_holder hd;
	struct tc_card c;
	char err[512] = "";
	int64_t serial = 0, hid;

	assert_non_null(p);
	if (tc_serial_reserve(h->reg, "system", "test", NOW - 100, &serial, err,
		sizeof(err)) != 0)
		fail_msg("reserve: %s", err);
	memset(&hd, 0, sizeof(hd));
	hd.id_type = TC_ID_PASSPORT;
	snprintf(hd.id_number, sizeof(hd.id_number), "E%08d", 1234500 + n);
	snprintf(hd.name, sizeof(hd.name), "Test Holder %d", n);
	memset(&c, 0, sizeof(c));
	c.serial = serial;
	assert_int_equal(
	    tc_cardno_make(p->region, (uint64_t)serial, c.card_no), 0);
	snprintf(c.programme, sizeof(c.programme), "%s", p->id);
	snprintf(c.tier, sizeof(c.tier), "a");
	c.status = status;
	c.issued_at = NOW - 100;
	c.expires_at = NOW + YEAR;
	if (tc_registry_begin(h->reg, err, sizeof(err)) != 0 ||
	    tc_registry_holder_add(
		h->reg, &hd, NOW - 100, &hid, err, sizeof(err)) != 0)
		fail_msg("holder: %s", err);
	c.holder_id = hid;
	if (tc_registry_card_add(h->reg, &c, err, sizeof(err)) != 0 ||
	    tc_registry_audit(h->reg, NOW - 100, "system", "card.issue",
		c.card_no, NULL, err, sizeof(err)) != 0 ||
	    tc_registry_commit(h->reg, err, sizeof(err)) != 0)
		fail_msg("card: %s", err);
}

static struct home *
home_new(void)
{
	struct home *h = calloc(1, sizeof(*h));
	struct tc_registry_keys keys;
	char err[512] = "", path[128];

	assert_non_null(h);
	snprintf(h->dir, sizeof(h->dir), "/tmp/tc-publish-XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->out, sizeof(h->out), "%s/bundle", h->dir);
	if (tc_keystore_create(h->dir, TC_KEYALG_ES256, 0, NOW - 86400, err,
		sizeof(err)) != 0 ||
	    tc_keystore_open(&h->ks, h->dir, err, sizeof(err)) != 0 ||
	    tc_keystore_secret(h->ks, TC_SECRET_PEPPER, keys.pepper,
		sizeof(keys.pepper), err, sizeof(err)) != 0 ||
	    tc_keystore_secret(h->ks, TC_SECRET_DATA_KEY, keys.data_key,
		sizeof(keys.data_key), err, sizeof(err)) != 0)
		fail_msg("keys: %s", err);
	snprintf(path, sizeof(path), "%s/registry.db", h->dir);
	if (tc_registry_open(&h->reg, path, &keys, TC_REGISTRY_CREATE, err,
		sizeof(err)) != 0 ||
	    tc_registry_begin(h->reg, err, sizeof(err)) != 0 ||
	    tc_registry_audit(h->reg, NOW - 200, "system", "init", "test", NULL,
		err, sizeof(err)) != 0 ||
	    tc_registry_commit(h->reg, err, sizeof(err)) != 0)
		fail_msg("registry: %s", err);
	if (tc_programme_set_load_dir(
		&h->progs, TC_PROGRAMMES_DIR, err, sizeof(err)) != 0)
		fail_msg("programmes: %s", err);
	add_card(h, 1, TC_CARD_ISSUED);
	add_card(h, 2, TC_CARD_REVOKED);
	add_card(h, 3, TC_CARD_SUSPENDED);
	return h;
}

static void
home_free(struct home *h)
{
	tc_registry_close(h->reg);
	tc_keystore_free(h->ks);
	tc_programme_set_free(h->progs);
	nftw(h->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(h);
}

static struct tc_bundle_plan
plan_of(struct home *h, time_t now, unsigned keep)
{
	struct tc_bundle_plan pl;

	memset(&pl, 0, sizeof(pl));
	pl.dir = h->out;
	pl.reg = h->reg;
	pl.progs = h->progs;
	pl.ks = h->ks;
	pl.now = now;
	pl.hours = 24;
	pl.keep = keep;
	pl.hooks.check = hook_check;
	pl.hooks.last_seq = hook_last;
	pl.hooks.record_seq = hook_record;
	pl.hooks.warn = hook_warn;
	pl.hooks.arg = h;
	return pl;
}

/* Opens the published snapshot and audit head with the published trust. */
static void
read_back(struct home *h, time_t now, const struct tc_bundle_report *rep)
{
	struct tc_buf b;
	struct tc_trust *trust = NULL;
	struct tc_keystore_cert_info ca;
	struct tc_lookup *lk = NULL;
	struct tc_audit_head_info info;
	struct tc_revocations *rev = NULL;
	char err[512] = "";

	tc_buf_init(&b, TC_TRUST_MAX_INPUT + 1);
	tc_keystore_ca_info(h->ks, &ca);
	assert_int_equal(tc_bundle_read_file(h->out, TC_BUNDLE_TRUST,
			     TC_TRUST_MAX_INPUT, &b, err, sizeof(err)),
	    0);
	assert_int_equal(tc_trust_load(&trust, b.data, b.len, ca.fingerprint,
			     now, err, sizeof(err)),
	    0);
	if (tc_lookup_open(&lk, h->out, tc_trust_keyring(trust), now, err,
		sizeof(err)) != 0)
		fail_msg("lookup: %s", err);
	assert_int_equal(tc_lookup_seq(lk), rep->seq);
	assert_int_equal(tc_lookup_count(lk), rep->cards);
	assert_int_equal(tc_lookup_file_count(lk), 1);
	tc_lookup_free(lk);
	tc_buf_reset(&b);
	assert_int_equal(tc_bundle_read_file(h->out, TC_BUNDLE_REVOCATIONS,
			     TC_REV_MAX_INPUT, &b, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_load(&rev, b.data, b.len,
			     tc_trust_keyring(trust), now, err, sizeof(err)),
	    0);
	assert_int_equal(tc_revocations_seq(rev), rep->seq);
	assert_int_equal(tc_revocations_count(rev), rep->revoked);
	tc_revocations_free(rev);
	tc_buf_reset(&b);
	assert_int_equal(tc_bundle_read_file(h->out, TC_BUNDLE_AUDIT_HEAD,
			     TC_AUDIT_HEAD_SIG_MAX, &b, err, sizeof(err)),
	    0);
	assert_int_equal(
	    tc_audit_head_decode(b.data, b.len, tc_trust_keyring(trust), now,
		&info, err, sizeof(err)),
	    0);
	assert_int_equal(info.head.seq, rep->head.seq);
	assert_memory_equal(info.head.mac, rep->head.mac, TC_AUDIT_MAC_LEN);
	assert_int_equal(info.publish_seq, rep->seq);
	tc_trust_free(trust);
	tc_buf_release(&b);
}

static void
test_publish(void **state)
{
	struct home *h = home_new();
	struct tc_bundle_plan pl = plan_of(h, NOW, 8);
	struct tc_bundle_report rep;
	char err[2048] = "";

	(void)state;
	/* The first publish makes the directory's files. */
	assert_int_equal(mkdir(h->out, 0755), 0);
	if (tc_bundle_publish(&pl, &rep, err, sizeof(err)) != 0)
		fail_msg("publish: %s", err);
	assert_int_equal(rep.seq, 1);
	assert_int_equal(rep.cards, 3);
	assert_int_equal(rep.revoked, 1);
	assert_int_equal(rep.deltas, 0);
	assert_int_equal(rep.stage, TC_BUNDLE_STAGE_NONE);
	assert_true(rep.head.seq >= 4);
	assert_int_equal(h->recorded, 1);
	/* Recorded before any file of the new bundle was written. */
	assert_int_equal(h->files_at_record, 0);
	assert_false(h->have_prev);
	assert_int_equal(h->nwarned, 0);
	assert_true(exists(h->out, "trust.cose"));
	assert_true(exists(h->out, "revocations.cose"));
	assert_true(exists(h->out, "revocations-1.cose"));
	assert_true(exists(h->out, "lookup.cose"));
	assert_true(exists(h->out, "lookup.bin"));
	assert_true(exists(h->out, "lookup-1.bin"));
	assert_true(exists(h->out, "audit-head.cose"));
	assert_true(exists(h->out, "programmes/guangzhou-green.json"));
	assert_false(exists(h->out, "programmes/baiyun-yunju.json"));
	read_back(h, NOW, &rep);

	/*
	 * The second: the caller's last number is 4 and the directory holds
	 * a damaged list 5 (skipped with a warning, but its number is taken
	 * into account): 6, with a delta from list 1; the check hook is given
	 * the head signed into the first bundle.
	 */
	h->last = 4;
	assert_int_equal(tc_bundle_write_file(h->out, "revocations-5.cose",
			     "junk", 4, err, sizeof(err)),
	    0);
	add_card(h, 4, TC_CARD_REVOKED);
	if (tc_bundle_publish(&pl, &rep, err, sizeof(err)) != 0)
		fail_msg("publish: %s", err);
	assert_int_equal(rep.seq, 6);
	assert_int_equal(rep.cards, 4);
	assert_int_equal(rep.revoked, 2);
	assert_int_equal(rep.deltas, 1);
	assert_true(h->have_prev);
	assert_int_equal(h->prev.publish_seq, 1);
	assert_int_equal(h->nwarned, 1);
	assert_non_null(strstr(h->warned, "revocations-5.cose"));
	assert_non_null(strstr(h->warned, "no delta from it"));
	assert_true(exists(h->out, "revocations-since-1.cose"));
	/* The damaged list is no longer kept. */
	assert_false(exists(h->out, "revocations-5.cose"));
	read_back(h, NOW, &rep);

	/* The third with keep 1: no delta, the old lists and deltas pruned. */
	pl = plan_of(h, NOW + 60, 1);
	if (tc_bundle_publish(&pl, &rep, err, sizeof(err)) != 0)
		fail_msg("publish: %s", err);
	assert_int_equal(rep.seq, 7);
	assert_int_equal(rep.deltas, 0);
	assert_false(exists(h->out, "revocations-1.cose"));
	assert_false(exists(h->out, "revocations-6.cose"));
	assert_false(exists(h->out, "revocations-since-1.cose"));
	assert_true(exists(h->out, "revocations-7.cose"));
	/* Data files kept: the new one and the one before. */
	assert_false(exists(h->out, "lookup-1.bin"));
	assert_true(exists(h->out, "lookup-6.bin"));
	assert_true(exists(h->out, "lookup-7.bin"));
	read_back(h, NOW + 60, &rep);
	home_free(h);
}

static void
test_publish_refusals(void **state)
{
	struct home *h = home_new();
	struct tc_bundle_plan pl = plan_of(h, NOW, 8);
	struct tc_bundle_report rep;
	char err[2048] = "";

	(void)state;
	assert_int_equal(mkdir(h->out, 0755), 0);
	/* A bad plan. */
	pl.keep = 0;
	assert_int_equal(
	    tc_bundle_publish(&pl, &rep, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_int_equal(rep.stage, TC_BUNDLE_STAGE_ARGS);
	pl = plan_of(h, NOW, 8);
	pl.hooks.record_seq = NULL;
	assert_int_equal(
	    tc_bundle_publish(&pl, &rep, err, sizeof(err)), TC_ERR_INVALID_ARG);
	/* A trust list that does not verify. */
	pl = plan_of(h, NOW, 8);
	pl.trust = (const uint8_t *)"not a trust list";
	pl.trustlen = 16;
	assert_int_not_equal(tc_bundle_publish(&pl, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.stage, TC_BUNDLE_STAGE_TRUST);
	assert_string_equal(rep.what, "trust list");
	assert_int_equal(h->nchecked, 0);
	/* The check hook refuses the registry. */
	pl = plan_of(h, NOW, 8);
	h->check_fails = 1;
	assert_int_equal(tc_bundle_publish(&pl, &rep, err, sizeof(err)),
	    TC_ERR_AUDIT_BROKEN);
	assert_int_equal(rep.stage, TC_BUNDLE_STAGE_CHECK);
	assert_string_equal(rep.what, "registry");
	assert_string_equal(err, "refused by the test");
	assert_int_equal(h->nrecorded, 0);
	/* The sequence number cannot be recorded. */
	h->check_fails = 0;
	h->record_fails = 1;
	assert_int_equal(
	    tc_bundle_publish(&pl, &rep, err, sizeof(err)), TC_ERR_IO);
	assert_int_equal(rep.stage, TC_BUNDLE_STAGE_SEQ);
	assert_string_equal(rep.what, "the test's sequence");
	/* None of them wrote a file. */
	assert_false(exists(h->out, "trust.cose"));
	assert_false(exists(h->out, "revocations.cose"));
	assert_false(exists(h->out, "programmes"));
	/* Without the hooks' refusals it publishes. */
	h->record_fails = 0;
	if (tc_bundle_publish(&pl, &rep, err, sizeof(err)) != 0)
		fail_msg("publish: %s", err);
	assert_int_equal(rep.seq, 1);
	home_free(h);
}

static void
test_bundle_lock(void **state)
{
	char dir[64], sub[96], err[512] = "";
	int fd, fd2;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tc-lock-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/bundle", dir);
	/* Made when missing, then held. */
	assert_int_equal(tc_bundle_lock(sub, &fd, err, sizeof(err)), 0);
	assert_true(fd >= 0);
	assert_int_equal(
	    tc_bundle_lock(sub, &fd2, err, sizeof(err)), TC_ERR_IO);
	assert_int_equal(fd2, -1);
	assert_non_null(
	    strstr(err, "another publish to this directory is running"));
	tc_bundle_unlock(fd);
	assert_int_equal(tc_bundle_lock(sub, &fd2, err, sizeof(err)), 0);
	tc_bundle_unlock(fd2);
	/* No lock file lands in the directory. */
	assert_int_equal(rmdir(sub), 0);
	/* A directory that cannot be made. */
	snprintf(sub, sizeof(sub), "%s/no/such", dir);
	assert_int_equal(tc_bundle_lock(sub, &fd, err, sizeof(err)), TC_ERR_IO);
	assert_int_equal(
	    tc_bundle_lock("", &fd, err, sizeof(err)), TC_ERR_INVALID_ARG);
	assert_int_equal(rmdir(dir), 0);
}

#define TESTS(X, XF)                                                           \
	X(test_delta_round_trip)                                               \
	X(test_delta_encode_explicit)                                          \
	X(test_delta_refusals)                                                 \
	X(test_newer)                                                          \
	X(test_foreach)                                                        \
	X(test_lookup_results)                                                 \
	X(test_lookup_card)                                                    \
	X(test_lookup_no_match_identical)                                      \
	X(test_lookup_bad_input)                                               \
	X(test_lookup_variants)                                                \
	X(test_id_without_type)                                                \
	X(test_macs_match_pii)                                                 \
	X(test_lookup_tampered)                                                \
	X(test_listed_files)                                                   \
	X(test_builder_refusals)                                               \
	X(test_lookup_open_dir)                                                \
	X(test_audit_head_round_trip)                                          \
	X(test_audit_head_refusals)                                            \
	X(test_publish)                                                        \
	X(test_publish_refusals)                                               \
	X(test_bundle_lock)

TC_UNIT_MAIN(TESTS, setup, teardown)
