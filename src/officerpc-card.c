/* SPDX-License-Identifier: MIT */
/*
 * The card and audit ops of tcard-issuerd's internal RPC
 * (include/tcard/officerpc.h): the card as typed, and the strict "args"
 * of "card-action" (one key table per lifecycle action, the CLI's options
 * of that command as members) and of "audit". tc_orpc_req_parse
 * (src/officerpc.c) calls tc_orpc_card_args_parse after the top level is
 * checked. The library's lifecycle functions check the values again (a
 * reason's length and characters, a date, a credit code); this parser
 * bounds sizes and refuses what no action takes, so that the monitor's
 * handlers read fixed-size fields only. docs/issuerd.md lists the ops.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "officerpc-int.h"
#include "tcard/err.h"
#include "tcard/json-keys.h"
#include "tcard/officerpc.h"

static const char *const action_names[] = { NULL, "suspend", "reinstate",
	"revoke", "renew", "change", "reissue", "subcard" };

static const struct tc_json_key args_suspend[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_reinstate[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "note", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_revoke[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 1 },
	{ "note", TC_JSON_STR, 0 },
	{ "bar_employer", TC_JSON_BOOL, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_renew[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "months", TC_JSON_INT, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_change[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "employer", TC_JSON_STR, 0 },
	{ "uscc", TC_JSON_STR, 0 },
	{ "residence", TC_JSON_STR, 0 },
	{ "date", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_reissue[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "reason", TC_JSON_STR, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_subcard[] = {
	{ "action", TC_JSON_STR, 1 },
	{ "relation", TC_JSON_STR, 1 },
	{ "id_type", TC_JSON_STR, 1 },
	{ "id_number", TC_JSON_STR, 1 },
	{ "name", TC_JSON_STR, 1 },
	{ "birth_date", TC_JSON_STR, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_change_app[] = {
	{ "kind", TC_JSON_STR, 1 },
	{ "tier", TC_JSON_STR, 0 },
	{ "clause", TC_JSON_STR, 0 },
	{ "draft", TC_JSON_BOOL, 0 },
	{ "accept_pledge", TC_JSON_BOOL, 0 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key doc_keys[] = {
	{ "name", TC_JSON_STR, 1 },
	{ "size", TC_JSON_INT, 1 },
	{ NULL, 0, 0 },
};
static const struct tc_json_key args_audit[] = {
	{ "after", TC_JSON_INT, 0 },
	{ "limit", TC_JSON_INT, 0 },
	{ NULL, 0, 0 },
};

static const struct tc_json_key *const action_keys[] = { NULL, args_suspend,
	args_reinstate, args_revoke, args_renew, args_change, args_reissue,
	args_subcard };

const char *
tc_orpc_card_action_name(enum tc_orpc_card_action a)
{
	if (a < TC_ORPC_SUSPEND || a > TC_ORPC_SUBCARD)
		return "?";
	return action_names[a];
}

/* A card as typed: 1 to TC_ORPC_CARD_MAX digits, spaces and hyphens. */
static int
card_text_ok(const char *s)
{
	size_t i, digits = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] != ' ' && s[i] != '-')
			return 0;
	}
	return digits > 0;
}

static int
parse_action(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	struct tc_orpc_card_args *c = &q->c;
	char action[16], residence[TC_ORPC_VALUE_MAX + 1];
	json_t *v;
	int r, i;

	if (!json_is_object(a))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args is missing");
	if ((r = tc_orpc_text(
		 a, "action", action, sizeof(action) - 1, err, errlen)) != 0)
		return r;
	for (i = TC_ORPC_SUSPEND; i <= TC_ORPC_SUBCARD; i++)
		if (strcmp(action, action_names[i]) == 0)
			c->action = (enum tc_orpc_card_action)i;
	if (c->action == 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.action must be suspend, reinstate, revoke, renew, change, reissue or subcard");
	if ((r = tc_orpc_keys(
		 a, action_keys[c->action], "args", 1, err, errlen)) != 0 ||
	    (r = tc_orpc_text(
		 a, "reason", q->reason, TC_ORPC_NOTE_MAX, err, errlen)) != 0 ||
	    (r = tc_orpc_text(
		 a, "note", c->note, TC_ORPC_NOTE_MAX, err, errlen)) != 0 ||
	    (r = tc_orpc_text(a, "employer", c->value, TC_ORPC_VALUE_MAX, err,
		 errlen)) != 0 ||
	    (r = tc_orpc_text(a, "residence", residence, TC_ORPC_VALUE_MAX, err,
		 errlen)) != 0 ||
	    (r = tc_orpc_text(
		 a, "uscc", c->uscc, TC_ORPC_TEXT_MAX, err, errlen)) != 0 ||
	    (r = tc_orpc_text(
		 a, "date", c->date, TC_ORPC_TEXT_MAX, err, errlen)) != 0 ||
	    (r = tc_orpc_text(a, "relation", c->relation, TC_ORPC_TEXT_MAX, err,
		 errlen)) != 0 ||
	    (r = tc_orpc_text(a, "id_type", c->id_type, TC_ORPC_TEXT_MAX, err,
		 errlen)) != 0 ||
	    (r = tc_orpc_text(a, "id_number", c->id_number,
		 TC_ORPC_ID_NUMBER_MAX, err, errlen)) != 0)
		return r;
	/* A relative's name and birth date share value and date. */
	if (c->action == TC_ORPC_SUBCARD &&
	    ((r = tc_orpc_text(
		  a, "name", c->value, TC_ORPC_VALUE_MAX, err, errlen)) != 0 ||
		(r = tc_orpc_text(a, "birth_date", c->date, TC_ORPC_TEXT_MAX,
		     err, errlen)) != 0))
		return r;
	if ((v = json_object_get(a, "months")) != NULL) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 1200)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.months must be 1 to 1200");
		q->months = (int)json_integer_value(v);
	}
	c->bar_employer = json_is_true(json_object_get(a, "bar_employer"));
	switch (c->action) {
	case TC_ORPC_SUSPEND:
	case TC_ORPC_REVOKE:
	case TC_ORPC_REISSUE:
		if (q->reason[0] == '\0')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.reason is empty");
		break;
	case TC_ORPC_CHANGE:
		if ((c->value[0] == '\0') == (residence[0] == '\0'))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args takes either employer or residence");
		if (c->uscc[0] != '\0' && c->value[0] == '\0')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.uscc goes with employer");
		c->employer = c->value[0] != '\0';
		if (!c->employer)
			memcpy(c->value, residence, sizeof(residence));
		if (c->date[0] == '\0')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.date is empty");
		break;
	case TC_ORPC_SUBCARD:
		if (c->relation[0] == '\0' || c->id_type[0] == '\0' ||
		    c->id_number[0] == '\0' || c->value[0] == '\0')
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.relation, id_type, id_number and name may not be empty");
		break;
	default:
		break;
	}
	if (c->bar_employer && strcmp(q->reason, "fraud") != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.bar_employer goes with the reason fraud");
	return 0;
}

/* card-change: an upgrade or conversion application for the card. */
static int
parse_change_app(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	struct tc_orpc_card_args *c = &q->c;
	char kind[16];
	int r;

	if (!json_is_object(a))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args is missing");
	if ((r = tc_orpc_keys(a, args_change_app, "args", 0, err, errlen)) !=
		0 ||
	    (r = tc_orpc_text(
		 a, "kind", kind, sizeof(kind) - 1, err, errlen)) != 0 ||
	    (r = tc_orpc_text(
		 a, "tier", q->tier, TC_ORPC_TEXT_MAX, err, errlen)) != 0 ||
	    (r = tc_orpc_text(
		 a, "clause", c->clause, TC_ORPC_TEXT_MAX, err, errlen)) != 0)
		return r;
	if (strcmp(kind, "upgrade") == 0)
		c->kind = TC_APP_UPGRADE;
	else if (strcmp(kind, "convert") == 0)
		c->kind = TC_APP_CONVERT;
	else
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: args.kind must be upgrade or convert");
	if (c->kind == TC_APP_UPGRADE &&
	    (q->tier[0] == '\0' || c->clause[0] == '\0'))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: an upgrade needs args.tier and args.clause");
	c->draft = json_is_true(json_object_get(a, "draft"));
	c->pledge = json_is_true(json_object_get(a, "accept_pledge"));
	return 0;
}

int
tc_orpc_card_docs_parse(
    json_t *docs, struct tc_orpc_req *q, char *err, size_t errlen)
{
	struct tc_orpc_doc *d;
	json_t *v;
	size_t i, total = 0;
	json_int_t n;
	int r;

	if (docs == NULL)
		return 0;
	if (q->op != TC_ORPC_CARD_ACTION && q->op != TC_ORPC_CARD_CHANGE &&
	    q->op != TC_ORPC_PORTAL_ATTACH)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: %s takes no docs", tc_orpc_op_name(q->op));
	if (json_array_size(docs) < 1 ||
	    json_array_size(docs) > TC_ORPC_DOCS_MAX)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "rpc request: docs holds 1 to %d documents",
		    TC_ORPC_DOCS_MAX);
	json_array_foreach(docs, i, v)
	{
		d = &q->docs[i];
		if ((r = tc_orpc_keys(v, doc_keys, "docs[]", 0, err, errlen)) !=
			0 ||
		    (r = tc_orpc_text(v, "name", d->name, TC_ORPC_DOC_NAME_MAX,
			 err, errlen)) != 0)
			return r;
		n = json_integer_value(json_object_get(v, "size"));
		if (d->name[0] == '\0' || strchr(d->name, '/') != NULL ||
		    n < 1 || n > (json_int_t)(TC_ORPC_REQ_TAIL_MAX - total))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: docs[%zu] needs a name without '/' and a size of 1 to %u bytes in all",
			    i, TC_ORPC_REQ_TAIL_MAX);
		d->size = (size_t)n;
		total += d->size;
		q->n_docs++;
	}
	return 0;
}

static int
parse_audit(json_t *a, struct tc_orpc_req *q, char *err, size_t errlen)
{
	json_t *v;
	int r;

	if (a == NULL)
		return 0;
	if ((r = tc_orpc_keys(a, args_audit, "args", 1, err, errlen)) != 0)
		return r;
	if ((v = json_object_get(a, "after")) != NULL) {
		if (json_integer_value(v) < 0)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.after must be 0 or more");
		q->c.after = json_integer_value(v);
	}
	if ((v = json_object_get(a, "limit")) != NULL) {
		if (json_integer_value(v) < 1 ||
		    json_integer_value(v) > TC_ORPC_AUDIT_LIMIT)
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: args.limit must be 1 to %d",
			    TC_ORPC_AUDIT_LIMIT);
		q->c.limit = json_integer_value(v);
	}
	return 0;
}

int
tc_orpc_card_args_parse(
    void *args, struct tc_orpc_req *q, char *err, size_t errlen)
{
	json_t *a = args;

	switch (q->op) {
	case TC_ORPC_CARD:
	case TC_ORPC_CARD_ACTION:
	case TC_ORPC_CARD_CHANGE:
	case TC_ORPC_CARD_DOCUMENT:
		if (!card_text_ok(q->card))
			return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
			    "rpc request: card must be a card number or serial (digits, spaces, hyphens)");
		if (q->op == TC_ORPC_CARD || q->op == TC_ORPC_CARD_DOCUMENT) {
			if (a != NULL)
				return tc_seterr(err, errlen,
				    TC_ERR_INVALID_ARG,
				    "rpc request: %s takes no args",
				    tc_orpc_op_name(q->op));
			return 0;
		}
		if (q->op == TC_ORPC_CARD_CHANGE)
			return parse_change_app(a, q, err, errlen);
		return parse_action(a, q, err, errlen);
	case TC_ORPC_AUDIT:
		if (q->card[0] != '\0')
			break;
		return parse_audit(a, q, err, errlen);
	case TC_ORPC_AUDIT_VERIFY:
		if (q->card[0] != '\0' || a != NULL)
			break;
		return 0;
	default:
		break;
	}
	return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
	    "rpc request: %s takes no such member", tc_orpc_op_name(q->op));
}
