/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the card emulator's card layer (vcard/card.c), without its
 * vpcd loop: the protocol each shipped profile's ATR makes the card speak,
 * the exact bytes the PIV card answers to SELECT (its application property
 * template and 9000, with or without Le, as SP 800-73-4 cards over T=1
 * answer yubico-piv-tool's SELECT without Le), the T=0 tcard card's 61XX
 * to a command without Le, and response chaining.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "tcard/apdu.h"
#include "tcard/buf.h"
#include "tcard/profile.h"

#include "../../vcard/vcard.h"

/* The PIV SELECT answer: template 61 (SP 800-73-4 part 2 3.1.1). */
static const uint8_t piv_apt[] = { 0x61, 0x35,
	/* the PIX of the application */
	0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00,
	/* the coexistent tag allocation authority: NIST's RID */
	0x79, 0x07, 0x4F, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08,
	/* the application label */
	0x50, 0x14, 't', 'a', 'l', 'e', 'n', 't', 'c', 'a', 'r', 'd', ' ', 'v',
	'c', 'a', 'r', 'd', ' ', 'P', 'I', 'V',
	/* cryptographic algorithms: 3DES, AES-128, P-256, no more */
	0xAC, 0x0C, 0x80, 0x01, 0x03, 0x80, 0x01, 0x08, 0x80, 0x01, 0x11, 0x06,
	0x01, 0x00 };

struct fx {
	struct tc_profile_set set;
	struct vcard vc;
	struct tc_buf data, out, pending;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256] = "";

	assert_non_null(f);
	assert_int_equal(tc_profile_set_load(
			     &f->set, tc_profile_dir(NULL), err, sizeof(err)),
	    0);
	vcard_state_init(&f->vc.st);
	tc_buf_init(&f->vc.chain, VCARD_CHAIN_MAX);
	tc_buf_init(&f->data, TC_APDU_RESP_MAX);
	tc_buf_init(&f->out, TC_APDU_RESP_MAX + 2);
	tc_buf_init(&f->pending, TC_APDU_RESP_MAX);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	vcard_reset(&f->vc);
	tc_buf_release(&f->vc.chain);
	vcard_state_release(&f->vc.st);
	tc_buf_release(&f->data);
	tc_buf_release(&f->out);
	tc_buf_release(&f->pending);
	tc_profile_set_release(&f->set);
	free(f);
	return 0;
}

/* A blank card of profile name fresh from the factory. */
static void
blank(struct fx *f, const char *name)
{
	char err[256] = "";

	assert_non_null(f->vc.profile = tc_profile_set_find(&f->set, name));
	assert_int_equal(
	    vcard_state_factory(&f->vc.st, f->vc.profile, err, sizeof(err)), 0);
	f->vc.proto = vcard_protocol(f->vc.profile);
}

/* The card's frame (data and status word) for the command bytes cmd. */
static void
transmit(struct fx *f, const uint8_t *cmd, size_t n)
{
	struct tc_apdu a;
	char err[160];
	uint16_t sw;

	assert_int_equal(tc_apdu_parse(&a, cmd, n, err, sizeof(err)), 0);
	tc_buf_reset(&f->data);
	tc_buf_reset(&f->out);
	sw = vcard_command(&f->vc, &a, &f->data);
	vcard_answer(f->vc.proto, a.ne, f->data.data, f->data.len, sw, &f->out,
	    &f->pending);
}

static void
assert_frame(
    const struct tc_buf *out, const uint8_t *data, size_t n, uint16_t sw)
{
	assert_int_equal(out->len, n + 2);
	if (n > 0)
		assert_memory_equal(out->data, data, n);
	assert_int_equal(out->data[n], sw >> 8);
	assert_int_equal(out->data[n + 1], sw & 0xFF);
}

static void
test_protocols(void **state)
{
	struct fx *f = *state;

	/* The PIV card offers T=1 only, as PIV cards and tokens do. */
	assert_int_equal(
	    vcard_protocol(tc_profile_set_find(&f->set, "piv")), 1);
	assert_int_equal(
	    vcard_protocol(tc_profile_set_find(&f->set, "tcard")), 0);
}

static void
test_piv_select(void **state)
{
	/* yubico-piv-tool: the RID only, no Le. */
	static const uint8_t no_le[] = { 0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0,
		0x00, 0x00, 0x03, 0x08 };
	/* OpenSC: the whole AID, Le 00. */
	static const uint8_t le[] = { 0x00, 0xA4, 0x04, 0x00, 0x0B, 0xA0, 0x00,
		0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00 };
	/* Another application: not found, nothing more. */
	static const uint8_t other[] = { 0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0,
		0x00, 0x00, 0x00, 0x79, 0x01, 0x00, 0x00 };
	struct fx *f = *state;

	blank(f, "piv");
	transmit(f, no_le, sizeof(no_le));
	assert_frame(&f->out, piv_apt, sizeof(piv_apt), TC_SW_OK);
	assert_int_equal(f->pending.len, 0);
	assert_true(f->vc.selected);
	transmit(f, le, sizeof(le));
	assert_frame(&f->out, piv_apt, sizeof(piv_apt), TC_SW_OK);
	assert_int_equal(f->pending.len, 0);
	transmit(f, other, sizeof(other));
	assert_frame(&f->out, NULL, 0, TC_SW_NOT_FOUND);
	assert_true(f->vc.selected);
}

static void
test_tcard_select(void **state)
{
	struct fx *f = *state;
	uint8_t cmd[5 + 16 + 1];
	size_t n, fci;

	blank(f, "tcard");
	memcpy(cmd, (const uint8_t[]){ 0x00, 0xA4, 0x04, 0x00 }, 4);
	cmd[4] = (uint8_t)f->vc.profile->aid_len;
	memcpy(cmd + 5, f->vc.profile->aid, f->vc.profile->aid_len);
	n = 5 + f->vc.profile->aid_len;
	/* T=0: without Le, 61XX and the FCI waits for GET RESPONSE. */
	transmit(f, cmd, n);
	fci = f->data.len;
	assert_true(fci > 0 && fci < 256);
	assert_frame(&f->out, NULL, 0, (uint16_t)(0x6100 | fci));
	assert_int_equal(f->pending.len, fci);
	assert_memory_equal(f->pending.data, f->data.data, fci);
	/* With Le, the FCI and 9000. */
	cmd[n] = 0x00;
	transmit(f, cmd, n + 1);
	assert_frame(&f->out, f->data.data, fci, TC_SW_OK);
	assert_int_equal(f->pending.len, 0);
}

static void
test_chaining(void **state)
{
	struct fx *f = *state;
	uint8_t big[600];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	/* T=1 without Le: 256 bytes now, 61XX for the rest. */
	vcard_answer(1, 0, big, 300, TC_SW_OK, &f->out, &f->pending);
	assert_frame(&f->out, big, 256, 0x612C);
	assert_int_equal(f->pending.len, 44);
	assert_memory_equal(f->pending.data, big + 256, 44);
	/* 256 or more left: 6100. */
	tc_buf_reset(&f->out);
	vcard_answer(1, 0, big, sizeof(big), TC_SW_OK, &f->out, &f->pending);
	assert_frame(&f->out, big, 256, 0x6100);
	assert_int_equal(f->pending.len, sizeof(big) - 256);
	/* Le smaller than the data, under either protocol. */
	for (i = 0; i < 2; i++) {
		tc_buf_reset(&f->out);
		vcard_answer(
		    (int)i, 16, big, 20, TC_SW_OK, &f->out, &f->pending);
		assert_frame(&f->out, big, 16, 0x6104);
		assert_int_equal(f->pending.len, 4);
	}
	/* No data: the status word alone, and nothing left pending. */
	tc_buf_reset(&f->out);
	vcard_answer(0, 0, big, 0, TC_SW_SECURITY, &f->out, &f->pending);
	assert_frame(&f->out, NULL, 0, TC_SW_SECURITY);
	assert_int_equal(f->pending.len, 0);
}

#define TESTS(X, XF)                                                           \
	X(test_protocols)                                                      \
	X(test_piv_select)                                                     \
	X(test_tcard_select)                                                   \
	X(test_chaining)

TC_UNIT_MAIN_EACH(TESTS, setup, teardown)
