/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer blacklist add|list|remove and employer-bar add|list: the
 * registry's person blacklist and employer bars (src/registry/blacklist.c), which
 * the guards of every application consult (docs/workflow.md). Fraud found
 * on a card adds to both through 'revoke --reason fraud'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/blacklist.h"
#include "tcard/err.h"

#define ADMIN TC_ROLE_BIT(TC_ROLE_ADMIN)

const char tc_issuer_blacklist_add_help[] =
    "NAME\n"
    "    tcard-issuer blacklist add - put a person on the blacklist\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer blacklist add --id-type TYPE (--id - | --id-env VAR)\n"
    "                 --reason TEXT --as NAME [--until YYYY-MM-DD]\n"
    "                 [--programme P] [--source REF] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Lists the person with this ID document on the registry's\n"
    "    blacklist (the green card's 诚信黑名单, 002 十一(六)): their\n"
    "    applications to every programme of this registry are refused at\n"
    "    submission, approval and issue. The person is kept by the keyed\n"
    "    MAC of the number, never the number; outputs show the masked\n"
    "    form. Without --until the entry has no end. 'revoke --reason\n"
    "    fraud' lists a card's holder itself. Needs the role admin.\n"
    "    Audited: blacklist.add.\n"
    "\n"
    "OPTIONS\n"
    "    --id-type TYPE   resident, passport, hkmo-permit, ...\n"
    "    --id -           read the ID number from standard input\n"
    "    --id-env VAR     read it from variable VAR\n"
    "    --reason TEXT    why (at most 512 bytes)\n"
    "    --until DATE     the first day the person is no longer listed\n"
    "    --programme P, --source REF  the rule it follows, e.g.\n"
    "                     guangzhou-green and '002 十一(六)'\n"
    "    --as NAME        the acting operator (admin)\n"
    "    --home DIR       the authority's home directory\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    printf '%s\\n' \"$ID\" | tcard-issuer blacklist add --id-type resident \\\n"
    "        --id - --reason '伪造学历证明' --as admin\n";

const char tc_issuer_blacklist_list_help[] =
    "NAME\n"
    "    tcard-issuer blacklist list - show the blacklist\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer blacklist list [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Lists the entries, newest first: ADDED MASKED-ID UNTIL BY REASON.\n"
    "    --json prints an array of {\"id_masked\", \"reason\", \"programme\",\n"
    "    \"source\", \"card_serial\", \"until\", \"added\", \"added_by\",\n"
    "    \"active\"}.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 listed; 2 usage error; 3 environment; 4 internal error.\n"
    "\n" TC_AC_ENV;

const char tc_issuer_blacklist_remove_help[] =
    "NAME\n"
    "    tcard-issuer blacklist remove - take a person off the blacklist\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer blacklist remove --id-type TYPE (--id - | --id-env VAR)\n"
    "                 --reason TEXT --as NAME [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Removes the entry of this person (the audit log keeps its\n"
    "    history). Needs the role admin. Audited: blacklist.remove.\n"
    "    --programme P and --source REF are taken, as 'blacklist add'\n"
    "    takes them, and not used.\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV;

const char tc_issuer_employer_bar_add_help[] =
    "NAME\n"
    "    tcard-issuer employer-bar add - bar an employer from applying\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer employer-bar add --employer NAME [--code USCC]\n"
    "                 (--years N | --until YYYY-MM-DD) [--since YYYY-MM-DD]\n"
    "                 --reason TEXT --as NAME [--programme P] [--source REF]\n"
    "                 [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    A unit caught in fraud may not apply for 3 years (green card, 002\n"
    "    十一(六)). Applications whose employer has this unified social\n"
    "    credit code, or this name (compared after folding width, case\n"
    "    and white space), are refused from SINCE (default today, in\n"
    "    Asia/Shanghai) up to the day before UNTIL (--years N: the same\n"
    "    date N years on). 'revoke --reason fraud --bar-employer' bars the\n"
    "    employer of a card's application itself. Needs the role admin.\n"
    "    Audited: employer.bar.\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer employer-bar add --employer '广州某某咨询有限公司' \\\n"
    "        --code 91440101MA5CXQ8N2U --years 3 --reason '协助伪造材料' \\\n"
    "        --programme guangzhou-green --source '002 十一(六)' --as admin\n";

const char tc_issuer_employer_bar_list_help[] =
    "NAME\n"
    "    tcard-issuer employer-bar list - show employer bars\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer employer-bar list [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Lists the bars, newest first: ID SINCE UNTIL ACTIVE CODE EMPLOYER\n"
    "    REASON. --json prints an array of {\"id\", \"employer\", \"code\",\n"
    "    \"since\", \"until\", \"active\", \"reason\", \"programme\", \"source\",\n"
    "    \"card_serial\", \"added\", \"added_by\"}.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 listed; 2 usage error; 3 environment; 4 internal error.\n"
    "\n" TC_AC_ENV;

static void
clean(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* add and remove: the person's ID, normalised. */
static int
person_id(const char *type_name, const char *id_opt, const char *id_env,
    time_t now, enum tc_id_type *type, char norm[TC_ID_MAX])
{
	char raw[3 * 64], err[256] = "";
	int r, status;

	if (type_name == NULL || tc_app_id_type_parse(type_name, type) != 0)
		return tc_cli_usage(
		    "--id-type TYPE is needed (resident, passport, hkmo-permit, ...)");
	if ((status = tc_ac_read_id(id_opt, id_env,
		 "give the ID number with --id - or --id-env VAR", raw,
		 sizeof(raw))) != TC_EXIT_OK)
		return status;
	r = tc_id_normalise(*type, raw, now, norm, err, sizeof(err));
	OPENSSL_cleanse(raw, sizeof(raw));
	if (r != 0)
		return tc_cli_fail(r, "ID number", err);
	return TC_EXIT_OK;
}

/* remove takes add's options but --until, which it refuses by name. */
const struct tc_opt tc_issuer_blacklist_remove_refused[] = {
	{ "until", TC_OPT_VALUE, "unknown option --until" },
	{ NULL },
};

/* blacklist add and blacklist remove. */
int
tc_issuer_blacklist_change_run(const struct tc_args *a)
{
	int add = tc_args_is(a, "blacklist add");
	const char *home = a->home, *as = a->as;
	const char *type_name = tc_args_get(a, "id-type");
	const char *id_opt = tc_args_get(a, "id");
	const char *id_env = tc_args_get(a, "id-env");
	const char *reason = tc_args_get(a, "reason");
	const char *until = add ? tc_args_get(a, "until") : NULL;
	const char *programme = tc_args_get(a, "programme");
	const char *source = tc_args_get(a, "source");
	char norm[TC_ID_MAX] = "", masked[TC_ID_MAX], err[512] = "";
	enum tc_id_type type;
	struct tc_session s;
	int64_t day;
	int status, r;

	if (until != NULL && tc_date_parse(until, &day, err, sizeof(err)) != 0)
		return tc_cli_usage("--until: %s", err);
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (reason == NULL)
		return tc_cli_usage("--reason TEXT is needed");
	if ((status = tc_session_open_as(
		 &s, home, as, ADMIN, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if ((status = person_id(type_name, id_opt, id_env, s.c.now, &type,
		 norm)) != TC_EXIT_OK)
		goto out;
	tc_id_mask(norm, masked);
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = add ? tc_blacklist_add_id(s.reg, type, norm, reason, programme,
		      source, until, 0, 0, s.op.name, s.c.now, err, sizeof(err))
		: tc_blacklist_remove_id(s.reg, type, norm, reason, s.op.name,
		      s.c.now, err, sizeof(err));
	if ((status = tc_session_end(
		 &s, r, add ? "blacklist add" : "blacklist remove", err)) ==
	    TC_EXIT_OK)
		printf("%s %s %s the blacklist\n", tc_id_type_name(type),
		    masked, add ? "added to" : "removed from");
out:
	OPENSSL_cleanse(norm, sizeof(norm));
	tc_session_close(&s);
	return status;
}

struct list_out {
	json_t *arr;
	char today[TC_DATE_TEXT]; /* an entry or bar is active today */
	int failed;
};

static int
bl_one(const struct tc_blacklist_entry *e, void *arg)
{
	struct list_out *lo = arg;
	char added[TC_DATE_TEXT];
	json_t *o;
	int active;

	tc_date_format(tc_day_of_time(e->added_at), added);
	active = e->until[0] == '\0' || strcmp(lo->today, e->until) < 0;
	if (lo->arr == NULL) {
		printf("%-10s %-18s %-10s %-7s %-12s ", added, e->id_masked,
		    e->until[0] ? e->until : "-", active ? "active" : "ended",
		    e->added_by);
		clean(e->reason);
		putchar('\n');
		return 0;
	}
	o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s, s:b}",
	    "id_masked", e->id_masked, "reason", e->reason, "programme",
	    e->programme[0] ? e->programme : NULL, "source",
	    e->source[0] ? e->source : NULL, "until",
	    e->until[0] ? e->until : NULL, "added", added, "added_by",
	    e->added_by, "active", active);
	if (o != NULL && e->card_serial)
		json_object_set_new(
		    o, "card_serial", json_integer(e->card_serial));
	return tc_cli_json_collect(lo->arr, o, &lo->failed);
}

static int
bar_one(const struct tc_employer_bar *b, void *arg)
{
	struct list_out *lo = arg;
	char added[TC_DATE_TEXT];
	json_t *o;
	int active;

	tc_date_format(tc_day_of_time(b->added_at), added);
	active =
	    strcmp(b->since, lo->today) <= 0 && strcmp(lo->today, b->until) < 0;
	if (lo->arr == NULL) {
		printf("%-4lld %-10s %-10s %-7s %-18s ", (long long)b->id,
		    b->since, b->until, active ? "active" : "ended",
		    b->employer_code[0] ? b->employer_code : "-");
		clean(b->employer);
		fputs("  ", stdout);
		clean(b->reason);
		putchar('\n');
		return 0;
	}
	o = json_pack(
	    "{s:I, s:s, s:s?, s:s, s:s, s:b, s:s, s:s?, s:s?, s:s, s:s}", "id",
	    (json_int_t)b->id, "employer", b->employer, "code",
	    b->employer_code[0] ? b->employer_code : NULL, "since", b->since,
	    "until", b->until, "active", active, "reason", b->reason,
	    "programme", b->programme[0] ? b->programme : NULL, "source",
	    b->source[0] ? b->source : NULL, "added", added, "added_by",
	    b->added_by);
	if (o != NULL && b->card_serial)
		json_object_set_new(
		    o, "card_serial", json_integer(b->card_serial));
	return tc_cli_json_collect(lo->arr, o, &lo->failed);
}

/* blacklist list and employer-bar list. */
int
tc_issuer_blacklist_list_run(const struct tc_args *a)
{
	int bars = tc_args_is(a, "employer-bar list");
	struct list_out lo = { NULL, "", 0 };
	struct tc_session s;
	const char *home = a->home;
	char err[512] = "";
	int json = a->json, status, r;

	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if ((status = tc_session_open(
		 &s, home, NULL, 0, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	tc_date_format(tc_day_of_time(s.c.now), lo.today);
	if (json && (lo.arr = json_array()) == NULL) {
		status = tc_cli_fail(TC_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if (!json && bars)
		printf("%-4s %-10s %-10s %-7s %-18s %s\n", "ID", "SINCE",
		    "UNTIL", "STATE", "CODE", "EMPLOYER  REASON");
	else if (!json)
		printf("%-10s %-18s %-10s %-7s %-12s %s\n", "ADDED", "PERSON",
		    "UNTIL", "STATE", "BY", "REASON");
	r = bars ? tc_employer_bar_list(s.reg, bar_one, &lo, err, sizeof(err))
		 : tc_blacklist_list(s.reg, bl_one, &lo, err, sizeof(err));
	status = tc_cli_list_end(r, bars ? "employer bars" : "blacklist", err,
	    lo.failed, NULL, lo.arr);
out:
	json_decref(lo.arr);
	tc_session_close(&s);
	return status;
}

int
tc_issuer_employer_bar_add_run(const struct tc_args *a)
{
	const char *home = a->home, *as = a->as;
	const char *employer = tc_args_get(a, "employer");
	const char *code = tc_args_get(a, "code");
	const char *since = tc_args_get(a, "since");
	const char *until = tc_args_get(a, "until");
	const char *reason = tc_args_get(a, "reason");
	const char *programme = tc_args_get(a, "programme");
	const char *source = tc_args_get(a, "source"), *v;
	char err[512] = "", d1[TC_DATE_TEXT], d2[TC_DATE_TEXT], *end;
	struct tc_session s;
	int64_t day, bar_id = 0;
	long years = 0;
	int status, r;

	if ((v = tc_args_get(a, "years")) != NULL) {
		years = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || years < 1 || years > 100)
			return tc_cli_usage(
			    "--years wants 1 to 100, not '%s'", v);
	}
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%s'", a->argv[0]);
	if (employer == NULL || reason == NULL)
		return tc_cli_usage(
		    "--employer NAME and --reason TEXT are needed");
	if ((years != 0) == (until != NULL))
		return tc_cli_usage("give --years N or --until DATE");
	if ((status = tc_session_open_as(
		 &s, home, as, ADMIN, TC_SESSION_WORKDAYS)) != TC_EXIT_OK)
		return status;
	if (since == NULL) {
		tc_date_format(tc_day_of_time(s.c.now), d1);
		since = d1;
	} else if (tc_date_parse(since, &day, err, sizeof(err)) != 0) {
		status = tc_cli_usage("--since: %s", err);
		goto out;
	}
	if (years != 0) {
		if (tc_date_parse(since, &day, err, sizeof(err)) != 0) {
			status = tc_cli_usage("--since: %s", err);
			goto out;
		}
		tc_date_format(tc_day_add_months(day, 12 * (int)years), d2);
		until = d2;
	}
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto out;
	r = tc_employer_bar_add(s.reg, employer, code, since, until, reason,
	    programme, source, 0, s.op.name, s.c.now, &bar_id, err,
	    sizeof(err));
	if ((status = tc_session_end(&s, r, "employer-bar add", err)) ==
	    TC_EXIT_OK)
		printf("employer bar %lld: from %s until %s\n",
		    (long long)bar_id, since, until);
out:
	tc_session_close(&s);
	return status;
}
