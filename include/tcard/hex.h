/* SPDX-License-Identifier: MIT */
/*
 * Lower-case hexadecimal encoding and strict decoding of byte strings, for
 * key ids, fingerprints, audit MACs and secret files.
 */
#ifndef TCARD_HEX_H
#define TCARD_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2 * n lower-case hex digits and a NUL to out (2 * n + 1 bytes). */
void tc_hex_encode(const uint8_t *p, size_t n, char *out /* OUT */);

/*
 * Decodes exactly 2 * n hex digits (either case) from s (slen characters,
 * no NUL needed) into out (n bytes). Returns 0; TC_ERR_MALFORMED when slen
 * is not 2 * n; TC_ERR_BAD_ENCODING when a character is not a hex digit,
 * and then sets *bad (may be NULL) to its index, counted from 0. out may be
 * partly written on failure.
 */
int tc_hex_decode(const char *s, size_t slen, uint8_t *out /* OUT */, size_t n,
    size_t *bad /* OUT */);

/*
 * A byte of a text for an error message, into s (slen bytes): printable
 * ASCII as itself in quotes ("'x'"), anything else (control bytes, the
 * UTF-8 bytes of the full-width letters a scanner or an input method may
 * give, a quote) as "byte 0x.." in hex. The decoders of base32 and base45
 * name a bad character with it.
 */
void tc_hex_describe_byte(char *s /* OUT */, size_t slen, unsigned char ch);

/*
 * The value 0..15 of the hex digit c (either case), or -1: the one hex
 * digit reader (tc_hex_decode, the URL and form decoders).
 */
int tc_hex_digit(int c);

#endif
