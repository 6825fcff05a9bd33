/* SPDX-License-Identifier: MIT */
/*
 * The one UTF-8 decoder of libtcard (RFC 3629): one sequence at a time,
 * bounded by the bytes left, refusing overlong forms, surrogates and
 * anything above U+10FFFF. The application text rules, the unified social
 * credit code and tc_utf8_check (include/tcard/httpreq.h) read through it.
 */
#ifndef TCARD_UTF8_H
#define TCARD_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the sequence at s (n bytes left, n >= 1). Returns its length
 * (1 to 4) and sets *cp, or returns 0 (*cp untouched) when it is not valid
 * UTF-8 or runs past n.
 */
size_t tc_utf8_next(const uint8_t *s, size_t n, uint32_t *cp /* OUT */);

#endif
