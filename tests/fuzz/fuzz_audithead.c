/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the signed audit head parser (tc_audit_head_decode in
 * src/bundle.c, the audit-head.cose of a bundle). Keys are fixed (ES256
 * and SM2 from fixed private scalars, tests/fuzz/fixed-key.h), so the seed
 * corpus in tests/fuzz/corpus/audithead/ carries real signatures; the time
 * is fixed too. The first byte of an input picks what the rest is:
 *   0  an audit-head.cose as a bundle holds it: untrusted, signature and
 *      all;
 *   1  a payload only (CBOR): the target signs it, so the payload parser
 *      sees arbitrary CBOR behind a valid signature.
 * A refused input must leave the output zeroed; an accepted one must hold
 * a head of seq >= 1, a publish >= 1, an issued-at within the allowed skew,
 * and its payload must be exactly what tc_audit_head_encode writes for
 * those values (the format has one encoding). Seeds:
 * `fuzz_audithead --write-seeds DIR` (the gcc build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/registry.h"
#include "tcard/revocation.h"

#include "fixed-key.h"

static struct tc_cose_keyring *ring;
static const struct tc_cose_key *es256, *sm2;

/* The payload of a COSE_Sign1 that decoded once already. */
static void
payload_of(const uint8_t *p, size_t n, struct tc_cose_sign1 *msg)
{
	if (tc_cose_sign1_decode(msg, p, n, NULL, 0) != 0)
		abort();
}

/* Decodes one audit-head.cose and checks what the decoder says. */
static void
one(const uint8_t *data, size_t size)
{
	static const uint8_t zero[sizeof(struct tc_audit_head_info)];
	struct tc_audit_head_info info;
	struct tc_cose_sign1 in, again;
	struct tc_buf b;
	char err[256];

	memset(&info, 0xa5, sizeof(info));
	if (tc_audit_head_decode(
		data, size, ring, FUZZ_NOW, &info, err, sizeof(err)) != 0) {
		if (memcmp(&info, zero, sizeof(info)) != 0)
			abort();
		return;
	}
	if (info.head.seq < 1 || info.publish_seq < 1 ||
	    info.issued_at > FUZZ_NOW + 300 || info.kidlen == 0 ||
	    info.kidlen > TC_COSE_KID_MAX)
		abort();
	/* One encoding only: the same values give the same payload. */
	tc_buf_init(&b, TC_AUDIT_HEAD_SIG_MAX);
	tc_cose_sign1_init(&in);
	tc_cose_sign1_init(&again);
	if (tc_audit_head_encode(&b, &info.head, info.issued_at,
		info.publish_seq, es256, NULL, 0) != 0)
		abort();
	payload_of(data, size, &in);
	payload_of(b.data, b.len, &again);
	if (in.payload.len != again.payload.len ||
	    memcmp(in.payload.data, again.payload.data, in.payload.len) != 0)
		abort();
	tc_cose_sign1_release(&in);
	tc_cose_sign1_release(&again);
	tc_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct tc_buf sig;

	if (!ready) {
		fixed_ring_new(&ring, &es256, &sm2);
		ready = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
		one(data + 1, size - 1);
		break;
	case 1:
		if (size - 1 > TC_AUDIT_HEAD_SIG_MAX - 200)
			break;
		tc_buf_init(&sig, TC_AUDIT_HEAD_SIG_MAX);
		if (tc_cose_sign1_create_max(&sig, es256, data + 1, size - 1,
			TC_AUDIT_HEAD_SIG_MAX, NULL, 0) != 0)
			abort();
		one(sig.data, sig.len);
		tc_buf_release(&sig);
		break;
	}
	return 0;
}

#ifndef TC_FUZZING
/* Writes DIR/NAME: the mode byte, then len bytes of p. */
static void
put_file(
    const char *dir, const char *name, uint8_t mode, const void *p, size_t len)
{
	fuzz_put_seed(dir, name, &mode, 1, p, len);
}

static void
head(const char *dir, const char *name, int64_t seq, time_t at,
    uint64_t publish, const struct tc_cose_key *k)
{
	struct tc_audit_head h;
	struct tc_buf b;
	size_t i;

	h.seq = seq;
	for (i = 0; i < sizeof(h.mac); i++)
		h.mac[i] = (uint8_t)(0x30 + i);
	tc_buf_init(&b, TC_AUDIT_HEAD_SIG_MAX);
	if (tc_audit_head_encode(&b, &h, at, publish, k, NULL, 0) != 0)
		abort();
	put_file(dir, name, 0, b.data, b.len);
	tc_buf_release(&b);
}

/* A payload for mode 1 from hex (spaces ignored). */
static void
raw(const char *dir, const char *name, const char *hex)
{
	uint8_t pl[512];
	size_t n = 0;
	unsigned v;

	for (; *hex != '\0'; hex++) {
		if (*hex == ' ')
			continue;
		if (sscanf(hex, "%2x", &v) != 1 || n == sizeof(pl))
			abort();
		pl[n++] = (uint8_t)v;
		hex++;
	}
	put_file(dir, name, 1, pl, n);
}

/*
 * The seed dir/name of a hand-made payload (mode 1): a map that starts
 * with the hex head, has the MAC and the kind of valid-es256, and ends
 * with the hex tail.
 */
static void
hand(const char *dir, const char *name, const char *head, const char *tail)
{
	static const char mac[] =
	    "58 20 303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f";
	static const char kind[] =
	    "06 75 74616c656e74636172642061756469742068656164";
	char hex[400];

	snprintf(hex, sizeof(hex), "%s 03%s 041a6ab13b80 0507 %s%s", head, mac,
	    kind, tail);
	raw(dir, name, hex);
}

int
tc_fuzz_write_seeds(const char *dir)
{
	static const uint32_t serials[] = { 3, 10 };
	struct tc_buf b;

	fixed_ring_new(&ring, &es256, &sm2);
	head(dir, "valid-es256", 218, FUZZ_NOW, 7, es256);
	head(dir, "valid-sm2", 1, FUZZ_NOW - 86400, 1, sm2);
	head(dir, "valid-big", INT64_MAX, FUZZ_NOW + 300, UINT64_MAX, es256);
	head(dir, "future", 218, FUZZ_NOW + 301, 7, es256);
	/* Hand-made payloads, signed by the target (mode 1). */
	hand(dir, "hand-valid", "a6 0101 0218da", "");
	hand(dir, "version-2", "a6 0102 0218da", "");
	hand(dir, "seq-0", "a6 0101 0200", "");
	hand(dir, "not-shortest", "a6 0101 021900da", "");
	hand(dir, "trailing-entry", "a7 0101 0218da", " 0700");
	raw(dir, "empty-map", "a0");
	/* A revocation list: signed by the same signers, another shape. */
	tc_buf_init(&b, TC_REV_MAX_INPUT);
	if (tc_revocations_encode(&b, 7, FUZZ_NOW, FUZZ_NOW + 3600, serials, 2,
		es256, NULL, 0) != 0)
		abort();
	put_file(dir, "revocation-list", 0, b.data, b.len);
	tc_buf_release(&b);
	/* Altered and cut short. */
	{
		struct tc_audit_head h = { 5, { 1 } };

		tc_buf_init(&b, TC_AUDIT_HEAD_SIG_MAX);
		if (tc_audit_head_encode(&b, &h, FUZZ_NOW, 2, es256, NULL, 0) !=
		    0)
			abort();
		b.data[b.len - 1] ^= 0x01;
		put_file(dir, "bad-signature", 0, b.data, b.len);
		put_file(dir, "truncated", 0, b.data, b.len / 2);
		tc_buf_release(&b);
	}
	return 0;
}
#endif
