/* SPDX-License-Identifier: MIT */
/*
 * The station's print report (docs/station.md, "Printing the face"): the
 * body of POST /v1/station/jobs/JOB/print, {"cups_job": N, "state": S,
 * "reason": T}, read by tcard-issuerd's web worker from a station
 * (hostile input: bounded, duplicate keys and unknown members refused,
 * the message names the member) and written by tcard-station. Fuzz
 * target: fuzz_station_print.
 */
#ifndef TCARD_STATION_PRINT_H
#define TCARD_STATION_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_STATION_PRINT_BODY_MAX 4096 /* bytes of the body */
#define TC_STATION_REASON_MAX	  256  /* bytes of the reason */

/* The states: the IPP job states and "failed" (submission refused). */
enum tc_station_print_state {
	TC_PRINT_PENDING = 1,
	TC_PRINT_HELD,
	TC_PRINT_PROCESSING,
	TC_PRINT_STOPPED,
	TC_PRINT_CANCELED,
	TC_PRINT_ABORTED,
	TC_PRINT_COMPLETED,
	TC_PRINT_FAILED,
};

struct tc_station_print {
	uint32_t cups_job; /* 0 only with failed */
	int state;	   /* enum tc_station_print_state */
	char reason[TC_STATION_REASON_MAX + 1]; /* UTF-8, no control, "" */
};

/*
 * Parses a report (len bytes). cups_job is 0..2^31-1 (0 only and always
 * with "failed"), state one of the names above, reason optional (a string
 * of at most TC_STATION_REASON_MAX bytes of UTF-8 without control
 * characters). Returns 0, TC_ERR_TOO_LARGE, TC_ERR_MALFORMED (err names
 * the member), TC_ERR_INVALID_ARG. On failure *out is zeroed.
 */
int tc_station_print_parse(struct tc_station_print *out /* OUT */,
    const uint8_t *body, size_t len, char *err, size_t errlen);

/* Appends the report as JSON to out. 0, TC_ERR_INVALID_ARG, TC_ERR_NOMEM. */
int tc_station_print_write(
    const struct tc_station_print *p, struct tc_buf *out);

/* The name of a state ("completed"), "" for none. */
const char *tc_station_print_state_name(int state);
/* 1 for a final state (completed, canceled, aborted, failed). */
int tc_station_print_final(int state);

#endif
