/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys rotate-signer: a new current credential signer issued by the
 * CA; the previous one is kept as retired so that the cards it signed keep
 * verifying (it stays in the trust list until its certificate ends).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "tcard/err.h"
#include "tcard/keystore.h"

const char tc_keys_rotate_signer_help[] =
    "NAME\n"
    "    tcard-keys rotate-signer - make a new current credential signer\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys rotate-signer [--alg es256|sm2] [--home DIR] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Makes a new signer key and a certificate for it issued by the CA\n"
    "    (valid for 6 years, never past the CA's end), writes\n"
    "    signer-KID.key and signer-KID.crt, and rewrites keys.json with the new\n"
    "    signer current and the previous one retired. A retired signer signs\n"
    "    nothing more but stays in the trust list, so the cards it signed keep\n"
    "    verifying until its certificate ends; export-trust leaves it out after\n"
    "    that. Needs ca.key: run it on the ceremony machine, then copy the new\n"
    "    signer files and keys.json to the issuing station and publish a new\n"
    "    trust list (export-trust) before the station signs with the new key.\n"
    "    Rotate about once a year. The store keeps one current signer per\n"
    "    algorithm; --alg names the one to rotate (default: the CA's).\n"
    "\n"
    "OPTIONS\n"
    "    --alg ALG    es256 or sm2: rotate the current signer of that\n"
    "                 algorithm (default: the store's algorithm)\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --json       print {\"kid\", \"retired\", \"not_after\", \"key_file\",\n"
    "                 \"cert_file\"}\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 rotated; 1 refused (the CA has expired, or 64 signers already);\n"
    "    2 usage error; 3 no key store, no ca.key, or a missing, badly\n"
    "    protected or malformed file; 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the time of the rotation (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys rotate-signer --home /srv/tcard\n"
    "    tcard-keys export-trust --home /srv/tcard --out trust.cose\n";

int
tc_keys_rotate_signer_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	struct tc_keystore_cert_info old;
	const char *home_opt = a->home, *alg_opt;
	enum tc_keyalg alg;
	char err[512] = "";
	int r, json = a->json, status;
	size_t i;
	time_t now;

	alg_opt = tc_args_get(a, "alg");
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (alg_opt != NULL && tc_keyalg_parse(alg_opt, &alg) != 0)
		return tc_cli_usage(
		    "--alg: expected es256 or sm2, not '%s'", alg_opt);
	if ((status = tc_keys_open(home_opt, &ks, &now)) != TC_EXIT_OK)
		return status;
	if (alg_opt == NULL)
		alg = tc_keystore_alg(ks);
	memset(&old, 0, sizeof(old));
	for (i = 0; i < tc_keystore_signer_count(ks); i++) {
		tc_keystore_signer_info(ks, i, &old);
		if (old.status == TC_SIGNER_CURRENT && old.alg == alg)
			break;
	}
	r = tc_keystore_rotate_signer_alg(ks, alg, now, err, sizeof(err));
	status = tc_keys_signer_made(ks, r, err, json, old.kid);
	tc_keystore_free(ks);
	return status;
}
