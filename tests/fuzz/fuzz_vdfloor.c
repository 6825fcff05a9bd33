/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the rollback floor file of tcard-verifierd
 * (src/vdfloor.c): any bytes are parsed; a refused file must leave the
 * floor zeroed, and an accepted one must be written back to a text the
 * parser reads to the same floor (the writer and the parser agree).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/vdfloor.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tc_vdfloor zero;
	struct tc_vdfloor f, g;
	char text[TC_VDFLOOR_TEXT_MAX], err[256];

	if (tc_vdfloor_parse(&f, (const char *)data, size, err, sizeof(err)) !=
	    0) {
		if (memcmp(&f, &zero, sizeof(f)) != 0 ||
		    strnlen(err, sizeof(err)) == sizeof(err))
			abort();
		return 0;
	}
	if (f.trust_issued_at < 0 ||
	    tc_vdfloor_format(&f, text, sizeof(text)) != 0 ||
	    tc_vdfloor_parse(&g, text, strlen(text), err, sizeof(err)) != 0 ||
	    memcmp(&f, &g, sizeof(f)) != 0)
		abort();
	return 0;
}
