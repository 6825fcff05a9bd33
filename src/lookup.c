/* SPDX-License-Identifier: MIT */
/*
 * The lookup snapshot of the signed bundle (include/tcard/bundle.h): a
 * data file of fixed 32-byte records sorted by serial, each carrying the
 * card's status, programme and tier (indexes into string tables), expiry
 * and a 16-byte tag, a truncated HMAC under the lookup pepper of the card
 * number with the holder's ID and name MACs; and lookup.cose, a COSE_Sign1
 * over a small CBOR header that names the data file and holds its size,
 * SHA-256 and the string tables. Loading verifies the signature, the hash
 * and every record before a query can run, so a query never meets a record
 * it has to distrust. A query parses the card number (Luhn first),
 * normalises the name and the ID number, computes the three MACs from a
 * pre-keyed pepper (two SHA-256 contexts after the HMAC pads, copied per
 * MAC), finds the record by a binary search of a fixed number of steps and
 * compares the tag in constant time. Formats and reasons: docs/bundle.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cbor-read.h"
#include "tcard/buf.h"
#include "tcard/bundle.h"
#include "tcard/cardno.h"
#include "tcard/cose.h"
#include "tcard/credential.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/id.h"
#include "tcard/name.h"
#include "tcard/pii.h"
#include "tcard/registry.h"
#include "tcard/revocation.h"

#define ID_LABEL     "talentcard-id-v1" /* as src/pii.c */
#define NAME_LABEL   "talentcard-name-v1"
#define LOOKUP_LABEL "talentcard-lookup-v1"
#define MAGIC	     "TCLOOKUP"
#define HDR_KEYS     11 /* entries of the signed header map */
#define SHA_LEN	     32
#define BLOCK	     64 /* SHA-256 block: HMAC pad length */
/* Normalised names are at most a few times their input (case folding). */
#define NAME_OUT_MAX (4 * TC_NAME_IN_MAX)

/* Record layout (big-endian), TC_LOOKUP_RECORD_LEN bytes. */
#define R_SERIAL  0 /* u32 */
#define R_STATUS  4 /* u8: enum tc_card_status */
#define R_PROG	  5 /* u8: index into the programme table */
#define R_TIER	  6 /* u8: index into the tier table */
#define R_ZERO	  7 /* u8: 0 */
#define R_EXPIRES 8 /* u64: epoch seconds, exclusive */
#define R_TAG	  16

typedef char tc_lookup_name_t[TC_CARD_TEXT_MAX + 1];

/* A file of the bundle listed in the header (programmes/NAME). */
struct file {
	char name[TC_BUNDLE_NAME_MAX];
	uint8_t sha[SHA_LEN];
};

struct tc_lookup {
	struct tc_lookup_info info;
	const uint8_t *rec; /* info.count records */
	uint8_t *mem;	    /* the data file: mapped or malloc'd */
	size_t memlen;
	int mapped;
	size_t nprog, ntier;
	tc_lookup_name_t prog[TC_LOOKUP_MAX_STRINGS];
	tc_lookup_name_t tier[TC_LOOKUP_MAX_STRINGS];
	size_t nfiles;
	struct file files[TC_LOOKUP_MAX_FILES];
};

struct tc_lookup_key {
	EVP_MD *md;
	EVP_MD_CTX *in;	 /* SHA-256 after key ^ ipad */
	EVP_MD_CTX *out; /* SHA-256 after key ^ opad */
};

struct part {
	const void *p;
	size_t n;
};

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)tc_be32_get(p) << 32 | tc_be32_get(p + 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
	tc_be32_put(p, (uint32_t)(v >> 32));
	tc_be32_put(p + 4, (uint32_t)v);
}

const char *
tc_lookup_result_name(enum tc_lookup_result r)
{
	switch (r) {
	case TC_LOOKUP_NO_MATCH:
		return "no-match";
	case TC_LOOKUP_VALID:
		return "valid";
	case TC_LOOKUP_EXPIRED:
		return "expired";
	case TC_LOOKUP_REVOKED:
		return "revoked";
	case TC_LOOKUP_SUSPENDED:
		return "suspended";
	}
	return "unknown";
}

/* The pre-keyed pepper. */

void
tc_lookup_key_free(struct tc_lookup_key *k)
{
	if (k == NULL)
		return;
	EVP_MD_CTX_free(k->in); /* cleanses the digest state */
	EVP_MD_CTX_free(k->out);
	EVP_MD_free(k->md);
	free(k);
}

int
tc_lookup_key_new(
    struct tc_lookup_key **out, const uint8_t pepper[TC_PII_KEY_LEN])
{
	struct tc_lookup_key *k;
	uint8_t pad[BLOCK];
	size_t i;
	int r = TC_ERR_CRYPTO;

	if (out == NULL || pepper == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return TC_ERR_NOMEM;
	if ((k->md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (k->in = EVP_MD_CTX_new()) == NULL ||
	    (k->out = EVP_MD_CTX_new()) == NULL)
		goto out;
	/* HMAC (RFC 2104): a 32-byte key is zero-padded to the block. */
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < TC_PII_KEY_LEN; i++)
		pad[i] ^= pepper[i];
	if (EVP_DigestInit_ex(k->in, k->md, NULL) != 1 ||
	    EVP_DigestUpdate(k->in, pad, sizeof(pad)) != 1)
		goto out;
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < TC_PII_KEY_LEN; i++)
		pad[i] ^= pepper[i];
	if (EVP_DigestInit_ex(k->out, k->md, NULL) != 1 ||
	    EVP_DigestUpdate(k->out, pad, sizeof(pad)) != 1)
		goto out;
	*out = k;
	k = NULL;
	r = 0;
out:
	OPENSSL_cleanse(pad, sizeof(pad));
	tc_lookup_key_free(k);
	return r;
}

/*
 * HMAC-SHA256 of the concatenated parts into out, using w as the working
 * context: two context copies from the key's prototypes, no key schedule.
 */
static int
kmac(const struct tc_lookup_key *k, EVP_MD_CTX *w, const struct part *parts,
    size_t n, uint8_t out[TC_PII_MAC_LEN])
{
	uint8_t ih[SHA_LEN];
	unsigned int len = 0;
	size_t i;
	int r = TC_ERR_CRYPTO;

	if (EVP_MD_CTX_copy_ex(w, k->in) != 1)
		goto out;
	for (i = 0; i < n; i++)
		if (EVP_DigestUpdate(w, parts[i].p, parts[i].n) != 1)
			goto out;
	if (EVP_DigestFinal_ex(w, ih, &len) != 1 || len != SHA_LEN ||
	    EVP_MD_CTX_copy_ex(w, k->out) != 1 ||
	    EVP_DigestUpdate(w, ih, sizeof(ih)) != 1 ||
	    EVP_DigestFinal_ex(w, out, &len) != 1 || len != SHA_LEN)
		goto out;
	r = 0;
out:
	OPENSSL_cleanse(ih, sizeof(ih));
	if (r != 0)
		memset(out, 0, TC_PII_MAC_LEN);
	return r;
}

/* label || 0x00 || value, as src/pii.c computes it. */
static int
labelled(const struct tc_lookup_key *k, EVP_MD_CTX *w, const char *label,
    const char *value, size_t vlen, uint8_t out[TC_PII_MAC_LEN])
{
	struct part p[2] = {
		{ label, strlen(label) + 1 }, /* with its NUL: the 0x00 */
		{ value, vlen },
	};

	return kmac(k, w, p, 2, out);
}

static int
key_mac(const struct tc_lookup_key *k, const char *label, const char *value,
    uint8_t out[TC_PII_MAC_LEN])
{
	EVP_MD_CTX *w;
	int r;

	if (out != NULL)
		memset(out, 0, TC_PII_MAC_LEN);
	if (k == NULL || value == NULL || *value == '\0' || out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((w = EVP_MD_CTX_new()) == NULL)
		return TC_ERR_NOMEM;
	r = labelled(k, w, label, value, strlen(value), out);
	EVP_MD_CTX_free(w);
	return r;
}

int
tc_lookup_key_id_mac(const struct tc_lookup_key *k, const char *normalised_id,
    uint8_t out[TC_PII_MAC_LEN])
{
	return key_mac(k, ID_LABEL, normalised_id, out);
}

int
tc_lookup_key_name_mac(const struct tc_lookup_key *k,
    const char *normalised_name, uint8_t out[TC_PII_MAC_LEN])
{
	return key_mac(k, NAME_LABEL, normalised_name, out);
}

static int
is_cardno(const char *s)
{
	size_t i;

	for (i = 0; i < TC_CARDNO_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[TC_CARDNO_LEN] == '\0';
}

static int
tag_with(const struct tc_lookup_key *k, EVP_MD_CTX *w, const char *card_no,
    const uint8_t id_mac[TC_PII_MAC_LEN],
    const uint8_t name_mac[TC_PII_MAC_LEN], uint8_t tag[TC_LOOKUP_TAG_LEN])
{
	uint8_t full[TC_PII_MAC_LEN];
	struct part p[4] = {
		{ LOOKUP_LABEL, sizeof(LOOKUP_LABEL) }, /* with the 0x00 */
		{ card_no, TC_CARDNO_LEN },
		{ id_mac, TC_PII_MAC_LEN },
		{ name_mac, TC_PII_MAC_LEN },
	};
	int r;

	r = kmac(k, w, p, 4, full);
	memcpy(tag, full, TC_LOOKUP_TAG_LEN);
	OPENSSL_cleanse(full, sizeof(full));
	return r;
}

int
tc_lookup_tag(const struct tc_lookup_key *k, const char *card_no,
    const uint8_t id_mac[TC_PII_MAC_LEN],
    const uint8_t name_mac[TC_PII_MAC_LEN], uint8_t tag[TC_LOOKUP_TAG_LEN])
{
	EVP_MD_CTX *w;
	int r;

	if (tag != NULL)
		memset(tag, 0, TC_LOOKUP_TAG_LEN);
	if (k == NULL || card_no == NULL || id_mac == NULL ||
	    name_mac == NULL || tag == NULL || !is_cardno(card_no))
		return TC_ERR_INVALID_ARG;
	if ((w = EVP_MD_CTX_new()) == NULL)
		return TC_ERR_NOMEM;
	r = tag_with(k, w, card_no, id_mac, name_mac, tag);
	EVP_MD_CTX_free(w);
	return r;
}

/* Loading. */

/* Programme and tier ids: 1 to 64 printable ASCII bytes, no quote or '\'. */
static int
name_ok(const uint8_t *s, size_t n)
{
	size_t i;

	if (n == 0 || n > TC_CARD_TEXT_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\')
			return 0;
	return 1;
}

static int
get_table(struct tc_cbor_rd *rd, const char *what, tc_lookup_name_t *tab,
    size_t *count)
{
	const uint8_t *p;
	uint64_t n, i, j;
	size_t at, len;
	int r;

	if ((r = tc_cbor_expect(rd, TC_CBOR_ARRAY, what, &n, &at)) != 0)
		return r;
	if (n > TC_LOOKUP_MAX_STRINGS)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_TOO_LARGE,
		    "lookup header byte %zu: %llu %s (at most %d)", at,
		    (unsigned long long)n, what, TC_LOOKUP_MAX_STRINGS);
	for (i = 0; i < n; i++) {
		at = rd->c.off;
		if ((r = tc_cbor_get_str(rd, TC_CBOR_TSTR, what,
			 TC_CARD_TEXT_MAX, &p, &len)) != 0)
			return r;
		if (!name_ok(p, len))
			return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
			    "lookup header byte %zu: %s %llu is not 1 to %d printable ASCII characters",
			    at, what, (unsigned long long)i, TC_CARD_TEXT_MAX);
		memcpy(tab[i], p, len);
		tab[i][len] = '\0';
		for (j = 0; j < i; j++)
			if (strcmp(tab[j], tab[i]) == 0)
				return tc_seterr(rd->err, rd->errlen,
				    TC_ERR_MALFORMED,
				    "lookup header byte %zu: %s %llu repeats %llu",
				    at, what, (unsigned long long)i,
				    (unsigned long long)j);
	}
	*count = (size_t)n;
	return 0;
}

/*
 * A listed file name: programmes/ then 1 to 40 of [a-z0-9._-] ending in
 * ".json", not starting with '.': a plain relative path a fetcher may
 * append to a base URL or a directory without further checks.
 */
static int
file_name_ok(const uint8_t *s, size_t n)
{
	static const char dir[] = TC_BUNDLE_PROGRAMMES "/";
	size_t i, d = sizeof(dir) - 1;

	if (n <= d + 5 || n > d + 40 || memcmp(s, dir, d) != 0 || s[d] == '.' ||
	    memcmp(s + n - 5, ".json", 5) != 0)
		return 0;
	for (i = d; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

/* Key 11: [* [name, SHA-256]]. */
static int
get_files(struct tc_cbor_rd *rd, struct file *files, size_t *count)
{
	const uint8_t *p;
	uint64_t n, m, i, j;
	size_t at, len;
	int r;

	if ((r = tc_cbor_expect(rd, TC_CBOR_ARRAY, "files", &n, &at)) != 0)
		return r;
	if (n > TC_LOOKUP_MAX_FILES)
		return tc_seterr(rd->err, rd->errlen, TC_ERR_TOO_LARGE,
		    "lookup header byte %zu: %llu files (at most %d)", at,
		    (unsigned long long)n, TC_LOOKUP_MAX_FILES);
	for (i = 0; i < n; i++) {
		if ((r = tc_cbor_expect(
			 rd, TC_CBOR_ARRAY, "file entry", &m, &at)) != 0)
			return r;
		if (m != 2)
			return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
			    "lookup header byte %zu: a file entry of %llu items (2 expected)",
			    at, (unsigned long long)m);
		at = rd->c.off;
		if ((r = tc_cbor_get_str(rd, TC_CBOR_TSTR, "file name",
			 TC_BUNDLE_NAME_MAX - 1, &p, &len)) != 0)
			return r;
		if (!file_name_ok(p, len))
			return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
			    "lookup header byte %zu: file %llu is not programmes/NAME.json",
			    at, (unsigned long long)i);
		memcpy(files[i].name, p, len);
		files[i].name[len] = '\0';
		for (j = 0; j < i; j++)
			if (strcmp(files[j].name, files[i].name) == 0)
				return tc_seterr(rd->err, rd->errlen,
				    TC_ERR_MALFORMED,
				    "lookup header byte %zu: file %llu repeats %llu",
				    at, (unsigned long long)i,
				    (unsigned long long)j);
		at = rd->c.off;
		if ((r = tc_cbor_get_str(rd, TC_CBOR_BSTR, "file SHA-256",
			 SHA_LEN, &p, &len)) != 0)
			return r;
		if (len != SHA_LEN)
			return tc_seterr(rd->err, rd->errlen, TC_ERR_MALFORMED,
			    "lookup header byte %zu: a SHA-256 of %zu bytes",
			    at, len);
		memcpy(files[i].sha, p, SHA_LEN);
	}
	*count = (size_t)n;
	return 0;
}

/*
 * Verifies lookup.cose and parses its header into lk (info, string
 * tables and listed files).
 */
static int
parse_sig(struct tc_lookup *lk, const uint8_t *sig, size_t siglen,
    const struct tc_cose_keyring *trust, time_t now, char *err, size_t errlen)
{
	struct tc_cose_sign1 msg;
	struct tc_lookup_info *in = &lk->info;
	struct tc_cbor_rd rd;
	const uint8_t *p;
	char want[TC_BUNDLE_NAME_MAX];
	uint64_t v;
	size_t len;
	int r = TC_ERR_INTERNAL;

	tc_cose_sign1_init(&msg);
	if ((sig == NULL && siglen > 0) || trust == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup: missing argument");
	if ((r = tc_cose_sign1_open(&msg, sig, siglen, TC_LOOKUP_SIG_MAX, trust,
		 TC_BUNDLE_LOOKUP_SIG, err, errlen)) != 0)
		goto out;
	tc_cbor_rd_init(&rd, msg.payload.data, msg.payload.len, "lookup header",
	    err, errlen);
	if ((r = tc_cbor_expect_map(&rd, "header", HDR_KEYS)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 1)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "version", &v)) != 0)
		goto out;
	if (v != TC_LOOKUP_VERSION) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "lookup snapshot version %llu; this program reads %d",
		    (unsigned long long)v, TC_LOOKUP_VERSION);
		goto out;
	}
	if ((r = tc_cbor_get_key(&rd, 2)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "sequence", &in->seq)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 3)) != 0 ||
	    (r = tc_cbor_get_time(&rd, "issued-at", &in->issued_at)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 4)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "count", &in->count)) != 0)
		goto out;
	if (in->count > TC_LOOKUP_MAX_COUNT) {
		r = tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "lookup header: %llu cards (at most %u)",
		    (unsigned long long)in->count, TC_LOOKUP_MAX_COUNT);
		goto out;
	}
	if (tc_fmt(want, sizeof(want), TC_BUNDLE_LOOKUP_FMT,
		(unsigned long long)in->seq) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "lookup header: no room for the data file's name");
		goto out;
	}
	if ((r = tc_cbor_get_key(&rd, 5)) != 0 ||
	    (r = tc_cbor_get_str(&rd, TC_CBOR_TSTR, "data file",
		 TC_BUNDLE_NAME_MAX - 1, &p, &len)) != 0)
		goto out;
	if (len != strlen(want) || memcmp(p, want, len) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "lookup header: the data file of snapshot %llu must be named %s",
		    (unsigned long long)in->seq, want);
		goto out;
	}
	memcpy(in->data_name, want, len + 1);
	if ((r = tc_cbor_get_key(&rd, 6)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "data length", &in->data_len)) != 0)
		goto out;
	if (in->data_len !=
	    TC_LOOKUP_HEADER_LEN + in->count * TC_LOOKUP_RECORD_LEN) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "lookup header: data length %llu is not %d + %d x %llu",
		    (unsigned long long)in->data_len, TC_LOOKUP_HEADER_LEN,
		    TC_LOOKUP_RECORD_LEN, (unsigned long long)in->count);
		goto out;
	}
	if ((r = tc_cbor_get_key(&rd, 7)) != 0 ||
	    (r = tc_cbor_get_str(
		 &rd, TC_CBOR_BSTR, "SHA-256", SHA_LEN, &p, &len)) != 0)
		goto out;
	if (len != SHA_LEN) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "lookup header: a SHA-256 of %zu bytes", len);
		goto out;
	}
	memcpy(in->data_sha256, p, SHA_LEN);
	if ((r = tc_cbor_get_key(&rd, 8)) != 0 ||
	    (r = get_table(&rd, "programmes", lk->prog, &lk->nprog)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 9)) != 0 ||
	    (r = get_table(&rd, "tiers", lk->tier, &lk->ntier)) != 0 ||
	    (r = tc_cbor_get_key(&rd, 10)) != 0 ||
	    (r = tc_cbor_get_uint(&rd, "name rules", &v)) != 0)
		goto out;
	if (v != TC_NAME_NORM_VERSION) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "lookup header: names normalised by rules %llu; this program has rules %d",
		    (unsigned long long)v, TC_NAME_NORM_VERSION);
		goto out;
	}
	if ((r = tc_cbor_get_key(&rd, 11)) != 0 ||
	    (r = get_files(&rd, lk->files, &lk->nfiles)) != 0 ||
	    (r = tc_cbor_end(&rd)) != 0)
		goto out;
	if (in->issued_at > now + TC_CRED_SKEW) {
		r = tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "lookup snapshot %llu issued in the future",
		    (unsigned long long)in->seq);
		goto out;
	}
	r = 0;
out:
	tc_cose_sign1_release(&msg);
	return r;
}

static int
size_err(const struct tc_lookup *lk, uint64_t have, char *err, size_t errlen)
{
	return tc_seterr(err, errlen,
	    have < lk->info.data_len ? TC_ERR_TRUNCATED : TC_ERR_TRAILING,
	    "%s: %llu bytes, the signed header says %llu", lk->info.data_name,
	    (unsigned long long)have, (unsigned long long)lk->info.data_len);
}

/* Checks the data file against the verified header, then every record. */
static int
check_data(struct tc_lookup *lk, char *err, size_t errlen)
{
	const struct tc_lookup_info *in = &lk->info;
	uint8_t sha[SHA_LEN];
	unsigned int shalen = 0;
	const uint8_t *p;
	uint32_t prev = 0, serial;
	uint64_t i, exp;

	if (lk->memlen != in->data_len)
		return size_err(lk, lk->memlen, err, errlen);
	if (EVP_Digest(lk->mem, lk->memlen, sha, &shalen, EVP_sha256(), NULL) !=
		1 ||
	    shalen != SHA_LEN)
		return tc_seterr(err, errlen, TC_ERR_CRYPTO, "SHA-256 failed");
	if (CRYPTO_memcmp(sha, in->data_sha256, SHA_LEN) != 0)
		return tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "%s does not have the SHA-256 that %s signs (altered, or from another publish)",
		    in->data_name, TC_BUNDLE_LOOKUP_SIG);
	p = lk->mem;
	if (memcmp(p, MAGIC, 8) != 0 || p[8] != TC_LOOKUP_VERSION ||
	    p[9] != TC_LOOKUP_RECORD_LEN || p[10] != 0 || p[11] != 0 ||
	    tc_be32_get(p + 12) != in->count)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "%s: the 16-byte header is not %s, version %d, records of %d bytes, count %llu",
		    in->data_name, MAGIC, TC_LOOKUP_VERSION,
		    TC_LOOKUP_RECORD_LEN, (unsigned long long)in->count);
	lk->rec = p + TC_LOOKUP_HEADER_LEN;
	for (i = 0; i < in->count; i++) {
		p = lk->rec + i * TC_LOOKUP_RECORD_LEN;
		serial = tc_be32_get(p + R_SERIAL);
		exp = get64(p + R_EXPIRES);
		if (serial == 0 || serial > TC_CARDNO_SERIAL_MAX ||
		    serial <= prev || p[R_STATUS] < TC_CARD_ISSUED ||
		    p[R_STATUS] > TC_CARD_EXPIRED || p[R_PROG] >= lk->nprog ||
		    p[R_TIER] >= lk->ntier || p[R_ZERO] != 0 ||
		    exp > (uint64_t)INT64_MAX / 2)
			return tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "%s: record %llu (byte %llu) is out of order or holds a bad serial, status, index or expiry",
			    in->data_name, (unsigned long long)i,
			    (unsigned long long)(TC_LOOKUP_HEADER_LEN +
				i * TC_LOOKUP_RECORD_LEN));
		prev = serial;
	}
	return 0;
}

void
tc_lookup_free(struct tc_lookup *lk)
{
	if (lk == NULL)
		return;
	if (lk->mapped)
		munmap(lk->mem, lk->memlen > 0 ? lk->memlen : 1);
	else
		free(lk->mem);
	free(lk);
}

int
tc_lookup_peek(const uint8_t *sig, size_t siglen,
    const struct tc_cose_keyring *trust, time_t now,
    struct tc_lookup_info *info, char *err, size_t errlen)
{
	struct tc_lookup *lk;
	int r;

	if (info == NULL)
		return TC_ERR_INVALID_ARG;
	memset(info, 0, sizeof(*info));
	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return TC_ERR_NOMEM;
	if ((r = parse_sig(lk, sig, siglen, trust, now, err, errlen)) == 0)
		*info = lk->info;
	tc_lookup_free(lk);
	return r;
}

int
tc_lookup_load(struct tc_lookup **out, const uint8_t *sig, size_t siglen,
    const uint8_t *data, size_t len, const struct tc_cose_keyring *trust,
    time_t now, char *err, size_t errlen)
{
	struct tc_lookup *lk = NULL;
	int r;

	if (out == NULL || (data == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup: missing argument");
	*out = NULL;
	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return TC_ERR_NOMEM;
	if ((r = parse_sig(lk, sig, siglen, trust, now, err, errlen)) != 0)
		goto out;
	if (len != lk->info.data_len) {
		r = size_err(lk, len, err, errlen);
		goto out;
	}
	if ((lk->mem = malloc(len > 0 ? len : 1)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	memcpy(lk->mem, data, len);
	lk->memlen = len;
	if ((r = check_data(lk, err, errlen)) != 0)
		goto out;
	*out = lk;
	lk = NULL;
out:
	tc_lookup_free(lk);
	return r;
}

int
tc_lookup_open(struct tc_lookup **out, const char *dir,
    const struct tc_cose_keyring *trust, time_t now, char *err, size_t errlen)
{
	struct tc_lookup *lk = NULL;
	struct tc_buf sig;
	char path[PATH_MAX];
	struct stat st;
	void *m;
	int fd = -1, r;

	tc_buf_init(&sig, TC_LOOKUP_SIG_MAX + 1);
	if (out == NULL || dir == NULL || trust == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup: missing argument");
	*out = NULL;
	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return TC_ERR_NOMEM;
	if ((r = tc_bundle_read_file(dir, TC_BUNDLE_LOOKUP_SIG,
		 TC_LOOKUP_SIG_MAX, &sig, err, errlen)) != 0 ||
	    (r = parse_sig(lk, sig.data, sig.len, trust, now, err, errlen)) !=
		0)
		goto out;
	if (tc_path_join(path, sizeof(path), dir, lk->info.data_name) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s/%s: path too long", dir, lk->info.data_name);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = tc_seterr(err, errlen,
		    errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: %s",
		    path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size != lk->info.data_len) {
		r = size_err(lk, (uint64_t)st.st_size, err, errlen);
		goto out;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		r = tc_seterr(err, errlen, TC_ERR_IO, "%s: mmap: %s", path,
		    strerror(errno));
		goto out;
	}
	lk->mem = m;
	lk->memlen = (size_t)st.st_size;
	lk->mapped = 1;
	if ((r = check_data(lk, err, errlen)) != 0)
		goto out;
	(void)madvise(m, lk->memlen, MADV_RANDOM);
	*out = lk;
	lk = NULL;
out:
	if (fd >= 0)
		close(fd);
	tc_buf_release(&sig);
	tc_lookup_free(lk);
	return r;
}

uint64_t
tc_lookup_seq(const struct tc_lookup *lk)
{
	return lk->info.seq;
}

time_t
tc_lookup_issued_at(const struct tc_lookup *lk)
{
	return lk->info.issued_at;
}

size_t
tc_lookup_count(const struct tc_lookup *lk)
{
	return (size_t)lk->info.count;
}

void
tc_lookup_get_info(const struct tc_lookup *lk, struct tc_lookup_info *info)
{
	*info = lk->info;
}

size_t
tc_lookup_file_count(const struct tc_lookup *lk)
{
	return lk->nfiles;
}

int
tc_lookup_file(const struct tc_lookup *lk, size_t i, const char **name,
    const uint8_t **sha256)
{
	if (lk == NULL || i >= lk->nfiles)
		return TC_ERR_RANGE;
	if (name != NULL)
		*name = lk->files[i].name;
	if (sha256 != NULL)
		*sha256 = lk->files[i].sha;
	return 0;
}

int
tc_lookup_file_check(const struct tc_lookup *lk, const char *name,
    const uint8_t *data, size_t len, char *err, size_t errlen)
{
	uint8_t sha[SHA_LEN];
	unsigned int shalen = 0;
	size_t i;

	if (lk == NULL || name == NULL || (data == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup: missing argument");
	for (i = 0; i < lk->nfiles; i++)
		if (strcmp(lk->files[i].name, name) == 0)
			break;
	if (i == lk->nfiles)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "%.80s is not listed in %s", name, TC_BUNDLE_LOOKUP_SIG);
	if (EVP_Digest(data, len, sha, &shalen, EVP_sha256(), NULL) != 1)
		return tc_seterr(err, errlen, TC_ERR_CRYPTO, "SHA-256 failed");
	if (CRYPTO_memcmp(sha, lk->files[i].sha, SHA_LEN) != 0)
		return tc_seterr(err, errlen, TC_ERR_BAD_SIGNATURE,
		    "%s does not have the SHA-256 that %s signs", name,
		    TC_BUNDLE_LOOKUP_SIG);
	return 0;
}

/* Queries. */

/*
 * The index of the last record whose serial is <= serial (0 when none is),
 * by a binary search whose number of steps depends only on the count, so
 * its time does not tell whether the card exists.
 */
static size_t
search(const struct tc_lookup *lk, uint32_t serial)
{
	size_t base = 0, n = (size_t)lk->info.count, half;

	while (n > 1) {
		half = n / 2;
		base = tc_be32_get(lk->rec +
			   (base + half) * TC_LOOKUP_RECORD_LEN) <= serial
		    ? base + half
		    : base;
		n -= half;
	}
	return base;
}

static int
bad_input(char *err, size_t errlen, const char *field, const char *msg)
{
	return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "%s: %s", field, msg);
}

/* Fills ans from the record of a card found (status by precedence). */
static void
answer_of(const struct tc_lookup *lk, const uint8_t *rec, uint64_t serial,
    const char *norm, const struct tc_revocations *rev, time_t now,
    struct tc_lookup_answer *ans)
{
	time_t exp = (time_t)get64(rec + R_EXPIRES);

	if (rec[R_STATUS] == TC_CARD_REVOKED || tc_revocations_has(rev, serial))
		ans->result = TC_LOOKUP_REVOKED;
	else if (rec[R_STATUS] == TC_CARD_EXPIRED || now >= exp)
		ans->result = TC_LOOKUP_EXPIRED;
	else if (rec[R_STATUS] == TC_CARD_SUSPENDED)
		ans->result = TC_LOOKUP_SUSPENDED;
	else
		ans->result = TC_LOOKUP_VALID;
	memcpy(ans->programme, lk->prog[rec[R_PROG]], sizeof(ans->programme));
	memcpy(ans->tier, lk->tier[rec[R_TIER]], sizeof(ans->tier));
	ans->expires_at = exp;
	ans->serial = serial;
	memcpy(ans->card_no, norm, sizeof(ans->card_no));
}

int
tc_lookup_card(const struct tc_lookup *lk, const char *card_no,
    const struct tc_revocations *rev, time_t now, struct tc_lookup_answer *ans)
{
	const uint8_t *rec;
	uint64_t serial = 0;
	char norm[17];

	if (ans == NULL)
		return TC_ERR_INVALID_ARG;
	memset(ans, 0, sizeof(*ans));
	ans->result = TC_LOOKUP_NO_MATCH;
	if (lk == NULL || card_no == NULL ||
	    tc_cardno_parse(card_no, NULL, &serial, norm, NULL, 0) != 0)
		return TC_ERR_INVALID_ARG;
	if (lk->info.count == 0)
		return 0;
	rec = lk->rec + search(lk, (uint32_t)serial) * TC_LOOKUP_RECORD_LEN;
	if (tc_be32_get(rec + R_SERIAL) == serial)
		answer_of(lk, rec, serial, norm, rev, now, ans);
	return 0;
}

int
tc_lookup_query_key(const struct tc_lookup *lk, const struct tc_lookup_key *key,
    const char *card, const char *name, const char *id,
    const struct tc_revocations *rev, time_t now, struct tc_lookup_answer *ans,
    char *err, size_t errlen)
{
	static const uint8_t none[TC_LOOKUP_RECORD_LEN];
	uint8_t name_mac[TC_PII_MAC_LEN], id_mac[TC_PII_MAC_LEN];
	uint8_t tag[TC_LOOKUP_TAG_LEN];
	char norm[17], idn[TC_ID_MAX], msg[256];
	struct tc_buf nb;
	EVP_MD_CTX *w = NULL;
	const uint8_t *rec;
	uint64_t serial = 0;
	int found, same, r = TC_ERR_INTERNAL;

	tc_buf_init(&nb, NAME_OUT_MAX);
	idn[0] = '\0';
	if (ans == NULL)
		return TC_ERR_INVALID_ARG;
	memset(ans, 0, sizeof(*ans));
	ans->result = TC_LOOKUP_NO_MATCH;
	if (lk == NULL || key == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "lookup: no snapshot");
	if (card == NULL || *card == '\0')
		return bad_input(err, errlen, "card", "required");
	if (name == NULL || *name == '\0')
		return bad_input(err, errlen, "name", "required");
	if (id == NULL || *id == '\0')
		return bad_input(err, errlen, "id", "required");
	if (strnlen(card, TC_LOOKUP_CARD_IN_MAX + 1) > TC_LOOKUP_CARD_IN_MAX)
		return bad_input(err, errlen, "card", "longer than 64 bytes");
	if (strnlen(name, TC_LOOKUP_NAME_IN_MAX + 1) > TC_LOOKUP_NAME_IN_MAX)
		return bad_input(err, errlen, "name", "longer than 256 bytes");
	if (strnlen(id, TC_LOOKUP_ID_IN_MAX + 1) > TC_LOOKUP_ID_IN_MAX)
		return bad_input(err, errlen, "id", "longer than 64 bytes");
	/* The card number first: a typo is caught before any lookup. */
	if (tc_cardno_parse(card, NULL, &serial, norm, msg, sizeof(msg)) != 0)
		return bad_input(err, errlen, "card", msg);
	if (tc_name_normalise(name, strlen(name), &nb, msg, sizeof(msg)) != 0) {
		r = bad_input(err, errlen, "name", msg);
		goto out;
	}
	/*
	 * The ID number without its type: every type normalises alike (the
	 * same clean-up; only the validation differs), and the passport rule
	 * (5 to 20 letters and digits) admits the normalised number of every
	 * type, so this gives the string the registry MAC'd whatever the type.
	 */
	if (tc_id_normalise(TC_ID_PASSPORT, id, now, idn, msg, sizeof(msg)) !=
	    0) {
		r = bad_input(err, errlen, "id", msg);
		goto out;
	}
	if ((w = EVP_MD_CTX_new()) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if ((r = labelled(key, w, NAME_LABEL, (const char *)nb.data, nb.len,
		 name_mac)) != 0 ||
	    (r = labelled(key, w, ID_LABEL, idn, strlen(idn), id_mac)) != 0 ||
	    (r = tag_with(key, w, norm, id_mac, name_mac, tag)) != 0) {
		r = tc_seterr(err, errlen, r, "lookup: HMAC failed");
		goto out;
	}
	rec = lk->info.count > 0
	    ? lk->rec + search(lk, (uint32_t)serial) * TC_LOOKUP_RECORD_LEN
	    : none;
	found = tc_be32_get(rec + R_SERIAL) == serial;
	same = tc_memeq_ct(rec + R_TAG, tag, TC_LOOKUP_TAG_LEN) == 0;
	r = 0;
	if (!(found & same))
		goto out;
	answer_of(lk, rec, serial, norm, rev, now, ans);
out:
	EVP_MD_CTX_free(w);
	tc_buf_release(&nb);
	OPENSSL_cleanse(idn, sizeof(idn));
	OPENSSL_cleanse(id_mac, sizeof(id_mac));
	OPENSSL_cleanse(name_mac, sizeof(name_mac));
	if (r != 0) {
		memset(ans, 0, sizeof(*ans));
		ans->result = TC_LOOKUP_NO_MATCH;
	}
	return r;
}

int
tc_lookup_query(const struct tc_lookup *lk,
    const uint8_t pepper[TC_PII_KEY_LEN], const char *card, const char *name,
    const char *id, const struct tc_revocations *rev, time_t now,
    struct tc_lookup_answer *ans, char *err, size_t errlen)
{
	struct tc_lookup_key *k = NULL;
	int r;

	if (ans != NULL) {
		memset(ans, 0, sizeof(*ans));
		ans->result = TC_LOOKUP_NO_MATCH;
	}
	if (pepper == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "lookup: no pepper");
	if ((r = tc_lookup_key_new(&k, pepper)) != 0)
		return tc_seterr(err, errlen, r, "lookup: keying the pepper");
	r = tc_lookup_query_key(
	    lk, k, card, name, id, rev, now, ans, err, errlen);
	tc_lookup_key_free(k);
	return r;
}

/* Building. */

struct tc_lookup_builder {
	const struct tc_lookup_key *key;
	EVP_MD_CTX *w;
	uint8_t *rec; /* n records of TC_LOOKUP_RECORD_LEN */
	size_t n, alloc;
	size_t nprog, ntier;
	tc_lookup_name_t prog[TC_LOOKUP_MAX_STRINGS];
	tc_lookup_name_t tier[TC_LOOKUP_MAX_STRINGS];
	size_t nfiles;
	struct file files[TC_LOOKUP_MAX_FILES];
	int finished;
};

int
tc_lookup_builder_new(struct tc_lookup_builder **out,
    const struct tc_lookup_key *key, size_t expect)
{
	struct tc_lookup_builder *b;

	if (out == NULL || key == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return TC_ERR_NOMEM;
	b->key = key;
	if ((b->w = EVP_MD_CTX_new()) == NULL) {
		free(b);
		return TC_ERR_NOMEM;
	}
	if (expect > 0 && expect <= TC_LOOKUP_MAX_COUNT) {
		if ((b->rec = malloc(expect * TC_LOOKUP_RECORD_LEN)) == NULL) {
			tc_lookup_builder_free(b);
			return TC_ERR_NOMEM;
		}
		b->alloc = expect;
	}
	*out = b;
	return 0;
}

void
tc_lookup_builder_free(struct tc_lookup_builder *b)
{
	if (b == NULL)
		return;
	EVP_MD_CTX_free(b->w);
	tc_wipe_free(b->rec, b->alloc * TC_LOOKUP_RECORD_LEN);
	free(b);
}

/* The index of s in the table, adding it when new. */
static int
intern(tc_lookup_name_t *tab, size_t *n, const char *s, const char *what,
    uint8_t *idx, char *err, size_t errlen)
{
	size_t i, len;

	if (s == NULL || !name_ok((const uint8_t *)s, len = strlen(s)))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "%s is not 1 to %d printable ASCII characters", what,
		    TC_CARD_TEXT_MAX);
	for (i = *n; i-- > 0;)
		if (strcmp(tab[i], s) == 0) {
			*idx = (uint8_t)i;
			return 0;
		}
	if (*n >= TC_LOOKUP_MAX_STRINGS)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "more than %d %ss", TC_LOOKUP_MAX_STRINGS, what);
	memcpy(tab[*n], s, len + 1);
	*idx = (uint8_t)(*n)++;
	return 0;
}

int
tc_lookup_builder_add(struct tc_lookup_builder *b,
    const struct tc_lookup_entry *e, char *err, size_t errlen)
{
	uint8_t *p;
	uint64_t serial;
	char norm[17];
	size_t na;
	int r;

	if (b == NULL || e == NULL || b->finished)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup builder: bad argument");
	if (e->card_no == NULL || !is_cardno(e->card_no) ||
	    tc_cardno_parse(e->card_no, NULL, &serial, norm, NULL, 0) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup builder: card number %.20s is not 16 digits with a valid check digit",
		    e->card_no != NULL ? e->card_no : "(null)");
	if (e->status < TC_CARD_ISSUED || e->status > TC_CARD_EXPIRED ||
	    e->expires_at < 0 || (uint64_t)e->expires_at > INT64_MAX / 2)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup builder: card %s has a bad status or expiry",
		    e->card_no);
	if (b->n >= TC_LOOKUP_MAX_COUNT)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "lookup builder: more than %u cards", TC_LOOKUP_MAX_COUNT);
	if (b->n == b->alloc) {
		na = b->alloc ? b->alloc * 2 : 1024;
		if (na > TC_LOOKUP_MAX_COUNT)
			na = TC_LOOKUP_MAX_COUNT;
		if ((p = realloc(b->rec, na * TC_LOOKUP_RECORD_LEN)) == NULL)
			return TC_ERR_NOMEM;
		b->rec = p;
		b->alloc = na;
	}
	p = b->rec + b->n * TC_LOOKUP_RECORD_LEN;
	memset(p, 0, TC_LOOKUP_RECORD_LEN);
	if ((r = intern(b->prog, &b->nprog, e->programme, "programme",
		 &p[R_PROG], err, errlen)) != 0 ||
	    (r = intern(b->tier, &b->ntier, e->tier, "tier", &p[R_TIER], err,
		 errlen)) != 0)
		return r;
	tc_be32_put(p + R_SERIAL, (uint32_t)serial);
	p[R_STATUS] = (uint8_t)e->status;
	put64(p + R_EXPIRES, (uint64_t)e->expires_at);
	if ((r = tag_with(
		 b->key, b->w, norm, e->id_mac, e->name_mac, p + R_TAG)) != 0)
		return tc_seterr(err, errlen, r, "lookup builder: HMAC failed");
	b->n++;
	return 0;
}

int
tc_lookup_builder_add_file(struct tc_lookup_builder *b, const char *name,
    const uint8_t *data, size_t len, char *err, size_t errlen)
{
	unsigned int shalen = 0;
	size_t i, n;

	if (b == NULL || b->finished || name == NULL ||
	    (data == NULL && len > 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup builder: bad argument");
	n = strlen(name);
	if (!file_name_ok((const uint8_t *)name, n))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup builder: file name %.80s is not programmes/NAME.json (NAME: a-z 0-9 . _ -, at most 35)",
		    name);
	for (i = 0; i < b->nfiles; i++)
		if (strcmp(b->files[i].name, name) == 0)
			return tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "lookup builder: file %s added twice", name);
	if (b->nfiles >= TC_LOOKUP_MAX_FILES)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "lookup builder: more than %d files", TC_LOOKUP_MAX_FILES);
	if (EVP_Digest(data, len, b->files[b->nfiles].sha, &shalen,
		EVP_sha256(), NULL) != 1)
		return tc_seterr(err, errlen, TC_ERR_CRYPTO, "SHA-256 failed");
	memcpy(b->files[b->nfiles].name, name, n + 1);
	b->nfiles++;
	return 0;
}

static int
by_serial(const void *a, const void *b)
{
	uint32_t x = tc_be32_get(a), y = tc_be32_get(b);

	return x < y ? -1 : x > y;
}

static int
put_table(struct tc_buf *pl, tc_lookup_name_t *tab, size_t n)
{
	size_t i;
	int r;

	if ((r = tc_cbor_put_head(pl, TC_CBOR_ARRAY, n)) != 0)
		return r;
	for (i = 0; i < n; i++)
		if ((r = tc_cbor_put_str(
			 pl, TC_CBOR_TSTR, tab[i], strlen(tab[i]))) != 0)
			return r;
	return 0;
}

int
tc_lookup_builder_finish(struct tc_lookup_builder *b, uint64_t seq,
    time_t issued_at, const struct tc_cose_key *signer, struct tc_buf *data,
    struct tc_buf *sig, char *err, size_t errlen)
{
	struct tc_buf pl;
	uint8_t head[TC_LOOKUP_HEADER_LEN], sha[SHA_LEN];
	char name[TC_BUNDLE_NAME_MAX];
	unsigned int shalen = 0;
	size_t i, total;
	int r = TC_ERR_INTERNAL;

	tc_buf_init(&pl, TC_LOOKUP_SIG_MAX);
	if (b == NULL || b->finished || signer == NULL || data == NULL ||
	    sig == NULL || issued_at < 0) {
		r = tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "lookup builder: bad argument");
		goto out;
	}
	b->finished = 1;
	if (b->n > 1)
		qsort(b->rec, b->n, TC_LOOKUP_RECORD_LEN, by_serial);
	for (i = 1; i < b->n; i++)
		if (tc_be32_get(b->rec + i * TC_LOOKUP_RECORD_LEN) ==
		    tc_be32_get(b->rec + (i - 1) * TC_LOOKUP_RECORD_LEN)) {
			r = tc_seterr(err, errlen, TC_ERR_CONSTRAINT,
			    "lookup builder: serial %u added twice",
			    tc_be32_get(b->rec + i * TC_LOOKUP_RECORD_LEN));
			goto out;
		}
	total = TC_LOOKUP_HEADER_LEN + b->n * TC_LOOKUP_RECORD_LEN;
	memcpy(head, MAGIC, 8);
	head[8] = TC_LOOKUP_VERSION;
	head[9] = TC_LOOKUP_RECORD_LEN;
	head[10] = head[11] = 0;
	tc_be32_put(head + 12, (uint32_t)b->n);
	tc_buf_release(data);
	tc_buf_init(data, total);
	if ((r = tc_buf_reserve(data, total)) != 0 ||
	    (r = tc_buf_put(data, head, sizeof(head))) != 0 ||
	    (r = tc_buf_put(data, b->rec, b->n * TC_LOOKUP_RECORD_LEN)) != 0) {
		r = tc_seterr(err, errlen, r, "lookup data of %zu bytes: %s",
		    total, tc_strerror(r));
		goto out;
	}
	if (EVP_Digest(
		data->data, data->len, sha, &shalen, EVP_sha256(), NULL) != 1) {
		r = tc_seterr(err, errlen, TC_ERR_CRYPTO, "SHA-256 failed");
		goto out;
	}
	snprintf(
	    name, sizeof(name), TC_BUNDLE_LOOKUP_FMT, (unsigned long long)seq);
	if ((r = tc_cbor_put_head(&pl, TC_CBOR_MAP, HDR_KEYS)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 1, TC_LOOKUP_VERSION)) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 2, seq)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 3, (int64_t)issued_at)) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 4, b->n)) != 0 ||
	    (r = tc_cbor_put_kv_str(
		 &pl, 5, TC_CBOR_TSTR, name, strlen(name))) != 0 ||
	    (r = tc_cbor_put_kv_uint(&pl, 6, total)) != 0 ||
	    (r = tc_cbor_put_kv_str(&pl, 7, TC_CBOR_BSTR, sha, SHA_LEN)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 8)) != 0 ||
	    (r = put_table(&pl, b->prog, b->nprog)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 9)) != 0 ||
	    (r = put_table(&pl, b->tier, b->ntier)) != 0 ||
	    (r = tc_cbor_put_kv_int(&pl, 10, TC_NAME_NORM_VERSION)) != 0 ||
	    (r = tc_cbor_put_int(&pl, 11)) != 0 ||
	    (r = tc_cbor_put_head(&pl, TC_CBOR_ARRAY, b->nfiles)) != 0) {
		r = tc_seterr(
		    err, errlen, r, "lookup header: %s", tc_strerror(r));
		goto out;
	}
	for (i = 0; i < b->nfiles; i++)
		if ((r = tc_cbor_put_head(&pl, TC_CBOR_ARRAY, 2)) != 0 ||
		    (r = tc_cbor_put_str(&pl, TC_CBOR_TSTR, b->files[i].name,
			 strlen(b->files[i].name))) != 0 ||
		    (r = tc_cbor_put_str(
			 &pl, TC_CBOR_BSTR, b->files[i].sha, SHA_LEN)) != 0)
			break;
	if (r != 0) {
		r = tc_seterr(
		    err, errlen, r, "lookup header: %s", tc_strerror(r));
		goto out;
	}
	tc_buf_release(sig);
	tc_buf_init(sig, TC_LOOKUP_SIG_MAX);
	r = tc_cose_sign1_create_max(
	    sig, signer, pl.data, pl.len, TC_LOOKUP_SIG_MAX, err, errlen);
out:
	tc_buf_release(&pl);
	return r;
}
