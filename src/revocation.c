/* SPDX-License-Identifier: MIT */
/*
 * The signed revocation list (include/tcard/revocation.h): a COSE_Sign1 by
 * a credential signer over a small CBOR map that carries the revoked serials
 * as a CRoaring portable bitmap. The signature is checked before the payload
 * is read; the payload goes through the strict reader of src/cbor-read.c and
 * the bitmap through roaring_bitmap_portable_deserialize_safe, bounded by
 * the bytes present. Format: docs/formats.md, "Revocation list".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <roaring/roaring.h>

#include "cbor-read.h"
#include "tcard/buf.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/revocation.h"

struct tc_revocations {
	uint64_t seq;
	time_t issued_at;
	time_t next_update;
	roaring_bitmap_t *bm;
};

int
tc_revocations_encode(struct tc_buf *out, uint64_t seq, time_t issued_at,
    time_t next_update, const uint32_t *serials, size_t n,
    const struct tc_cose_key *signer, char *err, size_t errlen)
{
	struct tc_buf pl;
	roaring_bitmap_t *bm = NULL;
	char *ser = NULL;
	size_t i, sz;
	int r = TC_ERR_INTERNAL;

	tc_buf_init(&pl, TC_REV_MAX_INPUT);
	if (out == NULL || signer == NULL || (serials == NULL && n > 0) ||
	    issued_at < 0 || next_update < issued_at) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_revocations_encode: bad argument");
		goto out;
	}
	if ((bm = roaring_bitmap_create()) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (serials[i] == 0 || serials[i] > TC_CARDNO_SERIAL_MAX) {
			r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "serial %u out of range", serials[i]);
			goto out;
		}
		roaring_bitmap_add(bm, serials[i]);
	}
	roaring_bitmap_run_optimize(bm);
	sz = roaring_bitmap_portable_size_in_bytes(bm);
	if ((ser = malloc(sz)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if (roaring_bitmap_portable_serialize(bm, ser) != sz)
		goto out;
	if ((r = tc_cbor_put_head(&pl, TC_CBOR_MAP, 5)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 1)) != 0 ||
	    (r = tc_cbor_put_int(&pl, TC_REV_VERSION)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 2)) != 0 ||
	    (r = tc_cbor_put_head(&pl, TC_CBOR_UINT, seq)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 3)) != 0 ||
	    (r = tc_cbor_put_int(&pl, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 4)) != 0 ||
	    (r = tc_cbor_put_int(&pl, (int64_t)next_update)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 5)) != 0 ||
	    (r = tc_cbor_put_str(&pl, TC_CBOR_BSTR, ser, sz)) != 0) {
		r = tc_seterr(err, errlen, r, "revocation list payload: %s",
		    tc_strerror(r));
		goto out;
	}
	r = tc_cose_sign1_create_max(
	    out, signer, pl.data, pl.len, TC_REV_MAX_INPUT, err, errlen);
out:
	free(ser);
	if (bm != NULL)
		roaring_bitmap_free(bm);
	tc_buf_release(&pl);
	return r;
}

static int
get_key(struct tc_cbor_rd *r, uint64_t want)
{
	uint64_t k;
	size_t at = r->c.off;
	int e;

	if ((e = tc_cbor_get_uint(r, "key", &k)) != 0)
		return e;
	if (k != want)
		return tc_seterr(r->err, r->errlen, TC_ERR_MALFORMED,
		    "revocation list byte %zu: expected key %llu", at,
		    (unsigned long long)want);
	return 0;
}

static int
get_time(struct tc_cbor_rd *r, const char *what, time_t *t)
{
	uint64_t v;
	int e;

	if ((e = tc_cbor_get_uint(r, what, &v)) != 0)
		return e;
	if (v > (uint64_t)INT64_MAX / 2)
		return tc_seterr(r->err, r->errlen, TC_ERR_RANGE,
		    "revocation list: %s out of range", what);
	*t = (time_t)v;
	return 0;
}

int
tc_revocations_load(struct tc_revocations **out, const uint8_t *data,
    size_t len, const struct tc_cose_keyring *trust, time_t now, char *err,
    size_t errlen)
{
	struct tc_cose_sign1 msg;
	struct tc_revocations *rev = NULL;
	struct tc_cbor_rd rd;
	const uint8_t *bm;
	uint64_t n, version;
	size_t at, bmlen;
	int r = TC_ERR_INTERNAL;

	tc_cose_sign1_init(&msg);
	if (out == NULL || (data == NULL && len > 0) || trust == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (len > TC_REV_MAX_INPUT) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "revocation list of %zu bytes; at most %u accepted", len,
		    TC_REV_MAX_INPUT);
		goto out;
	}
	if ((r = tc_cose_sign1_decode_max(
		 &msg, data, len, TC_REV_MAX_INPUT, err, errlen)) != 0 ||
	    (r = tc_cose_sign1_verify_keyring(
		 &msg, trust, NULL, err, errlen)) != 0)
		goto out;
	if ((rev = calloc(1, sizeof(*rev))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	tc_cbor_rd_init(&rd, msg.payload.data, msg.payload.len,
	    "revocation list", err, errlen);
	if ((r = tc_cbor_expect(&rd, TC_CBOR_MAP, "list", &n, &at)) != 0)
		goto out;
	if (n != 5) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation list: a map of %llu entries (5 expected)",
		    (unsigned long long)n);
		goto out;
	}
	if ((r = get_key(&rd, 1)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "version", &version)) != 0)
		goto out;
	if (version != TC_REV_VERSION) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "revocation list version %llu; this program reads %d",
		    (unsigned long long)version, TC_REV_VERSION);
		goto out;
	}
	if ((r = get_key(&rd, 2)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "sequence", &rev->seq)) != 0 ||
	    (r = get_key(&rd, 3)) != 0 ||
	    (r = get_time(&rd, "issued-at", &rev->issued_at)) != 0 ||
	    (r = get_key(&rd, 4)) != 0 ||
	    (r = get_time(&rd, "next-update", &rev->next_update)) != 0 ||
	    (r = get_key(&rd, 5)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_BSTR, "serials", TC_REV_MAX_INPUT,
		 &bm, &bmlen)) != 0)
		goto out;
	if (tc_cursor_left(&rd.c) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_TRAILING,
		    "revocation list: %zu bytes after the map",
		    tc_cursor_left(&rd.c));
		goto out;
	}
	if (rev->next_update < rev->issued_at) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation list: next-update before issued-at");
		goto out;
	}
	if (rev->issued_at > now + TC_CRED_SKEW) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "revocation list issued in the future");
		goto out;
	}
	rev->bm =
	    roaring_bitmap_portable_deserialize_safe((const char *)bm, bmlen);
	if (rev->bm == NULL ||
	    roaring_bitmap_portable_size_in_bytes(rev->bm) != bmlen) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation list: the serial set is not a portable "
		    "roaring bitmap filling its byte string");
		goto out;
	}
	*out = rev;
	rev = NULL;
	r = 0;
out:
	tc_revocations_free(rev);
	tc_cose_sign1_release(&msg);
	return r;
}

int
tc_revocations_has(const struct tc_revocations *rev, uint64_t serial)
{
	if (rev == NULL || rev->bm == NULL || serial == 0 ||
	    serial > UINT32_MAX)
		return 0;
	return roaring_bitmap_contains(rev->bm, (uint32_t)serial) ? 1 : 0;
}

uint64_t
tc_revocations_seq(const struct tc_revocations *rev)
{
	return rev->seq;
}

time_t
tc_revocations_issued_at(const struct tc_revocations *rev)
{
	return rev->issued_at;
}

time_t
tc_revocations_next_update(const struct tc_revocations *rev)
{
	return rev->next_update;
}

uint64_t
tc_revocations_count(const struct tc_revocations *rev)
{
	return rev->bm == NULL ? 0 : roaring_bitmap_get_cardinality(rev->bm);
}

void
tc_revocations_free(struct tc_revocations *rev)
{
	if (rev == NULL)
		return;
	if (rev->bm != NULL) /* CRoaring 0.x does not accept NULL */
		roaring_bitmap_free(rev->bm);
	free(rev);
}
