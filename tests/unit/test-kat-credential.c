/* SPDX-License-Identifier: MIT */
/*
 * Known-answer tests of the credential (src/credential.c) with the
 * committed test keys of tests/unit/kat/kat-keys.h and the vectors of
 * tests/unit/kat/kat-vectors.h: the holder binding (scrypt tag) of a
 * made-up ID number for three card numbers, the exact CBOR claims of a main
 * e-card, a chip sub-card and a long-named card, those bytes decoded back to
 * exactly the claims, a credential made now with the committed key equal
 * to the committed one up to the signature, and committed QR texts ("TC1N:"
 * and "TC1:", ES256 and SM2) that must verify at a fixed time with the
 * committed keys and decode to exactly the expected claims. A change of
 * encoding or of parsing fails here even when a round trip through the same
 * code would still pass. The vectors change only with a format version
 * (see kat-vectors.h). Every name and number is made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "unit.h"
#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/hex.h"

#include "kat/kat-keys.h"
#include "kat/kat-vectors.h"
#include "kat/kat-asserts.h"

/* A cose key for the public key in pem, with its kid. */
static struct tc_cose_key *
key_of(const char *pem)
{
	EVP_PKEY *pk = kat_pkey(pem);
	uint8_t kid[TC_COSE_KID_LEN];
	struct tc_cose_key *k = kat_key_of(pk, kid);

	EVP_PKEY_free(pk);
	return k;
}

/*
 * Claims number which (1, 2 or 3) of kat-vectors.h, with the committed
 * binding (not computed: test_binding checks the computation).
 */
static void
make_claims(struct tc_claims *c, int which)
{
	static const char *const cards[] = { "4401110000000178",
		"4401110000000186", "4401110000000194" };
	static const char *const bindings[] = { kat_binding1, kat_binding2,
		kat_binding3 };
	int i;

	memset(c, 0, sizeof(*c));
	strcpy(c->card_no, cards[which - 1]);
	c->programme_code = 3;
	strcpy(c->tier, "A");
	strcpy(c->name, "样例 Kat Holder");
	c->issued_at = KAT_ISSUED_AT;
	c->expires_at = KAT_EXPIRES_AT;
	assert_int_equal(
	    kat_unhex(bindings[which - 1], c->binding, sizeof(c->binding)),
	    TC_CRED_BINDING_LEN);
	if (which == 2) {
		strcpy(c->name, "样例 Kat Spouse");
		strcpy(c->principal, cards[0]);
		strcpy(c->relation, "spouse");
		c->card_key_len =
		    kat_unhex(kat_card_key, c->card_key, sizeof(c->card_key));
	} else if (which == 3) {
		strcpy(c->name, "样例 Kat");
		for (i = 0; i < 24; i++)
			strcat(c->name, " Holder");
	}
}

/* The scrypt tag of the made-up ID number for each card number. */
static void
test_binding(void **state)
{
	struct tc_claims c, d;
	int which;

	(void)state;
	for (which = 1; which <= 3; which++) {
		make_claims(&c, which);
		d = c;
		memset(d.binding, 0, sizeof(d.binding));
		assert_int_equal(tc_claims_bind(&d, KAT_HOLDER_ID, NULL, 0), 0);
		assert_memory_equal(d.binding, c.binding, sizeof(c.binding));
		/* Typed as a person might, it still matches the committed tag. */
		assert_int_equal(
		    tc_claims_check_id(&c, "110105 19491231 002x", NULL, 0), 0);
	}
}

/* The exact claims bytes, and those bytes decoded to exactly the claims. */
static void
test_claims(void **state)
{
	static const char *const hexes[] = { kat_claims1, kat_claims2,
		kat_claims3 };
	uint8_t want[512];
	struct tc_claims c, got;
	struct tc_buf out;
	char err[256] = "";
	size_t n;
	int which;

	(void)state;
	for (which = 1; which <= 3; which++) {
		make_claims(&c, which);
		n = kat_unhex(hexes[which - 1], want, sizeof(want));
		tc_buf_init(&out, 0);
		if (tc_claims_encode(&out, &c, err, sizeof(err)) != 0)
			fail_msg("claims %d: %s", which, err);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, want, n);
		tc_buf_release(&out);
		if (tc_claims_decode(&got, want, n, err, sizeof(err)) != 0)
			fail_msg("claims %d: %s", which, err);
		assert_memory_equal(&got, &c, sizeof(c));
	}
}

/* One committed credential: its claims, signer's public key, text, COSE. */
struct cred {
	const char *name;
	int which;
	int alg;
	const char *pub_pem;
	const char *text;
	const char *cose;
	const char *prefix;
};

static const struct cred creds[] = {
	{ "claims 1, ES256", 1, TC_COSE_ALG_ES256, kat_p256_pub_pem,
	    kat_cred1_es256_text, kat_cred1_es256_cose, TC_CRED_PREFIX_PLAIN },
	{ "claims 1, SM2", 1, TC_COSE_ALG_SM2_SM3, kat_sm2_pub_pem,
	    kat_cred1_sm2_text, kat_cred1_sm2_cose, TC_CRED_PREFIX_PLAIN },
	{ "claims 2, ES256", 2, TC_COSE_ALG_ES256, kat_p256_pub_pem,
	    kat_cred2_es256_text, kat_cred2_es256_cose, TC_CRED_PREFIX_PLAIN },
	{ "claims 3, ES256", 3, TC_COSE_ALG_ES256, kat_p256_pub_pem,
	    kat_cred3_es256_text, kat_cred3_es256_cose, TC_CRED_PREFIX },
};

#define NCREDS (sizeof(creds) / sizeof(creds[0]))

/*
 * A credential made now with a key made now: the committed text's prefix,
 * and COSE bytes equal to the committed ones but for the kid (the new
 * key's) and the signature (their last 64 bytes).
 */
static void
test_encode(void **state)
{
	uint8_t want[1024], old[TC_COSE_KID_LEN], kid[TC_COSE_KID_LEN];
	struct tc_cose_key *k, *committed;
	struct tc_claims c;
	struct tc_buf text, cose;
	char err[256] = "";
	size_t i, n, klen;
	EVP_PKEY *pk;

	(void)state;
	for (i = 0; i < NCREDS; i++) {
		make_claims(&c, creds[i].which);
		n = kat_unhex(creds[i].cose, want, sizeof(want));
		committed = key_of(creds[i].pub_pem);
		memcpy(old, tc_cose_key_kid(committed, &klen), sizeof(old));
		assert_int_equal(klen, sizeof(old));
		tc_cose_key_free(committed);
		pk = kat_fresh_key(creds[i].alg == TC_COSE_ALG_SM2_SM3);
		k = kat_key_of(pk, kid);
		assert_true(kat_swap_kid(want, n, old, kid));
		tc_buf_init(&text, 0);
		tc_buf_init(&cose, 0);
		if (tc_credential_encode(&text, &c, k, err, sizeof(err)) != 0)
			fail_msg("%s: %s", creds[i].name, err);
		if (strncmp((const char *)text.data, creds[i].prefix,
			strlen(creds[i].prefix)) != 0)
			fail_msg("%s: the text starts %.6s, not %s",
			    creds[i].name, (const char *)text.data,
			    creds[i].prefix);
		assert_int_equal(
		    tc_credential_unwrap(&cose, (const char *)text.data,
			text.len, NULL, NULL, 0),
		    0);
		assert_int_equal(cose.len, n);
		assert_memory_equal(cose.data, want, n - TC_COSE_SIG_LEN);
		tc_buf_release(&text);
		tc_buf_release(&cose);
		tc_cose_key_free(k);
		EVP_PKEY_free(pk);
	}
}

/*
 * The committed texts verify at KAT_NOW with the committed public keys and
 * the holder's ID number, decode to exactly the expected claims, and unwrap
 * to exactly the committed COSE bytes; a "TC1N:" text is "TC1N:" + Base45
 * of those bytes, character for character. One changed character is
 * refused.
 */
static void
test_committed_texts(void **state)
{
	uint8_t want[1024];
	struct tc_cose_keyring *kr;
	const struct tc_cose_key *pub;
	struct tc_verdict v;
	struct tc_claims c;
	struct tc_buf cose, text;
	const char *pems[] = { kat_p256_pub_pem, kat_sm2_pub_pem };
	char bad[TC_CRED_TEXT_MAX + 1];
	size_t i, n, len;

	(void)state;
	assert_int_equal(tc_cose_keyring_new(&kr), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(tc_cose_keyring_add(kr, key_of(pems[i])), 0);
	for (i = 0; i < NCREDS; i++) {
		make_claims(&c, creds[i].which);
		n = kat_unhex(creds[i].cose, want, sizeof(want));
		len = strlen(creds[i].text);
		assert_int_equal(tc_credential_verify(creds[i].text, len, kr,
				     NULL, KAT_NOW, KAT_HOLDER_ID, &v),
		    0);
		if (!v.valid)
			fail_msg("%s: refused: %s (%s): %s", creds[i].name,
			    v.reason, v.detail, v.message);
		assert_int_equal(v.authentic, 1);
		assert_int_equal(v.have_claims, 1);
		assert_int_equal(v.alg, creds[i].alg);
		assert_memory_equal(&v.claims, &c, sizeof(c));
		pub = tc_cose_keyring_find(kr, v.kid, sizeof(v.kid));
		assert_non_null(pub);
		assert_int_equal(tc_cose_key_alg(pub), creds[i].alg);

		tc_buf_init(&cose, 0);
		assert_int_equal(tc_credential_unwrap(
				     &cose, creds[i].text, len, NULL, NULL, 0),
		    0);
		assert_int_equal(cose.len, n);
		assert_memory_equal(cose.data, want, n);
		if (strcmp(creds[i].prefix, TC_CRED_PREFIX_PLAIN) == 0) {
			tc_buf_init(&text, 0);
			assert_int_equal(
			    tc_buf_puts(&text, creds[i].prefix), 0);
			assert_int_equal(
			    tc_base45_encode(&text, cose.data, cose.len), 0);
			assert_int_equal(text.len, len);
			assert_memory_equal(text.data, creds[i].text, len);
			tc_buf_release(&text);
		}
		tc_buf_release(&cose);

		/* A changed character in the middle is not accepted. */
		assert_true(len < sizeof(bad));
		memcpy(bad, creds[i].text, len + 1);
		bad[len / 2] = bad[len / 2] == '0' ? '1' : '0';
		assert_int_equal(
		    tc_credential_verify(bad, len, kr, NULL, KAT_NOW, NULL, &v),
		    0);
		assert_int_equal(v.valid, 0);
	}
	/* A holder binding that is not the holder's. */
	assert_int_equal(
	    tc_credential_verify(creds[0].text, strlen(creds[0].text), kr, NULL,
		KAT_NOW, "110105194912310021", &v),
	    0);
	assert_int_equal(v.valid, 0);
	assert_string_equal(v.reason, TC_REASON_ID_MISMATCH);
	tc_cose_keyring_free(kr);
}

#define TESTS(X, XF)                                                           \
	X(test_binding)                                                        \
	X(test_claims)                                                         \
	X(test_encode)                                                         \
	X(test_committed_texts)

TC_UNIT_MAIN(TESTS, NULL, NULL)
