/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer entry point: the table of subcommands. Each subcommand's
 * code lives in its own cmd-*.c file (see issuer.h).
 */
#include <stddef.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"

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

/*
 * The command table: a row a command, in the order of the command list,
 *   { name, summary, help page, common options (TC_CMD_*), options spec,
 *     options refused by name, argcheck, run }
 * (struct tc_cmd in common/cli.h). Each cmd-*.c file exports the run
 * functions and help pages of its commands (declared in issuer.h).
 */
static const struct tc_cmd commands[] = {
	{ "init", "create the registry (after tcard-keys init)",
	    tc_issuer_init_help, TC_CMD_HOME, "programmes=", NULL, NULL,
	    tc_issuer_init_run },
	{ "demo", "build a demo authority with issued cards (made-up people)",
	    tc_issuer_demo_help, TC_CMD_HOME | TC_CMD_JSON, "alg=", NULL, NULL,
	    tc_issuer_demo_run },
	{ "id-check", "validate and normalise an ID document number",
	    tc_issuer_id_check_help, TC_CMD_JSON, "show", NULL, NULL,
	    tc_issuer_id_check_run },
	{ "audit verify", "check the audit log's keyed hash chain",
	    tc_issuer_audit_verify_help, TC_CMD_HOME | TC_CMD_JSON,
	    "expect-head= bundle*", NULL, NULL, tc_issuer_audit_verify_run },
	{ "audit list", "show audit log entries", tc_issuer_audit_list_help,
	    TC_CMD_HOME | TC_CMD_JSON, "limit= from=", NULL, NULL,
	    tc_issuer_audit_list_run },
	{ "operator add", "add an operator with roles (the first: an admin)",
	    tc_issuer_operator_add_help, TC_CMD_HOME | TC_CMD_AS,
	    "role* passphrase-env= organisation=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_operator_add_run },
	{ "operator list", "show the operators, roles and status",
	    tc_issuer_operator_list_help, TC_CMD_HOME | TC_CMD_JSON, NULL, NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_operator_list_run },
	{ "operator disable", "stop an operator from acting",
	    tc_issuer_operator_disable_help, TC_CMD_HOME | TC_CMD_AS, NULL,
	    NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_operator_disable_run },
	{ "operator enable", "let a disabled operator act again",
	    tc_issuer_operator_enable_help, TC_CMD_HOME | TC_CMD_AS, NULL, NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_operator_enable_run },
	{ "operator passwd", "change or reset an operator's passphrase",
	    tc_issuer_operator_passwd_help, TC_CMD_HOME | TC_CMD_AS,
	    "passphrase-env=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_operator_passwd_run },
	{ "operator totp",
	    "enrol an operator in TOTP (otpauth:// URI, QR code)",
	    tc_issuer_operator_totp_help, TC_CMD_HOME | TC_CMD_AS, "qr=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_operator_totp_run },
	{ "organisation add",
	    "add an organisation (unit, industry, district...)",
	    tc_issuer_organisation_add_help, TC_CMD_HOME | TC_CMD_AS,
	    "name= email=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_organisation_add_run },
	{ "operator set-email",
	    "set or clear an operator's e-mail (overdue reminders)",
	    tc_issuer_operator_set_email_help, TC_CMD_HOME | TC_CMD_AS, NULL,
	    NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_operator_set_email_run },
	{ "notify overdue",
	    "remind reviewers of overdue applications (once a day)",
	    tc_issuer_notify_overdue_help, TC_CMD_HOME, NULL, NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_notify_overdue_run },
	{ "organisation set-email",
	    "set or clear an organisation's contact e-mail",
	    tc_issuer_organisation_set_email_help, TC_CMD_HOME | TC_CMD_AS,
	    NULL, NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_organisation_set_email_run },
	{ "organisation list", "show the organisations",
	    tc_issuer_organisation_list_help, TC_CMD_HOME | TC_CMD_JSON, NULL,
	    NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_organisation_list_run },
	{ "apply", "take an application (draft or submitted)",
	    tc_issuer_apply_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    TC_AC_IDENTITY_OPTS " " TC_AC_ATTACH_OPTS " submit principal=",
	    NULL, tc_issuer_refuse_secret_args, tc_issuer_apply_run },
	{ "submit", "submit a draft or resubmit a returned application",
	    tc_issuer_submit_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    TC_AC_ATTACH_OPTS " keep-draft", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_submit_run },
	{ "review", "approve, return or reject an application's current step",
	    tc_issuer_review_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "approve return= reject= tier= months= override*", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_review_run },
	{ "supplement", "the unit fills in or corrects an application's form",
	    tc_issuer_supplement_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "field* reason=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_supplement_run },
	{ "applications", "list applications with their step and deadline",
	    tc_issuer_applications_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "state= overdue programme=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_applications_run },
	{ "application show",
	    "show one application, its files, steps and actions",
	    tc_issuer_application_show_help,
	    TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON, NULL, NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_application_show_run },
	{ "application withdraw",
	    "withdraw an application at the applicant's request",
	    tc_issuer_application_withdraw_help, TC_CMD_HOME | TC_CMD_AS,
	    "reason=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_application_withdraw_run },
	{ "issue", "issue the card of an approved application",
	    tc_issuer_issue_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON, NULL,
	    NULL, tc_issuer_refuse_secret_args, tc_issuer_issue_run },
	{ "bank-list export", "the signed list of cards a bank makes",
	    tc_issuer_bank_list_export_help, TC_CMD_HOME | TC_CMD_AS,
	    "programme= out=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_bank_list_export_run },
	{ "bank-list import", "read the bank's production results",
	    tc_issuer_bank_list_import_help, TC_CMD_HOME | TC_CMD_AS, NULL,
	    NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_bank_list_import_run },
	{ "upgrade", "apply for a higher tier of a card (reviewed)",
	    tc_issuer_upgrade_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    TC_AC_ATTACH_OPTS " tier= clause= draft", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_upgrade_run },
	{ "convert", "apply to convert a B card into an A card (reviewed)",
	    tc_issuer_convert_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    TC_AC_ATTACH_OPTS " tier= clause= draft", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_upgrade_run },
	{ "blacklist add", "put a person on the blacklist (admin)",
	    tc_issuer_blacklist_add_help, TC_CMD_HOME | TC_CMD_AS,
	    "id-type= id= id-env= reason= until= programme= source=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_blacklist_change_run },
	{ "blacklist list", "show the blacklist (masked ID numbers)",
	    tc_issuer_blacklist_list_help, TC_CMD_HOME | TC_CMD_JSON, NULL,
	    NULL, NULL, tc_issuer_blacklist_list_run },
	{ "blacklist remove", "take a person off the blacklist (admin)",
	    tc_issuer_blacklist_remove_help, TC_CMD_HOME | TC_CMD_AS,
	    "id-type= id= id-env= reason= programme= source=",
	    tc_issuer_blacklist_remove_refused, tc_issuer_refuse_secret_args,
	    tc_issuer_blacklist_change_run },
	{ "employer-bar add", "bar an employer from applying (admin)",
	    tc_issuer_employer_bar_add_help, TC_CMD_HOME | TC_CMD_AS,
	    "employer= code= years= since= until= reason= programme= source=",
	    NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_employer_bar_add_run },
	{ "employer-bar list", "show employer bars",
	    tc_issuer_employer_bar_list_help, TC_CMD_HOME | TC_CMD_JSON, NULL,
	    NULL, NULL, tc_issuer_blacklist_list_run },
	{ "cards", "list cards (--status, --programme, --json)",
	    tc_issuer_cards_help, TC_CMD_HOME | TC_CMD_JSON,
	    "status= programme=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_cards_run },
	{ "card show", "show a card, its sub-cards, changes and history",
	    tc_issuer_card_show_help, TC_CMD_HOME | TC_CMD_JSON, NULL, NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_card_show_run },
	{ "renew", "renew a card (green card B: extend once)",
	    tc_issuer_renew_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "months=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_renew_run },
	{ "change", "record a change of employer or residence",
	    tc_issuer_change_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "employer= uscc= residence= date=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_change_run },
	{ "reissue", "replace a lost or damaged card (new number)",
	    tc_issuer_reissue_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "reason=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_reissue_run },
	{ "suspend", "suspend a card (its sub-cards follow)",
	    tc_issuer_suspend_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "reason=", tc_issuer_suspend_refused, tc_issuer_refuse_secret_args,
	    tc_issuer_suspend_run },
	{ "reinstate", "reinstate a suspended card", tc_issuer_reinstate_help,
	    TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "note=", tc_issuer_reinstate_refused, tc_issuer_refuse_secret_args,
	    tc_issuer_suspend_run },
	{ "revoke", "revoke a card (fraud: blacklist, employer bar)",
	    tc_issuer_revoke_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "reason= note= bar-employer", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_revoke_run },
	{ "subcard add", "add a sub-card for a relative of a card holder",
	    tc_issuer_subcard_add_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "relation= id-type= id= id-env= name= birth-date= photo=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_subcard_add_run },
	{ "expire", "record the cards past their expiry (daily sweep)",
	    tc_issuer_expire_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON, NULL,
	    NULL, tc_issuer_refuse_secret_args, tc_issuer_expire_run },
	{ "revocations", "write the signed revocation list",
	    tc_issuer_revocations_help, TC_CMD_HOME, "out= next-update=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_revocations_run },
	{ "publish", "write the signed bundle for verifiers",
	    tc_issuer_publish_help, TC_CMD_HOME,
	    "out= next-update= keep= trust=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_publish_run },
	{ "qr", "the signed QR e-card of a card (PNG, SVG or text)",
	    tc_issuer_qr_help, TC_CMD_HOME | TC_CMD_AS, "out= module=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_qr_run },
	{ "qr-batch", "e-cards for every card without one, resumable",
	    tc_issuer_qr_batch_help, TC_CMD_HOME | TC_CMD_AS,
	    "out= limit= module=", NULL, tc_issuer_refuse_secret_args,
	    tc_issuer_qr_batch_run },
	{ "personalise",
	    "personalise the chip of an issued card in a PC/SC reader",
	    tc_issuer_personalise_help, TC_CMD_HOME | TC_CMD_AS | TC_CMD_JSON,
	    "reader= profile= profiles= wait= timeout=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_personalise_run },
	{ "chip show", "the chip the registry records for a card",
	    tc_issuer_chip_show_help, TC_CMD_HOME | TC_CMD_JSON, NULL, NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_chip_show_run },
	{ "ecard", "the e-card image of a card for the holder's phone (PNG)",
	    tc_issuer_ecard_help, TC_CMD_HOME | TC_CMD_AS, "out= photo=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_ecard_run },
	{ "print", "the card face of a card for the card printer (PDF, PNG)",
	    tc_issuer_print_help, TC_CMD_HOME | TC_CMD_AS,
	    "out= side= dpi= bleed= safe= photo=", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_print_run },
	{ "print-batch",
	    "one PDF of the cards issued on a day, for the printer",
	    tc_issuer_print_batch_help, TC_CMD_HOME | TC_CMD_AS,
	    "out= date= bleed= safe= photos= skip-bad", NULL,
	    tc_issuer_refuse_secret_args, tc_issuer_print_batch_run },
	{ NULL },
};

int
main(int argc, char **argv)
{
	return tc_cli_main("tcard-issuer", help, commands, argc, argv);
}
