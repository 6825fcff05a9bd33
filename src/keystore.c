/* SPDX-License-Identifier: MIT */
/*
 * The key store under HOME/keys (include/tcard/keystore.h): making the CA,
 * the signers and the secrets, reading them back with the permission rules
 * of OpenSSH's authfile.c, the manifest keys.json (jansson), rotation, and
 * the exports (the signed trust list of src/trust.c, and PEM). Every file
 * is written whole to a temporary name in the same directory, synced and
 * renamed over its final name; every private byte read or written passes
 * through a buffer that is wiped. The layout and the reasons are in
 * docs/keys.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/hex.h"
#include "tcard/keystore.h"
#include "tcard/trust.h"

#define KEYS_JSON	"keys.json"
#define CA_KEY		"ca.key"
#define CA_CRT		"ca.crt"
#define STATION_CA_KEY	"station-ca.key"
#define STATION_CA_CRT	"station-ca.crt"
#define MAX_PEM_FILE	(64u * 1024)  /* a key or certificate file */
#define MAX_JSON_FILE	(256u * 1024) /* keys.json */
#define MAX_SECRET_FILE 256u	      /* a hex secret file */
#define SECRET_MAX	32	      /* largest secret */

/* A certificate of the store: what list shows, and its DER. */
struct cert {
	struct tc_keystore_cert_info info;
	uint8_t kid[TC_COSE_KID_LEN];
	uint8_t *der;
	size_t derlen;
};

struct tc_keystore {
	char dir[PATH_MAX];
	enum tc_keyalg alg;
	time_t created;
	struct cert ca;
	struct cert *signers;
	size_t n;
};

static const struct {
	const char *name;
	const char *file;
	size_t size;
} secrets[TC_SECRET_COUNT] = {
	[TC_SECRET_PEPPER] = { "pepper", "pepper.key", 32 },
	[TC_SECRET_DATA_KEY] = { "data-key", "data.key", 32 },
	[TC_SECRET_MASTER_KEY] = { "master-key", "master.key", 16 },
};

const char *
tc_keyalg_name(enum tc_keyalg alg)
{
	switch (alg) {
	case TC_KEYALG_ES256:
		return "ES256";
	case TC_KEYALG_SM2:
		return "SM2";
	}
	return "?";
}

int
tc_keyalg_parse(const char *s, enum tc_keyalg *alg)
{
	if (s != NULL && strcasecmp(s, "es256") == 0) {
		*alg = TC_KEYALG_ES256;
		return 0;
	}
	if (s != NULL && strcasecmp(s, "sm2") == 0) {
		*alg = TC_KEYALG_SM2;
		return 0;
	}
	return TC_ERR_UNSUPPORTED_ALG;
}

static int
known_secret(enum tc_secret which)
{
	return (unsigned int)which < TC_SECRET_COUNT;
}

size_t
tc_secret_size(enum tc_secret which)
{
	return known_secret(which) ? secrets[which].size : 0;
}

const char *
tc_secret_name(enum tc_secret which)
{
	return known_secret(which) ? secrets[which].name : NULL;
}

const char *
tc_secret_file(enum tc_secret which)
{
	return known_secret(which) ? secrets[which].file : NULL;
}

static int
cose_alg_of(enum tc_keyalg alg)
{
	return alg == TC_KEYALG_SM2 ? TC_COSE_ALG_SM2_SM3 : TC_COSE_ALG_ES256;
}

/*
 * Small helpers: hex, times, paths.
 */
static void
iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

static int
parse_iso(const char *s, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	*t = timegm(&tm);
	return 0;
}

/* t plus n calendar years (29 February becomes 1 March). */
static time_t
add_years(time_t t, int n)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	tm.tm_year += n;
	return timegm(&tm);
}

static int
is_private(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".key") == 0;
}

/*
 * Reads the file name of dir into out (initialised here, capped at max).
 * The file is opened without following a symbolic link, and the checks are
 * made on the open descriptor, so the file checked is the file read. A
 * private file must give group and others no access at all; any file must
 * not be writable by them.
 */
static int
read_file(const char *dir, const char *name, size_t max, struct tc_buf *out,
    char *err, size_t errlen)
{
	char path[PATH_MAX], shown[PATH_MAX];
	int r;

	tc_buf_init(out, max);
	if ((r = tc_path_join(path, sizeof(path), dir, name)) != 0 ||
	    (r = tc_path_join(shown, sizeof(shown), "keys", name)) != 0)
		return tc_seterr(
		    err, errlen, r, "path of keys/%s too long", name);
	if ((r = tc_file_read(path, shown, max,
		 TC_FILE_KEY | (is_private(name) ? TC_FILE_SECRET : 0), out,
		 err, errlen)) != 0)
		tc_buf_release(out);
	return r;
}

static int
fsync_dir(const char *dir)
{
	int fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/*
 * Writes len bytes as dir/name: to a new temporary file in dir (mode 0600,
 * created exclusively), synced, then renamed over name, and the directory
 * synced, so name holds either its old contents or all of the new ones.
 */
static int
write_file(const char *dir, const char *name, const void *data, size_t len,
    char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX], tname[96];
	const uint8_t *p = data;
	uint8_t rnd[6];
	char rhex[13];
	size_t off = 0;
	ssize_t n;
	int fd = -1, r = TC_ERR_INTERNAL;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return tc_seterr(err, errlen, TC_ERR_CRYPTO,
		    "no random bytes for a temporary name");
	tc_hex_encode(rnd, sizeof(rnd), rhex);
	if (tc_fmt(tname, sizeof(tname), ".%s.tmp-%s", name, rhex) != 0 ||
	    tc_path_join(path, sizeof(path), dir, name) != 0 ||
	    tc_path_join(tmp, sizeof(tmp), dir, tname) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "path of keys/%s too long", name);
	if ((fd = open(tmp,
		 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) ==
	    -1)
		return tc_seterr(err, errlen, TC_ERR_IO, "keys/%s: %s", tname,
		    strerror(errno));
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = tc_seterr(err, errlen, TC_ERR_IO, "keys/%s: %s",
			    tname, n < 0 ? strerror(errno) : "short write");
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_IO, "keys/%s: fsync: %s",
		    tname, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		r = tc_seterr(err, errlen, TC_ERR_IO, "keys/%s: %s", tname,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_IO, "keys/%s: rename: %s",
		    name, strerror(errno));
		goto out;
	}
	if (fsync_dir(dir) != 0) {
		/* The file is in place; only its durability is unsure. */
		return tc_seterr(err, errlen, TC_ERR_IO, "keys/: fsync: %s",
		    strerror(errno));
	}
	return 0;
out:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return r;
}

/*
 * Keys and certificates.
 */
static int
key_alg(EVP_PKEY *k, enum tc_keyalg *alg)
{
	char group[64];

	if (EVP_PKEY_is_a(k, "SM2")) {
		*alg = TC_KEYALG_SM2;
		return 0;
	}
	if (EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) == 1 &&
	    (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)) {
		*alg = TC_KEYALG_ES256;
		return 0;
	}
	return TC_ERR_UNSUPPORTED_ALG;
}

static EVP_PKEY *
keygen(enum tc_keyalg alg)
{
	if (alg == TC_KEYALG_SM2)
		return EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* Refuses to prompt: the store holds unencrypted keys only. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/*
 * Reads the private key in keys/name, checks it is of algorithm want and, when pub is not NULL, that it is the key of pub.
 */
static int
read_private_key(const struct tc_keystore *ks, const char *name,
    enum tc_keyalg want, EVP_PKEY *pub, EVP_PKEY **out, char *err,
    size_t errlen)
{
	struct tc_buf b;
	BIO *bio = NULL;
	EVP_PKEY *k = NULL;
	enum tc_keyalg alg;
	int r = TC_ERR_INTERNAL;

	*out = NULL;
	if ((r = read_file(ks->dir, name, MAX_PEM_FILE, &b, err, errlen)) != 0)
		return r;
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if ((k = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)) ==
	    NULL) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: not an unencrypted PEM private key", name);
		goto out;
	}
	if (key_alg(k, &alg) != 0 || alg != want) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: not an %s key", name, tc_keyalg_name(want));
		goto out;
	}
	if (pub != NULL && EVP_PKEY_eq(k, pub) != 1) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s is not the key of its certificate", name);
		goto out;
	}
	*out = k;
	k = NULL; /* transferred */
	r = 0;
out:
	ERR_clear_error();
	EVP_PKEY_free(k);
	BIO_free(bio);
	tc_buf_release(&b);
	return r;
}

/*
 * Writes k (a private key) or else x (a certificate) as PEM to dir/name;
 * the text is wiped before its buffer is freed, as it may be a key.
 */
static int
write_pem(const char *dir, const char *name, EVP_PKEY *k, X509 *x, char *err,
    size_t errlen)
{
	BIO *bio;
	char *p = NULL;
	long n = 0;
	int ok, r;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return TC_ERR_NOMEM;
	ok = k != NULL
	    ? PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)
	    : PEM_write_bio_X509(bio, x);
	if (ok != 1 || (n = BIO_get_mem_data(bio, &p)) <= 0) {
		BIO_free(bio);
		ERR_clear_error();
		return k != NULL
		    ? tc_seterr(err, errlen, TC_ERR_CRYPTO,
			  "keys/%s: cannot encode the private key", name)
		    : tc_seterr(err, errlen, TC_ERR_CRYPTO,
			  "keys/%s: cannot encode the certificate", name);
	}
	r = write_file(dir, name, p, (size_t)n, err, errlen);
	OPENSSL_cleanse(p, (size_t)n);
	BIO_free(bio);
	return r;
}

static int
write_private_key(
    const char *dir, const char *name, EVP_PKEY *k, char *err, size_t errlen)
{
	return write_pem(dir, name, k, NULL, err, errlen);
}

static int
write_cert(const char *dir, const char *name, X509 *x, char *err, size_t errlen)
{
	return write_pem(dir, name, NULL, x, err, errlen);
}

/*
 * Signs x with key: ecdsa-with-SHA256, or SM2-with-SM3 over Z computed with
 * the default ID (the digest context of tc_cose_md_init).
 */
static int
sign_cert(X509 *x, EVP_PKEY *key, enum tc_keyalg alg)
{
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int r;

	r = tc_cose_md_init(key,
	    alg == TC_KEYALG_SM2 ? TC_COSE_ALG_SM2_SM3 : TC_COSE_ALG_ES256, 1,
	    &md, &pctx);
	if (r == 0 && X509_sign_ctx(x, md) <= 0)
		r = TC_ERR_CRYPTO;
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(pctx);
	return r;
}

static int
add_ext(X509 *x, int nid, void *value, int crit)
{
	return X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_REPLACE) == 1
	    ? 0
	    : TC_ERR_CRYPTO;
}

static ASN1_OCTET_STRING *
octets(const uint8_t *p, size_t n)
{
	ASN1_OCTET_STRING *o;

	if ((o = ASN1_OCTET_STRING_new()) == NULL)
		return NULL;
	if (ASN1_OCTET_STRING_set(o, p, (int)n) != 1) {
		ASN1_OCTET_STRING_free(o);
		return NULL;
	}
	return o;
}

/* The certificate's extensions: a CA's, or a credential signer's. */
static int
add_extensions(X509 *x, int is_ca, const uint8_t *skid, const uint8_t *akid)
{
	BASIC_CONSTRAINTS *bc = NULL;
	ASN1_BIT_STRING *ku = NULL;
	ASN1_OCTET_STRING *ski = NULL;
	AUTHORITY_KEYID *aki = NULL;
	int r = TC_ERR_NOMEM;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL ||
	    (ku = ASN1_BIT_STRING_new()) == NULL ||
	    (ski = octets(skid, TC_COSE_KID_LEN)) == NULL ||
	    (aki = AUTHORITY_KEYID_new()) == NULL ||
	    (aki->keyid = octets(akid, TC_COSE_KID_LEN)) == NULL)
		goto out;
	bc->ca = is_ca ? 0xff : 0;
	if (is_ca) {
		/* Bits 5 keyCertSign and 6 cRLSign (RFC 5280 4.2.1.3). */
		if (ASN1_BIT_STRING_set_bit(ku, 5, 1) != 1 ||
		    ASN1_BIT_STRING_set_bit(ku, 6, 1) != 1)
			goto out;
	} else if (ASN1_BIT_STRING_set_bit(ku, 0, 1) != 1) /* digitalSig. */
		goto out;
	if ((r = add_ext(x, NID_basic_constraints, bc, 1)) != 0 ||
	    (r = add_ext(x, NID_key_usage, ku, 1)) != 0 ||
	    (r = add_ext(x, NID_subject_key_identifier, ski, 0)) != 0 ||
	    (r = add_ext(x, NID_authority_key_identifier, aki, 0)) != 0)
		goto out;
	r = 0;
out:
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(aki);
	return r;
}

/*
 * Makes a certificate for subject_key (kid skid) named cn, valid from nb to
 * na, issued by issuer (NULL: self-issued) with issuer_key (kid akid), with
 * a random positive 128-bit serial number.
 */
static int
make_cert(X509 **out, enum tc_keyalg alg, EVP_PKEY *subject_key,
    const uint8_t *skid, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
    const uint8_t *akid, int is_ca, time_t nb, time_t na)
{
	uint8_t serial[16];
	X509 *x = NULL;
	X509_NAME *name = NULL;
	BIGNUM *bn = NULL;
	int r = TC_ERR_CRYPTO;

	*out = NULL;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] = (uint8_t)((serial[0] & 0x7f) | 0x40);
	if ((x = X509_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    (bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
		(const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x,
		issuer != NULL ? X509_get_subject_name(issuer) : name) != 1 ||
	    X509_set_pubkey(x, subject_key) != 1)
		goto out;
	if ((r = add_extensions(x, is_ca, skid, akid)) != 0 ||
	    (r = sign_cert(x, issuer_key, alg)) != 0)
		goto out;
	*out = x;
	x = NULL; /* transferred */
	r = 0;
out:
	ERR_clear_error();
	X509_free(x);
	X509_NAME_free(name);
	BN_free(bn);
	return r;
}

/* Fills c from certificate x: DER, fingerprint, validity, kid check. */
static int
cert_fill(struct cert *c, X509 *x, const char *file, char *err, size_t errlen)
{
	unsigned char *der = NULL;
	uint8_t kid[TC_COSE_KID_LEN];
	EVP_PKEY *pk;
	int n;

	if ((n = i2d_X509(x, &der)) <= 0) {
		ERR_clear_error();
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: cannot encode the certificate", file);
	}
	if (tc_trust_asn1_time(X509_get0_notBefore(x), &c->info.not_before) !=
		0 ||
	    tc_trust_asn1_time(X509_get0_notAfter(x), &c->info.not_after) !=
		0) {
		OPENSSL_free(der);
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: unreadable validity dates", file);
	}
	if ((pk = X509_get0_pubkey(x)) == NULL ||
	    tc_cose_kid_of_pkey(pk, kid) != 0 ||
	    memcmp(kid, c->kid, sizeof(kid)) != 0) {
		OPENSSL_free(der);
		ERR_clear_error();
		return tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: the certificate's key is not kid %s", file,
		    c->info.kid);
	}
	free(c->der);
	if ((c->der = malloc((size_t)n)) == NULL) {
		OPENSSL_free(der);
		return TC_ERR_NOMEM;
	}
	memcpy(c->der, der, (size_t)n);
	c->derlen = (size_t)n;
	OPENSSL_free(der);
	SHA256(c->der, c->derlen, c->info.fingerprint);
	return 0;
}

/* Parses c's DER again (certificates are kept as DER only). */
static int
cert_x509(const struct cert *c, X509 **out)
{
	const unsigned char *p = c->der;

	if ((*out = d2i_X509(NULL, &p, (long)c->derlen)) == NULL) {
		ERR_clear_error();
		return TC_ERR_KEY_FORMAT;
	}
	return 0;
}

static int
read_cert(const struct tc_keystore *ks, struct cert *c, const char *file,
    char *err, size_t errlen)
{
	struct tc_buf b;
	BIO *bio = NULL;
	X509 *x = NULL;
	int r;

	if ((r = read_file(ks->dir, file, MAX_PEM_FILE, &b, err, errlen)) != 0)
		return r;
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if ((x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL)) == NULL) {
		ERR_clear_error();
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: not a PEM certificate", file);
		goto out;
	}
	r = cert_fill(c, x, file, err, errlen);
out:
	X509_free(x);
	BIO_free(bio);
	tc_buf_release(&b);
	return r;
}

static void
cert_release(struct cert *c)
{
	free(c->der);
	c->der = NULL;
	c->derlen = 0;
}

static void
signer_names(struct cert *c, enum tc_keyalg alg)
{
	snprintf(c->info.key_file, sizeof(c->info.key_file), "signer-%s.key",
	    c->info.kid);
	snprintf(c->info.cert_file, sizeof(c->info.cert_file), "signer-%s.crt",
	    c->info.kid);
	c->info.alg = alg;
	c->info.cose_alg = cose_alg_of(alg);
}

/*
 * Makes a signer of algorithm alg: key, certificate issued by ca (signed
 * with the CA's algorithm, which may be the other one) (valid from now minus the
 * backdate for TC_KEYSTORE_SIGNER_YEARS, never past the CA), both written to
 * the directory, and c filled as a current signer created now.
 */
static int
new_signer(const struct tc_keystore *ks, enum tc_keyalg alg, X509 *ca,
    EVP_PKEY *cakey, const uint8_t *cakid, time_t ca_not_after, time_t now,
    struct cert *c, char *err, size_t errlen)
{
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	char cn[80];
	time_t na;
	int r = TC_ERR_INTERNAL;

	memset(c, 0, sizeof(*c));
	if ((k = keygen(alg)) == NULL) {
		ERR_clear_error();
		return tc_seterr(err, errlen, TC_ERR_CRYPTO,
		    "cannot generate an %s key", tc_keyalg_name(alg));
	}
	if ((r = tc_cose_kid_of_pkey(k, c->kid)) != 0)
		goto out;
	tc_hex_encode(c->kid, sizeof(c->kid), c->info.kid);
	signer_names(c, alg);
	c->info.status = TC_SIGNER_CURRENT;
	c->info.created = now;
	if ((na = add_years(now, TC_KEYSTORE_SIGNER_YEARS)) == (time_t)-1) {
		r = TC_ERR_RANGE;
		goto out;
	}
	if (na > ca_not_after)
		na = ca_not_after;
	snprintf(
	    cn, sizeof(cn), "talentcard credential signer %s", c->info.kid);
	if ((r = make_cert(&x, ks->alg, k, c->kid, cn, ca, cakey, cakid, 0,
		 now - TC_KEYSTORE_BACKDATE, na)) != 0) {
		r = tc_seterr(
		    err, errlen, r, "cannot make the signer certificate");
		goto out;
	}
	if (tc_trust_cert_verify(x, cakey) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "self-check: the new signer certificate does not verify with the CA key");
		goto out;
	}
	if ((r = cert_fill(c, x, c->info.cert_file, err, errlen)) != 0 ||
	    (r = write_private_key(
		 ks->dir, c->info.key_file, k, err, errlen)) != 0 ||
	    (r = write_cert(ks->dir, c->info.cert_file, x, err, errlen)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		cert_release(c);
	EVP_PKEY_free(k);
	X509_free(x);
	return r;
}

/*
 * keys.json.
 */
static json_t *
cert_json(const struct cert *c, int is_ca)
{
	char created[32], na[32], fpr[2 * TC_TRUST_FPR_LEN + 1];
	json_t *o;

	iso_time(c->info.created, created, sizeof(created));
	iso_time(c->info.not_after, na, sizeof(na));
	tc_hex_encode(c->info.fingerprint, sizeof(c->info.fingerprint), fpr);
	if ((o = json_object()) == NULL)
		return NULL;
	if (json_object_set_new(o, "kid", json_string(c->info.kid)) != 0 ||
	    (!is_ca &&
		json_object_set_new(
		    o, "alg", json_string(tc_keyalg_name(c->info.alg))) != 0) ||
	    json_object_set_new(o, "key", json_string(c->info.key_file)) != 0 ||
	    json_object_set_new(o, "cert", json_string(c->info.cert_file)) !=
		0 ||
	    json_object_set_new(o, "sha256", json_string(fpr)) != 0 ||
	    json_object_set_new(o, "created", json_string(created)) != 0 ||
	    json_object_set_new(o, "not_after", json_string(na)) != 0 ||
	    (!is_ca &&
		json_object_set_new(o, "status",
		    json_string(c->info.status == TC_SIGNER_CURRENT
			    ? "current"
			    : "retired")) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
write_manifest(const struct tc_keystore *ks, char *err, size_t errlen)
{
	json_t *root = NULL, *arr = NULL, *o;
	char created[32], *text = NULL;
	struct tc_buf b;
	size_t i;
	int r = TC_ERR_NOMEM;

	tc_buf_init(&b, MAX_JSON_FILE);
	iso_time(ks->created, created, sizeof(created));
	if ((root = json_object()) == NULL || (arr = json_array()) == NULL)
		goto out;
	if (json_object_set_new(
		root, "version", json_integer(TC_KEYSTORE_VERSION)) != 0 ||
	    json_object_set_new(
		root, "alg", json_string(tc_keyalg_name(ks->alg))) != 0 ||
	    json_object_set_new(root, "created", json_string(created)) != 0 ||
	    json_object_set_new(root, "ca", cert_json(&ks->ca, 1)) != 0)
		goto out;
	for (i = 0; i < ks->n; i++)
		if ((o = cert_json(&ks->signers[i], 0)) == NULL ||
		    json_array_append_new(arr, o) != 0)
			goto out;
	if (json_object_set_new(root, "signers", arr) != 0) {
		arr = NULL;
		goto out;
	}
	arr = NULL; /* owned by root */
	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ==
	    NULL)
		goto out;
	if ((r = tc_buf_puts(&b, text)) != 0 ||
	    (r = tc_buf_put_u8(&b, '\n')) != 0)
		goto out;
	r = write_file(ks->dir, KEYS_JSON, b.data, b.len, err, errlen);
out:
	tc_buf_release(&b);
	free(text);
	json_decref(arr);
	json_decref(root);
	return r;
}

static int
bad_json(char *err, size_t errlen, const char *key, const char *want)
{
	return tc_seterr(err, errlen, TC_ERR_MALFORMED,
	    "keys/keys.json: %s: expected %s", key, want);
}

static int
json_str(json_t *obj, const char *key, const char *path, const char **out,
    char *err, size_t errlen)
{
	char full[64];
	json_t *v = json_object_get(obj, key);

	snprintf(full, sizeof(full), "%s%s%s", path, *path ? "." : "", key);
	if (!json_is_string(v))
		return bad_json(err, errlen, full, "a string");
	*out = json_string_value(v);
	return 0;
}

static int
json_time(json_t *obj, const char *key, const char *path, time_t *out,
    char *err, size_t errlen)
{
	char full[64];
	const char *s;
	int r;

	if ((r = json_str(obj, key, path, &s, err, errlen)) != 0)
		return r;
	snprintf(full, sizeof(full), "%s%s%s", path, *path ? "." : "", key);
	if (parse_iso(s, out) != 0)
		return bad_json(
		    err, errlen, full, "a time YYYY-MM-DDTHH:MM:SSZ");
	return 0;
}

/* Member key of entry path, which must be the file name want. */
static int
json_file_name(json_t *o, const char *key, const char *path, const char *want,
    char *err, size_t errlen)
{
	const char *s;
	int r;

	if ((r = json_str(o, key, path, &s, err, errlen)) != 0)
		return r;
	if (strcmp(s, want) != 0)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "keys/keys.json: %s.%s: expected \"%s\"", path, key, want);
	return 0;
}

/* Kid, file names and fingerprint of the CA or a signer entry. */
static int
parse_cert_entry(json_t *o, const char *path, struct cert *c,
    const char *keyname, const char *certname, uint8_t *fpr, char *err,
    size_t errlen)
{
	char full[64];
	const char *s;
	int r;

	if (!json_is_object(o))
		return bad_json(err, errlen, path, "an object");
	snprintf(full, sizeof(full), "%s.kid", path);
	if ((r = json_str(o, "kid", path, &s, err, errlen)) != 0)
		return r;
	if (strlen(s) != TC_KEYSTORE_KIDHEX_LEN ||
	    strspn(s, "0123456789abcdef") != TC_KEYSTORE_KIDHEX_LEN ||
	    tc_hex_decode(s, strlen(s), c->kid, sizeof(c->kid), NULL) != 0)
		return bad_json(err, errlen, full, "16 lower-case hex digits");
	memcpy(c->info.kid, s, TC_KEYSTORE_KIDHEX_LEN + 1);
	if (keyname == NULL)
		signer_names(c, c->info.alg);
	else {
		snprintf(
		    c->info.key_file, sizeof(c->info.key_file), "%s", keyname);
		snprintf(c->info.cert_file, sizeof(c->info.cert_file), "%s",
		    certname);
	}
	if ((r = json_file_name(
		 o, "key", path, c->info.key_file, err, errlen)) != 0 ||
	    (r = json_file_name(
		 o, "cert", path, c->info.cert_file, err, errlen)) != 0)
		return r;
	snprintf(full, sizeof(full), "%s.sha256", path);
	if ((r = json_str(o, "sha256", path, &s, err, errlen)) != 0)
		return r;
	if (tc_hex_decode(s, strlen(s), fpr, TC_TRUST_FPR_LEN, NULL) != 0)
		return bad_json(err, errlen, full, "64 hex digits");
	return json_time(o, "created", path, &c->info.created, err, errlen);
}

static int
parse_manifest(struct tc_keystore *ks, const struct tc_buf *b, uint8_t *ca_fpr,
    uint8_t (*fprs)[TC_TRUST_FPR_LEN], char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = NULL, *v, *arr, *o;
	const char *s;
	char path[32];
	size_t i, j, current[2] = { 0, 0 }, present[2] = { 0, 0 };
	enum tc_keyalg alg;
	int r = TC_ERR_INTERNAL;

	if ((root = json_loadb((const char *)b->data, b->len,
		 JSON_REJECT_DUPLICATES, &je)) == NULL)
		return tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "keys/keys.json: line %d column %d: %s", je.line, je.column,
		    je.text);
	if (!json_is_object(root)) {
		r = bad_json(err, errlen, "(top)", "an object");
		goto out;
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v)) {
		r = bad_json(err, errlen, "version", "an integer");
		goto out;
	}
	if (json_integer_value(v) != TC_KEYSTORE_VERSION) {
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "keys/keys.json: version %lld; this program reads version %d",
		    (long long)json_integer_value(v), TC_KEYSTORE_VERSION);
		goto out;
	}
	if ((r = json_str(root, "alg", "", &s, err, errlen)) != 0)
		goto out;
	if (strcmp(s, "ES256") == 0)
		ks->alg = TC_KEYALG_ES256;
	else if (strcmp(s, "SM2") == 0)
		ks->alg = TC_KEYALG_SM2;
	else {
		r = bad_json(err, errlen, "alg", "\"ES256\" or \"SM2\"");
		goto out;
	}
	if ((r = json_time(root, "created", "", &ks->created, err, errlen)) !=
	    0)
		goto out;
	ks->ca.info.alg = ks->alg;
	ks->ca.info.cose_alg = cose_alg_of(ks->alg);
	ks->ca.info.status = TC_SIGNER_CURRENT;
	if ((r = parse_cert_entry(json_object_get(root, "ca"), "ca", &ks->ca,
		 CA_KEY, CA_CRT, ca_fpr, err, errlen)) != 0)
		goto out;
	arr = json_object_get(root, "signers");
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		r = bad_json(err, errlen, "signers", "a non-empty array");
		goto out;
	}
	if (json_array_size(arr) > TC_KEYSTORE_MAX_SIGNERS) {
		r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
		    "keys/keys.json: signers: more than %d",
		    TC_KEYSTORE_MAX_SIGNERS);
		goto out;
	}
	if ((ks->signers = calloc(
		 json_array_size(arr), sizeof(*ks->signers))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		struct cert *c = &ks->signers[i];

		ks->n = i + 1;
		o = json_array_get(arr, i);
		snprintf(path, sizeof(path), "signers[%zu]", i);
		if (!json_is_object(o)) {
			r = bad_json(err, errlen, path, "an object");
			goto out;
		}
		if ((r = json_str(o, "alg", path, &s, err, errlen)) != 0)
			goto out;
		if (tc_keyalg_parse(s, &alg) != 0 ||
		    strcmp(s, tc_keyalg_name(alg)) != 0) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "keys/keys.json: %s.alg: expected \"ES256\" or \"SM2\"",
			    path);
			goto out;
		}
		c->info.alg = alg;
		present[alg == TC_KEYALG_SM2]++;
		if ((r = parse_cert_entry(
			 o, path, c, NULL, NULL, fprs[i], err, errlen)) != 0)
			goto out;
		if ((r = json_str(o, "status", path, &s, err, errlen)) != 0)
			goto out;
		if (strcmp(s, "current") == 0) {
			c->info.status = TC_SIGNER_CURRENT;
			current[alg == TC_KEYALG_SM2]++;
		} else if (strcmp(s, "retired") == 0)
			c->info.status = TC_SIGNER_RETIRED;
		else {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "keys/keys.json: %s.status: expected \"current\" or \"retired\"",
			    path);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (memcmp(ks->signers[j].kid, c->kid,
				sizeof(c->kid)) == 0) {
				r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
				    "keys/keys.json: %s.kid: repeats signers[%zu]",
				    path, j);
				goto out;
			}
	}
	for (i = 0; i < 2; i++)
		if (present[i] > 0 && current[i] != 1) {
			r = tc_seterr(err, errlen, TC_ERR_MALFORMED,
			    "keys/keys.json: signers: %zu %s signers with status \"current\"; exactly one expected",
			    current[i], i ? "SM2" : "ES256");
			goto out;
		}
	r = 0;
out:
	json_decref(root);
	return r;
}

/*
 * Opening.
 */
static int
keys_dir(char *buf, size_t len, const char *home, char *err, size_t errlen)
{
	if (home == NULL || *home == '\0')
		return TC_ERR_INVALID_ARG;
	if (tc_path_join(buf, len, home, "keys") != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "home directory path too long");
	return 0;
}

/* The keys directory must be a directory others cannot write to. */
static int
check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
			    "no key store: %s does not exist", dir);
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return tc_seterr(
		    err, errlen, TC_ERR_PERM, "%s is not a directory", dir);
	if ((st.st_mode & 022) != 0)
		return tc_seterr(err, errlen, TC_ERR_PERM,
		    "%s is mode %04o: writable by group or others; chmod 700 it",
		    dir, (unsigned int)(st.st_mode & 07777));
	return 0;
}

/* The key-file rule of tc_file_mode_check, for a secret found listed. */
static int
secret_mode_ok(mode_t mode, const char *name, char *err, size_t errlen)
{
	char shown[PATH_MAX], msg[512];
	int r;

	(void)tc_path_join(shown, sizeof(shown), "keys", name);
	if ((r = tc_file_mode_check(
		 mode, TC_FILE_SECRET, shown, msg, sizeof(msg))) != 0)
		return tc_seterr(err, errlen, r,
		    "%s (the key store is refused until then)", msg);
	return 0;
}

/*
 * The rule of read_file for private files, applied to every *.key of the
 * store at open (OpenSSH's sshkey_perm_ok): whichever secret a command
 * goes on to use, a store where group or others can reach any of them is
 * refused, so a wrong mode is noticed by the first command run, not by
 * the one that happens to read that file.
 */
static int
check_secret_modes(const char *dir, char *err, size_t errlen)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	int r = 0;

	if ((d = opendir(dir)) == NULL)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !is_private(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) !=
		    0) {
			if (errno != ENOENT)
				r = tc_seterr(err, errlen, TC_ERR_IO,
				    "keys/%s: %s", de->d_name, strerror(errno));
			continue;
		}
		if (S_ISLNK(st.st_mode))
			r = tc_seterr(err, errlen, TC_ERR_PERM,
			    "keys/%s is a symbolic link; refused", de->d_name);
		else if (S_ISREG(st.st_mode))
			r = secret_mode_ok(st.st_mode, de->d_name, err, errlen);
	}
	closedir(d);
	return r;
}

int
tc_keystore_open(
    struct tc_keystore **out, const char *home, char *err, size_t errlen)
{
	struct tc_keystore *ks = NULL;
	struct tc_buf b;
	uint8_t ca_fpr[TC_TRUST_FPR_LEN];
	uint8_t(*fprs)[TC_TRUST_FPR_LEN] = NULL;
	size_t i;
	int r = TC_ERR_INTERNAL;

	tc_buf_init(&b, MAX_JSON_FILE);
	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if ((ks = calloc(1, sizeof(*ks))) == NULL ||
	    (fprs = calloc(TC_KEYSTORE_MAX_SIGNERS, sizeof(*fprs))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	if ((r = keys_dir(ks->dir, sizeof(ks->dir), home, err, errlen)) != 0 ||
	    (r = check_dir(ks->dir, err, errlen)) != 0 ||
	    (r = check_secret_modes(ks->dir, err, errlen)) != 0 ||
	    (r = read_file(
		 ks->dir, KEYS_JSON, MAX_JSON_FILE, &b, err, errlen)) != 0 ||
	    (r = parse_manifest(ks, &b, ca_fpr, fprs, err, errlen)) != 0 ||
	    (r = read_cert(ks, &ks->ca, CA_CRT, err, errlen)) != 0)
		goto out;
	if (memcmp(ca_fpr, ks->ca.info.fingerprint, sizeof(ca_fpr)) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s does not have the sha256 recorded in keys/%s",
		    CA_CRT, KEYS_JSON);
		goto out;
	}
	for (i = 0; i < ks->n; i++) {
		struct cert *c = &ks->signers[i];

		if ((r = read_cert(ks, c, c->info.cert_file, err, errlen)) != 0)
			goto out;
		if (memcmp(fprs[i], c->info.fingerprint, sizeof(fprs[i])) !=
		    0) {
			r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
			    "keys/%s does not have the sha256 recorded in keys/%s",
			    c->info.cert_file, KEYS_JSON);
			goto out;
		}
	}
	*out = ks;
	ks = NULL; /* transferred */
	r = 0;
out:
	tc_buf_release(&b);
	free(fprs);
	tc_keystore_free(ks);
	return r;
}

void
tc_keystore_free(struct tc_keystore *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	cert_release(&ks->ca);
	for (i = 0; i < ks->n; i++)
		cert_release(&ks->signers[i]);
	free(ks->signers);
	free(ks);
}

enum tc_keyalg
tc_keystore_alg(const struct tc_keystore *ks)
{
	return ks->alg;
}

time_t
tc_keystore_created(const struct tc_keystore *ks)
{
	return ks->created;
}

const char *
tc_keystore_dir(const struct tc_keystore *ks)
{
	return ks->dir;
}

void
tc_keystore_ca_info(
    const struct tc_keystore *ks, struct tc_keystore_cert_info *info)
{
	*info = ks->ca.info;
}

size_t
tc_keystore_signer_count(const struct tc_keystore *ks)
{
	return ks->n;
}

int
tc_keystore_signer_info(
    const struct tc_keystore *ks, size_t i, struct tc_keystore_cert_info *info)
{
	if (i >= ks->n)
		return TC_ERR_RANGE;
	*info = ks->signers[i].info;
	return 0;
}

int
tc_keystore_has_file(const struct tc_keystore *ks, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (name == NULL || strchr(name, '/') != NULL ||
	    tc_path_join(path, sizeof(path), ks->dir, name) != 0)
		return 0;
	return lstat(path, &st) == 0;
}

/*
 * Secrets.
 */
static int
write_secret(const char *dir, enum tc_secret which, char *err, size_t errlen)
{
	uint8_t key[SECRET_MAX];
	char text[2 * SECRET_MAX + 2];
	size_t n = secrets[which].size;
	int r;

	if (RAND_priv_bytes(key, (int)n) != 1)
		return tc_seterr(err, errlen, TC_ERR_CRYPTO,
		    "no random bytes for keys/%s", secrets[which].file);
	tc_hex_encode(key, n, text);
	text[2 * n] = '\n';
	r = write_file(dir, secrets[which].file, text, 2 * n + 1, err, errlen);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(text, sizeof(text));
	return r;
}

int
tc_keystore_secret(struct tc_keystore *ks, enum tc_secret which, uint8_t *out,
    size_t outlen, char *err, size_t errlen)
{
	struct tc_buf b;
	size_t n, len;
	int r;

	if (ks == NULL || out == NULL || !known_secret(which))
		return TC_ERR_INVALID_ARG;
	n = secrets[which].size;
	if (outlen != n) {
		OPENSSL_cleanse(out, outlen);
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "the %s is %zu bytes, not %zu", secrets[which].name, n,
		    outlen);
	}
	OPENSSL_cleanse(out, outlen);
	if ((r = read_file(ks->dir, secrets[which].file, MAX_SECRET_FILE, &b,
		 err, errlen)) != 0)
		return r;
	len = b.len;
	if (len > 0 && b.data[len - 1] == '\n')
		len--;
	if (tc_hex_decode((const char *)b.data, len, out, n, NULL) != 0) {
		OPENSSL_cleanse(out, outlen);
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: expected %zu hex digits (%zu bytes) and a newline",
		    secrets[which].file, 2 * n, n);
	}
	tc_buf_release(&b);
	return r;
}

/*
 * Signing keys.
 */
/*
 * The current signer of algorithm alg; for the store's own algorithm, when
 * it has none (a store whose signers are all of the other algorithm), the
 * first current signer of any algorithm.
 */
static int
current_index_alg(const struct tc_keystore *ks, enum tc_keyalg alg, size_t *i)
{
	for (*i = 0; *i < ks->n; (*i)++)
		if (ks->signers[*i].info.status == TC_SIGNER_CURRENT &&
		    ks->signers[*i].info.alg == alg)
			return 0;
	return TC_ERR_NOT_FOUND;
}

static int
current_index(const struct tc_keystore *ks, size_t *i)
{
	if (current_index_alg(ks, ks->alg, i) == 0)
		return 0;
	for (*i = 0; *i < ks->n; (*i)++)
		if (ks->signers[*i].info.status == TC_SIGNER_CURRENT)
			return 0;
	return TC_ERR_INTERNAL;
}

/* Reads the private key of c, which must match c's certificate. */
static int
read_cert_key(const struct tc_keystore *ks, const struct cert *c, X509 **xout,
    EVP_PKEY **kout, char *err, size_t errlen)
{
	X509 *x = NULL;
	int r;

	*kout = NULL;
	if ((r = cert_x509(c, &x)) != 0)
		return tc_seterr(
		    err, errlen, r, "keys/%s: cannot parse", c->info.cert_file);
	if ((r = read_private_key(ks, c->info.key_file, c->info.alg,
		 X509_get0_pubkey(x), kout, err, errlen)) != 0) {
		X509_free(x);
		return r;
	}
	if (xout != NULL)
		*xout = x;
	else
		X509_free(x);
	return 0;
}

/* The COSE key of signer i, to sign with. */
static int
signer_cose_key(struct tc_keystore *ks, size_t i, struct tc_cose_key **out,
    char *err, size_t errlen)
{
	EVP_PKEY *k = NULL;
	int r;

	if ((r = read_cert_key(ks, &ks->signers[i], NULL, &k, err, errlen)) !=
	    0)
		return r;
	r = tc_cose_key_new(
	    out, k, ks->signers[i].kid, TC_COSE_KID_LEN, err, errlen);
	EVP_PKEY_free(k);
	return r;
}

int
tc_keystore_signer(
    struct tc_keystore *ks, struct tc_cose_key **out, char *err, size_t errlen)
{
	size_t i;
	int r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (ks == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = current_index(ks, &i)) != 0)
		return r;
	return signer_cose_key(ks, i, out, err, errlen);
}

int
tc_keystore_signer_alg(struct tc_keystore *ks, int cose_alg,
    struct tc_cose_key **out, char *err, size_t errlen)
{
	enum tc_keyalg alg;
	size_t i;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (ks == NULL)
		return TC_ERR_INVALID_ARG;
	if (cose_alg == TC_COSE_ALG_ES256)
		alg = TC_KEYALG_ES256;
	else if (cose_alg == TC_COSE_ALG_SM2_SM3)
		alg = TC_KEYALG_SM2;
	else
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED_ALG,
		    "COSE alg %d is neither ES256 nor SM2", cose_alg);
	if (current_index_alg(ks, alg, &i) != 0)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "the key store has no current %s signer; run `tcard-keys add-signer --alg %s`",
		    tc_keyalg_name(alg),
		    alg == TC_KEYALG_SM2 ? "sm2" : "es256");
	return signer_cose_key(ks, i, out, err, errlen);
}

int
tc_keystore_has_signer(const struct tc_keystore *ks, enum tc_keyalg alg)
{
	size_t i;

	return ks != NULL && current_index_alg(ks, alg, &i) == 0;
}

/* Fails unless c's certificate is valid at now. */
static int
valid_at(const struct cert *c, const char *what, time_t now, char *err,
    size_t errlen)
{
	char when[32];

	if (now < c->info.not_before) {
		iso_time(c->info.not_before, when, sizeof(when));
		return tc_seterr(err, errlen, TC_ERR_NOT_YET_VALID,
		    "%s %s is not valid before %s", what, c->info.kid, when);
	}
	if (now > c->info.not_after) {
		iso_time(c->info.not_after, when, sizeof(when));
		return tc_seterr(err, errlen, TC_ERR_EXPIRED,
		    "%s %s expired on %s", what, c->info.kid, when);
	}
	return 0;
}

/*
 * Adds a current signer of algorithm alg. When rotate is nonzero the
 * current signer of alg must exist and is retired; otherwise there must be
 * none (TC_ERR_EXISTS).
 */
static int
add_signer(struct tc_keystore *ks, enum tc_keyalg alg, int rotate, time_t now,
    char *err, size_t errlen)
{
	struct cert *grown, nc;
	EVP_PKEY *cakey = NULL;
	X509 *ca = NULL;
	size_t i, cur = 0;
	int have;
	mode_t old;
	int r;

	if (ks == NULL || now < 0 ||
	    (alg != TC_KEYALG_ES256 && alg != TC_KEYALG_SM2))
		return TC_ERR_INVALID_ARG;
	have = current_index_alg(ks, alg, &cur) == 0;
	if (rotate && !have)
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no current %s signer to rotate; run `tcard-keys add-signer --alg %s`",
		    tc_keyalg_name(alg),
		    alg == TC_KEYALG_SM2 ? "sm2" : "es256");
	if (!rotate && have)
		return tc_seterr(err, errlen, TC_ERR_EXISTS,
		    "the store already has a current %s signer (%s); use `tcard-keys rotate-signer --alg %s` to replace it",
		    tc_keyalg_name(alg), ks->signers[cur].info.kid,
		    alg == TC_KEYALG_SM2 ? "sm2" : "es256");
	if (ks->n >= TC_KEYSTORE_MAX_SIGNERS)
		return tc_seterr(err, errlen, TC_ERR_TOO_LARGE,
		    "already %zu signers, the most a store keeps", ks->n);
	if ((r = valid_at(&ks->ca, "the CA", now, err, errlen)) != 0)
		return r;
	old = umask(077);
	memset(&nc, 0, sizeof(nc));
	if ((r = read_cert_key(ks, &ks->ca, &ca, &cakey, err, errlen)) != 0)
		goto out;
	if ((grown = realloc(
		 ks->signers, (ks->n + 1) * sizeof(*ks->signers))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	ks->signers = grown;
	if ((r = new_signer(ks, alg, ca, cakey, ks->ca.kid,
		 ks->ca.info.not_after, now, &nc, err, errlen)) != 0)
		goto out;
	for (i = 0; i < ks->n; i++)
		if (memcmp(ks->signers[i].kid, nc.kid, sizeof(nc.kid)) == 0) {
			r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
			    "the new signer's kid %s is already in the store",
			    nc.info.kid);
			goto out;
		}
	/* Commit: keys.json names the new signer current. */
	if (have)
		ks->signers[cur].info.status = TC_SIGNER_RETIRED;
	ks->signers[ks->n++] = nc;
	if ((r = write_manifest(ks, err, errlen)) != 0) {
		ks->n--;
		if (have)
			ks->signers[cur].info.status = TC_SIGNER_CURRENT;
		goto out;
	}
	memset(&nc, 0, sizeof(nc)); /* owned by ks */
	r = 0;
out:
	cert_release(&nc);
	umask(old);
	EVP_PKEY_free(cakey);
	X509_free(ca);
	return r;
}

int
tc_keystore_rotate_signer(
    struct tc_keystore *ks, time_t now, char *err, size_t errlen)
{
	if (ks == NULL)
		return TC_ERR_INVALID_ARG;
	return add_signer(ks, ks->alg, 1, now, err, errlen);
}

int
tc_keystore_rotate_signer_alg(struct tc_keystore *ks, enum tc_keyalg alg,
    time_t now, char *err, size_t errlen)
{
	return add_signer(ks, alg, 1, now, err, errlen);
}

int
tc_keystore_add_signer(struct tc_keystore *ks, enum tc_keyalg alg, time_t now,
    char *err, size_t errlen)
{
	return add_signer(ks, alg, 0, now, err, errlen);
}

int
tc_keystore_export_trust(struct tc_keystore *ks, time_t now, struct tc_buf *out,
    char *err, size_t errlen)
{
	struct tc_trust_entry *ent = NULL;
	struct tc_cose_key *ck = NULL;
	struct tc_trust *t = NULL;
	struct tc_buf payload, signed_list;
	EVP_PKEY *cakey = NULL;
	char msg[256];
	size_t i, n = 0, cur;
	int r;

	tc_buf_init(&payload, TC_TRUST_MAX_INPUT);
	tc_buf_init(&signed_list, TC_COSE_MAX_INPUT);
	if (ks == NULL || out == NULL || now < 0)
		return TC_ERR_INVALID_ARG;
	if ((r = current_index(ks, &cur)) != 0 ||
	    (r = valid_at(&ks->ca, "the CA", now, err, errlen)) != 0)
		return r;
	for (i = 0; i < ks->n; i++)
		if (ks->signers[i].info.status == TC_SIGNER_CURRENT &&
		    (r = valid_at(&ks->signers[i], "the current signer", now,
			 err, errlen)) != 0)
			return r;
	if ((ent = calloc(ks->n, sizeof(*ent))) == NULL)
		return TC_ERR_NOMEM;
	for (i = 0; i < ks->n; i++) {
		const struct cert *c = &ks->signers[i];

		/* A verifier refuses a list holding an expired certificate. */
		if (valid_at(c, "signer", now, NULL, 0) != 0)
			continue;
		memcpy(ent[n].kid, c->kid, sizeof(c->kid));
		ent[n].alg = c->info.cose_alg;
		ent[n].cert = c->der;
		ent[n].certlen = c->derlen;
		ent[n].status = c->info.status;
		n++;
	}
	if ((r = read_cert_key(ks, &ks->ca, NULL, &cakey, err, errlen)) != 0 ||
	    (r = tc_cose_key_new(
		 &ck, cakey, ks->ca.kid, TC_COSE_KID_LEN, err, errlen)) != 0)
		goto out;
	if ((r = tc_trust_encode(
		 &payload, now, ks->ca.der, ks->ca.derlen, ent, n)) != 0) {
		r = tc_seterr(err, errlen, r,
		    "cannot encode the trust list (%zu signers)", n);
		goto out;
	}
	if ((r = tc_cose_sign1_create(&signed_list, ck, payload.data,
		 payload.len, err, errlen)) != 0) {
		if (r == TC_ERR_TOO_LARGE)
			r = tc_seterr(err, errlen, r,
			    "the trust list of %zu signers does not fit in %d bytes",
			    n, TC_COSE_MAX_INPUT);
		goto out;
	}
	if ((r = tc_trust_load(&t, signed_list.data, signed_list.len,
		 ks->ca.info.fingerprint, now, msg, sizeof(msg))) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "self-check of the trust list failed: %s", msg);
		goto out;
	}
	r = tc_buf_put(out, signed_list.data, signed_list.len);
out:
	tc_trust_free(t);
	tc_cose_key_free(ck);
	EVP_PKEY_free(cakey);
	tc_buf_release(&payload);
	tc_buf_release(&signed_list);
	free(ent);
	return r;
}

int
tc_keystore_export_pem(
    struct tc_keystore *ks, struct tc_buf *out, char *err, size_t errlen)
{
	char na[32], *p;
	size_t i, start;
	BIO *bio = NULL;
	X509 *x = NULL;
	long n;
	int r = TC_ERR_INTERNAL;

	if (ks == NULL || out == NULL)
		return TC_ERR_INVALID_ARG;
	start = out->len;
	for (i = 0; i < ks->n; i++) {
		const struct cert *c = &ks->signers[i];

		iso_time(c->info.not_after, na, sizeof(na));
		if ((r = tc_buf_printf(out,
			 "# talentcard credential signer kid %s alg %s status %s not-after %s\n",
			 c->info.kid, tc_keyalg_name(c->info.alg),
			 c->info.status == TC_SIGNER_CURRENT ? "current"
							     : "retired",
			 na)) != 0)
			goto out;
		if ((r = cert_x509(c, &x)) != 0 ||
		    (bio = BIO_new(BIO_s_mem())) == NULL ||
		    PEM_write_bio_X509(bio, x) != 1 ||
		    (n = BIO_get_mem_data(bio, &p)) <= 0) {
			ERR_clear_error();
			r = tc_seterr(err, errlen, TC_ERR_CRYPTO,
			    "keys/%s: cannot encode", c->info.cert_file);
			goto out;
		}
		if ((r = tc_buf_put(out, p, (size_t)n)) != 0)
			goto out;
		BIO_free(bio);
		bio = NULL;
		X509_free(x);
		x = NULL;
	}
	r = 0;
out:
	BIO_free(bio);
	X509_free(x);
	if (r != 0)
		tc_buf_truncate(out, start);
	return r;
}

/*
 * Creating.
 */

/* Makes dir mode 0700 unless it exists; it must then be a directory. */
static int
ensure_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return tc_seterr(err, errlen,
		    errno == EACCES ? TC_ERR_PERM : TC_ERR_IO,
		    "cannot make %s: %s", dir, strerror(errno));
	if (stat(dir, &st) != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_IO, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return tc_seterr(
		    err, errlen, TC_ERR_PERM, "%s is not a directory", dir);
	return 0;
}

static int
is_signer_file(const char *name)
{
	size_t n = strlen(name);

	return strncmp(name, "signer-", 7) == 0 && n > 11 &&
	    (strcmp(name + n - 4, ".key") == 0 ||
		strcmp(name + n - 4, ".crt") == 0);
}

/*
 * Names one file that makes dir a key store (into found), or returns 0
 * when there is none.
 */
static int
holds_keys(const char *dir, char *found, size_t len)
{
	static const char *const fixed[] = { KEYS_JSON, CA_KEY, CA_CRT,
		"pepper.key", "data.key", "master.key" };
	char path[PATH_MAX];
	struct stat st;
	struct dirent *e;
	DIR *d;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (tc_path_join(path, sizeof(path), dir, fixed[i]) == 0 &&
		    lstat(path, &st) == 0) {
			snprintf(found, len, "%s", fixed[i]);
			return 1;
		}
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (is_signer_file(e->d_name)) {
			snprintf(found, len, "%s", e->d_name);
			closedir(d);
			return 1;
		}
	closedir(d);
	return 0;
}

/* After a forced create: deletes signer files that are not the new one's. */
static void
remove_stale(const struct tc_keystore *ks)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	size_t i;
	int keep;

	if ((d = opendir(ks->dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!is_signer_file(e->d_name))
			continue;
		for (keep = 0, i = 0; i < ks->n && !keep; i++)
			keep = strcmp(e->d_name,
				   ks->signers[i].info.key_file) == 0 ||
			    strcmp(e->d_name, ks->signers[i].info.cert_file) ==
				0;
		if (keep)
			continue;
		if (tc_path_join(path, sizeof(path), ks->dir, e->d_name) == 0)
			unlink(path);
	}
	closedir(d);
	/* A new authority: its stations get certificates of a new CA. */
	if (tc_path_join(path, sizeof(path), ks->dir, STATION_CA_KEY) == 0)
		unlink(path);
	if (tc_path_join(path, sizeof(path), ks->dir, STATION_CA_CRT) == 0)
		unlink(path);
}

static int
create_keys(struct tc_keystore *ks, time_t now, char *err, size_t errlen)
{
	EVP_PKEY *cakey = NULL;
	X509 *ca = NULL;
	char cn[80];
	time_t na;
	int r = TC_ERR_INTERNAL, w;

	ks->ca.info.alg = ks->alg;
	ks->ca.info.cose_alg = cose_alg_of(ks->alg);
	ks->ca.info.status = TC_SIGNER_CURRENT;
	ks->ca.info.created = now;
	snprintf(ks->ca.info.key_file, sizeof(ks->ca.info.key_file), CA_KEY);
	snprintf(ks->ca.info.cert_file, sizeof(ks->ca.info.cert_file), CA_CRT);
	if ((cakey = keygen(ks->alg)) == NULL) {
		ERR_clear_error();
		return tc_seterr(err, errlen, TC_ERR_CRYPTO,
		    "cannot generate an %s key", tc_keyalg_name(ks->alg));
	}
	if ((r = tc_cose_kid_of_pkey(cakey, ks->ca.kid)) != 0)
		goto out;
	tc_hex_encode(ks->ca.kid, sizeof(ks->ca.kid), ks->ca.info.kid);
	if ((na = add_years(now, TC_KEYSTORE_CA_YEARS)) == (time_t)-1) {
		r = TC_ERR_RANGE;
		goto out;
	}
	snprintf(cn, sizeof(cn), "talentcard issuer CA %s", ks->ca.info.kid);
	if ((r = make_cert(&ca, ks->alg, cakey, ks->ca.kid, cn, NULL, cakey,
		 ks->ca.kid, 1, now - TC_KEYSTORE_BACKDATE, na)) != 0) {
		r = tc_seterr(err, errlen, r, "cannot make the CA certificate");
		goto out;
	}
	if (tc_trust_cert_verify(ca, cakey) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_INTERNAL,
		    "self-check: the CA certificate does not verify");
		goto out;
	}
	if ((r = cert_fill(&ks->ca, ca, CA_CRT, err, errlen)) != 0 ||
	    (r = write_private_key(ks->dir, CA_KEY, cakey, err, errlen)) != 0 ||
	    (r = write_cert(ks->dir, CA_CRT, ca, err, errlen)) != 0)
		goto out;
	if ((ks->signers = calloc(2, sizeof(*ks->signers))) == NULL) {
		r = TC_ERR_NOMEM;
		goto out;
	}
	/* The CA's algorithm first, then the other one. */
	if ((r = new_signer(ks, ks->alg, ca, cakey, ks->ca.kid,
		 ks->ca.info.not_after, now, &ks->signers[0], err, errlen)) !=
	    0)
		goto out;
	ks->n = 1;
	if ((r = new_signer(ks,
		 ks->alg == TC_KEYALG_SM2 ? TC_KEYALG_ES256 : TC_KEYALG_SM2, ca,
		 cakey, ks->ca.kid, ks->ca.info.not_after, now, &ks->signers[1],
		 err, errlen)) != 0)
		goto out;
	ks->n = 2;
	for (w = 0; w < TC_SECRET_COUNT; w++)
		if ((r = write_secret(
			 ks->dir, (enum tc_secret)w, err, errlen)) != 0)
			goto out;
	r = write_manifest(ks, err, errlen);
out:
	EVP_PKEY_free(cakey);
	X509_free(ca);
	return r;
}

int
tc_keystore_create(const char *home, enum tc_keyalg alg, int force, time_t now,
    char *err, size_t errlen)
{
	struct tc_keystore *ks = NULL;
	char found[NAME_MAX + 1], path[PATH_MAX];
	mode_t old;
	int r = TC_ERR_INTERNAL;

	if (home == NULL || *home == '\0' || now < 0 ||
	    (alg != TC_KEYALG_ES256 && alg != TC_KEYALG_SM2))
		return TC_ERR_INVALID_ARG;
	if ((ks = calloc(1, sizeof(*ks))) == NULL)
		return TC_ERR_NOMEM;
	ks->alg = alg;
	ks->created = now;
	old = umask(077);
	if ((r = keys_dir(ks->dir, sizeof(ks->dir), home, err, errlen)) != 0 ||
	    (r = ensure_dir(home, err, errlen)) != 0 ||
	    (r = ensure_dir(ks->dir, err, errlen)) != 0)
		goto out;
	if (holds_keys(ks->dir, found, sizeof(found))) {
		if (!force) {
			r = tc_seterr(err, errlen, TC_ERR_EXISTS,
			    "%s already holds keys (%s); refusing to replace them",
			    ks->dir, found);
			goto out;
		}
		if (tc_path_join(path, sizeof(path), ks->dir, KEYS_JSON) == 0 &&
		    unlink(path) != 0 && errno != ENOENT) {
			r = tc_seterr(err, errlen, TC_ERR_IO, "keys/%s: %s",
			    KEYS_JSON, strerror(errno));
			goto out;
		}
	}
	if (chmod(ks->dir, 0700) != 0) {
		r = tc_seterr(err, errlen, TC_ERR_PERM, "chmod 700 %s: %s",
		    ks->dir, strerror(errno));
		goto out;
	}
	if ((r = create_keys(ks, now, err, errlen)) != 0)
		goto out;
	if (force)
		remove_stale(ks);
	r = 0;
out:
	umask(old);
	tc_keystore_free(ks);
	return r;
}

int
tc_keystore_card_cert(struct tc_keystore *ks, EVP_PKEY *pub,
    const char *card_no, time_t now, time_t not_after, struct tc_buf *der,
    char *err, size_t errlen)
{
	const struct cert *issuer;
	EVP_PKEY *ikey = NULL;
	X509 *ix = NULL, *x = NULL;
	uint8_t skid[TC_COSE_KID_LEN];
	unsigned char *p = NULL;
	char cn[64];
	size_t i;
	int n, r;

	if (ks == NULL || pub == NULL || card_no == NULL || der == NULL ||
	    not_after <= now)
		return TC_ERR_INVALID_ARG;
	if (tc_keystore_has_file(ks, CA_KEY))
		issuer = &ks->ca;
	else if (current_index(ks, &i) == 0)
		issuer = &ks->signers[i];
	else
		return tc_seterr(err, errlen, TC_ERR_NOT_FOUND,
		    "no ca.key and no current signer to certify a card key");
	if ((r = tc_cose_kid_of_pkey(pub, skid)) != 0 ||
	    (r = read_cert_key(ks, issuer, &ix, &ikey, err, errlen)) != 0)
		goto out;
	snprintf(cn, sizeof(cn), "talentcard card %.16s", card_no);
	if ((r = make_cert(&x, issuer->info.alg, pub, skid, cn, ix, ikey,
		 issuer->kid, 0, now - TC_KEYSTORE_BACKDATE, not_after)) != 0) {
		r = tc_seterr(err, errlen, r,
		    "cannot issue the certificate of card %s", card_no);
		goto out;
	}
	if ((n = i2d_X509(x, &p)) <= 0) {
		r = TC_ERR_CRYPTO;
		goto out;
	}
	r = tc_buf_put(der, p, (size_t)n);
out:
	OPENSSL_free(p);
	X509_free(x);
	X509_free(ix);
	EVP_PKEY_free(ikey);
	ERR_clear_error();
	return r;
}

/* Stations (docs/station.md, "Trust"). */

int
tc_keystore_station_name_ok(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; name[i] != '\0'; i++)
		if (i >= TC_KEYSTORE_STATION_NAME_MAX ||
		    !((name[i] >= 'A' && name[i] <= 'Z') ||
			(name[i] >= 'a' && name[i] <= 'z') ||
			(name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
			name[i] == '.'))
			return 0;
	return i > 0;
}

/* Appends k (a private key) or else x as PEM to out. */
static int
pem_append(EVP_PKEY *k, X509 *x, struct tc_buf *out)
{
	BIO *bio;
	char *p = NULL;
	long n;
	int ok, r;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return TC_ERR_NOMEM;
	ok = k != NULL
	    ? PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)
	    : PEM_write_bio_X509(bio, x);
	n = ok == 1 ? BIO_get_mem_data(bio, &p) : 0;
	r = n > 0 ? tc_buf_put(out, p, (size_t)n) : TC_ERR_CRYPTO;
	if (n > 0)
		OPENSSL_cleanse(p, (size_t)n);
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

/* Reads the certificate file name of the store. */
static int
read_x509(const struct tc_keystore *ks, const char *name, X509 **out, char *err,
    size_t errlen)
{
	struct tc_buf b;
	BIO *bio = NULL;
	int r;

	if ((r = read_file(ks->dir, name, MAX_PEM_FILE, &b, err, errlen)) != 0)
		return r;
	if ((bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL)
		r = TC_ERR_NOMEM;
	else if ((*out = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL)
		r = tc_seterr(err, errlen, TC_ERR_KEY_FORMAT,
		    "keys/%s: not a PEM certificate", name);
	BIO_free(bio);
	tc_buf_release(&b);
	ERR_clear_error();
	return r;
}

/*
 * The station CA: read from the store, or made on first use (P-256, valid
 * TC_KEYSTORE_CA_YEARS).
 */
static int
station_ca(struct tc_keystore *ks, time_t now, X509 **x, EVP_PKEY **k,
    char *err, size_t errlen)
{
	uint8_t kid[TC_COSE_KID_LEN];
	int r;

	*x = NULL;
	*k = NULL;
	if (tc_keystore_has_file(ks, STATION_CA_KEY)) {
		if ((r = read_x509(ks, STATION_CA_CRT, x, err, errlen)) != 0)
			return r;
		return read_private_key(ks, STATION_CA_KEY, TC_KEYALG_ES256,
		    X509_get0_pubkey(*x), k, err, errlen);
	}
	if ((*k = keygen(TC_KEYALG_ES256)) == NULL) {
		ERR_clear_error();
		return TC_ERR_CRYPTO;
	}
	if ((r = tc_cose_kid_of_pkey(*k, kid)) != 0 ||
	    (r = make_cert(x, TC_KEYALG_ES256, *k, kid, "talentcard station CA",
		 NULL, *k, kid, 1, now - TC_KEYSTORE_BACKDATE,
		 add_years(now, TC_KEYSTORE_CA_YEARS))) != 0)
		return r;
	if ((r = write_private_key(ks->dir, STATION_CA_KEY, *k, err, errlen)) !=
		0 ||
	    (r = write_cert(ks->dir, STATION_CA_CRT, *x, err, errlen)) != 0)
		return r;
	return 0;
}

int
tc_keystore_station_cert(struct tc_keystore *ks, const char *name, time_t now,
    int days, struct tc_buf *key_pem, struct tc_buf *cert_pem,
    struct tc_buf *ca_pem, char *err, size_t errlen)
{
	EVP_PKEY *cak = NULL, *sk = NULL;
	X509 *cax = NULL, *x = NULL;
	uint8_t cakid[TC_COSE_KID_LEN], skid[TC_COSE_KID_LEN];
	char cn[96];
	int r;

	if (ks == NULL || key_pem == NULL || cert_pem == NULL ||
	    ca_pem == NULL || days < 1 || days > TC_KEYSTORE_STATION_DAYS_MAX)
		return TC_ERR_INVALID_ARG;
	if (!tc_keystore_station_name_ok(name))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a station name is 1 to %d characters of A-Z, a-z, 0-9, '-' and '.'",
		    TC_KEYSTORE_STATION_NAME_MAX);
	if ((r = station_ca(ks, now, &cax, &cak, err, errlen)) != 0)
		goto out;
	if ((sk = keygen(TC_KEYALG_ES256)) == NULL) {
		r = TC_ERR_CRYPTO;
		goto out;
	}
	snprintf(cn, sizeof(cn), "talentcard station %s", name);
	if ((r = tc_cose_kid_of_pkey(cak, cakid)) != 0 ||
	    (r = tc_cose_kid_of_pkey(sk, skid)) != 0 ||
	    (r = make_cert(&x, TC_KEYALG_ES256, sk, skid, cn, cax, cak, cakid,
		 0, now - TC_KEYSTORE_BACKDATE, now + (time_t)days * 86400)) !=
		0)
		goto out;
	if ((r = pem_append(sk, NULL, key_pem)) != 0 ||
	    (r = pem_append(NULL, x, cert_pem)) != 0 ||
	    (r = pem_append(NULL, cax, ca_pem)) != 0)
		goto out;
out:
	if (r == TC_ERR_CRYPTO)
		r = tc_seterr(err, errlen, r,
		    "cannot issue the certificate of station %s", name);
	X509_free(x);
	X509_free(cax);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(cak);
	ERR_clear_error();
	return r;
}
