/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys init: makes a new key store in HOME/keys (src/keystore.c) and
 * says what it made, by file name, kid and fingerprint; never a secret.
 */
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "keys.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/keystore.h"

const char tc_keys_init_help[] =
    "NAME\n"
    "    tcard-keys init - make the keys of a new authority\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys init [--home DIR] [--alg es256|sm2] [--force] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Creates DIR/keys (mode 0700; DIR itself is made when missing) and in it,\n"
    "    every file mode 0600, written whole or not at all:\n"
    "      ca.key, ca.crt      the issuer CA: a new key and a self-signed X.509\n"
    "                          v3 CA certificate valid for 20 years\n"
    "      signer-KID.key/.crt the first credential signer, current, with a\n"
    "                          certificate issued by the CA valid for 6 years\n"
    "                          (it signs for about a year, then must still\n"
    "                          verify cards of up to 5 years)\n"
    "      master.key          card master key, AES-128 (16 random bytes, hex)\n"
    "      pepper.key          lookup pepper (32 random bytes, hex)\n"
    "      data.key            registry data key, AES-256 (32 random bytes, hex)\n"
    "      keys.json           the manifest: algorithm, CA fingerprint, signers\n"
    "    KID is the key id: the first 8 bytes of SHA-256 over the key's DER\n"
    "    SubjectPublicKeyInfo, in hex. The command prints what it made; it\n"
    "    never prints a private key or a secret.\n"
    "\n"
    "    init refuses when DIR/keys already holds keys. --force replaces the\n"
    "    whole store and deletes the old signer files: a registry made with\n"
    "    the old pepper and data key can then no longer be read, and cards\n"
    "    signed by the old signers no longer verify. Keep a backup.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR        the authority's home directory (default $TCARD_HOME)\n"
    "    --alg es256|sm2   ES256 (ECDSA P-256 with SHA-256, the default) or SM2\n"
    "                      (SM2 with SM3, GB/T 32918, COSE alg -65537)\n"
    "    --force           replace an existing key store\n"
    "    --json            print what was made as JSON\n"
    "    --help            show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 made; 1 keys exist (without --force); 2 usage error;\n"
    "    3 a directory or file cannot be made or written; 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the creation time (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys init --home /srv/tcard\n"
    "    tcard-keys init --home /srv/tcard --alg sm2\n";

static json_t *
cert_json(const struct tc_keystore_cert_info *c)
{
	char nb[32], na[32], fpr[2 * TC_TRUST_FPR_LEN + 1];

	tc_cli_utc(c->not_before, nb);
	tc_cli_utc(c->not_after, na);
	tc_hex_encode(c->fingerprint, sizeof(c->fingerprint), fpr);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kid", c->kid,
	    "key_file", c->key_file, "cert_file", c->cert_file, "not_before",
	    nb, "not_after", na, "sha256", fpr);
}

static int
print_json(const struct tc_keystore *ks)
{
	struct tc_keystore_cert_info ca, s;
	json_t *o, *sec;
	int w;

	tc_keystore_ca_info(ks, &ca);
	if (tc_keystore_signer_info(ks, 0, &s) != 0 ||
	    (sec = json_array()) == NULL)
		return -1;
	for (w = 0; w < TC_SECRET_COUNT; w++)
		json_array_append_new(
		    sec, tc_keys_secret_json(NULL, (enum tc_secret)w));
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "dir",
	    tc_keystore_dir(ks), "alg", tc_keyalg_name(tc_keystore_alg(ks)),
	    "ca", cert_json(&ca), "signer", cert_json(&s), "secrets", sec,
	    "manifest", "keys.json");
	return tc_cli_json_put(o);
}

static void
print_text(const struct tc_keystore *ks)
{
	static const char *const what[TC_SECRET_COUNT] = {
		[TC_SECRET_PEPPER] = "lookup pepper (HMAC key)",
		[TC_SECRET_DATA_KEY] = "registry data key (AES-256)",
		[TC_SECRET_MASTER_KEY] = "card master key (AES-128)",
	};
	struct tc_keystore_cert_info ca, s;
	char na[32], fpr[2 * TC_TRUST_FPR_LEN + 1];
	int w;

	tc_keystore_ca_info(ks, &ca);
	tc_keystore_signer_info(ks, 0, &s);
	printf("key store made in %s (%s)\n", tc_keystore_dir(ks),
	    tc_keyalg_name(tc_keystore_alg(ks)));
	tc_cli_utc(ca.not_after, na);
	tc_hex_encode(ca.fingerprint, sizeof(ca.fingerprint), fpr);
	printf("  ca.key, ca.crt       issuer CA, kid %s, valid until %s\n",
	    ca.kid, na);
	printf("                       certificate sha256 %s\n", fpr);
	tc_cli_utc(s.not_after, na);
	printf("  %s, .crt  credential signer (current), valid until %s\n",
	    s.key_file, na);
	for (w = 0; w < TC_SECRET_COUNT; w++)
		printf("  %-20s %s, %zu random bytes\n",
		    tc_secret_file((enum tc_secret)w), what[w],
		    tc_secret_size((enum tc_secret)w));
	printf("  keys.json            manifest\n");
	printf(
	    "Pin verifiers to the CA sha256 above. Keep ca.key offline; the issuing station\nneeds only the signer and the secrets.\n");
}

int
tc_keys_init_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	enum tc_keyalg alg = TC_KEYALG_ES256;
	const char *home_opt = a->home, *home, *v;
	char err[512] = "";
	int r, force, json = a->json, status;
	time_t now;

	if ((v = tc_args_get(a, "alg")) != NULL &&
	    tc_keyalg_parse(v, &alg) != 0)
		return tc_cli_usage("unknown algorithm '%s' (es256 or sm2)", v);
	force = tc_args_has(a, "force") > 0;
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((status = tc_cli_home_now(home_opt, &home, &now)) != TC_EXIT_OK)
		return status;
	if ((r = tc_keystore_create(home, alg, force, now, err, sizeof(err))) !=
	    0) {
		status = tc_keys_fail(r, NULL, err);
		if (r == TC_ERR_EXISTS)
			fprintf(stderr,
			    "Give --force to replace the whole store (read 'tcard-keys init --help' first).\n");
		return status;
	}
	if ((r = tc_keystore_open(&ks, home, err, sizeof(err))) != 0)
		return tc_keys_fail(r, "reopening the new store", err);
	if (json)
		status = print_json(ks) == 0
		    ? TC_EXIT_OK
		    : tc_keys_fail(TC_ERR_NOMEM, NULL, NULL);
	else {
		print_text(ks);
		status = TC_EXIT_OK;
	}
	tc_keystore_free(ks);
	return status;
}
