/* SPDX-License-Identifier: MIT */
/*
 * Normalisation of personal names for comparison: the name a member of the
 * public types into the lookup form against the holder's name in the
 * registry, and both before they are MACed for the lookup snapshot. Two
 * names are "the same" when their normalised forms are equal byte for byte.
 * The steps (full-width folding, middle-dot and typographic punctuation
 * folding, Unicode case folding and NFC, white space, spaces between
 * Chinese characters) and the reasons for each are in
 * docs/identity.md.
 */
#ifndef TCARD_NAME_H
#define TCARD_NAME_H

#include <stddef.h>

#include "tcard/buf.h"

/*
 * Version of the normalisation rules. Anything that stores or MACs a
 * normalised name (the lookup snapshot) should record it: a change to the
 * rules changes the bytes, so stored MACs must then be recomputed.
 */
#define TC_NAME_NORM_VERSION 1

/* Longest name input accepted, in bytes. */
#define TC_NAME_IN_MAX 256

/*
 * Normalises the len bytes of UTF-8 at in (no NUL needed; an embedded NUL
 * is an error) and appends the result, UTF-8 without a NUL of its own, to
 * out. Normalising the result again gives the same bytes.
 *
 * Returns 0, or on failure leaves out as it was, fills err (errlen bytes,
 * may be NULL) and returns:
 *   TC_ERR_INVALID_ARG   out is NULL, or in is NULL with len > 0;
 *   TC_ERR_TOO_LARGE     len > TC_NAME_IN_MAX, or out's cap is reached;
 *   TC_ERR_BAD_ENCODING  invalid UTF-8 (overlong forms and encoded
 *                        surrogates included), a control character
 *                        (U+0000-001F, U+007F-009F) or a format character
 *                        other than the ignorable ones that are removed;
 *                        the message gives the byte offset;
 *   TC_ERR_MALFORMED     nothing is left after trimming white space;
 *   TC_ERR_NOMEM         allocation failed.
 */
int tc_name_normalise(
    const char *in, size_t len, struct tc_buf *out, char *err, size_t errlen);

#endif
