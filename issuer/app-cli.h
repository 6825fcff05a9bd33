/* SPDX-License-Identifier: MIT */
/*
 * What the application commands of tcard-issuer share (cmd-apply.c,
 * cmd-submit.c, cmd-review.c, cmd-applications.c, cmd-issue.c,
 * cmd-upgrade.c, cmd-blacklist.c), which open a struct tc_session with
 * its holidays file (session.h): reading files and ID
 * numbers without putting them on the command line, building an
 * application file from options, attaching files, and printing
 * applications. Every function prints its failures and returns an exit
 * status. docs/workflow.md describes the commands.
 */
#ifndef TCARD_ISSUER_APP_CLI_H
#define TCARD_ISSUER_APP_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "session.h"
#include "tcard/application.h"
#include "tcard/buf.h"
#include "tcard/operator.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/workday.h"

/* The ENVIRONMENT and EXIT STATUS sections of the pages. */
#define TC_AC_ENV                                                                  \
	"ENVIRONMENT\n"                                                            \
	"    TCARD_HOME        default home directory\n"                           \
	"    TCARD_PASSPHRASE  the acting operator's passphrase, instead of the\n" \
	"                      prompt\n"                                           \
	"    TCARD_NOW         injected clock, test builds only: epoch\n"          \
	"                      seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"
#define TC_AC_EXIT                                                                   \
	"EXIT STATUS\n"                                                              \
	"    0 done; 1 refused (a rule of the programme or the workflow: state,\n"   \
	"    role, four eyes, a guard, an incomplete or invalid form, a wrong\n"     \
	"    passphrase) or invalid input; 2 usage error; 3 environment (keys,\n"    \
	"    registry, database, programme or holidays file, an unreadable file);\n" \
	"    4 internal error. See docs/operations.md.\n"

/*
 * The end of the pages of apply, submit, upgrade and convert: the last
 * options, then EXIT STATUS and ENVIRONMENT.
 */
#define TC_AC_PAGE_END                                                         \
	"    --as NAME         the acting operator\n"                          \
	"    --json            print the application as JSON\n"                \
	"    --home DIR        the authority's home directory\n"               \
	"    --help            show this page\n"                               \
	"\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"

/*
 * The roles that may read an application's personal data (application
 * show): every role that works on applications or checks that work, not
 * admin, which manages operators.
 */
#define TC_AC_READ_ROLES (TC_ROLE_ALL & ~TC_ROLE_BIT(TC_ROLE_ADMIN))

/* Parses an application id ("12" or "application:12"). 0 or -1. */
int tc_ac_app_id(const char *s, int64_t *id /* OUT */);

/*
 * Finds a card from what was typed: a 16-digit card number (any usual
 * spelling) or a serial. Prints and returns an exit status.
 */
int tc_ac_card(struct tc_session *s, const char *text, struct tc_card *card);

/*
 * Reads a whole file of at most max bytes into out (initialised by the
 * caller). Prints and returns an exit status (3 when unreadable, 1 when
 * too large).
 */
int tc_ac_read_file(const char *path, size_t max, struct tc_buf *out);

/*
 * Reads an ID number from standard input (--id -) or from the variable
 * env (--id-env), never from the command line. Neither given: a usage
 * error saying missing, or (missing NULL: the number is optional) an empty
 * out. out has TC_ID_MAX * 3 bytes; the caller wipes it. Returns an exit
 * status.
 */
int tc_ac_read_id(const char *opt_id, const char *opt_env, const char *missing,
    char *out, size_t outlen);

/*
 * Options that build or change an application file. Every pointer may be
 * NULL (not given). fields are "SECTION.FIELD=VALUE" or
 * "SECTION[N].FIELD=VALUE"; attaches are "KIND=FILE" with KIND an
 * attachment kind or a material id of the programme; exceptions
 * "GUARD=REASON".
 */
#define TC_AC_LIST_MAX 64
struct tc_ac_form_opts {
	const char *from; /* an application file */
	const char *programme, *tier, *clause, *route;
	const char *name, *id_type, *id_number, *sex, *birth_date;
	int retirement_age;
	const char *employer, *employer_code, *employer_category;
	const char *work_type;
	const char *fields[TC_AC_LIST_MAX];
	size_t n_fields;
	const char *attaches[TC_AC_LIST_MAX];
	size_t n_attaches;
	const char *photo;
	const char *exceptions[TC_AC_LIST_MAX];
	size_t n_exceptions;
	int accept_pledge;
};

/*
 * The form options in the options spec form (common/cli.h), for the
 * commands' declarations (apply takes both sets; submit, upgrade and
 * convert the attach set).
 */
#define TC_AC_ATTACH_OPTS                                                      \
	"from= field* attach* photo= exception* accept-pledge employer= "      \
	"employer-code= employer-category="
#define TC_AC_IDENTITY_OPTS                                                    \
	"programme= tier= clause= route= name= id-type= id= "                  \
	"id-env= sex= birth-date="

/*
 * Reads the TC_AC_ATTACH_OPTS given into o, cleared first (the lists in
 * the order given); with identity also the TC_AC_IDENTITY_OPTS, --id and --id-env
 * into *id_opt and *id_env. Returns an exit status (a usage error when a
 * list is too long).
 */
int tc_ac_form_args(const struct tc_args *a, int identity,
    struct tc_ac_form_opts *o /* OUT */, const char **id_opt /* OUT */,
    const char **id_env /* OUT */);

/*
 * 1 when o changes the form itself (--from, --field, --exception or the
 * employer options), not only its files (--photo, --attach): submit,
 * upgrade and convert then merge them into the stored form.
 */
int tc_ac_form_changes(const struct tc_ac_form_opts *o);

/*
 * Inside the transaction of submit, upgrade or convert, what the options
 * o change in application id of programme p: when they change the form
 * (tc_ac_form_changes), they are merged into the stored form (exported,
 * changed with tc_ac_build, parsed into *f) and the application updated
 * with it; then the files are attached (tc_ac_attach_all). Returns an exit
 * status after printing any failure; the caller rolls back then.
 */
int tc_ac_store_changes(struct tc_session *s, int64_t id,
    const struct tc_programme *p, const struct tc_ac_form_opts *o,
    struct tc_app_form *f /* OUT */);

/* The OPTIONS text of the form options, for the pages. */
#define TC_AC_FORM_HELP                                                           \
	"    --from FILE       an application file (JSON, docs/workflow.md);\n"   \
	"                      attachments it names are relative to it\n"         \
	"    --field SECTION.FIELD=VALUE, --field SECTION[N].FIELD=VALUE\n"       \
	"                      one value of the programme's form (repeatable)\n"  \
	"    --photo FILE      the applicant's photo (GIF, JPEG or PNG; the\n"    \
	"                      programme's size, e.g. 358 x 441 for Youyue)\n"    \
	"    --attach KIND=FILE  a material: KIND is photo, id-document,\n"       \
	"                      contract, tax-or-social-insurance,\n"              \
	"                      eligibility-proof, cooperation-agreement,\n"       \
	"                      unit-certificate, other, or a material id of\n"    \
	"                      the programme (repeatable); gif, jpg, png, pdf,\n" \
	"                      doc, docx of at most 4 MB, checked by content\n"   \
	"    --employer NAME, --employer-code USCC, --employer-category CAT\n"    \
	"                      the employer, its unified social credit code\n"    \
	"                      (checked) and category (e.g. district-funded)\n"   \
	"    --work-type W     the programme's work type (e.g. full-time)\n"      \
	"    --exception GUARD=REASON  claim an exception to a rule the\n"        \
	"                      programme states 'in principle'\n"                 \
	"                      (retirement-age, excluded-employer)\n"             \
	"    --accept-pledge   the applicant accepted the integrity pledge\n"

#define TC_AC_IDENTITY_HELP                                                       \
	"    --programme P, --tier T, --clause C, --route R\n"                    \
	"                      what is applied for (the tier follows from the\n"  \
	"                      clause; a route's tier may be decided later)\n"    \
	"    --name NAME       the applicant's name as printed\n"                 \
	"    --id-type TYPE    resident, passport, hkmo-permit, tw-permit, ...\n" \
	"                      or the programme's names (resident-id, ...)\n"     \
	"    --id -            read the ID number from standard input\n"          \
	"    --id-env VAR      read the ID number from variable VAR (never\n"     \
	"                      give the number itself on the command line)\n"     \
	"    --sex S, --birth-date YYYY-MM-DD\n"                                  \
	"                      where the ID number does not carry them\n"         \
	"    --retirement-age 50|55|60  the applicant's original statutory\n"     \
	"                      retirement age (women: 55 unless 50)\n"

/*
 * Applies the options to root (an application file being built; the file
 * of --from is merged first: its top-level keys replace root's, its
 * sections replace root's sections of the same name). Attachments named
 * in the file are resolved relative to its directory. Returns an exit
 * status.
 */
int tc_ac_build(
    struct tc_session *s, const struct tc_ac_form_opts *o, json_t *root);

/*
 * Parses root as an application file (tc_app_form_parse). The text is
 * wiped after use. Returns an exit status (1 with the message when the
 * form is refused).
 */
int tc_ac_parse(struct tc_session *s, json_t *root, struct tc_app_form *f);

/*
 * Attaches the files the form names (f->files), the --photo and the
 * --attach options to application id, inside the open transaction.
 * Returns an exit status (the transaction is then to be rolled back).
 */
int tc_ac_attach_all(struct tc_session *s, int64_t id,
    const struct tc_programme *p, const struct tc_app_form *f,
    const struct tc_ac_form_opts *o);

/* Adds a --field, --attach or --exception value to a list (usage check). */
int tc_ac_list_add(
    const char **list, size_t *n, const char *v, const char *opt);

/* "2026-03-02 09:00" in Asia/Shanghai; "-" for 0. */
void tc_ac_time(time_t t, char out[32]);

/*
 * The current step of a: its id, kind name, role name; "" when none.
 */
void tc_ac_step(struct tc_session *s, const struct tc_app *a, const char **step,
    const char **names_zh, const char **role);

/* A JSON object describing a for listings (no ID number; masked only). */
json_t *tc_ac_app_json(struct tc_session *s, const struct tc_app *a);

/*
 * Prints "application N: STATE, step STEP (NAME), ROLE, deadline DATE" on
 * stdout after an action.
 */
void tc_ac_print_status(struct tc_session *s, int64_t id, const char *verb);

/*
 * What apply, submit, upgrade, convert and review print after their action
 * on application id: with json the application as tc_ac_app_json gives it,
 * else tc_ac_print_status's line with verb. Returns an exit status (a
 * failure to read the application back is printed as "application: ...").
 */
int tc_ac_report(struct tc_session *s, int64_t id, int json, const char *verb);

#endif
