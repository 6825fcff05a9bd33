/* SPDX-License-Identifier: MIT */
/*
 * COSE_Sign1 (RFC 9052) creation, strict decoding and verification
 * (include/tcard/cose.h). CBOR heads are written with libcbor's encoders and
 * read one at a time with the library's one head decoder
 * (tc_cbor_head_decode, src/cbor-read.h): this file keeps the structure,
 * the limits and the nesting depth itself and never builds a libcbor item
 * tree. cbor_load is not used on untrusted bytes because in
 * libcbor 0.8.0 it allocates memory for the declared size of an array or map
 * before reading a single element (a 5-byte input makes it ask for 2 GiB) and
 * because it rejects tags 6..20 in their one-byte form, COSE_Sign1's tag 18
 * included (libcbor issue #307); its streaming decoder has that second bug
 * too, which is why heads are decoded here and not by libcbor. The
 * Sig_structure is
 * hashed in parts, never assembled. docs/cose.md has the details.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cbor.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "cbor-read.h"
#include "cose-int.h"

/* Header labels this implementation understands (RFC 9052 section 3.1). */
#define LABEL_ALG  1
#define LABEL_CRIT 2
#define LABEL_KID  4

/* Room for the two bstr heads and the h'' of a Sig_structure. */
#define HEADS 19

/* What one CBOR head turned out to be. */
enum kind {
	K_NONE,
	K_UINT,
	K_NEGINT, /* the value is -1 - val */
	K_BSTR,
	K_TSTR,
	K_ARRAY,
	K_MAP,
	K_TAG,
	K_SIMPLE, /* false, true, null, undefined */
	K_FLOAT,
	K_INDEF, /* an indefinite-length start or a break */
};

struct item {
	enum kind kind;
	uint64_t val;	  /* integer argument, length, count, tag */
	const uint8_t *p; /* K_BSTR, K_TSTR: contents, in the input */
	int null;	  /* K_SIMPLE: it was null */
	size_t off;	  /* offset of the head in the whole input */
};

/* A reader over in[off..end); offsets in messages count from in[0]. */
struct dec {
	const uint8_t *in;
	size_t off;
	size_t end;
	char *err;
	size_t errlen;
};

/* A header label already seen, to refuse repeats. */
struct label {
	enum kind kind;	  /* K_UINT, K_NEGINT or K_TSTR */
	uint64_t val;	  /* the argument, or the text length */
	const uint8_t *p; /* K_TSTR: the text */
};

struct hdrstate {
	struct label seen[2 * TC_COSE_MAX_HEADERS];
	size_t nseen;
	int have_alg;
	int have_kid;
};

static const char *
kindname(enum kind k)
{
	static const char *const names[] = { "nothing", "an unsigned integer",
		"a negative integer", "a byte string", "a text string",
		"an array", "a map", "a tag", "a simple value", "a float",
		"an indefinite-length item" };

	return names[k];
}

/* What an initial byte of major type 7 is, as libcbor 0.8 read it. */
static enum kind
kind7(unsigned int ai, struct item *it)
{
	switch (ai) {
	case 20: /* false */
	case 21: /* true */
		it->val = ai - 20;
		return K_SIMPLE;
	case 22:
		it->null = 1;
		return K_SIMPLE;
	case 23: /* undefined */
		return K_SIMPLE;
	case 25: /* half, single and double floats */
	case 26:
	case 27:
		return K_FLOAT;
	default: /* simple values 0..19 and 0xf8: unassigned */
		return K_NONE;
	}
}

/*
 * Reads the next head (and, for a string, its contents) into it, with the
 * library's one head decoder (src/cbor-read.h). Refuses what the strict
 * profile forbids: indefinite lengths and breaks, heads longer than
 * needed, and the initial bytes CBOR reserves or leaves unassigned. All
 * one-byte tag heads are tags here (libcbor 0.8.0 refused 0xc6..0xd4, so
 * COSE_Sign1's 0xd2 too, as "unassigned").
 */
static int
next(struct dec *d, struct item *it)
{
	static const enum kind kinds[7] = { K_UINT, K_NEGINT, K_BSTR, K_TSTR,
		K_ARRAY, K_MAP, K_TAG };
	size_t head, left = d->end - d->off;
	unsigned int ai;
	uint64_t v = 0;
	int major, e;
	uint8_t b;

	memset(it, 0, sizeof(*it));
	it->off = d->off;
	if (d->off >= d->end)
		return tc_seterr(d->err, d->errlen, TC_ERR_TRUNCATED,
		    "byte %zu: input ends where an item should start", d->off);
	b = d->in[d->off];
	/* Unassigned simple values are refused before their argument. */
	if ((b >> 5) == 7 && (b & 0x1f) < 28 && kind7(b & 0x1f, it) == K_NONE)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: reserved or unassigned initial byte 0x%02x",
		    d->off, b);
	e = tc_cbor_head_decode(d->in + d->off, left, &major, &ai, &v, &head);
	if (e == TC_ERR_TRUNCATED)
		return tc_seterr(d->err, d->errlen, TC_ERR_TRUNCATED,
		    "byte %zu: input ends inside an item", d->off);
	if (e != 0 && (b & 0x1f) == 31 &&
	    ((b >> 5) == 7 || ((b >> 5) >= 2 && (b >> 5) <= 5)))
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: indefinite-length item or break (only definite lengths are allowed)",
		    d->off);
	if (e == 0) {
		it->kind = major == 7 ? kind7(ai, it) : kinds[major];
		if (major != 7)
			it->val = v;
	}
	if (it->kind == K_NONE)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: reserved or unassigned initial byte 0x%02x",
		    d->off, b);
	if (it->kind == K_BSTR || it->kind == K_TSTR) {
		if (v > left - head)
			return tc_seterr(d->err, d->errlen, TC_ERR_TRUNCATED,
			    "byte %zu: input ends inside an item", d->off);
		it->p = d->in + d->off + head;
	}
	if (it->kind != K_SIMPLE && it->kind != K_FLOAT &&
	    head != tc_cbor_head_len(it->val))
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: %s in a %zu-byte head where %zu bytes do (not the shortest form)",
		    d->off, kindname(it->kind), head,
		    tc_cbor_head_len(it->val));
	d->off += head;
	if (it->kind == K_BSTR || it->kind == K_TSTR)
		d->off += (size_t)it->val;
	return 0;
}

/*
 * Skips one data item of any type. depth is the nesting level of the item;
 * arrays, maps and tags deeper than TC_COSE_MAX_DEPTH are refused, which
 * also bounds this recursion. Every element takes at least one byte, so a
 * huge declared count ends at the end of the input.
 */
static int
skip(struct dec *d, int depth)
{
	struct item it;
	uint64_t i;
	int r;

	if ((r = next(d, &it)) != 0)
		return r;
	if (it.kind != K_ARRAY && it.kind != K_MAP && it.kind != K_TAG)
		return 0;
	if (depth > TC_COSE_MAX_DEPTH)
		return tc_seterr(d->err, d->errlen, TC_ERR_TOO_DEEP,
		    "byte %zu: nested deeper than %d levels", it.off,
		    TC_COSE_MAX_DEPTH);
	if (it.kind == K_TAG)
		return skip(d, depth + 1);
	for (i = 0; i < it.val; i++) {
		if ((r = skip(d, depth + 1)) != 0)
			return r;
		if (it.kind == K_MAP && (r = skip(d, depth + 1)) != 0)
			return r;
	}
	return 0;
}

/* Writes a label for a message; text is cut short and made printable. */
static void
labelstr(char *buf, size_t n, const struct label *l)
{
	size_t i, j = 0;

	if (l->kind == K_UINT)
		snprintf(buf, n, "%llu", (unsigned long long)l->val);
	else if (l->kind == K_NEGINT)
		snprintf(buf, n, "-1-%llu", (unsigned long long)l->val);
	else {
		if (n < 8)
			return;
		buf[j++] = '"';
		for (i = 0; i < l->val && j + 5 < n; i++)
			buf[j++] =
			    l->p[i] >= 0x20 && l->p[i] < 0x7f && l->p[i] != '"'
			    ? (char)l->p[i]
			    : '?';
		if (i < l->val)
			buf[j++] = '.', buf[j++] = '.', buf[j++] = '.';
		buf[j++] = '"';
		buf[j] = '\0';
	}
}

static int
label_eq(const struct label *a, const struct label *b)
{
	if (a->kind != b->kind || a->val != b->val)
		return 0;
	return a->kind != K_TSTR || memcmp(a->p, b->p, a->val) == 0;
}

static int
is_label(const struct label *l, int v)
{
	return l->kind == K_UINT && l->val == (uint64_t)v;
}

static int
read_alg(struct dec *d, struct tc_cose_sign1 *msg)
{
	struct item it;
	long long v;
	int r;

	if ((r = next(d, &it)) != 0)
		return r;
	if (it.kind == K_TSTR)
		return tc_seterr(d->err, d->errlen, TC_ERR_UNSUPPORTED_ALG,
		    "byte %zu: alg is a text string (only integer algs are supported)",
		    it.off);
	if (it.kind != K_UINT && it.kind != K_NEGINT)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: alg is %s, not an integer", it.off,
		    kindname(it.kind));
	if (it.val > INT_MAX)
		return tc_seterr(d->err, d->errlen, TC_ERR_UNSUPPORTED_ALG,
		    "byte %zu: alg %s%llu is not supported", it.off,
		    it.kind == K_NEGINT ? "-1-" : "",
		    (unsigned long long)it.val);
	v = it.kind == K_UINT ? (long long)it.val : -1 - (long long)it.val;
	if (v != TC_COSE_ALG_ES256 && v != TC_COSE_ALG_SM2_SM3)
		return tc_seterr(d->err, d->errlen, TC_ERR_UNSUPPORTED_ALG,
		    "byte %zu: alg %lld is not supported (ES256 %d, SM2 with SM3 %d)",
		    it.off, v, TC_COSE_ALG_ES256, TC_COSE_ALG_SM2_SM3);
	msg->alg = (int)v;
	return 0;
}

static int
read_kid(struct dec *d, struct tc_cose_sign1 *msg)
{
	struct item it;
	int r;

	if ((r = next(d, &it)) != 0)
		return r;
	if (it.kind != K_BSTR)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: kid is %s, not a byte string", it.off,
		    kindname(it.kind));
	if (it.val < 1 || it.val > TC_COSE_KID_MAX)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: kid of %llu bytes (1..%d allowed)", it.off,
		    (unsigned long long)it.val, TC_COSE_KID_MAX);
	memcpy(msg->kid, it.p, it.val);
	msg->kidlen = it.val;
	return 0;
}

/* crit: a non-empty array of labels, each one this code understands. */
static int
read_crit(struct dec *d)
{
	struct item it, el;
	struct label l;
	char buf[48];
	uint64_t i;
	int r;

	if ((r = next(d, &it)) != 0)
		return r;
	if (it.kind != K_ARRAY || it.val < 1 || it.val > TC_COSE_MAX_HEADERS)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: crit must be an array of 1..%d labels", it.off,
		    TC_COSE_MAX_HEADERS);
	for (i = 0; i < it.val; i++) {
		if ((r = next(d, &el)) != 0)
			return r;
		if (el.kind != K_UINT && el.kind != K_NEGINT &&
		    el.kind != K_TSTR)
			return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
			    "byte %zu: crit lists %s, not a label", el.off,
			    kindname(el.kind));
		l.kind = el.kind;
		l.val = el.val;
		l.p = el.p;
		if (!is_label(&l, LABEL_ALG) && !is_label(&l, LABEL_KID)) {
			labelstr(buf, sizeof(buf), &l);
			return tc_seterr(d->err, d->errlen, TC_ERR_CRIT_HEADER,
			    "byte %zu: critical header %s is not understood",
			    el.off, buf);
		}
	}
	return 0;
}

/*
 * Reads one header map (the protected one from inside its bstr, or the
 * unprotected one) and checks its labels against the rules of the header
 * file; labels of both maps go into hs->seen so none repeats across them.
 */
static int
read_headers(struct dec *d, int protected, struct tc_cose_sign1 *msg,
    struct hdrstate *hs)
{
	const char *which = protected ? "protected" : "unprotected";
	struct item it, lab;
	struct label l;
	char buf[48];
	uint64_t i;
	size_t j;
	int r;

	if ((r = next(d, &it)) != 0)
		return r;
	if (it.kind != K_MAP)
		return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
		    "byte %zu: the %s header is %s, not a map", it.off, which,
		    kindname(it.kind));
	if (it.val > TC_COSE_MAX_HEADERS)
		return tc_seterr(d->err, d->errlen, TC_ERR_TOO_LARGE,
		    "byte %zu: the %s header has %llu entries (at most %d)",
		    it.off, which, (unsigned long long)it.val,
		    TC_COSE_MAX_HEADERS);
	for (i = 0; i < it.val; i++) {
		if ((r = next(d, &lab)) != 0)
			return r;
		if (lab.kind != K_UINT && lab.kind != K_NEGINT &&
		    lab.kind != K_TSTR)
			return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
			    "byte %zu: a %s header label is %s (labels are integers or text)",
			    lab.off, which, kindname(lab.kind));
		l.kind = lab.kind;
		l.val = lab.val;
		l.p = lab.p;
		if (!protected && is_label(&l, LABEL_ALG))
			return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
			    "byte %zu: alg in the unprotected header", lab.off);
		if (!protected && is_label(&l, LABEL_CRIT))
			return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
			    "byte %zu: crit in the unprotected header",
			    lab.off);
		if (!protected && is_label(&l, LABEL_KID))
			return tc_seterr(d->err, d->errlen, TC_ERR_MALFORMED,
			    "byte %zu: kid must be protected (found in the unprotected header)",
			    lab.off);
		for (j = 0; j < hs->nseen; j++) {
			if (label_eq(&hs->seen[j], &l)) {
				labelstr(buf, sizeof(buf), &l);
				return tc_seterr(d->err, d->errlen,
				    TC_ERR_MALFORMED,
				    "byte %zu: header label %s appears twice",
				    lab.off, buf);
			}
		}
		hs->seen[hs->nseen++] = l;
		if (is_label(&l, LABEL_ALG)) {
			r = read_alg(d, msg);
			hs->have_alg = 1;
		} else if (is_label(&l, LABEL_KID)) {
			r = read_kid(d, msg);
			hs->have_kid = 1;
		} else if (is_label(&l, LABEL_CRIT))
			r = read_crit(d);
		else
			r = skip(d, 3);
		if (r != 0)
			return r;
	}
	return 0;
}

/* Copies n bytes into b (reset first). */
static int
keep(struct tc_buf *b, const uint8_t *p, size_t n)
{
	tc_buf_reset(b);
	return tc_buf_put(b, p, n);
}

void
tc_cose_sign1_init(struct tc_cose_sign1 *msg)
{
	memset(msg, 0, sizeof(*msg));
	tc_buf_init(&msg->protected_hdr, TC_COSE_MAX_INPUT);
	tc_buf_init(&msg->payload, TC_COSE_MAX_INPUT);
	tc_buf_init(&msg->sig, TC_COSE_MAX_INPUT);
}

void
tc_cose_sign1_release(struct tc_cose_sign1 *msg)
{
	if (msg == NULL)
		return;
	tc_buf_release(&msg->protected_hdr);
	tc_buf_release(&msg->payload);
	tc_buf_release(&msg->sig);
	msg->alg = 0;
	memset(msg->kid, 0, sizeof(msg->kid));
	msg->kidlen = 0;
	msg->tagged = 0;
}

int
tc_cose_sign1_decode(struct tc_cose_sign1 *msg, const uint8_t *in, size_t len,
    char *err, size_t errlen)
{
	return tc_cose_sign1_decode_max(
	    msg, in, len, TC_COSE_MAX_INPUT, err, errlen);
}

int
tc_cose_sign1_decode_max(struct tc_cose_sign1 *msg, const uint8_t *in,
    size_t len, size_t max, char *err, size_t errlen)
{
	struct dec d = {
		.in = in, .off = 0, .end = len, .err = err, .errlen = errlen
	};
	struct dec sub;
	struct hdrstate hs;
	struct item it, prot, payload, sig;
	int r = TC_ERR_INTERNAL;

	if (msg == NULL || (in == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_sign1_decode: NULL argument");
	tc_cose_sign1_release(msg);
	memset(&hs, 0, sizeof(hs));
	if (max < TC_COSE_MAX_INPUT)
		max = TC_COSE_MAX_INPUT;
	if (len > max) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "COSE_Sign1 of %zu bytes (at most %zu)", len, max);
		goto out;
	}
	msg->protected_hdr.cap = max;
	msg->payload.cap = max;
	msg->sig.cap = max;
	if ((r = next(&d, &it)) != 0)
		goto out;
	if (it.kind == K_TAG) {
		if (it.val != TC_COSE_TAG_SIGN1) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "byte %zu: tag %llu (only %d, COSE_Sign1, is allowed)",
			    it.off, (unsigned long long)it.val,
			    TC_COSE_TAG_SIGN1);
			goto out;
		}
		msg->tagged = 1;
		if ((r = next(&d, &it)) != 0)
			goto out;
	}
	if (it.kind == K_ARRAY && it.val != 4) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: COSE_Sign1 is an array of 4, not of %llu",
		    it.off, (unsigned long long)it.val);
		goto out;
	}
	if (it.kind != K_ARRAY) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: COSE_Sign1 is an array of 4, not %s", it.off,
		    kindname(it.kind));
		goto out;
	}

	/* The protected header: a bstr holding one map and nothing more. */
	if ((r = next(&d, &prot)) != 0)
		goto out;
	if (prot.kind != K_BSTR) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: the protected header is %s, not a byte string",
		    prot.off, kindname(prot.kind));
		goto out;
	}
	if (prot.val > 0) {
		sub = d;
		sub.off = (size_t)(prot.p - in);
		sub.end = sub.off + prot.val;
		if ((r = read_headers(&sub, 1, msg, &hs)) != 0)
			goto out;
		if (sub.off != sub.end) {
			r = tc_seterr(err, errlen, TC_ERR_TRAILING,
			    "byte %zu: %zu bytes after the protected header map",
			    sub.off, sub.end - sub.off);
			goto out;
		}
	}
	/* (A kid found here is refused as unprotected, not as missing.) */
	if ((r = read_headers(&d, 0, msg, &hs)) != 0)
		goto out;
	if (!hs.have_alg) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: no alg in the protected header", prot.off);
		goto out;
	}
	if (!hs.have_kid) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: no kid in the protected header", prot.off);
		goto out;
	}

	if ((r = next(&d, &payload)) != 0)
		goto out;
	if (payload.kind == K_SIMPLE && payload.null) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "byte %zu: detached payload (nil) is not supported",
		    payload.off);
		goto out;
	}
	if (payload.kind != K_BSTR) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: the payload is %s, not a byte string",
		    payload.off, kindname(payload.kind));
		goto out;
	}

	if ((r = next(&d, &sig)) != 0)
		goto out;
	if (sig.kind != K_BSTR) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "byte %zu: the signature is %s, not a byte string", sig.off,
		    kindname(sig.kind));
		goto out;
	}
	if (d.off != len) {
		r = tc_seterr(err, errlen, TC_ERR_TRAILING,
		    "byte %zu: %zu bytes after the COSE_Sign1", d.off,
		    len - d.off);
		goto out;
	}

	if ((r = keep(&msg->protected_hdr, prot.p, prot.val)) != 0 ||
	    (r = keep(&msg->payload, payload.p, payload.val)) != 0 ||
	    (r = keep(&msg->sig, sig.p, sig.val)) != 0) {
		r = tc_seterr(err, errlen, r, "out of memory");
		goto out;
	}
	r = 0;
out:
	if (r != 0)
		tc_cose_sign1_release(msg);
	return r;
}

/* Appends a CBOR head made by one of libcbor's encoders. */
static int
put_head(struct tc_buf *b, size_t hl, const uint8_t *h)
{
	if (hl == 0)
		return TC_ERR_INTERNAL;
	return tc_buf_put(b, h, hl);
}

static int
put_bstr(struct tc_buf *b, const uint8_t *p, size_t n)
{
	uint8_t h[9];
	int r;

	if ((r = put_head(
		 b, cbor_encode_bytestring_start(n, h, sizeof(h)), h)) != 0)
		return r;
	return tc_buf_put(b, p, n);
}

/* Size of a COSE_Sign1 with these contents and an empty unprotected map. */
static size_t
sign1_size(size_t plen, size_t len, size_t siglen)
{
	return 2 + tc_cbor_head_len(plen) + plen + 1 + tc_cbor_head_len(len) +
	    len + tc_cbor_head_len(siglen) + siglen;
}

/* Appends tag 18, [ protected, {}, payload, sig ]; out unchanged on error. */
static int
put_sign1(struct tc_buf *out, const uint8_t *prot, size_t plen,
    const uint8_t *payload, size_t len, const uint8_t *sig, size_t siglen)
{
	uint8_t h[9];
	size_t start = out->len;
	int r;

	if ((r = put_head(out, cbor_encode_tag(TC_COSE_TAG_SIGN1, h, sizeof(h)),
		 h)) != 0 ||
	    (r = put_head(out, cbor_encode_array_start(4, h, sizeof(h)), h)) !=
		0 ||
	    (r = put_bstr(out, prot, plen)) != 0 ||
	    (r = put_head(out, cbor_encode_map_start(0, h, sizeof(h)), h)) !=
		0 ||
	    (r = put_bstr(out, payload, len)) != 0 ||
	    (r = put_bstr(out, sig, siglen)) != 0)
		tc_buf_truncate(out, start);
	return r;
}

/*
 * The Sig_structure of RFC 9052 section 4.4,
 *     [ "Signature1", protected bstr, external_aad h'', payload bstr ],
 * as five parts hashed one after the other. heads must hold HEADS bytes.
 */
static void
sig_structure(struct tc_cose_part parts[5], uint8_t *heads, const uint8_t *prot,
    size_t plen, const uint8_t *payload, size_t len)
{
	static const uint8_t prefix[] = { 0x84, 0x6a, 'S', 'i', 'g', 'n', 'a',
		't', 'u', 'r', 'e', '1' };
	static const uint8_t empty[1];
	size_t hl;

	parts[0].p = prefix;
	parts[0].len = sizeof(prefix);
	parts[1].p = heads;
	parts[1].len = cbor_encode_bytestring_start(plen, heads, 9);
	parts[2].p = prot != NULL ? prot : empty;
	parts[2].len = plen;
	/* external_aad h'' and the payload's head. */
	heads[9] = 0x40;
	hl = cbor_encode_bytestring_start(len, heads + 10, 9);
	parts[3].p = heads + 9;
	parts[3].len = 1 + hl;
	parts[4].p = payload != NULL ? payload : empty;
	parts[4].len = len;
}

static void
hex(char *dst, size_t n, const uint8_t *p, size_t len)
{
	size_t i;

	if (n == 0)
		return;
	dst[0] = '\0';
	for (i = 0; i < len && 2 * i + 2 < n; i++)
		snprintf(dst + 2 * i, 3, "%02x", p[i]);
}

int
tc_cose_sign1_create(struct tc_buf *out, const struct tc_cose_key *signer,
    const uint8_t *payload, size_t len, char *err, size_t errlen)
{
	return tc_cose_sign1_create_max(
	    out, signer, payload, len, TC_COSE_MAX_INPUT, err, errlen);
}

int
tc_cose_sign1_create_max(struct tc_buf *out, const struct tc_cose_key *signer,
    const uint8_t *payload, size_t len, size_t max, char *err, size_t errlen)
{
	struct tc_cose_part parts[5];
	uint8_t prot[64], heads[HEADS], sig[TC_COSE_SIG_LEN], h[9];
	const uint8_t *kid;
	size_t plen = 0, kidlen, hl;
	int alg, r;

	if (out == NULL || signer == NULL || (payload == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_sign1_create: NULL argument");
	alg = tc_cose_key_alg(signer);
	kid = tc_cose_key_kid(signer, &kidlen);

	/* {1: alg, 4: kid}: keys in bytewise order, shortest heads. */
	prot[plen++] = 0xa2;
	prot[plen++] = LABEL_ALG;
	hl = alg < 0
	    ? cbor_encode_negint((uint64_t)(-1 - (long long)alg), h, sizeof(h))
	    : cbor_encode_uint((uint64_t)alg, h, sizeof(h));
	memcpy(prot + plen, h, hl);
	plen += hl;
	prot[plen++] = LABEL_KID;
	hl = cbor_encode_bytestring_start(kidlen, h, sizeof(h));
	memcpy(prot + plen, h, hl);
	plen += hl;
	memcpy(prot + plen, kid, kidlen);
	plen += kidlen;

	if (max < TC_COSE_MAX_INPUT)
		max = TC_COSE_MAX_INPUT;
	if (len > max || sign1_size(plen, len, TC_COSE_SIG_LEN) > max)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "a payload of %zu bytes makes a COSE_Sign1 over %zu bytes",
		    len, max);
	sig_structure(parts, heads, prot, plen, payload, len);
	if ((r = tc_cose_key_sign_parts(signer, parts, 5, sig, err, errlen)) !=
	    0)
		return r;
	if ((r = put_sign1(out, prot, plen, payload, len, sig, sizeof(sig))) !=
	    0)
		return tc_seterr(err, errlen, r,
		    "appending the COSE_Sign1 to the output: %s",
		    tc_strerror(r));
	return 0;
}

int
tc_cose_sign1_encode(struct tc_buf *out, const struct tc_cose_sign1 *msg,
    char *err, size_t errlen)
{
	int r;

	if (out == NULL || msg == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_sign1_encode: NULL argument");
	if (msg->protected_hdr.len > TC_COSE_MAX_INPUT ||
	    msg->payload.len > TC_COSE_MAX_INPUT ||
	    msg->sig.len > TC_COSE_MAX_INPUT ||
	    sign1_size(msg->protected_hdr.len, msg->payload.len, msg->sig.len) >
		TC_COSE_MAX_INPUT)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "the COSE_Sign1 would be over %d bytes", TC_COSE_MAX_INPUT);
	if ((r = put_sign1(out, msg->protected_hdr.data, msg->protected_hdr.len,
		 msg->payload.data, msg->payload.len, msg->sig.data,
		 msg->sig.len)) != 0)
		return tc_seterr(err, errlen, r,
		    "appending the COSE_Sign1 to the output: %s",
		    tc_strerror(r));
	return 0;
}

int
tc_cose_sign1_verify(const struct tc_cose_sign1 *msg,
    const struct tc_cose_key *key, char *err, size_t errlen)
{
	struct tc_cose_part parts[5];
	uint8_t heads[HEADS];
	const uint8_t *kid;
	char a[2 * TC_COSE_KID_MAX + 1], b[2 * TC_COSE_KID_MAX + 1];
	size_t kidlen;

	if (msg == NULL || key == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_sign1_verify: NULL argument");
	if (msg->alg != tc_cose_key_alg(key))
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "the message says alg %d, the key is for alg %d", msg->alg,
		    tc_cose_key_alg(key));
	kid = tc_cose_key_kid(key, &kidlen);
	if (msg->kidlen != kidlen || memcmp(msg->kid, kid, kidlen) != 0) {
		hex(a, sizeof(a), msg->kid, msg->kidlen);
		hex(b, sizeof(b), kid, kidlen);
		return tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
		    "the message's kid %s is not the key's kid %s", a, b);
	}
	sig_structure(parts, heads, msg->protected_hdr.data,
	    msg->protected_hdr.len, msg->payload.data, msg->payload.len);
	return tc_cose_key_verify_parts(
	    key, parts, 5, msg->sig.data, msg->sig.len, err, errlen);
}

int
tc_cose_sign1_open(struct tc_cose_sign1 *msg, const uint8_t *in, size_t len,
    size_t max, const struct tc_cose_keyring *kr, const char *what, char *err,
    size_t errlen)
{
	int r;

	if (len > max)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "%s of %zu bytes; at most %zu accepted", what, len, max);
	if ((r = tc_cose_sign1_decode_max(msg, in, len, max, err, errlen)) != 0)
		return r;
	return tc_cose_sign1_verify_keyring(msg, kr, NULL, err, errlen);
}

int
tc_cose_sign1_verify_keyring(const struct tc_cose_sign1 *msg,
    const struct tc_cose_keyring *kr, const struct tc_cose_key **used,
    char *err, size_t errlen)
{
	const struct tc_cose_key *k;
	char a[2 * TC_COSE_KID_MAX + 1];
	int r;

	if (used != NULL)
		*used = NULL;
	if (msg == NULL || kr == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "tc_cose_sign1_verify_keyring: NULL argument");
	if ((k = tc_cose_keyring_find(kr, msg->kid, msg->kidlen)) == NULL) {
		hex(a, sizeof(a), msg->kid, msg->kidlen);
		return tc_seterr(err, errlen, TC_ERR_UNKNOWN_KEY,
		    "no trusted key with kid %s", a);
	}
	if ((r = tc_cose_sign1_verify(msg, k, err, errlen)) != 0)
		return r;
	if (used != NULL)
		*used = k;
	return 0;
}
