/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the card status (src/status.c): tc_status_check from a
 * revocation list alone (revoked whatever its age; valid only while
 * current, with the grace; unknown without a list or past it; the basis
 * filled), and tc_status_apply / tc_status_result as a table: every status
 * on a valid verdict, a refused verdict left as it is, unknown_ok. The
 * snapshot cases run in tests/integration/091 and 137 on a real bundle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/revocation.h"
#include "tcard/status.h"

#define NOW  1790000000
#define NEXT (NOW + 86400)

/* Card numbers of region 440111 with serials 1 and 2 (Luhn digits 2, 0). */
#define CARD_1 "4401110000000012"
#define CARD_2 "4401110000000020"

static EVP_PKEY *pk;
static struct tc_cose_key *key;
static struct tc_cose_keyring *kr;
static struct tc_revocations *rev; /* serial 1 revoked */

static int
setup(void **state)
{
	static const uint32_t revoked[] = { 1 };
	struct tc_cose_key *k;
	struct tc_buf b;
	uint8_t kid[8];
	int r;

	(void)state;
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    tc_cose_key_new(&key, pk, kid, 8, NULL, 0) != 0 ||
	    tc_cose_key_new(&k, pk, kid, 8, NULL, 0) != 0 ||
	    tc_cose_keyring_new(&kr) != 0 || tc_cose_keyring_add(kr, k) != 0)
		return -1;
	tc_buf_init(&b, TC_REV_MAX_INPUT);
	r = tc_revocations_encode(&b, 7, NOW, NEXT, revoked, 1, key, NULL, 0);
	if (r == 0)
		r = tc_revocations_load(&rev, b.data, b.len, kr, NOW, NULL, 0);
	tc_buf_release(&b);
	return r == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	tc_revocations_free(rev);
	tc_cose_keyring_free(kr);
	tc_cose_key_free(key);
	EVP_PKEY_free(pk);
	return 0;
}

static void
test_check_from_list(void **state)
{
	struct tc_status_answer a;

	(void)state;
	assert_int_equal(tc_status_check(rev, NULL, 0, CARD_2, NOW, &a), 0);
	assert_int_equal(a.status, TC_STATUS_VALID);
	assert_int_equal(a.have_rev, 1);
	assert_int_equal(a.rev_seq, 7);
	assert_int_equal(a.rev_next_update, NEXT);
	assert_int_equal(a.rev_current, 1);
	assert_int_equal(a.have_lookup, 0);
	/* Past next-update: unknown; within the grace: still valid. */
	assert_int_equal(
	    tc_status_check(rev, NULL, 0, CARD_2, NEXT + 1, &a), 0);
	assert_int_equal(a.status, TC_STATUS_UNKNOWN);
	assert_int_equal(a.rev_current, 0);
	assert_int_equal(
	    tc_status_check(rev, NULL, 10, CARD_2, NEXT + 1, &a), 0);
	assert_int_equal(a.status, TC_STATUS_VALID);
	/* Revoked is revoked, however old the list. */
	assert_int_equal(tc_status_check(rev, NULL, 0, CARD_1, NOW, &a), 0);
	assert_int_equal(a.status, TC_STATUS_REVOKED);
	assert_int_equal(
	    tc_status_check(rev, NULL, 0, CARD_1, NEXT + 99999, &a), 0);
	assert_int_equal(a.status, TC_STATUS_REVOKED);
	/* No list at all: unknown, no basis. */
	assert_int_equal(tc_status_check(NULL, NULL, 0, CARD_2, NOW, &a), 0);
	assert_int_equal(a.status, TC_STATUS_UNKNOWN);
	assert_int_equal(a.have_rev, 0);
	/* No card (a credential not genuine): the basis only. */
	assert_int_equal(tc_status_check(rev, NULL, 0, NULL, NOW, &a), 0);
	assert_int_equal(a.status, TC_STATUS_UNKNOWN);
	assert_int_equal(a.have_rev, 1);
	/* A bad card number. */
	assert_int_equal(
	    tc_status_check(rev, NULL, 0, "4401110000000013", NOW, &a),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_status_check(rev, NULL, 0, CARD_2, NOW, NULL),
	    TC_ERR_INVALID_ARG);
}

static const struct {
	int valid;	       /* the verdict before */
	enum tc_status status; /* folded in */
	int have_rev, unknown_ok;
	const char *result; /* tc_status_result after */
	const char *reason; /* NULL: valid */
} apply_cases[] = {
	{ 1, TC_STATUS_VALID, 1, 0, "VALID", NULL },
	{ 1, TC_STATUS_NOT_CHECKED, 0, 0, "VALID", NULL },
	{ 1, TC_STATUS_SUSPENDED, 1, 0, "SUSPENDED", "suspended" },
	{ 1, TC_STATUS_SUSPENDED, 1, 1, "SUSPENDED", "suspended" },
	{ 1, TC_STATUS_REVOKED, 1, 0, "INVALID", "revoked" },
	{ 1, TC_STATUS_EXPIRED, 1, 0, "INVALID", "expired" },
	{ 1, TC_STATUS_UNKNOWN, 0, 0, "UNKNOWN-STATUS", "no-revocations" },
	{ 1, TC_STATUS_UNKNOWN, 1, 0, "UNKNOWN-STATUS", "stale-revocations" },
	{ 1, TC_STATUS_UNKNOWN, 1, 1, "VALID", NULL },
	/* A refused verdict stays as it was. */
	{ 0, TC_STATUS_SUSPENDED, 1, 0, "INVALID", "bad-signature" },
	{ 0, TC_STATUS_UNKNOWN, 0, 0, "INVALID", "bad-signature" },
};

static void
test_apply_table(void **state)
{
	struct tc_status_answer s;
	struct tc_verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(apply_cases) / sizeof(apply_cases[0]); i++) {
		memset(&v, 0, sizeof(v));
		v.valid = apply_cases[i].valid;
		v.have_claims = v.authentic = v.valid;
		if (!v.valid)
			v.reason = v.detail = TC_REASON_BAD_SIGNATURE;
		memset(&s, 0, sizeof(s));
		s.status = apply_cases[i].status;
		s.have_rev = apply_cases[i].have_rev;
		s.ca = TC_CA_PINNED;
		tc_status_apply(&v, &s, apply_cases[i].unknown_ok);
		assert_string_equal(
		    tc_status_result(&v), apply_cases[i].result);
		if (apply_cases[i].reason == NULL) {
			assert_int_equal(v.valid, 1);
			assert_null(v.reason);
		} else {
			assert_int_equal(v.valid, 0);
			assert_string_equal(v.reason, apply_cases[i].reason);
		}
		/* The status and basis travel with the verdict. */
		assert_int_equal(v.status.status, apply_cases[i].status);
		assert_int_equal(v.status.ca, TC_CA_PINNED);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(tc_status_name(TC_STATUS_SUSPENDED), "suspended");
	assert_string_equal(
	    tc_status_name(TC_STATUS_NOT_CHECKED), "not-checked");
	assert_string_equal(tc_status_name((enum tc_status)99), "?");
	assert_string_equal(tc_ca_basis_name(TC_CA_FIRST_USE), "first-use");
	assert_string_equal(tc_ca_basis_name(TC_CA_UNPINNED), "unpinned");
}

#define TESTS(X, XF)                                                           \
	X(test_check_from_list)                                                \
	X(test_apply_table)                                                    \
	X(test_names)

TC_UNIT_MAIN(TESTS, setup, teardown)
