/* SPDX-License-Identifier: MIT */
/*
 * The per-card lookup guard (include/tcard/cardguard.h): one SQLite table of
 * GCRA arrival times, one row per key that holds a guess. A take is one
 * IMMEDIATE transaction (read the row, decide, write it), so two threads
 * or two processes sharing the file never both take the last token.
 * Reference: docs/verifierd.md, "Guessing bounds".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ledger-int.h"
#include "tcard/err.h"
#include "tcard/cardguard.h"
#include "tcard/ledger.h"

#define BUSY_TIMEOUT_MS	  2000
#define CARDGUARD_VERSION 1
#define PRUNE_EVERY	  256

/* clang-format off */
static const char schema[] =
	"PRAGMA application_id = 1413695316;\n" /* TC_CARDGUARD_APP_ID */
	"CREATE TABLE guesses (\n"
	"	key INTEGER PRIMARY KEY,\n"
	"	tat INTEGER NOT NULL\n" /* ms when the bucket is full again */
	") STRICT;\n"
	"PRAGMA user_version = 1;\n";
/* clang-format on */

enum stmt {
	S_GET,
	S_PUT,
	S_PRUNE,
	S_N,
};

static const char *const sql[S_N] = {
	[S_GET] = "SELECT tat FROM guesses WHERE key = ?1",
	[S_PUT] =
	    "INSERT INTO guesses (key, tat) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat",
	[S_PRUNE] = "DELETE FROM guesses WHERE tat <= ?1",
};

struct tc_cardguard {
	struct tc_sqlfile f;
	unsigned takes;
};

/*
 * Pragmas, then the schema: checked as it is, or created inside an
 * IMMEDIATE transaction (another daemon may be creating it too).
 */
static int
setup(struct tc_cardguard *g, int file, char *err, size_t errlen)
{
	int64_t app = 0, version = 0, objects = 0;
	int r;

	sqlite3_extended_result_codes(g->f.db, 1);
	sqlite3_busy_timeout(g->f.db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(g->f.db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (file &&
	    (r = tc_sqlfile_exec(&g->f,
		 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA trusted_schema = OFF;",
		 "setting pragmas", err, errlen)) != 0)
		return (r == TC_ERR_DB &&
			   (sqlite3_errcode(g->f.db) & 0xff) == SQLITE_NOTADB)
		    ? tc_seterr(err, errlen, TC_ERR_DB,
			  "%s is not an SQLite database, so not a lookup guard",
			  g->f.path)
		    : r;
	if ((r = tc_sqlfile_exec(&g->f, "BEGIN IMMEDIATE", "creating the guard",
		 err, errlen)) != 0)
		return r;
	if ((r = tc_sqlfile_head(
		 &g->f, &app, &version, &objects, err, errlen)) != 0)
		goto out;
	if ((app != 0 && app != TC_CARDGUARD_APP_ID) ||
	    (app == 0 && objects != 0))
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database but not a lookup guard",
		    g->f.path);
	else if (version > CARDGUARD_VERSION)
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s has guard schema %lld; this program knows up to %d",
		    g->f.path, (long long)version, CARDGUARD_VERSION);
	else if (version == 0)
		r = tc_sqlfile_exec(
		    &g->f, schema, "creating the guard", err, errlen);
	if (r == 0)
		r = tc_sqlfile_commit(&g->f, "creating the guard", err, errlen);
out:
	if (r != 0) {
		tc_sqlfile_rollback(&g->f);
		return r;
	}
	return tc_sqlfile_prepare(&g->f, sql, S_N, err, errlen);
}

int
tc_cardguard_open(
    struct tc_cardguard **out, const char *path, char *err, size_t errlen)
{
	struct tc_cardguard *g = NULL;
	int file, rc, r = TC_ERR_INTERNAL;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	file = path != NULL && *path != '\0' && strcmp(path, ":memory:") != 0;
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->f.path = strdup(file ? path : ":memory:")) == NULL) {
		free(g);
		return TC_ERR_NOMEM;
	}
	pthread_mutex_init(&g->f.mu, NULL);
	/* SQLite gives -wal and -shm the mode of the database file. */
	if (file && (r = tc_ledger_create_private(path, err, errlen)) != 0)
		goto out;
	rc = sqlite3_open_v2(g->f.path, &g->f.db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		r = tc_seterr(err, errlen, TC_ERR_DB, "%s: cannot open: %s",
		    g->f.path,
		    g->f.db != NULL ? sqlite3_errmsg(g->f.db) : "no memory");
		goto out;
	}
	if ((r = setup(g, file, err, errlen)) != 0)
		goto out;
	*out = g;
	g = NULL; /* transferred */
out:
	tc_cardguard_close(g);
	return r;
}

void
tc_cardguard_close(struct tc_cardguard *g)
{
	if (g == NULL)
		return;
	tc_sqlfile_close(&g->f);
	free(g);
}

/* Deletes the full buckets; the caller holds mu, in a transaction or not. */
static int
prune(struct tc_cardguard *g, int64_t now_ms, char *err, size_t errlen)
{
	sqlite3_stmt *st = g->f.st[S_PRUNE];
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, now_ms);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE
	    ? 0
	    : tc_sqlfile_err(&g->f, rc, "pruning", err, errlen);
}

/* The decision inside the transaction. */
static int
decide(struct tc_cardguard *g, uint64_t key, int64_t now_ms,
    int64_t interval_ms, unsigned burst, unsigned *wait, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = g->f.st[S_GET];
	int64_t tat = now_ms, span = interval_ms * (int64_t)burst, over;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		tat = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tc_sqlfile_err(
		    &g->f, rc, "reading a bucket", err, errlen);
	/* Full already, or the clock went back: never beyond empty. */
	if (tat < now_ms)
		tat = now_ms;
	if (tat > now_ms + span)
		tat = now_ms + span;
	tat += interval_ms;
	if ((over = tat - now_ms - span) > 0) {
		*wait = over / 1000 >= 86400 * 30 ? 86400 * 30
						  : (unsigned)(over / 1000) + 1;
		return 0;
	}
	st = g->f.st[S_PUT];
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
	sqlite3_bind_int64(st, 2, tat);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return tc_sqlfile_err(
		    &g->f, rc, "writing a bucket", err, errlen);
	if (++g->takes % PRUNE_EVERY == 0)
		return prune(g, now_ms, err, errlen);
	return 0;
}

int
tc_cardguard_take(struct tc_cardguard *g, uint64_t key, int64_t now_ms,
    int64_t interval_ms, unsigned burst, unsigned *wait, char *err,
    size_t errlen)
{
	int r;

	if (wait == NULL)
		return TC_ERR_INVALID_ARG;
	*wait = 0;
	if (g == NULL || interval_ms <= 0 || burst == 0 ||
	    key > (uint64_t)INT64_MAX ||
	    interval_ms > INT64_MAX / 4 / (int64_t)burst)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "guard: no guard, a key over 2^63, or a bad rate");
	pthread_mutex_lock(&g->f.mu);
	if ((r = tc_sqlfile_exec(&g->f, "BEGIN IMMEDIATE",
		 "starting a transaction", err, errlen)) != 0)
		goto out;
	if ((r = decide(
		 g, key, now_ms, interval_ms, burst, wait, err, errlen)) != 0)
		tc_sqlfile_rollback(&g->f);
	else
		r = tc_sqlfile_commit(
		    &g->f, "committing a bucket", err, errlen);
	if (r != 0)
		*wait = 0;
out:
	pthread_mutex_unlock(&g->f.mu);
	return r;
}

int64_t
tc_cardguard_prune(struct tc_cardguard *g, int64_t now_ms)
{
	int64_t n = -1;

	if (g == NULL)
		return -1;
	pthread_mutex_lock(&g->f.mu);
	if (prune(g, now_ms, NULL, 0) == 0 &&
	    tc_sqlfile_int(
		&g->f, "SELECT count(*) FROM guesses", &n, NULL, 0) != 0)
		n = -1;
	pthread_mutex_unlock(&g->f.mu);
	return n;
}
