/* SPDX-License-Identifier: MIT */
/*
 * The session of a tcard-issuer command (issuer/session.h): opening the
 * home with its registry, programmes and holidays, signing the operator
 * in, and the transaction around one library action. One type for the
 * application and the card commands, which each had their own.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "home.h"
#include "operator.h"
#include "session.h"
#include "tcard/err.h"

int
tc_session_open(struct tc_session *s, const char *home_opt, const char *as,
    unsigned roles, unsigned flags)
{
	char path[4200], err[512] = "";
	const char *home;
	int r, status;

	memset(s, 0, sizeof(*s));
	s->roles = roles;
	if ((home = tc_cli_home(home_opt)) == NULL)
		return TC_EXIT_USAGE;
	snprintf(s->home, sizeof(s->home), "%s", home);
	if ((s->now = tc_cli_now()) == (time_t)-1)
		return TC_EXIT_USAGE;
	if ((flags & TC_SESSION_NEED_AS) && (as == NULL || *as == '\0'))
		return tc_cli_usage(
		    "this command needs --as NAME: the operator who does it");
	if ((status = tc_issuer_open(home, NULL, &s->reg, 0)) != TC_EXIT_OK)
		return status;
	if ((status = tc_issuer_programmes(home, &s->progs)) != TC_EXIT_OK)
		goto fail;
	if (flags & TC_SESSION_WORKDAYS) {
		snprintf(path, sizeof(path), "%s/%s", home,
		    TC_SESSION_HOLIDAYS_FILE);
		if ((r = tc_workdays_load(&s->wd, path, err, sizeof(err))) !=
		    0) {
			status = tc_cli_fail(r, "holidays", err);
			if (status == TC_EXIT_REFUSED)
				status = TC_EXIT_ENV;
			goto fail;
		}
	}
	if (as != NULL) {
		if ((status = tc_issuer_authenticate(
			 s->reg, as, roles, &s->op)) != TC_EXIT_OK)
			goto fail;
		s->authed = 1;
	}
	s->c.reg = s->reg;
	s->c.programmes = s->progs;
	s->c.workdays = s->wd;
	s->c.operator_name = s->authed ? s->op.name : "system";
	s->c.now = s->now;
	return TC_EXIT_OK;
fail:
	tc_session_close(s);
	return status;
}

int
tc_session_open_as(struct tc_session *s, const char *home_opt, const char *as,
    unsigned roles, unsigned flags)
{
	if (as == NULL)
		return tc_cli_usage(
		    "this command needs --as NAME: the operator who does it");
	return tc_session_open(s, home_opt, as, roles, flags);
}

void
tc_session_close(struct tc_session *s)
{
	tc_registry_close(s->reg);
	tc_programme_set_free(s->progs);
	tc_workdays_free(s->wd);
	s->reg = NULL;
	s->progs = NULL;
	s->wd = NULL;
}

int
tc_session_begin(struct tc_session *s)
{
	char err[512] = "";
	int r, status;

	if ((r = tc_registry_begin(s->reg, err, sizeof(err))) != 0)
		return tc_cli_fail(r, "registry", err);
	if (s->authed &&
	    (status = tc_issuer_operator_recheck(s->reg, &s->op, s->roles)) !=
		TC_EXIT_OK) {
		tc_registry_rollback(s->reg);
		return status;
	}
	return TC_EXIT_OK;
}

int
tc_session_end(struct tc_session *s, int r, const char *what, const char *err)
{
	char cerr[512] = "";

	if (r != 0) {
		tc_registry_rollback(s->reg);
		return tc_cli_fail(r, what, err);
	}
	if ((r = tc_registry_commit(s->reg, cerr, sizeof(cerr))) != 0)
		return tc_cli_fail(r, "commit", cerr);
	return TC_EXIT_OK;
}
