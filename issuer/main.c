/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer entry point: the table of subcommands. Each subcommand lives
 * in its own cmd-*.c file (see issuer.h).
 */
#include <stddef.h>

#include "issuer.h"

static const char help[] =
    "NAME\n"
    "    tcard-issuer - the talent card issuing station\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer COMMAND [OPTIONS] [ARGS]\n"
    "    tcard-issuer help COMMAND\n"
    "\n"
    "DESCRIPTION\n"
    "    Keeps the issuing authority's registry (holders, cards, operators and\n"
    "    the hash-chained audit log) in DIR/registry.db under the authority's\n"
    "    home directory, given by --home DIR or $TCARD_HOME. Keys are made by\n"
    "    tcard-keys. Output meant for scripts is available with --json.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 success; 1 refused or invalid input; 2 usage error; 3 environment\n"
    "    (files, permissions, database, keys); 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME   default home directory\n"
    "    TCARD_NOW    injected clock, test builds only (BUILD/test-bin);\n"
    "                 installed programs ignore it and say so\n"
    "    TCARD_PASSPHRASE  the acting operator's passphrase, for scripts\n"
    "                 (see 'tcard-issuer operator add --help')\n"
    "    TCARD_SCRYPT_LN   lower passphrase hashing cost: tests and demo only\n";

static const struct tc_cmd *const cmds[] = {
	&tc_cmd_init,
	&tc_cmd_demo,
	&tc_cmd_id_check,
	&tc_cmd_audit_verify,
	&tc_cmd_audit_list,
	&tc_cmd_operator_add,
	&tc_cmd_operator_list,
	&tc_cmd_operator_disable,
	&tc_cmd_operator_enable,
	&tc_cmd_operator_passwd,
	&tc_cmd_operator_totp,
	&tc_cmd_organisation_add,
	&tc_cmd_organisation_list,
	&tc_cmd_apply,
	&tc_cmd_submit,
	&tc_cmd_review,
	&tc_cmd_supplement,
	&tc_cmd_applications,
	&tc_cmd_application_show,
	&tc_cmd_application_withdraw,
	&tc_cmd_issue,
	&tc_cmd_upgrade,
	&tc_cmd_convert,
	&tc_cmd_blacklist_add,
	&tc_cmd_blacklist_list,
	&tc_cmd_blacklist_remove,
	&tc_cmd_employer_bar_add,
	&tc_cmd_employer_bar_list,
	&tc_cmd_cards,
	&tc_cmd_card_show,
	&tc_cmd_renew,
	&tc_cmd_change,
	&tc_cmd_reissue,
	&tc_cmd_suspend,
	&tc_cmd_reinstate,
	&tc_cmd_revoke,
	&tc_cmd_subcard_add,
	&tc_cmd_expire,
	&tc_cmd_revocations,
	&tc_cmd_publish,
	&tc_cmd_qr,
	&tc_cmd_qr_batch,
	&tc_cmd_personalise,
	&tc_cmd_chip_show,
	&tc_cmd_ecard,
	&tc_cmd_print,
	&tc_cmd_print_batch,
	NULL,
};

int
main(int argc, char **argv)
{
	return tc_cli_main("tcard-issuer", help, cmds, argc, argv);
}
