/* SPDX-License-Identifier: MIT */
/*
 * tcard-issuer bank-list export / import (issue 17, docs/workflow.md
 * "Bank list"): for a programme whose bank makes the cards outside the
 * system (Chuxiong), the list of cards to make, signed (COSE_Sign1 of a
 * JSON payload, the programme's signer), and the bank's results read back
 * (include/tcard/banklist.h) as the production queue's made and failed
 * (include/tcard/production.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app-cli.h"
#include "cli-io.h"
#include "issuer.h"
#include "session.h"
#include "tcard/banklist.h"
#include "tcard/cose.h"
#include "tcard/err.h"
#include "tcard/keystore.h"
#include "tcard/lifecycle.h"
#include "tcard/production.h"

/* The payload's format. */
#define BANK_LIST_FORMAT "talentcard-bank-list/1"

const char tc_issuer_bank_list_export_help[] =
    "NAME\n"
    "    tcard-issuer bank-list export - the signed list of cards a bank makes\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer bank-list export --programme P --out FILE --as NAME\n"
    "        [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    Writes FILE, a COSE_Sign1 (tag 18) signed with the current signer\n"
    "    of programme P's algorithm, whose payload is the JSON object\n"
    "    {\"format\": \"" BANK_LIST_FORMAT "\", \"programme\", \"created\",\n"
    "    \"cards\": [{\"card_no\", \"name\", \"id_masked\", \"branch\",\n"
    "    \"deadline\"}]}: the programme's cards in production that are not\n"
    "    made yet (to make, in progress, failed), with only what the bank\n"
    "    needs: the card number, the holder's name, the masked ID number,\n"
    "    the branch (null when none is named) and the last day to make it.\n"
    "    The operator needs card-producer or card-issuer (the queue's\n"
    "    scope applies). Audited: production.bank-list (the count).\n"
    "    The bank answers with a results file (bank-list import).\n"
    "\n"
    "OPTIONS\n"
    "    --programme P  the programme\n"
    "    --out FILE     the signed list to write (mode 0600)\n"
    "    --as NAME      the acting operator\n"
    "    --home DIR     the authority's home directory\n"
    "    --help         show this page\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer bank-list export --programme chuxiong-xingchu \\\n"
    "        --out fudian-2026-03-02.cose --as producer1\n";

const char tc_issuer_bank_list_import_help[] =
    "NAME\n"
    "    tcard-issuer bank-list import - read the bank's production results\n"
    "\n"
    "SYNOPSIS\n"
    "    tcard-issuer bank-list import FILE --as NAME [--home DIR]\n"
    "\n"
    "DESCRIPTION\n"
    "    FILE is the bank's results, UTF-8 lines (LF or CRLF):\n"
    "      card_no,result,reason\n"
    "      5323010000000172,made,\n"
    "      5323010000000255,failed,芯片损坏\n"
    "    the header exactly so, then one card a line: its 16-digit number,\n"
    "    made or failed, and for failed the reason (1 to 256 bytes; no\n"
    "    quotes, no commas inside). A card made is recorded made (its\n"
    "    produce step approved: the card issuer then delivers it); a card\n"
    "    failed is recorded failed with the reason. All or nothing: the\n"
    "    first fault (of the file: its line and field; of a card: its line)\n"
    "    stops the import and nothing is recorded. The operator needs\n"
    "    card-producer.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME   the acting operator (card-producer)\n"
    "    --home DIR  the authority's home directory\n"
    "    --help      show this page\n"
    "\n" TC_AC_EXIT "\n" TC_AC_ENV "\n"
    "EXAMPLES\n"
    "    tcard-issuer bank-list import fudian-results.csv --as producer1\n";

struct collect {
	const char *programme;
	json_t *cards;
	int failed;
};

static int
collect_one(const struct tc_prod_item *it, void *arg)
{
	struct collect *co = arg;
	json_t *o;

	if (strcmp(it->programme, co->programme) != 0 ||
	    it->state == TC_PROD_MADE)
		return 0;
	o = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "card_no", it->card_no,
	    "name", it->name, "id_masked", it->id_masked, "branch",
	    it->branch[0] ? it->branch : NULL, "deadline",
	    it->deadline[0] ? it->deadline : NULL);
	if (o == NULL || json_array_append_new(co->cards, o) != 0) {
		co->failed = 1;
		return TC_ERR_NOMEM;
	}
	return 0;
}

/* The signed list of collect's cards into out. */
static int
sign_list(struct tc_session *s, const struct tc_programme *p, json_t *cards,
    struct tc_buf *out, char *err, size_t errlen)
{
	struct tc_keystore *ks = NULL;
	struct tc_cose_key *key = NULL;
	char created[32];
	char *text = NULL;
	json_t *o;
	int r;

	tc_lifecycle_date(s->now, created);
	o = json_pack("{s:s, s:s, s:s, s:O}", "format", BANK_LIST_FORMAT,
	    "programme", p->id, "created", created, "cards", cards);
	if (o == NULL ||
	    (text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(o);
		return tc_seterr(err, errlen, TC_ERR_NOMEM, "out of memory");
	}
	json_decref(o);
	if ((r = tc_keystore_open(&ks, s->home, err, errlen)) == 0 &&
	    (r = tc_keystore_signer_alg(ks, p->alg, &key, err, errlen)) == 0)
		r = tc_cose_sign1_create(
		    out, key, (const uint8_t *)text, strlen(text), err, errlen);
	tc_cose_key_free(key);
	tc_keystore_free(ks);
	free(text);
	return r;
}

int
tc_issuer_bank_list_export_run(const struct tc_args *a)
{
	const char *pid = tc_args_get(a, "programme"),
		   *out = tc_args_get(a, "out");
	const struct tc_programme *p;
	struct collect co = { NULL, NULL, 0 };
	struct tc_session s;
	struct tc_buf signed_list;
	char err[1024] = "", detail[128];
	int status, r;

	if (a->argc != 0 || pid == NULL || out == NULL)
		return tc_cli_usage("give --programme P and --out FILE");
	if ((status = tc_session_open_as(&s, a->home, a->as, 0, 0)) !=
	    TC_EXIT_OK)
		return status;
	tc_buf_init(&signed_list, 4u << 20);
	if ((p = tc_programme_set_find(s.progs, pid)) == NULL) {
		status = tc_cli_fail(TC_ERR_NOT_FOUND, "bank-list",
		    "no such programme (tcard-issuer programmes lists them)");
		goto done;
	}
	co.programme = p->id;
	if ((co.cards = json_array()) == NULL) {
		status =
		    tc_cli_fail(TC_ERR_NOMEM, "bank-list", "out of memory");
		goto done;
	}
	if ((r = tc_prod_list(&s.c, 0, collect_one, &co, err, sizeof(err))) !=
		0 ||
	    (r = sign_list(&s, p, co.cards, &signed_list, err, sizeof(err))) !=
		0 ||
	    (r = tc_cli_write_atomic(out, signed_list.data, signed_list.len,
		 err, sizeof(err))) != 0) {
		status = tc_cli_fail(r, "bank-list", err);
		goto done;
	}
	snprintf(detail, sizeof(detail), "{\"programme\":\"%s\",\"cards\":%zu}",
	    p->id, json_array_size(co.cards));
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto done;
	r = tc_registry_audit(s.reg, s.now, s.op.name, "production.bank-list",
	    NULL, detail, err, sizeof(err));
	if ((status = tc_session_end(&s, r, "bank-list", err)) != TC_EXIT_OK)
		goto done;
	printf("bank list of %s: %zu card%s, signed, in %s\n", p->id,
	    json_array_size(co.cards),
	    json_array_size(co.cards) == 1 ? "" : "s", out);
	status = TC_EXIT_OK;
done:
	json_decref(co.cards);
	tc_buf_release(&signed_list);
	tc_session_close(&s);
	return status;
}

/* Records result res of the bank in the open transaction. */
static int
record(struct tc_session *s, const struct tc_banklist_result *res, char *err,
    size_t errlen)
{
	struct tc_card card;
	char cerr[768] = "";
	int r;

	r = tc_registry_card_get_by_no(
	    s->reg, res->card_no, &card, cerr, sizeof(cerr));
	if (r == 0)
		r = res->made
		    ? tc_prod_made(&s->c, card.serial, cerr, sizeof(cerr))
		    : tc_prod_fail(
			  &s->c, card.serial, res->reason, cerr, sizeof(cerr));
	if (r != 0)
		tc_seterr(err, errlen, r, "line %zu, card %s: %s", res->line,
		    res->card_no, cerr);
	return r;
}

int
tc_issuer_bank_list_import_run(const struct tc_args *a)
{
	struct tc_banklist_result *res = NULL;
	struct tc_session s;
	struct tc_buf text;
	char err[1024] = "";
	size_t n = 0, i, made = 0;
	int status, r;

	if (a->argc != 1)
		return tc_cli_usage("give the results FILE");
	tc_buf_init(&text, TC_BANKLIST_FILE_MAX);
	if ((r = tc_cli_read_file(a->argv[0], TC_BANKLIST_FILE_MAX, &text, err,
		 sizeof(err))) != 0 ||
	    (r = tc_banklist_parse((const char *)text.data, text.len, &res, &n,
		 err, sizeof(err))) != 0) {
		tc_buf_release(&text);
		return tc_cli_fail(r, a->argv[0], err);
	}
	tc_buf_release(&text);
	if ((status = tc_session_open_as(
		 &s, a->home, a->as, 0, TC_SESSION_WORKDAYS)) != TC_EXIT_OK) {
		free(res);
		return status;
	}
	if ((status = tc_session_begin(&s)) != TC_EXIT_OK)
		goto done;
	for (r = 0, i = 0; r == 0 && i < n; i++) {
		r = record(&s, &res[i], err, sizeof(err));
		made += res[i].made;
	}
	if ((status = tc_session_end(&s, r, a->argv[0], err)) != TC_EXIT_OK)
		goto done;
	printf("bank results: %zu made, %zu failed\n", made, n - made);
done:
	free(res);
	tc_session_close(&s);
	return status;
}
