/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer: the issuing station's command line. One file per
 * subcommand or group (cmd-*.c), each exporting the run function and the
 * help page of its commands; main.c's command table makes a row of each.
 */
#ifndef TCARD_ISSUER_H
#define TCARD_ISSUER_H

#include "cli.h"

/* The EXIT STATUS section of the pages of the listings that read only. */
#define TC_ISSUER_LIST_EXIT                                                    \
	"EXIT STATUS\n"                                                        \
	"    0 success; 2 usage error; 3 no keys, no registry or a database\n" \
	"    error; 4 internal error.\n"

/*
 * The run functions of the commands (struct tc_cmd.run), one a line as
 * git's builtin.h lists its cmd_*(): one a command, but for the pairs that
 * share one, blacklist add and remove (blacklist_change), blacklist list
 * and employer-bar list, suspend and reinstate, upgrade and convert.
 */
int tc_issuer_application_show_run(const struct tc_args *a);
int tc_issuer_application_withdraw_run(const struct tc_args *a);
int tc_issuer_applications_run(const struct tc_args *a);
int tc_issuer_apply_run(const struct tc_args *a);
int tc_issuer_audit_list_run(const struct tc_args *a);
int tc_issuer_audit_verify_run(const struct tc_args *a);
int tc_issuer_blacklist_change_run(const struct tc_args *a);
int tc_issuer_blacklist_list_run(const struct tc_args *a);
int tc_issuer_card_show_run(const struct tc_args *a);
int tc_issuer_cards_run(const struct tc_args *a);
int tc_issuer_change_run(const struct tc_args *a);
int tc_issuer_chip_show_run(const struct tc_args *a);
int tc_issuer_demo_run(const struct tc_args *a);
int tc_issuer_ecard_run(const struct tc_args *a);
int tc_issuer_employer_bar_add_run(const struct tc_args *a);
int tc_issuer_expire_run(const struct tc_args *a);
int tc_issuer_id_check_run(const struct tc_args *a);
int tc_issuer_init_run(const struct tc_args *a);
int tc_issuer_issue_run(const struct tc_args *a);
int tc_issuer_operator_add_run(const struct tc_args *a);
int tc_issuer_operator_disable_run(const struct tc_args *a);
int tc_issuer_operator_enable_run(const struct tc_args *a);
int tc_issuer_operator_list_run(const struct tc_args *a);
int tc_issuer_operator_passwd_run(const struct tc_args *a);
int tc_issuer_operator_totp_run(const struct tc_args *a);
int tc_issuer_organisation_add_run(const struct tc_args *a);
int tc_issuer_organisation_list_run(const struct tc_args *a);
int tc_issuer_organisation_set_email_run(const struct tc_args *a);
int tc_issuer_operator_set_email_run(const struct tc_args *a);
int tc_issuer_notify_overdue_run(const struct tc_args *a);
int tc_issuer_personalise_run(const struct tc_args *a);
int tc_issuer_print_batch_run(const struct tc_args *a);
int tc_issuer_print_run(const struct tc_args *a);
int tc_issuer_publish_run(const struct tc_args *a);
int tc_issuer_qr_batch_run(const struct tc_args *a);
int tc_issuer_qr_run(const struct tc_args *a);
int tc_issuer_reissue_run(const struct tc_args *a);
int tc_issuer_renew_run(const struct tc_args *a);
int tc_issuer_review_run(const struct tc_args *a);
int tc_issuer_revocations_run(const struct tc_args *a);
int tc_issuer_revoke_run(const struct tc_args *a);
int tc_issuer_subcard_add_run(const struct tc_args *a);
int tc_issuer_submit_run(const struct tc_args *a);
int tc_issuer_supplement_run(const struct tc_args *a);
int tc_issuer_suspend_run(const struct tc_args *a);
int tc_issuer_upgrade_run(const struct tc_args *a);

/* Their help pages (struct tc_cmd.help). */
extern const char tc_issuer_application_show_help[];
extern const char tc_issuer_application_withdraw_help[];
extern const char tc_issuer_applications_help[];
extern const char tc_issuer_apply_help[];
extern const char tc_issuer_audit_list_help[];
extern const char tc_issuer_audit_verify_help[];
extern const char tc_issuer_blacklist_add_help[];
extern const char tc_issuer_blacklist_list_help[];
extern const char tc_issuer_blacklist_remove_help[];
extern const char tc_issuer_card_show_help[];
extern const char tc_issuer_cards_help[];
extern const char tc_issuer_change_help[];
extern const char tc_issuer_chip_show_help[];
extern const char tc_issuer_convert_help[];
extern const char tc_issuer_demo_help[];
extern const char tc_issuer_ecard_help[];
extern const char tc_issuer_employer_bar_add_help[];
extern const char tc_issuer_employer_bar_list_help[];
extern const char tc_issuer_expire_help[];
extern const char tc_issuer_id_check_help[];
extern const char tc_issuer_init_help[];
extern const char tc_issuer_issue_help[];
extern const char tc_issuer_bank_list_export_help[];
extern const char tc_issuer_bank_list_import_help[];
int tc_issuer_bank_list_export_run(const struct tc_args *a);
int tc_issuer_bank_list_import_run(const struct tc_args *a);
extern const char tc_issuer_operator_add_help[];
extern const char tc_issuer_operator_disable_help[];
extern const char tc_issuer_operator_enable_help[];
extern const char tc_issuer_operator_list_help[];
extern const char tc_issuer_operator_passwd_help[];
extern const char tc_issuer_operator_totp_help[];
extern const char tc_issuer_organisation_add_help[];
extern const char tc_issuer_organisation_list_help[];
extern const char tc_issuer_organisation_set_email_help[];
extern const char tc_issuer_operator_set_email_help[];
extern const char tc_issuer_notify_overdue_help[];
extern const char tc_issuer_personalise_help[];
extern const char tc_issuer_print_batch_help[];
extern const char tc_issuer_print_help[];
extern const char tc_issuer_publish_help[];
extern const char tc_issuer_qr_batch_help[];
extern const char tc_issuer_qr_help[];
extern const char tc_issuer_reinstate_help[];
extern const char tc_issuer_reissue_help[];
extern const char tc_issuer_renew_help[];
extern const char tc_issuer_review_help[];
extern const char tc_issuer_revocations_help[];
extern const char tc_issuer_revoke_help[];
extern const char tc_issuer_subcard_add_help[];
extern const char tc_issuer_submit_help[];
extern const char tc_issuer_supplement_help[];
extern const char tc_issuer_suspend_help[];
extern const char tc_issuer_upgrade_help[];

/* The options suspend, reinstate and blacklist remove refuse by name. */
extern const struct tc_opt tc_issuer_blacklist_remove_refused[];
extern const struct tc_opt tc_issuer_reinstate_refused[];
extern const struct tc_opt tc_issuer_suspend_refused[];

#endif
