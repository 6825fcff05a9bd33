/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of TOTP (src/totp.c): the RFC 4226 appendix D HOTP values and
 * the RFC 6238 appendix B TOTP values (the SHA-1 column, 8 digits, and the
 * same at 6 digits); tc_totp_check's window, replay refusal and code syntax;
 * new secrets and their Base32 text; the otpauth:// URI with ASCII and
 * Chinese names, its refusals, and its QR code as SVG and as a PNG that
 * zbar reads back to the same URI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <zbar.h>

#include "fixtures-png.h"
#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/qr.h"
#include "tcard/totp.h"

/* RFC 4226 appendix D and RFC 6238 appendix B: the SHA-1 secret. */
static const uint8_t rfc_key[] = "12345678901234567890";
#define RFC_KEYLEN  20
#define RFC_KEY_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void
test_hotp_rfc4226(void **state)
{
	static const uint32_t want[10] = { 755224, 287082, 359152, 969429,
		338314, 254676, 287922, 162583, 399871, 520489 };
	uint32_t code;
	uint64_t c;

	(void)state;
	for (c = 0; c < 10; c++) {
		assert_int_equal(
		    tc_totp_hotp(rfc_key, RFC_KEYLEN, c, 6, &code), 0);
		assert_int_equal(code, want[c]);
	}
	/* Bad arguments. */
	assert_int_equal(
	    tc_totp_hotp(rfc_key, RFC_KEYLEN, 0, 5, &code), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_hotp(rfc_key, RFC_KEYLEN, 0, 9, &code), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_hotp(rfc_key, 15, 0, 6, &code), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_hotp(NULL, RFC_KEYLEN, 0, 6, &code), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_hotp(rfc_key, RFC_KEYLEN, 0, 6, NULL), TC_ERR_INVALID_ARG);
}

/* At time t the 8-digit code is code8, the 6-digit one its last six. */
static void
rfc6238_code(int64_t t, const char *code8)
{
	char out[TC_TOTP_DIGITS_MAX + 1];

	assert_int_equal(
	    tc_totp_code(rfc_key, RFC_KEYLEN, (time_t)t, 8, out), 0);
	assert_string_equal(out, code8);
	assert_int_equal(
	    tc_totp_code(rfc_key, RFC_KEYLEN, (time_t)t, 6, out), 0);
	assert_string_equal(out, code8 + 2);
}

static void
test_totp_rfc6238(void **state)
{
	char out[TC_TOTP_DIGITS_MAX + 1];

	(void)state;
	/* RFC 6238 appendix B, SHA-1 column. */
	rfc6238_code(59, "94287082");
	rfc6238_code(1111111109, "07081804");
	rfc6238_code(1111111111, "14050471");
	rfc6238_code(1234567890, "89005924");
	rfc6238_code(2000000000, "69279037");
	rfc6238_code(20000000000, "65353130");
	assert_int_equal(
	    tc_totp_code(rfc_key, RFC_KEYLEN, -1, 6, out), TC_ERR_INVALID_ARG);
	assert_string_equal(out, "");
}

/* The 6-digit code of step s under the RFC key. */
static void
code_at_step(int64_t s, char out[TC_TOTP_DIGITS_MAX + 1])
{
	assert_int_equal(tc_totp_code(rfc_key, RFC_KEYLEN,
			     (time_t)(s * TC_TOTP_PERIOD), 6, out),
	    0);
}

static void
test_check_window_and_replay(void **state)
{
	const time_t now = 1111111111; /* step 37037037, 1 s into it */
	const int64_t step = 37037037;
	char code[TC_TOTP_DIGITS_MAX + 1], msg[200];
	int64_t m;
	int d;

	(void)state;
	/* This step and one either side, with the default window. */
	for (d = -1; d <= 1; d++) {
		code_at_step(step + d, code);
		m = -7;
		assert_int_equal(
		    tc_totp_check(rfc_key, RFC_KEYLEN, code, now,
			TC_TOTP_WINDOW, TC_TOTP_NO_STEP, &m, msg, sizeof(msg)),
		    0);
		assert_int_equal(m, step + d);
	}
	/* Two steps away: refused with window 1, taken with window 2. */
	for (d = -2; d <= 2; d += 4) {
		code_at_step(step + d, code);
		m = -7;
		assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, now,
				     1, TC_TOTP_NO_STEP, &m, msg, sizeof(msg)),
		    TC_ERR_AUTH);
		assert_string_equal(
		    msg, "the one-time code is wrong or its time has passed");
		assert_int_equal(m, -7);
		assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, now,
				     2, TC_TOTP_NO_STEP, &m, NULL, 0),
		    0);
		assert_int_equal(m, step + d);
	}
	/* Window 0: this step only. */
	code_at_step(step - 1, code);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, now, 0,
			     TC_TOTP_NO_STEP, &m, NULL, 0),
	    TC_ERR_AUTH);
	code_at_step(step, code);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, now, 0,
			     TC_TOTP_NO_STEP, NULL, NULL, 0),
	    0);

	/* Replay: the step already used, or one before it, is refused. */
	code_at_step(step, code);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, now, 1, step,
			     &m, msg, sizeof(msg)),
	    TC_ERR_STALE);
	assert_string_equal(
	    msg, "the one-time code was already used; wait for the next one");
	code_at_step(step - 1, code);
	assert_int_equal(
	    tc_totp_check(rfc_key, RFC_KEYLEN, code, now, 1, step, &m, NULL, 0),
	    TC_ERR_STALE);
	/* The next step's code is still taken after this one was used. */
	code_at_step(step + 1, code);
	m = -7;
	assert_int_equal(
	    tc_totp_check(rfc_key, RFC_KEYLEN, code, now, 1, step, &m, NULL, 0),
	    0);
	assert_int_equal(m, step + 1);
	/* A code used at step - 1 leaves this step's open. */
	code_at_step(step, code);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, now, 1,
			     step - 1, &m, NULL, 0),
	    0);
	assert_int_equal(m, step);

	/* Near the epoch the window does not go below step 0. */
	code_at_step(0, code);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, 5, 1,
			     TC_TOTP_NO_STEP, &m, NULL, 0),
	    0);
	assert_int_equal(m, 0);
}

/*
 * The code is malformed: refused with a message (msg, when not NULL), the
 * matched step left alone.
 */
static void
syntax_refused(const char *code, const char *msg)
{
	char got[200] = "";
	int64_t m = -7;

	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, code, 1111111111, 1,
			     TC_TOTP_NO_STEP, &m, got, sizeof(got)),
	    TC_ERR_MALFORMED);
	assert_true(got[0] != '\0');
	if (msg != NULL)
		assert_string_equal(got, msg);
	assert_int_equal(m, -7);
}

/* Codes that are not exactly six ASCII digits, and bad arguments. */
static void
test_check_syntax(void **state)
{
	char msg[200];
	int64_t m = -7;

	(void)state;
	syntax_refused(
	    "", "the one-time code has 0 characters; it is exactly 6 digits");
	syntax_refused("12345",
	    "the one-time code has 5 characters; it is exactly 6 digits");
	syntax_refused("1234567",
	    "the one-time code has 7 characters; it is exactly 6 digits");
	syntax_refused("12a456",
	    "one-time code character 2 is not a digit 0-9; the code is exactly 6 digits");
	syntax_refused(" 123456",
	    "one-time code character 0 is not a digit 0-9; the code is exactly 6 digits");
	syntax_refused("123 456",
	    "one-time code character 3 is not a digit 0-9; the code is exactly 6 digits");
	syntax_refused("123456\n",
	    "the one-time code has 7 characters; it is exactly 6 digits");
	syntax_refused("-12345", NULL);
	syntax_refused("+12345", NULL);
	syntax_refused("\xef\xbc\x91\xef\xbc\x92", NULL); /* full-width 1 2 */
	syntax_refused(
	    "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
	    "the one-time code has over 64 characters; it is exactly 6 digits");
	assert_int_equal(
	    tc_totp_check(NULL, RFC_KEYLEN, "123456", 0, 1, -1, &m, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_check(rfc_key, RFC_KEYLEN, NULL, 0, 1, -1, &m, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_check(rfc_key, 8, "123456", 0, 1, -1, &m, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(msg, "the TOTP key is 8 bytes; 16 to 64 expected");
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, "123456", 0, 11, -1,
			     &m, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, "123456", 0, -1, -1,
			     &m, NULL, 0),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_totp_check(rfc_key, RFC_KEYLEN, "123456", -30, 1,
			     -1, &m, NULL, 0),
	    TC_ERR_INVALID_ARG);
}

static void
test_secret(void **state)
{
	uint8_t a[TC_TOTP_SECRET_LEN], b[TC_TOTP_SECRET_LEN];
	uint8_t key[TC_TOTP_KEY_MAX];
	char text[TC_TOTP_SECRET_B32_LEN + 1], msg[200];
	size_t keylen = 99;

	(void)state;
	assert_int_equal(tc_totp_secret_new(a), 0);
	assert_int_equal(tc_totp_secret_new(b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(tc_totp_secret_new(NULL), TC_ERR_INVALID_ARG);

	tc_totp_secret_text(rfc_key, text);
	assert_string_equal(text, RFC_KEY_B32);
	tc_totp_secret_text(a, text);
	assert_int_equal(strlen(text), TC_TOTP_SECRET_B32_LEN);
	assert_int_equal(
	    tc_totp_secret_parse(text, key, &keylen, msg, sizeof(msg)), 0);
	assert_int_equal(keylen, TC_TOTP_SECRET_LEN);
	assert_memory_equal(key, a, sizeof(a));

	/* Lower case and padding are taken; 10 bytes are too few. */
	assert_int_equal(
	    tc_totp_secret_parse(
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq", key, &keylen, NULL, 0),
	    0);
	assert_memory_equal(key, rfc_key, RFC_KEYLEN);
	assert_int_equal(
	    tc_totp_secret_parse(
		"GEZDGNBVGY3TQOJQGEZDGNBVGY======", key, &keylen, NULL, 0),
	    0);
	assert_int_equal(keylen, 16);
	assert_memory_equal(key, "1234567890123456", 16);
	assert_int_equal(tc_totp_secret_parse("JBSWY3DPEHPK3PXP", key, &keylen,
			     msg, sizeof(msg)),
	    TC_ERR_RANGE);
	assert_string_equal(
	    msg, "the TOTP secret is 10 bytes; 16 to 64 expected");
	assert_int_equal(keylen, 0);
	assert_int_equal(tc_totp_secret_parse("GEZDGNBVGY3TQOJ1", key, &keylen,
			     msg, sizeof(msg)),
	    TC_ERR_BAD_ENCODING);
	assert_string_equal(
	    msg, "character 15: '1' is not in the Base32 alphabet");
	assert_int_equal(tc_totp_secret_parse(NULL, key, &keylen, NULL, 0),
	    TC_ERR_INVALID_ARG);
}

static void
test_uri(void **state)
{
	struct tc_buf b;
	struct tc_qr qr;
	char msg[200], *back;
	char longname[TC_TOTP_NAME_MAX + 2];

	(void)state;
	tc_buf_init(&b, 0);
	assert_int_equal(
	    tc_totp_uri(&b, "Example Co", "alice@example.com",
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq", msg, sizeof(msg)),
	    0);
	assert_string_equal((const char *)b.data,
	    "otpauth://totp/Example%20Co:alice%40example.com?secret=" RFC_KEY_B32
	    "&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30");
	tc_buf_reset(&b);

	/* UTF-8 names, percent-encoded byte by byte; appended to what is there. */
	assert_int_equal(tc_buf_puts(&b, ">"), 0);
	assert_int_equal(tc_totp_uri(&b, "天河区人社局", "张 三", RFC_KEY_B32,
			     msg, sizeof(msg)),
	    0);
	assert_string_equal((const char *)b.data,
	    ">otpauth://totp/"
	    "%E5%A4%A9%E6%B2%B3%E5%8C%BA%E4%BA%BA%E7%A4%BE%E5%B1%80:"
	    "%E5%BC%A0%20%E4%B8%89?secret=" RFC_KEY_B32 "&issuer="
	    "%E5%A4%A9%E6%B2%B3%E5%8C%BA%E4%BA%BA%E7%A4%BE%E5%B1%80"
	    "&algorithm=SHA1&digits=6&period=30");

	/* The enrolment QR: it encodes, as SVG and as a PNG zbar reads. */
	assert_int_equal(
	    tc_qr_encode(&qr, (const char *)b.data + 1, msg, sizeof(msg)), 0);
	tc_buf_reset(&b);
	assert_int_equal(tc_qr_svg(&b, &qr, msg, sizeof(msg)), 0);
	assert_non_null(strstr((const char *)b.data, "<svg"));
	assert_non_null(strstr((const char *)b.data, "<path"));
	tc_buf_reset(&b);
	assert_int_equal(tc_qr_png(&b, &qr, 4, msg, sizeof(msg)), 0);
	back = fx_zbar_read(&b);
	assert_non_null(back);
	assert_string_equal(back,
	    "otpauth://totp/"
	    "%E5%A4%A9%E6%B2%B3%E5%8C%BA%E4%BA%BA%E7%A4%BE%E5%B1%80:"
	    "%E5%BC%A0%20%E4%B8%89?secret=" RFC_KEY_B32 "&issuer="
	    "%E5%A4%A9%E6%B2%B3%E5%8C%BA%E4%BA%BA%E7%A4%BE%E5%B1%80"
	    "&algorithm=SHA1&digits=6&period=30");
	free(back);
	tc_qr_release(&qr);
	tc_buf_reset(&b);

	/* Refusals leave the buffer as it was. */
	assert_int_equal(tc_buf_puts(&b, "keep"), 0);
	assert_int_equal(
	    tc_totp_uri(&b, "A:B", "x", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(msg,
	    "the TOTP issuer name has a ':' at byte 1 (the separator of the otpauth label)");
	assert_int_equal(
	    tc_totp_uri(&b, "A", "", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(msg, "the TOTP account name is empty");
	assert_int_equal(
	    tc_totp_uri(&b, "A", "x\ny", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(
	    msg, "the TOTP account name has a control character at byte 1");
	assert_int_equal(
	    tc_totp_uri(&b, "A\xc2\x85", "x", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_totp_uri(&b, "A\xe5\xa4", "x", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_BAD_ENCODING);
	assert_string_equal(msg, "the TOTP issuer name is not UTF-8 at byte 1");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(
	    tc_totp_uri(&b, longname, "x", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_string_equal(
	    msg, "the TOTP issuer name is 129 bytes; at most 128");
	assert_int_equal(
	    tc_totp_uri(&b, "A", "x", "JBSWY3DPEHPK3PXP", msg, sizeof(msg)),
	    TC_ERR_RANGE);
	assert_int_equal(
	    tc_totp_uri(&b, "A", "x", "GEZ DGNBV", msg, sizeof(msg)),
	    TC_ERR_BAD_ENCODING);
	assert_int_equal(tc_totp_uri(&b, "A", "x", NULL, msg, sizeof(msg)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(b.len, 4);
	assert_string_equal((const char *)b.data, "keep");
	tc_buf_release(&b);

	/* The longest names fit a QR code. */
	tc_buf_init(&b, 0);
	longname[TC_TOTP_NAME_MAX] = '\0';
	memset(longname, '/', TC_TOTP_NAME_MAX);
	assert_int_equal(
	    tc_totp_uri(&b, longname, longname, RFC_KEY_B32, msg, sizeof(msg)),
	    0);
	assert_true(b.len <= TC_QR_MAX_TEXT);
	assert_int_equal(
	    tc_qr_encode(&qr, (const char *)b.data, msg, sizeof(msg)), 0);
	tc_qr_release(&qr);
	tc_buf_release(&b);

	/* Too small a cap: refused, buffer as it was. */
	tc_buf_init(&b, 40);
	assert_int_equal(
	    tc_totp_uri(&b, "A", "x", RFC_KEY_B32, msg, sizeof(msg)),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(b.len, 0);
	assert_int_equal(tc_buf_error(&b), 0);
	tc_buf_release(&b);
}

#define TESTS(X, XF)                                                           \
	X(test_hotp_rfc4226)                                                   \
	X(test_totp_rfc6238)                                                   \
	X(test_check_window_and_replay)                                        \
	X(test_check_syntax)                                                   \
	X(test_secret)                                                         \
	X(test_uri)

TC_UNIT_MAIN(TESTS, NULL, NULL)
