/* SPDX-License-Identifier: MIT */
/*
 * zlib (RFC 1950) compression and capped decompression through the system
 * zlib (include/tcard/zlib.h). Both directions write straight into the
 * tail of the caller's tc_buf, in chunks of at most CHUNK bytes and never
 * past its cap. Once the output buffer is full, inflate is given a one-byte
 * scratch buffer instead: if zlib writes into it, the data would pass the
 * cap and inflating stops there, so a bomb costs at most the cap and one
 * chunk of work, never an allocation beyond the cap. zlib's own inflate
 * state is fixed (a 32 KB window plus about 7 KB).
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/zlib.h"

#define CHUNK (64u * 1024)

/*
 * Makes room at the end of b for the next piece of output and points zs at
 * it: at most CHUNK bytes and never past the cap. Returns TC_ERR_TOO_LARGE
 * when b is already at its cap.
 */
static int
make_room(struct tc_buf *b, z_stream *zs)
{
	size_t want, avail;
	int r;

	if (b->len >= b->cap)
		return TC_ERR_TOO_LARGE;
	want = b->cap - b->len;
	if (want > CHUNK)
		want = CHUNK;
	if ((r = tc_buf_reserve(b, want)) != 0)
		return r;
	/* Use what the allocation already holds, but never past the cap. */
	avail = b->alloc - 1 - b->len;
	if (avail > b->cap - b->len)
		avail = b->cap - b->len;
	if (avail > UINT_MAX)
		avail = UINT_MAX;
	zs->next_out = b->data + b->len;
	zs->avail_out = (uInt)avail;
	return 0;
}

/* Accounts for what zlib wrote since make_room() and restores the NUL. */
static void
took(struct tc_buf *b, const z_stream *zs)
{
	b->len = (size_t)(zs->next_out - b->data);
	b->data[b->len] = '\0';
}

/* Feeds zs the next piece of input (avail_in is a uInt, len a size_t). */
static void
feed(z_stream *zs, const uint8_t *in, size_t len, size_t *fed)
{
	size_t n;

	if (zs->avail_in > 0 || *fed == len)
		return;
	n = len - *fed;
	if (n > UINT_MAX)
		n = UINT_MAX;
	zs->next_in = in + *fed;
	zs->avail_in = (uInt)n;
	*fed += n;
}

int
tc_zlib_deflate(struct tc_buf *out, const uint8_t *in, size_t len)
{
	z_stream zs;
	size_t start = out->len, fed = 0;
	int zr, inited = 0, r = TC_ERR_INTERNAL;

	memset(&zs, 0, sizeof(zs));
	if ((zr = deflateInit(&zs, 9)) != Z_OK) {
		r = zr == Z_MEM_ERROR ? TC_ERR_NOMEM : TC_ERR_INTERNAL;
		goto out;
	}
	inited = 1;
	for (;;) {
		feed(&zs, in, len, &fed);
		if ((r = make_room(out, &zs)) != 0)
			goto out;
		zr = deflate(&zs, fed == len ? Z_FINISH : Z_NO_FLUSH);
		took(out, &zs);
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			r = TC_ERR_INTERNAL;
			goto out;
		}
	}
	r = 0;
out:
	if (inited)
		deflateEnd(&zs);
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}

int
tc_zlib_inflate(
    struct tc_buf *out, const uint8_t *in, size_t len, char *err, size_t errlen)
{
	z_stream zs;
	size_t start = out->len, fed = 0, used;
	uint8_t probe;
	int zr, full, inited = 0, r = TC_ERR_INTERNAL;

	memset(&zs, 0, sizeof(zs));
	if ((zr = inflateInit(&zs)) != Z_OK) {
		r = zr == Z_MEM_ERROR ? TC_ERR_NOMEM : TC_ERR_INTERNAL;
		goto out;
	}
	inited = 1;
	for (;;) {
		feed(&zs, in, len, &fed);
		if ((full = out->len >= out->cap)) {
			zs.next_out = &probe;
			zs.avail_out = 1;
		} else if ((r = make_room(out, &zs)) != 0)
			goto out;
		zr = inflate(&zs, Z_NO_FLUSH);
		used = fed - zs.avail_in;
		if (full) {
			if (zs.avail_out == 0) {
				r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
				    "zlib data passes the cap of %zu bytes (at input byte %zu of %zu)",
				    out->cap - start, used, len);
				goto out;
			}
		} else
			took(out, &zs);
		switch (zr) {
		case Z_OK:
			continue;
		case Z_STREAM_END:
			if (used < len) {
				r = tc_seterr(err, errlen, TC_ERR_TRAILING,
				    "input byte %zu: the zlib stream ends here but %zu more %s",
				    used, len - used,
				    len - used == 1 ? "byte follows"
						    : "bytes follow");
				goto out;
			}
			r = 0;
			goto out;
		case Z_BUF_ERROR:
			/* No progress: output room was given, so input ran out. */
			if (used == len) {
				r = tc_seterr(err, errlen, TC_ERR_TRUNCATED,
				    "zlib stream ends early (input of %zu bytes)",
				    len);
				goto out;
			}
			r = TC_ERR_INTERNAL;
			goto out;
		case Z_NEED_DICT:
			r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
			    "input byte 1: zlib stream needs a preset dictionary");
			goto out;
		case Z_DATA_ERROR:
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "input byte %zu: %s", used > 0 ? used - 1 : 0,
			    zs.msg != NULL ? zs.msg : "corrupt zlib data");
			goto out;
		case Z_MEM_ERROR:
			r = TC_ERR_NOMEM;
			goto out;
		default:
			r = TC_ERR_INTERNAL;
			goto out;
		}
	}
out:
	if (inited)
		inflateEnd(&zs);
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}
