/* SPDX-License-Identifier: MIT */
/*
 * The usage ledger of a service window (tcard-verifierd): every use of a
 * service by a card, in the verifier's own SQLite file (WAL,
 * synchronous=FULL), and the rules that decide a new use from the programme
 * file's service catalogue (include/tcard/programme.h): the tier covers the
 * service, the channel (chip or QR e-card) is allowed, the party is not
 * larger than the service's party size, the quota of its period (calendar
 * month or year in Asia/Shanghai, the card's validity, or unlimited) has a
 * use left, and no other service of its exclusive group was used in the
 * group's period. A use of an option counts against the option's quota and
 * its service's. Each use carries a client-chosen request id, unique per
 * window: the same id sent again by the same window counts once and gets
 * the first answer's verdict; another window's id is another use. The
 * check and the insert run in one IMMEDIATE transaction, so concurrent
 * redeems of the last use (from threads or processes) allow exactly one.
 * The ledger holds card numbers, never a name or an ID number. Format and
 * reasons: docs/services.md.
 */
#ifndef TCARD_LEDGER_H
#define TCARD_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/programme.h"

#define TC_LEDGER_REQID_MAX   64 /* request id: 1..64 of [A-Za-z0-9._:-] */
#define TC_LEDGER_WINDOW_MAX  64 /* window (staff token) name */
#define TC_LEDGER_SERVICE_MAX 80 /* "service" or "service.option" */
#define TC_LEDGER_APP_ID      1413698124 /* PRAGMA application_id */

/* Refusal reasons (struct tc_redeem_result.reason), stable for JSON. */
#define TC_REDEEM_UNKNOWN_SERVICE "unknown-service"
#define TC_REDEEM_NOT_COVERED	  "not-covered"	  /* tier or card kind */
#define TC_REDEEM_WRONG_CHANNEL	  "wrong-channel" /* e.g. chip only */
#define TC_REDEEM_PARTY_TOO_LARGE "party-too-large"
#define TC_REDEEM_QUOTA_EXHAUSTED "quota-exhausted"
#define TC_REDEEM_EXCLUSIVE_USED  "exclusive-used"
#define TC_REDEEM_REQID_REUSED	  "request-id-reused" /* for another use */

struct tc_ledger;

/* One request to use a service, from an already verified credential. */
struct tc_redeem {
	const struct tc_programme *programme; /* the card's programme */
	const char *service; /* "id", or "id.option" for an option */
	const char *card_no; /* 16 digits */
	const char *tier;    /* the credential's tier (main or sub-card) */
	time_t valid_from;   /* the credential's issue: per-validity quotas */
	unsigned channel;    /* TC_CHANNEL_CHIP or TC_CHANNEL_QR */
	int party;	     /* people served by this use, >= 1 */
	const char *request_id; /* unique per window */
	const char *window;	/* who redeems, may be NULL ("") */
	time_t now;
};

/*
 * The answer. limit/used/remaining describe the quota that decided (the
 * tighter of option and service): limit -1 and remaining -1 when
 * unlimited; used counts this use when it was allowed. period_start and
 * period_end are Asia/Shanghai day numbers [start, end) of a month or year
 * quota, both 0 otherwise.
 */
struct tc_redeem_result {
	int allowed;
	int replay;	    /* the request id was seen: nothing counted again */
	const char *reason; /* NULL when allowed */
	int limit, used, remaining;
	enum tc_period period;
	int64_t period_start, period_end;
	char exclusive_with[TC_LEDGER_SERVICE_MAX]; /* exclusive-used */
	int64_t use_id;				    /* the ledger row */
	char message[256];
};

/* One recorded use, for reports. */
struct tc_ledger_row {
	int64_t id;
	char request_id[TC_LEDGER_REQID_MAX + 1];
	char card_no[17];
	char programme[33];
	char service[TC_LEDGER_SERVICE_MAX];
	int party;
	time_t at;
	unsigned channel;
	char window[TC_LEDGER_WINDOW_MAX + 1];
};

/*
 * Opens (creating when missing) the ledger at path: WAL, synchronous=FULL,
 * foreign keys, a 5 s busy timeout, schema by user_version. A new file is
 * made mode 0600 (tc_ledger_create_private), so its -wal and -shm files
 * are too. A ledger of schema 1 (request ids unique across windows) is
 * migrated to schema 2 (unique per window) in one transaction. A file of
 * another application or a newer schema is refused. Returns 0,
 * TC_ERR_INVALID_ARG, TC_ERR_DB, TC_ERR_UNSUPPORTED, TC_ERR_NOMEM.
 */
int tc_ledger_open(struct tc_ledger **out /* OUT */, const char *path,
    char *err, size_t errlen);

/*
 * Opens an existing ledger read-only (tcard-verify --ledger): never
 * creates or changes the file; tc_ledger_usage and tc_ledger_report work,
 * tc_ledger_redeem fails with TC_ERR_DB. A missing file, or one that is
 * not a ledger, is TC_ERR_DB. Returns as tc_ledger_open.
 */
int tc_ledger_open_readonly(struct tc_ledger **out /* OUT */, const char *path,
    char *err, size_t errlen);

/* Closes l (NULL is fine). */
void tc_ledger_close(struct tc_ledger *l);

/*
 * Creates the file path empty with mode 0600 when it does not exist (an
 * existing file is left as it is; ":memory:" is nothing to do). SQLite
 * gives a database's -wal and -shm files the mode of the database file, so
 * a database opened afterwards keeps all three private. Also used for the
 * lookup guard's file (include/tcard/cardguard.h). Returns 0,
 * TC_ERR_INVALID_ARG, or TC_ERR_DB with err (the directory is not
 * writable...).
 */
int tc_ledger_create_private(const char *path, char *err, size_t errlen);

/*
 * Checks the modes of path and of its -wal and -shm files (those that
 * exist). Returns 0 when none is accessible by group or others, else 1
 * with msg naming the first such file and its mode (for a warning).
 */
int tc_ledger_check_modes(const char *path, char *msg, size_t msglen);

/*
 * Decides q and, when allowed, records it. A refusal is an answer, not an
 * error: returns 0 with res->allowed 0 and res->reason set. Returns
 * TC_ERR_INVALID_ARG (a malformed request: no programme, a bad card number,
 * request id or window, party < 1, unknown channel), TC_ERR_DB,
 * TC_ERR_DB_BUSY (another writer held the ledger past the busy timeout:
 * nothing was recorded; retrying with the same request id is safe).
 */
int tc_ledger_redeem(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res /* OUT */, char *err, size_t errlen);

/*
 * Whether a redeem of q would be allowed now, without recording anything
 * (request_id and window are ignored; party 0 counts as 1): res->allowed
 * and res->reason as tc_ledger_redeem would answer, but used and
 * remaining as they stand, not counting the use asked about. Returns as
 * tc_ledger_redeem.
 */
int tc_ledger_usage(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res /* OUT */, char *err, size_t errlen);

/*
 * Calls fn for each use of programme's service (an id: its options
 * included; "id.option": that option's uses; NULL: every service) by card
 * card_no (NULL: every card) recorded at day numbers [from_day, to_day)
 * (Asia/Shanghai), in ledger order. programme NULL: every programme. fn
 * returning non-zero stops and is returned. Returns 0, that value,
 * TC_ERR_INVALID_ARG, TC_ERR_DB.
 */
int tc_ledger_report(struct tc_ledger *l, const char *programme,
    const char *service, const char *card_no, int64_t from_day, int64_t to_day,
    int (*fn)(const struct tc_ledger_row *row, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * Group commit (for metrics and benchmarks): the groups of redeems
 * committed so far and the redeems they held.
 */
void tc_ledger_stats(struct tc_ledger *l, uint64_t *groups /* OUT */,
    uint64_t *redeems /* OUT */);

/* Number of recorded uses (for tests and metrics); -1 on error. */
int64_t tc_ledger_count(struct tc_ledger *l);

#endif
