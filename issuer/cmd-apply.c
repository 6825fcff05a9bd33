/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer apply: takes an application from an application file and
 * options, validates it against the programme's form (tc_app_form_parse),
 * stores it with its attachments and keeps it as a draft or submits it
 * (src/registry/application.c; docs/workflow.md).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"

const char tc_issuer_apply_help[] =
    "NAME\n"
    "    tcard-issuer apply - take an application for a talent card\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer apply --as NAME [--from FILE.json] [--programme P]\n"
    "                 [--tier T] [--clause C] [--route R] [--name NAME]\n"
    "                 [--id-type TYPE] [--id - | --id-env VAR] [--photo FILE]\n"
    "                 [--attach KIND=FILE]... [--field S.F=V]... [--submit]\n"
    "                 [--principal CARD] [--accept-pledge] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Takes an application: from the application file FILE.json (the\n"
    "    programme's form sections, see docs/workflow.md), from options, or\n"
    "    both (options win). Every field is checked against the programme's\n"
    "    form: the ID number for its type, dates, lengths (achievements at\n"
    "    most 1000 characters for Youyue), the clause of the tier, the\n"
    "    employer's unified social credit code, the work type. Files are\n"
    "    checked by their content (gif, jpg, png, pdf, doc, docx of at\n"
    "    most 4 MB; the photo at the programme's size) and stored sealed,\n"
    "    with their SHA-256.\n"
    "\n"
    "    The application is kept as a draft, or with --submit submitted:\n"
    "    then it must be complete (required fields, the photo, the\n"
    "    materials of its tier and work type, the integrity pledge where\n"
    "    the programme has one: --accept-pledge) and pass the guards\n"
    "    (blacklist, employer bar, retirement age, excluded employers, an\n"
    "    existing card, an application already in review). A refused\n"
    "    submission stores nothing. The ID number is never stored in\n"
    "    plain and never printed: only its masked form.\n"
    "\n"
    "    With --principal CARD the application is for a sub-card (副证) on\n"
    "    main card CARD: --tier is a sub-card tier whose principal tiers\n"
    "    hold CARD's tier (the green card: a-spouse, a-child, a-parent,\n"
    "    a-parent-in-law on an A card, 002 七), the applicant is the\n"
    "    relative (their name, ID document and birth date), --photo is the\n"
    "    relative's photo, which the sub-card's face shows, and the\n"
    "    materials are those of the sub-card tier (the green card's\n"
    "    sub-card form, proof of the relation, the relative's ID document,\n"
    "    002 九(四)). The card is issued through the tier's steps like\n"
    "    any other.\n"
    "\n"
    "    Prints 'application N created: draft' or 'application N\n"
    "    submitted: submitted, step S (NAME), role R, deadline DATE'.\n"
    "    Needs the role unit-reviewer, industry-reviewer or hr-reviewer.\n"
    "    Audited: application.create, .attach, .submit.\n"
    "\n"
    "OPTIONS\n" TC_AC_IDENTITY_HELP TC_AC_FORM_HELP
    "    --submit          submit at once instead of keeping a draft\n"
    "    --principal CARD  a sub-card application on main card CARD\n"
    "                      (number or serial)\n" TC_AC_PAGE_END "EXAMPLES\n"
    "    tcard-issuer apply --from wang.json --submit --accept-pledge \\\n"
    "        --as clerk\n"
    "    printf '%s\\n' \"$ID\" | tcard-issuer apply --programme \\\n"
    "        guangzhou-green --clause a1-1 --name 'Emily Carter' \\\n"
    "        --id-type passport --id - --photo emily.jpg --as clerk\n"
    "    RID=110101201503030016 tcard-issuer apply --principal 17 \\\n"
    "        --programme guangzhou-green --tier a-child --name 'Li Xiaoming' \\\n"
    "        --id-type resident --id-env RID --photo xiaoming.jpg \\\n"
    "        --attach sub-form=form.pdf --attach birth-proof=birth.pdf \\\n"
    "        --attach id-resident=hukou.pdf --submit --as clerk\n";

int
tc_issuer_apply_run(const struct tc_args *a)
{
	struct tc_ac_form_opts o;
	struct tc_app_form f;
	struct tc_session s;
	struct tc_card principal;
	const char *home = a->home, *as = a->as, *id_opt = NULL, *id_env = NULL;
	const char *principal_opt = tc_args_get(a, "principal");
	char idbuf[3 * 64], err[1024] = "";
	int submit, json = a->json, status, r;
	int64_t id = 0;
	json_t *root = NULL;

	memset(&f, 0, sizeof(f));
	if ((status = tc_ac_form_args(a, 1, &o, &id_opt, &id_env)) !=
	    TC_EXIT_OK)
		return status;
	submit = tc_args_has(a, "submit") > 0;
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (as == NULL)
		return tc_cli_usage(
		    "this command needs --as NAME: the operator who does it");
	if (o.from == NULL && o.programme == NULL)
		return tc_cli_usage("give --from FILE or --programme P");
	if ((status = tc_ac_read_id(
		 id_opt, id_env, NULL, idbuf, sizeof(idbuf))) != TC_EXIT_OK)
		return status;
	o.id_number = idbuf[0] != '\0' ? idbuf : NULL;
	if ((status = tc_session_open(&s, home, as, TC_APP_INTAKE_ROLES,
		 TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		goto out_id;
	if ((root = json_object()) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((status = tc_ac_build(&s, &o, root)) != TC_EXIT_OK ||
	    (status = tc_ac_parse(&s, root, &f)) != TC_EXIT_OK)
		goto out;
	if (principal_opt != NULL &&
	    (status = tc_ac_card(&s, principal_opt, &principal)) != TC_EXIT_OK)
		goto out;
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = principal_opt != NULL
	    ? tc_app_create_sub(
		  &s.c, principal.serial, &f, &id, err, sizeof(err))
	    : tc_app_create(&s.c, &f, &id, err, sizeof(err));
	if (r != 0) {
		status = tc_session_end(&s, r, "apply", err);
		goto out;
	}
	if ((status = tc_ac_attach_all(&s, id, f.programme, &f, &o)) !=
	    TC_EXIT_OK) {
		tc_registry_rollback(s.reg);
		goto out;
	}
	r = submit ? tc_app_submit(&s.c, id, o.accept_pledge, err, sizeof(err))
		   : 0;
	if ((status = tc_session_end(&s, r, "submit", err)) != TC_EXIT_OK)
		goto out;
	status = tc_ac_report(&s, id, json, submit ? "submitted" : "created");
out:
	json_decref(root);
	tc_app_form_release(&f);
	tc_session_close(&s);
out_id:
	OPENSSL_cleanse(idbuf, sizeof(idbuf));
	return status;
}
