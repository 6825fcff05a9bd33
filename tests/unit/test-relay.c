/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the station relay (src/card/relay.c) and of deferred
 * commands (tc_icc_apdu_deferred, src/card/pcsc.c): a driver thread sends
 * commands on a relay connection while a station thread takes the
 * batches, runs them on a card (a scripted fake, or the replay transport)
 * with tc_station_run and gives the answers back, as tcard-issuerd's poll
 * handler and tcard-station do. Batches and round trips, a deferred
 * command that fails, a card removed mid-batch, a station that never
 * answers, a batch answered twice, the queue's bound, chained commands,
 * and the same calls on a transport that does not batch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "fixtures-relay.h"
#include "tcard/apdu.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/pcsc.h"
#include "tcard/relay.h"

/* A card that records the commands' INS and answers 9000 but where told. */
struct fake {
	unsigned n;
	uint8_t ins[128];
	uint8_t cla[128];
	unsigned fail_at; /* 1-based exchange answered 6A80; 0 none */
	unsigned data_at; /* 1-based exchange answered AB 9000; 0 none */
};

static int
fake_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct fake *f = impl;

	(void)n;
	(void)cap;
	(void)timeout_ms;
	(void)err;
	(void)errlen;
	if (f->n < sizeof(f->ins)) {
		f->ins[f->n] = cmd[1];
		f->cla[f->n] = cmd[0];
	}
	f->n++;
	if (f->n == f->fail_at) {
		resp[0] = 0x6A;
		resp[1] = 0x80;
		*rlen = 2;
	} else if (f->n == f->data_at) {
		resp[0] = 0xAB;
		resp[1] = 0x90;
		resp[2] = 0x00;
		*rlen = 3;
	} else {
		resp[0] = 0x90;
		resp[1] = 0x00;
		*rlen = 2;
	}
	return 0;
}

static const struct tc_icc_ops fake_ops = { .exchange = fake_exchange };

/*
 * A relay for a job with its driver's connection icc, and (card not NULL)
 * a station running its batches on card.
 */
struct rig {
	struct tc_relay *rl;
	struct tc_icc *icc, *card;
	struct fx_station st;
	struct tc_buf d;
	char err[256];
};

static void
rig_open(struct rig *g, struct tc_icc *card, int batch_ms)
{
	memset(g, 0, sizeof(*g));
	assert_int_equal(tc_relay_new(&g->rl, "J-1",
			     (const uint8_t *)"\x3b\x00", 2, batch_ms),
	    0);
	assert_int_equal(tc_relay_icc(&g->icc, g->rl, "relay"), 0);
	g->card = card;
	if (card != NULL)
		fx_station_start(&g->st, g->rl, card);
	tc_buf_init(&g->d, 64);
}

static void
rig_close(struct rig *g)
{
	if (g->card != NULL)
		fx_station_stop(&g->st);
	tc_buf_release(&g->d);
	tc_icc_close(g->icc);
	tc_relay_release(g->rl);
	tc_icc_close(g->card);
}

/* A rig whose station's card is the fake f. */
static void
rig_fake(struct rig *g, struct fake *f)
{
	struct tc_icc *card;

	assert_int_equal(tc_icc_new(&card, &fake_ops, f, NULL, 0, "fake"), 0);
	rig_open(g, card, 0);
}

static const struct tc_icc_sw ok9000[1] = { { TC_SW_OK, 0xFFFF } };

/* Sends INS ins deferred; asserts it was queued with 9000. */
static void
deferred(struct tc_icc *icc, uint8_t ins)
{
	struct tc_apdu a = { 0x80, ins, 0, 0, NULL, 0, 0, 0 };
	struct tc_buf d;
	uint16_t sw = 0;
	int queued = 0;

	tc_buf_init(&d, 64);
	assert_int_equal(
	    tc_icc_apdu_deferred(icc, &a, ok9000, 1, &d, &sw, &queued, NULL, 0),
	    0);
	assert_true(queued);
	assert_int_equal(sw, TC_SW_OK);
	assert_int_equal(d.len, 0);
	tc_buf_release(&d);
}

static int
now_apdu(struct rig *g, uint8_t ins)
{
	struct tc_apdu a = { 0x80, ins, 0, 0, NULL, 0, 256, 0 };
	uint16_t sw;

	tc_buf_reset(&g->d);
	return tc_icc_apdu(g->icc, &a, &g->d, &sw, g->err, sizeof(g->err));
}

/* The round trips of g's relay so far. */
static unsigned
trips(struct rig *g)
{
	unsigned n;

	tc_relay_state(g->rl, &n, NULL);
	return n;
}

static void
test_batches(void **state)
{
	struct fake f = { 0 };
	struct rig g;
	const uint8_t *atr;
	size_t n;
	int i;

	(void)state;
	f.data_at = 4;
	rig_fake(&g, &f);
	for (i = 1; i <= 3; i++)
		deferred(g.icc, (uint8_t)i);
	assert_int_equal(f.n, 0); /* nothing left yet */
	assert_int_equal(now_apdu(&g, 0x04), 0);
	assert_int_equal(g.d.len, 1);
	assert_int_equal(g.d.data[0], 0xAB);
	assert_int_equal(f.n, 4);
	assert_memory_equal(f.ins, "\x01\x02\x03\x04", 4);
	assert_int_equal(trips(&g), 1);
	assert_int_equal(tc_icc_count(g.icc), 4);

	/* A flush with nothing queued is no round trip; one with some is. */
	assert_int_equal(tc_icc_flush(g.icc, NULL, 0), 0);
	assert_int_equal(trips(&g), 1);
	deferred(g.icc, 0x05);
	deferred(g.icc, 0x06);
	assert_int_equal(tc_icc_flush(g.icc, NULL, 0), 0);
	assert_int_equal(trips(&g), 2);
	assert_int_equal(f.n, 6);
	assert_int_equal(g.st.batches, 2);

	/* The ATR given to the relay is the connection's. */
	atr = tc_icc_atr(g.icc, &n);
	assert_int_equal(n, 2);
	assert_int_equal(atr[0], 0x3B);
	rig_close(&g);
}

static void
test_deferred_fails(void **state)
{
	struct fake f = { 0 };
	struct rig g;
	int code = 0;

	(void)state;
	f.fail_at = 2;
	rig_fake(&g, &f);
	deferred(g.icc, 0x01);
	deferred(g.icc, 0x02);
	deferred(g.icc, 0x03);
	assert_int_equal(now_apdu(&g, 0x04), TC_ERR_BAD_SW);
	assert_non_null(strstr(g.err, "command 2 of batch 1 (80 02)"));
	assert_non_null(strstr(g.err, "6A80"));
	assert_int_equal(f.n, 2); /* the station stopped there */
	tc_relay_state(g.rl, NULL, &code);
	assert_int_equal(code, TC_ERR_BAD_SW);
	/* Every later call fails the same way: the job has failed. */
	assert_int_equal(now_apdu(&g, 0x05), TC_ERR_BAD_SW);
	assert_int_equal(tc_icc_flush(g.icc, NULL, 0), TC_ERR_BAD_SW);
	rig_close(&g);
}

static void
test_removed(void **state)
{
	/* ATR 3B 00, then one answer 9000: the card is gone after it. */
	static const uint8_t rec[] = { 2, 0x3B, 0x00, 2, 0x90, 0x00 };
	struct tc_icc *card;
	struct rig g;

	(void)state;
	assert_int_equal(
	    tc_icc_open_replay(&card, rec, sizeof(rec), NULL, 0), 0);
	rig_open(&g, card, 0);
	deferred(g.icc, 0x01);
	deferred(g.icc, 0x02);
	assert_int_equal(now_apdu(&g, 0x03), TC_ERR_CARD_REMOVED);
	assert_non_null(strstr(g.err, "ran 1 of 3 commands"));
	assert_non_null(strstr(g.err, "removed"));
	rig_close(&g);
}

static void
test_silent_station(void **state)
{
	struct tc_station_resp b;
	struct rig g;

	(void)state;
	rig_open(&g, NULL, 150);
	assert_int_equal(now_apdu(&g, 0x01), TC_ERR_CARD_TIMEOUT);
	assert_non_null(strstr(g.err, "did not answer batch 1 within 150 ms"));
	/* A station that comes late finds the relay ended. */
	assert_int_equal(
	    tc_relay_take(g.rl, 10, &b, NULL, 0), TC_ERR_CARD_TIMEOUT);
	rig_close(&g);
}

static void
test_wrong_batch(void **state)
{
	struct fake f = { 0 };
	struct rig g;

	(void)state;
	rig_fake(&g, &f);
	g.st.give_wrong = 1;
	assert_int_equal(now_apdu(&g, 0x01), TC_ERR_STATE);
	assert_non_null(strstr(g.err, "not the one outstanding"));
	rig_close(&g);
}

static void
test_bounds(void **state)
{
	static const struct tc_icc_sw bad[1] = { { 0x6100, 0xFF00 } };
	struct fake f = { 0 };
	struct rig g;
	uint8_t data[600];
	struct tc_apdu a = { 0x00, 0xDB, 0x3F, 0xFF, data, sizeof(data), 0, 0 };
	uint16_t sw;
	int i, queued;

	(void)state;
	memset(data, 0x5A, sizeof(data));
	rig_fake(&g, &f);
	/* More than a batch holds: the full queue leaves by itself. */
	for (i = 0; i < TC_STATION_BATCH_MAX + 6; i++)
		deferred(g.icc, (uint8_t)i);
	assert_int_equal(trips(&g), 1);
	assert_int_equal(f.n, TC_STATION_BATCH_MAX);
	assert_int_equal(tc_icc_flush(g.icc, NULL, 0), 0);
	assert_int_equal(f.n, TC_STATION_BATCH_MAX + 6);
	/* A chained command: each part queued, the parts with 9000. */
	f.n = 0;
	assert_int_equal(tc_icc_apdu_deferred(
			     g.icc, &a, ok9000, 1, &g.d, &sw, &queued, NULL, 0),
	    0);
	assert_true(queued);
	assert_int_equal(tc_icc_flush(g.icc, NULL, 0), 0);
	assert_int_equal(f.n, 3);
	assert_memory_equal(f.cla, "\x10\x10\x00", 3);
	/* Patterns that cannot be an optimistic answer are refused. */
	assert_int_equal(tc_icc_apdu_deferred(
			     g.icc, &a, bad, 1, &g.d, &sw, &queued, NULL, 0),
	    TC_ERR_INVALID_ARG);
	rig_close(&g);
}

/* Without a transport that batches, a deferred command is sent at once. */
static void
test_not_batching(void **state)
{
	struct fake f = { 0 };
	struct tc_apdu a = { 0x80, 0x01, 0, 0, NULL, 0, 256, 0 };
	struct tc_icc *card;
	struct tc_buf d;
	uint16_t sw = 0;
	int queued = 1;

	(void)state;
	f.fail_at = 1;
	assert_int_equal(tc_icc_new(&card, &fake_ops, &f, NULL, 0, "fake"), 0);
	tc_buf_init(&d, 64);
	assert_int_equal(tc_icc_apdu_deferred(
			     card, &a, ok9000, 1, &d, &sw, &queued, NULL, 0),
	    0);
	assert_false(queued);
	assert_int_equal(sw, 0x6A80); /* the real answer, for the caller */
	assert_int_equal(f.n, 1);
	assert_int_equal(tc_icc_flush(card, NULL, 0), 0);
	tc_buf_release(&d);
	tc_icc_close(card);
}

/*
 * A card holding an object of total bytes (byte i is i & 0xFF) that INS
 * CA answers 256 bytes at a time with 61XX and GET RESPONSE, as a T=0
 * card does; INS 0x10 is a command with no data, refused with 6A82 when
 * refuse is set.
 */
struct longcard {
	size_t total, off;
	unsigned n;
	uint8_t ins[64];
	int refuse;
};

static int
long_exchange(void *impl, const uint8_t *cmd, size_t n, uint8_t *resp,
    size_t cap, size_t *rlen, int timeout_ms, char *err, size_t errlen)
{
	struct longcard *c = impl;
	size_t k, i, ne;
	uint16_t sw = TC_SW_OK;

	(void)cap;
	(void)timeout_ms;
	(void)err;
	(void)errlen;
	if (c->n < sizeof(c->ins))
		c->ins[c->n] = cmd[1];
	c->n++;
	*rlen = 0;
	if (cmd[1] == 0xCA)
		c->off = 0;
	if (cmd[1] == 0x10 && c->refuse)
		sw = TC_SW_NOT_FOUND;
	else if (cmd[1] == 0xCA || (cmd[1] == 0xC0 && c->off < c->total)) {
		ne = n == 5 && cmd[4] != 0 ? cmd[4] : 256;
		k = c->total - c->off < ne ? c->total - c->off : ne;
		for (i = 0; i < k; i++)
			resp[i] = (uint8_t)(c->off + i);
		c->off += k;
		*rlen = k;
		if (c->off < c->total)
			sw = (uint16_t)(0x6100 |
			    (c->total - c->off >= 256 ? 0 : c->total - c->off));
	} else if (cmd[1] == 0xC0)
		sw = TC_SW_CONDITIONS;
	resp[*rlen] = (uint8_t)(sw >> 8);
	resp[*rlen + 1] = (uint8_t)sw;
	*rlen += 2;
	return 0;
}

static const struct tc_icc_ops long_ops = { .exchange = long_exchange };

/* Whether d holds the object's first n bytes. */
static int
object_ok(const struct tc_buf *d, size_t n)
{
	size_t i;

	if (d->len != n)
		return 0;
	for (i = 0; i < n; i++)
		if (d->data[i] != (uint8_t)i)
			return 0;
	return 1;
}

/*
 * Answers wanted later through the relay: a command of 600 bytes of
 * answer and a plain one leave with a deferred one in one batch (the GET
 * RESPONSE commands foreseen go with them); a card that has more than
 * foreseen is followed at once; a refused answer fails the batch, so no
 * answer of it is given.
 */
static void
test_later(void **state)
{
	static const struct tc_apdu get = { 0x00, 0xCA, 0, 0, NULL, 0, 256, 0 };
	static const struct tc_apdu plain = { 0x80, 0x10, 0, 0, NULL, 0, 0, 0 };
	struct longcard c;
	struct tc_icc *card;
	struct rig g;
	unsigned trips = 0;
	uint16_t sw = 0;
	int s1, s2;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.total = 600;
	assert_int_equal(tc_icc_new(&card, &long_ops, &c, NULL, 0, "long"), 0);
	rig_open(&g, card, 0);
	tc_buf_init(&g.d, 4096);
	assert_true(tc_icc_batches(g.icc));
	deferred(g.icc, 0x20);
	assert_int_equal(tc_icc_apdu_later(g.icc, &get, ok9000, 1, 600, &s1,
			     g.err, sizeof(g.err)),
	    0);
	assert_int_equal(tc_icc_apdu_later(g.icc, &plain, ok9000, 1, 0, &s2,
			     g.err, sizeof(g.err)),
	    0);
	assert_false(tc_icc_answered(g.icc, s1));
	assert_int_equal(tc_icc_count(g.icc), 5); /* CA and 2 GET RESPONSE */
	tc_relay_state(g.rl, &trips, NULL);
	assert_int_equal(trips, 0);
	assert_int_equal(
	    tc_icc_answer(g.icc, s2, &g.d, &sw, g.err, sizeof(g.err)), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_int_equal(g.d.len, 0);
	assert_true(tc_icc_answered(g.icc, s1));
	assert_int_equal(
	    tc_icc_answer(g.icc, s1, &g.d, &sw, g.err, sizeof(g.err)), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_true(object_ok(&g.d, 600));
	tc_relay_state(g.rl, &trips, NULL);
	assert_int_equal(trips, 1);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.ins[0], 0x20);
	assert_int_equal(c.ins[1], 0xCA);
	assert_int_equal(c.ins[2], 0xC0);
	assert_int_equal(c.ins[3], 0xC0);
	assert_int_equal(c.ins[4], 0x10);
	/* The slot is free again. */
	assert_int_equal(
	    tc_icc_answer(g.icc, s1, &g.d, &sw, NULL, 0), TC_ERR_INVALID_ARG);

	/*
	 * 300 bytes foreseen, 600 there: followed at answer, a round trip
	 * for each GET RESPONSE (256, then 44 bytes).
	 */
	tc_buf_reset(&g.d);
	assert_int_equal(tc_icc_apdu_later(g.icc, &get, ok9000, 1, 300, &s1,
			     g.err, sizeof(g.err)),
	    0);
	assert_int_equal(
	    tc_icc_answer(g.icc, s1, &g.d, &sw, g.err, sizeof(g.err)), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_true(object_ok(&g.d, 600));
	tc_relay_state(g.rl, &trips, NULL);
	assert_int_equal(trips, 4);

	/* 600 foreseen, 100 there: the GET RESPONSE too many is ignored. */
	c.total = 100;
	tc_buf_reset(&g.d);
	assert_int_equal(tc_icc_apdu_later(g.icc, &get, ok9000, 1, 600, &s1,
			     g.err, sizeof(g.err)),
	    0);
	assert_int_equal(
	    tc_icc_answer(g.icc, s1, &g.d, &sw, g.err, sizeof(g.err)), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_true(object_ok(&g.d, 100));

	/* Refused: the batch fails, the later answer is never given. */
	c.refuse = 1;
	tc_buf_reset(&g.d);
	assert_int_equal(tc_icc_apdu_later(g.icc, &plain, ok9000, 1, 0, &s2,
			     g.err, sizeof(g.err)),
	    0);
	assert_int_equal(tc_icc_apdu_later(g.icc, &get, ok9000, 1, 0, &s1,
			     g.err, sizeof(g.err)),
	    0);
	assert_int_equal(
	    tc_icc_answer(g.icc, s1, &g.d, &sw, g.err, sizeof(g.err)),
	    TC_ERR_BAD_SW);
	assert_non_null(strstr(g.err, "6A82"));
	assert_int_equal(g.d.len, 0);
	assert_int_equal(
	    tc_icc_answer(g.icc, s2, &g.d, &sw, NULL, 0), TC_ERR_BAD_SW);
	rig_close(&g);
}

/* The same calls on a transport that does not batch: answered at once. */
static void
test_later_at_once(void **state)
{
	static const struct tc_apdu get = { 0x00, 0xCA, 0, 0, NULL, 0, 256, 0 };
	struct longcard c;
	struct tc_icc *card;
	struct tc_buf d;
	uint16_t sw = 0;
	int s;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.total = 600;
	assert_int_equal(tc_icc_new(&card, &long_ops, &c, NULL, 0, "long"), 0);
	tc_buf_init(&d, 4096);
	assert_false(tc_icc_batches(card));
	assert_int_equal(
	    tc_icc_apdu_later(card, &get, ok9000, 1, 600, &s, NULL, 0), 0);
	assert_int_equal(c.n, 3);
	assert_true(tc_icc_answered(card, s));
	assert_int_equal(tc_icc_answer(card, s, &d, &sw, NULL, 0), 0);
	assert_int_equal(sw, TC_SW_OK);
	assert_true(object_ok(&d, 600));
	assert_int_equal(c.n, 3);
	tc_buf_release(&d);
	tc_icc_close(card);
}

#define TESTS(X, XF)                                                           \
	X(test_batches)                                                        \
	X(test_deferred_fails)                                                 \
	X(test_removed)                                                        \
	X(test_silent_station)                                                 \
	X(test_wrong_batch)                                                    \
	X(test_bounds)                                                         \
	X(test_not_batching)                                                   \
	X(test_later)                                                          \
	X(test_later_at_once)

TC_UNIT_MAIN(TESTS, NULL, NULL)
