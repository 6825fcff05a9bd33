/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the key store (src/keystore.c) and the signed trust list
 * (src/trust.c): making stores of both algorithms in scratch homes, file
 * modes, refusing to overwrite, the permission checks, signing with the
 * signer and verifying through the trust list, rotation, and trust lists
 * that must be refused (wrong pin, foreign signer, expired, damaged).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "unit.h"
#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/trust.h"

#define NOW  ((time_t)1767225600) /* 2026-01-01T00:00:00Z */
#define DAY  ((time_t)86400)
#define YEAR (365 * DAY)

struct home {
	char path[64];
	enum tc_keyalg alg;
};

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void
rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
make_home(struct home *h, enum tc_keyalg alg)
{
	char err[256] = "";

	snprintf(h->path, sizeof(h->path), "/tmp/tc-keystore-XXXXXX");
	assert_non_null(mkdtemp(h->path));
	h->alg = alg;
	if (tc_keystore_create(h->path, alg, 0, NOW, err, sizeof(err)) != 0)
		fail_msg("create: %s", err);
}

static int
setup_es256(void **state)
{
	struct home *h = malloc(sizeof(*h));

	make_home(h, TC_KEYALG_ES256);
	*state = h;
	return 0;
}

static int
setup_sm2(void **state)
{
	struct home *h = malloc(sizeof(*h));

	make_home(h, TC_KEYALG_SM2);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct home *h = *state;

	rm_rf(h->path);
	free(h);
	return 0;
}

static void
keypath(char *buf, size_t len, const struct home *h, const char *name)
{
	snprintf(buf, len, "%s/keys/%s", h->path, name);
}

static mode_t
mode_of(const struct home *h, const char *name)
{
	char p[256];
	struct stat st;

	keypath(p, sizeof(p), h, name);
	assert_int_equal(lstat(p, &st), 0);
	return st.st_mode & 07777;
}

static struct tc_keystore *
open_ok(const struct home *h)
{
	struct tc_keystore *ks = NULL;
	char err[256] = "";

	if (tc_keystore_open(&ks, h->path, err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
	return ks;
}

static void
export_ok(struct tc_keystore *ks, time_t now, struct tc_buf *out)
{
	char err[256] = "";

	tc_buf_init(out, 0);
	if (tc_keystore_export_trust(ks, now, out, err, sizeof(err)) != 0)
		fail_msg("export: %s", err);
}

static const uint8_t message[] = "talentcard test credential";

/* Signs the test message with the store's current signer. */
static void
sign_ok(struct tc_keystore *ks, struct tc_buf *out)
{
	struct tc_cose_key *k = NULL;
	char err[256] = "";

	if (tc_keystore_signer(ks, &k, err, sizeof(err)) != 0)
		fail_msg("signer: %s", err);
	tc_buf_init(out, 0);
	assert_int_equal(tc_cose_sign1_create(out, k, message, sizeof(message),
			     err, sizeof(err)),
	    0);
	tc_cose_key_free(k);
}

/* Verifies a COSE_Sign1 with the keyring of a trust list. */
static int
verify_with(const struct tc_trust *t, const struct tc_buf *cose)
{
	struct tc_cose_sign1 msg;
	int r;

	tc_cose_sign1_init(&msg);
	assert_int_equal(
	    tc_cose_sign1_decode(&msg, cose->data, cose->len, NULL, 0), 0);
	r = tc_cose_sign1_verify_keyring(
	    &msg, tc_trust_keyring(t), NULL, NULL, 0);
	tc_cose_sign1_release(&msg);
	return r;
}

static X509 *
read_crt(const struct home *h, const char *name)
{
	char p[256];
	FILE *f;
	X509 *x;

	keypath(p, sizeof(p), h, name);
	assert_non_null(f = fopen(p, "r"));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

static EVP_PKEY *
read_key(const struct home *h, const char *name)
{
	char p[256];
	FILE *f;
	EVP_PKEY *k;

	keypath(p, sizeof(p), h, name);
	assert_non_null(f = fopen(p, "r"));
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(k);
	return k;
}

static void
test_layout_and_modes(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info ca, s;
	char p[256];
	struct stat st;
	const char *names[] = { "ca.key", "ca.crt", "master.key", "pepper.key",
		"data.key", "keys.json" };
	size_t i;

	keypath(p, sizeof(p), h, "");
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(mode_of(h, names[i]), 0600);
	assert_int_equal(tc_keystore_alg(ks), h->alg);
	assert_int_equal(tc_keystore_created(ks), NOW);
	/* A current signer of each algorithm, the CA's first. */
	assert_int_equal(tc_keystore_signer_count(ks), 2);
	assert_int_equal(tc_keystore_signer_info(ks, 1, &s), 0);
	assert_int_equal(s.status, TC_SIGNER_CURRENT);
	assert_int_not_equal(s.alg, h->alg);
	assert_int_equal(tc_keystore_signer_info(ks, 2, &s), TC_ERR_RANGE);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	assert_int_equal(s.status, TC_SIGNER_CURRENT);
	assert_int_equal(strlen(s.kid), 16);
	assert_int_equal(mode_of(h, s.key_file), 0600);
	assert_int_equal(mode_of(h, s.cert_file), 0600);
	assert_int_equal(s.cose_alg,
	    h->alg == TC_KEYALG_SM2 ? TC_COSE_ALG_SM2_SM3 : TC_COSE_ALG_ES256);
	/* Six calendar years, less the backdate. */
	assert_int_equal(s.not_before, NOW - TC_KEYSTORE_BACKDATE);
	assert_true(s.not_after >= NOW + 6 * YEAR &&
	    s.not_after <= NOW + 6 * YEAR + 2 * DAY);
	tc_keystore_ca_info(ks, &ca);
	assert_true(ca.not_after >= NOW + 20 * YEAR &&
	    ca.not_after <= NOW + 20 * YEAR + 5 * DAY);
	assert_string_equal(ca.key_file, "ca.key");
	assert_true(tc_keystore_has_file(ks, "ca.key"));
	assert_false(tc_keystore_has_file(ks, "nothing.key"));
	assert_false(tc_keystore_has_file(ks, "../keys/ca.key"));
	tc_keystore_free(ks);
}

/* The certificates verify with X509_verify (SM2 with the default ID). */
static void
test_x509_verify(void **state)
{
	static const unsigned char sm2_id[] = "1234567812345678";
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info s;
	X509 *ca = read_crt(h, "ca.crt"), *x;
	ASN1_OCTET_STRING *id;
	uint32_t ku;

	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	x = read_crt(h, s.cert_file);
	if (h->alg == TC_KEYALG_SM2) {
		assert_int_equal(X509_get_signature_nid(ca), NID_SM2_with_SM3);
		id = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(id, sm2_id, 16);
		X509_set0_distinguishing_id(ca, id);
		id = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(id, sm2_id, 16);
		X509_set0_distinguishing_id(x, id);
	} else
		assert_int_equal(
		    X509_get_signature_nid(ca), NID_ecdsa_with_SHA256);
	assert_int_equal(X509_verify(ca, X509_get0_pubkey(ca)), 1);
	assert_int_equal(X509_verify(x, X509_get0_pubkey(ca)), 1);
	assert_int_equal(X509_check_issued(ca, x), X509_V_OK);
	assert_true(X509_check_ca(ca) == 1);
	assert_int_equal(X509_check_ca(x), 0);
	ku = X509_get_key_usage(ca);
	assert_true((ku & KU_KEY_CERT_SIGN) && (ku & KU_CRL_SIGN));
	assert_true(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE);
	assert_int_equal(ASN1_STRING_length(X509_get0_subject_key_id(x)), 8);
	X509_free(ca);
	X509_free(x);
	tc_keystore_free(ks);
}

static void
test_refuse_overwrite(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks;
	struct tc_keystore_cert_info a, b, s;
	char err[256] = "", p[256];
	int n;
	DIR *d;
	struct dirent *e;

	ks = open_ok(h);
	tc_keystore_ca_info(ks, &a);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	tc_keystore_free(ks);
	assert_int_equal(
	    tc_keystore_create(h->path, h->alg, 0, NOW, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_non_null(strstr(err, "already holds keys"));
	ks = open_ok(h);
	tc_keystore_ca_info(ks, &b);
	assert_memory_equal(a.fingerprint, b.fingerprint, 32);
	tc_keystore_free(ks);

	/* A lone key file is enough to refuse. */
	keypath(p, sizeof(p), h, "keys.json");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(
	    tc_keystore_create(h->path, h->alg, 0, NOW, err, sizeof(err)),
	    TC_ERR_EXISTS);

	assert_int_equal(
	    tc_keystore_create(h->path, h->alg, 1, NOW + DAY, err, sizeof(err)),
	    0);
	ks = open_ok(h);
	tc_keystore_ca_info(ks, &b);
	assert_memory_not_equal(a.fingerprint, b.fingerprint, 32);
	assert_int_equal(tc_keystore_created(ks), NOW + DAY);
	tc_keystore_free(ks);
	/* The old signer's files are gone: one key and one certificate. */
	keypath(p, sizeof(p), h, "");
	assert_non_null(d = opendir(p));
	n = 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "signer-", 7) == 0)
			n++;
		assert_null(strstr(e->d_name, s.kid));
		assert_null(strstr(e->d_name, ".tmp-"));
	}
	closedir(d);
	assert_int_equal(n, 4); /* two signers: one of each algorithm */
}

static void
test_secrets(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	static const uint8_t zero[32];
	uint8_t buf[32], big[33];
	char err[256] = "";

	assert_int_equal(tc_secret_size(TC_SECRET_PEPPER), 32);
	assert_int_equal(tc_secret_size(TC_SECRET_DATA_KEY), 32);
	assert_int_equal(tc_secret_size(TC_SECRET_MASTER_KEY), 16);
	assert_string_equal(tc_secret_file(TC_SECRET_MASTER_KEY), "master.key");
	assert_int_equal(
	    tc_keystore_secret(ks, TC_SECRET_PEPPER, buf, 32, err, sizeof(err)),
	    0);
	assert_memory_not_equal(buf, zero, 32);
	assert_int_equal(tc_keystore_secret(
			     ks, TC_SECRET_DATA_KEY, buf, 32, err, sizeof(err)),
	    0);
	assert_memory_not_equal(buf, zero, 32);
	assert_int_equal(tc_keystore_secret(ks, TC_SECRET_MASTER_KEY, buf, 16,
			     err, sizeof(err)),
	    0);
	assert_memory_not_equal(buf, zero, 16);
	assert_int_equal(tc_keystore_secret(ks, TC_SECRET_MASTER_KEY, big, 32,
			     err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(
	    tc_keystore_secret(ks, TC_SECRET_PEPPER, big, 33, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_keystore_secret(
			     ks, (enum tc_secret)7, buf, 32, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_keystore_free(ks);
}

static void
test_secret_format(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	uint8_t buf[16];
	char err[256] = "", p[256];
	FILE *f;

	keypath(p, sizeof(p), h, "master.key");
	assert_non_null(f = fopen(p, "w"));
	fputs("00112233445566778899aabbccddeeXX\n", f);
	fclose(f);
	assert_int_equal(tc_keystore_secret(ks, TC_SECRET_MASTER_KEY, buf, 16,
			     err, sizeof(err)),
	    TC_ERR_KEY_FORMAT);
	assert_non_null(strstr(err, "keys/master.key"));
	assert_non_null(f = fopen(p, "w"));
	fputs("00112233445566778899AABBCCDDEEFF\n", f);
	fclose(f);
	assert_int_equal(tc_keystore_secret(ks, TC_SECRET_MASTER_KEY, buf, 16,
			     err, sizeof(err)),
	    0);
	assert_int_equal(buf[15], 0xff);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(tc_keystore_secret(ks, TC_SECRET_MASTER_KEY, buf, 16,
			     err, sizeof(err)),
	    TC_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "keys/master.key"));
	tc_keystore_free(ks);
}

static void
test_permissions(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info s;
	struct tc_cose_key *k = NULL;
	struct tc_buf out;
	uint8_t buf[32];
	char err[256] = "", p[256], q[256];

	keypath(p, sizeof(p), h, "pepper.key");
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(
	    tc_keystore_secret(ks, TC_SECRET_PEPPER, buf, 32, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_string_equal(err,
	    "keys/pepper.key is mode 0640: readable by group or others; chmod 600 it");
	assert_int_equal(chmod(p, 0604), 0);
	assert_int_equal(
	    tc_keystore_secret(ks, TC_SECRET_PEPPER, buf, 32, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_non_null(strstr(err, "0604"));
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(
	    tc_keystore_secret(ks, TC_SECRET_PEPPER, buf, 32, err, sizeof(err)),
	    0);

	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	keypath(p, sizeof(p), h, s.key_file);
	assert_int_equal(chmod(p, 0604), 0);
	assert_int_equal(
	    tc_keystore_signer(ks, &k, err, sizeof(err)), TC_ERR_PERM);
	assert_null(k);
	assert_non_null(strstr(err, s.key_file));
	assert_non_null(strstr(err, "0604"));
	assert_int_equal(chmod(p, 0600), 0);

	keypath(p, sizeof(p), h, "ca.key");
	assert_int_equal(chmod(p, 0640), 0);
	tc_buf_init(&out, 0);
	assert_int_equal(
	    tc_keystore_export_trust(ks, NOW, &out, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_non_null(strstr(err, "keys/ca.key is mode 0640"));
	assert_int_equal(
	    tc_keystore_rotate_signer(ks, NOW, err, sizeof(err)), TC_ERR_PERM);
	assert_int_equal(tc_keystore_signer_count(ks), 2);
	assert_int_equal(chmod(p, 0600), 0);

	/* A symbolic link is refused even when it points at a good file. */
	keypath(p, sizeof(p), h, "data.key");
	keypath(q, sizeof(q), h, "data.real");
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(symlink(q, p), 0);
	assert_int_equal(tc_keystore_secret(
			     ks, TC_SECRET_DATA_KEY, buf, 32, err, sizeof(err)),
	    TC_ERR_PERM);
	assert_non_null(strstr(err, "symbolic link"));
	tc_keystore_free(ks);
	/* ... and so is the whole store, at open. */
	ks = NULL;
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_PERM);
	assert_non_null(strstr(err, "keys/data.key is a symbolic link"));
	assert_int_equal(unlink(p), 0);
	assert_int_equal(rename(q, p), 0);

	/*
	 * Any secret that group or others can read refuses the store at
	 * open, whether or not the caller goes on to read that one.
	 */
	{
		static const char *const secret[] = { "master.key", "ca.key",
			"pepper.key" };
		size_t i;

		for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
			keypath(p, sizeof(p), h, secret[i]);
			assert_int_equal(chmod(p, 0644), 0);
			ks = NULL;
			assert_int_equal(
			    tc_keystore_open(&ks, h->path, err, sizeof(err)),
			    TC_ERR_PERM);
			assert_null(ks);
			assert_non_null(strstr(err, secret[i]));
			assert_non_null(
			    strstr(err, "is mode 0644: readable by group"));
			assert_int_equal(chmod(p, 0600), 0);
		}
		ks = open_ok(h);
		tc_keystore_free(ks);
	}

	/* A group-writable keys directory or certificate is refused. */
	keypath(p, sizeof(p), h, "");
	assert_int_equal(chmod(p, 0770), 0);
	ks = NULL;
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_PERM);
	assert_null(ks);
	assert_int_equal(chmod(p, 0700), 0);
	keypath(p, sizeof(p), h, "ca.crt");
	assert_int_equal(chmod(p, 0664), 0);
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_PERM);
	assert_non_null(strstr(err, "keys/ca.crt"));
	/* Readable by others is fine for a certificate. */
	assert_int_equal(chmod(p, 0644), 0);
	ks = open_ok(h);
	tc_buf_release(&out);
	tc_keystore_free(ks);
}

static void
test_bad_files(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = NULL;
	char err[256] = "", p[256], q[256];
	FILE *f;

	keypath(p, sizeof(p), h, "keys.json");
	keypath(q, sizeof(q), h, "keys.json.save");
	assert_int_equal(rename(p, q), 0);
	assert_non_null(f = fopen(p, "w"));
	fputs("{\"version\": 1, \"alg\": \"ES256\",", f);
	fclose(f);
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "keys/keys.json"));
	assert_non_null(f = fopen(p, "w"));
	fputs("{\"version\": 2}", f);
	fclose(f);
	assert_int_equal(tc_keystore_open(&ks, h->path, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED);
	assert_non_null(f = fopen(p, "w"));
	fputs("{\"version\": 1, \"alg\": \"RS256\"}", f);
	fclose(f);
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "alg"));
	assert_int_equal(rename(q, p), 0);

	keypath(p, sizeof(p), h, "ca.crt");
	keypath(q, sizeof(q), h, "ca.crt.save");
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_NOT_FOUND);
	assert_string_equal(err, "keys/ca.crt does not exist");
	assert_non_null(f = fopen(p, "w"));
	fputs("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	    f);
	fclose(f);
	assert_int_equal(tc_keystore_open(&ks, h->path, err, sizeof(err)),
	    TC_ERR_KEY_FORMAT);
	assert_non_null(strstr(err, "keys/ca.crt"));
	assert_int_equal(rename(q, p), 0);
	ks = open_ok(h);
	tc_keystore_free(ks);
}

/* A manifest with one field changed is refused, naming the field. */
static void
test_manifest_fields(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = NULL;
	struct tc_keystore_cert_info s;
	char err[256] = "", p[256], *text, *at;
	long n;
	FILE *f;

	ks = open_ok(h);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	tc_keystore_free(ks);
	ks = NULL;
	keypath(p, sizeof(p), h, "keys.json");
	assert_non_null(f = fopen(p, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);

	/* Change the signer's key file name. */
	assert_non_null(at = strstr(text, "\"signer-"));
	at[1] = 'S';
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "signers[0].key"));
	at[1] = 's';

	/* Retire the only signer. */
	assert_non_null(at = strstr(text, "\"current\""));
	memcpy(at, "\"retired\"", 9);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(
	    tc_keystore_open(&ks, h->path, err, sizeof(err)), TC_ERR_MALFORMED);
	assert_non_null(strstr(err, "current"));
	memcpy(at, "\"current\"", 9);

	/* Another CA fingerprint. */
	assert_non_null(at = strstr(text, "\"sha256\": \""));
	at += 11;
	*at = *at == '0' ? '1' : '0';
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(tc_keystore_open(&ks, h->path, err, sizeof(err)),
	    TC_ERR_KEY_FORMAT);
	assert_non_null(strstr(err, "keys/ca.crt"));
	free(text);
}

static void
test_sign_and_verify(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info ca, s;
	struct tc_trust_signer_info ti;
	struct tc_trust *t = NULL;
	struct tc_buf list, cose;
	char err[256] = "";

	sign_ok(ks, &cose);
	export_ok(ks, NOW, &list);
	assert_true(list.len > 0 && list.len <= TC_COSE_MAX_INPUT);
	tc_keystore_ca_info(ks, &ca);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	if (tc_trust_load(&t, list.data, list.len, ca.fingerprint, NOW, err,
		sizeof(err)) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(tc_trust_issued_at(t), NOW);
	assert_memory_equal(tc_trust_ca_fingerprint(t), ca.fingerprint, 32);
	assert_int_equal(tc_trust_signer_count(t), 2);
	assert_int_equal(tc_trust_signer(t, 2, &ti), TC_ERR_RANGE);
	assert_int_equal(tc_trust_signer(t, 0, &ti), 0);
	assert_int_equal(ti.status, TC_SIGNER_CURRENT);
	assert_int_equal(ti.alg, s.cose_alg);
	assert_int_equal(ti.not_after, s.not_after);
	assert_int_equal(verify_with(t, &cose), 0);
	tc_trust_free(t);
	/* Without a pin the embedded CA is accepted. */
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    0);
	tc_trust_free(t);
	tc_buf_release(&list);
	tc_buf_release(&cose);
	tc_keystore_free(ks);
}

static void
test_rotate(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info s0, s1, s2;
	struct tc_trust_signer_info ti;
	struct tc_trust *t = NULL;
	struct tc_buf list, old_cose, new_cose;
	char err[256] = "";

	assert_int_equal(tc_keystore_signer_info(ks, 0, &s0), 0);
	sign_ok(ks, &old_cose);
	if (tc_keystore_rotate_signer(ks, NOW + 30 * DAY, err, sizeof(err)) !=
	    0)
		fail_msg("rotate: %s", err);
	assert_int_equal(tc_keystore_signer_count(ks), 3);
	tc_keystore_free(ks);

	ks = open_ok(h); /* what was written, not what was kept */
	assert_int_equal(tc_keystore_signer_count(ks), 3);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s1), 0);
	assert_int_equal(tc_keystore_signer_info(ks, 2, &s2), 0);
	assert_string_equal(s1.kid, s0.kid);
	assert_int_equal(s1.status, TC_SIGNER_RETIRED);
	assert_int_equal(s2.status, TC_SIGNER_CURRENT);
	assert_int_equal(s2.created, NOW + 30 * DAY);
	assert_string_not_equal(s2.kid, s1.kid);
	assert_int_equal(mode_of(h, s2.key_file), 0600);
	sign_ok(ks, &new_cose);

	export_ok(ks, NOW + 31 * DAY, &list);
	assert_int_equal(tc_trust_load(&t, list.data, list.len, NULL,
			     NOW + 31 * DAY, err, sizeof(err)),
	    0);
	/* Retired, the other algorithm's current one, the new current one. */
	assert_int_equal(tc_trust_signer_count(t), 3);
	assert_int_equal(tc_trust_signer(t, 0, &ti), 0);
	assert_int_equal(ti.status, TC_SIGNER_RETIRED);
	assert_int_equal(tc_trust_signer(t, 2, &ti), 0);
	assert_int_equal(ti.status, TC_SIGNER_CURRENT);
	assert_int_equal(verify_with(t, &old_cose), 0);
	assert_int_equal(verify_with(t, &new_cose), 0);
	tc_trust_free(t);
	tc_buf_release(&list);

	/*
	 * Six years and ten days on, the first signer has expired: the list
	 * leaves it out, so its credentials no longer verify; the second
	 * one's still do.
	 */
	if (tc_keystore_rotate_signer(ks, NOW + 5 * YEAR, err, sizeof(err)) !=
	    0)
		fail_msg("rotate: %s", err);
	if (tc_keystore_rotate_signer_alg(ks,
		h->alg == TC_KEYALG_SM2 ? TC_KEYALG_ES256 : TC_KEYALG_SM2,
		NOW + 5 * YEAR, err, sizeof(err)) != 0)
		fail_msg("rotate the other algorithm: %s", err);
	export_ok(ks, NOW + 6 * YEAR + 10 * DAY, &list);
	assert_int_equal(tc_trust_load(&t, list.data, list.len, NULL,
			     NOW + 6 * YEAR + 10 * DAY, err, sizeof(err)),
	    0);
	assert_int_equal(tc_trust_signer_count(t), 3);
	assert_int_equal(verify_with(t, &old_cose), TC_ERR_UNKNOWN_KEY);
	assert_int_equal(verify_with(t, &new_cose), 0);
	tc_trust_free(t);
	tc_buf_release(&list);

	/* Past the current signer's end, exporting asks for a rotation. */
	tc_buf_init(&list, 0);
	assert_int_equal(tc_keystore_export_trust(
			     ks, NOW + 12 * YEAR, &list, err, sizeof(err)),
	    TC_ERR_EXPIRED);
	assert_non_null(strstr(err, "current signer"));
	assert_int_equal(list.len, 0);
	tc_buf_release(&old_cose);
	tc_buf_release(&new_cose);
	tc_keystore_free(ks);
}

static void
test_wrong_pin(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info ca;
	struct tc_trust *t = NULL;
	struct tc_buf list;
	uint8_t pin[32];
	char err[256] = "";

	export_ok(ks, NOW, &list);
	tc_keystore_ca_info(ks, &ca);
	memcpy(pin, ca.fingerprint, sizeof(pin));
	pin[31] ^= 1;
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, pin, NOW, err, sizeof(err)),
	    TC_ERR_UNKNOWN_KEY);
	assert_null(t);
	assert_non_null(strstr(err, "pinned"));
	tc_buf_release(&list);
	tc_keystore_free(ks);
}

static void
test_expired(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info s, ca;
	struct tc_trust *t = NULL;
	struct tc_buf list;
	char err[256] = "";

	export_ok(ks, NOW, &list);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	tc_keystore_ca_info(ks, &ca);
	assert_int_equal(tc_trust_load(&t, list.data, list.len, NULL,
			     s.not_after, err, sizeof(err)),
	    0);
	tc_trust_free(t);
	assert_int_equal(tc_trust_load(&t, list.data, list.len, NULL,
			     s.not_after + 1, err, sizeof(err)),
	    TC_ERR_EXPIRED);
	assert_non_null(strstr(err, "signer 0"));
	assert_int_equal(tc_trust_load(&t, list.data, list.len, NULL,
			     ca.not_after + 1, err, sizeof(err)),
	    TC_ERR_EXPIRED);
	assert_non_null(strstr(err, "CA certificate"));
	assert_int_equal(tc_trust_load(&t, list.data, list.len, NULL,
			     NOW - 2 * TC_KEYSTORE_BACKDATE, err, sizeof(err)),
	    TC_ERR_NOT_YET_VALID);
	assert_null(t);
	tc_buf_release(&list);
	tc_keystore_free(ks);
}

/* Every shortened list and every list with one byte changed is refused. */
static void
test_damaged(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_trust *t = NULL;
	struct tc_buf list;
	uint8_t *copy;
	size_t i;
	int r;

	export_ok(ks, NOW, &list);
	copy = malloc(list.len + 1);
	for (i = 0; i < list.len; i++) {
		memcpy(copy, list.data, i);
		r = tc_trust_load(&t, copy, i, NULL, NOW, NULL, 0);
		if (r == 0)
			fail_msg("prefix of %zu bytes accepted", i);
		assert_null(t);
	}
	memcpy(copy, list.data, list.len);
	copy[list.len] = 0;
	assert_int_equal(
	    tc_trust_load(&t, copy, list.len + 1, NULL, NOW, NULL, 0),
	    TC_ERR_TRAILING);
	for (i = 0; i < list.len; i += 1) {
		memcpy(copy, list.data, list.len);
		copy[i] ^= 0x01;
		r = tc_trust_load(&t, copy, list.len, NULL, NOW, NULL, 0);
		if (r == 0)
			fail_msg("byte %zu changed and accepted", i);
		assert_null(t);
	}
	free(copy);
	tc_buf_release(&list);
	tc_keystore_free(ks);
}

/*
 * Signs a hand-made payload with the CA key of h, as a forger holding the
 * CA key but not following the rules would.
 */
static void
sign_payload(
    const struct home *h, const struct tc_buf *payload, struct tc_buf *out)
{
	struct tc_cose_key *k = NULL;
	EVP_PKEY *pk = read_key(h, "ca.key");
	uint8_t kid[8];
	char err[256] = "";

	assert_int_equal(tc_cose_kid_of_pkey(pk, kid), 0);
	assert_int_equal(tc_cose_key_new(&k, pk, kid, 8, err, sizeof(err)), 0);
	tc_buf_init(out, 0);
	assert_int_equal(tc_cose_sign1_create(out, k, payload->data,
			     payload->len, err, sizeof(err)),
	    0);
	tc_cose_key_free(k);
	EVP_PKEY_free(pk);
}

static void
der_of(X509 *x, uint8_t **der, size_t *len)
{
	int n;

	*der = NULL;
	assert_true((n = i2d_X509(x, der)) > 0);
	*len = (size_t)n;
}

/* A signer certificate issued by another CA is refused. */
static void
test_foreign_signer(void **state)
{
	struct home *h = *state, other;
	struct tc_keystore *ks = open_ok(h), *ks2;
	struct tc_keystore_cert_info s, s2;
	struct tc_trust_entry e[2];
	struct tc_trust *t = NULL;
	struct tc_buf payload, list;
	X509 *ca, *x, *x2;
	uint8_t *cader, *der, *der2;
	size_t calen, len, len2;
	char err[256] = "";

	make_home(&other, h->alg);
	ks2 = open_ok(&other);
	assert_int_equal(tc_keystore_signer_info(ks, 0, &s), 0);
	assert_int_equal(tc_keystore_signer_info(ks2, 0, &s2), 0);
	ca = read_crt(h, "ca.crt");
	x = read_crt(h, s.cert_file);
	x2 = read_crt(&other, s2.cert_file);
	der_of(ca, &cader, &calen);
	der_of(x, &der, &len);
	der_of(x2, &der2, &len2);

	/* The genuine entry alone, signed by hand: accepted. */
	memset(e, 0, sizeof(e));
	assert_int_equal(tc_cose_kid_of_pkey(X509_get0_pubkey(x), e[0].kid), 0);
	e[0].alg = s.cose_alg;
	e[0].cert = der;
	e[0].certlen = len;
	e[0].status = TC_SIGNER_CURRENT;
	tc_buf_init(&payload, 0);
	assert_int_equal(tc_trust_encode(&payload, NOW, cader, calen, e, 1), 0);
	sign_payload(h, &payload, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    0);
	tc_trust_free(t);
	tc_buf_release(&list);
	tc_buf_release(&payload);

	/* Plus the other store's signer, as retired. */
	assert_int_equal(
	    tc_cose_kid_of_pkey(X509_get0_pubkey(x2), e[1].kid), 0);
	e[1].alg = s2.cose_alg;
	e[1].cert = der2;
	e[1].certlen = len2;
	e[1].status = TC_SIGNER_RETIRED;
	assert_int_equal(tc_trust_encode(&payload, NOW, cader, calen, e, 2), 0);
	sign_payload(h, &payload, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    TC_ERR_BAD_SIGNATURE);
	assert_null(t);
	assert_non_null(strstr(err, "signer 1"));
	tc_buf_release(&list);
	tc_buf_release(&payload);

	/* A kid that is not the certificate's. */
	e[1] = e[0];
	e[1].kid[0] ^= 1;
	e[1].status = TC_SIGNER_RETIRED;
	assert_int_equal(tc_trust_encode(&payload, NOW, cader, calen, e, 2), 0);
	sign_payload(h, &payload, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    TC_ERR_UNKNOWN_KEY);
	tc_buf_release(&list);
	tc_buf_release(&payload);

	/* The wrong alg for the key. */
	e[1] = e[0];
	e[0].alg = e[0].alg == TC_COSE_ALG_ES256 ? TC_COSE_ALG_SM2_SM3
						 : TC_COSE_ALG_ES256;
	assert_int_equal(tc_trust_encode(&payload, NOW, cader, calen, e, 1), 0);
	sign_payload(h, &payload, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED_ALG);
	tc_buf_release(&list);
	tc_buf_release(&payload);
	e[0] = e[1];

	/* Two current signers (the same one twice: the kid repeats). */
	e[1] = e[0];
	assert_int_equal(tc_trust_encode(&payload, NOW, cader, calen, e, 2), 0);
	sign_payload(h, &payload, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    TC_ERR_CONSTRAINT);
	tc_buf_release(&list);
	tc_buf_release(&payload);

	/* The list signed by the other CA but carrying this CA. */
	assert_int_equal(tc_trust_encode(&payload, NOW, cader, calen, e, 1), 0);
	sign_payload(&other, &payload, &list);
	assert_true(tc_trust_load(&t, list.data, list.len, NULL, NOW, err,
			sizeof(err)) != 0);
	tc_buf_release(&list);
	tc_buf_release(&payload);

	/* A signer certificate as the CA. */
	assert_int_equal(tc_trust_encode(&payload, NOW, der, len, e, 1), 0);
	sign_payload(h, &payload, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    TC_ERR_KEY_FORMAT);
	tc_buf_release(&list);
	tc_buf_release(&payload);

	OPENSSL_free(cader);
	OPENSSL_free(der);
	OPENSSL_free(der2);
	X509_free(ca);
	X509_free(x);
	X509_free(x2);
	tc_keystore_free(ks);
	tc_keystore_free(ks2);
	rm_rf(other.path);
}

static void
test_export_pem(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_keystore_cert_info s;
	struct tc_buf pem;
	char err[256] = "", line[128];
	const char *p;
	int n = 0;

	assert_int_equal(
	    tc_keystore_rotate_signer(ks, NOW + DAY, err, sizeof(err)), 0);
	tc_buf_init(&pem, 0);
	assert_int_equal(tc_keystore_export_pem(ks, &pem, err, sizeof(err)), 0);
	for (p = (const char *)pem.data;
	     (p = strstr(p, "-----BEGIN CERTIFICATE-----")) != NULL; p++)
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(tc_keystore_signer_info(ks, 2, &s), 0);
	snprintf(line, sizeof(line),
	    "# talentcard credential signer kid %s alg %s status current not-after ",
	    s.kid, tc_keyalg_name(h->alg));
	assert_non_null(strstr((const char *)pem.data, line));
	assert_int_equal(strncmp((const char *)pem.data,
			     "# talentcard credential signer kid ", 34),
	    0);
	assert_non_null(strstr((const char *)pem.data, "status retired"));
	tc_buf_release(&pem);
	tc_keystore_free(ks);
}

/* X509 from a PEM buffer. */
static X509 *
pem_crt(const struct tc_buf *b)
{
	BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);
	X509 *x;

	assert_non_null(bio);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(x);
	return x;
}

/*
 * Station certificates: the station CA is made on first use in the store
 * (its key private), every station's certificate chains to it and not to
 * the authority's CA, names are checked, and a forced init removes it.
 */
static void
test_station_cert(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_buf key, crt, ca, key2, crt2, ca2;
	X509 *x, *x2, *cax, *cax2, *authority;
	EVP_PKEY *k;
	BIO *bio;
	char err[256] = "", cn[128];
	struct stat st;
	char p[256];

	tc_buf_init(&key, 0);
	tc_buf_init(&crt, 0);
	tc_buf_init(&ca, 0);
	tc_buf_init(&key2, 0);
	tc_buf_init(&crt2, 0);
	tc_buf_init(&ca2, 0);
	keypath(p, sizeof(p), h, "station-ca.key");
	assert_int_not_equal(stat(p, &st), 0);
	assert_int_equal(tc_keystore_station_cert(ks, "CHUXIONG-01", NOW, 730,
			     &key, &crt, &ca, err, sizeof(err)),
	    0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(tc_keystore_station_cert(ks, "b.2", NOW, 1, &key2,
			     &crt2, &ca2, err, sizeof(err)),
	    0);
	x = pem_crt(&crt);
	x2 = pem_crt(&crt2);
	cax = pem_crt(&ca);
	cax2 = pem_crt(&ca2);
	assert_int_equal(X509_cmp(cax, cax2), 0); /* one station CA */
	assert_int_equal(X509_verify(x, X509_get0_pubkey(cax)), 1);
	assert_int_equal(X509_verify(x2, X509_get0_pubkey(cax)), 1);
	authority = read_crt(h, "ca.crt");
	assert_int_not_equal(X509_verify(x, X509_get0_pubkey(authority)), 1);
	assert_int_equal(X509_check_ca(cax), 1);
	assert_int_equal(X509_check_ca(x), 0);
	X509_NAME_get_text_by_NID(
	    X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	assert_string_equal(cn, "talentcard station CHUXIONG-01");
	assert_true(X509_cmp_time(X509_get0_notAfter(x2),
			&(time_t){ NOW + 2 * DAY }) < 0);
	/* The key is the certificate's. */
	assert_non_null(bio = BIO_new_mem_buf(key.data, (int)key.len));
	assert_non_null(k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL));
	assert_int_equal(X509_check_private_key(x, k), 1);
	EVP_PKEY_free(k);
	BIO_free(bio);
	/* Names and days. */
	assert_false(tc_keystore_station_name_ok(""));
	assert_false(tc_keystore_station_name_ok("a b"));
	assert_false(tc_keystore_station_name_ok("x/y"));
	assert_true(tc_keystore_station_name_ok("A-z.0"));
	assert_int_equal(tc_keystore_station_cert(ks, "a b", NOW, 1, &key, &crt,
			     &ca, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	assert_int_equal(tc_keystore_station_cert(ks, "a", NOW, 0, &key, &crt,
			     &ca, err, sizeof(err)),
	    TC_ERR_INVALID_ARG);
	tc_keystore_free(ks);
	/* A forced init is a new authority: no station CA is left. */
	assert_int_equal(
	    tc_keystore_create(h->path, h->alg, 1, NOW + DAY, err, sizeof(err)),
	    0);
	assert_int_not_equal(stat(p, &st), 0);
	X509_free(x);
	X509_free(x2);
	X509_free(cax);
	X509_free(cax2);
	X509_free(authority);
	tc_buf_release(&key);
	tc_buf_release(&crt);
	tc_buf_release(&ca);
	tc_buf_release(&key2);
	tc_buf_release(&crt2);
	tc_buf_release(&ca2);
}

static void
test_names(void **state)
{
	enum tc_keyalg a;

	assert_int_equal(tc_keyalg_parse("ES256", &a), 0);
	assert_int_equal(a, TC_KEYALG_ES256);
	assert_int_equal(tc_keyalg_parse("sm2", &a), 0);
	assert_int_equal(a, TC_KEYALG_SM2);
	assert_int_equal(tc_keyalg_parse("rsa", &a), TC_ERR_UNSUPPORTED_ALG);
	assert_string_equal(tc_keyalg_name(TC_KEYALG_SM2), "SM2");
	assert_null(tc_secret_name((enum tc_secret)9));
	assert_int_equal(tc_secret_size((enum tc_secret)9), 0);
}

/* Payloads that are not the schema, signed by the CA all the same. */
static void
test_payload_schema(void **state)
{
	struct home *h = *state;
	struct tc_trust *t = NULL;
	struct tc_buf payload, list;
	char err[256] = "";
	static const struct {
		const char *hex;
		int want;
	} cases[] = {
		{ "a0", TC_ERR_MALFORMED },	  /* {} */
		{ "a40102", TC_ERR_UNSUPPORTED }, /* version 2 */
		{ "a4011801", TC_ERR_MALFORMED }, /* long head */
		{ "a40101", TC_ERR_TRUNCATED },
		{ "bf", TC_ERR_MALFORMED },		      /* indefinite */
		{ "a4020101", TC_ERR_MALFORMED },	      /* key order */
		{ "a401010200034000", TC_ERR_MALFORMED },     /* 4: 0 */
		{ "a40101020003400480", TC_ERR_MALFORMED },   /* no signers */
		{ "a4010102000340049841", TC_ERR_TOO_LARGE }, /* 65 */
		{ "a4010102000340048100", TC_ERR_MALFORMED },
		{ "a401010220", TC_ERR_MALFORMED }, /* -1 time */
		{ "a401010200035a00010000", TC_ERR_TRUNCATED },
	};
	size_t i, n;
	uint8_t b;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tc_buf_init(&payload, 0);
		for (n = 0; cases[i].hex[2 * n] != '\0'; n++) {
			sscanf(cases[i].hex + 2 * n, "%2hhx", &b);
			tc_buf_put_u8(&payload, b);
		}
		sign_payload(h, &payload, &list);
		err[0] = '\0';
		if (tc_trust_load(&t, list.data, list.len, NULL, NOW, err,
			sizeof(err)) != cases[i].want)
			fail_msg("case %zu (%s): %s", i, cases[i].hex, err);
		assert_null(t);
		tc_buf_release(&list);
		tc_buf_release(&payload);
	}
}

/*
 * Both algorithms from one store: the current signer of each signs, the
 * exported list verifies both; add-signer refuses an algorithm that has a
 * current signer; a manifest with two current signers of one algorithm is
 * refused.
 */
static void
test_signer_per_alg(void **state)
{
	struct home *h = *state;
	struct tc_keystore *ks = open_ok(h);
	struct tc_cose_key *k = NULL;
	struct tc_trust *t = NULL;
	struct tc_buf list, cose[2];
	static const int algs[2] = { TC_COSE_ALG_ES256, TC_COSE_ALG_SM2_SM3 };
	char err[256] = "";
	int i;

	assert_int_equal(tc_keystore_has_signer(ks, TC_KEYALG_ES256), 1);
	assert_int_equal(tc_keystore_has_signer(ks, TC_KEYALG_SM2), 1);
	for (i = 0; i < 2; i++) {
		if (tc_keystore_signer_alg(ks, algs[i], &k, err, sizeof(err)) !=
		    0)
			fail_msg("signer_alg: %s", err);
		assert_int_equal(tc_cose_key_alg(k), algs[i]);
		tc_buf_init(&cose[i], 0);
		assert_int_equal(tc_cose_sign1_create(&cose[i], k, message,
				     sizeof(message), err, sizeof(err)),
		    0);
		tc_cose_key_free(k);
		k = NULL;
	}
	assert_int_equal(tc_keystore_signer_alg(ks, -8, &k, err, sizeof(err)),
	    TC_ERR_UNSUPPORTED_ALG);
	export_ok(ks, NOW, &list);
	assert_int_equal(
	    tc_trust_load(&t, list.data, list.len, NULL, NOW, err, sizeof(err)),
	    0);
	assert_int_equal(verify_with(t, &cose[0]), 0);
	assert_int_equal(verify_with(t, &cose[1]), 0);
	tc_trust_free(t);
	tc_buf_release(&list);
	tc_buf_release(&cose[0]);
	tc_buf_release(&cose[1]);
	assert_int_equal(
	    tc_keystore_add_signer(ks, TC_KEYALG_SM2, NOW, err, sizeof(err)),
	    TC_ERR_EXISTS);
	assert_non_null(strstr(err, "rotate-signer --alg sm2"));
	assert_int_equal(tc_keystore_signer_count(ks), 2);
	tc_keystore_free(ks);
}

/* A test run once with an ES256 key store and once with an SM2 one. */
#define BOTH(XF, f) XF(f, setup_es256, teardown) XF(f, setup_sm2, teardown)

#define TESTS(X, XF)                                                           \
	X(test_names)                                                          \
	BOTH(XF, test_layout_and_modes)                                        \
	BOTH(XF, test_x509_verify)                                             \
	BOTH(XF, test_refuse_overwrite)                                        \
	BOTH(XF, test_signer_per_alg)                                          \
	BOTH(XF, test_secrets)                                                 \
	XF(test_secret_format, setup_es256, teardown)                          \
	BOTH(XF, test_permissions)                                             \
	XF(test_bad_files, setup_es256, teardown)                              \
	XF(test_manifest_fields, setup_sm2, teardown)                          \
	BOTH(XF, test_sign_and_verify)                                         \
	BOTH(XF, test_rotate)                                                  \
	BOTH(XF, test_wrong_pin)                                               \
	BOTH(XF, test_expired)                                                 \
	BOTH(XF, test_damaged)                                                 \
	BOTH(XF, test_foreign_signer)                                          \
	BOTH(XF, test_export_pem)                                              \
	XF(test_station_cert, setup_sm2, teardown)                             \
	XF(test_payload_schema, setup_es256, teardown)

TC_UNIT_TESTS(TESTS);

int
main(void)
{
	umask(022);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
