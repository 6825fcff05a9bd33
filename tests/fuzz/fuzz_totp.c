/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the TOTP inputs (src/base32.c, src/totp.c): the bytes are
 * taken as a Base32 secret (decoded; a decoded text re-encodes to the input
 * but for case and padding; a refused one leaves the buffer as it was and
 * says why), as a TOTP secret for tc_totp_secret_parse, as the one-time
 * code of a login (tc_totp_check answers only "accepted", "malformed" or
 * "wrong", and accepts exactly the codes of its window), and as an account
 * name of the otpauth:// URI.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/base32.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/totp.h"

static const uint8_t key[] = "12345678901234567890";
#define KEYLEN 20
#define NOW    1111111111

static void
fuzz_base32(const uint8_t *data, size_t size)
{
	struct tc_buf d, e;
	char err[160];
	size_t i, n;
	int r;

	tc_buf_init(&d, 16 * 1024);
	tc_buf_init(&e, 32 * 1024);
	err[0] = '\0';
	r = tc_base32_decode(&d, (const char *)data, size, err, sizeof(err));
	if (r == 0) {
		for (n = size; n > 0 && data[n - 1] == '='; n--)
			;
		if (tc_base32_encode(&e, d.data, d.len) != 0 || e.len != n)
			__builtin_trap();
		for (i = 0; i < n; i++)
			if ((data[i] & ~0x20) != (e.data[i] & ~0x20))
				__builtin_trap();
	} else
		fuzz_decode_refused(r, d.len, err);
	tc_buf_release(&d);
	tc_buf_release(&e);
}

static void
fuzz_check(const char *code, size_t len)
{
	char want[TC_TOTP_DIGITS_MAX + 1], err[160];
	int64_t m = -7, s;
	int r, digits = len == TC_TOTP_DIGITS, match = 0;
	size_t i;

	for (i = 0; i < len && digits; i++)
		digits = code[i] >= '0' && code[i] <= '9';
	err[0] = '\0';
	r = tc_totp_check(
	    key, KEYLEN, code, NOW, 1, TC_TOTP_NO_STEP, &m, err, sizeof(err));
	if (!digits) {
		if (r != TC_ERR_MALFORMED || m != -7 || err[0] == '\0')
			__builtin_trap();
		return;
	}
	for (s = NOW / 30 - 1; s <= NOW / 30 + 1; s++) {
		if (tc_totp_code(key, KEYLEN, (time_t)(s * 30), 6, want) != 0)
			__builtin_trap();
		match |= strcmp(want, code) == 0;
	}
	if (match ? (r != 0 || m < NOW / 30 - 1 || m > NOW / 30 + 1)
		  : (r != TC_ERR_AUTH || m != -7))
		__builtin_trap();
	/* The same code again, with its step recorded, is a replay. */
	if (r == 0 &&
	    tc_totp_check(key, KEYLEN, code, NOW, 1, NOW / 30 + 1, NULL, NULL,
		0) != TC_ERR_STALE)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_buf u;
	uint8_t k[TC_TOTP_KEY_MAX];
	size_t klen = 0;
	char *text, err[160];
	int r;

	fuzz_base32(data, size);
	if (size > 64 * 1024 || (text = fuzz_cstr(data, size)) == NULL)
		return 0;
	/* As C strings the text ends at its first NUL. */
	fuzz_check(text, strlen(text));

	r = tc_totp_secret_parse(text, k, &klen, err, sizeof(err));
	if (r == 0 ? klen < TC_TOTP_KEY_MIN || klen > TC_TOTP_KEY_MAX
		   : klen != 0)
		__builtin_trap();

	tc_buf_init(&u, 4096);
	r = tc_totp_uri(&u, "talentcard", text,
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", err, sizeof(err));
	if (r == 0 ? memcmp(u.data, "otpauth://totp/talentcard:", 26) != 0
		   : u.len != 0)
		__builtin_trap();
	tc_buf_release(&u);
	free(text);
	return 0;
}
