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

#endif
