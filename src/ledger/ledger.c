/* SPDX-License-Identifier: MIT */
/*
 * The usage ledger (include/tcard/ledger.h): one SQLite table of uses and
 * the decision of a redeem from the programme's service catalogue. The
 * decision and the insert share one BEGIN IMMEDIATE transaction on a
 * connection guarded by a mutex, so two redeems of the last use, from two
 * threads or two processes, allow exactly one. Rules: docs/services.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger-int.h"
#include "tcard/cardno.h"
#include "tcard/err.h"
#include "tcard/file.h"
#include "tcard/ledger.h"
#include "tcard/workday.h"

#define BUSY_TIMEOUT_MS 5000
#define LEDGER_VERSION	2
#define DAY_END		INT64_C(4000000) /* after any day number in use */

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

struct tc_ledger {
	struct tc_sqlfile f;
};

/*
 * Creates the schema of an empty ledger or migrates an older one, in one
 * IMMEDIATE transaction. The version is read again inside it: another
 * process may have created or migrated the file since it was first read.
 */
static int
upgrade(struct tc_ledger *l, char *err, size_t errlen)
{
	int64_t version = 0;
	int r;

	if ((r = tc_sqlfile_exec(&l->f, "BEGIN IMMEDIATE",
		 "upgrading the ledger", err, errlen)) != 0)
		return r;
	if ((r = tc_sqlfile_int(
		 &l->f, "PRAGMA user_version", &version, err, errlen)) != 0)
		goto out;
	if (version == 0)
		r = tc_sqlfile_exec(
		    &l->f, schema, "creating the ledger", err, errlen);
	else if (version == 1)
		r = tc_sqlfile_exec(&l->f, migrate_1_2,
		    "migrating the ledger to schema 2", err, errlen);
	if (r == 0)
		r = tc_sqlfile_commit(
		    &l->f, "upgrading the ledger", err, errlen);
out:
	if (r != 0)
		tc_sqlfile_rollback(&l->f);
	return r;
}

static int
setup(struct tc_ledger *l, int ro, char *err, size_t errlen)
{
	int64_t app = 0, version = 0, objects = 0;
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc, r;

	sqlite3_extended_result_codes(l->f.db, 1);
	sqlite3_busy_timeout(l->f.db, BUSY_TIMEOUT_MS);
	sqlite3_db_config(l->f.db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	rc = sqlite3_prepare_v2(l->f.db,
	    ro ? "PRAGMA journal_mode" : "PRAGMA journal_mode = WAL", -1, &st,
	    NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = (rc & 0xff) == SQLITE_NOTADB
		    ? tc_seterr(err, errlen, TC_ERR_DB,
			  "%s is not an SQLite database, so not a ledger",
			  l->f.path)
		    : tc_sqlfile_err(
			  &l->f, rc, "setting journal_mode=WAL", err, errlen);
		sqlite3_finalize(st);
		return r;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		r = tc_seterr(err, errlen, TC_ERR_DB,
		    "%s: the database refused WAL mode", l->f.path);
		sqlite3_finalize(st);
		return r;
	}
	sqlite3_finalize(st);
	if ((r = tc_sqlfile_exec(&l->f,
		 ro ? "PRAGMA trusted_schema = OFF;"
		    : "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;",
		 "setting pragmas", err, errlen)) != 0 ||
	    (r = tc_sqlfile_head(
		 &l->f, &app, &version, &objects, err, errlen)) != 0)
		return r;
	if (app != 0 && app != TC_LEDGER_APP_ID)
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database of another application (application_id 0x%08llx), not a usage ledger",
		    l->f.path, (unsigned long long)(uint32_t)app);
	if (app == 0 && objects != 0)
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is an SQLite database but not a usage ledger",
		    l->f.path);
	if (ro && (app != TC_LEDGER_APP_ID || version == 0))
		return tc_seterr(err, errlen, TC_ERR_DB,
		    "%s is not a usage ledger (empty, or of another application)",
		    l->f.path);
	if (version > LEDGER_VERSION)
		return tc_seterr(err, errlen, TC_ERR_UNSUPPORTED,
		    "%s has ledger schema %lld; this program knows up to %d",
		    l->f.path, (long long)version, LEDGER_VERSION);
	if (!ro && version < LEDGER_VERSION &&
	    (r = upgrade(l, err, errlen)) != 0)
		return r;
	return tc_sqlfile_prepare(&l->f, sql, S_N, err, errlen);
}

int
tc_ledger_create_private(const char *path, char *err, size_t errlen)
{
	if (path == NULL || *path == '\0')
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG, "no path");
	if (strcmp(path, ":memory:") == 0)
		return 0;
	if (tc_file_create_private(path) >= 0)
		return 0;
	return tc_seterr(err, errlen, TC_ERR_DB, "%s: cannot create: %s", path,
	    strerror(errno));
}

int
tc_ledger_check_modes(const char *path, char *msg, size_t msglen)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char name[4096];
	struct stat st;
	size_t i;
	int n;

	if (path == NULL || strcmp(path, ":memory:") == 0)
		return 0;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		n = snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
		if (n < 0 || (size_t)n >= sizeof(name) ||
		    stat(name, &st) != 0 || (st.st_mode & 077) == 0)
			continue;
		if (msg != NULL && msglen > 0)
			snprintf(msg, msglen,
			    "%s: group or others may access this file (mode %03o); it holds card numbers: chmod 600 it",
			    name, (unsigned)(st.st_mode & 0777));
		return 1;
	}
	return 0;
}

static int
open_ledger(
    struct tc_ledger **out, const char *path, int ro, char *err, size_t errlen)
{
	struct tc_ledger *l;
	int rc, r;

	if (out == NULL)
		return TC_ERR_INVALID_ARG;
	*out = NULL;
	if (path == NULL || *path == '\0')
		return tc_seterr(
		    err, errlen, TC_ERR_INVALID_ARG, "no ledger path");
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->f.path = strdup(path)) == NULL) {
		free(l);
		return TC_ERR_NOMEM;
	}
	pthread_mutex_init(&l->f.mu, NULL);
	/* SQLite gives -wal and -shm the mode of the database file. */
	if (!ro && (r = tc_ledger_create_private(path, err, errlen)) != 0) {
		tc_ledger_close(l);
		return r;
	}
	rc = sqlite3_open_v2(path, &l->f.db,
	    (ro ? SQLITE_OPEN_READONLY
		: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
		SQLITE_OPEN_FULLMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		r = tc_seterr(err, errlen, TC_ERR_DB, "%s: cannot open: %s",
		    path,
		    l->f.db != NULL ? sqlite3_errmsg(l->f.db) : "no memory");
		tc_ledger_close(l);
		return r;
	}
	if ((r = setup(l, ro, err, errlen)) != 0) {
		tc_ledger_close(l);
		return r;
	}
	*out = l;
	return 0;
}

int
tc_ledger_open(
    struct tc_ledger **out, const char *path, char *err, size_t errlen)
{
	return open_ledger(out, path, 0, err, errlen);
}

int
tc_ledger_open_readonly(
    struct tc_ledger **out, const char *path, char *err, size_t errlen)
{
	return open_ledger(out, path, 1, err, errlen);
}

void
tc_ledger_close(struct tc_ledger *l)
{
	if (l == NULL)
		return;
	tc_sqlfile_close(&l->f);
	free(l);
}

/* 1..max characters of [A-Za-z0-9._:-]. */
static int
token_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
			*s == ':' || *s == '-'))
			return 0;
	return 1;
}

/* [start, end) day numbers of period p around day; 0, 0 for others. */
static void
period_days(enum tc_period p, int64_t day, time_t valid_from, int64_t *start,
    int64_t *end)
{
	int y, m, d;

	tc_civil_from_day(day, &y, &m, &d);
	switch (p) {
	case TC_PERIOD_MONTH:
		*start = tc_day_from_civil(y, m, 1);
		*end = m == 12 ? tc_day_from_civil(y + 1, 1, 1)
			       : tc_day_from_civil(y, m + 1, 1);
		break;
	case TC_PERIOD_YEAR:
		*start = tc_day_from_civil(y, 1, 1);
		*end = tc_day_from_civil(y + 1, 1, 1);
		break;
	case TC_PERIOD_VALIDITY:
		*start = tc_day_of_time(valid_from);
		*end = DAY_END;
		break;
	default:
		*start = *end = 0;
	}
}

/* Uses of card's service (option "" = all) at days [from, to). */
static int
count_uses(struct tc_ledger *l, const struct tc_redeem *q, const char *service,
    const char *option, int64_t from, int64_t to, int64_t *n, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = l->f.st[S_COUNT];
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, q->card_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->programme->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, option, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, from);
	sqlite3_bind_int64(st, 6, to);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return tc_sqlfile_err(&l->f, rc, "counting uses", err, errlen);
	}
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static void refuse(struct tc_redeem_result *res, const char *reason,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
refuse(struct tc_redeem_result *res, const char *reason, const char *fmt, ...)
{
	va_list ap;

	res->allowed = 0;
	res->reason = reason;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

/*
 * Checks one quota (of the service, or of its option when option is not
 * "") and keeps in res the tighter one. Returns 0 with *full set when no
 * use is left.
 */
static int
check_quota(struct tc_ledger *l, const struct tc_redeem *q,
    const struct tc_quota *quota, const char *service, const char *option,
    int64_t today, struct tc_redeem_result *res, int *full, char *err,
    size_t errlen)
{
	int64_t start, end, used;
	int r, left;

	*full = 0;
	if (quota->period == TC_PERIOD_UNLIMITED)
		return 0;
	period_days(quota->period, today, q->valid_from, &start, &end);
	if ((r = count_uses(
		 l, q, service, option, start, end, &used, err, errlen)) != 0)
		return r;
	left = used >= quota->count ? 0 : quota->count - (int)used;
	if (res->remaining < 0 || left < res->remaining) {
		res->limit = quota->count;
		res->used = (int)used;
		res->remaining = left;
		res->period = quota->period;
		res->period_start =
		    quota->period == TC_PERIOD_VALIDITY ? 0 : start;
		res->period_end = quota->period == TC_PERIOD_VALIDITY ? 0 : end;
	}
	*full = left == 0;
	return 0;
}

/* The decision, and the record when rec. Runs inside the transaction. */
static int
decide(struct tc_ledger *l, const struct tc_redeem *q, int rec,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	const struct tc_programme *p = q->programme;
	const struct tc_service *s, *o = NULL;
	const struct tc_exclusive_group *g;
	const struct tc_idlist *tiers;
	char sid[TC_LEDGER_SERVICE_MAX], *dot;
	const char *oid = "";
	int64_t today = tc_day_of_time(q->now), start, end, n;
	sqlite3_stmt *st;
	size_t i;
	int r, rc, full, party_max;

	snprintf(sid, sizeof(sid), "%s", q->service);
	if ((dot = strchr(sid, '.')) != NULL) {
		*dot = '\0';
		oid = dot + 1;
	}
	if ((s = tc_programme_service(p, sid)) == NULL ||
	    (*oid != '\0' && (o = tc_service_option(s, oid)) == NULL)) {
		refuse(res, TC_REDEEM_UNKNOWN_SERVICE,
		    "programme %s has no service '%s'", p->id, q->service);
		return 0;
	}
	tiers = o != NULL && o->tiers.n > 0 ? &o->tiers : &s->tiers;
	if (!tc_idlist_has(tiers, q->tier)) {
		refuse(res, TC_REDEEM_NOT_COVERED, "tier %s does not cover %s",
		    q->tier, q->service);
		return 0;
	}
	if (((o != NULL ? o->channels : s->channels) & q->channel) == 0) {
		if (q->channel == TC_CHANNEL_QR)
			refuse(res, TC_REDEEM_WRONG_CHANNEL,
			    "%s needs the physical card; the e-card is not accepted",
			    q->service);
		else
			refuse(res, TC_REDEEM_WRONG_CHANNEL,
			    "%s is given on the e-card only", q->service);
		return 0;
	}
	party_max =
	    o != NULL && o->party_size > 1 ? o->party_size : s->party_size;
	if (q->party > party_max) {
		res->allowed = 0;
		res->reason = TC_REDEEM_PARTY_TOO_LARGE;
		snprintf(res->message, sizeof(res->message),
		    "%s covers at most %d %s per use; %d asked", q->service,
		    party_max, party_max == 1 ? "person" : "people", q->party);
		return 0;
	}
	/* A request id seen before: the first answer stands. */
	if (rec) {
		st = l->f.st[S_FIND];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, q->request_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, q->window != NULL ? q->window : "", -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			res->use_id = sqlite3_column_int64(st, 0);
			if (strcmp((const char *)sqlite3_column_text(st, 1),
				q->card_no) != 0 ||
			    strcmp((const char *)sqlite3_column_text(st, 2),
				p->id) != 0 ||
			    strcmp((const char *)sqlite3_column_text(st, 3),
				sid) != 0 ||
			    strcmp((const char *)sqlite3_column_text(st, 4),
				oid) != 0) {
				sqlite3_reset(st);
				res->use_id = 0;
				refuse(res, TC_REDEEM_REQID_REUSED,
				    "request id %s was used at this window for another card or service",
				    q->request_id);
				return 0;
			}
			sqlite3_reset(st);
			res->replay = 1;
			rec = 0;
		} else if (rc != SQLITE_DONE) {
			sqlite3_reset(st);
			return tc_sqlfile_err(
			    &l->f, rc, "finding the request id", err, errlen);
		}
		sqlite3_reset(st);
	}
	res->limit = res->remaining = -1;
	if ((r = check_quota(l, q, &s->quota, sid, "", today, res, &full, err,
		 errlen)) != 0)
		return r;
	if (!full && o != NULL &&
	    (r = check_quota(l, q, &o->quota, sid, oid, today, res, &full, err,
		 errlen)) != 0)
		return r;
	if (res->replay) {
		res->allowed = 1;
		snprintf(res->message, sizeof(res->message),
		    "already recorded under request id %s: not counted again",
		    q->request_id);
		return 0;
	}
	if (full) {
		refuse(res, TC_REDEEM_QUOTA_EXHAUSTED,
		    "%s: no use left in this period", q->service);
		return 0;
	}
	if ((g = tc_programme_exclusive_group(p, sid)) != NULL) {
		period_days(g->period, today, q->valid_from, &start, &end);
		for (i = 0; i < g->services.n; i++) {
			if (strcmp(g->services.v[i], sid) == 0)
				continue;
			if ((r = count_uses(l, q, g->services.v[i], "", start,
				 end, &n, err, errlen)) != 0)
				return r;
			if (n > 0) {
				snprintf(res->exclusive_with,
				    sizeof(res->exclusive_with), "%s",
				    g->services.v[i]);
				refuse(res, TC_REDEEM_EXCLUSIVE_USED,
				    "%s was used in this period; it excludes %s",
				    g->services.v[i], q->service);
				return 0;
			}
		}
	}
	res->allowed = 1;
	if (!rec) {
		snprintf(res->message, sizeof(res->message), "%s is available",
		    q->service);
		return 0;
	}
	if (res->remaining > 0) {
		res->used++;
		res->remaining--;
	}
	st = l->f.st[S_INSERT];
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, q->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->card_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, oid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, q->party);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)q->now);
	sqlite3_bind_int64(st, 8, today);
	sqlite3_bind_int(st, 9, (int)q->channel);
	sqlite3_bind_text(
	    st, 10, q->window != NULL ? q->window : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return tc_sqlfile_err(
		    &l->f, rc, "recording the use", err, errlen);
	res->use_id = sqlite3_last_insert_rowid(l->f.db);
	snprintf(
	    res->message, sizeof(res->message), "%s: use recorded", q->service);
	return 0;
}

static int
run(struct tc_ledger *l, const struct tc_redeem *q, int rec,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	char reg[7], norm[17];
	uint64_t serial;
	int r, rc;

	if (res == NULL)
		return TC_ERR_INVALID_ARG;
	memset(res, 0, sizeof(*res));
	res->limit = res->remaining = -1;
	if (l == NULL || q == NULL || q->programme == NULL ||
	    q->service == NULL || q->tier == NULL || q->card_no == NULL)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: programme, service, tier and card are needed");
	if (strlen(q->service) >= TC_LEDGER_SERVICE_MAX ||
	    !token_ok(q->service, TC_LEDGER_SERVICE_MAX - 1))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the service is not an id");
	if (strlen(q->card_no) != TC_CARDNO_LEN ||
	    tc_cardno_parse(q->card_no, reg, &serial, norm, NULL, 0) != 0)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the card number is not a valid card number");
	if (q->channel != TC_CHANNEL_CHIP && q->channel != TC_CHANNEL_QR)
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the channel is neither chip nor QR");
	if (rec && (q->party < 1 || q->party > 1000))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the party must be 1 to 1000 people");
	if (rec && !token_ok(q->request_id, TC_LEDGER_REQID_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the request id must be 1 to %d characters of A-Z a-z 0-9 . _ : -",
		    TC_LEDGER_REQID_MAX);
	if (rec && q->window != NULL && *q->window != '\0' &&
	    !token_ok(q->window, TC_LEDGER_WINDOW_MAX))
		return tc_seterr(err, errlen, TC_ERR_INVALID_ARG,
		    "redeem: the window name must be 1 to %d characters of A-Z a-z 0-9 . _ : -",
		    TC_LEDGER_WINDOW_MAX);
	pthread_mutex_lock(&l->f.mu);
	rc = sqlite3_exec(
	    l->f.db, rec ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		r = tc_sqlfile_err(
		    &l->f, rc, "starting a transaction", err, errlen);
		goto out;
	}
	if ((r = decide(l, q, rec, res, err, errlen)) != 0)
		tc_sqlfile_rollback(&l->f);
	else if ((r = tc_sqlfile_commit(
		      &l->f, "committing the use", err, errlen)) != 0)
		memset(res, 0, sizeof(*res));
out:
	pthread_mutex_unlock(&l->f.mu);
	return r;
}

int
tc_ledger_redeem(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	return run(l, q, 1, res, err, errlen);
}

int
tc_ledger_usage(struct tc_ledger *l, const struct tc_redeem *q,
    struct tc_redeem_result *res, char *err, size_t errlen)
{
	return run(l, q, 0, res, err, errlen);
}

static void
col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", t != NULL ? (const char *)t : "");
}

int
tc_ledger_report(struct tc_ledger *l, const char *programme,
    const char *service, const char *card_no, int64_t from_day, int64_t to_day,
    int (*fn)(const struct tc_ledger_row *row, void *arg), void *arg, char *err,
    size_t errlen)
{
	struct tc_ledger_row row;
	sqlite3_stmt *st = NULL;
	char opt[TC_LEDGER_SERVICE_MAX], sid[TC_LEDGER_SERVICE_MAX];
	const char *dot = NULL;
	int rc, r = 0;

	if (l == NULL || fn == NULL ||
	    (service != NULL && strlen(service) >= sizeof(sid)))
		return TC_ERR_INVALID_ARG;
	/* "id.option" selects the uses of that option only. */
	if (service != NULL) {
		snprintf(sid, sizeof(sid), "%s", service);
		if ((dot = strchr(sid, '.')) != NULL)
			sid[dot - sid] = '\0';
	}
	pthread_mutex_lock(&l->f.mu);
	rc = sqlite3_prepare_v2(l->f.db,
	    "SELECT id, request_id, card_no, programme, service, option, party, at, channel, window FROM uses WHERE day >= ?1 AND day < ?2 AND (?3 IS NULL OR programme = ?3) AND (?4 IS NULL OR service = ?4) AND (?5 IS NULL OR option = ?5) AND (?6 IS NULL OR card_no = ?6) ORDER BY id",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = tc_sqlfile_err(
		    &l->f, rc, "preparing the report", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(st, 1, from_day);
	sqlite3_bind_int64(st, 2, to_day);
	if (programme != NULL)
		sqlite3_bind_text(st, 3, programme, -1, SQLITE_STATIC);
	if (service != NULL)
		sqlite3_bind_text(st, 4, sid, -1, SQLITE_STATIC);
	if (dot != NULL)
		sqlite3_bind_text(st, 5, dot + 1, -1, SQLITE_STATIC);
	if (card_no != NULL)
		sqlite3_bind_text(st, 6, card_no, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(st, 0);
		col(st, 1, row.request_id, sizeof(row.request_id));
		col(st, 2, row.card_no, sizeof(row.card_no));
		col(st, 3, row.programme, sizeof(row.programme));
		col(st, 4, row.service, sizeof(row.service));
		col(st, 5, opt, sizeof(opt));
		if (opt[0] != '\0' &&
		    strlen(row.service) + 1 + strlen(opt) <
			sizeof(row.service)) {
			strcat(row.service, ".");
			strcat(row.service, opt);
		}
		row.party = sqlite3_column_int(st, 6);
		row.at = (time_t)sqlite3_column_int64(st, 7);
		row.channel = (unsigned)sqlite3_column_int(st, 8);
		col(st, 9, row.window, sizeof(row.window));
		if ((r = fn(&row, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = tc_sqlfile_err(
		    &l->f, rc, "reading the report", err, errlen);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&l->f.mu);
	return r;
}

int64_t
tc_ledger_count(struct tc_ledger *l)
{
	int64_t n = -1;

	if (l == NULL)
		return -1;
	pthread_mutex_lock(&l->f.mu);
	if (tc_sqlfile_int(&l->f, "SELECT count(*) FROM uses", &n, NULL, 0) !=
	    0)
		n = -1;
	pthread_mutex_unlock(&l->f.mu);
	return n;
}
