/* SPDX-License-Identifier: MIT */
/*
 * Shared parts of the card lifecycle commands (issuer/card-cli.h): the
 * session (home, registry, programmes, clock, acting operator), the
 * transaction around one library action, card lookup and the printing of
 * results. src/registry/lifecycle.c holds the rules; this file only calls and
 * reports.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "card-cli.h"
#include "cli.h"
#include "home.h"
#include "operator.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/lifecycle.h"
#include "tcard/registry.h"
#include "tcard/serial.h"

struct tc_lifecycle
tc_lc_ctx(const struct tc_session *s)
{
	struct tc_lifecycle lc;

	lc.reg = s->reg;
	lc.programmes = s->progs;
	lc.operator_name = s->op.name[0] != '\0' ? s->op.name : "system";
	lc.now = s->now;
	return lc;
}

int
tc_lc_open(struct tc_session *s, const struct tc_args *a,
    struct tc_card_state *c, struct tc_lifecycle *lc)
{
	int status;

	if ((status = tc_session_open(s, a->home, a->as, TC_LC_ROLES_ANY,
		 TC_SESSION_NEED_AS)) != TC_EXIT_OK)
		return status;
	if ((status = tc_lc_card(s, a->argv[0], c)) != TC_EXIT_OK ||
	    (status = tc_session_begin(s)) != TC_EXIT_OK) {
		tc_session_close(s);
		return status;
	}
	*lc = tc_lc_ctx(s);
	return TC_EXIT_OK;
}

int
tc_lc_reserve(struct tc_session *s, int r, const char *what, const char *err,
    const char *prefix, const char *card_no, int64_t *serial)
{
	char subject[64], rerr[512] = "";

	tc_registry_rollback(s->reg);
	if (r != 0)
		return tc_cli_fail(r, what, err);
	snprintf(subject, sizeof(subject), "%s:%s", prefix, card_no);
	if ((r = tc_serial_reserve(s->reg, tc_lc_ctx(s).operator_name, subject,
		 s->now, serial, rerr, sizeof(rerr))) != 0)
		return tc_cli_fail(r, "serial", rerr);
	return tc_session_begin(s);
}

int
tc_lc_card(struct tc_session *s, const char *text, struct tc_card_state *c)
{
	char err[512] = "";
	int r;

	if ((r = tc_lifecycle_card_find(s->reg, text, c, err, sizeof(err))) !=
	    0)
		return tc_cli_fail(r, "CARD", err);
	return TC_EXIT_OK;
}

void
tc_lc_grouped(const char *card_no, char out[20])
{
	tc_cardno_group(card_no, out);
	if (out[0] == '\0')
		snprintf(out, 20, "%.16s", card_no);
}

void
tc_lc_valid_to(time_t expires_at, char out[TC_LIFECYCLE_DATE_LEN])
{
	tc_lifecycle_date(expires_at - 1, out);
}

void
tc_lc_print_clean(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

int
tc_lc_report(struct tc_session *s, const char *action,
    const struct tc_lifecycle_result *res, int json, const char *text)
{
	struct tc_card_state c, m;
	char vt[TC_LIFECYCLE_DATE_LEN], err[512] = "";
	json_t *o;
	int r;

	if (!json) {
		if (text != NULL)
			printf("%s\n", text);
		if (res != NULL && res->warning[0] != '\0')
			fprintf(stderr, "tcard-issuer %s: warning: %s\n",
			    tc_cli_cmdname(), res->warning);
		return TC_EXIT_OK;
	}
	if ((o = json_object()) == NULL)
		return tc_cli_fail(TC_ERR_NOMEM, "json", NULL);
	json_object_set_new(o, "action", json_string(action));
	if (res != NULL && res->serial != 0) {
		if ((r = tc_lifecycle_card_get(
			 s->reg, res->serial, &c, err, sizeof(err))) != 0) {
			json_decref(o);
			return tc_cli_fail(r, "card", err);
		}
		tc_lc_valid_to(c.card.expires_at, vt);
		json_object_set_new(o, "card", json_string(c.card.card_no));
		json_object_set_new(
		    o, "serial", json_integer((json_int_t)c.card.serial));
		json_object_set_new(o, "status",
		    json_string(tc_card_status_name(c.card.status)));
		json_object_set_new(o, "status_reason",
		    c.status_reason[0] != '\0' ? json_string(c.status_reason)
					       : json_null());
		json_object_set_new(o, "valid_to", json_string(vt));
		json_object_set_new(o, "expires_at",
		    json_integer((json_int_t)c.card.expires_at));
		json_object_set_new(
		    o, "renewals", json_integer((json_int_t)c.renewals));
		if (c.card.principal_serial != 0 &&
		    tc_lifecycle_card_get(
			s->reg, c.card.principal_serial, &m, NULL, 0) == 0) {
			json_object_set_new(
			    o, "main_card", json_string(m.card.card_no));
			json_object_set_new(
			    o, "relation", json_string(c.card.relation));
		}
		json_object_set_new(o, "sub_cards_changed",
		    json_integer((json_int_t)res->cascaded));
		if (res->new_serial != 0) {
			json_object_set_new(
			    o, "new_card", json_string(res->new_card_no));
			json_object_set_new(o, "new_serial",
			    json_integer((json_int_t)res->new_serial));
		}
		json_object_set_new(o, "late", json_boolean(res->late));
		json_object_set_new(
		    o, "days", json_integer((json_int_t)res->days));
		json_object_set_new(o, "warning",
		    res->warning[0] != '\0' ? json_string(res->warning)
					    : json_null());
		json_object_set_new(
		    o, "blacklisted", json_boolean(res->blacklisted));
		json_object_set_new(
		    o, "employer_barred", json_boolean(res->employer_barred));
		if (res->employer_barred) {
			tc_lifecycle_date(res->barred_until, vt);
			json_object_set_new(o, "barred_until", json_string(vt));
		}
	}
	tc_cli_print_json(stdout, o);
	json_decref(o);
	return TC_EXIT_OK;
}
