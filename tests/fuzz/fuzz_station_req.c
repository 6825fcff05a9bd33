/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the station's request as tcard-issuerd reads it
 * (src/station-proto.c, tc_station_req_parse): any bytes are parsed; a
 * refused request leaves the output zeroed with a message; a parsed one
 * holds its bounds (ATR with a card present only, answers of 2 bytes or
 * more with a batch only, a stop reason with a batch only) and survives a
 * round trip through tc_station_req_write unchanged.
 */
#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/station-proto.h"

static void
check_bounds(const struct tc_station_req *q)
{
	size_t i;

	CHECK(q->present ? q->atr_len >= 2 && q->atr_len <= TC_STATION_ATR_MAX
			 : q->atr_len == 0);
	CHECK(q->batch > 0 || (q->n_answers == 0 && q->stop == 0));
	CHECK(q->n_answers <= TC_STATION_BATCH_MAX);
	CHECK(q->stop >= 0 && q->stop <= TC_STATION_STOP_TIMEOUT);
	CHECK(q->wait_ms >= 0 && q->wait_ms <= TC_STATION_WAIT_MAX);
	for (i = 0; i < q->n_answers; i++)
		CHECK(q->answers[i].n >= 2 &&
		    q->answers[i].n <= TC_STATION_ANS_MAX);
}

static void
check_same(const struct tc_station_req *a, const struct tc_station_req *b)
{
	size_t i;

	CHECK(a->present == b->present && a->insert == b->insert &&
	    a->atr_len == b->atr_len && a->batch == b->batch &&
	    a->n_answers == b->n_answers && a->stop == b->stop &&
	    a->wait_ms == b->wait_ms);
	CHECK(memcmp(a->atr, b->atr, a->atr_len) == 0);
	for (i = 0; i < a->n_answers; i++)
		CHECK(a->answers[i].n == b->answers[i].n &&
		    memcmp(a->answers[i].p, b->answers[i].p, a->answers[i].n) ==
			0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tc_station_req zero;
	struct tc_station_req q, again;
	struct tc_buf out;
	char err[512];

	if (tc_station_req_parse(&q, data, size, err, sizeof(err)) != 0) {
		CHECK(memcmp(&q, &zero, sizeof(q)) == 0);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return 0;
	}
	check_bounds(&q);
	tc_buf_init(&out, 2 * TC_STATION_BODY_MAX);
	CHECK(tc_station_req_write(&q, &out) == 0);
	CHECK(tc_station_req_parse(
		  &again, out.data, out.len, err, sizeof(err)) == 0);
	check_same(&q, &again);
	tc_buf_release(&out);
	tc_station_req_free(&q);
	tc_station_req_free(&again);
	return 0;
}
