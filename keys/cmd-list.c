/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys list: the CA and the signers of the key store with kid,
 * algorithm, status, validity and certificate fingerprint, and the secrets
 * by name and size only. Reads no private file.
 */
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "keys.h"
#include "tcard/err.h"
#include "tcard/hex.h"
#include "tcard/keystore.h"

const char tc_keys_list_help[] =
    "NAME\n"
    "    tcard-keys list - show the keys of the key store\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys list [--home DIR] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Shows the algorithm of the store, the issuer CA and every credential\n"
    "    signer (oldest first) with its kid, status (current: signs new\n"
    "    credentials; retired: verifies only), validity and the SHA-256\n"
    "    fingerprint of its certificate, and whether its private key file is\n"
    "    present (ca.key is normally absent from an issuing station: the CA\n"
    "    stays offline). A certificate already past its end is marked\n"
    "    'expired'. The secrets are listed by name, file and size; their\n"
    "    contents are never read. list checks the manifest and the\n"
    "    certificates as every command does, so it also tells whether the\n"
    "    store is sound.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --json       print one JSON object: dir, alg, cose_alg, created, ca,\n"
    "                 signers [kid, alg, cose_alg, status, created,\n"
    "                 not_before, not_after, expired, key_file, key_present,\n"
    "                 cert_file, sha256], secrets [name, file, bytes, present]\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 listed; 2 usage error; 3 no key store, or a missing, badly\n"
    "    protected or malformed file; 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the time against which 'expired' is decided (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys list --home /srv/tcard\n"
    "    tcard-keys list --json | python3 -m json.tool\n";

static json_t *
cert_json(const struct tc_keystore *ks, const struct tc_keystore_cert_info *c,
    int is_ca, time_t now)
{
	char cr[32], nb[32], na[32], fpr[2 * TC_TRUST_FPR_LEN + 1];
	json_t *o;

	tc_cli_utc(c->created, cr);
	tc_cli_utc(c->not_before, nb);
	tc_cli_utc(c->not_after, na);
	tc_hex_encode(c->fingerprint, sizeof(c->fingerprint), fpr);
	o = json_pack("{s:s, s:s, s:i}", "kid", c->kid, "alg",
	    tc_keyalg_name(c->alg), "cose_alg", c->cose_alg);
	if (o == NULL)
		return NULL;
	if (!is_ca)
		json_object_set_new(o, "status",
		    json_string(c->status == TC_SIGNER_CURRENT ? "current"
							       : "retired"));
	json_object_set_new(o, "created", json_string(cr));
	json_object_set_new(o, "not_before", json_string(nb));
	json_object_set_new(o, "not_after", json_string(na));
	json_object_set_new(o, "expired", json_boolean(now > c->not_after));
	json_object_set_new(o, "key_file", json_string(c->key_file));
	json_object_set_new(o, "key_present",
	    json_boolean(tc_keystore_has_file(ks, c->key_file)));
	json_object_set_new(o, "cert_file", json_string(c->cert_file));
	json_object_set_new(o, "sha256", json_string(fpr));
	return o;
}

static int
list_json(const struct tc_keystore *ks, time_t now)
{
	struct tc_keystore_cert_info ca, s;
	json_t *o, *arr, *sec;
	char cr[32];
	size_t i;
	int w;

	tc_keystore_ca_info(ks, &ca);
	tc_cli_utc(tc_keystore_created(ks), cr);
	if ((arr = json_array()) == NULL || (sec = json_array()) == NULL) {
		json_decref(arr);
		return -1;
	}
	for (i = 0; i < tc_keystore_signer_count(ks); i++) {
		tc_keystore_signer_info(ks, i, &s);
		json_array_append_new(arr, cert_json(ks, &s, 0, now));
	}
	for (w = 0; w < TC_SECRET_COUNT; w++)
		json_array_append_new(
		    sec, tc_keys_secret_json(ks, (enum tc_secret)w));
	o = json_pack("{s:s, s:s, s:i, s:s, s:o, s:o, s:o}", "dir",
	    tc_keystore_dir(ks), "alg", tc_keyalg_name(tc_keystore_alg(ks)),
	    "cose_alg", ca.cose_alg, "created", cr, "ca",
	    cert_json(ks, &ca, 1, now), "signers", arr, "secrets", sec);
	return tc_cli_json_put(o);
}

static void
print_cert(const struct tc_keystore *ks, const struct tc_keystore_cert_info *c,
    const char *label, time_t now)
{
	char nb[32], na[32], fpr[2 * TC_TRUST_FPR_LEN + 1];

	tc_cli_utc(c->not_before, nb);
	tc_cli_utc(c->not_after, na);
	tc_hex_encode(c->fingerprint, sizeof(c->fingerprint), fpr);
	printf("  %-8s kid %s  %s%s\n", label, c->kid, tc_keyalg_name(c->alg),
	    now > c->not_after ? "  EXPIRED" : "");
	printf("           valid %s .. %s\n", nb, na);
	printf("           sha256 %s\n", fpr);
	printf("           %s %s, %s\n", c->key_file,
	    tc_keystore_has_file(ks, c->key_file) ? "present" : "absent",
	    c->cert_file);
}

static void
list_text(const struct tc_keystore *ks, time_t now)
{
	struct tc_keystore_cert_info ca, s;
	char cr[32];
	size_t i;
	int w;

	tc_keystore_ca_info(ks, &ca);
	tc_cli_utc(tc_keystore_created(ks), cr);
	printf("key store %s\n", tc_keystore_dir(ks));
	printf("algorithm %s (COSE %d), created %s\n",
	    tc_keyalg_name(tc_keystore_alg(ks)), ca.cose_alg, cr);
	printf("CA:\n");
	print_cert(ks, &ca, "issuer", now);
	printf("signers (oldest first):\n");
	for (i = 0; i < tc_keystore_signer_count(ks); i++) {
		tc_keystore_signer_info(ks, i, &s);
		print_cert(ks, &s,
		    s.status == TC_SIGNER_CURRENT ? "current" : "retired", now);
	}
	printf("secrets:\n");
	for (w = 0; w < TC_SECRET_COUNT; w++) {
		const char *file = tc_secret_file((enum tc_secret)w);

		printf("  %-11s %-11s %2zu bytes  %s\n",
		    tc_secret_name((enum tc_secret)w), file,
		    tc_secret_size((enum tc_secret)w),
		    tc_keystore_has_file(ks, file) ? "present" : "absent");
	}
}

int
tc_keys_list_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	const char *home_opt = a->home;
	int json = a->json, status;
	time_t now;

	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((status = tc_keys_open(home_opt, &ks, &now)) != TC_EXIT_OK)
		return status;
	if (json) {
		if (list_json(ks, now) != 0)
			status = tc_keys_fail(TC_ERR_NOMEM, NULL, NULL);
	} else
		list_text(ks, now);
	tc_keystore_free(ks);
	return status;
}
