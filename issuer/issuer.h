/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer: the issuing station's command line. One file per
 * subcommand (cmd-*.c), each exporting one struct tc_cmd; main.c lists them.
 */
#ifndef TCARD_ISSUER_H
#define TCARD_ISSUER_H

#include "cli.h"

extern const struct tc_cmd tc_cmd_id_check;
extern const struct tc_cmd tc_cmd_init;
extern const struct tc_cmd tc_cmd_demo;
extern const struct tc_cmd tc_cmd_audit_verify;
extern const struct tc_cmd tc_cmd_audit_list;
extern const struct tc_cmd tc_cmd_operator_add;
extern const struct tc_cmd tc_cmd_operator_list;
extern const struct tc_cmd tc_cmd_operator_disable;
extern const struct tc_cmd tc_cmd_operator_enable;
extern const struct tc_cmd tc_cmd_operator_passwd;
extern const struct tc_cmd tc_cmd_operator_totp;
extern const struct tc_cmd tc_cmd_organisation_add;
extern const struct tc_cmd tc_cmd_organisation_list;
extern const struct tc_cmd tc_cmd_renew;
extern const struct tc_cmd tc_cmd_change;
extern const struct tc_cmd tc_cmd_reissue;
extern const struct tc_cmd tc_cmd_suspend;
extern const struct tc_cmd tc_cmd_reinstate;
extern const struct tc_cmd tc_cmd_revoke;
extern const struct tc_cmd tc_cmd_subcard_add;
extern const struct tc_cmd tc_cmd_cards;
extern const struct tc_cmd tc_cmd_card_show;
extern const struct tc_cmd tc_cmd_expire;
extern const struct tc_cmd tc_cmd_revocations;
extern const struct tc_cmd tc_cmd_publish;
extern const struct tc_cmd tc_cmd_apply;
extern const struct tc_cmd tc_cmd_submit;
extern const struct tc_cmd tc_cmd_review;
extern const struct tc_cmd tc_cmd_supplement;
extern const struct tc_cmd tc_cmd_applications;
extern const struct tc_cmd tc_cmd_application_show;
extern const struct tc_cmd tc_cmd_application_withdraw;
extern const struct tc_cmd tc_cmd_issue;
extern const struct tc_cmd tc_cmd_qr;
extern const struct tc_cmd tc_cmd_qr_batch;
extern const struct tc_cmd tc_cmd_ecard;
extern const struct tc_cmd tc_cmd_print;
extern const struct tc_cmd tc_cmd_print_batch;
extern const struct tc_cmd tc_cmd_upgrade;
extern const struct tc_cmd tc_cmd_convert;
extern const struct tc_cmd tc_cmd_blacklist_add;
extern const struct tc_cmd tc_cmd_blacklist_list;
extern const struct tc_cmd tc_cmd_blacklist_remove;
extern const struct tc_cmd tc_cmd_employer_bar_add;
extern const struct tc_cmd tc_cmd_employer_bar_list;
extern const struct tc_cmd tc_cmd_personalise;
extern const struct tc_cmd tc_cmd_chip_show;

#endif
