/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys export-trust: writes the signed trust list that verifiers load
 * (a COSE_Sign1 by the CA over the CA and signer certificates), or with
 * --pem the signer certificates as plain PEM for other tools.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli-io.h"
#include "keys.h"
#include "tcard/buf.h"
#include "tcard/err.h"
#include "tcard/keystore.h"

const char tc_keys_export_trust_help[] =
    "NAME\n"
    "    tcard-keys export-trust - write the signed trust list for verifiers\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys export-trust [--home DIR] [--pem] --out FILE|-\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes the trust list: a COSE_Sign1 signed by the CA (ca.key) whose\n"
    "    payload holds the CA certificate and every signer whose certificate is\n"
    "    valid now, each with its kid, COSE algorithm and status (current or\n"
    "    retired). Verifiers load it pinned to the SHA-256 of the CA\n"
    "    certificate (shown by 'tcard-keys list') and accept credentials\n"
    "    signed by any signer in it. The format is in docs/keys.md.\n"
    "    The list is loaded back and checked before it is written. Publish a\n"
    "    new one after every rotate-signer, and at least once a year.\n"
    "\n"
    "    With --pem, writes instead every signer certificate in PEM, each\n"
    "    preceded by a comment line '# talentcard credential signer kid KID\n"
    "    alg ALG status STATUS not-after TIME', for tools such as openssl; it\n"
    "    needs no private key. The CA certificate is keys/ca.crt.\n"
    "\n"
    "    FILE is written whole or not at all (a temporary file renamed into\n"
    "    place), mode 0644 less the umask. '-' writes to standard output; the\n"
    "    binary list is not written to a terminal.\n"
    "\n"
    "OPTIONS\n"
    "    --home DIR   the authority's home directory (default $TCARD_HOME)\n"
    "    --out FILE   where to write (required; '-' for standard output)\n"
    "    --pem        the signer certificates in PEM instead of the signed list\n"
    "    --help       show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 written; 1 refused (the CA or the current signer is not valid now:\n"
    "    rotate the signer); 2 usage error; 3 no key store, no ca.key, a\n"
    "    missing, badly protected or malformed file, or FILE cannot be\n"
    "    written; 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   the issue time of the list (test builds only)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-keys export-trust --home /srv/tcard --out /srv/www/trust.cose\n"
    "    tcard-keys export-trust --pem --out - | openssl x509 -noout -subject\n";

int
tc_keys_export_trust_run(const struct tc_args *a)
{
	struct tc_keystore *ks = NULL;
	struct tc_buf b;
	const char *home_opt = a->home, *out;
	char err[512] = "";
	int r, pem, status;
	time_t now;

	out = tc_args_get(a, "out");
	pem = tc_args_has(a, "pem") > 0;
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (out == NULL || *out == '\0')
		return tc_cli_usage(
		    "give --out FILE (or --out - for standard output)");
	if (strcmp(out, "-") == 0 && !pem && isatty(STDOUT_FILENO))
		return tc_cli_usage(
		    "the trust list is binary: not writing it to a terminal");
	if ((status = tc_keys_open(home_opt, &ks, &now)) != TC_EXIT_OK)
		return status;
	tc_buf_init(&b, 0);
	if (pem)
		r = tc_keystore_export_pem(ks, &b, err, sizeof(err));
	else
		r = tc_keystore_export_trust(ks, now, &b, err, sizeof(err));
	if (r != 0) {
		status = tc_keys_ca_fail(ks, r, err);
		goto out;
	}
	if (strcmp(out, "-") == 0) {
		if (fwrite(b.data, 1, b.len, stdout) != b.len ||
		    fflush(stdout) != 0) {
			fprintf(stderr,
			    "tcard-keys export-trust: standard output: %s\n",
			    strerror(errno));
			status = TC_EXIT_ENV;
		} else
			status = TC_EXIT_OK;
	} else if ((r = tc_cli_write_atomic_mode(
			out, 0644, b.data, b.len, err, sizeof(err))) != 0)
		status = tc_cli_fail(r, NULL, err);
	else
		status = TC_EXIT_OK;
out:
	tc_buf_release(&b);
	tc_keystore_free(ks);
	return status;
}
