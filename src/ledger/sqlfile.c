/* SPDX-License-Identifier: MIT */
/*
 * The SQLite file helpers the usage ledger and the lookup guard share
 * (src/ledger/ledger-int.h): the error mapping, one-shot statements, the
 * schema head, prepared statements, commit and close.
 */
#include <stdlib.h>

#include "ledger-int.h"
#include "tcard/err.h"

int
tc_sqlfile_err(
    struct tc_sqlfile *f, int rc, const char *what, char *err, size_t errlen)
{
	int code = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED
	    ? TC_ERR_DB_BUSY
	    : (rc & 0xff) == SQLITE_NOMEM ? TC_ERR_NOMEM
					  : TC_ERR_DB;

	return tc_seterr(err, errlen, code, "%s: %s: %s", f->path, what,
	    sqlite3_errmsg(f->db));
}

int
tc_sqlfile_exec(struct tc_sqlfile *f, const char *s, const char *what,
    char *err, size_t errlen)
{
	int rc = sqlite3_exec(f->db, s, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : tc_sqlfile_err(f, rc, what, err, errlen);
}

int
tc_sqlfile_int(
    struct tc_sqlfile *f, const char *s, int64_t *v, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = sqlite3_prepare_v2(f->db, s, -1, &st, NULL)) == SQLITE_OK &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : tc_sqlfile_err(f, rc, s, err, errlen);
}

int
tc_sqlfile_head(struct tc_sqlfile *f, int64_t *app, int64_t *version,
    int64_t *objects, char *err, size_t errlen)
{
	int r;

	if ((r = tc_sqlfile_int(
		 f, "PRAGMA application_id", app, err, errlen)) != 0 ||
	    (r = tc_sqlfile_int(
		 f, "PRAGMA user_version", version, err, errlen)) != 0)
		return r;
	return tc_sqlfile_int(
	    f, "SELECT count(*) FROM sqlite_schema", objects, err, errlen);
}

int
tc_sqlfile_prepare(struct tc_sqlfile *f, const char *const *sql, int n,
    char *err, size_t errlen)
{
	int i, rc;

	if (n > TC_SQLFILE_STMT_MAX)
		return TC_ERR_INTERNAL;
	for (i = 0; i < n; i++)
		if ((rc = sqlite3_prepare_v3(f->db, sql[i], -1,
			 SQLITE_PREPARE_PERSISTENT, &f->st[i], NULL)) !=
		    SQLITE_OK)
			return tc_sqlfile_err(
			    f, rc, "preparing statements", err, errlen);
	return 0;
}

int
tc_sqlfile_commit(
    struct tc_sqlfile *f, const char *what, char *err, size_t errlen)
{
	int r = tc_sqlfile_exec(f, "COMMIT", what, err, errlen);

	if (r != 0)
		tc_sqlfile_rollback(f);
	return r;
}

void
tc_sqlfile_rollback(struct tc_sqlfile *f)
{
	sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
}

void
tc_sqlfile_close(struct tc_sqlfile *f)
{
	int i;

	for (i = 0; i < TC_SQLFILE_STMT_MAX; i++)
		sqlite3_finalize(f->st[i]);
	sqlite3_close(f->db);
	pthread_mutex_destroy(&f->mu);
	free(f->path);
}
