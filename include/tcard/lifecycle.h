/* SPDX-License-Identifier: MIT */
/*
 * The life of a card after it was issued: renewal (and the green card B's
 * single extension), change of employer or residence, reissue of a lost or
 * damaged card, suspension and reinstatement, revocation with a reason (and
 * for fraud the person's blacklisting and the employer's bar), sub-cards
 * for relatives of the holder of a main card, the cascade of a main card's
 * state to its sub-cards, and the sweep that marks cards past their expiry.
 * New cards (reissue, sub-cards) take a serial the caller reserved with
 * tc_serial_reserve (include/tcard/serial.h) before the transaction.
 *
 * Every change runs inside the caller's transaction (tc_registry_begin ..
 * tc_registry_commit) and writes one audit entry per card it changes, with
 * the operator and time of struct tc_lifecycle; nothing is committed here,
 * so a caller that sees a failure rolls the whole action back. The rules
 * come from the card's programme (include/tcard/programme.h: validity,
 * guards, sub-card tiers, end reasons); each refusal says what the card's
 * state is and why the action needs another. Dates are calendar dates in
 * China Standard Time (UTC+8, Asia/Shanghai, which has had no daylight
 * saving since 1991). docs/lifecycle.md has every rule with its source.
 */
#ifndef TCARD_LIFECYCLE_H
#define TCARD_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/id.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/role.h"

/* Seconds east of UTC of the dates the lifecycle reads and prints. */
#define TC_LIFECYCLE_TZ_OFFSET (8 * 3600)
/* Renewal window when a programme with open terms states none. */
#define TC_LIFECYCLE_DEFAULT_WINDOW_DAYS 30
/* Age from which a child is an adult (minor_only sub-card tiers). */
#define TC_LIFECYCLE_ADULT_AGE 18
/* Bytes of a reason, a note, an employer name or a residence. */
#define TC_LIFECYCLE_REASON_MAX 256
#define TC_LIFECYCLE_VALUE_MAX	512
/* "YYYY-MM-DD" and its NUL. */
#define TC_LIFECYCLE_DATE_LEN 11

/*
 * A card with its lifecycle columns and its holder's displayable fields
 * (never the plain ID number).
 */
struct tc_card_state {
	struct tc_card card;
	time_t status_at; /* when the status was set; issued_at at first */
	char status_reason[TC_LIFECYCLE_REASON_MAX + 1]; /* "" when none */
	int status_cascade;  /* 1: set because of the main card */
	int renewals;	     /* renewals and extensions so far */
	int64_t replaces;    /* serial of the card this one replaced, or 0 */
	int64_t replaced_by; /* serial of the card that replaced it, or 0 */
	enum tc_id_type holder_id_type;
	char holder_masked[TC_ID_MAX];
	char holder_name[TC_HOLDER_NAME_MAX + 1];
};

/*
 * The context of an action: the registry (with a transaction open), the
 * loaded programmes the cards name, who acts (the name of an operator in
 * the registry, authenticated by the caller: the library checks its roles
 * and writes it as the audit entries' operator) and the clock. All
 * borrowed.
 */
struct tc_lifecycle {
	struct tc_registry *reg;
	const struct tc_programme_set *programmes;
	const char *operator_name;
	time_t now;
};

/* What an action did, for the caller to report. */
struct tc_lifecycle_result {
	int64_t serial; /* the card acted on */
	char card_no[17];
	int64_t new_serial;   /* reissue: the new card; subcard: the sub-card */
	char new_card_no[17]; /* "" when none */
	time_t expires_at;    /* the card's expiry afterwards */
	int cascaded;	      /* sub-cards changed with it */
	int late;	      /* change: reported after the programme's limit */
	int days;	      /* change: days from the change to its report */
	int blacklisted;      /* revoke for fraud: the person is blacklisted */
	int employer_barred;  /* revoke for fraud: the employer is barred */
	time_t barred_until;
	char warning[256]; /* "" or a warning for the operator */
};

/* The renewal rule of a card's tier, as tc_lifecycle_renewal_rule says. */
struct tc_renewal_rule {
	int allowed;	    /* 0: the programme provides no renewal */
	int window_days;    /* renewal from this many days before expiry */
	int months;	    /* months one renewal adds */
	int limit;	    /* renewals allowed in all; -1: no limit */
	int window_assumed; /* 1: TC_LIFECYCLE_DEFAULT_WINDOW_DAYS */
};

/* Reissue reasons. */
enum tc_reissue_reason {
	TC_REISSUE_LOST = 1, /* "lost" */
	TC_REISSUE_DAMAGED,  /* "damaged" */
};

/* Kinds of reported change. */
enum tc_change_kind {
	TC_CHANGE_EMPLOYER = 1, /* "employer" */
	TC_CHANGE_RESIDENCE,	/* "residence" */
};

/*
 * Revocation reasons every programme accepts, besides its own end_reasons:
 * "fraud", "ineligible", "retired", "misconduct", "contract-ended",
 * "other". NULL-terminated, static.
 */
extern const char *const tc_revoke_reasons[];

/*
 * Dates (UTC+8). Instants outside the years 0..9999 are taken as the
 * nearest end of that range.
 */

/* Writes the local date of t as "YYYY-MM-DD" to out. */
void tc_lifecycle_date(time_t t, char out[TC_LIFECYCLE_DATE_LEN] /* OUT */);

/*
 * Parses "YYYY-MM-DD" (a real date, years 1900..9999) and sets *t to the
 * local midnight that starts it. Returns 0 or TC_ERR_BAD_DATE (message:
 * what is wrong with the text).
 */
int tc_lifecycle_date_parse(
    const char *s, time_t *t /* OUT */, char *err, size_t errlen);

/*
 * Adds months (may be negative) to t by the local calendar, keeping the
 * time of day; a day past the end of the month becomes its last day
 * (31 January + 1 month = 28 or 29 February).
 */
time_t tc_lifecycle_add_months(time_t t, int months);

/*
 * Completed years of age on the local date of now of a person born on
 * y-m-d (someone born on 29 February comes of age on 1 March in other
 * years). Returns -1 when now is before the birth date or y is outside
 * 0..9999.
 */
int tc_lifecycle_age(int y, int m, int d, time_t now);

/* Names. */

/* "lost", "damaged"; "unknown" otherwise. */
const char *tc_reissue_reason_name(enum tc_reissue_reason r);
/* Parses a reissue reason. Returns 0 or TC_ERR_INVALID_ARG. */
int tc_reissue_reason_parse(
    const char *s, enum tc_reissue_reason *out /* OUT */);
/* "employer", "residence"; "unknown" otherwise. */
const char *tc_change_kind_name(enum tc_change_kind k);

/*
 * Returns 1 when reason may be given to tc_lifecycle_revoke for a card of
 * p: one of tc_revoke_reasons or an id of p's end_reasons (p may be NULL:
 * only the common list). 0 otherwise.
 */
int tc_lifecycle_revoke_reason_ok(
    const struct tc_programme *p, const char *reason);

/*
 * The renewal rule of tier t of programme p:
 *  - a tier with extensions (the green card B): `extensions` renewals of
 *    `extension_months` each;
 *  - otherwise, when the programme states a renewal window or the term is
 *    open: any number of renewals of `default_months`;
 *  - otherwise (fixed terms without a renewal rule, e.g. Baiyun's 5-year
 *    cycle that lapses): no renewal.
 * The window is the programme's renewal_window_days, or
 * TC_LIFECYCLE_DEFAULT_WINDOW_DAYS (window_assumed) when it states none.
 * Sub-card tiers (term "principal") have no renewal of their own.
 */
void tc_lifecycle_renewal_rule(const struct tc_programme *p,
    const struct tc_tier *t, struct tc_renewal_rule *out /* OUT */);

/* Reading. */

/*
 * Reads card serial with its lifecycle columns into *out. Returns 0,
 * TC_ERR_NOT_FOUND, TC_ERR_MALFORMED (a stored value out of shape) or a
 * database error.
 */
int tc_lifecycle_card_get(struct tc_registry *reg, int64_t serial,
    struct tc_card_state *out /* OUT */, char *err, size_t errlen);

/*
 * Finds a card by what an operator typed: a 16-digit card number (spaces
 * and hyphens allowed, tc_cardno_parse) or a serial (1 to 9 digits).
 * Returns as tc_lifecycle_card_get, and the tc_cardno_parse codes for a
 * mistyped card number (TC_ERR_BAD_CHECK: a wrong check digit, ...).
 */
int tc_lifecycle_card_find(struct tc_registry *reg, const char *text,
    struct tc_card_state *out /* OUT */, char *err, size_t errlen);

/* Which cards tc_lifecycle_card_list shows; zero fields match all. */
struct tc_card_filter {
	enum tc_card_status status; /* 0: any */
	const char *programme;	    /* NULL: any */
	int64_t principal;	    /* nonzero: only the sub-cards of it */
};

/*
 * Calls fn for every card that matches f (NULL: all) in serial order; the
 * card is valid during the call only. A nonzero return from fn stops the
 * listing and is returned. Returns 0, fn's value, TC_ERR_MALFORMED or a
 * database error.
 */
int tc_lifecycle_card_list(struct tc_registry *reg,
    const struct tc_card_filter *f,
    int (*fn)(const struct tc_card_state *c, void *arg), void *arg, char *err,
    size_t errlen);

/* One reported change (the card_changes table). */
struct tc_card_change {
	int64_t id;
	int64_t serial; /* the card it was reported on */
	enum tc_change_kind kind;
	const char *value; /* employer name or residence; borrowed */
	const char *uscc;  /* employer's credit code or NULL; borrowed */
	char effective[TC_LIFECYCLE_DATE_LEN]; /* when it happened */
	time_t reported_at;
	int days; /* from effective to reported, in days */
	int late; /* 1: after the programme's limit */
};

/*
 * Calls fn for every change reported on card serial and on the cards it
 * replaced (a reissued card keeps its history), oldest report first.
 * Returns 0, fn's value, TC_ERR_MALFORMED or a database error.
 */
int tc_lifecycle_changes_list(struct tc_registry *reg, int64_t serial,
    int (*fn)(const struct tc_card_change *ch, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * Finds the employer the holder of card serial last reported, through the
 * card's history (tc_lifecycle_changes_list): *name and *uscc are set to
 * malloc'd copies (the caller frees them), NULL when none was reported.
 * Returns 0 or a database error.
 */
int tc_lifecycle_last_employer(struct tc_registry *reg, int64_t serial,
    char **name /* OUT */, char **uscc /* OUT */, char *err, size_t errlen);

/*
 * Who may act. The caller authenticates the operator (a passphrase) and
 * names it in struct tc_lifecycle; the library decides what its roles
 * allow, so every front end applies the same rules. Each action below
 * begins with tc_lifecycle_may: it reads the operator from the registry
 * (inside the caller's transaction, so a role taken away or an operator
 * disabled after sign-in counts) and refuses before it reads the card.
 * docs/lifecycle.md, "Roles", gives the reasons.
 */
enum tc_lifecycle_action {
	TC_LIFECYCLE_RENEW = 1,	  /* "renew" */
	TC_LIFECYCLE_CHANGE,	  /* "change" */
	TC_LIFECYCLE_REISSUE,	  /* "reissue" */
	TC_LIFECYCLE_SUSPEND,	  /* "suspend" */
	TC_LIFECYCLE_REINSTATE,	  /* "reinstate" */
	TC_LIFECYCLE_REVOKE,	  /* "revoke" (fraud too) */
	TC_LIFECYCLE_SUBCARD_ADD, /* "subcard add" */
	TC_LIFECYCLE_EXPIRE,	  /* "expire" */
};

/* Counter work on an existing card: renew, change, reissue, sub-cards. */
#define TC_LIFECYCLE_ROLES_COUNTER TC_ROLE_BIT(TC_ROLE_CARD_ISSUER)
/* Suspension and reinstatement. */
#define TC_LIFECYCLE_ROLES_SUSPEND                                             \
	(TC_ROLE_BIT(TC_ROLE_HR_REVIEWER) | TC_ROLE_BIT(TC_ROLE_APPROVER) |    \
	    TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP))
/*
 * Revocation, for every reason: for fraud the blacklisting and the
 * employer's bar come with it and need no other role.
 */
#define TC_LIFECYCLE_ROLES_REVOKE                                              \
	(TC_ROLE_BIT(TC_ROLE_APPROVER) | TC_ROLE_BIT(TC_ROLE_LEADERSHIP_GROUP))
/* The expiry sweep only applies the clock: any enabled operator. */
#define TC_LIFECYCLE_ROLES_EXPIRE 0u

/* "renew", "subcard add", ...; "unknown" otherwise. Never NULL. */
const char *tc_lifecycle_action_name(enum tc_lifecycle_action a);

/*
 * The roles (a mask, any of them) action a needs: one of the
 * TC_LIFECYCLE_ROLES_* above; 0 means any enabled operator. Returns
 * TC_ROLE_ALL for an unknown action (which tc_lifecycle_may refuses).
 */
unsigned tc_lifecycle_action_roles(enum tc_lifecycle_action a);

/*
 * Whether lc's operator may do action a now: the operator named
 * lc->operator_name exists in lc->reg, is not disabled and holds one of
 * tc_lifecycle_action_roles(a). Needs no transaction (a front end may ask
 * before offering an action); the actions call it inside theirs. Returns
 * 0;
 *   TC_ERR_FORBIDDEN    the operator holds none of the roles (the message
 *                       names the roles needed and those held);
 *   TC_ERR_AUTH         no such operator, or it is disabled;
 *   TC_ERR_INVALID_ARG  no registry or operator name, an unknown action;
 *   a database error.
 */
int tc_lifecycle_may(const struct tc_lifecycle *lc, enum tc_lifecycle_action a,
    char *err, size_t errlen);

/*
 * Actions. Each needs an open transaction; res (may be NULL) is zeroed
 * first. Each first checks the operator (tc_lifecycle_may, its action) and
 * returns TC_ERR_FORBIDDEN, TC_ERR_AUTH or TC_ERR_INVALID_ARG from it
 * before anything below.
 */

/*
 * Renews card serial (a main card, issued, not past expiry) inside its
 * renewal window: from window_days before expires_at until expires_at
 * (exclusive). The new expiry is the old one plus the rule's months, or
 * plus months when months > 0 and the tier sets its term at approval
 * (never more than max_months). Its sub-cards that are issued or suspended
 * get the same expiry. Returns 0;
 *   TC_ERR_STATE   the card is suspended, revoked, expired or past its
 *                  expiry (a new application is needed), or a sub-card;
 *   TC_ERR_POLICY  before the window (the message gives the date it
 *                  opens), the programme provides no renewal, or the
 *                  extensions are used up (the message names the rule);
 *   TC_ERR_RANGE   months over the tier's max_months, or given for a tier
 *                  whose term is not set at approval;
 *   TC_ERR_NOT_FOUND  no such card, or its programme or tier is not loaded;
 *   TC_ERR_INVALID_ARG, database and audit errors.
 */
int tc_lifecycle_renew(const struct tc_lifecycle *lc, int64_t serial,
    int months, struct tc_lifecycle_result *res /* OUT */, char *err,
    size_t errlen);

/*
 * Records a change of employer or residence of the holder of card serial
 * (issued or suspended, not past expiry) that took effect on the local
 * date effective ("YYYY-MM-DD", not after today). value is the new
 * employer name or residence (1..TC_LIFECYCLE_VALUE_MAX bytes of UTF-8
 * without control characters); uscc the employer's unified social credit
 * code or NULL (employer changes only). When the report comes more than
 * the programme's change_report_days after effective, the change is still
 * recorded, with res->late set, a warning in res->warning and "late" in
 * the audit detail. Sub-cards record residence changes only. Returns 0;
 * TC_ERR_STATE; TC_ERR_BAD_DATE (effective malformed or in the future);
 * TC_ERR_INVALID_ARG (kind, value, uscc); TC_ERR_NOT_FOUND; database and
 * audit errors.
 */
int tc_lifecycle_change(const struct tc_lifecycle *lc, int64_t serial,
    enum tc_change_kind kind, const char *value, const char *uscc,
    const char *effective, struct tc_lifecycle_result *res /* OUT */, char *err,
    size_t errlen);

/*
 * Reissues card serial (issued, not past expiry) because it was lost or
 * damaged: the old card is revoked with reason "reissued-lost" or
 * "reissued-damaged", and a new card with a new serial and number (same
 * programme region) is issued now for the same holder, programme, tier,
 * relation and principal, with the same expiry and renewal count. The
 * new card's serial is new_serial, reserved by tc_serial_reserve before
 * the transaction (a refused reissue leaves it unused: a gap, never a
 * reuse). With new_serial 0 nothing changes: the call only checks that
 * the card may be reissued (a dry run, so that a caller reserves a serial
 * only for an action that will pass). The sub-cards of a reissued main card that are issued or
 * suspended move to the new card (their own cards are not lost).
 * res->new_serial and res->new_card_no name the new card. Returns 0;
 *   TC_ERR_STATE        the card is suspended, revoked or expired;
 *   TC_ERR_INVALID_ARG  an unknown reason, or new_serial was not reserved;
 *   TC_ERR_EXISTS       new_serial is taken;
 *   TC_ERR_NOT_FOUND, database and audit errors.
 */
int tc_lifecycle_reissue(const struct tc_lifecycle *lc, int64_t serial,
    enum tc_reissue_reason reason, int64_t new_serial,
    struct tc_lifecycle_result *res /* OUT */, char *err, size_t errlen);

/*
 * Suspends card serial (issued, not past expiry) for reason (free text,
 * 1..TC_LIFECYCLE_REASON_MAX bytes, no control characters). Its issued
 * sub-cards are suspended with it (marked as cascaded, reason
 * "principal-suspended"). Returns 0; TC_ERR_STATE; TC_ERR_INVALID_ARG;
 * TC_ERR_NOT_FOUND; database and audit errors.
 */
int tc_lifecycle_suspend(const struct tc_lifecycle *lc, int64_t serial,
    const char *reason, struct tc_lifecycle_result *res /* OUT */, char *err,
    size_t errlen);

/*
 * Reinstates card serial (suspended, not past expiry). The sub-cards that
 * were suspended because of it (cascaded) are reinstated with it; those
 * suspended on their own stay suspended. A sub-card is reinstated only
 * while its main card is issued. note (may be NULL) goes to the audit
 * detail. Returns 0; TC_ERR_STATE; TC_ERR_INVALID_ARG; TC_ERR_NOT_FOUND;
 * database and audit errors.
 */
int tc_lifecycle_reinstate(const struct tc_lifecycle *lc, int64_t serial,
    const char *note, struct tc_lifecycle_result *res /* OUT */, char *err,
    size_t errlen);

/*
 * Revokes card serial (issued or suspended, not past expiry) for reason
 * (tc_lifecycle_revoke_reason_ok), with an optional note. Its issued and
 * suspended sub-cards are revoked with it (cascaded, reason
 * "principal-revoked"). For "fraud", when the programme's
 * fraud_person_blacklist guard is set, the holder is put on the person
 * blacklist; with bar_employer, the employer last reported for the card
 * is barred for the programme's fraud_employer_bar_years. Returns 0;
 *   TC_ERR_STATE        the card is revoked or expired;
 *   TC_ERR_INVALID_ARG  an unknown reason, a bad note;
 *   TC_ERR_POLICY       bar_employer without fraud, or for a programme
 *                       without fraud_employer_bar_years;
 *   TC_ERR_NOT_FOUND    no card; no employer known for bar_employer;
 *   database and audit errors, and the blacklist's.
 */
int tc_lifecycle_revoke(const struct tc_lifecycle *lc, int64_t serial,
    const char *reason, const char *note, int bar_employer,
    struct tc_lifecycle_result *res /* OUT */, char *err, size_t errlen);

/* A relative for tc_lifecycle_subcard_add. */
struct tc_relative {
	enum tc_id_type id_type;
	const char *id_number; /* normalised (tc_id_normalise) */
	const char *name;      /* as printed */
	/* Birth date for ID types that carry none (passports); 0 if unknown. */
	int birth_y, birth_m, birth_d;
	/*
	 * The relative's photo for the card face (required): photo_len
	 * bytes, photo_name the file's name (its extension must agree with
	 * the content; NULL: "photo").
	 */
	const uint8_t *photo;
	size_t photo_len;
	const char *photo_name;
};

/*
 * Adds a sub-card for a relative of the holder of main card serial
 * (issued, not past expiry, not itself a sub-card). The programme must
 * have a sub tier for relation whose principal_tiers hold the main card's
 * tier (the green card: A only); a minor_only tier refuses a relative who
 * is TC_LIFECYCLE_ADULT_AGE or older on today's date, by the birth date in
 * the ID number (or rel's birth date for documents without one; unknown is
 * refused). The relative becomes a holder (found by ID number when one
 * exists: MAC, sealed number and masked form as every holder). The
 * sub-card gets serial new_serial (reserved by tc_serial_reserve), its
 * number in the main card's region, the main card's expiry, and status
 * issued. The relative's photo (required: the card has no application
 * to take one from) is checked as the programme's photo field takes one
 * (an image by its content, the field's pixel size and byte cap) and kept
 * as the sub-card's document TC_CARD_DOC_PHOTO (tc_card_doc_add), where
 * tc_cardface_card_load finds it. With new_serial 0 the call only checks (a dry run, as for
 * tc_lifecycle_reissue); nothing changes. One live spouse sub-card per main card; the same person
 * only once; never the main card's own holder. res->new_serial and
 * new_card_no name the sub-card. Returns 0;
 *   TC_ERR_STATE        the main card is not issued, past expiry, or a
 *                       sub-card;
 *   TC_ERR_POLICY       no sub tier for this relation on this tier, an
 *                       adult child, an unknown birth date;
 *   TC_ERR_EXISTS       the person already has a live sub-card on this
 *                       card, or a second spouse;
 *   TC_ERR_INVALID_ARG  a bad relation, ID number or name, no photo, or
 *                       new_serial was not reserved;
 *   TC_ERR_RANGE, TC_ERR_TOO_LARGE, TC_ERR_UNSUPPORTED ...
 *                       the photo is refused (tc_attach_check's codes);
 *   TC_ERR_NOT_FOUND, database, crypto and audit errors.
 */
int tc_lifecycle_subcard_add(const struct tc_lifecycle *lc, int64_t serial,
    enum tc_relation relation, const struct tc_relative *rel,
    int64_t new_serial, struct tc_lifecycle_result *res /* OUT */, char *err,
    size_t errlen);

/*
 * The expiry sweep: every issued or suspended card whose expires_at is not
 * after lc->now becomes expired (reason "term-ended"), and the issued or
 * suspended sub-cards of an expired main card expire with it (cascaded,
 * "principal-expired"), whatever their own expiry. One audit entry per
 * card. *count (may be NULL) gets the number of cards changed. Returns 0,
 * TC_ERR_STATE (no transaction), database and audit errors.
 */
int tc_lifecycle_expire(const struct tc_lifecycle *lc, int64_t *count /* OUT */,
    char *err, size_t errlen);

#endif
