/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer applications, application show, application withdraw:
 * listing applications with their step, role and deadline, showing one
 * with its form, files, steps and actions, and withdrawing one
 * (src/registry/application.c; docs/workflow.md). Only masked ID numbers are shown;
 * sex, birth date and form only to an operator who signs in (--as).
 */
#include <stdio.h>
#include <string.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/err.h"
#include "tcard/hex.h"

const char tc_issuer_applications_help[] =
    "NAME\n"
    "    tcard-issuer applications - list applications\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer applications [--state S] [--overdue] [--programme P]\n"
    "                 [--as NAME] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Lists applications in number order, one per line:\n"
    "        ID STATE PROGRAMME TIER STEP ROLE DEADLINE APPLICANT NAME\n"
    "    ROLE is the role that acts next ('applicant' for a returned one,\n"
    "    which waits for supplementary material). DEADLINE is the last\n"
    "    working day of the current step (working days: Monday to Friday,\n"
    "    less the holidays and plus the make-up days of HOME/holidays.txt);\n"
    "    an application past it is marked OVERDUE. Only the masked ID\n"
    "    number is shown.\n"
    "\n"
    "    With --as NAME only the applications that operator may see are\n"
    "    listed, as tcard-issuerd lists them (docs/workflow.md, \"Scoping\"):\n"
    "    a unit's reviewer sees its unit's applications, a reviewer the\n"
    "    applications that reached a step of its organisation, the talent\n"
    "    office and a city office every application of a programme whose\n"
    "    steps use one of its roles, an auditor all. Without --as every\n"
    "    application is listed: whoever runs this on the authority's machine\n"
    "    holds the keys and the registry file anyway.\n"
    "\n"
    "OPTIONS\n"
    "    --state S       draft, submitted, returned, rejected, approved,\n"
    "                    issued or withdrawn\n"
    "    --overdue       only submitted or approved applications past the\n"
    "                    deadline of their step (today in Asia/Shanghai)\n"
    "    --programme P   only this programme\n"
    "    --as NAME       only what operator NAME may see (passphrase and\n"
    "                    TOTP code as for every --as)\n"
    "    --json          a JSON array of {\"id\", \"kind\", \"programme\",\n"
    "                    \"tier\", \"route\", \"clause\", \"state\", \"step\",\n"
    "                    \"step_name\", \"role\", \"deadline\", \"overdue\",\n"
    "                    \"applicant\" (masked), \"name\", \"employer\",\n"
    "                    \"created\", \"submitted\", ...}\n"
    "    --home DIR      the authority's home directory\n"
    "    --help          show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 listed (also when nothing matches); 2 usage error; 3 environment;\n"
    "    4 internal error.\n"
    "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer applications --overdue\n"
    "    tcard-issuer applications --state returned --programme guangzhou-green --json\n";

const char tc_issuer_application_show_help[] =
    "NAME\n"
    "    tcard-issuer application show - show one application\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer application show APP --as NAME [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Shows application APP: what it applies for, its state and current\n"
    "    step with role and deadline, the applicant (masked ID number, sex\n"
    "    and birth date), the employer, the form (without the ID number),\n"
    "    the attached files with their SHA-256, the steps reached with\n"
    "    their deadlines, and every action with its operator, time and\n"
    "    reason.\n"
    "\n"
    "    Sex, birth date and form are personal data sealed under the data\n"
    "    key in the registry (the birth date and sex are derived from a\n"
    "    resident ID number): they are shown only to an authenticated\n"
    "    operator. --as NAME is needed, with any role but admin (the\n"
    "    reviewers, approver, leadership-group, card-producer,\n"
    "    card-issuer, auditor). 'applications' lists without them. An\n"
    "    application the operator may not see (another unit's, one that has\n"
    "    not reached the operator's organisation) is 'no application APP',\n"
    "    as for one that does not exist.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME       the operator who reads it (passphrase from\n"
    "                    $TCARD_PASSPHRASE or the prompt)\n"
    "    --json          one JSON object: the fields of 'applications' and\n"
    "                    \"form\", \"exceptions\", \"overrides\", \"months\",\n"
    "                    \"sex\", \"birth_date\", \"id_type\",\n"
    "                    \"attachments\", \"steps\", \"actions\"\n"
    "    --home DIR      the authority's home directory\n"
    "    --help          show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 shown; 1 no such application, or the operator is refused (a\n"
    "    wrong passphrase, unknown, disabled or locked, the admin role\n"
    "    only); 2 usage error (no --as); 3 environment; 4 internal error.\n"
    "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer application show 12 --as hr-clerk\n";

const char tc_issuer_application_withdraw_help[] =
    "NAME\n"
    "    tcard-issuer application withdraw - withdraw an application\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer application withdraw APP --reason TEXT --as NAME\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Withdraws a draft, submitted or returned application at the\n"
    "    applicant's request; this is final. Needs the role unit-reviewer,\n"
    "    industry-reviewer or hr-reviewer, and an operator who has not\n"
    "    reviewed it. Audited: application.withdraw.\n"
    "\n"
    "OPTIONS\n"
    "    --reason TEXT   why\n"
    "    --as NAME       the acting operator\n"
    "    --home DIR      the authority's home directory\n"
    "    --help          show this page\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer application withdraw 12 --reason '申请人撤回' --as clerk\n";

/* Prints text with control characters as '?'. */
static void
clean(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

struct list_out {
	struct tc_session *s;
	json_t *arr;
	int failed;
};

static int
list_one(const struct tc_app *a, void *arg)
{
	struct list_out *lo = arg;
	const char *step, *zh, *role;

	if (lo->arr != NULL)
		return tc_cli_json_collect(
		    lo->arr, tc_ac_app_json(lo->s, a), &lo->failed);
	tc_ac_step(lo->s, a, &step, &zh, &role);
	printf("%-4lld %-9s %-17s %-8s %-18s %-17s %-10s %-18s ",
	    (long long)a->id, tc_app_state_name(a->state), a->programme,
	    a->tier[0] ? a->tier : "-", step[0] ? step : "-",
	    role[0] ? role : "-", a->deadline[0] && step[0] ? a->deadline : "-",
	    a->id_masked);
	clean(a->name);
	if (tc_app_overdue(a, lo->s->c.now))
		fputs("  OVERDUE", stdout);
	putchar('\n');
	return 0;
}

int
tc_issuer_applications_run(const struct tc_args *a)
{
	struct tc_app_filter flt;
	struct list_out lo = { NULL, NULL, 0 };
	struct tc_session s;
	const char *home = a->home, *v;
	char err[512] = "";
	int json = a->json, status, r;

	memset(&flt, 0, sizeof(flt));
	if ((v = tc_args_get(a, "state")) != NULL &&
	    tc_app_state_parse(v, &flt.state) != 0)
		return tc_cli_usage(
		    "--state is draft, submitted, returned, rejected, approved, issued or withdrawn");
	flt.overdue = tc_args_has(a, "overdue") > 0;
	flt.programme = tc_args_get(a, "programme");
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((status = tc_session_open(
		 &s, home, a->as, 0, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	flt.now = s.c.now;
	if (a->as != NULL)
		flt.ctx = &s.c; /* only what the operator may see */
	lo.s = &s;
	if ((status = tc_cli_list_start(json, &lo.arr, NULL,
		 "%-4s %-9s %-17s %-8s %-18s %-17s %-10s %-18s %s\n", "ID",
		 "STATE", "PROGRAMME", "TIER", "STEP", "ROLE", "DEADLINE",
		 "APPLICANT", "NAME")) != TC_EXIT_OK)
		goto out;
	r = tc_app_list(s.reg, &flt, list_one, &lo, err, sizeof(err));
	status =
	    tc_cli_list_end(r, "applications", err, lo.failed, NULL, lo.arr);
out:
	json_decref(lo.arr);
	tc_session_close(&s);
	return status;
}

/* Collectors for show: a JSON array, or printed lines. */
struct show_out {
	json_t *arr;
	int failed;
};

static int
show_att(const struct tc_app_attachment *at, void *arg)
{
	struct show_out *so = arg;
	char hex[65], when[32];
	json_t *o;

	tc_hex_encode(at->sha256, 32, hex);
	tc_ac_time(at->added_at, when);
	if (so->arr == NULL) {
		printf("  %lld  %-24s %-22s %-10s %8lld bytes",
		    (long long)at->id, tc_att_kind_name(at->kind),
		    at->material[0] ? at->material : "-",
		    tc_media_name(at->media), (long long)at->size);
		if (at->width)
			printf("  %ux%u", at->width, at->height);
		printf("  sha256 %.16s...  ", hex);
		clean(at->name);
		putchar('\n');
		return 0;
	}
	o = json_pack("{s:I, s:s, s:s?, s:s, s:I, s:s, s:s, s:s, s:s}", "id",
	    (json_int_t)at->id, "kind", tc_att_kind_name(at->kind), "material",
	    at->material[0] ? at->material : NULL, "media_type",
	    tc_media_type(at->media), "size", (json_int_t)at->size, "sha256",
	    hex, "name", at->name, "added", when, "added_by", at->added_by);
	if (o != NULL && at->width)
		json_object_set_new(o, "width", json_integer(at->width));
	if (o != NULL && at->width)
		json_object_set_new(o, "height", json_integer(at->height));
	return tc_cli_json_collect(so->arr, o, &so->failed);
}

static int
show_step(const struct tc_app_step_rec *st, void *arg)
{
	struct show_out *so = arg;
	char t1[32], t2[32], t3[32];
	json_t *o;

	tc_ac_time(st->started_at, t1);
	tc_ac_time(st->clock_at, t2);
	tc_ac_time(st->done_at, t3);
	if (so->arr == NULL) {
		printf(
		    "  %d %-18s started %s  clock %s  deadline %-10s  done %s\n",
		    st->step, st->step_id, t1, t2,
		    st->deadline[0] ? st->deadline : "-", t3);
		return 0;
	}
	o = json_pack("{s:i, s:s, s:s, s:s, s:s?, s:s?}", "step", st->step,
	    "id", st->step_id, "started", t1, "clock", t2, "deadline",
	    st->deadline[0] ? st->deadline : NULL, "done",
	    st->done_at ? t3 : NULL);
	return tc_cli_json_collect(so->arr, o, &so->failed);
}

static int
show_action(const struct tc_app_action *ac, void *arg)
{
	struct show_out *so = arg;
	char when[32];
	json_t *o, *d;

	tc_ac_time(ac->at, when);
	if (so->arr == NULL) {
		printf("  %s  %-9s %-18s by ", when, ac->action,
		    ac->step_id[0] ? ac->step_id : "(applicant)");
		clean(ac->operator_name);
		if (ac->reason[0] != '\0') {
			fputs(": ", stdout);
			clean(ac->reason);
		}
		if (strcmp(ac->detail, "{}") != 0) {
			putchar(' ');
			clean(ac->detail);
		}
		putchar('\n');
		return 0;
	}
	d = json_loads(ac->detail, 0, NULL);
	o = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o?}", "at", when, "action",
	    ac->action, "step", ac->step_id[0] ? ac->step_id : NULL, "operator",
	    ac->operator_name, "reason", ac->reason[0] ? ac->reason : NULL,
	    "detail", d);
	return tc_cli_json_collect(so->arr, o, &so->failed);
}

int
tc_issuer_application_show_run(const struct tc_args *args)
{
	struct show_out atts = { NULL, 0 }, steps = { NULL, 0 },
			acts = { NULL, 0 };
	struct tc_session s;
	struct tc_app a;
	const char *home = args->home, *as = args->as, *step, *zh, *role;
	char err[512] = "", t[32];
	int json = args->json, status, r;
	int64_t id;
	json_t *o = NULL;

	memset(&a, 0, sizeof(a));
	if (args->argc != 1 || tc_ac_app_id(args->argv[0], &id) != 0)
		return tc_cli_usage("give one application number");
	if (as == NULL)
		return tc_cli_usage(
		    "this command needs --as NAME: it shows the applicant's personal data, to an authenticated operator only");
	if ((status = tc_session_open(&s, home, as, TC_AC_READ_ROLES,
		 TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((r = tc_app_get(s.reg, id, &a, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "application", err);
		goto out;
	}
	/* One the operator may not see is one that does not exist. */
	if (!tc_app_visible(&s.c, &a)) {
		snprintf(
		    err, sizeof(err), "no application %lld", (long long)id);
		status = tc_cli_fail(TC_ERR_NOT_FOUND, "application", err);
		goto out;
	}
	if (json) {
		atts.arr = json_array();
		steps.arr = json_array();
		acts.arr = json_array();
		if ((o = tc_ac_app_json(&s, &a)) == NULL || atts.arr == NULL ||
		    steps.arr == NULL || acts.arr == NULL) {
			status = tc_cli_fail(TC_ERR_NOMEM, NULL, NULL);
			goto out;
		}
		json_object_set_new(o, "form", json_loads(a.form, 0, NULL));
		json_object_set_new(
		    o, "exceptions", json_loads(a.exceptions, 0, NULL));
		json_object_set_new(
		    o, "overrides", json_loads(a.overrides, 0, NULL));
		if (a.months)
			json_object_set_new(
			    o, "months", json_integer(a.months));
		if (a.employer_code[0])
			json_object_set_new(
			    o, "employer_code", json_string(a.employer_code));
		if (a.employer_category[0])
			json_object_set_new(o, "employer_category",
			    json_string(a.employer_category));
		if (a.work_type[0])
			json_object_set_new(
			    o, "work_type", json_string(a.work_type));
		if (a.sex[0])
			json_object_set_new(o, "sex", json_string(a.sex));
		if (a.birth_date[0])
			json_object_set_new(
			    o, "birth_date", json_string(a.birth_date));
		json_object_set_new(
		    o, "id_type", json_string(tc_id_type_name(a.id_type)));
	} else {
		tc_ac_step(&s, &a, &step, &zh, &role);
		printf("application %lld (%s)\n", (long long)a.id,
		    tc_app_kind_name(a.kind));
		printf("  programme   %s  tier %s  route %s  clause %s\n",
		    a.programme, a.tier[0] ? a.tier : "(decided at approval)",
		    a.route[0] ? a.route : "-", a.clause[0] ? a.clause : "-");
		printf("  state       %s", tc_app_state_name(a.state));
		if (step[0] != '\0')
			printf(", step %s (%s), %s %s", step, zh,
			    a.state == TC_APP_RETURNED ? "waiting for the"
						       : "role",
			    role);
		if (step[0] != '\0' && a.deadline[0] != '\0')
			printf(", deadline %s%s", a.deadline,
			    tc_app_overdue(&a, s.c.now) ? " OVERDUE" : "");
		putchar('\n');
		if (a.card_serial)
			printf("  card        serial %lld (%s)\n",
			    (long long)a.card_serial,
			    a.kind == TC_APP_SUB ? "principal" : "replaced");
		if (a.issued_serial)
			printf("  issued      serial %lld\n",
			    (long long)a.issued_serial);
		printf("  applicant   %s %s  ", tc_id_type_name(a.id_type),
		    a.id_masked);
		clean(a.name);
		printf("  %s %s\n", a.sex[0] ? a.sex : "",
		    a.birth_date[0] ? a.birth_date : "");
		printf("  employer    ");
		clean(a.employer[0] ? a.employer : "-");
		printf("  %s  %s  work type %s\n",
		    a.employer_code[0] ? a.employer_code : "",
		    a.employer_category, a.work_type[0] ? a.work_type : "-");
		tc_ac_time(a.created_at, t);
		printf("  created     %s by %s\n", t, a.created_by);
		if (a.months)
			printf("  validity    %d months (set at approval)\n",
			    a.months);
		if (strcmp(a.exceptions, "{}") != 0) {
			printf("  exceptions  ");
			clean(a.exceptions);
			printf("  overrides %s\n", a.overrides);
		}
		printf("  form        ");
		clean(a.form);
		printf("\nattachments\n");
	}
	if ((r = tc_app_attachment_list(
		 s.reg, id, show_att, &atts, err, sizeof(err))) != 0 ||
	    (!json && printf("steps\n") < 0) ||
	    (r = tc_app_step_list(
		 s.reg, id, show_step, &steps, err, sizeof(err))) != 0 ||
	    (!json && printf("actions\n") < 0) ||
	    (r = tc_app_action_list(
		 s.reg, id, show_action, &acts, err, sizeof(err))) != 0) {
		status = tc_cli_fail(r ? r : TC_ERR_IO, "application", err);
		goto out;
	}
	if (atts.failed || steps.failed || acts.failed) {
		status = tc_cli_fail(TC_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if (json) {
		json_object_set(o, "attachments", atts.arr);
		json_object_set(o, "steps", steps.arr);
		json_object_set(o, "actions", acts.arr);
		tc_cli_print_json(stdout, o);
	}
	status = TC_EXIT_OK;
out:
	json_decref(o);
	json_decref(atts.arr);
	json_decref(steps.arr);
	json_decref(acts.arr);
	tc_app_release(&a);
	tc_session_close(&s);
	return status;
}

int
tc_issuer_application_withdraw_run(const struct tc_args *a)
{
	struct tc_session s;
	const char *home = a->home, *as = a->as;
	const char *reason = tc_args_get(a, "reason");
	char err[512] = "";
	int status, r;
	int64_t id;

	if (a->argc != 1 || tc_ac_app_id(a->argv[0], &id) != 0)
		return tc_cli_usage("give one application number");
	if (reason == NULL)
		return tc_cli_usage("--reason TEXT is needed");
	if ((status = tc_session_open_as(&s, home, as, TC_APP_INTAKE_ROLES,
		 TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_session_begin(&s)) == TC_EXIT_OK) {
		r = tc_app_withdraw(&s.c, id, reason, err, sizeof(err));
		if ((status = tc_session_end(&s, r, "withdraw", err)) ==
		    TC_EXIT_OK)
			tc_ac_print_status(&s, id, "withdrawn");
	}
	tc_session_close(&s);
	return status;
}
