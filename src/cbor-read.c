/* SPDX-License-Identifier: MIT */
/*
 * The strict CBOR head reader and encoder helpers of src/cbor-read.h, after
 * the reader of src/trust.c: definite lengths, shortest heads, every length
 * checked against the bytes left, no allocation. Used by the trust list,
 * the credential claims and the revocation list payload.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cbor.h>

#include "cbor-read.h"
#include "tcard/buf.h"
#include "tcard/err.h"

const char *
tc_cbor_major_name(int major)
{
	static const char *const names[8] = { "an unsigned integer",
		"a negative integer", "a byte string", "a text string",
		"an array", "a map", "a tag", "a simple value or float" };

	return names[major & 7];
}

void
tc_cbor_rd_init(struct tc_cbor_rd *r, const uint8_t *p, size_t len,
    const char *ctx, char *err, size_t errlen)
{
	tc_cursor_init(&r->c, p, len);
	r->ctx = ctx;
	r->err = err;
	r->errlen = errlen;
}

size_t
tc_cbor_head_len(uint64_t v)
{
	if (v < 24)
		return 1;
	if (v <= UINT8_MAX)
		return 2;
	if (v <= UINT16_MAX)
		return 3;
	if (v <= UINT32_MAX)
		return 5;
	return 9;
}

int
tc_cbor_head_decode(const uint8_t *p, size_t len, int *major, unsigned int *ai,
    uint64_t *val, size_t *head)
{
	uint64_t v = 0;
	unsigned int a, n, i;

	if (len == 0)
		return TC_ERR_TRUNCATED;
	a = p[0] & 0x1f;
	if (a > 27)
		return TC_ERR_MALFORMED;
	n = a < 24 ? 0 : 1u << (a - 24);
	if (len - 1 < n)
		return TC_ERR_TRUNCATED;
	for (i = 0; i < n; i++)
		v = v << 8 | p[1 + i];
	*major = p[0] >> 5;
	*ai = a;
	*val = a < 24 ? a : v;
	*head = 1 + n;
	return 0;
}

int
tc_cbor_get_head(struct tc_cbor_rd *r, int *major, uint64_t *val, size_t *at)
{
	const uint8_t *p = r->c.p + r->c.off;
	unsigned int ai;
	size_t n;
	int e;

	*at = r->c.off;
	if (tc_cursor_left(&r->c) == 0)
		return tc_seterr(r->err, r->errlen, TC_ERR_TRUNCATED,
		    "%s byte %zu: ends where an item should start", r->ctx,
		    *at);
	e = tc_cbor_head_decode(p, tc_cursor_left(&r->c), major, &ai, val, &n);
	if (e == TC_ERR_TRUNCATED)
		return tc_seterr(r->err, r->errlen, TC_ERR_TRUNCATED,
		    "%s byte %zu: ends inside a head", r->ctx, *at);
	if (e != 0)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "%s byte %zu: indefinite length or reserved head 0x%02x",
		    r->ctx, *at, p[0]);
	r->c.off += n;
	if (n != tc_cbor_head_len(*val))
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "%s byte %zu: head not in the shortest form", r->ctx, *at);
	return 0;
}

int
tc_cbor_expect(
    struct tc_cbor_rd *r, int want, const char *what, uint64_t *val, size_t *at)
{
	int major, e;

	if ((e = tc_cbor_get_head(r, &major, val, at)) != 0)
		return e;
	if (major != want)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "%s byte %zu: %s: expected %s, got %s", r->ctx, *at, what,
		    tc_cbor_major_name(want), tc_cbor_major_name(major));
	return 0;
}

int
tc_cbor_get_uint(struct tc_cbor_rd *r, const char *what, uint64_t *v)
{
	size_t at;

	return tc_cbor_expect(r, TC_CBOR_UINT, what, v, &at);
}

int
tc_cbor_expect_map(struct tc_cbor_rd *r, const char *what, uint64_t n)
{
	uint64_t v;
	size_t at;
	int e;

	if ((e = tc_cbor_expect(r, TC_CBOR_MAP, what, &v, &at)) != 0)
		return e;
	if (v != n)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "%s: a map of %llu entries (%llu expected)", r->ctx,
		    (unsigned long long)v, (unsigned long long)n);
	return 0;
}

int
tc_cbor_get_key(struct tc_cbor_rd *r, uint64_t want)
{
	uint64_t k;
	size_t at = r->c.off;
	int e;

	if ((e = tc_cbor_get_uint(r, "key", &k)) != 0)
		return e;
	if (k != want)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "%s byte %zu: expected key %llu", r->ctx, at,
		    (unsigned long long)want);
	return 0;
}

int
tc_cbor_get_version(struct tc_cbor_rd *r, uint64_t want)
{
	uint64_t v;
	int e;

	if ((e = tc_cbor_get_key(r, 1)) != 0 ||
	    (e = tc_cbor_get_uint(r, "version", &v)) != 0)
		return e;
	if (v != want)
		return tc_seterr(r->err, r->errlen, TC_ERR_UNSUPPORTED,
		    "%s version %llu; this program reads %llu", r->ctx,
		    (unsigned long long)v, (unsigned long long)want);
	return 0;
}

int
tc_cbor_get_time(struct tc_cbor_rd *r, const char *what, time_t *t)
{
	uint64_t v;
	int e;

	if ((e = tc_cbor_get_uint(r, what, &v)) != 0)
		return e;
	if (v > (uint64_t)INT64_MAX / 2)
		return tc_seterr(r->err, r->errlen, TC_ERR_RANGE,
		    "%s: %s out of range", r->ctx, what);
	*t = (time_t)v;
	return 0;
}

int
tc_cbor_end(struct tc_cbor_rd *r)
{
	if (tc_cursor_left(&r->c) != 0)
		return tc_seterr(r->err, r->errlen, TC_ERR_TRAILING,
		    "%s: %zu bytes after the map", r->ctx,
		    tc_cursor_left(&r->c));
	return 0;
}

int
tc_cbor_get_str(struct tc_cbor_rd *r, int major, const char *what, size_t max,
    const uint8_t **p, size_t *n)
{
	uint64_t v;
	size_t at;
	int e;

	if ((e = tc_cbor_expect(r, major, what, &v, &at)) != 0)
		return e;
	if (v > tc_cursor_left(&r->c))
		return tc_seterr(r->err, r->errlen, TC_ERR_TRUNCATED,
		    "%s byte %zu: %s: %llu bytes announced, %zu left", r->ctx,
		    at, what, (unsigned long long)v, tc_cursor_left(&r->c));
	if (v > max)
		return tc_seterr(r->err, r->errlen, TC_ERR_TOO_LARGE,
		    "%s byte %zu: %s: %llu bytes, at most %zu allowed", r->ctx,
		    at, what, (unsigned long long)v, max);
	*n = (size_t)v;
	return tc_cursor_get_bytes(&r->c, *n, p);
}

int
tc_cbor_put_head(struct tc_buf *b, int major, uint64_t v)
{
	unsigned char h[9];
	size_t n;

	switch (major) {
	case TC_CBOR_UINT:
		n = cbor_encode_uint(v, h, sizeof(h));
		break;
	case TC_CBOR_NEGINT:
		n = cbor_encode_negint(v, h, sizeof(h));
		break;
	case TC_CBOR_BSTR:
		n = cbor_encode_bytestring_start((size_t)v, h, sizeof(h));
		break;
	case TC_CBOR_TSTR:
		n = cbor_encode_string_start((size_t)v, h, sizeof(h));
		break;
	case TC_CBOR_ARRAY:
		n = cbor_encode_array_start((size_t)v, h, sizeof(h));
		break;
	case TC_CBOR_MAP:
		n = cbor_encode_map_start((size_t)v, h, sizeof(h));
		break;
	default:
		return TC_ERR_INTERNAL;
	}
	if (n == 0)
		return TC_ERR_INTERNAL;
	return tc_buf_put(b, h, n);
}

int
tc_cbor_put_int(struct tc_buf *b, int64_t v)
{
	if (v >= 0)
		return tc_cbor_put_head(b, TC_CBOR_UINT, (uint64_t)v);
	return tc_cbor_put_head(b, TC_CBOR_NEGINT, (uint64_t)(-(v + 1)));
}

int
tc_cbor_put_str(struct tc_buf *b, int major, const void *p, size_t n)
{
	int r;

	if ((r = tc_cbor_put_head(b, major, n)) != 0)
		return r;
	return tc_buf_put(b, p, n);
}

int
tc_cbor_put_kv_int(struct tc_buf *b, uint64_t key, int64_t v)
{
	int r = tc_cbor_put_head(b, TC_CBOR_UINT, key);

	return r != 0 ? r : tc_cbor_put_int(b, v);
}

int
tc_cbor_put_kv_uint(struct tc_buf *b, uint64_t key, uint64_t v)
{
	int r = tc_cbor_put_head(b, TC_CBOR_UINT, key);

	return r != 0 ? r : tc_cbor_put_head(b, TC_CBOR_UINT, v);
}

int
tc_cbor_put_kv_str(
    struct tc_buf *b, uint64_t key, int major, const void *p, size_t n)
{
	int r = tc_cbor_put_head(b, TC_CBOR_UINT, key);

	return r != 0 ? r : tc_cbor_put_str(b, major, p, n);
}
