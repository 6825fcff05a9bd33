/* SPDX-License-Identifier: MIT */
/*
 * What the usage ledger (ledger.c) and the lookup guard (cardguard.c) have
 * alike, private to src/ledger/: an SQLite file with its name for
 * messages, its prepared statements and the lock of its users, and the
 * helpers both run it with (sqlfile.c).
 */
#ifndef TCARD_LEDGER_INT_H
#define TCARD_LEDGER_INT_H

#include <pthread.h>
#include <stdint.h>

#include <sqlite3.h>

#include "tcard/ledger.h"

#define TC_SQLFILE_STMT_MAX 16 /* prepared statements of one file */

struct tc_sqlfile {
	sqlite3 *db;
	char *path; /* for messages ("PATH: what: SQLite's message") */
	sqlite3_stmt *st[TC_SQLFILE_STMT_MAX];
	pthread_mutex_t mu;
};

/*
 * The error for SQLite's rc after what failed: TC_ERR_DB_BUSY (busy or
 * locked), TC_ERR_NOMEM or TC_ERR_DB, err saying "PATH: what: message".
 */
int tc_sqlfile_err(
    struct tc_sqlfile *f, int rc, const char *what, char *err, size_t errlen);

/* Runs the statements s; 0 or tc_sqlfile_err's error for what. */
int tc_sqlfile_exec(struct tc_sqlfile *f, const char *s, const char *what,
    char *err, size_t errlen);

/* The first column of the first row of s into *v; 0 or the error. */
int tc_sqlfile_int(struct tc_sqlfile *f, const char *s, int64_t *v /* OUT */,
    char *err, size_t errlen);

/*
 * The file's head: its application_id, user_version and the number of
 * objects in its schema (0 for a new file). Returns 0 or the error.
 */
int tc_sqlfile_head(struct tc_sqlfile *f, int64_t *app /* OUT */,
    int64_t *version /* OUT */, int64_t *objects /* OUT */, char *err,
    size_t errlen);

/* Prepares the n (at most TC_SQLFILE_STMT_MAX) statements sql into f->st. */
int tc_sqlfile_prepare(struct tc_sqlfile *f, const char *const *sql, int n,
    char *err, size_t errlen);

/*
 * Commits the open transaction; when that fails, rolls it back and returns
 * the error for what.
 */
int tc_sqlfile_commit(
    struct tc_sqlfile *f, const char *what, char *err, size_t errlen);

/* Rolls the open transaction back (nothing to report: it is undone). */
void tc_sqlfile_rollback(struct tc_sqlfile *f);

/* Finalizes the statements, closes the database and frees the path. */
void tc_sqlfile_close(struct tc_sqlfile *f);

/*
 * The usage ledger's storage (ledger.c decides; a backend stores): an
 * SQLite file (ledger-sqlite.c) or a PostgreSQL database (ledger-pg.c).
 * ledger.c holds the ledger's lock around every call, so a backend's
 * connection is used by one thread at a time. Each returns 0 or a
 * TC_ERR_* with err ("WHERE: what: the database's message"):
 * TC_ERR_DB_BUSY when the database stayed locked and TC_ERR_DB_DOWN when
 * it cannot be reached (both: nothing was recorded, retry later).
 */

/* A recorded use as the decision reads it back by its request id. */
struct tc_ledger_found {
	int64_t id;
	char card_no[17];
	char programme[33];
	char service[TC_LEDGER_SERVICE_MAX];
	char option[TC_LEDGER_SERVICE_MAX];
};

/* A use to record. */
struct tc_ledger_use {
	const char *request_id, *card_no, *programme, *service, *option;
	const char *window; /* "" for none */
	int party;
	int64_t at, day;
	unsigned channel;
};

/* What a report selects (NULL: any). */
struct tc_ledger_filter {
	const char *programme, *service, *option, *card_no;
	int64_t from_day, to_day;
};

struct tc_ledger_backend {
	const char *name; /* "sqlite", "postgresql" */
	/*
	 * Starts a transaction (with write, one that writes: SQLite's BEGIN
	 * IMMEDIATE, which takes the file from every other writer).
	 */
	int (*begin)(void *be, int write, char *err, size_t errlen);
	/*
	 * Inside a write transaction: no other redeem of the card (key) can
	 * interleave with this one up to its commit (PostgreSQL: a
	 * transaction lock on the key; SQLite: the file is taken already).
	 */
	int (*lock)(void *be, const char *key, char *err, size_t errlen);

	/* The use of request_id at window, *found 0 when none. */
	int (*find)(void *be, const char *request_id, const char *window,
	    struct tc_ledger_found *f /* OUT */, int *found /* OUT */,
	    char *err, size_t errlen);
	/* Uses of card's service (option "" = every option) at days [from, to). */
	int (*count)(void *be, const char *card_no, const char *programme,
	    const char *service, const char *option, int64_t from, int64_t to,
	    int64_t *n /* OUT */, char *err, size_t errlen);
	int (*insert)(void *be, const struct tc_ledger_use *u,
	    int64_t *id /* OUT */, char *err, size_t errlen);
	/* Commits; on failure the transaction is rolled back. */
	int (*commit)(void *be, char *err, size_t errlen);
	void (*rollback)(void *be);
	/* Rows in ledger order; fn's non-zero stops and is returned. */
	int (*report)(void *be, const struct tc_ledger_filter *flt,
	    int (*fn)(const struct tc_ledger_row *row, void *arg), void *arg,
	    char *err, size_t errlen);
	int (*count_all)(void *be, int64_t *n /* OUT */);
	void (*close)(void *be);
};

/* Opens the SQLite ledger at path (ro: read-only); *be for its backend. */
int tc_ledger_sqlite_open(
    void **be /* OUT */, const char *path, int ro, char *err, size_t errlen);
extern const struct tc_ledger_backend tc_ledger_sqlite;

/*
 * Opens the PostgreSQL ledger of conninfo (a libpq connection string or
 * URI), creating or migrating its tables (ro: neither). Messages name the
 * database by host, port and name, never by password.
 */
int tc_ledger_pg_open(void **be /* OUT */, const char *conninfo, int ro,
    char *err, size_t errlen);
extern const struct tc_ledger_backend tc_ledger_pg;

/* Appends ".option" to row->service when option is not "" (and fits). */
void tc_ledger_row_option(struct tc_ledger_row *row, const char *option);

/* Whether target names a PostgreSQL database rather than a file. */
int tc_ledger_is_pg(const char *target);

#endif
