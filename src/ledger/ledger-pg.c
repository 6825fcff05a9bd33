/* SPDX-License-Identifier: MIT */
/*
 * The usage ledger on PostgreSQL (src/ledger/ledger-int.h), through libpq:
 * the database that several tcard-verifierd share so that a holder's
 * counts are one count across every window of a district. A redeem runs
 * in a READ COMMITTED transaction that first takes a transaction-scoped
 * advisory lock on the card (pg_advisory_xact_lock): every other redeem of
 * that card, on any daemon, waits for the commit or rollback, and its
 * counting statements, each reading a fresh snapshot, then see the use
 * just recorded. Two redeems of the last use therefore allow exactly one,
 * redeems of other cards do not wait, and no transaction is aborted for a
 * serialization conflict (docs/decisions.md). The answer is given after
 * COMMIT returns (synchronous_commit as the server has it: on, by
 * default). Request ids are unique per window by the table's UNIQUE
 * constraint. The schema's version is a row of tc_ledger_schema, created
 * or migrated under an advisory lock of its own so that daemons starting
 * together do it once. A lost connection is reset before the next
 * transaction; while the server cannot be reached every call answers
 * TC_ERR_DB_DOWN and records nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ledger-int.h"
#include "tcard/err.h"
#include "tcard/ledger.h"

#define PG_VERSION   1
#define PG_LOCK_BASE 1413698124 /* TC_LEDGER_APP_ID: our advisory locks */

/* clang-format off */
static const char pg_schema[] =
	"CREATE TABLE IF NOT EXISTS tc_ledger_schema (\n"
	"	version integer NOT NULL\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS tc_uses (\n"
	"	id bigserial PRIMARY KEY,\n"
	"	request_id text NOT NULL\n"
	"	    CHECK (length(request_id) BETWEEN 1 AND 64),\n"
	"	card_no text NOT NULL CHECK (length(card_no) = 16),\n"
	"	programme text NOT NULL CHECK (programme <> ''),\n"
	"	service text NOT NULL CHECK (service <> ''),\n"
	"	option text NOT NULL DEFAULT '',\n"
	"	party integer NOT NULL CHECK (party >= 1),\n"
	"	at bigint NOT NULL,\n"
	"	day bigint NOT NULL,\n"
	"	channel integer NOT NULL CHECK (channel IN (1, 2)),\n"
	"	\"window\" text NOT NULL DEFAULT '',\n"
	"	UNIQUE (\"window\", request_id)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS tc_uses_card\n"
	"    ON tc_uses (card_no, programme, service, day);\n"
	"CREATE INDEX IF NOT EXISTS tc_uses_day ON tc_uses (day);\n";
/* clang-format on */

enum pg_stmt {
	P_LOCK,
	P_COUNT,
	P_FIND,
	P_INSERT,
	P_N,
};

static const struct {
	const char *name, *sql;
	int nparams;
} pg_sql[P_N] = {
	[P_LOCK] = { "tc_lock",
	    "SELECT pg_advisory_xact_lock(1413698124, hashtext($1))", 1 },
	[P_COUNT] = { "tc_count",
	    "SELECT count(*) FROM tc_uses WHERE card_no = $1 AND programme = $2 AND service = $3 AND ($4 = '' OR option = $4) AND day >= $5::bigint AND day < $6::bigint",
	    6 },
	[P_FIND] = { "tc_find",
	    "SELECT id, card_no, programme, service, option FROM tc_uses WHERE \"window\" = $2 AND request_id = $1",
	    2 },
	[P_INSERT] = { "tc_insert",
	    "INSERT INTO tc_uses (request_id, card_no, programme, service, option, party, at, day, channel, \"window\") VALUES ($1, $2, $3, $4, $5, $6::integer, $7::bigint, $8::bigint, $9::integer, $10) RETURNING id",
	    10 },
};

struct pg {
	PGconn *conn;
	char name[256]; /* "postgresql HOST:PORT/DB", for messages */
	int ro;
	int prepared; /* the statements exist on this connection */
};

/*
 * The error of a failed call on p for what: TC_ERR_DB_DOWN when the
 * connection is gone (or the server shuts down), TC_ERR_DB_BUSY for a
 * serialization failure, a deadlock or a lock timeout, else TC_ERR_DB.
 */
static int
pg_err(struct pg *p, PGresult *res, const char *what, char *err, size_t errlen)
{
	const char *state =
	    res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL && PQresultErrorMessage(res)[0] != '\0'
	    ? PQresultErrorMessage(res)
	    : PQerrorMessage(p->conn);
	char m[200];
	size_t n;
	int code = TC_ERR_DB;

	snprintf(m, sizeof(m), "%s", msg != NULL ? msg : "");
	n = strlen(m);
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	if (PQstatus(p->conn) != CONNECTION_OK ||
	    (state != NULL &&
		(strncmp(state, "57P", 3) == 0 ||
		    strncmp(state, "08", 2) == 0)))
		code = TC_ERR_DB_DOWN;
	else if (state != NULL &&
	    (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		strcmp(state, "55P03") == 0))
		code = TC_ERR_DB_BUSY;
	return tc_seterr(err, errlen, code, "%s: %s: %s", p->name, what,
	    m[0] != '\0' ? m : "no answer");
}

/* Runs one statement without parameters; 0 or pg_err's error. */
static int
pg_exec(
    struct pg *p, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexec(p->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int r = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		r = pg_err(p, res, what, err, errlen);
	PQclear(res);
	return r;
}

static int
pg_prepare(struct pg *p, char *err, size_t errlen)
{
	PGresult *res;
	int i, r = 0;

	for (i = 0; i < P_N && r == 0; i++) {
		res = PQprepare(p->conn, pg_sql[i].name, pg_sql[i].sql,
		    pg_sql[i].nparams, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			r = pg_err(
			    p, res, "preparing the statements", err, errlen);
		PQclear(res);
	}
	p->prepared = r == 0;
	return r;
}

/*
 * Creates the tables of a new ledger, or checks the version of an
 * existing one, under the schema's advisory lock.
 */
static int
pg_setup(struct pg *p, char *err, size_t errlen)
{
	PGresult *res;
	long version = 0;
	int r;

	if ((r = pg_exec(p, "BEGIN", "starting a transaction", err, errlen)) !=
	    0)
		return r;
	if (!p->ro &&
	    ((r = pg_exec(p, "SELECT pg_advisory_xact_lock(1413698124, 0)",
		  "locking the schema", err, errlen)) != 0 ||
		(r = pg_exec(p, pg_schema, "creating the ledger's tables", err,
		     errlen)) != 0))
		goto out;
	res = PQexec(p->conn,
	    "SELECT version FROM tc_ledger_schema WHERE to_regclass('tc_ledger_schema') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = pg_err(
		    p, res, "reading the ledger's schema version", err, errlen);
		PQclear(res);
		goto out;
	}
	if (PQntuples(res) > 0)
		version = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (version > PG_VERSION)
		r = tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s has ledger schema %ld; this program knows up to %d",
		    p->name, version, PG_VERSION);
	else if (version == 0 && p->ro)
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s holds no usage ledger", p->name);
	else if (version == 0)
		r = pg_exec(p,
		    "INSERT INTO tc_ledger_schema (version) VALUES (1)",
		    "recording the schema version", err, errlen);
out:
	if (r == 0)
		r = pg_exec(p, "COMMIT", "creating the ledger", err, errlen);
	else
		pg_exec(p, "ROLLBACK", "rolling back", NULL, 0);
	return r;
}

static void
pg_close(void *be)
{
	struct pg *p = be;

	if (p == NULL)
		return;
	if (p->conn != NULL)
		PQfinish(p->conn);
	free(p);
}

/* The server's notices ("already exists, skipping") are not ours to print. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
tc_ledger_pg_open(
    void **out, const char *conninfo, int ro, char *err, size_t errlen)
{
	/*
	 * Defaults first: the caller's string (dbname, expanded) overrides
	 * them. A connection that cannot be made in 5 s is an error.
	 */
	static const char *const keys[] = { "connect_timeout",
		"application_name", "dbname", NULL };
	const char *vals[] = { "5", "tcard-verifierd", conninfo, NULL };
	struct pg *p;
	int r;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return TC_ERR_NOMEM;
	p->ro = ro;
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (p->conn == NULL) {
		free(p);
		return TC_ERR_NOMEM;
	}
	snprintf(p->name, sizeof(p->name), "postgresql %s:%s/%s",
	    PQhost(p->conn) != NULL ? PQhost(p->conn) : "?",
	    PQport(p->conn) != NULL ? PQport(p->conn) : "?",
	    PQdb(p->conn) != NULL ? PQdb(p->conn) : "?");
	if (PQstatus(p->conn) != CONNECTION_OK) {
		r = pg_err(p, NULL, "cannot connect", err, errlen);
		pg_close(p);
		return r;
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	if ((r = pg_setup(p, err, errlen)) != 0 ||
	    (r = pg_prepare(p, err, errlen)) != 0) {
		pg_close(p);
		return r;
	}
	*out = p;
	return 0;
}

/* A connection that broke is made again (once) before a transaction. */
static int
pg_ready(struct pg *p, char *err, size_t errlen)
{
	if (PQstatus(p->conn) != CONNECTION_OK) {
		p->prepared = 0;
		PQreset(p->conn);
		if (PQstatus(p->conn) != CONNECTION_OK)
			return pg_err(p, NULL, "reconnecting", err, errlen);
	}
	return p->prepared ? 0 : pg_prepare(p, err, errlen);
}

/* Runs prepared statement k with params; *res on success (PQclear it). */
static int
pg_run(struct pg *p, enum pg_stmt k, const char *const *params, PGresult **out,
    const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexecPrepared(
	    p->conn, pg_sql[k].name, pg_sql[k].nparams, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int r;

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		r = pg_err(p, res, what, err, errlen);
		PQclear(res);
		return r;
	}
	*out = res;
	return 0;
}

static int
pg_begin(void *be, int write, char *err, size_t errlen)
{
	struct pg *p = be;
	int r;

	(void)write; /* the card's lock keeps redeems apart */
	if ((r = pg_ready(p, err, errlen)) != 0)
		return r;
	r = pg_exec(p, "BEGIN ISOLATION LEVEL READ COMMITTED",
	    "starting a transaction", err, errlen);
	if (r == TC_ERR_DB_DOWN) {
		/* Dropped while idle (a server restart): once more. */
		if ((r = pg_ready(p, err, errlen)) != 0)
			return r;
		r = pg_exec(p, "BEGIN ISOLATION LEVEL READ COMMITTED",
		    "starting a transaction", err, errlen);
	}
	return r;
}

static int
pg_lock(void *be, const char *key, char *err, size_t errlen)
{
	struct pg *p = be;
	const char *params[1] = { key };
	PGresult *res = NULL;
	int r;

	if ((r = pg_run(p, P_LOCK, params, &res, "locking the card", err,
		 errlen)) != 0)
		return r;
	PQclear(res);
	return 0;
}

static void
val(PGresult *res, int col, char *dst, size_t size)
{
	snprintf(dst, size, "%s", PQgetvalue(res, 0, col));
}

static int
pg_find(void *be, const char *request_id, const char *window,
    struct tc_ledger_found *fd, int *found, char *err, size_t errlen)
{
	struct pg *p = be;
	const char *params[2] = { request_id, window };
	PGresult *res;
	int r;

	*found = 0;
	if ((r = pg_run(p, P_FIND, params, &res, "finding the request id", err,
		 errlen)) != 0)
		return r;
	if (PQntuples(res) > 0) {
		*found = 1;
		fd->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		val(res, 1, fd->card_no, sizeof(fd->card_no));
		val(res, 2, fd->programme, sizeof(fd->programme));
		val(res, 3, fd->service, sizeof(fd->service));
		val(res, 4, fd->option, sizeof(fd->option));
	}
	PQclear(res);
	return 0;
}

static int
pg_count(void *be, const char *card_no, const char *programme,
    const char *service, const char *option, int64_t from, int64_t to,
    int64_t *n, char *err, size_t errlen)
{
	struct pg *p = be;
	char f[24], t[24];
	const char *params[6] = { card_no, programme, service, option, f, t };
	PGresult *res;
	int r;

	snprintf(f, sizeof(f), "%" PRId64, from);
	snprintf(t, sizeof(t), "%" PRId64, to);
	if ((r = pg_run(
		 p, P_COUNT, params, &res, "counting uses", err, errlen)) != 0)
		return r;
	*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

static int
pg_insert(void *be, const struct tc_ledger_use *u, int64_t *id, char *err,
    size_t errlen)
{
	struct pg *p = be;
	char party[16], at[24], day[24], channel[8];
	const char *params[10] = { u->request_id, u->card_no, u->programme,
		u->service, u->option, party, at, day, channel, u->window };
	PGresult *res;
	int r;

	snprintf(party, sizeof(party), "%d", u->party);
	snprintf(at, sizeof(at), "%" PRId64, u->at);
	snprintf(day, sizeof(day), "%" PRId64, u->day);
	snprintf(channel, sizeof(channel), "%u", u->channel);
	if ((r = pg_run(p, P_INSERT, params, &res, "recording the use", err,
		 errlen)) != 0)
		return r;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

static int
pg_commit(void *be, char *err, size_t errlen)
{
	struct pg *p = be;
	PGresult *res = PQexec(p->conn, "COMMIT");
	int r = 0;

	/*
	 * COMMIT of a transaction that failed answers ROLLBACK with
	 * PGRES_COMMAND_OK; the command tag tells.
	 */
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		r = pg_err(p, res, "committing the use", err, errlen);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: committing the use: the transaction was rolled back",
		    p->name);
	PQclear(res);
	if (r != 0 && PQstatus(p->conn) == CONNECTION_OK &&
	    PQtransactionStatus(p->conn) != PQTRANS_IDLE)
		pg_exec(p, "ROLLBACK", "rolling back", NULL, 0);
	return r;
}

static void
pg_rollback(void *be)
{
	struct pg *p = be;

	if (PQstatus(p->conn) == CONNECTION_OK &&
	    PQtransactionStatus(p->conn) != PQTRANS_IDLE)
		pg_exec(p, "ROLLBACK", "rolling back", NULL, 0);
}

static int
pg_report(void *be, const struct tc_ledger_filter *flt,
    int (*fn)(const struct tc_ledger_row *row, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct pg *p = be;
	struct tc_ledger_row row;
	char from[24], to[24], opt[TC_LEDGER_SERVICE_MAX];
	const char *params[6] = { from, to, flt->programme, flt->service,
		flt->option, flt->card_no };
	PGresult *res;
	int i, n, r;

	if ((r = pg_ready(p, err, errlen)) != 0)
		return r;
	snprintf(from, sizeof(from), "%" PRId64, flt->from_day);
	snprintf(to, sizeof(to), "%" PRId64, flt->to_day);
	res = PQexecParams(p->conn,
	    "SELECT id, request_id, card_no, programme, service, option, party, at, channel, \"window\" FROM tc_uses WHERE day >= $1::bigint AND day < $2::bigint AND ($3::text IS NULL OR programme = $3) AND ($4::text IS NULL OR service = $4) AND ($5::text IS NULL OR option = $5) AND ($6::text IS NULL OR card_no = $6) ORDER BY id",
	    6, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = pg_err(p, res, "reading the report", err, errlen);
		PQclear(res);
		return r;
	}
	n = PQntuples(res);
	for (i = 0; i < n && r == 0; i++) {
		memset(&row, 0, sizeof(row));
		row.id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		snprintf(row.request_id, sizeof(row.request_id), "%s",
		    PQgetvalue(res, i, 1));
		snprintf(row.card_no, sizeof(row.card_no), "%s",
		    PQgetvalue(res, i, 2));
		snprintf(row.programme, sizeof(row.programme), "%s",
		    PQgetvalue(res, i, 3));
		snprintf(row.service, sizeof(row.service), "%s",
		    PQgetvalue(res, i, 4));
		snprintf(opt, sizeof(opt), "%s", PQgetvalue(res, i, 5));
		tc_ledger_row_option(&row, opt);
		row.party = (int)strtol(PQgetvalue(res, i, 6), NULL, 10);
		row.at = (time_t)strtoll(PQgetvalue(res, i, 7), NULL, 10);
		row.channel =
		    (unsigned)strtoul(PQgetvalue(res, i, 8), NULL, 10);
		snprintf(row.window, sizeof(row.window), "%s",
		    PQgetvalue(res, i, 9));
		r = fn(&row, arg);
	}
	PQclear(res);
	return r;
}

static int
pg_count_all(void *be, int64_t *n)
{
	struct pg *p = be;
	PGresult *res;
	int r = -1;

	if (pg_ready(p, NULL, 0) != 0)
		return -1;
	res = PQexec(p->conn, "SELECT count(*) FROM tc_uses");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		r = 0;
	}
	PQclear(res);
	return r;
}

const struct tc_ledger_backend tc_ledger_pg = {
	.name = "postgresql",
	.begin = pg_begin,
	.lock = pg_lock,
	.find = pg_find,
	.count = pg_count,
	.insert = pg_insert,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.report = pg_report,
	.count_all = pg_count_all,
	.close = pg_close,
};
