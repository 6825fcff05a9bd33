/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the card platform tables (src/card/cardops.c, src/card/card-iso.c):
 * the built-in tcard and PIV tables are copies of the ISO 7816 defaults
 * with their own entries, found by platform and by name; and a third
 * platform is just a table: a test-only copy of the ISO defaults with one
 * entry overridden (how the SELECT answer is read), registered, named by
 * a profile, and driven through the ordinary tc_cardapp_* calls against a
 * fake card: the override and the inherited ISO commands both run, and
 * what ISO 7816 leaves to the card is refused with TC_ERR_UNSUPPORTED.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "unit.h"
#include "tcard/cardapp.h"
#include "tcard/cardops.h"
#include "tcard/err.h"
#include "tcard/profile.h"

#include "fixtures-profile.h"

#define TEST_PLATFORM ((enum tc_platform)3)
#define CRED_LEN      200

static void
test_builtin(void **state)
{
	const struct tc_card_ops *iso = tc_card_iso_ops();
	const struct tc_card_ops *t, *p;

	(void)state;
	assert_non_null(t = tc_card_ops_lookup(TC_PLATFORM_TCARD));
	assert_non_null(p = tc_card_ops_lookup(TC_PLATFORM_PIV));
	assert_null(tc_card_ops_lookup((enum tc_platform)77));
	assert_string_equal(t->name, "tcard");
	assert_string_equal(p->name, "piv");
	assert_ptr_equal(tc_card_ops_by_name("tcard"), t);
	assert_ptr_equal(tc_card_ops_by_name("piv"), p);
	assert_null(tc_card_ops_by_name("java"));
	assert_null(tc_card_ops_by_name(NULL));
	/* Only the tcard locks. */
	assert_true(t->flags & TC_CARD_LOCKS);
	assert_false(p->flags & TC_CARD_LOCKS);
	/* Both select as ISO 7816 says; each overrides what it must. */
	assert_ptr_equal(t->select, iso->select);
	assert_ptr_equal(p->select, iso->select);
	assert_ptr_not_equal(t->opened, iso->opened);
	assert_ptr_not_equal(p->sign, iso->sign);
	assert_non_null(t->lock);
	assert_null(p->lock);
	assert_null(iso->lock);
	assert_null(iso->authenticate);
	assert_non_null(p->write_certificate);
	assert_null(t->write_certificate);
}

/* A card of the test platform: records the instructions it is sent. */
struct fake {
	uint8_t ins[16];
	size_t n;
};

static const uint8_t fake_uid[8] = { 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
	0xA8 };

static uint8_t
cred_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static int
fake_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct fake *f = impl;
	size_t k = 0, off, i;

	(void)n;
	(void)cap;
	(void)timeout_ms;
	(void)err;
	(void)errlen;
	if (f->n < sizeof(f->ins))
		f->ins[f->n++] = cmd[1];
	switch (cmd[1]) {
	case 0xA4:
		/* Not BER-TLV: the uid, then the credential's length. */
		memcpy(resp, fake_uid, 8);
		resp[8] = 0;
		resp[9] = CRED_LEN;
		k = 10;
		break;
	case 0xB0:
		off = (size_t)cmd[2] << 8 | cmd[3];
		for (i = off; i < CRED_LEN; i++)
			resp[k++] = cred_byte(i);
		break;
	case 0x88:
		memset(resp, 0x11, 32);
		memset(resp + 32, 0x22, 32);
		k = 64;
		break;
	default:
		resp[0] = 0x6D;
		resp[1] = 0x00;
		*rlen = 2;
		return 0;
	}
	resp[k] = 0x90;
	resp[k + 1] = 0x00;
	*rlen = k + 2;
	return 0;
}

/* The one override: the test platform's SELECT answer. */
static int
test_opened(struct tc_cardapp *app, const uint8_t *resp, size_t len,
    int need_uid, char *err, size_t errlen)
{
	if (len != 10)
		return tc_seterr(err, errlen, TC_ERR_CARD, "bad SELECT answer");
	memcpy(app->uid, resp, 8);
	app->uid_len = 8;
	app->cred_len = (size_t)resp[8] << 8 | resp[9];
	app->operational = 1;
	return 0;
}

static struct tc_card_ops test_ops;

/* tcard.json with its platform replaced by the test platform's name. */
static struct tc_profile *
test_profile(void)
{
	static const char from[] = "\"platform\": \"tcard\"";
	static const char to[] = "\"platform\": \"test7816\"";
	struct tc_profile *p = NULL;
	char err[256] = "", *buf, *out, *at;

	buf = fx_profile_text("tcard.json");
	assert_non_null(at = strstr(buf, from));
	assert_non_null(out = calloc(1, strlen(buf) + sizeof(to)));
	memcpy(out, buf, (size_t)(at - buf));
	strcat(out, to);
	strcat(out, at + strlen(from));
	assert_int_equal(
	    tc_profile_parse(&p, out, strlen(out), "t.json", err, sizeof(err)),
	    0);
	free(buf);
	free(out);
	return p;
}

static void
test_third_platform(void **state)
{
	static const struct tc_icc_ops iops = { .exchange = fake_exchange };
	static const uint8_t master[16] = { 0 };
	struct tc_card_keys_master km;
	const struct tc_card_keys *keys = tc_card_keys_master(&km, master);
	uint8_t challenge[32], rbuf[32], want_r[32];
	struct tc_profile_set set;
	struct tc_profile *p;
	struct tc_cardapp app;
	struct tc_icc *icc = NULL;
	struct tc_buf cose, sig;
	struct fake fk;
	const unsigned char *q;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	char err[256] = "";
	size_t i;

	(void)state;
	/* A third platform: the ISO table with one entry overridden. */
	test_ops = *tc_card_iso_ops();
	test_ops.platform = TEST_PLATFORM;
	test_ops.name = "test7816";
	test_ops.opened = test_opened;

	/* Unknown until registered: a profile cannot name it. */
	assert_null(tc_card_ops_lookup(TEST_PLATFORM));
	assert_int_equal(tc_card_ops_register(&test_ops), 0);
	assert_int_equal(tc_card_ops_register(&test_ops), TC_ERR_EXISTS);
	assert_ptr_equal(tc_card_ops_lookup(TEST_PLATFORM), &test_ops);
	assert_ptr_equal(tc_card_ops_by_name("test7816"), &test_ops);

	p = test_profile();
	assert_int_equal(p->platform, TEST_PLATFORM);
	memset(&set, 0, sizeof(set));
	set.v[set.n++] = p;

	memset(&fk, 0, sizeof(fk));
	assert_int_equal(
	    tc_icc_new(&icc, &iops, &fk, p->atr, p->atr_len, "fake"), 0);
	assert_int_equal(
	    tc_cardapp_open(&app, icc, &set, NULL, 1, err, sizeof(err)), 0);
	assert_ptr_equal(app.ops, &test_ops);
	assert_string_equal(app.uid_hex, "a1a2a3a4a5a6a7a8");
	assert_int_equal(app.cred_len, CRED_LEN);

	/* Inherited: ISO READ BINARY of the announced length. */
	tc_buf_init(&cose, TC_CARDAPP_CRED_MAX);
	assert_int_equal(
	    tc_cardapp_read_credential(&app, &cose, err, sizeof(err)), 0);
	assert_int_equal(cose.len, CRED_LEN);
	for (i = 0; i < CRED_LEN; i++)
		assert_int_equal(cose.data[i], cred_byte(i));

	/* Inherited: ISO INTERNAL AUTHENTICATE, r || s made DER. */
	memset(challenge, 0x5A, sizeof(challenge));
	tc_buf_init(&sig, 128);
	assert_int_equal(tc_cardapp_sign(&app, challenge, sizeof(challenge),
			     &sig, err, sizeof(err)),
	    0);
	q = sig.data;
	assert_non_null(es = d2i_ECDSA_SIG(NULL, &q, (long)sig.len));
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_bn2binpad(r, rbuf, 32), 32);
	memset(want_r, 0x11, 32);
	assert_memory_equal(rbuf, want_r, 32);
	ECDSA_SIG_free(es);

	/* Left to the card by ISO 7816, and not given: refused. */
	assert_int_equal(
	    tc_cardapp_authenticate(&app, keys, 0, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "platform test7816 has no authentication"));
	assert_int_equal(
	    tc_cardapp_lock(&app, cose.data, cose.len, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);

	/* The card saw SELECT, READ BINARY, INTERNAL AUTHENTICATE only. */
	assert_int_equal(fk.n, 3);
	assert_int_equal(fk.ins[0], 0xA4);
	assert_int_equal(fk.ins[1], 0xB0);
	assert_int_equal(fk.ins[2], 0x88);

	tc_cardapp_release(&app);
	tc_buf_release(&cose);
	tc_buf_release(&sig);
	tc_icc_close(icc);
	free(p);
}

static void
test_register_bad(void **state)
{
	static struct tc_card_ops noname, piv_again;

	(void)state;
	assert_int_equal(tc_card_ops_register(NULL), TC_ERR_INVALID_ARG);
	noname = *tc_card_iso_ops();
	noname.platform = (enum tc_platform)40;
	noname.name = NULL;
	assert_int_equal(tc_card_ops_register(&noname), TC_ERR_INVALID_ARG);
	piv_again = *tc_card_iso_ops();
	piv_again.platform = (enum tc_platform)41;
	piv_again.name = "piv";
	assert_int_equal(tc_card_ops_register(&piv_again), TC_ERR_EXISTS);
	piv_again.platform = TC_PLATFORM_PIV;
	piv_again.name = "piv2";
	assert_int_equal(tc_card_ops_register(&piv_again), TC_ERR_EXISTS);
	assert_string_equal(tc_card_ops_lookup(TC_PLATFORM_PIV)->name, "piv");
}

#define TESTS(X, XF)                                                           \
	X(test_builtin)                                                        \
	X(test_third_platform)                                                 \
	X(test_register_bad)

TC_UNIT_MAIN(TESTS, NULL, NULL)
