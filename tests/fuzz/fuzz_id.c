/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the identity inputs a member of the public types: the
 * input goes to tc_id_normalise for every document type (fixed clock),
 * tc_name_normalise and tc_cardno_parse. Besides "no crash", it checks the
 * promises of the headers: a normalised number is canonical ASCII and
 * normalises to itself, its mask keeps the length and never shows the whole
 * number, a normalised name normalises to the same bytes, a parsed card
 * number is what tc_cardno_make builds and survives grouping, and every
 * failure comes with a message. Seed corpus: tests/fuzz/corpus/id/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/name.h"

/* 2024-06-15 12:00 China Standard Time. */
#define NOW ((time_t)1718424000)

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_id: %s: %s\n", what, detail);
	abort();
}

static int
is_canonical(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'A' && *s <= 'Z'))
			return 0;
	return 1;
}

static void
check_id(const char *s)
{
	char out[TC_ID_MAX], again[TC_ID_MAX], mask[TC_ID_MAX], err[256];
	enum tc_id_type t;
	size_t n, i, shown;
	int r, y, m, d;

	for (t = TC_ID_RESIDENT; t <= TC_ID_PASSPORT; t++) {
		err[0] = '\0';
		r = tc_id_normalise(t, s, NOW, out, err, sizeof(err));
		if (r != 0) {
			if (out[0] != '\0' || err[0] == '\0')
				die("id failure without message", err);
			if (r != TC_ERR_TOO_LARGE && r != TC_ERR_BAD_ENCODING &&
			    r != TC_ERR_MALFORMED && r != TC_ERR_RANGE &&
			    r != TC_ERR_BAD_DATE && r != TC_ERR_BAD_CHECK)
				die("unexpected id error", err);
			continue;
		}
		n = strlen(out);
		if (n == 0 || n >= TC_ID_MAX || !is_canonical(out))
			die("normalised id not canonical", out);
		if (tc_id_normalise(t, out, NOW, again, err, sizeof(err)) !=
			0 ||
		    strcmp(again, out) != 0)
			die("normalised id does not normalise to itself", err);
		if (tc_id_mask(out, mask) != 0 || strlen(mask) != n)
			die("mask length", out);
		if (strcmp(mask, out) == 0)
			die("mask shows the whole number", out);
		for (shown = 0, i = 0; i < n; i++) {
			if (mask[i] == '*')
				continue;
			if (mask[i] != out[i])
				die("mask changed a character", mask);
			shown++;
		}
		if (shown >= n || (n < 18 && shown * 3 > n) || shown > 8)
			die("mask shows too much", mask);
		r = tc_id_birth_date(t, out, &y, &m, &d);
		if (t == TC_ID_RESIDENT || t == TC_ID_HKMO_RESIDENCE ||
		    t == TC_ID_TW_RESIDENCE ||
		    (t == TC_ID_FOREIGN_PR && n == 18)) {
			if (r != 0 || !tc_date_valid(y, m, d) || y < 1900)
				die("birth date of a valid number", out);
		} else if (r != TC_ERR_UNSUPPORTED)
			die("birth date of a type without one", out);
	}
}

static void
check_name(const uint8_t *data, size_t size)
{
	struct tc_buf a, b;
	char err[256] = "";
	int r;

	tc_buf_init(&a, 0);
	tc_buf_init(&b, 0);
	r = tc_name_normalise((const char *)data, size, &a, err, sizeof(err));
	if (r != 0) {
		if (a.len != 0 || err[0] == '\0')
			die("name failure without message", err);
		if (r != TC_ERR_TOO_LARGE && r != TC_ERR_BAD_ENCODING &&
		    r != TC_ERR_MALFORMED)
			die("unexpected name error", err);
		goto out;
	}
	if (a.len == 0 || u8_check(a.data, a.len) != NULL)
		die("normalised name is not UTF-8", err);
	if (a.data[0] == ' ' || a.data[a.len - 1] == ' ' ||
	    memmem(a.data, a.len, "  ", 2) != NULL)
		die("normalised name has stray spaces", (char *)a.data);
	/* Idempotent: the output may be longer than the input cap. */
	if (a.len <= TC_NAME_IN_MAX) {
		r = tc_name_normalise(
		    (const char *)a.data, a.len, &b, err, sizeof(err));
		if (r != 0)
			die("normalised name refused", err);
		if (b.len != a.len || memcmp(a.data, b.data, a.len) != 0)
			die("name normalisation not idempotent",
			    (char *)a.data);
	}
out:
	tc_buf_release(&a);
	tc_buf_release(&b);
}

static void
check_cardno(const char *s)
{
	char region[7], norm[17], made[17], grouped[20], norm2[17];
	char err[256] = "";
	uint64_t serial = 0, serial2 = 0;
	int r;

	r = tc_cardno_parse(s, region, &serial, norm, err, sizeof(err));
	if (r != 0) {
		if (norm[0] != '\0' || region[0] != '\0' || serial != 0 ||
		    err[0] == '\0')
			die("card number failure without message", err);
		return;
	}
	if (tc_cardno_make(region, serial, made) != 0 ||
	    strcmp(made, norm) != 0)
		die("parsed card number differs from make", norm);
	tc_cardno_group(norm, grouped);
	if (strlen(grouped) != 19 ||
	    tc_cardno_parse(grouped, NULL, &serial2, norm2, err, sizeof(err)) !=
		0 ||
	    serial2 != serial || strcmp(norm2, norm) != 0)
		die("grouped card number", grouped);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = fuzz_cstr(data, size)) == NULL)
		return 0;
	check_id(s);
	check_cardno(s);
	check_name(data, size);
	free(s);
	return 0;
}
