/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for Base45 (src/base45.c). The input is taken as QR text and
 * decoded; when decoding succeeds, encoding the bytes again must give the
 * input back exactly (the strict decoder accepts only canonical text, so
 * there is nothing to normalise). When it fails, the output buffer must be
 * as it was and a message must say why. The input is also taken as bytes,
 * encoded and decoded back.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/base45.h"
#include "tcard/buf.h"
#include "tcard/err.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_buf d, e;
	char err[128];
	int r;

	tc_buf_init(&d, 64 * 1024);
	tc_buf_init(&e, 128 * 1024);
	err[0] = '\0';
	r = tc_base45_decode(&d, (const char *)data, size, err, sizeof(err));
	if (r == 0) {
		if (d.len != size / 3 * 2 + (size % 3 == 2))
			__builtin_trap();
		if (tc_base45_encode(&e, d.data, d.len) != 0)
			__builtin_trap();
		if (e.len != size || memcmp(e.data, data, size) != 0)
			__builtin_trap();
	} else
		fuzz_decode_refused(r, d.len, err);

	/* Bytes -> text -> bytes. */
	tc_buf_reset(&d);
	tc_buf_reset(&e);
	if (size <= 64 * 1024) {
		if (tc_base45_encode(&e, data, size) != 0 ||
		    e.len != TC_BASE45_ENCODED_LEN(size))
			__builtin_trap();
		if (tc_base45_decode(
			&d, (const char *)e.data, e.len, NULL, 0) != 0)
			__builtin_trap();
		if (d.len != size ||
		    (size > 0 && memcmp(d.data, data, size) != 0))
			__builtin_trap();
	}
	tc_buf_release(&d);
	tc_buf_release(&e);
	return 0;
}
