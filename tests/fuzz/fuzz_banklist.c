/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the bank's production results (src/banklist.c,
 * tc_banklist_parse): besides "no crash", every refusal has a message
 * and no output, and every result is a valid card number, "made" without
 * a reason or "failed" with one, on a line after the header, no card
 * twice. Seed corpus: tests/fuzz/corpus/banklist/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/banklist.h"
#include "tcard/cardno.h"
#include "tcard/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_banklist_result *res = NULL;
	char err[512] = "", norm[17];
	size_t n = 99, i, j;
	int r;

	r = tc_banklist_parse(
	    (const char *)data, size, &res, &n, err, sizeof(err));
	if (r != 0) {
		CHECK(res == NULL && n == 0 && err[0] != '\0');
		return 0;
	}
	CHECK(res != NULL && n >= 1 && n <= TC_BANKLIST_MAX);
	for (i = 0; i < n; i++) {
		CHECK(res[i].line >= 2);
		CHECK(i == 0 || res[i].line > res[i - 1].line);
		CHECK(tc_cardno_parse(
			  res[i].card_no, NULL, NULL, norm, NULL, 0) == 0 &&
		    strcmp(norm, res[i].card_no) == 0);
		CHECK(res[i].made ? res[i].reason[0] == '\0'
				  : res[i].reason[0] != '\0');
		for (j = 0; j < i && n < 200; j++)
			CHECK(strcmp(res[i].card_no, res[j].card_no) != 0);
	}
	free(res);
	return 0;
}
