/* SPDX-License-Identifier: MIT */
/*
 * Personalisation through the station relay, in one process: the driver
 * (tc_perso_drive, src/perso.c) runs on a relay connection (src/card/
 * relay.c) with the local key provider over a master key, while a station
 * thread runs each batch (tc_station_run) on the emulator's applets
 * (vcard/card.c and the applets, tcard-vcard's objects but its vpcd loop;
 * this file answers GET RESPONSE as vcard/main.c does). It
 * checks that a tcard and a PIV card come out verifiable, in how many
 * round trips (the final check inside the last batch included: at most 4
 * for both), that a card pulled at any APDU of the relay leaves "done"
 * never recorded (and the chip unverifiable before the final check), that
 * a second run on the same chip finishes it, and that a wrong answer to a
 * command whose answer was wanted later (the credential read back, the
 * challenge's signature, PIV's answers to the host's challenge) fails the
 * job before "done". TC_TRACE_BATCHES=1 prints each batch's commands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "unit.h"
#include "fixtures-relay.h"
#include "fixtures-signer.h"
#include "tcard/apdu.h"
#include "tcard/cardapp.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/perso.h"
#include "tcard/profile.h"
#include "tcard/relay.h"
#include "tcard/tap.h"
#include "../../vcard/vcard.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

/* The emulated card: the applets of tcard-vcard behind an exchange. */
struct emu {
	struct vcard vc;
	struct tc_buf pending; /* the rest of a long answer (61XX) */
	unsigned n;	       /* APDUs so far */
	unsigned pull_at;      /* the card leaves before APDU N (0: never) */
	unsigned last_select;  /* the APDU number of the last SELECT */
	uint8_t bad_ins;       /* a byte of the answer to this INS is wrong */
	uint8_t bad_p2;	       /* ... with this P2 (0: any) */
	unsigned bad_nth;      /* ... the Nth such command (1: the first) */
	unsigned bad_seen;
	int bad_done; /* the wrong answer was given */
};

/* A wrong byte in the answer data of the command e->bad_* names. */
static void
emu_spoil(struct emu *e, const struct tc_apdu *a, struct tc_buf *data)
{
	if (e->bad_ins == 0 || a->ins != e->bad_ins ||
	    (e->bad_p2 != 0 && a->p2 != e->bad_p2) ||
	    ++e->bad_seen != e->bad_nth || data->len == 0)
		return;
	data->data[data->len / 2] ^= 0x01;
	e->bad_done = 1;
}

static int
emu_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct emu *e = impl;
	struct tc_apdu a;
	struct tc_buf data, out;
	uint16_t sw;

	(void)timeout_ms;
	(void)err;
	(void)errlen;
	*rlen = 0;
	if (++e->n >= e->pull_at && e->pull_at != 0)
		return 0; /* no answer: the card is gone */
	tc_buf_init(&data, TC_APDU_RESP_MAX);
	tc_buf_init(&out, cap);
	e->vc.wrapped = 0;
	memset(&a, 0, sizeof(a));
	if (tc_apdu_parse(&a, cmd, n, NULL, 0) != 0)
		sw = TC_SW_WRONG_LENGTH;
	else if (a.ins == 0xC0 && a.cla == 0x00) {
		/* GET RESPONSE: the rest of the last answer. */
		tc_buf_put(&data, e->pending.data, e->pending.len);
		sw = TC_SW_OK;
	} else {
		sw = vcard_command(&e->vc, &a, &data);
		emu_spoil(e, &a, &data);
		if (a.ins == 0xA4)
			e->last_select = e->n;
	}
	vcard_answer(vcard_protocol(e->vc.profile), a.ne, data.data, data.len,
	    sw, &out, &e->pending);
	memcpy(resp, out.data, out.len);
	*rlen = out.len;
	tc_buf_release(&data);
	tc_buf_release(&out);
	return 0;
}

static const struct tc_icc_ops emu_ops = { .exchange = emu_exchange };

/* The registry and the keys, as the office's monitor would answer. */
struct office {
	struct tc_claims c;
	struct tc_cose_key *signer;
	int started, done, attempts, signs;
	char uid[33];
};

static int
o_chip_start(void *ctx, const char *uid, const char *profile, int *attempt,
    char *err, size_t errlen)
{
	struct office *o = ctx;

	(void)profile;
	(void)err;
	(void)errlen;
	snprintf(o->uid, sizeof(o->uid), "%s", uid);
	o->started++;
	*attempt = ++o->attempts;
	return 0;
}

static int
o_chip_done(void *ctx, const char *uid, const uint8_t *key, size_t keylen,
    char *err, size_t errlen)
{
	struct office *o = ctx;

	(void)key;
	(void)keylen;
	(void)err;
	(void)errlen;
	assert_string_equal(uid, o->uid);
	o->done++;
	return 0;
}

static int
o_sign(void *ctx, const uint8_t *spki, size_t n, struct tc_buf *cose, char *err,
    size_t errlen)
{
	struct office *o = ctx;

	o->signs++;
	memcpy(o->c.card_key, spki, n);
	o->c.card_key_len = n;
	return tc_perso_sign_claims(&o->c, o->signer, cose, err, errlen);
}

static int
o_cert(void *ctx, const uint8_t *spki, size_t n, struct tc_buf *der, char *err,
    size_t errlen)
{
	static const uint8_t blob[300] = { 0x30, 0x82, 0x01, 0x28 };

	(void)ctx;
	(void)spki;
	(void)n;
	(void)err;
	(void)errlen;
	return tc_buf_put(der, blob, sizeof(blob));
}

struct fx {
	struct tc_profile_set set;
	EVP_PKEY *pk, *other_pk;
	struct tc_cose_key *key, *other;
	struct tc_cose_keyring *ring;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(
	    tc_profile_set_load(&f->set, tc_profile_dir(NULL), NULL, 0), 0);
	assert_int_equal(
	    fx_signers_new(&f->pk, &f->other_pk, &f->key, &f->other, &f->ring),
	    0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	fx_signers_free(f->pk, f->other_pk, f->key, f->other, f->ring);
	tc_profile_set_release(&f->set);
	free(f);
	return 0;
}

/* One run of the driver through a relay; returns its result. */
static int
run(struct fx *f, struct emu *e, struct office *o, unsigned *round_trips,
    struct tc_perso_result *res, char *err, size_t errlen)
{
	static const uint8_t master[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
		0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F };
	struct tc_card_keys_master km;
	struct tc_perso_job job;
	struct tc_perso_env env;
	struct tc_icc *card, *icc;
	struct tc_relay *rl;
	struct fx_station st;
	int r;

	memset(&job, 0, sizeof(job));
	snprintf(job.card_no, sizeof(job.card_no), "%s", o->c.card_no);
	job.cose_alg = TC_COSE_ALG_ES256;
	memset(&env, 0, sizeof(env));
	env.ctx = o;
	env.card_keys = tc_card_keys_master(&km, master);
	env.ring = f->ring;
	env.now = NOW;
	env.chip_start = o_chip_start;
	env.chip_done = o_chip_done;
	env.sign_credential = o_sign;
	env.card_cert = o_cert;
	assert_int_equal(tc_icc_new(&card, &emu_ops, e, NULL, 0, "emu"), 0);
	assert_int_equal(tc_relay_new(&rl, "J-1", NULL, 0, 5000), 0);
	assert_int_equal(tc_relay_icc(&icc, rl, "relay"), 0);
	fx_station_start(&st, rl, card);
	r = tc_perso_drive(
	    icc, &f->set, e->vc.profile->name, &job, &env, res, err, errlen);
	tc_relay_state(rl, round_trips, NULL);
	fx_station_stop(&st);
	tc_icc_close(icc);
	tc_relay_release(rl);
	tc_icc_close(card);
	tc_card_keys_master_release(&km);
	return r;
}

/* A tap verification of the emulated card, straight (no relay). */
static int
verify(struct fx *f, struct emu *e)
{
	struct tc_tap_result tr;
	struct tc_icc *icc;
	char err[256];
	int r;

	e->pull_at = 0;
	e->bad_ins = 0;
	assert_int_equal(tc_icc_new(&icc, &emu_ops, e, NULL, 0, "emu"), 0);
	r = tc_tap_verify(icc, &f->set, e->vc.profile->name, f->ring, NULL, NOW,
	    &tr, err, sizeof(err));
	tc_icc_close(icc);
	return r == 0 && tr.v.valid && tr.card_checked ? 0 : -1;
}

static void
emu_new(struct fx *f, struct emu *e, const char *profile)
{
	memset(e, 0, sizeof(*e));
	assert_non_null(e->vc.profile = tc_profile_set_find(&f->set, profile));
	vcard_state_init(&e->vc.st);
	tc_buf_init(&e->vc.chain, VCARD_CHAIN_MAX);
	tc_buf_init(&e->pending, TC_APDU_RESP_MAX);
	assert_int_equal(
	    vcard_state_factory(&e->vc.st, e->vc.profile, NULL, 0), 0);
}

static void
emu_free(struct emu *e)
{
	tc_buf_release(&e->pending);
	tc_buf_release(&e->vc.chain);
	vcard_state_release(&e->vc.st);
}

static void
office_new(struct fx *f, struct office *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->c.card_no, sizeof(o->c.card_no), "4401110000000012");
	o->c.programme_code = 1;
	snprintf(o->c.name, sizeof(o->c.name), "TEST HOLDER");
	snprintf(o->c.tier, sizeof(o->c.tier), "A");
	o->c.issued_at = NOW - 86400;
	o->c.expires_at = NOW + 365 * 86400;
	o->signer = f->key;
}

/* The whole personalisation of profile: verifiable, in few round trips. */
static void
whole(void **state, const char *profile, unsigned max_trips)
{
	struct fx *f = *state;
	struct tc_perso_result res;
	struct office o;
	struct emu e;
	char err[512] = "";
	unsigned trips = 0;

	emu_new(f, &e, profile);
	office_new(f, &o);
	if (run(f, &e, &o, &trips, &res, err, sizeof(err)) != 0)
		fail_msg("%s: step %s: %s", profile, res.step, err);
	assert_int_equal(o.started, 1);
	assert_int_equal(o.done, 1);
	assert_int_equal(verify(f, &e), 0);
	print_message(
	    "# %s: %u APDUs in %u round trips\n", profile, res.apdus, trips);
	if (trips > max_trips)
		fail_msg("%s: %u round trips, more than %u", profile, trips,
		    max_trips);
	emu_free(&e);
}

static void
test_tcard(void **state)
{
	whole(state, "tcard", 4);
}

static void
test_piv(void **state)
{
	whole(state, "piv", 4);
}

/*
 * The card pulled before each APDU in turn: the run fails and "done" is
 * never recorded; pulled before the final check (its SELECT, the last
 * SELECT of the run) the chip does not verify, pulled during the check it
 * is complete (recorded incomplete all the same); a second run on the same
 * chip (the job resumed) finishes it.
 */
static void
pulls(void **state, const char *profile)
{
	struct fx *f = *state;
	struct tc_perso_result res;
	struct office o;
	struct emu e;
	char err[512] = "";
	unsigned trips, total, check, k;

	emu_new(f, &e, profile);
	office_new(f, &o);
	assert_int_equal(run(f, &e, &o, &trips, &res, err, sizeof(err)), 0);
	total = res.apdus;
	check = e.last_select;
	assert_true(check > 1 && check < total);
	emu_free(&e);
	for (k = 1; k <= total; k++) {
		emu_new(f, &e, profile);
		office_new(f, &o);
		e.pull_at = k;
		if (run(f, &e, &o, &trips, &res, err, sizeof(err)) == 0)
			fail_msg(
			    "%s: pulled at %u: the run succeeded", profile, k);
		assert_int_equal(o.done, 0);
		if (k < check && verify(f, &e) == 0)
			fail_msg(
			    "%s: pulled at %u: the chip verifies", profile, k);
		if (k >= check && verify(f, &e) != 0)
			fail_msg(
			    "%s: pulled at %u, in the final check: the chip does not verify",
			    profile, k);
		/* Resumed on the same chip. */
		e.pull_at = 0;
		if (run(f, &e, &o, &trips, &res, err, sizeof(err)) != 0)
			fail_msg("%s: pulled at %u, resumed: step %s: %s",
			    profile, k, res.step, err);
		assert_int_equal(o.done, 1);
		assert_int_equal(verify(f, &e), 0);
		emu_free(&e);
	}
}

/*
 * A wrong answer to a command whose answer was wanted later (the bad_nth
 * command with INS ins, P2 p2): the run fails at its step, "done" is
 * never recorded, and no key of the job is trusted.
 */
static void
wrong_answer(void **state, const char *profile, uint8_t ins, uint8_t p2,
    unsigned nth, const char *step, int signs)
{
	struct fx *f = *state;
	struct tc_perso_result res;
	struct office o;
	struct emu e;
	char err[512] = "";
	unsigned trips;

	emu_new(f, &e, profile);
	office_new(f, &o);
	e.bad_ins = ins;
	e.bad_p2 = p2;
	e.bad_nth = nth;
	if (run(f, &e, &o, &trips, &res, err, sizeof(err)) == 0)
		fail_msg("%s: a wrong answer to %02X: the run succeeded",
		    profile, ins);
	assert_true(e.bad_done);
	assert_int_equal(o.started, 1);
	assert_int_equal(o.done, 0);
	assert_non_null(res.step);
	assert_string_equal(res.step, step);
	assert_int_equal(o.signs, signs);
	print_message("# %s: %s\n", profile, err);
	emu_free(&e);
}

/* tcard: READ BINARY of the final check gives another credential. */
static void
test_tcard_wrong_read(void **state)
{
	wrong_answer(state, "tcard", 0xB0, 0, 1, "check", 1);
}

/* tcard: INTERNAL AUTHENTICATE of the final check, a wrong signature. */
static void
test_tcard_wrong_sign(void **state)
{
	wrong_answer(state, "tcard", 0x88, 0, 1, "check", 1);
}

/* PIV: GET DATA of the credential (the second GET DATA: CHUID first). */
static void
test_piv_wrong_read(void **state)
{
	wrong_answer(state, "piv", 0xCB, 0, 2, "check", 1);
}

/* PIV: GENERAL AUTHENTICATE 9E of the final check, a wrong signature. */
static void
test_piv_wrong_sign(void **state)
{
	wrong_answer(state, "piv", 0x87, 0x9E, 1, "check", 1);
}

/*
 * PIV: the card's answer to the host's challenge of the first mutual
 * authentication (the second GENERAL AUTHENTICATE 9B), checked only when
 * the card key is needed: the credential is never signed.
 */
static void
test_piv_wrong_witness(void **state)
{
	wrong_answer(state, "piv", 0x87, 0x9B, 2, "write-certificate", 0);
}

/*
 * PIV: the same after SET MANAGEMENT KEY (the fourth), checked with the
 * final check, before "done".
 */
static void
test_piv_wrong_witness2(void **state)
{
	wrong_answer(state, "piv", 0x87, 0x9B, 4, "check", 1);
}

static void
test_tcard_pulls(void **state)
{
	pulls(state, "tcard");
}

static void
test_piv_pulls(void **state)
{
	pulls(state, "piv");
}

#define TESTS(X, XF)                                                           \
	XF(test_tcard, setup, teardown)                                        \
	XF(test_piv, setup, teardown)                                          \
	XF(test_tcard_wrong_read, setup, teardown)                             \
	XF(test_tcard_wrong_sign, setup, teardown)                             \
	XF(test_piv_wrong_read, setup, teardown)                               \
	XF(test_piv_wrong_sign, setup, teardown)                               \
	XF(test_piv_wrong_witness, setup, teardown)                            \
	XF(test_piv_wrong_witness2, setup, teardown)                           \
	XF(test_tcard_pulls, setup, teardown)                                  \
	XF(test_piv_pulls, setup, teardown)

TC_UNIT_MAIN(TESTS, NULL, NULL)
