/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the JSON body of POST /v1/services/SERVICE/redeem
 * (tc_redeem_req_parse, src/httpreq.c): any bytes; a refusal leaves the
 * request zeroed, an acceptance has exactly one of qr and tap, a party of
 * 1 to 99 and a request id that tc_request_id_ok accepts, every string
 * NUL-terminated within its array and valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/err.h"
#include "tcard/httpreq.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tc_redeem_req req;
	static const struct tc_redeem_req zero;
	char err[512];
	size_t i;

	if (tc_redeem_req_parse(&req, data, size, err, sizeof(err)) != 0) {
		if (memcmp(&req, &zero, sizeof(req)) != 0)
			abort();
		return 0;
	}
	if ((req.qrlen == 0) == (req.tap[0] == '\0') ||
	    strlen(req.qr) != req.qrlen || req.qrlen > TC_CRED_TEXT_MAX ||
	    req.party < 1 || req.party > TC_REDEEM_PARTY_MAX ||
	    !tc_request_id_ok(req.request_id))
		abort();
	if (req.tap[0] != '\0') {
		if (strlen(req.tap) != TC_REDEEM_TAP_LEN)
			abort();
		for (i = 0; i < TC_REDEEM_TAP_LEN; i++)
			if (!((req.tap[i] >= '0' && req.tap[i] <= '9') ||
				(req.tap[i] >= 'a' && req.tap[i] <= 'f')))
				abort();
	}
	if (tc_utf8_check((const uint8_t *)req.qr, req.qrlen, NULL) != 0)
		abort();
	return 0;
}
