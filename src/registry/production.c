/* SPDX-License-Identifier: MIT */
/*
 * The production queue (include/tcard/production.h, docs/workflow.md
 * "Production"): the production table of schema step 16, one row per card
 * allocated at the last approval (src/registry/application.c queues it),
 * scoped to the operator's branch.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "app-int.h"
#include "tcard/err.h"
#include "tcard/id.h"
#include "tcard/operator.h"
#include "tcard/organisation.h"
#include "tcard/production.h"
#include "tcard/role.h"

static const char *const state_names[] = {
	[TC_PROD_TO_MAKE] = "to-make",
	[TC_PROD_IN_PROGRESS] = "in-progress",
	[TC_PROD_FAILED] = "failed",
	[TC_PROD_MADE] = "made",
	[TC_PROD_DELIVERED] = "delivered",
};

#define PROD_ROLES                                                             \
	(TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER) | TC_ROLE_BIT(TC_ROLE_CARD_ISSUER))

/* The columns every read of an item selects, in struct order. */
#define ITEM_SQL                                                                \
	"SELECT p.serial, c.card_no, p.application, c.programme, c.tier, "      \
	"a.name, a.id_masked, ifnull(p.branch, ''), p.state, "                  \
	"ifnull(p.reason, ''), p.queued_at, p.updated_at, "                     \
	"ifnull(p.made_at, 0), ifnull(a.step_id, ''), ifnull(a.deadline, ''), " \
	"ifnull(p.print_job, -1), ifnull(p.print_state, ''), "                  \
	"ifnull(p.print_reason, '') "                                           \
	"FROM production p JOIN cards c ON c.serial = p.serial "                \
	"JOIN applications a ON a.id = p.application "

const char *
tc_prod_state_name(enum tc_prod_state s)
{
	return tc_reg_name(state_names, TC_REG_NAMES(state_names), (int)s);
}

int
tc_prod_state_parse(const char *name, enum tc_prod_state *out)
{
	int v, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	if ((r = tc_reg_name_parse(
		 state_names, TC_REG_NAMES(state_names), name, &v)) == 0)
		*out = (enum tc_prod_state)v;
	return r;
}

/*
 * The acting operator's branch: *branch its organisation's code when it is
 * a bank branch, NULL when it is authority-wide (every branch).
 */
static int
scope(const struct tc_app_ctx *c, unsigned roles, struct tc_operator *op,
    const char **branch, char *err, size_t errlen)
{
	char need[TC_ROLES_TEXT_MAX];
	int r;

	*branch = NULL;
	if (c->operator_name == NULL || *c->operator_name == '\0' ||
	    c->applicant != 0)
		return tc_seterr(
		    err, errlen, TC_ERR_AUTH, "no acting operator");
	r = tc_registry_operator_get(c->reg, c->operator_name, op, err, errlen);
	if (r == TC_ERR_NOT_FOUND)
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "no operator named %s", c->operator_name);
	if (r != 0)
		return r;
	if (op->disabled)
		return tc_seterr(err, errlen, TC_ERR_AUTH,
		    "operator %s is disabled", op->name);
	if ((op->roles & roles) == 0) {
		tc_roles_format(roles, need, sizeof(need));
		return tc_seterr(err, errlen, TC_ERR_FORBIDDEN,
		    "the production queue needs the role %s; operator %s has not",
		    need, op->name);
	}
	if (op->org_kind == TC_ORG_BANK_BRANCH) {
		*branch = op->org_code;
		return 0;
	}
	if (!tc_org_kind_wide(op->org_kind))
		return tc_seterr(err, errlen, TC_ERR_FORBIDDEN,
		    "organisation %s (%s) makes no cards", op->org_code,
		    tc_org_kind_name(op->org_kind));
	return 0;
}

static int
read_item(const struct tc_app_ctx *c, sqlite3_stmt *st, struct tc_prod_item *it)
{
	char state[16];
	int64_t v[4];
	int64_t today;

	memset(it, 0, sizeof(*it));
	if (tc_reg_col_int(st, 0, 0, &it->serial) != 0 ||
	    tc_reg_col_text(st, 1, it->card_no, sizeof(it->card_no), 0) != 0 ||
	    tc_reg_col_int(st, 2, 0, &it->application) != 0 ||
	    tc_reg_col_text(st, 3, it->programme, sizeof(it->programme), 0) !=
		0 ||
	    tc_reg_col_text(st, 4, it->tier, sizeof(it->tier), 0) != 0 ||
	    tc_reg_col_text(st, 5, it->name, sizeof(it->name), 0) != 0 ||
	    tc_reg_col_text(st, 6, it->id_masked, sizeof(it->id_masked), 0) !=
		0 ||
	    tc_reg_col_text(st, 7, it->branch, sizeof(it->branch), 0) != 0 ||
	    tc_reg_col_text(st, 8, state, sizeof(state), 0) != 0 ||
	    tc_prod_state_parse(state, &it->state) != 0 ||
	    tc_reg_col_text(st, 9, it->reason, sizeof(it->reason), 0) != 0 ||
	    tc_reg_col_int(st, 10, 0, &v[0]) != 0 ||
	    tc_reg_col_int(st, 11, 0, &v[1]) != 0 ||
	    tc_reg_col_int(st, 12, 0, &v[2]) != 0 ||
	    tc_reg_col_text(st, 13, it->step, sizeof(it->step), 0) != 0 ||
	    tc_reg_col_text(st, 14, it->deadline, sizeof(it->deadline), 0) !=
		0 ||
	    tc_date_parse(it->deadline[0] ? it->deadline : "1970-01-01", &v[3],
		NULL, 0) != 0 ||
	    tc_reg_col_int(st, 15, 0, &it->print_job) != 0 ||
	    tc_reg_col_text(
		st, 16, it->print_state, sizeof(it->print_state), 0) != 0 ||
	    tc_reg_col_text(
		st, 17, it->print_reason, sizeof(it->print_reason), 0) != 0)
		return TC_ERR_MALFORMED;
	it->queued_at = (time_t)v[0];
	it->updated_at = (time_t)v[1];
	it->made_at = (time_t)v[2];
	today = tc_day_of_time(c->now);
	it->overdue = it->deadline[0] != '\0' &&
	    it->state != TC_PROD_DELIVERED && today > v[3];
	return 0;
}

int
tc_prod_list(const struct tc_app_ctx *c, enum tc_prod_state state,
    int (*fn)(const struct tc_prod_item *it, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_operator op;
	struct tc_prod_item it;
	sqlite3_stmt *st = NULL;
	const char *branch;
	int rc, r;

	if (c == NULL || c->reg == NULL || fn == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = scope(c, PROD_ROLES, &op, &branch, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_query(c->reg,
		 ITEM_SQL
		 "WHERE (?1 IS NULL OR p.branch IS NULL OR p.branch = ?1) AND (?2 IS NULL AND p.state <> 'delivered' OR p.state = ?2) ORDER BY p.queued_at, p.serial",
		 &st, err, errlen, "tt", branch,
		 state != 0 ? tc_prod_state_name(state) : NULL)) != 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = read_item(c, st, &it)) != 0) {
			r = tc_seterr(err, errlen, r,
			    "the production queue: a malformed row");
			break;
		}
		if ((r = fn(&it, arg)) != 0)
			break;
	}
	return tc_reg_rows_end(
	    c->reg, st, rc, r, "reading the production queue", err, errlen);
}

/* Reads item serial within the operator's scope (roles: any of them). */
static int
get_scoped(const struct tc_app_ctx *c, unsigned roles, int64_t serial,
    struct tc_prod_item *out, char *err, size_t errlen)
{
	struct tc_operator op;
	sqlite3_stmt *st = NULL;
	const char *branch;
	int r;

	memset(out, 0, sizeof(*out));
	if (c == NULL || c->reg == NULL)
		return tc_reg_no_arg(err, errlen);
	if ((r = scope(c, roles, &op, &branch, err, errlen)) != 0)
		return r;
	if ((r = tc_reg_query(c->reg,
		 ITEM_SQL
		 "WHERE p.serial = ?1 AND (?2 IS NULL OR p.branch IS NULL OR p.branch = ?2)",
		 &st, err, errlen, "it", serial, branch)) != 0)
		return r;
	if ((r = tc_reg_one_row(c->reg, st, "reading the production queue", err,
		 errlen, "no card %lld in production here",
		 (long long)serial)) != 0)
		return r;
	r = read_item(c, st, out);
	tc_reg_finalize(c->reg, st);
	if (r != 0)
		return tc_seterr(err, errlen, r,
		    "the production queue: card %lld: a malformed row",
		    (long long)serial);
	return 0;
}

int
tc_prod_get(const struct tc_app_ctx *c, int64_t serial,
    struct tc_prod_item *out, char *err, size_t errlen)
{
	if (out == NULL)
		return tc_reg_no_arg(err, errlen);
	return get_scoped(c, PROD_ROLES, serial, out, err, errlen);
}

/* Moves item it to state to (with reason for failed), audited. */
static int
move(const struct tc_app_ctx *c, const struct tc_prod_item *it,
    enum tc_prod_state to, const char *reason, char *err, size_t errlen)
{
	char subject[32], action[32];
	json_t *detail;
	int r;

	if ((r = tc_reg_exec(c->reg,
		 "UPDATE production SET state = ?2, reason = ?3, updated_at = ?4 WHERE serial = ?1",
		 "moving a card in the production queue", err, errlen, "itti",
		 it->serial, tc_prod_state_name(to), reason,
		 (int64_t)c->now)) != 0)
		return r;
	snprintf(subject, sizeof(subject), "card:%s", it->card_no);
	snprintf(action, sizeof(action), "production.%s",
	    to == TC_PROD_FAILED ? "fail" : "start");
	detail = json_pack("{s:s, s:s, s:I}", "from",
	    tc_prod_state_name(it->state), "to", tc_prod_state_name(to),
	    "application", (json_int_t)it->application);
	if (detail != NULL && reason != NULL)
		json_object_set_new(detail, "reason", json_string(reason));
	return tc_app_audit(c->reg, c->now, c->operator_name, action, subject,
	    detail, err, errlen);
}

int
tc_prod_start(
    const struct tc_app_ctx *c, int64_t serial, char *err, size_t errlen)
{
	struct tc_prod_item it;
	int r;

	if ((r = tc_reg_need_tx(c != NULL ? c->reg : NULL,
		 "starting production", err, errlen)) != 0 ||
	    (r = get_scoped(c, TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), serial, &it,
		 err, errlen)) != 0)
		return r;
	if (it.state != TC_PROD_TO_MAKE && it.state != TC_PROD_FAILED)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is %s; only a card to make or a failed one is started",
		    it.card_no, tc_prod_state_name(it.state));
	return move(c, &it, TC_PROD_IN_PROGRESS, NULL, err, errlen);
}

int
tc_prod_fail(const struct tc_app_ctx *c, int64_t serial, const char *reason,
    char *err, size_t errlen)
{
	struct tc_prod_item it;
	int r;

	if (reason == NULL || !tc_app_text_ok(reason, TC_PROD_REASON_MAX, 1))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a failed production needs a reason (1 to %d bytes of text)",
		    TC_PROD_REASON_MAX);
	if ((r = tc_reg_need_tx(c != NULL ? c->reg : NULL,
		 "recording a failed production", err, errlen)) != 0 ||
	    (r = get_scoped(c, TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), serial, &it,
		 err, errlen)) != 0)
		return r;
	if (it.state != TC_PROD_TO_MAKE && it.state != TC_PROD_IN_PROGRESS)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is %s; only a card to make or in progress fails",
		    it.card_no, tc_prod_state_name(it.state));
	return move(c, &it, TC_PROD_FAILED, reason, err, errlen);
}

int
tc_prod_made(
    const struct tc_app_ctx *c, int64_t serial, char *err, size_t errlen)
{
	struct tc_review rv;
	struct tc_prod_item it;
	int r;

	if ((r = tc_reg_need_tx(c != NULL ? c->reg : NULL,
		 "recording a card made", err, errlen)) != 0 ||
	    (r = get_scoped(c, TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), serial, &it,
		 err, errlen)) != 0)
		return r;
	if (it.state == TC_PROD_MADE || it.state == TC_PROD_DELIVERED)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is already %s", it.card_no,
		    tc_prod_state_name(it.state));
	memset(&rv, 0, sizeof(rv));
	rv.decision = TC_REVIEW_APPROVE;
	/* The produce step's approval marks the item made (tc_prod_mark). */
	return tc_app_review(c, it.application, &rv, NULL, err, errlen);
}

static const char *const print_states[] = { "pending", "held", "processing",
	"stopped", "canceled", "aborted", "completed", "failed" };

int
tc_prod_print_state_ok(const char *state)
{
	size_t i;

	for (i = 0; state != NULL && i < (size_t)TC_REG_NAMES(print_states);
	     i++)
		if (strcmp(state, print_states[i]) == 0)
			return 1;
	return 0;
}

/* The print states that end a job without a card. */
static int
print_failed(const char *state)
{
	return strcmp(state, "canceled") == 0 ||
	    strcmp(state, "aborted") == 0 || strcmp(state, "failed") == 0;
}

int
tc_prod_print(const struct tc_app_ctx *c, int64_t serial, int64_t cups_job,
    const char *state, const char *reason, char *err, size_t errlen)
{
	struct tc_prod_item it;
	char subject[32], why[TC_PROD_REASON_MAX + 1];
	int r;

	if (reason != NULL && *reason == '\0')
		reason = NULL;
	if (!tc_prod_print_state_ok(state))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a print job's state is one of pending, held, processing, stopped, canceled, aborted, completed, failed");
	if (cups_job < 0 || cups_job > INT32_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a CUPS job id is 0 to %ld", (long)INT32_MAX);
	if (reason != NULL &&
	    !tc_app_text_ok(reason, TC_PROD_PRINT_REASON_MAX, 0))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "a print job's reason is one line of at most %d bytes of text",
		    TC_PROD_PRINT_REASON_MAX);
	if ((r = tc_reg_need_tx(c != NULL ? c->reg : NULL,
		 "recording a print job", err, errlen)) != 0 ||
	    (r = get_scoped(c, TC_ROLE_BIT(TC_ROLE_CARD_PRODUCER), serial, &it,
		 err, errlen)) != 0)
		return r;
	if (it.state == TC_PROD_DELIVERED ||
	    (it.state == TC_PROD_MADE && print_failed(state)))
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is %s; its print job is no longer recorded",
		    it.card_no, tc_prod_state_name(it.state));
	if ((r = tc_reg_exec(c->reg,
		 "UPDATE production SET print_job = ?2, print_state = ?3, print_reason = ?4, updated_at = ?5 WHERE serial = ?1",
		 "recording a print job", err, errlen, "iitti", serial,
		 cups_job, state, reason, (int64_t)c->now)) != 0)
		return r;
	snprintf(subject, sizeof(subject), "card:%s", it.card_no);
	if ((r = tc_app_audit(c->reg, c->now, c->operator_name,
		 "production.print", subject,
		 json_pack("{s:I, s:s}", "cups_job", (json_int_t)cups_job,
		     "state", state),
		 err, errlen)) != 0)
		return r;
	if (strcmp(state, "completed") == 0)
		return it.state == TC_PROD_MADE
		    ? 0
		    : tc_prod_made(c, serial, err, errlen);
	if (!print_failed(state) || it.state == TC_PROD_FAILED)
		return 0;
	/* Fits: a state of 10 bytes and a reason of 512 at most. */
	snprintf(why, sizeof(why), "print: %s: %s", state,
	    reason != NULL ? reason : "no reason given");
	return tc_prod_fail(c, serial, why, err, errlen);
}

int
tc_prod_deliver(const struct tc_app_ctx *c, int64_t serial,
    const char *id_number, struct tc_card *card, char *err, size_t errlen)
{
	struct tc_prod_item it;
	enum tc_id_type type;
	sqlite3_stmt *st = NULL;
	char tname[32];
	int64_t holder = 0, found = 0;
	int r;

	if (card != NULL)
		memset(card, 0, sizeof(*card));
	if ((r = get_scoped(c, TC_ROLE_BIT(TC_ROLE_CARD_ISSUER), serial, &it,
		 err, errlen)) != 0)
		return r;
	if (it.state != TC_PROD_MADE)
		return tc_seterr(err, errlen, TC_ERR_STATE,
		    "card %s is %s; a card is delivered once made", it.card_no,
		    tc_prod_state_name(it.state));
	if (id_number == NULL || *id_number == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "delivering a card needs the ID number on the holder's document");
	if ((r = tc_reg_query(c->reg,
		 "SELECT h.id, h.id_type FROM holders h JOIN cards c ON c.holder_id = h.id WHERE c.serial = ?1",
		 &st, err, errlen, "i", serial)) != 0 ||
	    (r = tc_reg_one_row(c->reg, st, "reading a card's holder", err,
		 errlen, "card %s has no holder", it.card_no)) != 0)
		return r;
	r = tc_reg_col_int(st, 0, 0, &holder) != 0 ||
		tc_reg_col_text(st, 1, tname, sizeof(tname), 0) != 0 ||
		tc_id_type_parse(tname, &type) != 0
	    ? TC_ERR_MALFORMED
	    : 0;
	tc_reg_finalize(c->reg, st);
	if (r != 0)
		return tc_seterr(err, errlen, r,
		    "card %s: the holder's row is malformed", it.card_no);
	/* The MAC of the typed number: the registry never shows the number. */
	r = tc_registry_holder_find(c->reg, type, id_number, &found, NULL, 0);
	if (r == TC_ERR_NOT_FOUND || r == TC_ERR_INVALID_ARG ||
	    (r == 0 && found != holder))
		return tc_seterr(err, errlen, TC_ERR_POLICY,
		    "the ID number does not match the holder of card %s",
		    it.card_no);
	if (r != 0)
		return tc_seterr(err, errlen, r,
		    "card %s: the ID number could not be checked", it.card_no);
	return tc_app_issue(c, it.application, card, err, errlen);
}

int
tc_prod_queue(const struct tc_app_ctx *c, const struct tc_app *a,
    const struct tc_card *card, const char *branch, char *err, size_t errlen)
{
	char subject[32];
	int r;

	if ((r = tc_reg_exec(c->reg,
		 "INSERT INTO production (serial, application, branch, state, queued_at, updated_at) VALUES (?1, ?2, ?3, 'to-make', ?4, ?4)",
		 "queueing a card for production", err, errlen, "iiti",
		 card->serial, a->id, branch, (int64_t)c->now)) != 0)
		return r;
	snprintf(subject, sizeof(subject), "card:%s", card->card_no);
	return tc_app_audit(c->reg, c->now, c->operator_name,
	    "production.queue", subject,
	    json_pack("{s:I, s:s?}", "application", (json_int_t)a->id, "branch",
		branch),
	    err, errlen);
}

int
tc_prod_app_serial(struct tc_registry *reg, int64_t app, int64_t *serial,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	*serial = 0;
	if ((r = tc_reg_query(reg,
		 "SELECT serial FROM production WHERE application = ?1", &st,
		 err, errlen, "i", app)) != 0)
		return r;
	r = tc_reg_one_row(
	    reg, st, "reading the production queue", err, errlen, NULL);
	if (r == TC_ERR_NOT_FOUND)
		return 0;
	if (r != 0)
		return r;
	r = tc_reg_col_int(st, 0, 0, serial) != 0 ? TC_ERR_MALFORMED : 0;
	tc_reg_finalize(reg, st);
	return r != 0 ? tc_seterr(err, errlen, r,
			    "the production queue: a malformed serial")
		      : 0;
}

int
tc_prod_mark(const struct tc_app_ctx *c, int64_t app, enum tc_prod_state to,
    char *err, size_t errlen)
{
	return tc_reg_exec(c->reg,
	    to == TC_PROD_MADE
		? "UPDATE production SET state = ?2, reason = NULL, updated_at = ?3, made_at = ?3 WHERE application = ?1"
		: "UPDATE production SET state = ?2, reason = NULL, updated_at = ?3, delivered_at = ?3 WHERE application = ?1",
	    "recording production", err, errlen, "iti", app,
	    tc_prod_state_name(to), (int64_t)c->now);
}
