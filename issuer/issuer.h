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

/* cmd-applications.c */
int tc_issuer_applications_run(const struct tc_args *a);
int tc_issuer_application_show_run(const struct tc_args *a);
int tc_issuer_application_withdraw_run(const struct tc_args *a);
extern const char tc_issuer_applications_help[],
    tc_issuer_application_show_help[], tc_issuer_application_withdraw_help[];
/* cmd-apply.c */
int tc_issuer_apply_run(const struct tc_args *a);
extern const char tc_issuer_apply_help[];
/* cmd-audit.c */
int tc_issuer_audit_verify_run(const struct tc_args *a);
int tc_issuer_audit_list_run(const struct tc_args *a);
extern const char tc_issuer_audit_verify_help[], tc_issuer_audit_list_help[];
/* cmd-blacklist.c */
int tc_issuer_blacklist_change_run(const struct tc_args *a);
int tc_issuer_blacklist_list_run(const struct tc_args *a);
int tc_issuer_employer_bar_add_run(const struct tc_args *a);
extern const char tc_issuer_blacklist_add_help[],
    tc_issuer_blacklist_list_help[], tc_issuer_blacklist_remove_help[],
    tc_issuer_employer_bar_add_help[], tc_issuer_employer_bar_list_help[];
extern const struct tc_opt tc_issuer_blacklist_remove_refused[];
/* cmd-cards.c */
int tc_issuer_cards_run(const struct tc_args *a);
int tc_issuer_card_show_run(const struct tc_args *a);
extern const char tc_issuer_cards_help[], tc_issuer_card_show_help[];
/* cmd-change.c */
int tc_issuer_change_run(const struct tc_args *a);
extern const char tc_issuer_change_help[];
/* cmd-demo.c */
int tc_issuer_demo_run(const struct tc_args *a);
extern const char tc_issuer_demo_help[];
/* cmd-ecard.c */
int tc_issuer_ecard_run(const struct tc_args *a);
extern const char tc_issuer_ecard_help[];
/* cmd-expire.c */
int tc_issuer_expire_run(const struct tc_args *a);
extern const char tc_issuer_expire_help[];
/* cmd-id-check.c */
int tc_issuer_id_check_run(const struct tc_args *a);
extern const char tc_issuer_id_check_help[];
/* cmd-init.c */
int tc_issuer_init_run(const struct tc_args *a);
extern const char tc_issuer_init_help[];
/* cmd-issue.c */
int tc_issuer_issue_run(const struct tc_args *a);
extern const char tc_issuer_issue_help[];
/* cmd-operator.c */
int tc_issuer_operator_add_run(const struct tc_args *a);
int tc_issuer_operator_list_run(const struct tc_args *a);
int tc_issuer_operator_disable_run(const struct tc_args *a);
int tc_issuer_operator_enable_run(const struct tc_args *a);
int tc_issuer_operator_passwd_run(const struct tc_args *a);
extern const char tc_issuer_operator_add_help[], tc_issuer_operator_list_help[],
    tc_issuer_operator_disable_help[], tc_issuer_operator_enable_help[],
    tc_issuer_operator_passwd_help[];
/* cmd-organisation.c */
int tc_issuer_organisation_add_run(const struct tc_args *a);
int tc_issuer_organisation_list_run(const struct tc_args *a);
int tc_issuer_operator_totp_run(const struct tc_args *a);
extern const char tc_issuer_organisation_add_help[],
    tc_issuer_organisation_list_help[], tc_issuer_operator_totp_help[];
/* cmd-personalise.c */
int tc_issuer_personalise_run(const struct tc_args *a);
int tc_issuer_chip_show_run(const struct tc_args *a);
extern const char tc_issuer_personalise_help[], tc_issuer_chip_show_help[];
/* cmd-print.c */
int tc_issuer_print_run(const struct tc_args *a);
int tc_issuer_print_batch_run(const struct tc_args *a);
extern const char tc_issuer_print_help[], tc_issuer_print_batch_help[];
/* cmd-publish.c */
int tc_issuer_publish_run(const struct tc_args *a);
extern const char tc_issuer_publish_help[];
/* cmd-qr.c */
int tc_issuer_qr_run(const struct tc_args *a);
int tc_issuer_qr_batch_run(const struct tc_args *a);
extern const char tc_issuer_qr_help[], tc_issuer_qr_batch_help[];
/* cmd-reissue.c */
int tc_issuer_reissue_run(const struct tc_args *a);
extern const char tc_issuer_reissue_help[];
/* cmd-renew.c */
int tc_issuer_renew_run(const struct tc_args *a);
extern const char tc_issuer_renew_help[];
/* cmd-review.c */
int tc_issuer_review_run(const struct tc_args *a);
extern const char tc_issuer_review_help[];
/* cmd-revocations.c */
int tc_issuer_revocations_run(const struct tc_args *a);
extern const char tc_issuer_revocations_help[];
/* cmd-revoke.c */
int tc_issuer_revoke_run(const struct tc_args *a);
extern const char tc_issuer_revoke_help[];
/* cmd-subcard.c */
int tc_issuer_subcard_add_run(const struct tc_args *a);
extern const char tc_issuer_subcard_add_help[];
/* cmd-submit.c */
int tc_issuer_submit_run(const struct tc_args *a);
extern const char tc_issuer_submit_help[];
/* cmd-supplement.c */
int tc_issuer_supplement_run(const struct tc_args *a);
extern const char tc_issuer_supplement_help[];
/* cmd-suspend.c */
int tc_issuer_suspend_run(const struct tc_args *a);
extern const char tc_issuer_suspend_help[], tc_issuer_reinstate_help[];
extern const struct tc_opt tc_issuer_suspend_refused[],
    tc_issuer_reinstate_refused[];
/* cmd-upgrade.c */
int tc_issuer_upgrade_run(const struct tc_args *a);
extern const char tc_issuer_upgrade_help[], tc_issuer_convert_help[];

#endif
