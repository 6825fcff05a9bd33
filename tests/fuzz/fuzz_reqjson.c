/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the JSON body parser of POST /v1/verify
 * (src/httpreq.c, tc_verify_req_parse): any bytes are parsed; a parsed
 * request must have a non-empty QR text within TC_CRED_TEXT_MAX bytes and
 * an ID within its bound, both NUL-terminated UTF-8 without control
 * characters; a refused one must leave the output zeroed.
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
	static struct tc_verify_req req;
	char err[512];

	if (tc_verify_req_parse(&req, data, size, err, sizeof(err)) != 0) {
		if (req.qrlen != 0 || req.has_id || req.qr[0] != '\0')
			abort();
		return 0;
	}
	if (req.qrlen == 0 || req.qrlen > TC_CRED_TEXT_MAX ||
	    strlen(req.qr) != req.qrlen ||
	    strlen(req.id) > TC_VERIFY_REQ_ID_MAX ||
	    req.has_id != (req.id[0] != '\0'))
		abort();
	if (tc_utf8_check((const uint8_t *)req.qr, req.qrlen, NULL) != 0 ||
	    tc_utf8_check((const uint8_t *)req.id, strlen(req.id), NULL) != 0)
		abort();
	return 0;
}
