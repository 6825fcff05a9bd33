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
extern const struct tc_cmd tc_cmd_audit_verify;
extern const struct tc_cmd tc_cmd_audit_list;
extern const struct tc_cmd tc_cmd_operator_add;
extern const struct tc_cmd tc_cmd_operator_list;
extern const struct tc_cmd tc_cmd_operator_disable;
extern const struct tc_cmd tc_cmd_operator_enable;
extern const struct tc_cmd tc_cmd_operator_passwd;

#endif
