/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the office's response as tcard-station reads it
 * (src/station-proto.c, tc_station_resp_parse): any bytes are parsed; a
 * refused response leaves the output zeroed with a message; a parsed one
 * holds its bounds (a batch of 1..64 commands of 4 bytes or more, each
 * with 1..4 status word patterns, and a job id; no command without a
 * batch) and survives a round trip through tc_station_resp_write.
 */
#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/station-proto.h"

static void
check_bounds(const struct tc_station_resp *p)
{
	size_t i;

	CHECK(p->batch > 0 ? p->n_cmds >= 1 && p->job[0] != '\0'
			   : p->n_cmds == 0 && p->job[0] == '\0' && !p->reset);
	CHECK(p->n_cmds <= TC_STATION_BATCH_MAX);
	CHECK(p->poll_ms >= 0 && p->poll_ms <= TC_STATION_POLL_MAX);
	for (i = 0; i < p->n_cmds; i++)
		CHECK(p->cmds[i].c.n >= 4 &&
		    p->cmds[i].c.n <= TC_STATION_CMD_MAX &&
		    p->cmds[i].n_sw >= 1 &&
		    p->cmds[i].n_sw <= TC_STATION_SW_MAX);
}

static void
check_same(const struct tc_station_resp *a, const struct tc_station_resp *b)
{
	const struct tc_station_cmd *x, *y;
	size_t i;

	CHECK(a->batch == b->batch && strcmp(a->job, b->job) == 0 &&
	    a->reset == b->reset && a->n_cmds == b->n_cmds &&
	    a->poll_ms == b->poll_ms);
	for (i = 0; i < a->n_cmds; i++) {
		x = &a->cmds[i];
		y = &b->cmds[i];
		CHECK(x->c.n == y->c.n && memcmp(x->c.p, y->c.p, x->c.n) == 0);
		CHECK(x->n_sw == y->n_sw &&
		    memcmp(x->sw, y->sw, x->n_sw * sizeof(x->sw[0])) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tc_station_resp zero;
	struct tc_station_resp p, again;
	struct tc_buf out;
	char err[512];

	if (tc_station_resp_parse(&p, data, size, err, sizeof(err)) != 0) {
		CHECK(memcmp(&p, &zero, sizeof(p)) == 0);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return 0;
	}
	check_bounds(&p);
	tc_buf_init(&out, 2 * TC_STATION_BODY_MAX);
	CHECK(tc_station_resp_write(&p, &out) == 0);
	CHECK(tc_station_resp_parse(
		  &again, out.data, out.len, err, sizeof(err)) == 0);
	check_same(&p, &again);
	tc_buf_release(&out);
	tc_station_resp_free(&p);
	tc_station_resp_free(&again);
	return 0;
}
