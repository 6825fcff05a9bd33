/* SPDX-License-Identifier: MIT */
/*
 * One tcard-issuer command's session, the same for the application
 * commands (app-cli.h) and the card commands (card-cli.h): the home
 * directory, its registry and programmes, the holidays file when the
 * command counts working days, the clock and the acting operator, and the
 * transaction around one library action. Every function prints its
 * failures and returns an exit status (common/cli.h).
 */
#ifndef TCARD_ISSUER_SESSION_H
#define TCARD_ISSUER_SESSION_H

#include <time.h>

#include "tcard/application.h"
#include "tcard/operator.h"
#include "tcard/programme.h"
#include "tcard/registry.h"
#include "tcard/workday.h"

/* tc_session_open flags. */
#define TC_SESSION_WORKDAYS (1u << 0) /* load HOME/holidays.txt if there */
#define TC_SESSION_NEED_AS  (1u << 1) /* no --as NAME is a usage error */

/* The holidays file inside HOME. */
#define TC_SESSION_HOLIDAYS_FILE "holidays.txt"

struct tc_session {
	struct tc_registry *reg;
	struct tc_programme_set *progs;
	struct tc_workdays *wd; /* with TC_SESSION_WORKDAYS, else NULL */
	struct tc_operator op;	/* valid when authed */
	unsigned roles;		/* the roles the command needs (0: any) */
	int authed;
	time_t now;
	struct tc_app_ctx c; /* reg, programmes, workdays, operator, now */
	char home[4096];
};

/*
 * Opens the home given by home_opt or $TCARD_HOME: the registry, the
 * programmes, the clock and, with TC_SESSION_WORKDAYS, HOME/holidays.txt
 * when present. With as != NULL the operator is authenticated (passphrase
 * from $TCARD_PASSPHRASE or a prompt) and must hold one of roles (0: any
 * role; who may do what is otherwise the library's decision). With
 * TC_SESSION_NEED_AS a missing as is a usage error. Returns an exit
 * status; on failure everything is closed again.
 */
int tc_session_open(struct tc_session *s, const char *home_opt, const char *as,
    unsigned roles, unsigned flags);

/*
 * tc_session_open for a command that acts as an operator: a missing as
 * (--as NAME) is its first usage error, before the home is looked for.
 */
int tc_session_open_as(struct tc_session *s, const char *home_opt,
    const char *as, unsigned roles, unsigned flags);

/* Closes what tc_session_open opened. */
void tc_session_close(struct tc_session *s);

/*
 * Begins a transaction and, when an operator signed in, checks again that
 * it may act (not disabled meanwhile). Returns an exit status.
 */
int tc_session_begin(struct tc_session *s);

/*
 * Ends the transaction begun by tc_session_begin: commits when r is 0,
 * else rolls back and prints "what: err". Returns an exit status.
 */
int tc_session_end(
    struct tc_session *s, int r, const char *what, const char *err);

#endif
