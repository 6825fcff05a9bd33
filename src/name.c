/* SPDX-License-Identifier: MIT */
/*
 * Name normalisation for comparison (include/tcard/name.h). Three passes
 * over code points: a per-character pass (refuse controls, drop invisible
 * ignorables, fold full-width ASCII, the middle-dot variants and the
 * typographic apostrophes and hyphens), Unicode full case folding followed
 * by NFC (libunistring u32_casefold, the canonical caseless match of
 * Unicode section 3.13), and a pass that trims and collapses white space and
 * drops spaces around the middle dot and between two Chinese characters.
 * docs/identity.md gives the reasons.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/name.h"

#define MIDDLE_DOT 0x00b7

/*
 * The characters people and input methods use between the parts of a
 * transliterated foreign name ("约翰·史密斯"): Latin-1 middle dot, bullet,
 * hyphenation point, katakana middle dot (what Chinese IMEs often give),
 * its half-width form, bullet operator, dot operator and Greek ano teleia.
 */
static int
is_dot(ucs4_t c)
{
	switch (c) {
	case 0x00b7:
	case 0x0387:
	case 0x2022:
	case 0x2027:
	case 0x2219:
	case 0x22c5:
	case 0x30fb:
	case 0xff65:
		return 1;
	}
	return 0;
}

/*
 * Phones turn the apostrophe and hyphen people type into typographic ones
 * (iOS "smart punctuation" is on by default), so "O’Brien" must match the
 * "O'Brien" that an office typed on a PC. Only the quotation marks and
 * hyphens that are never letters are folded; U+02BC and U+02BB, which are
 * letters in some orthographies, are left alone.
 */
static ucs4_t
fold_punct(ucs4_t c)
{
	switch (c) {
	case 0x2018:
	case 0x2019:
		return '\'';
	case 0x2010:
	case 0x2011:
		return '-';
	}
	return c;
}

/*
 * Invisible characters that pasted text carries without the person knowing:
 * soft hyphen, zero-width space, word joiner, byte order mark and the
 * variation selectors (which pick a glyph, not a different character). They
 * are removed so that they cannot make two equal-looking names differ.
 */
static int
is_ignorable(ucs4_t c)
{
	return c == 0x00ad || c == 0x200b || c == 0x2060 || c == 0xfeff ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef);
}

/*
 * Chinese characters for the space rule. The BMP private use area counts
 * too: legacy Chinese systems put rare name characters there.
 */
static int
is_ideograph(ucs4_t c)
{
	return uc_is_property_ideographic(c) || (c >= 0xe000 && c <= 0xf8ff);
}

static int
is_space(ucs4_t c)
{
	return c == ' ' || c == 0x3000 || uc_is_property_white_space(c);
}

/*
 * Pass 1. Writes at most one code point per input character to a (room for
 * len code points) and sets *na.
 */
static int
pass_chars(const uint8_t *s, size_t len, uint32_t *a, size_t *na, char *err,
    size_t errlen)
{
	size_t off = 0, n = 0;
	ucs4_t c;
	int k;

	while (off < len) {
		k = u8_mbtouc(&c, s + off, len - off);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "byte offset %zu: control character U+%04X is not allowed in a name",
			    off, (unsigned)c);
		if (is_ignorable(c)) {
			off += (size_t)k;
			continue;
		}
		if (uc_is_general_category(c, UC_CATEGORY_Cf))
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "byte offset %zu: format character U+%04X is not allowed in a name",
			    off, (unsigned)c);
		if (c >= 0xff01 && c <= 0xff5e)
			c -= 0xff01 - 0x21;
		else if (c == 0x3000)
			c = ' ';
		else if (is_dot(c))
			c = MIDDLE_DOT;
		else
			c = fold_punct(c);
		a[n++] = c;
		off += (size_t)k;
	}
	*na = n;
	return 0;
}

/*
 * Pass 3, in place: trims, collapses white space to one ASCII space, and
 * drops the space next to a middle dot or between two Chinese characters.
 * The output is never longer than the input, since a space is written only
 * in place of at least one consumed white space character.
 */
static size_t
pass_spaces(uint32_t *b, size_t nb)
{
	size_t i, n = 0;
	int pending = 0;
	ucs4_t c;

	for (i = 0; i < nb; i++) {
		c = b[i];
		if (is_dot(c))
			c = MIDDLE_DOT;
		if (is_space(c)) {
			if (n > 0 && b[n - 1] != MIDDLE_DOT)
				pending = 1;
			continue;
		}
		if (pending && c != MIDDLE_DOT &&
		    !(is_ideograph(b[n - 1]) && is_ideograph(c)))
			b[n++] = ' ';
		pending = 0;
		b[n++] = c;
	}
	return n;
}

int
tc_name_normalise(
    const char *in, size_t len, struct tc_buf *out, char *err, size_t errlen)
{
	const uint8_t *s = (const uint8_t *)in, *bad;
	uint32_t a[TC_NAME_IN_MAX], *b = NULL;
	uint8_t *u8 = NULL;
	size_t na = 0, nb = 0, nballoc = 0, n8 = 0, oldlen = 0;
	int r = TC_ERR_INTERNAL;

	if (out == NULL || (in == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "no name or no output buffer");
	oldlen = out->len;
	if (len > TC_NAME_IN_MAX) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "name longer than %d bytes", TC_NAME_IN_MAX);
		goto out;
	}
	if ((bad = u8_check(s, len)) != NULL) {
		r = tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "byte offset %zu: invalid UTF-8", (size_t)(bad - s));
		goto out;
	}
	if ((r = pass_chars(s, len, a, &na, err, errlen)) != 0)
		goto out;
	if (na > 0) {
		b = u32_casefold(a, na, NULL, UNINORM_NFC, NULL, &nb);
		if (b == NULL) {
			r = tc_seterr(err, errlen,
			    errno == ENOMEM ? TC_ERR_NOMEM : TC_ERR_INTERNAL,
			    "case folding failed");
			goto out;
		}
		nballoc = nb;
		nb = pass_spaces(b, nb);
	}
	if (nb == 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED, "empty name");
		goto out;
	}
	if ((u8 = u32_to_u8(b, nb, NULL, &n8)) == NULL) {
		r = tc_seterr(err, errlen,
		    errno == ENOMEM ? TC_ERR_NOMEM : TC_ERR_INTERNAL,
		    "UTF-8 conversion failed");
		goto out;
	}
	if ((r = tc_buf_put(out, u8, n8)) != 0) {
		tc_seterr(err, errlen, r, "normalised name does not fit: %s",
		    tc_strerror(r));
		goto out;
	}
	r = 0;
out:
	if (r != 0)
		tc_buf_truncate(out, oldlen);
	OPENSSL_cleanse(a, sizeof(a));
	if (b != NULL)
		tc_wipe_free(b, nballoc * sizeof(*b));
	if (u8 != NULL)
		tc_wipe_free(u8, n8);
	return r;
}
