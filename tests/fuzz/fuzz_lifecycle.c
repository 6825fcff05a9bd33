/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the input parsing and date arithmetic of the card
 * lifecycle (src/registry/lifecycle.c): the input is split at the first NUL into a
 * date text and 12 bytes of numbers. Checks that a parsed date formats
 * back to the same text, that month arithmetic stays on real dates and
 * never moves an instant backwards for positive months, that ages are
 * sane, and that reason and name parsers never accept what they then do
 * not print back. No registry is needed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[64], back[TC_LIFECYCLE_DATE_LEN], err[256];
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n = nul != NULL ? (size_t)(nul - data) : size;
	enum tc_reissue_reason rr;
	int64_t v = 0;
	int32_t m = 0;
	time_t t, u;
	int age;

	memcpy(text, data, n < sizeof(text) ? n : sizeof(text) - 1);
	text[n < sizeof(text) ? n : sizeof(text) - 1] = '\0';
	if (tc_lifecycle_date_parse(text, &t, err, sizeof(err)) == 0) {
		tc_lifecycle_date(t, back);
		if (strcmp(back, text) != 0)
			abort();
		/* Midnight plus any part of the day is the same date. */
		tc_lifecycle_date(t + 86399, back);
		if (strcmp(back, text) != 0)
			abort();
		age = tc_lifecycle_age(
		    atoi(text), atoi(text + 5), atoi(text + 8), t);
		if (age != 0)
			abort();
	}
	if (tc_reissue_reason_parse(text, &rr) == 0 &&
	    strcmp(tc_reissue_reason_name(rr), text) != 0)
		abort();
	if (tc_lifecycle_revoke_reason_ok(NULL, text) &&
	    strncmp(text, "principal", 9) == 0)
		abort();
	if (nul == NULL || size - n - 1 < 12)
		return 0;
	memcpy(&v, nul + 1, 8);
	memcpy(&m, nul + 9, 4);
	m %= 12000;
	t = (time_t)(v % ((int64_t)1 << 40));
	u = tc_lifecycle_add_months(t, m);
	tc_lifecycle_date(u, back);
	if (t > -60000000000LL && t < 250000000000LL && m > 0 && u <= t &&
	    u < 253402300799LL)
		abort();
	(void)tc_lifecycle_age((int)(v & 0xffff), (int)((v >> 16) & 0xff),
	    (int)((v >> 24) & 0xff), t);
	return 0;
}
