/* SPDX-License-Identifier: MIT */
/*
 * ISO/IEC 7816-4 command APDUs (section 5.1): building them in the short or
 * the extended form, parsing them strictly (the card emulator parses what
 * vpcd hands it), and the status words the project meets, with a text for
 * each. A response is its data followed by SW1 SW2; struct tc_icc
 * (include/tcard/pcsc.h) splits them.
 *
 * Forms, with Nc the number of data bytes and Ne the number of bytes
 * expected (Le):
 *   case 1   CLA INS P1 P2
 *   case 2S  CLA INS P1 P2 Le              Le 00 means 256
 *   case 3S  CLA INS P1 P2 Lc data         Lc 01..FF
 *   case 4S  CLA INS P1 P2 Lc data Le
 *   case 2E  CLA INS P1 P2 00 Le1 Le2      0000 means 65536
 *   case 3E  CLA INS P1 P2 00 Lc1 Lc2 data Lc 0001..FFFF
 *   case 4E  CLA INS P1 P2 00 Lc1 Lc2 data Le1 Le2
 */
#ifndef TCARD_APDU_H
#define TCARD_APDU_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_APDU_SHORT_NC 255   /* most data bytes of a short command */
#define TC_APDU_SHORT_NE 256   /* most bytes a short Le asks for */
#define TC_APDU_EXT_NC	 65535 /* most data bytes of an extended command */
#define TC_APDU_EXT_NE	 65536 /* most bytes an extended Le asks for */
#define TC_APDU_MAX	 (4 + 3 + TC_APDU_EXT_NC + 2) /* longest command */
#define TC_APDU_RESP_MAX (TC_APDU_EXT_NE + 2)	      /* longest response */

/* Status words (SW1 SW2). */
#define TC_SW_OK		 0x9000
#define TC_SW_BYTES_LEFT	 0x6100 /* 61XX: XX more bytes (00: 256 or more) */
#define TC_SW_WRONG_LE		 0x6C00 /* 6CXX: resend with Le XX */
#define TC_SW_WARN_NVM		 0x6281
#define TC_SW_MEMORY_FAILURE	 0x6581
#define TC_SW_WRONG_LENGTH	 0x6700
#define TC_SW_CLA_FUNC		 0x6800
#define TC_SW_CHAINING		 0x6884 /* command chaining not supported */
#define TC_SW_SECURITY		 0x6982 /* security status not satisfied */
#define TC_SW_AUTH_BLOCKED	 0x6983
#define TC_SW_DATA_INVALID	 0x6984
#define TC_SW_CONDITIONS	 0x6985 /* conditions of use not satisfied */
#define TC_SW_SM_MISSING	 0x6987
#define TC_SW_SM_INCORRECT	 0x6988
#define TC_SW_WRONG_DATA	 0x6A80
#define TC_SW_FUNC_NOT_SUPPORTED 0x6A81
#define TC_SW_NOT_FOUND		 0x6A82
#define TC_SW_NO_SPACE		 0x6A84
#define TC_SW_WRONG_P1P2	 0x6A86
#define TC_SW_REF_NOT_FOUND	 0x6A88
#define TC_SW_INS_UNKNOWN	 0x6D00
#define TC_SW_CLA_UNKNOWN	 0x6E00
#define TC_SW_UNKNOWN		 0x6F00

/*
 * A command APDU. data is borrowed (NULL when nc is 0). ne is the number of
 * bytes asked for: 0 means no Le field, 1..256 fit a short Le, up to 65536
 * an extended one.
 */
struct tc_apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t nc;
	size_t ne;
	int extended; /* parse: the command used the extended form */
};

/*
 * Appends the encoding of a to out: the short form when nc <= 255 and
 * ne <= 256, otherwise the extended form, which only allow_extended
 * permits. Returns 0, TC_ERR_INVALID_ARG (nc over 65535, ne over 65536,
 * data NULL with nc > 0), TC_ERR_TOO_LARGE (the extended form is needed
 * but not allowed, or out's cap) or TC_ERR_NOMEM. On failure out is as it
 * was.
 */
int tc_apdu_encode(
    struct tc_buf *out, const struct tc_apdu *a, int allow_extended);

/*
 * Parses the command APDU in the n bytes at p into *a (data points into
 * p). Every case of ISO/IEC 7816-4 is told apart by its length alone, as
 * the standard says; Lc 0 in the short form, an extended Lc of 0000 and
 * bytes left over are refused. Returns 0, TC_ERR_TRUNCATED (fewer than 4
 * bytes) or TC_ERR_MALFORMED (a length that matches no case), with err
 * naming the byte offset.
 */
int tc_apdu_parse(struct tc_apdu *a /* OUT */, const uint8_t *p, size_t n,
    char *err, size_t errlen);

/*
 * A short English text of sw ("file or application not found"), never
 * NULL: 61XX, 6CXX and 63CX are described by their class.
 */
const char *tc_sw_text(uint16_t sw);

/* Nonzero for the status words of success: 9000 and the 61XX family. */
int tc_sw_ok(uint16_t sw);

#endif
