/* SPDX-License-Identifier: MIT */
/*
 * Guessing throttles of tcard-verifierd: per client address and per card
 * number, tables of token buckets of fixed size (daemon/dthrottle.h). Such
 * a table may forget a drained bucket once its set is full of buckets
 * drained later. That is harmless for client addresses and for card
 * numbers that no card has, but not for a card being guessed: the cards of
 * the lookup snapshot are bounded by the per-card guard instead
 * (include/tcard/cardguard.h), one exact bucket per card, never evicted,
 * in memory or in a file shared by the daemons of a host.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "tcard/cardguard.h"
#include "tcard/ledger.h"
#include "dthrottle.h"
#include "vd.h"

int
vd_throttles_start(struct vd_ctx *vd, char *err, size_t errlen)
{
	const char *g = vd->conf.lookup_guard;
	char msg[1024];

	if (tc_dthrottle_new(&vd->client_tb, vd->conf.throttle_slots,
		vd->conf.client_rate, vd->conf.client_burst) != 0 ||
	    tc_dthrottle_new(&vd->card_tb, vd->conf.throttle_slots,
		vd->conf.card_rate, vd->conf.card_burst) != 0) {
		vd_err(err, errlen, "%s", "throttles: out of memory");
		return -1;
	}
	if (tc_cardguard_open(&vd->guard, g, msg, sizeof(msg)) != 0) {
		vd_err(err, errlen, "lookup-guard: %s", msg);
		return -1;
	}
	if (tc_ledger_check_modes(g, msg, sizeof(msg)) != 0)
		vd_log_event(vd, "lookup-guard", "warning", "%s", msg);
	return 0;
}

void
vd_throttles_stop(struct vd_ctx *vd)
{
	tc_cardguard_close(vd->guard);
	vd->guard = NULL;
	tc_dthrottle_free(vd->client_tb);
	tc_dthrottle_free(vd->card_tb);
	vd->client_tb = vd->card_tb = NULL;
}

/* Milliseconds of the wall clock: the clock daemons sharing a file share. */
static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned
vd_throttle_card(struct vd_ctx *vd, const struct vd_bundle *b,
    const char *card16, uint64_t serial, uint64_t now_ns, int *busy)
{
	struct tc_lookup_answer ans;
	struct tc_rate rate = vd->conf.card_rate;
	int64_t interval = rate.count > 0
	    ? (int64_t)rate.period * 1000 / rate.count
	    : (int64_t)rate.period * 1000;
	uint8_t key[8];
	unsigned wait = 0;
	char msg[512];
	int i, r;

	*busy = 0;
	if (b == NULL || b->lookup == NULL ||
	    tc_lookup_card(
		b->lookup->lk, card16, b->rev->rev, vd_now(vd), &ans) != 0 ||
	    ans.result == TC_LOOKUP_NO_MATCH) {
		/* No card has this number: the table is enough. */
		for (i = 0; i < 8; i++)
			key[i] = (uint8_t)(serial >> (8 * i));
		return tc_dthrottle_take(vd->card_tb, key, sizeof(key), now_ns);
	}
	r = tc_cardguard_take(vd->guard, serial, wall_ms(),
	    interval > 0 ? interval : 1, vd->conf.card_burst, &wait, msg,
	    sizeof(msg));
	OPENSSL_cleanse(&ans, sizeof(ans));
	if (r != 0) {
		vd_log_event(vd, "lookup-guard", "error",
		    "a card's guesses could not be counted; the lookup is refused: %s",
		    msg);
		*busy = 1;
		return 1;
	}
	if (wait != 0)
		tc_dthrottle_count_refusal(vd->card_tb);
	return wait;
}
