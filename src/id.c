/* SPDX-License-Identifier: MIT */
/*
 * ID document numbers (include/tcard/id.h): normalisation of typed input to
 * one ASCII form, validation per document type (GB 11643-1999 layout with
 * its ISO 7064 MOD 11-2 check character for the 18-character numbers), the
 * masked display form and the birth date carried in a number. Region codes
 * are checked only at province level and birth dates only for being real
 * and not in the future: docs/identity.md says why, and lists every
 * message.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <unistr.h>

#include "tcard/err.h"
#include "tcard/id.h"

/* Longest input accepted, in bytes. */
#define IN_MAX 64

static const char *const type_names[] = {
	"resident",
	"hkmo-residence",
	"tw-residence",
	"hkmo-permit",
	"tw-permit",
	"foreign-pr",
	"passport",
};
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

int
tc_id_type_parse(const char *name, enum tc_id_type *out)
{
	size_t i;

	if (name == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < NTYPES; i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*out = (enum tc_id_type)(i + 1);
			return 0;
		}
	}
	return TC_ERR_INVALID_ARG;
}

const char *
tc_id_type_name(enum tc_id_type t)
{
	if ((int)t < 1 || (size_t)t > NTYPES)
		return "unknown";
	return type_names[t - 1];
}

int
tc_province_valid(int pp)
{
	return (pp >= 11 && pp <= 15) || (pp >= 21 && pp <= 23) ||
	    (pp >= 31 && pp <= 37) || (pp >= 41 && pp <= 46) ||
	    (pp >= 50 && pp <= 54) || (pp >= 61 && pp <= 65);
}

int
tc_date_valid(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int leap, last;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	last = mdays[m - 1] + (m == 2 && leap);
	return d <= last;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
isupper_ascii(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* "1 character" / "17 characters", for the length messages. */
static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * The normalisation of the header comment. Works on code points so that a
 * full-width letter counts as one character in messages, and refuses rather
 * than drops anything unexpected: a stray character in an ID number is
 * more likely a typing mistake than decoration.
 */
static int
clean(
    const char *in, char buf[IN_MAX + 1], size_t *np, char *err, size_t errlen)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t len, off = 0, pos = 0, n = 0;
	ucs4_t uc;
	int k;

	if ((len = strnlen(in, IN_MAX + 1)) > IN_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "ID number input longer than %d bytes", IN_MAX);
	while (off < len) {
		pos++;
		if ((k = u8_mbtoucr(&uc, s + off, len - off)) < 0)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu (byte offset %zu): invalid UTF-8",
			    pos, off);
		off += (size_t)k;
		if (uc == ' ' || uc == '\t' || uc == 0x3000)
			continue;
		if ((uc >= '0' && uc <= '9') || (uc >= 'A' && uc <= 'Z'))
			buf[n++] = (char)uc;
		else if (uc >= 'a' && uc <= 'z')
			buf[n++] = (char)(uc - 'a' + 'A');
		else if (uc >= 0xff10 && uc <= 0xff19)
			buf[n++] = (char)(uc - 0xff10 + '0');
		else if (uc >= 0xff21 && uc <= 0xff3a)
			buf[n++] = (char)(uc - 0xff21 + 'A');
		else if (uc >= 0xff41 && uc <= 0xff5a)
			buf[n++] = (char)(uc - 0xff41 + 'A');
		else if (uc > 0x20 && uc < 0x7f)
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu: '%c' is not allowed in an ID number",
			    pos, (char)uc);
		else
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu: U+%04X is not allowed in an ID number",
			    pos, (unsigned)uc);
	}
	buf[n] = '\0';
	*np = n;
	return 0;
}

/* The ISO 7064 MOD 11-2 check character of the 17 digits at s. */
static char
mod11_2(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
		8, 4, 2 };
	int i, sum = 0, c;

	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	c = (12 - sum % 11) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

/*
 * Today's date in China Standard Time (UTC+8, no daylight saving) as
 * YYYYMMDD. Uses the days-to-civil algorithm of H. Hinnant rather than
 * gmtime_r so that any time_t, even absurd ones from a fuzzer, gives an
 * answer; years past 9999 clamp to 99991231.
 */
static int64_t
today_cst(time_t now)
{
	int64_t t = (int64_t)now, days, era, doe, yoe, y, doy, mp, d, m;

	if (t > INT64_MAX - 8 * 3600)
		return 99991231;
	t += 8 * 3600;
	days = t / 86400 - (t % 86400 < 0);
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y > 9999)
		return 99991231;
	if (y < 0)
		return 0;
	return y * 10000 + m * 100 + d;
}

static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Checks the YYYYMMDD birth date at s (8 digits, already checked). */
static int
check_birth(const char *s, time_t now, char *err, size_t errlen)
{
	int y = num(s, 4), m = num(s + 4, 2), d = num(s + 6, 2);

	if (!tc_date_valid(y, m, d))
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "birth date %.8s is not a real date", s);
	if (y < 1900)
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "birth date %.8s is before 1900", s);
	if ((int64_t)y * 10000 + m * 100 + d > today_cst(now))
		return tc_seterr(err, errlen, TC_ERR_BAD_DATE,
		    "birth date %.8s is in the future", s);
	return 0;
}

/* Characters from..to-1 of s must be digits. */
static int
check_digits(const char *s, size_t from, size_t to, char *err, size_t errlen)
{
	size_t i;

	for (i = from; i < to; i++)
		if (!isdig(s[i]))
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "character %zu: '%c' is not a digit", i + 1, s[i]);
	return 0;
}

/*
 * The shape shared by every 18-character number: 17 digits and a digit or
 * X. The length has been checked by the caller, which knows the message.
 */
static int
check_18_chars(const char *s, char *err, size_t errlen)
{
	int r;

	if ((r = check_digits(s, 0, 17, err, errlen)) != 0)
		return r;
	if (!isdig(s[17]) && s[17] != 'X')
		return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "character 18: '%c' is not a digit or X", s[17]);
	return 0;
}

/* Birth date and check character of an 18-character number. */
static int
check_18_tail(const char *s, time_t now, char *err, size_t errlen)
{
	char want;
	int r;

	if ((r = check_birth(s + 6, now, err, errlen)) != 0)
		return r;
	if ((want = mod11_2(s)) != s[17])
		return tc_seterr(err, errlen, TC_ERR_BAD_CHECK,
		    "bad check character: expected %c, got %c", want, s[17]);
	return 0;
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdig(s[i]))
			return 0;
	return 1;
}

/*
 * Region codes that belong to another document type get a message that
 * names the right type, since choosing the wrong type is the likely mistake.
 */
static int
check_resident(const char *s, size_t n, time_t now, char *err, size_t errlen)
{
	int r, pp;

	if (n == 15 && all_digits(s, n))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "15 characters: first-generation ID number; the 18-character number is required");
	if (n != 18)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu character%s, expected 18", n, plural(n));
	if ((r = check_18_chars(s, err, errlen)) != 0)
		return r;
	pp = num(s, 2);
	if (pp == 81 || pp == 82)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "region code %d (%s) is not used in mainland ID numbers; residence permit numbers beginning %d0000 have type hkmo-residence",
		    pp, pp == 81 ? "Hong Kong" : "Macao", pp);
	if (pp == 71 || pp == 83)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "region code %d is not used in mainland ID numbers; residence permit numbers of Taiwan residents begin 830000 and have type tw-residence",
		    pp);
	if (s[0] == '9')
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "region code %d is not used in mainland ID numbers; 18-digit numbers beginning with 9 are foreign permanent resident IDs (type foreign-pr)",
		    pp);
	if (!tc_province_valid(pp))
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "region code %.2s is not a province-level code", s);
	if (memcmp(s + 2, "0000", 4) == 0)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "region code %.6s names a whole province, not a county", s);
	return check_18_tail(s, now, err, errlen);
}

static int
check_residence(enum tc_id_type t, const char *s, size_t n, time_t now,
    char *err, size_t errlen)
{
	int r, ok;

	if (n != 18)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu character%s, expected 18", n, plural(n));
	if ((r = check_18_chars(s, err, errlen)) != 0)
		return r;
	if (t == TC_ID_HKMO_RESIDENCE) {
		ok = memcmp(s, "810000", 6) == 0 || memcmp(s, "820000", 6) == 0;
		if (!ok)
			return tc_seterr(err, errlen, TC_ERR_RANGE,
			    "begins %.6s: hkmo-residence numbers begin 810000 (Hong Kong) or 820000 (Macao)",
			    s);
	} else if (memcmp(s, "830000", 6) != 0)
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "begins %.6s: tw-residence numbers begin 830000", s);
	return check_18_tail(s, now, err, errlen);
}

static int
check_hkmo_permit(const char *s, size_t n, char *err, size_t errlen)
{
	int r;

	if (s[0] != 'H' && s[0] != 'M')
		return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
		    "character 1: '%c' is not H or M", s[0]);
	if (n != 9 && n != 11)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu character%s, expected 9 or 11 (H or M and 8 or 10 digits)",
		    n, plural(n));
	if ((r = check_digits(s, 1, n, err, errlen)) != 0)
		return r;
	return 0;
}

static int
check_tw_permit(const char *s, size_t n, char *err, size_t errlen)
{
	int r;

	if (n != 8 && n != 10)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu character%s, expected 8 or 10 digits", n, plural(n));
	if ((r = check_digits(s, 0, n, err, errlen)) != 0)
		return r;
	return 0;
}

/*
 * Two forms coexist: the 15-character card (ISO 3166 alpha-3 nationality +
 * 12 digits, issued until November 2023 and valid until it expires) and the
 * 18-digit number of the 2023 card. A leading letter selects the old form.
 */
static int
check_foreign_pr(const char *s, size_t n, time_t now, char *err, size_t errlen)
{
	size_t i;
	int r;

	if (isupper_ascii(s[0])) {
		if (n != 15)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%zu character%s, expected 15 (3 letters and 12 digits) or 18 digits",
			    n, plural(n));
		for (i = 1; i < 3; i++)
			if (!isupper_ascii(s[i]))
				return tc_seterr(err, errlen,
				    TC_ERR_BAD_ENCODING,
				    "character %zu: '%c' is not a letter",
				    i + 1, s[i]);
		return check_digits(s, 3, 15, err, errlen);
	}
	if (n != 18)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu character%s, expected 18 digits or 15 (3 letters and 12 digits)",
		    n, plural(n));
	if ((r = check_18_chars(s, err, errlen)) != 0)
		return r;
	if (s[0] != '9')
		return tc_seterr(err, errlen, TC_ERR_RANGE,
		    "begins with %c: 18-digit foreign-pr numbers begin with 9%s",
		    s[0],
		    tc_province_valid(num(s, 2))
			? " (a mainland number has type resident)"
			: "");
	return check_18_tail(s, now, err, errlen);
}

static int
check_passport(size_t n, char *err, size_t errlen)
{
	if (n < 5 || n > 20)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%zu character%s, expected 5 to 20 letters and digits", n,
		    plural(n));
	return 0;
}

int
tc_id_normalise(enum tc_id_type t, const char *in, time_t now,
    char out[TC_ID_MAX], char *err, size_t errlen)
{
	char buf[IN_MAX + 1];
	size_t n = 0;
	int r = TC_ERR_INTERNAL;

	if (out == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no output buffer");
	out[0] = '\0';
	if (in == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no ID number given");
	if ((int)t < 1 || (size_t)t > NTYPES)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "unknown ID type %d", (int)t);
	if ((r = clean(in, buf, &n, err, errlen)) != 0)
		goto out;
	if (n == 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED, "empty ID number");
		goto out;
	}
	switch (t) {
	case TC_ID_RESIDENT:
		r = check_resident(buf, n, now, err, errlen);
		break;
	case TC_ID_HKMO_RESIDENCE:
	case TC_ID_TW_RESIDENCE:
		r = check_residence(t, buf, n, now, err, errlen);
		break;
	case TC_ID_HKMO_PERMIT:
		r = check_hkmo_permit(buf, n, err, errlen);
		break;
	case TC_ID_TW_PERMIT:
		r = check_tw_permit(buf, n, err, errlen);
		break;
	case TC_ID_FOREIGN_PR:
		r = check_foreign_pr(buf, n, now, err, errlen);
		break;
	case TC_ID_PASSPORT:
		r = check_passport(n, err, errlen);
		break;
	}
	if (r != 0)
		goto out;
	/* Every type's longest form (passport, 20) fits; be sure anyway. */
	if (n >= TC_ID_MAX) {
		r = tc_seterr(
		    err, errlen, TC_ERR_INTERNAL, "normalised number too long");
		goto out;
	}
	memcpy(out, buf, n + 1);
	r = 0;
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return r;
}

int
tc_id_mask(const char *normalised, char out[TC_ID_MAX])
{
	size_t n, i, tail;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	out[0] = '\0';
	if (normalised == NULL)
		return TC_ERR_INVALID_ARG;
	n = strnlen(normalised, TC_ID_MAX);
	if (n == 0 || n >= TC_ID_MAX)
		return TC_ERR_INVALID_ARG;
	for (i = 0; i < n; i++)
		if (!isdig(normalised[i]) && !isupper_ascii(normalised[i]))
			return TC_ERR_INVALID_ARG;
	/*
	 * Only the tail: the head of every structured number is what can be
	 * derived (region, H/M, nationality), and the middle is the birth
	 * date. docs/identity.md, "The mask", has the candidate counts.
	 */
	tail = n / 3 < TC_ID_MASK_SHOWN ? n / 3 : TC_ID_MASK_SHOWN;
	for (i = 0; i < n; i++)
		out[i] = i >= n - tail ? normalised[i] : '*';
	out[n] = '\0';
	return 0;
}

int
tc_id_birth_date(
    enum tc_id_type t, const char *normalised, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (normalised == NULL || y == NULL || m == NULL || d == NULL)
		return TC_ERR_INVALID_ARG;
	switch (t) {
	case TC_ID_RESIDENT:
	case TC_ID_HKMO_RESIDENCE:
	case TC_ID_TW_RESIDENCE:
		break;
	case TC_ID_FOREIGN_PR:
		if (isupper_ascii(normalised[0]))
			return TC_ERR_UNSUPPORTED;
		break;
	case TC_ID_HKMO_PERMIT:
	case TC_ID_TW_PERMIT:
	case TC_ID_PASSPORT:
		return TC_ERR_UNSUPPORTED;
	default:
		return TC_ERR_INVALID_ARG;
	}
	if (strnlen(normalised, 19) != 18 || !all_digits(normalised, 17) ||
	    (!isdig(normalised[17]) && normalised[17] != 'X'))
		return TC_ERR_INVALID_ARG;
	yy = num(normalised + 6, 4);
	mm = num(normalised + 10, 2);
	dd = num(normalised + 12, 2);
	if (!tc_date_valid(yy, mm, dd))
		return TC_ERR_BAD_DATE;
	*y = yy;
	*m = mm;
	*d = dd;
	return 0;
}
