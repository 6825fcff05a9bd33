/* SPDX-License-Identifier: MIT */
/*
 * The key store: the files under HOME/keys/ that tcard-keys makes and the
 * issuing station reads. It holds the issuer CA (ca.key, ca.crt: a
 * self-signed X.509 v3 CA certificate valid for 20 years), the credential
 * signers (signer-KID.key, signer-KID.crt: certificates issued by the CA,
 * valid for 6 years, one of them current), three symmetric secrets as hex
 * text (master.key: the AES-128 card master key; pepper.key: the 32-byte
 * lookup pepper; data.key: the AES-256 registry data key) and the manifest
 * keys.json. Keys are ES256 (EC P-256, ecdsa-with-SHA256) or SM2 (SM2 with
 * SM3 and the GB/T 32918 default ID). The CA has one algorithm, the
 * store's; signers may be of either (a certificate is signed with the CA's
 * algorithm whatever its key), with one current signer per algorithm that
 * the store holds signers of, so programmes signing with ES256 and with SM2
 * are issued from one store.
 *
 * The directory is made mode 0700 and every file mode 0600 under umask 077;
 * files are written to a temporary name, synced and renamed, so an
 * interrupted run never leaves half a file. A private file (ca.key, a
 * signer key, a secret) is opened with O_NOFOLLOW and refused when group or
 * others have any access to it (TC_ERR_PERM), as OpenSSH's sshkey_perm_ok
 * does; a public file is refused when group or others may write it, and so
 * is a keys directory they may write. Secrets and PEM text are wiped after
 * use. The key store is for one process at a time, and the functions that
 * write set the process umask while they run: do not call them from several
 * threads. Layout, rules and reasons: docs/keys.md.
 */
#ifndef TCARD_KEYSTORE_H
#define TCARD_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/buf.h"
#include "tcard/cose.h"
#include "tcard/trust.h"

enum tc_keyalg {
	TC_KEYALG_ES256 = 1, /* EC P-256, ECDSA with SHA-256 */
	TC_KEYALG_SM2 = 2,   /* SM2, SM2 with SM3 (GB/T 32918) */
};

enum tc_secret {
	TC_SECRET_PEPPER,     /* pepper.key: 32 bytes, lookup HMAC key */
	TC_SECRET_DATA_KEY,   /* data.key: 32 bytes, AES-256 registry key */
	TC_SECRET_MASTER_KEY, /* master.key: 16 bytes, AES-128 card master */
};
#define TC_SECRET_COUNT 3

#define TC_KEYSTORE_VERSION	 1    /* keys.json "version" */
#define TC_KEYSTORE_CA_YEARS	 20   /* CA certificate validity */
#define TC_KEYSTORE_SIGNER_YEARS 6    /* signer certificate validity */
#define TC_KEYSTORE_BACKDATE	 3600 /* notBefore is this many s early */
#define TC_KEYSTORE_MAX_SIGNERS	 TC_TRUST_MAX_SIGNERS
#define TC_KEYSTORE_KIDHEX_LEN	 (2 * TC_COSE_KID_LEN)

/* A certificate of the store, as tc_keystore_ca_info/_signer_info see it. */
struct tc_keystore_cert_info {
	char kid[TC_KEYSTORE_KIDHEX_LEN + 1]; /* lower-case hex */
	enum tc_keyalg alg;
	int cose_alg;		      /* TC_COSE_ALG_ES256 or _SM2_SM3 */
	enum tc_signer_status status; /* signers; the CA says current */
	time_t created;		      /* from keys.json */
	time_t not_before;	      /* from the certificate */
	time_t not_after;
	char key_file[48]; /* names inside HOME/keys */
	char cert_file[48];
	uint8_t fingerprint[TC_TRUST_FPR_LEN]; /* SHA-256 of the DER */
};

struct tc_keystore;

/* "ES256" or "SM2" ("?" for anything else). */
const char *tc_keyalg_name(enum tc_keyalg alg);

/*
 * Parses "es256" or "sm2" (any case) into *alg. Returns 0 or
 * TC_ERR_UNSUPPORTED_ALG.
 */
int tc_keyalg_parse(const char *s, enum tc_keyalg *alg /* OUT */);

/* The secret's size in bytes (32, 32, 16), or 0 for an unknown value. */
size_t tc_secret_size(enum tc_secret which);

/*
 * The secret's short name ("pepper", "data-key", "master-key") and file name
 * inside HOME/keys ("pepper.key", "data.key", "master.key"); NULL for an
 * unknown value.
 */
const char *tc_secret_name(enum tc_secret which);
const char *tc_secret_file(enum tc_secret which);

/*
 * Makes a new key store in HOME/keys: a CA of algorithm alg, a current
 * signer of each algorithm (alg's first, then the other one), the three
 * secrets and keys.json (written last), all dated now. HOME is created (mode
 * 0700) when it does not exist, but not its parents. When HOME/keys already
 * holds any key file or keys.json, refuses unless force is nonzero; with
 * force every file is replaced (keys.json is removed first, so an
 * interrupted forced run leaves a store that tc_keystore_open refuses
 * instead of a mix of old and new keys) and signer files of the old store
 * are deleted. Replacing the secrets makes an existing registry unreadable:
 * that is the caller's decision. Returns 0 or
 *   TC_ERR_INVALID_ARG  home NULL or empty, an unknown alg, now negative;
 *   TC_ERR_EXISTS       keys present and force is 0 (err names one file);
 *   TC_ERR_PERM         a directory is not one, or may not be written;
 *   TC_ERR_IO           creating, writing or renaming a file failed;
 *   TC_ERR_CRYPTO, TC_ERR_NOMEM, TC_ERR_INTERNAL (a self-check failed).
 */
int tc_keystore_create(const char *home, enum tc_keyalg alg, int force,
    time_t now, char *err, size_t errlen);

/*
 * Opens the key store in HOME/keys: reads keys.json and the certificates
 * (ca.crt and every signer's), checks that ca.crt has the fingerprint
 * recorded in keys.json and that each signer certificate holds the key of
 * its kid. Private keys and secrets are read only when asked for, so a
 * machine may hold a store without ca.key (the CA kept offline). On success
 * *out is the store, freed with tc_keystore_free(); on failure *out is NULL.
 * Returns 0 or
 *   TC_ERR_INVALID_ARG  NULL argument or empty home;
 *   TC_ERR_NOT_FOUND    HOME/keys, keys.json or a certificate is missing;
 *   TC_ERR_PERM         a file is a symbolic link or not a regular file, or
 *                       group or others may write a file or the directory;
 *   TC_ERR_MALFORMED    keys.json is not as described (err names the key,
 *                       e.g. "signers[1].kid");
 *   TC_ERR_UNSUPPORTED  keys.json has another version;
 *   TC_ERR_KEY_FORMAT   a certificate cannot be parsed or does not match
 *                       keys.json;
 *   TC_ERR_TOO_LARGE    a file over its size limit;
 *   TC_ERR_IO, TC_ERR_NOMEM, TC_ERR_CRYPTO.
 */
int tc_keystore_open(struct tc_keystore **out /* OUT */, const char *home,
    char *err, size_t errlen);

/* Frees ks (NULL is fine). */
void tc_keystore_free(struct tc_keystore *ks);

/* The store's algorithm and creation time (keys.json). */
enum tc_keyalg tc_keystore_alg(const struct tc_keystore *ks);
time_t tc_keystore_created(const struct tc_keystore *ks);

/* The keys directory, HOME/keys (owned by ks). */
const char *tc_keystore_dir(const struct tc_keystore *ks);

/* Fills *info about the CA certificate. */
void tc_keystore_ca_info(
    const struct tc_keystore *ks, struct tc_keystore_cert_info *info /* OUT */);

/* Number of signers in keys.json (at least 1). */
size_t tc_keystore_signer_count(const struct tc_keystore *ks);

/*
 * Fills *info about signer i, in keys.json order (oldest first). Returns 0
 * or TC_ERR_RANGE when i is not below tc_keystore_signer_count().
 */
int tc_keystore_signer_info(const struct tc_keystore *ks, size_t i,
    struct tc_keystore_cert_info *info /* OUT */);

/*
 * Whether the named file exists in HOME/keys (lstat only; its contents and
 * mode are checked when it is read): 1 or 0. For list output, e.g. to show
 * that ca.key is kept offline or that a secret is absent.
 */
int tc_keystore_has_file(const struct tc_keystore *ks, const char *name);

/*
 * Reads a secret into out, which must be exactly tc_secret_size(which)
 * bytes. Returns 0 or TC_ERR_INVALID_ARG (unknown which, wrong outlen),
 * TC_ERR_NOT_FOUND, TC_ERR_PERM (mode allows group or others any access,
 * a symbolic link, not a regular file), TC_ERR_KEY_FORMAT (not exactly the
 * hex digits of a secret of that size, with an optional final newline),
 * TC_ERR_IO. On failure out is zeroed. The caller wipes out after use.
 */
int tc_keystore_secret(struct tc_keystore *ks, enum tc_secret which,
    uint8_t *out /* OUT */, size_t outlen, char *err, size_t errlen);

/*
 * Loads the private key of the current signer of the store's algorithm
 * (or, when the store has none of it, of the other one) as a COSE key whose kid is the
 * signer's kid. The key must match the public key of its certificate. On
 * success *out is the key (private; the caller frees it with
 * tc_cose_key_free); on failure *out is NULL. Returns 0 or
 * TC_ERR_NOT_FOUND, TC_ERR_PERM, TC_ERR_KEY_FORMAT (not an unencrypted PEM
 * private key of the store's algorithm, or not the certificate's key),
 * TC_ERR_TOO_LARGE, TC_ERR_IO, TC_ERR_CRYPTO, TC_ERR_NOMEM.
 */
int tc_keystore_signer(struct tc_keystore *ks,
    struct tc_cose_key **out /* OUT */, char *err, size_t errlen);

/*
 * Loads the current signer of the COSE algorithm cose_alg (TC_COSE_ALG_ES256
 * or TC_COSE_ALG_SM2_SM3) as tc_keystore_signer does. Returns 0, the errors
 * of tc_keystore_signer, TC_ERR_UNSUPPORTED_ALG (another cose_alg) or
 * TC_ERR_NOT_FOUND when the store has no current signer of that algorithm
 * (err says to run `tcard-keys add-signer --alg sm2` or `--alg es256`).
 */
int tc_keystore_signer_alg(struct tc_keystore *ks, int cose_alg,
    struct tc_cose_key **out /* OUT */, char *err, size_t errlen);

/* 1 when the store has a current signer of algorithm alg, else 0. */
int tc_keystore_has_signer(const struct tc_keystore *ks, enum tc_keyalg alg);

/*
 * Adds a current signer of algorithm alg (key and certificate issued by the
 * CA, signed with the CA's algorithm, dated now) to a store that has no
 * current signer of alg, and rewrites keys.json. Needs ca.key. Returns 0,
 * TC_ERR_EXISTS (there is one: rotate it instead), TC_ERR_INVALID_ARG, or
 * the errors of tc_keystore_rotate_signer.
 */
int tc_keystore_add_signer(struct tc_keystore *ks, enum tc_keyalg alg,
    time_t now, char *err, size_t errlen);

/*
 * As tc_keystore_rotate_signer, for the current signer of algorithm alg;
 * TC_ERR_NOT_FOUND when there is none (err says to add one).
 */
int tc_keystore_rotate_signer_alg(struct tc_keystore *ks, enum tc_keyalg alg,
    time_t now, char *err, size_t errlen);

/*
 * Makes a new signer of the store's (the CA's) algorithm (key and
 * certificate issued by the CA, dated now),
 * makes it current and the previous current signer of that algorithm
 * retired, and rewrites
 * keys.json (the commit point: until it is renamed into place the store is
 * unchanged but for the two new files). Needs ca.key. ks is updated.
 * Returns 0 or TC_ERR_TOO_LARGE (already TC_KEYSTORE_MAX_SIGNERS signers),
 * TC_ERR_EXPIRED (the CA certificate is not valid at now), the errors of
 * reading a private key (for ca.key), TC_ERR_IO, TC_ERR_CRYPTO,
 * TC_ERR_NOMEM.
 */
int tc_keystore_rotate_signer(
    struct tc_keystore *ks, time_t now, char *err, size_t errlen);

/*
 * Appends the signed trust list (include/tcard/trust.h), issued at now and
 * signed with ca.key, to out. It lists every signer whose certificate is
 * valid at now; expired retired signers are left out (a verifier refuses a
 * list holding an expired certificate). Before returning, the list is loaded
 * back with tc_trust_load() pinned to the CA. On failure out is as it was.
 * Returns 0 or TC_ERR_EXPIRED / TC_ERR_NOT_YET_VALID (the CA or the current
 * signer is not valid at now: rotate the signer, or make a new CA),
 * TC_ERR_TOO_LARGE (the list does not fit TC_COSE_MAX_INPUT or out's cap),
 * the errors of reading ca.key, TC_ERR_CRYPTO, TC_ERR_NOMEM,
 * TC_ERR_INTERNAL (the self-check failed).
 */
int tc_keystore_export_trust(struct tc_keystore *ks, time_t now,
    struct tc_buf *out, char *err, size_t errlen);

/*
 * Appends every signer certificate in PEM, oldest first, each preceded by a
 * comment line "# talentcard credential signer kid KID alg ALG status
 * current|retired not-after YYYY-MM-DDTHH:MM:SSZ". Returns 0 or
 * TC_ERR_TOO_LARGE (out's cap), TC_ERR_CRYPTO, TC_ERR_NOMEM. On failure out
 * is as it was.
 */
int tc_keystore_export_pem(
    struct tc_keystore *ks, struct tc_buf *out, char *err, size_t errlen);

/*
 * Issues the X.509 v3 certificate of a card's key (pub, the public key of
 * a PIV card-authentication key) for card number card_no: subject CN
 * "talentcard card NUMBER", valid from now - TC_KEYSTORE_BACKDATE to
 * not_after, key usage digitalSignature, not a CA, issued and signed by
 * the CA when ca.key is on this machine, else by the current signer of the
 * store's algorithm (the CA kept offline; the chain is then card, signer,
 * CA). The DER is appended to der. Returns 0, TC_ERR_INVALID_ARG,
 * TC_ERR_NOT_FOUND (no ca.key and no current signer), the errors of
 * reading a private key, TC_ERR_CRYPTO, TC_ERR_NOMEM, TC_ERR_TOO_LARGE.
 */
int tc_keystore_card_cert(struct tc_keystore *ks, EVP_PKEY *pub,
    const char *card_no, time_t now, time_t not_after, struct tc_buf *der,
    char *err, size_t errlen);

#define TC_KEYSTORE_STATION_NAME_MAX 64	  /* characters of a station name */
#define TC_KEYSTORE_STATION_DAYS_MAX 3650 /* longest station certificate */

/* Whether name is a station name: 1..64 of A-Z a-z 0-9 '-' '.'. */
int tc_keystore_station_name_ok(const char *name);

/*
 * Issues the client TLS certificate of a branch station (tcard-station,
 * docs/station.md): a new P-256 key and its X.509 v3 certificate, subject
 * CN "talentcard station NAME", key usage digitalSignature, not a CA,
 * valid from now - TC_KEYSTORE_BACKDATE for days days (1..3650), issued by
 * the store's station CA, a P-256 CA of its own (station-ca.key and
 * station-ca.crt in the store, made on first use; tcard-issuerd trusts it
 * for the station routes only, never for anything else). The station's
 * key, its certificate and the station CA's certificate are appended as
 * PEM to key_pem, cert_pem and ca_pem. A forced tcard-keys init removes
 * the station CA with the rest. Returns 0, TC_ERR_INVALID_ARG (a bad name
 * or days), the errors of reading or writing a key file, TC_ERR_CRYPTO,
 * TC_ERR_NOMEM, TC_ERR_TOO_LARGE.
 */
int tc_keystore_station_cert(struct tc_keystore *ks, const char *name,
    time_t now, int days, struct tc_buf *key_pem, struct tc_buf *cert_pem,
    struct tc_buf *ca_pem, char *err, size_t errlen);

#endif
