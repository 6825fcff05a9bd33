/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the station's print report as tcard-issuerd reads it
 * (src/station-print.c, tc_station_print_parse): any bytes are parsed; a
 * refused report leaves the output zeroed with a message; a parsed one
 * holds its bounds (a known state, cups_job 0 exactly with "failed", a
 * reason of plain text within its bound) and survives a round trip
 * through tc_station_print_write unchanged.
 */
#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/station-print.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tc_station_print zero;
	struct tc_station_print p, again;
	struct tc_buf out;
	char err[512];

	if (tc_station_print_parse(&p, data, size, err, sizeof(err)) != 0) {
		CHECK(memcmp(&p, &zero, sizeof(p)) == 0);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return 0;
	}
	CHECK(p.state >= TC_PRINT_PENDING && p.state <= TC_PRINT_FAILED);
	CHECK((p.cups_job == 0) == (p.state == TC_PRINT_FAILED));
	CHECK(p.cups_job <= INT32_MAX);
	CHECK(strlen(p.reason) <= TC_STATION_REASON_MAX);
	tc_buf_init(&out, 2 * TC_STATION_PRINT_BODY_MAX);
	CHECK(tc_station_print_write(&p, &out) == 0);
	CHECK(tc_station_print_parse(
		  &again, out.data, out.len, err, sizeof(err)) == 0);
	CHECK(again.cups_job == p.cups_job && again.state == p.state &&
	    strcmp(again.reason, p.reason) == 0);
	tc_buf_release(&out);
	return 0;
}
