/* SPDX-License-Identifier: MIT */
/*
 * The signed revocation list (include/tcard/revocation.h): a COSE_Sign1 by
 * a credential signer over a small CBOR map that carries the revoked serials
 * as a CRoaring portable bitmap. The signature is checked before the payload
 * is read; the payload goes through the strict reader of src/cbor-read.c and
 * the bitmap through roaring_bitmap_portable_deserialize_safe, bounded by
 * the bytes present; the serials it yields are then checked to ascend
 * strictly within 1..999999999 and copied into a bitmap built here, so the
 * set operations of deltas never run on containers that came from outside.
 * Deltas carry the serials added and removed between two sequence numbers
 * in the same way. Formats: docs/formats.md, "Revocation list", and
 * docs/bundle.md.
 */
#include <stdbool.h>
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

#define DELTA_KEYS 7 /* entries of a delta's map */

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
	    (r = tc_cbor_put_kv_int(&pl, 1, TC_REV_VERSION)) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 2, seq)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 3, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 4, (int64_t)next_update)) != 0 ||
	    (r = tc_cbor_put_kv_str(&pl, 5, TC_CBOR_BSTR, ser, sz)) != 0) {
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

struct walk {
	roaring_bitmap_t *bm; /* the copy being built */
	uint32_t prev;
	uint64_t n;
	int bad;
};

static bool
walk_one(uint32_t v, void *arg)
{
	struct walk *w = arg;

	if (v == 0 || v > TC_CARDNO_SERIAL_MAX || (w->n > 0 && v <= w->prev)) {
		w->bad = 1;
		return false;
	}
	roaring_bitmap_add(w->bm, v);
	w->prev = v;
	w->n++;
	return true;
}

/*
 * Reads a portable bitmap of len bytes into *out: it must fill its bytes
 * exactly, yield serials in strictly ascending order within
 * 1..TC_CARDNO_SERIAL_MAX, and agree with its own cardinality. *out is a
 * fresh bitmap built from those serials, not the deserialised one, so a
 * container that is inconsistent in a way the walk did not notice never
 * reaches the set operations.
 */
static int
read_set(const uint8_t *p, size_t len, const char *ctx, const char *what,
    roaring_bitmap_t **out, char *err, size_t errlen)
{
	roaring_bitmap_t *in;
	struct walk w = { NULL, 0, 0, 0 };
	int r = TC_ERR_MALFORMED;

	*out = NULL;
	in = roaring_bitmap_portable_deserialize_safe((const char *)p, len);
	if (in == NULL || roaring_bitmap_portable_size_in_bytes(in) != len) {
		tc_seterr(err, errlen, r,
		    "%s: the %s are not a portable roaring bitmap filling its byte string",
		    ctx, what);
		goto out;
	}
	if ((w.bm = roaring_bitmap_create()) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	(void)roaring_iterate(in, walk_one, &w);
	if (w.bad || w.n != roaring_bitmap_get_cardinality(in)) {
		tc_seterr(err, errlen, r,
		    "%s: the %s are not distinct ascending serials within 1..%u (after %llu good ones)",
		    ctx, what, TC_CARDNO_SERIAL_MAX, (unsigned long long)w.n);
		goto out;
	}
	roaring_bitmap_run_optimize(w.bm);
	*out = w.bm;
	w.bm = NULL;
	r = 0;
out:
	if (w.bm != NULL)
		roaring_bitmap_free(w.bm);
	if (in != NULL)
		roaring_bitmap_free(in);
	return r;
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
	size_t bmlen;
	int r = TC_ERR_INTERNAL;

	tc_cose_sign1_init(&msg);
	if (out == NULL || (data == NULL && len > 0) || trust == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if ((r = tc_cose_sign1_open(&msg, data, len, TC_REV_MAX_INPUT, trust,
		 "revocation list", err, errlen)) != 0)
		goto out;
	if ((rev = calloc(1, sizeof(*rev))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	tc_cbor_rd_init(&rd, msg.payload.data, msg.payload.len,
	    "revocation list", err, errlen);
	if ((r = tc_cbor_expect_map(&rd, "list", 5)) != 0 ||
	    (r = tc_cbor_get_version(&rd, TC_REV_VERSION)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 2)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "sequence", &rev->seq)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 3)) != 0 ||
	    (r = tc_cbor_get_time(&rd, "issued-at", &rev->issued_at)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 4)) != 0 ||
	    (r = tc_cbor_get_time(&rd, "next-update", &rev->next_update)) !=
		0 ||
	    (r = tc_cbor_get_key(&rd, 5)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_BSTR, "serials", TC_REV_MAX_INPUT,
		 &bm, &bmlen)) != 0 ||
	    (r = tc_cbor_end(&rd)) != 0)
		goto out;
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
	if ((r = read_set(bm, bmlen, "revocation list", "serials", &rev->bm,
		 err, errlen)) != 0)
		goto out;
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

/* Serialises bm (portable format) and appends it as a CBOR byte string. */
static int
put_set(struct tc_buf *pl, roaring_bitmap_t *bm)
{
	char *ser;
	size_t sz;
	int r;

	roaring_bitmap_run_optimize(bm);
	sz = roaring_bitmap_portable_size_in_bytes(bm);
	if ((ser = malloc(sz)) == NULL)
		return TC_ERR_NOMEM;
	if (roaring_bitmap_portable_serialize(bm, ser) != sz)
		r = TC_ERR_INTERNAL;
	else
		r = tc_cbor_put_str(pl, TC_CBOR_BSTR, ser, sz);
	free(ser);
	return r;
}

/* A bitmap of the n serials, each checked to be in range. */
static int
make_set(const uint32_t *s, size_t n, const char *what, roaring_bitmap_t **out,
    char *err, size_t errlen)
{
	roaring_bitmap_t *bm;
	size_t i;

	*out = NULL;
	if ((bm = roaring_bitmap_create()) == NULL)
		return TC_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == 0 || s[i] > TC_CARDNO_SERIAL_MAX) {
			roaring_bitmap_free(bm);
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "%s serial %u out of range", what, s[i]);
		}
		roaring_bitmap_add(bm, s[i]);
	}
	*out = bm;
	return 0;
}

/* Signs the delta payload for two ready bitmaps. */
static int
delta_sign(struct tc_buf *out, uint64_t from_seq, uint64_t to_seq,
    time_t issued_at, time_t next_update, roaring_bitmap_t *add,
    roaring_bitmap_t *del, const struct tc_cose_key *signer, char *err,
    size_t errlen)
{
	struct tc_buf pl;
	int r;

	tc_buf_init(&pl, TC_REV_MAX_INPUT);
	if (roaring_bitmap_intersect(add, del)) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "revocation delta: a serial is both added and removed");
		goto out;
	}
	if ((r = tc_cbor_put_head(&pl, TC_CBOR_MAP, DELTA_KEYS)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 1, TC_REV_VERSION)) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 2, from_seq)) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 3, to_seq)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 4, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 5, (int64_t)next_update)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 6)) != 0 ||
	    (r = put_set(&pl, add)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 7)) != 0 ||
	    (r = put_set(&pl, del)) != 0) {
		r = tc_seterr(err, errlen, r, "revocation delta payload: %s",
		    tc_strerror(r));
		goto out;
	}
	r = tc_cose_sign1_create_max(
	    out, signer, pl.data, pl.len, TC_REV_MAX_INPUT, err, errlen);
out:
	tc_buf_release(&pl);
	return r;
}

int
tc_revocations_delta_encode(struct tc_buf *out, uint64_t from_seq,
    uint64_t to_seq, time_t issued_at, time_t next_update,
    const uint32_t *added, size_t nadded, const uint32_t *removed,
    size_t nremoved, const struct tc_cose_key *signer, char *err, size_t errlen)
{
	roaring_bitmap_t *add = NULL, *del = NULL;
	int r;

	if (out == NULL || signer == NULL || (added == NULL && nadded > 0) ||
	    (removed == NULL && nremoved > 0) || issued_at < 0 ||
	    next_update < issued_at || to_seq <= from_seq)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_revocations_delta_encode: bad argument");
	if ((r = make_set(added, nadded, "added", &add, err, errlen)) != 0 ||
	    (r = make_set(removed, nremoved, "removed", &del, err, errlen)) !=
		0)
		goto out;
	r = delta_sign(out, from_seq, to_seq, issued_at, next_update, add, del,
	    signer, err, errlen);
out:
	if (add != NULL)
		roaring_bitmap_free(add);
	if (del != NULL)
		roaring_bitmap_free(del);
	return r;
}

int
tc_revocations_delta_make(struct tc_buf *out, const struct tc_revocations *from,
    const struct tc_revocations *to, const struct tc_cose_key *signer,
    char *err, size_t errlen)
{
	roaring_bitmap_t *add = NULL, *del = NULL;
	int r = TC_ERR_NOMEM;

	if (out == NULL || from == NULL || to == NULL || signer == NULL ||
	    from->bm == NULL || to->bm == NULL || to->seq <= from->seq)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_revocations_delta_make: bad argument");
	if ((add = roaring_bitmap_andnot(to->bm, from->bm)) == NULL ||
	    (del = roaring_bitmap_andnot(from->bm, to->bm)) == NULL)
		goto out;
	r = delta_sign(out, from->seq, to->seq, to->issued_at, to->next_update,
	    add, del, signer, err, errlen);
out:
	if (add != NULL)
		roaring_bitmap_free(add);
	if (del != NULL)
		roaring_bitmap_free(del);
	return r;
}

/* A verified, parsed delta. */
struct delta {
	struct tc_revocations_delta_info info;
	roaring_bitmap_t *add, *del;
};

static void
delta_release(struct delta *d)
{
	if (d->add != NULL)
		roaring_bitmap_free(d->add);
	if (d->del != NULL)
		roaring_bitmap_free(d->del);
	memset(d, 0, sizeof(*d));
}

static int
delta_parse(struct delta *d, const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now, char *err, size_t errlen)
{
	struct tc_cose_sign1 msg;
	struct tc_cbor_rd rd;
	const uint8_t *p;
	uint64_t n;
	size_t at, plen;
	int r = TC_ERR_INTERNAL;

	memset(d, 0, sizeof(*d));
	tc_cose_sign1_init(&msg);
	if ((data == NULL && len > 0) || trust == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "revocation delta: missing argument");
	if ((r = tc_cose_sign1_open(&msg, data, len, TC_REV_MAX_INPUT, trust,
		 "revocation delta", err, errlen)) != 0)
		goto out;
	tc_cbor_rd_init(&rd, msg.payload.data, msg.payload.len,
	    "revocation delta", err, errlen);
	if ((r = tc_cbor_expect(&rd, TC_CBOR_MAP, "delta", &n, &at)) != 0)
		goto out;
	if (n != DELTA_KEYS) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation delta: a map of %llu entries (%d expected%s)",
		    (unsigned long long)n, DELTA_KEYS,
		    n == 5 ? "; this looks like a full list" : "");
		goto out;
	}
	if ((r = tc_cbor_get_version(&rd, TC_REV_VERSION)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 2)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "from", &d->info.from_seq)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 3)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "to", &d->info.to_seq)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 4)) != 0 ||
	    (r = tc_cbor_get_time(&rd, "issued-at", &d->info.issued_at)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 5)) != 0 ||
	    (r = tc_cbor_get_time(&rd, "next-update", &d->info.next_update)) !=
		0 ||
	    (r = tc_cbor_get_key(&rd, 6)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_BSTR, "added", TC_REV_MAX_INPUT,
		 &p, &plen)) != 0 ||
	    (r = read_set(p, plen, "revocation delta", "added serials", &d->add,
		 err, errlen)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 7)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_BSTR, "removed", TC_REV_MAX_INPUT,
		 &p, &plen)) != 0 ||
	    (r = read_set(p, plen, "revocation delta", "removed serials",
		 &d->del, err, errlen)) != 0 ||
	    (r = tc_cbor_end(&rd)) != 0)
		goto out;
	if (d->info.to_seq <= d->info.from_seq) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation delta: to %llu is not after from %llu",
		    (unsigned long long)d->info.to_seq,
		    (unsigned long long)d->info.from_seq);
		goto out;
	}
	if (d->info.next_update < d->info.issued_at) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation delta: next-update before issued-at");
		goto out;
	}
	if (d->info.issued_at > now + TC_CRED_SKEW) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "revocation delta issued in the future");
		goto out;
	}
	if (roaring_bitmap_intersect(d->add, d->del)) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation delta: a serial is both added and removed");
		goto out;
	}
	d->info.nadded = roaring_bitmap_get_cardinality(d->add);
	d->info.nremoved = roaring_bitmap_get_cardinality(d->del);
	r = 0;
out:
	if (r != 0)
		delta_release(d);
	tc_cose_sign1_release(&msg);
	return r;
}

int
tc_revocations_delta_peek(const uint8_t *data, size_t len,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_revocations_delta_info *info, char *err, size_t errlen)
{
	struct delta d;
	int r;

	if (info == NULL)
		return TC_ERR_INVALID_ARG;
	memset(info, 0, sizeof(*info));
	if ((r = delta_parse(&d, data, len, trust, now, err, errlen)) != 0)
		return r;
	*info = d.info;
	delta_release(&d);
	return 0;
}

int
tc_revocations_apply_delta(struct tc_revocations **rev, const uint8_t *data,
    size_t len, const struct tc_cose_keyring *trust, time_t now, char *err,
    size_t errlen)
{
	struct tc_revocations *cur, *next = NULL;
	struct delta d;
	int r;

	if (rev == NULL || *rev == NULL || (*rev)->bm == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "revocation delta: no current list to apply it to");
	cur = *rev;
	if ((r = delta_parse(&d, data, len, trust, now, err, errlen)) != 0)
		return r;
	if (d.info.from_seq != cur->seq) {
		r = tc_seterr(err, errlen, TC_ERR_STATE,
		    "revocation delta from list %llu to %llu; the list held is %llu",
		    (unsigned long long)d.info.from_seq,
		    (unsigned long long)d.info.to_seq,
		    (unsigned long long)cur->seq);
		goto out;
	}
	if (d.info.issued_at < cur->issued_at) {
		r = tc_seterr(err, errlen, TC_ERR_STALE,
		    "revocation delta to list %llu issued before list %llu",
		    (unsigned long long)d.info.to_seq,
		    (unsigned long long)cur->seq);
		goto out;
	}
	if (!roaring_bitmap_is_subset(d.del, cur->bm) ||
	    roaring_bitmap_intersect(d.add, cur->bm)) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "revocation delta %llu..%llu does not fit the list held: it removes a serial not listed or adds one already listed",
		    (unsigned long long)d.info.from_seq,
		    (unsigned long long)d.info.to_seq);
		goto out;
	}
	if ((next = calloc(1, sizeof(*next))) == NULL ||
	    (next->bm = roaring_bitmap_or(cur->bm, d.add)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	roaring_bitmap_andnot_inplace(next->bm, d.del);
	roaring_bitmap_run_optimize(next->bm);
	next->seq = d.info.to_seq;
	next->issued_at = d.info.issued_at;
	next->next_update = d.info.next_update;
	*rev = next;
	next = NULL;
	tc_revocations_free(cur);
	r = 0;
out:
	tc_revocations_free(next);
	delta_release(&d);
	return r;
}

int
tc_revocations_newer(const struct tc_revocations *cur,
    const struct tc_revocations *next, char *err, size_t errlen)
{
	if (next == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no new revocation list");
	if (cur == NULL || next->seq > cur->seq)
		return 0;
	return tc_seterr(err, errlen, TC_ERR_STALE,
	    "revocation list %llu is not newer than the list held, %llu",
	    (unsigned long long)next->seq, (unsigned long long)cur->seq);
}

int
tc_revocations_serials(
    const struct tc_revocations *rev, uint32_t **out, size_t *n)
{
	uint64_t c;

	if (out == NULL || n == NULL || rev == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	*n = 0;
	if ((c = tc_revocations_count(rev)) == 0)
		return 0;
	if (c > SIZE_MAX / sizeof(uint32_t) ||
	    (*out = malloc((size_t)c * sizeof(uint32_t))) == NULL)
		return TC_ERR_NOMEM;
	roaring_bitmap_to_uint32_array(rev->bm, *out);
	*n = (size_t)c;
	return 0;
}

struct foreach {
	int (*fn)(uint32_t, void *);
	void *arg;
	int r;
};

static bool
foreach_one(uint32_t v, void *arg)
{
	struct foreach *f = arg;

	f->r = f->fn(v, f->arg);
	return f->r == 0;
}

int
tc_revocations_foreach(const struct tc_revocations *rev,
    int (*fn)(uint32_t serial, void *arg), void *arg)
{
	struct foreach f = { fn, arg, 0 };

	if (rev == NULL || rev->bm == NULL || fn == NULL)
		return 0;
	(void)roaring_iterate(rev->bm, foreach_one, &f);
	return f.r;
}

int
tc_revocations_equal(
    const struct tc_revocations *a, const struct tc_revocations *b)
{
	if (a == NULL || b == NULL || a->bm == NULL || b->bm == NULL)
		return a == b;
	return roaring_bitmap_equals(a->bm, b->bm) ? 1 : 0;
}
