/* SPDX-License-Identifier: MIT */
/*
 * The bank's production results file (include/tcard/banklist.h): a strict
 * line parser, the input being outside input (a bank's file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcard/banklist.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/utf8.h"

/* 1 when the n bytes at s are UTF-8 with no control character. */
static int
text_ok(const char *s, size_t n, size_t *bad)
{
	uint32_t cp;
	size_t k, i = 0;

	while (i < n) {
		k = tc_utf8_next((const uint8_t *)s + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0)) {
			*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

/* Parses one data line s (n bytes, no line end) into *res. */
static int
parse_line(const char *s, size_t n, size_t line, struct tc_banklist_result *res,
    char *err, size_t errlen)
{
	const char *f[3];
	size_t len[3], k = 0, i, start = 0;
	char field[65], cerr[160];
	int r;

	memset(res, 0, sizeof(*res));
	res->line = line;
	if (memchr(s, '"', n) != NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: a quote; fields are not quoted", line);
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != ',')
			continue;
		if (k == 3)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: more than 3 fields (card_no,result,reason)",
			    line);
		f[k] = s + start;
		len[k++] = i - start;
		start = i + 1;
	}
	if (k != 3)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu: %zu field%s, expected 3 (card_no,result,reason)",
		    line, k, k == 1 ? "" : "s");
	if (len[0] == 0 || len[0] >= sizeof(field))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu, field card_no: empty or too long", line);
	memcpy(field, f[0], len[0]);
	field[len[0]] = '\0';
	if (strspn(field, "0123456789") != len[0] || len[0] != 16)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu, field card_no: 16 digits expected", line);
	if ((r = tc_cardno_parse(
		 field, NULL, NULL, res->card_no, cerr, sizeof(cerr))) != 0)
		return tc_seterr(
		    err, errlen, r, "line %zu, field card_no: %s", line, cerr);
	if (len[1] == 4 && memcmp(f[1], "made", 4) == 0)
		res->made = 1;
	else if (!(len[1] == 6 && memcmp(f[1], "failed", 6) == 0))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu, field result: \"made\" or \"failed\" expected",
		    line);
	if (res->made && len[2] != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu, field reason: a made card has no reason", line);
	if (!res->made && (len[2] == 0 || len[2] > TC_BANKLIST_REASON_MAX))
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line %zu, field reason: a failed card needs a reason of 1 to %d bytes",
		    line, TC_BANKLIST_REASON_MAX);
	memcpy(res->reason, f[2], len[2]);
	res->reason[len[2]] = '\0';
	return 0;
}

/* The next line of text at *pos: its start and length (no line end). */
static int
next_line(const char *text, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*s = text + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl != NULL ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + (nl != NULL);
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static int
parse_all(const char *text, size_t len, struct tc_banklist_result *out,
    size_t *n, char *err, size_t errlen)
{
	const char *s;
	size_t pos = 0, sl, line = 1, bad, i;
	int r;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	if (!next_line(text, len, &pos, &s, &sl) ||
	    sl != strlen(TC_BANKLIST_HEADER) ||
	    memcmp(s, TC_BANKLIST_HEADER, sl) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "line 1: the header must be \"%s\"", TC_BANKLIST_HEADER);
	while (next_line(text, len, &pos, &s, &sl)) {
		line++;
		if (sl == 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "line %zu: an empty line", line);
		if (!text_ok(s, sl, &bad))
			return tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
			    "line %zu, byte %zu: not UTF-8 text, or a control character",
			    line, bad + 1);
		if (*n == TC_BANKLIST_MAX)
			return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "more than %d cards", TC_BANKLIST_MAX);
		if ((r = parse_line(s, sl, line, &out[*n], err, errlen)) != 0)
			return r;
		for (i = 0; i < *n; i++)
			if (strcmp(out[i].card_no, out[*n].card_no) == 0)
				return tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "line %zu, field card_no: card %s is on line %zu too",
				    line, out[*n].card_no, out[i].line);
		(*n)++;
	}
	if (*n == 0)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "no card after the header");
	return 0;
}

int
tc_banklist_parse(const char *text, size_t len, struct tc_banklist_result **out,
    size_t *n, char *err, size_t errlen)
{
	struct tc_banklist_result *res;
	size_t lines = 0, i;
	int r;

	if (out == NULL || n == NULL || (text == NULL && len > 0))
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "NULL argument");
	*out = NULL;
	*n = 0;
	if (len > TC_BANKLIST_FILE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the results file is %zu bytes, over %d", len,
		    TC_BANKLIST_FILE_MAX);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (lines > TC_BANKLIST_MAX + 1)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "more than %d cards", TC_BANKLIST_MAX);
	if ((res = calloc(lines + 1, sizeof(*res))) == NULL)
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	if ((r = parse_all(text, len, res, n, err, errlen)) != 0) {
		free(res);
		*n = 0;
		return r;
	}
	*out = res;
	return 0;
}
