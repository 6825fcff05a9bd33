/* SPDX-License-Identifier: MIT */
/*
 * The person blacklist and employer bars of the registry (tables blacklist
 * and employer_bars, schema version 3). A person is listed by the keyed
 * MAC of the ID number (tc_pii_id_mac), never by the number; an employer
 * by its unified social credit code and its normalised name. Both are
 * registry-wide: an authority's blacklist applies to every programme it
 * runs. Applications are refused while a person is listed or an employer
 * barred (include/tcard/application.h); `tcard-issuer revoke --reason
 * fraud` adds to both.
 *
 * Every function that changes a table needs an open transaction and
 * appends its own audit entry (operator_name, "blacklist.add",
 * "blacklist.remove", "employer.bar"), so the caller only begins and
 * commits. Texts are UTF-8 without control characters. docs/workflow.md.
 */
#ifndef TCARD_BLACKLIST_H
#define TCARD_BLACKLIST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/id.h"
#include "tcard/pii.h"
#include "tcard/registry.h"
#include "tcard/uscc.h"
#include "tcard/workday.h"

/* Longest reason and source reference, in bytes. */
#define TC_BLACKLIST_TEXT_MAX 512
/* Longest employer name, in bytes (the input of tc_name_normalise). */
#define TC_EMPLOYER_MAX 256
/* Room for a normalised employer name. */
#define TC_EMPLOYER_KEY_MAX (4 * TC_EMPLOYER_MAX)

struct tc_blacklist_entry {
	uint8_t id_mac[TC_PII_MAC_LEN];
	char id_masked[TC_ID_MAX];
	char reason[TC_BLACKLIST_TEXT_MAX + 1];
	char programme[TC_CARD_TEXT_MAX + 1];	/* "" when not given */
	char source[TC_BLACKLIST_TEXT_MAX + 1]; /* rule reference, or "" */
	int64_t card_serial;			/* 0 when none */
	int64_t application_id;			/* 0 when none */
	char until[TC_DATE_TEXT];		/* "" = no end */
	time_t added_at;
	char added_by[TC_AUDIT_NAME_MAX + 1];
};

struct tc_employer_bar {
	int64_t id;
	char employer[TC_EMPLOYER_MAX + 1];
	char employer_code[TC_USCC_LEN + 1]; /* "" when not known */
	char since[TC_DATE_TEXT];	     /* first day barred */
	char until[TC_DATE_TEXT];	     /* first day no longer barred */
	char reason[TC_BLACKLIST_TEXT_MAX + 1];
	char programme[TC_CARD_TEXT_MAX + 1];
	char source[TC_BLACKLIST_TEXT_MAX + 1];
	int64_t card_serial;
	time_t added_at;
	char added_by[TC_AUDIT_NAME_MAX + 1];
};

/*
 * Normalises an employer name for comparison (tc_name_normalise: width,
 * case, Unicode form and white space folded) into out. Returns 0,
 * TC_ERR_TOO_LARGE (over TC_EMPLOYER_MAX bytes), TC_ERR_BAD_ENCODING,
 * TC_ERR_MALFORMED (empty) or TC_ERR_INVALID_ARG.
 */
int tc_employer_key(const char *name, char out[TC_EMPLOYER_KEY_MAX] /* OUT */,
    char *err, size_t errlen);

/*
 * Lists the person with this ID type and normalised number. reason is
 * required; programme, source (the rule, such as "002 十一(六)") and until
 * ("YYYY-MM-DD", the first day no longer listed) may be NULL; card_serial
 * and application_id may be 0. Returns 0; TC_ERR_EXISTS when the person is
 * already listed (nothing changes; the message gives the date and reason
 * of the entry); TC_ERR_INVALID_ARG (a bad number, empty or over-long
 * reason, bad date); TC_ERR_STATE (no transaction); a database or audit
 * error.
 */
int tc_blacklist_add_id(struct tc_registry *reg, enum tc_id_type type,
    const char *normalised_id, const char *reason, const char *programme,
    const char *source, const char *until, int64_t card_serial,
    int64_t application_id, const char *operator_name, time_t now, char *err,
    size_t errlen);

/*
 * Lists the holder of card card_serial (sub-cards: the sub-card's own
 * holder), with the card's programme. Returns as tc_blacklist_add_id, and
 * TC_ERR_NOT_FOUND when there is no such card.
 */
int tc_blacklist_add_card_holder(struct tc_registry *reg, int64_t card_serial,
    const char *reason, const char *source, const char *operator_name,
    time_t now, char *err, size_t errlen);

/*
 * Removes the entry of this ID number. reason is required (it goes into
 * the audit entry). Returns 0, TC_ERR_NOT_FOUND, TC_ERR_INVALID_ARG,
 * TC_ERR_STATE or a database or audit error.
 */
int tc_blacklist_remove_id(struct tc_registry *reg, enum tc_id_type type,
    const char *normalised_id, const char *reason, const char *operator_name,
    time_t now, char *err, size_t errlen);

/*
 * Looks id_mac up at time now (an entry with an until date counts while
 * the Asia/Shanghai date of now is before it). Returns 0 when not listed,
 * TC_ERR_BLACKLISTED when listed (then *hit, which may be NULL, is the
 * entry), or a database error.
 */
int tc_blacklist_check(struct tc_registry *reg,
    const uint8_t id_mac[TC_PII_MAC_LEN], time_t now,
    struct tc_blacklist_entry *hit /* OUT */, char *err, size_t errlen);

/*
 * Calls fn for every entry, newest first; e is valid during the call. A
 * nonzero return from fn stops and is returned. Returns 0, fn's value,
 * TC_ERR_MALFORMED (a stored row out of shape) or a database error.
 */
int tc_blacklist_list(struct tc_registry *reg,
    int (*fn)(const struct tc_blacklist_entry *e, void *arg), void *arg,
    char *err, size_t errlen);

/*
 * Bars an employer from since to until (dates "YYYY-MM-DD", since < until;
 * barred on since and up to the day before until). employer is required;
 * code (a unified social credit code, normalised and checked here), may be
 * NULL; programme, source NULL; card_serial 0. Sets *bar_id (may be NULL).
 * Returns 0, TC_ERR_INVALID_ARG (bad name, code, dates or reason),
 * TC_ERR_STATE, or a database or audit error. Several bars of one employer
 * may exist; the latest until counts.
 */
int tc_employer_bar_add(struct tc_registry *reg, const char *employer,
    const char *code, const char *since, const char *until, const char *reason,
    const char *programme, const char *source, int64_t card_serial,
    const char *operator_name, time_t now, int64_t *bar_id /* OUT */, char *err,
    size_t errlen);

/*
 * Bars, for years years from the Asia/Shanghai date of now, the employer
 * recorded on the application that issued card card_serial (its name and
 * code), with the card's programme. The way `revoke --reason fraud` bars
 * the unit (002 十一(六): 3 years). Returns as tc_employer_bar_add, and
 * TC_ERR_NOT_FOUND when no application of this registry issued the card
 * or it recorded no employer (then call tc_employer_bar_add with a name),
 * TC_ERR_RANGE when years is not 1..100.
 */
int tc_employer_bar_add_card(struct tc_registry *reg, int64_t card_serial,
    int years, const char *reason, const char *source,
    const char *operator_name, time_t now, int64_t *bar_id /* OUT */, char *err,
    size_t errlen);

/*
 * Is this employer barred at time now? It is when a bar with the same
 * code (when code is not NULL), or with the same normalised name, has
 * since <= today < until (Asia/Shanghai). Returns 0 when not barred,
 * TC_ERR_BLACKLISTED (then *hit, may be NULL, is the bar that ends last),
 * TC_ERR_INVALID_ARG (a bad name or code) or a database error.
 */
int tc_employer_bar_check(struct tc_registry *reg, const char *employer,
    const char *code, time_t now, struct tc_employer_bar *hit /* OUT */,
    char *err, size_t errlen);

/*
 * Calls fn for every bar (those that have ended too), newest first;
 * returns as tc_blacklist_list.
 */
int tc_employer_bar_list(struct tc_registry *reg,
    int (*fn)(const struct tc_employer_bar *b, void *arg), void *arg, char *err,
    size_t errlen);

#endif
