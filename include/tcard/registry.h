/* SPDX-License-Identifier: MIT */
/*
 * The issuing authority's registry: holders, cards, operators and the
 * keyed, hash-chained, append-only audit log, in one SQLite file
 * (HOME/registry.db). Schema, pragmas, migrations, the personal data scheme
 * and the audit chain are described in docs/registry.md.
 *
 * The registry takes its keys as arguments (the lookup pepper and the data
 * key, struct tc_registry_keys); it never reads key files. A national ID
 * number never reaches the database: a holder row holds its keyed MAC
 * (tc_pii_id_mac), the number sealed under the data key (tc_pii_seal) and
 * the masked form (tc_id_mask).
 *
 * Changes happen inside a transaction: tc_registry_begin(), the changes,
 * at least one tc_registry_audit() entry describing them, then
 * tc_registry_commit(). The functions that change data refuse to run
 * outside a transaction (TC_ERR_STATE), and commit refuses a transaction
 * that changed data without an audit entry (it rolls back and returns
 * TC_ERR_STATE), so every change is in the audit log in the same
 * transaction as the change.
 *
 * A struct tc_registry is one SQLite connection; use it from one thread at
 * a time. Other processes may open the same file (WAL mode, 5 s busy
 * timeout).
 */
#ifndef TCARD_REGISTRY_H
#define TCARD_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tcard/id.h"
#include "tcard/pii.h"

/* The schema version this program creates and understands. */
#define TC_REGISTRY_SCHEMA_VERSION 17
/* PRAGMA application_id of a registry file ("TCRG"). */
#define TC_REGISTRY_APP_ID 0x54435247

/* tc_registry_open flags. */
#define TC_REGISTRY_CREATE 0x01 /* create the file (mode 0600) when missing */
#define TC_REGISTRY_EXCL   0x02 /* with CREATE: fail if the file exists */

struct tc_registry;

struct tc_registry_keys {
	uint8_t pepper[TC_PII_KEY_LEN];	  /* lookup pepper: ID MACs */
	uint8_t data_key[TC_PII_KEY_LEN]; /* sealing; audit key derived */
};

/*
 * Opens the registry at path and sets *out. The keys are copied (and wiped
 * on close). On every open the connection gets journal_mode=WAL,
 * synchronous=FULL, foreign_keys=ON, secure_delete=ON, trusted_schema=OFF,
 * a 5 s busy timeout and SQLite's defensive mode; then the schema is
 * brought to TC_REGISTRY_SCHEMA_VERSION by the migration steps, each in its
 * own transaction. flags is 0 or TC_REGISTRY_CREATE, optionally with
 * TC_REGISTRY_EXCL. A file this call created is removed again if opening
 * fails. Returns
 *   0                   success; close with tc_registry_close;
 *   TC_ERR_INVALID_ARG  a NULL pointer or unknown flag;
 *   TC_ERR_NOT_FOUND    the file does not exist and CREATE was not given;
 *   TC_ERR_EXISTS       CREATE|EXCL and the file exists;
 *   TC_ERR_IO           the file cannot be created;
 *   TC_ERR_DB           not an SQLite database, an SQLite database of some
 *                       other application, WAL refused, or another SQLite
 *                       failure;
 *   TC_ERR_DB_BUSY      another process held the lock past the timeout;
 *   TC_ERR_DB_SCHEMA    the file's schema version is newer than this
 *                       program's (the message has both numbers);
 *   TC_ERR_NOMEM.
 * On failure *out is NULL and err (errlen bytes, may be NULL) says what
 * went wrong, naming the file.
 */
int tc_registry_open(struct tc_registry **out /* OUT */, const char *path,
    const struct tc_registry_keys *keys, int flags, char *err, size_t errlen);

/*
 * Runs SQLite's full integrity check (PRAGMA integrity_check: every page,
 * every b-tree, every index against its table) over the open file. Costs
 * about 0.3 s per 100 MB. Returns 0 when SQLite reports "ok", TC_ERR_DB
 * when the file is damaged (err names the file and SQLite's first
 * complaint) or another SQLite failure, TC_ERR_DB_BUSY.
 */
int tc_registry_integrity_check(
    struct tc_registry *reg, char *err, size_t errlen);

/*
 * The registry file is created mode 0600, and SQLite gives its -wal and
 * -shm files the mode of the main file. Returns 1 and describes the first
 * of path, path-wal, path-shm and path-journal that group or others may
 * access in msg (msglen bytes), or 0 when none may (or none exists). For a
 * program to warn with; the library does not refuse such a file.
 */
int tc_registry_file_modes(const char *path, char *msg, size_t msglen);

/*
 * Rolls back an open transaction, finalises the statements, closes the
 * connection and wipes the keys. NULL is fine.
 */
void tc_registry_close(struct tc_registry *reg);

/* The schema version of the open file (after migration). */
int tc_registry_schema_version(const struct tc_registry *reg);

/*
 * Starts a write transaction (BEGIN IMMEDIATE: the write lock is taken now,
 * waiting up to the busy timeout). Returns 0, TC_ERR_STATE when a
 * transaction is already open, TC_ERR_DB_BUSY or TC_ERR_DB.
 */
int tc_registry_begin(struct tc_registry *reg, char *err, size_t errlen);

/*
 * Commits the open transaction. Returns 0 once the data is durable;
 * TC_ERR_STATE when no transaction is open, or when it changed data but
 * appended no audit entry (the transaction is then rolled back);
 * TC_ERR_DB when SQLite had already rolled it back after an error or the
 * commit failed (rolled back); TC_ERR_DB_BUSY. After any return the
 * transaction is closed.
 */
int tc_registry_commit(struct tc_registry *reg, char *err, size_t errlen);

/* Rolls back the open transaction, if any. */
void tc_registry_rollback(struct tc_registry *reg);

/* Holders. */

/* Longest holder name in bytes (without the NUL). */
#define TC_HOLDER_NAME_MAX 256

struct tc_holder {
	int64_t id; /* registry id (set by get) */
	enum tc_id_type id_type;
	char id_number[TC_ID_MAX];	   /* normalised; the plain number */
	char id_masked[TC_ID_MAX];	   /* set by get */
	char name[TC_HOLDER_NAME_MAX + 1]; /* UTF-8, as it is printed */
	time_t created_at;		   /* set by get */
};

/* Wipes h (it holds a plain ID number). */
void tc_holder_release(struct tc_holder *h);

/*
 * Adds a holder: h->id_type, h->id_number (normalised by
 * tc_id_normalise) and h->name are used; the other fields are ignored.
 * Stores the ID MAC, the sealed number (AAD "talentcard-holder-v1:" + type
 * name) and the masked form. Needs an open transaction. Sets *id to the
 * new holder's id. Returns
 *   0;
 *   TC_ERR_INVALID_ARG  unknown type, an ID number that is not normalised
 *                       (0-9 and A-Z only), an empty or too long name;
 *   TC_ERR_EXISTS       a holder with this type and number exists (the
 *                       message names the masked number and the holder id);
 *   TC_ERR_STATE        no transaction open;
 *   TC_ERR_CRYPTO, TC_ERR_DB, TC_ERR_DB_BUSY, TC_ERR_NOMEM.
 */
int tc_registry_holder_add(struct tc_registry *reg, const struct tc_holder *h,
    time_t now, int64_t *id /* OUT */, char *err, size_t errlen);

/*
 * Finds the holder with this type and normalised number through its MAC.
 * Returns 0 and sets *id, TC_ERR_NOT_FOUND, TC_ERR_INVALID_ARG, or a
 * database or crypto error.
 */
int tc_registry_holder_find(struct tc_registry *reg, enum tc_id_type type,
    const char *normalised_id, int64_t *id /* OUT */, char *err, size_t errlen);

/*
 * Reads holder id into *out, opening the sealed number. The caller wipes
 * *out with tc_holder_release. Returns 0; TC_ERR_NOT_FOUND;
 * TC_ERR_DECRYPT when the sealed number does not open (another data key,
 * or the row was altered: the seal is bound to the row's ID type);
 * TC_ERR_MALFORMED when a stored value has the wrong shape; or a database
 * error. On failure *out is zeroed.
 */
int tc_registry_holder_get(struct tc_registry *reg, int64_t id,
    struct tc_holder *out /* OUT */, char *err, size_t errlen);

/* Cards. */

/*
 * Card states. The names are stored in cards.status, whose CHECK
 * constraint lists exactly these; a new state needs a schema migration
 * (docs/registry.md).
 */
enum tc_card_status {
	TC_CARD_ISSUED = 1, /* "issued": valid */
	TC_CARD_SUSPENDED,  /* "suspended": temporarily not valid */
	TC_CARD_REVOKED,    /* "revoked": permanently withdrawn */
	TC_CARD_EXPIRED,    /* "expired": past expires_at, recorded */
	TC_CARD_PRODUCTION, /* "production": allocated at the last
			       approval, being made or waiting for its
			       holder; not valid (docs/workflow.md) */
};

/* The stored name of s ("issued", ...), or "unknown". */
const char *tc_card_status_name(enum tc_card_status s);
/* Parses a stored name. Returns 0, or TC_ERR_INVALID_ARG (*out untouched). */
int tc_card_status_parse(const char *name, enum tc_card_status *out /* OUT */);

/* Longest programme, tier and relation names in bytes. */
#define TC_CARD_TEXT_MAX 64

struct tc_card {
	int64_t serial;	  /* 1 .. 999999999, digits 7-15 of card_no */
	char card_no[17]; /* 16 digits: region, serial, Luhn */
	int64_t holder_id;
	char programme[TC_CARD_TEXT_MAX + 1];
	char tier[TC_CARD_TEXT_MAX + 1];
	enum tc_card_status status;
	time_t issued_at;
	time_t expires_at;		     /* later than issued_at */
	int64_t principal_serial;	     /* 0 unless a sub-card */
	char relation[TC_CARD_TEXT_MAX + 1]; /* "" unless a sub-card */
};

/*
 * Adds a card. Needs an open transaction. Checks that card_no is a valid
 * card number whose serial digits equal serial, that programme and tier are
 * set, that a sub-card (principal_serial != 0) names a relation and a
 * principal card that exists and is not itself a sub-card, and that a
 * card that is not a sub-card has no relation. Returns
 *   0;
 *   TC_ERR_INVALID_ARG  a field fails the checks above (message names it);
 *   TC_ERR_EXISTS       the serial or card number is taken;
 *   TC_ERR_CONSTRAINT   the holder or the principal card does not exist,
 *                       or the principal is a sub-card;
 *   TC_ERR_STATE, TC_ERR_DB, TC_ERR_DB_BUSY.
 */
int tc_registry_card_add(
    struct tc_registry *reg, const struct tc_card *c, char *err, size_t errlen);

/*
 * Reads the card with this serial, or with this 16-digit card number, into
 * *out. Returns 0, TC_ERR_NOT_FOUND, TC_ERR_MALFORMED (a stored value out
 * of shape) or a database error.
 */
int tc_registry_card_get(struct tc_registry *reg, int64_t serial,
    struct tc_card *out /* OUT */, char *err, size_t errlen);
int tc_registry_card_get_by_no(struct tc_registry *reg, const char *card_no,
    struct tc_card *out /* OUT */, char *err, size_t errlen);

/*
 * Sets the status of card serial. No lifecycle rules are applied here
 * (they belong to the caller). Needs an open transaction. Returns 0,
 * TC_ERR_NOT_FOUND, TC_ERR_INVALID_ARG (unknown status), TC_ERR_STATE or a
 * database error.
 */
int tc_registry_card_set_status(struct tc_registry *reg, int64_t serial,
    enum tc_card_status status, char *err, size_t errlen);

/* The audit log. */

#define TC_AUDIT_MAC_LEN 32
/* Caps on the text fields of an entry, in bytes. */
#define TC_AUDIT_NAME_MAX    128 /* operator and action */
#define TC_AUDIT_SUBJECT_MAX 256
#define TC_AUDIT_DETAIL_MAX  65536
/* "SEQ:" + 64 hex digits + NUL, with SEQ up to 19 digits. */
#define TC_AUDIT_HEAD_TEXT_MAX (19 + 1 + 64 + 1)

/* The last entry of the log: what an operator records elsewhere. */
struct tc_audit_head {
	int64_t seq;		       /* 0 for an empty log */
	uint8_t mac[TC_AUDIT_MAC_LEN]; /* zeros for an empty log */
};

/* One entry, as tc_registry_audit_list hands it to its callback. */
struct tc_audit_entry {
	int64_t seq;
	int64_t at;		   /* seconds since the epoch */
	const char *operator_name; /* borrowed for the callback only */
	const char *action;
	const char *subject;
	const char *detail; /* JSON text */
	uint8_t prev[TC_AUDIT_MAC_LEN];
	uint8_t mac[TC_AUDIT_MAC_LEN];
};

struct tc_audit_report {
	int64_t entries;	   /* entries that verified, from seq 1 */
	int64_t first_bad;	   /* seq of the first bad entry; 0 if none */
	char reason[256];	   /* why first_bad is bad; "" if none */
	struct tc_audit_head head; /* the last entry that verified */
};

/*
 * Appends an audit entry: seq is the last seq + 1, prev the last entry's
 * mac (32 zero bytes for the first), and
 *     mac = HMAC-SHA256(audit_key, prev || seq || at || operator ||
 *                       action || subject || detail)
 * with the serialisation and audit_key of docs/registry.md.
 * operator_name and action are non-empty, subject may be NULL (stored as
 * ""), detail_json is a JSON object or NULL (stored as "{}"). Inside a
 * transaction the entry joins it; outside one it is written in its own.
 * Refuses a subject or detail holding a token that looks like a full
 * 17- or 18-character ID number (log the masked form). Returns
 *   0;
 *   TC_ERR_INVALID_ARG  an empty or over-long field (caps below), detail
 *                       not a JSON object, or what looks like an ID number
 *                       (the message gives the byte offset, never the text);
 *   TC_ERR_AUDIT_BROKEN the last entry's mac is malformed, so nothing can
 *                       be chained to it;
 *   TC_ERR_CRYPTO, TC_ERR_DB, TC_ERR_DB_BUSY (and the errors of
 *   tc_registry_begin/commit when it runs its own transaction).
 */
int tc_registry_audit(struct tc_registry *reg, time_t at,
    const char *operator_name, const char *action, const char *subject,
    const char *detail_json, char *err, size_t errlen);

/*
 * Checks the whole audit log from seq 1: consecutive sequence numbers,
 * each entry's prev equal to the mac of the entry before it, each mac
 * recomputed with the audit key, and the stored column types. Stops at the
 * first bad entry and names it in rep (an edited entry fails its mac; a
 * deleted, inserted or moved entry fails on seq or prev).
 *
 * Deleting entries at the end of the log leaves a shorter log that
 * verifies; it is caught only against a head recorded elsewhere: when
 * expect is not NULL, the log must contain entry expect->seq with mac
 * expect->mac (the log may have grown since).
 *
 * Returns 0 when the log verifies (rep->first_bad is 0 and rep->head is the
 * last entry), TC_ERR_AUDIT_BROKEN when it does not (rep says where and
 * why; err gets "entry SEQ: reason"), or a database or crypto error (rep
 * is then not meaningful).
 */
int tc_registry_audit_verify(struct tc_registry *reg,
    const struct tc_audit_head *expect, struct tc_audit_report *rep /* OUT */,
    char *err, size_t errlen);

/*
 * Reads the last entry's seq and mac, without verifying anything. Returns
 * 0 (seq 0 and a zero mac for an empty log) or a database error.
 */
int tc_registry_audit_head(struct tc_registry *reg,
    struct tc_audit_head *out /* OUT */, char *err, size_t errlen);

/*
 * Calls fn for each entry with from_seq <= seq, in seq order, at most limit
 * entries (0: no limit). The entry and its strings are valid during the
 * call only. A nonzero return from fn stops the listing and is returned.
 * Returns 0, fn's value, or a database error.
 */
int tc_registry_audit_list(struct tc_registry *reg, int64_t from_seq,
    int64_t limit, int (*fn)(const struct tc_audit_entry *e, void *arg),
    void *arg, char *err, size_t errlen);

/*
 * Calls fn for each entry whose subject is subject ("card:NUMBER",
 * "application:N", ...), in seq order, read from the subject's index
 * (schema 11), as tc_registry_audit_list does for the whole log. The
 * entries are not verified here (tc_registry_audit_verify does that).
 */
int tc_registry_audit_subject(struct tc_registry *reg, const char *subject,
    int (*fn)(const struct tc_audit_entry *e, void *arg), void *arg, char *err,
    size_t errlen);

/*
 * Formats a head as "SEQ:MACHEX" (64 lower-case hex digits) into out.
 */
void tc_audit_head_format(
    const struct tc_audit_head *h, char out[TC_AUDIT_HEAD_TEXT_MAX] /* OUT */);

/*
 * Parses "SEQ:MACHEX" (SEQ decimal >= 0, 64 hex digits in either case).
 * Returns 0, or TC_ERR_MALFORMED with a message saying which part is wrong
 * (then *out is untouched).
 */
int tc_audit_head_parse(const char *text, struct tc_audit_head *out /* OUT */,
    char *err, size_t errlen);

#endif
