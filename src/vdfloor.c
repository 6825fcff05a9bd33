/* SPDX-License-Identifier: MIT */
/*
 * The text of tcard-verifierd's rollback floor file (include/tcard/vdfloor.h):
 * a writer and a strict parser. The daemon writes the file itself, so the
 * parser accepts exactly what the writer produces (comments and blank lines
 * aside) and names the line of anything else: a damaged file must stop the
 * daemon with a clear message rather than be read as "no floor", which
 * would let an older list in. Reference: docs/verifierd.md, "What a
 * verifier remembers".
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/vdfloor.h"

#define FORMAT	       1
#define FLOOR_LINE_MAX 160

enum { F_FORMAT, F_CA, F_REV, F_LOOKUP, F_TRUST, F_COUNT };

static const char *const field_names[F_COUNT] = { "format", "ca", "revocations",
	"lookup", "trust-issued-at" };

void
tc_vdfloor_name(const uint8_t ca[32], char out[TC_VDFLOOR_NAME_MAX])
{
	char hex[33];

	tc_hex_encode(ca, 16, hex);
	snprintf(out, TC_VDFLOOR_NAME_MAX, "rollback-floor-%s", hex);
}

int
tc_vdfloor_format(const struct tc_vdfloor *f, char *out, size_t outlen)
{
	char hex[65];
	int n;

	if (f == NULL || out == NULL || f->trust_issued_at < 0)
		return TC_ERR_INVALID_ARG;
	tc_hex_encode(f->ca, sizeof(f->ca), hex);
	n = snprintf(out, outlen,
	    "# tcard-verifierd rollback floor (docs/verifierd.md): the newest\n"
	    "# lists this verifier accepted from the CA below. Written by the\n"
	    "# daemon; to forget it, start with --reset-rollback-floor.\n"
	    "format %d\n"
	    "ca %s\n"
	    "revocations %" PRIu64 "\n"
	    "lookup %" PRIu64 "\n"
	    "trust-issued-at %" PRId64 "\n",
	    FORMAT, hex, f->revocations, f->lookup, f->trust_issued_at);
	if (n < 0 || (size_t)n >= outlen)
		return TC_ERR_TOO_LARGE;
	return 0;
}

/* Decimal digits without sign or leading zero, at most INT64_MAX. */
static int
number(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	const char *p;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != '\0'))
		return TC_ERR_MALFORMED;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return TC_ERR_MALFORMED;
		if (x > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return TC_ERR_RANGE;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return 0;
}

/* One "key value" line into f; seen marks the keys met so far. */
static int
parse_line(struct tc_vdfloor *f, int seen[F_COUNT], char *line, char *err,
    size_t errlen)
{
	char *val;
	uint64_t v = 0;
	size_t k;
	int r;

	if ((val = strchr(line, ' ')) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "'%.32s' has no value", line);
	*val++ = '\0';
	for (k = 0; k < F_COUNT; k++)
		if (strcmp(line, field_names[k]) == 0)
			break;
	if (k == F_COUNT)
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "unknown key '%.32s'", line);
	if (seen[k])
		return tc_seterr(
		    err, errlen, TC_ERR_MALFORMED, "'%s' given twice", line);
	seen[k] = 1;
	if (k == F_CA) {
		if (tc_hex_decode(
			val, strlen(val), f->ca, sizeof(f->ca), NULL) != 0)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "ca: expected 64 hex digits");
		return 0;
	}
	if ((r = number(val, &v)) != 0)
		return tc_seterr(err, errlen, r, "%s: '%.32s' is not %s", line,
		    val, r == TC_ERR_RANGE ? "below 2^63" : "a decimal number");
	switch (k) {
	case F_FORMAT:
		if (v != FORMAT)
			return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
			    "format %" PRIu64 " (this daemon reads format %d)",
			    v, FORMAT);
		break;
	case F_REV:
		f->revocations = v;
		break;
	case F_LOOKUP:
		f->lookup = v;
		break;
	default:
		f->trust_issued_at = (int64_t)v;
		break;
	}
	return 0;
}

int
tc_vdfloor_parse(struct tc_vdfloor *out, const char *text, size_t len,
    char *err, size_t errlen)
{
	char line[FLOOR_LINE_MAX + 1], msg[256];
	int seen[F_COUNT] = { 0 };
	size_t pos = 0, end, n, lineno = 0, i;
	int r = 0;

	if (out == NULL || (text == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no input");
	memset(out, 0, sizeof(*out));
	if (len > TC_VDFLOOR_FILE_MAX)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%zu bytes, over the limit of %d", len,
		    TC_VDFLOOR_FILE_MAX);
	if (len == 0)
		return tc_seterr(err, errlen, TC_ERR_TRUNCATED, "empty file");
	while (pos < len) {
		lineno++;
		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		n = end - pos;
		if (n > FLOOR_LINE_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
			    "line %zu: longer than %d bytes", lineno,
			    FLOOR_LINE_MAX);
			goto fail;
		}
		for (i = 0; i < n; i++)
			if ((unsigned char)text[pos + i] < 0x20 ||
			    (unsigned char)text[pos + i] > 0x7e) {
				r = tc_seterr(err, errlen, TC_ERR_BAD_ENCODING,
				    "line %zu: byte %zu is not printable ASCII",
				    lineno, i + 1);
				goto fail;
			}
		if (end == len) {
			r = tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "line %zu: no newline at its end (the file was cut short)",
			    lineno);
			goto fail;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = end + 1;
		if (n == 0 || line[0] == '#')
			continue;
		if ((r = parse_line(out, seen, line, msg, sizeof(msg))) != 0) {
			tc_seterr(err, errlen, r, "line %zu: %s", lineno, msg);
			goto fail;
		}
	}
	for (i = 0; i < F_COUNT; i++)
		if (!seen[i]) {
			r = tc_seterr(err, errlen, TC_ERR_TRUNCATED,
			    "'%s' is missing", field_names[i]);
			goto fail;
		}
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return r;
}
