/* SPDX-License-Identifier: MIT */
/*
 * The usage ledger in an SQLite file (src/ledger/ledger-int.h): WAL,
 * synchronous=FULL, a 5 s busy timeout, schema by user_version. A redeem
 * runs in a BEGIN IMMEDIATE transaction, which takes the file from every
 * other writer (thread or process) up to its commit: two redeems of the
 * last use allow exactly one. docs/services.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ledger-int.h"
#include "tcard/err.h"
#include "tcard/ledger.h"

#define BUSY_TIMEOUT_MS 5000
#define LEDGER_VERSION	2

/*
 * Schema 2 (user_version 2): a request id is unique per window, so two
 * windows choosing the same id each have their own use. Schema 1 had
 * request_id UNIQUE alone; it is migrated on the first read-write open.
 */
/* clang-format off */
#define USES_TABLE(name)						\
	"CREATE TABLE " name " (\n"					\
	"	id INTEGER PRIMARY KEY,\n"				\
	"	request_id TEXT NOT NULL\n"				\
	"	    CHECK (length(request_id) BETWEEN 1 AND 64),\n"	\
	"	card_no TEXT NOT NULL CHECK (length(card_no) = 16),\n"	\
	"	programme TEXT NOT NULL CHECK (programme <> ''),\n"	\
	"	service TEXT NOT NULL CHECK (service <> ''),\n"	\
	"	option TEXT NOT NULL DEFAULT '',\n"			\
	"	party INTEGER NOT NULL CHECK (party >= 1),\n"		\
	"	at INTEGER NOT NULL,\n"				\
	"	day INTEGER NOT NULL,\n"				\
	"	channel INTEGER NOT NULL CHECK (channel IN (1, 2)),\n"	\
	"	window TEXT NOT NULL DEFAULT '',\n"			\
	"	UNIQUE (window, request_id)\n"				\
	") STRICT;\n"
#define USES_INDEXES							\
	"CREATE INDEX uses_card ON uses (card_no, programme, service, day);\n" \
	"CREATE INDEX uses_day ON uses (day);\n"

static const char schema[] =
	"PRAGMA application_id = 1413698124;\n" /* TC_LEDGER_APP_ID */
	USES_TABLE("uses")
	USES_INDEXES
	"PRAGMA user_version = 2;\n";

/* Schema 1 to 2: the table is copied, as SQLite cannot drop a constraint. */
static const char migrate_1_2[] =
	USES_TABLE("uses_v2")
	"INSERT INTO uses_v2 (id, request_id, card_no, programme, service,\n"
	"    option, party, at, day, channel, window)\n"
	"  SELECT id, request_id, card_no, programme, service, option, party,\n"
	"    at, day, channel, window FROM uses ORDER BY id;\n"
	"DROP TABLE uses;\n"
	"ALTER TABLE uses_v2 RENAME TO uses;\n"
	USES_INDEXES
	"PRAGMA user_version = 2;\n";
/* clang-format on */

enum stmt {
	S_COUNT,
	S_FIND,
	S_INSERT,
	S_N,
};

static const char *const sql[S_N] = {
	[S_COUNT] =
	    "SELECT count(*) FROM uses WHERE card_no = ?1 AND programme = ?2 AND service = ?3 AND (?4 = '' OR option = ?4) AND day >= ?5 AND day < ?6",
	[S_FIND] =
	    "SELECT id, card_no, programme, service, option FROM uses WHERE window = ?2 AND request_id = ?1",
	[S_INSERT] =
	    "INSERT INTO uses (request_id, card_no, programme, service, option, party, at, day, channel, window) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
};

/*
 * Creates the schema of an empty ledger or migrates an older one, in one
 * IMMEDIATE transaction. The version is read again inside it: another
 * process may have created or migrated the file since it was first read.
 */
static int
upgrade(struct tc_sqlfile *f, char *err, size_t errlen)
{
	int64_t version = 0;
	int r;

	if ((r = tc_sqlfile_exec(f, "BEGIN IMMEDIATE", "upgrading the ledger",
		 err, errlen)) != 0)
		return r;
	if ((r = tc_sqlfile_int(
		 f, "PRAGMA user_version", &version, err, errlen)) != 0)
		goto out;
	if (version == 0)
		r = tc_sqlfile_exec(
		    f, schema, "creating the ledger", err, errlen);
	else if (version == 1)
		r = tc_sqlfile_exec(f, migrate_1_2,
		    "migrating the ledger to schema 2", err, errlen);
	if (r == 0)
		r = tc_sqlfile_commit(f, "upgrading the ledger", err, errlen);
out:
	if (r != 0)
		tc_sqlfile_rollback(f);
	return r;
}

static int
setup(struct tc_sqlfile *f, int ro, char *err, size_t errlen)
{
	int64_t app = 0, version = 0, objects = 0;
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc, r;

	sqlite3_extended_result_codes(f->db, 1);
	sqlite3_busy_timeout(f->db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(f->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	rc = sqlite3_prepare_v2(f->db,
	    ro ? "PRAGMA journal_mode" : "PRAGMA journal_mode = WAL", -1, &st,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = (rc & 0xff) == SQLITE_NOTADB
		    ? tc_seterr(err, errlen, TC_ERR_DB,
			  "%s is not an SQLite database, so not a ledger",
			  f->path)
		    : tc_sqlfile_err(
			  f, rc, "setting journal_mode=WAL", err, errlen);
		sqlite3_finalize(st);
		return r;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: the database refused WAL mode", f->path);
		sqlite3_finalize(st);
		return r;
	}
	sqlite3_finalize(st);
	if ((r = tc_sqlfile_exec(f,
		 ro ? "PRAGMA trusted_schema = OFF;"
		    : "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;",
		 "setting pragmas", err, errlen)) != 0 ||
	    (r = tc_sqlfile_head(f, &app, &version, &objects, err, errlen)) !=
		0)
		return r;
	if (app != 0 && app != TC_LEDGER_APP_ID)
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database of another application (application_id 0x%08llx), not a usage ledger",
		    f->path, (unsigned long long)(uint32_t)app);
	if (app == 0 && objects != 0)
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database but not a usage ledger", f->path);
	if (ro && (app != TC_LEDGER_APP_ID || version == 0))
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is not a usage ledger (empty, or of another application)",
		    f->path);
	if (version > LEDGER_VERSION)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s has ledger schema %lld; this program knows up to %d",
		    f->path, (long long)version, LEDGER_VERSION);
	if (!ro && version < LEDGER_VERSION &&
	    (r = upgrade(f, err, errlen)) != 0)
		return r;
	return tc_sqlfile_prepare(f, sql, S_N, err, errlen);
}

static void
sq_close(void *be)
{
	struct tc_sqlfile *f = be;

	if (f == NULL)
		return;
	tc_sqlfile_close(f);
	free(f);
}

int
tc_ledger_sqlite_open(
    void **out, const char *path, int ro, char *err, size_t errlen)
{
	struct tc_sqlfile *f;
	int rc, r;

	*out = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(path)) == NULL) {
		free(f);
		return TC_ERR_NOMEM;
	}
	pthread_mutex_init(&f->mu, NULL);
	/* SQLite gives -wal and -shm the mode of the database file. */
	if (!ro && (r = tc_ledger_create_private(path, err, errlen)) != 0) {
		sq_close(f);
		return r;
	}
	rc = sqlite3_open_v2(path, &f->db,
	    (ro ? SQLITE_OPEN_READONLY
		: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
		SQLITE_OPEN_FULLMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		r = tc_seterr(err, errlen, TC_ERR_DB, "%s: cannot open: %s",
		    path, f->db != NULL ? sqlite3_errmsg(f->db) : "no memory");
		sq_close(f);
		return r;
	}
	if ((r = setup(f, ro, err, errlen)) != 0) {
		sq_close(f);
		return r;
	}
	*out = f;
	return 0;
}

static int
sq_begin(void *be, int write, char *err, size_t errlen)
{
	struct tc_sqlfile *f = be;
	int rc;

	rc = sqlite3_exec(
	    f->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
	return rc == SQLITE_OK
	    ? 0
	    : tc_sqlfile_err(f, rc, "starting a transaction", err, errlen);
}

static int
sq_lock(void *be, const char *key, char *err, size_t errlen)
{
	(void)be; /* BEGIN IMMEDIATE took the file whole */
	(void)key;
	(void)err;
	(void)errlen;
	return 0;
}

static void
col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", t != NULL ? (const char *)t : "");
}

static int
sq_find(void *be, const char *request_id, const char *window,
    struct tc_ledger_found *fd, int *found, char *err, size_t errlen)
{
	struct tc_sqlfile *f = be;
	sqlite3_stmt *st = f->st[S_FIND];
	int rc;

	*found = 0;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, window, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		fd->id = sqlite3_column_int64(st, 0);
		col(st, 1, fd->card_no, sizeof(fd->card_no));
		col(st, 2, fd->programme, sizeof(fd->programme));
		col(st, 3, fd->service, sizeof(fd->service));
		col(st, 4, fd->option, sizeof(fd->option));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tc_sqlfile_err(
		    f, rc, "finding the request id", err, errlen);
	return 0;
}

static int
sq_count(void *be, const char *card_no, const char *programme,
    const char *service, const char *option, int64_t from, int64_t to,
    int64_t *n, char *err, size_t errlen)
{
	struct tc_sqlfile *f = be;
	sqlite3_stmt *st = f->st[S_COUNT];
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, programme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, option, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, from);
	sqlite3_bind_int64(st, 6, to);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return tc_sqlfile_err(f, rc, "counting uses", err, errlen);
	}
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
sq_insert(void *be, const struct tc_ledger_use *u, int64_t *id, char *err,
    size_t errlen)
{
	struct tc_sqlfile *f = be;
	sqlite3_stmt *st = f->st[S_INSERT];
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, u->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->card_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->programme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, u->option, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, u->party);
	sqlite3_bind_int64(st, 7, u->at);
	sqlite3_bind_int64(st, 8, u->day);
	sqlite3_bind_int(st, 9, (int)u->channel);
	sqlite3_bind_text(st, 10, u->window, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return tc_sqlfile_err(f, rc, "recording the use", err, errlen);
	*id = sqlite3_last_insert_rowid(f->db);
	return 0;
}

static int
sq_commit(void *be, char *err, size_t errlen)
{
	return tc_sqlfile_commit(be, "committing the use", err, errlen);
}

static void
sq_rollback(void *be)
{
	tc_sqlfile_rollback(be);
}

static int
sq_report(void *be, const struct tc_ledger_filter *flt,
    int (*fn)(const struct tc_ledger_row *row, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_sqlfile *f = be;
	struct tc_ledger_row row;
	sqlite3_stmt *st = NULL;
	char opt[TC_LEDGER_SERVICE_MAX];
	int rc, r = 0;

	rc = sqlite3_prepare_v2(f->db,
	    "SELECT id, request_id, card_no, programme, service, option, party, at, channel, window FROM uses WHERE day >= ?1 AND day < ?2 AND (?3 IS NULL OR programme = ?3) AND (?4 IS NULL OR service = ?4) AND (?5 IS NULL OR option = ?5) AND (?6 IS NULL OR card_no = ?6) ORDER BY id",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return tc_sqlfile_err(
		    f, rc, "preparing the report", err, errlen);
	sqlite3_bind_int64(st, 1, flt->from_day);
	sqlite3_bind_int64(st, 2, flt->to_day);
	if (flt->programme != NULL)
		sqlite3_bind_text(st, 3, flt->programme, -1, SQLITE_STATIC);
	if (flt->service != NULL)
		sqlite3_bind_text(st, 4, flt->service, -1, SQLITE_STATIC);
	if (flt->option != NULL)
		sqlite3_bind_text(st, 5, flt->option, -1, SQLITE_STATIC);
	if (flt->card_no != NULL)
		sqlite3_bind_text(st, 6, flt->card_no, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(st, 0);
		col(st, 1, row.request_id, sizeof(row.request_id));
		col(st, 2, row.card_no, sizeof(row.card_no));
		col(st, 3, row.programme, sizeof(row.programme));
		col(st, 4, row.service, sizeof(row.service));
		col(st, 5, opt, sizeof(opt));
		tc_ledger_row_option(&row, opt);
		row.party = sqlite3_column_int(st, 6);
		row.at = (time_t)sqlite3_column_int64(st, 7);
		row.channel = (unsigned)sqlite3_column_int(st, 8);
		col(st, 9, row.window, sizeof(row.window));
		if ((r = fn(&row, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = tc_sqlfile_err(f, rc, "reading the report", err, errlen);
out:
	sqlite3_finalize(st);
	return r;
}

static int
sq_count_all(void *be, int64_t *n)
{
	return tc_sqlfile_int(be, "SELECT count(*) FROM uses", n, NULL, 0);
}

const struct tc_ledger_backend tc_ledger_sqlite = {
	.name = "sqlite",
	.begin = sq_begin,
	.lock = sq_lock,
	.find = sq_find,
	.count = sq_count,
	.insert = sq_insert,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.report = sq_report,
	.count_all = sq_count_all,
	.close = sq_close,
};
