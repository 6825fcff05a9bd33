/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of ID number normalisation, validation, masking and birth
 * dates (src/id.c). Every number here is made up: regions such as 110101,
 * 440111 and 532301 with invented dates and sequence codes. Check characters
 * are computed by an independent helper that solves the ISO 7064 MOD 11-2
 * equation (sum of a_i * 2^(18-i) over all 18 positions = 1 mod 11) rather
 * than using the library's weight table and formula.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "tcard/err.h"
#include "tcard/id.h"

/* 2024-06-15 12:00:00 China Standard Time (04:00:00 UTC). */
#define NOW ((time_t)1718424000)

/* The check character of 17 digits, from the defining congruence. */
static char
iso7064_check(const char *d17)
{
	int i, c, w, sum = 0;

	for (i = 0; i < 17; i++) {
		/* Weight of position i + 1 (1-based) is 2^(18 - (i + 1)) mod 11. */
		w = 1 << (17 - i);
		sum += (d17[i] - '0') * (w % 11);
	}
	for (c = 0; c <= 10; c++)
		if ((sum + c) % 11 == 1)
			return c == 10 ? 'X' : (char)('0' + c);
	return '?';
}

/* out = d17 + its check character. */
static void
make18(char out[19], const char *d17)
{
	assert_int_equal(strlen(d17), 17);
	memcpy(out, d17, 17);
	out[17] = iso7064_check(d17);
	out[18] = '\0';
}

/* Rewrites ASCII digits and letters of s as full-width characters. */
static void
fullwidth(char *out, size_t outlen, const char *s)
{
	size_t j = 0;
	unsigned cp;

	for (; *s != '\0'; s++) {
		assert_true(j + 4 < outlen);
		if ((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z')) {
			cp = 0xff00 + (unsigned)(*s - 0x20);
			out[j++] = (char)(0xe0 | cp >> 12);
			out[j++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[j++] = (char)(0x80 | (cp & 0x3f));
		} else
			out[j++] = *s;
	}
	out[j] = '\0';
}

struct vec {
	enum tc_id_type type;
	const char *in; /* NULL: use the computed number */
	int want;
	const char *norm; /* expected normalised form, or NULL */
	const char *msg;  /* expected message, or a prefix ending in '*' */
};

static void
check_vec(const struct vec *v, const char *in)
{
	char out[TC_ID_MAX], err[256];
	int r;

	memset(out, 'Z', sizeof(out));
	err[0] = '\0';
	r = tc_id_normalise(v->type, in, NOW, out, err, sizeof(err));
	if (r != v->want)
		fail_msg("%s \"%s\": got %d (%s), want %d",
		    tc_id_type_name(v->type), in, r, err, v->want);
	if (r == 0) {
		assert_string_equal(err, "");
		if (v->norm != NULL)
			assert_string_equal(out, v->norm);
	} else {
		assert_string_equal(out, "");
		assert_true(err[0] != '\0');
	}
	if (v->msg != NULL) {
		size_t n = strlen(v->msg);

		if (n > 0 && v->msg[n - 1] == '*') {
			if (strncmp(err, v->msg, n - 1) != 0)
				fail_msg(
				    "message \"%s\", want \"%s\"", err, v->msg);
		} else
			assert_string_equal(err, v->msg);
	}
}

static void
test_resident_table(void **state)
{
	static const struct vec v[] = {
		/* A valid number: "11010119900307123" + '3' (computed). */
		{ TC_ID_RESIDENT, "110101199003071233", 0, "110101199003071233",
		    NULL },
		{ TC_ID_RESIDENT, "110101 19900307 1233", 0,
		    "110101199003071233", NULL },
		{ TC_ID_RESIDENT,
		    "\t110101\xe3\x80\x80"
		    "199003071233 ",
		    0, "110101199003071233", NULL },
		{ TC_ID_RESIDENT, "110101199003071238", TC_ERR_BAD_CHECK, NULL,
		    "bad check character: expected 3, got 8" },
		{ TC_ID_RESIDENT, "11010119900307123", TC_ERR_MALFORMED, NULL,
		    "17 characters, expected 18" },
		{ TC_ID_RESIDENT, "1101011990030712338", TC_ERR_MALFORMED, NULL,
		    "19 characters, expected 18" },
		{ TC_ID_RESIDENT, "1", TC_ERR_MALFORMED, NULL,
		    "1 character, expected 18" },
		{ TC_ID_RESIDENT, "110101900307123", TC_ERR_MALFORMED, NULL,
		    "15 characters: first-generation ID number; the 18-character number is required" },
		{ TC_ID_RESIDENT, "11010190030712X", TC_ERR_MALFORMED, NULL,
		    "15 characters, expected 18" },
		{ TC_ID_RESIDENT, "11010119900307123Y", TC_ERR_BAD_ENCODING,
		    NULL, "character 18: 'Y' is not a digit or X" },
		{ TC_ID_RESIDENT, "1101X1199003071233", TC_ERR_BAD_ENCODING,
		    NULL, "character 5: 'X' is not a digit" },
		{ TC_ID_RESIDENT, "11010119900307123@", TC_ERR_BAD_ENCODING,
		    NULL, "character 18: '@' is not allowed in an ID number" },
		{ TC_ID_RESIDENT, "1101011990-03071233", TC_ERR_BAD_ENCODING,
		    NULL, "character 11: '-' is not allowed in an ID number" },
		{ TC_ID_RESIDENT,
		    "\xe5\xbc\xa0"
		    "110101199003071233",
		    TC_ERR_BAD_ENCODING, NULL,
		    "character 1: U+5F20 is not allowed in an ID number" },
		{ TC_ID_RESIDENT, "1101\xff", TC_ERR_BAD_ENCODING, NULL,
		    "character 5 (byte offset 4): invalid UTF-8" },
		{ TC_ID_RESIDENT, "1101\xc0\xb1", TC_ERR_BAD_ENCODING, NULL,
		    "character 5 (byte offset 4): invalid UTF-8" },
		{ TC_ID_RESIDENT, "", TC_ERR_MALFORMED, NULL,
		    "empty ID number" },
		{ TC_ID_RESIDENT, " \t\xe3\x80\x80 ", TC_ERR_MALFORMED, NULL,
		    "empty ID number" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vec(&v[i], v[i].in);
}

/* Numbers built from 17 digits with a computed check character. */
struct vec17 {
	enum tc_id_type type;
	const char *d17;
	int want;
	const char *msg;
};

static void
test_computed_table(void **state)
{
	static const struct vec17 v[] = {
		{ TC_ID_RESIDENT, "11010119900307123", 0, NULL },
		{ TC_ID_RESIDENT, "44011120010101002", 0, NULL },
		{ TC_ID_RESIDENT, "53230119790815421", 0, NULL },
		/* Leap years: 2000 is one, 1900 is not, 2023 is not. */
		{ TC_ID_RESIDENT, "44011120000229002", 0, NULL },
		{ TC_ID_RESIDENT, "44011120240229002", 0, NULL },
		{ TC_ID_RESIDENT, "44011119000229002", TC_ERR_BAD_DATE,
		    "birth date 19000229 is not a real date" },
		{ TC_ID_RESIDENT, "44011120230229002", TC_ERR_BAD_DATE,
		    "birth date 20230229 is not a real date" },
		{ TC_ID_RESIDENT, "44011120230431002", TC_ERR_BAD_DATE,
		    "birth date 20230431 is not a real date" },
		{ TC_ID_RESIDENT, "44011120231301002", TC_ERR_BAD_DATE,
		    "birth date 20231301 is not a real date" },
		{ TC_ID_RESIDENT, "44011120230100002", TC_ERR_BAD_DATE,
		    "birth date 20230100 is not a real date" },
		{ TC_ID_RESIDENT, "44011119000101002", 0, NULL },
		{ TC_ID_RESIDENT, "44011118991231002", TC_ERR_BAD_DATE,
		    "birth date 18991231 is before 1900" },
		/* NOW is 2024-06-15 in China. */
		{ TC_ID_RESIDENT, "44011120240615002", 0, NULL },
		{ TC_ID_RESIDENT, "44011120240616002", TC_ERR_BAD_DATE,
		    "birth date 20240616 is in the future" },
		{ TC_ID_RESIDENT, "44011120991231002", TC_ERR_BAD_DATE,
		    "birth date 20991231 is in the future" },
		/* Regions. */
		{ TC_ID_RESIDENT, "81000019900307123", TC_ERR_RANGE,
		    "region code 81 (Hong Kong) is not used in mainland ID numbers; residence permit numbers beginning 810000 have type hkmo-residence" },
		{ TC_ID_RESIDENT, "82000019900307123", TC_ERR_RANGE,
		    "region code 82 (Macao)*" },
		{ TC_ID_RESIDENT, "83000019900307123", TC_ERR_RANGE,
		    "region code 83 is not used in mainland ID numbers; residence permit numbers of Taiwan residents begin 830000 and have type tw-residence" },
		{ TC_ID_RESIDENT, "71010119900307123", TC_ERR_RANGE,
		    "region code 71 is not used*" },
		{ TC_ID_RESIDENT, "91184019900307123", TC_ERR_RANGE,
		    "region code 91 is not used in mainland ID numbers; 18-digit numbers beginning with 9 are foreign permanent resident IDs (type foreign-pr)" },
		{ TC_ID_RESIDENT, "10010119900307123", TC_ERR_RANGE,
		    "region code 10 is not a province-level code" },
		{ TC_ID_RESIDENT, "16010119900307123", TC_ERR_RANGE, NULL },
		{ TC_ID_RESIDENT, "66010119900307123", TC_ERR_RANGE, NULL },
		{ TC_ID_RESIDENT, "00010119900307123", TC_ERR_RANGE, NULL },
		{ TC_ID_RESIDENT, "44000019900307123", TC_ERR_RANGE,
		    "region code 440000 names a whole province, not a county" },
		{ TC_ID_RESIDENT, "65010119900307123", 0, NULL },
		{ TC_ID_RESIDENT, "50010119900307123", 0, NULL },
		/* Residence permits. */
		{ TC_ID_HKMO_RESIDENCE, "81000019900307123", 0, NULL },
		{ TC_ID_HKMO_RESIDENCE, "82000019851111002", 0, NULL },
		{ TC_ID_HKMO_RESIDENCE, "83000019900307123", TC_ERR_RANGE,
		    "begins 830000: hkmo-residence numbers begin 810000 (Hong Kong) or 820000 (Macao)" },
		{ TC_ID_HKMO_RESIDENCE, "11010119900307123", TC_ERR_RANGE,
		    NULL },
		{ TC_ID_HKMO_RESIDENCE, "81000120200307123", TC_ERR_RANGE,
		    NULL },
		{ TC_ID_HKMO_RESIDENCE, "81000020230229123", TC_ERR_BAD_DATE,
		    NULL },
		{ TC_ID_TW_RESIDENCE, "83000019900307123", 0, NULL },
		{ TC_ID_TW_RESIDENCE, "81000019900307123", TC_ERR_RANGE,
		    "begins 810000: tw-residence numbers begin 830000" },
		{ TC_ID_TW_RESIDENCE, "83000020991231123", TC_ERR_BAD_DATE,
		    "birth date 20991231 is in the future" },
		/* Foreign permanent resident ID, 2023 form. */
		{ TC_ID_FOREIGN_PR, "91184019900307123", 0, NULL },
		{ TC_ID_FOREIGN_PR, "93125020000229004", 0, NULL },
		{ TC_ID_FOREIGN_PR, "91184020230229123", TC_ERR_BAD_DATE,
		    "birth date 20230229 is not a real date" },
		{ TC_ID_FOREIGN_PR, "11010119900307123", TC_ERR_RANGE,
		    "begins with 1: 18-digit foreign-pr numbers begin with 9 (a mainland number has type resident)" },
		{ TC_ID_FOREIGN_PR, "81000019900307123", TC_ERR_RANGE,
		    "begins with 8: 18-digit foreign-pr numbers begin with 9" },
	};
	char num[19], bad[19], msg[64];
	size_t i;
	char c;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct vec x = { v[i].type, NULL, v[i].want, NULL, v[i].msg };

		make18(num, v[i].d17);
		x.norm = num;
		check_vec(&x, num);
		if (v[i].want != 0)
			continue;
		/* Every wrong check character of a valid number is refused. */
		for (c = '0'; c <= 'X'; c = c == '9' ? 'X' : c + 1) {
			struct vec y = { v[i].type, NULL, TC_ERR_BAD_CHECK,
				NULL, msg };

			if (c == num[17])
				continue;
			memcpy(bad, num, sizeof(bad));
			bad[17] = c;
			snprintf(msg, sizeof(msg),
			    "bad check character: expected %c, got %c", num[17],
			    c);
			check_vec(&y, bad);
		}
	}
}

/* The check character X, typed as x, and full-width input. */
static void
test_x_and_fullwidth(void **state)
{
	char d17[18], num[19], in[80], out[TC_ID_MAX];
	unsigned seq;
	int found = 0, i;

	for (seq = 0; seq < 1000 && !found; seq++) {
		snprintf(d17, sizeof(d17), "53230119791231%03u", seq);
		make18(num, d17);
		found = num[17] == 'X';
	}
	assert_true(found);
	memcpy(in, num, 19);
	in[17] = 'x';
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, in, NOW, out, NULL, 0), 0);
	assert_string_equal(out, num);
	assert_int_equal(out[17], 'X');

	fullwidth(in, sizeof(in), num);
	assert_int_equal(strlen(in), 18 * 3);
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, in, NOW, out, NULL, 0), 0);
	assert_string_equal(out, num);
	/* Full-width lower-case x too. */
	in[17 * 3 + 2] = (char)0x98; /* U+FF38 X -> U+FF58 x */
	in[17 * 3 + 1] = (char)0xbd;
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, in, NOW, out, NULL, 0), 0);
	assert_string_equal(out, num);

	/* Every valid check character X position refuses a digit instead. */
	for (i = 0; i <= 9; i++) {
		char err[80];

		num[17] = (char)('0' + i);
		assert_int_equal(tc_id_normalise(TC_ID_RESIDENT, num, NOW, out,
				     err, sizeof(err)),
		    TC_ERR_BAD_CHECK);
		assert_non_null(strstr(err, "expected X"));
	}
}

static void
test_other_types(void **state)
{
	static const struct vec v[] = {
		{ TC_ID_HKMO_PERMIT, "H12345678", 0, "H12345678", NULL },
		{ TC_ID_HKMO_PERMIT, "m1234567801", 0, "M1234567801", NULL },
		{ TC_ID_HKMO_PERMIT, "\xef\xbc\xa8 1234 5678", 0, "H12345678",
		    NULL },
		{ TC_ID_HKMO_PERMIT, "H1234567", TC_ERR_MALFORMED, NULL,
		    "8 characters, expected 9 or 11 (H or M and 8 or 10 digits)" },
		{ TC_ID_HKMO_PERMIT, "H123456789", TC_ERR_MALFORMED, NULL,
		    NULL },
		{ TC_ID_HKMO_PERMIT, "12345678", TC_ERR_BAD_ENCODING, NULL,
		    "character 1: '1' is not H or M" },
		{ TC_ID_HKMO_PERMIT, "C12345678", TC_ERR_BAD_ENCODING, NULL,
		    NULL },
		{ TC_ID_HKMO_PERMIT, "H1234567A", TC_ERR_BAD_ENCODING, NULL,
		    "character 9: 'A' is not a digit" },
		{ TC_ID_TW_PERMIT, "12345678", 0, "12345678", NULL },
		{ TC_ID_TW_PERMIT, "1234567801", 0, "1234567801", NULL },
		{ TC_ID_TW_PERMIT, "123456789", TC_ERR_MALFORMED, NULL,
		    "9 characters, expected 8 or 10 digits" },
		{ TC_ID_TW_PERMIT, "1234567B", TC_ERR_BAD_ENCODING, NULL,
		    "character 8: 'B' is not a digit" },
		{ TC_ID_FOREIGN_PR, "USA123456789012", 0, "USA123456789012",
		    NULL },
		{ TC_ID_FOREIGN_PR, "can 1100 8003 0701", 0, "CAN110080030701",
		    NULL },
		{ TC_ID_FOREIGN_PR, "US1234567890123", TC_ERR_BAD_ENCODING,
		    NULL, "character 3: '1' is not a letter" },
		{ TC_ID_FOREIGN_PR, "USA12345678901A", TC_ERR_BAD_ENCODING,
		    NULL, "character 15: 'A' is not a digit" },
		{ TC_ID_FOREIGN_PR, "USA12345678901", TC_ERR_MALFORMED, NULL,
		    "14 characters, expected 15 (3 letters and 12 digits) or 18 digits" },
		{ TC_ID_FOREIGN_PR, "911840199003071", TC_ERR_MALFORMED, NULL,
		    "15 characters, expected 18 digits or 15 (3 letters and 12 digits)" },
		{ TC_ID_FOREIGN_PR, "91184019900307123Z", TC_ERR_BAD_ENCODING,
		    NULL, "character 18: 'Z' is not a digit or X" },
		{ TC_ID_PASSPORT, "E12345678", 0, "E12345678", NULL },
		{ TC_ID_PASSPORT, "ea 123 4567", 0, "EA1234567", NULL },
		{ TC_ID_PASSPORT, "X1234", 0, "X1234", NULL },
		{ TC_ID_PASSPORT, "ABCDEFGHIJ0123456789", 0,
		    "ABCDEFGHIJ0123456789", NULL },
		{ TC_ID_PASSPORT, "ABCDEFGHIJ01234567890", TC_ERR_MALFORMED,
		    NULL,
		    "21 characters, expected 5 to 20 letters and digits" },
		{ TC_ID_PASSPORT, "E123", TC_ERR_MALFORMED, NULL, NULL },
		{ TC_ID_PASSPORT, "E1234-5678", TC_ERR_BAD_ENCODING, NULL,
		    "character 6: '-' is not allowed in an ID number" },
		{ TC_ID_PASSPORT, "E1234\xc3\xa9", TC_ERR_BAD_ENCODING, NULL,
		    "character 6: U+00E9 is not allowed in an ID number" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vec(&v[i], v[i].in);
}

static void
test_limits_and_args(void **state)
{
	char in[128], out[TC_ID_MAX], err[128];
	enum tc_id_type t;

	/* 64 bytes: 46 spaces around an 18-character number: accepted. */
	memset(in, ' ', 46);
	memcpy(in + 46, "110101199003071233", 19);
	assert_int_equal(strlen(in), 64);
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, in, NOW, out, err, sizeof(err)), 0);
	/* 65 bytes: refused before anything else. */
	memmove(in + 1, in, 65);
	assert_int_equal(strlen(in), 65);
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, in, NOW, out, err, sizeof(err)),
	    TC_ERR_TOO_LARGE);
	assert_string_equal(err, "ID number input longer than 64 bytes");
	memset(in, '1', 100);
	in[100] = '\0';
	assert_int_equal(tc_id_normalise(TC_ID_PASSPORT, in, NOW, out, NULL, 0),
	    TC_ERR_TOO_LARGE);
	/* 30 digits within 64 bytes: a length error, never an overflow. */
	in[30] = '\0';
	assert_int_equal(tc_id_normalise(TC_ID_PASSPORT, in, NOW, out, NULL, 0),
	    TC_ERR_MALFORMED);

	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, NULL, NOW, out, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_normalise((enum tc_id_type)0, "1", NOW, out, err,
			     sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_normalise((enum tc_id_type)8, "1", NOW, out, err,
			     sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, "1", NOW, NULL, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	/* A tiny message buffer is truncated, not overrun. */
	memset(err, 'Q', sizeof(err));
	assert_int_equal(tc_id_normalise(TC_ID_RESIDENT, "1", NOW, out, err, 4),
	    TC_ERR_MALFORMED);
	assert_string_equal(err, "1 c");
	assert_int_equal(err[4], 'Q');

	/* Type names both ways, in the documented order. */
	for (t = TC_ID_RESIDENT; t <= TC_ID_PASSPORT; t++) {
		enum tc_id_type u = 0;

		assert_int_equal(tc_id_type_parse(tc_id_type_name(t), &u), 0);
		assert_int_equal(u, t);
	}
	assert_string_equal(tc_id_type_name(TC_ID_RESIDENT), "resident");
	assert_string_equal(
	    tc_id_type_name(TC_ID_HKMO_RESIDENCE), "hkmo-residence");
	assert_string_equal(
	    tc_id_type_name(TC_ID_TW_RESIDENCE), "tw-residence");
	assert_string_equal(tc_id_type_name(TC_ID_HKMO_PERMIT), "hkmo-permit");
	assert_string_equal(tc_id_type_name(TC_ID_TW_PERMIT), "tw-permit");
	assert_string_equal(tc_id_type_name(TC_ID_FOREIGN_PR), "foreign-pr");
	assert_string_equal(tc_id_type_name(TC_ID_PASSPORT), "passport");
	assert_string_equal(tc_id_type_name((enum tc_id_type)0), "unknown");
	assert_string_equal(tc_id_type_name((enum tc_id_type)99), "unknown");
	t = TC_ID_PASSPORT;
	assert_int_equal(tc_id_type_parse("Resident", &t), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_type_parse("", &t), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_type_parse(NULL, &t), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_id_type_parse("resident", NULL), TC_ERR_INVALID_ARG);
	assert_int_equal(t, TC_ID_PASSPORT);
}

/* Midnight in China, not in UTC, decides whether a birth date is future. */
static void
test_future_is_china_time(void **state)
{
	char num[19], out[TC_ID_MAX];
	/* 2024-06-15 16:30 UTC = 2024-06-16 00:30 CST. */
	time_t after = (time_t)1718469000;
	/* 2024-06-15 15:59:59 UTC = 2024-06-15 23:59:59 CST. */
	time_t before = (time_t)1718467199;

	make18(num, "44011120240616002");
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, num, after, out, NULL, 0), 0);
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, num, before, out, NULL, 0),
	    TC_ERR_BAD_DATE);
	/* Absurd clocks give answers, not crashes. */
	assert_int_equal(
	    tc_id_normalise(TC_ID_RESIDENT, num, (time_t)0, out, NULL, 0),
	    TC_ERR_BAD_DATE);
	assert_int_equal(tc_id_normalise(TC_ID_RESIDENT, num, (time_t)INT64_MAX,
			     out, NULL, 0),
	    0);
	assert_int_equal(tc_id_normalise(TC_ID_RESIDENT, num, (time_t)INT64_MIN,
			     out, NULL, 0),
	    TC_ERR_BAD_DATE);
}

static void
test_mask(void **state)
{
	static const struct fx_in_out v[] = {
		{ "11010119900307123X", "****************3X" },
		{ "ABCDEFGHIJ0123456789", "******************89" },
		{ "1101011990030712", "**************12" }, /* 16 */
		{ "USA123456789012", "*************12" },   /* 15 */
		{ "M1234567801", "*********01" },	    /* 11 */
		{ "1234567801", "********01" },		    /* 10 */
		{ "H12345678", "*******78" },		    /* 9 */
		{ "12345678", "******78" },		    /* 8 */
		{ "E123456", "*****56" },		    /* 7 */
		{ "E12345", "****45" },			    /* 6 */
		{ "E1234", "****4" },			    /* 5: a third */
		{ "AB", "**" },
		{ "A", "*" },
	};
	char out[TC_ID_MAX], in[TC_ID_MAX], big[TC_ID_MAX + 1];
	size_t i, n, shown, j;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(tc_id_mask(v[i].in, out), 0);
		assert_string_equal(out, v[i].out);
	}
	/* Every length: same length, something masked, at most a third
	 * and at most two shown, and only from the end. */
	for (n = 1; n < TC_ID_MAX; n++) {
		for (j = 0; j < n; j++)
			in[j] = (char)('A' + j);
		in[n] = '\0';
		assert_int_equal(tc_id_mask(in, out), 0);
		assert_int_equal(strlen(out), n);
		assert_string_not_equal(out, in);
		for (shown = 0, j = 0; j < n; j++) {
			if (out[j] != '*') {
				assert_int_equal(out[j], in[j]);
				assert_true(j >= n - TC_ID_MASK_SHOWN);
				shown++;
			}
		}
		assert_true(shown < n);
		assert_true(shown * 3 <= n);
		assert_true(shown <= TC_ID_MASK_SHOWN);
	}
	memset(big, 'A', sizeof(big));
	big[TC_ID_MAX - 1] = '\0';
	assert_int_equal(tc_id_mask(big, out), 0);
	big[TC_ID_MAX - 1] = 'A';
	big[TC_ID_MAX] = '\0';
	assert_int_equal(tc_id_mask(big, out), TC_ERR_INVALID_ARG);
	assert_string_equal(out, "");
	assert_int_equal(tc_id_mask("", out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_mask("1101 0119", out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_mask("e1234567", out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_mask(NULL, out), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_mask("E1234567", NULL), TC_ERR_INVALID_ARG);
}

static void
test_birth_date(void **state)
{
	char num[19];
	int y = 0, m = 0, d = 0;

	make18(num, "53230119790815421");
	assert_int_equal(tc_id_birth_date(TC_ID_RESIDENT, num, &y, &m, &d), 0);
	assert_int_equal(y, 1979);
	assert_int_equal(m, 8);
	assert_int_equal(d, 15);
	make18(num, "93125020000229004");
	assert_int_equal(
	    tc_id_birth_date(TC_ID_FOREIGN_PR, num, &y, &m, &d), 0);
	assert_int_equal(y, 2000);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	make18(num, "83000019851111002");
	assert_int_equal(
	    tc_id_birth_date(TC_ID_TW_RESIDENCE, num, &y, &m, &d), 0);
	assert_int_equal(y, 1985);
	assert_int_equal(
	    tc_id_birth_date(TC_ID_FOREIGN_PR, "USA123456789012", &y, &m, &d),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(
	    tc_id_birth_date(TC_ID_PASSPORT, "E12345678", &y, &m, &d),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(
	    tc_id_birth_date(TC_ID_HKMO_PERMIT, "H12345678", &y, &m, &d),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(
	    tc_id_birth_date(TC_ID_TW_PERMIT, "12345678", &y, &m, &d),
	    TC_ERR_UNSUPPORTED);
	assert_int_equal(
	    tc_id_birth_date(TC_ID_RESIDENT, "1101011990", &y, &m, &d),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_id_birth_date(TC_ID_RESIDENT, "110101202302291234", &y, &m, &d),
	    TC_ERR_BAD_DATE);
	assert_int_equal(tc_id_birth_date((enum tc_id_type)0, num, &y, &m, &d),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_id_birth_date(TC_ID_RESIDENT, num, NULL, &m, &d),
	    TC_ERR_INVALID_ARG);
}

static void
test_date_valid(void **state)
{
	static const struct {
		int y, m, d, ok;
	} v[] = {
		{ 2000, 2, 29, 1 },
		{ 1900, 2, 29, 0 },
		{ 2024, 2, 29, 1 },
		{ 2023, 2, 29, 0 },
		{ 2100, 2, 29, 0 },
		{ 1600, 2, 29, 1 },
		{ 2023, 2, 28, 1 },
		{ 2023, 1, 31, 1 },
		{ 2023, 4, 31, 0 },
		{ 2023, 6, 30, 1 },
		{ 2023, 12, 31, 1 },
		{ 2023, 13, 1, 0 },
		{ 2023, 0, 1, 0 },
		{ 2023, 1, 0, 0 },
		{ 2023, 1, 32, 0 },
		{ 0, 1, 1, 0 },
		{ 1, 1, 1, 1 },
		{ 9999, 12, 31, 1 },
		{ 10000, 1, 1, 0 },
		{ -4, 2, 29, 0 },
		{ 2023, -1, 1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (tc_date_valid(v[i].y, v[i].m, v[i].d) != v[i].ok)
			fail_msg("%d-%d-%d", v[i].y, v[i].m, v[i].d);
	assert_int_equal(tc_province_valid(11), 1);
	assert_int_equal(tc_province_valid(65), 1);
	assert_int_equal(tc_province_valid(71), 0);
	assert_int_equal(tc_province_valid(81), 0);
	assert_int_equal(tc_province_valid(24), 0);
	assert_int_equal(tc_province_valid(47), 0);
}

#define TESTS(X, XF)                                                           \
	X(test_resident_table)                                                 \
	X(test_computed_table)                                                 \
	X(test_x_and_fullwidth)                                                \
	X(test_other_types)                                                    \
	X(test_limits_and_args)                                                \
	X(test_future_is_china_time)                                           \
	X(test_mask)                                                           \
	X(test_birth_date)                                                     \
	X(test_date_valid)

TC_UNIT_MAIN(TESTS, NULL, NULL)
