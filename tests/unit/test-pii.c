/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the personal data protection (src/pii.c): the ID and name
 * MACs against values computed here with OpenSSL's one-shot HMAC() and
 * against pinned vectors made with `openssl dgst -mac HMAC`, and AES-GCM
 * sealing: round trips, a blob made independently (Python cryptography),
 * and a change of every byte of a sealed blob. All numbers are made up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/pii.h"

/* A made-up resident number with a valid check character. */
#define FAKE_ID "11010519491231002X"

static void
fill(uint8_t *p, size_t n, uint8_t first)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static void
unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(hex), 2 * n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* The MAC as the format document states it, computed without src/pii.c. */
static void
reference_mac(const uint8_t key[32], const char *label, const char *value,
    uint8_t out[32])
{
	uint8_t in[256];
	size_t ll = strlen(label), vl = strlen(value);
	unsigned int outlen = 0;

	assert_true(ll + 1 + vl <= sizeof(in));
	memcpy(in, label, ll);
	in[ll] = 0;
	memcpy(in + ll + 1, value, vl);
	assert_non_null(
	    HMAC(EVP_sha256(), key, 32, in, ll + 1 + vl, out, &outlen));
	assert_int_equal(outlen, 32);
}

static void
test_id_mac_known_answer(void **state)
{
	static const struct {
		const char *id;
		const char *hex; /* openssl dgst -sha256 -mac HMAC */
	} vec[] = {
		{ FAKE_ID,
		    "92c7c3c0cbb6ba8f74adafa2db7a9f243505eeb7720333de543102d02cb252d4" },
		{ "E12345678",
		    "a8e2e4eda3173932d076dc8dead78ffaaeb84e883b0bf5556b90bfd401232dc8" },
	};
	uint8_t pepper[32], mac[32], ref[32], want[32];
	size_t i;

	fill(pepper, sizeof(pepper), 0);
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		assert_int_equal(tc_pii_id_mac(pepper, vec[i].id, mac), 0);
		reference_mac(pepper, "talentcard-id-v1", vec[i].id, ref);
		assert_memory_equal(mac, ref, 32);
		unhex(vec[i].hex, want, 32);
		assert_memory_equal(mac, want, 32);
	}
	/* Another pepper gives another MAC. */
	pepper[31] ^= 1;
	assert_int_equal(tc_pii_id_mac(pepper, FAKE_ID, ref), 0);
	assert_memory_not_equal(mac, ref, 32);
}

static void
test_name_mac_known_answer(void **state)
{
	uint8_t pepper[32], mac[32], ref[32], want[32], idmac[32];
	const char *name = "\xe5\xbc\xa0\xe4\xb8\x89"; /* a made-up name */

	fill(pepper, sizeof(pepper), 0);
	assert_int_equal(tc_pii_name_mac(pepper, name, mac), 0);
	reference_mac(pepper, "talentcard-name-v1", name, ref);
	assert_memory_equal(mac, ref, 32);
	unhex(
	    "cfbdcbff8c1e54279d4d982438f049dc7d8637f29c4322cbd163de5fb53f000f",
	    want, 32);
	assert_memory_equal(mac, want, 32);
	/* The labels keep name and ID MACs of the same text apart. */
	assert_int_equal(tc_pii_name_mac(pepper, FAKE_ID, mac), 0);
	assert_int_equal(tc_pii_id_mac(pepper, FAKE_ID, idmac), 0);
	assert_memory_not_equal(mac, idmac, 32);
}

static void
test_mac_bad_args(void **state)
{
	uint8_t pepper[32] = { 0 }, mac[32];

	memset(mac, 0xaa, sizeof(mac));
	assert_int_equal(tc_pii_id_mac(pepper, "", mac), TC_ERR_INVALID_ARG);
	assert_int_equal(mac[0], 0);
	assert_int_equal(tc_pii_id_mac(pepper, NULL, mac), TC_ERR_INVALID_ARG);
	assert_int_equal(tc_pii_id_mac(NULL, FAKE_ID, mac), TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_pii_name_mac(pepper, FAKE_ID, NULL), TC_ERR_INVALID_ARG);
}

static void
test_seal_round_trip(void **state)
{
	uint8_t key[32];
	struct tc_buf sealed, plain;
	char err[160];

	fill(key, sizeof(key), 0x40);
	tc_buf_init(&sealed, 0);
	tc_buf_init(&plain, 0);
	assert_int_equal(tc_pii_seal(key, "ctx", (const uint8_t *)FAKE_ID,
			     strlen(FAKE_ID), &sealed),
	    0);
	assert_int_equal(sealed.len, strlen(FAKE_ID) + TC_PII_SEAL_OVERHEAD);
	assert_int_equal(sealed.data[0], 1);
	/* The plaintext is not in the blob. */
	assert_null(memmem(sealed.data, sealed.len, "1949", 4));
	assert_int_equal(tc_pii_open(key, "ctx", sealed.data, sealed.len,
			     &plain, err, sizeof(err)),
	    0);
	assert_string_equal((char *)plain.data, FAKE_ID);
	/* Two seals of the same value differ (random nonce). */
	tc_buf_reset(&plain);
	assert_int_equal(tc_pii_seal(key, "ctx", (const uint8_t *)FAKE_ID,
			     strlen(FAKE_ID), &plain),
	    0);
	assert_memory_not_equal(plain.data, sealed.data, sealed.len);
	tc_buf_release(&plain);
	/* Empty plaintext and NULL aad. */
	tc_buf_reset(&sealed);
	assert_int_equal(tc_pii_seal(key, NULL, NULL, 0, &sealed), 0);
	assert_int_equal(sealed.len, TC_PII_SEAL_OVERHEAD);
	assert_int_equal(tc_pii_open(key, "", sealed.data, sealed.len, &plain,
			     err, sizeof(err)),
	    0);
	assert_int_equal(plain.len, 0);
	tc_buf_release(&plain);
	tc_buf_release(&sealed);
}

static void
test_open_independent_blob(void **state)
{
	/* AESGCM(key 40..5f).encrypt(nonce a0..ab, FAKE_ID,
	 * b"\x01talentcard-holder-v1:resident"), prefixed 01 || nonce. */
	static const char hex[] =
	    "01a0a1a2a3a4a5a6a7a8a9aaabe6be360ed2dead144d5670ccba8d00c6dd4ffc33533767162f1b95368beeced41259";
	uint8_t key[32], blob[47];
	struct tc_buf plain;
	char err[160];

	fill(key, sizeof(key), 0x40);
	unhex(hex, blob, sizeof(blob));
	tc_buf_init(&plain, 0);
	assert_int_equal(tc_pii_open(key, "talentcard-holder-v1:resident", blob,
			     sizeof(blob), &plain, err, sizeof(err)),
	    0);
	assert_string_equal((char *)plain.data, FAKE_ID);
	tc_buf_reset(&plain);
	/* The same blob under another context string does not open. */
	assert_int_equal(tc_pii_open(key, "talentcard-holder-v1:passport", blob,
			     sizeof(blob), &plain, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	assert_int_equal(plain.len, 0);
	tc_buf_release(&plain);
}

static void
test_tamper_every_byte(void **state)
{
	uint8_t key[32], *blob;
	struct tc_buf sealed, plain;
	size_t i, n;
	int bit, want;
	char err[160];

	fill(key, sizeof(key), 7);
	tc_buf_init(&sealed, 0);
	tc_buf_init(&plain, 0);
	assert_int_equal(
	    tc_pii_seal(key, "talentcard-holder-v1:resident",
		(const uint8_t *)FAKE_ID, strlen(FAKE_ID), &sealed),
	    0);
	n = sealed.len;
	blob = sealed.data;
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit += 7) {
			blob[i] ^= (uint8_t)(1u << bit);
			want = i == 0 ? TC_ERR_MALFORMED : TC_ERR_DECRYPT;
			err[0] = '\0';
			assert_int_equal(
			    tc_pii_open(key, "talentcard-holder-v1:resident",
				blob, n, &plain, err, sizeof(err)),
			    want);
			assert_int_equal(plain.len, 0);
			assert_true(err[0] != '\0');
			blob[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* Unchanged it still opens. */
	assert_int_equal(tc_pii_open(key, "talentcard-holder-v1:resident", blob,
			     n, &plain, err, sizeof(err)),
	    0);
	assert_string_equal((char *)plain.data, FAKE_ID);
	tc_buf_reset(&plain);
	/* Another key. */
	key[0] ^= 0x80;
	assert_int_equal(tc_pii_open(key, "talentcard-holder-v1:resident", blob,
			     n, &plain, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	key[0] ^= 0x80;
	/* Every truncation and one extra byte. */
	for (i = 0; i < n; i++) {
		want = i < TC_PII_SEAL_OVERHEAD ? TC_ERR_MALFORMED
						: TC_ERR_DECRYPT;
		assert_int_equal(
		    tc_pii_open(key, "talentcard-holder-v1:resident", blob, i,
			&plain, err, sizeof(err)),
		    want);
		assert_int_equal(plain.len, 0);
	}
	assert_int_equal(tc_buf_put_u8(&sealed, 0), 0);
	assert_int_equal(tc_pii_open(key, "talentcard-holder-v1:resident",
			     sealed.data, sealed.len, &plain, err, sizeof(err)),
	    TC_ERR_DECRYPT);
	tc_buf_release(&plain);
	tc_buf_release(&sealed);
}

static void
test_open_keeps_existing_output(void **state)
{
	uint8_t key[32] = { 1 };
	struct tc_buf sealed, plain;
	char err[160];

	tc_buf_init(&sealed, 0);
	tc_buf_init(&plain, 0);
	assert_int_equal(tc_buf_puts(&plain, "prefix:"), 0);
	assert_int_equal(
	    tc_pii_seal(key, "a", (const uint8_t *)"xyz", 3, &sealed), 0);
	assert_int_equal(tc_pii_open(key, "a", sealed.data, sealed.len, &plain,
			     err, sizeof(err)),
	    0);
	assert_string_equal((char *)plain.data, "prefix:xyz");
	sealed.data[5] ^= 1;
	assert_int_equal(tc_pii_open(key, "a", sealed.data, sealed.len, &plain,
			     err, sizeof(err)),
	    TC_ERR_DECRYPT);
	assert_string_equal((char *)plain.data, "prefix:xyz");
	/* A seal that does not fit the cap leaves the buffer alone. */
	tc_buf_release(&plain);
	tc_buf_init(&plain, 10);
	assert_int_equal(
	    tc_pii_seal(key, "a", (const uint8_t *)"xyz", 3, &plain),
	    TC_ERR_TOO_LARGE);
	assert_int_equal(plain.len, 0);
	tc_buf_release(&plain);
	tc_buf_release(&sealed);
}

#define TESTS(X, XF)                                                           \
	X(test_id_mac_known_answer)                                            \
	X(test_name_mac_known_answer)                                          \
	X(test_mac_bad_args)                                                   \
	X(test_seal_round_trip)                                                \
	X(test_open_independent_blob)                                          \
	X(test_tamper_every_byte)                                              \
	X(test_open_keeps_existing_output)

TC_UNIT_MAIN(TESTS, NULL, NULL)
