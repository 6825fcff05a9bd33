/* SPDX-License-Identifier: MIT */
/*
 * BER-TLV data objects as ISO/IEC 7816-4 ("BER-TLV data objects") and EMV
 * (Book 3, Annex B) use them on smart cards: parsing with hard limits, and
 * building with minimal lengths.
 *
 * Tag: 1 to 3 bytes, kept in a uint32_t as its raw bytes (5F C1 02 is
 * 0x5FC102, 7F 49 is 0x7F49, 53 is 0x53). Bits 8-7 of the first byte are
 * the class, bit 6 says constructed; low five bits 11111 mean more tag
 * bytes follow, and each later byte with bit 8 set means another follows.
 * A second tag byte of 0x80 (leading zero bits) and a fourth tag byte are
 * refused. Second bytes 0x00-0x1E are accepted, as EMV uses them (9F02).
 * Length: definite only: 0x00-0x7F; 0x81 XX; 0x82 XX XX; 0x83 XX XX XX.
 * Value: at most TC_TLV_MAX_LEN bytes. Nesting: at most TC_TLV_MAX_DEPTH
 * levels, the top level being level 1.
 * Padding: bytes 0x00 and 0xFF before, between and after data objects
 * (ISO/IEC 7816-4 allows them there; neither is a valid first tag byte) are
 * skipped.
 *
 * Parsing never copies: values point into the input, which the caller keeps.
 */
#ifndef TCARD_TLV_H
#define TCARD_TLV_H

#include <stddef.h>
#include <stdint.h>

#include "tcard/buf.h"

#define TC_TLV_MAX_DEPTH 8     /* levels of nesting; top level is 1 */
#define TC_TLV_MAX_LEN	 65535 /* bytes in one value */

/* tc_tlv_next() found no data object: only padding, or nothing, was left. */
#define TC_TLV_END 1

/* Classes (bits 8-7 of the first tag byte). */
#define TC_TLV_UNIVERSAL   0
#define TC_TLV_APPLICATION 1
#define TC_TLV_CONTEXT	   2
#define TC_TLV_PRIVATE	   3

struct tc_tlv {
	uint32_t tag;	      /* raw tag bytes, e.g. 0x7F49 */
	int cls;	      /* TC_TLV_UNIVERSAL .. TC_TLV_PRIVATE */
	int constructed;      /* 1 when bit 6 of the first tag byte is set */
	const uint8_t *value; /* borrowed: points into the parsed input */
	size_t len;	      /* bytes of value */
	size_t hdrlen;	      /* bytes of tag and length; value - hdrlen is
				   the first tag byte */
	int nonminimal;	      /* 1 when the length used more bytes than
				   needed (81 05, 82 00 80, any 83 form):
				   valid BER, but not DER */
};

/*
 * Reads the data object at the cursor, after skipping padding bytes 0x00
 * and 0xFF. Returns
 *   0                   *out describes the object and the cursor is past it;
 *   TC_TLV_END (1)      no object is left (the cursor is at its end);
 *   TC_ERR_TRUNCATED    the tag, the length or the value runs past the end
 *                       of the cursor's range;
 *   TC_ERR_MALFORMED    a tag of more than 3 bytes or with a second byte of
 *                       0x80, an indefinite length (0x80) or a length
 *                       first byte 0x85-0xFF (invalid in ISO/IEC 7816-4);
 *   TC_ERR_UNSUPPORTED  a 5-byte length field (0x84, valid in ISO/IEC
 *                       7816-4 but beyond TC_TLV_MAX_LEN here);
 *   TC_ERR_TOO_LARGE    a value longer than TC_TLV_MAX_LEN.
 * On error the cursor is unchanged and, when err is not NULL, err (errlen
 * bytes) says what and at which byte offset from the start of the cursor's
 * range. *out is written only on success. Values are not parsed: walk a
 * constructed value with a new cursor on it.
 */
int tc_tlv_next(struct tc_cursor *c, struct tc_tlv *out /* OUT */, char *err,
    size_t errlen);

/*
 * Finds the first data object with tag at the top level of the len bytes at
 * p (no recursion). Objects are parsed only up to the match. Returns 0 with
 * *out filled, TC_ERR_NOT_FOUND, or an error of tc_tlv_next() met before the
 * match.
 */
int tc_tlv_find(
    const uint8_t *p, size_t len, uint32_t tag, struct tc_tlv *out /* OUT */);

/*
 * Checks that the len bytes at p are a sequence of well-formed data objects
 * (padding allowed), recursing into every constructed value, which must in
 * turn be such a sequence, and enforcing every limit above. Primitive values
 * are not looked into, even when an application stores TLV in them (PIV's
 * 53): check those separately. Returns 0 (also for empty input or only
 * padding), an error of tc_tlv_next() or TC_ERR_TOO_DEEP when an object sits
 * deeper than TC_TLV_MAX_DEPTH levels. Messages give offsets from p.
 */
int tc_tlv_check(const uint8_t *p, size_t len, char *err, size_t errlen);

/*
 * Appends the data object tag + length + the len bytes at v (v may be NULL
 * when len is 0), with the length in its shortest form. Returns 0,
 * TC_ERR_INVALID_ARG when tag is not a valid tag of 1 to 3 bytes as above
 * (0x00, 0xFF, 0x1F and 0x9F8001 are not), TC_ERR_TOO_LARGE when len is over
 * TC_TLV_MAX_LEN or out's cap would be passed, or TC_ERR_NOMEM. On failure
 * b is as it was.
 */
int tc_tlv_put(struct tc_buf *b, uint32_t tag, const uint8_t *v, size_t len);

/*
 * Nested building. tc_tlv_begin() appends tag and a one-byte placeholder
 * length and sets *mark; the caller appends the value (more objects, built
 * the same way), then tc_tlv_end(b, mark) writes the real length, moving the
 * value up by one or two bytes when the length needs the long form. Open
 * objects must be ended innermost first. tc_tlv_begin returns 0 or the
 * errors of tc_tlv_put (b as it was on failure). tc_tlv_end returns 0,
 * TC_ERR_INVALID_ARG when mark is not the mark of an open object,
 * TC_ERR_TOO_LARGE when the value is over TC_TLV_MAX_LEN or the longer
 * length would pass the cap, or TC_ERR_NOMEM; on failure b is as it was and
 * the object is still open (callers normally give up on b).
 */
int tc_tlv_begin(struct tc_buf *b, uint32_t tag, size_t *mark /* OUT */);
int tc_tlv_end(struct tc_buf *b, size_t mark);

#endif
