/* SPDX-License-Identifier: MIT */
/*
 * The notifications outbox (docs/notify.md): one row per message to send,
 * written by the workflow's own functions (submit, review, issue, the
 * e-card's store) inside the transaction of the event, so that a message
 * exists exactly when its event was committed; tcard-notifyd delivers the
 * rows later, outside any registry transaction.
 *
 * The subject and body are rendered when the row is written, from a
 * template per event and language: the built-in one, or the file
 * HOME/notify/PROGRAMME/EVENT.LANG.txt (HOME the directory of the
 * registry file) whose first line is the subject and the rest, after one
 * empty line, the body. Placeholders: {app} (the application number),
 * {programme} (its name), {reason}, {link}, {card} (the card number). The
 * link is PORTAL_URL/portal/applications/N, PORTAL_URL the first line of
 * HOME/notify/portal-url (default TC_NOTIFY_PORTAL_DEFAULT). No text ever
 * carries an ID number: a run of 15, or 17 and more, digits (an X among
 * them) in the rendered text is masked (16 is a card number's length).
 */
#ifndef TCARD_NOTIFY_H
#define TCARD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/application.h"
#include "tcard/registry.h"

enum tc_notify_event {
	TC_NOTIFY_RETURNED = 1,	    /* "returned": to the applicant */
	TC_NOTIFY_REJECTED,	    /* "rejected": to the applicant */
	TC_NOTIFY_APPROVED,	    /* "approved": to the applicant */
	TC_NOTIFY_ISSUED,	    /* "issued": to the applicant */
	TC_NOTIFY_ECARD,	    /* "ecard": to the applicant */
	TC_NOTIFY_REACHED_UNIT,	    /* "reached-unit": to the unit */
	TC_NOTIFY_UNIT_CARD_ISSUED, /* "unit-card-issued": to the unit */
	TC_NOTIFY_OVERDUE,	    /* "overdue": to the reviewers */
	/* An applicant's account (the portal, include/tcard/applicant.h): */
	TC_NOTIFY_ACCOUNT_VERIFY, /* "account-verify": the link confirming it */
	TC_NOTIFY_PASSWORD_RESET, /* "password-reset": the link to a new one */
};

/* "returned", ...; NULL outside the enum. */
const char *tc_notify_event_name(enum tc_notify_event ev);

/* The portal's address when HOME/notify/portal-url does not exist. */
#define TC_NOTIFY_PORTAL_DEFAULT "http://localhost:8080"
/* Longest subject and body, in bytes, after rendering. */
#define TC_NOTIFY_SUBJECT_MAX 256
#define TC_NOTIFY_BODY_MAX    8192
/* Longest recipient (an e-mail address, RFC 5321). */
#define TC_NOTIFY_RCPT_MAX 254

/* What a template is filled with. */
struct tc_notify_vars {
	int64_t app;
	const char *programme; /* its name in the language */
	const char *reason;    /* "" or NULL: none */
	const char *link;
	const char *card; /* "" or NULL: none */
};

/*
 * Fills template tmpl ("SUBJECT\n\nBODY") with v into subject and body
 * (NUL-terminated, at most the sizes above). Control characters in the
 * subject become spaces; an unknown {name} stays as written; ID-like
 * numbers are masked (above). Returns 0, TC_ERR_MALFORMED (no empty line
 * after the subject, or not UTF-8) or TC_ERR_TOO_LARGE.
 */
int tc_notify_render(const char *tmpl, const struct tc_notify_vars *v,
    char subject[TC_NOTIFY_SUBJECT_MAX + 1], char *body, size_t bodylen,
    char *err, size_t errlen);

/*
 * The built-in template of ev in lang ("zh" or "en"), or NULL.
 */
const char *tc_notify_default_template(
    enum tc_notify_event ev, const char *lang);

/*
 * Writes the outbox rows of event ev of application a, inside the
 * caller's transaction (c->reg, c->now; c->programmes may be NULL: the
 * programme is then named by its id). Applicant events go to the form's
 * contact.email (none: no row, not an error) in the form's
 * contact.language when that is "en", else zh; unit events to the
 * e-mail of organisation org (NULL: the application's unit), none: no
 * row. reason is the return's or rejection's (or NULL), card the card
 * number (or NULL). a must have been read with tc_app_get (its form
 * opened). Returns 0, TC_ERR_STATE (no transaction), TC_ERR_MALFORMED (an
 * override template out of shape: err names it), TC_ERR_NOMEM or a
 * database error.
 */
int tc_notify_event(const struct tc_app_ctx *c, const struct tc_app *a,
    enum tc_notify_event ev, const char *org, const char *reason,
    const char *card, char *err, size_t errlen);

/*
 * 1 when s is a plain e-mail address "local@domain": printable ASCII
 * without spaces nor any of <>,;:"()[]\, a dot in the domain, at most
 * TC_NOTIFY_RCPT_MAX bytes; else 0.
 */
int tc_notify_address_ok(const char *s);

/*
 * Writes the message of an applicant account's one-time token in the
 * caller's transaction: ev TC_NOTIFY_ACCOUNT_VERIFY or
 * TC_NOTIFY_PASSWORD_RESET, token its text (the link is the portal's
 * PORTAL_URL/portal/verify?token=T or /portal/reset?token=T), to the
 * account's login when it is an e-mail address (by e-mail), or its
 * mobile number (by the webhook channel only, for an SMS gateway), in
 * the account's language. No channel for it: no row, not an error.
 * Returns 0, the template's error or a database error.
 */
int tc_notify_account(struct tc_registry *reg, int64_t applicant,
    enum tc_notify_event ev, const char *token, time_t now, char *err,
    size_t errlen);

/* Who has a contact e-mail (schema 13). */
enum tc_notify_holder {
	TC_NOTIFY_ORG = 1,  /* an organisation, by code: a unit's address */
	TC_NOTIFY_OPERATOR, /* an operator, by name: overdue reminders */
};

/*
 * Sets the contact e-mail of organisation or operator key to email (NULL
 * or "" clears it), inside the caller's transaction (the caller audits).
 * Returns 0, TC_ERR_NOT_FOUND (no such organisation or operator),
 * TC_ERR_INVALID_ARG (not an address: tc_notify_address_ok), TC_ERR_STATE
 * (no transaction) or a database error.
 */
int tc_notify_set_email(struct tc_registry *reg, enum tc_notify_holder who,
    const char *key, const char *email, char *err, size_t errlen);

/*
 * The reviewers' reminder (event "overdue"): for each submitted or
 * approved application whose step's deadline has passed at c->now (the
 * Asia/Shanghai date after it, as tc_app_overdue), one row to each
 * enabled operator with an e-mail who holds the step's role in the step's
 * organisation (any organisation when the step names none), at most one a
 * day (Asia/Shanghai) per application and operator. Inside the caller's
 * transaction; audits "notify.overdue" (subject "applications", detail
 * {"written": N}) when it wrote rows. *written (may be NULL) is N.
 * Returns 0, TC_ERR_STATE, TC_ERR_MALFORMED or a database error.
 */
int tc_notify_overdue(const struct tc_app_ctx *c, int64_t *written /* OUT */,
    char *err, size_t errlen);

/* One outbox row, as the notifier reads it. */
struct tc_notify_msg {
	int64_t id;
	int64_t app;
	char event[24];
	char channel[16];
	char recipient[TC_NOTIFY_RCPT_MAX + 1];
	char language[4];
	char nonce[17]; /* 16 hex digits, for the Message-ID */
	char subject[TC_NOTIFY_SUBJECT_MAX + 1];
	char *body; /* heap */
	int attempts;
	time_t created_at;
};

void tc_notify_msg_release(struct tc_notify_msg *m);

/*
 * The channels (the outbox's channel column). Each message is written once
 * per channel the authority lists in HOME/notify/channels ("email",
 * "webhook", separated by white space; e-mail alone without the file):
 * the same text, to the same recipient, each row delivered on its own.
 */
#define TC_NOTIFY_EMAIL	  0x1u
#define TC_NOTIFY_WEBHOOK 0x2u

/* How long a claimed row is left to its claimer before another takes it. */
#define TC_NOTIFY_LEASE 120

/*
 * Claims at most max pending rows of the channels in mask due at now
 * (next_attempt_at <= now), in id order, in a transaction of its own: each is put TC_NOTIFY_LEASE
 * seconds ahead, so that a notifier that dies while sending leaves it to
 * be taken again then. Fills out[0..*n). Outbox bookkeeping is not
 * audited (docs/notify.md). Returns 0, TC_ERR_STATE (a transaction is
 * open), TC_ERR_NOMEM, TC_ERR_MALFORMED or a database error.
 */
int tc_notify_claim(struct tc_registry *reg, time_t now, unsigned channels,
    size_t max, struct tc_notify_msg *out, size_t *n /* OUT */, char *err,
    size_t errlen);

/*
 * Records the outcome of sending row id, in a transaction of its own:
 * error NULL: sent at now; otherwise attempts + 1, last_error (cut to
 * 200 bytes) and the next attempt after TC_NOTIFY_BACKOFF(attempts)
 * seconds, or the state failed once attempts reaches max_attempts. Sets
 * *state (may be NULL) to "sent", "pending" or "failed". Returns 0,
 * TC_ERR_NOT_FOUND (no pending row id), TC_ERR_STATE or a database error.
 */
#define TC_NOTIFY_BACKOFF(k)                                                   \
	((k) >= 10 ? 3600                                                      \
		   : ((30 << ((k) > 0 ? (k)-1 : 0)) > 3600                     \
			     ? 3600                                            \
			     : (30 << ((k) > 0 ? (k)-1 : 0))))
int tc_notify_done(struct tc_registry *reg, int64_t id, time_t now,
    const char *error, int max_attempts, const char **state /* OUT */,
    char *err, size_t errlen);

/*
 * Counts the rows in state ("pending", "sent", "failed"). Returns 0 or
 * a database error.
 */
int tc_notify_count(struct tc_registry *reg, const char *state,
    int64_t *n /* OUT */, char *err, size_t errlen);

#endif
