/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for capped zlib inflation (src/zlib.c), as the QR e-card
 * verifier uses it: the input is an untrusted zlib stream, inflated into a
 * 64 KB cap. The buffer must never be allocated past the cap (plus its
 * NUL); a failure must leave it empty with a message. A success of n
 * bytes must also fit a cap of exactly n, must fail as too large with
 * room for n - 1, and must survive deflate + inflate again unchanged.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/zlib.h"

#define CAP (64 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_buf out, z, again;
	char err[160];
	int r;

	tc_buf_init(&out, CAP);
	err[0] = '\0';
	r = tc_zlib_inflate(&out, data, size, err, sizeof(err));
	if (out.alloc > CAP + 1 || out.len > CAP)
		__builtin_trap();
	if (r != 0) {
		if (r != TC_ERR_TOO_LARGE && r != TC_ERR_TRUNCATED &&
		    r != TC_ERR_MALFORMED && r != TC_ERR_TRAILING &&
		    r != TC_ERR_UNSUPPORTED)
			__builtin_trap();
		if (out.len != 0 || err[0] == '\0')
			__builtin_trap();
		tc_buf_release(&out);
		return 0;
	}
	/* The cap is exact: the data fits a cap of its length, not less. */
	if (out.len > 0) {
		tc_buf_init(&again, out.len);
		if (tc_zlib_inflate(&again, data, size, NULL, 0) != 0 ||
		    again.len != out.len ||
		    memcmp(again.data, out.data, out.len) != 0)
			__builtin_trap();
		tc_buf_release(&again);
		/* Room for out.len - 1 bytes after one already there. */
		tc_buf_init(&again, out.len);
		if (tc_buf_put_u8(&again, '#') != 0)
			__builtin_trap();
		if (tc_zlib_inflate(&again, data, size, NULL, 0) !=
			TC_ERR_TOO_LARGE ||
		    again.alloc > out.len + 1 || again.len != 1 ||
		    again.data[0] != '#')
			__builtin_trap();
		tc_buf_release(&again);
	}

	tc_buf_init(&z, 2 * CAP);
	tc_buf_init(&again, CAP);
	if (tc_zlib_deflate(&z, out.data, out.len) != 0)
		__builtin_trap();
	if (tc_zlib_inflate(&again, z.data, z.len, NULL, 0) != 0)
		__builtin_trap();
	if (again.len != out.len ||
	    (out.len > 0 && memcmp(again.data, out.data, out.len) != 0))
		__builtin_trap();
	tc_buf_release(&out);
	tc_buf_release(&z);
	tc_buf_release(&again);
	return 0;
}
