/* SPDX-License-Identifier: MIT */
/*
 * tcard-keys entry point: the table of subcommands and the helpers they
 * share. The key ceremony is meant for an offline machine; see
 * docs/keys.md for the layout, the trust list and the advice.
 */
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "keys.h"
#include "tcard/err.h"
#include "tcard/keystore.h"

static const char help[] =
    "NAME\n"
    "    tcard-keys - make and rotate the keys of a talent card authority\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-keys COMMAND [--home DIR] [OPTIONS]\n"
    "    tcard-keys help COMMAND\n"
    "\n"
    "DESCRIPTION\n"
    "    Keeps the key store in DIR/keys under the authority's home directory,\n"
    "    given by --home DIR or $TCARD_HOME: the issuer CA (ca.key, ca.crt),\n"
    "    the credential signers (signer-KID.key, signer-KID.crt, one of them\n"
    "    current), the card master key (master.key), the lookup pepper\n"
    "    (pepper.key), the registry data key (data.key) and the manifest\n"
    "    keys.json. Private files are mode 0600 and are refused when group or\n"
    "    others may read them. Verifiers receive only the signed trust list\n"
    "    made by export-trust. Run the ceremony on an offline machine and keep\n"
    "    ca.key there.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 success; 1 refused (keys exist, expired certificates); 2 usage\n"
    "    error; 3 environment (missing, unreadable, badly protected or\n"
    "    malformed key files; I/O); 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME   default home directory\n"
    "    TCARD_NOW    injected clock, test builds only (BUILD/test-bin);\n"
    "                 installed programs ignore it and say so\n";

/*
 * The command table: a row a command, in the order of the command list,
 *   { name, summary, help page, common options (TC_CMD_*), options spec,
 *     options refused by name, argcheck, run }
 * (struct tc_cmd in common/cli.h). Each cmd-*.c file exports the run
 * functions and help pages of its commands (declared in keys.h).
 */
static const struct tc_cmd commands[] = {
	{ "init", "make a new key store (CA, signer, secrets)",
	    tc_keys_init_help, TC_CMD_HOME | TC_CMD_JSON, "alg= force", NULL,
	    NULL, tc_keys_init_run },
	{ "list", "show the CA, the signers and the secrets (not values)",
	    tc_keys_list_help, TC_CMD_HOME | TC_CMD_JSON, NULL, NULL, NULL,
	    tc_keys_list_run },
	{ "rotate-signer", "make a new current signer; the old one is retired",
	    tc_keys_rotate_signer_help, TC_CMD_HOME | TC_CMD_JSON, "alg=", NULL,
	    NULL, tc_keys_rotate_signer_run },
	{ "add-signer",
	    "add a current signer of another algorithm (es256, sm2)",
	    tc_keys_add_signer_help, TC_CMD_HOME | TC_CMD_JSON, "alg=", NULL,
	    NULL, tc_keys_add_signer_run },
	{ "export-trust", "write the signed trust list (or the signer PEM)",
	    tc_keys_export_trust_help, TC_CMD_HOME, "out= pem", NULL, NULL,
	    tc_keys_export_trust_run },
	{ "station-cert", "issue a branch station's client certificate",
	    tc_keys_station_cert_help, TC_CMD_HOME | TC_CMD_JSON,
	    "name= out= days=", NULL, NULL, tc_keys_station_cert_run },
	{ NULL },
};

int
tc_keys_fail(int code, const char *what, const char *msg)
{
	int status = tc_cli_fail(code, what, msg);

	switch (code) {
	case TC_ERR_NOT_FOUND:
	case TC_ERR_MALFORMED:
	case TC_ERR_KEY_FORMAT:
	case TC_ERR_UNSUPPORTED:
		return TC_EXIT_ENV;
	default:
		return status;
	}
}

int
tc_keys_ca_fail(struct tc_keystore *ks, int r, const char *err)
{
	int status = tc_keys_fail(r, NULL, err);

	if (r == TC_ERR_NOT_FOUND && !tc_keystore_has_file(ks, "ca.key"))
		fputs(
		    "The CA key is not on this machine: run this where the CA is kept.\n",
		    stderr);
	return status;
}

int
tc_keys_signer_made(struct tc_keystore *ks, int r, const char *err, int json,
    const char *retired)
{
	struct tc_keystore_cert_info s;
	char na[32];
	json_t *o;

	if (r != 0)
		return tc_keys_ca_fail(ks, r, err);
	tc_keystore_signer_info(ks, tc_keystore_signer_count(ks) - 1, &s);
	tc_cli_utc(s.not_after, na);
	if (json) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kid", s.kid,
		    retired != NULL ? "retired" : "alg",
		    retired != NULL ? retired : tc_keyalg_name(s.alg),
		    "not_after", na, "key_file", s.key_file, "cert_file",
		    s.cert_file);
		if (o == NULL)
			return tc_keys_fail(TC_ERR_NOMEM, NULL, NULL);
		tc_cli_print_json(stdout, o);
		json_decref(o);
		return TC_EXIT_OK;
	}
	printf("new current %s signer: kid %s, valid until %s\n",
	    tc_keyalg_name(s.alg), s.kid, na);
	printf("  written: %s, %s, keys.json\n", s.key_file, s.cert_file);
	if (retired != NULL)
		printf("retired signer: kid %s (verifies, no longer signs)\n",
		    retired);
	printf(
	    "Publish a new trust list (tcard-keys export-trust) before signing with the new key.\n");
	return TC_EXIT_OK;
}

json_t *
tc_keys_secret_json(const struct tc_keystore *ks, enum tc_secret w)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:i}", "name", tc_secret_name(w), "file",
	    tc_secret_file(w), "bytes", (int)tc_secret_size(w));
	if (o != NULL && ks != NULL)
		json_object_set_new(o, "present",
		    json_boolean(tc_keystore_has_file(ks, tc_secret_file(w))));
	return o;
}

int
tc_keys_open(const char *home_opt, struct tc_keystore **ks, time_t *now)
{
	const char *home;
	char err[512] = "";
	int r, status;

	*ks = NULL;
	if ((status = tc_cli_home_now(home_opt, &home, now)) != TC_EXIT_OK)
		return status;
	if ((r = tc_keystore_open(ks, home, err, sizeof(err))) != 0)
		return tc_keys_fail(r, NULL, err);
	return TC_EXIT_OK;
}

int
main(int argc, char **argv)
{
	return tc_cli_main("tcard-keys", help, commands, argc, argv);
}
