/* SPDX-License-Identifier: MIT */
/*
 * The production queue (issue 17, docs/workflow.md "Production").
 *
 * The sources' order is approve → make → issue: when the last step before
 * production approves an application, its card is allocated (serial, card
 * number, validity) in the card state "production" (not valid: no lookup
 * entry, no e-card, no lifecycle action) and queued for a branch: the
 * organisation the programme's produce step names, or none (then the
 * authority-wide producers make it). The queue item moves
 *
 *   to-make ─start─▶ in-progress ─fail─▶ failed ─start─▶ in-progress …
 *      │                 │
 *      └──────made───────┴──▶ made ─deliver─▶ delivered (card issued)
 *
 * "made" is the produce step's approval (tc_app_review at the produce step
 * does the same); "deliver" checks the ID number the clerk types from the
 * holder's document against the holder's keyed MAC (the registry never
 * shows the number) and then hands the card over as tc_app_issue does.
 *
 * Scope: an operator of a bank branch sees and acts on its branch's cards
 * and on those no branch is named for (as any producer takes a produce
 * step that names no organisation); another branch's card is
 * TC_ERR_NOT_FOUND, as a card that does not exist. An operator of an
 * authority-wide organisation (talent office, city) sees every card; any
 * other organisation none. Seeing the queue
 * needs card-producer or card-issuer; start, fail and made need
 * card-producer; deliver needs the issue step's role (card-issuer).
 */
#ifndef TCARD_PRODUCTION_H
#define TCARD_PRODUCTION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/application.h"
#include "tcard/organisation.h"
#include "tcard/registry.h"
#include "tcard/workday.h"

enum tc_prod_state {
	TC_PROD_TO_MAKE = 1, /* "to-make": waiting for its branch */
	TC_PROD_IN_PROGRESS, /* "in-progress": a station is making it */
	TC_PROD_FAILED,	     /* "failed": the last attempt failed (reason) */
	TC_PROD_MADE,	     /* "made": waiting for its holder */
	TC_PROD_DELIVERED,   /* "delivered": handed over, card issued */
};

/* Longest reason of a failed attempt, in bytes. */
#define TC_PROD_REASON_MAX 1024
/* Longest reason a station reports for a print job, in bytes. */
#define TC_PROD_PRINT_REASON_MAX 512

/* "to-make", ...; NULL outside the enum. */
const char *tc_prod_state_name(enum tc_prod_state s);
/* Parses a state name. Returns 0 or TC_ERR_INVALID_ARG. */
int tc_prod_state_parse(const char *name, enum tc_prod_state *out /* OUT */);

/* One card of the queue. */
struct tc_prod_item {
	int64_t serial;
	char card_no[17];
	int64_t application;
	char programme[TC_CARD_TEXT_MAX + 1];
	char tier[TC_CARD_TEXT_MAX + 1];
	char name[TC_HOLDER_NAME_MAX + 1]; /* the holder's name */
	char id_masked[TC_ID_MAX];	   /* masked ID number */
	char branch[TC_ORG_CODE_MAX + 1];  /* "" when no branch is named */
	enum tc_prod_state state;
	char reason[TC_PROD_REASON_MAX + 1]; /* failed: why, else "" */
	time_t queued_at, updated_at;
	time_t made_at;			    /* 0 until made */
	char step[TC_PROGRAMME_ID_MAX + 1]; /* the application's step */
	char deadline[TC_DATE_TEXT];	    /* its last day, or "" */
	int overdue;			    /* 1: deadline passed at now */
	/*
	 * The card face's print job at the station (schema 17): the CUPS
	 * job id (-1: none reported), its last state ("" or a
	 * tc_prod_print state) and the printer's reason ("" when none).
	 */
	int64_t print_job;
	char print_state[16];
	char print_reason[TC_PROD_PRINT_REASON_MAX + 1];
};

/*
 * Calls fn for every card of the operator's queue in state (0: every
 * state but delivered), oldest first; it is valid during the call only.
 * A nonzero return from fn stops the walk and is returned. Needs no
 * transaction. Returns 0; TC_ERR_AUTH (no such operator, disabled);
 * TC_ERR_FORBIDDEN (no producer or issuer role, or an organisation that
 * makes no cards); a database error.
 */
int tc_prod_list(const struct tc_app_ctx *c, enum tc_prod_state state,
    int (*fn)(const struct tc_prod_item *it, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * Reads the queue item of card serial, within the operator's scope.
 * Returns 0; TC_ERR_NOT_FOUND (no such card in production, or another
 * branch's); the errors of tc_prod_list.
 */
int tc_prod_get(const struct tc_app_ctx *c, int64_t serial,
    struct tc_prod_item *out /* OUT */, char *err, size_t errlen);

/*
 * Needs an open transaction; audited "production.start" /
 * "production.fail" (subject "card:NO"). start: to-make or failed →
 * in-progress; fail: to-make or in-progress → failed, with a reason (1 to
 * TC_PROD_REASON_MAX bytes of text). Returns 0; TC_ERR_STATE (another
 * state); TC_ERR_INVALID_ARG (no reason); the errors of tc_prod_get.
 */
int tc_prod_start(
    const struct tc_app_ctx *c, int64_t serial, char *err, size_t errlen);
int tc_prod_fail(const struct tc_app_ctx *c, int64_t serial, const char *reason,
    char *err, size_t errlen);

/*
 * Records card serial made (a card personalised with the command line, or
 * by the station): the produce step of its application is approved as
 * tc_app_review does (role, four eyes), and the issue step starts with its
 * delivery deadline. Needs an open transaction. Returns 0, the errors of
 * tc_prod_get and of tc_app_review.
 */
int tc_prod_made(
    const struct tc_app_ctx *c, int64_t serial, char *err, size_t errlen);

/*
 * Records the print job of card serial's face at the branch station
 * (docs/station.md "Printing the face"): the CUPS job id cups_job (0 when
 * the submission was refused), its state, one of the IPP job states
 * "pending", "held", "processing", "stopped", "canceled", "aborted",
 * "completed" or "failed" (not submitted), and the printer's reason
 * (NULL or "" for none; text of at most TC_PROD_PRINT_REASON_MAX bytes).
 * "completed" records the card made as tc_prod_made does (nothing more
 * when it is made already); "canceled", "aborted" and "failed" record a
 * card to make or in progress failed with the reason "print: STATE:
 * REASON" (cut to TC_PROD_REASON_MAX bytes); any other state is recorded
 * only. Needs an open transaction and card-producer; audited
 * "production.print" {"cups_job", "state"}. Returns 0; TC_ERR_INVALID_ARG
 * (an unknown state, a negative job, a bad reason); TC_ERR_STATE (the card
 * is delivered, or a failure reported for a card made); the errors of
 * tc_prod_get, tc_prod_made and tc_prod_fail.
 */
int tc_prod_print(const struct tc_app_ctx *c, int64_t serial, int64_t cups_job,
    const char *state, const char *reason, char *err, size_t errlen);

/* 1 when state is one tc_prod_print takes, else 0. */
int tc_prod_print_state_ok(const char *state);

/*
 * Hands card serial over to its holder: id_number is the number the clerk
 * reads from the holder's ID document; it must match the holder's keyed
 * MAC (else TC_ERR_POLICY "does not match", nothing more), then the card
 * is issued as tc_app_issue does (audit, notifications). Runs its own
 * transactions (call it outside one). Returns 0 with *card (may be NULL)
 * the issued card; TC_ERR_POLICY (mismatch); TC_ERR_STATE (not made);
 * the errors of tc_prod_get and tc_app_issue.
 */
int tc_prod_deliver(const struct tc_app_ctx *c, int64_t serial,
    const char *id_number, struct tc_card *card /* OUT */, char *err,
    size_t errlen);

#endif
