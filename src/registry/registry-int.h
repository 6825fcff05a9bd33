/* SPDX-License-Identifier: MIT */
/*
 * Private to src/registry/ (src/README.md): the registry handle, its cache
 * of prepared statements, the column readers and the error mapping that
 * every file executing SQL on the registry shares. Defined in
 * src/registry/registry.c; the other files of the folder (the audit log,
 * operators, applications, the card lifecycle, chips, e-cards, serials)
 * use it, and registry.c uses none of them but the one migration step of
 * app-int.h. Not installed; scripts/run-tests fails when a file outside
 * the folder includes it (the white-box unit tests of the folder's modules,
 * tests/unit/test-registry.c and test-operator.c, excepted).
 */
#ifndef TCARD_REGISTRY_INT_H
#define TCARD_REGISTRY_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "tcard/registry.h"

/* The hot statements, prepared on first use and kept until close. */
enum tc_reg_stmt {
	TC_REG_HOLDER_INSERT,
	TC_REG_HOLDER_FIND,
	TC_REG_HOLDER_GET,
	TC_REG_CARD_INSERT,
	TC_REG_CARD_BY_SERIAL,
	TC_REG_CARD_BY_NO,
	TC_REG_CARD_SET_STATUS,
	TC_REG_AUDIT_LAST,
	TC_REG_AUDIT_INSERT,
	TC_REG_AUDIT_FROM,
	TC_REG_STMT_COUNT
};

/*
 * A statement kept prepared by tc_reg_prepare, under its SQL text (a
 * copy), busy while a caller holds it (until tc_reg_finalize).
 */
struct tc_reg_kept {
	char *sql;
	sqlite3_stmt *st;
	int busy;
};

/* Statements kept per registry (a queue's, a page's, a review's worth). */
#define TC_REG_KEPT 48

struct tc_registry {
	sqlite3 *db;
	char *path;
	struct tc_registry_keys keys;
	uint8_t audit_key[TC_AUDIT_MAC_LEN]; /* derived from data_key */
	sqlite3_stmt *stmt[TC_REG_STMT_COUNT];
	struct tc_reg_kept kept[TC_REG_KEPT]; /* tc_reg_prepare's cache */
	unsigned kept_next;		      /* the slot to reuse next */
	int version;			      /* user_version after migration */
	int in_tx;			      /* tc_registry_begin was called */
	int dirty;   /* the open transaction changed data */
	int audited; /* ... and appended an audit entry */
};

/*
 * The names of an enum whose values run from 1 to n - 1, names[v] naming
 * v (names[0] unused). tc_reg_name returns the name of v, or NULL for a
 * value out of range; tc_reg_name_parse stores in *v the value s names
 * and returns 0, or returns TC_ERR_INVALID_ARG (s NULL or no name).
 */
#define TC_REG_NAMES(a) ((int)(sizeof(a) / sizeof((a)[0])))
const char *tc_reg_name(const char *const *names, int n, int v);
int tc_reg_name_parse(const char *const *names, int n, const char *s, int *v);

/*
 * The migration step that takes a registry to schema version (1 to
 * TC_REGISTRY_SCHEMA_VERSION), as released, or NULL for another version.
 * For the white-box tests that make a file as an older program left it.
 */
const char *tc_reg_migration(int version);

/*
 * The refusal of a call missing an argument it needs (a NULL handle,
 * record or callback): TC_ERR_INVALID_ARG, err "missing argument".
 */
int tc_reg_no_arg(char *err, size_t errlen);

/*
 * Returns in *st the cached statement which, prepared on first use, reset
 * and with its bindings cleared. Returns 0 or a database error.
 */
int tc_reg_stmt(struct tc_registry *reg, enum tc_reg_stmt which,
    sqlite3_stmt **st /* OUT */, char *err, size_t errlen);

/*
 * Refuses (TC_ERR_STATE, naming what) unless a transaction opened by
 * tc_registry_begin is open: every change runs inside one.
 */
int tc_reg_need_tx(
    struct tc_registry *reg, const char *what, char *err, size_t errlen);

/*
 * A prepared statement of sql, with the registry's error reporting (*st
 * NULL on error). Statements are kept prepared under their text and
 * handed out again, reset and unbound, when the caller gives them back
 * with tc_reg_finalize: preparing was a third of the office monitor's
 * time per page (docs/performance.md). A text already in use by another
 * caller (a nested query) gets a statement of its own.
 */
int tc_reg_prepare(struct tc_registry *reg, const char *sql, sqlite3_stmt **st,
    char *err, size_t errlen);

/*
 * Gives st back (NULL is ignored): a kept statement is reset, unbound
 * and kept for the next tc_reg_prepare of its text; another one is
 * finalized. Every statement of the registry ends here, never in
 * sqlite3_finalize.
 */
void tc_reg_finalize(struct tc_registry *reg, sqlite3_stmt *st);

/*
 * Copies TEXT column col into dst (dstlen bytes with the NUL); a NULL gives
 * "" when nullok. Returns 0, or TC_ERR_MALFORMED for another type, an
 * embedded NUL or a value too long: a registry row edited outside the
 * program is refused, never truncated.
 */
int tc_reg_col_text(
    sqlite3_stmt *st, int col, char *dst, size_t dstlen, int nullok);

/* INTEGER column col into *v (NULL gives 0 when nullok); 0 or TC_ERR_MALFORMED. */
int tc_reg_col_int(sqlite3_stmt *st, int col, int nullok, int64_t *v);

/*
 * Maps the SQLite result rc to a TC_ERR_* code and writes
 * "PATH: what: SQLite's message" to err. SQLITE_BUSY and SQLITE_LOCKED give
 * TC_ERR_DB_BUSY, unique and primary key violations TC_ERR_EXISTS, other
 * constraints TC_ERR_CONSTRAINT, SQLITE_NOMEM TC_ERR_NOMEM, the rest
 * TC_ERR_DB.
 */
int tc_reg_dberr(struct tc_registry *reg, int rc, const char *what, char *err,
    size_t errlen);

/*
 * Runs st, a statement that returns no rows, and finalises it. On success
 * marks the open transaction changed (reg->dirty) and returns 0; otherwise
 * returns tc_reg_dberr(reg, rc, what, ...). st is finalised either way.
 */
int tc_reg_run(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen);

/*
 * Optional parameters: binds s (static, or alive until st is finalised) or
 * v to parameter col of st, or leaves it NULL when s is NULL or v is 0 (no
 * serial, no id).
 */
void tc_reg_bind_opt_text(sqlite3_stmt *st, int col, const char *s);
void tc_reg_bind_opt_id(sqlite3_stmt *st, int col, int64_t v);

/*
 * Binds the arguments that follow types to parameters 1, 2, ... of st, one
 * letter of types a parameter: 'i' an int64_t, 'd' an int, 'I' an int64_t
 * left NULL when 0 (no serial, no id), 't' a const char * (static, or
 * alive until st is finalised; NULL leaves the parameter NULL), 'T' a
 * const char * copied by SQLite, 'b' a const void * and a size_t (a blob),
 * '-' nothing (the parameter stays NULL). The arguments must have exactly
 * these types: cast time_t and int serials to int64_t. Returns 0, or
 * TC_ERR_INVALID_ARG (nothing bound) when types has not one letter a
 * parameter of st.
 */
int tc_reg_bind(sqlite3_stmt *st, const char *types, ...);

/*
 * tc_reg_prepare, then tc_reg_bind of the arguments after types: *st is
 * ready to step (the caller finalises it), or NULL with an error returned
 * (TC_ERR_INVALID_ARG for a types string that does not fit the SQL).
 */
int tc_reg_query(struct tc_registry *reg, const char *sql,
    sqlite3_stmt **st /* OUT */, char *err, size_t errlen, const char *types,
    ...);

/*
 * Prepares sql, binds as tc_reg_bind and runs it as tc_reg_run (a
 * statement that returns no rows; what names it in an error). Returns 0 or
 * the error.
 */
int tc_reg_exec(struct tc_registry *reg, const char *sql, const char *what,
    char *err, size_t errlen, const char *types, ...);

/*
 * Rewrites rows, for the migrations: prepares the query select and the
 * statement update, then for each row of select calls row(reg, q, up, ...)
 * with q on that row and up reset, its bindings cleared; row binds and
 * runs up. A nonzero return of row stops and is returned; reading names
 * select in a database error. Returns 0 or the error.
 */
int tc_reg_rewrite(struct tc_registry *reg, const char *select,
    const char *update,
    int (*row)(struct tc_registry *reg, sqlite3_stmt *q, sqlite3_stmt *up,
	char *err, size_t errlen),
    const char *reading, char *err, size_t errlen);

/*
 * Ends a walk over the rows of st: rc is the last sqlite3_step result and
 * r the walk's own (0, or the error that stopped it). Finalises st and
 * returns r, or, when the walk ran out on an error rather than at the last
 * row, tc_reg_dberr(reg, rc, what, ...).
 */
int tc_reg_rows_end(struct tc_registry *reg, sqlite3_stmt *st, int rc, int r,
    const char *what, char *err, size_t errlen);

/*
 * Steps st, a query whose one row holds an INTEGER (a COUNT), stores it in
 * *n and finalises st. Returns 0 or tc_reg_dberr(reg, rc, what, ...).
 */
int tc_reg_count(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    int64_t *n /* OUT */, char *err, size_t errlen);

/*
 * Steps st, a query bound by the caller, to the one row it selects.
 * Returns 0 with st on that row (the caller reads it, then finalises st),
 * or finalises st and returns TC_ERR_NOT_FOUND when there is no row (with
 * the message missing formats; err untouched when missing is NULL) or
 * tc_reg_dberr(reg, rc, what, ...).
 */
int tc_reg_one_row(struct tc_registry *reg, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen, const char *missing, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Prepares sql, binds id to ?1 and steps to the one row it selects. Returns
 * 0 with *st on that row (the caller reads it, then finalises *st), or,
 * with *st NULL: TC_ERR_NOT_FOUND when there is no row, with the message
 * missing formats ("no application %lld"), a preparation error, or
 * tc_reg_dberr(reg, rc, what, ...).
 */
int tc_reg_row_by_id(struct tc_registry *reg, const char *sql, int64_t id,
    const char *what, sqlite3_stmt **st /* OUT */, char *err, size_t errlen,
    const char *missing, ...) __attribute__((format(printf, 8, 9)));

#endif
