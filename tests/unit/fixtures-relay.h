/* SPDX-License-Identifier: MIT */
/*
 * A station thread for the relay's tests (test-relay.c,
 * test-perso-relay.c): it takes the relay's batches, passes each through
 * the protocol's JSON (written and parsed back) and runs it on a card
 * (tc_station_run) until the relay ends, as tcard-issuerd's poll handler
 * and tcard-station do between them.
 */
#ifndef TC_FIXTURES_RELAY_H
#define TC_FIXTURES_RELAY_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/relay.h"

struct fx_station {
	struct tc_relay *rl;
	struct tc_icc *card;
	unsigned batches;
	int give_wrong; /* answer batch 99 instead */
	pthread_t t;
};

/*
 * The batch as the station gets it: written as the office's JSON
 * response and parsed back (patterns included).
 */
static __attribute__((unused)) void
fx_station_wire(struct tc_station_resp *b)
{
	struct tc_station_resp w;
	struct tc_buf json;
	char err[256];

	tc_buf_init(&json, 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(tc_station_resp_write(b, &json), 0);
	if (tc_station_resp_parse(&w, json.data, json.len, err, sizeof(err)) !=
	    0)
		fail_msg("the batch does not parse back: %s", err);
	tc_station_resp_free(b);
	*b = w;
	tc_buf_release(&json);
}

static __attribute__((unused)) void *
fx_station_loop(void *arg)
{
	struct fx_station *st = arg;
	struct tc_station_resp b;
	struct tc_station_req q;

	memset(&q, 0, sizeof(q));
	while (tc_relay_take(st->rl, 200, &b, NULL, 0) == 0) {
		if (b.batch == 0)
			continue;
		fx_station_wire(&b);
		st->batches++;
		if (getenv("TC_TRACE_BATCHES") != NULL) {
			size_t i;

			fprintf(stderr, "batch %u:", st->batches);
			for (i = 0; i < b.n_cmds; i++)
				fprintf(stderr, " %02X%02X", b.cmds[i].c.p[1],
				    b.cmds[i].c.p[3]);
			fprintf(stderr, "\n");
		}
		tc_station_run(st->card, &b, &q);
		tc_station_resp_free(&b);
		if (st->give_wrong)
			q.batch = 99;
		if (tc_relay_give(st->rl, &q, NULL, 0) != 0)
			break;
	}
	tc_station_req_free(&q);
	return NULL;
}

/* Starts the station of relay rl on card (both borrowed). */
static __attribute__((unused)) void
fx_station_start(
    struct fx_station *st, struct tc_relay *rl, struct tc_icc *card)
{
	memset(st, 0, sizeof(*st));
	st->rl = rl;
	st->card = card;
	assert_int_equal(pthread_create(&st->t, NULL, fx_station_loop, st), 0);
}

/* Ends the relay and waits for the station. */
static __attribute__((unused)) void
fx_station_stop(struct fx_station *st)
{
	tc_relay_cancel(st->rl, TC_ERR_STATE, "the test is over");
	pthread_join(st->t, NULL);
}

#endif
