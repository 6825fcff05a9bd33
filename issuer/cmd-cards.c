/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer cards and card show: listing the registry's cards and
 * showing one with its sub-cards, reported changes and audit history
 * (src/registry/lifecycle.c for reading, src/registry/audit.c for the history). Read-only:
 * no --as. ID numbers appear masked only. docs/lifecycle.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "card-cli.h"
#include "issuer.h"
#include "operator.h"
#include "tcard/card-json.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/programme.h"
#include "tcard/registry.h"

const char tc_issuer_cards_help[] =
    "NAME\n"
    "    tcard-issuer cards - list the registry's cards\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer cards [--status STATUS] [--programme ID] [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Lists cards in serial order, sub-cards included, one per line:\n"
    "        CARD  SERIAL  PROGRAMME  TIER  STATUS  VALID-TO  HOLDER  MAIN\n"
    "    HOLDER is the masked ID number and the name; MAIN is the main card\n"
    "    of a sub-card with the relation. VALID-TO is the last day the card\n"
    "    is valid (Beijing time). STATUS is the recorded one; an issued or\n"
    "    suspended card past its expiry is marked 'expired*' until\n"
    "    'tcard-issuer expire' records it. Needs no operator: reading needs\n"
    "    the keys and the registry file already.\n"
    "\n"
    "OPTIONS\n"
    "    --status S      only issued, suspended, revoked or expired cards\n"
    "    --programme ID  only the cards of this programme\n"
    "    --json          a JSON array of {\"card\", \"serial\", \"programme\",\n"
    "                    \"tier\", \"status\", \"status_reason\", \"status_since\",\n"
    "                    \"past_expiry\", \"issued\", \"valid_to\", \"expires_at\",\n"
    "                    \"renewals\", \"holder\": {\"id_type\", \"id_masked\",\n"
    "                    \"name\"}, \"main_card\", \"relation\", \"replaces\",\n"
    "                    \"replaced_by\"}\n"
    "    --home DIR      the authority's home directory\n"
    "    --help          show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 listed (also when nothing matches); 2 usage error; 3 keys,\n"
    "    registry or programme files missing or a database error; 4\n"
    "    internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   test builds: injected clock (marks cards past expiry)\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer cards --status suspended\n"
    "    tcard-issuer cards --programme guangzhou-green --json\n";

const char tc_issuer_card_show_help[] =
    "NAME\n"
    "    tcard-issuer card show - show one card, its sub-cards and history\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer card show CARD [--json] [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Shows card CARD (its 16-digit number, with or without spaces, or\n"
    "    its serial): programme and tier, the holder (masked ID number and\n"
    "    name), status with reason and date, validity, renewals, the card\n"
    "    it replaced or that replaced it, its main card or its sub-cards,\n"
    "    the changes of employer and residence reported for it (and for\n"
    "    the cards it replaced), and its history from the audit log (every\n"
    "    entry whose subject is card:NUMBER, with time, operator and\n"
    "    detail). Read-only: no --as.\n"
    "\n"
    "OPTIONS\n"
    "    --json      one JSON object: the fields of 'cards --json' plus\n"
    "                \"sub_cards\" (array), \"changes\" (array of {\"kind\",\n"
    "                \"value\", \"uscc\", \"effective\", \"reported\", \"days\",\n"
    "                \"late\"}) and \"history\" (array of {\"seq\", \"time\",\n"
    "                \"operator\", \"action\", \"detail\"})\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n"
    "EXIT STATUS\n"
    "    0 shown; 1 no such card or a mistyped card number; 2 usage error;\n"
    "    3 keys, registry or database; 4 internal error.\n"
    "\n"
    "ENVIRONMENT\n"
    "    TCARD_HOME  default home directory\n"
    "    TCARD_NOW   test builds: injected clock\n"
    "\n"
    "EXAMPLES\n"
    "    tcard-issuer card show '4401 0000 0000 0017'\n"
    "    tcard-issuer card show 17 --json\n";

struct out {
	struct tc_session *s;
	json_t *array; /* NULL: text */
	int failed;
};

/* The status as shown: 'expired*' when past expiry but not yet swept. */
static const char *
shown_status(const struct tc_card_state *c, time_t now, int *past)
{
	*past = tc_card_past_expiry(c, now);
	return *past ? "expired*" : tc_card_status_name(c->card.status);
}

static int
list_one(const struct tc_card_state *c, void *arg)
{
	struct out *o = arg;
	struct tc_card_state m;
	char g[20], gm[20], vt[TC_LIFECYCLE_DATE_LEN];
	const char *st;
	int past;

	if (o->array != NULL)
		return tc_cli_json_collect(o->array,
		    tc_card_json(o->s->reg, c, o->s->now), &o->failed);
	tc_lc_grouped(c->card.card_no, g);
	tc_lc_valid_to(c->card.expires_at, vt);
	st = shown_status(c, o->s->now, &past);
	printf("%s  %9lld  %-16s  %-15s  %-9s  %s  %s  ", g,
	    (long long)c->card.serial, c->card.programme, c->card.tier, st, vt,
	    c->holder_masked);
	tc_lc_print_clean(stdout, c->holder_name);
	if (c->card.principal_serial != 0) {
		if (tc_lifecycle_card_get(
			o->s->reg, c->card.principal_serial, &m, NULL, 0) == 0)
			tc_lc_grouped(m.card.card_no, gm);
		else
			snprintf(gm, sizeof(gm), "serial %lld",
			    (long long)c->card.principal_serial);
		printf("  (%s of %s)", c->card.relation, gm);
	}
	putchar('\n');
	return 0;
}

int
tc_issuer_cards_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_card_filter f;
	struct out o = { NULL, NULL, 0 };
	const char *home = a->home, *v;
	char err[512] = "";
	int json = a->json, status, r;

	memset(&f, 0, sizeof(f));
	if ((v = tc_args_get(a, "status")) != NULL &&
	    tc_card_status_parse(v, &f.status) != 0)
		return tc_cli_usage(
		    "--status is issued, suspended, revoked or expired, not '%.32s'",
		    v);
	f.programme = tc_args_get(a, "programme");
	if (a->argc != 0)
		return tc_cli_usage("unexpected argument '%.64s'", a->argv[0]);
	if ((status = tc_session_open(&s, home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	o.s = &s;
	if ((status = tc_cli_list_start(json, &o.array, "json",
		 "%-19s  %9s  %-16s  %-15s  %-9s  %-10s  %s\n", "CARD",
		 "SERIAL", "PROGRAMME", "TIER", "STATUS", "VALID-TO",
		 "HOLDER")) != TC_EXIT_OK)
		goto out;
	r = tc_lifecycle_card_list(s.reg, &f, list_one, &o, err, sizeof(err));
	status = tc_cli_list_end(r, "cards", err, o.failed, "json", o.array);
out:
	json_decref(o.array);
	tc_session_close(&s);
	return status;
}

/* card show. */

struct show {
	struct tc_session *s;
	json_t *subs, *changes, *history; /* JSON, or NULL for text */
	int n;
	int failed;
};

static int
show_sub(const struct tc_card_state *c, void *arg)
{
	struct show *sh = arg;
	char g[20], vt[TC_LIFECYCLE_DATE_LEN];
	int past;

	sh->n++;
	if (sh->subs != NULL)
		return tc_cli_json_collect(sh->subs,
		    tc_card_json(sh->s->reg, c, sh->s->now), &sh->failed);
	tc_lc_grouped(c->card.card_no, g);
	tc_lc_valid_to(c->card.expires_at, vt);
	printf("  %s  %-13s  %-9s  to %s  %s  ", g, c->card.relation,
	    shown_status(c, sh->s->now, &past), vt, c->holder_masked);
	tc_lc_print_clean(stdout, c->holder_name);
	putchar('\n');
	return 0;
}

static int
show_change(const struct tc_card_change *ch, void *arg)
{
	struct show *sh = arg;
	char rep[TC_LIFECYCLE_DATE_LEN];
	json_t *j;

	sh->n++;
	tc_lifecycle_date(ch->reported_at, rep);
	if (sh->changes != NULL) {
		j = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:i, s:b}", "kind",
		    tc_change_kind_name(ch->kind), "value", ch->value, "uscc",
		    ch->uscc, "effective", ch->effective, "reported", rep,
		    "days", ch->days, "late", ch->late);
		return tc_cli_json_collect(sh->changes, j, &sh->failed);
	}
	printf("  %s  %-9s  ", ch->effective, tc_change_kind_name(ch->kind));
	tc_lc_print_clean(stdout, ch->value);
	if (ch->uscc != NULL)
		printf(" (%s)", ch->uscc);
	printf("  reported %s, after %d day%s%s\n", rep, ch->days,
	    ch->days == 1 ? "" : "s", ch->late ? ", LATE" : "");
	return 0;
}

static int
show_entry(const struct tc_audit_entry *e, void *arg)
{
	struct show *sh = arg;
	char when[32];
	json_t *j, *d;

	sh->n++;
	tc_cli_utc((time_t)e->at, when);
	if (sh->history != NULL) {
		if ((d = json_loads(e->detail, 0, NULL)) == NULL)
			d = json_string(e->detail);
		j = json_pack("{s:I, s:s, s:s, s:s, s:o?}", "seq",
		    (json_int_t)e->seq, "time", when, "operator",
		    e->operator_name, "action", e->action, "detail", d);
		return tc_cli_json_collect(sh->history, j, &sh->failed);
	}
	printf("  %" PRId64 "  %s  ", e->seq, when);
	tc_lc_print_clean(stdout, e->operator_name);
	fputs("  ", stdout);
	tc_lc_print_clean(stdout, e->action);
	fputs("  ", stdout);
	tc_lc_print_clean(stdout, e->detail);
	putchar('\n');
	return 0;
}

static void
print_card(struct tc_session *s, const struct tc_card_state *c)
{
	const struct tc_programme *p =
	    tc_programme_set_find(s->progs, c->card.programme);
	struct tc_card_state o;
	char g[20], d[TC_LIFECYCLE_DATE_LEN], since[TC_LIFECYCLE_DATE_LEN];
	int past;

	tc_lc_grouped(c->card.card_no, g);
	printf("card       %s (serial %lld)\n", g, (long long)c->card.serial);
	printf("programme  %s", c->card.programme);
	if (p != NULL && p->names.en != NULL)
		printf(" (%s)", p->names.en);
	printf(", tier %s\n", c->card.tier);
	printf("holder     %s %s  ", tc_id_type_name(c->holder_id_type),
	    c->holder_masked);
	tc_lc_print_clean(stdout, c->holder_name);
	putchar('\n');
	tc_lifecycle_date(c->status_at, since);
	printf("status     %s", shown_status(c, s->now, &past));
	if (past)
		printf(" (recorded %s; run 'tcard-issuer expire')",
		    tc_card_status_name(c->card.status));
	else {
		printf(" since %s", since);
		if (c->status_reason[0] != '\0') {
			fputs(" (", stdout);
			tc_lc_print_clean(stdout, c->status_reason);
			fputs(")", stdout);
		}
	}
	putchar('\n');
	tc_lifecycle_date(c->card.issued_at, d);
	printf("issued     %s\n", d);
	tc_lc_valid_to(c->card.expires_at, d);
	printf("valid to   %s (renewals: %d)\n", d, c->renewals);
	if (c->replaces != 0 &&
	    tc_lifecycle_card_get(s->reg, c->replaces, &o, NULL, 0) == 0) {
		tc_lc_grouped(o.card.card_no, g);
		printf("replaces   %s\n", g);
	}
	if (c->replaced_by != 0 &&
	    tc_lifecycle_card_get(s->reg, c->replaced_by, &o, NULL, 0) == 0) {
		tc_lc_grouped(o.card.card_no, g);
		printf("replaced   by %s\n", g);
	}
	if (c->card.principal_serial != 0 &&
	    tc_lifecycle_card_get(
		s->reg, c->card.principal_serial, &o, NULL, 0) == 0) {
		tc_lc_grouped(o.card.card_no, g);
		printf("main card  %s (%s)\n", g, c->card.relation);
	}
}

int
tc_issuer_card_show_run(const struct tc_args *a)
{
	struct tc_session s;
	struct tc_card_state c;
	struct tc_card_filter f;
	struct show sh;
	const char *home = a->home;
	char err[512] = "", subject[TC_AUDIT_SUBJECT_MAX];
	int json = a->json, status, r;
	json_t *j = NULL;

	memset(&sh, 0, sizeof(sh));
	if (a->argc != 1)
		return tc_cli_usage("give one CARD (number or serial)");
	if ((status = tc_session_open(&s, home, NULL, 0, 0)) != TC_EXIT_OK)
		return status;
	if ((status = tc_lc_card(&s, a->argv[0], &c)) != TC_EXIT_OK)
		goto out;
	sh.s = &s;
	if (json) {
		if ((j = tc_card_json(s.reg, &c, s.now)) == NULL ||
		    (sh.subs = json_array()) == NULL ||
		    (sh.changes = json_array()) == NULL ||
		    (sh.history = json_array()) == NULL) {
			status = tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
			goto out;
		}
	} else
		print_card(&s, &c);
	memset(&f, 0, sizeof(f));
	f.principal = c.card.serial;
	if (!json && c.card.principal_serial == 0)
		printf("sub-cards\n");
	sh.n = 0;
	if (c.card.principal_serial == 0 &&
	    (r = tc_lifecycle_card_list(
		 s.reg, &f, show_sub, &sh, err, sizeof(err))) != 0 &&
	    !sh.failed) {
		status = tc_cli_fail(r, "card show", err);
		goto out;
	}
	if (!json && c.card.principal_serial == 0 && sh.n == 0)
		printf("  none\n");
	if (!json)
		printf("changes\n");
	sh.n = 0;
	if ((r = tc_lifecycle_changes_list(s.reg, c.card.serial, show_change,
		 &sh, err, sizeof(err))) != 0 &&
	    !sh.failed) {
		status = tc_cli_fail(r, "card show", err);
		goto out;
	}
	if (!json && sh.n == 0)
		printf("  none\n");
	if (!json)
		printf("history\n");
	snprintf(subject, sizeof(subject), "card:%s", c.card.card_no);
	if ((r = tc_registry_audit_subject(
		 s.reg, subject, show_entry, &sh, err, sizeof(err))) != 0 &&
	    !sh.failed) {
		status = tc_cli_fail(r, "card show", err);
		goto out;
	}
	if (sh.failed) {
		status = tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
		goto out;
	}
	if (json) {
		json_object_set(j, "sub_cards", sh.subs);
		json_object_set(j, "changes", sh.changes);
		json_object_set(j, "history", sh.history);
		tc_cli_print_json(stdout, j);
	}
	status = TC_EXIT_OK;
out:
	json_decref(j);
	json_decref(sh.subs);
	json_decref(sh.changes);
	json_decref(sh.history);
	tc_session_close(&s);
	return status;
}
